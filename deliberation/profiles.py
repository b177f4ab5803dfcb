"""Profiles, roles and an analyst's own data: export and account deletion."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from knox.models import AuthToken

from .audit import roles_recorded_by_caller
from .invitations import role_groups_apply
from .models import (
    Annotation,
    AnnotationReply,
    Comment,
    Endorsement,
    Flag,
    Invitation,
    ModerationAction,
    Profile,
    Role,
    Vote,
)

DELETED_PREFIX = "deleted-"


def profile_get(*, user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user, display_name: str, affiliation: str, bio: str) -> Profile:
    profile = profile_get(user=user)
    profile.display_name = display_name.strip()
    profile.affiliation = affiliation.strip()
    profile.bio = bio.strip()
    profile.full_clean()
    profile.save()
    return profile


def user_role(user) -> str:
    """The highest role of the user's groups, or "" (uses prefetched groups if present)."""
    names = {group.name for group in user.groups.all()}
    for role in (Role.EDITOR, Role.MODERATOR, Role.ANALYST):
        if role.value in names:
            return role.value
    return ""


def can_set_roles(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@transaction.atomic
def role_set(*, by, user, role: str, reason: str = ""):
    """Give `user` the role (Analyst, Moderator or Editor); staff only, and recorded."""
    if not can_set_roles(by):
        raise PermissionDenied("Only staff can change roles.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    previous = user_role(user)
    role_groups_apply(user=user, role=role)
    ModerationAction.objects.create(
        moderator=by,
        action=ModerationAction.Action.ROLE_CHANGE,
        subject_user=user,
        reason=(reason or f"Role changed from {previous or 'none'} to {role}.")[:300],
    )
    return user


def _iso(value):
    return value.isoformat() if value else None


def personal_data_export(*, user) -> dict:
    """Everything the site holds about the user and everything they wrote, as plain data."""
    profile = Profile.objects.filter(user=user).first()
    comments = Comment.objects.filter(author=user).select_related("option").order_by("created")
    votes = Vote.objects.filter(voter=user).select_related("option").order_by("created")
    annotations = (
        Annotation.objects.filter(author=user).select_related("option").order_by("created")
    )
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": sorted(g.name for g in user.groups.all()),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
        "profile": {
            "display_name": profile.display_name if profile else "",
            "affiliation": profile.affiliation if profile else "",
            "bio": profile.bio if profile else "",
        },
        "arguments": [
            {
                "id": c.pk,
                "option": c.option.slug,
                "option_title": c.option.title,
                "parent": c.parent_id,
                "stance": c.stance,
                "body": c.body,
                "created": _iso(c.created),
                "edited": _iso(c.edited),
                "deleted": c.deleted,
                "hidden": c.hidden,
            }
            for c in comments
        ],
        "votes": [
            {
                "option": v.option.slug,
                "option_title": v.option.title,
                "choice": v.choice,
                "created": _iso(v.created),
                "updated": _iso(v.updated),
            }
            for v in votes
        ],
        "endorsements": [
            {"comment": e.comment_id, "created": _iso(e.created)}
            for e in Endorsement.objects.filter(user=user).order_by("created")
        ],
        "flags": [
            {
                "comment": f.comment_id,
                "annotation": f.annotation_id,
                "reason": f.reason,
                "note": f.note,
                "created": _iso(f.created),
                "resolution": f.resolution,
            }
            for f in Flag.objects.filter(flagged_by=user).order_by("created")
        ],
        "annotations": [
            {
                "id": a.pk,
                "option": a.option.slug,
                "field": a.field,
                "exact": a.exact,
                "start": a.start,
                "end": a.end,
                "body": a.body,
                "tags": a.tags,
                "visibility": a.visibility,
                "created": _iso(a.created),
                "updated": _iso(a.updated),
            }
            for a in annotations
        ],
        "annotation_replies": [
            {"id": r.pk, "annotation": r.annotation_id, "body": r.body, "created": _iso(r.created)}
            for r in AnnotationReply.objects.filter(author=user).order_by("created")
        ],
    }


def _delete_api_tokens(user) -> None:
    AuthToken.objects.filter(user=user).delete()


@transaction.atomic
def account_delete(*, user) -> None:
    """Anonymise the account. Arguments, votes, endorsements and annotations stay (votes
    keep their voter, so one vote per option and every tally hold); everything that says
    who the person was goes: names, e-mail addresses, profile, roles, password, API
    tokens. Sessions die with the password, since Django checks its hash on each request."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.username = f"{DELETED_PREFIX}{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    with roles_recorded_by_caller():
        user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        profile.delete()
    # The profile's history holds the old names and bio too.
    Profile.history.filter(user_id=user.pk).delete()
    Invitation.objects.filter(accepted_by=user).update(
        email=f"{DELETED_PREFIX}{user.pk}@deleted.invalid"
    )
    _delete_api_tokens(user)
    ModerationAction.objects.create(
        moderator=None,
        action=ModerationAction.Action.ROLE_CHANGE,
        subject_user=user,
        reason="Account deleted by its owner: personal data removed, roles withdrawn.",
    )


def is_deleted_account(user) -> bool:
    return not user.is_active and user.get_username().startswith(DELETED_PREFIX)
