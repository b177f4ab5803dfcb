"""Every list endpoint runs the same number of queries for 10 rows as for 100."""

import pytest

from tests.factories import (
    ActorFactory,
    BriefFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    ImplicationFactory,
    SectorFactory,
    StrategyFactory,
)

from .conftest import results

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    option = StrategyFactory()
    for i in range(30):
        comment = CommentFactory(option=option)
        EndorsementFactory(comment=comment)
        FlagFactory(comment=comment)
        ActorFactory(slug=f"a-{i}", name=f"A {i}")
        SectorFactory(slug=f"s-{i}", name=f"S {i}")
        ImplicationFactory(slug=f"i-{i}", name=f"I {i}")
        BriefFactory(slug=f"b-{i}")


@pytest.mark.parametrize(
    "path",
    [
        "/api/endorsements/",
        "/api/flags/",
        "/api/actors/",
        "/api/sectors/",
        "/api/implications/",
        "/api/briefs/",
    ],
)
@pytest.mark.parametrize("page_size", [10, 100])
def test_list_queries_do_not_grow_with_page_size(
    staff_client, rows, path, page_size, django_assert_max_num_queries
):
    staff_client.get(path)  # loads the session and permissions once
    with django_assert_max_num_queries(6):
        response = staff_client.get(f"{path}?page_size={page_size}")
    assert response.status_code == 200
    assert len(results(response)) == min(30, page_size)


@pytest.fixture
def options_of_every_kind(analyst):
    """Thirty options of each kind, each with every link, a vote, a comment and a note."""
    from tests.factories import (
        AnnotationFactory,
        InitiativeFactory,
        SanctionTypeFactory,
        TagFactory,
        VoteFactory,
    )

    tag, actor, sector = TagFactory(), ActorFactory(), SectorFactory()
    implication = ImplicationFactory()
    for i in range(30):
        strategy = StrategyFactory(slug=f"strategy-{i}")
        strategy.implications.add(implication)
        initiative = InitiativeFactory(slug=f"initiative-{i}")
        initiative.partners.add(actor)
        initiative.strategies.add(strategy)
        sanction = SanctionTypeFactory(slug=f"sanction-{i}")
        sanction.target_sectors.add(sector)
        sanction.target_actors.add(actor)
        for option in (strategy, initiative, sanction):
            option.tags.add(tag)
            option.actors.add(actor)
            option.sectors.add(sector)
            VoteFactory(option=option, voter=analyst)
            CommentFactory(option=option)
            AnnotationFactory(option=option, start=0, end=5)


@pytest.mark.parametrize(
    "path", ["/api/strategies/", "/api/initiatives/", "/api/sanction-types/", "/api/me/"]
)
@pytest.mark.parametrize("page_size", [10, 100])
def test_kind_lists_and_me_do_not_grow_with_page_size(
    analyst_client, options_of_every_kind, path, page_size, django_assert_max_num_queries
):
    analyst_client.get(path)  # loads the session and permissions once
    with django_assert_max_num_queries(12):
        response = analyst_client.get(f"{path}?page_size={page_size}")
    assert response.status_code == 200
    if path != "/api/me/":
        assert len(results(response)) == min(30, page_size)
        assert all(item["my_vote"] for item in results(response))


def test_option_list_costs_the_same_whatever_kinds_a_page_holds(anon_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import InitiativeFactory, SanctionTypeFactory

    for n in range(3):
        StrategyFactory(title=f"A strategy {n}")
    with CaptureQueriesContext(connection) as strategies_only:
        anon_api.get("/api/options/")
    InitiativeFactory(title="An initiative")
    SanctionTypeFactory(title="A sanction type")
    with CaptureQueriesContext(connection) as every_kind:
        response = anon_api.get("/api/options/")
    assert {item["kind"] for item in results(response)} == {
        "strategy",
        "initiative",
        "sanction_type",
    }
    assert len(every_kind.captured_queries) == len(strategies_only.captured_queries)


def test_an_initiative_lists_only_the_strategies_the_reader_may_see(anon_api, editor):
    from tests.api.conftest import api_client
    from tests.factories import InitiativeFactory

    public = StrategyFactory(slug="public-strategy")
    draft = StrategyFactory(slug="draft-strategy", status="draft")
    initiative = InitiativeFactory(slug="an-initiative")
    initiative.strategies.add(public, draft)
    for path in ("/api/options/an-initiative/", "/api/initiatives/an-initiative/"):
        assert anon_api.get(path).json()["strategies"] == ["public-strategy"]
        editor_view = api_client(editor).get(path).json()["strategies"]
        assert sorted(editor_view) == ["draft-strategy", "public-strategy"]
    listed = next(o for o in results(anon_api.get("/api/options/")) if o["slug"] == "an-initiative")
    assert listed["strategies"] == ["public-strategy"]
