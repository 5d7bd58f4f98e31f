import json
import uuid
from datetime import timedelta

import pytest
from django.core import serializers as django_serializers
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core.exceptions import Conflict, InvalidInput
from randomdata.client import UpstreamBadResponse, UpstreamUnavailable
from randomdata.models import (
    Address,
    CreditCard,
    IngestionLease,
    IngestionRun,
    LinkMethod,
    RandomUser,
)
from randomdata.records import embedded_uid
from randomdata.services import (
    IngestionBusy,
    ingest_addresses,
    ingest_credit_cards,
    ingest_users,
    ingestion_lease,
    random_data_link,
    random_data_unlink,
)
from tests.randomdata.server import fixture_records, make_record, uid_for

pytestmark = pytest.mark.django_db

FULL_NUMBERS = sorted(
    {r["credit_card_number"] for r in fixture_records("credit_cards")}
    | {r["credit_card"]["cc_number"] for r in fixture_records("users")}
)


def _dump() -> str:
    objects = [
        *RandomUser.objects.all(),
        *Address.objects.all(),
        *CreditCard.objects.all(),
        *IngestionRun.objects.all(),
    ]
    return django_serializers.serialize("json", objects)


def _counts() -> tuple[int, int, int]:
    return RandomUser.objects.count(), Address.objects.count(), CreditCard.objects.count()


def test_users_are_stored_with_their_embedded_address_and_card(upstream):
    run = ingest_users(size=5)
    assert (run.status, run.requested, run.created, run.updated, run.skipped) == (
        "succeeded",
        5,
        5,
        0,
        0,
    )
    assert _counts() == (5, 5, 5)
    user = RandomUser.objects.get(uid=uid_for("users", 0))
    address = user.addresses.get()
    card = user.credit_cards.get()
    assert address.uid == embedded_uid(user.uid, "address")
    assert address.link_method == card.link_method == LinkMethod.EMBEDDED
    assert card.last4 == "5129"
    assert len(card.fingerprint) == 64


def test_secrets_and_full_numbers_are_not_stored(upstream):
    ingest_users(size=6)
    ingest_credit_cards(size=10)
    dump = _dump()
    secrets = [r["password"] for r in fixture_records("users")] + [
        r["social_insurance_number"] for r in fixture_records("users")
    ]
    digits = [n.replace("-", "") for n in FULL_NUMBERS]
    assert [s for s in [*FULL_NUMBERS, *digits, *secrets] if s in dump] == []


def test_second_fetch_of_the_same_records_creates_nothing_and_updates_changes(upstream):
    ingest_users(size=4)
    first_pks = set(RandomUser.objects.values_list("pk", flat=True))
    upstream.rewind()
    upstream.overrides["users"] = {"first_name": "Changed", "subscription": {"plan": "Gold"}}
    run = ingest_users(size=4)
    assert (run.created, run.updated) == (0, 4)
    assert _counts() == (4, 4, 4)
    assert set(RandomUser.objects.values_list("pk", flat=True)) == first_pks
    assert set(RandomUser.objects.values_list("first_name", "subscription_plan")) == {
        ("Changed", "Gold")
    }
    assert RandomUser.objects.filter(updated_at__gt=models_fetched_at()).count() == 4
    # Each embedded record still belongs to its own user (the upsert's returned pks).
    addresses, cards = (
        Address.objects.select_related("user"),
        CreditCard.objects.select_related("user"),
    )
    assert [a for a in addresses if a.uid != embedded_uid(a.user.uid, "address")] == []
    assert [c for c in cards if c.uid != embedded_uid(c.user.uid, "credit_card")] == []


def models_fetched_at():
    return RandomUser.objects.order_by("fetched_at").values_list("fetched_at", flat=True)[0]


