from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["ana", "ana@example.org", "ANA@example.org"])
def test_token_for_username_or_email_works_for_writing(analyst, identifier):
    StrategyFactory(slug="targeted-sanctions")
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": identifier, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    assert response.json()["username"] == "ana"
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/votes/", {"option": "targeted-sanctions", "choice": "support"}, format="json"
    )
    assert response.status_code == 201


def test_wrong_password_gets_no_token(analyst):
    response = APIClient().post(
        "/api/auth/token/", {"username": "ana", "password": "guess"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token(db):
    UserFactory(username="gone", is_active=False)
    response = APIClient().post(
        "/api/auth/token/", {"username": "gone", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_missing_password_names_the_field(db):
    response = APIClient().post("/api/auth/token/", {"username": "ana"}, format="json")
    assert response.status_code == 400 and "password" in response.json()


def _token(client=None, username="ana"):
    client = client or APIClient()
    response = client.post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _as(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_delete_revokes_the_token_it_is_sent_with_and_no_other(analyst):
    laptop, script = _token(), _token()
    assert laptop != script
    assert _as(laptop).delete("/api/auth/token/").status_code == 204
    assert _as(laptop).get("/api/me/").status_code == 401
    assert _as(script).get("/api/me/").status_code == 200


def test_delete_all_revokes_every_token_of_the_account(analyst, other_analyst):
    mine = [_token() for _ in range(3)]
    theirs = _token(username=other_analyst.username)
    assert _as(mine[0]).delete("/api/auth/token/?all=true").status_code == 204
    assert [_as(token).get("/api/me/").status_code for token in mine] == [401] * 3
    assert _as(theirs).get("/api/me/").status_code == 200


def test_a_browser_session_revokes_every_token_of_the_account(analyst, analyst_client):
    token = _token()
    assert analyst_client.delete("/api/auth/token/").status_code == 204
    assert _as(token).get("/api/me/").status_code == 401


def test_tokens_are_stored_hashed_and_recognisable(analyst):
    response = APIClient().post(
        "/api/auth/token/", {"username": "ana", "password": PASSWORD}, format="json"
    )
    token = response.json()["token"]
    assert token.startswith("pdt_") and len(token) > 60
    stored = AuthToken.objects.get(user=analyst)
    # The database keeps a digest and a short lookup prefix, never the token itself.
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.token_key) < 20


def test_a_token_expires(analyst, settings):
    response = APIClient().post(
        "/api/auth/token/", {"username": "ana", "password": PASSWORD}, format="json"
    )
    expiry = response.json()["expiry"]
    assert expiry is not None
    token = response.json()["token"]
    assert _as(token).get("/api/me/").status_code == 200
    AuthToken.objects.filter(user=analyst).update(expiry=timezone.now() - timedelta(seconds=1))
    expired = _as(token).get("/api/me/")
    assert expired.status_code == 401
    assert expired.json()["detail"] == "Invalid token."
    assert not AuthToken.objects.exists()  # and it is cleared away


def test_a_new_token_past_the_limit_replaces_the_oldest(analyst, settings):
    settings.API_TOKENS_PER_ACCOUNT = 3
    tokens = [_token() for _ in range(4)]
    assert AuthToken.objects.filter(user=analyst).count() == 3
    assert _as(tokens[0]).get("/api/me/").status_code == 401
    assert [_as(token).get("/api/me/").status_code for token in tokens[1:]] == [200] * 3


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token pdt_not-a-real-token",
        "Token " + "f" * 64,
        b"Token \xff\xfe\xfd".decode("latin-1"),
        "Token pdt_\x00abc",
        "Token pdt_\x7fabc",
    ],
)
def test_a_bad_token_header_is_a_401_with_a_reason(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_bad_token_is_refused_even_where_reading_needs_no_login(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token pdt_" + "0" * 64)
    assert client.get("/api/strategies/").status_code == 401


def test_session_login_works_for_the_api(analyst_client, analyst):
    response = analyst_client.get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == analyst.username


def test_session_writes_need_csrf(analyst):
    StrategyFactory(slug="targeted-sanctions")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(
        "/api/votes/", {"option": "targeted-sanctions", "choice": "support"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_editor_role_is_reported(editor_api):
    data = editor_api.get("/api/me/").json()
    assert data["role"] == "Editor"
    assert data["roles"] == ["Editor", "Analyst"]


def test_password_guessing_for_a_token_is_limited_per_account(analyst):
    def guess(password, address):
        return APIClient(REMOTE_ADDR=address).post(
            "/api/auth/token/", {"username": "ana", "password": password}, format="json"
        )

    # From several addresses, so that only the per-account limit can stop them.
    for n in range(5):
        assert guess(f"guess-{n}", f"10.0.0.{n}").status_code == 400
    refused = guess(PASSWORD, "10.0.0.99")
    assert refused.status_code == 429
    assert "Too many failed login attempts" in refused.json()["detail"]
    assert not AuthToken.objects.exists()


def test_guesses_through_the_api_and_the_login_page_count_together(analyst, client):
    for n in range(3):
        APIClient().post(
            "/api/auth/token/", {"username": "ana", "password": f"guess-{n}"}, format="json"
        )
    for n in range(2):
        client.post("/accounts/login/", {"login": "ana", "password": f"page-guess-{n}"})
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_a_request_with_a_token_costs_one_query_to_authenticate(analyst, django_assert_num_queries):
    from deliberation.api.tokens import TokenAuthentication

    token = _token()
    with django_assert_num_queries(1):
        user, _ = TokenAuthentication().authenticate_credentials(token.encode())
    assert user == analyst


def test_expired_tokens_are_cleared_when_a_new_one_is_issued(analyst):
    old = _token()
    AuthToken.objects.filter(user=analyst).update(expiry=timezone.now() - timedelta(days=1))
    fresh = _token()
    assert AuthToken.objects.filter(user=analyst).count() == 1
    assert _as(old).get("/api/me/").status_code == 401
    assert _as(fresh).get("/api/me/").status_code == 200
