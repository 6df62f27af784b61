"""wallets.siwe: every rule of a sign-in, one broken at a time, with real signatures.

Each refused message differs from a valid one in exactly one field and is signed by
the right key (unless the signature is the point), so the code it gets is the rule
it breaks. The clock is passed in: ``NOW`` is fixed and tests move it.
"""

from __future__ import annotations

import math
import string
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.crypto import keccak

from wallets import siwe
from wallets.siwe import SiweError, SiwePolicy, VerifiedMessage

ALICE = Account.from_key(keccak(text="workwall test key: alice"))
MALLORY = Account.from_key(keccak(text="workwall test key: mallory"))

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
STATEMENT = "Sign in to WorkWall. This request sends no transaction and costs no gas."
POLICY = SiwePolicy(
    domain="workwall.example",
    uri="https://workwall.example",
    chain_ids=frozenset({1, 11155111}),
    statement=STATEMENT,
    resources=(),
)
NONCE = "Qx7rT2mZp9LkW3vB8nY4sA"


def message(**changes: Any) -> str:
    """The site's own message for ALICE at NOW, with ``changes`` to break one rule."""
    fields: dict[str, Any] = {
        "domain": "workwall.example",
        "address": ALICE.address,
        "uri": "https://workwall.example/login",
        "chain_id": 1,
        "nonce": NONCE,
        "issued_at": NOW,
        "statement": STATEMENT,
    }
    fields.update(changes)
    return siwe.build_message(**fields)


def sign(text: str, account: Any = ALICE) -> str:
    """What a wallet's personal_sign returns: EIP-191 over the text, 0x-prefixed hex."""
    return "0x" + bytes(account.sign_message(encode_defunct(text=text)).signature).hex()


def verify(
    text: str, signature: str | None = None, *, now: datetime = NOW, policy: SiwePolicy = POLICY
) -> VerifiedMessage:
    return siwe.verify_message(text, sign(text) if signature is None else signature, policy=policy, now=now)


def refusal(text: str, signature: str | None = None, **kwargs: Any) -> SiweError:
    with pytest.raises(SiweError) as caught:
        verify(text, signature, **kwargs)
    return caught.value


# --- the happy path ---------------------------------------------------------------


def test_it_verifies_the_sites_own_message_signed_by_the_wallet() -> None:
    text = message(
        expiration_time=NOW + timedelta(minutes=5),
        not_before=NOW - timedelta(seconds=1),
        request_id="req-42",
    )

    verified = verify(text)

    assert verified == VerifiedMessage(
        address=ALICE.address,
        chain_id=1,
        nonce=NONCE,
        domain="workwall.example",
        uri="https://workwall.example/login",
        issued_at=NOW,
        expiration_time=NOW + timedelta(minutes=5),
        not_before=NOW - timedelta(seconds=1),
        statement=STATEMENT,
        resources=(),
        request_id="req-42",
    )
    assert verified.issued_at.tzinfo is UTC


def test_verified_times_are_in_utc_whatever_offset_the_message_used() -> None:
    text = message(issued_at="2025-03-01T10:00:00-02:00")

    assert verify(text).issued_at == NOW
    assert verify(text).issued_at.utcoffset() == timedelta(0)


