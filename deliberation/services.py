"""Every write of the deliberation app goes through these functions.

Views, the API, admin actions and commands call them, so a rule lives in one place.
Bad input raises ValidationError({field: message}); a broken rule raises PermissionDenied."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from policies.text import render_markdown

from . import permissions
from .models import (
    Annotation,
    Comment,
    CommentRevision,
    Endorsement,
    Flag,
    ModerationAction,
    Stance,
    Vote,
    VoteChoice,
    make_tally,
)

AUTO_HIDE_REASON = "Hidden pending review: flagged by several analysts."


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": f"Keep it under {settings.COMMENT_MAX_LENGTH} characters "
                f"(this has {len(body)})."
            }
        )
    return body


def _clean_stance(stance: str | None) -> str:
    if stance not in Stance.values:
        raise ValidationError({"stance": "Choose for, against, or neutral / question."})
    return stance


# Comments


@transaction.atomic
def comment_create(*, author, option, body: str, stance: str, parent: Comment | None = None):
    if not permissions.can_comment(author, option):
        raise PermissionDenied(
            "Only analysts can take part in the discussion of a published option."
        )
    body = _clean_body(body)
    stance = _clean_stance(stance)
    if parent is not None:
        if parent.option_id != option.pk:
            raise ValidationError({"parent": "You can only reply to a comment on the same option."})
        if parent.deleted or parent.hidden:
            raise PermissionDenied("This comment is closed to replies.")
    return Comment.objects.create(
        option=option,
        author=author,
        parent=parent,
        stance=stance,
        body=body,
        body_html=render_markdown(body).html,
    )


@transaction.atomic
def comment_edit(*, user, comment: Comment, body: str, stance: str | None = None) -> Comment:
    """Keep the earlier text as a CommentRevision and mark the comment as edited."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not permissions.can_edit_comment(user, comment):
        raise PermissionDenied("You can only edit your own comments.")
    comment._history_user = user
    body = _clean_body(body)
    stance = comment.stance if stance is None else _clean_stance(stance)
    if body == comment.body and stance == comment.stance:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body, stance=comment.stance)
    comment.body = body
    comment.body_html = render_markdown(body).html
    comment.stance = stance
    comment.edited = timezone.now()
    comment.save(update_fields=["body", "body_html", "stance", "edited"])
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> Comment:
    """Leave a tombstone: the text goes, the comment stays so its replies keep their place."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not permissions.can_delete_comment(user, comment):
        raise PermissionDenied("You can only delete your own comments.")
    comment._history_user = user
    comment.revisions.all().delete()
    comment.deleted = True
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["deleted", "body", "body_html"])
    return comment


# Votes


def _clean_choice(choice: str | None) -> str:
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": "Choose support, oppose or abstain."})
    return choice


def _check_vote_allowed(voter, option):
    closed = permissions.voting_closed_message(option)
    if closed:
        raise PermissionDenied(closed)
    if not permissions.is_analyst(voter):
        raise PermissionDenied("Only analysts can vote.")


@transaction.atomic
def vote_cast(*, voter, option, choice: str) -> Vote:
    """Create or replace the voter's vote. Two concurrent requests leave one row, no error."""
    choice = _clean_choice(choice)
    _check_vote_allowed(voter, option)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                vote, _ = Vote.objects.update_or_create(
                    voter=voter, option=option, defaults={"choice": choice}
                )
                return vote
        except IntegrityError:
            # Another request inserted the row first; the next pass updates it.
            continue
    with transaction.atomic():
        Vote.objects.filter(voter=voter, option=option).update(
            choice=choice, updated=timezone.now()
        )
        return Vote.objects.get(voter=voter, option=option)


@transaction.atomic
def vote_withdraw(*, voter, option) -> None:
    _check_vote_allowed(voter, option)
    for vote in Vote.objects.filter(voter=voter, option=option):
        vote._history_user = voter
        vote.delete()  # one by one, so the history keeps the withdrawal


def option_tally(option) -> dict:
    """Support, oppose, abstain, net and total for one option (one query)."""
    return Vote.objects.tally_for(option)


def tally_of(annotated_option) -> dict:
    """The tally of an option from the with_tally() annotations."""
    return make_tally(
        annotated_option.tally_support,
        annotated_option.tally_oppose,
        annotated_option.tally_abstain,
    )


# Endorsements


@transaction.atomic
def endorsement_create(*, user, comment: Comment) -> Endorsement:
    """Idempotent: endorsing twice keeps one endorsement and the count exact."""
    if not permissions.can_endorse(user, comment):
        raise PermissionDenied("You cannot endorse this comment.")
    try:
        with transaction.atomic():
            endorsement, created = Endorsement.objects.get_or_create(comment=comment, user=user)
    except IntegrityError:
        endorsement, created = Endorsement.objects.get(comment=comment, user=user), False
    if created:
        Comment.objects.filter(pk=comment.pk).update(endorsement_count=F("endorsement_count") + 1)
    comment.refresh_from_db(fields=["endorsement_count"])
    return endorsement


