"""Reads of notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification


def recent_for(*, user: User, limit: int = 10) -> QuerySet[Notification]:
    """The user's newest notifications, read or not, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit]
