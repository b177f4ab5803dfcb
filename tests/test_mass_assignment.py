"""Fields nobody may set by sending them: author, voter, tally, counts, status, role, staff,
moderation state, anchors. Every form of the site and every writing serializer of the API
gets the forged fields next to its own; they are ignored (or the request refused) and the
row holds what the server decided."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from deliberation.invitations import invitation_create
from deliberation.models import (
    Annotation,
    AnnotationReply,
    Comment,
    Endorsement,
    Flag,
    Invitation,
    ModerationAction,
    Profile,
    Vote,
)
from deliberation.profiles import user_role
from policies.models import Option
from tests.api.conftest import api_client
from tests.factories import (
    PASSWORD,
    AnnotationFactory,
    CommentFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def option(db):
    return StrategyFactory(slug="targeted-sanctions", title="Targeted Sanctions")


@pytest.fixture
def elsewhere(db):
    return StrategyFactory(slug="elsewhere", title="Another option")


@pytest.fixture
def victim(db):
    return UserFactory(username="victor")


def _forged(victim, elsewhere, **extra):
    """What a forger adds to any request: someone else's identity and a server's state."""
    return {
        "author": victim.pk,
        "author_id": victim.pk,
        "user": victim.pk,
        "user_id": victim.pk,
        "voter": victim.pk,
        "flagged_by": victim.pk,
        "moderator": victim.pk,
        "resolved_by": victim.pk,
        "option_id": elsewhere.pk,
        "hidden": "true",
        "deleted": "true",
        "orphaned": "true",
        "endorsement_count": "99",
        "tally_support": "99",
        "status": "published",
        "role": "Editor",
        "is_staff": "true",
        "is_superuser": "true",
        "resolution": "dismissed",
        "body_html": "<script>alert(1)</script>",
        "created": "2000-01-01T00:00:00Z",
        **extra,
    }


# Browser forms


def test_argument_form_ignores_author_state_counts_and_option(
    analyst, analyst_client, option, elsewhere, victim
):
    response = analyst_client.post(
        reverse("deliberation:comment-create", args=[option.slug]),
        _forged(victim, elsewhere, body="My point.", stance="support"),
    )
    assert response.status_code == 302
    comment = Comment.objects.get(body="My point.")
    assert comment.author == analyst and comment.option_id == option.pk
    assert not comment.hidden and not comment.deleted
    assert comment.endorsement_count == 0
    assert "<script" not in comment.body_html
    assert comment.created.year > 2000


def test_edit_form_changes_only_the_text_and_stance(analyst, analyst_client, elsewhere, victim):
    comment = CommentFactory(author=analyst, body="Before.")
    response = analyst_client.post(
        reverse("deliberation:comment-edit", args=[comment.pk]),
        _forged(victim, elsewhere, body="After.", stance="oppose", parent=comment.pk),
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.stance) == ("After.", "oppose")
    assert comment.author == analyst and comment.option_id != elsewhere.pk
    assert comment.parent_id is None
    assert not comment.hidden and not comment.deleted and comment.endorsement_count == 0


def test_vote_form_counts_the_sender_on_the_page_option_only(
    analyst, analyst_client, option, elsewhere, victim
):
    response = analyst_client.post(
        reverse("deliberation:vote", args=[option.slug]),
        _forged(victim, elsewhere, choice="oppose", option=elsewhere.slug),
    )
    assert response.status_code == 302
    assert list(Vote.objects.values_list("voter", "option", "choice")) == [
        (analyst.pk, option.pk, "oppose")
    ]


def test_flag_form_records_the_sender_and_leaves_the_flag_open(
    analyst, analyst_client, option, elsewhere, victim
):
    comment = CommentFactory(option=option)
    analyst_client.post(
        reverse("deliberation:comment-flag", args=[comment.pk]),
        _forged(victim, elsewhere, reason="spam"),
    )
    flag = Flag.objects.get()
    assert flag.flagged_by == analyst and flag.comment == comment
    assert flag.resolution == Flag.Resolution.OPEN and flag.resolved_by is None


def test_moderation_form_records_the_acting_moderator(
    moderator, moderator_client, option, elsewhere, victim
):
    comment = CommentFactory(option=option)
    moderator_client.post(
        reverse("deliberation:comment-hide", args=[comment.pk]),
        _forged(victim, elsewhere, reason="Abuse"),
    )
    action = ModerationAction.objects.get(comment=comment)
    assert action.moderator == moderator


def test_endorse_form_endorses_as_the_sender(analyst, analyst_client, option, elsewhere, victim):
    comment = CommentFactory(option=option, author=victim)
    analyst_client.post(
        reverse("deliberation:comment-endorse", args=[comment.pk]), _forged(victim, elsewhere)
    )
    assert list(Endorsement.objects.values_list("user", "comment")) == [(analyst.pk, comment.pk)]
    comment.refresh_from_db()
    assert comment.endorsement_count == 1


def test_note_form_ignores_author_state_and_rendered_html(
    analyst, analyst_client, option, elsewhere, victim
):
    text = option.rendered_text("body")
    response = analyst_client.post(
        reverse("deliberation:annotation-create", args=[option.slug]),
        _forged(
            victim,
            elsewhere,
            field="body",
            start=6,
            end=14,
            exact=text[6:14],
            prefix=text[:6],
            suffix=text[14:46],
            body="My note.",
            visibility="shared",
        ),
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert note.author == analyst and note.option_id == option.pk
    assert not note.hidden and not note.orphaned
    assert "<script" not in note.body_html and "My note." in note.body_html


def test_note_edit_form_keeps_the_anchor_and_the_author(analyst, analyst_client, elsewhere, victim):
    note = AnnotationFactory(author=analyst)
    anchor = (note.option_id, note.field, note.start, note.end, note.exact)
    analyst_client.post(
        reverse("deliberation:annotation-edit", args=[note.pk]),
        _forged(
            victim, elsewhere, body="Changed.", visibility="shared", start=1, end=3, exact="xx"
        ),
    )
    note.refresh_from_db()
    assert note.body == "Changed."
    assert (note.option_id, note.field, note.start, note.end, note.exact) == anchor
    assert note.author == analyst and not note.hidden


def test_note_reply_form_replies_as_the_sender(analyst, analyst_client, elsewhere, victim):
    note = AnnotationFactory(author=victim)
    other_note = AnnotationFactory(author=victim)
    analyst_client.post(
        reverse("deliberation:annotation-reply", args=[note.pk]),
        _forged(victim, elsewhere, body="Noted.", annotation=other_note.pk),
    )
    reply = AnnotationReply.objects.get()
    assert reply.author == analyst and reply.annotation == note


def test_profile_form_changes_only_the_senders_public_fields(
    analyst, analyst_client, elsewhere, victim
):
    response = analyst_client.post(
        reverse("deliberation:profile-settings"),
        _forged(
            victim,
            elsewhere,
            display_name="Ana",
            affiliation="Institute",
            bio="",
            username="root",
            email="root@example.org",
            groups="1",
        ),
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert (analyst.username, analyst.email) == ("ana", "ana@example.org")
    assert not analyst.is_staff and not analyst.is_superuser
    assert user_role(analyst) == "Analyst"
    assert Profile.objects.get(user=analyst).display_name == "Ana"
    assert not Profile.objects.filter(user=victim, display_name="Ana").exists()


def test_option_form_ignores_author_kind_tally_and_counts(editor, editor_client, elsewhere, victim):
    response = editor_client.post(
        reverse("deliberation:option-create", args=["strategy"]),
        _forged(
            victim,
            elsewhere,
            title="New plan",
            summary="S.",
            status="draft",
            body="B.",
            expected_impact="",
            time_horizon="medium",
            kind="initiative",
            comment_count="5",
        ),
    )
    assert response.status_code == 302
    option = Option.objects.get(title="New plan")
    assert option.kind == Option.Kind.STRATEGY and option.status == Option.Status.DRAFT
    assert option.author == editor and option.created.year > 2000
    assert not Vote.objects.filter(option=option).exists()
    assert not Comment.objects.filter(option=option).exists()


def test_option_edit_form_keeps_the_author_and_kind(editor, editor_client, option, victim):
    response = editor_client.post(
        reverse("deliberation:option-edit", args=[option.slug]),
        _forged(
            victim,
            option,
            title="Renamed",
            slug=option.slug,
            summary="S.",
            status="published",
            body="B.",
            expected_impact="",
            time_horizon="medium",
            kind="sanction_type",
        ),
    )
    assert response.status_code == 302
    changed = Option.objects.get(pk=option.pk)
    assert changed.title == "Renamed" and changed.kind == Option.Kind.STRATEGY
    assert changed.author_id == option.author_id and changed.created == option.created


def test_invitation_form_refuses_a_role_outside_the_list(editor_client):
    for role in ("staff", "superuser", "Admin"):
        response = editor_client.post(
            reverse("deliberation:invitation-list"), {"email": "new@example.org", "role": role}
        )
        assert response.status_code == 400
        assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_invitation_form_ignores_who_invited_and_a_chosen_token(
    editor, editor_client, elsewhere, victim
):
    editor_client.post(
        reverse("deliberation:invitation-list"),
        _forged(victim, elsewhere, email="new@example.org", role="Analyst", token="chosen"),
    )
    invitation = Invitation.objects.get()
    assert invitation.invited_by == editor and invitation.role == "Analyst"
    assert invitation.token != "chosen" and invitation.accepted_at is None


def test_sign_up_by_invitation_gives_the_invited_role_only(editor, elsewhere, victim):
    invitation = invitation_create(invited_by=editor, email="nina@example.org", role="Analyst")
    client = Client()
    client.get(f"/invitations/{invitation.token}/")
    client.post(
        reverse("account_signup"),
        _forged(
            victim,
            elsewhere,
            username="nina",
            email="nina@example.org",
            password1="quiet-harbour-lantern-42",
            password2="quiet-harbour-lantern-42",
            groups="1",
        ),
    )
    nina = User.objects.get(username="nina")
    assert not nina.is_staff and not nina.is_superuser
    assert set(nina.groups.values_list("name", flat=True)) == {"Analyst"}


def test_accepting_an_invitation_gives_its_role_not_a_posted_one(editor, analyst, analyst_client):
    invitation = invitation_create(invited_by=editor, email="ana2@example.org", role="Moderator")
    analyst_client.post(f"/invitations/{invitation.token}/", {"role": "Editor", "is_staff": "true"})
    analyst.refresh_from_db()
    assert user_role(analyst) == "Moderator" and not analyst.is_staff


def test_account_deletion_deletes_only_the_senders_account(
    analyst, analyst_client, victim, elsewhere
):
    response = analyst_client.post(
        reverse("deliberation:account-delete"),
        {**_forged(victim, elsewhere), "password": PASSWORD, "username": victim.username},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.is_active and victim.username == "victor"
    assert not User.objects.get(pk=analyst.pk).is_active


# API serializers


def _api_forged(victim, elsewhere, **extra):
    return {
        "author": victim.username,
        "user": victim.username,
        "voter": victim.username,
        "flagged_by": victim.username,
        "moderator": victim.username,
        "resolved_by": victim.username,
        "hidden": True,
        "deleted": True,
        "orphaned": True,
        "endorsement_count": 99,
        "depth": 7,
        "tally": {"support": 99, "oppose": 0, "abstain": 0, "net": 99},
        "comment_count": 42,
        "resolution": "dismissed",
        "body_html": "<script>alert(1)</script>",
        "created": "2000-01-01T00:00:00Z",
        "updated": "2000-01-01T00:00:00Z",
        "id": 424242,
        **extra,
    }


def test_api_comment_create_ignores_author_state_and_counts(analyst, option, elsewhere, victim):
    response = api_client(analyst).post(
        "/api/comments/",
        _api_forged(victim, elsewhere, option=option.slug, body="My point.", stance="oppose"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["author"] == "ana" and data["option"] == option.slug
    assert (data["hidden"], data["deleted"], data["endorsement_count"], data["depth"]) == (
        False,
        False,
        0,
        0,
    )
    assert data["id"] != 424242 and "<script" not in data["body_html"]
    comment = Comment.objects.get(pk=data["id"])
    assert comment.author == analyst and comment.created.year > 2000


def test_api_comment_edit_changes_only_text_and_stance(analyst, option, elsewhere, victim):
    comment = CommentFactory(author=analyst, option=option, body="Before.")
    parent = CommentFactory(option=option)
    response = api_client(analyst).patch(
        f"/api/comments/{comment.pk}/",
        _api_forged(
            victim,
            elsewhere,
            body="After.",
            option=elsewhere.slug,
            parent=parent.pk,
            stance="oppose",
        ),
        format="json",
    )
    assert response.status_code == 200, response.json()
    comment.refresh_from_db()
    assert (comment.body, comment.stance, comment.option_id) == ("After.", "oppose", option.pk)
    assert comment.author == analyst and comment.parent_id is None
    assert not comment.hidden and not comment.deleted and comment.endorsement_count == 0


def test_api_vote_is_the_senders_whatever_voter_is_sent(analyst, option, elsewhere, victim):
    client = api_client(analyst)
    response = client.post(
        "/api/votes/",
        _api_forged(victim, elsewhere, option=option.slug, choice="support"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    vote = Vote.objects.get()
    assert (vote.voter, vote.option_id, vote.choice) == (analyst, option.pk, "support")

    response = client.put(
        f"/api/votes/{vote.pk}/",
        _api_forged(victim, elsewhere, option=elsewhere.slug, choice="oppose"),
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert list(Vote.objects.values_list("voter", "option", "choice")) == [
        (analyst.pk, option.pk, "oppose")
    ]
    tally = api_client(analyst).get(f"/api/options/{option.slug}/").json()["tally"]
    assert (tally["support"], tally["oppose"]) == (0, 1)


def test_api_endorsement_is_the_senders(analyst, option, elsewhere, victim):
    comment = CommentFactory(option=option, author=victim)
    response = api_client(analyst).post(
        "/api/endorsements/", _api_forged(victim, elsewhere, comment=comment.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    assert list(Endorsement.objects.values_list("user", "comment")) == [(analyst.pk, comment.pk)]
    comment.refresh_from_db()
    assert comment.endorsement_count == 1


def test_api_flag_is_the_senders_and_open(analyst, option, elsewhere, victim):
    comment = CommentFactory(option=option, author=victim)
    response = api_client(analyst).post(
        "/api/flags/",
        _api_forged(victim, elsewhere, comment=comment.pk, reason="spam"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    flag = Flag.objects.get()
    assert flag.flagged_by == analyst and flag.resolution == Flag.Resolution.OPEN
    assert flag.resolved_by is None and flag.resolved_at is None


def test_api_hide_records_the_acting_moderator(moderator, option, elsewhere, victim):
    comment = CommentFactory(option=option)
    response = api_client(moderator).post(
        f"/api/comments/{comment.pk}/hide/",
        _api_forged(victim, elsewhere, reason="Abuse"),
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert ModerationAction.objects.get(comment=comment).moderator == moderator


def test_api_annotation_create_ignores_author_and_state(analyst, option, elsewhere, victim):
    text = option.rendered_text("body")
    response = api_client(analyst).post(
        "/api/annotations/",
        _api_forged(
            victim,
            elsewhere,
            option=option.slug,
            field="body",
            start=6,
            end=14,
            exact=text[6:14],
            body="My note.",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    note = Annotation.objects.get()
    assert note.author == analyst and note.option_id == option.pk
    assert not note.hidden and not note.orphaned and "<script" not in note.body_html


def test_api_annotation_edit_keeps_the_anchor(analyst, elsewhere, victim):
    note = AnnotationFactory(author=analyst)
    anchor = (note.option_id, note.field, note.start, note.end, note.exact)
    response = api_client(analyst).patch(
        f"/api/annotations/{note.pk}/",
        _api_forged(
            victim,
            elsewhere,
            body="Changed.",
            option=elsewhere.slug,
            field="summary",
            start=1,
            end=3,
            exact="xx",
        ),
        format="json",
    )
    assert response.status_code == 200, response.json()
    note.refresh_from_db()
    assert note.body == "Changed."
    assert (note.option_id, note.field, note.start, note.end, note.exact) == anchor
    assert note.author == analyst and not note.hidden and not note.orphaned


def test_api_option_update_ignores_author_kind_tally_and_counts(editor, option, elsewhere, victim):
    response = api_client(editor).patch(
        f"/api/strategies/{option.slug}/",
        _api_forged(victim, elsewhere, summary="New summary.", kind="initiative"),
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["kind"] == "strategy" and data["summary"] == "New summary."
    assert data["tally"]["support"] == 0 and data["comment_count"] == 0
    assert not Vote.objects.exists() and not Comment.objects.exists()
    option.refresh_from_db()
    assert option.kind == Option.Kind.STRATEGY and option.created.year > 2000


def test_api_token_is_for_the_account_whose_password_is_sent(analyst, victim):
    response = api_client().post(
        "/api/auth/token/",
        {"username": "ana", "password": PASSWORD, "user": victim.pk, "user_id": victim.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["username"] == "ana"
    me = api_client()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.get("/api/me/").json()["username"] == "ana"


def test_api_me_cannot_be_written(analyst):
    client = api_client(analyst)
    for method in (client.post, client.put, client.patch):
        response = method("/api/me/", {"is_staff": True, "role": "Editor"}, format="json")
        assert response.status_code == 405
    analyst.refresh_from_db()
    assert not analyst.is_staff and user_role(analyst) == "Analyst"
