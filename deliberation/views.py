"""Pages and one-shot actions of the deliberation: the discussion panel of an option,
votes, comments, endorsements, flags and the moderation queue.

Every action is a POST that works with JavaScript off (it redirects with a message)
and, when htmx sends it, answers with the re-rendered discussion instead."""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.models import Option

from . import freshness, permissions, ratelimit, services
from .forms import CommentForm, FlagForm, ModerationForm, VoteForm
from .models import Comment, Endorsement, Flag, Stance, Vote, with_discussion_counts, with_tally

DISCUSSION_TEMPLATE = "deliberation/includes/option_discussion.html"
ACTION_PAGE_TEMPLATE = "deliberation/comment_action.html"
SORTS = {
    "oldest": ("Oldest first", ("created", "id")),
    "newest": ("Newest first", ("-created", "-id")),
    "endorsed": ("Most endorsed", ("-endorsement_count", "created", "id")),
}
# Replies deeper than this are collapsed behind a link that loads them.
COLLAPSE_DEPTH = 4


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


# Reading a thread


@dataclass
class Node:
    comment: Comment
    depth: int
    children: list = field(default_factory=list)
    descendant_count: int = 0

    @property
    def collapsed(self):
        return self.depth >= COLLAPSE_DEPTH and bool(self.children)


def thread_comments(option, sort="oldest", root=None):
    """The comments of an option (or of one subtree) in thread order, one query."""
    ordering = SORTS.get(sort, SORTS["oldest"])[1]
    if root is not None:
        comments = Comment.objects.descendants(root, include_self=True)
    else:
        comments = Comment.objects.with_tree_fields().tree_filter(option=option)
    comments = comments.order_siblings_by(*ordering).select_related("author", "author__profile")
    result = list(comments)
    for comment in result:
        comment.option = option  # spare a query per comment
    return result


def build_tree(comments) -> list[Node]:
    """Nest comments (in tree order) under their parents; depths relative to the roots."""
    roots, nodes = [], {}
    for comment in comments:
        parent = nodes.get(comment.parent_id)
        node = Node(comment, depth=0 if parent is None else parent.depth + 1)
        nodes[comment.pk] = node
        (roots if parent is None else parent.children).append(node)
    for node in reversed(list(nodes.values())):
        node.descendant_count = sum(1 + child.descendant_count for child in node.children)
    return roots


def _summary(comments) -> dict:
    open_comments = [c for c in comments if not c.deleted and not c.hidden]

    def side(stance):
        arguments = [c for c in open_comments if c.stance == stance]
        endorsed = [c for c in arguments if c.endorsement_count]
        top = max(endorsed, key=lambda c: (c.endorsement_count, -c.pk)) if endorsed else None
        return {"count": len(arguments), "top": top}

    return {"for": side(Stance.SUPPORT), "against": side(Stance.OPPOSE)}


def _viewer_marks(user, option) -> tuple[set, set]:
    if not user.is_authenticated:
        return set(), set()
    endorsed = set(
        Endorsement.objects.filter(user=user, comment__option=option).values_list(
            "comment_id", flat=True
        )
    )
    flagged = set(
        Flag.objects.filter(flagged_by=user, comment__option=option).values_list(
            "comment_id", flat=True
        )
    )
    return endorsed, flagged


def _sort_in(url) -> str | None:
    """The ?sort= of a page's address, from a header the client wrote: maybe not a URL."""
    try:
        return parse_qs(urlsplit(url).query).get("sort", [None])[0] if url else None
    except ValueError:
        return None


def _requested_sort(request) -> str:
    """The thread's order: ?sort= on the page; an htmx action keeps the order of the page
    it was sent from."""
    sort = request.GET.get("sort")
    current_url = request.htmx.current_url if getattr(request, "htmx", None) else None
    if sort is None:
        sort = _sort_in(current_url)
    return sort if sort in SORTS else "oldest"


def discussion_context(request, option, *, comment_form=None, flash=None, flash_error=None):
    """Everything the discussion panel of an option shows; a fixed number of queries."""
    user = request.user
    sort = _requested_sort(request)
    comments = thread_comments(option, sort)
    roots = build_tree(comments)
    endorsed, flagged = _viewer_marks(user, option)
    my_vote = None
    if user.is_authenticated:
        my_vote = Vote.objects.filter(voter=user, option=option).values_list("choice", flat=True)
        my_vote = next(iter(my_vote), None)
    columns = [
        ("for", "For", [n for n in roots if n.comment.stance == Stance.SUPPORT]),
        ("against", "Against", [n for n in roots if n.comment.stance == Stance.OPPOSE]),
        (
            "neutral",
            "Neutral and questions",
            [n for n in roots if n.comment.stance == Stance.NEUTRAL],
        ),
    ]
    return {
        "option": option,
        "tally": services.option_tally(option),
        "my_vote": my_vote,
        "vote_form": VoteForm(initial={"choice": my_vote}, auto_id="id_vote_%s"),
        "voting_closed": permissions.voting_closed_message(option),
        "can_vote": permissions.can_vote(user, option),
        "can_comment": permissions.can_comment(user, option),
        "is_moderator": permissions.can_moderate(user),
        "comment_form": comment_form or CommentForm(prefix_id="new"),
        "columns": columns,
        "comment_total": len(comments),
        "summary": _summary(comments),
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "endorsed_ids": endorsed,
        "flagged_ids": flagged,
        "flag_form": FlagForm(auto_id=False),
        "moderation_form": ModerationForm(auto_id=False),
        "flash": flash,
        "flash_error": flash_error,
    }


