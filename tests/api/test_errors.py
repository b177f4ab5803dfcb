import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings

from tests.factories import StrategyFactory

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400_json_body(analyst_api, db):
    response = analyst_api.post("/api/comments/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_wrong_content_type_is_a_415_json_body(analyst_api, db):
    response = analyst_api.post("/api/votes/", data="<vote/>", content_type="application/xml")
    assert response.status_code == 415
    assert "detail" in response.json()


def test_unknown_api_path_is_a_json_404(anon_api):
    response = anon_api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_missing_item_is_a_json_404(anon_api):
    response = anon_api.get("/api/options/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_errors_are_json_even_when_csv_was_asked_for(anon_api):
    response = anon_api.get("/api/options/?format=csv&actor=atlantis")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "actor" in response.json()


def test_an_unexpected_error_is_a_json_500(anon_api, monkeypatch):
    from deliberation.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "options_for", explode)
    response = anon_api.get("/api/options/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert "boom" not in response.content.decode()


def test_method_not_allowed_is_json(anon_api, db):
    StrategyFactory(slug="s")
    response = anon_api.delete("/api/options/s/")
    assert response.status_code in (401, 403, 405)
    assert "detail" in response.json()


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_are_throttled_with_retry_after(anon_api, fresh_cache):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/min"}
    with override_settings(
        REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}
    ):
        codes = [anon_api.get("/api/options/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        response = anon_api.get("/api/options/")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "throttled" in response.json()["detail"].lower()


def test_logged_in_clients_have_their_own_rate(analyst_api, anon_api, fresh_cache):
    rates = {"anon": "1/min", "user": "5/min"}
    with override_settings(
        REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}
    ):
        assert [analyst_api.get("/api/options/").status_code for _ in range(6)] == [200] * 5 + [429]
        assert anon_api.get("/api/options/").status_code == 200
        assert anon_api.get("/api/options/").status_code == 429
