"""Annotations of an option's text: who may see and change them, the writes, and
re-anchoring when an editor changes the text."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from policies.models import Option
from policies.text import render_markdown

from .anchoring import CONTEXT_LENGTH, locate, quote_context
from .models import Annotation, AnnotationReply, Flag, ModerationAction, Visibility

MAX_TAGS = 10
MAX_TAG_LENGTH = 40
MAX_REASON_LENGTH = 300


# Permissions -------------------------------------------------------------------------


def can_read_option(user, option) -> bool:
    if option.status == Option.Status.PUBLISHED:
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.has_perm("policies.change_option"))
    )


def can_moderate_annotations(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.has_perm("deliberation.change_flag")
    )


def can_annotate(user, option) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("deliberation.add_annotation")
        and can_read_option(user, option)
    )


def can_see_annotation(user, annotation) -> bool:
    if not can_read_option(user, annotation.option):
        return False
    if user is not None and user.is_authenticated and annotation.author_id == user.pk:
        return True
    if annotation.visibility != Visibility.SHARED:
        return False
    return not annotation.hidden or can_moderate_annotations(user)


def can_change_annotation(user, annotation) -> bool:
    """Only the author, and not while moderators keep the note hidden (as for comments)."""
    return bool(
        user is not None
        and user.is_authenticated
        and annotation.author_id == user.pk
        and not annotation.hidden
    )


def can_reply_to_annotation(user, annotation) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("deliberation.add_annotationreply")
        and annotation.visibility == Visibility.SHARED
        and not annotation.hidden
        and can_see_annotation(user, annotation)
    )


# Reads -------------------------------------------------------------------------------


def annotations_visible_to(user, option):
    """The option's annotations the user may see, with authors and replies (3 queries)."""
    shared = Q(visibility=Visibility.SHARED)
    if not can_moderate_annotations(user):
        shared &= Q(hidden=False)
    condition = shared
    if user is not None and user.is_authenticated:
        condition |= Q(author=user)
    return (
        Annotation.objects.filter(option_id=option.pk)
        .filter(condition)
        .select_related("author")
        .prefetch_related(
            Prefetch("replies", queryset=AnnotationReply.objects.select_related("author"))
        )
        .order_by("field", "start", "id")
    )


def annotation_for_user(user, pk):
    """The annotation if the user may see it, else None (callers answer 404)."""
    annotation = Annotation.objects.select_related("option", "author").filter(pk=pk).first()
    if annotation is None or not can_see_annotation(user, annotation):
        return None
    return annotation


def field_text(option, field: str) -> str:
    try:
        return option.rendered_text(field)
    except AttributeError:
        return option.specific.rendered_text(field)


# Writes ------------------------------------------------------------------------------


def _clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = [tags]
    # Commas separate tags however they come (the panel's filter relies on it).
    tags = [part for tag in tags or () for part in str(tag).split(",")]
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()
        if not tag or tag in cleaned:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError({"tags": f"A tag can be at most {MAX_TAG_LENGTH} characters."})
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    return cleaned


def _clean_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {field: f"A note can be at most {settings.COMMENT_MAX_LENGTH} characters."}
        )
    return body


def _clean_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose shared or private."})
    return visibility


def validate_target(option, *, field: str, start, end, exact: str) -> str:
    """Check a new target against the field's text; returns that text."""
    fields = option.specific.annotatable_fields()
    if field not in fields:
        raise ValidationError({"field": "This part of the option cannot be annotated."})
    text = field_text(option, field)
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError) as error:
        raise ValidationError({"start": "The selection's position is not a number."}) from error
    if not exact or start == end:
        raise ValidationError({"exact": "Select some text to annotate."})
    if not (0 <= start < end <= len(text)):
        raise ValidationError({"start": "The selection lies outside the text."})
    if end - start > settings.ANNOTATION_MAX_QUOTE_LENGTH:
        raise ValidationError(
            {
                "exact": "The selection is too long: at most "
                f"{settings.ANNOTATION_MAX_QUOTE_LENGTH} characters."
            }
        )
    if text[start:end] != exact:
        raise ValidationError(
            {"exact": "The selected text does not match the option's text; reload the page."}
        )
    if not exact.strip():
        raise ValidationError({"exact": "Select some text, not only spaces."})
    return text


