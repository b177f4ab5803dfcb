"""The versions of an option: who changed what and when, read from its history tables.

An option's history lives in two tables: its kind's (Strategy, Initiative or
SanctionType, which holds every field, common ones included) and the base Option's
(only when the common row was saved on its own). Both are merged into one timeline.
"""

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models

from .models import KIND_MODELS, Option

# Never shown: they identify the row and never change.
HIDDEN_FIELDS = {"id", "option_ptr"}

HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class DiffLine:
    op: str  # "added", "removed", "same" or "gap"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    # A line diff for long text fields; empty for short values shown as old → new.
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def is_long_text(self) -> bool:
        return bool(self.lines)


@dataclass(frozen=True)
class Version:
    date: datetime
    user: object  # the user who made the change, or None when nobody was signed in
    history_type: str
    reason: str
    changes: list[FieldChange]

    @property
    def action(self) -> str:
        return HISTORY_TYPES.get(self.history_type, self.history_type)


def _records(model, option_pk):
    return list(
        model.history.filter(id=option_pk).select_related("history_user").order_by("history_date")
    )


def _tracked_fields(record) -> dict[str, models.Field]:
    return {f.name: f for f in record.tracked_fields if f.editable and f.name not in HIDDEN_FIELDS}


def _raw_changes(new, old) -> list[tuple[str, object, object]]:
    """(field name, old value, new value) for each tracked field that differs."""
    new_fields = _tracked_fields(new)
    if isinstance(old, type(new)):
        delta = new.diff_against(old, included_fields=list(new_fields))
        return [(c.field, c.old, c.new) for c in delta.changes]
    # Records of the base and kind tables: compare the fields they share.
    shared = [name for name in new_fields if name in _tracked_fields(old)]
    return [
        (name, getattr(old, new_fields[name].attname), getattr(new, new_fields[name].attname))
        for name in shared
        if getattr(old, new_fields[name].attname) != getattr(new, new_fields[name].attname)
    ]


def text_diff(old: str, new: str) -> list[DiffLine]:
    """A unified line diff of two texts, with a little context around each change."""
    lines = []
    diff = difflib.unified_diff(
        (old or "").splitlines(), (new or "").splitlines(), lineterm="", n=1
    )
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", "…"))
            continue
        op = {"+": "added", "-": "removed"}.get(line[:1], "same")
        lines.append(DiffLine(op, line[1:]))
    return lines


def _display(model_field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value} (deleted)")
    return str(value)


def _names_of_related(raw_by_record, fields_by_name) -> dict:
    """Readable names of the users and briefs the changes point at: one query per model."""
    wanted: dict[type, set] = {}
    for changes in raw_by_record:
        for name, old, new in changes:
            model_field = fields_by_name.get(name)
            if isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    value for value in (old, new) if value is not None
                )
    names = {}
    user_model = get_user_model()
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            label = obj.get_username() if model is user_model else str(obj)
            names[(model, obj.pk)] = label
    return names


def option_versions(option: Option) -> list[Version]:
    """Every version of the option, newest first, each with who, when and what changed.

    Runs a constant number of queries however many versions there are: one per history
    table and one per kind of related object named in the changes (users, briefs).
    """
    kind_model = KIND_MODELS.get(option.kind)
    records = _records(Option, option.pk)
    if kind_model is not None:
        records += _records(kind_model, option.pk)
    records.sort(key=lambda record: (record.history_date, record.history_id))

    raw_by_record = []
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            raw_by_record.append([])
        else:
            raw_by_record.append(_raw_changes(record, previous))
        previous = record

    fields_by_name = {}
    for model in (Option, kind_model):
        if model is not None:
            fields_by_name.update({f.name: f for f in model._meta.fields})
    names = _names_of_related(raw_by_record, fields_by_name)

    versions = []
    for record, raw in zip(records, raw_by_record, strict=True):
        changes = []
        for name, old, new in raw:
            model_field = fields_by_name[name]
            old_text = _display(model_field, old, names)
            new_text = _display(model_field, new, names)
            is_long = isinstance(model_field, models.TextField)
            changes.append(
                FieldChange(
                    name=name,
                    label=str(model_field.verbose_name).capitalize(),
                    old=old_text,
                    new=new_text,
                    lines=text_diff(old_text, new_text) if is_long else [],
                )
            )
        versions.append(
            Version(
                date=record.history_date,
                user=record.history_user,
                history_type=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    versions.reverse()
    return versions
