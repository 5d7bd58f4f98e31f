import json
import logging

import pytest

from config.observability import RequestIdFilter


def test_a_request_id_is_generated_and_returned(db, client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_a_valid_incoming_request_id_is_kept(db, client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert response["X-Request-ID"] == "lb-1234.abc"


@pytest.mark.parametrize("bad", ["has space", "x" * 200, "<script>", "a\u00e9"])
def test_a_malformed_incoming_request_id_is_replaced(db, client, bad):
    response = client.get("/healthz", headers={"X-Request-ID": bad})
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_one_access_line_per_request_with_method_path_status_duration_and_id(db, client, caplog):
    with caplog.at_level(logging.INFO, logger="backoffice.access"):
        client.get("/api/v1/auth/me/", headers={"X-Request-ID": "req-42"})
    (record,) = [r for r in caplog.records if r.name == "backoffice.access"]
    assert (record.method, record.path, record.status) == ("GET", "/api/v1/auth/me/", 401)
    assert record.duration_ms >= 0
    assert RequestIdFilter().filter(record) and record.request_id in {"req-42", "-"}
    assert "GET /api/v1/auth/me/ 401" in record.getMessage()


def test_oversized_bodies_are_refused_with_413_before_parsing(db, client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = client.post("/api/v1/auth/login/", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"


def test_json_log_format_writes_one_object_per_line():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        rename_fields={"levelname": "level"},
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert (line["level"], line["message"], line["request_id"]) == ("INFO", "hello world", "-")
