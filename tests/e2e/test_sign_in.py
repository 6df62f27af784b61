"""Sign-In with Ethereum in a real browser with an injected test wallet."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import InjectedWallet
from tests.factories import account_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def start_sign_in(page: Any, site: str) -> None:
    page.goto(site + "/")
    page.locator("header [data-siwe=start]").click()


def test_a_lowercase_wallet_address_signs_in_through_the_browser_flow(site: str, new_context: Any) -> None:
    context = new_context()
    wallet = InjectedWallet(account_for("browser-alice").key.hex())
    wallet.install(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    start_sign_in(page, site)
    message = page.locator("[data-siwe-field=message]")
    expect(message).to_contain_text(wallet.account.address)  # shown in EIP-55 form
    expect(message).to_contain_text("wants you to sign in with your Ethereum account")
    shown = message.text_content()
    page.locator("[data-siwe-action=sign]").click()

    page.wait_for_url(re.compile(r"/accounts/welcome/$"))
    assert wallet.signed == [shown]
    assert User.objects.filter(address=wallet.account.address).exists()
    expect(page.locator("header")).to_contain_text(wallet.account.address[:6])
    assert errors == []


def test_a_returning_user_lands_on_the_dashboard(site: str, new_context: Any) -> None:
    key = account_for("browser-bob").key.hex()
    User.objects.create_user(account_for("browser-bob").address, display_name="Bob Returning")
    context = new_context()
    InjectedWallet(key).install(context)
    page = context.new_page()

    start_sign_in(page, site)
    page.locator("[data-siwe-action=sign]").click()

    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.locator("header")).to_contain_text("Bob Returning")


def test_a_signature_rejected_in_the_wallet_says_so_and_can_be_retried(site: str, new_context: Any) -> None:
    context = new_context()
    wallet = InjectedWallet(account_for("browser-carol").key.hex())
    wallet.install(context)
    page = context.new_page()
    page.goto(site + "/")
    page.evaluate("window.__wallet.rejectSign = 1")

    page.locator("header [data-siwe=start]").click()
    page.locator("[data-siwe-action=sign]").click()

    cancelled = page.locator("[data-siwe-panel=cancelled]")
    expect(cancelled).to_be_visible()
    expect(cancelled).to_contain_text("You cancelled the request in your wallet")
    assert not User.objects.filter(address=wallet.account.address).exists()
    cancelled.locator("[data-siwe-action=retry]").click()
    page.locator("[data-siwe-action=sign]").click()
    page.wait_for_url(re.compile(r"/accounts/welcome/$"))


def test_without_a_wallet_the_page_explains_what_is_needed(site: str, new_context: Any) -> None:
    page = new_context().new_page()

    page.goto(site + "/")
    page.locator("header [data-siwe=start]").click()

    panel = page.locator("[data-siwe-panel=no-wallet]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("You need a browser wallet")
    expect(panel.locator("a[href='https://metamask.io/']")).to_have_count(1)


def test_a_wallet_on_another_network_is_asked_to_switch(site: str, new_context: Any) -> None:
    context = new_context()
    InjectedWallet(account_for("browser-dave").key.hex()).install(context)
    page = context.new_page()
    page.goto(site + "/")
    page.evaluate("window.__wallet.chainId = '0x89'")  # Polygon: not allowed

    page.locator("header [data-siwe=start]").click()

    expect(page.locator("[data-siwe-panel=network]")).to_be_visible()
    page.locator("[data-siwe-action=switch]").click()
    expect(page.locator("[data-siwe-panel=review]")).to_be_visible()
    assert page.evaluate("window.__wallet.chainId") == "0x1"
