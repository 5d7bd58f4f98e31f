import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from activity.models import ActivityPeriod
from members.models import User


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("command", ["populate", "populate_UserRecord"])
def test_populate_creates_members_with_three_periods_each(db, command):
    output = _run(command, "4")

    assert User.objects.count() == 4
    assert ActivityPeriod.objects.count() == 12
    assert "Created 4 members and 12 activity periods" in output


def test_populate_defaults_to_ten_members(db):
    _run("populate")

    assert User.objects.count() == 10


def test_populate_periods_option_and_legacy_names(db):
    _run("populate", "3", "--periods", "5", "--legacy-names")

    assert ActivityPeriod.objects.count() == 15
    assert all(
        re.fullmatch(r"[A-Z]{10}", name)
        for name in User.objects.values_list("real_name", flat=True)
    )


def test_populate_seed_gives_the_same_names_and_zones(db):
    _run("populate", "5", "--seed", "7")
    first = sorted(User.objects.values_list("real_name", "tz"))
    User.objects.all().delete()
    _run("populate", "5", "--seed", "7")

    assert sorted(User.objects.values_list("real_name", "tz")) == first


def test_populated_members_cannot_log_in(db):
    _run("populate", "2")

    assert not any(u.has_usable_password() for u in User.objects.all())


def test_insert_user_prints_each_id(db):
    output = _run("insert_user", "3")

    ids = re.findall(r'^User "(W[0-9A-Z]{8})" Created !$', output, flags=re.MULTILINE)
    assert sorted(ids) == sorted(User.objects.values_list("pk", flat=True))
    assert len(ids) == 3
    assert ActivityPeriod.objects.count() == 0


def test_insert_activity_logs_consecutive_hours_ending_now(user):
    output = _run("insert_activity", user.pk, "3")

    periods = list(ActivityPeriod.objects.filter(user=user).order_by("start_time"))
    assert output == f'Random "{user.pk}" activity logged !\n'
    assert [(p.end_time - p.start_time).total_seconds() for p in periods] == [3600.0] * 3
    assert [a.end_time == b.start_time for a, b in itertools.pairwise(periods)] == [True, True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("insert_activity", "WNOSUCHID", "2"), 'No member with id "WNOSUCHID"'),
        (("insert_activity", "{user}", "0"), "from 1 to"),
        (("insert_activity", "{user}", "-4"), "from 1 to"),
        (("insert_activity", "{user}", "many"), "whole number"),
        (("insert_user", "0"), "at least 1"),
        (("insert_user", "two"), "whole number"),
        (("populate", "-1"), "at least 1"),
        (("populate", "3", "--periods", "-1"), "cannot be negative"),
        (("populate", "3", "--seed", "abc"), "whole number"),
    ],
)
def test_bad_input_is_a_command_error_and_writes_nothing(user, args, message):
    args = [arg.format(user=user.pk) for arg in args]

    with pytest.raises(CommandError, match=message):
        _run(*args)

    assert (User.objects.count(), ActivityPeriod.objects.count()) == (1, 0)


@pytest.mark.parametrize(
    "argv",
    [["insert_activity", "WNOSUCHID", "2"], ["insert_activity", "{user}", "x"], ["populate", "0"]],
)
def test_bad_input_exits_with_status_1_from_the_command_line(user, argv, capsys, monkeypatch):
    from django.core.management import base, execute_from_command_line

    # run_from_argv closes every connection when it is done, which would end the test's
    # own transaction on PostgreSQL.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", *[a.format(user=user.pk) for a in argv]])

    assert exit_.value.code == 1
    assert "CommandError" in capsys.readouterr().err
    assert ActivityPeriod.objects.count() == 0


def test_seed_demo_adds_the_sample_members_once(db):
    _run("seed_demo")
    _run("seed_demo")

    egon = User.objects.get(pk="W012A3CDE")
    glinda = User.objects.get(pk="W07QCRPA4")
    assert (egon.real_name, egon.tz) == ("Egon Spengler", "America/Los_Angeles")
    assert (glinda.real_name, glinda.tz) == ("Glinda Southgood", "Asia/Kolkata")
    assert ActivityPeriod.objects.filter(user__in=[egon, glinda]).count() == 6
