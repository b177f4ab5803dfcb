"""Writes to the catalogue: admin, management commands, pages and the API all go through here."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from . import extensions
from .models import KIND_MODELS, Option


def _split_many_to_many(model, fields: dict) -> dict:
    """Pop the many-to-many values out of ``fields`` (they are set after the row is saved)."""
    many = {}
    for name in list(fields):
        field = model._meta.get_field(name)
        if isinstance(field, models.ManyToManyField):
            many[name] = fields.pop(name)
    return many


def _set_many_to_many(option, many: dict) -> None:
    for name, values in many.items():
        getattr(option, name).set(values)


def _specific(option: Option) -> Option:
    return option.specific if type(option) is Option else option


@transaction.atomic
def option_create(*, kind: str, author=None, **fields) -> Option:
    """Create a Strategy, Initiative or SanctionType; its Markdown is rendered before saving.

    Many-to-many fields (tags, actors, strategies…) are accepted as lists. Without a
    slug, one is made from the title. Raises ValidationError on invalid data.
    """
    try:
        model = KIND_MODELS[kind]
    except KeyError:
        raise ValidationError({"kind": f"Unknown kind of option: {kind!r}."}) from None
    many = _split_many_to_many(model, fields)
    if "slug" not in fields:
        fields["slug"] = slugify(fields.get("title", ""))
    option = model(author=author, **fields)
    option.kind = kind
    option.render_text_fields()
    option.full_clean()
    option.save()
    _set_many_to_many(option, many)
    return option


def _stored_texts(option: Option) -> dict[str, str]:
    """The plain text of every rendered field as it is in the database now (row locked)."""
    names = [f"{name}_text" for name in option.rendered_fields]
    row = type(option).objects.select_for_update().filter(pk=option.pk).values(*names).first()
    if row is None:
        return {}
    return {name: row[f"{name}_text"] for name in option.rendered_fields}


@transaction.atomic
def option_update(*, option: Option, by=None, **fields) -> Option:
    """Change an option, re-render its Markdown, and tell the text change handlers.

    ``by`` is the person making the change, for the option's history (within a request
    the signed-in user is recorded without it).

    ``option`` may already carry unsaved changes (as the admin's form leaves it): the
    old texts are read from the database. Every handler in
    ``extensions.text_change_handlers`` is called inside this transaction with
    ``(option, old_texts)``, old_texts mapping each rendered field whose plain text
    changed to its old plain text; handlers are not called when no text changed.
    """
    option = _specific(option)
    _record_who(option, by)
    old_texts = _stored_texts(option)
    many = _split_many_to_many(type(option), fields)
    for name, value in fields.items():
        setattr(option, name, value)
    option.render_text_fields()
    option.full_clean()
    option.save()
    _set_many_to_many(option, many)
    changed = {name: old for name, old in old_texts.items() if old != option.rendered_text(name)}
    if changed:
        for handler in list(extensions.text_change_handlers):
            handler(option, changed)
    return option


def _record_who(option: Option, by) -> None:
    if by is not None:
        option._history_user = by


def _set_status(option: Option, status: str, by=None) -> Option:
    option = _specific(option)
    _record_who(option, by)
    if option.status != status:
        option.status = status
        option.save(update_fields=["status", "updated"])
    return option


@transaction.atomic
def option_publish(*, option: Option, by=None) -> Option:
    return _set_status(option, Option.Status.PUBLISHED, by)


@transaction.atomic
def option_archive(*, option: Option, by=None) -> Option:
    return _set_status(option, Option.Status.ARCHIVED, by)
