from django.db.models import Count, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from .extensions import (
    collect_context,
    decorate_option_list,
    home_page_providers,
    option_card_templates,
    option_page_providers,
    page_fragment,
)
from .filters import OptionListFilterSet
from .models import Brief, Initiative, Option, PastPolicy, Strategy


def option_cards(queryset, request):
    """An option queryset ready for cards: its tags, plus what other apps add to lists."""
    return decorate_option_list(queryset.prefetch_related("tags"), request)


def _kind_prefetches(kind, user):
    if kind == Option.Kind.STRATEGY:
        return [
            "implications",
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.visible_to(user).order_by("title"),
                to_attr="visible_initiatives",
            ),
        ]
    if kind == Option.Kind.INITIATIVE:
        return [
            "partners",
            Prefetch(
                "strategies",
                queryset=Strategy.objects.visible_to(user).order_by("title"),
                to_attr="visible_strategies",
            ),
        ]
    if kind == Option.Kind.SANCTION_TYPE:
        return ["target_sectors", "target_actors"]
    return []


class CardsMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["option_card_templates"] = list(option_card_templates)
        return context


HOME_CARDS_PER_KIND = 12
# The newest briefs on the home page; the briefs page lists them all.
HOME_BRIEFS = 6
HOME_GROUPS_TEMPLATE = "policies/includes/home_option_groups.html"
KIND_PLURALS = {
    Option.Kind.STRATEGY: "strategies",
    Option.Kind.INITIATIVE: "initiatives",
    Option.Kind.SANCTION_TYPE: "sanction types",
}


class HomeView(CardsMixin, TemplateView):
    template_name = "policies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Option.objects.published()

        # A brief proposes a handful of options per kind, all shown; a catalogue of
        # thousands shows the first of each and links to the full, filterable list.
        def render_groups():
            totals = dict(published.order_by().values_list("kind").annotate(n=Count("pk")))
            groups = [
                {
                    "kind": kind,
                    "label": label,
                    "plural": KIND_PLURALS[kind],
                    "total": totals.get(kind, 0),
                    "options": list(
                        option_cards(published.filter(kind=kind), self.request)[
                            :HOME_CARDS_PER_KIND
                        ]
                    ),
                }
                for kind, label in Option.Kind.choices
            ]
            return render_to_string(
                HOME_GROUPS_TEMPLATE,
                {"option_groups": groups, "option_card_templates": list(option_card_templates)},
                self.request,
            )

        # The cards and their tallies are most of what the page costs.
        context["option_groups_panel"] = page_fragment(self.request, "home-options", render_groups)
        briefs = Brief.objects.with_published_option_count()
        context["briefs"] = briefs[:HOME_BRIEFS]
        context["brief_total"] = briefs.count()
        context.update(collect_context(home_page_providers, self.request))
        return context


class OptionListView(CardsMixin, FilterView):
    template_name = "policies/option_list.html"
    filterset_class = OptionListFilterSet
    paginate_by = 20
    context_object_name = "options"

    def get_queryset(self):
        options = Option.objects.visible_to(self.request.user).in_catalogue_order()
        return option_cards(options, self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value not in ("", None) for name, value in self.request.GET.items() if name != "page"
        )
        return context


class OptionDetailView(DetailView):
    template_name = "policies/option_detail.html"
    context_object_name = "option"

    def get_queryset(self):
        return (
            Option.objects.visible_to(self.request.user)
            .select_related("brief", "author", "strategy", "initiative", "sanctiontype")
            .prefetch_related("tags", "actors", "sectors")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        option = self.object
        specific = option.specific
        prefetch_related_objects([specific], *_kind_prefetches(option.kind, self.request.user))
        context["specific"] = specific
        context["text_fields"] = [
            {"name": name, "label": label, "html": specific.rendered_html(name)}
            for name, label in option.annotatable_fields().items()
        ]
        context.update(collect_context(option_page_providers, self.request, option))
        return context


class BriefListView(ListView):
    template_name = "policies/brief_list.html"
    context_object_name = "briefs"
    paginate_by = 20
    queryset = Brief.objects.with_published_option_count()


class BriefDetailView(CardsMixin, DetailView):
    model = Brief
    template_name = "policies/brief_detail.html"
    context_object_name = "brief"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["options"] = option_cards(
            Option.objects.visible_to(self.request.user)
            .filter(brief=self.object)
            .in_catalogue_order(),
            self.request,
        )
        context["past_policies"] = self.object.past_policies.by_name()
        context["lessons"] = self.object.lessons.by_name().prefetch_related(
            Prefetch("past_policies", queryset=PastPolicy.objects.by_name())
        )
        return context
