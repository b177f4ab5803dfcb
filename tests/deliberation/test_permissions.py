"""The rules enforced on the server, proved by forged requests rather than hidden buttons."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from deliberation import permissions
from deliberation.models import Comment, CommentRevision, Endorsement, Flag, ModerationAction
from policies.models import Option
from tests.factories import CommentFactory, FlagFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Write limits are counted in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def test_analyst_cannot_edit_another_analysts_comment(other_analyst, analyst_client):
    comment = CommentFactory(author=other_analyst, body="Mine")
    url = reverse("deliberation:comment-edit", args=[comment.pk])
    response = analyst_client.post(url, {"body": "Hijacked", "stance": "oppose"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.edited is None
    assert not CommentRevision.objects.exists()
    assert analyst_client.get(url).status_code == 403


def test_analyst_cannot_delete_another_analysts_comment(other_analyst, analyst_client):
    comment = CommentFactory(author=other_analyst)
    response = analyst_client.post(reverse("deliberation:comment-delete", args=[comment.pk]))
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.deleted


def test_author_cannot_edit_a_hidden_comment(analyst, analyst_client):
    comment = CommentFactory(author=analyst, hidden=True, body="Hidden")
    response = analyst_client.post(
        reverse("deliberation:comment-edit", args=[comment.pk]),
        {"body": "Sneaking it back", "stance": "support"},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Hidden"


def test_author_cannot_delete_a_hidden_comment(analyst, analyst_client):
    comment = CommentFactory(author=analyst, hidden=True)
    analyst_client.post(reverse("deliberation:comment-delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert not comment.deleted


def test_analyst_cannot_reply_to_a_hidden_comment(analyst_client):
    comment = CommentFactory(hidden=True)
    response = analyst_client.post(
        reverse("deliberation:comment-create", args=[comment.option.slug]),
        {"body": "Reply", "stance": "neutral", "parent": comment.pk},
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_forged_htmx_refusal_shows_the_reason_and_saves_nothing(other_analyst, analyst_client):
    comment = CommentFactory(author=other_analyst, body="Mine")
    response = analyst_client.post(
        reverse("deliberation:comment-delete", args=[comment.pk]), headers={"HX-Request": "true"}
    )
    assert "You can only delete your own comments." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.deleted


def test_analyst_cannot_moderate(analyst_client):
    flag = FlagFactory()
    comment = flag.comment
    assert analyst_client.get(reverse("deliberation:moderation-queue")).status_code == 403
    hide = analyst_client.post(
        reverse("deliberation:comment-hide", args=[comment.pk]), {"reason": "I say so"}
    )
    assert hide.status_code == 403
    dismiss = analyst_client.post(reverse("deliberation:flag-dismiss", args=[flag.pk]))
    assert dismiss.status_code == 403
    comment.refresh_from_db()
    flag.refresh_from_db()
    assert not comment.hidden
    assert flag.resolution == Flag.Resolution.OPEN
    assert not ModerationAction.objects.exists()


def test_anonymous_visitor_cannot_moderate(anonymous_client):
    response = anonymous_client.get(reverse("deliberation:moderation-queue"))
    assert response.status_code == 302


def test_moderator_cannot_edit_options(moderator, moderator_client):
    assert not permissions.can_edit_options(moderator)
    draft = StrategyFactory(status=Option.Status.DRAFT)
    assert not Option.objects.visible_to(moderator).filter(pk=draft.pk).exists()

    option = StrategyFactory(title="Deterrence")
    # Forged requests: the API and the admin both refuse.
    response = moderator_client.patch(
        f"/api/strategies/{option.slug}/",
        {"title": "Rewritten by a moderator"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = moderator_client.post(
        reverse("admin:policies_strategy_change", args=[option.pk]),
        {"title": "Rewritten by a moderator"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    option.refresh_from_db()
    assert option.title == "Deterrence"


def test_editor_edits_an_option_outside_the_admin(editor_client):
    option = StrategyFactory(title="Deterrence")
    response = editor_client.patch(
        f"/api/strategies/{option.slug}/",
        {"title": "Extended deterrence"},
        content_type="application/json",
    )
    assert response.status_code == 200
    option.refresh_from_db()
    assert option.title == "Extended deterrence"


def test_editor_can_edit_options_but_not_moderate(editor):
    assert permissions.can_edit_options(editor)
    assert not permissions.can_moderate(editor)


def test_moderator_cannot_edit_someone_elses_comment(moderator_client):
    comment = CommentFactory(body="Author's words")
    response = moderator_client.post(
        reverse("deliberation:comment-edit", args=[comment.pk]),
        {"body": "Moderator's words", "stance": "support"},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Author's words"


def test_user_without_analyst_role_cannot_take_part(client):
    outsider = UserFactory(role="")
    client.force_login(outsider)
    comment = CommentFactory()
    create = client.post(
        reverse("deliberation:comment-create", args=[comment.option.slug]),
        {"body": "Let me in", "stance": "support"},
    )
    assert create.status_code == 403
    endorse = client.post(reverse("deliberation:comment-endorse", args=[comment.pk]))
    assert endorse.status_code == 403
    assert Comment.objects.count() == 1
    assert not Endorsement.objects.exists()


def test_actions_refuse_get_requests(analyst_client):
    comment = CommentFactory()
    for name in ("comment-delete", "comment-endorse", "comment-hide"):
        assert (
            analyst_client.get(reverse(f"deliberation:{name}", args=[comment.pk])).status_code
            == 405
        )


def test_comments_on_drafts_are_not_found_for_analysts(analyst_client):
    comment = CommentFactory(option__status=Option.Status.DRAFT)
    response = analyst_client.post(reverse("deliberation:comment-endorse", args=[comment.pk]))
    assert response.status_code == 404
