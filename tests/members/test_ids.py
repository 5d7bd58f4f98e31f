import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from members.ids import MEMBER_ID_ALPHABET, MEMBER_ID_RE, member_id_generate
from members.models import RetiredMemberId
from members.services import member_ids_allocate, user_create, user_delete
from tests.members.factories import UserFactory


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**6))
def test_generated_ids_are_slack_style(_n):
    member_id = member_id_generate()
    assert len(member_id) == 9
    assert member_id[0] == "W"
    assert set(member_id[1:]) <= set(MEMBER_ID_ALPHABET)
    assert not set(member_id) & set("ILOU")
    assert MEMBER_ID_RE.match(member_id)


def test_a_batch_of_ids_has_no_repeats(db):
    ids = member_ids_allocate(count=5000)
    assert len(ids) == len(set(ids)) == 5000


def test_allocation_skips_ids_in_use_and_retired(db, monkeypatch):
    UserFactory(id="W00000001")
    RetiredMemberId.objects.create(id="W00000002")
    sequence = iter(["W00000001", "W00000002", "W00000003"])
    monkeypatch.setattr("members.services.member_id_generate", lambda: next(sequence))
    assert member_ids_allocate(count=1) == ["W00000003"]


def test_a_deleted_members_id_is_never_issued_again(db, monkeypatch):
    user = user_create(username="gone", password=None)
    old_id = user.pk
    user_delete(user=user)
    assert RetiredMemberId.objects.filter(pk=old_id).exists()
    sequence = iter([old_id, "W0000000Z"])
    monkeypatch.setattr("members.services.member_id_generate", lambda: next(sequence))
    assert user_create(username="new", password=None).pk == "W0000000Z"


@pytest.mark.parametrize("bad", ["w012a3cde", "W012A3CD", "W012A3CDE1", "1012A3CDE", "W012-3CDE"])
def test_explicit_ids_must_look_like_member_ids(db, bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        user_create(id=bad, username="x", password=None)
    assert "id" in exc.value.message_dict
