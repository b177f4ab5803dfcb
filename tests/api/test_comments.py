import pytest
from django.conf import settings

from deliberation.models import Comment, CommentRevision
from policies.models import Option
from tests.factories import CommentFactory, StrategyFactory

from .conftest import results

pytestmark = pytest.mark.django_db


@pytest.fixture
def option(db):
    return StrategyFactory(slug="targeted-sanctions")


def test_analyst_posts_a_comment_and_a_reply(analyst_api, other_api, analyst, option):
    response = analyst_api.post(
        "/api/comments/",
        {"option": "targeted-sanctions", "stance": "support", "body": "It **works**."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    comment = response.json()
    assert comment["option"] == "targeted-sanctions"
    assert comment["author"] == analyst.username
    assert comment["parent"] is None and comment["depth"] == 0
    assert comment["stance"] == "support"
    assert "<strong>works</strong>" in comment["body_html"]
    assert comment["endorsement_count"] == 0 and comment["edited"] is None

    response = other_api.post(
        "/api/comments/",
        {"option": "targeted-sanctions", "parent": comment["id"], "stance": "oppose", "body": "No"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["parent"] == comment["id"]
    assert response.json()["depth"] == 1


def test_comment_body_html_is_sanitised(analyst_api, option):
    response = analyst_api.post(
        "/api/comments/",
        {"option": option.slug, "body": "<script>alert(1)</script>\n\n[x](javascript:alert(1))"},
        format="json",
    )
    assert response.status_code == 201
    html = response.json()["body_html"]
    assert "<script" not in html and 'href="javascript' not in html


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"stance": "support"}, "body"),
        ({"body": "", "stance": "support"}, "body"),
        ({"body": "x" * (settings.COMMENT_MAX_LENGTH + 1)}, "body"),
        ({"body": "Hi", "stance": "maybe"}, "stance"),
        ({"body": "Hi", "parent": 999999}, "parent"),
        ({"body": "Hi", "parent": "first"}, "parent"),
        ({"body": ["a list"]}, "body"),
    ],
)
def test_bad_comment_gets_400_naming_the_field(analyst_api, option, payload, field):
    response = analyst_api.post("/api/comments/", {"option": option.slug, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.exists()


def test_comment_on_missing_or_draft_option_is_refused(analyst_api, db):
    StrategyFactory(slug="draft", status=Option.Status.DRAFT)
    for slug in ["nowhere", "draft"]:
        response = analyst_api.post("/api/comments/", {"option": slug, "body": "Hi"}, format="json")
        assert response.status_code == 400
        assert "option" in response.json()
    assert not Comment.objects.exists()


def test_reply_to_a_comment_on_another_option_is_refused(analyst_api, option):
    elsewhere = CommentFactory(option=StrategyFactory())
    response = analyst_api.post(
        "/api/comments/",
        {"option": option.slug, "parent": elsewhere.pk, "body": "Hi"},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert Comment.objects.count() == 1


def test_author_edits_and_deletes_own_comment(analyst_api, analyst, option):
    comment = CommentFactory(option=option, author=analyst, body="First thought.")
    response = analyst_api.patch(
        f"/api/comments/{comment.pk}/",
        {"body": "Second thought.", "stance": "oppose"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["body"] == "Second thought."
    assert response.json()["edited"] is not None
    assert CommentRevision.objects.filter(comment=comment, body="First thought.").exists()

    assert analyst_api.delete(f"/api/comments/{comment.pk}/").status_code == 204
    data = analyst_api.get(f"/api/comments/{comment.pk}/").json()
    assert data["deleted"] is True and data["body"] == ""


def test_other_analyst_cannot_edit_or_delete_comment(other_api, analyst, option):
    comment = CommentFactory(option=option, author=analyst, body="Mine.")
    assert (
        other_api.patch(
            f"/api/comments/{comment.pk}/", {"body": "Yours."}, format="json"
        ).status_code
        == 403
    )
    assert other_api.delete(f"/api/comments/{comment.pk}/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine." and not comment.deleted


def test_moderator_hides_and_restores_a_comment(moderator_api, analyst_api, anon_api, option):
    comment = CommentFactory(option=option)
    assert (
        analyst_api.post(
            f"/api/comments/{comment.pk}/hide/", {"reason": "Abuse"}, format="json"
        ).status_code
        == 403
    )
    response = moderator_api.post(
        f"/api/comments/{comment.pk}/hide/", {"reason": "Abuse"}, format="json"
    )
    assert response.status_code == 200 and response.json()["hidden"] is True
    assert anon_api.get(f"/api/comments/{comment.pk}/").status_code == 404
    assert results(anon_api.get("/api/comments/")) == []
    response = moderator_api.post(
        f"/api/comments/{comment.pk}/restore/", {"reason": "Fine after all"}, format="json"
    )
    assert response.status_code == 200 and response.json()["hidden"] is False
    assert anon_api.get(f"/api/comments/{comment.pk}/").status_code == 200


def test_comments_filter_by_option_author_stance_parent_and_search(anon_api, analyst, option):
    other_option = StrategyFactory()
    root = CommentFactory(option=option, author=analyst, stance="support", body="Sanctions bite.")
    reply = CommentFactory(option=option, parent=root, stance="oppose", body="They leak.")
    CommentFactory(option=other_option, stance="neutral", body="Elsewhere.")

    def ids(query):
        response = anon_api.get(f"/api/comments/?{query}")
        assert response.status_code == 200, response.json()
        return {c["id"] for c in results(response)}

    assert ids(f"option={option.slug}") == {root.pk, reply.pk}
    assert ids(f"author={analyst.username}") == {root.pk}
    assert ids("stance=oppose") == {reply.pk}
    assert ids(f"parent={root.pk}") == {reply.pk}
    assert ids("top_level=true") == {root.pk, Comment.objects.get(body="Elsewhere.").pk}
    assert ids("search=leak") == {reply.pk}
    assert ids("created_after=2000-01-01T00:00:00Z") == {c.pk for c in Comment.objects.all()}
    assert ids("created_before=2000-01-01T00:00:00Z") == set()
    assert anon_api.get("/api/comments/?author=nobody").status_code == 400


@pytest.mark.parametrize("page_size", [10, 100])
def test_comment_list_runs_constant_queries(
    anon_api, option, django_assert_max_num_queries, page_size
):
    root = CommentFactory(option=option)
    parent = root
    for _ in range(5):
        parent = CommentFactory(option=option, parent=parent)
    CommentFactory.create_batch(30, option=option, parent=root)
    with django_assert_max_num_queries(4):
        response = anon_api.get(f"/api/comments/?page_size={page_size}")
    assert len(results(response)) == min(36, page_size)
    depths = {c["id"]: c["depth"] for c in results(anon_api.get("/api/comments/?page_size=100"))}
    assert depths[root.pk] == 0 and depths[parent.pk] == 5


def test_comment_list_pages_with_a_cursor(anon_api, option):
    comments = CommentFactory.create_batch(5, option=option)
    first = anon_api.get("/api/comments/?page_size=2").json()
    assert [c["id"] for c in first["results"]] == [comments[4].pk, comments[3].pk]
    second = anon_api.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [comments[2].pk, comments[1].pk]
    assert anon_api.get("/api/comments/?cursor=garbage").status_code == 404


def test_comments_on_drafts_are_hidden_from_analysts(analyst_api, editor_api, db):
    draft = StrategyFactory(status=Option.Status.DRAFT)
    comment = CommentFactory(option=draft)
    assert analyst_api.get(f"/api/comments/{comment.pk}/").status_code == 404
    assert editor_api.get(f"/api/comments/{comment.pk}/").status_code == 200


def test_the_pages_write_limit_holds_for_the_api(analyst_api, option, settings):
    settings.WRITE_RATE_LIMIT = "2/m"
    codes = [
        analyst_api.post(
            "/api/comments/", {"option": option.slug, "body": f"Point {i}"}, format="json"
        ).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    assert Comment.objects.count() == 2
