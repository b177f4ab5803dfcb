import pytest

from deliberation.models import Vote
from policies.models import Option, Strategy
from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

from .conftest import results

pytestmark = pytest.mark.django_db


def test_anonymous_lists_options_of_every_kind_with_their_own_fields(anon_api, catalogue):
    response = anon_api.get("/api/options/")
    assert response.status_code == 200
    by_slug = {item["slug"]: item for item in results(response)}
    assert set(by_slug) == {"targeted-sanctions", "enhanced-monitoring", "asset-freezes"}
    strategy = by_slug["targeted-sanctions"]
    assert strategy["kind"] == "strategy"
    assert strategy["time_horizon"] == "medium"
    assert strategy["implications"] == ["deterrence"]
    assert strategy["actors"] == ["russia"] and strategy["tags"] == ["allies"]
    assert "instrument" not in strategy
    assert by_slug["asset-freezes"]["instrument"] == "asset_freeze"
    assert by_slug["asset-freezes"]["target_sectors"] == ["energy"]
    assert by_slug["enhanced-monitoring"]["partners"] == ["russia"]
    assert by_slug["enhanced-monitoring"]["objectives"] == "Deter provocations."
    assert strategy["my_vote"] is None


def test_option_carries_tally_counts_and_my_vote(analyst_api, analyst, catalogue):
    option = catalogue["strategy"]
    VoteFactory(option=option, voter=analyst, choice="oppose")
    VoteFactory.create_batch(3, option=option, choice="support")
    VoteFactory(option=option, choice="abstain")
    CommentFactory.create_batch(2, option=option)
    CommentFactory(option=option, hidden=True)
    AnnotationFactory(option=option)
    AnnotationFactory(option=option, visibility="private")

    data = analyst_api.get("/api/options/targeted-sanctions/").json()

    assert data["tally"] == {"support": 3, "oppose": 1, "abstain": 1, "net": 2}
    assert data["comment_count"] == 2
    assert data["annotation_count"] == 1
    assert data["my_vote"] == "oppose"


def test_drafts_are_visible_to_editors_and_staff_only(
    anon_api, analyst_api, editor_api, staff_api, catalogue
):
    StrategyFactory(slug="secret-plan", status=Option.Status.DRAFT)
    cast = [(anon_api, False), (analyst_api, False), (editor_api, True), (staff_api, True)]
    for client, sees in cast:
        slugs = {item["slug"] for item in results(client.get("/api/options/"))}
        assert ("secret-plan" in slugs) is sees
        assert client.get("/api/options/secret-plan/").status_code == (200 if sees else 404)


def test_kind_endpoints_list_only_their_kind(anon_api, catalogue):
    for path, slug in [
        ("/api/strategies/", "targeted-sanctions"),
        ("/api/initiatives/", "enhanced-monitoring"),
        ("/api/sanction-types/", "asset-freezes"),
    ]:
        assert [item["slug"] for item in results(anon_api.get(path))] == [slug]
    assert anon_api.get("/api/strategies/asset-freezes/").status_code == 404


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=initiative", {"enhanced-monitoring"}),
        # As actor, partner or target; as a sector touched or a sector aimed at.
        ("actor=russia", {"targeted-sanctions", "enhanced-monitoring"}),
        ("sector=energy", {"targeted-sanctions", "asset-freezes"}),
        ("tag=allies", {"targeted-sanctions"}),
        ("implication=deterrence", {"targeted-sanctions"}),
        ("search=monitoring", {"enhanced-monitoring"}),
        ("status=published", {"targeted-sanctions", "enhanced-monitoring", "asset-freezes"}),
    ],
)
def test_options_filter(anon_api, catalogue, query, expected):
    response = anon_api.get(f"/api/options/?{query}")
    assert response.status_code == 200, response.json()
    assert {item["slug"] for item in results(response)} == expected


def test_options_filter_by_created_range(anon_api, catalogue):
    Option.objects.filter(slug="asset-freezes").update(created="2020-01-01T00:00:00Z")
    old = {o["slug"] for o in results(anon_api.get("/api/options/?created_before=2021-01-01"))}
    new = {o["slug"] for o in results(anon_api.get("/api/options/?created_after=2021-01-01"))}
    assert old == {"asset-freezes"}
    assert "asset-freezes" not in new and "targeted-sanctions" in new


def test_strategies_filtered_by_min_net_and_ordered_by_net_support(anon_api, db):
    low, high, middle = (StrategyFactory(slug=s) for s in ["low", "high", "middle"])
    VoteFactory.create_batch(3, option=high, choice="support")
    VoteFactory(option=middle, choice="support")
    VoteFactory(option=low, choice="oppose")
    response = anon_api.get("/api/strategies/?ordering=-net")
    assert [item["slug"] for item in results(response)] == ["high", "middle", "low"]
    response = anon_api.get("/api/strategies/?min_net=1&ordering=net")
    assert [item["slug"] for item in results(response)] == ["middle", "high"]


