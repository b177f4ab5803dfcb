import pytest
from rest_framework.test import APIClient

from tests.factories import (
    ActorFactory,
    ImplicationFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    SectorFactory,
    StrategyFactory,
    TagFactory,
)

# Every collection the API serves, by its address under /api/.
RESOURCES = [
    "options",
    "strategies",
    "initiatives",
    "sanction-types",
    "actors",
    "sectors",
    "implications",
    "briefs",
    "comments",
    "votes",
    "annotations",
    "flags",
    "endorsements",
]


def api_client(user=None):
    """A client that talks to the API as `user` with a token (anonymous without one)."""
    from deliberation.api.tokens import issue_token

    client = APIClient()
    if user is not None:
        _, token = issue_token(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture(autouse=True)
def fresh_write_limits():
    """Write limits and throttles are counted in the cache; each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return api_client


@pytest.fixture
def anon_api(db):
    return api_client()


@pytest.fixture
def analyst_api(analyst):
    return api_client(analyst)


@pytest.fixture
def other_api(other_analyst):
    return api_client(other_analyst)


@pytest.fixture
def moderator_api(moderator):
    return api_client(moderator)


@pytest.fixture
def editor_api(editor):
    return api_client(editor)


@pytest.fixture
def staff_api(staff):
    return api_client(staff)


@pytest.fixture
def catalogue(db):
    """One option of each kind, linked to an actor, a sector, a tag and an implication."""
    russia = ActorFactory(name="Russia", slug="russia")
    energy = SectorFactory(name="Energy", slug="energy")
    tag = TagFactory(name="allies", slug="allies")
    deterrence = ImplicationFactory(name="Deterrence", slug="deterrence")
    strategy = StrategyFactory(
        title="Targeted Sanctions", slug="targeted-sanctions", summary="Pressure on key sectors."
    )
    strategy.actors.add(russia)
    strategy.sectors.add(energy)
    strategy.tags.add(tag)
    strategy.implications.add(deterrence)
    initiative = InitiativeFactory(title="Enhanced Monitoring", slug="enhanced-monitoring")
    initiative.partners.add(russia)
    sanction = SanctionTypeFactory(title="Asset Freezes", slug="asset-freezes")
    sanction.target_sectors.add(energy)
    return {
        "strategy": strategy,
        "initiative": initiative,
        "sanction": sanction,
        "actor": russia,
        "sector": energy,
        "tag": tag,
        "implication": deterrence,
    }


def results(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data
