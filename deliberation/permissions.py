"""Who may do what: plain predicates used by views, templates, services and the API.

The server decides with these; a hidden button in a template is only a courtesy."""

from policies.models import Option


def is_analyst(user) -> bool:
    """An active account of the Analyst role (every role includes it) or a superuser."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("deliberation.add_comment")
    )


def can_comment(user, option) -> bool:
    return is_analyst(user) and option.status == Option.Status.PUBLISHED


def voting_closed_message(option) -> str | None:
    """Why nobody may vote on this option, or None when voting is open."""
    if option.status == Option.Status.PUBLISHED:
        return None
    return f"Voting is closed: this option is {option.get_status_display().lower()}."


def can_vote(user, option) -> bool:
    return is_analyst(user) and voting_closed_message(option) is None


def _is_open(comment) -> bool:
    return not comment.deleted and not comment.hidden


def can_edit_comment(user, comment) -> bool:
    """Only the author, and only while the comment is neither deleted nor hidden."""
    return (
        is_analyst(user)
        and comment.author_id is not None
        and comment.author_id == user.pk
        and _is_open(comment)
    )


can_delete_comment = can_edit_comment


def can_reply(user, comment) -> bool:
    return _is_open(comment) and can_comment(user, comment.option)


def can_endorse(user, comment) -> bool:
    """Analysts endorse other people's open comments on published options."""
    return (
        is_analyst(user)
        and _is_open(comment)
        and comment.author_id != user.pk
        and comment.option.status == Option.Status.PUBLISHED
    )


def can_flag(user, comment) -> bool:
    return is_analyst(user) and _is_open(comment) and comment.author_id != user.pk


def can_moderate(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("deliberation.change_flag")
    )


def can_edit_options(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("policies.change_option")
    )