def test_options_ordered_by_comment_count_and_title(anon_api, db):
    quiet, busy = StrategyFactory(slug="quiet", title="B"), StrategyFactory(slug="busy", title="A")
    CommentFactory.create_batch(2, option=busy)
    CommentFactory(option=quiet)
    assert [o["slug"] for o in results(anon_api.get("/api/options/?ordering=-comment_count"))] == [
        "busy",
        "quiet",
    ]
    assert [o["slug"] for o in results(anon_api.get("/api/options/?ordering=-title"))] == [
        "quiet",
        "busy",
    ]


def test_unknown_filter_value_is_a_400_naming_the_filter(anon_api, catalogue):
    response = anon_api.get("/api/options/?actor=atlantis")
    assert response.status_code == 400
    assert "actor" in response.json()
    response = anon_api.get("/api/options/?kind=spaceship")
    assert response.status_code == 400 and "kind" in response.json()


@pytest.mark.parametrize("page_size", [10, 100])
def test_option_list_runs_constant_queries(
    analyst_api, analyst, django_assert_max_num_queries, page_size, db
):
    from tests.factories import InitiativeFactory, SanctionTypeFactory

    for i in range(12):
        option = [StrategyFactory, InitiativeFactory, SanctionTypeFactory][i % 3](slug=f"o-{i}")
        VoteFactory(option=option, voter=analyst)
        CommentFactory(option=option)
    analyst_api.get("/api/options/")  # authenticates the token once
    with django_assert_max_num_queries(14):
        response = analyst_api.get(f"/api/options/?page_size={page_size}")
    assert len(results(response)) == min(12, page_size)


def test_page_size_has_a_maximum(anon_api, db):
    StrategyFactory.create_batch(3)
    response = anon_api.get("/api/options/?page_size=100000")
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_editor_creates_and_updates_a_strategy(editor_api, editor, catalogue):
    response = editor_api.post(
        "/api/strategies/",
        {
            "title": "Diplomatic Engagement",
            "summary": "Talk.",
            "body": "Open **channels**.",
            "status": "published",
            "actors": ["russia"],
            "implications": ["deterrence"],
            "time_horizon": "long",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "diplomatic-engagement"
    assert data["author"] == editor.username
    assert "<strong>channels</strong>" in data["body_html"]
    assert data["implications"] == ["deterrence"]
    strategy = Strategy.objects.get(slug="diplomatic-engagement")
    assert strategy.time_horizon == "long"

    response = editor_api.patch(
        "/api/strategies/diplomatic-engagement/", {"summary": "Talk more."}, format="json"
    )
    assert response.status_code == 200, response.json()
    strategy.refresh_from_db()
    assert strategy.summary == "Talk more."


def test_editor_gets_field_errors_for_bad_option(editor_api, catalogue):
    response = editor_api.post(
        "/api/sanction-types/",
        {"title": "", "instrument": "catapult", "target_sectors": ["nowhere"]},
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "instrument", "target_sectors"} <= set(response.json())
    assert not Option.objects.filter(kind="sanction_type").exclude(slug="asset-freezes").exists()


def test_analyst_cannot_write_options(analyst_api, catalogue):
    response = analyst_api.post("/api/strategies/", {"title": "Mine"}, format="json")
    assert response.status_code == 403
    response = analyst_api.patch(
        "/api/strategies/targeted-sanctions/", {"title": "Hijacked"}, format="json"
    )
    assert response.status_code == 403
    assert Option.objects.get(slug="targeted-sanctions").title == "Targeted Sanctions"


def test_tally_and_author_cannot_be_mass_assigned(editor_api, editor, catalogue):
    other = UserFactory()
    response = editor_api.post(
        "/api/strategies/",
        {
            "title": "Plain",
            "author": other.username,
            "tally": {"support": 99},
            "kind": "initiative",
        },
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["author"] == editor.username
    assert data["kind"] == "strategy"
    assert data["tally"]["support"] == 0
    assert not Vote.objects.exists()


def test_vocabularies_and_briefs_by_slug(anon_api, catalogue):
    from tests.factories import BriefFactory

    brief = BriefFactory(slug="alliance-brief", title="The alliance")
    catalogue["strategy"].brief = brief
    catalogue["strategy"].save()
    StrategyFactory(slug="hidden-draft", brief=brief, status=Option.Status.DRAFT)
    assert anon_api.get("/api/actors/russia/").json()["name"] == "Russia"
    assert anon_api.get("/api/sectors/energy/").json()["name"] == "Energy"
    assert anon_api.get("/api/implications/deterrence/").json()["name"] == "Deterrence"
    data = anon_api.get("/api/briefs/alliance-brief/").json()
    assert data["title"] == "The alliance"
    assert data["options"] == ["targeted-sanctions"]
    assert [b["slug"] for b in results(anon_api.get("/api/briefs/"))] == ["alliance-brief"]
    assert anon_api.get("/api/actors/nobody/").status_code == 404


def test_editor_changes_links_and_gets_400_for_a_taken_slug(editor_api, catalogue):
    response = editor_api.patch(
        "/api/initiatives/enhanced-monitoring/",
        {"strategies": ["targeted-sanctions"], "tags": ["allies"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["strategies"] == ["targeted-sanctions"]
    assert response.json()["tags"] == ["allies"]
    response = editor_api.patch(
        "/api/initiatives/enhanced-monitoring/", {"slug": "asset-freezes"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()
    assert Option.objects.filter(slug="enhanced-monitoring").exists()
