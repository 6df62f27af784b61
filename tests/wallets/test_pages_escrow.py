"""Milestone escrow through the web pages: each action has a page stating the amounts
and the fee, then its POST moves the money (real services, exact balances); only the
side that may act sees the buttons, and the other side gets the 403 page."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import Milestone, Project
from tests.factories import MilestoneFactory, token
from tests.marketplace.test_pages_security import offences
from wallets import escrow, payouts
from wallets.models import Account, Dispute, Submission
from wallets.selectors import available_balance

pytestmark = pytest.mark.django_db

USDC = 10**6


def url(action: str, milestone: Milestone) -> str:
    return reverse(f"wallets:milestone_{action}", args=[milestone.pk])


def hidden(page: Any) -> dict[str, str]:
    """What a browser sends from the page's form without the person typing it: the
    single-use token and the form's hidden fields (the offer accepted)."""
    form = page.context["form"]
    return {"once": page.context["once"], **{field.html_name: str(field.value()) for field in form.hidden_fields()}}


def act(client: Client, action: str, milestone: Milestone, data: dict[str, str] | None = None) -> Any:
    """Open the action's page like a person would, then send its form (with the
    page's single-use token and hidden fields) and follow the redirect."""
    page = client.get(url(action, milestone))
    assert page.status_code == 200, page.content.decode()[:500]
    return client.post(url(action, milestone), {**hidden(page), **(data or {})}, follow=True)


def text(response: Any) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def available(user: User) -> int:
    return available_balance(user, token("USDC"))


def held(milestone: Milestone) -> int:
    account = Account.objects.filter(kind=Account.Kind.ESCROW, milestone=milestone).first()
    return account.balance if account else 0


def fees() -> int:
    account = Account.objects.filter(kind=Account.Kind.FEES, token=token("USDC")).first()
    return account.balance if account else 0


def first(project: Project) -> Milestone:
    return project.milestones.get(order=1)


@pytest.fixture
def alice(browser_as: Any, client_alice: User) -> Client:
    client: Client = browser_as(client_alice)
    return client


@pytest.fixture
def bob(browser_as: Any, contributor_bob: User) -> Client:
    client: Client = browser_as(contributor_bob)
    return client


@pytest.fixture
def prototype(hired_project: Project) -> Milestone:
    return first(hired_project)


@pytest.fixture
def funded(alice: Client, prototype: Milestone) -> Milestone:
    act(alice, "fund", prototype)
    prototype.refresh_from_db()
    assert prototype.status == Milestone.Status.FUNDED
    return prototype


@pytest.fixture
def submitted(bob: Client, funded: Milestone) -> Milestone:
    act(bob, "submit", funded, {"note": "Validator running on testnet.", "links": "https://github.com/bob/validator"})
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.SUBMITTED
    return funded


# --- funding ------------------------------------------------------------------------


def test_the_fund_page_states_the_amount_the_fee_and_the_balance_before_anything_moves(
    alice: Client, client_alice: User, prototype: Milestone
) -> None:
    page = alice.get(url("fund", prototype))

    assertContains(page, "Fund “Prototype”?")
    assertContains(page, "fee 2.5 % = 25 USDC, Bob Builder receives 975 USDC")
    assertContains(page, "Your available balance")
    assertContains(page, 'title="10000 USDC">10,000 USDC</span>', html=False)
    assertContains(page, "Available after funding")
    assertContains(page, "9,000 USDC")
    assertContains(page, "Fund 1,000 USDC</button>", html=False)
    assert available(client_alice) == 10_000 * USDC
    assert offences(page.content.decode()) == []


def test_the_client_funds_a_milestone(alice: Client, client_alice: User, prototype: Milestone, inbox: Any) -> None:
    response = act(alice, "fund", prototype)

    assertRedirects(response, prototype.get_absolute_url(), fetch_redirect_response=False)
    assert response.redirect_chain[-1][0].endswith(f"#milestone-{prototype.pk}")
    assertContains(response, "“Prototype” is funded: 1,000 USDC is held in escrow.")
    prototype.refresh_from_db()
    assert prototype.status == Milestone.Status.FUNDED
    assert prototype.fee_bps == 250
    assert available(client_alice) == 9_000 * USDC
    assert held(prototype) == 1_000 * USDC
    assert "milestone_funded" in inbox(prototype.project.contributor)


