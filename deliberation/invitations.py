"""Invitations: an editor invites someone by e-mail with a role; the link is single-use
and expires after settings.INVITATION_VALID_DAYS days."""

import secrets
from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .audit import roles_recorded_by_caller
from .models import Invitation, ModerationAction, Role

SESSION_KEY = "deliberation_invitation"


class InvitationUnusable(Exception):
    """The invitation was already used or has expired."""


def can_invite(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("deliberation.add_invitation"))


def invitation_url(invitation: Invitation, request=None) -> str:
    path = reverse("deliberation:invitation-accept", args=[invitation.token])
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


@transaction.atomic
def invitation_create(*, invited_by, email: str, role: str, request=None) -> Invitation:
    """Create an invitation and e-mail its link. The mail is sent inside the transaction,
    so a failed send leaves no invitation behind."""
    if not can_invite(invited_by):
        raise PermissionDenied("Only editors can invite people.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    invitation = Invitation(
        email=email.strip(),
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation, request),
        "inviter": invited_by,
        "site_name": settings.SITE_NAME,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject=render_to_string("deliberation/invitation_email_subject.txt", context).strip(),
        message=render_to_string("deliberation/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return invitation


def invitation_to_session(*, request, invitation: Invitation) -> None:
    """Remember the invitation for the sign-up that follows; the invited address counts
    as verified, since its owner followed the link sent to it."""
    request.session[SESSION_KEY] = invitation.token
    get_adapter(request).stash_verified_email(request, invitation.email)


def invitation_from_session(request) -> Invitation | None:
    """The usable invitation remembered in this session, if any."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    if not token:
        return None
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def role_groups_apply(*, user, role: str, keep_others: bool = False) -> None:
    """Make `role` the user's role: Analyst always, plus Moderator or Editor if chosen.
    With keep_others, roles the user already has stay (an invitation never demotes)."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    wanted = {Role.ANALYST.value, role}
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    # The callers record the role they give.
    with roles_recorded_by_caller():
        if not keep_others:
            user.groups.remove(*[g for name, g in groups.items() if name not in wanted])
        user.groups.add(*[g for name, g in groups.items() if name in wanted])
    # Permissions are cached on the instance.
    for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(attr, None)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Invitation:
    """Use the invitation for `user`: it gives its role once, and never after it expired."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable:
        raise InvitationUnusable(
            "This invitation was already used."
            if locked.accepted_at
            else "This invitation has expired."
        )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    role_groups_apply(user=user, role=locked.role, keep_others=True)
    ModerationAction.objects.create(
        moderator=locked.invited_by,
        action=ModerationAction.Action.ROLE_CHANGE,
        subject_user=user,
        reason=f"Role {locked.role} given by invitation {locked.pk}.",
    )
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return invitation


@transaction.atomic
def account_signed_up(*, request, user):
    """Analyst is the role of every verified account. An account signed up through an
    invitation (whose link was mailed to the address) gets its role now and uses the
    invitation up; any other account gets Analyst when it confirms its address."""
    invitation = invitation_from_session(request)
    accepted = False
    if invitation is not None:
        try:
            invitation_accept(invitation=invitation, user=user)
            accepted = True
        except InvitationUnusable:
            pass
    if not accepted and request is not None and user.email:
        if get_adapter(request).is_email_verified(request, user.email):
            role_groups_apply(user=user, role=Role.ANALYST)
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
    return user


def account_email_confirmed(sender=None, *, email_address, **kwargs):
    """allauth's email_confirmed signal: the first confirmed address makes an account
    without a role an Analyst. Later addresses change nothing, so a role taken away by
    staff is not given back by confirming another address."""
    from allauth.account.models import EmailAddress

    user = email_address.user
    earlier = EmailAddress.objects.filter(user=user, verified=True).exclude(pk=email_address.pk)
    if earlier.exists() or user.groups.filter(name__in=Role.values).exists():
        return
    role_groups_apply(user=user, role=Role.ANALYST)


def connect_signals():
    from allauth.account.signals import email_confirmed

    email_confirmed.connect(account_email_confirmed, dispatch_uid="deliberation_email_confirmed")
