"""What the header bell needs on every page: the unread count and the newest few."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from notifications import selectors
from notifications.models import Notification

MENU_SIZE = 8


class Bell:
    """Lazy: a page that does not render the header (or an error page) queries nothing;
    one that does costs one COUNT and one query of at most MENU_SIZE rows."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return selectors.unread_count(self.user)

    @cached_property
    def recent(self) -> list[Notification]:
        items: QuerySet[Notification] = selectors.notifications_for(self.user)[:MENU_SIZE]
        return list(items)


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
