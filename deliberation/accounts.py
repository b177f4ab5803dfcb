from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Open sign-up, or invitation only: then a valid invitation in the session opens it."""
        if settings.SIGNUP_MODE == "open":
            return True
        from .invitations import invitation_from_session

        return invitation_from_session(request) is not None
