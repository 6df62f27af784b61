"""Several workers, one Redis: a push made through one worker's channel layer
reaches sockets held by another.

How two "workers" live in one test process: CHANNEL_LAYERS gets three aliases,
``default``, ``worker_a`` and ``worker_b``, all channels_redis on the same Redis
under one prefix (unique to the test, so nothing else on that Redis can hear it).
Channels builds one layer object per alias, each with its own connection pools, as
separate processes would have. ``config.asgi.build_application(channel_layer_alias=...)``
builds the site's real websocket stack (Origin check, session and bearer auth,
consumer) with consumers on the given alias, so ``app_a`` and ``app_b`` share
nothing but Redis. ``notify()`` and the mark-read services push through
``default``, a third layer object: the process that handled the request.

Skipped, saying why, when no Redis answers at REDIS_URL (or redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.db import transaction

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify, user_group
from tests.factories import UserFactory
from tests.notifications.conftest import (
    ORIGIN,
    TIMEOUT,
    bearer_header,
    bearer_token,
    flush_redis_prefix,
    realtime,
    session_cookie,
    signed_in_socket,
)

REDIS_URL = django_settings.REDIS_URL or "redis://127.0.0.1:6379/15"
WORKERS = ("default", "worker_a", "worker_b")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = [
    realtime,
    pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {REDIS_URL} (start redis-server)"),
]


@pytest.fixture
def workers(settings: Any) -> Any:
    """Two applications, each on a RedisChannelLayer object of its own."""
    prefix = f"ww-test-{uuid.uuid4().hex[:12]}:"
    config = {"hosts": [REDIS_URL], "prefix": prefix}
    settings.CHANNEL_LAYERS = {
        alias: {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config} for alias in WORKERS
    }
    settings.MATCHING_WARM_UP = False
    from config.asgi import build_application

    yield build_application(channel_layer_alias="worker_a"), build_application(channel_layer_alias="worker_b")
    flush_redis_prefix([REDIS_URL], prefix)


@pytest.fixture
def alice(db: Any) -> User:
    return UserFactory(persona="alice")


@pytest.fixture
def bob(db: Any) -> User:
    return UserFactory(persona="bob")


@pytest.fixture
def alice_browser(alice: User) -> list[tuple[bytes, bytes]]:
    return [ORIGIN, session_cookie(alice)]


@pytest.fixture
def alice_script(alice: User) -> list[tuple[bytes, bytes]]:
    return [bearer_header(bearer_token(alice))]


@pytest.fixture
def bob_browser(bob: User) -> list[tuple[bytes, bytes]]:
    return [ORIGIN, session_cookie(bob)]


@database_sync_to_async
def notify_committed(user: User, title: str = "Bob applied") -> Notification:
    with transaction.atomic():
        return notify(recipient=user, kind=Notification.Kind.APPLICATION_RECEIVED, title=title)


async def test_the_workers_have_separate_layer_objects(workers: Any, alice: User, alice_browser: Any) -> None:
    app_a, app_b = workers

    async with signed_in_socket(app_a, alice_browser), signed_in_socket(app_b, alice_browser):
        layers = [channel_layers[alias] for alias in WORKERS]

        assert len({id(layer) for layer in layers}) == 3
        assert {type(layer).__name__ for layer in layers} == {"RedisChannelLayer"}


async def test_a_message_sent_through_one_worker_reaches_a_socket_on_the_other(
    workers: Any, alice: User, bob: User, alice_browser: Any, bob_browser: Any
) -> None:
    app_a, app_b = workers

    async with (
        signed_in_socket(app_b, alice_browser) as (alice_on_b, _),
        signed_in_socket(app_a, bob_browser) as (bob_on_a, _),
    ):
        await channel_layers["worker_a"].group_send(user_group(alice.pk), {"type": "unread.changed", "unread": 7})
        await channel_layers["worker_b"].group_send(user_group(bob.pk), {"type": "unread.changed", "unread": 5})

        assert await alice_on_b.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 7}
        assert await bob_on_a.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 5}
        assert await alice_on_b.receive_nothing(timeout=0.3)


async def test_a_notification_reaches_the_users_sockets_on_both_workers_and_nobody_else(
    workers: Any, alice: User, bob: User, alice_browser: Any, alice_script: Any, bob_browser: Any
) -> None:
    app_a, app_b = workers

    async with (
        signed_in_socket(app_a, alice_browser) as (alice_on_a, _),
        signed_in_socket(app_b, alice_script) as (alice_on_b, _),
        signed_in_socket(app_b, bob_browser) as (bob_on_b, _),
    ):
        notification = await notify_committed(alice)

        for socket in (alice_on_a, alice_on_b):
            event = await socket.receive_json_from(timeout=TIMEOUT)
            assert (event["type"], event["notification"]["id"], event["unread"]) == ("notification", notification.pk, 1)
        assert await bob_on_b.receive_nothing(timeout=0.3)


async def test_marking_read_on_one_worker_updates_the_socket_on_the_other(
    workers: Any, alice: User, alice_browser: Any, alice_script: Any
) -> None:
    app_a, app_b = workers
    notification = await notify_committed(alice)

    async with (
        signed_in_socket(app_a, alice_browser) as (tab_on_a, hello),
        signed_in_socket(app_b, alice_script) as (script_on_b, _),
    ):
        assert hello["unread"] == 1
        await tab_on_a.send_json_to({"type": "mark_read", "id": notification.pk})

        assert await script_on_b.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 0}
        assert await tab_on_a.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 0}
