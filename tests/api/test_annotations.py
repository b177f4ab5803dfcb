import pytest

from deliberation.models import Annotation
from tests.factories import AnnotationFactory, StrategyFactory

from .conftest import results

pytestmark = pytest.mark.django_db

BODY = "Apply pressure on key sectors of the economy through targeted measures."


@pytest.fixture
def option(db):
    return StrategyFactory(slug="targeted-sanctions", body=BODY)


def _payload(target, **extra):
    start = BODY.index("key sectors")
    return {
        "option": target.slug,
        "field": "body",
        "start": start,
        "end": start + len("key sectors"),
        "exact": "key sectors",
        "body": "Which ones?",
        "tags": ["energy"],
        **extra,
    }


def test_analyst_annotates_a_passage(analyst_api, analyst, option):
    response = analyst_api.post("/api/annotations/", _payload(option), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["exact"] == "key sectors"
    assert data["prefix"].endswith("pressure on ") and data["suffix"].startswith(" of the")
    assert data["author"] == analyst.username
    assert data["tags"] == ["energy"] and data["visibility"] == "shared"
    assert data["orphaned"] is False and data["field"] == "body"


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"start": 60, "end": 500, "exact": "x"}, None),
        ({"exact": "something else"}, "exact"),
        ({"field": "not_a_field"}, "field"),
        ({"start": "ten"}, "start"),
        ({"visibility": "secret"}, "visibility"),
        ({"option": "nowhere"}, "option"),
        ({"tags": "energy"}, "tags"),
    ],
)
def test_bad_annotation_target_gets_400_naming_the_field(analyst_api, option, extra, field):
    response = analyst_api.post("/api/annotations/", _payload(option, **extra), format="json")
    assert response.status_code == 400
    body = response.json()
    if field:
        assert field in body, body
    else:
        assert set(body) & {"start", "end", "exact"}, body
    assert not Annotation.objects.exists()


def test_private_annotations_of_others_are_not_found(analyst_api, other_api, analyst, option):
    private = AnnotationFactory(option=option, author=analyst, visibility="private")
    assert analyst_api.get(f"/api/annotations/{private.pk}/").status_code == 200
    assert other_api.get(f"/api/annotations/{private.pk}/").status_code == 404
    assert other_api.delete(f"/api/annotations/{private.pk}/").status_code == 404
    assert results(other_api.get("/api/annotations/")) == []
    assert Annotation.objects.filter(pk=private.pk).exists()


def test_author_edits_and_deletes_annotation_but_others_cannot(
    analyst_api, other_api, analyst, option
):
    annotation = AnnotationFactory(option=option, author=analyst)
    url = f"/api/annotations/{annotation.pk}/"
    assert other_api.patch(url, {"body": "Mine now"}, format="json").status_code == 403
    assert other_api.delete(url).status_code == 403
    response = analyst_api.patch(url, {"body": "Better", "tags": ["a", "b"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["body"] == "Better" and response.json()["tags"] == ["a", "b"]
    assert analyst_api.delete(url).status_code == 204
    assert not Annotation.objects.exists()


def test_moderator_hides_a_shared_annotation(moderator_api, anon_api, option):
    annotation = AnnotationFactory(option=option)
    response = moderator_api.post(
        f"/api/annotations/{annotation.pk}/hide/", {"reason": "Spam"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert anon_api.get(f"/api/annotations/{annotation.pk}/").status_code == 404


def test_annotations_filter_by_option_author_tag_and_orphaned(anon_api, analyst, option):
    tagged = AnnotationFactory(option=option, author=analyst, tags=["energy", "risk"])
    orphan = AnnotationFactory(option=option, orphaned=True)
    other = AnnotationFactory(option=StrategyFactory())

    def ids(query):
        response = anon_api.get(f"/api/annotations/?{query}")
        assert response.status_code == 200, response.json()
        return {a["id"] for a in results(response)}

    assert ids(f"option={option.slug}") == {tagged.pk, orphan.pk}
    assert ids(f"author={analyst.username}") == {tagged.pk}
    assert ids("tag=risk") == {tagged.pk}
    assert ids("orphaned=true") == {orphan.pk}
    assert ids("orphaned=false") == {tagged.pk, other.pk}


def test_annotations_as_w3c_web_annotations(anon_api, option):
    annotation = AnnotationFactory(option=option, start=0, end=5, body="Note", tags=["energy"])
    for response in [
        anon_api.get(f"/api/annotations/{annotation.pk}/?format=jsonld"),
        anon_api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT="application/ld+json"),
    ]:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/ld+json")
        data = response.json()
        assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert data["type"] == "Annotation"
        assert data["id"].endswith(f"/api/annotations/{annotation.pk}/")
        assert data["target"]["source"].endswith("/options/targeted-sanctions/#field-body")
        selectors = {s["type"]: s for s in data["target"]["selector"]}
        assert selectors["TextQuoteSelector"]["exact"] == "Apply"
        assert selectors["TextPositionSelector"] == {
            "type": "TextPositionSelector",
            "start": 0,
            "end": 5,
        }
        assert {"type": "TextualBody", "value": "energy", "purpose": "tagging"} in data["body"]
    page = anon_api.get("/api/annotations/?format=jsonld").json()
    assert page["type"] == "AnnotationPage"
    assert [item["type"] for item in page["items"]] == ["Annotation"]


@pytest.mark.parametrize("page_size", [10, 100])
def test_annotation_list_runs_constant_queries(
    anon_api, option, django_assert_max_num_queries, page_size
):
    for start in range(0, 40):
        AnnotationFactory(option=option, start=start, end=start + 3)
    with django_assert_max_num_queries(2):
        response = anon_api.get(f"/api/annotations/?page_size={page_size}")
    assert len(results(response)) == min(40, page_size)


def test_a_note_others_replied_to_cannot_be_made_private(
    analyst_api, other_analyst, analyst, option
):
    from deliberation import annotations as services

    annotation = AnnotationFactory(option=option, author=analyst)
    services.annotation_reply_create(author=other_analyst, annotation=annotation, body="Agreed.")
    response = analyst_api.patch(
        f"/api/annotations/{annotation.pk}/", {"visibility": "private"}, format="json"
    )
    assert response.status_code == 400
    assert "stays shared" in str(response.json()["visibility"])
    annotation.refresh_from_db()
    assert annotation.visibility == "shared"
