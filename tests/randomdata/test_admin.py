import pytest
from django.urls import reverse

from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from randomdata.services import ingest_addresses, ingest_credit_cards, ingest_users
from tests.members.factories import UserFactory
from tests.randomdata.server import fixture_records

pytestmark = pytest.mark.django_db

FULL_NUMBERS = sorted(
    {r["credit_card_number"] for r in fixture_records("credit_cards")}
    | {r["credit_card"]["cc_number"] for r in fixture_records("users")}
)
MODELS = [RandomUser, Address, CreditCard, IngestionRun]


@pytest.fixture
def admin_client(client, upstream):
    ingest_users(size=3)
    ingest_addresses(size=3)
    ingest_credit_cards(size=10)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:randomdata_{model._meta.model_name}_{view}", args=args)


def _pages(model) -> list[str]:
    return [_url(model, "changelist"), _url(model, "change", model.objects.order_by("pk")[0].pk)]


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_render_without_full_card_numbers(admin_client, model):
    digits = [n.replace("-", "") for n in FULL_NUMBERS]
    for url in _pages(model):
        response = admin_client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert [n for n in [*FULL_NUMBERS, *digits] if n in body] == []


def test_cards_show_only_the_last_four(admin_client):
    body = admin_client.get(_url(CreditCard, "changelist")).content.decode()
    assert "•••• 1431" in body
    assert "•••• 2201" in body


def test_user_page_shows_its_address_and_card_inline(admin_client):
    user = RandomUser.objects.order_by("pk")[0]
    body = admin_client.get(_url(RandomUser, "change", user.pk)).content.decode()
    assert user.addresses.get().street_address in body
    assert "•••• 5129" in body


@pytest.mark.parametrize(
    ("model", "query", "shown", "hidden"),
    [
        (Address, "assigned=no", "Marquardttown", "East Lekisha"),
        (Address, "assigned=yes", "East Lekisha", "Marquardttown"),
        (CreditCard, "brand__exact=dankort", "•••• 1211", "•••• 1431"),
        (RandomUser, "gender__exact=Agender", "edgardo", "season"),
        (RandomUser, "q=season", "season", "edgardo"),
    ],
)
def test_admin_filters_and_search(admin_client, model, query, shown, hidden):
    body = admin_client.get(f"{_url(model, 'changelist')}?{query}").content.decode()
    assert shown in body
    assert hidden not in body


@pytest.mark.parametrize("model", MODELS)
def test_ingested_data_is_view_only_in_the_admin(admin_client, model):
    assert admin_client.get(_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_ingested_data_cannot_be_changed_or_deleted_in_the_admin(admin_client, model):
    obj = model.objects.order_by("pk")[0]
    before = model.objects.count()
    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = admin_client.get(_url(model, "changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    admin_client.post(_url(model, "changelist"), bulk)
    assert model.objects.count() == before


@pytest.mark.parametrize("model", MODELS)
def test_ingested_data_can_be_exported_but_offers_no_delete(admin_client, model):
    changelist = admin_client.get(_url(model, "changelist")).content.decode()
    assert 'value="export_as_csv"' in changelist
    assert 'value="delete_selected"' not in changelist


def test_exported_cards_hold_neither_numbers_nor_fingerprints(admin_client):
    cards = list(CreditCard.objects.all())
    data = {"action": "export_as_csv", "_selected_action": [card.pk for card in cards]}

    response = admin_client.post(_url(CreditCard, "changelist"), data)

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "Number,Brand,Expiry date,User,Link method,Updated at"
    assert "•••• 1431" in text
    digits = [n.replace("-", "") for n in FULL_NUMBERS]
    assert [n for n in [*FULL_NUMBERS, *digits] if n in text] == []
    assert [card.fingerprint for card in cards if card.fingerprint in text] == []
