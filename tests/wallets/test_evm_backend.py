"""wallets.chains.evm.EvmBackend on an in-process EVM: real WorkWallToken, real signatures,
the real ledger. No mocks of the chain; crashes are injected by wrapping a step of
Erc20Treasury so that it raises where a killed worker would have stopped.

Every test runs with WALLETS_PAYOUT_BACKEND=evm and ``wallets.chains.evm.connect``
returning the test chain, so ``payouts.withdrawal_request`` and ``payouts.payouts_run``
use the backend exactly as in production (withdrawal_request processes on commit).
EVM_CONFIRMATIONS is 3; py-evm mines one block per transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from web3 import EthereumTesterProvider, HTTPProvider, Web3
from web3.types import RPCEndpoint, RPCResponse

from accounts.models import User
from config.errors import InvalidInput
from tests.concurrency import race
from tests.factories import account_for
from tests.wallets.evm_fixtures import (
    ONE_TOKEN,
    EvmWorld,
    evm_world,
    fresh_address,
    fund_eth,
    mine_blocks,
    mint,
    send_tokens,
)
from wallets import ledger, payouts, selectors
from wallets.chains import evm, get_backend
from wallets.chains.erc20 import ChainError, Erc20Treasury
from wallets.chains.evm import EvmBackend
from wallets.models import AuditEvent, ChainCursor, Deposit, LedgerTransaction, Token, Withdrawal

# process() commits in steps and withdrawal_request processes on commit, so most tests
# need real commits; serialized_rollback restores the migrations' rows after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Tests that neither process nor commit run in a rolled-back transaction (much faster).
in_a_transaction = pytest.mark.django_db

CONFIRMATIONS = 3


class Crash(Exception):
    """The worker dying at this point: nothing after it runs."""


@dataclass
class Chain:
    world: EvmWorld
    token: Token  # the TUSD row for the deployed WorkWallToken

    @property
    def w3(self) -> Web3:
        return self.world.w3

    @property
    def treasury(self) -> Erc20Treasury:
        return self.world.treasury

    def transfers_to(self, address: str) -> list[Any]:
        return list(self.world.token.events.Transfer().get_logs(from_block=0, argument_filters={"to": address}))

    def mine(self, count: int) -> None:
        mine_blocks(self.w3, count)


@pytest.fixture
def chain(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Chain:
    world = evm_world()
    settings.WALLETS_PAYOUT_BACKEND = "evm"
    settings.EVM_RPC_URL = "http://node.invalid:8545"
    settings.EVM_TREASURY_KEY = world.key
    settings.EVM_CONFIRMATIONS = CONFIRMATIONS
    settings.WALLETS_FAUCET = True
    monkeypatch.setattr(evm, "connect", lambda: world.w3)
    token = Token.objects.create(
        symbol="TUSD",
        name="WorkWall Test Dollar",
        decimals=6,
        chain_id=world.w3.eth.chain_id,
        contract_address=world.token.address,
    )
    return Chain(world=world, token=token)


def funded(user: User, chain: Chain, tokens: int = 100) -> User:
    """Give ``user`` an available balance of the on-chain token, as a credited deposit
    would (the faucet refuses tokens that exist on chain)."""
    ledger.post(
        kind=LedgerTransaction.Kind.DEPOSIT,
        token=chain.token,
        lines=[
            ledger.Line(ledger.external_account(chain.token), -tokens * ONE_TOKEN),
            ledger.Line(ledger.available_account(user, chain.token), tokens * ONE_TOKEN),
        ],
        memo="Test deposit",
    )
    return user


def available(user: User, chain: Chain) -> int:
    return selectors.available_balance(user, chain.token)


def withdraw(user: User, chain: Chain, amount: int, *, to: str = "") -> Withdrawal:
    """What the API does; processing runs on commit, as in production."""
    withdrawal = payouts.withdrawal_request(user=user, token=chain.token, amount=amount, to_address=to)
    withdrawal.refresh_from_db()
    return withdrawal


def reload(withdrawal: Withdrawal) -> Withdrawal:
    return Withdrawal.objects.get(pk=withdrawal.pk)


def wrap_broadcast(mp: pytest.MonkeyPatch, *, send: bool) -> None:
    """Make Erc20Treasury.broadcast die, after sending (``send``) or before."""
    original = Erc20Treasury.broadcast

    def dying_broadcast(self: Erc20Treasury, raw: str) -> str:
        if send:
            original(self, raw)
        raise Crash("killed after broadcasting" if send else "killed before broadcasting")

    mp.setattr(Erc20Treasury, "broadcast", dying_broadcast)


def no_processing_on_commit(mp: pytest.MonkeyPatch) -> None:
    """As if the request's on-commit attempt never ran (the web process died first)."""
    mp.setattr(payouts, "_process_quietly", lambda withdrawal_id: None)