def test_it_accepts_resources_that_equal_the_policys() -> None:
    resources = ("https://workwall.example/terms", "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
    text = message(resources=resources)

    assert verify(text, policy=replace(POLICY, resources=resources)).resources == resources


def test_a_policy_without_statement_or_resources_accepts_any() -> None:
    text = message(statement="Anything at all", resources=("https://elsewhere.example/x",))

    verified = verify(text, policy=replace(POLICY, statement=None, resources=None))

    assert verified.statement == "Anything at all"


def test_the_domain_host_is_compared_without_case() -> None:
    assert verify(message(domain="WorkWall.Example")).domain == "WorkWall.Example"


def test_a_message_with_the_sites_scheme_is_accepted() -> None:
    assert verify(message(scheme="https")).address == ALICE.address


@pytest.mark.parametrize(
    "uri",
    [
        "https://workwall.example",
        "https://workwall.example/",
        "https://workwall.example:443/login?next=/projects/",
        "https://WORKWALL.example/login#top",
    ],
)
def test_any_uri_on_the_sites_origin_is_accepted(uri: str) -> None:
    assert verify(message(uri=uri)).uri == uri


def test_a_development_site_on_a_port_is_its_own_origin() -> None:
    policy = replace(POLICY, domain="127.0.0.1:8000", uri="http://127.0.0.1:8000")
    text = message(domain="127.0.0.1:8000", uri="http://127.0.0.1:8000/")

    assert verify(text, policy=policy).domain == "127.0.0.1:8000"


def test_a_recovery_id_of_0_or_1_is_accepted_as_well_as_27_or_28() -> None:
    text = message()
    raw = bytes.fromhex(sign(text)[2:])

    assert verify(text, "0x" + (raw[:64] + bytes([raw[64] - 27])).hex()).address == ALICE.address


def test_a_signature_without_the_0x_prefix_is_accepted() -> None:
    text = message()

    assert verify(text, sign(text)[2:]).address == ALICE.address


# --- one rule broken at a time ------------------------------------------------------


@pytest.mark.parametrize(
    "domain",
    ["evil.example", "workwall.example.evil.example", "workwall.example:8443", "alice@workwall.example"],
)
def test_it_refuses_a_message_signed_for_another_domain(domain: str) -> None:
    error = refusal(message(domain=domain))

    assert error.code == "domain_mismatch"
    assert domain in error.message
    assert "workwall.example" in error.message


def test_a_development_site_refuses_another_port() -> None:
    policy = replace(POLICY, domain="127.0.0.1:8000", uri="http://127.0.0.1:8000")

    for domain in ("127.0.0.1:8001", "127.0.0.1", "localhost:8000"):
        error = refusal(message(domain=domain, uri="http://127.0.0.1:8000"), policy=policy)
        assert error.code == "domain_mismatch", domain


def test_it_refuses_a_message_that_names_another_scheme() -> None:
    error = refusal(message(scheme="http"))

    assert error.code == "scheme_mismatch"


@pytest.mark.parametrize(
    "uri",
    [
        "http://workwall.example/login",  # another scheme
        "https://workwall.example:8443/login",  # another port
        "https://evil.example/login",  # another host
        "https://workwall.example.evil.example/",  # a look-alike host
        "https://workwall.example@evil.example/",  # user information that reads like the site
        "https://alice@workwall.example/",  # user information at all
        "urn:workwall:login",  # no origin
    ],
)
def test_it_refuses_a_uri_that_is_not_on_the_sites_origin(uri: str) -> None:
    error = refusal(message(uri=uri))

    assert error.code == "uri_mismatch"


def test_it_refuses_a_chain_the_site_does_not_accept() -> None:
    error = refusal(message(chain_id=137))

    assert error.code == "chain_mismatch"
    assert "137" in error.message
    assert "1, 11155111" in error.message


def test_it_refuses_a_version_other_than_1() -> None:
    # The library's model cannot hold another version, so neither build_message nor
    # parse_message produces one; check_fields still refuses one built around them.
    with pytest.raises(SiweError) as caught:
        message(version="2")
    assert caught.value.code == "invalid_message"
    with pytest.raises(SiweError) as caught:
        siwe.parse_message(message().replace("Version: 1", "Version: 2"))
    assert caught.value.code == "invalid_message"

    forged = siwe.parse_message(message()).model_copy(update={"version": "2"})
    with pytest.raises(SiweError) as caught:
        siwe.check_fields(forged, policy=POLICY, now=NOW)
    assert caught.value.code == "version_mismatch"


@pytest.mark.parametrize("statement", ["Sign in to WorkWall and approve a transfer of all my tokens.", None])
def test_it_refuses_a_statement_other_than_the_sites(statement: str | None) -> None:
    error = refusal(message(statement=statement))

    assert error.code == "statement_mismatch"


@pytest.mark.parametrize(
    ("resources", "policy_resources"),
    [
        (("https://workwall.example/terms",), ()),
        ((), ("https://workwall.example/terms",)),
        (
            ("https://workwall.example/b", "https://workwall.example/a"),
            ("https://workwall.example/a", "https://workwall.example/b"),
        ),
    ],
    ids=["extra", "missing", "reordered"],
)
def test_it_refuses_resources_other_than_the_sites(
    resources: tuple[str, ...], policy_resources: tuple[str, ...]
) -> None:
    error = refusal(message(resources=resources), policy=replace(POLICY, resources=policy_resources))

    assert error.code == "resources_mismatch"


def test_it_refuses_a_message_signed_by_another_key() -> None:
    text = message()

    error = refusal(text, sign(text, MALLORY))

    assert error.code == "bad_signature"
    assert ALICE.address in error.message


def test_it_refuses_a_signature_of_another_text() -> None:
    text = message()

    error = refusal(text, sign(message(nonce="Another0Nonce1234")))

    assert error.code == "bad_signature"


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "0x",
        "0xzz",
        "0x123",
        "not a signature",
        "0x" + "00" * 65,
        "0x" + "ff" * 65,
        "0x" + "11" * 64,
        "0x" + "11" * 64 + "05",  # an impossible recovery id
        "0x" + "11" * 5000,  # longer than any wallet's signature
        "0x" + "11" * 32 + " " + "11" * 33,  # bytes.fromhex alone would skip the space
    ],
    ids=[
        "empty",
        "0x",
        "not-hex",
        "odd-length",
        "text",
        "zeros",
        "out-of-range",
        "64-bytes",
        "bad-v",
        "huge",
        "inner-space",
    ],
)
def test_it_refuses_a_malformed_signature(signature: str) -> None:
    error = refusal(message(), signature)

    assert error.code == "bad_signature"