@pytest.mark.parametrize(
    ("ingest", "model", "resource"),
    [(ingest_addresses, Address, "addresses"), (ingest_credit_cards, CreditCard, "credit_cards")],
)
def test_standalone_records_upsert_by_uid(upstream, ingest, model, resource):
    assert (ingest(size=7).created, model.objects.count()) == (7, 7)
    upstream.rewind()
    run = ingest(size=9)
    assert (run.created, run.updated) == (2, 7)
    assert model.objects.count() == 9
    assert model.objects.filter(user__isnull=True).count() == 9


@pytest.mark.parametrize(
    ("ingest", "model", "resource"),
    [(ingest_addresses, Address, "addresses"), (ingest_credit_cards, CreditCard, "credit_cards")],
)
def test_standalone_record_with_a_users_uid_is_linked_to_that_user(
    upstream, ingest, model, resource
):
    ingest_users(size=2)
    shared = uid_for("users", 1)
    upstream.records[resource] = [
        make_record(resource, 0, uid=shared),
        make_record(resource, 1),
    ]
    ingest(size=2)
    linked = model.objects.get(uid=shared)
    assert (linked.user.uid, linked.link_method) == (uuid.UUID(shared), LinkMethod.UID)
    assert model.objects.get(uid=uid_for(resource, 1)).user is None


def test_user_fetched_after_a_standalone_record_with_its_uid_claims_it(upstream):
    shared = uid_for("users", 0)
    upstream.records["addresses"] = [make_record("addresses", 0, uid=shared)]
    ingest_addresses(size=1)
    ingest_users(size=1)
    address = Address.objects.get(uid=shared)
    assert (address.user.uid, address.link_method) == (uuid.UUID(shared), LinkMethod.UID)


def test_a_list_with_one_bad_record_stores_the_others_and_counts_the_skip(upstream):
    bad = make_record("users", 1, email="not-an-email")
    upstream.records["users"] = [make_record("users", 0), bad, make_record("users", 2)]
    run = ingest_users(size=3)
    assert (run.status, run.created, run.skipped) == ("succeeded", 2, 1)
    assert run.skip_reasons == [
        {"index": 1, "uid": bad["uid"], "reason": "email: not an email address"}
    ]
    assert _counts() == (2, 2, 2)


def test_duplicate_uid_within_one_answer_is_skipped(upstream):
    record = make_record("addresses", 0)
    upstream.records["addresses"] = [record, record]
    run = ingest_addresses(size=2)
    assert (run.created, run.skipped, Address.objects.count()) == (1, 1, 1)
    assert run.skip_reasons[0]["reason"] == "uid: duplicate within one response"


def test_500_then_success_is_retried_and_stored(upstream):
    upstream.faults.append({"status": 500})
    run = ingest_users(size=3)
    assert (run.status, run.created) == ("succeeded", 3)


def test_429_with_retry_after_is_retried_and_stored(upstream):
    upstream.faults.append({"status": 429, "headers": {"Retry-After": "0"}})
    run = ingest_credit_cards(size=3)
    assert (run.status, run.created) == ("succeeded", 3)


@pytest.mark.parametrize(
    ("faults", "error", "message"),
    [
        ([{"body": b"{not json"}], UpstreamBadResponse, "Malformed JSON"),
        ([{"status": 500}] * 4, UpstreamUnavailable, "unreachable after 4 attempt(s): HTTP 500"),
        ([{"delay": 0.3}] * 4, UpstreamUnavailable, "ReadTimeout"),
    ],
)
def test_failed_fetch_writes_nothing_and_records_the_failure(
    upstream, settings, faults, error, message
):
    settings.RANDOM_DATA_READ_TIMEOUT = 0.05
    upstream.faults.extend(faults)
    with pytest.raises(error):
        ingest_users(size=3)
    assert _counts() == (0, 0, 0)
    run = IngestionRun.objects.get()
    assert (run.status, run.created) == ("failed", 0)
    assert message in run.error
    assert run.finished_at is not None
    assert not IngestionLease.objects.exclude(holder="").exists()