# --- paying out ----------------------------------------------------------------------


def test_a_contributors_withdrawal_is_paid_on_chain_after_the_confirmations(
    chain: Chain, contributor_bob: User, inbox: Any
) -> None:
    funded(contributor_bob, chain, 100)
    treasury_before = chain.treasury.balance_of(chain.treasury.address)
    amount = 25_500_000  # 25.5 TUSD

    withdrawal = withdraw(contributor_bob, chain, amount)

    assert available(contributor_bob, chain) == 74_500_000  # debited at request
    assert withdrawal.status == Withdrawal.Status.SENT
    assert withdrawal.to_address == account_for("bob").address
    assert withdrawal.nonce == 0
    assert withdrawal.chain_id == chain.w3.eth.chain_id
    assert withdrawal.tx_hash.startswith("0x")
    assert len(withdrawal.tx_hash) == 66
    assert withdrawal.sent_at is not None
    assert withdrawal.confirmations == 1  # py-evm mined it at once
    assert inbox(contributor_bob) == ["withdrawal_sent"]

    chain.mine(1)
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.SENT
    assert reload(withdrawal).confirmations == 2

    chain.mine(1)
    paid = EvmBackend().process(withdrawal.pk)

    assert paid.status == Withdrawal.Status.CONFIRMED
    assert paid.confirmations == CONFIRMATIONS
    assert paid.block_number == chain.w3.eth.get_transaction_receipt(paid.tx_hash)["blockNumber"]
    assert paid.settled_at is not None
    assert chain.treasury.balance_of(contributor_bob.address) == amount
    assert chain.treasury.balance_of(chain.treasury.address) == treasury_before - amount
    assert len(chain.transfers_to(contributor_bob.address)) == 1
    assert available(contributor_bob, chain) == 74_500_000
    assert inbox(contributor_bob) == ["withdrawal_sent", "withdrawal_confirmed"]
    actions = AuditEvent.objects.filter(target_type="wallets.withdrawal", target_id=paid.pk).order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "withdrawal.request",
        "withdrawal.sign",
        "withdrawal.send",
        "withdrawal.confirm",
    ]

    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.CONFIRMED  # settled: left alone
    assert inbox(contributor_bob) == ["withdrawal_sent", "withdrawal_confirmed"]


def test_it_pays_to_the_address_asked_for(chain: Chain, contributor_bob: User) -> None:
    funded(contributor_bob, chain, 10)
    cold_wallet = fresh_address("bob's cold wallet")

    withdrawal = withdraw(contributor_bob, chain, 3 * ONE_TOKEN, to=cold_wallet.lower())

    assert withdrawal.to_address == cold_wallet
    assert chain.treasury.balance_of(cold_wallet) == 3 * ONE_TOKEN
    assert chain.treasury.balance_of(contributor_bob.address) == 0


