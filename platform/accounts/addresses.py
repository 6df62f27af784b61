"""Ethereum addresses: validation and the EIP-55 checksummed form."""

from __future__ import annotations

import re

from eth_utils.address import to_checksum_address

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


class InvalidAddress(ValueError):
    pass


def normalize_address(value: str) -> str:
    """Any-case ``0x`` + 40 hex digits -> its EIP-55 checksummed form.

    Lookups use this, so an address typed in lower case finds its user. It does not
    judge a mixed-case address's checksum: sign-in is where that matters, and the
    SIWE verification rejects a message whose address is not EIP-55.
    """
    text = (value or "").strip()
    if not _HEX_ADDRESS.match(text):
        raise InvalidAddress(f"“{value}” is not an Ethereum address (0x followed by 40 hex digits).")
    return str(to_checksum_address(text.lower()))


def is_checksummed(value: str) -> bool:
    """True when ``value`` is exactly the EIP-55 form of itself."""
    try:
        return normalize_address(value) == value
    except InvalidAddress:
        return False
