"""Every event of the real-time issue tells the right person(s), exactly once.

Driven through the real services (marketplace, escrow, payouts; the EVM backend on an
in-process chain for a withdrawal that is sent before it is paid). After each step the
test compares the inboxes of everyone involved (and of bystanders) with what they
must hold: a notification to the wrong person, a missing one or a duplicate all fail.
The actor of a change is never told of their own action.

``hired_project``: Alice's project in progress with Bob hired, milestones of 1,000 and
4,000 USDC (pending), Alice holding 10,000 USDC.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts.models import User
from marketplace import services as marketplace
from marketplace.models import Application, Milestone, Project
from notifications.models import Notification
from tests.factories import ProjectFactory, token
from tests.wallets.evm_fixtures import evm_world, mine_blocks
from wallets import escrow, ledger, payouts
from wallets.chains import evm
from wallets.chains.evm import EvmBackend
from wallets.models import Dispute, LedgerTransaction, Token, Withdrawal

pytestmark = pytest.mark.django_db

K = Notification.Kind
USDC = 10**6


class Inboxes:
    """What each watched user has been told so far, and what they must have been told."""

    def __init__(self, inbox: Any, *users: User) -> None:
        self._inbox = inbox
        self.users = users
        self.expected: dict[int, list[str]] = {user.pk: [] for user in users}

    def expect(self, user: User, *kinds: str) -> None:
        self.expected[user.pk].extend(kinds)

    def check(self) -> None:
        actual = {user.pk: self._inbox(user) for user in self.users}
        assert actual == self.expected
        # Nobody outside the watched users was told anything either.
        assert Notification.objects.exclude(recipient__in=[u.pk for u in self.users]).count() == 0


@pytest.fixture
def watch(inbox: Any, client_alice: User, contributor_bob: User, contributor_carol: User, moderator: User) -> Any:
    """watch() -> Inboxes of Alice, Bob, Carol and the moderator (a bystander unless arbitrating)."""
    return lambda: Inboxes(inbox, client_alice, contributor_bob, contributor_carol, moderator)


def apply(project: Project, contributor: User) -> Application:
    return marketplace.application_submit(
        project=project,
        contributor=contributor,
        cover_letter="I have run validators on two subnets.",
        proposed_amount=4_000 * USDC,
        estimated_days=20,
    )


def fund_and_submit(milestone: Milestone, client: User, contributor: User) -> Milestone:
    escrow.milestone_fund(milestone=milestone, actor=client)
    escrow.milestone_submit(milestone=milestone, actor=contributor, note="Done: see the repository.")
    return Milestone.objects.get(pk=milestone.pk)


# --- applications ------------------------------------------------------------------


def test_applying_tells_the_client_and_shortlisting_accepting_rejecting_tell_the_applicants(
    watch: Any, client_alice: User, contributor_bob: User, contributor_carol: User
) -> None:
    boxes = watch()
    project = ProjectFactory(owner=client_alice)

    bob_applies = apply(project, contributor_bob)
    carol_applies = apply(project, contributor_carol)
    boxes.expect(client_alice, K.APPLICATION_RECEIVED, K.APPLICATION_RECEIVED)
    boxes.check()

    marketplace.application_shortlist(application=bob_applies, actor=client_alice)
    boxes.expect(contributor_bob, K.APPLICATION_SHORTLISTED)
    boxes.check()

    marketplace.application_accept(application=bob_applies, actor=client_alice)
    boxes.expect(contributor_bob, K.APPLICATION_ACCEPTED)
    boxes.expect(contributor_carol, K.APPLICATION_REJECTED)  # the other pending applicant
    boxes.check()
    carol_applies.refresh_from_db()
    assert carol_applies.status == Application.Status.REJECTED


def test_rejecting_an_application_tells_its_applicant_only(
    watch: Any, client_alice: User, contributor_bob: User, contributor_carol: User
) -> None:
    boxes = watch()
    project = ProjectFactory(owner=client_alice)
    bob_applies = apply(project, contributor_bob)
    apply(project, contributor_carol)
    boxes.expect(client_alice, K.APPLICATION_RECEIVED, K.APPLICATION_RECEIVED)

    marketplace.application_reject(application=bob_applies, actor=client_alice)

    boxes.expect(contributor_bob, K.APPLICATION_REJECTED)
    boxes.check()


# --- milestones ---------------------------------------------------------------------


def test_funding_submitting_asking_for_changes_and_approving_tell_the_other_side(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    boxes = watch()
    milestone = hired_project.milestones.get(order=1)

    escrow.milestone_fund(milestone=milestone, actor=client_alice)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)
    boxes.check()

    escrow.milestone_submit(milestone=milestone, actor=contributor_bob, note="First version.")
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)
    boxes.check()

    escrow.milestone_request_changes(milestone=milestone, actor=client_alice, feedback="Add the dashboards.")
    boxes.expect(contributor_bob, K.MILESTONE_CHANGES_REQUESTED)
    boxes.check()

    escrow.milestone_submit(milestone=milestone, actor=contributor_bob, note="Dashboards added.")
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)
    boxes.check()

    escrow.milestone_approve(milestone=milestone, actor=client_alice)
    boxes.expect(contributor_bob, K.MILESTONE_APPROVED)
    boxes.check()


def test_an_automatic_release_tells_both_sides(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    boxes = watch()
    milestone = fund_and_submit(hired_project.milestones.get(order=1), client_alice, contributor_bob)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)
    assert milestone.review_due_at is not None

    released = escrow.milestones_auto_release(now=milestone.review_due_at + timedelta(minutes=1))
    again = escrow.milestones_auto_release(now=milestone.review_due_at + timedelta(minutes=2))

    assert released == [milestone.pk]
    assert again == []
    boxes.expect(contributor_bob, K.MILESTONE_AUTO_RELEASED)
    boxes.expect(client_alice, K.MILESTONE_AUTO_RELEASED)
    boxes.check()


def test_a_refund_by_the_client_tells_the_contributor(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    boxes = watch()
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=client_alice)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)

    escrow.milestone_refund(milestone=milestone, actor=client_alice, reason="Scope changed.")

    boxes.expect(contributor_bob, K.MILESTONE_REFUNDED)
    boxes.check()


def test_a_refund_by_an_arbiter_tells_both_sides(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User, moderator: User
) -> None:
    boxes = watch()
    milestone = fund_and_submit(hired_project.milestones.get(order=1), client_alice, contributor_bob)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)

    escrow.milestone_refund(milestone=milestone, actor=moderator, reason="The work was not delivered.")

    boxes.expect(contributor_bob, K.MILESTONE_REFUNDED)
    boxes.expect(client_alice, K.MILESTONE_REFUNDED)
    boxes.check()


def test_a_partial_approval_is_offered_to_the_contributor_and_its_acceptance_told_to_the_client(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    boxes = watch()
    milestone = fund_and_submit(hired_project.milestones.get(order=1), client_alice, contributor_bob)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)

    escrow.milestone_approve(milestone=milestone, actor=client_alice, amount=600 * USDC, note="Dashboards missing.")
    boxes.expect(contributor_bob, K.MILESTONE_PARTIAL_OFFERED)
    boxes.check()

    escrow.milestone_accept_partial(milestone=milestone, actor=contributor_bob, offer=600 * USDC)
    boxes.expect(client_alice, K.MILESTONE_REFUNDED)
    boxes.check()


# --- disputes -----------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["client", "contributor"])
def test_a_dispute_tells_the_other_party_and_its_resolution_tells_both(
    opener: str, watch: Any, hired_project: Project, client_alice: User, contributor_bob: User, moderator: User
) -> None:
    boxes = watch()
    milestone = fund_and_submit(hired_project.milestones.get(order=1), client_alice, contributor_bob)
    boxes.expect(contributor_bob, K.MILESTONE_FUNDED)
    boxes.expect(client_alice, K.MILESTONE_SUBMITTED)
    actor, other = (client_alice, contributor_bob) if opener == "client" else (contributor_bob, client_alice)

    dispute = escrow.milestone_dispute(milestone=milestone, actor=actor, reason="We disagree on the scope.")
    boxes.expect(other, K.DISPUTE_OPENED)
    boxes.check()

    escrow.dispute_resolve(
        dispute=dispute, arbiter=moderator, to_contributor=700 * USDC, to_client=300 * USDC, resolution="Split."
    )
    boxes.expect(client_alice, K.DISPUTE_RESOLVED)
    boxes.expect(contributor_bob, K.DISPUTE_RESOLVED)
    boxes.check()
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.RESOLVED


# --- reviews ------------------------------------------------------------------------


def test_a_review_tells_the_person_reviewed(
    watch: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    boxes = watch()
    marketplace.project_complete(project=hired_project, actor=client_alice)
    boxes.expect(contributor_bob, K.PROJECT_COMPLETED)

    marketplace.review_create(project=hired_project, author=client_alice, rating=5, text="Excellent validator work.")
    boxes.expect(contributor_bob, K.REVIEW_RECEIVED)
    boxes.check()

    marketplace.review_create(
        project=hired_project, author=contributor_bob, rating=4, text="Clear brief, paid on time."
    )
    boxes.expect(client_alice, K.REVIEW_RECEIVED)
    boxes.check()


# --- withdrawals --------------------------------------------------------------------


def test_a_withdrawal_on_the_ledger_backend_is_paid_at_once_and_told_once(
    watch: Any, contributor_bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    boxes = watch()
    usdc = token("USDC")
    payouts.faucet(user=contributor_bob, token=usdc, amount=100 * USDC)

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = payouts.withdrawal_request(user=contributor_bob, token=usdc, amount=40 * USDC)

    assert withdrawal.status == Withdrawal.Status.CONFIRMED
    boxes.expect(contributor_bob, K.WITHDRAWAL_CONFIRMED)
    boxes.check()


@pytest.fixture
def chain(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An in-process EVM with WorkWallToken and the evm payout backend pointed at it."""
    world = evm_world()
    settings.WALLETS_PAYOUT_BACKEND = "evm"
    settings.EVM_RPC_URL = "http://node.invalid:8545"
    settings.EVM_TREASURY_KEY = world.key
    settings.EVM_CONFIRMATIONS = 3
    monkeypatch.setattr(evm, "connect", lambda: world.w3)
    onchain = Token.objects.create(
        symbol="TUSD",
        name="WorkWall Test Dollar",
        decimals=6,
        chain_id=world.w3.eth.chain_id,
        contract_address=world.token.address,
    )
    return world, onchain