@pytest.mark.parametrize("where", ["after broadcasting", "while recording it as sent"])
def test_a_worker_killed_after_broadcasting_never_pays_twice(
    chain: Chain, contributor_bob: User, inbox: Any, where: str
) -> None:
    funded(contributor_bob, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        if where == "after broadcasting":
            wrap_broadcast(mp, send=True)
        else:

            def die(withdrawal: Withdrawal) -> None:
                raise Crash("killed inside the transaction that marks it sent")

            mp.setattr(payouts, "withdrawal_notify", die)
        withdrawal = withdraw(contributor_bob, chain, 40 * ONE_TOKEN)  # the on-commit attempt dies

    # The transfer is on chain, the database still says pending with the signed bytes.
    assert withdrawal.status == Withdrawal.Status.PENDING
    assert withdrawal.signed_tx
    stored_hash = withdrawal.tx_hash
    assert chain.treasury.status(stored_hash).state == "succeeded"
    assert chain.treasury.balance_of(contributor_bob.address) == 40 * ONE_TOKEN

    again = EvmBackend().process(withdrawal.pk)  # a fresh worker
    assert again.status == Withdrawal.Status.SENT
    assert again.tx_hash == stored_hash
    chain.mine(CONFIRMATIONS)
    payouts.payouts_run()
    payouts.payouts_run()

    done = reload(withdrawal)
    assert done.status == Withdrawal.Status.CONFIRMED
    assert done.tx_hash == stored_hash
    assert len(chain.transfers_to(contributor_bob.address)) == 1
    assert chain.treasury.balance_of(contributor_bob.address) == 40 * ONE_TOKEN
    assert chain.treasury.balance_of(chain.treasury.address) == 960 * ONE_TOKEN
    assert chain.treasury.next_nonce() == 1
    assert available(contributor_bob, chain) == 60 * ONE_TOKEN
    assert inbox(contributor_bob) == ["withdrawal_sent", "withdrawal_confirmed"]


def test_a_worker_killed_between_storing_and_broadcasting_sends_the_stored_bytes(
    chain: Chain, contributor_bob: User
) -> None:
    funded(contributor_bob, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        wrap_broadcast(mp, send=False)
        withdrawal = withdraw(contributor_bob, chain, 10 * ONE_TOKEN)

    assert withdrawal.status == Withdrawal.Status.PENDING
    assert withdrawal.nonce == 0
    stored = (withdrawal.signed_tx, withdrawal.tx_hash)
    assert chain.treasury.status(withdrawal.tx_hash).state == "unknown"  # nothing left the process
    assert chain.treasury.next_nonce() == 0

    again = EvmBackend().process(withdrawal.pk)

    assert (again.signed_tx, again.tx_hash) == stored  # never signed again
    assert again.status == Withdrawal.Status.SENT
    assert chain.treasury.status(again.tx_hash).state == "succeeded"
    chain.mine(CONFIRMATIONS - 1)
    payouts.payouts_run()
    payouts.payouts_run()
    assert reload(withdrawal).status == Withdrawal.Status.CONFIRMED
    assert len(chain.transfers_to(contributor_bob.address)) == 1
    assert chain.treasury.balance_of(contributor_bob.address) == 10 * ONE_TOKEN
    assert AuditEvent.objects.filter(action="withdrawal.sign", target_id=withdrawal.pk).count() == 1


def test_a_signature_lost_before_it_was_stored_was_never_sent(chain: Chain, contributor_bob: User) -> None:
    funded(contributor_bob, chain, 100)
    original = Erc20Treasury.sign_transfer
    signed_then_lost: list[str] = []

    def sign_then_die(self: Erc20Treasury, to: str, amount: int, nonce: int) -> Any:
        signed_then_lost.append(original(self, to, amount, nonce).tx_hash)
        raise Crash("killed before the signature was committed")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Erc20Treasury, "sign_transfer", sign_then_die)
        withdrawal = withdraw(contributor_bob, chain, 5 * ONE_TOKEN)

    assert withdrawal.status == Withdrawal.Status.PENDING
    assert (withdrawal.nonce, withdrawal.tx_hash, withdrawal.signed_tx) == (None, "", "")
    assert chain.treasury.status(signed_then_lost[0]).state == "unknown"

    paid = EvmBackend().process(withdrawal.pk)

    assert paid.status == Withdrawal.Status.SENT
    assert paid.nonce == 0
    assert len(chain.transfers_to(contributor_bob.address)) == 1


def test_a_sent_transfer_the_node_dropped_is_broadcast_again_with_the_same_bytes(
    chain: Chain, contributor_bob: User
) -> None:
    funded(contributor_bob, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        # A node that accepts the transaction and then loses it (a restart, a full pool).
        mp.setattr(Erc20Treasury, "broadcast", lambda self, raw: "0x" + Web3.keccak(hexstr=raw).hex())
        withdrawal = withdraw(contributor_bob, chain, 8 * ONE_TOKEN)
    assert withdrawal.status == Withdrawal.Status.SENT
    assert chain.treasury.status(withdrawal.tx_hash).state == "unknown"

    again = EvmBackend().process(withdrawal.pk)

    assert again.status == Withdrawal.Status.SENT
    assert again.signed_tx == withdrawal.signed_tx
    assert chain.treasury.status(withdrawal.tx_hash).state == "succeeded"
    chain.mine(CONFIRMATIONS)
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.CONFIRMED
    assert len(chain.transfers_to(contributor_bob.address)) == 1


def test_a_withdrawal_to_the_zero_address_fails_before_anything_is_signed(
    chain: Chain, contributor_bob: User, inbox: Any
) -> None:
    funded(contributor_bob, chain, 100)

    withdrawal = withdraw(contributor_bob, chain, ONE_TOKEN, to="0x" + "00" * 20)

    assert withdrawal.status == Withdrawal.Status.FAILED
    assert "zero address" in withdrawal.failure_reason
    assert (withdrawal.nonce, withdrawal.signed_tx) == (None, "")
    assert available(contributor_bob, chain) == 100 * ONE_TOKEN
    assert chain.treasury.next_nonce() == 0
    assert inbox(contributor_bob) == ["withdrawal_failed"]


@pytest.mark.parametrize(
    ("slip", "refusal"),
    [
        ({"chain_id": 11155111}, "cannot be signed: TUSD is configured for chain 11155111"),
        ({"decimals": 18}, r"configured with 18 decimals, but its contract .* says 6"),
        ({"contract_address": fresh_address("no contract here")}, "is it an ERC-20 contract on this chain"),
    ],
    ids=["another chain", "wrong decimals", "no contract at the address"],
)
def test_a_token_misconfigured_after_the_request_holds_its_withdrawals_without_signing(
    chain: Chain, contributor_bob: User, slip: dict[str, Any], refusal: str
) -> None:
    funded(contributor_bob, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        no_processing_on_commit(mp)
        withdrawal = withdraw(contributor_bob, chain, 4 * ONE_TOKEN)
    right = {field: getattr(chain.token, field) for field in slip}
    Token.objects.filter(pk=chain.token.pk).update(**slip)  # an operator's slip in the admin

    with pytest.raises(ChainError, match=refusal):
        EvmBackend().process(withdrawal.pk)
    assert (reload(withdrawal).status, reload(withdrawal).signed_tx) == (Withdrawal.Status.PENDING, "")

    Token.objects.filter(pk=chain.token.pk).update(**right)
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.SENT
    assert chain.treasury.balance_of(contributor_bob.address) == 4 * ONE_TOKEN


@in_a_transaction
def test_the_deposit_scan_refuses_a_token_whose_decimals_disagree_with_its_contract(chain: Chain) -> None:
    Token.objects.filter(pk=chain.token.pk).update(decimals=18)

    with pytest.raises(ChainError, match=r"TUSD: .*configured with 18 decimals"):
        EvmBackend(first_block=0).scan_deposits()

    assert not ChainCursor.objects.filter(next_block__gt=0).exists()


def test_a_transfer_the_token_reverts_fails_and_gives_the_balance_back(
    chain: Chain, contributor_bob: User, inbox: Any
) -> None:
    funded(contributor_bob, chain, 5_000)
    treasury_holds = chain.treasury.balance_of(chain.treasury.address)  # 1,000 TUSD

    withdrawal = withdraw(contributor_bob, chain, 1_500 * ONE_TOKEN)

    assert withdrawal.status == Withdrawal.Status.SENT
    assert available(contributor_bob, chain) == 3_500 * ONE_TOKEN
    assert chain.treasury.status(withdrawal.tx_hash).state == "failed"
    # A reverted block can still be reorganised away: no verdict before the confirmations.
    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.SENT

    chain.mine(CONFIRMATIONS - 1)
    failed = EvmBackend().process(withdrawal.pk)

    assert failed.status == Withdrawal.Status.FAILED
    assert failed.failure_reason == f"The token contract refused the transfer (tx {withdrawal.tx_hash})."
    assert failed.reversal_transaction is not None
    assert failed.reversal_transaction.kind == LedgerTransaction.Kind.REVERSAL
    assert available(contributor_bob, chain) == 5_000 * ONE_TOKEN
    assert chain.treasury.balance_of(contributor_bob.address) == 0
    assert chain.treasury.balance_of(chain.treasury.address) == treasury_holds
    assert inbox(contributor_bob) == ["withdrawal_sent", "withdrawal_failed"]

    payouts.payouts_run()
    assert available(contributor_bob, chain) == 5_000 * ONE_TOKEN  # reversed once


def test_a_nonce_taken_by_another_transaction_fails_the_withdrawal_once_that_one_is_final(
    chain: Chain, contributor_bob: User, inbox: Any
) -> None:
    funded(contributor_bob, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        wrap_broadcast(mp, send=False)
        withdrawal = withdraw(contributor_bob, chain, 20 * ONE_TOKEN)
    assert withdrawal.nonce == 0
    # Someone with the treasury key (an operator clearing a stuck nonce) uses nonce 0.
    other = chain.treasury.sign_transfer(fresh_address("somebody else"), 1, withdrawal.nonce)
    chain.treasury.broadcast(other.raw)

    assert EvmBackend().process(withdrawal.pk).status == Withdrawal.Status.PENDING  # 1 confirmation: wait
    assert available(contributor_bob, chain) == 80 * ONE_TOKEN

    chain.mine(CONFIRMATIONS - 1)
    failed = EvmBackend().process(withdrawal.pk)

    assert failed.status == Withdrawal.Status.FAILED
    assert "nonce 0" in failed.failure_reason
    assert available(contributor_bob, chain) == 100 * ONE_TOKEN
    assert chain.transfers_to(contributor_bob.address) == []
    assert chain.treasury.status(withdrawal.tx_hash).state == "unknown"
    assert inbox(contributor_bob) == ["withdrawal_failed"]


def test_a_withdrawal_signed_but_not_sent_keeps_its_nonce_and_the_next_one_waits_for_it(
    chain: Chain, contributor_bob: User, contributor_carol: User
) -> None:
    funded(contributor_bob, chain, 100)
    funded(contributor_carol, chain, 100)
    with pytest.MonkeyPatch.context() as mp:
        wrap_broadcast(mp, send=False)
        first = withdraw(contributor_bob, chain, 11 * ONE_TOKEN)

    # The node still says nonce 0 is next; the database knows 0 is taken.
    second = withdraw(contributor_carol, chain, 22 * ONE_TOKEN)

    assert (first.nonce, second.nonce) == (0, 1)
    # py-evm refuses nonce 1 while 0 is missing (it says "nonce" like a used one): not failed.
    assert second.status == Withdrawal.Status.PENDING
    assert second.signed_tx

    payouts.payouts_run()  # in order: 0 goes out, then 1
    chain.mine(CONFIRMATIONS - 1)
    payouts.payouts_run()

    assert reload(first).status == Withdrawal.Status.CONFIRMED
    assert reload(second).status == Withdrawal.Status.CONFIRMED
    assert chain.treasury.balance_of(contributor_bob.address) == 11 * ONE_TOKEN
    assert chain.treasury.balance_of(contributor_carol.address) == 22 * ONE_TOKEN
    assert chain.treasury.next_nonce() == 2


def test_two_withdrawals_get_distinct_nonces(chain: Chain, contributor_bob: User) -> None:
    funded(contributor_bob, chain, 100)

    first = withdraw(contributor_bob, chain, ONE_TOKEN)
    second = withdraw(contributor_bob, chain, 2 * ONE_TOKEN)

    assert (first.nonce, second.nonce) == (0, 1)
    assert first.tx_hash != second.tx_hash
    assert len(chain.transfers_to(contributor_bob.address)) == 2


def test_an_unreachable_node_is_reported_and_leaves_withdrawals_as_they_are(
    chain: Chain, contributor_bob: User
) -> None:
    funded(contributor_bob, chain, 100)
    sent = withdraw(contributor_bob, chain, 2 * ONE_TOKEN)
    with pytest.MonkeyPatch.context() as mp:
        wrap_broadcast(mp, send=False)
        signed = withdraw(contributor_bob, chain, ONE_TOKEN)
    assert (sent.status, signed.status) == (Withdrawal.Status.SENT, Withdrawal.Status.PENDING)
    down = Web3(HTTPProvider("http://127.0.0.1:9", exception_retry_configuration=None))
    backend = EvmBackend(w3=down)

    with pytest.raises(ChainError, match=rf"Withdrawal {signed.pk} stays pending .* could not be reached"):
        backend.process(signed.pk)
    with pytest.raises(ChainError, match=rf"Withdrawal {sent.pk} stays sent .*http://127\.0\.0\.1:9"):
        backend.process(sent.pk)
    with pytest.raises(ChainError, match=r"Deposit scan incomplete \(0 credited"):
        backend.scan_deposits()

    assert reload(signed).status == Withdrawal.Status.PENDING
    assert reload(signed).signed_tx == signed.signed_tx
    assert reload(sent).status == Withdrawal.Status.SENT
    assert reload(sent).confirmations == sent.confirmations
    assert not ChainCursor.objects.exists()

    # Back online: the stored bytes go out, and nothing was paid twice.
    EvmBackend().process(signed.pk)
    assert reload(signed).status == Withdrawal.Status.SENT
    assert len(chain.transfers_to(contributor_bob.address)) == 2


def test_the_worker_reports_a_node_outage_and_pays_once_the_node_is_back(
    chain: Chain, contributor_bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    funded(contributor_bob, chain, 100)
    no_processing_on_commit(monkeypatch)
    withdrawals = [withdraw(contributor_bob, chain, (n + 1) * ONE_TOKEN) for n in range(2)]
    down = Web3(HTTPProvider("http://127.0.0.1:9", exception_retry_configuration=None))

    with monkeypatch.context() as mp:
        mp.setattr(evm, "connect", lambda: down)
        with pytest.raises(CommandError):  # exit status 1 for cron; each withdrawal was tried
            call_command("payouts_run", verbosity=0)

    assert {reload(w).status for w in withdrawals} == {Withdrawal.Status.PENDING}
    call_command("payouts_run", verbosity=0)
    chain.mine(CONFIRMATIONS)
    call_command("payouts_run", verbosity=0)
    assert {reload(w).status for w in withdrawals} == {Withdrawal.Status.CONFIRMED}
    assert chain.treasury.balance_of(contributor_bob.address) == 3 * ONE_TOKEN


# --- concurrency (PostgreSQL) --------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: races between workers need PostgreSQL (set DATABASE_URL)",
)


class LockedTesterProvider(EthereumTesterProvider):
    """py-evm is not thread-safe; real nodes are. One request at a time."""

    _lock = threading.Lock()

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        with self._lock:
            return super().make_request(method, params)


def threaded_backends(chain: Chain) -> Callable[[], EvmBackend]:
    w3 = Web3(LockedTesterProvider(ethereum_tester=chain.w3.provider.ethereum_tester))  # type: ignore[attr-defined]
    return lambda: EvmBackend(w3=w3)


@pytest.mark.postgres
@needs_postgres
def test_eight_workers_processing_one_withdrawal_at_once_pay_it_once(
    chain: Chain, contributor_bob: User, monkeypatch: pytest.MonkeyPatch, inbox: Any
) -> None:
    funded(contributor_bob, chain, 100)
    no_processing_on_commit(monkeypatch)
    withdrawal = withdraw(contributor_bob, chain, 30 * ONE_TOKEN)
    backend = threaded_backends(chain)

    results = race([lambda: backend().process(withdrawal.pk)] * 8)

    assert all(isinstance(r, Withdrawal) for r in results), results
    stored = reload(withdrawal)
    assert stored.status == Withdrawal.Status.SENT
    assert {r.tx_hash for r in results if isinstance(r, Withdrawal)} == {stored.tx_hash}
    assert len(chain.transfers_to(contributor_bob.address)) == 1
    assert chain.treasury.next_nonce() == 1
    assert AuditEvent.objects.filter(action="withdrawal.sign", target_id=withdrawal.pk).count() == 1
    assert inbox(contributor_bob) == ["withdrawal_sent"]


@pytest.mark.postgres
@needs_postgres
def test_workers_processing_different_withdrawals_at_once_take_distinct_nonces(
    chain: Chain, contributor_bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    funded(contributor_bob, chain, 100)
    no_processing_on_commit(monkeypatch)
    withdrawals = [withdraw(contributor_bob, chain, (n + 1) * ONE_TOKEN) for n in range(6)]
    backend = threaded_backends(chain)

    race([lambda pk=w.pk: backend().process(pk) for w in withdrawals])
    # Whichever thread broadcast out of order was refused by py-evm (a nonce gap) and waits.
    payouts.payouts_run()
    chain.mine(CONFIRMATIONS - 1)
    payouts.payouts_run()

    stored = [reload(w) for w in withdrawals]
    assert sorted(w.nonce for w in stored if w.nonce is not None) == list(range(6))
    assert {w.status for w in stored} == {Withdrawal.Status.CONFIRMED}
    assert chain.treasury.balance_of(contributor_bob.address) == 21 * ONE_TOKEN
    assert len(chain.transfers_to(contributor_bob.address)) == 6


# --- deposits ------------------------------------------------------------------------


def wallet_send(chain: Chain, sender: Any, amount: int) -> str:
    """``sender`` (an eth-account LocalAccount) signs a transfer to the treasury in its own
    wallet, as a user would. Returns the transaction hash."""
    w3 = chain.w3
    tx = chain.world.token.functions.transfer(chain.treasury.address, amount).build_transaction(
        {"from": sender.address, "nonce": w3.eth.get_transaction_count(sender.address)}
    )
    tx_hash = w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction)
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    return "0x" + bytes(tx_hash).hex()


@pytest.fixture
def bob_wallet(chain: Chain) -> Any:
    """Bob's own key, with gas money and 500 TUSD on chain."""
    bob = account_for("bob")
    fund_eth(chain.w3, bob.address)
    mint(chain.world.token, bob.address, 500 * ONE_TOKEN)
    return bob


def test_a_confirmed_deposit_from_a_signed_in_address_is_credited_once(
    chain: Chain, contributor_bob: User, bob_wallet: Any, inbox: Any
) -> None:
    backend = EvmBackend(first_block=0)
    tx_hash = wallet_send(chain, bob_wallet, 40 * ONE_TOKEN)

    assert backend.scan_deposits() == 0  # 1 confirmation
    chain.mine(CONFIRMATIONS - 2)
    assert backend.scan_deposits() == 0  # 2
    assert available(contributor_bob, chain) == 0
    assert not Deposit.objects.exists()

    chain.mine(1)
    assert backend.scan_deposits() == 1

    deposit = Deposit.objects.get()
    assert (deposit.tx_hash, deposit.user, deposit.status) == (tx_hash, contributor_bob, Deposit.Status.CREDITED)
    assert deposit.amount == 40 * ONE_TOKEN
    assert available(contributor_bob, chain) == 40 * ONE_TOKEN
    assert inbox(contributor_bob) == ["deposit_credited"]

    assert backend.scan_deposits() == 0
    chain.mine(5)
    assert EvmBackend(first_block=0).scan_deposits() == 0
    ChainCursor.objects.filter(token=chain.token).update(next_block=0)  # an operator rescans from 0
    assert EvmBackend().scan_deposits() == 0
    assert available(contributor_bob, chain) == 40 * ONE_TOKEN
    assert Deposit.objects.count() == 1


def test_a_transfer_from_an_unknown_address_is_kept_unmatched_and_credits_nobody(chain: Chain) -> None:
    stranger = chain.w3.eth.accounts[1]
    mint(chain.world.token, stranger, 10 * ONE_TOKEN)
    send_tokens(chain.world.token, stranger, chain.treasury.address, 7 * ONE_TOKEN)
    chain.mine(CONFIRMATIONS)

    assert EvmBackend(first_block=0).scan_deposits() == 0

    # The treasury's own funding (a mint, from the zero address) is no deposit.
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.UNMATCHED
    assert deposit.from_address == stranger
    assert deposit.user is None
    assert deposit.ledger_transaction is None
    assert deposit.amount == 7 * ONE_TOKEN
    assert not LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.DEPOSIT).exists()


def test_deposits_are_read_in_bounded_ranges_and_the_cursor_follows(
    chain: Chain, contributor_bob: User, bob_wallet: Any
) -> None:
    for tokens in (1, 2, 3, 4):
        wallet_send(chain, bob_wallet, tokens * ONE_TOKEN)
        chain.mine(3)
    chain.mine(CONFIRMATIONS)
    head = chain.w3.eth.block_number
    calls: list[tuple[int, int]] = []
    original = Erc20Treasury.incoming_transfers

    def counted(self: Erc20Treasury, from_block: int, to_block: int) -> Any:
        calls.append((from_block, to_block))
        return original(self, from_block, to_block)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Erc20Treasury, "incoming_transfers", counted)
        assert EvmBackend(first_block=0, scan_chunk=4).scan_deposits() == 4

    assert available(contributor_bob, chain) == 10 * ONE_TOKEN
    assert all(end - start < 4 for start, end in calls)
    assert calls[0][0] == 0
    assert calls[-1][1] == head - CONFIRMATIONS + 1
    assert ChainCursor.objects.get(token=chain.token).next_block == head - CONFIRMATIONS + 2


def test_a_fresh_install_starts_scanning_at_the_newest_confirmed_block(
    chain: Chain, contributor_bob: User, bob_wallet: Any
) -> None:
    wallet_send(chain, bob_wallet, 5 * ONE_TOKEN)
    chain.mine(10)

    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 0}
    assert ChainCursor.objects.get(token=chain.token).next_block == chain.w3.eth.block_number - CONFIRMATIONS + 2

    wallet_send(chain, bob_wallet, 6 * ONE_TOKEN)
    chain.mine(CONFIRMATIONS)
    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 1}
    assert available(contributor_bob, chain) == 6 * ONE_TOKEN


