"""The notifications websocket, end to end through config.asgi.application:
Origin check, session-cookie and bearer-token authentication, the consumer and
the channel layer of the settings (in-memory; Redis when REDIS_URL is set).

Notifications are raised the way services raise them: ``notify()`` inside
``transaction.atomic()``, from Channels' database thread, in transactional tests,
so the push really waits for the commit.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from notifications.middleware import BearerCredential, BearerTokenAuthMiddleware, bearer_credential
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.conftest import (
    FOREIGN_ORIGIN,
    ORIGIN,
    TIMEOUT,
    bearer_header,
    bearer_token,
    open_socket,
    realtime,
    refusal,
    session_cookie,
    signed_in_socket,
)
from wallets.models import ApiToken

pytestmark = realtime


@pytest.fixture
def alice(db: Any) -> User:
    return UserFactory(persona="alice")


@pytest.fixture
def bob(db: Any) -> User:
    return UserFactory(persona="bob")


@pytest.fixture
def alice_cookie(alice: User) -> tuple[bytes, bytes]:
    return session_cookie(alice)


@pytest.fixture
def alice_browser(alice_cookie: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """The handshake headers of Alice's browser: the site's Origin and her session cookie."""
    return [ORIGIN, alice_cookie]


@pytest.fixture
def bob_browser(bob: User) -> list[tuple[bytes, bytes]]:
    return [ORIGIN, session_cookie(bob)]


@database_sync_to_async
def notify_committed(user: User, title: str = "Bob applied") -> Notification:
    with transaction.atomic():
        return notify(
            recipient=user,
            kind=Notification.Kind.APPLICATION_RECEIVED,
            title=title,
            body="Bob wants the job",
            link="/projects/1/",
            payload={"project": 1},
        )


@database_sync_to_async
def notify_then_roll_back(user: User) -> None:
    try:
        with transaction.atomic():
            notify(recipient=user, kind=Notification.Kind.APPLICATION_RECEIVED, title="never happened")
            raise RuntimeError("the change that caused it failed")
    except RuntimeError:
        pass


def _stored(user: User, *, unread: bool | None = None) -> int:
    notifications = Notification.objects.filter(recipient=user)
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications.count()


stored = database_sync_to_async(_stored)


# --- live delivery ------------------------------------------------------------------


async def test_hello_carries_the_unread_count(application: Any, alice: User, alice_browser: Any) -> None:
    await notify_committed(alice)
    await notify_committed(alice)
    read = await notify_committed(alice)
    await database_sync_to_async(Notification.objects.filter(pk=read.pk).update)(read_at=timezone.now())

    async with signed_in_socket(application, alice_browser) as (_, hello):
        assert hello == {"type": "hello", "unread": 2}


async def test_a_signed_in_browser_receives_its_notification_live_after_commit(
    application: Any, alice: User, alice_browser: Any
) -> None:
    async with signed_in_socket(application, alice_browser) as (socket, hello):
        assert hello == {"type": "hello", "unread": 0}

        notification = await notify_committed(alice)

        event = await socket.receive_json_from(timeout=TIMEOUT)
        assert event == {
            "type": "notification",
            "notification": {
                "id": notification.pk,
                "kind": "application_received",
                "title": "Bob applied",
                "body": "Bob wants the job",
                "link": "/projects/1/",
                "created_at": event["notification"]["created_at"],
                "read": False,
            },
            "unread": 1,
        }


async def test_a_user_never_receives_another_users_notification(
    application: Any, alice: User, bob: User, alice_browser: Any, bob_browser: Any
) -> None:
    async with (
        signed_in_socket(application, alice_browser) as (alice_socket, _),
        signed_in_socket(application, bob_browser) as (bob_socket, _),
    ):
        await notify_committed(bob, title="For Bob")

        assert (await bob_socket.receive_json_from(timeout=TIMEOUT))["notification"]["title"] == "For Bob"
        assert await alice_socket.receive_nothing(timeout=0.3)


async def test_a_rolled_back_notification_is_neither_delivered_nor_stored(
    application: Any, alice: User, alice_browser: Any
) -> None:
    async with signed_in_socket(application, alice_browser) as (socket, _):
        await notify_then_roll_back(alice)

        assert await socket.receive_nothing(timeout=0.3)
        assert await stored(alice) == 0


async def test_nothing_is_delivered_before_the_transaction_commits(
    application: Any, alice: User, alice_browser: Any
) -> None:
    written, may_commit = threading.Event(), threading.Event()

    def notify_and_hold_the_transaction_open() -> None:
        with transaction.atomic():
            notify(recipient=alice, kind=Notification.Kind.APPLICATION_RECEIVED, title="held")
            written.set()
            assert may_commit.wait(TIMEOUT)

    async with signed_in_socket(application, alice_browser) as (socket, _):
        writer = asyncio.ensure_future(database_sync_to_async(notify_and_hold_the_transaction_open)())
        assert await asyncio.to_thread(written.wait, TIMEOUT)

        assert await socket.receive_nothing(timeout=0.3)

        may_commit.set()
        await writer
        assert (await socket.receive_json_from(timeout=TIMEOUT))["notification"]["title"] == "held"


# --- bearer tokens --------------------------------------------------------------------


async def test_an_api_client_authenticates_with_the_authorization_header(application: Any, alice: User) -> None:
    token = await database_sync_to_async(bearer_token)(alice)

    # No Origin: a script, not a browser. The token alone decides.
    async with signed_in_socket(application, [bearer_header(token)]) as (socket, hello):
        assert hello == {"type": "hello", "unread": 0}
        notification = await notify_committed(alice)
        assert (await socket.receive_json_from(timeout=TIMEOUT))["notification"]["id"] == notification.pk


async def test_a_browser_authenticates_with_the_bearer_subprotocol_and_is_answered_with_it(
    application: Any, alice: User
) -> None:
    token = await database_sync_to_async(bearer_token)(alice)

    async with open_socket(application, headers=[ORIGIN], subprotocols=["bearer", token]) as (socket, accepted, chosen):
        assert accepted
        assert chosen == "bearer"
        assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "unread": 0}
        await notify_committed(alice)
        assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "notification"


@pytest.mark.parametrize("problem", ["unknown", "revoked", "expired", "deactivated", "empty"])
async def test_a_bad_token_is_refused_with_4401(application: Any, alice: User, problem: str) -> None:
    token = await database_sync_to_async(bearer_token)(alice)
    if problem == "unknown":
        token = "ww_" + "x" * 43
    elif problem == "empty":
        token = ""
    elif problem == "revoked":
        await database_sync_to_async(ApiToken.objects.update)(revoked_at=timezone.now())
    elif problem == "expired":
        await database_sync_to_async(ApiToken.objects.update)(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        await database_sync_to_async(User.objects.filter(pk=alice.pk).update)(is_active=False)

    async with open_socket(application, headers=[bearer_header(token)]) as (socket, accepted, detail):
        assert await refusal(socket, accepted, detail) == 4401


async def test_a_bad_subprotocol_token_is_refused_after_an_accept_that_names_bearer(application: Any) -> None:
    offered = ["bearer", "ww_nope"]
    async with open_socket(application, headers=[ORIGIN], subprotocols=offered) as (socket, accepted, chosen):
        # A browser fails a handshake whose answer does not name one of the offered
        # subprotocols (close code 1006); naming it lets the page see 4401.
        assert (accepted, chosen) == (True, "bearer")
        assert await refusal(socket, accepted, chosen) == 4401


async def test_an_invalid_token_does_not_fall_back_to_the_session_cookie(application: Any, alice_browser: Any) -> None:
    async with open_socket(application, headers=[*alice_browser, bearer_header("ww_forged")]) as (socket, *result):
        assert await refusal(socket, *result) == 4401


@pytest.mark.parametrize(
    ("headers", "subprotocols", "expected"),
    [
        ([], [], None),
        ([(b"authorization", b"Basic YWxpY2U6c2VjcmV0")], [], None),
        ([(b"authorization", b"Bearer ww_abc")], [], BearerCredential("ww_abc", via_subprotocol=False)),
        ([(b"Authorization", b"bearer  ww_abc ")], [], BearerCredential("ww_abc", via_subprotocol=False)),
        ([(b"authorization", b"Bearer")], [], BearerCredential("", via_subprotocol=False)),
        ([], ["bearer", "ww_abc"], BearerCredential("ww_abc", via_subprotocol=True)),
        ([], ["bearer"], BearerCredential("", via_subprotocol=True)),
        ([], ["graphql-ws"], None),
    ],
)
def test_where_a_bearer_token_is_found_in_a_handshake(headers: Any, subprotocols: Any, expected: Any) -> None:
    assert bearer_credential({"headers": headers, "subprotocols": subprotocols}) == expected


@pytest.mark.parametrize("carrier", ["header", "subprotocol"])
async def test_the_token_is_not_passed_on_in_the_scope(alice: User, carrier: str) -> None:
    token = await database_sync_to_async(bearer_token)(alice)
    if carrier == "header":
        handshake = {"headers": [bearer_header(token)], "subprotocols": []}
    else:
        handshake = {
            "headers": [(b"sec-websocket-protocol", f"bearer, {token}".encode())],
            "subprotocols": ["bearer", token],
        }
    passed_on: dict[str, Any] = {}

    async def consumer(scope: dict[str, Any], receive: Any, send: Any) -> None:
        passed_on.update(scope)

    await BearerTokenAuthMiddleware(consumer)({"type": "websocket", **handshake}, None, None)

    assert passed_on["user"] == alice
    assert token not in repr({k: v for k, v in passed_on.items() if k != "user"})


# --- refusals -----------------------------------------------------------------------


async def test_an_anonymous_connection_is_refused_with_4401(application: Any) -> None:
    async with open_socket(application, headers=[ORIGIN]) as (socket, accepted, detail):
        assert accepted  # accepted only to be closed with a code the page can read
        assert await refusal(socket, accepted, detail) == 4401


async def test_a_foreign_origin_is_refused_even_with_a_valid_session(application: Any, alice_cookie: Any) -> None:
    async with open_socket(application, headers=[FOREIGN_ORIGIN, alice_cookie]) as (_, accepted, _code):
        assert not accepted  # the handshake itself is rejected (HTTP 403)


async def test_a_foreign_origin_is_refused_even_with_a_valid_token(application: Any, alice: User) -> None:
    token = await database_sync_to_async(bearer_token)(alice)

    async with open_socket(application, headers=[FOREIGN_ORIGIN, bearer_header(token)]) as (_, accepted, _code):
        assert not accepted


async def test_a_session_cookie_without_an_origin_is_refused(application: Any, alice_cookie: Any) -> None:
    async with open_socket(application, headers=[alice_cookie]) as (_, accepted, _code):
        assert not accepted


# --- client messages ------------------------------------------------------------------


async def test_mark_read_over_the_socket_updates_every_socket_of_the_user(
    application: Any, alice: User, bob: User, alice_browser: Any, bob_browser: Any
) -> None:
    first, _second = await notify_committed(alice), await notify_committed(alice)
    token = await database_sync_to_async(bearer_token)(alice)

    async with (
        signed_in_socket(application, alice_browser) as (tab, hello),
        signed_in_socket(application, [bearer_header(token)]) as (other_tab, _),
        signed_in_socket(application, bob_browser) as (bobs, _),
    ):
        assert hello["unread"] == 2
        await tab.send_json_to({"type": "mark_read", "id": first.pk})

        assert await tab.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 1}
        assert await other_tab.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 1}
        assert await bobs.receive_nothing(timeout=0.3)
        assert await stored(alice, unread=True) == 1


async def test_mark_all_read_over_the_socket_updates_every_socket_of_the_user(
    application: Any, alice: User, alice_browser: Any
) -> None:
    await notify_committed(alice)
    await notify_committed(alice)

    async with (
        signed_in_socket(application, alice_browser) as (tab, _),
        signed_in_socket(application, alice_browser) as (other_tab, _),
    ):
        await tab.send_json_to({"type": "mark_all_read"})

        assert await tab.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 0}
        assert await other_tab.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 0}
        assert await stored(alice, unread=True) == 0


async def test_marking_read_over_rest_updates_the_open_sockets(
    application: Any, alice: User, alice_browser: Any
) -> None:
    first = await notify_committed(alice)
    await notify_committed(alice)

    def post_as_alice(path: str) -> int:
        api = APIClient()
        api.force_authenticate(alice)
        return api.post(path).status_code

    async with signed_in_socket(application, alice_browser) as (socket, _):
        assert await database_sync_to_async(post_as_alice)(f"/api/v1/notifications/{first.pk}/read/") == 200
        assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 1}

        assert await database_sync_to_async(post_as_alice)("/api/v1/notifications/read-all/") == 200
        assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "unread": 0}


async def test_marking_another_users_notification_is_refused_and_the_socket_stays_open(
    application: Any, alice: User, bob: User, alice_browser: Any, bob_browser: Any
) -> None:
    bobs = await notify_committed(bob)

    async with (
        signed_in_socket(application, alice_browser) as (socket, _),
        signed_in_socket(application, bob_browser) as (bob_socket, _),
    ):
        await socket.send_json_to({"type": "mark_read", "id": bobs.pk})

        error = await socket.receive_json_from(timeout=TIMEOUT)
        assert error["type"] == "error"
        assert error["code"] == "notification_not_found"
        assert error["id"] == bobs.pk
        assert error["detail"]
        assert await bob_socket.receive_nothing(timeout=0.3)
        assert await stored(bob, unread=True) == 1

        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ('["mark_read", 1]', "invalid_message"),
        ('{"type": "mark_read"}', "invalid_message"),
        ('{"type": "mark_read", "id": "1"}', "invalid_message"),
        ('{"type": "mark_read", "id": true}', "invalid_message"),
        ('{"type": "mark_read", "id": 99999999999999999999999}', "notification_not_found"),
        ('{"type": "subscribe", "group": "user.1"}', "unknown_type"),
        ('{"kind": "ping"}', "unknown_type"),
        ('{"type": "ping", "padding": "' + "x" * 5000 + '"}', "invalid_message"),
    ],
)
async def test_a_message_the_server_refuses_gets_an_error_and_the_socket_stays_open(
    application: Any, alice_browser: Any, frame: str, code: str
) -> None:
    async with signed_in_socket(application, alice_browser) as (socket, _):
        await socket.send_to(text_data=frame)

        error = await socket.receive_json_from(timeout=TIMEOUT)
        assert (error["type"], error["code"]) == ("error", code)
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_a_binary_frame_gets_an_error(application: Any, alice_browser: Any) -> None:
    async with signed_in_socket(application, alice_browser) as (socket, _):
        await socket.send_to(bytes_data=b'{"type": "ping"}')

        assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "invalid_message"


async def test_no_client_message_can_join_another_users_group(
    application: Any, alice: User, bob: User, alice_browser: Any
) -> None:
    async with signed_in_socket(application, alice_browser) as (socket, _):
        for message in (
            {"type": "subscribe", "group": f"user.{bob.pk}"},
            {"type": "group_add", "group": f"user.{bob.pk}"},
            {"type": "notification.created", "notification": {}, "unread": 99},
            {"type": "ping", "group": f"user.{bob.pk}"},
        ):
            await socket.send_json_to(message)
            assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] in {"error", "pong"}

        await notify_committed(bob)

        assert await socket.receive_nothing(timeout=0.3)


async def test_an_unknown_path_is_not_served(application: Any, alice_browser: Any) -> None:
    with pytest.raises(ValueError, match="No route found"):
        async with open_socket(application, headers=alice_browser, path="/ws/other/"):
            pass
