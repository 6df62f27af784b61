"""DRF authentication by ``Authorization: Bearer <token>`` (tokens from wallet sign-in)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from wallets.models import ApiToken
from wallets.services import hash_token

# last_used_at is a hint for the owner's token list, not an audit trail: writing it
# at most once a minute keeps authenticated reads from turning into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The token has characters a token never has.") from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid. Sign in again to get a new one.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token was revoked. Sign in again to get a new one.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired. Sign in again to get a new one.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is deactivated.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
