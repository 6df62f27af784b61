"""wallets.payouts: the faucet, withdrawals (ledger backend, destination checks,
failures reversed), chain deposits credited once, and one payout pass."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from config.errors import DomainError
from marketplace.models import Project
from notifications.models import Notification
from tests.factories import UserFactory, account_for, token
from tests.wallets.payout_doubles import ConfirmingBackend, NoContractBackend, PendingBackend, install
from wallets import payouts
from wallets.models import Account, AuditEvent, Deposit, LedgerTransaction, Token, Withdrawal

pytestmark = pytest.mark.django_db

USDC = 10**6
Kind = LedgerTransaction.Kind
TX = "0x" + "ab" * 32


@pytest.fixture
def usdc() -> Token:
    return token("USDC")


@pytest.fixture
def alice_funded(hired_project: Project, client_alice: User) -> User:
    """Alice with 10,000 USDC from the faucet."""
    return client_alice


def available(user: User, symbol: str = "USDC") -> int:
    account = Account.objects.filter(kind=Account.Kind.AVAILABLE, owner=user, token__symbol=symbol).first()
    return account.balance if account else 0


def external(symbol: str = "USDC") -> int:
    account = Account.objects.filter(kind=Account.Kind.EXTERNAL, token__symbol=symbol).first()
    return account.balance if account else 0


def money() -> tuple[int, int, dict[int, int]]:
    return (
        LedgerTransaction.objects.count(),
        Withdrawal.objects.count(),
        {pk: balance for pk, balance in Account.objects.values_list("pk", "balance") if balance},
    )


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def last_audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def miscased(address: str) -> str:
    """``address`` with the case of its first letter flipped: a broken EIP-55 checksum."""
    body = address[2:]
    i = next(i for i, c in enumerate(body) if c.isalpha())
    return "0x" + body[:i] + body[i].swapcase() + body[i + 1 :]


# --- faucet -----------------------------------------------------------------------


def test_the_faucet_credits_test_tokens(contributor_bob: User, usdc: Token) -> None:
    record = payouts.faucet(user=contributor_bob, token=usdc, amount=500 * USDC)

    assert available(contributor_bob) == 500 * USDC
    assert external() == -500 * USDC
    assert (record.kind, record.actor_id) == (Kind.FAUCET, contributor_bob.pk)
    event = last_audit("wallet.faucet")
    assert (event.actor_id, event.target_id, event.after) == (
        contributor_bob.pk,
        record.pk,
        {"amount": "500", "token": "USDC"},
    )


def test_the_faucet_gives_at_most_its_limit(contributor_bob: User, usdc: Token, settings: Any) -> None:
    payouts.faucet(user=contributor_bob, token=usdc, amount=10_000 * USDC)
    before = money()

    error = refusal(lambda: payouts.faucet(user=contributor_bob, token=usdc, amount=10_000 * USDC + 1))

    assert (error.code, error.field, error.status_code) == ("faucet_limit", "amount", 400)
    assert error.message == "The faucet gives at most 10,000 USDC at a time."
    assert money() == before
    settings.WALLETS_FAUCET_MAX = "0.5"
    assert refusal(lambda: payouts.faucet(user=contributor_bob, token=usdc, amount=USDC // 2 + 1)).code == (
        "faucet_limit"
    )


def test_a_disabled_faucet_refuses(contributor_bob: User, usdc: Token, settings: Any) -> None:
    settings.WALLETS_FAUCET = False

    error = refusal(lambda: payouts.faucet(user=contributor_bob, token=usdc, amount=1))

    assert (error.code, error.status_code) == ("faucet_disabled", 403)
    assert available(contributor_bob) == 0
    assert not LedgerTransaction.objects.exists()


def test_the_faucet_refuses_an_inactive_token(contributor_bob: User, usdc: Token) -> None:
    usdc.is_active = False
    usdc.save()

    error = refusal(lambda: payouts.faucet(user=contributor_bob, token=usdc, amount=1))

    assert (error.code, error.field) == ("token_inactive", "token")


def test_the_faucet_never_gives_a_token_that_exists_on_chain(contributor_bob: User, usdc: Token) -> None:
    usdc.contract_address = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"
    usdc.save()

    error = refusal(lambda: payouts.faucet(user=contributor_bob, token=usdc, amount=1))

    assert (error.code, error.status_code) == ("faucet_onchain_token", 403)
    assert available(contributor_bob) == 0


@pytest.mark.parametrize("amount", [0, -5 * USDC])
def test_the_faucet_refuses_a_zero_or_negative_amount(alice_funded: User, usdc: Token, amount: int) -> None:
    """Zero would be an empty (unbalanced) transaction and a negative amount a
    transfer from the user to the outside: both are invalid input, nothing moves.
    (Found with this test: the faucet took 5 USDC of Alice's for -5.)"""
    before = money()

    error = refusal(lambda: payouts.faucet(user=alice_funded, token=usdc, amount=amount))

    assert (error.code, error.field, error.status_code) == ("invalid_amount", "amount", 400)
    assert money() == before


# --- withdrawals with the ledger backend ----------------------------------------


def test_a_withdrawal_with_the_ledger_backend_is_paid_at_once(alice_funded: User, usdc: Token, inbox: Any) -> None:
    withdrawal = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=250 * USDC)

    stored = Withdrawal.objects.get(pk=withdrawal.pk)
    assert stored.status == Withdrawal.Status.CONFIRMED
    assert stored.settled_at is not None
    assert (stored.amount, stored.to_address, stored.backend, stored.chain_id) == (
        250 * USDC,
        alice_funded.address,
        "ledger",
        usdc.chain_id,
    )
    assert available(alice_funded) == 9_750 * USDC
    assert external() == -9_750 * USDC
    record = stored.ledger_transaction
    assert (record.kind, record.actor_id) == (Kind.WITHDRAWAL, alice_funded.pk)
    assert inbox(alice_funded) == ["withdrawal_confirmed"]
    notification = Notification.objects.get(recipient=alice_funded)
    assert notification.title == "Your withdrawal of 250 USDC is paid"
    event = last_audit("withdrawal.request")
    assert (event.actor_id, event.target_id, event.after["amount"], event.after["status"]) == (
        alice_funded.pk,
        withdrawal.pk,
        "250",
        "confirmed",
    )


