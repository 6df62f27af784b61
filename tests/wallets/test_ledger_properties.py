"""Property test: random sequences of money and escrow operations keep the ledger
whole.

A hypothesis ``RuleBasedStateMachine`` drives the real services (faucet, chain
deposits, fund, submit, request changes, approve, partial offer + accept, client
and arbiter refunds, disputes and splits, auto-release with a moved clock,
withdrawals and failed withdrawals, a fee rate that changes) over three tokens:
USDC (6 decimals), WALL (18) and ZERO (0 decimals), with amounts from 1 base unit
to far above 2**64. Beside the database it keeps its own model of every balance
and milestone, and predicts each outcome: a refusal must carry the predicted code,
and a predicted success must succeed.

After every step: every transaction balances in one token; per token the balances
sum to zero (supply conserved); no account but the external one is negative; a
held milestone's hold equals its amount; a settled one holds zero and paid out
exactly its amount (released + fee + refunded); every balance equals the model's;
and ``manage.py ledger_check`` finds nothing. At teardown everything still open
is settled (disputes resolved, the rest approved) and every hold must be zero.

Failed withdrawals: the ``ledger`` backend confirms a withdrawal in the transaction
that makes it, so ``withdrawal_fail`` on one of its withdrawals can only be refused
(``settled``). To reach the reversal path, withdrawals are made with either the
ledger backend or ``tests.wallets.payout_doubles.PendingBackend``, registered like a
real backend, which leaves them pending as the EVM backend does before confirming.
Its on-commit processing never runs here (each example runs inside a savepoint
that is rolled back), which is what a pending withdrawal looks like to the ledger.

Each example runs in a savepoint of the test's transaction, rolled back at
teardown, so examples do not see each other's rows. The default profile runs in
seconds on SQLite; ``LEDGER_PROPERTIES_PROFILE=ci`` runs more and longer sequences.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import User
from config.errors import DomainError
from marketplace.models import Milestone, Project
from tests.factories import MilestoneFactory, ProjectFactory, UserFactory, account_for, token
from tests.wallets.payout_doubles import PendingBackend, install
from wallets import escrow, payouts
from wallets.management.commands.ledger_check import check_ledger
from wallets.models import Account, Dispute, LedgerEntry, LedgerTransaction, Token, Withdrawal

pytestmark = pytest.mark.django_db

hypothesis_settings.register_profile(
    "ledger-default",
    max_examples=25,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
hypothesis_settings.register_profile(
    "ledger-ci",
    parent=hypothesis_settings.get_profile("ledger-default"),
    max_examples=300,
    stateful_step_count=60,
)
PROFILE = "ledger-ci" if os.environ.get("LEDGER_PROPERTIES_PROFILE") == "ci" else "ledger-default"

Status = Milestone.Status
HELD = set(Milestone.HELD_STATUSES)
SETTLED = set(Milestone.SETTLED_STATUSES)
BPS = 10_000
MAX_MILESTONES = 5  # few, so that random steps often meet the same milestone again

# Amounts: one base unit, small, typical, and far beyond 2**64.
amounts = st.one_of(
    st.just(1),
    st.integers(1, 1_000),
    st.integers(1, 10**12),
    st.integers(2**64 - 2, 2**64 + 2),
    st.integers(2**64, 2**72),
)
deposit_amounts = st.one_of(amounts, st.integers(2**72, 2**200))
# Steps along the life of milestones not yet settled (see LedgerMachine._advance).
moves = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 11), st.integers(0, 2**80)), min_size=1, max_size=4)
tx_hashes = st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex())

F = TypeVar("F", bound=Callable[..., Any])


def step(function: F) -> F:
    """Mark the machine unclean while a rule or an invariant runs: if it raises,
    teardown only rolls back instead of settling (which would hide the failure)."""

    @functools.wraps(function)
    def wrapper(self: LedgerMachine, *args: Any, **kwargs: Any) -> Any:
        self.clean = False
        result = function(self, *args, **kwargs)
        self.clean = True
        return result

    return wrapper  # type: ignore[return-value]


@dataclass
class ProjectModel:
    project: Project
    client: User
    contributor: User
    token: Token


@dataclass
class MilestoneModel:
    pk: int
    project: ProjectModel
    amount: int
    status: str = Status.PENDING
    fee_bps: int | None = None
    offer: int | None = None
    submitted: bool = False
    review_due_at: datetime | None = None


@dataclass
class World:
    """Rows made once per test; every example starts from them (and no ledger rows)."""

    tokens: list[Token]
    users: list[User]
    stranger: str
    arbiter: User
    projects: list[ProjectModel]


@dataclass
class PendingWithdrawal:
    pk: int
    user: User
    token: Token
    amount: int


@dataclass
class Model:
    balances: dict[tuple[int, int], int] = field(default_factory=dict)
    fees: dict[int, int] = field(default_factory=dict)
    milestones: dict[int, MilestoneModel] = field(default_factory=dict)
    deposits: set[tuple[int, str, int]] = field(default_factory=set)
    pending: list[PendingWithdrawal] = field(default_factory=list)

    def balance(self, user: User, tok: Token) -> int:
        return self.balances.get((user.pk, tok.pk), 0)

    def credit(self, user: User, tok: Token, amount: int) -> None:
        self.balances[(user.pk, tok.pk)] = self.balance(user, tok) + amount

    def settle(self, m: MilestoneModel, to_contributor: int, to_client: int, status: str) -> None:
        assert m.fee_bps is not None
        fee = to_contributor * m.fee_bps // BPS
        self.credit(m.project.contributor, m.project.token, to_contributor - fee)
        self.credit(m.project.client, m.project.token, to_client)
        self.fees[m.project.token.pk] = self.fees.get(m.project.token.pk, 0) + fee
        m.status, m.offer, m.review_due_at = status, None, None


class LedgerMachine(RuleBasedStateMachine):
    world: World  # set by the test before the machine runs

    milestones = Bundle("milestones")

    def __init__(self) -> None:
        super().__init__()
        self.clean = True
        self.model = Model()
        # Settings are changed with one override at a time, never stacked (the
        # pytest ``settings`` fixture nests a layer per assignment).
        self._fee: override_settings | None = None
        self.change_the_fee(250)
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()

    # --- helpers ------------------------------------------------------------------

    def expect(self, call: Callable[[], Any], refused: str | None) -> Any:
        """Run ``call``; it must raise a DomainError with code ``refused``, or
        succeed when ``refused`` is None. The result, or None when refused."""
        result, outcome, message = None, None, ""
        try:
            result = call()
        except DomainError as error:
            outcome, message = error.code, error.message
        caller = inspect.currentframe()
        rule_name = caller.f_back.f_code.co_name if caller and caller.f_back else "?"
        event(f"{rule_name}: {outcome or 'done'}")  # what the steps did, for hypothesis statistics
        assert outcome == refused, f"got {outcome or 'success'} ({message}), expected {refused or 'success'}"
        return result

    def milestone(self, pk: int) -> tuple[MilestoneModel, Milestone]:
        return self.model.milestones[pk], Milestone.objects.get(pk=pk)

    # --- money in ---------------------------------------------------------------------

    @initialize(start=st.lists(st.sampled_from([2**100, 2**100, 2**100, 2**100, 10**9, 1, 0]), min_size=9, max_size=9))
    @step
    def starting_balances(self, start: list[int]) -> None:
        """Each user starts with a lot (mostly), some, one base unit or none of each
        token (deposits from the chain), so that most milestones can be funded."""
        for i, amount in enumerate(start):
            user, which = self.world.users[i // 3], self.world.tokens[i % 3]
            if amount:
                tx_hash = f"0x{i + 1:064x}"
                payouts.deposit_record(
                    token=which, tx_hash=tx_hash, log_index=0, block_number=1, from_address=user.address, amount=amount
                )
                self.model.deposits.add((which.chain_id, tx_hash, 0))
                self.model.credit(user, which, amount)

    @rule(user=st.integers(0, 2), tok=st.integers(0, 2), amount=amounts)
    @step
    def faucet(self, user: int, tok: int, amount: int) -> None:
        who, which = self.world.users[user], self.world.tokens[tok]
        over = amount > which.parse(django_settings.WALLETS_FAUCET_MAX)
        if self.expect(lambda: payouts.faucet(user=who, token=which, amount=amount), "faucet_limit" if over else None):
            self.model.credit(who, which, amount)

    @rule(
        sender=st.integers(0, 3),
        tok=st.integers(0, 2),
        amount=deposit_amounts,
        tx_hash=st.one_of(tx_hashes, st.just("0x" + "00" * 32)),
        log_index=st.integers(0, 2),
    )
    @step
    def chain_deposit(self, sender: int, tok: int, amount: int, tx_hash: str, log_index: int) -> None:
        which = self.world.tokens[tok]
        user = self.world.users[sender] if sender < 3 else None
        address = user.address if user else self.world.stranger
        key = (which.chain_id, tx_hash, log_index)
        deposit = payouts.deposit_record(
            token=which,
            tx_hash=tx_hash.upper().replace("0X", "0x") if log_index == 2 else tx_hash,
            log_index=log_index,
            block_number=100,
            from_address=address.lower(),
            amount=amount,
        )
        if key in self.model.deposits:
            assert deposit is None, "a transfer was recorded twice"
            return
        assert deposit is not None
        self.model.deposits.add(key)
        if user is None:
            assert (deposit.status, deposit.ledger_transaction_id) == ("unmatched", None)
        else:
            assert deposit.status == "credited"
            self.model.credit(user, which, amount)

    # --- escrow -----------------------------------------------------------------------

    @initialize(target=milestones, plan=st.lists(st.tuples(st.integers(0, 3), amounts), min_size=2, max_size=3))
    @step
    def starting_milestones(self, plan: list[tuple[int, int]]) -> MultipleResults[int]:
        return multiple(*(self.create_milestone(project, amount) for project, amount in plan))

    @precondition(lambda self: len(self.model.milestones) < MAX_MILESTONES)
    @rule(target=milestones, project=st.integers(0, 3), amount=amounts)
    @step
    def create_milestone(self, project: int, amount: int) -> int:
        p = self.world.projects[project]
        milestone = MilestoneFactory(project=p.project, amount=amount)
        self.model.milestones[milestone.pk] = MilestoneModel(pk=milestone.pk, project=p, amount=amount)
        return milestone.pk

    @rule(bps=st.sampled_from([0, 1, 250, 333, 5_000]))
    @step
    def change_the_fee(self, bps: int) -> None:
        if self._fee is not None:
            self._fee.disable()
        self._fee = override_settings(WALLETS_FEE_BPS=bps)
        self._fee.enable()
        self.fee_bps = bps

    @rule(pk=milestones)
    @step
    def fund(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        client, tok = m.project.client, m.project.token
        if m.status != Status.PENDING:
            refused: str | None = "already_funded"
        elif self.model.balance(client, tok) < m.amount:
            refused = "insufficient_funds"
        else:
            refused = None
        if self.expect(lambda: escrow.milestone_fund(milestone=milestone, actor=client), refused):
            self.model.credit(client, tok, -m.amount)
            m.status, m.fee_bps = Status.FUNDED, self.fee_bps

    @rule(pk=milestones)
    @step
    def submit(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        refused = None if m.status in (Status.FUNDED, Status.CHANGES_REQUESTED) else "not_submittable"
        call = lambda: escrow.milestone_submit(  # noqa: E731
            milestone=milestone, actor=m.project.contributor, note="Delivered.", links=["https://example.com/pr/1"]
        )
        if self.expect(call, refused):
            m.status, m.submitted = Status.SUBMITTED, True
            m.review_due_at = Milestone.objects.get(pk=pk).review_due_at

    @rule(pk=milestones)
    @step
    def request_changes(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        refused = None if m.status == Status.SUBMITTED else "not_submitted"
        call = lambda: escrow.milestone_request_changes(  # noqa: E731
            milestone=milestone, actor=m.project.client, feedback="More tests."
        )
        if self.expect(call, refused):
            m.status, m.offer, m.review_due_at = Status.CHANGES_REQUESTED, None, None

    @rule(pk=milestones)
    @step
    def approve(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        refused = None if m.status == Status.SUBMITTED else "not_submitted"
        if self.expect(lambda: escrow.milestone_approve(milestone=milestone, actor=m.project.client), refused):
            self.model.settle(m, m.amount, 0, Status.APPROVED)

    @rule(pk=milestones, which=st.sampled_from(["part", "one", "whole", "zero", "over"]), pick=st.integers(0, 2**80))
    @step
    def offer_part(self, pk: int, which: str, pick: int) -> None:
        m, milestone = self.milestone(pk)
        amount = {"part": 1 + pick % m.amount, "one": 1, "whole": m.amount, "zero": 0, "over": m.amount + 1}[which]
        if m.status != Status.SUBMITTED:
            refused: str | None = "not_submitted"
        elif not 0 < amount <= m.amount:
            refused = "invalid_amount"
        else:
            refused = None
        call = lambda: escrow.milestone_approve(  # noqa: E731
            milestone=milestone, actor=m.project.client, amount=amount, note="Only part of it works."
        )
        if self.expect(call, refused):
            if amount == m.amount:
                self.model.settle(m, m.amount, 0, Status.APPROVED)
            else:
                m.offer = amount

    @rule(pk=milestones)
    @step
    def accept_offer(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        if m.status != Status.SUBMITTED:
            refused: str | None = "not_submitted"
        elif m.offer is None:
            refused = "no_offer"
        else:
            refused = None
        call = lambda: escrow.milestone_accept_partial(milestone=milestone, actor=m.project.contributor, offer=m.offer)  # noqa: E731
        if self.expect(call, refused):
            assert m.offer is not None
            self.model.settle(m, m.offer, m.amount - m.offer, Status.APPROVED)

    @rule(pk=milestones)
    @step
    def client_refund(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        if m.status == Status.PENDING:
            refused: str | None = "not_funded"
        elif m.status in (Status.APPROVED, Status.REFUNDED):
            refused = "already_settled"
        elif m.status == Status.DISPUTED:
            refused = "disputed"
        elif m.status != Status.FUNDED or m.submitted:
            refused = "already_submitted"
        else:
            refused = None
        if self.expect(lambda: escrow.milestone_refund(milestone=milestone, actor=m.project.client), refused):
            self.model.settle(m, 0, m.amount, Status.REFUNDED)

    @rule(pk=milestones)
    @step
    def arbiter_refund(self, pk: int) -> None:
        m, milestone = self.milestone(pk)
        refused = None if m.status in HELD else "not_held"
        if self.expect(lambda: escrow.milestone_refund(milestone=milestone, actor=self.world.arbiter), refused):
            self.model.settle(m, 0, m.amount, Status.REFUNDED)

    @rule(pk=milestones, by=st.sampled_from(["client", "contributor", "client", "contributor", "stranger"]))
    @step
    def dispute(self, pk: int, by: str) -> None:
        m, milestone = self.milestone(pk)
        actor = {"client": m.project.client, "contributor": m.project.contributor, "stranger": self.world.arbiter}[by]
        if by == "stranger":
            refused: str | None = "not_a_party"
        elif m.status not in (Status.FUNDED, Status.SUBMITTED, Status.CHANGES_REQUESTED):
            refused = "not_disputable"
        else:
            refused = None
        call = lambda: escrow.milestone_dispute(milestone=milestone, actor=actor, reason="We disagree.")  # noqa: E731
        if self.expect(call, refused):
            m.status, m.review_due_at = Status.DISPUTED, None

    @rule(
        pk=milestones,
        split=st.sampled_from(["nothing", "everything", "part", "one", "mismatch"]),
        pick=st.integers(0, 2**80),
    )
    @step
    def resolve(self, pk: int, split: str, pick: int) -> None:
        m, _ = self.milestone(pk)
        dispute = Dispute.objects.filter(milestone_id=pk).order_by("-id").first()
        if dispute is None:
            return
        to_contributor = {
            "nothing": 0,
            "everything": m.amount,
            "part": pick % (m.amount + 1),
            "one": 1,
            "mismatch": pick % (m.amount + 1),
        }[split]
        to_client = m.amount - to_contributor + (1 if split == "mismatch" else 0)
        if m.status != Status.DISPUTED:
            refused: str | None = "already_resolved"
        elif split == "mismatch":
            refused = "split_mismatch"
        else:
            refused = None
        call = lambda: escrow.dispute_resolve(  # noqa: E731
            dispute=dispute,
            arbiter=self.world.arbiter,
            to_contributor=to_contributor,
            to_client=to_client,
            resolution="Split by the arbiter.",
        )
        if self.expect(call, refused):
            status = Status.REFUNDED if to_contributor == 0 else Status.APPROVED
            self.model.settle(m, to_contributor, to_client, status)

    @rule(days=st.integers(0, 30), seconds=st.integers(-5, 5))
    @step
    def auto_release(self, days: int, seconds: int) -> None:
        now = timezone.now() + timedelta(days=days, seconds=seconds)
        due = {
            m.pk
            for m in self.model.milestones.values()
            if m.status == Status.SUBMITTED and m.review_due_at is not None and m.review_due_at <= now
        }

        released = escrow.milestones_auto_release(now=now)

        event(f"auto_release: {'released' if released else 'nothing due'}")
        assert sorted(released) == sorted(due)
        for pk in released:
            m = self.model.milestones[pk]
            self.model.settle(m, m.amount, 0, Status.APPROVED)

    def _advance(self, which: int, choice: int, pick: int) -> None:
        """Take one of the steps open now to one of the milestones not settled yet:
        rules drawing milestones at random rarely hit one several times in a row,
        and this walks milestones through their whole life."""
        live = [m for m in self.model.milestones.values() if m.status not in SETTLED]
        if not live:
            return
        m = live[which % len(live)]
        pk = m.pk
        options: list[Callable[[], None]] = {
            Status.PENDING: [lambda: self.fund(pk), lambda: self.fund(pk), lambda: self.top_up_and_fund(pk, pick)],
            Status.FUNDED: [
                lambda: self.submit(pk),
                lambda: self.submit(pk),
                lambda: self.dispute(pk, "contributor"),
                lambda: self.client_refund(pk),
            ],
            Status.CHANGES_REQUESTED: [lambda: self.submit(pk), lambda: self.dispute(pk, "client")],
            Status.SUBMITTED: [
                lambda: self.approve(pk),
                lambda: self.offer_part(pk, "part", pick),
                lambda: self.accept_offer(pk),
                lambda: self.accept_offer(pk) if m.offer else self.offer_part(pk, "one", pick),
                lambda: self.request_changes(pk),
                lambda: self.dispute(pk, "client"),
                lambda: self.auto_release(15, 0),
            ],
            Status.DISPUTED: [
                lambda: self.resolve(pk, "part", pick),
                lambda: self.resolve(pk, ("nothing", "everything")[pick % 2], pick),
                lambda: self.arbiter_refund(pk),
            ],
        }[m.status]
        options[choice % len(options)]()

    def top_up_and_fund(self, pk: int, pick: int) -> None:
        """A deposit from the chain of what the client lacks, then funding."""
        m = self.model.milestones[pk]
        lacking = m.amount - self.model.balance(m.project.client, m.project.token)
        if lacking > 0:
            sender = self.world.users.index(m.project.client)
            self.chain_deposit(sender, self.world.tokens.index(m.project.token), lacking, f"0x{pick:064x}", 1)
        self.fund(pk)

    @rule(moves=moves)
    def advance(self, moves: list[tuple[int, int, int]]) -> None:
        for which, choice, pick in moves:
            self._advance(which, choice, pick)

    @rule(moves=moves)
    def advance_more(self, moves: list[tuple[int, int, int]]) -> None:
        """The same as a second rule, so that advancing is chosen more often."""
        self.advance(moves)

    # --- money out ----------------------------------------------------------------------

    @rule(user=st.integers(0, 2), tok=st.integers(0, 2), amount=amounts, pending=st.booleans())
    @step
    def withdraw(self, user: int, tok: int, amount: int, pending: bool) -> None:
        who, which = self.world.users[user], self.world.tokens[tok]
        refused = "insufficient_funds" if self.model.balance(who, which) < amount else None
        with override_settings(WALLETS_PAYOUT_BACKEND=PendingBackend.name if pending else "ledger"):
            withdrawal = self.expect(lambda: payouts.withdrawal_request(user=who, token=which, amount=amount), refused)
        if withdrawal is None:
            return
        self.model.credit(who, which, -amount)
        expected = Withdrawal.Status.PENDING if pending else Withdrawal.Status.CONFIRMED
        assert Withdrawal.objects.get(pk=withdrawal.pk).status == expected
        if pending:
            self.model.pending.append(PendingWithdrawal(withdrawal.pk, who, which, amount))

    @rule(pick=st.integers(0, 100))
    @step
    def fail_a_withdrawal(self, pick: int) -> None:
        if not self.model.pending:
            confirmed = Withdrawal.objects.filter(status=Withdrawal.Status.CONFIRMED).first()
            if confirmed is not None:
                self.expect(lambda: payouts.withdrawal_fail(withdrawal=confirmed, reason="Too late."), "settled")
            return
        failing = self.model.pending.pop(pick % len(self.model.pending))
        withdrawal = Withdrawal.objects.get(pk=failing.pk)
        self.expect(lambda: payouts.withdrawal_fail(withdrawal=withdrawal, reason="Dropped by the node."), None)
        self.model.credit(failing.user, failing.token, failing.amount)
        # A second failure of the same withdrawal is refused.
        self.expect(lambda: payouts.withdrawal_fail(withdrawal=withdrawal, reason="Again."), "settled")

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    @step
    def the_ledger_is_whole(self) -> None:
        lines: dict[int, list[tuple[int, int]]] = {}
        for txn_id, account_token, txn_token, amount in LedgerEntry.objects.values_list(
            "transaction_id", "account__token_id", "transaction__token_id", "amount"
        ):
            assert account_token == txn_token, f"transaction {txn_id} mixes tokens"
            lines.setdefault(txn_id, []).append((account_token, amount))
        assert len(lines) == LedgerTransaction.objects.count()
        for txn_id, entries in lines.items():
            assert len(entries) >= 2, f"transaction {txn_id} has {len(entries)} entries"
            assert sum(a for _, a in entries) == 0, f"transaction {txn_id} is unbalanced"

        supply: dict[int, int] = {}
        fees: dict[int, int] = {}
        holds: dict[int, int] = {}
        available: dict[tuple[int, int], int] = {}
        for kind, owner, milestone, tok, balance in Account.objects.values_list(
            "kind", "owner_id", "milestone_id", "token_id", "balance"
        ):
            supply[tok] = supply.get(tok, 0) + balance
            assert kind == Account.Kind.EXTERNAL or balance >= 0, f"a {kind} account is negative"
            if kind == Account.Kind.FEES:
                fees[tok] = balance
            elif kind == Account.Kind.ESCROW:
                holds[milestone] = balance
            elif kind == Account.Kind.AVAILABLE:
                available[(owner, tok)] = balance
        assert all(total == 0 for total in supply.values()), f"supply not conserved: {supply}"

        assert {k: v for k, v in available.items() if v} == {k: v for k, v in self.model.balances.items() if v}
        assert {k: v for k, v in fees.items() if v} == {k: v for k, v in self.model.fees.items() if v}
        stored = {
            pk: (status, amount, released + fee + refunded, offer)
            for pk, status, amount, released, fee, refunded, offer in Milestone.objects.filter(
                pk__in=self.model.milestones
            ).values_list("pk", "status", "amount", "released_amount", "fee_amount", "refunded_amount", "partial_offer")
        }
        for pk, m in self.model.milestones.items():
            status, amount, paid_out, offer = stored[pk]
            assert (status, offer) == (m.status, m.offer), f"milestone {pk}"
            if status in HELD:
                assert holds.get(pk, 0) == amount, f"milestone {pk} is {status} and holds {holds.get(pk, 0)}"
            else:
                assert holds.get(pk, 0) == 0, f"milestone {pk} is {status} and holds {holds.get(pk, 0)}"
            if status in SETTLED:
                assert paid_out == amount, f"milestone {pk} paid out {paid_out} of {amount}"

        report = check_ledger()
        assert report.ok, report.problems

    # --- teardown -------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if self.clean:
                self.settle_everything()
        finally:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)
            if self._fee is not None:
                self._fee.disable()

    def settle_everything(self) -> None:
        for pk, m in self.model.milestones.items():
            _, milestone = self.milestone(pk)
            if m.status == Status.DISPUTED:
                dispute = Dispute.objects.get(milestone_id=pk, status=Dispute.Status.OPEN)
                half = m.amount // 2
                escrow.dispute_resolve(
                    dispute=dispute,
                    arbiter=self.world.arbiter,
                    to_contributor=half,
                    to_client=m.amount - half,
                    resolution="Settled at teardown.",
                )
                self.model.settle(m, half, m.amount - half, Status.REFUNDED if half == 0 else Status.APPROVED)
                continue
            if m.status in (Status.FUNDED, Status.CHANGES_REQUESTED):
                escrow.milestone_submit(milestone=milestone, actor=m.project.contributor, note="Final.")
                m.status = Status.SUBMITTED
            if m.status == Status.SUBMITTED:
                escrow.milestone_approve(milestone=milestone, actor=m.project.client)
                self.model.settle(m, m.amount, 0, Status.APPROVED)
        self.the_ledger_is_whole()
        holds = Account.objects.filter(kind=Account.Kind.ESCROW).values_list("balance", flat=True)
        assert all(balance == 0 for balance in holds)
        assert all(m.status in SETTLED | {Status.PENDING} for m in self.model.milestones.values())


@pytest.fixture
def world(settings: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    install(monkeypatch, settings, PendingBackend)
    settings.WALLETS_FAUCET = True
    zero = Token.objects.create(symbol="ZERO", name="Whole units only", decimals=0)
    alice = UserFactory(persona="prop-alice")
    bob = UserFactory(persona="prop-bob")
    carol = UserFactory(persona="prop-carol")
    arbiter = UserFactory(persona="prop-arbiter", is_staff=True)
    usdc, wall = token("USDC"), token("WALL")

    def hired(client: User, contributor: User, tok: Token) -> ProjectModel:
        project = ProjectFactory(
            owner=client, contributor=contributor, budget_token=tok, status=Project.Status.IN_PROGRESS
        )
        return ProjectModel(project=project, client=client, contributor=contributor, token=tok)

    return World(
        tokens=[usdc, wall, zero],
        users=[alice, bob, carol],
        stranger=account_for("prop-stranger").address,
        arbiter=arbiter,
        projects=[hired(alice, bob, usdc), hired(alice, bob, wall), hired(alice, carol, zero), hired(bob, carol, usdc)],
    )


def test_random_sequences_of_operations_keep_the_ledger_whole(world: World) -> None:
    LedgerMachine.world = world
    run_state_machine_as_test(LedgerMachine, settings=hypothesis_settings.get_profile(PROFILE))
