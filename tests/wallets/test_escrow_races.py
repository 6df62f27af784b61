"""Races on escrow and withdrawals, on PostgreSQL: a milestone settles once, is
funded once, and concurrent debits never take more than the balance.

SQLite serialises writers and ignores ``select_for_update``, so these tests only
mean something on PostgreSQL (DATABASE_URL=postgres://...). Every attempt runs in
a thread with its own database connection, closed when done.

The server allows 100 connections, shared with other test databases, so the 100
attempts of a race run through at most ``RACE_CONNECTIONS`` (default 50) threads:
the first 50 are released together at the same instant and the others follow as
threads free up, while the winner's transaction may still hold its locks.

These tests were shown to fail without the locks they rely on. Each experiment
ran on a copy of the tree (so nobody else's test run saw the broken code), then
the copy was restored and compared equal to the checkout:

- ``select_for_update()`` removed from ``wallets.escrow._lock`` (the project and
  milestone rows): the fund race funded the milestone 10 times (every attempt saw
  "pending"; the ledger moved 1,000 USDC ten times, until Alice's 10,000 ran out);
  in the settlement race 13 of the 25 losing approvals were refused by the ledger
  (``insufficient_funds`` on the emptied hold) instead of by the milestone's state;
  and a concurrent ``escrow_auto_release`` run crashed with ``InsufficientFunds``.
- ``select_for_update()`` removed from ``wallets.ledger.post`` (the account rows):
  all 50 withdrawals of 30 USDC succeeded from a 1,000 USDC balance (1,500 paid
  out, lost updates), and all 20 fundings of 100 USDC in different projects
  succeeded from 1,050 USDC. The races on one milestone still passed: the milestone
  lock alone serialises them, which is why both kinds of race are tested.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from marketplace.models import Milestone, Project
from tests.factories import MilestoneFactory, ProjectFactory, UserFactory, token
from wallets import escrow, payouts
from wallets.management.commands.ledger_check import check_ledger
from wallets.models import Account, AuditEvent, LedgerTransaction, Withdrawal

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="select_for_update is a no-op on SQLite: race tests need PostgreSQL (set DATABASE_URL)",
    ),
    # serialized_rollback restores the rows the migrations create (tokens, skills)
    # that the flush after each transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

USDC = 10**6
RACE_CONNECTIONS = int(os.environ.get("RACE_CONNECTIONS", "50"))
Kind = LedgerTransaction.Kind
T = TypeVar("T")


def race(calls: list[Callable[[], T]]) -> list[T | DomainError]:
    """Run ``calls`` in up to RACE_CONNECTIONS threads, released together; each
    result is the return value or the DomainError raised. Anything else (a crash)
    is re-raised here. Every thread closes its connection after each call."""
    start = threading.Event()

    def run(call: Callable[[], T]) -> T | DomainError:
        try:
            start.wait(timeout=30)
            return call()
        except DomainError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=min(RACE_CONNECTIONS, len(calls))) as pool:
        futures = [pool.submit(run, call) for call in calls]
        start.set()
        return [future.result() for future in futures]


def codes(results: list[Any]) -> Counter[str]:
    return Counter(r.code for r in results if isinstance(r, DomainError))


def balance(user: User) -> int:
    account = Account.objects.filter(kind=Account.Kind.AVAILABLE, owner=user, token__symbol="USDC").first()
    return account.balance if account else 0


def fees() -> int:
    account = Account.objects.filter(kind=Account.Kind.FEES, token__symbol="USDC").first()
    return account.balance if account else 0


def hold(milestone: Milestone) -> int:
    account = Account.objects.filter(kind=Account.Kind.ESCROW, milestone=milestone).first()
    return account.balance if account else 0


def fresh_user(user: User) -> User:
    """A fresh copy per thread: threads must not share model instances."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def people() -> tuple[User, User, User]:
    alice = UserFactory(persona="race-alice")
    bob = UserFactory(persona="race-bob")
    arbiter = UserFactory(persona="race-arbiter", is_staff=True)
    payouts.faucet(user=alice, token=token("USDC"), amount=10_000 * USDC)
    return alice, bob, arbiter


def hired(alice: User, bob: User) -> Project:
    return ProjectFactory(owner=alice, contributor=bob, status=Project.Status.IN_PROGRESS)


