"""The whole journey, in Chromium, as two people in two browser contexts.

Both sign in through the page's real Sign-In with Ethereum code with their injected
test wallets (eth-account keys in this process). Then: the contributor completes a
profile and waits on the dashboard; the client posts a project with two milestones;
the contributor hears of it live, finds it under "Projects for you" and applies; the
client finds them under "Recommended contributors", accepts, gets test tokens and
funds milestone 1; the contributor sees the milestone funded live and submits; the
client approves; the contributor watches the balance change on the wallet page
without a reload, and withdraws; the client completes the project and both review.

The site runs under uvicorn (HTTP and websockets) with the real embedding model,
against the test database; every number the pages show is checked against the
ledger.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from marketplace.models import Application, Milestone, Project, Review
from matching.services import get_embedder
from notifications.models import Notification
from tests.e2e.conftest import AsgiServer, InjectedWallet
from tests.factories import account_for
from wallets import selectors as wallet_selectors
from wallets.models import Token, Withdrawal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]

TITLE = "Bittensor subnet validator for text embeddings"


class Person:
    """One person: a browser context with an injected wallet, one page, and the
    script errors and console errors that page has produced."""

    def __init__(self, new_context: Any, server: AsgiServer, persona: str) -> None:
        self.server = server
        self.wallet = InjectedWallet(account_for(persona).key.hex())
        self.context = new_context()
        self.wallet.install(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)

    @property
    def user(self) -> User:
        return User.objects.get(address=self.wallet.account.address)

    def go(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def sign_in(self) -> None:
        """The header's button, the wallet's signature, and the welcome page."""
        self.go("/")
        self.page.locator("header [data-siwe=start]").click()
        self.page.locator("[data-siwe-action=sign]").click()
        self.page.wait_for_url(re.compile(r"/accounts/welcome/$"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Welcome to WorkWall")

    def live(self) -> None:
        """Wait until the page's notification socket is open (the server said hello)."""
        expect(self.page.locator("[data-bell]")).to_have_attribute("data-socket", "open")

    def shot(self, name: str) -> None:
        """A screenshot of this step for CI's artefacts (var/screenshots/journey/)."""
        folder = Path(settings.BASE_DIR) / "var" / "screenshots" / "journey"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def flash(self) -> Any:
        return self.page.locator(".messages")

    def toast(self, text: str) -> Any:
        return self.page.locator("[data-toasts] [data-toast]").filter(has_text=text)


def usdc(amount: str) -> int:
    return int(Decimal(amount) * 10**6)


def available(user: User) -> int:
    return wallet_selectors.available_balance(user, Token.objects.get(symbol="USDC"))


