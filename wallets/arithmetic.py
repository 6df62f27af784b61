"""Ledger arithmetic with no Django: fees, splits and the balance rule. Integers of
base units in, integers out; nothing rounds in the platform's favour."""

from __future__ import annotations

from collections.abc import Iterable

BPS = 10_000  # basis points in one whole
MAX_FEE_BPS = 5_000  # a fee above 50 % is a configuration mistake


class UnbalancedError(ValueError):
    """The lines of a ledger transaction do not sum to zero."""


def fee_for(amount: int, fee_bps: int) -> int:
    """The platform fee on ``amount`` base units at ``fee_bps`` basis points,
    rounded down: a fraction of a base unit always goes to the contributor."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if not 0 <= fee_bps <= MAX_FEE_BPS:
        raise ValueError(f"fee_bps must be between 0 and {MAX_FEE_BPS}")
    return amount * fee_bps // BPS


def release_split(amount: int, fee_bps: int) -> tuple[int, int]:
    """``amount`` released to a contributor -> (to the contributor, to the platform).
    The two always sum to ``amount``."""
    fee = fee_for(amount, fee_bps)
    return amount - fee, fee


def check_balanced(amounts: Iterable[int]) -> None:
    """Raise UnbalancedError unless the amounts are non-zero and sum to zero."""
    values = list(amounts)
    if len(values) < 2:
        raise UnbalancedError("A transaction needs at least two entries.")
    if any(value == 0 for value in values):
        raise UnbalancedError("A ledger entry cannot be zero.")
    if sum(values) != 0:
        raise UnbalancedError(f"Entries sum to {sum(values)}, not zero.")
