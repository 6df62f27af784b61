"""Browser tests: Playwright for Python driving Debian's Chromium (never a
downloaded browser) against pytest-django's live server, or, for pages that need
websockets, against the ASGI application under uvicorn (``asgi_server``).

The test wallet is an injected EIP-1193 provider (``window.ethereum``) whose
accounts and ``personal_sign`` are backed by eth-account keys in this process
(Playwright's exposed functions), so the page's real sign-in code runs unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.utils import ConnectionHandler
from eth_account import Account
from eth_account.messages import encode_defunct

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which("chromium") is None:
        skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh Chromium per test. Playwright's sync API runs an event loop in this
    thread while it lives, so the fixture is per test (the loop is gone before the
    database is torn down), and the ORM calls a test makes between browser steps,
    plain synchronous code, are allowed beside it."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's event loop runs in this thread, Django keeps the thread's
        # database connections in a context variable (asgiref's Local sees a running
        # loop), so those the test opened are out of reach once it stops: nothing
        # would close them, and PostgreSQL would refuse to drop the test database.
        connections.close_all()


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's URL, with the site's origin set to it (sign-in messages
    must name the origin the browser is on)."""
    origin = urlparse(live_server.url)
    settings.SITE_DOMAIN = origin.netloc
    settings.SITE_SCHEME = origin.scheme
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    cache.clear()
    return str(live_server.url)


FAKE_WALLET = """
(() => {
  const wallet = (window.__wallet = { chainId: "0x1", rejectSign: 0, calls: [] });
  const rejected = (message) => Object.assign(new Error(message), { code: 4001 });
  window.ethereum = {
    on() {},
    removeListener() {},
    async request({ method, params }) {
      wallet.calls.push(method);
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [await window.walletAddress()];
        case "eth_chainId":
          return wallet.chainId;
        case "wallet_switchEthereumChain":
          wallet.chainId = params[0].chainId;
          return null;
        case "personal_sign":
          if (wallet.rejectSign > 0) { wallet.rejectSign -= 1; throw rejected("User denied message signature."); }
          return await window.walletSign(params[0]);
      }
      throw Object.assign(new Error("Unsupported method " + method), { code: 4200 });
    },
  };
})();
"""


class InjectedWallet:
    """An eth-account key behind the injected provider; records what it signed."""

    def __init__(self, key: str, *, report_lowercase: bool = True) -> None:
        self.account = Account.from_key(key)
        self.report_lowercase = report_lowercase
        self.signed: list[str] = []

    def install(self, context: Any) -> None:
        context.expose_function("walletAddress", self.address)
        context.expose_function("walletSign", self.sign)
        context.add_init_script(FAKE_WALLET)

    def address(self) -> str:
        # Wallets often report addresses in lower case.
        return self.account.address.lower() if self.report_lowercase else self.account.address

    def sign(self, hex_message: str) -> str:
        self.signed.append(bytes.fromhex(hex_message[2:]).decode())
        signature = self.account.sign_message(encode_defunct(hexstr=hex_message)).signature.hex()
        return signature if signature.startswith("0x") else "0x" + signature


@pytest.fixture
def new_context(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(**kwargs: Any) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **kwargs)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


class AsgiServer:
    """The site served by uvicorn in a thread of the test process: HTTP and the
    websockets (pytest-django's live server speaks WSGI only)."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop) -> None:
        self.url = url
        self.loop = loop

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` (sync code: a service call) in a worker thread of the
        server's event loop, as a request would be run, and return its result.
        Pushes it sends on commit then reach the in-memory channel layer from the
        loop its consumers wait on (a push sent from the test thread would not be
        thread-safe)."""

        def run() -> Any:
            try:
                return function()
            finally:
                connections.close_all()  # this worker thread's own (not the shared in-memory one)

        return asyncio.run_coroutine_threadsafe(sync_to_async(run, thread_sensitive=False)(), self.loop).result(30)


def free_listener() -> tuple[socket.socket, str]:
    """A listening socket on a free port of 127.0.0.1, and its URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextlib.contextmanager
def shared_sqlite_connection() -> Iterator[None]:
    """With SQLite's in-memory test database, every thread uses this thread's
    connection, as Django's LiveServerThread arranges: a second connection would see
    another, empty database. Nothing to do on other databases."""
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    if not shared:
        yield
        return
    for connection in shared.values():
        connection.inc_thread_sharing()
    original = ConnectionHandler.__getitem__

    def shared_connection(handler: ConnectionHandler, alias: str) -> Any:
        return shared[alias] if handler is connections and alias in shared else original(handler, alias)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ConnectionHandler, "__getitem__", shared_connection)
            yield
    finally:
        for connection in shared.values():
            connection.dec_thread_sharing()


def private_channel_layers(label: str) -> tuple[dict[str, Any], list[tuple[Any, str]]]:
    """The channel layers, each Redis one under a key prefix of its own (no cross-talk
    with other tests or processes), and the (hosts, prefix) pairs to flush after."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    prefixes = []
    for config in layers.values():
        if "redis" in str(config.get("BACKEND", "")).lower():
            config.setdefault("CONFIG", {})["prefix"] = prefix = f"ww-{label}-{uuid.uuid4().hex[:12]}:"
            prefixes.append((config["CONFIG"]["hosts"], prefix))
    return layers, prefixes


def flush_channel_layers(prefixes: list[tuple[Any, str]]) -> None:
    from channels_redis.core import RedisChannelLayer

    for hosts, prefix in prefixes:
        async_to_sync(RedisChannelLayer(hosts=hosts, prefix=prefix).flush)()


@contextlib.contextmanager
def uvicorn_serving(listener: socket.socket, name: str = "uvicorn") -> Iterator[asyncio.AbstractEventLoop]:
    """config.asgi.application under uvicorn on ``listener``, in a thread of this
    process; yields the server's event loop. Settings the application reads at
    import (MATCHING_WARM_UP) must be set before."""
    import uvicorn

    from config.asgi import application

    server = uvicorn.Server(
        uvicorn.Config(application, lifespan="off", log_level="warning", timeout_graceful_shutdown=2)
    )
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve(sockets=[listener]))
        loop.close()

    thread = threading.Thread(target=serve, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield loop
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture
def asgi_server(settings: Any) -> Iterator[AsgiServer]:
    """config.asgi.application under uvicorn on a free port, against the test
    database, with fresh channel-layer objects (on Redis, under a key prefix of the
    test's own)."""
    settings.MATCHING_WARM_UP = False  # config.asgi would load the embedding model at import
    settings.CHANNEL_LAYERS, redis_prefixes = private_channel_layers("e2e")  # Channels drops its cached layers
    listener, url = free_listener()
    origin = urlparse(url)
    settings.SITE_DOMAIN = origin.netloc
    settings.SITE_SCHEME = origin.scheme
    settings.CSRF_TRUSTED_ORIGINS = [url]
    cache.clear()
    try:
        with shared_sqlite_connection(), uvicorn_serving(listener) as loop:
            yield AsgiServer(url, loop)
    finally:
        listener.close()
        flush_channel_layers(redis_prefixes)


def sign_in(context: Any, user: Any, url: str) -> None:
    """Give a browser context the session cookie of ``user`` (signing in through the
    wallet is what tests/e2e/test_sign_in.py is for)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": url}])