@transaction.atomic
def annotation_create(
    *,
    author,
    option,
    field: str,
    start,
    end,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    body: str = "",
    tags=(),
    visibility: str = Visibility.SHARED,
) -> Annotation:
    """Annotate text[start:end] of one of the option's fields. The prefix and suffix sent
    by the browser are only hints: they are recomputed from the stored text."""
    # The option as committed now, its row locked: an editor's change cannot come between
    # this check and the insert (the new note would then miss its re-anchoring).
    model = type(option.specific)
    option = model.objects.select_for_update().filter(pk=option.pk).first()
    if option is None:
        raise ValidationError({"option": "This option no longer exists."})
    if not can_read_option(author, option):
        raise PermissionDenied("You cannot read this option.")
    if not can_annotate(author, option):
        raise PermissionDenied("You cannot annotate this option.")
    text = validate_target(option, field=field, start=start, end=end, exact=exact)
    start, end = int(start), int(end)
    prefix, suffix = quote_context(text, start, end, CONTEXT_LENGTH)
    body = _clean_body(body)
    return Annotation.objects.create(
        option_id=option.pk,
        field=field,
        author=author,
        body=body,
        body_html=render_markdown(body).html,
        tags=_clean_tags(tags),
        visibility=_clean_visibility(visibility),
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
    )


def change_refusal(annotation, verb: str, done: str) -> str:
    if annotation.hidden:
        return f"A note hidden by the moderators cannot be {done}."
    return f"Only its author can {verb} an annotation."


@transaction.atomic
def annotation_edit(*, user, annotation: Annotation, body=None, tags=None, visibility=None):
    if not can_change_annotation(user, annotation):
        raise PermissionDenied(change_refusal(annotation, "edit", "edited"))
    if body is not None:
        annotation.body = _clean_body(body)
        annotation.body_html = render_markdown(annotation.body).html
    if tags is not None:
        annotation.tags = _clean_tags(tags)
    if visibility is not None:
        visibility = _clean_visibility(visibility)
        others_replied = (
            annotation.replies.exclude(author=annotation.author_id).exists()
            if annotation.author_id
            else annotation.replies.exists()
        )
        if (
            visibility == Visibility.PRIVATE
            and annotation.visibility == Visibility.SHARED
            and others_replied
        ):
            # Their replies would vanish from under them, out of their reach.
            raise ValidationError(
                {"visibility": "Others have replied to this note, so it stays shared."}
            )
        annotation.visibility = visibility
    annotation.save()
    return annotation


@transaction.atomic
def annotation_delete(*, user, annotation: Annotation) -> None:
    if not can_change_annotation(user, annotation):
        raise PermissionDenied(change_refusal(annotation, "delete", "deleted"))
    annotation._history_user = user
    annotation.delete()


def _clean_reply_body(body: str) -> str:
    body = _clean_body(body)
    if not body:
        raise ValidationError({"body": "Write a reply."})
    return body


@transaction.atomic
def annotation_reply_create(*, author, annotation: Annotation, body: str) -> AnnotationReply:
    if not can_reply_to_annotation(author, annotation):
        raise PermissionDenied("You cannot reply to this annotation.")
    body = _clean_reply_body(body)
    return AnnotationReply.objects.create(
        annotation=annotation, author=author, body=body, body_html=render_markdown(body).html
    )


@transaction.atomic
def annotation_reply_edit(*, user, reply: AnnotationReply, body: str) -> AnnotationReply:
    if not (user.is_authenticated and reply.author_id == user.pk):
        raise PermissionDenied("Only its author can edit a reply.")
    reply.body = _clean_reply_body(body)
    reply.body_html = render_markdown(reply.body).html
    reply.edited = timezone.now()
    reply.save()
    return reply


@transaction.atomic
def annotation_reply_delete(*, user, reply: AnnotationReply) -> None:
    if not (user.is_authenticated and reply.author_id == user.pk):
        raise PermissionDenied("Only its author can delete a reply.")
    reply._history_user = user
    reply.delete()