def test_payouts_run_pays_out_and_credits_deposits_in_one_pass(
    chain: Chain, contributor_bob: User, bob_wallet: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ChainCursor.objects.create(token=chain.token, next_block=0)
    wallet_send(chain, bob_wallet, 50 * ONE_TOKEN)
    chain.mine(CONFIRMATIONS)
    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 1}
    no_processing_on_commit(monkeypatch)

    withdrawal = withdraw(contributor_bob, chain, 20 * ONE_TOKEN)
    assert withdrawal.status == Withdrawal.Status.PENDING
    assert payouts.payouts_run().counts() == {"withdrawals": 1, "deposits": 0}
    chain.mine(CONFIRMATIONS)
    assert payouts.payouts_run().counts() == {"withdrawals": 1, "deposits": 0}
    assert payouts.payouts_run().counts() == {"withdrawals": 0, "deposits": 0}

    assert reload(withdrawal).status == Withdrawal.Status.CONFIRMED
    assert available(contributor_bob, chain) == 30 * ONE_TOKEN
    assert chain.treasury.balance_of(contributor_bob.address) == 470 * ONE_TOKEN


# --- tokens and construction ---------------------------------------------------------


@in_a_transaction
def test_check_token_refuses_tokens_it_cannot_pay(chain: Chain) -> None:
    backend = EvmBackend()
    ledger_only = Token.objects.create(symbol="LEDG", name="Ledger only", decimals=6, chain_id=chain.token.chain_id)
    elsewhere = Token.objects.create(
        symbol="SEPUSD", name="On Sepolia", decimals=6, chain_id=11155111, contract_address=chain.world.token.address
    )
    broken = Token.objects.create(
        symbol="BAD", name="Typo", decimals=6, chain_id=chain.token.chain_id, contract_address="0xnot-an-address"
    )

    assert backend.check_token(chain.token) is None
    assert "no token contract" in (backend.check_token(ledger_only) or "")
    assert "configured for chain 11155111" in (backend.check_token(elsewhere) or "")
    assert "not valid" in (backend.check_token(broken) or "")
    down = EvmBackend(w3=Web3(HTTPProvider("http://127.0.0.1:9", exception_retry_configuration=None)))
    assert "cannot be reached" in (down.check_token(chain.token) or "")


