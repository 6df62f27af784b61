"""Sign-In with Ethereum (EIP-4361): read, check and verify a signed sign-in message. No Django.

The ``siwe`` library (spruceid's reference implementation for Python) parses the text
with the EIP-4361 ABNF and checks each field's syntax; this module adds what a relying
party must enforce and the library leaves to its caller:

- ``parse_message``   text -> message. Strict: the ABNF, an EIP-55 address, a size
                      limit, and the canonical form (the text is exactly what the parsed
                      fields print as, so the signature is checked over the very bytes
                      whose fields are trusted).
- ``check_fields``    every rule of a ``SiwePolicy`` at a given ``now``: domain, scheme,
                      URI origin, version, chain id, statement, resources, expiration
                      time, not-before and the issued-at window. No signature, no I/O.
- ``verify_signature`` EIP-191 recovery of an externally owned account; failing that,
                      and given a web3 provider, ERC-1271 ``isValidSignature`` on the
                      message's address (a contract wallet) on the message's chain.
- ``verify_message``  all three, in that order.

Every refusal is a ``SiweError`` with a stable ``code`` and a sentence for people.
What this module does not do: nonce bookkeeping. Whether a nonce was issued by this
site, to this client, and is still unused is the caller's state (``wallets.services``);
``VerifiedMessage.nonce`` is what it looks up.
"""

from __future__ import annotations

import re
import secrets
import string
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys.exceptions import BadSignature
from eth_utils.address import is_hex_address, to_checksum_address
from eth_utils.exceptions import ValidationError as EthValidationError
from pydantic import ValidationError
from web3 import Web3
from web3.exceptions import Web3Exception

with warnings.catch_warnings():
    # siwe builds its EIP-4361 grammar at import, and the abnf package then warns that
    # the grammar defines ALPHA, LF, DIGIT and HEXDIG twice (siwe imports the RFC 5234
    # rules twice; harmless). Silenced here, for that import only, rather than with a
    # process-wide filter.
    warnings.filterwarnings("ignore", message=r"rule '[\w-]+' redefines ")
    import siwe
    from siwe.siwe import check_contract_wallet_signature

SiweErrorCode = Literal[
    "invalid_message",
    "invalid_address",
    "bad_signature",
    "domain_mismatch",
    "scheme_mismatch",
    "uri_mismatch",
    "chain_mismatch",
    "version_mismatch",
    "statement_mismatch",
    "resources_mismatch",
    "expired",
    "not_yet_valid",
    "stale_issued_at",
    "future_issued_at",
]

# The ABNF parser backtracks: its time grows with the square of a line's length (a
# 4,000-character domain takes ~2 s, a 20,000-character statement ~20 s). A sign-in
# message is a few hundred characters, so anything longer is refused before parsing.
MAX_MESSAGE_CHARS: Final = 2048
MAX_LINE_CHARS: Final = 512
# An ERC-1271 signature is whatever the wallet's contract understands (a multisig
# concatenates its owners' signatures; a passkey wallet adds WebAuthn data), so only a
# generous upper bound is set. An EOA signature is 65 bytes.
MAX_SIGNATURE_BYTES: Final = 4096

NONCE_LENGTH: Final = 22
_NONCE_ALPHABET: Final = string.ascii_letters + string.digits

_HEX: Final = re.compile(r"[0-9a-fA-F]*", re.ASCII)
_DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# Field names of SiweMessage as a person would read them, for error messages.
_FIELD_NAMES: Final = {
    "scheme": "scheme",
    "domain": "domain",
    "address": "address",
    "statement": "statement",
    "uri": "URI",
    "version": "version",
    "chain_id": "chain ID",
    "nonce": "nonce",
    "issued_at": "issued-at time",
    "expiration_time": "expiration time",
    "not_before": "not-before time",
    "request_id": "request ID",
    "resources": "resources",
}

_NOT_EIP4361 = (
    "This is not a valid Sign-In with Ethereum (EIP-4361) message: a line is missing, "
    "out of order or malformed. Sign the message exactly as the site prepared it."
)


