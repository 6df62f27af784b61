"""Payout backends: how tokens leave (withdrawals) and enter (deposits) the ledger.

``ledger`` (the embedded default) has no chain: deposits come from the development
faucet and withdrawals are marked paid at once. ``evm`` sends ERC-20 transfers from
the treasury key over ``EVM_RPC_URL`` and credits confirmed transfers to the
treasury (see docs/EVM.md). ``get_backend()`` returns the configured one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the framework-free erc20 client must import without Django set up
    from wallets.chains.base import PayoutBackend

BACKENDS = {
    "ledger": "wallets.chains.ledger.LedgerBackend",
    "evm": "wallets.chains.evm.EvmBackend",
}


def get_backend(name: str | None = None) -> PayoutBackend:
    from django.conf import settings
    from django.utils.module_loading import import_string

    name = name or settings.WALLETS_PAYOUT_BACKEND
    try:
        path = BACKENDS[name]
    except KeyError as exc:
        raise ValueError(f"Unknown payout backend {name!r}; choose one of {', '.join(BACKENDS)}.") from exc
    backend: PayoutBackend = import_string(path)()
    return backend
