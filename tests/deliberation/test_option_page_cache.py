"""An anonymous reader's discussion and notes panels come from the shared cache, and are
never stale: any write moves the content version on. Logged-in readers get their own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Stance
from tests.factories import AnnotationFactory, CommentFactory, StrategyFactory


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.RESPONSE_CACHE = True


@pytest.fixture
def option(db):
    option = StrategyFactory(title="Targeted Sanctions", body="Freeze the assets of the elite.")
    CommentFactory(option=option, body="Freezes hurt the elite.", stance=Stance.SUPPORT)
    for _ in range(5):
        CommentFactory(option=option, stance=Stance.OPPOSE)
    return option


def without_csrf_token(html):
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def page(client, option, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(option.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_a_repeated_anonymous_read_skips_the_thread_queries(anonymous_client, option):
    first, first_queries = page(anonymous_client, option)
    again, again_queries = page(anonymous_client, option)
    assert without_csrf_token(again) == without_csrf_token(first)
    assert "Freezes hurt the elite." in again
    assert again_queries < first_queries
    # Nothing personal is shared: the cached panels hold no form token.
    assert "csrfmiddlewaretoken" not in again


def test_a_new_argument_shows_at_once_to_anonymous_readers(
    anonymous_client, analyst_client, option
):
    page(anonymous_client, option)
    response = analyst_client.post(
        f"/options/{option.slug}/comments/",
        {"body": "Secondary sanctions reach the banks.", "stance": "support"},
    )
    assert response.status_code in (200, 302)
    html, _ = page(anonymous_client, option)
    assert "Secondary sanctions reach the banks." in html


def test_a_vote_changes_the_tally_anonymous_readers_see(anonymous_client, analyst_client, option):
    html, _ = page(anonymous_client, option)
    assert 'data-tally="support">0<' in html
    analyst_client.post(f"/options/{option.slug}/vote/", {"choice": "support"})
    html, _ = page(anonymous_client, option)
    assert 'data-tally="support">1<' in html


def test_logged_in_readers_never_get_the_anonymous_panels(anonymous_client, analyst_client, option):
    anonymous, _ = page(anonymous_client, option)
    assert 'name="body"' not in anonymous
    mine, _ = page(analyst_client, option)
    assert 'name="body"' in mine
    assert "to add your argument" not in mine


def test_each_sort_and_filter_is_its_own_answer(anonymous_client, option):
    AnnotationFactory(option=option, tags=["assets"])
    oldest, _ = page(anonymous_client, option, "?sort=oldest")
    newest, _ = page(anonymous_client, option, "?sort=newest")
    assert '<strong aria-current="true">Oldest' in oldest
    assert '<strong aria-current="true">Newest' in newest
    everything, _ = page(anonymous_client, option)
    tagged, _ = page(anonymous_client, option, "?annotation_tag=nothing-tagged-so")
    assert tagged != everything


def test_the_home_page_cards_come_from_the_cache_until_something_changes(
    anonymous_client, analyst_client, option
):
    def home():
        with CaptureQueriesContext(connection) as queries:
            response = anonymous_client.get("/")
        return response.content.decode(), len(queries.captured_queries)

    first, first_queries = home()
    again, again_queries = home()
    assert again_queries < first_queries
    assert '<span title="Oppose">0 oppose</span>' in again
    analyst_client.post(f"/options/{option.slug}/vote/", {"choice": "oppose"})
    after_vote, _ = home()
    assert '<span title="Oppose">1 oppose</span>' in after_vote
    assert "you: oppose" not in after_vote
    assert "you: oppose" in analyst_client.get("/").content.decode()
