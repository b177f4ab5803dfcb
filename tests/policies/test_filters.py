import datetime
import re
from itertools import count

import pytest
from django.db import connection
from django.utils import timezone

from deliberation.models import VoteChoice, with_tally
from policies.filters import OptionFilterSet
from policies.models import Option, Sector
from tests.factories import (
    ActorFactory,
    CommentFactory,
    ImplicationFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    SectorFactory,
    StrategyFactory,
    TagFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

_numbers = count()


def strategy(**kwargs):
    kwargs.setdefault("slug", f"f-strategy-{next(_numbers)}")
    return StrategyFactory(**kwargs)


def initiative(**kwargs):
    kwargs.setdefault("slug", f"f-initiative-{next(_numbers)}")
    return InitiativeFactory(**kwargs)


def sanction(**kwargs):
    kwargs.setdefault("slug", f"f-sanction-{next(_numbers)}")
    return SanctionTypeFactory(**kwargs)


def titles(data, queryset=None):
    filterset = OptionFilterSet(data, queryset=queryset or Option.objects.all())
    assert filterset.is_valid(), filterset.errors
    return sorted(option.title for option in filterset.qs)


def errors(data):
    filterset = OptionFilterSet(data, queryset=Option.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def catalogue():
    japan = ActorFactory(name="Japan", slug="japan")
    china = ActorFactory(name="China", slug="china")
    energy = SectorFactory(name="Energy", slug="energy")
    finance = SectorFactory(name="Finance", slug="finance")
    military = ImplicationFactory(name="Military cooperation", slug="military")
    urgent = TagFactory(name="urgent", slug="urgent")

    deterrence = strategy(
        title="Strengthen deterrence",
        summary="Joint exercises.",
        body="Readiness of allied forces.",
    )
    deterrence.actors.add(japan)
    deterrence.implications.add(military)
    deterrence.tags.add(urgent)
    engagement = strategy(
        title="Diplomatic engagement", summary="Talks.", body="Dialogue with Pyongyang."
    )
    engagement.actors.add(china)
    engagement.sectors.add(energy)
    alliance = initiative(title="Regional alliance", summary="Pacts.", body="Partners meet.")
    alliance.actors.add(japan)
    alliance.sectors.add(energy)
    freeze = sanction(title="Asset freezes", summary="Freeze.", body="Banks comply.")
    freeze.sectors.add(finance)
    freeze.tags.add(urgent)
    strategy(title="Draft idea", status=Option.Status.DRAFT)
    return {"deterrence": deterrence, "engagement": engagement, "alliance": alliance}


def test_no_filters_return_everything_given(catalogue):
    assert len(titles({})) == 5


def test_filter_by_kind(catalogue):
    assert titles({"kind": "initiative"}) == ["Regional alliance"]
    assert titles({"kind": "sanction_type"}) == ["Asset freezes"]


def test_filter_by_status(catalogue):
    assert titles({"status": "draft"}) == ["Draft idea"]


def test_filter_by_actor_slug(catalogue):
    assert titles({"actor": "japan"}) == ["Regional alliance", "Strengthen deterrence"]


def test_filter_by_sector_slug(catalogue):
    assert titles({"sector": "energy"}) == ["Diplomatic engagement", "Regional alliance"]


def test_filter_by_implication_reaches_strategies(catalogue):
    assert titles({"implication": "military"}) == ["Strengthen deterrence"]


def test_filter_by_tag_slug(catalogue):
    assert titles({"tag": "urgent"}) == ["Asset freezes", "Strengthen deterrence"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("deterrence", ["Strengthen deterrence"]),  # title
        ("talks", ["Diplomatic engagement"]),  # summary
        ("banks", ["Asset freezes"]),  # body text
        ("Pyongyang", ["Diplomatic engagement"]),
        ("nothing-like-this", []),
    ],
)
def test_search_covers_title_summary_and_body_text(catalogue, query, expected):
    assert titles({"q": query}) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_search_on_postgresql_matches_word_forms(catalogue):
    assert titles({"q": "exercise"}) == ["Strengthen deterrence"]
    assert titles({"q": "freeze asset"}) == ["Asset freezes"]


def test_filters_combine(catalogue):
    assert titles({"actor": "japan", "kind": "strategy"}) == ["Strengthen deterrence"]
    assert titles({"sector": "energy", "q": "alliance"}) == ["Regional alliance"]
    assert titles({"tag": "urgent", "kind": "initiative"}) == []


def test_filter_by_created_and_updated_dates(catalogue):
    old = timezone.now() - datetime.timedelta(days=30)
    Option.objects.filter(pk=catalogue["engagement"].pk).update(created=old, updated=old)
    cutoff = (timezone.now() - datetime.timedelta(days=10)).date().isoformat()

    assert titles({"created_before": cutoff}) == ["Diplomatic engagement"]
    assert "Diplomatic engagement" not in titles({"created_after": cutoff})
    assert len(titles({"created_after": cutoff})) == 4
    assert titles({"updated_before": cutoff}) == ["Diplomatic engagement"]
    assert len(titles({"updated_after": cutoff})) == 4


def test_min_net_filters_a_queryset_annotated_with_the_tally(catalogue):
    for _ in range(3):
        VoteFactory(option=catalogue["deterrence"], voter=UserFactory())
    VoteFactory(option=catalogue["engagement"], voter=UserFactory(), choice=VoteChoice.OPPOSE)
    tallied = with_tally(Option.objects.all())

    assert titles({"min_net": "2"}, tallied) == ["Strengthen deterrence"]
    assert "Diplomatic engagement" not in titles({"min_net": "0"}, tallied)
    assert len(titles({"min_net": "0"}, tallied)) == 4


def test_min_net_is_ignored_without_a_tally(catalogue):
    assert len(titles({"min_net": "5"})) == 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"actor": "atlantis"}, "actor", "Select a valid choice"),
        ({"sector": "nowhere"}, "sector", "Select a valid choice"),
        ({"implication": "none"}, "implication", "Select a valid choice"),
        ({"tag": "missing"}, "tag", "Select a valid choice"),
        ({"kind": "treaty"}, "kind", "Select a valid choice"),
        ({"status": "deleted"}, "status", "Select a valid choice"),
        ({"created_after": "last week"}, "created_after", "Enter a valid date"),
        ({"updated_before": "2026-13-45"}, "updated_before", "Enter a valid date"),
        ({"min_net": "lots"}, "min_net", "Enter a number"),
    ],
)
def test_bad_filter_values_give_clear_errors(catalogue, data, field, message):
    assert message in " ".join(errors(data)[field])