def test_failure_in_a_later_batch_keeps_only_whole_earlier_batches(upstream):
    upstream.faults.extend([{}, *[{"status": 503}] * 4])
    with pytest.raises(UpstreamUnavailable):
        ingest_addresses(size=150)
    run = IngestionRun.objects.get()
    assert (run.status, run.created, Address.objects.count()) == ("failed", 100, 100)


def test_a_second_run_of_the_same_kind_is_refused_while_one_holds_the_lease(upstream):
    with ingestion_lease(kind="users"):
        with pytest.raises(IngestionBusy) as excinfo:
            ingest_users(size=1)
        assert isinstance(excinfo.value, Conflict)
        assert ingest_addresses(size=1).status == "succeeded"
    assert ingest_users(size=1).status == "succeeded"
    assert upstream.requests == [("addresses", 1), ("users", 1)]


def test_an_expired_lease_is_taken_over(upstream):
    IngestionLease.objects.create(
        kind="users", holder="dead-worker", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert ingest_users(size=1).status == "succeeded"


def test_missing_fingerprint_key_fails_before_fetching(upstream, settings):
    settings.RANDOM_DATA_FINGERPRINT_KEY = ""
    settings.RANDOM_DATA_FINGERPRINT_DERIVE = False
    with pytest.raises(ImproperlyConfigured):
        ingest_credit_cards(size=1)
    assert upstream.requests == []
    assert ingest_addresses(size=1).created == 1


def test_size_must_be_positive(upstream):
    with pytest.raises(InvalidInput, match="size") as excinfo:
        ingest_users(size=0)
    assert excinfo.value.attr == "size"
    assert upstream.requests == []


def test_link_gives_users_without_records_the_oldest_unassigned_ones_and_undo_reverts(upstream):
    upstream.records["users"] = [
        {**make_record("users", i), "address": None, "credit_card": None} for i in range(3)
    ]
    ingest_users(size=3)
    ingest_addresses(size=2)
    ingest_credit_cards(size=5)
    assert random_data_link() == {"addresses": 2, "credit_cards": 3}
    users = list(RandomUser.objects.order_by("pk"))
    addresses = list(Address.objects.order_by("pk"))
    assert [a.user_id for a in addresses] == [users[0].pk, users[1].pk]
    assert set(Address.objects.values_list("link_method", flat=True)) == {LinkMethod.RULE}
    assert CreditCard.objects.filter(user__isnull=True).count() == 2
    assert random_data_link() == {"addresses": 0, "credit_cards": 0}
    assert random_data_unlink() == {"addresses": 2, "credit_cards": 3}
    assert Address.objects.filter(user__isnull=False).count() == 0
    assert CreditCard.objects.filter(user__isnull=False).count() == 0


def test_unlink_leaves_embedded_and_uid_links_alone(upstream):
    ingest_users(size=2)
    ingest_addresses(size=1)
    random_data_link()
    assert random_data_unlink() == {"addresses": 0, "credit_cards": 0}
    assert Address.objects.filter(link_method=LinkMethod.EMBEDDED).count() == 2


def test_rule_links_survive_a_refetch(upstream):
    upstream.records["users"] = [{**make_record("users", 0), "address": None}]
    ingest_users(size=1)
    ingest_addresses(size=1)
    random_data_link()
    upstream.rewind()
    ingest_addresses(size=1)
    assert Address.objects.get().link_method == LinkMethod.RULE


def test_each_batch_costs_a_constant_number_of_queries(upstream, django_assert_max_num_queries):
    ingest_users(size=10)
    upstream.rewind()
    with django_assert_max_num_queries(25):
        ingest_users(size=100)


def test_run_rows_record_every_call(upstream):
    ingest_users(size=2)
    ingest_addresses(size=3)
    assert json.loads(json.dumps(list(IngestionRun.objects.values_list("kind", "requested")))) == [
        ["addresses", 3],
        ["users", 2],
    ]
