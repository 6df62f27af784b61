"""Live regions in a real browser: parts of a page the server renders again when a
notification about them arrives (static/js/notifications.js). The site runs under
uvicorn; the escrow steps are the real services, run as a request would run them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from marketplace.models import Project
from tests.e2e.conftest import AsgiServer, sign_in
from tests.factories import token
from wallets import escrow, payouts

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]


def pay(server: AsgiServer, project: Project, order: int) -> None:
    """Alice funds milestone ``order``, Bob submits, Alice approves: Bob is paid."""
    milestone = project.milestones.get(order=order)

    def run() -> None:
        escrow.milestone_fund(milestone=milestone, actor=project.owner)
        escrow.milestone_submit(milestone=milestone, actor=project.contributor, note="Done.", links=[])
        escrow.milestone_approve(milestone=milestone, actor=project.owner)

    server.call(run)


def test_the_withdraw_form_follows_the_balance_unless_the_person_is_filling_it_in(
    asgi_server: AsgiServer, new_context: Any, hired_project: Project
) -> None:
    bob = hired_project.contributor
    assert bob is not None
    payouts.faucet(user=bob, token=token("WALL"), amount=5 * 10 ** token("WALL").decimals)
    context = new_context()
    sign_in(context, bob, asgi_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(asgi_server.url + "/wallet/")
    expect(page.locator("[data-bell]")).to_have_attribute("data-socket", "open")
    withdraw = page.locator("#withdraw")
    tokens = withdraw.get_by_label("Token")
    expect(tokens.locator("option")).to_have_text(["WALL"])  # all Bob could withdraw so far

    # Paid in USDC: the balances and the untouched withdraw form (its token list) follow.
    pay(asgi_server, hired_project, order=1)
    usdc_card = page.locator("#balances").get_by_role("article", name="USDC")
    expect(usdc_card.locator(".budget")).to_have_text("975 USDC")
    expect(tokens.locator("option")).to_have_text(["USDC", "WALL"])
    expect(withdraw).to_have_attribute("data-live-version", "1")

    # Bob starts filling the form in; the next payment updates the balances, not his form.
    withdraw.get_by_label("Amount").fill("12")
    page.locator("h1").click()  # focus leaves the form: only the typed value keeps it
    pay(asgi_server, hired_project, order=2)
    expect(usdc_card.locator(".budget")).to_have_text("4,875 USDC")
    expect(withdraw.get_by_label("Amount")).to_have_value("12")
    expect(withdraw).to_have_attribute("data-live-version", "1")
    assert problems == []