def option_page_context(request, option) -> dict:
    """Option page provider: the discussion panel. Rendering a long thread is most of
    what the page costs, so anonymous readers get it from the shared cache."""

    def render():
        context = {"discussion": discussion_context(request, option), "option": option}
        return render_to_string(DISCUSSION_TEMPLATE, context, request)

    return {
        "option_panels": [freshness.panel_for_anonymous(request, f"discussion-{option.pk}", render)]
    }


def decorate_option_list(queryset, request):
    """Option list decorator: tallies, discussion counts and the reader's vote, in the one query."""
    queryset = with_discussion_counts(with_tally(queryset))
    if request.user.is_authenticated:
        queryset = queryset.annotate(
            my_vote=Subquery(
                Vote.objects.filter(option=OuterRef("pk"), voter=request.user).values("choice")[:1]
            )
        )
    return queryset


def home_page_context(request) -> dict:
    """Home page provider: the latest arguments and votes on published options (two queries)."""
    comments = (
        Comment.objects.filter(option__status=Option.Status.PUBLISHED, hidden=False, deleted=False)
        .select_related("option", "author", "author__profile")
        .order_by("-created", "-id")[:8]
    )
    votes = (
        Vote.objects.filter(option__status=Option.Status.PUBLISHED)
        .select_related("option", "voter", "voter__profile")
        .order_by("-updated", "-id")[:8]
    )
    return {
        "home_panels": ["deliberation/includes/recent_activity.html"],
        "recent_comments": list(comments),
        "recent_votes": list(votes),
    }


# Answers shared by the actions


def _render_discussion(request, option, **kwargs):
    return render(
        request,
        DISCUSSION_TEMPLATE,
        {"discussion": discussion_context(request, option, **kwargs), "option": option},
    )


def _done(request, option, message, anchor="#discussion"):
    if request.htmx:
        return _render_discussion(request, option, flash=message)
    messages.success(request, message)
    # Without JavaScript the form's page is the Referer: back to it in the order it had.
    sort = _sort_in(request.headers.get("Referer"))
    query = f"?sort={sort}" if sort in SORTS and sort != "oldest" else ""
    return redirect(option.get_absolute_url() + query + anchor)


def _refuse(request, option, message, status=403):
    """A refused action: a page with the reason (JavaScript off) or the reason shown in the
    discussion (htmx only swaps successful answers, so it gets 200 and the message)."""
    if request.htmx:
        response = _render_discussion(request, option, flash_error=message)
        response["HX-Retarget"] = "#discussion"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(
        request,
        ACTION_PAGE_TEMPLATE,
        {"title": "Not possible", "message": message, "option": option},
        status=status,
    )


def _form_errors(request, option, form, *, title, action, submit, template, comment=None):
    """Bad input: the form again with its errors next to the fields; nothing saved."""
    context = {
        "title": title,
        "form": form,
        "form_action": action,
        "submit_label": submit,
        "option": option,
        "comment": comment,
        "form_template": template,
        "flag_form": form,
        "moderation_form": form,
    }
    if request.htmx:
        response = render(request, template, context)
        response["HX-Retarget"] = f"#{form.form_id}" if hasattr(form, "form_id") else "#discussion"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, ACTION_PAGE_TEMPLATE, context, status=400)


def _add_errors(form, error: ValidationError):
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def _rate_limited(request, option):
    if ratelimit.write_allowed(request.user):
        return None
    if request.htmx:
        return _refuse(request, option, ratelimit.RATE_LIMITED_MESSAGE)
    return render(
        request,
        ACTION_PAGE_TEMPLATE,
        {"title": "Slow down", "message": ratelimit.RATE_LIMITED_MESSAGE, "option": option},
        status=429,
    )


def _visible_option(request, slug):
    return get_object_or_404(Option.objects.visible_to(request.user), slug=slug)


