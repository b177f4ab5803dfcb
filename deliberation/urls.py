from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("deliberation.urls_pages")),
    path("api/", include("deliberation.api.urls")),
    path("", include("policies.urls")),
]

handler404 = "deliberation.views.page_not_found"
handler500 = "deliberation.views.server_error"
