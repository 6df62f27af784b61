"""Reads of notifications. Every read is scoped to one recipient: nothing here
returns another user's notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification


def notifications_for(user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first; only the unread ones with ``unread_only``."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread (one COUNT on the
    (recipient, read_at) index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def recent_for(*, user: User, limit: int = 10) -> QuerySet[Notification]:
    """The user's newest notifications, read or not, newest first."""
    return notifications_for(user)[:limit]
