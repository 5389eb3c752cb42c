"""Operations: the health endpoint, and request logs that say which page, never whose data."""

import json
import logging

import pytest
from django.urls import reverse

from husly.common import health
from husly.common.logs import JsonFormatter, PlainFormatter
from tests.factories import ResidentFactory


@pytest.fixture(autouse=True)
def _fresh_schema_memo(monkeypatch):
    monkeypatch.setattr(health, "_schema_complete", False)


def test_health_answers_ok_when_the_database_answers_and_the_schema_is_complete(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations_pending"] == 0
    assert response["Cache-Control"] == "no-store"


def test_health_is_unavailable_when_a_migration_is_pending(client, db, monkeypatch):
    # Given the code expects one migration more than the database has
    from django.db.migrations.executor import MigrationExecutor

    real_plan = MigrationExecutor.migration_plan
    monkeypatch.setattr(MigrationExecutor, "migration_plan",
                        lambda self, targets: [("pending", False)] + real_plan(self, targets))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["migrations_pending"] == 1
    assert response.json()["status"] == "unavailable"


def test_health_is_unavailable_when_the_database_does_not_answer(client, db, monkeypatch):
    from django.db import DatabaseError

    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "database_ms": pytest.approx(0, abs=50),
                               "status": "unavailable"}


def test_a_request_log_line_names_the_route_pattern_not_the_path(client, login, make_staff,
                                                                    municipality, team, caplog):
    # Given a follow-up worker on the resident's team opens the resident's page with a query
    worker = make_staff(team=team)
    resident = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                               family_name="Nordmann")
    login(client, worker)
    with caplog.at_level(logging.INFO, logger="husly.request"):
        response = client.get(reverse("people:resident_detail", args=[resident.pk]) + "?q=Kari")
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == "husly.request"]
    assert len(records) == 1
    record = records[0]
    # Then the line has the page's pattern, the status and who, and nothing of the resident
    assert record.route == "/beboere/<int:pk>/"
    assert record.status == 200
    assert record.user_id == worker.pk
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["route"] == "/beboere/<int:pk>/"
    assert entry["method"] == "GET"
    assert isinstance(entry["ms"], float)
    for secret in (str(resident.pk) + "/", "Kari", "Nordmann", "q="):
        assert secret not in line
    assert response["X-Request-ID"] == entry["request_id"]


def test_a_proxy_request_id_is_kept_only_when_it_is_a_plain_token(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="husly.request"):
        kept = client.get(reverse("health"), HTTP_X_REQUEST_ID="abc-123")
        replaced = client.get(reverse("health"), HTTP_X_REQUEST_ID="x\nFAKE LINE")
    assert kept["X-Request-ID"] == "abc-123"
    assert replaced["X-Request-ID"] != "x\nFAKE LINE"
    assert len(replaced["X-Request-ID"]) == 32


def test_the_plain_format_shows_the_fields_after_the_message():
    record = logging.makeLogRecord({"name": "husly.request", "msg": "request",
                                    "levelname": "INFO", "levelno": 20,
                                    "status": 404, "route": "/x/"})
    line = PlainFormatter("%(levelname)s %(name)s %(message)s").format(record)
    assert line == "INFO husly.request request status=404 route=/x/"


def test_django_s_request_object_is_left_out_of_a_line():
    record = logging.makeLogRecord({"name": "django.request", "msg": "Not Found: /x/",
                                    "levelname": "WARNING", "levelno": 30, "status_code": 404,
                                    "request": "<WSGIRequest: GET '/x/?q=Kari'>"})
    assert "Kari" not in JsonFormatter().format(record)
    assert "Kari" not in PlainFormatter("%(message)s").format(record)


def test_json_lines_carry_the_exception_type():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.makeLogRecord({"name": "django.request", "msg": "Internal Server Error",
                                        "levelname": "ERROR", "levelno": 40,
                                        "exc_info": sys.exc_info()})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert "ValueError" in entry["exception"]