def test_option_list_page_applies_the_filters(catalogue, anonymous_client):
    page = anonymous_client.get("/options/?actor=japan&kind=strategy").content.decode()

    assert "Strengthen deterrence" in page
    assert "Regional alliance" not in page
    assert "Diplomatic engagement" not in page
    assert re.search(r">\s*1 option\s*</h2>", page)
    assert 'href="/options/">Clear' in page


def test_anonymous_cannot_reach_drafts_through_the_status_filter(catalogue, anonymous_client):
    page = anonymous_client.get("/options/?status=draft").content.decode()

    assert "Draft idea" not in page
    assert "0 options" in page


def test_editor_can_list_drafts_through_the_status_filter(catalogue, editor_client):
    page = editor_client.get("/options/?status=draft").content.decode()

    assert "Draft idea" in page
    assert "Strengthen deterrence" not in page


def test_actor_filter_finds_partners_and_sanction_targets_once_each(catalogue):
    japan = catalogue["deterrence"].actors.get(slug="japan")
    korea = ActorFactory(name="North Korea", slug="north-korea")
    pact = initiative(title="Pact with Japan", summary="Allies.")
    pact.partners.add(japan)
    pact.actors.add(japan)  # also listed as an actor: still one row
    embargo = sanction(title="Embargo on Pyongyang")
    embargo.target_actors.add(korea)

    assert titles({"actor": "japan"}) == [
        "Pact with Japan",
        "Regional alliance",
        "Strengthen deterrence",
    ]
    assert titles({"actor": "north-korea"}) == ["Embargo on Pyongyang"]


