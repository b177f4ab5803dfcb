"""FilterSets of the API. Options reuse the catalogue's OptionFilterSet, adding what
only API clients ask for."""

import json

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from rest_framework.filters import OrderingFilter

from deliberation.models import Annotation, Comment, Stance, Vote, VoteChoice
from policies.filters import OptionFilterSet
from policies.models import Option

User = get_user_model()


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
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="The parent's id.")
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="Only comments that start a thread."
    )
    created_after = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="lte")
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
    orphaned = django_filters.BooleanFilter()
    field = django_filters.CharFilter(help_text="The annotated text field, e.g. body.")

    class Meta:
        model = Annotation
        fields = []

    def filter_tag(self, queryset, name, value):
        # Tags are a JSON list; matching the quoted string works on every database.
        return queryset.filter(tags__icontains=json.dumps(value.strip()))


class AliasOrderingFilter(OrderingFilter):
    """?ordering= with the names users know (net, support) besides the field names."""

    def get_ordering(self, request, queryset, view):
        aliases = getattr(view, "ordering_aliases", {})
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = []
            for term in params.split(","):
                term = term.strip()
                descending = term.startswith("-")
                name = aliases.get(term.lstrip("-"), term.lstrip("-"))
                fields.append(f"-{name}" if descending else name)
            ordering = self.remove_invalid_fields(queryset, fields, view, request)
            if ordering:
                return ordering + ["pk"] if "pk" not in ordering else ordering
        return self.get_default_ordering(view)
