from django.views.generic import DetailView, ListView, TemplateView

from .extensions import collect_context, option_page_providers
from .models import Brief, Option


class HomeView(TemplateView):
    template_name = "policies/home.html"


class OptionListView(ListView):
    template_name = "policies/option_list.html"

    def get_queryset(self):
        return Option.objects.visible_to(self.request.user)


class OptionDetailView(DetailView):
    template_name = "policies/option_detail.html"
    context_object_name = "option"

    def get_queryset(self):
        return Option.objects.visible_to(self.request.user).with_links()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(collect_context(option_page_providers, self.request, self.object))
        return context


class BriefDetailView(DetailView):
    model = Brief
    template_name = "policies/brief_detail.html"
