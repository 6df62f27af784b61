"""``manage.py ledger_check``: verify the ledger's invariants over the whole database.

Exits with status 0 and a one-line summary when everything holds, otherwise lists
every broken invariant (up to ``--limit`` lines per kind) and exits with status 1.
The invariants:

- ``transaction``: every transaction has at least two entries, none zero, summing
  to zero, all in accounts of the transaction's token;
- ``balance``: every account's balance equals the sum of its entries, and each
  entry's ``balance_after`` is the running sum up to it (so the last one equals the
  balance);
- ``supply``: per token, the balances of all accounts sum to zero (the external
  account is minus everything inside: supply is conserved);
- ``negative``: no account but the external one is below zero;
- ``milestone``: a held milestone's hold is exactly its amount; a pending or settled
  milestone holds nothing, and a settled one paid out exactly its amount
  (released + fee + refunded);
- ``withdrawal``: a withdrawal's debit is reversed exactly when it failed.

Amounts are summed as Python ints: ``SUM`` is not exact for BaseUnitsField on SQLite.
Everything is read in one transaction, so a ledger in use is checked as one
consistent snapshot (REPEATABLE READ, read only, on PostgreSQL; on SQLite the
transaction holds the write lock while it runs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from marketplace.models import Milestone
from wallets.models import Account, LedgerEntry, LedgerTransaction, Token, Withdrawal

CHUNK = 2000


@dataclass(frozen=True)
class Problem:
    """One broken invariant: ``check`` names its kind, ``message`` says where and how."""

    check: str
    message: str


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_ledger() -> Report:
    """Check every invariant; the problems found and what was counted.

    Reads in one transaction (a consistent snapshot on PostgreSQL when called
    outside any transaction); writes nothing.
    """
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _check()


def _check() -> Report:
    report = Report()
    tokens = {token.pk: token for token in Token.objects.all()}
    accounts: dict[int, tuple[str, int, int, int | None]] = {
        pk: (kind, token_id, balance, milestone_id)
        for pk, kind, token_id, balance, milestone_id in Account.objects.values_list(
            "pk", "kind", "token_id", "balance", "milestone_id"
        ).iterator(chunk_size=CHUNK)
    }
    report.counts["tokens"] = len(tokens)
    report.counts["accounts"] = len(accounts)

    def units(token_id: int, value: int) -> str:
        token = tokens[token_id]
        return f"{token.humanize(value)} ({value} base units)"

    def account_label(pk: int) -> str:
        kind, token_id, _, milestone_id = accounts[pk]
        hold = f" of milestone {milestone_id}" if milestone_id is not None else ""
        return f"account {pk} ({kind}{hold}, {tokens[token_id].symbol})"

    problems = report.problems

    # transactions: balanced, one token, at least two non-zero entries.
    transactions = 0
    for txn_id, txn_token, lines in _transactions():
        transactions += 1
        total = sum(amount for _, amount in lines)
        if len(lines) < 2:
            problems.append(
                Problem("transaction", f"Transaction {txn_id} has {len(lines)} entry; it needs two or more.")
            )
        if total != 0:
            problems.append(
                Problem("transaction", f"Transaction {txn_id}'s entries sum to {units(txn_token, total)}, not zero.")
            )
        for account_id, amount in lines:
            if amount == 0:
                problems.append(
                    Problem("transaction", f"Transaction {txn_id} has a zero entry on account {account_id}.")
                )
            if accounts[account_id][1] != txn_token:
                problems.append(
                    Problem(
                        "transaction",
                        f"Transaction {txn_id} is in {tokens[txn_token].symbol} but has an entry on "
                        f"{account_label(account_id)}.",
                    )
                )
    for txn_id in LedgerTransaction.objects.filter(entries__isnull=True).values_list("pk", flat=True):
        transactions += 1
        problems.append(Problem("transaction", f"Transaction {txn_id} has no entries."))
    report.counts["transactions"] = transactions

    # balances: the running sum of each account's entries, in the order written.
    entries = 0
    summed: dict[int, int] = {}
    running_account: int | None = None
    running = 0
    reported_chain: set[int] = set()
    for account_id, entry_id, amount, balance_after in (
        LedgerEntry.objects.order_by("account_id", "id")
        .values_list("account_id", "id", "amount", "balance_after")
        .iterator(chunk_size=CHUNK)
    ):
        entries += 1
        if account_id != running_account:
            running_account, running = account_id, 0
        running += amount
        summed[account_id] = running
        if balance_after != running and account_id not in reported_chain:
            reported_chain.add(account_id)  # one line per account: the first break
            problems.append(
                Problem(
                    "balance",
                    f"Entry {entry_id} on {account_label(account_id)} records a balance after it of "
                    f"{units(accounts[account_id][1], balance_after)}; its entries up to it sum to "
                    f"{units(accounts[account_id][1], running)}.",
                )
            )
    report.counts["entries"] = entries
    for pk, (kind, token_id, balance, _) in accounts.items():
        expected = summed.get(pk, 0)
        if balance != expected:
            problems.append(
                Problem(
                    "balance",
                    f"{account_label(pk)} has a balance of {units(token_id, balance)} but its entries sum to "
                    f"{units(token_id, expected)}.",
                )
            )
        if balance < 0 and kind != Account.Kind.EXTERNAL:
            problems.append(Problem("negative", f"{account_label(pk)} is negative: {units(token_id, balance)}."))

    # supply: per token, everything inside is exactly what came in from outside.
    supply: dict[int, int] = defaultdict(int)
    for _, token_id, balance, _ in accounts.values():
        supply[token_id] += balance
    for token_id, total in sorted(supply.items()):
        if total != 0:
            problems.append(
                Problem(
                    "supply",
                    f"The balances of {tokens[token_id].symbol} sum to {units(token_id, total)}, not zero: "
                    "value was created or destroyed.",
                )
            )

    # milestones: the hold matches the escrow state.
    holds: dict[int, dict[int, int]] = defaultdict(dict)
    for kind, token_id, balance, milestone_id in accounts.values():
        if kind == Account.Kind.ESCROW and milestone_id is not None:
            holds[milestone_id][token_id] = balance
    milestones = 0
    for pk, status, amount, released, fee, refunded, token_id in (
        Milestone.objects.order_by("pk")
        .values_list(
            "pk", "status", "amount", "released_amount", "fee_amount", "refunded_amount", "project__budget_token_id"
        )
        .iterator(chunk_size=CHUNK)
    ):
        milestones += 1
        held = holds.get(pk, {})
        expected = amount if status in Milestone.HELD_STATUSES else 0
        if held.get(token_id, 0) != expected:
            problems.append(
                Problem(
                    "milestone",
                    f"Milestone {pk} is {status} and should hold {units(token_id, expected)}; "
                    f"its hold is {units(token_id, held.get(token_id, 0))}.",
                )
            )
        for other_token, balance in sorted(held.items()):
            if other_token != token_id and balance != 0:
                problems.append(
                    Problem(
                        "milestone",
                        f"Milestone {pk} holds {units(other_token, balance)}, which is not its project's token.",
                    )
                )
        if status in Milestone.SETTLED_STATUSES and released + fee + refunded != amount:
            problems.append(
                Problem(
                    "milestone",
                    f"Milestone {pk} is {status} for {units(token_id, amount)} but paid out "
                    f"{units(token_id, released + fee + refunded)} (released {released}, fee {fee}, "
                    f"refunded {refunded}).",
                )
            )
    report.counts["milestones"] = milestones

    # withdrawals: a failed one is reversed, any other is not.
    reversed_ids = set(LedgerTransaction.objects.filter(reverses__isnull=False).values_list("reverses_id", flat=True))
    withdrawals = 0
    for pk, status, txn_id in Withdrawal.objects.order_by("pk").values_list("pk", "status", "ledger_transaction_id"):
        withdrawals += 1
        is_reversed = txn_id in reversed_ids
        if (status == Withdrawal.Status.FAILED) != is_reversed:
            state = "is reversed" if is_reversed else "is not reversed"
            problems.append(Problem("withdrawal", f"Withdrawal {pk} is {status} but its debit {state}."))
    report.counts["withdrawals"] = withdrawals
    return report


def _transactions() -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(transaction id, its token, [(account id, amount), ...]) for each transaction
    with entries, reading the entries in transaction order in chunks."""
    current: int | None = None
    token_id = 0
    lines: list[tuple[int, int]] = []
    for txn_id, txn_token, account_id, amount in (
        LedgerEntry.objects.order_by("transaction_id", "id")
        .values_list("transaction_id", "transaction__token_id", "account_id", "amount")
        .iterator(chunk_size=CHUNK)
    ):
        if txn_id != current:
            if current is not None:
                yield current, token_id, lines
            current, token_id, lines = txn_id, txn_token, []
        lines.append((account_id, amount))
    if current is not None:
        yield current, token_id, lines


class Command(BaseCommand):
    help = (
        "Verify the ledger: balanced transactions, balances equal to their entries, supply conserved per "
        "token, no negative balances, escrow holds matching milestones. Exits 1 with a report when broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=50, help="Problems listed per kind (default 50).")

    def handle(self, *args: Any, limit: int = 50, **options: Any) -> None:
        report = check_ledger()
        counted = ", ".join(f"{value} {name}" for name, value in report.counts.items())
        if report.ok:
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.SUCCESS(f"The ledger is consistent ({counted})."))
            return
        by_check: dict[str, list[Problem]] = defaultdict(list)
        for problem in report.problems:
            by_check[problem.check].append(problem)
        for check, found in by_check.items():
            self.stderr.write(f"{check}: {len(found)} problem(s)")
            for problem in found[:limit]:
                self.stderr.write(f"  {problem.message}")
            if len(found) > limit:
                self.stderr.write(f"  … and {len(found) - limit} more")
        raise CommandError(
            f"The ledger is inconsistent: {len(report.problems)} problem(s) in {', '.join(by_check)} "
            f"(checked {counted})."
        )
