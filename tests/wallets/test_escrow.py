"""wallets.escrow: every milestone transition and every refusal, with exact amounts,
error codes, notifications and audit rows.

``hired_project``: Alice's project in progress with Bob hired, milestones of 1,000
and 4,000 USDC (pending), Alice holding 10,000 USDC. The fee is 250 bps (2.5 %).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from marketplace import services as marketplace_services
from marketplace.models import Milestone, Project
from notifications.models import Notification
from tests.factories import MilestoneFactory, ProjectFactory, UserFactory, token
from wallets import escrow, ledger, payouts
from wallets.models import Account, AuditEvent, Dispute, LedgerTransaction, Submission, Token

pytestmark = pytest.mark.django_db

USDC = 10**6
Status = Milestone.Status
Kind = LedgerTransaction.Kind
NOTE = "Validator deployed; scoring and dashboards in the repository."
LINK = "https://github.com/bob/validator"


# --- helpers ----------------------------------------------------------------------


@pytest.fixture
def usdc() -> Token:
    return token("USDC")


@pytest.fixture
def first(hired_project: Project) -> Milestone:
    """The 1,000 USDC milestone."""
    return hired_project.milestones.get(order=1)


@pytest.fixture
def second(hired_project: Project) -> Milestone:
    """The 4,000 USDC milestone."""
    return hired_project.milestones.get(order=2)


def available(user: User) -> int:
    account = Account.objects.filter(kind=Account.Kind.AVAILABLE, owner=user, token__symbol="USDC").first()
    return account.balance if account else 0


def hold(milestone: Milestone) -> int:
    account = Account.objects.filter(kind=Account.Kind.ESCROW, milestone=milestone).first()
    return account.balance if account else 0


def fees() -> int:
    account = Account.objects.filter(kind=Account.Kind.FEES, token__symbol="USDC").first()
    return account.balance if account else 0


def fresh(milestone: Milestone) -> Milestone:
    return Milestone.objects.get(pk=milestone.pk)


def money() -> tuple[int, dict[int, int]]:
    """The number of ledger transactions and every non-zero balance."""
    return LedgerTransaction.objects.count(), {
        pk: balance for pk, balance in Account.objects.values_list("pk", "balance") if balance
    }


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def settlements(milestone: Milestone) -> list[str]:
    return list(
        LedgerTransaction.objects.filter(milestone=milestone)
        .exclude(kind=Kind.FUND)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def audits(milestone: Milestone) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="marketplace.milestone", target_id=milestone.pk).order_by("id"))


def assert_audited(
    milestone: Milestone, action: str, actor: User | None, before: str, after: str, **after_fields: Any
) -> AuditEvent:
    event = audits(milestone)[-1]
    assert event.action == action
    assert event.actor_id == (actor.pk if actor else None)
    assert event.before["status"] == before
    assert event.after["status"] == after
    for key, value in after_fields.items():
        assert event.after[key] == value, key
    return event


def fund(milestone: Milestone, alice: User) -> Milestone:
    return escrow.milestone_fund(milestone=milestone, actor=alice)


def submit(milestone: Milestone, bob: User) -> Submission:
    return escrow.milestone_submit(milestone=milestone, actor=bob, note=NOTE, links=[LINK])


@pytest.fixture
def funded(first: Milestone, client_alice: User) -> Milestone:
    return fund(first, client_alice)


@pytest.fixture
def submitted(funded: Milestone, contributor_bob: User) -> Milestone:
    submit(funded, contributor_bob)
    return fresh(funded)


@pytest.fixture
def disputed(submitted: Milestone, client_alice: User) -> Dispute:
    return escrow.milestone_dispute(milestone=submitted, actor=client_alice, reason="The scoring is wrong.")


@pytest.fixture
def clear_inboxes() -> None:
    """Forget the notifications of the set-up steps (list it after them)."""
    Notification.objects.all().delete()


# --- fund -------------------------------------------------------------------------


def test_funding_moves_the_amount_from_the_client_into_the_hold(
    first: Milestone, client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    milestone = fund(first, client_alice)

    assert available(client_alice) == 9_000 * USDC
    assert hold(first) == 1_000 * USDC
    stored = fresh(first)
    assert stored.status == Status.FUNDED
    assert stored.fee_bps == 250
    assert stored.funded_at is not None
    assert milestone.status == Status.FUNDED
    record = LedgerTransaction.objects.get(milestone=first)
    assert (record.kind, record.actor_id) == (Kind.FUND, client_alice.pk)
    assert inbox(contributor_bob) == ["milestone_funded"]
    assert inbox(client_alice) == []
    assert_audited(first, "milestone.fund", client_alice, "pending", "funded", released="0", fee="0", token="USDC")


def test_only_the_client_can_fund(first: Milestone, contributor_bob: User, mallory: User, moderator: User) -> None:
    before = money()

    for actor in (contributor_bob, mallory, moderator):
        error = refusal(lambda actor=actor: fund(first, actor))
        assert (error.code, error.status_code) == ("not_client", 403)

    assert money() == before
    assert fresh(first).status == Status.PENDING
    assert audits(first) == []


def test_a_milestone_is_funded_only_once_the_project_is_in_progress(client_alice: User, usdc: Token) -> None:
    project = ProjectFactory(owner=client_alice, status=Project.Status.OPEN)
    milestone = MilestoneFactory(project=project, amount=10 * USDC)
    payouts.faucet(user=client_alice, token=usdc, amount=100 * USDC)
    before = money()

    error = refusal(lambda: fund(milestone, client_alice))

    assert (error.code, error.status_code) == ("project_not_in_progress", 409)
    assert money() == before


def test_funding_without_the_balance_is_refused_and_nothing_moves(
    hired_project: Project, client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    big = MilestoneFactory(project=hired_project, amount=10_000 * USDC + 1, order=3)
    before = money()

    error = refusal(lambda: fund(big, client_alice))

    assert (error.code, error.status_code) == ("insufficient_funds", 409)
    assert error.message.endswith("Deposit 0.000001 USDC more and try again.")
    assert money() == before
    assert hold(big) == 0
    assert fresh(big).status == Status.PENDING
    assert fresh(big).fee_bps is None
    assert inbox(contributor_bob) == []
    assert audits(big) == []


def test_the_shortfall_message_states_the_exact_amounts(hired_project: Project, client_alice: User) -> None:
    """Not rounded: humanized to two decimals, a shortfall of one base unit read
    "Your available balance is 10,000 USDC; this needs 10,000 USDC"."""
    big = MilestoneFactory(project=hired_project, amount=10_000 * USDC + 1, order=3)

    error = refusal(lambda: fund(big, client_alice))

    assert error.message == (
        "Your available balance is 10,000 USDC; this needs 10,000.000001 USDC. "
        "Deposit 0.000001 USDC more and try again."
    )


def test_a_milestone_is_funded_once(first: Milestone, client_alice: User) -> None:
    fund(first, client_alice)
    before = money()

    error = refusal(lambda: fund(first, client_alice))

    assert (error.code, error.status_code) == ("already_funded", 409)
    assert money() == before
    assert available(client_alice) == 9_000 * USDC


def test_the_fee_is_fixed_when_the_milestone_is_funded(
    first: Milestone, second: Milestone, client_alice: User, contributor_bob: User, settings: Any
) -> None:
    assert escrow.fee_quote(first).fee == 25 * USDC  # today's rate, before funding
    fund(first, client_alice)
    settings.WALLETS_FEE_BPS = 1_000

    assert escrow.fee_quote(fresh(first)).fee_bps == 250
    assert escrow.fee_quote(second).fee_bps == 1_000
    fund(second, client_alice)
    for milestone in (first, second):
        submit(milestone, contributor_bob)
        escrow.milestone_approve(milestone=milestone, actor=client_alice)

    assert (fresh(first).released_amount, fresh(first).fee_amount) == (975 * USDC, 25 * USDC)
    assert (fresh(second).released_amount, fresh(second).fee_amount) == (3_600 * USDC, 400 * USDC)
    assert available(contributor_bob) == 4_575 * USDC
    assert fees() == 425 * USDC


def test_the_fee_quote_adds_up() -> None:
    quote = escrow.fee_quote(MilestoneFactory.build(amount=1_001, fee_bps=250))

    assert (quote.amount, quote.fee, quote.to_contributor, quote.fee_percent) == (1_001, 25, 976, "2.5 %")


# --- submit -----------------------------------------------------------------------


def test_the_contributor_submits_and_the_review_window_starts(
    funded: Milestone, client_alice: User, contributor_bob: User, inbox: Any, settings: Any
) -> None:
    submission = escrow.milestone_submit(
        milestone=funded, actor=contributor_bob, note=f"  {NOTE}  ", links=[LINK, " ", LINK, "https://ipfs.io/x"]
    )

    stored = fresh(funded)
    assert stored.status == Status.SUBMITTED
    assert stored.submitted_at == submission.created_at
    assert stored.review_due_at == submission.created_at + timedelta(days=settings.WALLETS_REVIEW_WINDOW_DAYS)
    assert (submission.note, submission.links, submission.author_id) == (
        NOTE,
        [LINK, "https://ipfs.io/x"],
        contributor_bob.pk,
    )
    assert hold(funded) == 1_000 * USDC
    assert inbox(client_alice) == ["milestone_submitted"]
    event = assert_audited(funded, "milestone.submit", contributor_bob, "funded", "submitted")
    assert event.after["submission"] == submission.pk


def test_only_the_contributor_submits(funded: Milestone, client_alice: User, mallory: User, moderator: User) -> None:
    for actor in (client_alice, mallory, moderator):
        error = refusal(lambda actor=actor: submit(funded, actor))
        assert (error.code, error.status_code) == ("not_contributor", 403)

    assert fresh(funded).status == Status.FUNDED
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("note", "links", "code", "field"),
    [
        pytest.param("   ", [LINK], "required", "note", id="blank-note"),
        pytest.param(NOTE, ["javascript:alert(1)"], "invalid_url", "links", id="script-link"),
        pytest.param(NOTE, ["ftp://example.com/x"], "invalid_url", "links", id="ftp-link"),
        pytest.param(NOTE, [f"{LINK}/{i}" for i in range(11)], "too_many_links", "links", id="eleven-links"),
        pytest.param("x" * 5001, [], "too_long", "note", id="long-note"),
    ],
)
def test_a_submission_needs_a_note_and_web_links(
    funded: Milestone, contributor_bob: User, note: str, links: list[str], code: str, field: str
) -> None:
    error = refusal(lambda: escrow.milestone_submit(milestone=funded, actor=contributor_bob, note=note, links=links))

    assert (error.code, error.field, error.status_code) == (code, field, 400)
    assert fresh(funded).status == Status.FUNDED
    assert not Submission.objects.exists()


def test_an_unfunded_or_submitted_milestone_takes_no_submission(
    first: Milestone, client_alice: User, contributor_bob: User
) -> None:
    assert refusal(lambda: submit(first, contributor_bob)).code == "not_submittable"
    fund(first, client_alice)
    submit(first, contributor_bob)

    error = refusal(lambda: submit(first, contributor_bob))

    assert (error.code, error.status_code) == ("not_submittable", 409)
    assert Submission.objects.count() == 1


# --- request changes, resubmit ------------------------------------------------------


def test_the_client_asks_for_changes_and_the_contributor_resubmits(
    submitted: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    escrow.milestone_request_changes(milestone=submitted, actor=client_alice, feedback="Add the Grafana dashboards.")

    stored = fresh(submitted)
    assert stored.status == Status.CHANGES_REQUESTED
    assert stored.review_due_at is None
    latest = Submission.objects.get(milestone=submitted)
    assert latest.feedback == "Add the Grafana dashboards."
    assert latest.feedback_at is not None
    assert inbox(contributor_bob) == ["milestone_changes_requested"]
    assert_audited(submitted, "milestone.request_changes", client_alice, "submitted", "changes_requested")

    submit(submitted, contributor_bob)

    stored = fresh(submitted)
    assert stored.status == Status.SUBMITTED
    assert stored.review_due_at is not None
    assert Submission.objects.filter(milestone=submitted).count() == 2
    assert inbox(client_alice) == ["milestone_submitted"]
    assert hold(submitted) == 1_000 * USDC


def test_changes_are_requested_only_by_the_client_of_a_submitted_milestone(
    funded: Milestone, client_alice: User, contributor_bob: User, mallory: User
) -> None:
    error = refusal(
        lambda: escrow.milestone_request_changes(milestone=funded, actor=client_alice, feedback="More tests.")
    )
    assert (error.code, error.status_code) == ("not_submitted", 409)
    submit(funded, contributor_bob)

    for actor in (contributor_bob, mallory):
        error = refusal(
            lambda actor=actor: escrow.milestone_request_changes(milestone=funded, actor=actor, feedback="More tests.")
        )
        assert (error.code, error.status_code) == ("not_client", 403)
    error = refusal(lambda: escrow.milestone_request_changes(milestone=funded, actor=client_alice, feedback=" "))
    assert (error.code, error.field) == ("required", "feedback")

    assert fresh(funded).status == Status.SUBMITTED


# --- approve ----------------------------------------------------------------------


def test_approving_releases_the_hold_less_the_fee(
    submitted: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice)

    assert available(contributor_bob) == 975 * USDC
    assert fees() == 25 * USDC
    assert available(client_alice) == 9_000 * USDC
    assert hold(submitted) == 0
    stored = fresh(submitted)
    assert stored.status == Status.APPROVED
    assert (stored.released_amount, stored.fee_amount, stored.refunded_amount) == (975 * USDC, 25 * USDC, 0)
    assert stored.review_due_at is None
    assert stored.settled_at is not None
    assert settlements(submitted) == [Kind.RELEASE]
    assert inbox(contributor_bob) == ["milestone_approved"]
    assert inbox(client_alice) == []
    assert_audited(
        submitted, "milestone.approve", client_alice, "submitted", "approved", released="975", fee="25", refunded="0"
    )


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(1, 0), (39, 0), (40, 1), (41, 1), (79, 1), (80, 2), (1_000_000_001, 25_000_000), (2**70 + 3, (2**70 + 3) // 40)],
)
def test_the_fee_is_rounded_down_to_the_base_unit(
    hired_project: Project, client_alice: User, contributor_bob: User, amount: int, fee: int
) -> None:
    milestone = MilestoneFactory(project=hired_project, amount=amount, order=5)
    if amount > 10_000 * USDC:  # more than the faucet gives: a deposit from outside
        usdc = hired_project.budget_token
        ledger.post(
            kind=Kind.DEPOSIT,
            token=usdc,
            lines=[
                ledger.Line(ledger.external_account(usdc), -amount),
                ledger.Line(ledger.available_account(client_alice, usdc), amount),
            ],
        )
    fund(milestone, client_alice)
    submit(milestone, contributor_bob)

    escrow.milestone_approve(milestone=milestone, actor=client_alice)

    stored = fresh(milestone)
    assert (stored.released_amount, stored.fee_amount) == (amount - fee, fee)
    assert available(contributor_bob) == amount - fee
    assert fees() == fee
    assert hold(milestone) == 0
    record = LedgerTransaction.objects.get(milestone=milestone, kind=Kind.RELEASE)
    assert record.entries.count() == (3 if fee else 2)  # no zero fee entry


def test_only_the_client_approves_a_submitted_milestone(
    funded: Milestone, client_alice: User, contributor_bob: User, mallory: User, moderator: User
) -> None:
    error = refusal(lambda: escrow.milestone_approve(milestone=funded, actor=client_alice))
    assert (error.code, error.status_code) == ("not_submitted", 409)
    submit(funded, contributor_bob)
    before = money()

    for actor in (contributor_bob, mallory, moderator):
        error = refusal(lambda actor=actor: escrow.milestone_approve(milestone=funded, actor=actor))
        assert (error.code, error.status_code) == ("not_client", 403)

    assert money() == before


def test_an_approved_milestone_is_not_approved_again(submitted: Milestone, client_alice: User) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice)
    before = money()

    error = refusal(lambda: escrow.milestone_approve(milestone=submitted, actor=client_alice))

    assert (error.code, error.status_code) == ("not_submitted", 409)
    assert money() == before
    assert settlements(submitted) == [Kind.RELEASE]


@pytest.mark.parametrize("amount", [0, -1, 1_000 * USDC + 1])
def test_an_approval_is_for_more_than_zero_and_at_most_the_hold(
    submitted: Milestone, client_alice: User, amount: int
) -> None:
    error = refusal(
        lambda: escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=amount, note="Part.")
    )

    assert (error.code, error.field, error.status_code) == ("invalid_amount", "amount", 400)
    assert fresh(submitted).partial_offer is None


def test_approving_exactly_the_hold_is_a_full_release(submitted: Milestone, client_alice: User) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=1_000 * USDC)

    assert fresh(submitted).status == Status.APPROVED
    assert fresh(submitted).released_amount == 975 * USDC


# --- partial approval ---------------------------------------------------------------


def test_a_partial_approval_is_an_offer_that_moves_nothing(
    submitted: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    before = money()

    escrow.milestone_approve(
        milestone=submitted, actor=client_alice, amount=600 * USDC, note="The dashboards are missing."
    )

    stored = fresh(submitted)
    assert stored.status == Status.SUBMITTED
    assert (stored.partial_offer, stored.partial_offer_note) == (600 * USDC, "The dashboards are missing.")
    assert stored.review_due_at is not None  # the window keeps running
    assert money() == before
    assert inbox(contributor_bob) == ["milestone_partial_offered"]
    assert_audited(submitted, "milestone.offer_partial", client_alice, "submitted", "submitted", partial_offer="600")


def test_a_partial_approval_needs_a_reason(submitted: Milestone, client_alice: User) -> None:
    error = refusal(lambda: escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=600 * USDC))

    assert (error.code, error.field) == ("required", "note")
    assert fresh(submitted).partial_offer is None


def test_accepting_a_partial_approval_releases_the_part_and_refunds_the_rest(
    submitted: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=600 * USDC, note="No dashboards.")

    escrow.milestone_accept_partial(
        milestone=submitted, actor=contributor_bob, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
    )

    stored = fresh(submitted)
    assert stored.status == Status.APPROVED
    assert (stored.released_amount, stored.fee_amount, stored.refunded_amount) == (585 * USDC, 15 * USDC, 400 * USDC)
    assert stored.partial_offer is None
    assert hold(submitted) == 0
    assert available(contributor_bob) == 585 * USDC
    assert fees() == 15 * USDC
    assert available(client_alice) == 9_400 * USDC
    assert settlements(submitted) == [Kind.RELEASE]
    assert inbox(client_alice) == ["milestone_refunded"]
    assert_audited(
        submitted,
        "milestone.accept_partial",
        contributor_bob,
        "submitted",
        "approved",
        released="585",
        fee="15",
        refunded="400",
    )


def test_an_offer_of_one_base_unit_pays_one_and_refunds_the_rest(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=1, note="Nothing works.")
    escrow.milestone_accept_partial(
        milestone=submitted, actor=contributor_bob, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
    )

    stored = fresh(submitted)
    assert (stored.released_amount, stored.fee_amount, stored.refunded_amount) == (1, 0, 1_000 * USDC - 1)
    assert available(client_alice) == 10_000 * USDC - 1
    assert hold(submitted) == 0


def test_only_the_contributor_accepts_an_offer_that_exists(
    submitted: Milestone, client_alice: User, contributor_bob: User, mallory: User
) -> None:
    error = refusal(
        lambda: escrow.milestone_accept_partial(
            milestone=submitted, actor=contributor_bob, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
        )
    )
    assert (error.code, error.status_code) == ("no_offer", 409)
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=600 * USDC, note="Part.")

    for actor in (client_alice, mallory):
        error = refusal(
            lambda actor=actor: escrow.milestone_accept_partial(
                milestone=submitted, actor=actor, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
            )
        )
        assert (error.code, error.status_code) == ("not_contributor", 403)

    assert fresh(submitted).status == Status.SUBMITTED


def test_asking_for_changes_withdraws_the_offer(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=600 * USDC, note="Part.")

    escrow.milestone_request_changes(milestone=submitted, actor=client_alice, feedback="Add the dashboards.")

    stored = fresh(submitted)
    assert (stored.partial_offer, stored.partial_offer_note) == (None, "")
    submit(submitted, contributor_bob)
    assert refusal(
        lambda: escrow.milestone_accept_partial(
            milestone=submitted, actor=contributor_bob, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
        )
    ).code == ("no_offer")


def test_a_later_full_approval_replaces_the_offer(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=600 * USDC, note="Part.")

    escrow.milestone_approve(milestone=submitted, actor=client_alice)

    assert fresh(submitted).released_amount == 975 * USDC
    assert fresh(submitted).partial_offer is None
    error = refusal(
        lambda: escrow.milestone_accept_partial(
            milestone=submitted, actor=contributor_bob, offer=Milestone.objects.get(pk=submitted.pk).partial_offer
        )
    )
    assert error.code == "not_submitted"
    assert available(contributor_bob) == 975 * USDC


# --- refund -----------------------------------------------------------------------


def test_the_client_takes_the_money_back_before_any_submission(
    funded: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    escrow.milestone_refund(milestone=funded, actor=client_alice, reason="Plans changed.")

    assert available(client_alice) == 10_000 * USDC
    assert hold(funded) == 0
    stored = fresh(funded)
    assert stored.status == Status.REFUNDED
    assert (stored.released_amount, stored.fee_amount, stored.refunded_amount) == (0, 0, 1_000 * USDC)
    assert settlements(funded) == [Kind.REFUND]
    assert inbox(contributor_bob) == ["milestone_refunded"]
    assert inbox(client_alice) == []
    assert_audited(funded, "milestone.refund", client_alice, "funded", "refunded", refunded="1000")


def test_after_a_submission_only_an_arbiter_can_refund(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    before = money()
    error = refusal(lambda: escrow.milestone_refund(milestone=submitted, actor=client_alice))
    assert (error.code, error.status_code) == ("already_submitted", 409)

    escrow.milestone_request_changes(milestone=submitted, actor=client_alice, feedback="Fix it.")
    error = refusal(lambda: escrow.milestone_refund(milestone=submitted, actor=client_alice))

    assert (error.code, error.status_code) == ("already_submitted", 409)
    assert money() == before


def test_only_the_client_refunds_and_only_what_is_funded(
    first: Milestone, client_alice: User, contributor_bob: User, mallory: User
) -> None:
    error = refusal(lambda: escrow.milestone_refund(milestone=first, actor=client_alice))
    assert (error.code, error.status_code) == ("not_funded", 409)
    fund(first, client_alice)

    for actor in (contributor_bob, mallory):
        error = refusal(lambda actor=actor: escrow.milestone_refund(milestone=first, actor=actor))
        assert (error.code, error.status_code) == ("not_client", 403)

    assert hold(first) == 1_000 * USDC


def test_a_client_cannot_refund_a_milestone_disputed_before_any_submission(
    funded: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_dispute(
        milestone=funded, actor=contributor_bob, reason="The client asked for work outside the scope."
    )
    before = money()

    error = refusal(lambda: escrow.milestone_refund(milestone=funded, actor=client_alice))

    assert (error.code, error.status_code) == ("disputed", 409)
    assert "arbiter" in error.message
    assert money() == before


def test_the_contributor_cannot_accept_an_offer_the_client_has_since_lowered(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=900 * USDC, note="Nearly all.")
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=1, note="Changed my mind.")
    before = money()

    error = refusal(
        lambda: escrow.milestone_accept_partial(milestone=submitted, actor=contributor_bob, offer=900 * USDC)
    )

    assert (error.code, error.status_code) == ("offer_changed", 409)
    assert money() == before
    assert hold(submitted) == 1_000 * USDC


def test_a_refunded_milestone_is_not_refunded_twice(funded: Milestone, client_alice: User) -> None:
    escrow.milestone_refund(milestone=funded, actor=client_alice)
    before = money()

    error = refusal(lambda: escrow.milestone_refund(milestone=funded, actor=client_alice))

    assert (error.code, error.status_code) == ("already_settled", 409)
    assert money() == before


def test_an_arbiter_refunds_a_submitted_milestone(
    submitted: Milestone, client_alice: User, contributor_bob: User, moderator: User, inbox: Any, clear_inboxes: None
) -> None:
    escrow.milestone_refund(milestone=submitted, actor=moderator, reason="The work was plagiarised.")

    assert available(client_alice) == 10_000 * USDC
    assert available(contributor_bob) == 0
    assert hold(submitted) == 0
    assert fresh(submitted).status == Status.REFUNDED
    assert inbox(client_alice) == ["milestone_refunded"]
    assert inbox(contributor_bob) == ["milestone_refunded"]
    assert_audited(submitted, "milestone.arbiter_refund", moderator, "submitted", "refunded")


def test_an_arbiter_refund_closes_the_open_dispute(disputed: Dispute, client_alice: User, moderator: User) -> None:
    milestone = disputed.milestone

    escrow.milestone_refund(milestone=milestone, actor=moderator, reason="Refunded by the arbiter.")

    dispute = Dispute.objects.get(pk=disputed.pk)
    assert dispute.status == Dispute.Status.RESOLVED
    assert (dispute.resolved_by_id, dispute.to_contributor, dispute.to_client) == (moderator.pk, 0, 1_000 * USDC)
    assert dispute.resolution == "Refunded by the arbiter."
    assert available(client_alice) == 10_000 * USDC


def test_an_arbiter_refunds_only_held_milestones(
    second: Milestone, submitted: Milestone, client_alice: User, moderator: User
) -> None:
    error = refusal(lambda: escrow.milestone_refund(milestone=second, actor=moderator))
    assert (error.code, error.status_code) == ("not_held", 409)
    escrow.milestone_approve(milestone=submitted, actor=client_alice)

    error = refusal(lambda: escrow.milestone_refund(milestone=submitted, actor=moderator))

    assert (error.code, error.status_code) == ("not_held", 409)
    assert settlements(submitted) == [Kind.RELEASE]


def test_a_staff_member_who_is_the_client_refunds_as_the_client(submitted: Milestone, client_alice: User) -> None:
    client_alice.is_staff = True
    client_alice.save()

    error = refusal(lambda: escrow.milestone_refund(milestone=submitted, actor=client_alice))

    assert error.code == "already_submitted"


# --- dispute ----------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["funded", "submitted", "changes_requested"])
@pytest.mark.parametrize("side", ["client", "contributor"])
def test_either_party_disputes_a_held_milestone(
    first: Milestone, client_alice: User, contributor_bob: User, inbox: Any, stage: str, side: str
) -> None:
    fund(first, client_alice)
    if stage != "funded":
        submit(first, contributor_bob)
    if stage == "changes_requested":
        escrow.milestone_request_changes(milestone=first, actor=client_alice, feedback="Fix it.")
    actor, other = (client_alice, contributor_bob) if side == "client" else (contributor_bob, client_alice)
    other_inbox = inbox(other)

    dispute = escrow.milestone_dispute(milestone=first, actor=actor, reason="  We disagree on the scope.  ")

    stored = fresh(first)
    assert stored.status == Status.DISPUTED
    assert stored.review_due_at is None
    assert (dispute.status, dispute.opened_by_id, dispute.previous_status, dispute.reason) == (
        Dispute.Status.OPEN,
        actor.pk,
        stage,
        "We disagree on the scope.",
    )
    assert hold(first) == 1_000 * USDC
    assert inbox(other) == [*other_inbox, "dispute_opened"]
    event = assert_audited(first, "milestone.dispute", actor, stage, "disputed")
    assert event.after["dispute"] == dispute.pk


def test_only_a_party_disputes(funded: Milestone, mallory: User, moderator: User) -> None:
    for actor in (mallory, moderator):
        error = refusal(lambda actor=actor: escrow.milestone_dispute(milestone=funded, actor=actor, reason="Hm."))
        assert (error.code, error.status_code) == ("not_a_party", 403)

    assert not Dispute.objects.exists()


def test_a_dispute_needs_a_reason(funded: Milestone, client_alice: User) -> None:
    error = refusal(lambda: escrow.milestone_dispute(milestone=funded, actor=client_alice, reason=" "))

    assert (error.code, error.field) == ("required", "reason")
    assert fresh(funded).status == Status.FUNDED


def test_pending_settled_or_disputed_milestones_cannot_be_disputed(
    first: Milestone, second: Milestone, client_alice: User, contributor_bob: User
) -> None:
    def dispute(milestone: Milestone) -> DomainError:
        return refusal(lambda: escrow.milestone_dispute(milestone=milestone, actor=contributor_bob, reason="No."))

    assert dispute(first).code == "not_disputable"  # pending
    fund(first, client_alice)
    escrow.milestone_refund(milestone=first, actor=client_alice)
    assert dispute(first).code == "not_disputable"  # refunded
    fund(second, client_alice)
    escrow.milestone_dispute(milestone=second, actor=client_alice, reason="Late.")
    error = dispute(second)
    assert (error.code, error.status_code) == ("not_disputable", 409)  # already disputed
    assert Dispute.objects.count() == 1


def test_a_disputed_milestone_cannot_be_approved_refunded_by_the_client_or_accepted(
    disputed: Dispute, client_alice: User, contributor_bob: User
) -> None:
    milestone = disputed.milestone
    before = money()

    assert refusal(lambda: escrow.milestone_approve(milestone=milestone, actor=client_alice)).code == "not_submitted"
    assert refusal(lambda: escrow.milestone_refund(milestone=milestone, actor=client_alice)).code == "disputed"
    assert refusal(
        lambda: escrow.milestone_accept_partial(
            milestone=milestone, actor=contributor_bob, offer=Milestone.objects.get(pk=milestone.pk).partial_offer
        )
    ).code == ("not_submitted")
    assert refusal(lambda: submit(milestone, contributor_bob)).code == "not_submittable"
    assert money() == before


# --- resolve ----------------------------------------------------------------------


def resolve(dispute: Dispute, arbiter: User, to_contributor: int, to_client: int) -> Dispute:
    return escrow.dispute_resolve(
        dispute=dispute,
        arbiter=arbiter,
        to_contributor=to_contributor,
        to_client=to_client,
        resolution="Half the scoring works.",
    )


def test_an_arbiter_splits_the_hold(
    disputed: Dispute, client_alice: User, contributor_bob: User, moderator: User, inbox: Any, clear_inboxes: None
) -> None:
    resolved = resolve(disputed, moderator, 700 * USDC, 300 * USDC)

    milestone = fresh(disputed.milestone)
    assert milestone.status == Status.APPROVED
    assert (milestone.released_amount, milestone.fee_amount, milestone.refunded_amount) == (
        682_500_000,
        17_500_000,
        300 * USDC,
    )
    assert available(contributor_bob) == 682_500_000
    assert fees() == 17_500_000
    assert available(client_alice) == 9_300 * USDC
    assert hold(milestone) == 0
    assert settlements(milestone) == [Kind.SPLIT]
    assert (resolved.status, resolved.resolved_by_id, resolved.to_contributor, resolved.to_client) == (
        Dispute.Status.RESOLVED,
        moderator.pk,
        700 * USDC,
        300 * USDC,
    )
    assert resolved.resolution == "Half the scoring works."
    assert inbox(client_alice) == ["dispute_resolved"]
    assert inbox(contributor_bob) == ["dispute_resolved"]
    event = assert_audited(milestone, "dispute.resolve", moderator, "disputed", "approved", refunded="300")
    assert event.after["dispute"] == disputed.pk


@pytest.mark.parametrize(
    ("to_contributor", "status", "released", "fee", "refunded"),
    [
        pytest.param(0, Status.REFUNDED, 0, 0, 1_000 * USDC, id="all-to-the-client"),
        pytest.param(1_000 * USDC, Status.APPROVED, 975 * USDC, 25 * USDC, 0, id="all-to-the-contributor"),
        pytest.param(1, Status.APPROVED, 1, 0, 1_000 * USDC - 1, id="one-base-unit"),
    ],
)
def test_a_split_may_give_everything_to_one_side(
    disputed: Dispute, moderator: User, to_contributor: int, status: str, released: int, fee: int, refunded: int
) -> None:
    resolve(disputed, moderator, to_contributor, 1_000 * USDC - to_contributor)

    milestone = fresh(disputed.milestone)
    assert milestone.status == status
    assert (milestone.released_amount, milestone.fee_amount, milestone.refunded_amount) == (released, fee, refunded)
    assert hold(milestone) == 0


@pytest.mark.parametrize(
    ("to_contributor", "to_client"),
    [(500 * USDC, 400 * USDC), (600 * USDC, 401 * USDC), (-1, 1_000 * USDC + 1), (1_000 * USDC + 1, -1), (0, 0)],
)
def test_a_split_must_add_up_to_the_hold(
    disputed: Dispute, moderator: User, to_contributor: int, to_client: int
) -> None:
    before = money()

    error = refusal(lambda: resolve(disputed, moderator, to_contributor, to_client))

    assert (error.code, error.field, error.status_code) == ("split_mismatch", "to_contributor", 400)
    assert money() == before
    assert Dispute.objects.get(pk=disputed.pk).status == Dispute.Status.OPEN
    assert fresh(disputed.milestone).status == Status.DISPUTED


def test_only_staff_resolve_disputes(
    disputed: Dispute, client_alice: User, contributor_bob: User, mallory: User
) -> None:
    for actor in (client_alice, contributor_bob, mallory):
        error = refusal(lambda actor=actor: resolve(disputed, actor, 500 * USDC, 500 * USDC))
        assert (error.code, error.status_code) == ("not_arbiter", 403)

    assert Dispute.objects.get(pk=disputed.pk).status == Dispute.Status.OPEN


def test_a_staff_member_who_is_a_party_cannot_resolve(disputed: Dispute, contributor_bob: User) -> None:
    contributor_bob.is_staff = True
    contributor_bob.save()

    error = refusal(lambda: resolve(disputed, contributor_bob, 1_000 * USDC, 0))

    assert (error.code, error.status_code) == ("arbiter_is_party", 403)
    assert available(contributor_bob) == 0


def test_a_dispute_is_resolved_once(disputed: Dispute, moderator: User) -> None:
    resolve(disputed, moderator, 500 * USDC, 500 * USDC)
    before = money()

    error = refusal(lambda: resolve(disputed, moderator, 0, 0))

    assert (error.code, error.status_code) == ("already_resolved", 409)
    assert money() == before


def test_a_resolution_needs_its_reasoning(disputed: Dispute, moderator: User) -> None:
    error = refusal(
        lambda: escrow.dispute_resolve(
            dispute=disputed, arbiter=moderator, to_contributor=0, to_client=1_000 * USDC, resolution=" "
        )
    )

    assert (error.code, error.field) == ("required", "resolution")
    assert Dispute.objects.get(pk=disputed.pk).status == Dispute.Status.OPEN
    assert hold(disputed.milestone) == 1_000 * USDC


# --- auto-release -------------------------------------------------------------------


def test_auto_release_waits_for_the_end_of_the_review_window(
    submitted: Milestone, client_alice: User, contributor_bob: User, inbox: Any, clear_inboxes: None
) -> None:
    due = submitted.review_due_at
    assert due is not None

    assert escrow.milestone_auto_release(milestone=submitted, now=due - timedelta(seconds=1)) is False
    assert escrow.milestones_auto_release(now=due - timedelta(seconds=1)) == []
    assert fresh(submitted).status == Status.SUBMITTED

    assert escrow.milestones_auto_release(now=due) == [submitted.pk]

    stored = fresh(submitted)
    assert stored.status == Status.APPROVED
    assert (stored.released_amount, stored.fee_amount) == (975 * USDC, 25 * USDC)
    assert available(contributor_bob) == 975 * USDC
    assert hold(submitted) == 0
    record = LedgerTransaction.objects.get(milestone=submitted, kind=Kind.RELEASE)
    assert record.actor_id is None
    assert inbox(contributor_bob) == ["milestone_auto_released"]
    assert inbox(client_alice) == ["milestone_auto_released"]
    assert_audited(submitted, "milestone.auto_release", None, "submitted", "approved", released="975")


def test_auto_release_is_idempotent(submitted: Milestone, contributor_bob: User) -> None:
    later = timezone.now() + timedelta(days=30)
    assert escrow.milestones_auto_release(now=later) == [submitted.pk]

    assert escrow.milestones_auto_release(now=later) == []
    assert escrow.milestone_auto_release(milestone=submitted.pk, now=later) is False

    assert settlements(submitted) == [Kind.RELEASE]
    assert available(contributor_bob) == 975 * USDC


def test_auto_release_skips_milestones_the_client_acted_on(
    hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    changes = hired_project.milestones.get(order=1)
    disputed = hired_project.milestones.get(order=2)
    funded_only = MilestoneFactory(project=hired_project, amount=10 * USDC, order=3)
    for milestone in (changes, disputed, funded_only):
        fund(milestone, client_alice)
    for milestone in (changes, disputed):
        submit(milestone, contributor_bob)
    escrow.milestone_request_changes(milestone=changes, actor=client_alice, feedback="Fix it.")
    escrow.milestone_dispute(milestone=disputed, actor=client_alice, reason="Wrong.")
    before = money()

    later = timezone.now() + timedelta(days=365)
    assert escrow.milestones_auto_release(now=later) == []
    for milestone in (changes, disputed, funded_only):
        assert escrow.milestone_auto_release(milestone=milestone, now=later) is False

    assert money() == before
    assert [fresh(m).status for m in (changes, disputed, funded_only)] == [
        Status.CHANGES_REQUESTED,
        Status.DISPUTED,
        Status.FUNDED,
    ]


def test_a_pending_offer_does_not_cut_an_auto_release(
    submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_approve(milestone=submitted, actor=client_alice, amount=100 * USDC, note="Too little.")

    assert escrow.milestones_auto_release(now=timezone.now() + timedelta(days=15)) == [submitted.pk]

    assert available(contributor_bob) == 975 * USDC
    assert fresh(submitted).partial_offer is None


def test_auto_release_follows_a_moved_clock(submitted: Milestone) -> None:
    due = submitted.review_due_at
    assert due is not None

    with mock.patch("django.utils.timezone.now", return_value=due - timedelta(minutes=1)):
        assert escrow.milestones_auto_release() == []
    with mock.patch("django.utils.timezone.now", return_value=due + timedelta(minutes=1)):
        assert escrow.milestones_auto_release() == [submitted.pk]

    assert fresh(submitted).settled_at == due + timedelta(minutes=1)


def test_auto_release_of_an_unknown_milestone_is_not_found() -> None:
    error = refusal(lambda: escrow.milestone_auto_release(milestone=987654))

    assert (error.code, error.status_code) == ("milestone_not_found", 404)


# --- the project ------------------------------------------------------------------


def test_a_project_cannot_be_completed_while_a_milestone_holds_funds(
    hired_project: Project, first: Milestone, client_alice: User, contributor_bob: User
) -> None:
    fund(first, client_alice)
    for step in (
        lambda: None,
        lambda: submit(first, contributor_bob),
        lambda: escrow.milestone_dispute(milestone=first, actor=contributor_bob, reason="Pay me."),
    ):
        step()
        error = refusal(lambda: marketplace_services.project_complete(project=hired_project, actor=client_alice))
        assert (error.code, error.status_code) == ("milestones_open", 409)

    dispute = Dispute.objects.get(milestone=first)
    resolve(dispute, UserFactory(persona="arbiter", is_staff=True), 1_000 * USDC, 0)
    project = marketplace_services.project_complete(project=hired_project, actor=client_alice)

    assert project.status == Project.Status.COMPLETED  # the second milestone was never funded


# --- a whole project ----------------------------------------------------------------


def test_every_path_ends_with_the_holds_empty_and_the_money_accounted_for(
    hired_project: Project, first: Milestone, second: Milestone, client_alice: User, contributor_bob: User
) -> None:
    fund(first, client_alice)
    fund(second, client_alice)
    submit(first, contributor_bob)
    escrow.milestone_approve(milestone=first, actor=client_alice)
    submit(second, contributor_bob)
    escrow.milestone_approve(milestone=second, actor=client_alice, amount=3_000 * USDC, note="One chain is missing.")
    escrow.milestone_accept_partial(
        milestone=second, actor=contributor_bob, offer=Milestone.objects.get(pk=second.pk).partial_offer
    )

    assert hold(first) == hold(second) == 0
    assert available(contributor_bob) == 975 * USDC + 2_925 * USDC
    assert fees() == 25 * USDC + 75 * USDC
    assert available(client_alice) == 10_000 * USDC - 1_000 * USDC - 3_000 * USDC
    assert available(client_alice) + available(contributor_bob) + fees() == 10_000 * USDC
