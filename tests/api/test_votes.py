import threading

import pytest
from django.db import connection

from deliberation.models import Vote
from policies.models import Option
from tests.factories import StrategyFactory, UserFactory, VoteFactory

from .conftest import api_client, results

pytestmark = pytest.mark.django_db


@pytest.fixture
def option(db):
    return StrategyFactory(slug="targeted-sanctions")


def test_post_creates_then_replaces_the_callers_vote(analyst_api, analyst, option):
    response = analyst_api.post(
        "/api/votes/", {"option": option.slug, "choice": "support"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["option"] == option.slug
    assert response.json()["user"] == analyst.username
    assert response.json()["choice"] == "support"
    response = analyst_api.post(
        "/api/votes/", {"option": option.slug, "choice": "oppose"}, format="json"
    )
    assert response.status_code == 200
    assert Vote.objects.get().choice == "oppose"
    assert analyst_api.get(f"/api/options/{option.slug}/").json()["tally"] == {
        "support": 0,
        "oppose": 1,
        "abstain": 0,
        "net": -1,
    }


def test_put_on_the_option_vote_is_idempotent(analyst_api, option):
    url = f"/api/options/{option.slug}/vote/"
    assert analyst_api.get(url).status_code == 404
    assert analyst_api.put(url, {"choice": "abstain"}, format="json").status_code == 201
    assert analyst_api.put(url, {"choice": "abstain"}, format="json").status_code == 200
    assert analyst_api.get(url).json()["choice"] == "abstain"
    assert Vote.objects.count() == 1
    assert analyst_api.delete(url).status_code == 204
    assert not Vote.objects.exists()


def test_anonymous_cannot_vote(anon_api, option):
    response = anon_api.post("/api/votes/", {"option": option.slug, "choice": "support"})
    assert response.status_code in (401, 403)
    assert anon_api.put(f"/api/options/{option.slug}/vote/", {"choice": "support"}).status_code in (
        401,
        403,
    )
    assert not Vote.objects.exists()


def test_vote_on_a_draft_is_refused(analyst_api, editor_api, db):
    StrategyFactory(slug="draft", status=Option.Status.DRAFT)
    response = analyst_api.post("/api/votes/", {"option": "draft", "choice": "support"})
    assert response.status_code == 400 and "option" in response.json()
    response = editor_api.post("/api/votes/", {"option": "draft", "choice": "support"})
    assert response.status_code == 403
    assert "closed" in response.json()["detail"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"option": "targeted-sanctions", "choice": "maybe"}, "choice"),
        ({"option": "targeted-sanctions"}, "choice"),
        ({"choice": "support"}, "option"),
        ({"option": "nowhere", "choice": "support"}, "option"),
        ({"option": ["targeted-sanctions"], "choice": "support"}, "option"),
    ],
)
def test_bad_vote_gets_400_naming_the_field(analyst_api, option, payload, field):
    response = analyst_api.post("/api/votes/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.exists()


def test_only_the_voter_changes_or_withdraws_a_vote_by_id(analyst_api, other_api, analyst, option):
    vote = VoteFactory(option=option, voter=analyst, choice="support")
    assert other_api.put(f"/api/votes/{vote.pk}/", {"choice": "oppose"}).status_code == 403
    assert other_api.delete(f"/api/votes/{vote.pk}/").status_code == 403
    assert analyst_api.put(f"/api/votes/{vote.pk}/", {"choice": "oppose"}).status_code == 200
    vote.refresh_from_db()
    assert vote.choice == "oppose"
    assert analyst_api.delete(f"/api/votes/{vote.pk}/").status_code == 204
    assert not Vote.objects.exists()


def test_votes_filter_by_option_user_and_choice(anon_api, analyst, option):
    elsewhere = StrategyFactory()
    mine = VoteFactory(option=option, voter=analyst, choice="support")
    theirs = VoteFactory(option=option, choice="oppose")
    VoteFactory(option=elsewhere, choice="oppose")

    def ids(query):
        return {v["id"] for v in results(anon_api.get(f"/api/votes/?{query}"))}

    assert ids(f"option={option.slug}") == {mine.pk, theirs.pk}
    assert ids(f"user={analyst.username}") == {mine.pk}
    assert ids(f"option={option.slug}&choice=oppose") == {theirs.pk}


@pytest.mark.parametrize("page_size", [10, 100])
def test_vote_list_runs_constant_queries(anon_api, django_assert_max_num_queries, page_size, db):
    for option in StrategyFactory.create_batch(3):
        VoteFactory.create_batch(10, option=option)
    with django_assert_max_num_queries(2):
        response = anon_api.get(f"/api/votes/?page_size={page_size}")
    assert len(results(response)) == min(30, page_size)


def test_deep_vote_pages_use_a_cursor(anon_api, option):
    VoteFactory.create_batch(7, option=option)
    seen, url = [], "/api/votes/?page_size=2"
    while url:
        data = anon_api.get(url).json()
        seen += [v["id"] for v in data["results"]]
        url = data["next"]
    assert seen == sorted(Vote.objects.values_list("id", flat=True), reverse=True)


def test_me_lists_my_role_and_votes(analyst_api, analyst, option, anon_api):
    VoteFactory(option=option, voter=analyst, choice="support")
    data = analyst_api.get("/api/me/").json()
    assert data["username"] == analyst.username
    assert data["role"] == "Analyst"
    assert data["votes"] == [
        {"option": option.slug, "choice": "support", "updated": data["votes"][0]["updated"]}
    ]
    assert anon_api.get("/api/me/").status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_of_one_analyst_leave_one_row():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("threads cannot share an in-memory SQLite test database")
    option = StrategyFactory()
    voter = UserFactory()
    clients = [api_client(voter) for _ in range(6)]
    statuses = []

    def cast(client, choice):
        statuses.append(
            client.post("/api/votes/", {"option": option.slug, "choice": choice}).status_code
        )
        connection.close()

    threads = [
        threading.Thread(target=cast, args=(c, ["support", "oppose"][i % 2]))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(code in (200, 201) for code in statuses), statuses
    assert Vote.objects.filter(option=option, voter=voter).count() == 1
