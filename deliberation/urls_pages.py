from django.urls import path

from . import account_views, views

app_name = "deliberation"

urlpatterns = [
    path("people/<str:username>/", account_views.profile, name="profile"),
    path("settings/profile/", account_views.profile_settings, name="profile-settings"),
    path("settings/data.json", account_views.data_export, name="data-export"),
    path("settings/delete/", account_views.account_delete_view, name="account-delete"),
    path("invitations/", account_views.invitation_list, name="invitation-list"),
    path(
        "invitations/<str:token>/",
        account_views.invitation_accept_view,
        name="invitation-accept",
    ),
]
