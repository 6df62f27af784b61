"""What a person sees when something is refused, in Chromium: invalid form input
(told where and why, nothing typed is lost, nothing is saved), a page that is
someone else's (403), one that does not exist (404), and a page that needs a
signed-in person. The rejected signature and the missing wallet are in
test_sign_in.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from marketplace.models import Project
from tests.e2e.conftest import sign_in
from tests.factories import MilestoneFactory, ProjectFactory
from wallets.models import Withdrawal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _expected(message: Any, page: Any) -> bool:
    """The WSGI live server speaks no websocket, so the bell's connection fails; and
    Chromium logs the status of a page that is itself a 403 or 404. Nothing else."""
    if "WebSocket connection to" in message.text:
        return True
    return "the server responded with a status of 40" in message.text and message.location.get("url") == page.url


def page_as(new_context: Any, site: str, user: User | None) -> tuple[Any, list[str]]:
    context = new_context()
    if user is not None:
        sign_in(context, user, site)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not _expected(m, page) else None)
    return page, problems


def test_an_invalid_project_says_what_to_fix_keeps_what_was_typed_and_saves_nothing(
    site: str, new_context: Any, client_alice: User
) -> None:
    page, problems = page_as(new_context, site, client_alice)
    page.goto(site + "/projects/new/")
    work = page.get_by_role("region", name="The work")
    work.get_by_label("Summary").fill("Scoring code for our subnet's miners.")
    description = "A validator that scores miners against two reference models and sets weights every tempo."
    work.get_by_label("Description").fill(description)
    page.get_by_role("textbox", name="Budget", exact=True).fill("1,000.1234567")  # USDC has 6 decimals
    first = page.locator("fieldset.formset-row").first
    first.get_by_label("Title").fill("Prototype")
    first.get_by_label("Amount").fill("5000")  # more than the budget
    page.get_by_role("button", name="Publish project").click()

    summary = page.locator(".form-errors[role=alert]").first
    expect(summary).to_be_visible()
    title = work.get_by_role("textbox", name="Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("This field is required"))
    budget = page.get_by_role("textbox", name="Budget", exact=True)
    expect(budget).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_budget_amount_error")).to_contain_text("decimal")
    expect(work.get_by_label("Category")).to_have_attribute("aria-invalid", "true")
    # Nothing typed is lost.
    expect(work.get_by_label("Summary")).to_have_value("Scoring code for our subnet's miners.")
    expect(work.get_by_label("Description")).to_have_value(description)
    expect(budget).to_have_value("1,000.1234567")
    expect(first.get_by_label("Title")).to_have_value("Prototype")
    assert not Project.objects.exists()

    # Corrected, it publishes; the milestone that exceeded the budget is refused by name.
    title.fill("Subnet validator")
    work.get_by_label("Category").select_option(label="Subnets and validators")
    budget.fill("1000")
    page.get_by_role("button", name="Publish project").click()
    expect(page.locator("#milestones-errors")).to_contain_text(re.compile("budget", re.I))
    first.get_by_label("Amount").fill("1000")
    page.get_by_role("button", name="Publish project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subnet validator")
    project = Project.objects.get()
    assert project.budget_amount == 1_000 * 10**6
    assert project.milestones.get().amount == 1_000 * 10**6
    assert problems == []


def test_a_withdrawal_beyond_the_balance_or_to_a_bad_address_is_refused_and_moves_nothing(
    site: str, new_context: Any, hired_project: Project, client_alice: User
) -> None:
    page, problems = page_as(new_context, site, client_alice)
    page.goto(site + "/wallet/")
    withdraw = page.locator("#withdraw")
    withdraw.get_by_label("Amount").fill("10000.01")
    withdraw.get_by_label("Destination address").fill("0x1234")
    withdraw.get_by_role("button", name="Review the withdrawal").click()

    form = page.locator("main form")  # the withdrawal form again, on a page of its own
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw")
    address = form.get_by_label("Destination address")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_value("0x1234")
    expect(address).to_have_accessible_description(re.compile("address", re.I))
    address.fill(client_alice.address)
    form.get_by_role("button", name="Review the withdrawal").click()
    amount = page.locator("main form").get_by_label("Amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(re.compile("10,000 USDC"))  # what is available, stated
    expect(amount).to_have_value("10000.01")
    assert not Withdrawal.objects.exists()
    assert problems == []


def test_someone_elses_pages_are_a_helpful_403_and_a_missing_one_a_helpful_404(
    site: str, new_context: Any, hired_project: Project, mallory: User
) -> None:
    milestone = hired_project.milestones.order_by("order").first()
    draft = ProjectFactory(owner=hired_project.owner, status=Project.Status.DRAFT, title="Secret draft")
    MilestoneFactory(project=draft)
    page, problems = page_as(new_context, site, mallory)

    response = page.goto(site + f"/projects/{hired_project.pk}/edit/")
    assert response is not None
    assert response.status == 403
    expect(page).to_have_title(re.compile("Not allowed"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("You are not allowed to do that")
    expect(main).to_contain_text("You are signed in as Mallory")
    expect(main.get_by_role("link", name="Go to your dashboard")).to_be_visible()

    assert milestone is not None
    response = page.goto(site + f"/milestones/{milestone.pk}/fund/")  # public project, not her milestone
    assert response is not None
    assert response.status == 403
    expect(main.get_by_role("heading", level=1)).to_have_text("You are not allowed to do that")
    expect(main).to_contain_text("Only the project's client can fund its milestones.")
    assert not hired_project.milestones.exclude(status="pending").exists()

    response = page.goto(site + f"/projects/{draft.pk}/")
    assert response is not None
    assert response.status == 404
    expect(main.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(main).to_contain_text("Drafts and hidden projects are visible only to their owners")
    main.get_by_role("link", name="Browse projects").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    expect(page.locator("main")).not_to_contain_text("Secret draft")
    assert problems == []


def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(site: str, new_context: Any) -> None:
    page, _ = page_as(new_context, site, None)
    page.goto(site + "/wallet/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/wallet/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