@transaction.atomic
def endorsement_delete(*, user, comment: Comment) -> None:
    if not permissions.is_analyst(user):
        raise PermissionDenied("Only analysts can endorse.")
    deleted, _ = Endorsement.objects.filter(comment=comment, user=user).delete()
    if deleted:
        Comment.objects.filter(pk=comment.pk, endorsement_count__gt=0).update(
            endorsement_count=F("endorsement_count") - 1
        )
    comment.refresh_from_db(fields=["endorsement_count"])


# Flags and moderation


def _set_hidden(target, hidden: bool, reason: str):
    target.hidden = hidden
    target.hidden_reason = reason if hidden else ""
    target.save(update_fields=["hidden", "hidden_reason"])


def _target_kwargs(target) -> dict:
    return {"annotation": target} if isinstance(target, Annotation) else {"comment": target}


def _resolve_open_flags(target, moderator, resolution):
    Flag.objects.filter(resolution=Flag.Resolution.OPEN, **_target_kwargs(target)).update(
        resolution=resolution, resolved_by=moderator, resolved_at=timezone.now()
    )


@transaction.atomic
def flag_create(*, user, reason: str, note: str = "", comment=None, annotation=None) -> Flag:
    """One flag per user per target. When the open flags on the target reach
    settings.FLAGS_TO_HIDE it is hidden pending review (recorded as AUTO_HIDE)."""
    if (comment is None) == (annotation is None):
        raise ValidationError({"comment": "Flag either a comment or an annotation."})
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note under 500 characters."})
    target = comment if comment is not None else annotation
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if not permissions.is_analyst(user):
        raise PermissionDenied("Only analysts can flag.")
    if target.hidden or getattr(target, "deleted", False):
        raise PermissionDenied("This has already been taken down.")
    if target.author_id == user.pk:
        raise PermissionDenied("You cannot flag your own writing.")
    kwargs = _target_kwargs(target)
    field = next(iter(kwargs))
    if Flag.objects.filter(flagged_by=user, **kwargs).exists():
        raise ValidationError({field: f"You have already flagged this {field}."})
    try:
        with transaction.atomic():
            flag = Flag.objects.create(flagged_by=user, reason=reason, note=note, **kwargs)
    except IntegrityError as error:
        raise ValidationError({field: f"You have already flagged this {field}."}) from error
    open_flags = Flag.objects.filter(resolution=Flag.Resolution.OPEN, **kwargs).count()
    if open_flags >= settings.FLAGS_TO_HIDE:
        _set_hidden(target, True, AUTO_HIDE_REASON)
        ModerationAction.objects.create(
            action=ModerationAction.Action.AUTO_HIDE,
            reason=f"{open_flags} open flags",
            subject_user_id=target.author_id,
            **kwargs,
        )
    return flag


def _check_moderator(moderator):
    if not permissions.can_moderate(moderator):
        raise PermissionDenied("Only moderators can do this.")


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason; it is recorded."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    return reason


def _hide(moderator, target, reason):
    _check_moderator(moderator)
    reason = _clean_reason(reason)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    target._history_user = moderator
    _set_hidden(target, True, reason)
    _resolve_open_flags(target, moderator, Flag.Resolution.UPHELD)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE,
        reason=reason,
        subject_user_id=target.author_id,
        **_target_kwargs(target),
    )
    return target


def _restore(moderator, target, reason):
    _check_moderator(moderator)
    reason = _clean_reason(reason)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    target._history_user = moderator
    _set_hidden(target, False, "")
    _resolve_open_flags(target, moderator, Flag.Resolution.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.RESTORE,
        reason=reason,
        subject_user_id=target.author_id,
        **_target_kwargs(target),
    )
    return target


@transaction.atomic
def comment_hide(*, moderator, comment: Comment, reason: str) -> Comment:
    """Hide a comment, uphold its open flags, record the decision."""
    return _hide(moderator, comment, reason)


@transaction.atomic
def comment_restore(*, moderator, comment: Comment, reason: str) -> Comment:
    """Show a hidden comment again, dismiss its open flags, record the decision."""
    return _restore(moderator, comment, reason)


@transaction.atomic
def flag_dismiss(*, moderator, flag: Flag) -> Flag:
    """Dismiss the open flags on the flag's target; a target hidden only because of the
    flag threshold is shown again."""
    _check_moderator(moderator)
    target = flag.comment if flag.comment_id else flag.annotation
    target = type(target).objects.select_for_update().get(pk=target.pk)
    _resolve_open_flags(target, moderator, Flag.Resolution.DISMISSED)
    if target.hidden and target.hidden_reason == AUTO_HIDE_REASON:
        target._history_user = moderator
        _set_hidden(target, False, "")
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS,
        subject_user_id=target.author_id,
        **_target_kwargs(target),
    )
    flag.refresh_from_db()
    return flag
