"""The notifications page, its POST endpoints, the header bell and its menu, without
JavaScript (tests/e2e/test_notifications_live.py drives the live version)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from notifications.models import Notification
from tests.marketplace.test_pages_security import offences

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read_all")
MENU = reverse("notifications:menu")


def make(user: User, n: int = 1, *, read: bool = False, **fields: Any) -> list[Notification]:
    """``n`` notifications for ``user``, the last one newest, one minute apart."""
    now = timezone.now()
    made = []
    for i in range(n):
        values = {"title": f"Note {i}", "body": "", "link": "", **fields}
        notification = Notification.objects.create(
            recipient=user, kind=Notification.Kind.APPLICATION_RECEIVED, read_at=now if read else None, **values
        )
        # created_at is auto_now_add: set the order explicitly.
        Notification.objects.filter(pk=notification.pk).update(created_at=now - timedelta(minutes=n - i))
        made.append(notification)
    return made


def read_url(notification: Notification) -> str:
    return reverse("notifications:read", args=[notification.pk])


def unread_of(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def items(html: str) -> list[str]:
    """The ids of the notifications on the page's list, in order."""
    feed = html[html.index('class="feed"') :]
    feed = feed[: feed.index("</ol>")]
    return re.findall(r'<li class="feed-item[^"]*" data-notification-id="(\d+)"', feed)


# --- the page -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(browser_as: Any) -> None:
    assertRedirects(
        browser_as(None).get(LIST), f"{reverse('accounts:login')}?next={LIST}", fetch_redirect_response=False
    )


def test_the_page_lists_only_the_viewers_notifications_newest_first(
    browser_as: Any, contributor_bob: User, mallory: User
) -> None:
    older, newer = make(contributor_bob, 2)
    make(mallory, 1, title="Mallory's secret")

    response = browser_as(contributor_bob).get(LIST)

    assert items(response.content.decode()) == [str(newer.pk), str(older.pk)]
    assertNotContains(response, "Mallory&#x27;s secret")


def test_unread_notifications_are_marked_and_have_a_mark_read_form(browser_as: Any, contributor_bob: User) -> None:
    [unread] = make(contributor_bob, 1, title="Fresh", link="/projects/7/", body="Alice shortlisted you.")
    [read] = make(contributor_bob, 1, title="Old news", read=True)

    html = browser_as(contributor_bob).get(LIST).content.decode()

    unread_item = re.search(rf'<li class="feed-item is-unread" data-notification-id="{unread.pk}">.*?</li>', html, re.S)
    assert unread_item, "the unread item is styled as unread"
    assert 'href="/projects/7/"' in unread_item.group(0)
    assert "Alice shortlisted you." in unread_item.group(0)
    assert "(unread)" in unread_item.group(0)
    assert f'action="{read_url(unread)}"' in unread_item.group(0)
    read_item = re.search(rf'<li class="feed-item" data-notification-id="{read.pk}">.*?</li>', html, re.S)
    assert read_item
    assert "Mark read" not in read_item.group(0)
    assert f'href="{LIST}"' in read_item.group(0)  # no link of its own: the list


def test_the_unread_filter_keeps_the_unread_ones(browser_as: Any, contributor_bob: User) -> None:
    [unread] = make(contributor_bob, 1)
    make(contributor_bob, 2, read=True)

    response = browser_as(contributor_bob).get(LIST + "?filter=unread")

    assert items(response.content.decode()) == [str(unread.pk)]
    assertContains(response, f'<a href="{LIST}?filter=unread" aria-current="page">', html=False)


def test_an_unknown_filter_shows_everything(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 1)
    make(contributor_bob, 1, read=True)

    response = browser_as(contributor_bob).get(LIST + "?filter=bogus")

    assert len(items(response.content.decode())) == 2


def test_the_list_is_paginated_by_25(browser_as: Any, contributor_bob: User) -> None:
    made = make(contributor_bob, 30)
    bob = browser_as(contributor_bob)

    first = bob.get(LIST).content.decode()
    second = bob.get(LIST + "?page=2").content.decode()

    assert items(first) == [str(n.pk) for n in reversed(made[5:])]
    assert items(second) == [str(n.pk) for n in reversed(made[:5])]
    assert 'rel="next"' in first
    # Live additions go to the top of the first page only.
    assert "data-live" in first.split('class="feed"')[1].split(">")[0]
    assert "data-live" not in second.split('class="feed"')[1].split(">")[0]


def test_the_pages_keep_the_filter_across_pages(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 30)

    html = browser_as(contributor_bob).get(LIST + "?filter=unread").content.decode()

    assert "?filter=unread&amp;page=2" in html


def test_an_empty_list_says_so(browser_as: Any, contributor_bob: User) -> None:
    response = browser_as(contributor_bob).get(LIST)

    assertContains(response, "No notifications yet")
    html = response.content.decode()
    assert "Mark all read</button>" in html
    assert re.search(r'<form method="post" action="/notifications/read-all/" data-mark-all hidden>', html)


