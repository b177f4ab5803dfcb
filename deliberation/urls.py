from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from . import health

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Catalogue, discussions and people"


class FaviconView(RedirectView):
    """Browsers and feed readers ask for /favicon.ico; send them to the site's icon."""

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", include("deliberation.urls_pages")),
    path("api/", include("deliberation.api.urls")),
    path("", include("policies.urls")),
]

handler404 = "deliberation.views.page_not_found"
handler500 = "deliberation.views.server_error"
