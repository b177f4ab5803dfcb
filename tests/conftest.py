import pytest
from django.test import Client

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and throttles count in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role="Analyst")


@pytest.fixture
def other_analyst(db):
    return UserFactory(username="oscar", role="Analyst")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mona", role="Moderator")


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role="Editor")


@pytest.fixture
def staff(db):
    return UserFactory(username="stella", is_staff=True, is_superuser=True)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def analyst_client(analyst):
    return _client_for(analyst)


@pytest.fixture
def other_analyst_client(other_analyst):
    return _client_for(other_analyst)


@pytest.fixture
def moderator_client(moderator):
    return _client_for(moderator)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)