def test_an_empty_unread_filter_offers_all(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 1, read=True)

    response = browser_as(contributor_bob).get(LIST + "?filter=unread")

    assertContains(response, "No unread notifications")
    assertContains(response, "Show all notifications")


def test_the_page_keeps_to_the_content_security_policy(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 3, body="Some <b>body</b> text", link="/projects/1/")
    bob = browser_as(contributor_bob)

    for url in (LIST, LIST + "?filter=unread", MENU):
        response = bob.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert offences(html) == [], url
        assert "Content-Security-Policy" in response.headers
        assert "<b>body</b>" not in html  # server text is escaped
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.DOTALL):
            assert "csrfmiddlewaretoken" in form, form[:120]


def test_the_script_is_loaded_for_signed_in_people_only(browser_as: Any, contributor_bob: User) -> None:
    assertContains(browser_as(contributor_bob).get(LIST), 'src="/static/js/notifications.js"')
    assertNotContains(browser_as(None).get(reverse("marketplace:home")), "notifications.js")


# --- marking one read ---------------------------------------------------------------


def test_marking_read_goes_back_to_next(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob)

    response = browser_as(contributor_bob).post(read_url(notification), {"next": LIST + "?filter=unread"})

    assertRedirects(response, LIST + "?filter=unread", fetch_redirect_response=False)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_without_next_goes_to_the_list(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob)

    response = browser_as(contributor_bob).post(read_url(notification))

    assertRedirects(response, LIST, fetch_redirect_response=False)


def test_marking_read_with_go_follows_the_notifications_link(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob, link="/projects/42/")

    response = browser_as(contributor_bob).post(read_url(notification) + "?go=1", {"next": LIST})

    assertRedirects(response, "/projects/42/", fetch_redirect_response=False)
    assert unread_of(contributor_bob) == 0


def test_go_without_a_link_falls_back_to_next(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob, link="")

    response = browser_as(contributor_bob).post(read_url(notification) + "?go=1", {"next": "/dashboard/"})

    assertRedirects(response, "/dashboard/", fetch_redirect_response=False)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_it_never_redirects_to_another_site(browser_as: Any, contributor_bob: User, target: str) -> None:
    [notification] = make(contributor_bob, link=target)
    bob = browser_as(contributor_bob)

    via_next = bob.post(read_url(notification), {"next": target})
    via_link = bob.post(read_url(notification) + "?go=1")

    assertRedirects(via_next, LIST, fetch_redirect_response=False)
    assertRedirects(via_link, LIST, fetch_redirect_response=False)


def test_marking_anothers_notification_is_a_404_and_changes_nothing(
    browser_as: Any, contributor_bob: User, mallory: User
) -> None:
    [bobs] = make(contributor_bob)

    response = browser_as(mallory).post(read_url(bobs) + "?go=1")

    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_marking_a_missing_notification_is_a_404(browser_as: Any, contributor_bob: User) -> None:
    assert browser_as(contributor_bob).post(reverse("notifications:read", args=[999_999])).status_code == 404


def test_marking_read_twice_keeps_the_first_time(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob)
    bob = browser_as(contributor_bob)
    bob.post(read_url(notification))
    notification.refresh_from_db()
    first = notification.read_at

    bob.post(read_url(notification))

    notification.refresh_from_db()
    assert notification.read_at == first


def test_marking_read_takes_a_post(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob)

    assert browser_as(contributor_bob).get(read_url(notification)).status_code == 405
    assert unread_of(contributor_bob) == 1


def test_marking_read_needs_a_signed_in_user(browser_as: Any, contributor_bob: User) -> None:
    [notification] = make(contributor_bob)

    response = browser_as(None).post(read_url(notification))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert unread_of(contributor_bob) == 1


# --- marking all read ---------------------------------------------------------------


def test_mark_all_read_marks_only_the_viewers(browser_as: Any, contributor_bob: User, mallory: User) -> None:
    make(contributor_bob, 3)
    make(mallory, 2)

    response = browser_as(contributor_bob).post(READ_ALL, {"next": "/dashboard/"}, follow=True)

    assertRedirects(response, "/dashboard/")
    assertContains(response, "3 notifications marked as read.")
    assert unread_of(contributor_bob) == 0
    assert unread_of(mallory) == 2


def test_mark_all_read_with_nothing_unread_says_so(browser_as: Any, contributor_bob: User) -> None:
    response = browser_as(contributor_bob).post(READ_ALL, follow=True)

    assertRedirects(response, LIST)
    assertContains(response, "You had no unread notifications.")


def test_mark_all_read_ignores_a_foreign_next(browser_as: Any, contributor_bob: User) -> None:
    response = browser_as(contributor_bob).post(READ_ALL, {"next": "https://evil.example/"})

    assertRedirects(response, LIST, fetch_redirect_response=False)


