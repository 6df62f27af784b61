"""/api/v1/milestones/{id}/ escrow actions and /api/v1/disputes/: exact amounts,
who may do what, bad amounts and state refusals."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from marketplace.models import Milestone, Project
from tests.factories import MilestoneFactory, ProjectFactory, token
from wallets import escrow, ledger, selectors
from wallets.models import Dispute

pytestmark = pytest.mark.django_db

USDC = 10**6


@pytest.fixture(autouse=True)
def _escrow_settings(settings: Any) -> None:
    settings.WALLETS_FEE_BPS = 250
    settings.WALLETS_REVIEW_WINDOW_DAYS = 14


@pytest.fixture
def prototype(hired_project: Project) -> Milestone:
    """The 1,000 USDC milestone of Alice's project, not funded yet."""
    return hired_project.milestones.get(order=1)


@pytest.fixture
def funded(prototype: Milestone, client_alice: User) -> Milestone:
    return escrow.milestone_fund(milestone=prototype, actor=client_alice)


@pytest.fixture
def submitted(funded: Milestone, contributor_bob: User) -> Milestone:
    escrow.milestone_submit(milestone=funded, actor=contributor_bob, note="Done", links=["https://example.com/pr/1"])
    return Milestone.objects.get(pk=funded.pk)


@pytest.fixture
def dispute(funded: Milestone, contributor_bob: User) -> Dispute:
    return escrow.milestone_dispute(milestone=funded, actor=contributor_bob, reason="The client went silent.")


def available(user: User) -> int:
    return selectors.available_balance(user, token("USDC"))


def hold(milestone: Milestone) -> int:
    return ledger.escrow_account(milestone, token("USDC")).balance  # type: ignore[no-any-return]


def url(milestone: Milestone, action: str = "") -> str:
    return f"/api/v1/milestones/{milestone.pk}/" + (f"{action}/" if action else "")


def post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, format="json")


# --- reading --------------------------------------------------------------------


def test_a_pending_milestone_shows_the_fee_at_todays_rate(
    api_as: Any, prototype: Milestone, client_alice: User, hired_project: Project
) -> None:
    response = api_as(client_alice).get(url(prototype))

    assert response.status_code == 200
    assert response.json() == {
        "id": prototype.pk,
        "project": hired_project.pk,
        "order": 1,
        "title": "Prototype",
        "status": "pending",
        "token": "USDC",
        "amount": "1000",
        "fee_bps": None,
        "fee_quote": {"amount": "1000", "fee_bps": 250, "fee": "25", "to_contributor": "975"},
        "funded_at": None,
        "submitted_at": None,
        "review_due_at": None,
        "settled_at": None,
        "released_amount": "0",
        "fee_amount": "0",
        "refunded_amount": "0",
        "partial_offer": None,
        "partial_offer_note": "",
        "submissions": [],
        "open_dispute": None,
    }


def test_a_funded_milestone_keeps_the_rate_it_was_funded_at(
    api_as: Any, funded: Milestone, contributor_bob: User, settings: Any
) -> None:
    settings.WALLETS_FEE_BPS = 500

    body = api_as(contributor_bob).get(url(funded)).json()

    assert body["fee_bps"] == 250
    assert body["fee_quote"] == {"amount": "1000", "fee_bps": 250, "fee": "25", "to_contributor": "975"}


def test_a_milestone_is_hidden_from_people_outside_the_project(
    api_as: Any, prototype: Milestone, mallory: User
) -> None:
    response = api_as(mallory).get(url(prototype))

    assert response.status_code == 404
    assert response.json()["code"] == "milestone_not_found"


def test_staff_can_read_any_milestone(api_as: Any, prototype: Milestone, moderator: User) -> None:
    assert api_as(moderator).get(url(prototype)).status_code == 200