def test_a_second_fund_is_refused_as_already_funded(alice: Client, client_alice: User, funded: Milestone) -> None:
    response = alice.post(url("fund", funded))

    assertContains(response, "This milestone is funded, so it cannot be funded again.")
    assertNotContains(response, "Fund 1,000 USDC</button>", html=False)
    assert available(client_alice) == 9_000 * USDC
    assert held(funded) == 1_000 * USDC


def test_the_same_form_sent_twice_moves_the_money_once(alice: Client, client_alice: User, prototype: Milestone) -> None:
    once = alice.get(url("fund", prototype)).context["once"]

    alice.post(url("fund", prototype), {"once": once})
    again = alice.post(url("fund", prototype), {"once": once}, follow=True)

    assertContains(again, "That form was already sent, and it is acted on only once.")
    assert available(client_alice) == 9_000 * USDC
    assert held(prototype) == 1_000 * USDC


def test_a_client_short_of_funds_is_told_how_much_more_is_needed(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    big = MilestoneFactory(project=hired_project, title="Audit", amount=12_500 * USDC, order=3)

    page = alice.get(url("fund", big))

    assertContains(page, "Still needed")
    assertContains(page, "Your available balance is 2,500 USDC short.")
    assertContains(page, reverse("wallets:wallet"))
    assertNotContains(page, "Fund 12,500 USDC</button>", html=False)

    response = alice.post(url("fund", big))

    assertContains(response, "Deposit 2,500 USDC more and try again.")
    big.refresh_from_db()
    assert big.status == Milestone.Status.PENDING
    assert available(client_alice) == 10_000 * USDC


def test_the_project_page_shows_the_client_their_balance_and_the_fund_button(
    alice: Client, hired_project: Project, prototype: Milestone
) -> None:
    page = alice.get(hired_project.get_absolute_url())

    assertContains(page, f'id="milestone-{prototype.pk}"')
    assertContains(page, "Your available balance: <strong>10,000 USDC</strong>", html=False)
    assertContains(page, url("fund", prototype))
    assertContains(page, "When released: fee 2.5 % = 25 USDC, Bob Builder receives 975 USDC.")
    assertNotContains(page, url("submit", prototype))


# --- the whole path: fund, submit, request changes, submit, approve -------------------------------


def test_fund_submit_request_changes_submit_approve(
    alice: Client, bob: Client, client_alice: User, contributor_bob: User, funded: Milestone
) -> None:
    project_page = funded.project.get_absolute_url()
    assertContains(bob.get(project_page), url("submit", funded))
    assertNotContains(alice.get(project_page), url("submit", funded))

    submit_page = bob.get(url("submit", funded))
    assertContains(submit_page, "Up to 10 web addresses")
    assertContains(submit_page, "You receive after the fee")
    assertContains(submit_page, "975 USDC")

    response = act(
        bob,
        "submit",
        funded,
        {
            "note": "First cut of the validator.",
            "links": "https://github.com/bob/validator\n\nhttps://demo.example.org\n",
        },
    )

    assertContains(response, "Your work is submitted. Alice Client has until")
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.SUBMITTED
    assert Submission.objects.get(milestone=funded).links == [
        "https://github.com/bob/validator",
        "https://demo.example.org",
    ]
    client_view = alice.get(project_page)
    assert f"Released automatically on {funded.review_due_at:%-d %b} unless the client acts." in text(client_view)
    assertContains(client_view, "First cut of the validator.")
    for action in ("approve", "approve_part", "request_changes", "dispute"):
        assertContains(client_view, url(action, funded))
    assertNotContains(client_view, url("refund", funded))

    changes_page = alice.get(url("request_changes", funded))
    assertContains(changes_page, "First cut of the validator.")
    response = act(alice, "request_changes", funded, {"feedback": "Add the scoring dashboard."})

    assertContains(response, "Bob Builder is asked for changes.")
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.CHANGES_REQUESTED
    assert funded.review_due_at is None
    assertContains(bob.get(project_page), "Add the scoring dashboard.")

    act(bob, "submit", funded, {"note": "Dashboard added.", "links": "https://dash.example.org"})
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.SUBMITTED
    page = alice.get(project_page)
    assertContains(page, "Changes requested")
    assertContains(page, "Resubmitted")

    approve_page = alice.get(url("approve", funded))
    assertContains(approve_page, "Platform fee (2.5 %)")
    assertContains(approve_page, "25 USDC")
    assertContains(approve_page, "975 USDC")
    assertContains(approve_page, "This cannot be undone.")
    assertContains(approve_page, "Dashboard added.")

    response = act(alice, "approve", funded)

    assertContains(response, "“Prototype” is approved: Bob Builder received 975 USDC (after the 25 USDC fee).")
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.APPROVED
    assert (funded.released_amount, funded.fee_amount, funded.refunded_amount) == (975 * USDC, 25 * USDC, 0)
    assert available(contributor_bob) == 975 * USDC
    assert available(client_alice) == 9_000 * USDC
    assert held(funded) == 0
    assert fees() == 25 * USDC
    settled = bob.get(project_page)
    assertContains(settled, "Bob Builder received")
    assertNotContains(settled, url("dispute", funded))


def test_a_submission_without_a_note_shows_the_service_message_on_the_field(bob: Client, funded: Milestone) -> None:
    response = act(bob, "submit", funded, {"note": "  ", "links": "not a link"})

    assertContains(response, "A note on what you delivered is required.")
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.FUNDED


# --- partial approval ---------------------------------------------------------------


def test_a_partial_offer_the_contributor_accepts(
    alice: Client, bob: Client, client_alice: User, contributor_bob: User, submitted: Milestone
) -> None:
    page = alice.get(url("approve_part", submitted))
    assertContains(page, "Nothing moves until Bob Builder accepts.")
    assertContains(page, "the whole amount is released automatically")

    response = act(alice, "approve_part", submitted, {"amount": "600", "note": "Only the testnet half works."})

    assertContains(response, "Your offer of 600 USDC is sent to Bob Builder.")
    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.SUBMITTED
    assert submitted.partial_offer == 600 * USDC
    assert held(submitted) == 1_000 * USDC
    bob_view = bob.get(submitted.project.get_absolute_url())
    assertContains(bob_view, "Partial approval offered:")
    assertContains(bob_view, "Only the testnet half works.")
    assertContains(bob_view, url("accept_part", submitted))

    accept = bob.get(url("accept_part", submitted))
    assertContains(accept, "Offered to you")
    assertContains(accept, "15 USDC")
    assertContains(accept, "585 USDC")
    assertContains(accept, "Back to Alice Client")
    assertContains(accept, "400 USDC")

    response = act(bob, "accept_part", submitted)

    assertContains(response, "You accepted: 585 USDC is in your available balance (after the 15 USDC fee)")
    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.APPROVED
    assert available(contributor_bob) == 585 * USDC
    assert available(client_alice) == 9_400 * USDC
    assert fees() == 15 * USDC
    assert held(submitted) == 0


def test_an_offer_lowered_after_the_contributor_opened_the_page_is_not_accepted(
    alice: Client, bob: Client, client_alice: User, contributor_bob: User, submitted: Milestone
) -> None:
    act(alice, "approve_part", submitted, {"amount": "600", "note": "Only the testnet half works."})
    page = bob.get(url("accept_part", submitted))
    assertContains(page, "Accept 600 USDC</button>", html=False)
    assertContains(page, f'<input type="hidden" name="offer" value="{600 * USDC}"', html=False)

    # While Bob reads, Alice lowers her offer.
    act(alice, "approve_part", submitted, {"amount": "500", "note": "The dashboards are missing too."})
    response = bob.post(url("accept_part", submitted), hidden(page), follow=True)

    assert response.status_code == 200
    assert (
        "Alice Client changed the offer while this page was open: it is now 500 USDC, not the 600 USDC you were "
        "shown. Nothing has moved." in text(response)
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.partial_offer) == (Milestone.Status.SUBMITTED, 500 * USDC)
    assert held(submitted) == 1_000 * USDC
    assert available(contributor_bob) == 0
    assert available(client_alice) == 9_000 * USDC
    assert fees() == 0
    # The page now shows the new offer, and its form carries it.
    assertContains(response, "The dashboards are missing too.")
    assertContains(response, "487.50 USDC")  # 500 less the 2.5 % fee
    assertContains(response, "Accept 500 USDC</button>", html=False)
    assert hidden(response)["offer"] == str(500 * USDC)

    accepted = bob.post(url("accept_part", submitted), hidden(response), follow=True)

    assertContains(accepted, "You accepted: 487.50 USDC is in your available balance (after the 12.50 USDC fee)")
    assert available(contributor_bob) == 487_500_000
    assert available(client_alice) == 9_500 * USDC


def test_accepting_without_saying_which_offer_moves_nothing(
    alice: Client, bob: Client, contributor_bob: User, submitted: Milestone
) -> None:
    act(alice, "approve_part", submitted, {"amount": "600", "note": "Half."})
    once = bob.get(url("accept_part", submitted)).context["once"]

    for offer in ({}, {"offer": ""}, {"offer": "600"}, {"offer": "-1"}, {"offer": "²"}):
        response = bob.post(url("accept_part", submitted), {"once": once, **offer})
        if offer.get("offer") == "600":
            # 600 base units, not 600 USDC: a different offer.
            assertContains(response, "changed the offer while this page was open")
        else:
            assertContains(response, "This page does not say which offer you accept.")

    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.SUBMITTED
    assert available(contributor_bob) == 0
    assert held(submitted) == 1_000 * USDC


def test_pages_that_move_money_state_amounts_and_fees_exactly(
    alice: Client, bob: Client, client_alice: User, contributor_bob: User, hired_project: Project
) -> None:
    # 2.5 % of 100.016 USDC is 2.5004 USDC: rounded for reading it would show as 2.5.
    odd = MilestoneFactory(project=hired_project, title="Audit", amount=100_016_000, order=3)

    fund = alice.get(url("fund", odd))

    assertContains(fund, "fee 2.5 % = 2.5004 USDC, Bob Builder receives 97.5156 USDC")
    assertContains(fund, "Fund 100.016 USDC</button>", html=False)
    assertContains(fund, 'title="100.016 USDC">100.016 USDC</span>', html=False)
    assertContains(fund, "9,899.984 USDC")  # available after funding

    assertContains(act(alice, "fund", odd), "“Audit” is funded: 100.016 USDC is held in escrow.")
    act(bob, "submit", odd, {"note": "Audit report attached.", "links": "https://audit.example.org"})
    approve = alice.get(url("approve", odd))

    assertContains(approve, "Approve and release 100.016 USDC</button>", html=False)
    assertContains(approve, 'title="2.5004 USDC">2.5004 USDC</span>', html=False)
    assertContains(approve, 'title="97.5156 USDC">97.5156 USDC</span>', html=False)

    done = act(alice, "approve", odd)

    assertContains(done, "Bob Builder received 97.5156 USDC (after the 2.5004 USDC fee).")
    assert available(contributor_bob) == 97_515_600
    assert fees() == 2_500_400


def test_a_partial_amount_that_is_not_a_number_stays_on_the_field(alice: Client, submitted: Milestone) -> None:
    response = act(alice, "approve_part", submitted, {"amount": "lots", "note": "Half."})

    assertContains(response, "is not a number")
    submitted.refresh_from_db()
    assert submitted.partial_offer is None


def test_a_partial_amount_above_the_hold_shows_the_service_message(alice: Client, submitted: Milestone) -> None:
    response = act(alice, "approve_part", submitted, {"amount": "1500", "note": "More."})

    assertContains(response, "Approve an amount above zero and at most the 1,000 USDC held.")
    submitted.refresh_from_db()
    assert submitted.partial_offer is None


# --- refund -------------------------------------------------------------------------


def test_the_client_refunds_before_any_submission(
    alice: Client, client_alice: User, contributor_bob: User, funded: Milestone
) -> None:
    page = alice.get(url("refund", funded))
    assertContains(page, "Back to your available balance")
    assertContains(page, "cannot be undone")

    response = act(alice, "refund", funded, {"reason": "Scope changed."})

    assertContains(response, "“Prototype” is refunded: 1,000 USDC is back in your available balance.")
    funded.refresh_from_db()
    assert funded.status == Milestone.Status.REFUNDED
    assert available(client_alice) == 10_000 * USDC
    assert available(contributor_bob) == 0
    assert held(funded) == 0


def test_after_a_submission_the_refund_is_neither_offered_nor_possible(
    alice: Client, client_alice: User, submitted: Milestone
) -> None:
    assertNotContains(alice.get(submitted.project.get_absolute_url()), url("refund", submitted))

    response = alice.post(url("refund", submitted), {"reason": "Changed my mind."})

    assertContains(response, "only an arbiter can refund it: open a dispute.")
    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.SUBMITTED
    assert available(client_alice) == 9_000 * USDC


# --- disputes -----------------------------------------------------------------------


def test_a_dispute_resolved_by_an_arbiter_with_a_split(
    bob: Client,
    browser_as: Any,
    client_alice: User,
    contributor_bob: User,
    moderator: User,
    submitted: Milestone,
) -> None:
    page = bob.get(url("dispute", submitted))
    assertContains(page, "pays the 2.5 % fee")

    response = act(bob, "dispute", submitted, {"reason": "The client went silent after delivery."})

    dispute = Dispute.objects.get(milestone=submitted)
    assertRedirects(response, dispute.get_absolute_url())
    assertContains(response, "Your dispute is open.")
    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.DISPUTED
    assertContains(bob.get(submitted.project.get_absolute_url()), dispute.get_absolute_url())
    assertNotContains(response, "Resolve as arbiter")

    arbiter = browser_as(moderator)
    dispute_page = arbiter.get(dispute.get_absolute_url())
    assertContains(dispute_page, "The client went silent after delivery.")
    assertContains(dispute_page, "Resolve as arbiter")
    assertContains(dispute_page, "The contributor’s part pays the platform fee (2.5 %)")
    assertContains(dispute_page, 'name="to_contributor"')
    assertNotContains(dispute_page, 'name="to_contributor" value=')  # no prefilled split

    resolve = reverse("wallets:dispute_resolve", args=[dispute.pk])
    data = {"to_contributor": "700", "to_client": "300", "resolution": "Most of the work was delivered."}
    confirm = arbiter.post(resolve, data)

    assertContains(confirm, "Resolve the dispute with this split?")
    assertContains(confirm, "17.50 USDC")
    assertContains(confirm, "682.50 USDC")
    assertContains(confirm, "Back to Alice Client")
    assertContains(confirm, "300 USDC")
    assert held(submitted) == 1_000 * USDC

    done = arbiter.post(resolve, {**data, "confirm": "yes", "once": confirm.context["once"]}, follow=True)

    assertRedirects(done, dispute.get_absolute_url())
    assertContains(done, "The dispute is resolved")
    dispute.refresh_from_db()
    submitted.refresh_from_db()
    assert dispute.status == Dispute.Status.RESOLVED
    assert (dispute.to_contributor, dispute.to_client) == (700 * USDC, 300 * USDC)
    assert submitted.status == Milestone.Status.APPROVED
    assert available(contributor_bob) == 682_500_000
    assert available(client_alice) == 9_300 * USDC
    assert fees() == 17_500_000
    assert held(submitted) == 0
    decision = bob.get(dispute.get_absolute_url())
    assertContains(decision, "The decision")
    assertContains(decision, "Most of the work was delivered.")
    assertContains(decision, "682.50 USDC")


def test_a_split_that_does_not_add_up_is_refused_on_the_field(
    bob: Client, browser_as: Any, moderator: User, submitted: Milestone
) -> None:
    act(bob, "dispute", submitted, {"reason": "Unpaid."})
    dispute = Dispute.objects.get(milestone=submitted)

    response = browser_as(moderator).post(
        reverse("wallets:dispute_resolve", args=[dispute.pk]),
        {"to_contributor": "700", "to_client": "200", "resolution": "Split."},
    )

    assertContains(response, "The two amounts must add up to the 1,000 USDC held; they add up to 900 USDC.")
    assert held(submitted) == 1_000 * USDC


def test_a_party_cannot_resolve_and_others_cannot_see_the_dispute(
    alice: Client, bob: Client, browser_as: Any, mallory: User, submitted: Milestone
) -> None:
    act(alice, "dispute", submitted, {"reason": "Not what we agreed."})
    dispute = Dispute.objects.get(milestone=submitted)
    resolve = reverse("wallets:dispute_resolve", args=[dispute.pk])

    assert bob.get(dispute.get_absolute_url()).status_code == 200
    assert browser_as(mallory).get(dispute.get_absolute_url()).status_code == 404
    assert browser_as(mallory).post(resolve, {"to_contributor": "1000", "to_client": "0"}).status_code == 404
    forged = bob.post(resolve, {"to_contributor": "1000", "to_client": "0", "resolution": "Me", "confirm": "yes"})
    assert forged.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN


# --- who sees what ------------------------------------------------------------------


def test_the_wrong_side_sees_no_buttons_and_gets_403_on_a_forged_post(
    alice: Client, bob: Client, browser_as: Any, mallory: User, client_alice: User, prototype: Milestone
) -> None:
    project_page = prototype.project.get_absolute_url()
    assertNotContains(bob.get(project_page), url("fund", prototype))
    intruder = browser_as(mallory)
    mallory_page = intruder.get(project_page)
    assertContains(mallory_page, f'id="milestone-{prototype.pk}"')
    assertNotContains(mallory_page, "/milestones/")
    assertNotContains(mallory_page, "When released")

    assert bob.get(url("fund", prototype)).status_code == 403
    assert bob.post(url("fund", prototype)).status_code == 403
    assert intruder.post(url("fund", prototype)).status_code == 403
    assert alice.get(url("submit", prototype)).status_code == 403
    assert intruder.post(url("dispute", prototype), {"reason": "Let me in."}).status_code == 403
    prototype.refresh_from_db()
    assert prototype.status == Milestone.Status.PENDING
    assert available(client_alice) == 10_000 * USDC


def test_the_contributor_cannot_approve_their_own_work(
    bob: Client, contributor_bob: User, submitted: Milestone
) -> None:
    assertNotContains(bob.get(submitted.project.get_absolute_url()), url("approve", submitted))

    assert bob.post(url("approve", submitted)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Milestone.Status.SUBMITTED
    assert available(contributor_bob) == 0


def test_anonymous_visitors_are_sent_to_sign_in(browser_as: Any, prototype: Milestone) -> None:
    response = browser_as(None).get(url("fund", prototype))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_action_page_keeps_to_the_content_security_policy(
    alice: Client, bob: Client, browser_as: Any, moderator: User, submitted: Milestone
) -> None:
    pages = [alice.get(url(a, submitted)) for a in ("approve", "approve_part", "request_changes", "dispute")]
    pages += [bob.get(url("dispute", submitted)), alice.get(submitted.project.get_absolute_url())]
    act(bob, "dispute", submitted, {"reason": "Silent client."})
    pages.append(browser_as(moderator).get(Dispute.objects.get(milestone=submitted).get_absolute_url()))

    for page in pages:
        assert page.status_code == 200
        assert offences(page.content.decode()) == []


def test_a_refused_form_can_be_sent_again_once_the_cause_is_fixed(
    alice: Client, client_alice: User, hired_project: Project, settings: Any
) -> None:
    big = MilestoneFactory(project=hired_project, title="Audit", amount=12_500 * USDC, order=3)
    once = alice.get(url("fund", big)).context["once"]
    alice.post(url("fund", big), {"once": once})
    settings.WALLETS_FAUCET = True
    payouts.faucet(user=client_alice, token=token("USDC"), amount=2_500 * USDC)

    response = alice.post(url("fund", big), {"once": once}, follow=True)

    assertContains(response, "“Audit” is funded")
    assert available(client_alice) == 0
    assert held(big) == 12_500 * USDC


def test_the_timeline_says_when_a_milestone_was_released_automatically(
    alice: Client, submitted: Milestone, contributor_bob: User
) -> None:
    assert submitted.review_due_at is not None
    escrow.milestones_auto_release(now=submitted.review_due_at + timedelta(seconds=1))

    page = alice.get(submitted.project.get_absolute_url())

    assertContains(page, "Released automatically")
    assert "Bob Builder received 975 USDC (fee 25 USDC)." in text(page)
    assert available(contributor_bob) == 975 * USDC
