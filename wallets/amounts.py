"""Token amounts: integer base units in, decimal strings out. No Django, no floats.

A token with ``decimals = 6`` has 10**6 base units per token. Everything stored or
summed is an ``int`` of base units; the decimal string form is for people and the
API only. The largest amount is ``MAX_BASE_UNITS`` (2**256 - 1, an ERC-20 balance).
"""

from __future__ import annotations

import re
from decimal import Decimal

MAX_BASE_UNITS = 2**256 - 1
MAX_DECIMALS = 36

# ASCII digits only; a comma is accepted only as a thousands separator ("1,500"),
# never as a decimal comma ("1,5" is refused rather than read as 15).
_AMOUNT_RE = re.compile(r"^(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]*))?$", re.ASCII)


class AmountError(ValueError):
    """An amount that cannot be turned into base units; the message says why."""


def parse_amount(text: str | int | Decimal, decimals: int, *, allow_zero: bool = False) -> int:
    """Turn a decimal amount in token units into integer base units, exactly.

    Raises AmountError for non-numeric text, a negative sign, more fractional
    digits than the token has, zero (unless ``allow_zero``) and values above
    MAX_BASE_UNITS. Floats are refused: they cannot carry an exact amount.
    """
    if isinstance(text, float):
        raise AmountError("Send amounts as decimal strings, not floating-point numbers.")
    if isinstance(text, bool):
        raise AmountError("Enter an amount as a number, e.g. 1500 or 12.5.")
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise AmountError(f"“{text}” is not a number. Enter an amount such as 1500 or 12.5.")
        # str() of a Decimal may use an exponent ("1E-7"); "f" always writes digits.
        raw = format(text, "f")
    else:
        raw = str(text)
    raw = raw.replace("_", "").strip()
    if raw.startswith("-"):
        raise AmountError("The amount cannot be negative.")
    match = _AMOUNT_RE.match(raw.removeprefix("+"))
    if match is None or (not match.group("int") and not match.group("frac")):
        raise AmountError(f"“{text}” is not a number. Enter an amount such as 1500 or 12.5.")
    whole = (match.group("int") or "0").replace(",", "").lstrip("0") or "0"
    frac = (match.group("frac") or "").rstrip("0")
    if len(whole) > len(str(MAX_BASE_UNITS)):
        # Checked before int(): Python refuses int() of very long strings with a ValueError.
        raise AmountError("The amount is larger than any token balance can be.")
    if len(frac) > decimals:
        if decimals == 0:
            raise AmountError("This token has no decimal places: enter a whole number.")
        raise AmountError(f"This token has {decimals} decimal places; the amount has {len(frac)}.")
    scale: int = 10**decimals
    units = int(whole) * scale + (int(frac.ljust(decimals, "0")) if frac else 0)
    if units > MAX_BASE_UNITS:
        raise AmountError("The amount is larger than any token balance can be.")
    if units == 0 and not allow_zero:
        raise AmountError("The amount must be greater than zero.")
    return units


def format_units(units: int, decimals: int) -> str:
    """Base units as a plain decimal string in token units: no exponent, no
    trailing zeros, no thousands separators (the API form): 1500000, 6 -> "1.5"."""
    sign = "-" if units < 0 else ""
    scale: int = 10**decimals
    whole, frac = divmod(abs(int(units)), scale)
    if not decimals or frac == 0:
        return f"{sign}{whole}"
    frac_text = str(frac).rjust(decimals, "0").rstrip("0")
    return f"{sign}{whole}.{frac_text}"


def humanize_units(units: int, decimals: int, *, max_fraction: int = 2) -> str:
    """Base units for people: thousands separators, at most ``max_fraction``
    fractional digits unless more are needed to show a non-zero amount exactly, and
    none or at least two, as money is written (1,500 and 1,462.50, never 1,462.5)."""
    plain = format_units(units, decimals)
    sign = "-" if plain.startswith("-") else ""
    whole, _, frac = plain.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    if frac and len(frac) > max_fraction and int(whole) > 0:
        # Large amounts are shown rounded down for reading; exact values are one hover away.
        frac = frac[:max_fraction].rstrip("0")
    return f"{sign}{grouped}.{frac:0<{min(2, decimals)}}" if frac else f"{sign}{grouped}"