def test_it_refuses_a_truncated_signature() -> None:
    text = message()

    assert refusal(text, sign(text)[:-2]).code == "bad_signature"


def test_it_refuses_a_lowercase_address_as_invalid_address() -> None:
    # A wallet that hands out its address in lower case: build_message refuses it...
    with pytest.raises(SiweError) as caught:
        message(address=ALICE.address.lower())
    assert caught.value.code == "invalid_address"
    assert ALICE.address in caught.value.message  # the form to use instead

    # ...and so does verification, even with the wallet's own valid signature.
    text = message().replace(ALICE.address, ALICE.address.lower())
    error = refusal(text, sign(text))
    assert error.code == "invalid_address"


def test_it_refuses_an_address_with_a_wrong_checksum_as_invalid_address() -> None:
    address = ALICE.address
    flipped = next(i for i, char in enumerate(address) if i > 1 and char.isalpha())
    mistyped = address[:flipped] + address[flipped].swapcase() + address[flipped + 1 :]
    text = message().replace(address, mistyped)

    error = refusal(text, sign(text))

    assert error.code == "invalid_address"
    assert "mistyped" in error.message


def test_the_fields_are_checked_before_the_signature() -> None:
    # Both the domain and the signature are wrong: the domain is reported, without
    # spending a signature recovery (or a network call) on a message for another site.
    assert refusal(message(domain="evil.example"), "0xzz").code == "domain_mismatch"


# --- the clock: expiration, not-before, issued-at and the 30 s skew -----------------


def test_an_expired_message_is_refused() -> None:
    error = refusal(message(issued_at=NOW - timedelta(minutes=2), expiration_time=NOW - timedelta(minutes=1)))

    assert error.code == "expired"
    assert "2025-03-01 11:59:00 UTC" in error.message


@pytest.mark.parametrize(("seconds_past", "accepted"), [(29, True), (30, False), (31, False)])
def test_an_expiration_time_gets_30_seconds_of_skew(seconds_past: int, accepted: bool) -> None:
    text = message(issued_at=NOW - timedelta(minutes=1), expiration_time=NOW - timedelta(seconds=seconds_past))

    if accepted:
        assert verify(text).address == ALICE.address
    else:
        assert refusal(text).code == "expired"


@pytest.mark.parametrize(("seconds_ahead", "accepted"), [(29, True), (30, True), (31, False)])
def test_a_not_before_time_gets_30_seconds_of_skew(seconds_ahead: int, accepted: bool) -> None:
    text = message(not_before=NOW + timedelta(seconds=seconds_ahead))

    if accepted:
        assert verify(text).address == ALICE.address
    else:
        assert refusal(text).code == "not_yet_valid"