def test_a_withdrawal_beyond_the_balance_is_refused_and_nothing_is_written(
    alice_funded: User, usdc: Token, inbox: Any
) -> None:
    before = money()

    error = refusal(lambda: payouts.withdrawal_request(user=alice_funded, token=usdc, amount=10_000 * USDC + 1))

    assert (error.code, error.status_code) == ("insufficient_funds", 409)
    assert money() == before
    assert inbox(alice_funded) == []


def test_the_whole_balance_can_be_withdrawn(alice_funded: User, usdc: Token) -> None:
    payouts.withdrawal_request(user=alice_funded, token=usdc, amount=10_000 * USDC)

    assert available(alice_funded) == 0
    assert external() == 0


@pytest.mark.parametrize("amount", [0, -1])
def test_a_withdrawal_of_zero_or_less_is_refused_as_invalid_input(alice_funded: User, usdc: Token, amount: int) -> None:
    """Refused before anything is posted, as a 400 naming the field. (Found with
    this test: zero raised a bare UnbalancedError and a negative amount was only
    stopped by the withdrawal_amount_positive constraint after the ledger had
    credited the user, both 500s.)"""
    before = money()

    error = refusal(lambda: payouts.withdrawal_request(user=alice_funded, token=usdc, amount=amount))

    assert (error.code, error.field, error.status_code) == ("invalid_amount", "amount", 400)
    assert money() == before


def test_what_is_held_in_an_inactive_token_can_still_be_withdrawn(alice_funded: User, usdc: Token) -> None:
    usdc.is_active = False
    usdc.save()

    withdrawal = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)

    assert withdrawal.status == Withdrawal.Status.CONFIRMED
    assert available(alice_funded) == 9_999 * USDC


def test_a_token_the_backend_cannot_pay_is_refused(
    alice_funded: User, usdc: Token, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    install(monkeypatch, settings, NoContractBackend)
    before = money()

    error = refusal(lambda: payouts.withdrawal_request(user=alice_funded, token=usdc, amount=1))

    assert (error.code, error.field, error.message) == (
        "token_not_withdrawable",
        "token",
        "USDC has no contract on this chain.",
    )
    assert money() == before


# --- destinations -------------------------------------------------------------------


def test_the_destination_defaults_to_the_users_own_address(alice_funded: User, usdc: Token) -> None:
    for blank in ("", "   "):
        withdrawal = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=1, to_address=blank)
        assert withdrawal.to_address == alice_funded.address


def test_a_lowercase_or_uppercase_destination_is_accepted_and_stored_checksummed(
    alice_funded: User, usdc: Token
) -> None:
    target = account_for("cold-wallet").address

    lower = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=1, to_address=target.lower())
    upper = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=1, to_address="0x" + target[2:].upper())
    exact = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=1, to_address=f" {target} ")

    assert lower.to_address == upper.to_address == exact.to_address == target


