"""One error code for a time zone that is not an IANA zone, wherever a zone is taken:
`invalid_time_zone`, and the schema documents it."""

import json

import pytest

from tests.api.bodies import body_base
from tests.api.conftest import db_snapshot
from tests.api.endpoints import WRITES, send

ZONE_BODIES = [
    e
    for e in WRITES
    if str(e)
    in {
        "POST /api/v1/auth/register/",
        "POST /api/v1/users/",
        "PATCH /api/v1/auth/me/",
        "PUT /api/v1/users/{user}/",
        "PATCH /api/v1/users/{user}/",
    }
]


@pytest.mark.parametrize("zone", ["Mars/Base", "europe/berlin", "UTC+1"])
@pytest.mark.parametrize("endpoint", ZONE_BODIES, ids=str)
def test_a_body_with_an_unknown_zone_is_invalid_time_zone(world, endpoint, zone):

    response = send(world, endpoint, json.dumps({**body_base(world, endpoint), "tz": zone}))
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("tz", "invalid_time_zone")
    ]
    assert db_snapshot() == world.snapshot


def test_the_summary_s_tz_is_invalid_time_zone_too(world):
    response = world.clients["member"].get("/api/v1/usages/summary/", {"tz": "Mars/Base"})
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("tz", "invalid_time_zone")
    ]


@pytest.mark.parametrize(
    "component",
    [
        "ApiV1AuthRegisterCreateTzErrorComponent",
        "ApiV1AuthMePartialUpdateTzErrorComponent",
        "ApiV1UsersCreateTzErrorComponent",
        "ApiV1UsagesSummaryRetrieveTzErrorComponent",
    ],
)
def test_the_schema_documents_invalid_time_zone(db, client, component):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    code = schema["components"]["schemas"][component]["properties"]["code"]
    assert "invalid_time_zone" in code["enum"]
    assert "invalid_choice" not in code["enum"]
