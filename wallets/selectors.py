"""Reads of wallets: balances, history, withdrawals, disputes.

Sums of amounts are done on Python ints: ``SUM`` over BaseUnitsField is only exact
on PostgreSQL (see wallets.fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import User
from config.errors import NotFound
from marketplace.models import Milestone
from wallets.models import Account, Dispute, LedgerEntry, Token, Withdrawal


@dataclass(frozen=True)
class Balance:
    """One token's position for a user, in base units.

    ``available`` can be spent or withdrawn; ``in_escrow`` is what they funded and
    is held for their contributors; ``incoming`` is held in escrow for them.
    """

    token: Token
    available: int
    in_escrow: int
    incoming: int


def balances_for(user: User) -> list[Balance]:
    """Every active token, plus any inactive one the user still has funds in."""
    available = {
        account.token_id: account.balance for account in Account.objects.filter(kind=Account.Kind.AVAILABLE, owner=user)
    }
    in_escrow: dict[int, int] = {}
    incoming: dict[int, int] = {}
    holds = Account.objects.filter(kind=Account.Kind.ESCROW).filter(
        Q(milestone__project__owner=user) | Q(milestone__project__contributor=user)
    )
    for hold in holds.select_related("milestone__project"):
        assert hold.milestone is not None
        project = hold.milestone.project
        if project.owner_id == user.pk:
            in_escrow[hold.token_id] = in_escrow.get(hold.token_id, 0) + hold.balance
        if project.contributor_id == user.pk:
            incoming[hold.token_id] = incoming.get(hold.token_id, 0) + hold.balance
    tokens = Token.objects.filter(Q(is_active=True) | Q(pk__in=[pk for pk, units in available.items() if units]))
    return [
        Balance(
            token=token,
            available=available.get(token.pk, 0),
            in_escrow=in_escrow.get(token.pk, 0),
            incoming=incoming.get(token.pk, 0),
        )
        for token in tokens.order_by("symbol")
    ]


def available_balance(user: User, token: Token) -> int:
    account = Account.objects.filter(kind=Account.Kind.AVAILABLE, owner=user, token=token).first()
    return account.balance if account else 0


def entries_for(user: User, *, token: Token | None = None) -> QuerySet[LedgerEntry]:
    """The user's available-balance history, newest first: each entry with its
    transaction, amount (signed) and the balance after it."""
    entries = LedgerEntry.objects.filter(account__kind=Account.Kind.AVAILABLE, account__owner=user)
    if token is not None:
        entries = entries.filter(account__token=token)
    return entries.select_related(
        "transaction", "transaction__milestone", "transaction__milestone__project", "account__token"
    ).order_by("-transaction__created_at", "-id")


@dataclass(frozen=True)
class BalanceSeries:
    """A user's available balance of one token over time: ``(time, base units)``
    pairs, oldest first, the balance before the first movement and then after
    each one (so the first pair is at the first movement's time)."""

    token: Token
    points: list[tuple[datetime, int]]


def balance_series_for(user: User) -> list[BalanceSeries]:
    """One series per token the user has history in, by symbol; all history.

    Entries are taken in id order, the order the ledger posted them under the
    account's lock, so each balance follows from the one before. A time earlier
    than the entry before it (workers whose clocks differ, back-dated data) is
    drawn at that entry's time, so that time never runs backwards in a chart."""
    rows = (
        LedgerEntry.objects.filter(account__kind=Account.Kind.AVAILABLE, account__owner=user)
        .order_by("account_id", "id")
        .values_list("account__token_id", "transaction__created_at", "amount", "balance_after")
    )
    points: dict[int, list[tuple[datetime, int]]] = {}
    for token_id, created_at, amount, balance_after in rows.iterator(chunk_size=2000):
        series = points.get(token_id)
        if series is None:
            series = points[token_id] = [(created_at, balance_after - amount)]
        series.append((max(created_at, series[-1][0]), balance_after))
    tokens = Token.objects.in_bulk(points)
    return sorted(
        (BalanceSeries(token=tokens[pk], points=series) for pk, series in points.items()),
        key=lambda series: series.token.symbol,
    )


def withdrawals_for(user: User) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(user=user).select_related("token").order_by("-created_at", "-id")


def withdrawal_get(*, user: User, pk: int) -> Withdrawal:
    """A withdrawal of ``user`` (staff see any); NotFound otherwise, also for
    someone else's, so ids reveal nothing."""
    withdrawals = Withdrawal.objects.select_related("token", "user")
    if not user.is_staff:
        withdrawals = withdrawals.filter(user=user)
    try:
        return withdrawals.get(pk=pk)
    except Withdrawal.DoesNotExist as exc:
        raise NotFound("There is no such withdrawal.", code="withdrawal_not_found") from exc


def milestone_for_party(*, user: User, pk: int) -> Milestone:
    """A milestone the user is a party to (client or hired contributor), or any
    for staff; NotFound otherwise."""
    milestones = Milestone.objects.select_related("project", "project__budget_token", "project__owner")
    if not user.is_staff:
        milestones = milestones.filter(Q(project__owner=user) | Q(project__contributor=user))
    try:
        return milestones.get(pk=pk)
    except Milestone.DoesNotExist as exc:
        raise NotFound("There is no such milestone.", code="milestone_not_found") from exc


def dispute_get(*, user: User, pk: int) -> Dispute:
    """A dispute the user is a party to, or any for staff; NotFound otherwise."""
    disputes = Dispute.objects.select_related(
        "milestone", "milestone__project", "milestone__project__budget_token", "opened_by", "resolved_by"
    )
    if not user.is_staff:
        disputes = disputes.filter(Q(milestone__project__owner=user) | Q(milestone__project__contributor=user))
    try:
        return disputes.get(pk=pk)
    except Dispute.DoesNotExist as exc:
        raise NotFound("There is no such dispute.", code="dispute_not_found") from exc


def open_disputes() -> QuerySet[Dispute]:
    """The arbiter's queue, oldest first."""
    return (
        Dispute.objects.filter(status=Dispute.Status.OPEN)
        .select_related("milestone", "milestone__project", "milestone__project__budget_token", "opened_by")
        .order_by("opened_at", "pk")
    )
