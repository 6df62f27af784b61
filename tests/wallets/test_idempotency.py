"""Idempotency-Key on money-moving API requests: a retry replays the stored answer
and moves money once; another body with the key is refused; a duplicate while the
first runs gets 409; a crashed claim is taken over; a failed request frees the key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.models import Milestone, Project
from tests.concurrency import race
from tests.factories import token
from wallets import escrow, ledger, selectors
from wallets.idempotency import keys_purge, request_fingerprint
from wallets.models import Account, IdempotencyKey, LedgerTransaction, Withdrawal

USDC = 10**6

FAUCET = "/api/v1/wallet/faucet"


@pytest.fixture(autouse=True)
def _wallet_settings(settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    settings.WALLETS_FAUCET_MAX = "10000"
    settings.WALLETS_FEE_BPS = 250
    settings.WALLETS_PAYOUT_BACKEND = "ledger"
    settings.IDEMPOTENCY_STALE_SECONDS = 300


def available(user: User) -> int:
    return selectors.available_balance(user, token("USDC"))


def fund_url(project: Project) -> str:
    return f"/api/v1/milestones/{project.milestones.get(order=1).pk}/fund/"


def post(client: Any, path: str, data: Any = None, key: str | None = "key-1") -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, data if data is not None else {}, format="json", **headers)


pytestmark = pytest.mark.django_db


# --- replays --------------------------------------------------------------------


def test_a_replay_returns_the_identical_answer_and_moves_the_money_once(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    client = api_as(client_alice)

    first = post(client, fund_url(hired_project))
    second = post(client, fund_url(hired_project))

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert first.json()["status"] == "funded"
    assert available(client_alice) == 9_000 * USDC
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.FUND).count() == 1
    key = IdempotencyKey.objects.get()
    assert (key.status, key.response_status, key.completed_at is not None) == ("done", 200, True)


def test_a_replayed_faucet_call_keeps_its_201_and_credits_once(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)
    body = {"token": "USDC", "amount": "100"}

    first = post(client, FAUCET, body)
    second = post(client, FAUCET, body)

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert available(client_alice) == 100 * USDC


def test_a_replay_answers_the_original_result_even_after_the_state_moved_on(
    api_as: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    client = api_as(client_alice)
    first = post(client, fund_url(hired_project))
    escrow.milestone_submit(milestone=hired_project.milestones.get(order=1), actor=contributor_bob, note="Done")

    retry = post(client, fund_url(hired_project))
    without_key = post(client, fund_url(hired_project), key=None)

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.json()["status"] == "funded"
    assert without_key.status_code == 409
    assert without_key.json()["code"] == "already_funded"


def test_a_withdrawal_retried_with_its_key_is_paid_once(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    client = api_as(client_alice)
    body = {"token": "USDC", "amount": "2500"}

    responses = [post(client, "/api/v1/wallet/withdrawals/", body, key="payout-7") for _ in range(3)]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.content for r in responses}) == 1
    assert Withdrawal.objects.count() == 1
    assert available(client_alice) == 7_500 * USDC


def test_the_key_does_not_depend_on_the_order_of_the_body_fields(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)

    first = post(client, FAUCET, {"token": "USDC", "amount": "5"})
    second = client.post(
        FAUCET, '{"amount": "5", "token": "USDC"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-1"
    )

    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert available(client_alice) == 5 * USDC


def test_without_a_key_every_request_runs(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)

    for _ in range(2):
        assert post(client, FAUCET, {"token": "USDC", "amount": "5"}, key=None).status_code == 201

    assert available(client_alice) == 10 * USDC
    assert IdempotencyKey.objects.count() == 0


# --- refusals -------------------------------------------------------------------


def test_the_same_key_with_another_body_is_refused(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)
    post(client, FAUCET, {"token": "USDC", "amount": "5"})

    response = post(client, FAUCET, {"token": "USDC", "amount": "6"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["detail"].startswith("This Idempotency-Key was used for a different request")
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert available(client_alice) == 5 * USDC


def test_the_same_key_on_another_endpoint_is_refused(api_as: Any, hired_project: Project, client_alice: User) -> None:
    client = api_as(client_alice)
    post(client, fund_url(hired_project))

    response = post(client, "/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": "1"})

    assert response.status_code == 422
    assert Withdrawal.objects.count() == 0


def test_a_key_still_in_progress_is_refused_with_409(api_as: Any, hired_project: Project, client_alice: User) -> None:
    path = fund_url(hired_project)
    IdempotencyKey.objects.create(user=client_alice, key="key-1", request_hash=request_fingerprint("POST", path, {}))

    response = post(api_as(client_alice), path)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert available(client_alice) == 10_000 * USDC
    assert IdempotencyKey.objects.get().status == IdempotencyKey.Status.IN_PROGRESS


def test_a_stale_claim_of_a_crashed_request_is_taken_over(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    path = fund_url(hired_project)
    crashed_at = timezone.now() - timedelta(seconds=301)
    IdempotencyKey.objects.create(
        user=client_alice, key="key-1", request_hash=request_fingerprint("POST", path, {}), created_at=crashed_at
    )

    response = post(api_as(client_alice), path)

    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert available(client_alice) == 9_000 * USDC
    key = IdempotencyKey.objects.get()
    assert key.status == IdempotencyKey.Status.DONE
    assert key.created_at > crashed_at


def test_a_stale_claim_for_another_request_is_still_refused(api_as: Any, client_alice: User) -> None:
    IdempotencyKey.objects.create(
        user=client_alice,
        key="key-1",
        request_hash=request_fingerprint("POST", FAUCET, {"token": "USDC", "amount": "1"}),
        created_at=timezone.now() - timedelta(hours=1),
    )

    response = post(api_as(client_alice), FAUCET, {"token": "USDC", "amount": "2"})

    assert response.status_code == 422


def test_a_failed_request_frees_its_key_for_the_retry(
    api_as: Any, client_alice: User, contributor_bob: User, hired_project: Project
) -> None:
    client = api_as(client_alice)
    mainnet = hired_project.milestones.get(order=2)
    path = f"/api/v1/milestones/{mainnet.pk}/fund/"
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)
    post(
        client, "/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": "6000"}, key="drain"
    )  # 3,000 left: short of 4,000

    refused = post(client, path, key="fund-mainnet")

    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_funds"
    assert not IdempotencyKey.objects.filter(key="fund-mainnet").exists()

    post(client, FAUCET, {"token": "USDC", "amount": "1000"}, key="top-up")
    retried = post(client, path, key="fund-mainnet")

    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried
    assert retried.json()["status"] == "funded"
    assert available(client_alice) == 0


def test_invalid_input_frees_the_key_too(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)

    assert post(client, FAUCET, {"token": "USDC", "amount": 1.5}).status_code == 400
    assert post(client, FAUCET, {"token": "USDC", "amount": "1.5"}).status_code == 201


def test_a_forbidden_request_with_a_key_moves_nothing_and_stores_nothing(
    api_as: Any, hired_project: Project, contributor_bob: User, client_alice: User
) -> None:
    response = post(api_as(contributor_bob), fund_url(hired_project))

    assert response.status_code == 403
    assert IdempotencyKey.objects.count() == 0
    assert available(client_alice) == 10_000 * USDC


def test_keys_belong_to_their_user(api_as: Any, client_alice: User, contributor_bob: User) -> None:
    body = {"token": "USDC", "amount": "7"}

    alice = post(api_as(client_alice), FAUCET, body, key="shared-key")
    bob = post(api_as(contributor_bob), FAUCET, body, key="shared-key")

    assert alice.status_code == bob.status_code == 201
    assert "Idempotent-Replayed" not in bob
    assert available(client_alice) == available(contributor_bob) == 7 * USDC
    assert IdempotencyKey.objects.filter(key="shared-key").count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_malformed_key_is_refused(api_as: Any, client_alice: User, key: str) -> None:
    response = post(api_as(client_alice), FAUCET, {"token": "USDC", "amount": "1"}, key=key)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert response.json()["errors"] == {
        "Idempotency-Key": ["The Idempotency-Key header must be 1 to 255 printable ASCII characters, e.g. a UUID."]
    }
    assert available(client_alice) == 0


@pytest.mark.parametrize("key", ["a", "x" * 255, "3f2b8c1e-8d4a-4b7e-9a55-0c1d2e3f4a5b", "order 42/retry:#1"])
def test_any_printable_ascii_key_up_to_255_characters_is_accepted(api_as: Any, client_alice: User, key: str) -> None:
    response = post(api_as(client_alice), FAUCET, {"token": "USDC", "amount": "1"}, key=key)

    assert response.status_code == 201
    assert IdempotencyKey.objects.get().key == key


# --- every money endpoint takes the key -----------------------------------------


def test_every_escrow_step_replays_with_its_key(
    api_as: Any, hired_project: Project, client_alice: User, contributor_bob: User, moderator: User
) -> None:
    alice, bob = api_as(client_alice), api_as(contributor_bob)
    first, second = hired_project.milestones.order_by("order")
    m1 = f"/api/v1/milestones/{first.pk}/"
    m2 = f"/api/v1/milestones/{second.pk}/"
    steps: list[tuple[Any, str, dict[str, Any], int]] = [
        (alice, m1 + "fund/", {}, 200),
        (bob, m1 + "submit/", {"note": "Done"}, 200),
        (alice, m1 + "request-changes/", {"feedback": "More tests"}, 200),
        (bob, m1 + "submit/", {"note": "Tests added"}, 200),
        (alice, m1 + "approve/", {"amount": "500", "note": "Half"}, 200),
        (bob, m1 + "accept-partial/", {"amount": "500"}, 200),
        (alice, m2 + "fund/", {}, 200),
        (alice, m2 + "refund/", {"reason": "Cancelled"}, 200),
    ]
    for number, (client, path, body, status) in enumerate(steps):
        key = f"step-{number}"
        first_response = post(client, path, body, key=key)
        replay = post(client, path, body, key=key)
        assert first_response.status_code == replay.status_code == status, (path, first_response.json())
        assert replay.content == first_response.content, path
        assert replay["Idempotent-Replayed"] == "true"

    # 500 released (487.5 to Bob, 12.5 fee), 500 and the whole 4,000 back to Alice.
    assert available(contributor_bob) == 487_500_000
    assert available(client_alice) == 9_500 * USDC
    assert ledger.fees_account(token("USDC")).balance == 12_500_000


def test_a_dispute_and_its_resolution_replay_with_their_keys(
    api_as: Any, hired_project: Project, client_alice: User, contributor_bob: User, moderator: User
) -> None:
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=client_alice)
    bob, mod = api_as(contributor_bob), api_as(moderator)
    opened = post(bob, f"/api/v1/milestones/{milestone.pk}/dispute/", {"reason": "Silence"}, key="d")
    assert post(bob, f"/api/v1/milestones/{milestone.pk}/dispute/", {"reason": "Silence"}, key="d").content == (
        opened.content
    )
    assert opened.status_code == 201
    path = f"/api/v1/disputes/{opened.json()['id']}/resolve/"
    body = {"to_contributor": "1000", "to_client": "0", "resolution": "Delivered"}

    resolved = post(mod, path, body, key="r")
    replay = post(mod, path, body, key="r")

    assert resolved.status_code == replay.status_code == 200
    assert replay.content == resolved.content
    assert available(contributor_bob) == 975 * USDC


def test_keys_purge_forgets_old_keys_only(api_as: Any, client_alice: User) -> None:
    client = api_as(client_alice)
    post(client, FAUCET, {"token": "USDC", "amount": "1"}, key="old")
    post(client, FAUCET, {"token": "USDC", "amount": "1"}, key="new")
    IdempotencyKey.objects.filter(key="old").update(completed_at=timezone.now() - timedelta(days=2))

    assert keys_purge(older_than=timedelta(days=1)) == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


# --- concurrent duplicates, on PostgreSQL ---------------------------------------


def _client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _in_thread(call: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``call`` in a thread (with its own connection); returns a function
    that waits for its result."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def wait() -> Any:
        thread.join(timeout=30)
        return result["value"]

    return wait


class TestOnPostgreSQL:
    """Real concurrent requests, each thread with its own connection."""

    pytestmark = [
        pytest.mark.postgres,
        pytest.mark.skipif(
            connection.vendor != "postgresql",
            reason="select_for_update is a no-op on SQLite: race tests need PostgreSQL (set DATABASE_URL)",
        ),
        # serialized_rollback restores the rows the migrations create (tokens) that
        # the flush after each transactional test removes.
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]

    def test_a_duplicate_sent_while_the_first_runs_gets_409_and_the_retry_after_it_the_answer(
        self, hired_project: Project, client_alice: User
    ) -> None:
        path = fund_url(hired_project)
        account = ledger.available_account(client_alice, token("USDC"))

        # Hold Alice's account row: the first request claims its key, then waits
        # for that lock inside the ledger while its claim is in progress.
        with transaction.atomic():
            Account.objects.select_for_update().get(pk=account.pk)
            first = _in_thread(lambda: post(_client_for(client_alice), path))
            _wait_for(lambda: IdempotencyKey.objects.filter(key="key-1").exists())
            duplicate = _in_thread(lambda: post(_client_for(client_alice), path))()
        original = first()

        assert duplicate.status_code == 409
        assert duplicate.json()["code"] == "idempotency_key_in_progress"
        assert original.status_code == 200
        retry = post(_client_for(client_alice), path)
        assert retry.status_code == 200
        assert retry["Idempotent-Replayed"] == "true"
        assert retry.content == original.content
        assert available(client_alice) == 9_000 * USDC

    def test_a_slow_request_whose_claim_was_taken_over_moves_no_money(
        self, hired_project: Project, client_alice: User
    ) -> None:
        path = fund_url(hired_project)
        account = ledger.available_account(client_alice, token("USDC"))
        stale = timezone.now() - timedelta(seconds=301)

        with transaction.atomic():
            Account.objects.select_for_update().get(pk=account.pk)
            first = _in_thread(lambda: post(_client_for(client_alice), path))
            _wait_for(lambda: IdempotencyKey.objects.filter(key="key-1").exists())
            # The first request now looks crashed: its claim is past the stale limit.
            _in_thread(lambda: IdempotencyKey.objects.filter(key="key-1").update(created_at=stale))()
            retry = _in_thread(lambda: post(_client_for(client_alice), path))
            _wait_for(lambda: IdempotencyKey.objects.get(key="key-1").created_at > stale)
        slow, taker = first(), retry()

        assert slow.status_code == 409
        assert slow.json()["code"] == "idempotency_key_in_progress"
        assert taker.status_code == 200
        assert taker.json()["status"] == "funded"
        assert available(client_alice) == 9_000 * USDC
        assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.FUND).count() == 1
        assert IdempotencyKey.objects.get().status == IdempotencyKey.Status.DONE

    def test_concurrent_duplicates_move_the_money_once(self, hired_project: Project, client_alice: User) -> None:
        path = fund_url(hired_project)
        n = 12

        responses = race([lambda: post(_client_for(client_alice), path) for _ in range(n)])

        originals = [r for r in responses if r.status_code == 200 and "Idempotent-Replayed" not in r]
        replays = [r for r in responses if r.status_code == 200 and "Idempotent-Replayed" in r]
        in_progress = [r for r in responses if r.status_code == 409]
        assert len(originals) == 1
        assert len(replays) + len(in_progress) == n - 1
        assert all(r.content == originals[0].content for r in replays)
        assert all(r.json()["code"] == "idempotency_key_in_progress" for r in in_progress)
        assert available(client_alice) == 9_000 * USDC
        assert Milestone.objects.get(pk=hired_project.milestones.get(order=1).pk).status == "funded"
        assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.FUND).count() == 1
