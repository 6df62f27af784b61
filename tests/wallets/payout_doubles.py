"""Payout backends for tests, registered like real ones (``wallets.chains.BACKENDS``
and ``settings.WALLETS_PAYOUT_BACKEND``) by :func:`install`.

The ``ledger`` backend confirms every withdrawal in the transaction that makes it,
so a withdrawal that fails (and its reversal) cannot happen with it. These doubles
leave withdrawals pending, as the ``evm`` backend does until it has broadcast and
seen confirmations, without any chain: the ledger side of the payout code
(pending -> confirmed or failed, reversals, retries) is then reachable.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.utils import timezone

from wallets import payouts
from wallets.chains import BACKENDS
from wallets.chains.ledger import LedgerBackend
from wallets.models import Token, Withdrawal


class PendingBackend(LedgerBackend):
    """Leaves every withdrawal pending (waiting for a chain that never answers)."""

    name = "test-pending"

    def on_request(self, withdrawal: Withdrawal) -> None:
        pass

    def process(self, withdrawal_id: int) -> Withdrawal:
        return Withdrawal.objects.get(pk=withdrawal_id)


class ConfirmingBackend(PendingBackend):
    """Pending when requested, paid when processed (by payouts_run or on commit).
    ``failing`` lists withdrawal ids whose processing raises, like a node error.
    ``transfers`` are deposits the next scan credits."""

    name = "test-confirming"
    failing: ClassVar[set[int]] = set()
    transfers: ClassVar[list[dict[str, Any]]] = []
    scan_error: ClassVar[bool] = False

    def process(self, withdrawal_id: int) -> Withdrawal:
        if withdrawal_id in self.failing:
            raise ConnectionError(f"The node refused withdrawal {withdrawal_id}.")
        withdrawal = Withdrawal.objects.get(pk=withdrawal_id)
        if withdrawal.status == Withdrawal.Status.PENDING:
            withdrawal.status = Withdrawal.Status.CONFIRMED
            withdrawal.settled_at = timezone.now()
            withdrawal.save(update_fields=["status", "settled_at"])
            payouts.withdrawal_notify(withdrawal)
        return withdrawal

    def scan_deposits(self) -> int:
        if self.scan_error:
            raise ConnectionError("The node is down.")
        credited = 0
        while self.transfers:
            if payouts.deposit_record(**self.transfers.pop(0)) is not None:
                credited += 1
        return credited


class NoContractBackend(PendingBackend):
    """Refuses tokens without a contract address, as a chain backend must."""

    name = "test-no-contract"

    def check_token(self, token: Token) -> str | None:
        return None if token.contract_address else f"{token} has no contract on this chain."


def install(monkeypatch: pytest.MonkeyPatch, settings: Any, backend: type[PendingBackend]) -> None:
    """Register ``backend`` and make it the configured payout backend for one test."""
    monkeypatch.setitem(BACKENDS, backend.name, f"{backend.__module__}.{backend.__qualname__}")
    settings.WALLETS_PAYOUT_BACKEND = backend.name
    if backend is ConfirmingBackend:
        monkeypatch.setattr(ConfirmingBackend, "failing", set())
        monkeypatch.setattr(ConfirmingBackend, "transfers", [])
        monkeypatch.setattr(ConfirmingBackend, "scan_error", False)
