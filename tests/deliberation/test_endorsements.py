"""Endorsements: one per analyst per comment, the stored count kept exact."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse

from deliberation import services
from deliberation.models import Endorsement
from tests.factories import CommentFactory, EndorsementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Write limits are counted in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def test_analyst_endorses_and_withdraws(analyst, analyst_client):
    comment = CommentFactory()
    response = analyst_client.post(reverse("deliberation:comment-endorse", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.endorsement_count == 1
    html = analyst_client.get(comment.option.get_absolute_url()).content.decode()
    assert "1 endorsement" in html
    assert 'aria-pressed="true"' in html
    analyst_client.post(reverse("deliberation:comment-unendorse", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.endorsement_count == 0
    assert not Endorsement.objects.exists()


def test_analyst_cannot_endorse_twice(analyst_client):
    comment = CommentFactory()
    url = reverse("deliberation:comment-endorse", args=[comment.pk])
    analyst_client.post(url)
    analyst_client.post(url, headers={"HX-Request": "true"})
    comment.refresh_from_db()
    assert Endorsement.objects.filter(comment=comment).count() == 1
    assert comment.endorsement_count == 1


def test_database_refuses_a_second_endorsement_row(analyst):
    endorsement = EndorsementFactory(user=analyst)
    with pytest.raises(IntegrityError):
        Endorsement.objects.create(comment=endorsement.comment, user=analyst)


def test_count_follows_several_analysts(analyst, other_analyst, moderator):
    comment = CommentFactory()
    for user in (analyst, other_analyst, moderator):
        services.endorsement_create(user=user, comment=comment)
    services.endorsement_delete(user=other_analyst, comment=comment)
    services.endorsement_delete(user=other_analyst, comment=comment)
    comment.refresh_from_db()
    assert comment.endorsement_count == 2 == Endorsement.objects.filter(comment=comment).count()


def test_analyst_cannot_endorse_own_comment(analyst, analyst_client):
    comment = CommentFactory(author=analyst)
    response = analyst_client.post(reverse("deliberation:comment-endorse", args=[comment.pk]))
    assert response.status_code == 403
    assert not Endorsement.objects.exists()


def test_analyst_cannot_endorse_a_hidden_comment(analyst_client):
    comment = CommentFactory(hidden=True, hidden_reason="abuse")
    response = analyst_client.post(reverse("deliberation:comment-endorse", args=[comment.pk]))
    assert response.status_code == 403
    assert "cannot endorse" in response.content.decode()
    comment.refresh_from_db()
    assert comment.endorsement_count == 0
