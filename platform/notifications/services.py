"""notify(): the one way to tell a user that something happened.

The row is written in the caller's transaction; the live push to the recipient's
channel-layer group runs on commit, so a rolled-back change is neither stored nor
delivered.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import User
from notifications.models import Notification

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

    Side effects: one Notification row now; one channel-layer message on commit
    (a failed push is logged, never raised: the row is what guarantees delivery).
    """
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, link=link, payload=payload or {}
    )
    transaction.on_commit(lambda: _push(notification))
    return notification


def _push(notification: Notification) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": "notification.created",
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
    }
    try:
        async_to_sync(layer.group_send)(user_group(notification.recipient_id), message)
    except Exception:  # The row is stored; a page that missed the push catches up on load.
        logger.exception("Could not push notification %s", notification.pk)