@pytest.mark.parametrize(
    ("to_address", "code"),
    [
        pytest.param(miscased(account_for("cold-wallet").address), "bad_checksum", id="bad-checksum"),
        pytest.param("not an address", "invalid_address", id="text"),
        pytest.param("0x1234", "invalid_address", id="short"),
        pytest.param("0x" + "g" * 40, "invalid_address", id="not-hex"),
        pytest.param(account_for("cold-wallet").address[2:], "invalid_address", id="no-0x"),
    ],
)
def test_a_bad_destination_is_refused_and_nothing_is_debited(
    alice_funded: User, usdc: Token, to_address: str, code: str
) -> None:
    before = money()

    error = refusal(
        lambda: payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC, to_address=to_address)
    )

    assert (error.code, error.field, error.status_code) == (code, "to_address", 400)
    assert money() == before


# --- a withdrawal that fails --------------------------------------------------------


@pytest.fixture
def pending(alice_funded: User, usdc: Token, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Withdrawal:
    """A 250 USDC withdrawal of Alice's that the backend has not paid yet."""
    install(monkeypatch, settings, PendingBackend)
    return payouts.withdrawal_request(user=alice_funded, token=usdc, amount=250 * USDC)


def test_a_pending_withdrawal_holds_the_debit_and_tells_nobody_yet(
    pending: Withdrawal, alice_funded: User, inbox: Any
) -> None:
    assert Withdrawal.objects.get(pk=pending.pk).status == Withdrawal.Status.PENDING
    assert pending.backend == "test-pending"
    assert available(alice_funded) == 9_750 * USDC
    assert inbox(alice_funded) == []


def test_a_failed_withdrawal_is_reversed_and_the_user_told(pending: Withdrawal, alice_funded: User, inbox: Any) -> None:
    failed = payouts.withdrawal_fail(withdrawal=pending, reason="The node dropped the transaction.")

    assert failed.status == Withdrawal.Status.FAILED
    assert failed.failure_reason == "The node dropped the transaction."
    assert failed.settled_at is not None
    reversal = failed.reversal_transaction
    assert reversal is not None
    assert (reversal.kind, reversal.reverses_id) == (Kind.REVERSAL, pending.ledger_transaction_id)
    assert available(alice_funded) == 10_000 * USDC
    assert external() == -10_000 * USDC
    assert inbox(alice_funded) == ["withdrawal_failed"]
    notification = Notification.objects.get(recipient=alice_funded)
    assert notification.title == "Your withdrawal of 250 USDC failed"
    assert notification.body.startswith("The node dropped the transaction.")
    event = last_audit("withdrawal.fail")
    assert (event.actor_id, event.before["status"], event.after["status"]) == (None, "pending", "failed")


def test_a_sent_withdrawal_can_still_fail(pending: Withdrawal, alice_funded: User) -> None:
    Withdrawal.objects.filter(pk=pending.pk).update(status=Withdrawal.Status.SENT, tx_hash=TX)

    payouts.withdrawal_fail(withdrawal=pending, reason="Reverted on chain.")

    assert available(alice_funded) == 10_000 * USDC


def test_a_withdrawal_fails_once(pending: Withdrawal, alice_funded: User) -> None:
    payouts.withdrawal_fail(withdrawal=pending, reason="Dropped.")
    before = money()

    error = refusal(lambda: payouts.withdrawal_fail(withdrawal=pending, reason="Dropped again."))

    assert (error.code, error.status_code) == ("settled", 409)
    assert money() == before
    assert available(alice_funded) == 10_000 * USDC


def test_a_paid_withdrawal_cannot_fail(alice_funded: User, usdc: Token) -> None:
    withdrawal = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)

    error = refusal(lambda: payouts.withdrawal_fail(withdrawal=withdrawal, reason="Too late."))

    assert error.code == "settled"
    assert available(alice_funded) == 9_999 * USDC


def test_a_withdrawal_fails_and_is_reversed_after_the_rest_was_spent(
    pending: Withdrawal, alice_funded: User, usdc: Token
) -> None:
    payouts.withdrawal_request(user=alice_funded, token=usdc, amount=9_750 * USDC)
    assert available(alice_funded) == 0

    payouts.withdrawal_fail(withdrawal=pending, reason="Dropped.")

    assert available(alice_funded) == 250 * USDC


def test_a_new_withdrawal_is_sent_after_commit_and_a_backend_error_is_only_logged(
    alice_funded: User,
    usdc: Token,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    install(monkeypatch, settings, ConfirmingBackend)
    with django_capture_on_commit_callbacks(execute=True):
        paid = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)
    assert Withdrawal.objects.get(pk=paid.pk).status == Withdrawal.Status.CONFIRMED

    monkeypatch.setattr(ConfirmingBackend, "failing", {paid.pk + 1})
    with caplog.at_level(logging.ERROR, logger="wallets.payouts"), django_capture_on_commit_callbacks(execute=True):
        stuck = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)

    assert stuck.pk == paid.pk + 1
    assert Withdrawal.objects.get(pk=stuck.pk).status == Withdrawal.Status.PENDING
    assert f"Withdrawal {stuck.pk} could not be processed now" in caplog.text
    assert available(alice_funded) == 9_998 * USDC


