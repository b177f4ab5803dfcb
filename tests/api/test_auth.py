import pytest
from rest_framework.authtoken.models import Token
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
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(db):
    UserFactory(username="gone", is_active=False)
    response = APIClient().post(
        "/api/auth/token/", {"username": "gone", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_missing_password_names_the_field(db):
    response = APIClient().post("/api/auth/token/", {"username": "ana"}, format="json")
    assert response.status_code == 400 and "password" in response.json()


def test_delete_revokes_the_token(analyst):
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": "ana", "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").status_code == 200
    assert client.delete("/api/auth/token/").status_code == 204
    assert client.get("/api/me/").status_code == 401
    assert not Token.objects.filter(key=token).exists()


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
    assert not Token.objects.exists()


def test_guesses_through_the_api_and_the_login_page_count_together(analyst, client):
    for n in range(3):
        APIClient().post(
            "/api/auth/token/", {"username": "ana", "password": f"guess-{n}"}, format="json"
        )
    for n in range(2):
        client.post("/accounts/login/", {"login": "ana", "password": f"page-guess-{n}"})
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
