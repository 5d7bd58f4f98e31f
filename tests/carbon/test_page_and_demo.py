import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carbon import demo, services
from carbon.models import Usage, UsageType
from members import demo as members_demo
from members.models import User
from tests.carbon.factories import UsageFactory, UsageTypeFactory
from tests.members.factories import UserFactory

GENERATED = re.compile(r"generated password \(shown once, store it now\): (\S+)", re.IGNORECASE)


def test_page_requires_a_session(client, db):
    response = client.get("/carbon/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/carbon/"


def test_page_shows_the_chart_and_latest_usages(client, user):
    UsageFactory(user=user, usage_at=timezone.now() - timedelta(days=3))
    client.force_login(user)
    response = client.get("/carbon/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert html.count('class="bar"') == 1
    assert "electricity" in html
    assert "<script" not in html


def test_page_with_no_usages(client, user):
    client.force_login(user)
    assert "No usages yet" in client.get("/carbon/").content.decode()


def test_demo_seed_is_idempotent(db):
    members_demo.seed()
    first = demo.seed()
    count = Usage.objects.count()
    second = demo.seed()
    assert count >= 4 * 12
    assert Usage.objects.count() == count
    assert first.startswith(f"{count} demo usages added")
    assert second.startswith("0 demo usages added")


def test_page_shows_who_is_signed_in_and_a_logout_button(client, user):
    client.force_login(user)
    html = client.get("/carbon/").content.decode()
    assert f"Signed in as {user.real_name}" in html
    assert '<form class="who" method="post" action="/accounts/logout/">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_demo_member_gets_a_year_of_usages(db):
    members_demo.seed()
    demo.seed()
    member = members_demo.login_member()
    months = {
        u.usage_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
        for u in Usage.objects.filter(user=member)
    }
    assert len(months) >= 11  # 11 right after midnight on the 1st
    assert Usage.objects.filter(user=member).count() >= 4 * 11


def test_seed_demo_prints_the_demo_password_once_and_keeps_the_member(db, monkeypatch):
    monkeypatch.delenv("DEMO_MEMBER_PASSWORD", raising=False)
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    password = GENERATED.findall(first.getvalue())
    member = members_demo.login_member()
    assert len(password) == 2  # the admin's and the demo member's, next to each other
    assert member.check_password(password[1])
    assert 'login demo member "demo" created' in first.getvalue()
    assert GENERATED.findall(second.getvalue()) == []
    assert 'login demo member "demo" already there' in second.getvalue()
    assert User.objects.filter(username__iexact="demo").count() == 1
    assert members_demo.login_member() == member


def test_demo_member_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_MEMBER_PASSWORD", "carbon-demo-passphrase-31")
    summary = members_demo.seed()
    assert "password from DEMO_MEMBER_PASSWORD" in summary
    assert "carbon-demo-passphrase-31" not in summary
    assert members_demo.login_member().check_password("carbon-demo-passphrase-31")


def test_a_weak_demo_member_password_is_refused_and_nothing_made(db, monkeypatch):
    monkeypatch.setenv("DEMO_MEMBER_PASSWORD", "password")
    assert "DEMO_MEMBER_PASSWORD refused" in members_demo.login_member_seed()
    assert members_demo.login_member() is None
    assert not User.objects.filter(username="demo").exists()


@pytest.mark.parametrize("taken", ["demo", "DEMO"])
def test_a_users_own_demo_account_is_never_adopted(db, taken):
    own = UserFactory(username=taken)
    members_demo.seed()
    demo.seed()
    member = members_demo.login_member()
    assert member.username == "demo-member-2"
    assert member.pk != own.pk
    assert not Usage.objects.filter(user=own).exists()
    assert Usage.objects.filter(user=member).exists()


def test_a_deleted_demo_member_is_made_again(db):
    members_demo.seed()
    members_demo.login_member().delete()
    assert 'login demo member "demo" created' in members_demo.login_member_seed()


def test_a_user_usage_type_named_like_a_demo_one_does_not_disturb_the_seed(db):
    own = UsageTypeFactory(name="electricity", unit="mwh", factor=Decimal("2"))
    members_demo.seed()
    first = demo.seed()
    assert "0 members already had usages" in first
    assert not Usage.objects.filter(usage_type=own).exists()
    assert demo.seed().startswith("0 demo usages added")


def test_the_demo_gives_electricity_a_second_version_with_usages_on_both_sides(db):
    members_demo.seed()
    first = demo.seed()
    second = demo.seed()
    valid_from = demo.greener_grid_valid_from(timezone.now())
    electricity = UsageType.objects.get(pk=100)
    versions = list(electricity.factors.values_list("valid_from", "factor", "source"))
    assert versions[-1] == (valid_from, Decimal("1.2"), "demo: greener grid mix")
    assert len(versions) == 2
    assert f"Electricity factor 1.2 from {valid_from} added" in first
    assert "Electricity factor" not in second
    usages = Usage.objects.filter(usage_type=electricity)
    before = usages.filter(usage_at__date__lt=valid_from)
    after = usages.filter(usage_at__date__gte=valid_from)
    assert set(before.values_list("factor", flat=True)) == {Decimal("1.5")}
    assert set(after.values_list("factor", flat=True)) == {Decimal("1.2")}
    assert before.count() >= 4 * 5 and after.count() >= 4 * 5
    assert electricity.factors.count() == 2  # the second seed added none


def test_the_demo_leaves_a_version_someone_added_on_that_date_alone(db, superuser):
    valid_from = demo.greener_grid_valid_from(timezone.now())
    electricity = UsageType.objects.get(pk=100)
    services.emission_factor_add(
        usage_type=electricity, factor=Decimal("0.9"), valid_from=valid_from, actor=superuser
    )
    members_demo.seed()
    demo.seed()
    assert list(electricity.factors.values_list("factor", flat=True)) == [
        Decimal("1.5"),
        Decimal("0.9"),
    ]
