from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from carbon.models import Usage

HEADER = "usage_type,usage_at,amount,unit\n"


def test_the_command_imports_a_file_for_the_given_member(tmp_path, user, capsys):
    path = tmp_path / "usages.csv"
    path.write_text(HEADER + "100,2024-03-01T08:00:00Z,2.5,MWh\n104,2024-03-02T08:00:00Z,1,\n")
    call_command("import_usages", str(path), "--user", user.pk)
    assert "Imported 2 usages" in capsys.readouterr().out
    assert sorted(Usage.objects.values_list("user_id", "amount")) == [
        (user.pk, Decimal("1")),
        (user.pk, Decimal("2500")),
    ]


def test_the_user_column_names_the_owners(tmp_path, user, other_user):
    path = tmp_path / "usages.csv"
    path.write_text(
        "usage_type;usage_at;amount;user\n"
        f"100;2024-03-01T08:00:00Z;1,5;{user.pk}\n"
        f"100;2024-03-01T09:00:00Z;2;{other_user.pk}\n"
    )
    call_command("import_usages", str(path))
    assert sorted(Usage.objects.values_list("user_id", flat=True)) == sorted(
        [user.pk, other_user.pk]
    )


def test_bad_rows_are_printed_and_nothing_is_saved(tmp_path, user, capsys):
    path = tmp_path / "usages.csv"
    path.write_text(HEADER + "100,2024-03-01T08:00:00Z,1,\n100,2024-03-01,x,\n")
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_usages", str(path), "--user", user.pk)
    err = capsys.readouterr().err
    assert "row 3 usage_at:" in err
    assert "row 3 amount:" in err
    assert not Usage.objects.exists()


def test_the_command_exits_with_1_on_bad_rows(tmp_path, user):
    from django.core.management import execute_from_command_line

    path = tmp_path / "usages.csv"
    path.write_text(HEADER + "100,never,1,\n")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_usages", str(path), "--user", user.pk])
    assert exited.value.code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--user", "W00000000"], "Cannot read"),
        (["{path}"], "user"),
        (["{path}", "--user", "W00000000"], "No member"),
    ],
)
def test_clear_errors_for_a_bad_file_or_user(tmp_path, db, args, message):
    path = tmp_path / "usages.csv"
    path.write_text(HEADER + "100,2024-03-01T08:00:00Z,1,\n")
    args = [arg.format(path=path) for arg in args]
    with pytest.raises(CommandError, match=message):
        call_command("import_usages", *args)
    assert not Usage.objects.exists()
