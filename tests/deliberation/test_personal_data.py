import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from deliberation.models import Annotation, Comment, ModerationAction, Profile, Vote, with_tally
from deliberation.profiles import account_delete, profile_update
from policies.models import Option
from tests.factories import (
    PASSWORD,
    AnnotationFactory,
    CommentFactory,
    EndorsementFactory,
    StrategyFactory,
    VoteFactory,
)

User = get_user_model()


@pytest.fixture
def active_analyst(analyst, other_analyst):
    option = StrategyFactory(title="Targeted Sanctions", slug="targeted-sanctions")
    profile_update(user=analyst, display_name="Ana Lytic", affiliation="Ministry", bio="Bio.")
    comment = CommentFactory(author=analyst, option=option, body="Freeze the assets.")
    CommentFactory(author=other_analyst, option=option, parent=comment, body="Agreed.")
    VoteFactory(voter=analyst, option=option, choice="support")
    VoteFactory(voter=other_analyst, option=option, choice="oppose")
    AnnotationFactory(author=analyst, option=option, body="Key passage.")
    EndorsementFactory(user=analyst, comment=CommentFactory(option=option))
    return analyst


def test_analyst_downloads_all_their_data_as_json(active_analyst, analyst_client):
    response = analyst_client.get(reverse("deliberation:data-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="ana-data.json"'
    data = json.loads(response.content)
    assert data["account"]["username"] == "ana"
    assert data["account"]["email"] == "ana@example.org"
    assert data["account"]["roles"] == ["Analyst"]
    assert data["profile"] == {
        "display_name": "Ana Lytic",
        "affiliation": "Ministry",
        "bio": "Bio.",
    }
    assert [c["body"] for c in data["arguments"]] == ["Freeze the assets."]
    assert data["arguments"][0]["option"] == "targeted-sanctions"
    assert [(v["option"], v["choice"]) for v in data["votes"]] == [
        ("targeted-sanctions", "support")
    ]
    assert [a["body"] for a in data["annotations"]] == ["Key passage."]
    assert len(data["endorsements"]) == 1
    # Nobody else's words.
    assert "Agreed." not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_gets_no_data_export(anonymous_client):
    response = anonymous_client.get(reverse("deliberation:data-export"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _tally(option):
    o = with_tally(Option.objects.filter(pk=option.pk)).get()
    return (o.tally_support, o.tally_oppose, o.tally_abstain, o.tally_net)


def test_deleting_the_account_keeps_arguments_votes_and_tallies(active_analyst, analyst_client):
    option = Option.objects.get(slug="targeted-sanctions")
    AuthToken.objects.create(user=active_analyst)
    tally_before = _tally(option)
    comments_before = Comment.objects.count()

    response = analyst_client.post(reverse("deliberation:account-delete"), {"password": PASSWORD})
    assert response.status_code == 302

    user = User.objects.get(pk=active_analyst.pk)
    assert user.username == f"deleted-{user.pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not user.groups.exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Profile.objects.filter(user=user).exists()
    assert not Profile.history.filter(user_id=user.pk).exists()
    assert not AuthToken.objects.filter(user=user).exists()

    assert Comment.objects.count() == comments_before
    assert Comment.objects.get(body="Freeze the assets.").author == user
    assert Vote.objects.filter(voter=user, option=option, choice="support").exists()
    assert Annotation.objects.filter(author=user).count() == 1
    assert _tally(option) == tally_before
    assert ModerationAction.objects.filter(subject_user=user, action="role_change").exists()

    # The one-vote constraint still holds for the anonymised voter.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(voter=user, option=option, choice="oppose")

    # Logged out, cannot log in again, and the profile names no one.
    assert "_auth_user_id" not in analyst_client.session
    login = Client().post(reverse("account_login"), {"login": "ana", "password": PASSWORD})
    assert "_auth_user_id" not in login.client.session
    page = Client().get(reverse("deliberation:profile", args=[user.username])).content.decode()
    assert "Deleted account" in page
    assert "Ana Lytic" not in page and "Ministry" not in page


def test_other_sessions_of_a_deleted_account_stop_working(analyst):
    laptop, phone = Client(), Client()
    laptop.force_login(analyst)
    phone.force_login(analyst)
    account_delete(user=analyst)
    response = phone.get(reverse("deliberation:profile-settings"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_wrong_password_keeps_the_account(analyst, analyst_client):
    response = analyst_client.post(
        reverse("deliberation:account-delete"), {"password": "not-my-password"}
    )
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.username == "ana" and analyst.is_active
    assert EmailAddress.objects.filter(user=analyst).exists()


def test_delete_page_asks_for_the_password(analyst_client):
    html = analyst_client.get(reverse("deliberation:account-delete")).content.decode()
    assert 'type="password"' in html
    assert "arguments, votes and annotations stay" in html


@pytest.mark.django_db
def test_anonymous_visitor_cannot_delete_an_account(analyst, anonymous_client):
    anonymous_client.post(reverse("deliberation:account-delete"), {"password": PASSWORD})
    analyst.refresh_from_db()
    assert analyst.is_active
