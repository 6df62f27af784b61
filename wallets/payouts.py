"""Money in and out of the ledger: the development faucet, chain deposits and
withdrawals. The payout backend (wallets.chains) does the chain part; this module
keeps the ledger side exact.

A withdrawal debits the user's available balance into the external account in the
same transaction that records it, under the account's row lock, so concurrent
withdrawals can never take out more than the balance. If the backend later fails
to pay, the debit is reversed (never edited) and the user told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.addresses import InvalidAddress, is_checksummed, normalize_address
from accounts.models import User
from config.errors import InvalidInput, InvalidState, PermissionDenied
from notifications.models import Notification
from notifications.services import notify
from wallets import ledger
from wallets.amounts import MAX_BASE_UNITS
from wallets.audit import audit
from wallets.chains import get_backend
from wallets.models import Deposit, LedgerTransaction, Token, Withdrawal

logger = logging.getLogger("wallets.payouts")


def _withdrawal_snapshot(withdrawal: Withdrawal) -> dict[str, object]:
    return {
        "status": withdrawal.status,
        "amount": withdrawal.token.format(withdrawal.amount),
        "token": withdrawal.token.symbol,
        "to": withdrawal.to_address,
        "tx_hash": withdrawal.tx_hash,
    }


def _check_amount(amount: int) -> None:
    if amount <= 0:
        raise InvalidInput("The amount must be greater than zero.", code="invalid_amount", field="amount")
    if amount > MAX_BASE_UNITS:
        raise InvalidInput("The amount is larger than any token balance can be.", code="invalid_amount", field="amount")


@transaction.atomic
def faucet(*, user: User, token: Token, amount: int) -> LedgerTransaction:
    """Credit test tokens (development only: ``WALLETS_FAUCET``)."""
    _check_amount(amount)
    if not settings.WALLETS_FAUCET:
        raise PermissionDenied("The faucet is switched off on this server.", code="faucet_disabled")
    if not token.is_active:
        raise InvalidInput(f"{token} is not accepted here.", code="token_inactive", field="token")
    if token.contract_address:
        # A token with a contract is withdrawable on chain: faucet credits of it
        # would be paid out of the real treasury.
        raise PermissionDenied(
            f"The faucet only gives ledger-only test tokens; {token} is a token on chain: deposit it instead.",
            code="faucet_onchain_token",
        )
    limit = token.parse(settings.WALLETS_FAUCET_MAX)
    if amount > limit:
        raise InvalidInput(
            f"The faucet gives at most {token.humanize(limit)} at a time.", code="faucet_limit", field="amount"
        )
    record = ledger.post(
        kind=LedgerTransaction.Kind.FAUCET,
        token=token,
        lines=[
            ledger.Line(ledger.external_account(token), -amount),
            ledger.Line(ledger.available_account(user, token), amount),
        ],
        actor=user,
        memo="Test tokens from the development faucet",
    )
    audit(
        actor=user, action="wallet.faucet", target=record, after={"amount": token.format(amount), "token": str(token)}
    )
    return record


def clean_destination(value: str, *, default: str) -> str:
    """The address to pay: any case, but a mixed-case address must carry a valid
    EIP-55 checksum (a typo in it would send tokens nowhere)."""
    text = (value or "").strip() or default
    try:
        address = normalize_address(text)
    except InvalidAddress as exc:
        raise InvalidInput(str(exc), code="invalid_address", field="to_address") from exc
    if text != text.lower() and text[2:] != text[2:].upper() and not is_checksummed(text):
        raise InvalidInput(
            "This address's mixed-case checksum is wrong: it probably has a typo. Copy it again from your wallet.",
            code="bad_checksum",
            field="to_address",
        )
    return address


@transaction.atomic
def withdrawal_request(*, user: User, token: Token, amount: int, to_address: str = "") -> Withdrawal:
    """Take ``amount`` out of the user's available balance and pay it to
    ``to_address`` (default: the address they signed in with)."""
    # An inactive token takes no new funding, but what users hold in it stays theirs
    # to withdraw.
    _check_amount(amount)
    backend = get_backend()
    problem = backend.check_token(token)
    if problem:
        raise InvalidInput(problem, code="token_not_withdrawable", field="token")
    destination = clean_destination(to_address, default=user.address)
    record = ledger.post(
        kind=LedgerTransaction.Kind.WITHDRAWAL,
        token=token,
        lines=[
            ledger.Line(ledger.available_account(user, token), -amount),
            ledger.Line(ledger.external_account(token), amount),
        ],
        actor=user,
        memo=f"Withdrawal to {destination}",
    )
    withdrawal = Withdrawal.objects.create(
        user=user,
        token=token,
        amount=amount,
        to_address=destination,
        backend=backend.name,
        chain_id=token.chain_id,
        ledger_transaction=record,
    )
    backend.on_request(withdrawal)
    audit(actor=user, action="withdrawal.request", target=withdrawal, after=_withdrawal_snapshot(withdrawal))
    if withdrawal.status == Withdrawal.Status.CONFIRMED:
        withdrawal_notify(withdrawal)
    else:
        transaction.on_commit(lambda: _process_quietly(withdrawal.pk))
    return withdrawal


def _process_quietly(withdrawal_id: int) -> None:
    """Try to send a new withdrawal right away; `manage.py payouts_run` retries."""
    try:
        get_backend().process(withdrawal_id)
    except Exception:
        logger.exception("Withdrawal %s could not be processed now; payouts_run will retry.", withdrawal_id)


def withdrawal_notify(withdrawal: Withdrawal) -> None:
    """Tell the user where their withdrawal stands (sent, paid or failed)."""
    kinds = {
        Withdrawal.Status.SENT: (Notification.Kind.WITHDRAWAL_SENT, "is on its way"),
        Withdrawal.Status.CONFIRMED: (Notification.Kind.WITHDRAWAL_CONFIRMED, "is paid"),
        Withdrawal.Status.FAILED: (Notification.Kind.WITHDRAWAL_FAILED, "failed"),
    }
    if withdrawal.status not in kinds:
        return
    kind, verb = kinds[Withdrawal.Status(withdrawal.status)]
    body = {
        Withdrawal.Status.SENT: f"Transaction {withdrawal.tx_hash} is waiting for confirmations.",
        Withdrawal.Status.CONFIRMED: f"Sent to {withdrawal.to_address}.",
        Withdrawal.Status.FAILED: f"{withdrawal.failure_reason} The amount is back in your available balance.",
    }[Withdrawal.Status(withdrawal.status)]
    notify(
        recipient=withdrawal.user,
        kind=kind,
        title=f"Your withdrawal of {withdrawal.amount_display} {verb}",
        body=body,
        link=reverse("wallets:wallet"),
        payload={"withdrawal": withdrawal.pk, "status": withdrawal.status, "tx_hash": withdrawal.tx_hash},
    )


@transaction.atomic
def withdrawal_fail(*, withdrawal: Withdrawal, reason: str) -> Withdrawal:
    """pending | sent -> failed: the debit is reversed and the user told. Only for
    a withdrawal that provably did not and cannot pay (the backend decides)."""
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",)).select_related("token", "user").get(pk=withdrawal.pk)
    )
    if withdrawal.status not in (Withdrawal.Status.PENDING, Withdrawal.Status.SENT):
        raise InvalidState(f"Withdrawal {withdrawal.pk} is {withdrawal.status}; it cannot fail now.", code="settled")
    before = _withdrawal_snapshot(withdrawal)
    reversal = ledger.reverse(withdrawal.ledger_transaction, memo=f"Withdrawal {withdrawal.pk} failed")
    withdrawal.status = Withdrawal.Status.FAILED
    withdrawal.failure_reason = reason[:300]
    withdrawal.reversal_transaction = reversal
    withdrawal.settled_at = timezone.now()
    withdrawal.save()
    audit(
        actor=None, action="withdrawal.fail", target=withdrawal, before=before, after=_withdrawal_snapshot(withdrawal)
    )
    withdrawal_notify(withdrawal)
    return withdrawal


@transaction.atomic
def deposit_record(
    *, token: Token, tx_hash: str, log_index: int, block_number: int, from_address: str, amount: int
) -> Deposit | None:
    """Record one confirmed transfer to the treasury, once. It is credited to the
    user who signed in with ``from_address``, else kept as unmatched for staff.
    Returns None when this transfer was recorded before."""
    tx_hash = tx_hash.lower()
    if Deposit.objects.filter(chain_id=token.chain_id, tx_hash=tx_hash, log_index=log_index).exists():
        return None
    sender = normalize_address(from_address)
    user = User.objects.filter(address=sender).first()
    try:
        with transaction.atomic():
            deposit = Deposit.objects.create(
                token=token,
                chain_id=token.chain_id,
                tx_hash=tx_hash,
                log_index=log_index,
                block_number=block_number,
                from_address=sender,
                amount=amount,
                user=user,
                status=Deposit.Status.CREDITED if user else Deposit.Status.UNMATCHED,
            )
    except IntegrityError:
        return None  # a concurrent scanner recorded it first
    if user is None:
        audit(actor=None, action="deposit.unmatched", target=deposit, after={"from": sender, "tx_hash": tx_hash})
        return deposit
    record = ledger.post(
        kind=LedgerTransaction.Kind.DEPOSIT,
        token=token,
        lines=[
            ledger.Line(ledger.external_account(token), -amount),
            ledger.Line(ledger.available_account(user, token), amount),
        ],
        memo=f"Deposit {tx_hash}",
    )
    Deposit.objects.filter(pk=deposit.pk).update(ledger_transaction=record)
    deposit.ledger_transaction = record
    audit(
        actor=None,
        action="deposit.credit",
        target=deposit,
        after={"amount": token.format(amount), "token": token.symbol, "tx_hash": tx_hash},
    )
    notify(
        recipient=user,
        kind=Notification.Kind.DEPOSIT_CREDITED,
        title=f"Deposit of {token.humanize(amount)} credited",
        body=f"Transaction {tx_hash} is confirmed.",
        link=reverse("wallets:wallet"),
        payload={"deposit": deposit.pk},
    )
    return deposit


@dataclass
class PassResult:
    """What one payout pass did: withdrawals moved forward (with their new status),
    withdrawals that raised, deposits credited, and whether the deposit scan raised."""

    processed: list[tuple[int, str]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    deposits: int = 0
    scan_failed: bool = False

    @property
    def errors(self) -> int:
        return len(self.failed) + int(self.scan_failed)

    def counts(self) -> dict[str, int]:
        return {"withdrawals": len(self.processed), "deposits": self.deposits}


def payouts_run() -> PassResult:
    """One pass of the payout worker: push every unfinished withdrawal forward, then
    scan for deposits. Safe to run repeatedly and from cron. Each withdrawal stands
    alone: one whose processing raises is logged with its traceback and the pass goes
    on, so one bad row never stalls the payouts queued behind it."""
    result = PassResult()
    backend = get_backend()
    unfinished = Withdrawal.objects.filter(
        backend=backend.name, status__in=[Withdrawal.Status.PENDING, Withdrawal.Status.SENT]
    ).order_by("pk")
    for pk in list(unfinished.values_list("pk", flat=True)):
        try:
            withdrawal = backend.process(pk)
        except Exception:
            logger.exception("Withdrawal %s could not be processed; the next pass retries it.", pk)
            result.failed.append(pk)
        else:
            result.processed.append((pk, withdrawal.status))
    try:
        result.deposits = backend.scan_deposits()
    except Exception:
        logger.exception("The deposit scan failed; the next pass retries it.")
        result.scan_failed = True
    return result
