from django.urls import path

from . import history_views, views

app_name = "policies"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("options/", views.OptionListView.as_view(), name="option-list"),
    path("options/<slug:slug>/", views.OptionDetailView.as_view(), name="option-detail"),
    path(
        "options/<slug:slug>/history/",
        history_views.OptionHistoryView.as_view(),
        name="option-history",
    ),
    path("briefs/", views.BriefListView.as_view(), name="brief-list"),
    path("briefs/<slug:slug>/", views.BriefDetailView.as_view(), name="brief-detail"),
]
