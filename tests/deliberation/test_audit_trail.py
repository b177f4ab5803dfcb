"""The audit trail: moderation, role changes and deletions are recorded with who and when,
and the admin shows them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from deliberation import annotations as annotation_services
from deliberation import services
from deliberation.models import Annotation, AnnotationReply, Comment, ModerationAction, Vote
from deliberation.profiles import profile_update, role_set, user_role
from policies import services as option_services
from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_moderator_hiding_a_comment_is_recorded_with_moderator_reason_and_time(moderator, analyst):
    comment = CommentFactory(author=analyst)
    before = timezone.now()

    services.comment_hide(moderator=moderator, comment=comment, reason="Personal attack.")

    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.HIDE
    assert action.moderator == moderator
    assert action.comment == comment
    assert action.subject_user == analyst
    assert action.reason == "Personal attack."
    assert before <= action.created <= timezone.now()
    latest = Comment.history.filter(id=comment.pk).latest("history_date")
    assert latest.history_user == moderator
    assert latest.hidden is True and latest.hidden_reason == "Personal attack."


def test_restoring_a_comment_is_recorded_after_the_hiding(moderator):
    comment = CommentFactory()
    services.comment_hide(moderator=moderator, comment=comment, reason="Spam.")

    services.comment_restore(moderator=moderator, comment=comment, reason="Not spam after all.")

    assert list(
        ModerationAction.objects.filter(comment=comment)
        .order_by("created", "id")
        .values_list("action", "moderator__username", "reason")
    ) == [("hide", "mona", "Spam."), ("restore", "mona", "Not spam after all.")]


def test_hiding_an_annotation_is_recorded_in_its_history(moderator):
    annotation = AnnotationFactory()

    annotation_services.annotation_hide(
        moderator=moderator, annotation=annotation, reason="Off topic."
    )

    action = ModerationAction.objects.get(annotation=annotation)
    assert (action.action, action.moderator, action.reason) == ("hide", moderator, "Off topic.")
    latest = Annotation.history.filter(id=annotation.pk).latest("history_date")
    assert latest.history_user == moderator and latest.hidden is True


def test_moderation_actions_are_listed_in_the_admin(staff_client, moderator):
    comment = CommentFactory()
    services.comment_hide(moderator=moderator, comment=comment, reason="Doxxing.")

    html = staff_client.get(reverse("admin:deliberation_moderationaction_changelist"))
    html = html.content.decode()

    assert "Doxxing." in html
    assert "mona" in html
    assert "Hidden" in html


def test_comment_hidden_by_a_moderator_shows_in_the_admin_history(staff_client, moderator):
    comment = CommentFactory()
    services.comment_hide(moderator=moderator, comment=comment, reason="Threats.")

    response = staff_client.get(reverse("admin:deliberation_comment_history", args=[comment.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "mona" in html
    assert "Threats." in html  # hidden_reason: "" → "Threats."


def test_role_change_is_recorded_once_with_who_and_what(staff, analyst):
    role_set(by=staff, user=analyst, role="Editor")

    action = ModerationAction.objects.get(subject_user=analyst)
    assert action.action == ModerationAction.Action.ROLE_CHANGE
    assert action.moderator == staff
    assert action.reason == "Role changed from Analyst to Editor."


def test_role_change_through_the_admin_action_is_recorded_once(staff_client, staff, analyst):
    staff_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "make_moderator", "_selected_action": [analyst.pk]},
    )

    assert user_role(analyst) == "Moderator"
    assert ModerationAction.objects.filter(subject_user=analyst).count() == 1


def _user_change_form(user, groups):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in groups],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }


def test_groups_changed_by_hand_in_the_user_admin_are_recorded(staff_client, staff, analyst):
    analyst_group = Group.objects.get(name="Analyst")
    moderator_group = Group.objects.get(name="Moderator")
    url = reverse("admin:auth_user_change", args=[analyst.pk])

    response = staff_client.post(url, _user_change_form(analyst, [analyst_group, moderator_group]))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert user_role(analyst) == "Moderator"
    added = ModerationAction.objects.get(subject_user=analyst)
    assert added.action == ModerationAction.Action.ROLE_CHANGE
    assert added.moderator == staff
    assert added.reason == "Groups changed by hand: added to Moderator."

    staff_client.post(url, _user_change_form(analyst, []))

    removed = ModerationAction.objects.filter(subject_user=analyst).latest("id")
    assert removed.moderator == staff
    assert removed.reason == "Groups changed by hand: removed from Analyst, Moderator."
    assert (
        "Groups changed by hand"
        in staff_client.get(
            reverse("admin:deliberation_moderationaction_changelist")
        ).content.decode()
    )


def test_saving_a_user_without_changing_groups_records_nothing(staff_client, analyst):
    url = reverse("admin:auth_user_change", args=[analyst.pk])

    response = staff_client.post(url, _user_change_form(analyst, list(analyst.groups.all())))

    assert response.status_code == 302
    assert not ModerationAction.objects.exists()


def test_deleting_a_comment_leaves_a_tombstone_in_the_history_with_its_author(analyst):
    comment = CommentFactory(author=analyst, body="What I said.")

    services.comment_delete(user=analyst, comment=comment)

    records = list(Comment.history.filter(id=comment.pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == analyst
    assert records[-1].deleted is True and records[-1].body == ""
    assert Comment.objects.filter(pk=comment.pk, deleted=True).exists()


def test_deleting_a_comment_on_the_page_records_the_signed_in_author(analyst, analyst_client):
    comment = CommentFactory(author=analyst)

    analyst_client.post(reverse("deliberation:comment-delete", args=[comment.pk]))

    latest = Comment.history.filter(id=comment.pk).latest("history_date")
    assert latest.deleted is True
    assert latest.history_user == analyst


def test_withdrawn_vote_leaves_a_deletion_record_with_the_voter(analyst, staff_client):
    option = StrategyFactory()
    vote_pk = VoteFactory(option=option, voter=analyst, choice="oppose").pk

    services.vote_withdraw(voter=analyst, option=option)

    assert not Vote.objects.filter(pk=vote_pk).exists()
    deletion = Vote.history.get(id=vote_pk, history_type="-")
    assert deletion.history_user == analyst
    assert deletion.choice == "oppose" and deletion.option_id == option.pk
    response = staff_client.get(reverse("admin:deliberation_vote_history", args=[vote_pk]))
    assert response.status_code == 200
    assert "Deleted" in response.content.decode()


def test_deleted_annotation_and_reply_leave_deletion_records_with_their_authors(analyst):
    annotation = AnnotationFactory(author=analyst, body="My note on this.")
    replier = UserFactory(username="ruth")
    reply = annotation_services.annotation_reply_create(
        author=replier, annotation=annotation, body="I disagree."
    )

    reply_pk, annotation_pk = reply.pk, annotation.pk

    annotation_services.annotation_reply_delete(user=replier, reply=reply)
    annotation_services.annotation_delete(user=analyst, annotation=annotation)

    reply_record = AnnotationReply.history.get(id=reply_pk, history_type="-")
    assert reply_record.history_user == replier and reply_record.body == "I disagree."
    note_record = Annotation.history.get(id=annotation_pk, history_type="-")
    assert note_record.history_user == analyst and note_record.body == "My note on this."


def test_admin_option_history_shows_the_editors_change(staff_client, editor):
    strategy = StrategyFactory(summary="Before.")
    option_services.option_update(option=strategy, by=editor, summary="After.")

    response = staff_client.get(
        reverse("admin:policies_option_history", args=[strategy.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "admin:policies_strategy_history", args=[strategy.pk]
    )
    html = response.content.decode()
    assert "edith" in html
    assert "Before." in html and "After." in html


def test_profile_changes_show_in_the_admin_history(staff_client, analyst):
    profile_update(user=analyst, display_name="Ana", affiliation="", bio="")
    profile = profile_update(user=analyst, display_name="Ana K.", affiliation="Institute", bio="")

    response = staff_client.get(reverse("admin:deliberation_profile_history", args=[profile.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana K." in html and "Institute" in html
