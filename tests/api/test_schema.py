import re

import pytest
import yaml
from django.core.management import call_command

from tests.api.conftest import RESOURCES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        from drf_spectacular.generators import SchemaGenerator

        return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def test_schema_documents_every_endpoint(schema):
    paths = schema["paths"]
    for resource in RESOURCES:
        assert f"/api/{resource}/" in paths, resource
        detail = [p for p in paths if re.fullmatch(rf"/api/{resource}/\{{[a-z_]+\}}/", p)]
        assert detail, resource
    for path in ["/api/me/", "/api/auth/token/", "/api/options/{slug}/vote/"]:
        assert path in paths
    assert {"get", "put", "delete"} <= set(paths["/api/options/{slug}/vote/"])
    assert {"post", "delete"} <= set(paths["/api/auth/token/"])


def test_schema_documents_filters_and_error_shapes(schema):
    params = {p["name"] for p in schema["paths"]["/api/options/"]["get"]["parameters"]}
    assert {
        "kind",
        "status",
        "actor",
        "sector",
        "tag",
        "implication",
        "min_net",
        "search",
        "ordering",
        "page",
        "page_size",
        "created_after",
        "updated_before",
    } <= params
    comment_params = {p["name"] for p in schema["paths"]["/api/comments/"]["get"]["parameters"]}
    assert {"option", "author", "stance", "parent", "created_after", "cursor"} <= comment_params
    post = schema["paths"]["/api/comments/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "429"} <= set(post)
    assert "field" in post["400"]["description"]
    detail = schema["paths"]["/api/comments/{id}/"]["get"]["responses"]
    assert detail["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    option = schema["components"]["schemas"]["Strategy"]["properties"]
    assert {
        "slug",
        "kind",
        "tally",
        "comment_count",
        "annotation_count",
        "my_vote",
        "expected_impact",
        "time_horizon",
    } <= set(option)


def test_schema_is_served(anon_api):
    response = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/votes/" in response.json()["paths"]


def test_docs_render_from_this_host_only(anon_api):
    response = anon_api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert "<script>" not in html.replace(" ", "")
    assert "<style" not in html and "style=" not in html
    script = anon_api.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_api_root_links_every_resource(anon_api):
    data = anon_api.get("/api/").json()
    for resource in RESOURCES:
        assert data[resource].endswith(f"/api/{resource}/")
    for key in ["me", "auth/token", "schema", "docs"]:
        assert key in data


def _as_json_schema(node):
    """OpenAPI 3.0's `nullable` in plain JSON Schema terms."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


def test_json_ld_answers_match_their_documented_shape(schema, analyst_api):
    import jsonschema

    from tests.factories import AnnotationFactory, StrategyFactory

    note = AnnotationFactory(body="Watch the ports.", tags=["enforcement"])
    documented = {
        path: schema["paths"][path]["get"]["responses"]["200"]["content"]
        for path in ("/api/annotations/", "/api/annotations/{id}/")
    }
    for path, url in (
        ("/api/annotations/", "/api/annotations/"),
        ("/api/annotations/{id}/", f"/api/annotations/{note.pk}/"),
    ):
        answer = analyst_api.get(url, HTTP_ACCEPT="application/ld+json")
        assert answer["Content-Type"].startswith("application/ld+json")
        jsonschema.validate(
            answer.json(), _as_json_schema(documented[path]["application/ld+json"]["schema"])
        )
        assert documented[path]["text/csv"]["schema"]["type"] == "string"
    quiet = StrategyFactory()
    empty = analyst_api.get(f"/api/annotations/?format=jsonld&option={quiet.slug}")
    assert empty.json()["items"] == []
    jsonschema.validate(
        empty.json(),
        _as_json_schema(documented["/api/annotations/"]["application/ld+json"]["schema"]),
    )
