"""Pages and htmx endpoints for annotations of an option's text.

Every action works as a plain form post (redirecting back to the option page) and as
an htmx request (answering the panel item, or the form with its errors as 422)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from policies.models import Option

from . import annotations as services
from . import freshness, ratelimit
from .annotation_forms import (
    AnnotationEditForm,
    AnnotationFlagForm,
    AnnotationForm,
    AnnotationModerationForm,
    AnnotationReplyForm,
)
from .models import AnnotationReply
from .services import flag_create

PANEL_TEMPLATE = "deliberation/includes/annotation_panel.html"
ITEM_TEMPLATE = "deliberation/includes/annotation_item.html"
FORM_TEMPLATE = "deliberation/includes/annotation_form.html"
LIST_FILTERS = {"mine", "shared", "private", "orphaned"}


def _add_errors(form, error: ValidationError):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _label_fields(annotations, fields):
    for annotation in annotations:
        annotation.field_label = fields.get(annotation.field, annotation.field)
    return annotations


def _matches(annotation, user, list_filter, tag):
    if list_filter == "mine" and not (user.is_authenticated and annotation.author_id == user.pk):
        return False
    if list_filter == "shared" and annotation.visibility != "shared":
        return False
    if list_filter == "private" and annotation.visibility != "private":
        return False
    if list_filter == "orphaned" and not annotation.orphaned:
        return False
    return not tag or tag in annotation.tags


def annotation_panel_context(request, option) -> dict:
    """Option page provider: the annotation panel (for anonymous readers, from the shared
    cache while nothing changes)."""

    def render():
        context = {**_panel_context(request, option), "option": option}
        return render_to_string(PANEL_TEMPLATE, context, request)

    panel = freshness.panel_for_anonymous(request, f"notes-{option.pk}", render)
    return {"option_side_panels": [panel]}


def _panel_context(request, option) -> dict:
    """The annotation panel and what it lists (constant queries)."""
    user = request.user
    fields = option.specific.annotatable_fields()
    annotations = _label_fields(list(services.annotations_visible_to(user, option)), fields)
    list_filter = request.GET.get("annotations", "")
    list_filter = list_filter if list_filter in LIST_FILTERS else ""
    tag = request.GET.get("annotation_tag", "").strip().lower()
    listed = [a for a in annotations if _matches(a, user, list_filter, tag)]
    return {
        "annotation_list": [a for a in listed if not a.orphaned],
        "annotation_orphans": [a for a in listed if a.orphaned],
        "annotation_total": len(annotations),
        "annotation_tags": sorted({t for a in annotations for t in a.tags}),
        "annotation_filter": list_filter,
        "annotation_tag": tag,
        "annotation_form": AnnotationForm() if services.can_annotate(user, option) else None,
        "annotation_moderator": services.can_moderate_annotations(user),
        "annotation_flag_form": AnnotationFlagForm(),
    }


def _option_for(request, slug):
    return get_object_or_404(Option.objects.visible_to(request.user), slug=slug)


def _visible_annotation(request, pk):
    annotation = services.annotation_for_user(request.user, pk)
    if annotation is None:
        raise Http404("No such annotation.")
    return annotation


def _slowed_down(request, option, *, annotation=None, form=None):
    """Count one write by the user; past the write limit, the answer that says so (429 for
    a plain form post; the form or item with the message for htmx, which swaps 422)."""
    if ratelimit.write_allowed(request.user):
        return None
    message = ratelimit.RATE_LIMITED_MESSAGE
    if request.htmx and form is not None:
        form.add_error(None, message)
        response = render(
            request, FORM_TEMPLATE, {"annotation_form": form, "option": option}, status=422
        )
        response["HX-Retarget"] = "#annotation-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    if request.htmx and annotation is not None:
        return _item_response(request, annotation, status=422, error=message)
    return render(
        request,
        "deliberation/comment_action.html",
        {"title": "Slow down", "message": message, "option": option},
        status=429,
    )


def _back(annotation):
    return redirect(annotation.option.get_absolute_url() + f"#annotation-{annotation.pk}")


def _item_response(request, annotation, *, status=200, error="", trigger=None):
    fresh = services.annotations_visible_to(request.user, annotation.option).filter(
        pk=annotation.pk
    )
    fresh = _label_fields(list(fresh), annotation.option.specific.annotatable_fields())
    if not fresh:
        return HttpResponse("")
    html = render_to_string(
        ITEM_TEMPLATE,
        {
            "annotation": fresh[0],
            "option": annotation.option,
            "annotation_moderator": services.can_moderate_annotations(request.user),
            "annotation_flag_form": AnnotationFlagForm(),
            "item_error": error,
        },
        request=request,
    )
    response = HttpResponse(html, status=status)
    if trigger:
        response["HX-Trigger"] = json.dumps(trigger)
    return response


@require_GET
def annotations_json(request, slug):
    """The annotations the reader may see, W3C-shaped, with each field's plain text."""
    option = _option_for(request, slug)
    specific = option.specific
    source = request.build_absolute_uri(option.get_absolute_url())
    annotations = services.annotations_visible_to(request.user, option).prefetch_related(None)
    return JsonResponse(
        {
            "option": option.slug,
            "can_annotate": services.can_annotate(request.user, option),
            "fields": {
                name: {"label": label, "text": specific.rendered_text(name)}
                for name, label in specific.annotatable_fields().items()
            },
            "annotations": [
                services.annotation_as_w3c(a, source=source, user=request.user) for a in annotations
            ],
        }
    )