def test_100_concurrent_settlements_of_one_milestone_pay_exactly_once(people: tuple[User, User, User]) -> None:
    alice, bob, arbiter = people
    milestone = MilestoneFactory(project=hired(alice, bob), amount=1_000 * USDC)
    escrow.milestone_fund(milestone=milestone, actor=alice)
    escrow.milestone_submit(milestone=milestone, actor=bob, note="Done.")
    escrow.milestone_approve(milestone=milestone, actor=alice, amount=600 * USDC, note="Part of it works.")
    later = timezone.now() + timedelta(days=15)  # past the review window

    def attempt(i: int) -> Callable[[], Any]:
        pk = milestone.pk
        return [
            lambda: escrow.milestone_approve(milestone=Milestone.objects.get(pk=pk), actor=fresh_user(alice)),
            lambda: escrow.milestone_auto_release(milestone=pk, now=later),
            lambda: escrow.milestone_refund(milestone=Milestone.objects.get(pk=pk), actor=fresh_user(arbiter)),
            lambda: escrow.milestone_accept_partial(
                milestone=Milestone.objects.get(pk=pk),
                actor=fresh_user(bob),
                offer=Milestone.objects.get(pk=Milestone.objects.get(pk=pk).pk).partial_offer,
            ),
        ][i % 4]

    results = race([attempt(i) for i in range(100)])

    by_kind: dict[str, list[Any]] = {
        kind: results[i::4] for i, kind in enumerate(["approve", "auto", "refund", "accept"])
    }
    wins = {kind: [r for r in found if isinstance(r, Milestone) or r is True] for kind, found in by_kind.items()}
    assert sum(len(w) for w in wins.values()) == 1, wins
    (winner,) = [kind for kind, w in wins.items() if w]
    # Every loser was refused by the milestone's state, not by the ledger.
    assert codes(by_kind["approve"]) == Counter({"not_submitted": 25 - len(wins["approve"])})
    assert codes(by_kind["accept"]) == Counter({"not_submitted": 25 - len(wins["accept"])})
    assert codes(by_kind["refund"]) == Counter({"not_held": 25 - len(wins["refund"])})
    assert [r for r in by_kind["auto"] if r is not True] == [False] * (25 - len(wins["auto"]))

    settlements = LedgerTransaction.objects.filter(milestone=milestone).exclude(kind=Kind.FUND)
    assert settlements.count() == 1
    assert hold(milestone) == 0
    expected = {  # (to Bob, fees, Alice's balance), in USDC
        "approve": (975, 25, 9_000),
        "auto": (975, 25, 9_000),
        "accept": (585, 15, 9_400),
        "refund": (0, 0, 10_000),
    }[winner]
    assert (balance(bob), fees(), balance(alice)) == tuple(n * USDC for n in expected)
    assert balance(bob) + fees() + balance(alice) == 10_000 * USDC
    stored = Milestone.objects.get(pk=milestone.pk)
    assert stored.released_amount + stored.fee_amount + stored.refunded_amount == 1_000 * USDC
    settling = AuditEvent.objects.filter(
        target_id=milestone.pk,
        action__in=[
            "milestone.approve",
            "milestone.auto_release",
            "milestone.arbiter_refund",
            "milestone.accept_partial",
        ],
    )
    assert settling.count() == 1
    assert check_ledger().problems == []


def test_100_concurrent_fundings_of_one_milestone_fund_it_once(people: tuple[User, User, User]) -> None:
    alice, bob, _ = people
    milestone = MilestoneFactory(project=hired(alice, bob), amount=1_000 * USDC)

    results = race(
        [
            lambda: escrow.milestone_fund(milestone=Milestone.objects.get(pk=milestone.pk), actor=fresh_user(alice))
            for _ in range(100)
        ]
    )

    assert len([r for r in results if isinstance(r, Milestone)]) == 1
    assert codes(results) == Counter({"already_funded": 99})
    assert LedgerTransaction.objects.filter(milestone=milestone, kind=Kind.FUND).count() == 1
    assert hold(milestone) == 1_000 * USDC
    assert balance(alice) == 9_000 * USDC
    assert check_ledger().problems == []


