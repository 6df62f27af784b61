"""The operator commands: ``escrow_auto_release`` (cron), ``payouts_run`` (cron or
worker) and ``ledger_check`` (the ledger's invariants over the whole database)."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from marketplace.models import Milestone, Project
from tests.concurrency import race
from tests.factories import MilestoneFactory, ProjectFactory, UserFactory, token
from tests.wallets.payout_doubles import ConfirmingBackend, PendingBackend, install
from wallets import escrow, ledger, payouts
from wallets.management.commands import payouts_run as payouts_run_command
from wallets.models import Account, Dispute, IdempotencyKey, LedgerEntry, LedgerTransaction, Token, Withdrawal

pytestmark = pytest.mark.django_db

USDC = 10**6
Kind = LedgerTransaction.Kind


def run(name: str, *args: str) -> tuple[str, str]:
    """Run a management command; its stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(name: str, *args: str) -> tuple[CommandError, str, str]:
    """Run a command that must fail: the error, its stdout and stderr."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(name, *args, stdout=out, stderr=err)
    return caught.value, out.getvalue(), err.getvalue()


@pytest.fixture
def usdc() -> Token:
    return token("USDC")


@pytest.fixture
def submitted(hired_project: Project, client_alice: User, contributor_bob: User) -> Milestone:
    """The 1,000 USDC milestone, funded and submitted (review window: 14 days)."""
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=client_alice)
    escrow.milestone_submit(milestone=milestone, actor=contributor_bob, note="Done.")
    return Milestone.objects.get(pk=milestone.pk)


def clock(at: Any) -> Any:
    """Move django.utils.timezone.now (what the command and the services read)."""
    return mock.patch("django.utils.timezone.now", return_value=at)


# --- escrow_auto_release ------------------------------------------------------------


def test_auto_release_before_the_window_ends_releases_nothing(submitted: Milestone) -> None:
    assert submitted.review_due_at is not None
    with clock(submitted.review_due_at - timedelta(seconds=1)):
        out, _ = run("escrow_auto_release")

    assert out == "Released 0 milestones.\n"
    assert Milestone.objects.get(pk=submitted.pk).status == Milestone.Status.SUBMITTED


def test_auto_release_after_the_window_pays_the_contributor_once(
    submitted: Milestone, contributor_bob: User, inbox: Any
) -> None:
    assert submitted.review_due_at is not None
    later = submitted.review_due_at + timedelta(minutes=10)

    with clock(later):
        out, _ = run("escrow_auto_release", "-v", "2")
        again, _ = run("escrow_auto_release")

    assert out == (
        "Released 1 milestone.\n"
        f"  milestone {submitted.pk} “Prototype” of project {submitted.project_id} (1,000 USDC): "
        "975 USDC to the contributor, 25 USDC fee\n"
    )
    assert again == "Released 0 milestones.\n"
    stored = Milestone.objects.get(pk=submitted.pk)
    assert (stored.status, stored.settled_at) == (Milestone.Status.APPROVED, later)
    assert LedgerTransaction.objects.filter(milestone=submitted, kind=Kind.RELEASE).count() == 1
    assert Account.objects.get(owner=contributor_bob).balance == 975 * USDC
    assert inbox(contributor_bob)[-1] == "milestone_auto_released"


def test_auto_release_dry_run_lists_what_is_due_and_moves_nothing(submitted: Milestone) -> None:
    assert submitted.review_due_at is not None
    transactions = LedgerTransaction.objects.count()

    with clock(submitted.review_due_at):
        out, _ = run("escrow_auto_release", "--dry-run")

    assert out.startswith("1 milestone due for release (dry run: nothing was released).\n")
    assert f"milestone {submitted.pk} “Prototype”" in out
    assert Milestone.objects.get(pk=submitted.pk).status == Milestone.Status.SUBMITTED
    assert LedgerTransaction.objects.count() == transactions


def test_auto_release_is_quiet_at_verbosity_zero(submitted: Milestone) -> None:
    with clock(timezone.now() + timedelta(days=20)):
        out, err = run("escrow_auto_release", "-v", "0")

    assert (out, err) == ("", "")
    assert Milestone.objects.get(pk=submitted.pk).status == Milestone.Status.APPROVED


def test_auto_release_skips_disputed_and_changes_requested_milestones(
    hired_project: Project, submitted: Milestone, client_alice: User, contributor_bob: User
) -> None:
    other = hired_project.milestones.get(order=2)
    escrow.milestone_fund(milestone=other, actor=client_alice)
    escrow.milestone_submit(milestone=other, actor=contributor_bob, note="Done.")
    escrow.milestone_request_changes(milestone=other, actor=client_alice, feedback="Fix it.")
    escrow.milestone_dispute(milestone=submitted, actor=client_alice, reason="Wrong.")

    with clock(timezone.now() + timedelta(days=60)):
        out, _ = run("escrow_auto_release")

    assert out == "Released 0 milestones.\n"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent cron runs need PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_auto_release_runs_release_each_milestone_once() -> None:
    alice, bob = UserFactory(persona="cron-alice"), UserFactory(persona="cron-bob")
    project = ProjectFactory(owner=alice, contributor=bob, status=Project.Status.IN_PROGRESS)
    payouts.faucet(user=alice, token=token("USDC"), amount=10_000 * USDC)
    milestones = [MilestoneFactory(project=project, amount=(i + 1) * 100 * USDC, order=i + 1) for i in range(4)]
    for milestone in milestones:
        escrow.milestone_fund(milestone=milestone, actor=alice)
        escrow.milestone_submit(milestone=milestone, actor=bob, note="Done.")

    with clock(timezone.now() + timedelta(days=15)):
        outputs = race([lambda: run("escrow_auto_release")[0] for _ in range(12)])

    assert all(isinstance(out, str) for out in outputs), outputs  # no run crashed
    released = [int(str(out).split()[1]) for out in outputs]
    assert sum(released) == 4, outputs
    for milestone in milestones:
        assert LedgerTransaction.objects.filter(milestone=milestone, kind=Kind.RELEASE).count() == 1
        assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.APPROVED
    assert Account.objects.get(owner=bob).balance == 1_000 * USDC * 975 // 1_000
    assert run("ledger_check")[0].startswith("The ledger is consistent")


# --- payouts_run --------------------------------------------------------------------


def test_a_payout_pass_with_the_ledger_backend_has_nothing_to_do(hired_project: Project) -> None:
    out, _ = run("payouts_run")

    assert out == "Withdrawals processed: 0; deposits credited: 0.\n"


@pytest.fixture
def confirming(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    install(monkeypatch, settings, ConfirmingBackend)


def test_a_payout_pass_confirms_pending_withdrawals_and_credits_deposits(
    hired_project: Project, client_alice: User, contributor_bob: User, usdc: Token, confirming: None
) -> None:
    withdrawals = [payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC) for _ in range(2)]
    ConfirmingBackend.transfers.append(
        {
            "token": usdc,
            "tx_hash": "0x" + "12" * 32,
            "log_index": 0,
            "block_number": 7,
            "from_address": contributor_bob.address,
            "amount": 42,
        }
    )

    out, _ = run("payouts_run", "-v", "2")

    assert out == (
        "Withdrawals processed: 2; deposits credited: 1.\n"
        f"  withdrawal {withdrawals[0].pk}: confirmed\n"
        f"  withdrawal {withdrawals[1].pk}: confirmed\n"
    )
    assert Account.objects.get(owner=contributor_bob).balance == 42


def test_one_withdrawal_that_raises_is_logged_and_the_pass_goes_on(
    hired_project: Project,
    client_alice: User,
    usdc: Token,
    confirming: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, poisoned, last = (payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC) for _ in range(3))
    ConfirmingBackend.failing.add(poisoned.pk)

    with caplog.at_level(logging.ERROR, logger="wallets.payouts"):
        error, out, _ = fails("payouts_run")

    assert out == "Withdrawals processed: 2 (1 failed); deposits credited: 0.\n"
    assert error.returncode == 1
    assert "1 error(s) in this pass" in str(error)
    statuses = dict(Withdrawal.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[poisoned.pk], statuses[last.pk]) == ("confirmed", "pending", "confirmed")
    assert f"Withdrawal {poisoned.pk} could not be processed" in caplog.text
    assert "ConnectionError: The node refused" in caplog.text  # with its traceback


def test_a_failing_deposit_scan_is_logged_after_the_withdrawals_are_done(
    hired_project: Project, client_alice: User, usdc: Token, confirming: None, caplog: pytest.LogCaptureFixture
) -> None:
    withdrawal = payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC)
    ConfirmingBackend.scan_error = True

    with caplog.at_level(logging.ERROR, logger="wallets.payouts"):
        _, out, _ = fails("payouts_run")

    assert out == "Withdrawals processed: 1; deposits credited: 0 (the deposit scan failed).\n"
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.CONFIRMED
    assert "The deposit scan failed" in caplog.text


@pytest.fixture
def restore_signals() -> Iterator[None]:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def test_the_loop_runs_passes_until_sigterm_then_finishes_the_pass(
    hired_project: Project,
    client_alice: User,
    usdc: Token,
    confirming: None,
    monkeypatch: pytest.MonkeyPatch,
    restore_signals: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    passes: list[int] = []
    real_pass = payouts.payouts_run

    def counted_pass() -> Any:
        passes.append(len(passes) + 1)
        if len(passes) == 1:
            raise ConnectionError("The database went away.")  # the loop survives it
        if len(passes) == 2:
            payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC)
        if len(passes) == 3:
            signal.raise_signal(signal.SIGTERM)  # as `kill` would; the pass still completes
        return real_pass()

    monkeypatch.setattr(payouts_run_command, "payouts_run", counted_pass)

    with caplog.at_level(logging.ERROR, logger="wallets.payouts"):
        out, _ = run("payouts_run", "--loop", "0")

    assert passes == [1, 2, 3]
    assert out == (
        "Withdrawals processed: 1; deposits credited: 0.\n"
        "Withdrawals processed: 0; deposits credited: 0.\n"
        "Stopped after 3 pass(es).\n"
    )
    assert "The payout pass failed; retrying in 0.0 s." in caplog.text
    assert set(Withdrawal.objects.values_list("status", flat=True)) == {Withdrawal.Status.CONFIRMED}
    assert {sig: signal.getsignal(sig) for sig in before} == before


@pytest.mark.timeout(60)
def test_sigterm_during_the_sleep_stops_the_loop_at_once(
    hired_project: Project, monkeypatch: pytest.MonkeyPatch, restore_signals: None
) -> None:
    """With --loop 3600 the worker sleeps an hour between passes; a SIGTERM (sent
    from another thread once the sleep has begun) must end it now, not in an hour."""
    sleeping = threading.Event()
    real_sleep = time.sleep

    def watched_sleep(seconds: float) -> None:
        sleeping.set()
        real_sleep(seconds)

    monkeypatch.setattr(payouts_run_command.time, "sleep", watched_sleep)

    def terminate_once_asleep() -> None:
        # Only once the command's handler is in place: the default action would
        # end the test run.
        if sleeping.wait(timeout=30) and signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_asleep)
    killer.start()
    started = time.monotonic()
    try:
        out, _ = run("payouts_run", "--loop", "3600")
    finally:
        killer.join(timeout=30)

    assert time.monotonic() - started < 10
    assert out == "Withdrawals processed: 0; deposits credited: 0.\nStopped after 1 pass(es).\n"


def test_the_loop_needs_a_non_negative_interval(hired_project: Project) -> None:
    error, _, _ = fails("payouts_run", "--loop", "-1")

    assert "0 or more" in str(error)


def test_a_payout_pass_ignores_withdrawals_of_another_backend(
    hired_project: Project, client_alice: User, usdc: Token, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    install(monkeypatch, settings, PendingBackend)
    payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC)
    install(monkeypatch, settings, ConfirmingBackend)

    out, _ = run("payouts_run")

    assert out == "Withdrawals processed: 0; deposits credited: 0.\n"
    assert Withdrawal.objects.get().status == Withdrawal.Status.PENDING


# --- ledger_check -------------------------------------------------------------------


@pytest.fixture
def busy_ledger(
    hired_project: Project,
    client_alice: User,
    contributor_bob: User,
    moderator: User,
    usdc: Token,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> Project:
    """A ledger that went through every kind of transaction."""
    first, second = hired_project.milestones.order_by("order")
    third = MilestoneFactory(project=hired_project, amount=777, order=3)
    for milestone in (first, second, third):
        escrow.milestone_fund(milestone=milestone, actor=client_alice)
    escrow.milestone_submit(milestone=first, actor=contributor_bob, note="Done.")
    escrow.milestone_approve(milestone=first, actor=client_alice, amount=600 * USDC, note="Part.")
    escrow.milestone_accept_partial(
        milestone=first, actor=contributor_bob, offer=Milestone.objects.get(pk=first.pk).partial_offer
    )
    dispute = escrow.milestone_dispute(milestone=second, actor=contributor_bob, reason="Unpaid.")
    escrow.dispute_resolve(
        dispute=dispute, arbiter=moderator, to_contributor=3_000 * USDC, to_client=1_000 * USDC, resolution="Most."
    )
    payouts.withdrawal_request(user=contributor_bob, token=usdc, amount=100 * USDC)
    install(monkeypatch, settings, PendingBackend)
    failed = payouts.withdrawal_request(user=contributor_bob, token=usdc, amount=200 * USDC)
    payouts.withdrawal_fail(withdrawal=failed, reason="Dropped.")
    payouts.withdrawal_request(user=client_alice, token=usdc, amount=5 * USDC)  # still pending
    payouts.deposit_record(
        token=token("WALL"),
        tx_hash="0x" + "34" * 32,
        log_index=0,
        block_number=1,
        from_address=client_alice.address,
        amount=2**200,
    )
    return hired_project


def test_ledger_check_passes_on_a_consistent_ledger(busy_ledger: Project) -> None:
    out, err = run("ledger_check")

    assert err == ""
    assert out == (
        "The ledger is consistent (2 tokens, 9 accounts, 11 transactions, 26 entries, 3 milestones, 3 withdrawals).\n"
    )


def test_ledger_check_passes_on_an_empty_ledger() -> None:
    out, _ = run("ledger_check")

    assert out.startswith("The ledger is consistent (2 tokens, 0 accounts, 0 transactions, 0 entries")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ledger_check_reads_one_snapshot_outside_any_transaction(client_alice: User) -> None:
    # Outside a transaction the check opens its own (REPEATABLE READ, read only, on
    # PostgreSQL): a ledger in use is read as one consistent state.
    payouts.faucet(user=client_alice, token=token("USDC"), amount=5)

    out, _ = run("ledger_check")

    assert out.startswith("The ledger is consistent")


def account(user: User, tok: Token) -> Account:
    return ledger.available_account(user, tok)


def write_entries(tok: Token, *lines: tuple[Account, int], balance_after: dict[int, int] | None = None) -> None:
    """Write a transaction by hand, bypassing ledger.post (as a buggy or malicious
    writer could), keeping the balances in step with the entries unless told."""
    record = LedgerTransaction.objects.create(kind=Kind.DEPOSIT, token=tok, memo="hand-written")
    for acc, amount in lines:
        new = Account.objects.get(pk=acc.pk).balance + amount
        Account.objects.filter(pk=acc.pk).update(balance=new)
        after = (balance_after or {}).get(acc.pk, new)
        LedgerEntry.objects.create(transaction=record, account=acc, amount=amount, balance_after=after)


def test_ledger_check_reports_a_balance_that_does_not_match_its_entries(
    busy_ledger: Project, client_alice: User, usdc: Token
) -> None:
    alice = account(client_alice, usdc)
    Account.objects.filter(pk=alice.pk).update(balance=alice.balance + 1)

    error, _, err = fails("ledger_check")

    assert error.returncode == 1
    assert str(error).startswith("The ledger is inconsistent: 2 problem(s) in balance, supply (checked 2 tokens")
    # 10,000 - 1,000 - 4,000 - 0.000777 funded, + 400 + 1,000 refunded, - 5 withdrawn
    assert alice.balance == 6_394_999_223
    assert f"account {alice.pk} (available, USDC) has a balance of 6,394.99 USDC (6394999224 base units)" in err
    assert "but its entries sum to 6,394.99 USDC (6394999223 base units)." in err
    assert "The balances of USDC sum to 0.000001 USDC (1 base units), not zero" in err


def test_ledger_check_reports_an_unbalanced_transaction(client_alice: User, usdc: Token) -> None:
    write_entries(usdc, (account(client_alice, usdc), 5))

    _, _, err = fails("ledger_check")

    assert "transaction: 2 problem(s)" in err
    assert "has 1 entry; it needs two or more." in err
    assert "entries sum to 0.000005 USDC (5 base units), not zero." in err
    assert "supply: 1 problem(s)" in err


def test_ledger_check_reports_a_transaction_across_tokens(client_alice: User, usdc: Token) -> None:
    wall = token("WALL")
    external = ledger.external_account(wall)
    alice = account(client_alice, wall)
    write_entries(usdc, (external, -5), (alice, 5))

    error, _, err = fails("ledger_check")

    assert str(error).startswith("The ledger is inconsistent: 2 problem(s) in transaction (")
    assert f"is in USDC but has an entry on account {alice.pk} (available, WALL)." in err
    assert f"is in USDC but has an entry on account {external.pk} (external, WALL)." in err


def test_ledger_check_reports_a_transaction_without_entries(usdc: Token) -> None:
    record = LedgerTransaction.objects.create(kind=Kind.DEPOSIT, token=usdc)

    _, _, err = fails("ledger_check")

    assert f"Transaction {record.pk} has no entries." in err


def test_ledger_check_reports_a_broken_chain_of_balances(client_alice: User, usdc: Token) -> None:
    payouts.faucet(user=client_alice, token=usdc, amount=10)
    alice = account(client_alice, usdc)
    external = ledger.external_account(usdc)
    write_entries(usdc, (external, -3), (alice, 3), balance_after={alice.pk: 99})

    error, _, err = fails("ledger_check")

    assert str(error).startswith("The ledger is inconsistent: 1 problem(s) in balance (")
    assert "records a balance after it of 0.000099 USDC (99 base units); its entries up to it sum to" in err


def test_ledger_check_reports_a_negative_balance_the_database_was_made_to_accept(
    client_alice: User, contributor_bob: User, usdc: Token
) -> None:
    alice, bob = account(client_alice, usdc), account(contributor_bob, usdc)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # DDL is transactional: the test's rollback restores it
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER may run
            cursor.execute("ALTER TABLE wallets_account DROP CONSTRAINT ledger_balance_not_negative")
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
    try:
        write_entries(usdc, (alice, -5), (bob, 5))
    finally:
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")

    error, _, err = fails("ledger_check")

    assert str(error).startswith("The ledger is inconsistent: 1 problem(s) in negative (")
    assert f"account {alice.pk} (available, USDC) is negative: -0.000005 USDC (-5 base units)." in err


def test_ledger_check_reports_holds_that_do_not_match_their_milestones(
    hired_project: Project, client_alice: User, usdc: Token
) -> None:
    first, second = hired_project.milestones.order_by("order")
    Milestone.objects.filter(pk=first.pk).update(status=Milestone.Status.FUNDED, fee_bps=250, funded_at=timezone.now())
    escrow.milestone_fund(milestone=second, actor=client_alice)
    Milestone.objects.filter(pk=second.pk).update(
        status=Milestone.Status.APPROVED, released_amount=3_900 * USDC, fee_amount=25 * USDC
    )

    _, _, err = fails("ledger_check")

    assert "milestone: 3 problem(s)" in err
    assert f"Milestone {first.pk} is funded and should hold 1,000 USDC (1000000000 base units); its hold is 0" in err
    assert f"Milestone {second.pk} is approved and should hold 0 USDC (0 base units); its hold is 4,000 USDC" in err
    assert f"Milestone {second.pk} is approved for 4,000 USDC (4000000000 base units) but paid out 3,925 USDC" in err


def test_ledger_check_reports_a_failed_withdrawal_that_was_not_reversed(
    hired_project: Project, client_alice: User, usdc: Token
) -> None:
    withdrawal = payouts.withdrawal_request(user=client_alice, token=usdc, amount=USDC)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(status=Withdrawal.Status.FAILED)

    _, _, err = fails("ledger_check")

    assert f"Withdrawal {withdrawal.pk} is failed but its debit is not reversed." in err


def test_ledger_check_lists_at_most_limit_problems_per_kind(hired_project: Project) -> None:
    for order in range(3, 8):
        MilestoneFactory(project=hired_project, status=Milestone.Status.FUNDED, order=order)

    error, _, err = fails("ledger_check", "--limit", "2")

    assert "milestone: 5 problem(s)" in err
    assert err.count("should hold") == 2
    assert "… and 3 more" in err
    assert "5 problem(s) in milestone" in str(error)


def test_ledger_check_after_a_dispute_and_refunds(
    hired_project: Project, client_alice: User, contributor_bob: User, moderator: User
) -> None:
    first, second = hired_project.milestones.order_by("order")
    escrow.milestone_fund(milestone=first, actor=client_alice)
    escrow.milestone_refund(milestone=first, actor=client_alice)
    escrow.milestone_fund(milestone=second, actor=client_alice)
    escrow.milestone_dispute(milestone=second, actor=client_alice, reason="Late.")
    escrow.milestone_refund(milestone=second, actor=moderator, reason="Never started.")

    out, _ = run("ledger_check")

    assert out.startswith("The ledger is consistent")
    assert Dispute.objects.get().status == Dispute.Status.RESOLVED


# --- idempotency_purge ------------------------------------------------------------


def test_idempotency_purge_forgets_old_keys_and_keeps_recent_ones(client_alice: User) -> None:
    now = timezone.now()
    old = IdempotencyKey.objects.create(
        user=client_alice,
        key="old",
        request_hash="h",
        status=IdempotencyKey.Status.DONE,
        completed_at=now - timedelta(days=8),
    )
    stuck = IdempotencyKey.objects.create(
        user=client_alice, key="stuck", request_hash="h", created_at=now - timedelta(days=9)
    )
    recent = IdempotencyKey.objects.create(
        user=client_alice,
        key="recent",
        request_hash="h",
        status=IdempotencyKey.Status.DONE,
        completed_at=now - timedelta(days=1),
    )

    out, _ = run("idempotency_purge")

    assert out == "Idempotency keys deleted: 2.\n"
    assert set(IdempotencyKey.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not IdempotencyKey.objects.filter(pk__in=[old.pk, stuck.pk]).exists()


def test_idempotency_purge_refuses_to_forget_keys_a_client_may_still_retry() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("idempotency_purge", "--days", "0.5")
