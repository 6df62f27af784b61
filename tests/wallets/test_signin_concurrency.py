"""50 concurrent sign-ins with one nonce on PostgreSQL: exactly one succeeds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone
from eth_account.messages import encode_defunct

from accounts.models import User
from config.errors import DomainError
from tests.concurrency import race
from tests.factories import account_for
from wallets import services
from wallets.models import SiweNonce

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: the race on one nonce needs PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

N = 50


def test_of_50_concurrent_sign_ins_with_one_nonce_exactly_one_succeeds() -> None:
    alice = account_for("alice")
    issued = services.nonce_issue(address=alice.address)
    assert issued.message is not None
    signature = alice.sign_message(encode_defunct(text=issued.message)).signature.hex()

    results = race([lambda: services.siwe_login(message=issued.message, signature=signature)] * N)

    wins = [r for r in results if isinstance(r, services.SignIn)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1
    assert len(refusals) == N - 1
    assert {r.code for r in refusals} == {"nonce_used"}
    assert User.objects.filter(address=alice.address).count() == 1
    assert SiweNonce.objects.get(value=issued.nonce.value).used_at is not None


def test_one_wallet_signing_in_twice_at_once_gets_one_user() -> None:
    alice = account_for("alice")
    now = timezone.now()
    messages = [services.nonce_issue(address=alice.address).message for _ in range(10)]
    signed = [(m, alice.sign_message(encode_defunct(text=m)).signature.hex()) for m in messages if m]

    results = race([lambda m=m, s=s: services.siwe_login(message=m, signature=s, now=now) for m, s in signed])

    assert all(isinstance(r, services.SignIn) for r in results), results
    assert User.objects.filter(address=alice.address).count() == 1
    assert sum(r.created for r in results if isinstance(r, services.SignIn)) == 1
