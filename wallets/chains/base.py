"""The interface every payout backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from wallets.models import Token, Withdrawal


class PayoutBackend(ABC):
    name: str

    def check_token(self, token: Token) -> str | None:
        """Why ``token`` cannot be withdrawn through this backend, or None."""
        return None

    @abstractmethod
    def on_request(self, withdrawal: Withdrawal) -> None:
        """Called in the transaction that debits the user and creates ``withdrawal``
        (status pending). A backend that pays at once settles it here."""

    @abstractmethod
    def process(self, withdrawal_id: int) -> Withdrawal:
        """Move one unfinished withdrawal forward (send it, confirm it, or fail it)
        and return it. Safe to call repeatedly and after a crash at any point."""

    def deposit_address(self, token: Token) -> str | None:
        """Where users send ``token`` to deposit it, or None if it cannot be deposited
        through this backend."""
        return None

    def scan_deposits(self) -> int:
        """Credit new deposits; the number credited."""
        return 0
