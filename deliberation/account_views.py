"""Pages about people: profiles, profile settings, personal data, account deletion and
invitations."""

from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.models import Option

from .api.tokens import active_tokens, issue_token, revoke_token_by_key, revoke_tokens
from .invitations import (
    InvitationUnusable,
    can_invite,
    invitation_accept,
    invitation_create,
    invitation_to_session,
)
from .models import Comment, Invitation, Profile, Role, Vote
from .profiles import (
    account_delete,
    is_deleted_account,
    personal_data_export,
    profile_get,
    profile_update,
    user_role,
)

ACTIVITY_PAGE_SIZE = 25
NEW_TOKEN_SESSION_KEY = "new_api_token"
INVITATIONS_PAGE_SIZE = 50


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "affiliation", "bio"]
        labels = {"display_name": "Display name", "bio": "Short bio"}
        help_texts = {
            "display_name": "Shown instead of your username. Up to 80 characters.",
            "bio": "Plain text, up to 1000 characters.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 1000})}


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password. Your account was not deleted.")
        return password


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.ANALYST)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError("Someone with this e-mail address already has an account.")
        if Invitation.objects.pending().filter(email__iexact=email).exists():
            raise ValidationError("This address already has an invitation waiting.")
        return email


def profile(request, username):
    person = get_object_or_404(get_user_model(), username=username)
    profile = Profile.objects.filter(user=person).first()
    viewer_is_owner = request.user.is_authenticated and request.user.pk == person.pk
    can_see_hidden = viewer_is_owner or request.user.has_perm("deliberation.change_flag")
    visible_options = Option.objects.visible_to(request.user)

    arguments = Comment.objects.filter(
        author=person, deleted=False, option__in=visible_options
    ).select_related("option")
    if not can_see_hidden:
        arguments = arguments.filter(hidden=False)
    arguments = arguments.order_by("-created", "-id")
    votes = (
        Vote.objects.filter(voter=person, option__in=visible_options)
        .select_related("option")
        .order_by("-updated", "-id")
    )
    argument_page = Paginator(arguments, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("arguments"))
    vote_page = Paginator(votes, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("votes"))
    return render(
        request,
        "deliberation/profile_detail.html",
        {
            "person": person,
            "profile": profile,
            "role": user_role(person),
            "deleted": is_deleted_account(person),
            "viewer_is_owner": viewer_is_owner,
            "argument_page": argument_page,
            "vote_page": vote_page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_settings(request):
    profile = profile_get(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile was saved.")
        return redirect("deliberation:profile", request.user.username)
    # A failed ModelForm validation leaves its changes on the instance; nothing is saved.
    return render(
        request,
        "deliberation/profile_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
# A token outlives the session: making one asks for the password again (allauth keeps
# the confirmation a few minutes, then carries the POST through).
@reauthentication_required(allow_get=True)
def api_tokens(request):
    """The account's API tokens. A POST makes a new one and comes back here, where it is
    shown once: a reload shows the list, and makes no other token."""
    if request.method == "POST":
        _, request.session[NEW_TOKEN_SESSION_KEY] = issue_token(request.user)
        return redirect("deliberation:api-tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    response = render(
        request,
        "deliberation/api_tokens.html",
        {
            "tokens": active_tokens(request.user),
            "new_token": new_token,
            "token_limit": settings.API_TOKENS_PER_ACCOUNT,
            "token_days": settings.REST_KNOX["TOKEN_TTL"].days,
        },
    )
    # The new token is in this page: no cache, no back-button copy, may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, token_key):
    if not revoke_token_by_key(request.user, token_key):
        raise Http404("You have no such token.")
    messages.success(request, f"The token {token_key}… is revoked.")
    return redirect("deliberation:api-tokens")


@login_required
@require_POST
def api_tokens_revoke_all(request):
    count = revoke_tokens(request.user)
    messages.success(request, f"{count} token{'s' if count != 1 else ''} revoked.")
    return redirect("deliberation:api-tokens")


@login_required
@require_GET
def data_export(request):
    response = JsonResponse(
        personal_data_export(user=request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="{request.user.username}-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(
            request,
            "Your account was deleted. Your arguments and votes stay, no longer linked to you.",
        )
        return redirect("policies:home")
    return render(
        request,
        "deliberation/account_delete.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request):
    if not can_invite(request.user):
        raise PermissionDenied("Only editors can invite people.")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = invitation_create(
            invited_by=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            request=request,
        )
        messages.success(
            request, f"Invitation sent to {invitation.email} as {invitation.get_role_display()}."
        )
        return redirect("deliberation:invitation-list")
    invitations = Invitation.objects.select_related("invited_by", "accepted_by").order_by(
        "-created", "-id"
    )
    page = Paginator(invitations, INVITATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deliberation/invitation_list.html",
        {
            "form": form,
            "page": page,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    if not invitation.is_usable:
        reason = "used" if invitation.accepted_at else "expired"
        return render(
            request,
            "deliberation/invitation_invalid.html",
            {"invitation": invitation, "reason": reason},
            status=410,
        )
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user)
            except InvitationUnusable as error:
                messages.error(request, str(error))
                return redirect("policies:home")
            messages.success(request, f"You are now {invitation.get_role_display()}.")
            return redirect("deliberation:profile", request.user.username)
        return render(request, "deliberation/invitation_accept.html", {"invitation": invitation})
    invitation_to_session(request=request, invitation=invitation)
    messages.info(
        request,
        f"You were invited as {invitation.get_role_display()}. "
        "Choose a username and a password to join.",
    )
    return redirect(reverse("account_signup") + "?" + urlencode({"email": invitation.email}))
