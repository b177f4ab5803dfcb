"""Who may do what through the site's forms, proved by forged POSTs (no button needed).

One cell is one person sending one form: the rule is who is allowed; everyone else gets
the login page (anonymous), 403 or 404, and nothing changes. The API has its own matrix
in tests/api/test_permission_matrix.py. The analyst owns every comment, vote, note and
reply in the world below; "no_role" is a signed-in account that was given no role."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from deliberation.models import (
    Annotation,
    AnnotationReply,
    Comment,
    Endorsement,
    Flag,
    Invitation,
    Profile,
    Vote,
)
from deliberation.profiles import user_role
from policies.models import Option
from tests.factories import (
    PASSWORD,
    AnnotationFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    SectorFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "analyst", "other_analyst", "moderator", "editor", "staff"]
PARTICIPANTS = {"analyst", "other_analyst", "moderator", "editor", "staff"}
NOT_OWNER = PARTICIPANTS - {"analyst"}
MODERATORS = {"moderator", "staff"}


def _world(analyst, other_analyst):
    option = StrategyFactory(slug="targeted-sanctions")
    draft = StrategyFactory(slug="draft-plan", status=Option.Status.DRAFT)
    comment = CommentFactory(option=option, author=analyst, body="The analyst's argument.")
    hidden = CommentFactory(option=option, author=analyst, hidden=True, hidden_reason="Abuse")
    endorsed = CommentFactory(option=option, author=analyst, endorsement_count=1)
    endorsement = EndorsementFactory(comment=endorsed, user=other_analyst)
    flag = FlagFactory(comment=CommentFactory(option=option), flagged_by=other_analyst)
    vote = VoteFactory(option=option, voter=analyst, choice="support")
    note = AnnotationFactory(option=option, author=analyst, body="The analyst's note.")
    reply = AnnotationReply.objects.create(
        annotation=note, author=analyst, body="The analyst's reply.", body_html=""
    )
    hidden_note = AnnotationFactory(option=option, author=analyst, hidden=True)
    sector = SectorFactory(name="Energy", slug="energy")
    return {
        "analyst": analyst,
        "other_analyst": other_analyst,
        "option": option,
        "draft": draft,
        "comment": comment,
        "hidden": hidden,
        "endorsed": endorsed,
        "endorsement": endorsement,
        "flag": flag,
        "vote": vote,
        "note": note,
        "reply": reply,
        "hidden_note": hidden_note,
        "sector": sector,
        "counts": _counts(),
    }


def _counts():
    return {
        "comments": Comment.objects.count(),
        "votes": Vote.objects.count(),
        "flags": Flag.objects.count(),
        "annotations": Annotation.objects.count(),
        "replies": AnnotationReply.objects.count(),
        "endorsements": Endorsement.objects.count(),
    }


def _grew(w, what):
    return _counts()[what] > w["counts"][what]


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@dataclass
class Case:
    send: Callable
    happened: Callable
    allowed: set
    # How a signed-in person who may not do it is answered, besides 403 and 404.
    refusals: frozenset = frozenset({403, 404})


def _url(name, *args):
    return reverse(f"deliberation:{name}", args=args)


ANNOTATION = {"field": "body", "start": "6", "end": "14", "visibility": "shared"}


def _annotation_data(w):
    text = w["option"].rendered_text("body")
    return {**ANNOTATION, "exact": text[6:14], "prefix": text[:6], "suffix": text[14:46]}


CASES = {
    "vote": Case(
        lambda c, w: c.post(_url("vote", w["option"].slug), {"choice": "oppose"}),
        lambda w: Vote.objects.filter(option=w["option"], choice="oppose").exists(),
        PARTICIPANTS,
    ),
    "vote on a draft": Case(
        lambda c, w: c.post(_url("vote", w["draft"].slug), {"choice": "support"}),
        lambda w: Vote.objects.filter(option=w["draft"]).exists(),
        set(),
    ),
    "argument": Case(
        lambda c, w: c.post(
            _url("comment-create", w["option"].slug), {"body": "New point.", "stance": "oppose"}
        ),
        lambda w: Comment.objects.filter(body="New point.").exists(),
        PARTICIPANTS,
    ),
    "argument on a draft": Case(
        lambda c, w: c.post(
            _url("comment-create", w["draft"].slug), {"body": "New point.", "stance": "oppose"}
        ),
        lambda w: Comment.objects.filter(body="New point.").exists(),
        set(),
    ),
    "reply": Case(
        lambda c, w: c.post(
            _url("comment-create", w["option"].slug),
            {"body": "A reply.", "stance": "support", "parent": w["comment"].pk},
        ),
        lambda w: Comment.objects.filter(parent=w["comment"], body="A reply.").exists(),
        PARTICIPANTS,
    ),
    "reply to a hidden comment": Case(
        lambda c, w: c.post(
            _url("comment-create", w["option"].slug),
            {"body": "A reply.", "stance": "support", "parent": w["hidden"].pk},
        ),
        lambda w: _grew(w, "comments"),
        set(),
    ),
    "edit the analyst's argument": Case(
        lambda c, w: c.post(
            _url("comment-edit", w["comment"].pk), {"body": "Changed.", "stance": "oppose"}
        ),
        lambda w: _fresh(w["comment"]).body == "Changed.",
        {"analyst"},
    ),
    "delete the analyst's argument": Case(
        lambda c, w: c.post(_url("comment-delete", w["comment"].pk)),
        lambda w: _fresh(w["comment"]).deleted,
        {"analyst"},
    ),
    "endorse the analyst's argument": Case(
        lambda c, w: c.post(_url("comment-endorse", w["comment"].pk)),
        lambda w: _grew(w, "endorsements"),
        NOT_OWNER,
    ),
    "withdraw another's endorsement": Case(
        lambda c, w: c.post(_url("comment-unendorse", w["endorsed"].pk)),
        lambda w: not Endorsement.objects.filter(pk=w["endorsement"].pk).exists(),
        {"other_analyst"},
        # Withdrawing an endorsement one never gave is a no-op, not an error.
        frozenset({302, 403, 404}),
    ),
    "flag the analyst's argument": Case(
        lambda c, w: c.post(_url("comment-flag", w["comment"].pk), {"reason": "spam"}),
        lambda w: Flag.objects.filter(comment=w["comment"]).exists(),
        NOT_OWNER,
    ),
    "hide an argument": Case(
        lambda c, w: c.post(_url("comment-hide", w["comment"].pk), {"reason": "Abuse"}),
        lambda w: _fresh(w["comment"]).hidden,
        MODERATORS,
    ),
    "restore a hidden argument": Case(
        lambda c, w: c.post(_url("comment-restore", w["hidden"].pk), {"reason": "Fine"}),
        lambda w: not _fresh(w["hidden"]).hidden,
        MODERATORS,
    ),
    "dismiss a flag": Case(
        lambda c, w: c.post(_url("flag-dismiss", w["flag"].pk), {"reason": "Fine"}),
        lambda w: _fresh(w["flag"]).resolution != Flag.Resolution.OPEN,
        MODERATORS,
    ),
    "note": Case(
        lambda c, w: c.post(_url("annotation-create", w["option"].slug), _annotation_data(w)),
        lambda w: _grew(w, "annotations"),
        PARTICIPANTS,
    ),
    "edit the analyst's note": Case(
        lambda c, w: c.post(
            _url("annotation-edit", w["note"].pk), {"body": "Changed.", "visibility": "shared"}
        ),
        lambda w: _fresh(w["note"]).body == "Changed.",
        {"analyst"},
    ),
    "delete the analyst's note": Case(
        lambda c, w: c.post(_url("annotation-delete", w["note"].pk)),
        lambda w: not Annotation.objects.filter(pk=w["note"].pk).exists(),
        {"analyst"},
    ),
    "reply to a note": Case(
        lambda c, w: c.post(_url("annotation-reply", w["note"].pk), {"body": "Noted."}),
        lambda w: AnnotationReply.objects.filter(body="Noted.").exists(),
        PARTICIPANTS,
    ),
    "edit the analyst's note reply": Case(
        lambda c, w: c.post(_url("annotation-reply-edit", w["reply"].pk), {"body": "Changed."}),
        lambda w: _fresh(w["reply"]).body == "Changed.",
        {"analyst"},
    ),
    "delete the analyst's note reply": Case(
        lambda c, w: c.post(_url("annotation-reply-delete", w["reply"].pk)),
        lambda w: not AnnotationReply.objects.filter(pk=w["reply"].pk).exists(),
        {"analyst"},
    ),
    "flag the analyst's note": Case(
        lambda c, w: c.post(_url("annotation-flag", w["note"].pk), {"reason": "spam"}),
        lambda w: Flag.objects.filter(annotation=w["note"]).exists(),
        NOT_OWNER,
    ),
    "hide a note": Case(
        lambda c, w: c.post(_url("annotation-hide", w["note"].pk), {"reason": "Abuse"}),
        lambda w: _fresh(w["note"]).hidden,
        MODERATORS,
    ),
    "restore a hidden note": Case(
        lambda c, w: c.post(_url("annotation-restore", w["hidden_note"].pk), {"reason": "Ok"}),
        lambda w: not _fresh(w["hidden_note"]).hidden,
        MODERATORS,
    ),
    "invite someone as editor": Case(
        lambda c, w: c.post(
            _url("invitation-list"), {"email": "new@example.org", "role": "Editor"}
        ),
        lambda w: Invitation.objects.filter(email="new@example.org").exists(),
        {"editor", "staff"},
    ),
    "change the analyst's profile": Case(
        # The form has no "whose profile" field: each person can only reach their own.
        lambda c, w: c.post(
            _url("profile-settings"), {"display_name": "Impostor", "affiliation": "", "bio": ""}
        ),
        lambda w: Profile.objects.filter(user=w["analyst"], display_name="Impostor").exists(),
        {"analyst"},
        frozenset({302}),
    ),
    "delete the analyst's account": Case(
        # Even with the analyst's password, the form deletes only the sender's own account.
        lambda c, w: c.post(_url("account-delete"), {"password": PASSWORD}),
        lambda w: not get_user_model().objects.get(pk=w["analyst"].pk).is_active,
        {"analyst"},
        frozenset({302}),
    ),
    "give the analyst a role in the admin": Case(
        lambda c, w: c.post(
            reverse("admin:auth_user_changelist"),
            {"action": "make_moderator", "_selected_action": [w["analyst"].pk]},
        ),
        lambda w: user_role(w["analyst"]) == "Moderator",
        {"staff"},
        frozenset({302}),  # the admin sends everyone else to its own login page
    ),
    "write a new option": Case(
        lambda c, w: c.post(
            _url("option-create", "strategy"),
            {
                "title": "New plan",
                "summary": "S.",
                "status": "published",
                "body": "B.",
                "expected_impact": "",
                "time_horizon": "medium",
            },
        ),
        lambda w: Option.objects.filter(title="New plan").exists(),
        {"editor", "staff"},
    ),
    "edit an option": Case(
        lambda c, w: c.post(
            _url("option-edit", w["option"].slug),
            {
                "title": "Hijacked",
                "slug": w["option"].slug,
                "summary": "S.",
                "status": "published",
                "body": "B.",
                "expected_impact": "",
                "time_horizon": "medium",
            },
        ),
        lambda w: _fresh(w["option"]).title == "Hijacked",
        {"editor", "staff"},
    ),
    "change a sector in the admin": Case(
        lambda c, w: c.post(
            reverse("admin:policies_sector_change", args=[w["sector"].pk]),
            {"name": "Hijacked", "slug": w["sector"].slug, "description": ""},
        ),
        lambda w: _fresh(w["sector"]).name == "Hijacked",
        {"staff"},
        frozenset({302}),
    ),
}


def _client(request, role):
    client = Client()
    if role == "anonymous":
        return client
    if role == "no_role":
        user = UserFactory(username="nora", role="")
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_form_access_matrix(request, role, case):
    rule = CASES[case]
    world = _world(request.getfixturevalue("analyst"), request.getfixturevalue("other_analyst"))
    response = rule.send(_client(request, role), world)
    allowed = role in rule.allowed
    assert response.status_code < 500, response.content[:500]
    assert rule.happened(world) == allowed, (role, case, response.status_code)
    if allowed:
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code in rule.refusals, (role, case, response.status_code)
