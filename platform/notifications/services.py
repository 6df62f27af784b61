"""Writes of notifications, and the live pushes that follow them.

``notify()`` is the one way to tell a user that something happened. The row is
written in the caller's transaction; the push to the recipient's channel-layer
group runs on commit, so a rolled-back change is neither stored nor delivered.
Marking read works the same way: the new unread count is pushed on commit to every
open page of the user (docs/REALTIME.md has the wire protocol).

Channel-layer messages sent to ``user_group(user_id)`` (the consumer turns them
into websocket events):

- ``{"type": "notification.created", "notification": {...}, "unread": int}``
- ``{"type": "unread.changed", "unread": int}``

``unread`` is always the user's count when the push is sent (not a delta), so a
client sets its badge to it and a duplicated or reordered push cannot make it drift.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.errors import NotFound
from notifications import selectors
from notifications.models import Notification
from notifications.serializers import NotificationEventSerializer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """The channel-layer group of one user's open pages."""
    return f"user.{user_id}"


def notify(
    *,
    recipient: User,
    kind: Notification.Kind | str,
    title: str,
    body: str = "",
    link: str = "",
    payload: dict[str, Any] | None = None,
) -> Notification:
    """Store a notification for ``recipient`` and push it live after commit.

    Side effects: one Notification row now; on commit, one ``notification.created``
    message to the recipient's group, carrying the unread count at that moment (a
    failed push is logged, never raised: the row is what guarantees delivery).
    """
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, link=link, payload=payload or {}
    )
    transaction.on_commit(lambda: _push_created(notification))
    return notification


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read and return it.

    Idempotent: a notification already read keeps its first read time. NotFound
    (code ``notification_not_found``) when ``user`` has no notification with this
    id, whoever else owns it. Side effect: on commit, the user's unread count is
    pushed to all their open pages (also when nothing changed, so the page that
    asked always hears back).
    """
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound("You have no notification with this id.", code="notification_not_found")
    transaction.on_commit(lambda: _push_unread(user))
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; return how many were.

    Side effect: on commit, the user's unread count is pushed to all their open
    pages (also when there was nothing to mark).
    """
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    transaction.on_commit(lambda: _push_unread(user))
    return marked


def _group_send(user_id: int, message: dict[str, Any]) -> None:
    """Send ``message`` to the user's group. Runs after commit, from sync code
    (a request thread, or a consumer's database_sync_to_async thread, in which
    case async_to_sync hands the send to the consumer's event loop)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(user_group(user_id), message)


def _push_created(notification: Notification) -> None:
    try:
        _group_send(
            notification.recipient_id,
            {
                "type": "notification.created",
                "notification": dict(NotificationEventSerializer(notification).data),
                "unread": selectors.unread_count(notification.recipient),
            },
        )
    except Exception:  # The row is stored; a page that missed the push catches up on load.
        logger.exception("Could not push notification %s", notification.pk)


def _push_unread(user: User) -> None:
    try:
        _group_send(user.pk, {"type": "unread.changed", "unread": selectors.unread_count(user)})
    except Exception:  # The rows are stored; a page that missed the push catches up on load.
        logger.exception("Could not push the unread count of user %s", user.pk)
