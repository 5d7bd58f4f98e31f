import pytest

from tests.members.factories import UserFactory


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def other_client(other_user, make_token_client):
    return make_token_client(other_user)


def error_attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}
