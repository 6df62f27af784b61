"""Live notifications in a real browser: the bell, the menu, toasts, the page, and
coming back after the connection dropped. The site runs under uvicorn (HTTP and
websockets) against the test database; Alice acts in her own browser."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from marketplace.models import Application
from notifications.models import Notification
from notifications.services import notify
from tests.e2e.conftest import AsgiServer, sign_in
from tests.factories import ApplicationFactory, ContributorProfileFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]


def eventually(check: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def unread(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@pytest.fixture
def people() -> tuple[User, User, Application]:
    alice = UserFactory(persona="live-alice", display_name="Alice Client")
    bob = UserFactory(persona="live-bob", display_name="Bob Builder")
    ContributorProfileFactory(user=bob)
    project = ProjectFactory(owner=alice, title="Subnet validator")
    return alice, bob, ApplicationFactory(project=project, contributor=bob)


def open_as(new_context: Any, server: AsgiServer, user: User, path: str, **options: Any) -> tuple[Any, Any, list[str]]:
    """A signed-in page at ``path``, connected (the server said hello); returns
    (context, page, the page's script errors and CSP violations)."""
    context = new_context(**options)
    sign_in(context, user, server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(server.url + path)
    expect(page.locator("[data-bell]")).to_have_attribute("data-socket", "open")
    return context, page, problems


def test_a_notification_arrives_live_and_one_sent_while_offline_after_the_reconnect(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    alice, bob, application = people
    bob_context, bob_page, problems = open_as(new_context, asgi_server, bob, "/dashboard/")
    bell = bob_page.locator("header [data-bell-toggle]")
    count = bell.locator("[data-bell-count]")
    expect(bell).to_have_attribute("aria-label", "Notifications")
    expect(count).to_be_hidden()
    expect(bob_page.locator("header [data-bell-link]")).to_be_hidden()  # the no-JavaScript link

    # Alice shortlists Bob in her own browser: Bob's page hears of it without a reload.
    _, alice_page, _ = open_as(new_context, asgi_server, alice, application.get_absolute_url())
    alice_page.get_by_role("button", name="Shortlist").click()
    expect(alice_page.locator(".messages")).to_contain_text("shortlisted")

    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(count).to_have_text("1")
    toast = bob_page.locator("[data-toasts] [data-toast]")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("You are shortlisted for “Subnet validator”")
    expect(bob_page.locator("[data-toasts]")).to_have_attribute("aria-live", "polite")

    # The menu: a disclosure with the new item on top.
    bell.click()
    menu = bob_page.locator("#bell-menu")
    expect(bell).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    first = menu.locator(".bell-item").first
    expect(first).to_contain_text("You are shortlisted")
    expect(first).to_have_class(re.compile(r"\bis-unread\b"))
    bob_page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(bell).to_be_focused()
    expect(bell).to_have_attribute("aria-expanded", "false")
    bell.click()
    bob_page.locator("main h1").first.click()  # a click outside closes it
    expect(menu).to_be_hidden()

    # Mark all read, over the socket: no page load, and the server agrees.
    url = bob_page.url
    bell.click()
    menu.get_by_role("button", name="Mark all read").click()
    expect(count).to_be_hidden()
    expect(bell).to_have_attribute("aria-label", "Notifications")
    expect(first).not_to_have_class(re.compile(r"\bis-unread\b"))
    eventually(lambda: unread(bob) == 0)
    assert bob_page.url == url

    # Offline: the page drops its socket. Alice hires Bob meanwhile.
    bob_context.set_offline(True)
    expect(bob_page.locator("[data-bell]")).to_have_attribute("data-socket", "closed")
    alice_page.goto(asgi_server.url + reverse("marketplace:application_accept", args=[application.pk]))
    alice_page.get_by_role("button", name="Accept and start the project").click()
    eventually(lambda: unread(bob) == 1)
    expect(count).to_be_hidden()

    # Back online: it reconnects at once, and the hello brings the count; the menu is reloaded.
    bob_context.set_offline(False)
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(count).to_have_text("1")
    expect(bob_page.locator("[data-bell]")).to_have_attribute("data-socket", "open")
    if menu.is_hidden():
        bell.click()
    expect(menu.locator(".bell-item").first).to_contain_text("You got “Subnet validator”")
    expect(menu.locator(".bell-item").first).to_have_class(re.compile(r"\bis-unread\b"))
    assert problems == []


def test_clicking_an_unread_item_marks_it_read_and_follows_its_link(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    _, bob, application = people
    _, page, problems = open_as(new_context, asgi_server, bob, "/dashboard/")
    asgi_server.call(
        lambda: notify(
            recipient=bob, kind="application_shortlisted", title="Have a look", link=application.get_absolute_url()
        )
    )
    bell = page.locator("header [data-bell-toggle]")
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")

    bell.click()
    page.locator("#bell-menu .bell-item-link").first.click()

    page.wait_for_url(re.compile(rf"/applications/{application.pk}/$"))
    eventually(lambda: unread(bob) == 0)
    expect(page.locator("header [data-bell-toggle]")).to_have_attribute("aria-label", "Notifications")
    assert problems == []


def test_without_the_socket_an_unread_item_is_marked_read_by_the_post_form(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    _, bob, application = people
    notification = Notification.objects.create(
        recipient=bob, kind="application_shortlisted", title="Have a look", link=application.get_absolute_url()
    )
    _, page, _ = open_as(new_context, asgi_server, bob, "/dashboard/")
    # Websockets blocked from here on (the page keeps working over HTTP).
    page.evaluate("() => window.dispatchEvent(new Event('offline'))")
    expect(page.locator("[data-bell]")).to_have_attribute("data-socket", "closed")

    page.locator("header [data-bell-toggle]").click()
    page.locator(f'#bell-menu [data-notification-id="{notification.pk}"] a').click()

    page.wait_for_url(re.compile(rf"/applications/{application.pk}/$"))
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_notifications_page_takes_new_ones_at_the_top_and_marks_them_read(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    _, bob, _ = people
    _, page, problems = open_as(new_context, asgi_server, bob, "/notifications/")
    expect(page.get_by_text("No notifications yet")).to_be_visible()

    asgi_server.call(lambda: notify(recipient=bob, kind="deposit_credited", title="Deposit of 5 USDC", body="Ready."))

    item = page.locator("main .feed-item").first
    expect(item).to_contain_text("Deposit of 5 USDC")
    expect(item).to_contain_text("Ready.")
    expect(item).to_have_class(re.compile(r"\bis-unread\b"))
    expect(page.get_by_text("No notifications yet")).to_be_hidden()
    expect(page.locator("[data-unread-summary]")).to_have_text("1 unread")

    item.get_by_role("button", name=re.compile("Mark read")).click()

    expect(item).not_to_have_class(re.compile(r"\bis-unread\b"))
    expect(item.get_by_role("button", name=re.compile("Mark read"))).to_have_count(0)
    expect(page.locator("[data-unread-summary]")).to_have_text("You have read everything.")
    eventually(lambda: unread(bob) == 0)
    assert problems == []


def test_toasts_stack_at_most_three_and_go_away(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    _, bob, _ = people
    _, page, problems = open_as(new_context, asgi_server, bob, "/dashboard/")
    page.clock.install()
    toasts = page.locator("[data-toasts] [data-toast]")
    bell = page.locator("header [data-bell-toggle]")

    for n in range(4):
        asgi_server.call(lambda n=n: notify(recipient=bob, kind="deposit_credited", title=f"Deposit {n}"))
        expect(bell).to_have_attribute("aria-label", f"Notifications, {n + 1} unread")

    expect(toasts).to_have_count(3)
    expect(toasts.first).to_contain_text("Deposit 1")  # the oldest one made room
    toasts.first.get_by_role("button", name="Dismiss").click()
    expect(toasts).to_have_count(2)

    page.clock.run_for(7000)
    expect(toasts).to_have_count(0)
    assert problems == []


def test_the_bell_is_a_link_without_javascript(
    asgi_server: AsgiServer, new_context: Any, people: tuple[User, User, Application]
) -> None:
    _, bob, _ = people
    context = new_context(java_script_enabled=False)
    sign_in(context, bob, asgi_server.url)
    page = context.new_page()
    page.goto(asgi_server.url + "/dashboard/")

    expect(page.locator("header [data-bell-toggle]")).to_be_hidden()
    page.locator("header [data-bell-link]").click()

    page.wait_for_url(re.compile(r"/notifications/$"))
    expect(page.locator("h1")).to_have_text("Notifications")
