import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, StrategyFactory, UserFactory

User = get_user_model()
NEW_PASSWORD = "quiet-harbour-lantern-42"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def sign_up(client, username="newcomer", email="newcomer@example.org"):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def log_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.django_db
def test_visitor_signs_up_verifies_email_and_logs_in():
    client = Client()
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert not EmailAddress.objects.get(user=user).verified
    assert not user.groups.exists()  # Analyst is the role of verified accounts

    # Mandatory verification: no login before the link is followed.
    assert "_auth_user_id" not in client.session
    refused = log_in(Client(), "newcomer", NEW_PASSWORD)
    assert "_auth_user_id" not in refused.client.session

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.org"]
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert list(user.groups.values_list("name", flat=True)) == ["Analyst"]

    browser = Client()
    response = log_in(browser, "newcomer@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == user.pk
    settings_page = browser.get(reverse("deliberation:profile-settings"))
    assert settings_page.status_code == 200
    assert "Log out" in settings_page.content.decode()


@pytest.mark.django_db
def test_sign_up_with_mismatched_passwords_creates_no_account():
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert not User.objects.filter(username="newcomer").exists()
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(SIGNUP_MODE="invitation")
def test_sign_up_is_closed_without_an_invitation_in_invitation_mode():
    client = Client()
    page = client.get(reverse("account_signup"))
    assert "closed" in page.content.decode().lower()
    login_page = client.get(reverse("account_login")).content.decode()
    assert 'href="/accounts/signup/"' not in login_page.split("<main")[0]
    sign_up(client)
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_with_the_right_password(analyst):
    for _ in range(5):
        response = log_in(Client(), "ana", "wrong-password")
        assert "_auth_user_id" not in response.client.session
    # A different address, the right password: the account itself is limited.
    client = Client(REMOTE_ADDR="10.0.0.9")
    response = log_in(client, "ana", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Another account is not affected.
    UserFactory(username="bea")
    assert "_auth_user_id" in log_in(Client(), "bea", PASSWORD).client.session


@pytest.mark.django_db
def test_failed_logins_from_one_address_are_limited_across_accounts():
    for n in range(10):
        log_in(Client(REMOTE_ADDR="10.0.0.7"), f"nobody{n}", "wrong-password")
    UserFactory(username="carla")
    blocked = log_in(Client(REMOTE_ADDR="10.0.0.7"), "carla", PASSWORD)
    assert "Too many failed login attempts" in blocked.content.decode()
    assert (
        "_auth_user_id" in log_in(Client(REMOTE_ADDR="10.0.0.8"), "carla", PASSWORD).client.session
    )


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_available(), reason="no Redis at 127.0.0.1:6379")
def test_login_limit_is_kept_in_the_shared_redis_cache(analyst):
    prefix = f"test-login-limit-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    import redis

    # What a second app server would see: its own connection to the same Redis.
    other_server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    with override_settings(CACHES=redis_cache):
        try:
            for _ in range(5):
                log_in(Client(), "ana", "wrong-password")
            assert other_server.keys(f"{prefix}*"), "the failed logins were not counted in Redis"
            blocked = log_in(Client(REMOTE_ADDR="10.1.1.1"), "ana", PASSWORD)
            assert "Too many failed login attempts" in blocked.content.decode()
        finally:
            for key in other_server.scan_iter(f"{prefix}*"):
                other_server.delete(key)


def test_settings_use_redis_as_the_cache_when_redis_url_is_set():
    import subprocess
    import sys

    code = (
        "import deliberation.settings as s;"
        "print(s.CACHES['default']['BACKEND']);print(s.CACHES['default']['LOCATION'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "REDIS_URL": "redis://cache.internal:6379/0",
            "SECRET_KEY": "x" * 50,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6379/0"]


@pytest.mark.django_db
def test_unverified_account_cannot_take_part_through_the_api():
    sign_up(Client())
    token = Client().post("/api/auth/token/", {"username": "newcomer", "password": NEW_PASSWORD})
    assert token.status_code == 200, token.content
    option = StrategyFactory()
    api = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = api.post(
        "/api/votes/", {"option": option.slug, "choice": "support"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not option.votes.exists()


@pytest.mark.django_db
def test_confirming_a_second_address_does_not_give_back_a_removed_role():
    client = Client()
    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    user = User.objects.get(username="newcomer")
    user.groups.clear()  # staff took the role away
    second = EmailAddress.objects.create(user=user, email="second@example.org", verified=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=second)
    assert not user.groups.exists()


@pytest.mark.django_db
def test_staff_marking_an_address_verified_makes_the_account_an_analyst(staff_client):
    sign_up(Client())
    address = EmailAddress.objects.get(email="newcomer@example.org")
    staff_client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [address.pk]},
    )
    assert User.objects.get(username="newcomer").groups.filter(name="Analyst").exists()
