"""Faults: the database going away mid-request gives the site's error page and /readyz
503, the site recovers when it comes back, and failures leave no partial rows."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from rest_framework.test import APIClient
from simple_history.models import HistoricalRecords

from deliberation.models import Comment, CommentRevision, Vote
from policies import demo, importer
from policies.models import Brief, Option
from tests import factories as f

BRIEF = demo.BRIEF_PATH


class DatabaseOutage:
    """Every new query fails as if the database server had gone away, until ended."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def begin(self):
        def refuse(connection, *args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

        self.monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    def end(self):
        self.monkeypatch.undo()


@pytest.fixture
def outage(monkeypatch):
    return DatabaseOutage(monkeypatch)


@pytest.mark.django_db
def test_database_outage_gives_clean_error_page_and_site_recovers(client, outage):
    f.StrategyFactory(title="Maritime interdiction", slug="maritime-interdiction")
    client.raise_request_exception = False
    assert client.get("/options/maritime-interdiction/").status_code == 200

    outage.begin()
    page = client.get("/options/maritime-interdiction/")
    ready = client.get("/readyz")
    api = client.get("/api/options/", HTTP_ACCEPT="application/json")
    outage.end()

    assert page.status_code == 500
    html = page.content.decode()
    assert "Something went wrong" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html
    assert "server closed the connection" not in html
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unreachable"}
    assert api.status_code == 500
    assert b"server closed the connection" not in api.content

    # The database is back: the same requests succeed again without a restart.
    assert client.get("/readyz").status_code == 200
    recovered = client.get("/options/maritime-interdiction/")
    assert recovered.status_code == 200
    assert "Maritime interdiction" in recovered.content.decode()


@pytest.mark.django_db
def test_healthz_stays_up_during_a_database_outage(client, outage):
    outage.begin()
    response = client.get("/healthz")
    outage.end()
    assert response.status_code == 200


@pytest.fixture
def history_fails(monkeypatch):
    """Call it to make the audit-trail write that follows every change fail."""

    def fail(*args, **kwargs):
        raise OperationalError("disk full")

    return lambda: monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail)


@pytest.mark.django_db
def test_failed_comment_request_leaves_no_partial_rows(analyst, history_fails):
    option = f.StrategyFactory(slug="no-partial-comment")
    history_fails()
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(analyst)
    response = api.post(
        "/api/comments/",
        {"option": option.slug, "stance": "support", "body": "An argument."},
        format="json",
    )
    assert response.status_code == 500
    assert not Comment.objects.filter(option=option).exists()
    assert not CommentRevision.objects.exists()


@pytest.mark.django_db
def test_failed_vote_request_leaves_no_partial_rows(analyst, history_fails):
    option = f.StrategyFactory(slug="no-partial-vote")
    history_fails()
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(analyst)
    response = api.post("/api/votes/", {"option": option.slug, "choice": "support"}, format="json")
    assert response.status_code == 500
    assert not Vote.objects.filter(option=option).exists()


@pytest.mark.django_db
def test_import_failing_part_way_leaves_no_partial_rows(monkeypatch):
    text = BRIEF.read_text(encoding="utf-8")
    real = importer._import_option
    calls = []

    def fail_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OperationalError("connection lost during import")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_import_option", fail_on_third)
    with pytest.raises(OperationalError):
        importer.import_brief(text, title="Russia and North Korea")
    assert len(calls) == 3, "the failure came after two options were written"
    assert not Option.objects.exists()
    assert not Brief.objects.exists()
    assert not Option.history.exists()


@pytest.mark.django_db
def test_import_rejected_for_bad_input_leaves_no_rows():
    with pytest.raises(importer.BriefImportError):
        importer.import_brief("Just a sentence, no options here.", title="Nothing")
    assert not Brief.objects.exists()
    assert not Option.objects.exists()
