"""Who may read, create, update and delete what, through the API: the same roles as in
the browser. Each cell is one request by one person; its status code is the rule."""

import pytest

from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    EndorsementFactory,
    StrategyFactory,
    VoteFactory,
)

from .conftest import api_client

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "analyst", "other_analyst", "moderator", "editor", "staff"]


def _expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


MATRIX = {
    ("comment", "read"): _expect(200, 200, 200, 200, 200, 200),
    ("comment", "create"): _expect(401, 201, 201, 201, 201, 201),
    ("comment", "update"): _expect(401, 200, 403, 403, 403, 403),
    ("comment", "delete"): _expect(401, 204, 403, 403, 403, 403),
    ("vote", "read"): _expect(200, 200, 200, 200, 200, 200),
    ("vote", "create"): _expect(401, 200, 201, 201, 201, 201),
    ("vote", "update"): _expect(401, 200, 403, 403, 403, 403),
    ("vote", "delete"): _expect(401, 204, 403, 403, 403, 403),
    ("annotation", "read"): _expect(200, 200, 200, 200, 200, 200),
    ("annotation", "create"): _expect(401, 201, 201, 201, 201, 201),
    ("annotation", "update"): _expect(401, 200, 403, 403, 403, 403),
    ("annotation", "delete"): _expect(401, 204, 403, 403, 403, 403),
    ("private_annotation", "read"): _expect(404, 200, 404, 404, 404, 404),
    ("private_annotation", "update"): _expect(401, 200, 404, 404, 404, 404),
    ("private_annotation", "delete"): _expect(401, 204, 404, 404, 404, 404),
    ("strategy", "read"): _expect(200, 200, 200, 200, 200, 200),
    ("strategy", "create"): _expect(401, 403, 403, 403, 201, 201),
    ("strategy", "update"): _expect(401, 403, 403, 403, 200, 200),
    ("strategy", "delete"): _expect(401, 403, 403, 403, 405, 405),
    ("draft_strategy", "read"): _expect(404, 404, 404, 404, 200, 200),
    ("flag", "read"): _expect(401, 200, 404, 200, 404, 200),
    ("flag", "create"): _expect(401, 400, 201, 201, 201, 201),
    ("comment_moderation", "update"): _expect(401, 403, 403, 200, 403, 200),
    ("hidden_comment", "read"): _expect(404, 404, 404, 200, 404, 200),
    ("draft_comment", "read"): _expect(404, 404, 404, 404, 200, 200),
    ("option_vote", "read"): _expect(401, 200, 404, 404, 404, 404),
    ("option_vote", "update"): _expect(401, 200, 201, 201, 201, 201),
    ("option_vote", "delete"): _expect(401, 204, 204, 204, 204, 204),
    ("annotation_moderation", "update"): _expect(401, 403, 403, 200, 403, 200),
    ("endorsement", "read"): _expect(200, 200, 200, 200, 200, 200),
    ("endorsement", "create"): _expect(401, 403, 200, 201, 201, 201),
    ("endorsement", "delete"): _expect(401, 403, 204, 403, 403, 403),
    ("flag", "update"): _expect(401, 403, 404, 200, 404, 200),
    ("me", "read"): _expect(401, 200, 200, 200, 200, 200),
}


def _world(analyst, other_analyst):
    option = StrategyFactory(slug="targeted-sanctions")
    draft = StrategyFactory(slug="draft-plan", status="draft")
    comment = CommentFactory(option=option, author=analyst)
    vote = VoteFactory(option=option, voter=analyst, choice="support")
    shared = AnnotationFactory(option=option, author=analyst)
    private = AnnotationFactory(option=option, author=analyst, visibility="private")
    flagged = CommentFactory(option=option)
    from tests.factories import FlagFactory

    flag = FlagFactory(comment=flagged, flagged_by=analyst)
    hidden = CommentFactory(option=option, hidden=True)
    on_draft = CommentFactory(option=draft)
    endorsement = EndorsementFactory(comment=comment, user=other_analyst)
    return {
        "hidden": hidden,
        "on_draft": on_draft,
        "endorsement": endorsement,
        "option": option,
        "draft": draft,
        "comment": comment,
        "vote": vote,
        "shared": shared,
        "private": private,
        "flag": flag,
        "flagged": flagged,
    }


