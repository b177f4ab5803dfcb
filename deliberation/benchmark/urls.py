from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/hello/", views.hello, name="bench-hello"),
    path("bench/options.json", views.options_json, name="bench-options-json"),
    path("", include("deliberation.urls")),
]

handler404 = "deliberation.views.page_not_found"
handler500 = "deliberation.views.server_error"
