"""Sign-In with Ethereum through the API, with real signatures from eth-account.

Every rejection code, replay, a nonce issued to another session, a lowercase
address from the wallet turned into a successful sign-in, bearer tokens, logout.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from eth_account import Account
from eth_account.messages import encode_defunct
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import account_for
from wallets import siwe
from wallets.models import ApiToken, SiweNonce

pytestmark = pytest.mark.django_db

ALICE = account_for("alice")
EVE = account_for("eve")


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()


def sign(account: Any, message: str) -> str:
    return "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")


def get_nonce(client: APIClient, address: str | None = None) -> dict[str, Any]:
    response = client.get("/api/v1/auth/nonce", {"address": address} if address else {})
    assert response.status_code == 200, response.content
    return response.json()


def message_for(nonce: dict[str, Any], account: Any = ALICE, **changes: Any) -> str:
    """The site's own message for ``nonce``, with ``changes`` to break one rule."""
    fields: dict[str, Any] = {
        "domain": nonce["domain"],
        "address": account.address,
        "uri": nonce["uri"],
        "chain_id": nonce["chain_id"],
        "nonce": nonce["nonce"],
        "issued_at": timezone.now().replace(microsecond=0),
        "statement": nonce["statement"],
    }
    fields.update(changes)
    return siwe.build_message(**fields)


def login(client: APIClient, message: str, signature: str) -> Any:
    return client.post("/api/v1/auth/login", {"message": message, "signature": signature}, format="json")


def test_the_nonce_endpoint_gives_everything_needed_to_build_the_message() -> None:
    body = get_nonce(APIClient())

    assert len(body["nonce"]) >= 16
    assert body["nonce"].isalnum()
    assert body["domain"] == settings.SITE_DOMAIN
    assert body["uri"] == f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}"
    assert body["chain_id"] == settings.SIWE_CHAIN_IDS[0]
    assert body["chain_ids"] == settings.SIWE_CHAIN_IDS
    assert body["statement"] == settings.SIWE_STATEMENT
    assert body["message"] is None
    assert SiweNonce.objects.get(value=body["nonce"]).used_at is None


def test_nonces_are_unique_and_expire_within_five_minutes() -> None:
    client = APIClient()
    bodies = [get_nonce(client) for _ in range(5)]

    assert len({b["nonce"] for b in bodies}) == 5
    nonce = SiweNonce.objects.get(value=bodies[0]["nonce"])
    assert nonce.expires_at - nonce.issued_at <= timedelta(minutes=5)


def test_a_lowercase_wallet_address_becomes_a_successful_sign_in() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address.lower())

    assert body["address"] == ALICE.address
    assert ALICE.address in body["message"]
    response = login(client, body["message"], sign(ALICE, body["message"]))

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["user"]["address"] == ALICE.address
    assert data["created"] is True
    assert data["redirect"] == "/accounts/welcome/"
    assert User.objects.get(address=ALICE.address)


