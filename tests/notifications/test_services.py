"""notify(), marking read and the selectors: rows, and what reaches the user's
channel-layer group, and when (on commit only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.errors import NotFound
from notifications import selectors, services
from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read, notify

pytestmark = pytest.mark.django_db

KIND = Notification.Kind.APPLICATION_RECEIVED


def _notify(user: User, title: str = "Bob applied", **kwargs: Any) -> Notification:
    return notify(recipient=user, kind=KIND, title=title, **kwargs)


def _notify_then_fail(user: User) -> None:
    with transaction.atomic():
        _notify(user)
        raise RuntimeError("the change that caused it failed")


# --- notify ----------------------------------------------------------------------


def test_notify_pushes_the_notification_and_the_unread_count_on_commit(
    client_alice: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _notify(client_alice, title="Earlier")
    spy = group_spy(client_alice)

    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(client_alice, body="Bob wants the job", link="/projects/1/", payload={"project": 1})

    [message] = spy.messages()
    assert message == {
        "type": "notification.created",
        "notification": {
            "id": notification.pk,
            "kind": "application_received",
            "title": "Bob applied",
            "body": "Bob wants the job",
            "link": "/projects/1/",
            "created_at": message["notification"]["created_at"],
            "read": False,
        },
        "unread": 2,
    }
    assert message["notification"]["created_at"].startswith(str(timezone.now().year))
    assert "payload" not in message["notification"]


def test_nothing_is_pushed_before_the_transaction_commits(
    client_alice: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spy = group_spy(client_alice)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify(client_alice)
        assert spy.messages() == []

    assert len(callbacks) == 1
    assert [m["type"] for m in spy.messages()] == ["notification.created"]


def test_a_rolled_back_notification_is_neither_stored_nor_pushed(
    client_alice: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spy = group_spy(client_alice)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _notify_then_fail(client_alice)

    assert callbacks == []
    assert not Notification.objects.exists()
    assert spy.messages() == []


def test_the_push_goes_to_the_recipient_only(
    client_alice: User, mallory: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    alice, mallory_spy = group_spy(client_alice), group_spy(mallory)

    with django_capture_on_commit_callbacks(execute=True):
        _notify(client_alice)

    assert len(alice.messages()) == 1
    assert mallory_spy.messages() == []


def test_a_failed_push_is_logged_and_the_notification_kept(
    client_alice: User, monkeypatch: pytest.MonkeyPatch, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    class BrokenLayer:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(services, "get_channel_layer", lambda: BrokenLayer())

    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(client_alice)

    assert Notification.objects.get() == notification
    assert f"Could not push notification {notification.pk}" in caplog.text


# --- marking read -----------------------------------------------------------------


def test_mark_read_marks_it_and_pushes_the_new_unread_count(
    client_alice: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, _second = _notify(client_alice), _notify(client_alice)
    spy = group_spy(client_alice)

    with django_capture_on_commit_callbacks(execute=True):
        marked = notification_mark_read(user=client_alice, notification_id=first.pk)

    assert marked.pk == first.pk
    assert marked.is_read
    assert spy.messages() == [{"type": "unread.changed", "unread": 1}]


def test_mark_read_is_idempotent_and_keeps_the_first_read_time(client_alice: User) -> None:
    notification = _notify(client_alice)
    first_read = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(pk=notification.pk).update(read_at=first_read)

    again = notification_mark_read(user=client_alice, notification_id=notification.pk)

    assert again.read_at == first_read


def test_mark_read_refuses_another_users_notification_and_leaves_it_unread(
    client_alice: User, mallory: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    alices = _notify(client_alice)
    spy = group_spy(mallory)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotFound) as refused:
        notification_mark_read(user=mallory, notification_id=alices.pk)

    assert refused.value.code == "notification_not_found"
    alices.refresh_from_db()
    assert not alices.is_read
    assert spy.messages() == []


def test_mark_read_of_an_id_out_of_any_range_is_not_found(client_alice: User) -> None:
    with pytest.raises(NotFound):
        notification_mark_read(user=client_alice, notification_id=2**70)


def test_mark_all_read_marks_only_the_users_own_and_pushes_zero(
    client_alice: User, mallory: User, group_spy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _notify(client_alice), _notify(client_alice), _notify(mallory)
    already = _notify(client_alice)
    notification_mark_read(user=client_alice, notification_id=already.pk)
    spy = group_spy(client_alice)

    with django_capture_on_commit_callbacks(execute=True):
        marked = notifications_mark_all_read(user=client_alice)

    assert marked == 2
    assert selectors.unread_count(client_alice) == 0
    assert selectors.unread_count(mallory) == 1
    assert spy.messages() == [{"type": "unread.changed", "unread": 0}]


def test_mark_all_read_with_nothing_unread_marks_nothing(client_alice: User) -> None:
    assert notifications_mark_all_read(user=client_alice) == 0


# --- selectors ---------------------------------------------------------------------


def test_notifications_for_lists_the_users_own_newest_first(client_alice: User, mallory: User) -> None:
    old, new = _notify(client_alice, title="old"), _notify(client_alice, title="new")
    _notify(mallory)
    notification_mark_read(user=client_alice, notification_id=old.pk)

    assert list(selectors.notifications_for(client_alice)) == [new, old]
    assert list(selectors.notifications_for(client_alice, unread_only=True)) == [new]
    assert selectors.unread_count(client_alice) == 1