def _visible_comment(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("option", "author"), pk=pk)
    option = comment.option
    if option.status != Option.Status.PUBLISHED and not (
        request.user.is_staff or permissions.can_edit_options(request.user)
    ):
        raise Http404("No such comment.")
    return comment


# Votes


@require_POST
@login_required
def vote(request, slug):
    option = _visible_option(request, slug)
    form = VoteForm(request.POST)
    if not form.is_valid():
        form.form_id = "vote-form"
        return _form_errors(
            request,
            option,
            form,
            title="Vote",
            action=reverse("deliberation:vote", args=[option.slug]),
            submit="Vote",
            template="deliberation/includes/vote_form.html",
        )
    choice = form.cleaned_data["choice"]
    try:
        if choice == "withdraw":
            services.vote_withdraw(voter=request.user, option=option)
            message = "Your vote is withdrawn."
        else:
            services.vote_cast(voter=request.user, option=option, choice=choice)
            message = f"Your vote: {dict(VoteForm.base_fields['choice'].choices)[choice].lower()}."
    except PermissionDenied as error:
        return _refuse(request, option, str(error))
    return _done(request, option, message, anchor="#vote-panel")


# Comments


@require_POST
@login_required
def comment_create(request, slug):
    option = _visible_option(request, slug)
    parent_id = request.POST.get("parent") or None
    # The form's field ids are built from the parent: only a plain number may go into them.
    numbered = parent_id is not None and parent_id.isascii() and parent_id.isdigit()
    form = CommentForm(request.POST, prefix_id=f"reply-{parent_id}" if numbered else "new")
    if not permissions.can_comment(request.user, option):
        return _refuse(request, option, "Only analysts can take part in this discussion.")
    limited = _rate_limited(request, option)
    if limited:
        return limited
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, "The comment you are replying to no longer exists.")
        if form.is_valid():
            try:
                comment = services.comment_create(
                    author=request.user,
                    option=option,
                    body=form.cleaned_data["body"],
                    stance=form.cleaned_data["stance"],
                    parent=parent,
                )
            except PermissionDenied as error:
                return _refuse(request, option, str(error))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _done(
                    request,
                    option,
                    "Your reply is posted." if parent else "Your argument is posted.",
                    anchor=f"#comment-{comment.pk}",
                )
    return _form_errors(
        request,
        option,
        form,
        title="Reply" if parent_id else "Add an argument",
        action=reverse("deliberation:comment-create", args=[option.slug]),
        submit="Post reply" if parent_id else "Post argument",
        template="deliberation/includes/comment_form.html",
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request, pk):
    comment = _visible_comment(request, pk)
    option = comment.option
    if not permissions.can_edit_comment(request.user, comment):
        return _refuse(request, option, "You can only edit your own comments.")
    form_id = f"edit-{comment.pk}"
    context = {
        "title": "Edit your comment",
        "form_action": reverse("deliberation:comment-edit", args=[comment.pk]),
        "submit_label": "Save changes",
        "option": option,
        "comment": comment,
        "form_template": "deliberation/includes/comment_form.html",
    }
    if request.method == "GET":
        form = CommentForm(
            initial={"body": comment.body, "stance": comment.stance}, prefix_id=form_id
        )
        context["form"] = form
        template = context["form_template"] if request.htmx else ACTION_PAGE_TEMPLATE
        return render(request, template, context)
    limited = _rate_limited(request, option)
    if limited:
        return limited
    form = CommentForm(request.POST, prefix_id=form_id)
    if form.is_valid():
        try:
            services.comment_edit(
                user=request.user,
                comment=comment,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data["stance"],
            )
        except PermissionDenied as error:
            return _refuse(request, option, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, option, "Your comment is updated.", f"#comment-{comment.pk}")
    return _form_errors(
        request,
        option,
        form,
        title=context["title"],
        action=context["form_action"],
        submit=context["submit_label"],
        template=context["form_template"],
        comment=comment,
    )


@require_POST
@login_required
def comment_delete(request, pk):
    comment = _visible_comment(request, pk)
    try:
        services.comment_delete(user=request.user, comment=comment)
    except PermissionDenied as error:
        return _refuse(request, comment.option, str(error))
    return _done(request, comment.option, "Your comment is deleted.", f"#comment-{comment.pk}")


@require_GET
def comment_replies(request, pk):
    """The whole subtree of a comment: what a collapsed "more replies" link opens."""
    comment = _visible_comment(request, pk)
    option = comment.option
    sort = _requested_sort(request)
    comments = thread_comments(option, sort, root=comment)
    (root,) = build_tree(comments)
    endorsed, flagged = _viewer_marks(request.user, option)
    context = {
        "option": option,
        "root": root,
        "discussion": {
            "option": option,
            "sort": sort,
            "endorsed_ids": endorsed,
            "flagged_ids": flagged,
            "is_moderator": permissions.can_moderate(request.user),
            "can_comment": permissions.can_comment(request.user, option),
            "flag_form": FlagForm(auto_id=False),
            "moderation_form": ModerationForm(auto_id=False),
        },
    }
    template = (
        "deliberation/includes/comment_children.html"
        if request.htmx
        else "deliberation/comment_thread.html"
    )
    return render(request, template, context)


