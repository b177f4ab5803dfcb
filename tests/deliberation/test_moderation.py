"""Moderators: the queue of open flags, hide and restore with a recorded reason, dismiss."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Flag, ModerationAction
from tests.factories import CommentFactory, FlagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderator_sees_open_flags_in_the_queue(moderator_client, django_assert_max_num_queries):
    for _ in range(30):
        FlagFactory(note="Please look")
    FlagFactory(resolution=Flag.Resolution.DISMISSED, note="Old news")
    with django_assert_max_num_queries(12):
        response = moderator_client.get(reverse("deliberation:moderation-queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card flag"') == 25
    assert "Page 1 of 2" in html
    assert "Old news" not in html


def test_moderator_hides_a_flagged_comment_with_a_reason(moderator, moderator_client):
    flag = FlagFactory(comment__body="Nasty words")
    comment = flag.comment
    response = moderator_client.post(
        reverse("deliberation:comment-hide", args=[comment.pk]),
        {"reason": "Personal attack", "from": "queue"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("deliberation:moderation-queue")
    comment.refresh_from_db()
    flag.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Personal attack"
    assert flag.resolution == Flag.Resolution.UPHELD and flag.resolved_by == moderator
    action = ModerationAction.objects.get()
    assert (action.action, action.moderator, action.reason) == (
        "hide",
        moderator,
        "Personal attack",
    )
    assert (
        "Nasty words"
        not in moderator_client.get(reverse("deliberation:moderation-queue")).content.decode()
    )


def test_hiding_without_a_reason_is_a_form_error(moderator_client):
    comment = CommentFactory()
    response = moderator_client.post(reverse("deliberation:comment-hide", args=[comment.pk]), {})
    assert response.status_code == 400
    assert "Give a reason; it is recorded." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.hidden
    assert not ModerationAction.objects.exists()


def test_moderator_restores_a_hidden_comment(moderator, moderator_client, anonymous_client):
    comment = CommentFactory(hidden=True, hidden_reason="mistake", body="Back again")
    response = moderator_client.post(
        reverse("deliberation:comment-restore", args=[comment.pk]), {"reason": "Was fine"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.hidden
    assert ModerationAction.objects.get().action == ModerationAction.Action.RESTORE
    assert "Back again" in anonymous_client.get(comment.option.get_absolute_url()).content.decode()


def test_moderator_dismisses_flags_and_auto_hidden_comment_returns(settings, moderator):
    settings.FLAGS_TO_HIDE = 2
    comment = CommentFactory()
    flags = [
        services.flag_create(user=user, comment=comment, reason="spam")
        for user in UserFactory.create_batch(2)
    ]
    comment.refresh_from_db()
    assert comment.hidden
    services.flag_dismiss(moderator=moderator, flag=flags[0])
    comment.refresh_from_db()
    assert not comment.hidden
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert ModerationAction.objects.filter(action="dismiss", moderator=moderator).exists()


def test_dismiss_by_htmx_returns_the_queue(moderator_client):
    flag = FlagFactory()
    response = moderator_client.post(
        reverse("deliberation:flag-dismiss", args=[flag.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="moderation-queue">')
    assert "No open flags" in html


def test_moderator_sees_hidden_text_with_its_reason_but_readers_do_not(
    moderator_client, analyst_client
):
    comment = CommentFactory(hidden=True, hidden_reason="Spam link", body="Buy now")
    url = comment.option.get_absolute_url()
    assert "Buy now" in moderator_client.get(url).content.decode()
    html = analyst_client.get(url).content.decode()
    assert "Buy now" not in html
    assert "hidden by the moderators" in html


def _flagged_until_hidden(settings, body):
    settings.FLAGS_TO_HIDE = 2
    comment = CommentFactory(body=body)
    for user in UserFactory.create_batch(2):
        services.flag_create(user=user, comment=comment, reason="abuse")
    comment.refresh_from_db()
    assert comment.hidden
    return comment


def test_queue_offers_to_keep_hidden_or_restore_a_comment_hidden_by_flags(
    settings, moderator_client
):
    _flagged_until_hidden(settings, "Crowd-flagged words")
    html = moderator_client.get(reverse("deliberation:moderation-queue")).content.decode()
    assert "Crowd-flagged words" in html
    assert "Hidden pending review" in html
    assert ">Keep hidden</button>" in html
    assert ">Restore</button>" in html


def test_moderator_keeps_a_comment_hidden_by_flags_and_the_flags_are_upheld(
    settings, moderator, moderator_client, anonymous_client
):
    comment = _flagged_until_hidden(settings, "Crowd-flagged words")
    response = moderator_client.post(
        reverse("deliberation:comment-hide", args=[comment.pk]),
        {"reason": "Confirmed: personal attack", "from": "queue"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Confirmed: personal attack"
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"upheld"}
    assert ModerationAction.objects.filter(
        action="hide", moderator=moderator, reason="Confirmed: personal attack"
    ).exists()
    queue = moderator_client.get(reverse("deliberation:moderation-queue")).content.decode()
    assert "No open flags" in queue
    page = anonymous_client.get(comment.option.get_absolute_url()).content.decode()
    assert "Crowd-flagged words" not in page
    assert "hidden by the moderators" in page


def test_moderator_restores_a_comment_hidden_by_flags_from_the_queue(
    settings, moderator, moderator_client, anonymous_client
):
    comment = _flagged_until_hidden(settings, "Unpopular but fair")
    response = moderator_client.post(
        reverse("deliberation:comment-restore", args=[comment.pk]),
        {"reason": "Disagreement is not abuse", "from": "queue"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "The comment is restored." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.hidden
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert ModerationAction.objects.filter(action="restore", moderator=moderator).exists()
    assert (
        "Unpopular but fair"
        in anonymous_client.get(comment.option.get_absolute_url()).content.decode()
    )


def test_readers_see_a_comment_hidden_by_flags_as_pending_review(settings, analyst_client):
    comment = _flagged_until_hidden(settings, "Crowd-flagged words")
    html = analyst_client.get(comment.option.get_absolute_url()).content.decode()
    assert "Crowd-flagged words" not in html
    assert "hidden pending review" in html
