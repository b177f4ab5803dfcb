"""Health endpoints for a load balancer, structured logs, and the site's error pages."""

import io
import json
import logging

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import path

from deliberation.logging import JsonFormatter


def _explode(request):
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [path("explode/", _explode)]
handler404 = "deliberation.views.page_not_found"
handler500 = "deliberation.views.server_error"


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_answers_and_migrations_are_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["pending_migrations"] == 0


@pytest.mark.django_db
def test_readyz_fails_when_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    real_plan = MigrationExecutor.migration_plan

    def plan_with_one_pending(self, targets, clean_start=False):
        real_plan(self, targets, clean_start)
        migration = self.loader.graph.nodes[("deliberation", "0001_initial")]
        return [(migration, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_with_one_pending)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "pending_migrations": 1,
    }


@pytest.mark.django_db
def test_readyz_fails_without_leaking_the_error_when_database_is_unreachable(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.9" failed: password rejected')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert b"10.0.0.9" not in response.content
    assert b"password" not in response.content


@pytest.fixture
def log_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("deliberation.requests"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def _json_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_request_is_logged_as_one_json_object(client, log_stream):
    client.get("/healthz?probe=1")
    entries = _json_lines(log_stream)
    request_entries = [e for e in entries if e["logger"] == "deliberation.requests"]
    assert len(request_entries) == 1
    entry = request_entries[0]
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float)
    assert entry["user_id"] is None
    assert entry["level"] == "INFO"


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_server_errors_are_logged_as_json_with_the_traceback(client, log_stream):
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    errors = [e for e in _json_lines(log_stream) if e["logger"] == "django.request"]
    assert errors, "the 500 was not logged"
    assert errors[0]["level"] == "ERROR"
    assert "RuntimeError" in errors[0]["exception"]
    assert errors[0]["status_code"] == 500


@pytest.mark.django_db
def test_missing_page_shows_the_site_404_page(client):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert "css/site.css" in html


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_server_error_shows_the_site_500_page_without_internals(client):
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "css/site.css" in html
    assert "hunter2" not in html
    assert "Traceback" not in html
