"""Browser tests: Playwright for Python driving Debian's Chromium (never a
downloaded browser) against pytest-django's live server.

The test wallet is an injected EIP-1193 provider (``window.ethereum``) whose
accounts and ``personal_sign`` are backed by eth-account keys in this process
(Playwright's exposed functions), so the page's real sign-in code runs unchanged.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
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
