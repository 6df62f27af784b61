"""Sign-In with Ethereum and API tokens: the writes.

``siwe_login`` is the one path every sign-in takes (browser and API). Its order is
deliberate: parse and check every field of the message against the site's policy,
look the nonce up (read only), check the signature, and only then consume the nonce
with one conditional UPDATE and create or fetch the user. A failure at any step
writes nothing (the caller logs the attempt); of N concurrent sign-ins with one
nonce exactly one passes the UPDATE.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_get_or_create
from config.errors import DomainError, NotFound
from wallets import siwe
from wallets.models import ApiToken, SiweNonce

logger = logging.getLogger("wallets.signin")

TOKEN_PREFIX = "ww_"


class SignInError(DomainError):
    """A refused sign-in. 401 for anything about the signature or the nonce
    (the proof of identity failed), 400 for a message that cannot be read."""

    status_code = 401

    def __init__(self, message: str, *, code: str, status_code: int = 401) -> None:
        super().__init__(message, code=code)
        self.status_code = status_code


_BAD_REQUEST_CODES = {"invalid_message", "invalid_address", "version_mismatch"}


def site_policy() -> siwe.SiwePolicy:
    """What a signed message must say to sign in here, from the settings."""
    return siwe.SiwePolicy(
        domain=settings.SITE_DOMAIN,
        uri=f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}",
        chain_ids=frozenset(settings.SIWE_CHAIN_IDS),
        statement=settings.SIWE_STATEMENT,
        resources=(),
        max_age=timedelta(seconds=settings.SIWE_NONCE_TTL_SECONDS),
    )


def contract_wallet_provider() -> Any | None:
    """A web3 provider for ERC-1271 checks when EVM_RPC_URL is set, else None."""
    if not settings.EVM_RPC_URL:
        return None
    from web3 import HTTPProvider

    return HTTPProvider(settings.EVM_RPC_URL, request_kwargs={"timeout": 10})


@dataclass(frozen=True)
class IssuedNonce:
    nonce: SiweNonce
    address: str | None
    message: str | None


def nonce_issue(*, session_key: str = "", address: str | None = None) -> IssuedNonce:
    """Store a fresh nonce (bound to ``session_key`` when given) and, when the
    client said which address will sign, the exact message to sign.

    ``address`` may be in any case; the message carries its EIP-55 form. Raises
    SignInError(invalid_address, 400) for a malformed address.
    """
    checksummed: str | None = None
    if address:
        from accounts.addresses import InvalidAddress, normalize_address

        try:
            checksummed = normalize_address(address)
        except InvalidAddress as exc:
            raise SignInError(str(exc), code="invalid_address", status_code=400) from exc
    now = timezone.now().replace(microsecond=0)
    nonce = SiweNonce.objects.create(
        value=siwe.make_nonce(),
        session_key=session_key,
        address=checksummed or "",
        issued_at=now,
        expires_at=now + timedelta(seconds=settings.SIWE_NONCE_TTL_SECONDS),
    )
    message = None
    if checksummed:
        policy = site_policy()
        message = siwe.build_message(
            domain=policy.domain,
            address=checksummed,
            uri=policy.uri,
            chain_id=settings.SIWE_CHAIN_IDS[0],
            nonce=nonce.value,
            issued_at=now,
            statement=policy.statement,
            expiration_time=nonce.expires_at,
        )
    return IssuedNonce(nonce=nonce, address=checksummed, message=message)


@dataclass(frozen=True)
class SignIn:
    user: User
    created: bool
    message: siwe.VerifiedMessage


def siwe_login(*, message: str, signature: str, session_key: str = "", now: datetime | None = None) -> SignIn:
    """Verify a signed EIP-4361 message and return its user (created on first sign-in).

    ``session_key`` is the requesting browser session, if any: a nonce issued to
    another session is refused. Raises SignInError with a stable code. Writes only
    on success: the nonce's ``used_at`` and, the first time, the user.
    """
    now = now or timezone.now()
    try:
        parsed = siwe.parse_message(message)
        verified = siwe.check_fields(parsed, policy=site_policy(), now=now)
    except siwe.SiweError as exc:
        raise _refusal(exc) from exc

    nonce = SiweNonce.objects.filter(value=verified.nonce).first()
    if nonce is None:
        raise SignInError(
            "This sign-in message was not issued by WorkWall (unknown nonce). Start the sign-in again.",
            code="nonce_unknown",
        )
    if nonce.used_at is not None:
        raise SignInError(
            "This sign-in message has been used already. Each message signs you in once: start again.",
            code="nonce_used",
        )
    if nonce.expires_at <= now:
        raise SignInError(
            "This sign-in message expired before it was sent. Start the sign-in again.", code="nonce_expired"
        )
    if nonce.address and nonce.address != verified.address:
        raise SignInError(
            "This sign-in message was prepared for another wallet address. Start the sign-in again.",
            code="nonce_address_mismatch",
        )
    if nonce.session_key and nonce.session_key != session_key:
        raise SignInError(
            "This sign-in message was issued to another browser session. Start the sign-in again here.",
            code="nonce_session_mismatch",
        )

    try:
        siwe.verify_signature(parsed, signature, provider=contract_wallet_provider())
    except siwe.SiweError as exc:
        raise _refusal(exc) from exc

    with transaction.atomic():
        consumed = SiweNonce.objects.filter(pk=nonce.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
        if consumed != 1:
            raise SignInError(
                "This sign-in message has been used already. Each message signs you in once: start again.",
                code="nonce_used",
            )
        user, created = user_get_or_create(address=verified.address)
        if not user.is_active:
            raise SignInError("This account is deactivated. Contact the moderators.", code="inactive", status_code=403)
    return SignIn(user=user, created=created, message=verified)


def _refusal(exc: siwe.SiweError) -> SignInError:
    status = 400 if exc.code in _BAD_REQUEST_CODES else 401
    return SignInError(exc.message, code=exc.code, status_code=status)


# --- API tokens -----------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once; only its hash is stored


def token_create(*, user: User, name: str, session_key: str = "", ttl: timedelta | None = None) -> NewToken:
    """A new bearer token for ``user`` (256 random bits), valid for ``ttl``
    (default API_TOKEN_TTL_DAYS). Only its SHA-256 is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "API token").strip()[:100],
        key_hash=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        session_key=session_key,
        expires_at=timezone.now() + (ttl or timedelta(days=settings.API_TOKEN_TTL_DAYS)),
    )
    return NewToken(token=token, raw=raw)


def token_revoke(*, token_id: int, user: User) -> ApiToken:
    """Revoke one of ``user``'s tokens (idempotent). NotFound for another's token."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("You have no token with this id.", code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_revoke_for_session(*, user: User, session_key: str) -> int:
    """Revoke the tokens made by a browser session that is signing out."""
    if not session_key:
        return 0
    return ApiToken.objects.filter(user=user, session_key=session_key, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
