import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from deliberation.invitations import InvitationUnusable, invitation_accept, invitation_create
from deliberation.models import Invitation, ModerationAction
from tests.factories import UserFactory

User = get_user_model()
NEW_PASSWORD = "quiet-harbour-lantern-42"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def invitation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body).group(1)


def sign_up(client, username, email):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def test_editor_invites_by_email_and_the_mail_carries_a_link(editor_client, editor):
    response = editor_client.post(
        reverse("deliberation:invitation-list"), {"email": "nina@example.org", "role": "Moderator"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nina@example.org",
        "Moderator",
        editor,
    )
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    assert invitation_path(mail.outbox[0]) == f"/invitations/{invitation.token}/"
    page = editor_client.get(reverse("deliberation:invitation-list")).content.decode()
    assert "nina@example.org" in page and "Waiting" in page


def test_analyst_cannot_create_invitations_even_by_forged_post(analyst_client):
    response = analyst_client.post(
        reverse("deliberation:invitation-list"), {"email": "x@example.org", "role": "Editor"}
    )
    assert response.status_code == 403
    assert analyst_client.get(reverse("deliberation:invitation-list")).status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_moderator_cannot_invite(moderator, moderator_client):
    response = moderator_client.post(
        reverse("deliberation:invitation-list"), {"email": "x@example.org", "role": "Analyst"}
    )
    assert response.status_code == 403
    with pytest.raises(Exception, match="Only editors"):
        invitation_create(invited_by=moderator, email="x@example.org", role="Analyst")
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_log_in_from_invitations(anonymous_client):
    response = anonymous_client.post(
        reverse("deliberation:invitation-list"), {"email": "x@example.org", "role": "Analyst"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "not-an-address", "role": "Analyst"}, "Enter a valid email address."),
        ({"email": "x@example.org", "role": "Overlord"}, "Select a valid choice."),
        ({"email": "edith@example.org", "role": "Analyst"}, "already has an account"),
    ],
)
def test_bad_invitation_gets_a_form_error_and_saves_nothing(editor_client, data, message):
    response = editor_client.post(reverse("deliberation:invitation-list"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invited_person_signs_up_gets_the_role_and_the_invitation_is_used(editor):
    invitation = invitation_create(invited_by=editor, email="nina@example.org", role="Editor")
    client = Client()
    response = client.get(f"/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_signup"))
    signup_page = client.get(response["Location"]).content.decode()
    assert 'value="nina@example.org"' in signup_page

    sign_up(client, "nina", "nina@example.org")
    nina = User.objects.get(username="nina")
    assert set(nina.groups.values_list("name", flat=True)) == {"Analyst", "Editor"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == nina and invitation.accepted_at is not None
    # Following the link proved the address: no second verification round.
    assert EmailAddress.objects.get(user=nina).verified
    assert int(client.session["_auth_user_id"]) == nina.pk
    assert client.get(reverse("deliberation:invitation-list")).status_code == 200
    assert ModerationAction.objects.filter(
        action="role_change", subject_user=nina, moderator=editor
    ).exists()


def test_invitation_link_works_only_once(editor):
    invitation = invitation_create(invited_by=editor, email="nina@example.org", role="Moderator")
    first = Client()
    first.get(f"/invitations/{invitation.token}/")
    sign_up(first, "nina", "nina@example.org")

    again = Client().get(f"/invitations/{invitation.token}/")
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    with pytest.raises(InvitationUnusable):
        invitation_accept(invitation=invitation, user=UserFactory())


def test_expired_invitation_shows_a_clear_page_and_gives_no_role(editor):
    invitation = invitation_create(invited_by=editor, email="nina@example.org", role="Editor")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    response = client.get(f"/invitations/{invitation.token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()

    sign_up(client, "nina", "nina@example.org")
    nina = User.objects.get(username="nina")
    assert not nina.groups.exists()  # an ordinary sign-up: Analyst once the address is confirmed
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_unknown_invitation_token_is_not_found():
    assert Client().get("/invitations/no-such-token/").status_code == 404


@override_settings(SIGNUP_MODE="invitation")
def test_invitation_opens_closed_sign_up(editor):
    closed = Client()
    sign_up(closed, "intruder", "intruder@example.org")
    assert not User.objects.filter(username="intruder").exists()

    invitation = invitation_create(invited_by=editor, email="nina@example.org", role="Analyst")
    client = Client()
    client.get(f"/invitations/{invitation.token}/")
    sign_up(client, "nina", "nina@example.org")
    assert User.objects.filter(username="nina", groups__name="Analyst").exists()

    # Used up: the same browser cannot sign up a second account with it.
    sign_up(client, "nina2", "nina2@example.org")
    assert not User.objects.filter(username="nina2").exists()


def test_logged_in_analyst_accepts_an_invitation_for_their_account(editor, analyst, analyst_client):
    invitation = invitation_create(invited_by=editor, email="ana@example.net", role="Moderator")
    page = analyst_client.get(f"/invitations/{invitation.token}/")
    assert "Accept as ana" in page.content.decode()
    assert not analyst.groups.filter(name="Moderator").exists()
    analyst_client.post(f"/invitations/{invitation.token}/")
    assert analyst.groups.filter(name="Moderator").exists()
    assert analyst_client.post(f"/invitations/{invitation.token}/").status_code == 410


def test_invitation_list_runs_a_constant_number_of_queries(
    editor, editor_client, django_assert_max_num_queries
):
    for n in range(30):
        invitation = invitation_create(
            invited_by=editor, email=f"person{n}@example.org", role="Analyst"
        )
        if n % 3 == 0:
            invitation_accept(invitation=invitation, user=UserFactory(username=f"person{n}"))
    with django_assert_max_num_queries(10):
        response = editor_client.get(reverse("deliberation:invitation-list"))
    assert response.content.decode().count("@example.org") >= 30


def test_accepting_a_lesser_invitation_never_demotes_an_editor(editor, editor_client):
    other_editor = UserFactory(username="eve", role="Editor")
    invitation = invitation_create(invited_by=other_editor, email="x@example.org", role="Analyst")
    editor_client.post(f"/invitations/{invitation.token}/")
    assert set(editor.groups.values_list("name", flat=True)) == {"Analyst", "Editor"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == editor
