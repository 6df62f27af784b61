"""The double-entry ledger: the only code that changes a balance.

``post()`` writes one balanced transaction: it locks the accounts it touches in
primary-key order (so two postings can never deadlock), applies the entries to the
locked balances, refuses any non-external balance that would go negative, and
records each entry with the balance after it. Callers run inside their own
``transaction.atomic()`` with their domain rows locked first (see wallets.escrow).

On SQLite ``select_for_update`` is a no-op; the settings open every write
transaction with BEGIN IMMEDIATE, which serialises writers instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import User
from config.errors import InvalidState
from marketplace.models import Milestone
from wallets.arithmetic import check_balanced
from wallets.models import Account, LedgerEntry, LedgerTransaction, Token


class InsufficientFunds(InvalidState):
    default_code = "insufficient_funds"


@dataclass(frozen=True)
class Line:
    """``amount`` base units added to ``account`` (negative: taken from it)."""

    account: Account
    amount: int


def _account(kind: str, token: Token, *, owner: User | None = None, milestone: Milestone | None = None) -> Account:
    try:
        # A savepoint, so a concurrent creator's unique-constraint win does not
        # break the caller's transaction; the loser reads the winner's row.
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(kind=kind, token=token, owner=owner, milestone=milestone)
    except IntegrityError:
        account = Account.objects.get(kind=kind, token=token, owner=owner, milestone=milestone)
    return account


def available_account(user: User, token: Token) -> Account:
    return _account(Account.Kind.AVAILABLE, token, owner=user)


def escrow_account(milestone: Milestone, token: Token) -> Account:
    return _account(Account.Kind.ESCROW, token, milestone=milestone)


def fees_account(token: Token) -> Account:
    return _account(Account.Kind.FEES, token)


def external_account(token: Token) -> Account:
    return _account(Account.Kind.EXTERNAL, token)


def _shortfall_message(account: Account, balance: int, needed: int) -> str:
    token = account.token

    exact = token.humanize_exact  # never rounded: "needs 10,000" must not hide a last base unit

    if account.kind == Account.Kind.AVAILABLE:
        return (
            f"Your available balance is {exact(balance)}; this needs {exact(needed)}. "
            f"Deposit {exact(needed - balance)} more and try again."
        )
    return f"{account} holds {exact(balance)}; this needs {exact(needed)}."


@transaction.atomic
def post(
    *,
    kind: str,
    token: Token,
    lines: Sequence[Line],
    actor: User | None = None,
    memo: str = "",
    milestone: Milestone | None = None,
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction of ``token`` and apply it to the balances.

    Raises ``InsufficientFunds`` (409) when a non-external account would go below
    zero; nothing is written then. Lines for the same account are merged.
    """
    merged: dict[int, int] = {}
    for line in lines:
        if line.account.token_id != token.pk:
            raise ValueError(f"Account {line.account.pk} is in another token than {token}.")
        merged[line.account.pk] = merged.get(line.account.pk, 0) + line.amount
    merged = {pk: amount for pk, amount in merged.items() if amount}
    check_balanced(merged.values())

    locked = {
        account.pk: account
        for account in Account.objects.select_for_update(of=("self",))
        .select_related("token")
        .filter(pk__in=merged)
        .order_by("pk")
    }
    new_balances: dict[int, int] = {}
    for pk in sorted(merged):
        account = locked[pk]
        after = account.balance + merged[pk]
        if after < 0 and account.kind != Account.Kind.EXTERNAL:
            raise InsufficientFunds(_shortfall_message(account, account.balance, -merged[pk]))
        new_balances[pk] = after

    record = LedgerTransaction.objects.create(
        kind=kind, token=token, memo=memo[:200], actor=actor, milestone=milestone, reverses=reverses
    )
    for pk in sorted(merged):
        Account.objects.filter(pk=pk).update(balance=new_balances[pk])
        locked[pk].balance = new_balances[pk]
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=record, account_id=pk, amount=merged[pk], balance_after=new_balances[pk])
        for pk in sorted(merged)
    )
    return record


@transaction.atomic
def reverse(original: LedgerTransaction, *, actor: User | None = None, memo: str = "") -> LedgerTransaction:
    """Undo ``original`` with the opposite entries (the original stays). A
    transaction is reversed at most once (``reverses`` is one-to-one)."""
    original = LedgerTransaction.objects.select_for_update().get(pk=original.pk)
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise InvalidState(f"Transaction {original.pk} is already reversed.", code="already_reversed")
    lines = [Line(entry.account, -entry.amount) for entry in original.entries.select_related("account")]
    return post(
        kind=LedgerTransaction.Kind.REVERSAL,
        token=original.token,
        lines=lines,
        actor=actor,
        memo=memo or f"Reversal of #{original.pk}",
        milestone=original.milestone,
        reverses=original,
    )
