"""FilterSets of the API. Options reuse the catalogue's OptionFilterSet, adding what
only API clients ask for."""

import datetime
import json

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django_filters.fields import IsoDateTimeField
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from deliberation.models import Annotation, Comment, Stance, Vote, VoteChoice
from policies.filters import OptionFilterSet
from policies.models import Option

User = get_user_model()

MAX_ID = 2**63 - 1


class _BooleanField(forms.Field):
    """true/false (or 1/0, yes/no); anything else is an error rather than no filter."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Enter true or false."}
    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.values[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = _BooleanField


class _DateTimeField(IsoDateTimeField):
    """An ISO 8601 time the database can store: 0001-01-01T00:00+14:00 is a valid
    string but falls before year 1 in UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError(
                    "Enter a date and time between the years 1 and 9999.", code="invalid"
                ) from None
        return value


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _DateTimeField


class IdFilter(django_filters.NumberFilter):
    """A whole number that can be a row's id (not 1.5, not beyond 64 bits)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ApiOptionFilterSet(OptionFilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words in the title, summary or text."
    )

    class Meta(OptionFilterSet.Meta):
        fields = []


def _option_filter():
    return django_filters.ModelChoiceFilter(
        field_name="option",
        to_field_name="slug",
        queryset=Option.objects.all(),
        help_text="The option's slug.",
    )


def _user_filter(field_name, help_text="Username."):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="username",
        queryset=User.objects.all(),
        help_text=help_text,
    )


class CommentFilterSet(django_filters.FilterSet):
    option = _option_filter()
    author = _user_filter("author")
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    parent = IdFilter(field_name="parent_id", help_text="The parent's id.")
    top_level = BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="Only comments that start a thread."
    )
    created_after = DateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created", lookup_expr="lte")
    search = django_filters.CharFilter(method="filter_search", help_text="Words in the comment.")

    class Meta:
        model = Comment
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            query = SearchQuery(value, search_type="websearch", config="english")
            vector = SearchVector("body", config="english")
            return queryset.alias(search_document=vector).filter(search_document=query)
        return queryset.filter(body__icontains=value)


class VoteFilterSet(django_filters.FilterSet):
    option = _option_filter()
    user = _user_filter("voter")
    choice = django_filters.ChoiceFilter(choices=VoteChoice.choices)

    class Meta:
        model = Vote
        fields = []


class AnnotationFilterSet(django_filters.FilterSet):
    option = _option_filter()
    author = _user_filter("author")
    tag = django_filters.CharFilter(method="filter_tag", help_text="One of the note's tags.")
    orphaned = BooleanFilter(help_text="Only notes whose passage is gone (true) or found (false).")
    field = django_filters.CharFilter(help_text="The annotated text field, e.g. body.")

    class Meta:
        model = Annotation
        fields = []

    def filter_tag(self, queryset, name, value):
        # Tags are a JSON list; matching the quoted string works on every database.
        return queryset.filter(tags__icontains=json.dumps(value.strip()))


class AliasOrderingFilter(OrderingFilter):
    """?ordering= with the names users know (net, support) besides the field names; an
    unknown name is a 400 naming the choices, not a silently unsorted list."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param, "")
        terms = [term.strip() for term in params.split(",") if term.strip()]
        if not terms:
            return self.get_default_ordering(view)
        aliases = getattr(view, "ordering_aliases", {})
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        fields, unknown = [], []
        for term in terms:
            name = term.lstrip("-")
            field = aliases.get(name, name)
            if field in valid:
                fields.append(f"-{field}" if term.startswith("-") else field)
            else:
                unknown.append(name)
        if unknown:
            known = {field: alias for alias, field in aliases.items()}
            choices = ", ".join(known.get(field, field) for field in valid)
            raise ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(unknown)}; use {choices}."]}
            )
        return fields if "pk" in fields else fields + ["pk"]
