"""The web pages of notifications: the list, marking read, the header menu.

The header bell (templates/partials/header.html, filled by
``notifications.context_processors.bell``) works without JavaScript: it is a link to
the list, and every action is a POST form that redirects back. static/js/notifications.js
turns the bell into a live menu and sends the same actions over the websocket when it
is open (the server pushes the new unread count to every open page either way).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from config.errors import NotFound
from config.http import safe_next_url
from config.views import domain_error_response
from notifications import selectors, services
from notifications.context_processors import MENU_SIZE
from notifications.models import Notification

PAGE_SIZE = 25
FILTERS = ("all", "unread")


def _user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view."""
    assert isinstance(request.user, User)
    return request.user


def _paginate(request: HttpRequest, items: QuerySet[Notification]) -> Page[Notification]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    # The pagination partial cannot pass the current number to get_elided_page_range().
    page.elided_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """All of the viewer's notifications, newest first, 25 a page; ``?filter=unread``
    keeps the unread ones (any other value shows all)."""
    current = request.GET.get("filter", "all")
    if current not in FILTERS:
        current = "all"
    user = _user(request)
    page = _paginate(request, selectors.notifications_for(user, unread_only=current == "unread"))
    return render(request, "notifications/notification_list.html", {"page_obj": page, "filter": current})


@login_required
@require_GET
@never_cache
def notification_menu(request: HttpRequest) -> HttpResponse:
    """The items of the header menu alone: notifications.js reloads them after a
    reconnect, when pushes may have been missed."""
    return render(
        request,
        "notifications/partials/menu_items.html",
        {"items": selectors.notifications_for(_user(request))[:MENU_SIZE]},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the viewer's notifications read (another user's id is a 404).

    Then go to the notification's own link when asked with ``go=1`` (clicking an
    unread item marks it read on the way), else to ``next``, else back to the list.
    """
    try:
        notification = services.notification_mark_read(user=_user(request), notification_id=pk)
    except NotFound as error:
        return domain_error_response(request, error)
    if _flag(request, "go") and _is_local(request, notification.link):
        return redirect(notification.link)
    return redirect(safe_next_url(request, default=reverse("notifications:list")))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=_user(request))
    if marked:
        messages.success(request, f"{marked} notification{'' if marked == 1 else 's'} marked as read.")
    else:
        messages.info(request, "You had no unread notifications.")
    return redirect(safe_next_url(request, default=reverse("notifications:list")))


def _flag(request: HttpRequest, name: str) -> bool:
    return (request.POST.get(name) or request.GET.get(name) or "") in ("1", "true", "yes")


def _is_local(request: HttpRequest, url: str) -> bool:
    """Links are written by our services (site paths), but a redirect still only
    ever goes to this site."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
