"""The option filters, shared by the option list page and the API."""

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q

from .models import Actor, Option, Sector, StrategicImplication, Tag


def _search_vector():
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english")
    )


class OptionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_search", help_text="Words in the title, summary or text."
    )
    kind = django_filters.ChoiceFilter(choices=Option.Kind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=Option.Status.choices, empty_label="Any status")
    actor = django_filters.ModelChoiceFilter(
        field_name="actors",
        to_field_name="slug",
        queryset=Actor.objects.by_name(),
        empty_label="Any actor",
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors",
        to_field_name="slug",
        queryset=Sector.objects.by_name(),
        empty_label="Any sector",
    )
    implication = django_filters.ModelChoiceFilter(
        field_name="strategy__implications",
        to_field_name="slug",
        queryset=StrategicImplication.objects.by_name(),
        empty_label="Any implication",
        label="Strategic implication",
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="slug",
        queryset=Tag.objects.order_by("name"),
        empty_label="Any tag",
    )
    created_after = django_filters.DateFilter(
        field_name="created", lookup_expr="date__gte", label="Created on or after"
    )
    created_before = django_filters.DateFilter(
        field_name="created", lookup_expr="date__lte", label="Created on or before"
    )
    updated_after = django_filters.DateFilter(
        field_name="updated", lookup_expr="date__gte", label="Updated on or after"
    )
    updated_before = django_filters.DateFilter(
        field_name="updated", lookup_expr="date__lte", label="Updated on or before"
    )
    min_net = django_filters.NumberFilter(
        method="filter_min_net",
        label="Minimum net support",
        help_text="Support votes minus oppose votes.",
    )

    class Meta:
        model = Option
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            query = SearchQuery(value, search_type="websearch", config="english")
            return queryset.alias(search_document=_search_vector()).filter(search_document=query)
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(body_text__icontains=value)
        )

    def filter_min_net(self, queryset, name, value):
        # The net is counted by whoever annotates the list with votes; without it, no-op.
        if value is None or "tally_net" not in queryset.query.annotations:
            return queryset
        return queryset.filter(tally_net__gte=value)