def _moderate(moderator, annotation, *, hidden: bool, reason: str):
    """Hide or restore a shared annotation as a comment is: the row is locked, its open
    flags are upheld (hide) or dismissed (restore), and the decision is recorded."""
    if not can_moderate_annotations(moderator):
        raise PermissionDenied("Only moderators can hide or restore annotations.")
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if annotation.visibility != Visibility.SHARED:
        raise PermissionDenied("Private annotations are not moderated.")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"At most {MAX_REASON_LENGTH} characters."})
    annotation._history_user = moderator
    annotation.hidden = hidden
    annotation.hidden_reason = reason if hidden else ""
    annotation.save(update_fields=["hidden", "hidden_reason", "updated"])
    Flag.objects.filter(annotation=annotation, resolution=Flag.Resolution.OPEN).update(
        resolution=Flag.Resolution.UPHELD if hidden else Flag.Resolution.DISMISSED,
        resolved_by=moderator,
        resolved_at=timezone.now(),
    )
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE if hidden else ModerationAction.Action.RESTORE,
        annotation=annotation,
        subject_user_id=annotation.author_id,
        reason=reason,
    )
    return annotation


@transaction.atomic
def annotation_hide(*, moderator, annotation: Annotation, reason: str = "") -> Annotation:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the annotation is hidden."})
    return _moderate(moderator, annotation, hidden=True, reason=reason)


@transaction.atomic
def annotation_restore(*, moderator, annotation: Annotation, reason: str = "") -> Annotation:
    return _moderate(moderator, annotation, hidden=False, reason=reason)


# Re-anchoring ------------------------------------------------------------------------


def reanchor_after_text_change(option, old_texts: dict[str, str]) -> None:
    """Move the option's annotations onto their quotes in the new text.

    Call inside the transaction that saved the new text (policies.services.option_update
    does). An annotation whose quote cannot be placed is kept and marked orphaned, with
    its old quote; one placed again leaves the orphaned state.
    """
    for field, old_text in old_texts.items():
        new_text = field_text(option, field)
        if new_text == old_text:
            continue
        for annotation in Annotation.objects.select_for_update().filter(
            option_id=option.pk, field=field
        ):
            anchor = locate(
                new_text,
                exact=annotation.exact,
                prefix=annotation.prefix,
                suffix=annotation.suffix,
                start=annotation.start,
            )
            if anchor is None:
                if not annotation.orphaned:
                    annotation.orphaned = True
                    annotation.save(update_fields=["orphaned", "updated"])
                continue
            placed = (anchor.start, anchor.end, anchor.prefix, anchor.suffix, False)
            if placed == (
                annotation.start,
                annotation.end,
                annotation.prefix,
                annotation.suffix,
                annotation.orphaned,
            ):
                continue  # untouched by the edit: no write, no history entry
            annotation.start, annotation.end = anchor.start, anchor.end
            annotation.prefix, annotation.suffix = anchor.prefix, anchor.suffix
            annotation.orphaned = False
            annotation.save(
                update_fields=["start", "end", "prefix", "suffix", "orphaned", "updated"]
            )


# Serialisation -----------------------------------------------------------------------


def annotation_as_w3c(annotation: Annotation, *, source: str, user=None) -> dict:
    """The annotation in the W3C Web Annotation data model, with the site's own extras
    (field, visibility, orphaned, mine) for the page's script."""
    author = annotation.author
    bodies = (
        [
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": annotation.body,
                "format": "text/markdown",
            }
        ]
        if annotation.body
        else []
    )
    bodies += [
        {"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in annotation.tags
    ]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"annotation-{annotation.pk}",
        "type": "Annotation",
        "creator": {"type": "Person", "name": author.get_username() if author else "(deleted)"},
        "created": annotation.created.isoformat(),
        "modified": annotation.updated.isoformat(),
        "body": bodies,
        "target": {
            "source": f"{source}#field-{annotation.field}",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ],
        },
        "pk": annotation.pk,
        "field": annotation.field,
        "visibility": annotation.visibility,
        "orphaned": annotation.orphaned,
        "hidden": annotation.hidden,
        "mine": bool(
            user is not None and user.is_authenticated and annotation.author_id == user.pk
        ),
    }