def test_the_token_works_expires_and_is_stored_hashed() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    token = login(client, body["message"], sign(ALICE, body["message"])).json()["token"]

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me/").json()["address"] == ALICE.address
    stored = ApiToken.objects.get()
    assert token not in {stored.key_hash, stored.prefix}
    assert len(token) >= 3 + 43  # "ww_" + 32 random bytes in base64url

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get("/api/v1/me/")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_an_anonymous_api_call_gets_401_with_a_bearer_challenge() -> None:
    response = APIClient().get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_browser_session_is_logged_in_with_a_rotated_session_key() -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    body = get_nonce(client, ALICE.address)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(
        "/api/v1/auth/login",
        {"message": body["message"], "signature": sign(ALICE, body["message"])},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 200, response.json()
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.cookies["csrftoken"].value != csrf
    assert client.get("/api/v1/me/").json()["address"] == ALICE.address


def test_a_browser_login_without_the_csrf_token_is_refused_and_writes_nothing() -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    body = get_nonce(client, ALICE.address)

    response = login(client, body["message"], sign(ALICE, body["message"]))

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not User.objects.filter(address=ALICE.address).exists()
    assert SiweNonce.objects.get(value=body["nonce"]).used_at is None


def test_a_cross_site_origin_cannot_drive_the_login() -> None:
    client = APIClient(enforce_csrf_checks=True)
    body = get_nonce(client, ALICE.address)

    response = client.post(
        "/api/v1/auth/login",
        {"message": body["message"], "signature": sign(ALICE, body["message"])},
        format="json",
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert not User.objects.exists()


def test_a_replayed_message_is_refused_as_nonce_used() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    signature = sign(ALICE, body["message"])
    assert login(client, body["message"], signature).status_code == 200

    replay = login(APIClient(), body["message"], signature)

    assert replay.status_code == 401
    assert replay.json()["code"] == "nonce_used"
    assert ApiToken.objects.count() == 1


def test_a_nonce_issued_to_another_browser_session_is_refused() -> None:
    victim = APIClient()
    victim.get("/accounts/login/")
    body = get_nonce(victim, ALICE.address)  # bound to the victim's session

    attacker = APIClient()
    attacker.get("/accounts/login/")
    response = attacker.post(
        "/api/v1/auth/login",
        {"message": body["message"], "signature": sign(ALICE, body["message"])},
        format="json",
        HTTP_X_CSRFTOKEN=attacker.cookies["csrftoken"].value,
    )

    assert response.status_code == 401
    assert response.json()["code"] == "nonce_session_mismatch"
    assert SiweNonce.objects.get(value=body["nonce"]).used_at is None


def test_a_nonce_prepared_for_another_address_is_refused() -> None:
    client = APIClient()
    body = get_nonce(client, EVE.address)
    message = message_for(body, ALICE)

    response = login(client, message, sign(ALICE, message))

    assert response.json()["code"] == "nonce_address_mismatch"


def test_an_unknown_nonce_is_refused() -> None:
    body = get_nonce(APIClient())
    message = message_for({**body, "nonce": "unknownNonce1234567890"})

    response = login(APIClient(), message, sign(ALICE, message))

    assert response.status_code == 401
    assert response.json()["code"] == "nonce_unknown"


def test_an_expired_nonce_is_refused() -> None:
    client = APIClient()
    body = get_nonce(client)
    message = message_for(body)
    SiweNonce.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = login(client, message, sign(ALICE, message))

    assert response.json()["code"] == "nonce_expired"


@pytest.mark.parametrize(
    ("changes", "code", "status"),
    [
        ({"domain": "evil.example"}, "domain_mismatch", 401),
        ({"uri": "https://evil.example/login"}, "uri_mismatch", 401),
        ({"chain_id": 56}, "chain_mismatch", 401),
        ({"statement": "Sign in to a totally different site."}, "statement_mismatch", 401),
        ({"issued_at": timedelta(minutes=-10)}, "stale_issued_at", 401),
        ({"issued_at": timedelta(minutes=5)}, "future_issued_at", 401),
        ({"expiration_time": timedelta(minutes=-1)}, "expired", 401),
        ({"not_before": timedelta(minutes=5)}, "not_yet_valid", 401),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_each_field_rule_has_its_rejection_code(changes: dict[str, Any], code: str, status: int) -> None:
    # Times are offsets from now, taken when the test runs (not when it was collected,
    # which may be many minutes earlier in a long run).
    now = timezone.now()
    changes = {k: now + v if isinstance(v, timedelta) else v for k, v in changes.items()}
    client = APIClient()
    body = get_nonce(client)
    message = message_for(body, **changes)

    response = login(client, message, sign(ALICE, message))

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"].endswith((".", "!"))
    assert not User.objects.exists()
    assert SiweNonce.objects.get(value=body["nonce"]).used_at is None


def test_a_signature_by_another_key_is_bad_signature_and_consumes_nothing() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)

    response = login(client, body["message"], sign(EVE, body["message"]))

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert SiweNonce.objects.get(value=body["nonce"]).used_at is None
    # The honest signature still works afterwards: a failed attempt burns nothing.
    assert login(client, body["message"], sign(ALICE, body["message"])).status_code == 200


def test_a_malformed_signature_is_a_400() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)

    response = login(client, body["message"], "not-hex")

    assert response.status_code == 400
    assert "signature" in response.json()["errors"]


def test_a_message_with_a_non_checksummed_address_is_invalid_address() -> None:
    client = APIClient()
    body = get_nonce(client)
    message = message_for(body).replace(ALICE.address, ALICE.address.lower())

    response = login(client, message, sign(ALICE, message))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_address"


def test_garbage_is_invalid_message() -> None:
    response = login(APIClient(), "hello, sign me in", sign(ALICE, "hello, sign me in"))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_message"


def test_a_malformed_address_on_the_nonce_endpoint_is_a_400() -> None:
    response = APIClient().get("/api/v1/auth/nonce", {"address": "0x123"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_address"


def test_the_second_sign_in_finds_the_same_user() -> None:
    for expected_created in (True, False):
        client = APIClient()
        body = get_nonce(client, ALICE.address)
        data = login(client, body["message"], sign(ALICE, body["message"])).json()
        assert data["created"] is expected_created
    assert User.objects.count() == 1


def test_a_deactivated_user_cannot_sign_in() -> None:
    User.objects.create_user(ALICE.address, is_active=False)
    client = APIClient()
    body = get_nonce(client, ALICE.address)

    response = login(client, body["message"], sign(ALICE, body["message"]))

    assert response.status_code == 403
    assert response.json()["code"] == "inactive"


def test_tokens_are_listed_created_and_revoked_by_their_owner_only() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    token = login(client, body["message"], sign(ALICE, body["message"])).json()["token"]
    alice = APIClient()
    alice.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    created = alice.post("/api/v1/auth/tokens/", {"name": "my script"}, format="json")
    assert created.status_code == 201
    script_token = created.json()["token"]
    listed = alice.get("/api/v1/auth/tokens/").json()
    assert {t["name"] for t in listed} >= {"my script"}
    assert all("token" not in t and "key_hash" not in t for t in listed)

    mallory = User.objects.create_user(Account.create().address)
    other = APIClient()
    other.force_authenticate(mallory)
    assert other.delete(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 404

    assert alice.delete(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 204
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {script_token}")
    revoked = script.get("/api/v1/me/")
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["detail"]


def test_logout_with_a_bearer_token_revokes_it() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    token = login(client, body["message"], sign(ALICE, body["message"])).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert api.post("/api/v1/auth/logout").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_logout_of_a_browser_session_ends_it_and_revokes_its_token() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    token = login(client, body["message"], sign(ALICE, body["message"])).json()["token"]

    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert token


def test_login_attempts_are_rate_limited_per_address() -> None:
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "siwe_login": "3/min"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates)
        codes = []
        for index in range(5):
            # Different IPs, one address: only the per-address limit can stop it.
            client = APIClient(REMOTE_ADDR=f"10.0.0.{index + 1}")
            body = get_nonce(client, ALICE.address)
            codes.append(login(client, body["message"], sign(EVE, body["message"])).status_code)

    assert codes == [401, 401, 401, 429, 429]


def test_nonces_are_rate_limited_per_ip() -> None:
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "siwe_nonce": "2/min"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates)
        client = APIClient()
        statuses = [client.get("/api/v1/auth/nonce").status_code for _ in range(3)]
        other_ip = APIClient(REMOTE_ADDR="10.9.9.9").get("/api/v1/auth/nonce").status_code

    assert statuses == [200, 200, 429]
    assert other_ip == 200


def test_signing_out_through_the_web_form_revokes_the_sessions_token() -> None:
    client = APIClient()
    body = get_nonce(client, ALICE.address)
    token = login(client, body["message"], sign(ALICE, body["message"])).json()["token"]

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me/").status_code == 401
