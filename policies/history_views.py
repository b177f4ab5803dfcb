from django.views.generic import DetailView

from .history import option_versions
from .models import Option


class OptionHistoryView(DetailView):
    """Every version of an option: who changed what, when. Readable by whoever can read
    the option itself, so a draft's history is as hidden as the draft."""

    template_name = "policies/option_history.html"
    context_object_name = "option"

    def get_queryset(self):
        return Option.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = option_versions(self.object)
        return context