def test_mark_all_read_takes_a_post(browser_as: Any, contributor_bob: User) -> None:
    assert browser_as(contributor_bob).get(READ_ALL).status_code == 405


# --- the header bell (notifications.context_processors) -------------------------------


def bell_of(html: str) -> str:
    start = html.index("data-bell ")
    return html[start : html.index("</template>", start)]


def test_the_bell_shows_the_unread_count(browser_as: Any, contributor_bob: User, mallory: User) -> None:
    make(contributor_bob, 3)
    make(contributor_bob, 2, read=True)
    make(mallory, 4)

    bell = bell_of(browser_as(contributor_bob).get(reverse("marketplace:home")).content.decode())

    assert 'aria-label="Notifications, 3 unread"' in bell
    assert re.search(r"data-bell-count>3</span>", bell)
    assert f'href="{LIST}"' in bell  # without JavaScript the bell is a link to the page
    assert 'aria-controls="bell-menu"' in bell
    assert 'aria-expanded="false"' in bell


def test_the_badge_is_hidden_at_zero(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 2, read=True)

    bell = bell_of(browser_as(contributor_bob).get(reverse("marketplace:home")).content.decode())

    assert 'aria-label="Notifications"' in bell
    assert "data-bell-count hidden>0</span>" in bell


def test_a_large_count_is_shortened(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 120)

    bell = bell_of(browser_as(contributor_bob).get(reverse("marketplace:home")).content.decode())

    assert "data-bell-count>99+</span>" in bell
    assert 'aria-label="Notifications, 120 unread"' in bell


def test_the_menu_lists_the_eight_newest(browser_as: Any, contributor_bob: User) -> None:
    made = make(contributor_bob, 10, body="x" * 300)

    bell = bell_of(browser_as(contributor_bob).get(reverse("marketplace:home")).content.decode())

    shown = re.findall(r'<li class="bell-item[^"]*" data-notification-id="(\d+)"', bell)
    assert shown == [str(n.pk) for n in reversed(made[2:])]
    assert "x" * 120 not in bell  # bodies are excerpts
    assert "See all notifications" in bell
    assert f'action="{READ_ALL}"' in bell


def test_anonymous_visitors_have_no_bell(browser_as: Any) -> None:
    html = browser_as(None).get(reverse("marketplace:home")).content.decode()

    assert "data-bell" not in html
    assert "data-toasts" not in html


def test_the_bell_costs_two_queries(browser_as: Any, contributor_bob: User) -> None:
    from django.db import connection

    make(contributor_bob, 10)
    bob = browser_as(contributor_bob)
    bob.get(reverse("marketplace:project_list"))  # warm caches unrelated to the bell

    with CaptureQueriesContext(connection) as queries:
        bob.get(reverse("marketplace:project_list"))

    about = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(about) == 2, about


def test_the_menu_fragment_has_the_items_alone(browser_as: Any, contributor_bob: User) -> None:
    make(contributor_bob, 2)

    response = browser_as(contributor_bob).get(MENU)

    html = response.content.decode()
    assert "<html" not in html
    assert len(re.findall(r'<li class="bell-item', html)) == 2
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers["Cache-Control"]


def test_the_menu_fragment_of_nobody_is_empty(browser_as: Any, contributor_bob: User) -> None:
    html = browser_as(contributor_bob).get(MENU).content.decode()

    assert re.search(r"<p class=\"bell-empty\" data-notification-empty>", html)


# --- static/js/notifications.js against the markup it drives ------------------------

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "notifications.js"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_script_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: no syntax check")
    result = subprocess.run([node, "--check", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_hook_the_script_uses_is_in_the_templates() -> None:
    js = SCRIPT.read_text()
    files = [
        TEMPLATES / "partials" / "header.html",
        *TEMPLATES.glob("notifications/**/*.html"),
        TEMPLATES / "wallets" / "wallet.html",  # live regions
        TEMPLATES / "marketplace" / "project_detail.html",
    ]
    markup = "".join(path.read_text() for path in files)
    hooks = set(re.findall(r"\[(data-[a-z-]+)", js))
    datasets = {re.sub(r"([A-Z])", r"-\1", name).lower() for name in re.findall(r"dataset\.([a-zA-Z]+)", js)}
    # Set by the script itself, not read from the server's markup.
    datasets -= {"socket", "timer", "live-version"}
    assert len(hooks) > 15
    for hook in hooks | {f"data-{name}" for name in datasets}:
        assert hook in markup, hook


def test_the_script_writes_server_text_as_text_only() -> None:
    js = SCRIPT.read_text()

    # innerHTML takes one thing only: the server's own rendered menu fragment.
    assert re.findall(r"\.innerHTML\s*=\s*(\w+)", js) == ["html"]
    assert "insertAdjacentHTML" not in js
    assert "outerHTML" not in js
    assert "eval(" not in js
