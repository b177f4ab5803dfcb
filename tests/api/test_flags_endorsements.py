import pytest

from deliberation.models import Comment, Endorsement, Flag
from tests.factories import AnnotationFactory, CommentFactory, FlagFactory

from .conftest import results

pytestmark = pytest.mark.django_db


def test_analyst_endorses_once_and_withdraws(other_api, analyst):
    comment = CommentFactory(author=analyst)
    first = other_api.post("/api/endorsements/", {"comment": comment.pk}, format="json")
    assert first.status_code == 201, first.json()
    again = other_api.post("/api/endorsements/", {"comment": comment.pk}, format="json")
    assert again.status_code == 200
    assert Comment.objects.get(pk=comment.pk).endorsement_count == 1
    assert [e["comment"] for e in results(other_api.get("/api/endorsements/"))] == [comment.pk]
    assert other_api.delete(f"/api/endorsements/{first.json()['id']}/").status_code == 204
    assert Comment.objects.get(pk=comment.pk).endorsement_count == 0


def test_author_cannot_endorse_own_comment(analyst_api, analyst):
    comment = CommentFactory(author=analyst)
    response = analyst_api.post("/api/endorsements/", {"comment": comment.pk}, format="json")
    assert response.status_code == 403
    assert not Endorsement.objects.exists()


def test_only_the_endorser_withdraws(analyst_api, other_api, analyst):
    comment = CommentFactory()
    endorsement = other_api.post("/api/endorsements/", {"comment": comment.pk}).json()
    assert analyst_api.delete(f"/api/endorsements/{endorsement['id']}/").status_code == 403
    assert Endorsement.objects.count() == 1


def test_endorsing_a_missing_comment_names_the_field(analyst_api, db):
    response = analyst_api.post("/api/endorsements/", {"comment": 424242}, format="json")
    assert response.status_code == 400 and "comment" in response.json()


def test_analyst_flags_a_comment_and_sees_only_own_flags(analyst_api, other_api, db):
    comment = CommentFactory()
    response = analyst_api.post(
        "/api/flags/", {"comment": comment.pk, "reason": "spam", "note": "Ads"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reason"] == "spam"
    again = analyst_api.post("/api/flags/", {"comment": comment.pk, "reason": "spam"})
    assert again.status_code == 400 and "comment" in again.json()
    assert len(results(analyst_api.get("/api/flags/"))) == 1
    assert results(other_api.get("/api/flags/")) == []


def test_flag_on_an_annotation(analyst_api, db):
    annotation = AnnotationFactory()
    response = analyst_api.post(
        "/api/flags/", {"annotation": annotation.pk, "reason": "off_topic"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["annotation"] == annotation.pk


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"reason": "spam"}, "comment"),
        ({"comment": 999999, "reason": "spam"}, "comment"),
        ({"comment": "COMMENT", "reason": "boring"}, "reason"),
    ],
)
def test_bad_flag_names_the_field(analyst_api, payload, field):
    comment = CommentFactory()
    payload = {k: (comment.pk if v == "COMMENT" else v) for k, v in payload.items()}
    response = analyst_api.post("/api/flags/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Flag.objects.exists()


def test_moderator_sees_and_dismisses_flags(moderator_api, analyst_api, db):
    flag = FlagFactory()
    assert len(results(moderator_api.get("/api/flags/"))) == 1
    assert analyst_api.post(f"/api/flags/{flag.pk}/dismiss/").status_code == 404
    response = moderator_api.post(f"/api/flags/{flag.pk}/dismiss/")
    assert response.status_code == 200, response.json()
    assert response.json()["resolution"] == "dismissed"


def test_anonymous_cannot_see_flags(anon_api, db):
    FlagFactory()
    assert anon_api.get("/api/flags/").status_code in (401, 403)


def _unseen_comments():
    from policies.models import Option
    from tests.factories import StrategyFactory

    on_draft = CommentFactory(option=StrategyFactory(status=Option.Status.DRAFT))
    hidden = CommentFactory(hidden=True)
    return [on_draft, hidden]


def test_comments_an_analyst_cannot_see_cannot_be_endorsed_or_flagged(analyst_api, db):
    for comment in _unseen_comments():
        response = analyst_api.post("/api/endorsements/", {"comment": comment.pk}, format="json")
        assert response.status_code == 400
        assert response.json() == {"comment": ["No such comment."]}
        response = analyst_api.post(
            "/api/flags/", {"comment": comment.pk, "reason": "spam"}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"comment": ["No such comment."]}
    assert not Endorsement.objects.exists() and not Flag.objects.exists()


def test_notes_on_a_draft_cannot_be_flagged_by_an_analyst(analyst_api, db):
    from policies.models import Option
    from tests.factories import StrategyFactory

    annotation = AnnotationFactory(option=StrategyFactory(status=Option.Status.DRAFT))
    response = analyst_api.post(
        "/api/flags/", {"annotation": annotation.pk, "reason": "spam"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"annotation": ["No such annotation."]}
    assert not Flag.objects.exists()
