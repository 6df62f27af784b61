"""Websocket handshake middleware: bearer-token authentication and the Origin gate.

Browsers authenticate a socket with their session cookie (Channels'
AuthMiddlewareStack). API clients present a bearer token from wallet sign-in
(wallets.models.ApiToken), in one of two places:

- the header ``Authorization: Bearer <token>`` (clients that can set headers);
- the subprotocol pair ``Sec-WebSocket-Protocol: bearer, <token>`` (browsers cannot
  set headers on a websocket); the consumer then accepts with subprotocol ``bearer``.

A token is checked by wallets.authentication.BearerTokenAuthentication, the same
code as the REST API's, so what a valid token is (not revoked, not expired, active
user) is decided in one place. A presented token wins over the session cookie, and
an invalid one makes the connection anonymous (refused by the consumer): it never
falls back to the cookie.

Stack, outermost first (config.asgi): ``BearerClientOriginValidator`` ->
``AuthMiddlewareStack`` -> ``BearerTokenAuthMiddleware`` -> URLRouter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import User
from wallets.authentication import BearerTokenAuthentication

BEARER_SUBPROTOCOL = "bearer"

# Scope keys this module sets for the consumer.
SCOPE_AUTH = "auth"  # "bearer" when a token was presented, else absent (session cookie)
SCOPE_SUBPROTOCOL = "accept_subprotocol"  # the subprotocol to accept with, or absent


@dataclass(frozen=True)
class BearerCredential:
    token: str
    via_subprotocol: bool


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return None


def bearer_credential(scope: dict[str, Any]) -> BearerCredential | None:
    """The bearer token a handshake presents, or None when it presents none.

    A malformed presentation (``Authorization: Bearer`` with no token, the
    ``bearer`` subprotocol with nothing after it) is a credential with an empty
    token, so it fails instead of being ignored. Other Authorization schemes are
    ignored.
    """
    authorization = _header(scope, b"authorization")
    if authorization is not None:
        scheme, _, token = authorization.decode("latin-1").strip().partition(" ")
        if scheme.lower() == BEARER_SUBPROTOCOL:
            return BearerCredential(token=token.strip(), via_subprotocol=False)
    subprotocols: list[str] = list(scope.get("subprotocols") or [])
    if BEARER_SUBPROTOCOL in subprotocols:
        position = subprotocols.index(BEARER_SUBPROTOCOL)
        token = subprotocols[position + 1] if position + 1 < len(subprotocols) else ""
        return BearerCredential(token=token, via_subprotocol=True)
    return None


def user_for_token(raw: str) -> User | None:
    """The active user whose valid token ``raw`` is, or None (sync: touches the database)."""
    if not raw:
        return None
    request = HttpRequest()
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    try:
        result = BearerTokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return None
    if result is None:
        return None
    user = result[0]
    return user if isinstance(user, User) else None


class BearerTokenAuthMiddleware(BaseMiddleware):  # type: ignore[misc]  # channels ships no types
    """Sets ``scope["user"]`` from a bearer token when the handshake presents one.

    Place it inside AuthMiddlewareStack so it overrides the session user. The token
    is removed from the scope it passes on (headers and subprotocols), so nothing
    downstream can log it.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        credential = bearer_credential(scope)
        if credential is None:
            return await self.inner(scope, receive, send)
        user = await database_sync_to_async(user_for_token)(credential.token)
        scope = dict(scope)
        scope["user"] = user if user is not None else AnonymousUser()
        scope[SCOPE_AUTH] = "bearer"
        if credential.via_subprotocol:
            scope[SCOPE_SUBPROTOCOL] = BEARER_SUBPROTOCOL
            scope["subprotocols"] = [p for p in scope.get("subprotocols", []) if p != credential.token]
        carrier = b"sec-websocket-protocol" if credential.via_subprotocol else b"authorization"
        scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != carrier]
        return await self.inner(scope, receive, send)


class BearerClientOriginValidator:
    """Channels' AllowedHostsOriginValidator, except for non-browser clients that
    authenticate with a bearer token.

    The Origin check stops a foreign page from opening a socket with the user's
    cookie (cross-site websocket hijacking). Browsers always send Origin on a
    websocket handshake, so a handshake without one is not a page's; if it
    presents a bearer token (an API client: a script, a bot, the benchmark), it
    passes through, and the token alone decides. Any handshake that carries an
    Origin is checked against ALLOWED_HOSTS, token or not; one with neither Origin
    nor token is refused as before.
    """

    def __init__(self, application: Any) -> None:
        self.application = application
        self.origin_checked = AllowedHostsOriginValidator(application)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and _header(scope, b"origin") is None and bearer_credential(scope) is not None:
            return await self.application(scope, receive, send)
        return await self.origin_checked(scope, receive, send)
