import importlib
import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from inventory import tasks
from inventory.models import StockReport
from inventory.services import stock_report_generate
from tests.inventory.factories import ItemFactory

TODAY = date(2026, 3, 10)
URL = reverse("low-stock-items")


@pytest.fixture
def stock(db):
    return {
        "low": ItemFactory(name="Low", quantity=2, reorder_level=5),
        "at_level": ItemFactory(name="AtLevel", quantity=5, reorder_level=5),
        "fine": ItemFactory(name="Fine", quantity=50, reorder_level=5),
        "expiring": ItemFactory(name="Expiring", expiry_date=TODAY + timedelta(days=7)),
        "today": ItemFactory(name="Today", expiry_date=TODAY),
        "later": ItemFactory(name="Later", expiry_date=TODAY + timedelta(days=8)),
        "expired": ItemFactory(name="Expired", quantity=1, expiry_date=TODAY - timedelta(days=1)),
    }


def names(report, kind) -> list[str]:
    return [line.name for line in report.lines.all() if line.kind == kind]


def test_report_lists_low_expiring_and_expired_items(stock, tmp_path):
    out = tmp_path / "list.txt"
    report = stock_report_generate(days=7, output_path=out, today=TODAY)
    assert names(report, "low_stock") == ["AtLevel", "Expired", "Low"]
    assert names(report, "expiring") == ["Expiring", "Today"]
    assert names(report, "expired") == ["Expired"]
    text = out.read_text()
    assert text == report.text
    assert "LOW STOCK (at or below reorder level): 3" in text
    assert "Low: 2 in stock, reorder at 5" in text
    assert "Expiring" in text
    assert "Later" not in text
    assert "Fine" not in text
    assert "EXPIRED: 1" in text


def test_every_door_defaults_to_the_one_expiry_setting(stock, settings, tmp_path, capsys):
    settings.STOCK_LIST_EXPIRY_DAYS = 8
    report = stock_report_generate(output_path=tmp_path / "a.txt", today=TODAY)
    assert report.days == 8
    assert names(report, "expiring") == ["Expiring", "Later", "Today"]
    call_command("generate_stock_list", "--output", str(tmp_path / "b.txt"))
    assert "expiring within 8 days" in capsys.readouterr().out
    assert StockReport.objects.get(pk=tasks.stock_list_generate.delay().get()).days == 8


def test_report_text_is_not_html_escaped(db, tmp_path):
    ItemFactory(name="Salt & <Pepper>", quantity=0)
    report = stock_report_generate(days=7, output_path=tmp_path / "x.txt", today=TODAY)
    assert "Salt & <Pepper>" in report.text


def test_command_writes_the_file_and_prints_a_summary(stock, tmp_path, capsys):
    out = tmp_path / "sub" / "stock.txt"
    call_command("generate_stock_list", "--days", "30", "--output", str(out))
    assert "Stock list written to" in capsys.readouterr().out
    assert out.exists()
    assert StockReport.objects.get().days == 30


def test_command_defaults_to_stock_list_path(stock, settings):
    call_command("generate_stock_list")
    assert Path(settings.STOCK_LIST_PATH).read_text() == StockReport.objects.get().text


def test_celery_task_calls_the_same_service(stock, settings):
    report_id = tasks.stock_list_generate.delay(days=3).get()
    assert StockReport.objects.get(pk=report_id).days == 3
    assert Path(settings.STOCK_LIST_PATH).exists()


def test_nightly_schedule_exists_at_midnight_in_time_zone(db, settings):
    task = PeriodicTask.objects.get(name="Nightly stock list")
    assert task.task == "inventory.tasks.stock_list_generate"
    assert (task.crontab.minute, task.crontab.hour) == ("0", "0")
    assert str(task.crontab.timezone) == settings.TIME_ZONE
    assert json.loads(task.kwargs) == {"days": 7}
    assert task.enabled


def test_endpoint_generates_a_report_when_none_exists(staff_client, stock):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="stocklist.txt"'
    assert "LOW STOCK" in response.content.decode()
    assert StockReport.objects.count() == 1


def test_endpoint_returns_the_latest_report(staff_client, stock, tmp_path):
    stock_report_generate(days=1, output_path=tmp_path / "a.txt", today=TODAY)
    latest = stock_report_generate(days=2, output_path=tmp_path / "b.txt", today=TODAY)
    response = staff_client.get(URL)
    assert response.content.decode() == latest.text
    assert StockReport.objects.count() == 2


def test_endpoint_json(staff_client, stock, tmp_path, django_assert_num_queries):
    stock_report_generate(days=7, output_path=tmp_path / "a.txt", today=TODAY)
    with django_assert_num_queries(6):  # 2 token auth + report + its lines
        response = staff_client.get(URL, {"format": "json"})
    body = response.json()
    assert [row["name"] for row in body["low_stock"]] == ["AtLevel", "Expired", "Low"]
    assert [row["name"] for row in body["expiring"]] == ["Expiring", "Today"]
    assert [row["name"] for row in body["expired"]] == ["Expired"]
    assert body["days"] == 7


def test_endpoint_unknown_format_is_404(staff_client, db):
    assert staff_client.get(URL, {"format": "xml"}).status_code == 404


@pytest.mark.parametrize("client_name", ["api_client", "auth_client"])
def test_endpoint_is_staff_only(request, client_name, db):
    assert request.getfixturevalue(client_name).get(URL).status_code in (401, 403)


def test_schedule_migration_is_idempotent_and_reversible(db):
    from django.apps import apps

    migration = importlib.import_module("inventory.migrations.0002_stock_list_schedule")
    migration.schedule(apps, None)
    assert PeriodicTask.objects.filter(name="Nightly stock list").count() == 1
    migration.unschedule(apps, None)
    assert not PeriodicTask.objects.filter(name="Nightly stock list").exists()
    migration.schedule(apps, None)
    assert PeriodicTask.objects.filter(name="Nightly stock list").count() == 1


def test_command_creates_a_missing_directory_and_says_so(stock, tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "stock.txt"
    call_command("generate_stock_list", "--output", str(out))
    printed = capsys.readouterr().out
    assert f"Created the missing directory {tmp_path / 'new'}." in printed
    assert out.exists()
    call_command("generate_stock_list", "--output", str(out))
    assert "Created" not in capsys.readouterr().out


def test_command_writes_the_file_readable_by_others_whatever_the_umask(stock, tmp_path):
    out = tmp_path / "stock.txt"
    previous = os.umask(0o077)
    try:
        call_command("generate_stock_list", "--output", str(out))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_command_output_under_a_file_is_a_command_error(stock, tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(CommandError, match=r"Cannot write .*plain/stock\.txt"):
        call_command("generate_stock_list", "--output", str(tmp_path / "plain" / "stock.txt"))
