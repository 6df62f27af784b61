"""The notifications websocket: live notifications and unread counts for one user.

Wire protocol (docs/REALTIME.md tells the same with examples; the UI codes against it)

URL: ``ws/notifications/`` (``wss://<site>/ws/notifications/`` in production).

Authentication, decided at the handshake:

- a browser: its session cookie, as for any page;
- an API client: a bearer token from wallet sign-in, either as the header
  ``Authorization: Bearer <token>`` or as the subprotocol pair
  ``Sec-WebSocket-Protocol: bearer, <token>`` (browsers cannot set headers). With the
  subprotocol the server accepts with subprotocol ``bearer``. A presented token
  wins over the cookie; an invalid one is refused, never replaced by the cookie.

Refusals:

- anonymous, invalid/expired/revoked token, deactivated account: the handshake is
  accepted and the socket closed at once with code ``4401`` (a page can tell this
  from a network failure and stop reconnecting; with the subprotocol the accept
  names ``bearer`` so the browser does not fail the handshake first);
- an Origin header that is not one of ALLOWED_HOSTS: the handshake is rejected
  (HTTP 403; a browser sees close code 1006). A handshake with no Origin (not a
  browser) is accepted only when it presents a bearer token.

Server -> client (JSON text frames; ``unread`` is always the absolute count of the
user's unread notifications when the message was sent, never a delta):

- ``{"type": "hello", "unread": 3}`` once, right after the accept; a reconnecting
  page catches up from it (and from the REST list).
- ``{"type": "notification", "notification": {"id", "kind", "title", "body",
  "link", "created_at", "read": false}, "unread": 4}`` for each new notification,
  pushed after the transaction that created it commits (never for a rolled-back one).
- ``{"type": "unread", "unread": 0}`` whenever the read state changes, from any
  socket, tab or the REST API; also the answer to the sender's own mark_read.
- ``{"type": "pong"}`` answering a ping.
- ``{"type": "error", "code": str, "detail": str}`` answering a message the server
  refused; the connection stays open. Codes: ``invalid_json`` (not JSON),
  ``invalid_message`` (binary frame, not an object, bad or missing field,
  over 4096 characters), ``unknown_type``, ``notification_not_found`` (the id is not one of
  yours; the error also carries ``"id"``).

Client -> server:

- ``{"type": "mark_read", "id": 42}``: marks one of your notifications read.
- ``{"type": "mark_all_read"}``: marks all of yours read.
- ``{"type": "ping"}``: answered with pong; also renews the socket's membership of
  its group (channels-redis forgets members after ``group_expiry``, a day by
  default), so a long-lived client should ping every minute or so.

The consumer joins exactly one channel-layer group, ``user.<its user's id>``
(notifications.services.user_group), at connect, and no client message changes that.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels import DEFAULT_CHANNEL_LAYER
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.models import User
from config.errors import DomainError
from notifications import selectors, services
from notifications.middleware import SCOPE_SUBPROTOCOL

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
MAX_MESSAGE_CHARS = 4096


class NotificationConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels ships no types
    """One user's socket. Parses client messages, makes one service or selector
    call each, and relays the user's group messages (sent by
    notifications.services on commit) as websocket events."""

    def __init__(self, *args: Any, channel_layer_alias: str = DEFAULT_CHANNEL_LAYER, **kwargs: Any) -> None:
        # as_asgi(channel_layer_alias=...) lets one process host apps on different
        # layers (the Redis test runs two "workers" side by side this way).
        super().__init__(*args, **kwargs)
        self.channel_layer_alias = channel_layer_alias
        self.user: User | None = None
        self.group: str | None = None

    # --- connection -----------------------------------------------------------

    async def connect(self) -> None:
        subprotocol = self.scope.get(SCOPE_SUBPROTOCOL)
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept(subprotocol)
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.group = services.user_group(user.pk)
        # Join before counting: a notification committed in between is then both
        # counted in hello and delivered, never lost (counts are absolute, so the
        # later message simply repeats the truth).
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept(subprotocol)
        await self._send({"type": "hello", "unread": await database_sync_to_async(selectors.unread_count)(user)})

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- client -> server -------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.user is None:  # Refused at connect; frames racing the close are ignored.
            return
        if text_data is None:
            await self._error("invalid_message", "Send JSON text frames, not binary ones.")
            return
        if len(text_data) > MAX_MESSAGE_CHARS:
            await self._error("invalid_message", f"A message is at most {MAX_MESSAGE_CHARS} characters.")
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._error("invalid_json", "The message is not valid JSON.")
            return
        if not isinstance(message, dict):
            await self._error("invalid_message", 'A message is a JSON object with a "type".')
            return
        kind = message.get("type")
        if kind == "ping":
            await self._ping()
        elif kind == "mark_read":
            await self._mark_read(message.get("id"))
        elif kind == "mark_all_read":
            await database_sync_to_async(services.notifications_mark_all_read)(user=self.user)
        else:
            await self._error("unknown_type", "The type must be one of ping, mark_read, mark_all_read.")

    async def _ping(self) -> None:
        assert self.group is not None
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send({"type": "pong"})

    async def _mark_read(self, notification_id: Any) -> None:
        # bool is an int to Python, never an id to us.
        if not isinstance(notification_id, int) or isinstance(notification_id, bool):
            await self._error("invalid_message", 'mark_read needs "id", the integer id of a notification.')
            return
        try:
            # The service pushes the new unread count to the group on commit,
            # which answers this socket too.
            await database_sync_to_async(services.notification_mark_read)(
                user=self.user, notification_id=notification_id
            )
        except DomainError as error:
            await self._error(error.code, error.message, id=notification_id)

    # --- group -> client --------------------------------------------------------

    async def notification_created(self, event: dict[str, Any]) -> None:
        await self._send({"type": "notification", "notification": event["notification"], "unread": event["unread"]})

    async def unread_changed(self, event: dict[str, Any]) -> None:
        await self._send({"type": "unread", "unread": event["unread"]})

    # --- helpers ----------------------------------------------------------------

    async def _send(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(message))

    async def _error(self, code: str, detail: str, **extra: Any) -> None:
        await self._send({"type": "error", "code": code, "detail": detail, **extra})
