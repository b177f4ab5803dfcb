"""Analysts make, see and revoke their API tokens in the browser."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from deliberation.api.tokens import issue_token
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/settings/tokens/"


def _confirm_password(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def _new_token(client):
    _confirm_password(client)
    response = client.post(PAGE, follow=True)
    assert response.status_code == 200
    return re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())[1]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(PAGE).status_code == 302
    assert not AuthToken.objects.exists()


def test_making_a_token_asks_for_the_password_then_carries_on(analyst, analyst_client):
    asked = analyst_client.post(PAGE)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuthToken.objects.exists()

    wrong = analyst_client.post(asked["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and not AuthToken.objects.exists()

    confirmed = analyst_client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert AuthToken.objects.filter(user=analyst).count() == 1
    assert '<code id="new-token">pdt_' in confirmed.content.decode()


def test_a_new_token_is_shown_once_and_works_for_the_api(analyst, analyst_client):
    _confirm_password(analyst_client)
    made = analyst_client.post(PAGE, follow=True)
    assert made.redirect_chain == [(PAGE, 302)]
    assert made["Cache-Control"] == "no-store"
    token = re.search(r'<code id="new-token">([^<]+)</code>', made.content.decode())[1]
    assert "Copy it now" in made.content.decode()

    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").json()["username"] == analyst.username

    again = analyst_client.get(PAGE).content.decode()  # a reload
    assert token not in again
    assert AuthToken.objects.filter(user=analyst).count() == 1
    assert token[:15] + "…" in again  # known by its start
    assert "Your tokens (1)" in again


def test_revoking_a_token_stops_it_and_leaves_the_others(analyst, analyst_client):
    first, second = _new_token(analyst_client), _new_token(analyst_client)
    response = analyst_client.post(reverse("deliberation:api-token-revoke", args=[first[:15]]))
    assert response.status_code == 302
    page = analyst_client.get(response["Location"]).content.decode()
    assert f"The token {first[:15]}… is revoked." in page
    assert Client(HTTP_AUTHORIZATION=f"Token {first}").get("/api/me/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Token {second}").get("/api/me/").status_code == 200


def test_nobody_revokes_another_persons_token(other_analyst, analyst_client):
    _, theirs = issue_token(other_analyst)
    response = analyst_client.post(reverse("deliberation:api-token-revoke", args=[theirs[:15]]))
    assert response.status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Token {theirs}").get("/api/me/").status_code == 200


def test_revoke_every_token(analyst, other_analyst, analyst_client):
    mine = [_new_token(analyst_client) for _ in range(3)]
    _, theirs = issue_token(other_analyst)
    response = analyst_client.post(reverse("deliberation:api-tokens-revoke-all"))
    assert "3 tokens revoked." in analyst_client.get(response["Location"]).content.decode()
    assert not AuthToken.objects.filter(user=analyst).exists()
    assert [Client(HTTP_AUTHORIZATION=f"Token {t}").get("/api/me/").status_code for t in mine] == [
        401
    ] * 3
    assert Client(HTTP_AUTHORIZATION=f"Token {theirs}").get("/api/me/").status_code == 200


def test_revoking_needs_a_post(analyst_client):
    token = _new_token(analyst_client)
    assert (
        analyst_client.get(reverse("deliberation:api-token-revoke", args=[token[:15]])).status_code
        == 405
    )
    assert analyst_client.get(reverse("deliberation:api-tokens-revoke-all")).status_code == 405
    assert AuthToken.objects.count() == 1


def test_the_profile_links_to_the_tokens_page_for_its_owner_only(
    analyst, other_analyst, analyst_client
):
    own = analyst_client.get(reverse("deliberation:profile", args=[analyst.username]))
    assert f'href="{PAGE}"' in own.content.decode()
    other = analyst_client.get(reverse("deliberation:profile", args=[other_analyst.username]))
    assert f'href="{PAGE}"' not in other.content.decode()