def test_concurrent_fundings_of_different_projects_never_overdraw_the_client(
    people: tuple[User, User, User],
) -> None:
    # Different projects take different project and milestone locks: only the lock
    # on the client's account in ledger.post stands between them and an overdraft.
    alice, bob, _ = people
    payouts.withdrawal_request(user=alice, token=token("USDC"), amount=8_950 * USDC)  # 1,050 USDC left
    milestones = [MilestoneFactory(project=hired(alice, bob), amount=100 * USDC) for _ in range(20)]

    results = race(
        [
            lambda pk=m.pk: escrow.milestone_fund(milestone=Milestone.objects.get(pk=pk), actor=fresh_user(alice))
            for m in milestones
        ]
    )

    assert len([r for r in results if isinstance(r, Milestone)]) == 10
    assert codes(results) == Counter({"insufficient_funds": 10})
    assert balance(alice) == 50 * USDC
    assert sum(hold(m) for m in milestones) == 1_000 * USDC
    assert check_ledger().problems == []


def test_50_concurrent_withdrawals_never_take_more_than_the_balance(people: tuple[User, User, User]) -> None:
    _, bob, _ = people
    usdc = token("USDC")
    payouts.faucet(user=bob, token=usdc, amount=1_000 * USDC)

    results = race(
        [lambda: payouts.withdrawal_request(user=fresh_user(bob), token=usdc, amount=30 * USDC) for _ in range(50)]
    )

    paid = [r for r in results if isinstance(r, Withdrawal)]
    assert len(paid) == 1_000 // 30 == 33
    assert codes(results) == Counter({"insufficient_funds": 50 - 33})
    assert balance(bob) == 1_000 * USDC - 33 * 30 * USDC == 10 * USDC
    withdrawn = sum(w.amount for w in Withdrawal.objects.filter(user=bob))
    assert withdrawn == 990 * USDC
    assert Withdrawal.objects.filter(user=bob, status=Withdrawal.Status.CONFIRMED).count() == 33
    assert check_ledger().problems == []


def test_different_kinds_of_posting_in_one_token_never_deadlock(people: tuple[User, User, User]) -> None:
    """Faucet credits, fundings, releases and withdrawals of many clients at once,
    all in USDC. ``ledger.post`` locks only the account rows, in primary-key order;
    when it also locked the shared token row (a bare FOR UPDATE over the join), a
    faucet and a fund of the same client deadlocked in 5 of 5 runs and this test
    raised ``deadlock detected``."""
    _, bob, _ = people
    clients = [UserFactory(persona=f"race-client-{i}") for i in range(12)]
    milestones = []
    for client in clients:
        payouts.faucet(user=client, token=token("USDC"), amount=1_000 * USDC)
        project = hired(client, bob)
        milestones.append([MilestoneFactory(project=project, amount=100 * USDC, order=n) for n in (1, 2)])

    def work(client: User, first: Milestone, second: Milestone) -> list[Any]:
        return [
            payouts.faucet(user=fresh_user(client), token=token("USDC"), amount=50 * USDC),
            escrow.milestone_fund(milestone=Milestone.objects.get(pk=first.pk), actor=fresh_user(client)),
            payouts.withdrawal_request(user=fresh_user(client), token=token("USDC"), amount=30 * USDC),
            escrow.milestone_fund(milestone=Milestone.objects.get(pk=second.pk), actor=fresh_user(client)),
            payouts.faucet(user=fresh_user(client), token=token("USDC"), amount=5 * USDC),
        ]

    calls: list[Callable[[], Any]] = []
    for client, (first, second) in zip(clients, milestones, strict=True):
        calls.append(lambda c=client, f=first, s=second: work(c, f, s))
        calls.append(lambda c=client, f=first, s=second: work(c, f, s))  # the same client twice at once

    results = race(calls)

    # Each client: the second run of `work` is refused at its first fund (already funded).
    assert codes(results) == Counter({"already_funded": len(clients)})
    for client, (first, second) in zip(clients, milestones, strict=True):
        assert hold(first) == hold(second) == 100 * USDC
        # 1,000 + 50 + 50 (the refused run's faucet) - 100 - 30 - 100 + 5
        assert balance(client) == 875 * USDC
    assert check_ledger().problems == []