@require_POST
@login_required
def annotation_create(request, slug):
    option = _option_for(request, slug)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        limited = _slowed_down(request, option, form=form)
        if limited:
            return limited
        try:
            annotation = services.annotation_create(
                author=request.user, option=option, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Your note is saved.")
                return _back(annotation)
            source = request.build_absolute_uri(option.get_absolute_url())
            return _item_response(
                request,
                annotation,
                status=201,
                # Wrapped: htmx reads a "target" key of the event detail as a selector.
                trigger={
                    "annotation-saved": {
                        "annotation": services.annotation_as_w3c(
                            annotation, source=source, user=request.user
                        )
                    }
                },
            )
    context = {"annotation_form": form, "option": option}
    if request.htmx:
        response = render(request, FORM_TEMPLATE, context, status=422)
        response["HX-Retarget"] = "#annotation-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "deliberation/annotation_form.html", context, status=400)


@login_required
def annotation_edit(request, pk):
    annotation = _visible_annotation(request, pk)
    if not services.can_change_annotation(request.user, annotation):
        raise PermissionDenied(services.change_refusal(annotation, "edit", "edited"))
    if request.method == "POST":
        form = AnnotationEditForm(request.POST)
        if form.is_valid():
            limited = _slowed_down(request, annotation.option, annotation=annotation)
            if limited:
                return limited
            try:
                services.annotation_edit(
                    user=request.user, annotation=annotation, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your note is updated.")
                return _back(annotation)
        status = 400
    else:
        form = AnnotationEditForm(
            initial={
                "body": annotation.body,
                "tags": ", ".join(annotation.tags),
                "visibility": annotation.visibility,
            }
        )
        status = 200
    return render(
        request,
        "deliberation/annotation_edit.html",
        {"form": form, "annotation": annotation},
        status=status,
    )


@require_POST
@login_required
def annotation_delete(request, pk):
    annotation = _visible_annotation(request, pk)
    option_url = annotation.option.get_absolute_url()
    services.annotation_delete(user=request.user, annotation=annotation)
    if request.htmx:
        response = HttpResponse("")
        response["HX-Trigger"] = json.dumps({"annotation-deleted": {"id": f"annotation-{pk}"}})
        return response
    messages.success(request, "The note is deleted.")
    return redirect(option_url)


def _item_or_back(request, annotation, error=""):
    if request.htmx:
        return _item_response(request, annotation, status=422 if error else 200, error=error)
    if error:
        messages.error(request, error)
    return _back(annotation)


def _first_message(error: ValidationError) -> str:
    return " ".join(message for messages_ in error.message_dict.values() for message in messages_)


@require_POST
@login_required
def annotation_reply_create(request, pk):
    annotation = _visible_annotation(request, pk)
    form = AnnotationReplyForm(request.POST)
    if not form.is_valid():
        return _item_or_back(request, annotation, "Write a reply (at most 5000 characters).")
    limited = _slowed_down(request, annotation.option, annotation=annotation)
    if limited:
        return limited
    try:
        services.annotation_reply_create(
            author=request.user, annotation=annotation, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        return _item_or_back(request, annotation, _first_message(error))
    return _item_or_back(request, annotation)


def _visible_reply(request, pk):
    reply = get_object_or_404(AnnotationReply.objects.select_related("annotation"), pk=pk)
    _visible_annotation(request, reply.annotation_id)
    return reply


@login_required
def annotation_reply_edit(request, pk):
    reply = _visible_reply(request, pk)
    if reply.author_id != request.user.pk:
        raise PermissionDenied("Only its author can edit a reply.")
    status = 200
    if request.method == "POST":
        form = AnnotationReplyForm(request.POST)
        if form.is_valid():
            try:
                services.annotation_reply_edit(
                    user=request.user, reply=reply, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _back(reply.annotation)
        status = 400
    else:
        form = AnnotationReplyForm(initial={"body": reply.body})
    return render(
        request,
        "deliberation/annotation_reply_edit.html",
        {"form": form, "reply": reply},
        status=status,
    )


@require_POST
@login_required
def annotation_reply_delete(request, pk):
    reply = _visible_reply(request, pk)
    annotation = reply.annotation
    services.annotation_reply_delete(user=request.user, reply=reply)
    return _item_or_back(request, annotation)


def _moderate(request, pk, service, done_message):
    annotation = _visible_annotation(request, pk)
    form = AnnotationModerationForm(request.POST)
    reason = form.data.get("reason", "")
    from_queue = request.POST.get("from") == "queue" and not request.htmx
    try:
        service(moderator=request.user, annotation=annotation, reason=reason)
    except ValidationError as error:
        if from_queue:
            messages.error(request, _first_message(error))
            return redirect("deliberation:moderation-queue")
        return _item_or_back(request, annotation, _first_message(error))
    if from_queue:
        messages.success(request, done_message)
        return redirect("deliberation:moderation-queue")
    return _item_or_back(request, annotation)


@require_POST
@login_required
def annotation_hide(request, pk):
    return _moderate(request, pk, services.annotation_hide, "The note is hidden.")


@require_POST
@login_required
def annotation_restore(request, pk):
    return _moderate(request, pk, services.annotation_restore, "The note is restored.")


@require_POST
@login_required
def annotation_flag(request, pk):
    annotation = _visible_annotation(request, pk)
    form = AnnotationFlagForm(request.POST)
    if not form.is_valid():
        return _item_or_back(request, annotation, "Choose a reason from the list.")
    limited = _slowed_down(request, annotation.option, annotation=annotation)
    if limited:
        return limited
    try:
        flag_create(user=request.user, annotation=annotation, **form.cleaned_data)
    except ValidationError as error:
        return _item_or_back(request, annotation, _first_message(error))
    if not request.htmx:
        messages.success(request, "Thank you: moderators will look at it.")
    return _item_or_back(request, annotation)


# Routes, added to the deliberation namespace by urls_pages.
urlpatterns = [
    path("options/<slug:slug>/annotations.json", annotations_json, name="annotation-list-json"),
    path("options/<slug:slug>/annotations/", annotation_create, name="annotation-create"),
    path("annotations/<int:pk>/edit/", annotation_edit, name="annotation-edit"),
    path("annotations/<int:pk>/delete/", annotation_delete, name="annotation-delete"),
    path("annotations/<int:pk>/replies/", annotation_reply_create, name="annotation-reply"),
    path("annotations/<int:pk>/hide/", annotation_hide, name="annotation-hide"),
    path("annotations/<int:pk>/restore/", annotation_restore, name="annotation-restore"),
    path("annotations/<int:pk>/flag/", annotation_flag, name="annotation-flag"),
    path("annotation-replies/<int:pk>/edit/", annotation_reply_edit, name="annotation-reply-edit"),
    path(
        "annotation-replies/<int:pk>/delete/",
        annotation_reply_delete,
        name="annotation-reply-delete",
    ),
]


def register_annotation_extensions():
    """Called from the app's ready(): the option page panel and re-anchoring on edits."""
    from policies import extensions

    extensions.register_option_page_provider(annotation_panel_context)
    extensions.register_text_change_handler(services.reanchor_after_text_change)
