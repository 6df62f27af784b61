"""Helpers for the real-time tests: fresh channel layers, the ASGI application,
sockets opened the way a browser or an API client opens them, and a spy on a
user's channel-layer group.

Async tests touch the database only through ``database_sync_to_async`` (as the
consumer does), from Channels' one database thread, so they are transactional
(``django_db(transaction=True)``): that thread's connection must see the rows the
fixtures committed, and ``on_commit`` must really fire. DJANGO_ALLOW_ASYNC_UNSAFE
is never set: the sync fixtures run before the test's event loop starts.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import User
from notifications.services import user_group
from wallets.services import token_create

ORIGIN = (b"origin", b"http://testserver")
FOREIGN_ORIGIN = (b"origin", b"https://evil.example")
TIMEOUT = 3  # seconds; a push crosses a database thread and, on Redis, the network

# serialized_rollback restores the rows the migrations create (tokens, skills) that
# the flush after each transactional test removes.
realtime = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _is_redis(config: dict[str, Any]) -> bool:
    return "redis" in str(config.get("BACKEND", "")).lower()


@pytest.fixture(autouse=True)
def _fresh_channel_layers(settings: Any) -> Any:
    """Each test gets new channel-layer objects (Channels drops its cached ones when
    CHANNEL_LAYERS changes). On Redis (REDIS_URL set) they also get a key prefix of
    their own, so no test, and no other test run sharing the Redis, hears another's
    ``user.<id>`` groups; the keys are deleted afterwards."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    prefixes = []
    for config in layers.values():
        if _is_redis(config):
            config.setdefault("CONFIG", {})["prefix"] = prefix = f"ww-test-{uuid.uuid4().hex[:12]}:"
            prefixes.append((config["CONFIG"]["hosts"], prefix))
    settings.CHANNEL_LAYERS = layers
    yield
    for hosts, prefix in prefixes:
        flush_redis_prefix(hosts, prefix)


def flush_redis_prefix(hosts: list[Any], prefix: str) -> None:
    """Delete every key under ``prefix``, through a layer object of its own (the
    test's layers are bound to the test's event loop, which is gone by now)."""
    from channels_redis.core import RedisChannelLayer

    async_to_sync(RedisChannelLayer(hosts=hosts, prefix=prefix).flush)()


@pytest.fixture
def application(settings: Any) -> Any:
    """The site's real ASGI application (config.asgi.application). The matching
    warm-up thread it would start at import is turned off first: it would load the
    embedding model and touch the database from outside the test."""
    settings.MATCHING_WARM_UP = False
    from config.asgi import application

    return application


def session_cookie(user: User) -> tuple[bytes, bytes]:
    """The Cookie header of a browser signed in as ``user`` (a real session,
    made by Django's test Client)."""
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={client.cookies[name].value}".encode())


def bearer_token(user: User) -> str:
    return token_create(user=user, name="websocket test").raw


def bearer_header(raw: str) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {raw}".encode())


@asynccontextmanager
async def open_socket(
    application: Any,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
    path: str = "/ws/notifications/",
) -> AsyncIterator[tuple[Any, bool, Any]]:
    """Open a socket: yields (communicator, accepted, subprotocol or close code);
    disconnects at exit."""
    communicator = WebsocketCommunicator(application, path, headers=headers or [], subprotocols=subprotocols)
    accepted, detail = await communicator.connect(timeout=TIMEOUT)
    try:
        yield communicator, accepted, detail
    finally:
        await communicator.disconnect(timeout=TIMEOUT)


@asynccontextmanager
async def signed_in_socket(application: Any, headers: list[tuple[bytes, bytes]]) -> AsyncIterator[Any]:
    """An accepted socket whose hello was read: yields (communicator, hello)."""
    async with open_socket(application, headers=headers) as (communicator, accepted, detail):
        assert accepted, detail
        hello = await communicator.receive_json_from(timeout=TIMEOUT)
        assert hello["type"] == "hello"
        yield communicator, hello


async def refusal(communicator: Any, accepted: bool, detail: Any) -> int:
    """The close code of a refused socket: accepted and closed at once (4401),
    or a rejected handshake (its close code)."""
    if not accepted:
        return int(detail)
    output = await communicator.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.close", output
    return int(output["code"])


class GroupSpy:
    """A channel in a user's group on the default channel layer: what an open page
    of that user would be sent (sync; for service tests).

    It runs on an event loop of its own, used for all its receives: channels_redis
    binds a channel's receive buffer to the first loop that waits on it.
    """

    def __init__(self, user: User) -> None:
        self.loop = asyncio.new_event_loop()
        self.layer = get_channel_layer()
        self.channel = self.loop.run_until_complete(self.layer.new_channel())
        self.loop.run_until_complete(self.layer.group_add(user_group(user.pk), self.channel))

    def messages(self, timeout: float = 0.2) -> list[dict[str, Any]]:
        """Everything that arrived, waiting up to ``timeout`` for each next one."""

        async def drain() -> list[dict[str, Any]]:
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout))
                except TimeoutError:
                    return received

        return self.loop.run_until_complete(drain())

    def close(self) -> None:
        self.loop.close()


@pytest.fixture
def group_spy(db: Any) -> Iterator[Callable[[User], GroupSpy]]:
    spies: list[GroupSpy] = []

    def spy(user: User) -> GroupSpy:
        spies.append(GroupSpy(user))
        return spies[-1]

    yield spy
    for each in spies:
        each.close()