def test_a_client_and_a_contributor_go_from_a_post_to_a_paid_milestone_and_reviews(
    asgi_server: AsgiServer, new_context: Any, real_model: None, settings: Any
) -> None:
    settings.WALLETS_FAUCET = True
    settings.WALLETS_FEE_BPS = 250
    get_embedder().encode(["warm up"])  # the model loads once, here, not inside the first save
    contributor = Person(new_context, asgi_server, "journey-contributor")
    client = Person(new_context, asgi_server, "journey-client")

    # -- The contributor signs in and completes a profile.
    contributor.sign_in()
    contributor.page.get_by_role("link", name=re.compile("^Complete your contributor profile")).click()
    form = contributor.page.locator("main form")
    form.get_by_label("Display name").fill("Dana Validator")
    form.get_by_label("Headline").fill("Bittensor subnet validator engineer: embeddings, scoring and operations")
    form.get_by_label("Bio").fill(
        "I run validators and miners on Bittensor subnets and write their scoring code in "
        "Python and PyTorch: text embedding models, evaluation of miner responses, weight setting."
    )
    form.get_by_label("Availability").select_option(label="Available")
    form.get_by_label("Hourly rate").fill("95")
    form.get_by_label("Rate token").select_option("USDC")
    rows = form.locator("fieldset.skill-row")
    for index, (skill, level, years) in enumerate(
        [("Bittensor", "Expert", "3"), ("Validator operations", "Expert", "3"), ("PyTorch", "Advanced", "5")]
    ):
        row = rows.nth(index)
        row.locator("select[name$='-skill']").select_option(label=skill)
        row.locator("select[name$='-level']").select_option(label=level)
        row.locator("input[name$='-years']").fill(years)
    form.get_by_role("button", name="Save").click()
    expect(contributor.flash()).to_contain_text("Your profile is saved")
    contributor.shot("01-contributor-profile-saved")
    dana = contributor.user
    assert dana.display_name == "Dana Validator"
    assert sorted(dana.profile.skills.values_list("slug", flat=True)) == [
        "bittensor",
        "pytorch",
        "validator-ops",
    ]

    # ...and waits on the dashboard, connected.
    contributor.go("/dashboard/")
    contributor.live()
    expect(contributor.page.locator("#for-you-title")).to_have_count(1)
    expect(contributor.page.get_by_text(TITLE)).to_have_count(0)

    # -- The client signs in and posts a project with two milestones.
    client.sign_in()
    client.page.locator("main").get_by_role("link", name=re.compile("^Post a project")).click()
    form = client.page.locator("main form")
    work = form.get_by_role("region", name="The work")
    work.get_by_label("Title").fill(TITLE)
    work.get_by_label("Summary").fill("Run and improve the validator of our text-embedding subnet on Bittensor.")
    work.get_by_label("Description").fill(
        "We operate a Bittensor subnet where miners serve text embeddings. We need an engineer to "
        "write and run the validator: query miners, score their embeddings against reference models, "
        "set weights, and keep it running on mainnet with monitoring."
    )
    work.get_by_label("Category").select_option(label="Subnets and validators")
    required = form.locator("fieldset", has=client.page.locator("legend", has_text="Required skills"))
    required.locator("summary", has_text="Decentralized AI").click()
    required.get_by_label("Bittensor").check()
    required.get_by_label("Validator operations").check()
    form.get_by_role("textbox", name="Budget", exact=True).fill("5000")
    form.get_by_label("Token", exact=True).select_option("USDC")
    milestones = form.locator("fieldset.formset-row")
    for index, (title, amount) in enumerate([("Validator prototype", "1500"), ("Mainnet launch", "3500")]):
        milestones.nth(index).get_by_label("Title").fill(title)
        milestones.nth(index).get_by_label("Amount").fill(amount)
    form.get_by_role("button", name="Publish project").click()
    expect(client.page.get_by_role("heading", level=1)).to_have_text(TITLE)
    # The owner's page recommends Dana (who has not applied yet: applicants are listed apart).
    recommended = client.page.get_by_role("region", name="Recommended contributors")
    expect(recommended.get_by_role("listitem").first).to_contain_text("Dana Validator")
    client.shot("02-client-project-published")
    project = Project.objects.get(title=TITLE)
    assert project.owner == client.user
    assert project.status == Project.Status.OPEN
    assert [(m.title, m.amount) for m in project.milestones.order_by("order")] == [
        ("Validator prototype", usdc("1500")),
        ("Mainnet launch", usdc("3500")),
    ]

    # -- The contributor hears of it live, and it appears under "Projects for you" (no reload).
    toast = contributor.toast(TITLE)
    expect(toast).to_be_visible(timeout=30_000)  # embedding and ranking run after the commit
    expect(toast).to_contain_text("matches your profile")
    contributor.shot("03-contributor-live-match")
    assert Notification.objects.filter(recipient=dana, kind="project_match", payload__project=project.pk).exists()
    for_you = contributor.page.get_by_role("region", name="Projects for you")
    match = for_you.get_by_role("listitem").filter(has_text=TITLE)
    expect(match).to_be_visible()
    expect(match).to_contain_text("Bittensor")  # the reasons name the shared skills
    contributor.shot("04-contributor-projects-for-you")

    # -- ...and applies.
    match.get_by_role("link", name=TITLE).click()
    contributor.page.get_by_role("link", name=re.compile(r"^Apply")).first.click()
    form = contributor.page.locator("main form")
    form.get_by_label("Cover letter").fill(
        "I have run validators on two subnets for a year; I can have a prototype scoring your miners in two weeks."
    )
    form.get_by_label("Your price").fill("5000")
    form.get_by_label("Estimated duration (days)").fill("30")
    form.get_by_role("button", name="Send application").click()
    expect(contributor.flash()).to_contain_text("Your application to")
    application = Application.objects.get(project=project, contributor=dana)

    # -- The client sees the contributor recommended, and the application.
    client.live()
    expect(client.toast("application")).to_be_visible()
    client.go(f"/projects/{project.pk}/applications/")
    card = client.page.locator("main article", has_text="Dana Validator")
    expect(card).to_contain_text("5,000 USDC")
    card.get_by_role("link", name="Open the application").click()
    expect(client.page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    client.page.get_by_role("link", name=re.compile("^Accept")).first.click()
    client.page.get_by_role("button", name="Accept and start the project").click()
    expect(client.flash()).to_contain_text("Dana Validator")
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert project.contributor == dana

    # -- The client has no funds yet: test tokens from the faucet, then fund milestone 1.
    client.go("/wallet/")
    faucet = client.page.locator("#faucet")
    faucet.get_by_label("Amount").fill("10000")
    faucet.get_by_role("button", name="Get test tokens").click()
    expect(client.flash()).to_contain_text("10,000 USDC of test tokens added")
    expect(client.page.locator("#balances")).to_contain_text("10,000")
    assert available(client.user) == usdc("10000")

    first = Milestone.objects.get(project=project, order=1)
    contributor.go(project.get_absolute_url())
    contributor.live()
    contributor_milestone = contributor.page.locator(f"#milestone-{first.pk}")
    expect(contributor_milestone.get_by_role("link", name="Submit work")).to_have_count(0)

    client.go(project.get_absolute_url())
    client.page.locator(f"#milestone-{first.pk}").get_by_role("link", name="Fund").click()
    confirm = client.page.locator("main")
    expect(confirm.get_by_role("heading", level=1)).to_have_text("Fund “Validator prototype”?")
    expect(confirm).to_contain_text("1,500 USDC")
    expect(confirm).to_contain_text("37.50 USDC")  # the 2.5 % fee, stated before any money moves
    client.shot("05-client-fund-confirmation")
    confirm.get_by_role("button", name="Fund 1,500 USDC").click()
    expect(client.flash()).to_contain_text("funded")
    first.refresh_from_db()
    assert first.status == Milestone.Status.FUNDED
    assert available(client.user) == usdc("8500")

    # -- The contributor's open project page shows the funded milestone without a reload.
    expect(contributor_milestone.get_by_role("link", name="Submit work")).to_be_visible()
    expect(contributor.toast("funded")).to_be_visible()
    contributor_milestone.get_by_role("link", name="Submit work").click()
    form = contributor.page.locator("main form")
    form.get_by_label("What you delivered").fill(
        "The validator queries every miner each tempo, scores against two reference models and sets weights."
    )
    form.get_by_label("Links").fill("https://github.com/example/subnet-validator/pull/1")
    form.get_by_role("button", name="Submit work").click()
    expect(contributor.flash()).to_contain_text("submitted")
    first.refresh_from_db()
    assert first.status == Milestone.Status.SUBMITTED

    # -- The contributor opens the wallet: nothing available yet, 1,500 held for her.
    contributor.go("/wallet/")
    contributor.live()
    balances = contributor.page.locator("#balances")
    usdc_card = balances.get_by_role("article", name="USDC")
    dana_available = usdc_card.locator(".budget")
    expect(dana_available).to_have_text("0 USDC")
    expect(usdc_card).to_contain_text(re.compile(r"Incoming.*1,500 USDC"))

    # -- The client approves, after a confirmation that states the release and the fee.
    client.go(project.get_absolute_url())
    client.page.locator(f"#milestone-{first.pk}").get_by_role("link", name="Approve", exact=True).click()
    confirm = client.page.locator("main")
    expect(confirm).to_contain_text("1,462.50 USDC")  # what Dana receives
    confirm.get_by_role("button", name="Approve and release 1,500 USDC").click()
    expect(client.flash()).to_contain_text("Dana Validator received 1,462.50 USDC (after the 37.50 USDC fee)")

    # -- Dana's wallet page changes live: the new balance, and the history with it.
    expect(dana_available).to_have_text("1,462.50 USDC", timeout=10_000)
    contributor.shot("06-contributor-wallet-paid-live")
    expect(usdc_card).to_contain_text(re.compile(r"Incoming.*\b0 USDC"))
    expect(contributor.page.locator("#history")).to_contain_text("Validator prototype")
    assert available(dana) == usdc("1462.5")
    withdraw = contributor.page.locator("#withdraw")
    expect(withdraw.get_by_role("button", name="Review the withdrawal")).to_be_visible()

    # -- Dana withdraws 1,000 USDC to her own address, after a confirmation.
    withdraw.get_by_label("Amount").fill("1000")
    destination = withdraw.get_by_label("Destination address")
    if not destination.input_value():
        destination.fill(dana.address)
    withdraw.get_by_role("button", name="Review the withdrawal").click()
    expect(contributor.page.get_by_role("heading", level=1)).to_contain_text("Withdraw 1,000 USDC?")
    contributor.shot("07-contributor-withdraw-confirmation")
    contributor.page.get_by_role("button", name="Withdraw 1,000 USDC").click()
    expect(contributor.flash()).to_contain_text("1,000 USDC")
    assert available(dana) == usdc("462.5")
    withdrawal = Withdrawal.objects.get(user=dana)
    assert withdrawal.amount == usdc("1000")
    assert withdrawal.to_address == dana.address
    contributor.live()
    # The payout worker pays it; the page shows it paid without a reload.
    asgi_server.call(lambda: call_command("payouts_run", verbosity=0))
    expect(contributor.page.locator("#withdrawals")).to_contain_text("Paid", timeout=10_000)
    withdrawal.refresh_from_db()
    assert withdrawal.status == Withdrawal.Status.CONFIRMED

    # -- The client completes the project; both leave reviews.
    client.go(project.get_absolute_url())
    client.page.get_by_role("link", name="Mark completed").click()
    expect(client.page.get_by_role("note")).to_contain_text("“Mainnet launch” (3,500 USDC) was never funded")
    client.page.get_by_role("button", name="Mark completed").click()
    expect(client.flash()).to_contain_text("is completed")
    _review(client, 5, "Dana shipped a validator that scores miners fairly, on time.")
    contributor.go(project.get_absolute_url())
    _review(contributor, 5, "Clear scope, quick answers and fast approval.")
    reviews = {(r.author, r.subject, r.rating) for r in Review.objects.filter(project=project)}
    assert reviews == {(client.user, dana, 5), (dana, client.user, 5)}
    contributor.go(f"/users/{client.user.address}/")
    expect(contributor.page.locator("main")).to_contain_text("Clear scope, quick answers")
    contributor.shot("08-client-page-with-review")

    assert contributor.problems == []
    assert client.problems == []


def _review(person: Person, rating: int, text: str) -> None:
    section = person.page.locator("#reviews")
    section.get_by_role("radio", name=re.compile(rf"\b{rating} –")).check()
    section.get_by_role("textbox", name="Your review").fill(text)
    section.get_by_role("button", name="Publish review").click()
    expect(person.page.locator("#reviews")).to_contain_text(text)
