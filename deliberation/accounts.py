from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Open sign-up, or invitation only: then a valid invitation in the session opens it."""
        if settings.SIGNUP_MODE == "open":
            return True
        from .invitations import invitation_from_session

        return invitation_from_session(request) is not None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .invitations import account_signed_up

            account_signed_up(request=request, user=user)
        return user