# Endorsements and flags


@require_POST
@login_required
def comment_endorse(request, pk):
    comment = _visible_comment(request, pk)
    try:
        services.endorsement_create(user=request.user, comment=comment)
    except PermissionDenied as error:
        return _refuse(request, comment.option, str(error))
    return _done(request, comment.option, "You endorse this argument.", f"#comment-{comment.pk}")


@require_POST
@login_required
def comment_unendorse(request, pk):
    comment = _visible_comment(request, pk)
    try:
        services.endorsement_delete(user=request.user, comment=comment)
    except PermissionDenied as error:
        return _refuse(request, comment.option, str(error))
    return _done(
        request, comment.option, "Your endorsement is withdrawn.", f"#comment-{comment.pk}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_flag(request, pk):
    comment = _visible_comment(request, pk)
    option = comment.option
    context = {
        "title": "Flag this comment for the moderators",
        "form_action": reverse("deliberation:comment-flag", args=[comment.pk]),
        "submit_label": "Flag",
        "option": option,
        "comment": comment,
        "form_template": "deliberation/includes/comment_flag_form.html",
    }
    if request.method == "GET":
        form = FlagForm()
        form.form_id = f"flag-{comment.pk}"
        return render(request, ACTION_PAGE_TEMPLATE, {**context, "form": form, "flag_form": form})
    if not permissions.can_flag(request.user, comment):
        return _refuse(request, option, "You cannot flag this comment.")
    limited = _rate_limited(request, option)
    if limited:
        return limited
    form = FlagForm(request.POST)
    form.form_id = f"flag-{comment.pk}"
    if form.is_valid():
        try:
            services.flag_create(
                user=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            return _refuse(request, option, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(
                request, option, "Thank you: the moderators will look at it.", "#discussion"
            )
    return _form_errors(
        request,
        option,
        form,
        title=context["title"],
        action=context["form_action"],
        submit="Flag",
        template=context["form_template"],
        comment=comment,
    )


# Moderation


def _moderator_required(request):
    if not permissions.can_moderate(request.user):
        raise PermissionDenied("Only moderators can do this.")


def _queue_context(request):
    flags = (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .select_related(
            "flagged_by__profile",
            "comment__author__profile",
            "comment__option",
            "annotation__author__profile",
            "annotation__option",
        )
        .order_by("created", "id")
    )
    page = Paginator(flags, 25).get_page(request.GET.get("page") or request.POST.get("page"))
    return {"page_obj": page, "flags": page.object_list, "moderation_form": ModerationForm()}


@require_GET
@login_required
def moderation_queue(request):
    _moderator_required(request)
    return render(request, "deliberation/moderation_queue.html", _queue_context(request))


def _after_moderation(request, option, message):
    if request.POST.get("from") == "queue":
        if request.htmx:
            context = {**_queue_context(request), "flash": message}
            return render(request, "deliberation/includes/moderation_list.html", context)
        messages.success(request, message)
        return redirect("deliberation:moderation-queue")
    return _done(request, option, message)


def _moderate_comment(request, pk, service, done_message):
    _moderator_required(request)
    comment = _visible_comment(request, pk)
    form = ModerationForm(request.POST)
    form.form_id = f"moderate-{comment.pk}"
    if form.is_valid():
        try:
            service(moderator=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_moderation(request, comment.option, done_message)
    return _form_errors(
        request,
        comment.option,
        form,
        title="Moderate this comment",
        action=request.path,
        submit="Hide" if service is services.comment_hide else "Restore",
        template="deliberation/includes/moderation_form.html",
        comment=comment,
    )


@require_POST
@login_required
def comment_hide(request, pk):
    return _moderate_comment(request, pk, services.comment_hide, "The comment is hidden.")


@require_POST
@login_required
def comment_restore(request, pk):
    return _moderate_comment(request, pk, services.comment_restore, "The comment is restored.")


@require_POST
@login_required
def flag_dismiss(request, pk):
    _moderator_required(request)
    flag = get_object_or_404(
        Flag.objects.select_related("comment__option", "annotation__option"), pk=pk
    )
    services.flag_dismiss(moderator=request.user, flag=flag)
    target = flag.comment or flag.annotation
    request.POST = request.POST.copy()
    request.POST["from"] = request.POST.get("from", "queue")
    return _after_moderation(request, target.option, "The flags are dismissed.")