def credited(user: User, onchain: Token, amount: int) -> None:
    """A balance of the on-chain token, as a credited deposit would give."""
    ledger.post(
        kind=LedgerTransaction.Kind.DEPOSIT,
        token=onchain,
        lines=[
            ledger.Line(ledger.external_account(onchain), -amount),
            ledger.Line(ledger.available_account(user, onchain), amount),
        ],
        memo="Test deposit",
    )


def test_an_onchain_withdrawal_is_told_when_sent_and_again_when_paid(
    watch: Any, chain: Any, contributor_bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    world, onchain = chain
    boxes = watch()
    credited(contributor_bob, onchain, 50 * USDC)

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = payouts.withdrawal_request(user=contributor_bob, token=onchain, amount=20 * USDC)
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.SENT
    boxes.expect(contributor_bob, K.WITHDRAWAL_SENT)
    boxes.check()

    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.SENT  # not enough confirmations yet
    boxes.check()

    mine_blocks(world.w3, 3)
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.CONFIRMED
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.CONFIRMED  # settled: left alone
    boxes.expect(contributor_bob, K.WITHDRAWAL_CONFIRMED)
    boxes.check()


def test_a_failed_withdrawal_is_told_once_and_the_amount_is_back(watch: Any, chain: Any, contributor_bob: User) -> None:
    _, onchain = chain
    boxes = watch()
    credited(contributor_bob, onchain, 50 * USDC)
    # On-commit processing does not run here: the withdrawal stays pending, as when
    # the node is down; then the backend gives up on it.
    withdrawal = payouts.withdrawal_request(user=contributor_bob, token=onchain, amount=20 * USDC)

    payouts.withdrawal_fail(withdrawal=withdrawal, reason="The treasury has no gas.")

    boxes.expect(contributor_bob, K.WITHDRAWAL_FAILED)
    boxes.check()
    assert ledger.available_account(contributor_bob, onchain).balance == 50 * USDC


# --- a project that is cancelled -------------------------------------------------------


def test_cancelling_an_open_project_tells_each_pending_applicant(
    watch: Any, client_alice: User, contributor_bob: User, contributor_carol: User
) -> None:
    boxes = watch()
    project = ProjectFactory(owner=client_alice)
    apply(project, contributor_bob)
    apply(project, contributor_carol)
    boxes.expect(client_alice, K.APPLICATION_RECEIVED, K.APPLICATION_RECEIVED)

    marketplace.project_cancel(project=project, actor=client_alice, reason="Budget cut.")

    boxes.expect(contributor_bob, K.PROJECT_CANCELLED)
    boxes.expect(contributor_carol, K.PROJECT_CANCELLED)
    boxes.check()