def test_a_message_not_valid_until_tomorrow_is_refused() -> None:
    assert refusal(message(not_before=NOW + timedelta(days=1))).code == "not_yet_valid"


@pytest.mark.parametrize(("seconds_ahead", "accepted"), [(29, True), (30, True), (31, False)])
def test_an_issued_at_in_the_future_gets_30_seconds_of_skew(seconds_ahead: int, accepted: bool) -> None:
    text = message(issued_at=NOW + timedelta(seconds=seconds_ahead))

    if accepted:
        assert verify(text).address == ALICE.address
    else:
        assert refusal(text).code == "future_issued_at"


@pytest.mark.parametrize(("age", "accepted"), [(timedelta(minutes=5), True), (timedelta(minutes=5, seconds=1), False)])
def test_an_issued_at_older_than_max_age_is_refused(age: timedelta, accepted: bool) -> None:
    text = message(issued_at=NOW - age)

    if accepted:
        assert verify(text).address == ALICE.address
    else:
        error = refusal(text)
        assert error.code == "stale_issued_at"
        assert "5 minutes" in error.message


def test_the_skew_and_max_age_come_from_the_policy() -> None:
    text = message(issued_at=NOW - timedelta(minutes=20))
    assert refusal(text).code == "stale_issued_at"
    assert verify(text, policy=replace(POLICY, max_age=timedelta(minutes=30))).issued_at == NOW - timedelta(minutes=20)

    text = message(issued_at=NOW + timedelta(seconds=10))
    assert refusal(text, policy=replace(POLICY, skew=timedelta(seconds=5))).code == "future_issued_at"


def test_now_may_be_in_any_time_zone_but_must_be_aware() -> None:
    text = message()
    paris = timezone(timedelta(hours=1))

    assert verify(text, now=NOW.astimezone(paris)).issued_at == NOW
    with pytest.raises(ValueError, match="aware"):
        verify(text, now=NOW.replace(tzinfo=None))


# --- what the parser refuses ----------------------------------------------------------


def test_it_refuses_text_that_is_not_in_canonical_form() -> None:
    # "Chain ID: 01" parses to chain 1 and the library would print it as "Chain ID: 1":
    # checking the signature over that print would verify a text that was never sent.
    text = message().replace("Chain ID: 1", "Chain ID: 01")

    assert refusal(text, sign(text)).code == "invalid_message"


def test_a_chain_id_of_0_cannot_borrow_the_signature_of_chain_1() -> None:
    # The library prints chain id 0 as 1 ("Chain ID: {chain_id or 1}"), so a parsed
    # "Chain ID: 0" message would verify with a signature of the chain-1 text.
    signed = message()
    forged = signed.replace("Chain ID: 1", "Chain ID: 0")

    error = refusal(forged, sign(signed), policy=replace(POLICY, chain_ids=frozenset({0, 1})))

    assert error.code == "invalid_message"


def test_it_refuses_an_oversized_message_without_parsing_it() -> None:
    # The ABNF parser is quadratic in a line's length: a long line is refused up front.
    text = message().replace(STATEMENT, "a" * 20_000)

    started = time.perf_counter()
    error = refusal(text, "0x")
    assert time.perf_counter() - started < 0.5

    assert error.code == "invalid_message"
    assert "too long" in error.message


@pytest.mark.parametrize("text", ["", "hello", message() + "\n", message().replace("\n", "\r\n")])
def test_it_refuses_text_that_is_not_an_eip4361_message(text: str) -> None:
    assert refusal(text, "0x").code == "invalid_message"


def test_an_impossible_date_is_refused_with_the_reason() -> None:
    error = refusal(message().replace("2025-03-01T12:00:00.000Z", "2025-02-31T12:00:00.000Z"), "0x")

    assert error.code == "invalid_message"
    assert "issued-at" in error.message


# --- build_message ----------------------------------------------------------------


