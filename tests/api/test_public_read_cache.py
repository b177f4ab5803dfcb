"""Anonymous reads of the catalogue come from the shared cache, and are never stale: any
write, through the API, a page, the admin or a command, moves the content version on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import services
from tests.factories import StrategyFactory


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.RESPONSE_CACHE = True


@pytest.fixture
def strategy(db):
    return StrategyFactory(title="Targeted sanctions", slug="targeted-sanctions")


def support(client, path="/api/options/targeted-sanctions/"):
    return client.get(path).json()["tally"]["support"]


def test_a_repeated_anonymous_read_runs_no_query(anon_api, strategy, django_assert_num_queries):
    first = anon_api.get("/api/options/")
    with django_assert_num_queries(0):
        again = anon_api.get("/api/options/")
    assert again.status_code == 200
    assert again["Content-Type"] == "application/json"
    assert again.json() == first.json()


def test_a_vote_through_the_api_shows_at_once(anon_api, analyst_api, strategy):
    assert support(anon_api) == 0
    assert anon_api.get("/api/options/").json()["results"][0]["tally"]["support"] == 0

    response = analyst_api.post(
        "/api/votes/", {"option": "targeted-sanctions", "choice": "support"}, format="json"
    )
    assert response.status_code == 201

    assert support(anon_api) == 1
    listed = anon_api.get("/api/options/").json()["results"][0]
    assert listed["tally"] == {"support": 1, "oppose": 0, "abstain": 0, "net": 1}


def test_a_vote_on_the_page_shows_at_once_in_the_api(anon_api, analyst_client, strategy):
    assert support(anon_api) == 0
    analyst_client.post(f"/options/{strategy.slug}/vote/", {"choice": "support"})
    assert support(anon_api) == 1


def test_a_write_outside_any_request_shows_once_committed(
    anon_api, analyst, strategy, django_capture_on_commit_callbacks
):
    assert support(anon_api) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(voter=analyst, option=strategy, choice="support")
    assert support(anon_api) == 1


def test_logged_in_readers_see_their_own_vote_not_a_shared_answer(anon_api, analyst_api, strategy):
    anon_api.get("/api/options/targeted-sanctions/")
    analyst_api.put("/api/options/targeted-sanctions/vote/", {"choice": "oppose"}, format="json")
    mine = analyst_api.get("/api/options/targeted-sanctions/").json()
    assert mine["my_vote"] == "oppose"
    assert anon_api.get("/api/options/targeted-sanctions/").json()["my_vote"] is None


def test_searches_and_other_formats_are_computed_every_time(anon_api, strategy):
    anon_api.get("/api/options/?search=sanctions")
    with CaptureQueriesContext(connection) as queries:
        response = anon_api.get("/api/options/?search=sanctions")
    assert queries.captured_queries
    assert [o["slug"] for o in response.json()["results"]] == ["targeted-sanctions"]
    csv = anon_api.get("/api/options/?format=csv")
    assert b"targeted-sanctions" in b"".join(csv.streaming_content)


def test_drafts_never_reach_the_shared_answer(anon_api, editor, strategy):
    from tests.api.conftest import api_client

    StrategyFactory(title="Secret draft", slug="secret-draft", status="draft")
    editor_view = api_client(editor).get("/api/options/").json()
    assert "secret-draft" in [o["slug"] for o in editor_view["results"]]
    public = anon_api.get("/api/options/").json()
    assert "secret-draft" not in [o["slug"] for o in public["results"]]
