"""Low-stock and expiry alerts by email: what the people on INVENTORY_ALERT_EMAILS receive.

Most tests read Django's in-memory outbox (pytest-django's locmem backend); the SMTP ones
deliver through a real server on 127.0.0.1 (aiosmtpd) and read what it received.
"""

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import Retry
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.urls import path, reverse
from django.utils import timezone

import inventory.admin_alerts  # noqa: F401  (registers its page, as inventory/admin.py will)
from config.email import SMTP_BACKEND
from inventory import alerts
from inventory.models import Item, StockAlert
from inventory.services import stock_report_generate
from inventory.tasks import stock_alerts_send, stock_alerts_unsent_send
from tests.inventory.conftest import postgres_only
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.inventory.test_concurrency import run_together

RECIPIENTS = ["stock@example.com", "buyer@example.com"]
# The admin's URLs, built after inventory.admin_alerts registered its page (the project's
# URLconf may have been loaded before this module was imported).
urlpatterns = [path("admin/", admin.site.urls)]


@pytest.fixture(autouse=True)
def _recipients(settings):
    settings.INVENTORY_ALERT_EMAILS = RECIPIENTS
    settings.STOCK_LIST_EXPIRY_DAYS = 7


def buy(client, customer, item, quantity: int):
    url = reverse("customer-purchase", args=[customer.pk])
    return client.post(url, [{"item": item.pk, "quantity": quantity}], format="json")


@pytest.fixture
def buy_committed(staff_client, django_capture_on_commit_callbacks):
    """A purchase through the API whose after-commit work (the alert) runs, as in production."""

    def purchase(customer, item, quantity: int):
        with django_capture_on_commit_callbacks(execute=True):
            response = buy(staff_client, customer, item, quantity)
        assert response.status_code == 201, response.content
        return response

    return purchase


def alerted_names(message) -> set[str]:
    return {line[2:].split(" [")[0] for line in message.body.splitlines() if line.startswith("- ")}


# --- Low stock, through the purchase API -----------------------------------------------------


def test_a_purchase_that_reaches_the_reorder_level_sends_one_email_naming_the_item(
    buy_committed, customer
):
    item = ItemFactory(name="Lamp oil", sku="LO-1", quantity=12, reorder_level=10)
    buy_committed(customer, item, 2)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Backoffice] Low stock: 1 item"
    assert message.to == RECIPIENTS
    assert message.from_email == "Backoffice <backoffice@localhost>"
    assert "- Lamp oil [LO-1]" in message.body
    assert "10 in stock, reorder at 10" in message.body
    assert f"/admin/inventory/item/{item.pk}/change/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Lamp oil" in html
    alert = StockAlert.objects.get()
    assert (alert.item_id, alert.kind, alert.day) == (item.pk, "low_stock", timezone.localdate())
    assert alert.sent_at is not None


def test_one_email_lists_every_item_the_purchase_took_low(
    staff_client, customer, django_capture_on_commit_callbacks
):
    low = ItemFactory.create_batch(2, quantity=11, reorder_level=10)
    fine = ItemFactory(quantity=100, reorder_level=10)
    body = [{"item": item.pk, "quantity": 1} for item in [*low, fine]]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("customer-purchase", args=[customer.pk]), body, format="json"
        )
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Backoffice] Low stock: 2 items"
    assert alerted_names(mail.outbox[0]) == {item.name for item in low}


def test_a_second_purchase_the_same_day_sends_nothing_for_that_item(buy_committed, customer):
    item = ItemFactory(quantity=12, reorder_level=10)
    buy_committed(customer, item, 3)
    buy_committed(CustomerFactory(), item, 1)
    assert len(mail.outbox) == 1
    assert StockAlert.objects.count() == 1


def test_the_next_day_a_purchase_alerts_again(buy_committed, customer, time_machine):
    item = ItemFactory(quantity=12, reorder_level=10)
    time_machine.move_to(datetime(2026, 12, 2, 9, tzinfo=UTC))
    buy_committed(customer, item, 3)
    time_machine.move_to(datetime(2026, 12, 3, 9, tzinfo=UTC))
    buy_committed(CustomerFactory(), item, 1)
    assert len(mail.outbox) == 2
    assert sorted(StockAlert.objects.values_list("day", flat=True)) == [
        datetime(2026, 12, 2).date(),
        datetime(2026, 12, 3).date(),
    ]


def test_a_purchase_that_leaves_stock_above_the_level_sends_nothing(buy_committed, customer):
    item = ItemFactory(quantity=20, reorder_level=10)
    buy_committed(customer, item, 9)
    assert mail.outbox == []
    assert not StockAlert.objects.exists()


