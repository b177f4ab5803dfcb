"""Flags: one per analyst per comment; enough of them hide a comment pending review."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from deliberation import services
from deliberation.models import Flag, ModerationAction
from tests.factories import AnnotationFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _flag_url(comment):
    return reverse("deliberation:comment-flag", args=[comment.pk])


def test_analyst_flags_with_a_reason(analyst, analyst_client):
    comment = CommentFactory()
    response = analyst_client.post(_flag_url(comment), {"reason": "spam", "note": "Ad link"})
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.flagged_by, flag.reason, flag.note) == (analyst, "spam", "Ad link")
    html = analyst_client.get(comment.option.get_absolute_url()).content.decode()
    assert "You flagged this." in html


def test_flag_form_page_works_without_javascript(analyst_client):
    comment = CommentFactory()
    html = analyst_client.get(_flag_url(comment)).content.decode()
    assert f'<label for="id_flag_{comment.pk}_reason">Reason</label>' in html
    assert "csrfmiddlewaretoken" in html


def test_unknown_reason_is_a_form_error(analyst_client):
    comment = CommentFactory()
    response = analyst_client.post(_flag_url(comment), {"reason": "boring"})
    assert response.status_code == 400
    assert "Choose a reason from the list." in response.content.decode()
    assert not Flag.objects.exists()


def test_analyst_cannot_flag_twice(analyst_client):
    comment = CommentFactory()
    analyst_client.post(_flag_url(comment), {"reason": "spam"})
    response = analyst_client.post(_flag_url(comment), {"reason": "abuse"})
    assert response.status_code == 400
    assert "already flagged" in response.content.decode()
    assert Flag.objects.count() == 1


def test_enough_flags_hide_the_comment_pending_review(settings):
    settings.FLAGS_TO_HIDE = 3
    comment = CommentFactory(body="Obvious abuse")
    flaggers = UserFactory.create_batch(3)
    for user in flaggers[:2]:
        services.flag_create(user=user, comment=comment, reason="abuse")
    comment.refresh_from_db()
    assert not comment.hidden
    services.flag_create(user=flaggers[2], comment=comment, reason="abuse")
    comment.refresh_from_db()
    assert comment.hidden
    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.AUTO_HIDE
    assert action.comment == comment


def test_auto_hidden_comment_is_gone_from_the_page(settings, anonymous_client):
    settings.FLAGS_TO_HIDE = 2
    comment = CommentFactory(body="Flag me away")
    for user in UserFactory.create_batch(2):
        services.flag_create(user=user, comment=comment, reason="spam")
    html = anonymous_client.get(comment.option.get_absolute_url()).content.decode()
    assert "Flag me away" not in html
    assert "hidden pending review" in html


def test_enough_flags_hide_an_annotation(settings):
    settings.FLAGS_TO_HIDE = 2
    annotation = AnnotationFactory()
    for user in UserFactory.create_batch(2):
        services.flag_create(user=user, annotation=annotation, reason="off_topic")
    annotation.refresh_from_db()
    assert annotation.hidden
    assert ModerationAction.objects.get().annotation == annotation


def test_flag_needs_exactly_one_target(analyst):
    with pytest.raises(services.ValidationError):
        services.flag_create(user=analyst, reason="spam")


def test_analyst_cannot_flag_a_hidden_comment(analyst_client):
    comment = CommentFactory(hidden=True)
    response = analyst_client.post(_flag_url(comment), {"reason": "spam"})
    assert response.status_code == 403
    assert not Flag.objects.exists()
