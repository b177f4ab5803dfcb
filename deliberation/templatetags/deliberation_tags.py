from django import template
from django.core.exceptions import ObjectDoesNotExist

from .. import permissions, services
from ..models import make_tally

register = template.Library()


@register.inclusion_tag("deliberation/includes/tally_bar.html")
def tally_bar(tally=None, support=0, oppose=0, abstain=0, width=240, height=16):
    """An inline SVG bar of a tally: support, abstain and oppose side by side."""
    if tally is None:
        tally = make_tally(support or 0, oppose or 0, abstain or 0)
    total = tally["total"]
    segments = []
    x = 0.0
    for key, label, colour in (
        ("support", "Support", "#1b6e3a"),
        ("abstain", "Abstain", "#767676"),
        ("oppose", "Oppose", "#a4262c"),
    ):
        share = tally[key] / total if total else 0
        segment_width = round(width * share, 2)
        if segment_width:
            segments.append(
                {
                    "x": round(x, 2),
                    "width": segment_width,
                    "colour": colour,
                    "label": label,
                    "count": tally[key],
                }
            )
        x += segment_width
    return {"tally": tally, "segments": segments, "width": width, "height": height}


@register.filter
def display_name(user):
    if user is None:
        return "A former member"
    try:
        name = user.profile.display_name
    except ObjectDoesNotExist:  # no profile row yet
        name = ""
    return name or user.get_username()


@register.filter
def editable_by(comment, user):
    return permissions.can_edit_comment(user, comment)


@register.filter
def endorsable_by(comment, user):
    return permissions.can_endorse(user, comment)


@register.filter
def flaggable_by(comment, user):
    return permissions.can_flag(user, comment)


@register.filter
def repliable_by(comment, user):
    return permissions.can_reply(user, comment)


@register.filter
def pending_review(comment) -> bool:
    """Hidden by the flag threshold, and no moderator has decided yet."""
    return comment.hidden and comment.hidden_reason == services.AUTO_HIDE_REASON


@register.filter
def contains(collection, item):
    return item in collection


@register.filter
def form_id(prefix, pk):
    """ "reply"|form_id:5 -> "reply-5", the id of a per-comment form."""
    return f"{prefix}-{pk}"