def test_without_recipients_nothing_is_sent_or_recorded(buy_committed, customer, settings):
    settings.INVENTORY_ALERT_EMAILS = []
    item = ItemFactory(quantity=12, reorder_level=10)
    buy_committed(customer, item, 5)
    assert mail.outbox == []
    assert not StockAlert.objects.exists()


def test_items_deleted_or_restocked_before_the_send_are_left_out(db):
    low = ItemFactory(name="Still low", quantity=3, reorder_level=10)
    restocked = ItemFactory(quantity=50, reorder_level=10)
    sent = alerts.stock_alerts_send(kind="low_stock", item_ids=[low.pk, restocked.pk, 999_999])
    assert [alert.item_id for alert in sent] == [low.pk]
    assert alerted_names(mail.outbox[0]) == {"Still low"}
    assert list(StockAlert.objects.values_list("item_id", flat=True)) == [low.pk]


# --- Expiring soon, from the stock list ------------------------------------------------------


@pytest.fixture
def expiring(db):
    today = timezone.localdate()
    return [
        ItemFactory(name="Milk", expiry_date=today + timedelta(days=2)),
        ItemFactory(name="Yoghurt", expiry_date=today + timedelta(days=7)),
        ItemFactory(name="Cheese", expiry_date=today + timedelta(days=20)),  # outside the window
    ]


def test_the_stock_list_emails_the_items_expiring_within_the_window_once_a_day(
    expiring, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stock_report_generate()
    with django_capture_on_commit_callbacks(execute=True):
        stock_report_generate()  # a rerun the same day
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Backoffice] Expiring within 7 days: 2 items"
    assert alerted_names(message) == {"Milk", "Yoghurt"}
    assert f"expires {expiring[0].expiry_date:%Y-%m-%d}" in message.body
    assert set(StockAlert.objects.values_list("kind", flat=True)) == {"expiring"}