def test_build_message_writes_the_eip4361_text() -> None:
    text = message(expiration_time=NOW + timedelta(minutes=5), resources=("https://workwall.example/terms",))

    assert text == (
        "workwall.example wants you to sign in with your Ethereum account:\n"
        f"{ALICE.address}\n"
        "\n"
        f"{STATEMENT}\n"
        "\n"
        "URI: https://workwall.example/login\n"
        "Version: 1\n"
        "Chain ID: 1\n"
        f"Nonce: {NONCE}\n"
        "Issued At: 2025-03-01T12:00:00.000Z\n"
        "Expiration Time: 2025-03-01T12:05:00.000Z\n"
        "Resources:\n"
        "- https://workwall.example/terms"
    )
    assert siwe.parse_message(text).prepare_message() == text


def test_build_message_writes_times_in_utc() -> None:
    text = message(issued_at=NOW.astimezone(timezone(timedelta(hours=-5))))

    assert "Issued At: 2025-03-01T12:00:00.000Z" in text


@pytest.mark.parametrize(
    "changes",
    [
        {"issued_at": NOW.replace(tzinfo=None)},  # a naive datetime: which zone?
        {"statement": "Connexion à WorkWall"},  # EIP-4361 statements are ASCII
        {"statement": "two\nlines"},
        {"nonce": "short"},
        {"nonce": "has-punctuation!"},
        {"chain_id": 0},  # printed as 1 by the library: refused instead
        {"chain_id": -1},
        {"uri": "not a uri"},
        {"domain": "workwall.example/login"},
    ],
    ids=[
        "naive-time",
        "non-ascii",
        "newline",
        "short-nonce",
        "nonce-punctuation",
        "chain-0",
        "negative-chain",
        "bad-uri",
        "path-in-domain",
    ],
)
def test_build_message_refuses_a_message_it_could_not_parse_back(changes: dict[str, Any]) -> None:
    with pytest.raises(SiweError) as caught:
        message(**changes)

    assert caught.value.code == "invalid_message"
    assert caught.value.message.endswith(".")


# --- the policy itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"domain": ""},
        {"domain": "https://workwall.example"},
        {"uri": "workwall.example"},
        {"chain_ids": frozenset()},
        {"max_age": timedelta(seconds=-1)},
        {"skew": timedelta(seconds=-1)},
    ],
)
def test_a_policy_that_could_not_work_is_refused_at_start(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="SiwePolicy"):
        replace(POLICY, **changes)


# --- make_nonce -------------------------------------------------------------------


def test_make_nonce_gives_22_alphanumeric_characters() -> None:
    nonce = siwe.make_nonce()

    assert len(nonce) == 22
    assert set(nonce) <= set(string.ascii_letters + string.digits)
    # The ABNF's nonce rule (8 or more ALPHA / DIGIT) accepts it in a message.
    assert siwe.parse_message(message(nonce=nonce)).nonce == nonce


def test_make_nonce_does_not_repeat_and_draws_from_all_62_characters() -> None:
    nonces = [siwe.make_nonce() for _ in range(10_000)]

    assert len(set(nonces)) == len(nonces)
    assert all(len(nonce) == siwe.NONCE_LENGTH for nonce in nonces)
    # 220,000 draws: each of the 62 characters is expected ~3,500 times, so a smaller
    # alphabet (or a bias that drops characters) shows here.
    alphabet = set("".join(nonces))
    assert alphabet == set(string.ascii_letters + string.digits)


def test_make_nonce_has_at_least_96_bits_of_entropy_by_construction() -> None:
    # Each character is an independent uniform choice (secrets.choice) among 62.
    bits = siwe.NONCE_LENGTH * math.log2(len(string.ascii_letters + string.digits))

    assert bits >= 96
    assert round(bits) == 131


# --- errors -----------------------------------------------------------------------


def test_a_siwe_error_carries_a_stable_code_and_a_sentence() -> None:
    error = refusal(message(domain="evil.example"))

    assert error.code == "domain_mismatch"
    assert str(error) == error.message
    assert error.message == (
        "This message was signed for evil.example, not workwall.example. "
        "Check the address bar: only sign messages for the site you are on."
    )


# --- the module itself ------------------------------------------------------------


def test_the_siwe_core_imports_nothing_from_django() -> None:
    # ARCHITECTURE.md: the pure parts of wallets/ are testable alone. A fresh interpreter
    # (this one has Django loaded by pytest-django) shows what importing it pulls in.
    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys; sys.path[:0] = ['.', 'platform']; import wallets.siwe; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