@pytest.mark.parametrize("action", ["", "fund", "submit", "approve", "request-changes", "accept-partial", "refund"])
def test_escrow_endpoints_need_a_signed_in_user(api_as: Any, prototype: Milestone, action: str) -> None:
    client = api_as(None)
    response = client.get(url(prototype)) if not action else post(client, url(prototype, action))

    assert response.status_code == 401


# --- funding --------------------------------------------------------------------


def test_funding_moves_the_amount_from_the_client_into_escrow(
    api_as: Any, prototype: Milestone, client_alice: User
) -> None:
    response = post(api_as(client_alice), url(prototype, "fund"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "funded"
    assert body["fee_bps"] == 250
    assert body["funded_at"] is not None
    assert available(client_alice) == 9_000 * USDC
    assert hold(prototype) == 1_000 * USDC
    balances = api_as(client_alice).get("/api/v1/wallet/balances/").json()[0]
    assert (balances["available"], balances["in_escrow"]) == ("9000", "1000")


def test_the_contributor_cannot_fund(api_as: Any, prototype: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(prototype, "fund"))

    assert response.status_code == 403
    assert response.json() == {"code": "not_client", "detail": "Only the project's client can fund its milestones."}


def test_a_stranger_cannot_fund(api_as: Any, prototype: Milestone, mallory: User, client_alice: User) -> None:
    response = post(api_as(mallory), url(prototype, "fund"))

    assert response.status_code == 404
    assert available(client_alice) == 10_000 * USDC


def test_funding_twice_is_refused(api_as: Any, funded: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(funded, "fund"))

    assert response.status_code == 409
    assert response.json()["code"] == "already_funded"
    assert available(client_alice) == 9_000 * USDC


def test_funding_beyond_the_balance_is_refused(api_as: Any, client_alice: User, contributor_bob: User) -> None:
    project = ProjectFactory(owner=client_alice, contributor=contributor_bob, status=Project.Status.IN_PROGRESS)
    milestone = MilestoneFactory(project=project, amount=USDC)

    response = post(api_as(client_alice), url(milestone, "fund"))

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_funds"
    assert response.json()["detail"] == (
        "Your available balance is 0 USDC; this needs 1 USDC. Deposit 1 USDC more and try again."
    )


# --- submitting and reviewing ---------------------------------------------------


def test_the_contributor_submits_work_and_starts_the_review_window(
    api_as: Any, funded: Milestone, contributor_bob: User
) -> None:
    response = post(
        api_as(contributor_bob),
        url(funded, "submit"),
        {"note": "Validator running on testnet.", "links": ["https://github.com/bob/validator/pull/1", ""]},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["review_due_at"] is not None
    [submission] = body["submissions"]
    assert submission["author"] == contributor_bob.pk
    assert submission["note"] == "Validator running on testnet."
    assert submission["links"] == ["https://github.com/bob/validator/pull/1"]
    assert submission["feedback"] == ""


def test_the_client_cannot_submit(api_as: Any, funded: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(funded, "submit"), {"note": "Me?"})

    assert response.status_code == 403
    assert response.json()["code"] == "not_contributor"


def test_a_submission_needs_a_note(api_as: Any, funded: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(funded, "submit"), {"note": "  "})

    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["A note on what you delivered is required."]}


def test_submitting_before_funding_is_refused(api_as: Any, prototype: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(prototype, "submit"), {"note": "Done"})

    assert response.status_code == 409
    assert response.json()["code"] == "not_submittable"


def test_approving_releases_the_hold_less_the_fee(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    response = post(api_as(client_alice), url(submitted, "approve"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert (body["released_amount"], body["fee_amount"], body["refunded_amount"]) == ("975", "25", "0")
    assert available(contributor_bob) == 975 * USDC
    assert available(client_alice) == 9_000 * USDC
    assert ledger.fees_account(token("USDC")).balance == 25 * USDC
    assert hold(submitted) == 0


def test_approving_before_a_submission_is_refused(api_as: Any, funded: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(funded, "approve"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_submitted"


def test_the_contributor_cannot_approve(api_as: Any, submitted: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(submitted, "approve"))

    assert response.status_code == 403
    assert response.json()["code"] == "not_client"


def test_a_partial_approval_is_an_offer_the_contributor_accepts(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    offer = post(
        api_as(client_alice), url(submitted, "approve"), {"amount": "600.5", "note": "The dashboard is missing."}
    )

    assert offer.status_code == 200
    assert offer.json()["status"] == "submitted"
    assert (offer.json()["partial_offer"], offer.json()["partial_offer_note"]) == (
        "600.5",
        "The dashboard is missing.",
    )
    assert available(contributor_bob) == 0

    accepted = post(api_as(contributor_bob), url(submitted, "accept-partial"), {"amount": "600.5"})

    assert accepted.status_code == 200
    body = accepted.json()
    assert body["status"] == "approved"
    # 600.5 less 2.5 %: a fee of 15.0125, 585.4875 to Bob; 399.5 back to Alice.
    assert (body["released_amount"], body["fee_amount"], body["refunded_amount"]) == (
        "585.4875",
        "15.0125",
        "399.5",
    )
    assert available(contributor_bob) == 585_487_500
    assert available(client_alice) == 9_399_500_000
    assert hold(submitted) == 0


def test_accepting_without_an_offer_is_refused(api_as: Any, submitted: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(submitted, "accept-partial"), {"amount": "1"})

    assert response.status_code == 409
    assert response.json()["code"] == "no_offer"


def test_the_client_cannot_accept_their_own_offer(api_as: Any, submitted: Milestone, client_alice: User) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=500 * USDC, note="Half.")

    response = post(api_as(client_alice), url(submitted, "accept-partial"), {"amount": "500"})

    assert response.status_code == 403
    assert response.json()["code"] == "not_contributor"


def test_the_contributor_accepts_only_the_offer_they_saw(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=900 * USDC, note="Nearly all.")
    seen = api_as(contributor_bob).get(url(submitted)).json()["partial_offer"]
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=1, note="Changed my mind.")

    response = post(api_as(contributor_bob), url(submitted, "accept-partial"), {"amount": seen})

    assert seen == "900"
    assert response.status_code == 409
    assert response.json()["code"] == "offer_changed"
    assert "0.000001 USDC" in response.json()["detail"]
    assert available(contributor_bob) == 0
    assert hold(submitted) == 1_000 * USDC


def test_accepting_needs_the_offered_amount(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=500 * USDC, note="Half.")

    response = post(api_as(contributor_bob), url(submitted, "accept-partial"))

    assert response.status_code == 400
    assert "amount" in response.json()["errors"]
    assert hold(submitted) == 1_000 * USDC


APPROVE_BAD_AMOUNTS = [
    ("1.0000001", "This token has 6 decimal places; the amount has 7. (USDC)"),
    ("-1", "The amount cannot be negative. (USDC)"),
    ("0", "The amount must be greater than zero. (USDC)"),
    ("lots", "“lots” is not a number. Enter an amount such as 1500 or 12.5. (USDC)"),
    (
        600.5,
        'Send amounts as decimal strings such as "1500.5": a JSON number with a fraction is a float and cannot '
        "hold an exact amount.",
    ),
]


@pytest.mark.parametrize(("amount", "message"), APPROVE_BAD_AMOUNTS)
def test_a_partial_approval_refuses_a_bad_amount(
    api_as: Any, submitted: Milestone, client_alice: User, amount: Any, message: str
) -> None:
    response = post(api_as(client_alice), url(submitted, "approve"), {"amount": amount, "note": "Part."})

    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": [message]}
    assert response.json()["detail"] == f"The request is invalid. amount: {message}"
    assert Milestone.objects.get(pk=submitted.pk).partial_offer is None


def test_a_partial_approval_above_the_hold_is_refused(api_as: Any, submitted: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(submitted, "approve"), {"amount": "1000.000001", "note": "?"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_amount"
    assert list(response.json()["errors"]) == ["amount"]


def test_approving_the_whole_amount_explicitly_releases_it(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    response = post(api_as(client_alice), url(submitted, "approve"), {"amount": 1000})

    assert response.json()["status"] == "approved"
    assert available(contributor_bob) == 975 * USDC


def test_requesting_changes_records_the_feedback_and_stops_the_clock(
    api_as: Any, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    response = post(api_as(client_alice), url(submitted, "request-changes"), {"feedback": "Add monitoring."})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "changes_requested"
    assert body["review_due_at"] is None
    assert body["submissions"][0]["feedback"] == "Add monitoring."

    again = post(api_as(contributor_bob), url(submitted, "submit"), {"note": "Monitoring added."})

    assert again.json()["status"] == "submitted"
    assert [s["note"] for s in again.json()["submissions"]] == ["Done", "Monitoring added."]


def test_the_contributor_cannot_request_changes(api_as: Any, submitted: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(submitted, "request-changes"), {"feedback": "Pay me"})

    assert response.status_code == 403


# --- refunds --------------------------------------------------------------------


def test_the_client_takes_an_unsubmitted_milestone_back(api_as: Any, funded: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(funded, "refund"), {"reason": "Plans changed."})

    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    assert response.json()["refunded_amount"] == "1000"
    assert available(client_alice) == 10_000 * USDC
    assert hold(funded) == 0


def test_the_client_cannot_refund_after_a_submission(api_as: Any, submitted: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(submitted, "refund"))

    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"
    assert hold(submitted) == 1_000 * USDC


def test_the_contributor_cannot_refund(api_as: Any, funded: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(funded, "refund"))

    assert response.status_code == 403
    assert response.json()["code"] == "not_client"


def test_staff_can_refund_a_submitted_milestone(
    api_as: Any, submitted: Milestone, moderator: User, client_alice: User
) -> None:
    response = post(api_as(moderator), url(submitted, "refund"), {"reason": "Fraud."})

    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    assert available(client_alice) == 10_000 * USDC


def test_refunding_a_pending_milestone_is_refused(api_as: Any, prototype: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(prototype, "refund"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_funded"


# --- disputes -------------------------------------------------------------------


def test_either_party_opens_a_dispute(api_as: Any, submitted: Milestone, client_alice: User) -> None:
    response = post(api_as(client_alice), url(submitted, "dispute"), {"reason": "It does not run."})

    assert response.status_code == 201
    dispute = Dispute.objects.get()
    body = response.json()
    assert body["id"] == dispute.pk
    assert (body["milestone"], body["status"], body["token"]) == (submitted.pk, "open", "USDC")
    assert body["opened_by"]["id"] == client_alice.pk
    assert (body["reason"], body["previous_status"]) == ("It does not run.", "submitted")
    assert (body["to_contributor"], body["to_client"], body["resolved_by"]) == (None, None, None)
    milestone = api_as(client_alice).get(url(submitted)).json()
    assert (milestone["status"], milestone["open_dispute"]) == ("disputed", dispute.pk)


def test_a_dispute_needs_a_reason(api_as: Any, funded: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(funded, "dispute"))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]


def test_a_pending_milestone_cannot_be_disputed(api_as: Any, prototype: Milestone, contributor_bob: User) -> None:
    response = post(api_as(contributor_bob), url(prototype, "dispute"), {"reason": "Why?"})

    assert response.status_code == 409
    assert response.json()["code"] == "not_disputable"


def test_a_dispute_is_visible_to_its_parties_and_staff_only(
    api_as: Any, dispute: Dispute, client_alice: User, contributor_bob: User, moderator: User, mallory: User
) -> None:
    path = f"/api/v1/disputes/{dispute.pk}/"

    assert api_as(client_alice).get(path).status_code == 200
    assert api_as(contributor_bob).get(path).status_code == 200
    assert api_as(moderator).get(path).json()["reason"] == "The client went silent."
    assert api_as(mallory).get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401


def test_an_arbiter_splits_the_hold(
    api_as: Any, dispute: Dispute, moderator: User, client_alice: User, contributor_bob: User
) -> None:
    response = post(
        api_as(moderator),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "400", "to_client": "600", "resolution": "Only the first part was delivered."},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["to_contributor"], body["to_client"]) == ("resolved", "400", "600")
    assert body["resolved_by"]["id"] == moderator.pk
    assert body["resolution"] == "Only the first part was delivered."
    # 400 less the 2.5 % fee (10) to Bob; 600 back to Alice.
    assert available(contributor_bob) == 390 * USDC
    assert available(client_alice) == 9_600 * USDC
    milestone = Milestone.objects.get(pk=dispute.milestone_id)
    assert milestone.status == Milestone.Status.APPROVED
    assert hold(milestone) == 0


def test_an_arbiter_may_give_everything_back_to_the_client(
    api_as: Any, dispute: Dispute, moderator: User, client_alice: User
) -> None:
    response = post(
        api_as(moderator),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "0", "to_client": "1000", "resolution": "Nothing delivered."},
    )

    assert response.status_code == 200
    assert Milestone.objects.get(pk=dispute.milestone_id).status == Milestone.Status.REFUNDED
    assert available(client_alice) == 10_000 * USDC


def test_a_split_must_add_up_to_the_hold(api_as: Any, dispute: Dispute, moderator: User) -> None:
    response = post(
        api_as(moderator),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "400", "to_client": "500", "resolution": "?"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "split_mismatch"


def test_a_split_refuses_bad_amounts_naming_each_field(api_as: Any, dispute: Dispute, moderator: User) -> None:
    response = post(
        api_as(moderator),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": 400.5, "to_client": "-1", "resolution": "?"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "to_contributor": [
            'Send amounts as decimal strings such as "1500.5": a JSON number with a fraction is a float and '
            "cannot hold an exact amount."
        ],
        "to_client": ["The amount cannot be negative. (USDC)"],
    }


def test_a_party_cannot_resolve_their_dispute(api_as: Any, dispute: Dispute, client_alice: User) -> None:
    response = post(
        api_as(client_alice),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "0", "to_client": "1000", "resolution": "Mine."},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_arbiter"
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN


def test_a_stranger_cannot_see_or_resolve_a_dispute(api_as: Any, dispute: Dispute, mallory: User) -> None:
    response = post(
        api_as(mallory),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "0", "to_client": "1000", "resolution": "Mine."},
    )

    assert response.status_code == 404


def test_a_staff_member_who_is_a_party_cannot_arbitrate(api_as: Any, moderator: User, contributor_bob: User) -> None:
    from wallets import payouts

    project = ProjectFactory(owner=moderator, contributor=contributor_bob, status=Project.Status.IN_PROGRESS)
    milestone = MilestoneFactory(project=project, amount=USDC)
    payouts.faucet(user=moderator, token=token("USDC"), amount=USDC)
    escrow.milestone_fund(milestone=milestone, actor=moderator)
    dispute = escrow.milestone_dispute(milestone=milestone, actor=contributor_bob, reason="Unpaid.")

    response = post(
        api_as(moderator),
        f"/api/v1/disputes/{dispute.pk}/resolve/",
        {"to_contributor": "0", "to_client": "1", "resolution": "Mine."},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "arbiter_is_party"


def test_a_resolved_dispute_cannot_be_resolved_again(api_as: Any, dispute: Dispute, moderator: User) -> None:
    path = f"/api/v1/disputes/{dispute.pk}/resolve/"
    body = {"to_contributor": "1000", "to_client": "0", "resolution": "Delivered."}
    assert post(api_as(moderator), path, body).status_code == 200

    response = post(api_as(moderator), path, body)

    assert response.status_code == 409
    assert response.json()["code"] == "already_resolved"
