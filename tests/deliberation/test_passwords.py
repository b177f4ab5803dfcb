"""Password change and reset through allauth, on the site's own pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from deliberation.api.tokens import issue_token
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "amber-valley-compass-77"


def _logs_in(login, password) -> bool:
    client = Client()
    client.post(reverse("account_login"), {"login": login, "password": password})
    return "_auth_user_id" in client.session


def test_analyst_changes_the_password(analyst, analyst_client):
    page = analyst_client.get(reverse("account_change_password"))
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()
    response = analyst_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _logs_in("ana", NEW_PASSWORD)
    assert not _logs_in("ana", PASSWORD)


def _api_token_works(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/me/").status_code == 200


def test_changing_the_password_revokes_every_api_token(analyst, analyst_client):
    _, token = issue_token(analyst)
    assert _api_token_works(token)
    analyst_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not _api_token_works(token)


def test_wrong_current_password_changes_nothing(analyst, analyst_client):
    response = analyst_client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "current password" in response.content.decode().lower()
    analyst.refresh_from_db()
    assert analyst.check_password(PASSWORD)


def test_anonymous_visitor_is_sent_to_log_in_from_password_change(anonymous_client):
    response = anonymous_client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_forgotten_password_is_reset_through_the_mailed_link(analyst):
    _, token = issue_token(analyst)
    client = Client()
    login_page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_reset_password")}">Forgot your password?' in login_page
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()
    response = client.post(reverse("account_reset_password"), {"email": analyst.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [analyst.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _logs_in("ana", NEW_PASSWORD)
    assert not _logs_in("ana", PASSWORD)
    assert not _api_token_works(token)


def test_reset_link_works_only_once(analyst):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": analyst.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    target = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(link.group(1), follow=True)
    assert "invalid" in again.content.decode().lower()
    Client().post(target, {"password1": "another-pass-9981", "password2": "another-pass-9981"})
    assert not _logs_in("ana", "another-pass-9981")
    assert _logs_in("ana", NEW_PASSWORD)
