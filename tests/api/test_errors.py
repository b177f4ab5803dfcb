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


BIG = 10**25


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/options/?ordering=bogus", "ordering"),
        ("/api/options/?ordering=-net,secret_field", "ordering"),
        ("/api/strategies/?ordering=password", "ordering"),
        ("/api/actors/?ordering=id", "ordering"),
        ("/api/votes/?ordering=voter__password", "ordering"),
        ("/api/comments/?ordering=body", "ordering"),
        ("/api/annotations/?ordering=exact", "ordering"),
        ("/api/endorsements/?ordering=user", "ordering"),
        ("/api/options/?page_size=abc", "page_size"),
        ("/api/options/?page_size=0", "page_size"),
        ("/api/votes/?page_size=-5", "page_size"),
        ("/api/comments/?page_size=1.5", "page_size"),
        ("/api/options/?min_net=many", "min_net"),
        ("/api/options/?created_after=yesterday", "created_after"),
        ("/api/options/?status=lost", "status"),
        ("/api/options/?tag=no-such-tag", "tag"),
        ("/api/comments/?parent=first", "parent"),
        ("/api/comments/?parent=1.5", "parent"),
        (f"/api/comments/?parent={BIG}", "parent"),
        ("/api/comments/?top_level=maybe", "top_level"),
        ("/api/comments/?stance=angry", "stance"),
        ("/api/comments/?created_before=soon", "created_before"),
        ("/api/comments/?created_after=0001-01-01T00:00:00%2B14:00", "created_after"),
        ("/api/comments/?created_before=9999-12-31T23:59:59-14:00", "created_before"),
        ("/api/votes/?choice=maybe", "choice"),
        ("/api/votes/?option=nowhere", "option"),
        ("/api/annotations/?orphaned=perhaps", "orphaned"),
        ("/api/annotations/?author=nobody", "author"),
        (f"/api/endorsements/?comment={BIG}", "comment"),
    ],
)
def test_bad_list_parameter_is_a_400_naming_it(anon_api, url, field):
    StrategyFactory(slug="s")
    response = anon_api.get(url)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert field in response.json(), response.json()


def test_unknown_ordering_names_the_choices(anon_api, db):
    response = anon_api.get("/api/options/?ordering=popularity")
    assert response.json() == {
        "ordering": [
            "Cannot order by popularity; use net, support, comment_count, created, updated, title."
        ]
    }


def test_page_size_above_the_maximum_is_capped(anon_api, db):
    StrategyFactory.create_batch(3)
    assert len(anon_api.get("/api/options/?page_size=100000").json()["results"]) == 3


def _cursor(raw: str) -> str:
    import base64

    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize("path", ["/api/comments/", "/api/votes/"])
@pytest.mark.parametrize(
    "cursor",
    ["garbage", _cursor("o=1&p=abc"), _cursor(f"p={BIG}"), _cursor(f"r=1&p=-{BIG}")],
)
def test_a_forged_cursor_is_a_json_404_not_a_server_error(anon_api, db, path, cursor):
    from tests.factories import CommentFactory, VoteFactory

    CommentFactory()
    VoteFactory()
    response = anon_api.get(path, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor."}


def test_a_cursor_on_another_ordering_is_checked_against_that_field(anon_api, db):
    from tests.factories import VoteFactory

    VoteFactory()
    response = anon_api.get("/api/votes/", {"ordering": "updated", "cursor": _cursor("p=tuesday")})
    assert response.status_code == 404
    first = anon_api.get("/api/votes/?ordering=updated&page_size=1").json()
    assert first["next"] is None and len(first["results"]) == 1


@pytest.mark.parametrize(
    "method, url",
    [
        ("patch", "/api/options/"),
        ("delete", "/api/comments/"),
        ("put", "/api/votes/"),
        ("post", "/api/me/"),
        ("get", "/api/auth/token/"),
        ("put", "/api/auth/token/"),
        ("post", "/api/actors/"),
        ("delete", "/api/strategies/s/"),
        ("patch", "/api/flags/1/"),
    ],
)
def test_wrong_method_is_a_json_405(staff_api, method, url):
    StrategyFactory(slug="s")
    response = getattr(staff_api, method)(url, {}, format="json")
    assert response.status_code == 405, (method, url, response.content[:200])
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'


@pytest.mark.parametrize(
    "body",
    ["[1, 2]", '"a string"', "null", "42", '{"option": "s", "choice": "support"'],
)
def test_a_body_that_is_not_a_json_object_is_a_400(analyst_api, body):
    from deliberation.models import Vote

    StrategyFactory(slug="s")
    response = analyst_api.post("/api/votes/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) & {"detail", "non_field_errors"}
    assert not Vote.objects.exists()