# --- deposits -----------------------------------------------------------------------


def record_deposit(tok: Token, sender: str, amount: int, *, tx_hash: str = TX, log_index: int = 0) -> Deposit | None:
    return payouts.deposit_record(
        token=tok, tx_hash=tx_hash, log_index=log_index, block_number=1_234, from_address=sender, amount=amount
    )


def test_a_deposit_is_credited_once(contributor_bob: User, usdc: Token, inbox: Any) -> None:
    deposit = record_deposit(usdc, contributor_bob.address.lower(), 500 * USDC, tx_hash=TX.upper().replace("0X", "0x"))

    assert deposit is not None
    assert (deposit.status, deposit.user_id, deposit.tx_hash, deposit.from_address) == (
        Deposit.Status.CREDITED,
        contributor_bob.pk,
        TX,
        contributor_bob.address,
    )
    assert deposit.ledger_transaction is not None
    assert Deposit.objects.get(pk=deposit.pk).ledger_transaction_id == deposit.ledger_transaction.pk
    assert (deposit.ledger_transaction.kind, deposit.ledger_transaction.actor_id) == (Kind.DEPOSIT, None)
    assert available(contributor_bob) == 500 * USDC
    assert inbox(contributor_bob) == ["deposit_credited"]
    assert last_audit("deposit.credit").after == {"amount": "500", "token": "USDC", "tx_hash": TX}
    before = money()

    assert record_deposit(usdc, contributor_bob.address, 500 * USDC) is None
    assert record_deposit(usdc, contributor_bob.address, 500 * USDC, tx_hash=TX.upper().replace("0X", "0x")) is None

    assert money() == before
    assert Deposit.objects.count() == 1
    assert inbox(contributor_bob) == ["deposit_credited"]


def test_two_transfers_in_one_transaction_are_two_deposits(contributor_bob: User, usdc: Token) -> None:
    record_deposit(usdc, contributor_bob.address, 1, log_index=0)
    record_deposit(usdc, contributor_bob.address, 2**70, log_index=1)

    assert available(contributor_bob) == 2**70 + 1
    assert external() == -(2**70 + 1)


def test_a_deposit_from_an_unknown_sender_is_kept_unmatched_and_not_credited(usdc: Token) -> None:
    stranger = account_for("stranger").address
    before = money()

    deposit = record_deposit(usdc, stranger, 77 * USDC)

    assert deposit is not None
    assert (deposit.status, deposit.user_id, deposit.ledger_transaction_id) == (Deposit.Status.UNMATCHED, None, None)
    assert money() == before
    assert not Notification.objects.exists()
    assert last_audit("deposit.unmatched").after == {"from": stranger, "tx_hash": TX}
    assert record_deposit(usdc, stranger, 77 * USDC) is None
    assert Deposit.objects.count() == 1


def test_a_deposit_is_credited_to_the_user_who_signed_in_with_the_sender_address(usdc: Token) -> None:
    carol = UserFactory(persona="carol")
    dave = UserFactory(persona="dave")

    record_deposit(usdc, dave.address, 3)

    assert (available(carol), available(dave)) == (0, 3)


# --- one payout pass ----------------------------------------------------------------


def test_a_payout_pass_with_the_ledger_backend_has_nothing_to_do(alice_funded: User, usdc: Token) -> None:
    payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)

    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 0}


def test_a_payout_pass_moves_pending_withdrawals_forward_and_credits_deposits(
    alice_funded: User, contributor_bob: User, usdc: Token, monkeypatch: pytest.MonkeyPatch, settings: Any, inbox: Any
) -> None:
    install(monkeypatch, settings, ConfirmingBackend)
    first = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=USDC)
    second = payouts.withdrawal_request(user=alice_funded, token=usdc, amount=2 * USDC)
    ConfirmingBackend.transfers.append(
        {
            "token": usdc,
            "tx_hash": TX,
            "log_index": 3,
            "block_number": 9,
            "from_address": contributor_bob.address,
            "amount": 5,
        }
    )

    assert payouts.payouts_run().counts() == {"withdrawals": 2, "deposits": 1}

    assert set(Withdrawal.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Withdrawal.Status.CONFIRMED
    }
    assert inbox(alice_funded) == ["withdrawal_confirmed", "withdrawal_confirmed"]
    assert available(contributor_bob) == 5
    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 0}
