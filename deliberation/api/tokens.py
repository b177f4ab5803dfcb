"""API tokens: stored hashed (a copy of the database holds no usable token), each with an
expiry, several per account so that each tool or script has its own."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; a header that is not a token at all is a 401,
    never a server error."""

    def authenticate_credentials(self, token: bytes):
        # Tokens are printable ASCII; anything else (a NUL byte, say) never reaches the
        # database, which would refuse it.
        if not token.isascii() or not token.decode("ascii").isprintable():
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        # Only the token presented is checked: sweeping the account's other tokens on
        # every request costs a query each time; issue_token() clears them instead.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


@transaction.atomic
def issue_token(user) -> tuple[AuthToken, str]:
    """A new token for the account; expired ones go, and past the per-account limit the
    oldest ones too."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user)
    keep = AuthToken.objects.filter(user=user).order_by("-created", "-pk")
    surplus = keep.values_list("pk", flat=True)[settings.API_TOKENS_PER_ACCOUNT :]
    AuthToken.objects.filter(pk__in=list(surplus)).delete()
    return instance, token


def revoke_tokens(user, token: AuthToken | None = None) -> int:
    """Revoke one token, or every token of the account."""
    tokens = AuthToken.objects.filter(user=user)
    if token is not None:
        tokens = tokens.filter(pk=token.pk)
    deleted, _ = tokens.delete()
    return deleted


def active_tokens(user):
    """The account's tokens that still work, newest first."""
    return (
        AuthToken.objects.filter(user=user)
        .exclude(expiry__lt=timezone.now())
        .order_by("-created", "-pk")
        .only("token_key", "created", "expiry")
    )


def revoke_token_by_key(user, token_key: str) -> int:
    """Revoke the account's token known by its visible start; 0 when it has none such."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


def _revoke_after_password_change(sender, request, user, **kwargs):
    revoke_tokens(user)


def connect_signals() -> None:
    """A changed or reset password ends every API token: whoever had the old password,
    or a session, may have made one."""
    from allauth.account.signals import password_changed, password_reset, password_set

    for signal in (password_changed, password_reset, password_set):
        signal.connect(_revoke_after_password_change, dispatch_uid=f"revoke-tokens-{id(signal)}")
