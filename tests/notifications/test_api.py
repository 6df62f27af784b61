"""/api/v1/notifications/: one's own inbox, paginated; marking read; others' are 404."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify
from wallets.services import token_create

pytestmark = pytest.mark.django_db

FIELDS = {"id", "kind", "title", "body", "link", "payload", "created_at", "read_at", "read"}


def _notify(user: User, title: str = "Bob applied") -> Notification:
    return notify(
        recipient=user,
        kind=Notification.Kind.APPLICATION_RECEIVED,
        title=title,
        body="Bob wants the job",
        link="/projects/1/",
        payload={"project": 1},
    )


def test_the_list_is_the_users_own_newest_first_with_every_field(
    client_alice: User, mallory: User, api_as: Any
) -> None:
    old, new = _notify(client_alice, "old"), _notify(client_alice, "new")
    _notify(mallory, "not Alice's")

    body = api_as(client_alice).get("/api/v1/notifications/").json()

    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [new.pk, old.pk]
    first = body["results"][0]
    assert set(first) == FIELDS
    assert first["kind"] == "application_received"
    assert first["payload"] == {"project": 1}
    assert (first["read"], first["read_at"]) == (False, None)


def test_the_list_is_paginated(client_alice: User, api_as: Any) -> None:
    for n in range(3):
        _notify(client_alice, f"#{n}")

    body = api_as(client_alice).get("/api/v1/notifications/?page_size=2").json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def test_unread_true_lists_only_the_unread(client_alice: User, api_as: Any) -> None:
    read, unread = _notify(client_alice, "read"), _notify(client_alice, "unread")
    api = api_as(client_alice)
    api.post(f"/api/v1/notifications/{read.pk}/read/")

    body = api.get("/api/v1/notifications/?unread=true").json()
    everything = api.get("/api/v1/notifications/?unread=false").json()

    assert [n["id"] for n in body["results"]] == [unread.pk]
    assert everything["count"] == 2


def test_an_unreadable_unread_filter_is_a_400(client_alice: User, api_as: Any) -> None:
    response = api_as(client_alice).get("/api/v1/notifications/?unread=perhaps")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_unread_count(client_alice: User, mallory: User, api_as: Any) -> None:
    _notify(client_alice), _notify(client_alice), _notify(mallory)

    assert api_as(client_alice).get("/api/v1/notifications/unread-count/").json() == {"unread": 2}


def test_mark_read_returns_the_notification_read(client_alice: User, api_as: Any) -> None:
    notification = _notify(client_alice)

    response = api_as(client_alice).post(f"/api/v1/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["read"]) == (notification.pk, True)
    assert body["read_at"] is not None
    notification.refresh_from_db()
    assert notification.is_read


def test_marking_read_twice_keeps_the_first_read_time(client_alice: User, api_as: Any) -> None:
    notification = _notify(client_alice)
    api = api_as(client_alice)

    first = api.post(f"/api/v1/notifications/{notification.pk}/read/").json()
    second = api.post(f"/api/v1/notifications/{notification.pk}/read/").json()

    assert second["read_at"] == first["read_at"]


@pytest.mark.parametrize("whose", ["mallory's", "nobody's", "out of range"])
def test_marking_a_notification_that_is_not_yours_is_a_404(
    client_alice: User, mallory: User, api_as: Any, whose: str
) -> None:
    mallorys = _notify(mallory)
    pk = {"mallory's": mallorys.pk, "nobody's": mallorys.pk + 1000, "out of range": 2**70}[whose]

    response = api_as(client_alice).post(f"/api/v1/notifications/{pk}/read/")

    assert response.status_code == 404
    assert response.json()["code"] == "notification_not_found"
    mallorys.refresh_from_db()
    assert not mallorys.is_read


def test_read_all_marks_only_your_own_and_says_how_many(client_alice: User, mallory: User, api_as: Any) -> None:
    _notify(client_alice), _notify(client_alice), _notify(mallory)
    api = api_as(client_alice)

    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert Notification.objects.filter(recipient=mallory, read_at__isnull=True).count() == 1


def test_a_bearer_token_works(client_alice: User, api_as: Any) -> None:
    _notify(client_alice)
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=client_alice, name='script').raw}")

    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/1/read/"),
        ("post", "/api/v1/notifications/read-all/"),
    ],
)
def test_anonymous_callers_get_401(api_as: Any, method: str, path: str) -> None:
    response = getattr(api_as(None), method)(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_session_api_needs_a_csrf_token_for_writes(client_alice: User) -> None:
    from rest_framework.test import APIClient

    notification = _notify(client_alice)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(client_alice)

    response = browser.post(f"/api/v1/notifications/{notification.pk}/read/")

    assert response.status_code == 403
    notification.refresh_from_db()
    assert not notification.is_read
