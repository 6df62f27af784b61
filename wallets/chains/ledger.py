"""The embedded payout backend: no chain. Withdrawals are marked paid when they are
made (the operator pays out by hand, or this is a demo); deposits come from the
development faucet (``wallets.payouts.faucet``)."""

from __future__ import annotations

from django.utils import timezone

from wallets.chains.base import PayoutBackend
from wallets.models import Withdrawal


class LedgerBackend(PayoutBackend):
    name = "ledger"

    def on_request(self, withdrawal: Withdrawal) -> None:
        withdrawal.status = Withdrawal.Status.CONFIRMED
        withdrawal.settled_at = timezone.now()
        withdrawal.save(update_fields=["status", "settled_at"])

    def process(self, withdrawal_id: int) -> Withdrawal:
        return Withdrawal.objects.get(pk=withdrawal_id)