@in_a_transaction
def test_a_withdrawal_of_a_ledger_only_token_is_refused_before_any_debit(chain: Chain, contributor_bob: User) -> None:
    ledger_only = Token.objects.create(symbol="LEDG", name="Ledger only", decimals=6, chain_id=chain.token.chain_id)
    payouts.faucet(user=contributor_bob, token=ledger_only, amount=10 * ONE_TOKEN)

    with pytest.raises(InvalidInput) as refused:
        payouts.withdrawal_request(user=contributor_bob, token=ledger_only, amount=ONE_TOKEN)

    assert refused.value.code == "token_not_withdrawable"
    assert selectors.available_balance(contributor_bob, ledger_only) == 10 * ONE_TOKEN
    assert not Withdrawal.objects.exists()


@in_a_transaction
def test_get_backend_builds_the_evm_backend_from_the_settings(chain: Chain, settings: Any) -> None:
    backend = get_backend()

    assert isinstance(backend, EvmBackend)
    assert backend.name == "evm"
    assert backend.treasury_address == chain.treasury.address
    assert backend.confirmations == CONFIRMATIONS
    assert chain.world.key not in repr(backend)


@in_a_transaction
def test_without_a_test_node_it_connects_to_the_configured_url_lazily(settings: Any) -> None:
    settings.EVM_RPC_URL = "http://127.0.0.1:8545"
    settings.EVM_TREASURY_KEY = "0x" + "11" * 32

    backend = get_backend("evm")

    assert isinstance(backend, EvmBackend)
    assert backend.w3.provider.endpoint_uri == "http://127.0.0.1:8545"  # type: ignore[attr-defined]


@in_a_transaction
def test_it_refuses_to_start_without_a_key_or_a_url(settings: Any) -> None:
    settings.EVM_RPC_URL = "http://127.0.0.1:8545"
    settings.EVM_TREASURY_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="EVM_TREASURY_KEY"):
        EvmBackend()

    settings.EVM_TREASURY_KEY = "0xnot-a-key"
    with pytest.raises(ImproperlyConfigured, match="not a private key") as caught:
        EvmBackend()
    assert "not-a-key" not in str(caught.value)

    settings.EVM_TREASURY_KEY = "0x" + "11" * 32
    settings.EVM_RPC_URL = ""
    with pytest.raises(ImproperlyConfigured, match="EVM_RPC_URL"):
        EvmBackend()