def _request(client, resource, action, w):
    if resource == "comment":
        url = f"/api/comments/{w['comment'].pk}/"
        return {
            "read": lambda: client.get(url),
            "create": lambda: client.post(
                "/api/comments/", {"option": w["option"].slug, "body": "A point."}, format="json"
            ),
            "update": lambda: client.patch(url, {"body": "Changed."}, format="json"),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource == "vote":
        url = f"/api/votes/{w['vote'].pk}/"
        return {
            "read": lambda: client.get(url),
            "create": lambda: client.post(
                "/api/votes/", {"option": w["option"].slug, "choice": "oppose"}, format="json"
            ),
            "update": lambda: client.put(url, {"choice": "abstain"}, format="json"),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource in ("annotation", "private_annotation"):
        target = w["shared"] if resource == "annotation" else w["private"]
        url = f"/api/annotations/{target.pk}/"
        return {
            "read": lambda: client.get(url),
            "create": lambda: client.post(
                "/api/annotations/",
                {
                    "option": w["option"].slug,
                    "field": "body",
                    "start": 6,
                    "end": 14,
                    "exact": w["option"].body_text[6:14],
                },
                format="json",
            ),
            "update": lambda: client.patch(url, {"body": "Changed."}, format="json"),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource in ("strategy", "draft_strategy"):
        slug = w["option"].slug if resource == "strategy" else w["draft"].slug
        url = f"/api/strategies/{slug}/"
        return {
            "read": lambda: client.get(url),
            "create": lambda: client.post(
                "/api/strategies/", {"title": "Diplomatic Engagement"}, format="json"
            ),
            "update": lambda: client.patch(url, {"summary": "New."}, format="json"),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource == "flag" and action == "update":
        return client.post(f"/api/flags/{w['flag'].pk}/dismiss/")
    if resource == "flag":
        if action == "read":
            return client.get(f"/api/flags/{w['flag'].pk}/")
        # The analyst already flagged this comment: a second flag is refused.
        return client.post(
            "/api/flags/", {"comment": w["flagged"].pk, "reason": "spam"}, format="json"
        )
    if resource in ("hidden_comment", "draft_comment"):
        target = w["hidden"] if resource == "hidden_comment" else w["on_draft"]
        return client.get(f"/api/comments/{target.pk}/")
    if resource == "option_vote":
        url = f"/api/options/{w['option'].slug}/vote/"
        return {
            "read": lambda: client.get(url),
            "update": lambda: client.put(url, {"choice": "abstain"}, format="json"),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource == "annotation_moderation":
        return client.post(
            f"/api/annotations/{w['shared'].pk}/hide/", {"reason": "Spam"}, format="json"
        )
    if resource == "endorsement":
        url = f"/api/endorsements/{w['endorsement'].pk}/"
        return {
            "read": lambda: client.get(url),
            "create": lambda: client.post(
                "/api/endorsements/", {"comment": w["comment"].pk}, format="json"
            ),
            "delete": lambda: client.delete(url),
        }[action]()
    if resource == "me":
        return client.get("/api/me/")
    if resource == "comment_moderation":
        return client.post(
            f"/api/comments/{w['comment'].pk}/hide/", {"reason": "Abuse"}, format="json"
        )
    raise AssertionError(resource)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource, action", list(MATRIX))
def test_permission_matrix(request, role, resource, action):
    analyst = request.getfixturevalue("analyst")
    other_analyst = request.getfixturevalue("other_analyst")
    user = None if role == "anonymous" else request.getfixturevalue(role)
    world = _world(analyst, other_analyst)
    response = _request(api_client(user), resource, action, world)
    expected = MATRIX[(resource, action)][role]
    assert response.status_code == expected, (role, resource, action, response.content[:300])
