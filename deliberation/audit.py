"""The audit trail of role changes made outside the role services.

role_set and invitation_accept record the roles they give. Group memberships can also
be changed by hand in the user admin; the receiver below records those as
ModerationAction ROLE_CHANGE, with the signed-in user of the request as the actor.
Changes outside a request (shell, fixtures, data migrations) are not recorded here:
commands that change roles call role_set.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .models import ModerationAction

_recorded_by_caller = ContextVar("roles_recorded_by_caller", default=False)


@contextmanager
def roles_recorded_by_caller():
    """Group changes made inside this block are recorded by the calling service itself."""
    token = _recorded_by_caller.set(True)
    try:
        yield
    finally:
        _recorded_by_caller.reset(token)


def current_request():
    """The request being served in this thread (kept by simple_history's middleware)."""
    return getattr(HistoricalRecords.context, "request", None)


def acting_user():
    request = current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _names(groups) -> str:
    return ", ".join(sorted(group.name for group in groups)) or "none"


def group_change_record(*, user, added=(), removed=(), by=None) -> ModerationAction | None:
    """Record that `user` was added to or removed from groups (roles) by `by`."""
    added, removed = list(added), list(removed)
    if not added and not removed:
        return None
    parts = []
    if added:
        parts.append(f"added to {_names(added)}")
    if removed:
        parts.append(f"removed from {_names(removed)}")
    return ModerationAction.objects.create(
        moderator=by,
        action=ModerationAction.Action.ROLE_CHANGE,
        subject_user=user,
        reason=f"Groups changed by hand: {'; '.join(parts)}."[:300],
    )


@receiver(m2m_changed, sender=get_user_model().groups.through)
def record_group_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    if _recorded_by_caller.get() or current_request() is None:
        return
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    # Forward: user.groups.add(group); reverse: group.user_set.add(user).
    if action == "pre_clear":
        pairs = (
            [(instance, list(instance.groups.all()))]
            if not reverse
            else [(user, [instance]) for user in instance.user_set.all()]
        )
    elif not reverse:
        pairs = [(instance, list(Group.objects.filter(pk__in=pk_set)))]
    else:
        pairs = [(user, [instance]) for user in model.objects.filter(pk__in=pk_set)]
    by = acting_user()
    for user, groups in pairs:
        if action == "post_add":
            group_change_record(user=user, added=groups, by=by)
        else:
            group_change_record(user=user, removed=groups, by=by)