def test_sector_filter_finds_sanctions_aimed_at_the_sector(catalogue):
    energy = Sector.objects.get(slug="energy")
    oil = sanction(title="Oil embargo")
    oil.target_sectors.add(energy)

    assert titles({"sector": "energy"}) == [
        "Diplomatic engagement",
        "Oil embargo",
        "Regional alliance",
    ]


def page_titles(client, query):
    page = client.get(f"/options/?{query}").content.decode()
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', page)


def test_option_list_shows_strategies_initiatives_then_sanctions_by_title(
    catalogue, anonymous_client
):
    assert page_titles(anonymous_client, "") == [
        "Diplomatic engagement",
        "Strengthen deterrence",
        "Regional alliance",
        "Asset freezes",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "title",
            [
                "Asset freezes",
                "Diplomatic engagement",
                "Regional alliance",
                "Strengthen deterrence",
            ],
        ),
        (
            "-title",
            [
                "Strengthen deterrence",
                "Regional alliance",
                "Diplomatic engagement",
                "Asset freezes",
            ],
        ),
    ],
)
def test_option_list_sorts_by_title(catalogue, anonymous_client, sort, expected):
    assert page_titles(anonymous_client, f"sort={sort}") == expected


def test_option_list_sorts_by_age_and_last_change(catalogue, anonymous_client):
    now = timezone.now()
    for days, key in enumerate(["alliance", "deterrence", "engagement"], start=1):
        moment = now - datetime.timedelta(days=days)
        Option.objects.filter(pk=catalogue[key].pk).update(created=moment, updated=moment)
    Option.objects.filter(pk=catalogue["engagement"].pk).update(updated=now)

    newest = page_titles(anonymous_client, "sort=-created")
    assert newest[:3] == ["Asset freezes", "Regional alliance", "Strengthen deterrence"]
    assert page_titles(anonymous_client, "sort=created")[0] == "Diplomatic engagement"
    assert page_titles(anonymous_client, "sort=-updated")[0] in {
        "Diplomatic engagement",
        "Asset freezes",
    }
    assert page_titles(anonymous_client, "sort=-updated")[-1] == "Strengthen deterrence"


def test_option_list_sorts_by_net_support_and_by_discussion(catalogue, anonymous_client):
    for _ in range(2):
        VoteFactory(option=catalogue["alliance"], voter=UserFactory())
    VoteFactory(option=catalogue["deterrence"], voter=UserFactory(), choice=VoteChoice.OPPOSE)
    for _ in range(3):
        CommentFactory(option=catalogue["engagement"])

    by_support = page_titles(anonymous_client, "sort=-net")
    assert by_support[0] == "Regional alliance"
    assert by_support[-1] == "Strengthen deterrence"
    assert page_titles(anonymous_client, "sort=-comments")[0] == "Diplomatic engagement"


def test_sorting_keeps_the_filters_and_pages(anonymous_client):
    for n in range(25):
        strategy(title=f"Strategy {n:02d}")

    first = page_titles(anonymous_client, "kind=strategy&sort=-title")
    second = page_titles(anonymous_client, "kind=strategy&sort=-title&page=2")
    assert first[0] == "Strategy 24"
    assert len(first) == 20 and len(second) == 5
    assert second[-1] == "Strategy 00"
    page = anonymous_client.get("/options/?kind=strategy&sort=-title").content.decode()
    assert 'href="?kind=strategy&amp;sort=-title&amp;page=2"' in page


def test_an_unknown_sort_is_a_form_error(catalogue, anonymous_client):
    response = anonymous_client.get("/options/?sort=price")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Asset freezes" not in page


def test_the_sort_field_is_labelled_and_follows_the_search(anonymous_client):
    page = anonymous_client.get("/options/").content.decode()

    assert re.search(r'<label for="id_sort">Sort by', page)
    assert page.index('id="id_q"') < page.index('id="id_sort"') < page.index('id="id_kind"')
