"""The option filters, shared by the option list page and the API."""

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q

from .models import Actor, Initiative, Option, SanctionType, Sector, StrategicImplication, Tag


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
        field_name="actors",  # for schema generators; the method looks at every role
        method="filter_actor",
        label="Actor",
        to_field_name="slug",
        queryset=Actor.objects.by_name(),
        empty_label="Any actor",
        help_text="Options involving it, needing it as a partner or aimed at it.",
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors",
        method="filter_sector",
        label="Sector",
        to_field_name="slug",
        queryset=Sector.objects.by_name(),
        empty_label="Any sector",
        help_text="Options touching it or sanctions aimed at it.",
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

    # An actor or sector appears on an option in several roles; each is a subquery on its
    # link table, so an option linked in two roles is listed once and pages stay countable.
    def filter_actor(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            Q(pk__in=Option.actors.through.objects.filter(actor=value).values("option_id"))
            | Q(
                pk__in=Initiative.partners.through.objects.filter(actor=value).values(
                    "initiative_id"
                )
            )
            | Q(
                pk__in=SanctionType.target_actors.through.objects.filter(actor=value).values(
                    "sanctiontype_id"
                )
            )
        )

    def filter_sector(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            Q(pk__in=Option.sectors.through.objects.filter(sector=value).values("option_id"))
            | Q(
                pk__in=SanctionType.target_sectors.through.objects.filter(sector=value).values(
                    "sanctiontype_id"
                )
            )
        )

    def filter_min_net(self, queryset, name, value):
        # The net is counted by whoever annotates the list with votes; without it, no-op.
        if value is None or "tally_net" not in queryset.query.annotations:
            return queryset
        return queryset.filter(tally_net__gte=value)


class OptionListFilterSet(OptionFilterSet):
    """The option list page's filters, plus the order of the results.

    The API orders with its own ``ordering`` parameter, so sorting lives here only. Without
    a sort the list keeps the queryset's order (the page gives kind, then title).
    """

    SORTS = {
        "title": ("title",),
        "-title": ("-title",),
        "-created": ("-created",),
        "created": ("created",),
        "-updated": ("-updated",),
        "-net": ("-tally_net", "title"),
        "-comments": ("-comment_count", "title"),
    }
    ANNOTATED = {"tally_net", "comment_count"}

    sort = django_filters.ChoiceFilter(
        label="Sort by",
        method="filter_sort",
        empty_label="Kind, then title",
        choices=[
            ("title", "Title, A to Z"),
            ("-title", "Title, Z to A"),
            ("-created", "Newest first"),
            ("created", "Oldest first"),
            ("-updated", "Recently changed"),
            ("-net", "Most net support"),
            ("-comments", "Most discussed"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Search and order come first in the form; the narrowing filters follow.
        self.filters = {
            "q": self.filters["q"],
            "sort": self.filters["sort"],
            **{name: f for name, f in self.filters.items() if name not in ("q", "sort")},
        }

    def filter_sort(self, queryset, name, value):
        fields = self.SORTS[value]
        # Tallies and counts are there when the deliberation app decorates the list.
        missing = self.ANNOTATED - set(queryset.query.annotations)
        if any(field.lstrip("-") in missing for field in fields):
            return queryset
        return queryset.order_by(*fields, "pk")
