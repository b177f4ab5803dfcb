"""Votes: cast, change, withdraw; one per analyst per option, also under concurrency."""

import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.urls import reverse

from deliberation import services
from deliberation.models import Vote
from deliberation.roles import ensure_role_groups
from policies.models import Option
from tests.factories import StrategyFactory, UserFactory, VoteFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Write limits are counted in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def _vote_url(option):
    return reverse("deliberation:vote", args=[option.slug])


@pytest.mark.django_db
def test_analyst_votes_changes_and_withdraws(analyst, analyst_client):
    option = StrategyFactory()
    response = analyst_client.post(_vote_url(option), {"choice": "support"})
    assert response.status_code == 302
    assert Vote.objects.get(voter=analyst, option=option).choice == "support"
    analyst_client.post(_vote_url(option), {"choice": "oppose"})
    assert list(Vote.objects.filter(option=option).values_list("choice", flat=True)) == ["oppose"]
    html = analyst_client.get(option.get_absolute_url()).content.decode()
    assert "You voted <strong>oppose</strong>" in html
    assert 'data-tally="oppose">1<' in html
    assert 'data-tally="net">-1<' in html
    analyst_client.post(_vote_url(option), {"choice": "withdraw"})
    assert not Vote.objects.filter(option=option).exists()


@pytest.mark.django_db
def test_vote_by_htmx_returns_the_updated_tally(analyst_client):
    option = StrategyFactory()
    VoteFactory(option=option, choice="support")
    response = analyst_client.post(_vote_url(option), {"choice": "support"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-tally="support">2<' in html
    assert "Your vote: support." in html


@pytest.mark.django_db
def test_analyst_cannot_vote_as_someone_else(analyst, other_analyst, analyst_client):
    option = StrategyFactory()
    analyst_client.post(_vote_url(option), {"choice": "oppose", "voter": other_analyst.pk})
    assert not Vote.objects.filter(voter=other_analyst).exists()
    assert Vote.objects.get().voter == analyst


@pytest.mark.django_db
def test_unknown_choice_is_a_form_error_and_saves_nothing(analyst_client):
    option = StrategyFactory()
    response = analyst_client.post(_vote_url(option), {"choice": "enthusiastic"})
    assert response.status_code == 400
    assert "Choose support, oppose or abstain." in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_vote_on_non_existent_option_is_404(analyst_client):
    response = analyst_client.post(
        reverse("deliberation:vote", args=["nowhere"]), {"choice": "support"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Option.Status.DRAFT, Option.Status.ARCHIVED])
def test_voting_on_draft_or_archived_option_is_refused_with_a_message(
    editor, editor_client, status
):
    option = StrategyFactory(status=status)
    response = editor_client.post(_vote_url(option), {"choice": "support"})
    assert response.status_code == 403
    assert f"Voting is closed: this option is {status}" in response.content.decode()
    assert not Vote.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.vote_cast(voter=editor, option=option, choice="support")


@pytest.mark.django_db
def test_analyst_cannot_see_or_vote_on_a_draft(analyst_client):
    option = StrategyFactory(status=Option.Status.DRAFT)
    assert analyst_client.post(_vote_url(option), {"choice": "support"}).status_code == 404
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_user_without_a_role_cannot_vote():
    nobody = UserFactory(role="")
    option = StrategyFactory()
    with pytest.raises(services.PermissionDenied):
        services.vote_cast(voter=nobody, option=option, choice="support")


@pytest.mark.django_db
def test_second_vote_call_updates_the_one_row(analyst):
    option = StrategyFactory()
    services.vote_cast(voter=analyst, option=option, choice="support")
    services.vote_cast(voter=analyst, option=option, choice="abstain")
    assert Vote.objects.filter(option=option).count() == 1
    assert services.option_tally(option) == {
        "support": 0,
        "oppose": 0,
        "abstain": 1,
        "net": 0,
        "total": 1,
    }


@pytest.mark.django_db
def test_option_page_list_and_home_show_the_same_tally(anonymous_client):
    option = StrategyFactory(title="Targeted Sanctions")
    for choice in ["support", "support", "support", "oppose", "abstain"]:
        VoteFactory(option=option, choice=choice)
    VoteFactory(choice="oppose")  # another option's vote counts nowhere here
    expected = {"support": 3, "oppose": 1, "abstain": 1, "net": 2, "total": 5}
    assert services.option_tally(option) == expected
    detail = anonymous_client.get(option.get_absolute_url()).content.decode()
    assert '<dd data-tally="support">3</dd>' in detail
    assert '<dd data-tally="net">+2</dd>' in detail
    summary = '3 support</span> · <span title="Oppose">1 oppose</span>'
    for page in (reverse("policies:option-list"), reverse("policies:home")):
        html = anonymous_client.get(page).content.decode()
        card = html[html.index("Targeted Sanctions") :]
        assert summary in card[: card.index("net +2") + 6]
        assert 'aria-label="Support 3, abstain 1, oppose 1"' in card


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_votes_leave_exactly_one_row():
    """PostgreSQL: the unique constraint plus the service's retry. A SQLite file database
    serialises writers with IMMEDIATE transactions instead."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database locks whole tables across threads")
    ensure_role_groups()  # an earlier transactional test may have flushed them
    voter = UserFactory(username="racer")
    option = StrategyFactory()
    errors, barrier = [], threading.Barrier(6)
    choices = ["support", "oppose", "abstain", "support", "oppose", "abstain"]

    def cast(choice):
        try:
            barrier.wait()
            services.vote_cast(voter=voter, option=option, choice=choice)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=cast, args=[choice]) for choice in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vote.objects.filter(voter=voter, option=option).count() == 1