class SiweError(Exception):
    """A sign-in message or signature refused. ``code`` is stable (callers and API
    clients switch on it); ``message`` is a full sentence a person can act on."""

    code: SiweErrorCode
    message: str

    def __init__(self, code: SiweErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"SiweError({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class SiwePolicy:
    """What a message must say to sign in to one site.

    ``domain`` is the site's authority, ``host[:port]``, compared with the message's
    domain exactly except for the case of the host. ``uri`` is the site's origin; the
    message's URI must have the same scheme, host and port (any path). A message that
    carries the optional scheme prefix must name ``uri``'s scheme. ``statement`` and
    ``resources``, when not None, must equal the message's exactly (``()`` requires a
    message without resources). ``max_age`` bounds how old issued-at may be; ``skew`` is
    the clock difference tolerated between the signer and this server, applied to
    issued-at in the future, to the expiration time and to not-before.

    Raises ValueError for a policy that could accept nothing or anything (empty domain,
    a URI without scheme and host, no chain ids, negative durations).
    """

    domain: str
    uri: str
    chain_ids: frozenset[int]
    statement: str | None = None
    resources: tuple[str, ...] | None = None
    max_age: timedelta = timedelta(minutes=5)
    skew: timedelta = timedelta(seconds=30)

    def __post_init__(self) -> None:
        if not self.domain or any(char in self.domain for char in "/?#@ "):
            raise ValueError(f"SiwePolicy.domain must be host[:port], got {self.domain!r}.")
        if _origin(self.uri) is None:
            raise ValueError(f"SiwePolicy.uri must be an origin such as https://example.com, got {self.uri!r}.")
        if not self.chain_ids:
            raise ValueError("SiwePolicy.chain_ids must allow at least one chain.")
        if self.max_age < timedelta(0) or self.skew < timedelta(0):
            raise ValueError("SiwePolicy.max_age and SiwePolicy.skew cannot be negative.")


@dataclass(frozen=True)
class VerifiedMessage:
    """The fields of a message that passed ``check_fields`` (and, from
    ``verify_message``, its signature). Times are aware and in UTC."""

    address: str  # EIP-55
    chain_id: int
    nonce: str
    domain: str
    uri: str
    issued_at: datetime
    expiration_time: datetime | None
    not_before: datetime | None
    statement: str | None
    resources: tuple[str, ...]
    request_id: str | None


def make_nonce() -> str:
    """A fresh nonce: 22 characters of [A-Za-z0-9] from ``secrets``, 22 * log2(62) ≈ 131
    bits of entropy. Alphanumeric because the EIP-4361 ABNF allows nothing else."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def build_message(
    *,
    domain: str,
    address: str,
    uri: str,
    chain_id: int,
    nonce: str,
    issued_at: datetime | str,
    statement: str | None = None,
    expiration_time: datetime | str | None = None,
    not_before: datetime | str | None = None,
    resources: tuple[str, ...] | list[str] = (),
    request_id: str | None = None,
    version: str = "1",
    scheme: str | None = None,
) -> str:
    """The exact EIP-4361 text for these fields, ready for a wallet to sign.

    Times may be aware datetimes (written in UTC with milliseconds, e.g.
    ``2024-05-01T12:00:00.000Z``) or RFC 3339 strings, which are kept verbatim (so a
    message signed elsewhere can be rebuilt byte for byte). ``address`` must already be
    in its EIP-55 form. ``scheme``, when given, is written before the domain
    (``https://example.com wants you to sign in...``).

    The result is guaranteed to pass ``parse_message`` and to say exactly what was asked;
    any field that would break either raises SiweError (invalid_message, or
    invalid_address for an address that is not EIP-55).
    """
    try:
        message = siwe.SiweMessage(
            scheme=scheme,
            domain=domain,
            address=address,
            uri=uri,
            version=version,
            chain_id=chain_id,
            nonce=nonce,
            issued_at=_timestamp(issued_at, "issued_at"),
            statement=statement,
            expiration_time=None if expiration_time is None else _timestamp(expiration_time, "expiration_time"),
            not_before=None if not_before is None else _timestamp(not_before, "not_before"),
            resources=list(resources) or None,
            request_id=request_id,
        )
    except ValidationError as exc:
        raise _from_validation_error(exc) from exc
    text: str = message.prepare_message()
    # The library's model checks less than its own parser (e.g. a non-ASCII statement,
    # a nonce with punctuation), and prints some values as others (a chain id of 0 as
    # "Chain ID: 1"): parsing the result back proves the text is one this module accepts
    # and that it says what was asked.
    try:
        parsed = parse_message(text)
    except SiweError as exc:
        if exc.message != _NOT_EIP4361:
            raise
        raise SiweError(
            "invalid_message",
            "These fields do not make a valid EIP-4361 message: the statement must be printable ASCII, "
            "the nonce letters and digits only, the URIs RFC 3986.",
        ) from exc
    if parsed.model_dump() != message.model_dump():
        if parsed.chain_id != message.chain_id:
            raise SiweError("invalid_message", f"Chain ID {message.chain_id} cannot be written in a sign-in message.")
        raise SiweError("invalid_message", "These fields cannot be written as a sign-in message exactly.")
    return text


def parse_message(text: str) -> siwe.SiweMessage:
    """Parse an EIP-4361 message strictly.

    Raises SiweError(invalid_address) for an address that is not in its EIP-55 form,
    and SiweError(invalid_message) for text over MAX_MESSAGE_CHARS (or a line over
    MAX_LINE_CHARS), text the ABNF rejects, a field the library rejects (an impossible
    date, a version other than 1...) and text that is not in canonical form (e.g.
    ``Chain ID: 01``, an empty ``Request ID:``), whose signature would otherwise be
    checked over a different text than the one received.
    """
    if not isinstance(text, str) or not text:
        raise SiweError("invalid_message", "The sign-in message is empty.")
    if len(text) > MAX_MESSAGE_CHARS or any(len(line) > MAX_LINE_CHARS for line in text.split("\n")):
        raise SiweError(
            "invalid_message",
            f"The sign-in message is too long (at most {MAX_MESSAGE_CHARS} characters, "
            f"{MAX_LINE_CHARS} per line). Sign the message exactly as the site prepared it.",
        )
    try:
        message: siwe.SiweMessage = siwe.SiweMessage.from_message(text, abnf=True)
    except ValidationError as exc:
        # The ABNF accepted the text; a field's value did not pass the library's model.
        raise _from_validation_error(exc) from exc
    except (ValueError, RecursionError) as exc:
        # The library turns the ABNF's ParseError into a bare ValueError: its position is
        # that of the whole message, which helps nobody, so the sentence stays general.
        raise SiweError("invalid_message", _NOT_EIP4361) from exc
    if message.prepare_message() != text:
        raise SiweError(
            "invalid_message",
            "The sign-in message is not in its canonical form (a field is written differently "
            "from how EIP-4361 prints it). Sign the message exactly as the site prepared it.",
        )
    return message


def check_fields(message: siwe.SiweMessage, *, policy: SiwePolicy, now: datetime) -> VerifiedMessage:
    """Check every field of a parsed message against ``policy`` at ``now``.

    The rules, in the order they are checked (the first broken one is reported):
    domain, scheme, URI origin, version, chain id, statement, resources, expiration time
    (expired once ``now >= expiration_time + skew``), not-before (valid from
    ``not_before - skew``), issued-at not after ``now + skew``, issued-at not before
    ``now - max_age``. The signature is not looked at. Raises SiweError; ``now`` must be
    aware (ValueError otherwise: that is a programming error, not a bad message).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("check_fields needs an aware `now` (e.g. datetime.now(UTC)).")
    now = now.astimezone(UTC)

    domain = str(message.domain)
    if domain.lower() != policy.domain.lower():
        raise SiweError(
            "domain_mismatch",
            f"This message was signed for {_shown(domain)}, not {policy.domain}. "
            "Check the address bar: only sign messages for the site you are on.",
        )

    site_scheme = urlsplit(policy.uri).scheme.lower()
    if message.scheme is not None and str(message.scheme).lower() != site_scheme:
        raise SiweError(
            "scheme_mismatch",
            f"This message was signed for a {_shown(str(message.scheme))}:// page, but this site is "
            f"served over {site_scheme}. Check the address bar and start the sign-in again.",
        )

    uri = str(message.uri)
    if _origin(uri) != _origin(policy.uri):
        raise SiweError(
            "uri_mismatch",
            f"This message's URI, {_shown(uri)}, is not on {policy.uri}. Only sign messages for the site you are on.",
        )

    version = str(message.version)
    if version != "1":
        raise SiweError(
            "version_mismatch",
            f"This message uses Sign-In with Ethereum version {_shown(version)}; only version 1 is supported.",
        )

    chain_id = int(message.chain_id)
    if chain_id not in policy.chain_ids:
        allowed = ", ".join(str(chain) for chain in sorted(policy.chain_ids))
        raise SiweError(
            "chain_mismatch",
            f"This message is for chain ID {chain_id}, which this site does not accept "
            f"(accepted: {allowed}). Switch your wallet to an accepted network and sign in again.",
        )

    statement = None if message.statement is None else str(message.statement)
    if policy.statement is not None and statement != policy.statement:
        raise SiweError(
            "statement_mismatch",
            "This message's statement is not the one this site asks you to sign. "
            "Start the sign-in again and sign the message as the site prepared it.",
        )

    resources = tuple(str(resource) for resource in (message.resources or ()))
    if policy.resources is not None and resources != policy.resources:
        raise SiweError(
            "resources_mismatch",
            "This message's resources are not the ones this site asks you to sign. "
            "Start the sign-in again and sign the message as the site prepared it.",
        )

    issued_at = _moment(message.issued_at, "issued_at")
    expiration_time = None if message.expiration_time is None else _moment(message.expiration_time, "expiration_time")
    not_before = None if message.not_before is None else _moment(message.not_before, "not_before")
    skew = policy.skew

    if expiration_time is not None and now >= expiration_time + skew:
        raise SiweError(
            "expired",
            f"This sign-in message expired at {_when(expiration_time)}. Start the sign-in again.",
        )
    if not_before is not None and now < not_before - skew:
        raise SiweError(
            "not_yet_valid",
            f"This sign-in message is not valid before {_when(not_before)}. "
            "If that time is wrong, check your device's clock and start the sign-in again.",
        )
    if issued_at > now + skew:
        raise SiweError(
            "future_issued_at",
            f"This sign-in message says it was issued at {_when(issued_at)}, which is in the future. "
            "Check your device's clock and start the sign-in again.",
        )
    if now - issued_at > policy.max_age:
        raise SiweError(
            "stale_issued_at",
            f"This sign-in message was issued at {_when(issued_at)}, more than "
            f"{_duration(policy.max_age)} ago. Start the sign-in again.",
        )

    return VerifiedMessage(
        address=str(message.address),
        chain_id=chain_id,
        nonce=str(message.nonce),
        domain=domain,
        uri=uri,
        issued_at=issued_at,
        expiration_time=expiration_time,
        not_before=not_before,
        statement=statement,
        resources=resources,
        request_id=None if message.request_id is None else str(message.request_id),
    )


def verify_signature(message: siwe.SiweMessage, signature: str, *, provider: Any | None = None) -> None:
    """Check that ``signature`` is the message address's EIP-191 signature of the message.

    First by recovery (an externally owned account, 65-byte signature, v in 0/1/27/28).
    If that fails and ``provider`` is given (a web3 provider, or a ``Web3``), by asking
    the message's address, as an ERC-1271 contract wallet, whether the signature is
    valid for the EIP-191 hash of the message; the provider must serve the message's
    chain (EIP-4361: the chain id is where contract accounts are resolved), otherwise the
    contract is not asked. That call is the only I/O here. A provider that cannot be
    reached counts as a refusal.

    The signature covers ``message.prepare_message()``, which for a message from
    ``parse_message`` is exactly the text received. Raises SiweError(bad_signature).
    """
    raw = _signature_bytes(signature)
    text: str = message.prepare_message()
    signable = encode_defunct(text=text)
    address = str(message.address)

    if len(raw) == 65:
        try:
            recovered = Account.recover_message(signable, signature=raw)
        except (ValueError, BadSignature, EthValidationError):
            # Not a recoverable signature (bad v, r or s out of range): it may still be a
            # contract wallet's, which need not look like an ECDSA signature at all.
            recovered = None
        if recovered == address:
            return

    if provider is None:
        raise SiweError(
            "bad_signature",
            f"The signature does not match the message: it was not made by {address}. "
            "Sign the message again with this wallet.",
        )

    w3 = provider if isinstance(provider, Web3) else Web3(provider)
    try:
        provider_chain_id = int(w3.eth.chain_id)
        if provider_chain_id != int(message.chain_id):
            raise SiweError(
                "bad_signature",
                f"The signature was not made by {address}, and contract wallets can only be checked "
                f"on chain ID {provider_chain_id}, not {message.chain_id}. Sign in on that network or "
                "with the account that signed.",
            )
        valid = bool(
            check_contract_wallet_signature(address=address, message=signable, signature=f"0x{raw.hex()}", w3=w3)
        )
    except (Web3Exception, OSError, ValueError) as exc:
        # OSError covers the transport (requests' errors and timeouts derive from it).
        raise SiweError(
            "bad_signature",
            "The signature was not made by the account in the message, and the network could not be "
            "reached to ask whether it is a contract wallet's. Try again in a moment.",
        ) from exc
    if not valid:
        raise SiweError(
            "bad_signature",
            f"The signature does not match the message: {address} did not sign it, "
            "and is not a contract wallet that accepts it. Sign the message again with this wallet.",
        )


def verify_message(
    text: str, signature: str, *, policy: SiwePolicy, now: datetime, provider: Any | None = None
) -> VerifiedMessage:
    """``parse_message``, ``check_fields`` and ``verify_signature``, in that order (the
    cheap checks first, the one that may do I/O last). Raises SiweError."""
    message = parse_message(text)
    verified = check_fields(message, policy=policy, now=now)
    verify_signature(message, signature, provider=provider)
    return verified


# --- helpers --------------------------------------------------------------------


def _origin(uri: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an absolute URI, with the scheme's default port filled
    in; None for a URI without a host or with user information (``https://a@b`` shows
    ``a`` to a person while meaning ``b``)."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def _timestamp(value: datetime | str, field: str) -> str:
    """A message time as EIP-4361 text: datetimes in UTC with milliseconds, anything else
    verbatim (the library's model validates it)."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise SiweError("invalid_message", f"The {_FIELD_NAMES[field]} needs a time zone.")
    text: str = siwe.ISO8601Datetime.from_datetime(value)
    return text


def _moment(value: object, field: str) -> datetime:
    """A message time (RFC 3339 text) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise SiweError("invalid_message", f"The {_FIELD_NAMES[field]} {_shown(str(value))} is not a date.") from exc
    if moment.tzinfo is None:
        raise SiweError("invalid_message", f"The {_FIELD_NAMES[field]} {_shown(str(value))} has no time zone.")
    return moment.astimezone(UTC)


def _signature_bytes(signature: str) -> bytes:
    """A hex signature (``0x`` optional) as bytes; SiweError(bad_signature) otherwise."""
    if not isinstance(signature, str):
        raise SiweError("bad_signature", "The signature is missing.")
    hex_digits = signature.strip()
    hex_digits = hex_digits[2:] if hex_digits[:2].lower() == "0x" else hex_digits
    if len(hex_digits) > 2 * MAX_SIGNATURE_BYTES:
        raise SiweError("bad_signature", "The signature is too long to be a wallet's signature.")
    # Checked here rather than left to bytes.fromhex, which also accepts inner spaces.
    if len(hex_digits) % 2 or not _HEX.fullmatch(hex_digits):
        raise SiweError(
            "bad_signature",
            "The signature is malformed: it should be the hexadecimal string the wallet returned (0x…).",
        )
    return bytes.fromhex(hex_digits)


def _from_validation_error(exc: ValidationError) -> SiweError:
    """The library's model refused a field: say which, and why. An address problem is
    reported first, under its own code, whatever else is wrong."""
    errors = exc.errors()
    for error in errors:
        if error["loc"] and error["loc"][0] == "address":
            return SiweError("invalid_address", _address_problem(error.get("input")))
    if not errors:
        return SiweError("invalid_message", _NOT_EIP4361)
    first = errors[0]
    loc = first["loc"]
    field = str(loc[0]) if loc else ""
    name = _FIELD_NAMES.get(field, field or "message")
    if field == "resources" and len(loc) > 1 and isinstance(loc[1], int):
        name = f"resource number {loc[1] + 1}"
    value = first.get("input")
    if first["type"] == "missing" or value in (None, ""):
        return SiweError("invalid_message", f"The sign-in message has no {name}.")
    if field == "statement":
        return SiweError("invalid_message", "The sign-in message's statement must be a single line of text.")
    if field == "domain":
        return SiweError(
            "invalid_message",
            f"The sign-in message's domain, “{_shown(str(value))}”, is not a host with an optional port "
            "(such as example.com or 127.0.0.1:8000).",
        )
    reason = str(first["msg"]).removeprefix("Value error, ")
    return SiweError("invalid_message", f"The sign-in message's {name} is not valid: {reason}.")


def _address_problem(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if not text:
        return "The sign-in message has no address."
    if not is_hex_address(text):
        return f"{_shown(text) or 'The address'} is not an Ethereum address (0x followed by 40 hex digits)."
    checksummed = to_checksum_address(text)
    if text[2:] == text[2:].lower() or text[2:] == text[2:].upper():
        return (
            f"The address must be written in its checksummed (EIP-55) form, {checksummed}, "
            "not in a single case. Sign the message exactly as the site prepared it."
        )
    return (
        f"The capitalisation of {text} does not match its EIP-55 checksum: the address may be "
        "mistyped. Sign the message exactly as the site prepared it."
    )


def _shown(value: str, limit: int = 80) -> str:
    """Text taken from a message, cut short enough to quote in a sentence."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
