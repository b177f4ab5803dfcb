from django.urls import path

from . import account_views, option_views, views

app_name = "deliberation"

urlpatterns = [
    path("new-option/", option_views.option_kind_choice, name="option-kind-choice"),
    path("new-option/<str:kind>/", option_views.option_create, name="option-create"),
    path("options/<slug:slug>/edit/", option_views.option_edit, name="option-edit"),
    path("options/<slug:slug>/vote/", views.vote, name="vote"),
    path("options/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/replies/", views.comment_replies, name="comment-replies"),
    path("comments/<int:pk>/endorse/", views.comment_endorse, name="comment-endorse"),
    path("comments/<int:pk>/unendorse/", views.comment_unendorse, name="comment-unendorse"),
    path("comments/<int:pk>/flag/", views.comment_flag, name="comment-flag"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("moderation/comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
    path("moderation/comments/<int:pk>/restore/", views.comment_restore, name="comment-restore"),
    path("moderation/flags/<int:pk>/dismiss/", views.flag_dismiss, name="flag-dismiss"),
    path("people/<str:username>/", account_views.profile, name="profile"),
    path("settings/profile/", account_views.profile_settings, name="profile-settings"),
    path("settings/tokens/", account_views.api_tokens, name="api-tokens"),
    path(
        "settings/tokens/revoke-all/",
        account_views.api_tokens_revoke_all,
        name="api-tokens-revoke-all",
    ),
    path(
        "settings/tokens/<str:token_key>/revoke/",
        account_views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("settings/data.json", account_views.data_export, name="data-export"),
    path("settings/delete/", account_views.account_delete_view, name="account-delete"),
    path("invitations/", account_views.invitation_list, name="invitation-list"),
    path(
        "invitations/<str:token>/",
        account_views.invitation_accept_view,
        name="invitation-accept",
    ),
]

# Annotations of an option's text (their routes live beside their views).
from .annotation_views import urlpatterns as annotation_urlpatterns  # noqa: E402

urlpatterns += annotation_urlpatterns