def test_a_wider_list_on_demand_still_alerts_for_the_settings_window_only(
    expiring, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_stock_list", "--days", "30", "--output", str(tmp_path / "l.txt"))
    assert alerted_names(mail.outbox[0]) == {"Milk", "Yoghurt"}


def test_the_generate_stock_list_command_sends_the_expiring_email_and_a_rerun_none(
    expiring, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("generate_stock_list")
    assert [message.subject for message in mail.outbox] == [
        "[Backoffice] Expiring within 7 days: 2 items"
    ]


def test_a_stock_list_with_nothing_expiring_sends_nothing(db, django_capture_on_commit_callbacks):
    ItemFactory(quantity=1, reorder_level=10)  # low stock is the movements' alert, not the list's
    with django_capture_on_commit_callbacks(execute=True):
        stock_report_generate()
    assert mail.outbox == []


# --- Two senders at once ---------------------------------------------------------------------


@postgres_only
@pytest.mark.postgres
def test_concurrent_senders_for_the_same_items_send_one_email(transactional_db):
    items = ItemFactory.create_batch(3, quantity=2, reorder_level=10)
    ids = [item.pk for item in items]

    def send():
        return alerts.stock_alerts_send(kind="low_stock", item_ids=ids)

    results = run_together([send] * 6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 0, 3]
    assert len(mail.outbox) == 1
    assert StockAlert.objects.filter(sent_at__isnull=False).count() == 3


# --- A real SMTP server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps each message it accepts; refuses every recipient when told."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refused: list[str] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            self.refused.append(address)
            return "550 5.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_settings.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# transactional_db: the purchase commits for real, so the alert runs inside the request (eager
# tasks, no broker), exactly where a failure could turn the purchase into a 500.


def test_the_alert_is_delivered_through_smtp(transactional_db, smtp_server, staff_client):
    customer = CustomerFactory()
    item = ItemFactory(name="Lamp oil", sku="LO-1", quantity=11, reorder_level=10)
    assert buy(staff_client, customer, item, 1).status_code == 201
    [received] = smtp_server.messages
    assert received["Subject"] == "[Backoffice] Low stock: 1 item"
    assert received["To"] == ", ".join(RECIPIENTS)
    assert received["From"] == "Backoffice <backoffice@localhost>"
    assert "- Lamp oil [LO-1]" in text_of(received)
    assert StockAlert.objects.get().sent_at is not None


@pytest.mark.parametrize("failure", ["refused", "down"])
def test_a_failing_mail_server_never_fails_the_purchase_and_the_alert_goes_out_later(
    transactional_db, smtp_server, smtp_settings, staff_client, caplog, failure
):
    customer = CustomerFactory()
    item = ItemFactory(name="Lamp oil", quantity=15, reorder_level=10)
    port = smtp_settings.EMAIL_PORT
    smtp_server.refuse = failure == "refused"
    if failure == "down":
        smtp_settings.EMAIL_PORT = free_port()

    response = buy(staff_client, customer, item, 5)

    assert response.status_code == 201
    assert Item.objects.get(pk=item.pk).quantity == 10
    assert StockAlert.objects.get().sent_at is None  # recorded, not sent
    assert "could not send the low_stock alert" in caplog.text
    # Tried once, not in a tight loop inside the request (no worker: no backoff to wait for).
    assert smtp_server.refused == (RECIPIENTS if failure == "refused" else [])

    smtp_server.refuse = False
    smtp_settings.EMAIL_PORT = port
    # The next low-stock movement of the item sends it; a retry of the task afterwards, none.
    assert buy(staff_client, CustomerFactory(), item, 1).status_code == 201
    stock_alerts_send.delay(kind="low_stock", item_ids=[item.pk])

    assert len(smtp_server.messages) == 1
    assert "- Lamp oil" in text_of(smtp_server.messages[0])
    assert StockAlert.objects.get().sent_at is not None


def test_a_worker_retries_a_failed_send_with_backoff(db, smtp_down, monkeypatch):
    item = ItemFactory(quantity=3, reorder_level=10)
    requeued = []
    monkeypatch.setattr(
        stock_alerts_send, "apply_async", lambda *args, **kwargs: requeued.append(kwargs)
    )
    # As a worker runs it (not eagerly): the third attempt fails and schedules the fourth.
    stock_alerts_send.push_request(
        id="alert-task", retries=2, is_eager=False, called_directly=False
    )
    try:
        with pytest.raises(Retry):
            stock_alerts_send.run(kind="low_stock", item_ids=[item.pk])
    finally:
        stock_alerts_send.pop_request()
    [options] = requeued
    assert 1 <= options["countdown"] <= 60 * 2**2
    assert StockAlert.objects.get().sent_at is None


# --- The admin -------------------------------------------------------------------------------


def test_the_admin_lists_alerts_and_filters_the_unsent(superuser_client, settings):
    settings.ROOT_URLCONF = __name__
    sent, unsent = ItemFactory(name="Sent one"), ItemFactory(name="Unsent one")
    today = timezone.localdate()
    StockAlert.objects.create(item=sent, kind="low_stock", day=today, sent_at=timezone.now())
    StockAlert.objects.create(item=unsent, kind="expiring", day=today)
    url = reverse("admin:inventory_stockalert_changelist")
    assert superuser_client.get(url).status_code == 200
    page = superuser_client.get(url, {"sent": "no"}).content.decode()
    assert "Unsent one" in page
    assert "Sent one" not in page
    alert = StockAlert.objects.get(item=sent)
    change = superuser_client.get(reverse("admin:inventory_stockalert_change", args=[alert.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content  # read-only


# --- the sweep: today's unsent alerts go out, once --------------------------------------------


def test_the_sweep_sends_todays_unsent_alerts_once(
    transactional_db, smtp_server, smtp_settings, staff_client
):
    customer = CustomerFactory()
    item = ItemFactory(name="Lamp oil", quantity=15, reorder_level=10)
    smtp_server.refuse = True
    assert buy(staff_client, customer, item, 5).status_code == 201
    assert StockAlert.objects.get().sent_at is None
    smtp_server.refuse = False

    stock_alerts_unsent_send.delay()  # what beat runs every 15 minutes
    stock_alerts_unsent_send.delay()

    [received] = smtp_server.messages
    assert "- Lamp oil" in text_of(received)
    assert StockAlert.objects.get().sent_at is not None


def test_the_sweep_leaves_yesterdays_alerts_and_sends_nothing_when_all_went_out(db):
    item = ItemFactory(quantity=1, reorder_level=10)
    StockAlert.objects.create(item=item, kind="low_stock", day=timezone.localdate() - timedelta(1))
    assert stock_alerts_unsent_send.delay().get() == []
    assert mail.outbox == []


def test_the_sweep_is_scheduled_every_fifteen_minutes(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="inventory: send unsent stock alerts")
    assert (task.task, task.interval.every, task.interval.period, task.enabled) == (
        "inventory.tasks.stock_alerts_unsent_send",
        15,
        "minutes",
        True,
    )
