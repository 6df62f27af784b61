"""wallets.chains.erc20.Erc20Treasury against WorkWallToken on an in-process EVM. No mocks
of the chain, no database.

contracts/build/WorkWallToken.json (OpenZeppelin ERC-20, compiled by contracts/compile.mjs)
is deployed with 6 decimals on web3's EthereumTesterProvider (py-evm), which mines a block
per transaction unless told not to. The treasury is an ordinary key funded with ETH for
gas and with minted tokens.
"""

from __future__ import annotations

import hashlib

import pytest
import rlp
from eth_tester.exceptions import TransactionFailed
from web3 import HTTPProvider, Web3

from tests.wallets.evm_fixtures import (
    CONTRACTS,
    ONE_TOKEN,
    EvmWorld,
    evm_world,
    fresh_address,
    funded_treasury,
    key_for,
    mine_blocks,
    mint,
    send_tokens,
    token_artefact,
)
from wallets.chains.erc20 import (
    ChainError,
    Erc20Treasury,
    IncomingTransfer,
    NonceAlreadyUsed,
    TransferStatus,
)

BOB = fresh_address("bob")
CAROL = fresh_address("carol")


@pytest.fixture
def evm() -> EvmWorld:
    return evm_world()


@pytest.fixture
def treasury(evm: EvmWorld) -> Erc20Treasury:
    return evm.treasury


# --- the artefact and the reads ----------------------------------------------------


def test_the_committed_artefact_is_compiled_from_the_current_source() -> None:
    artefact = token_artefact()
    source = (CONTRACTS / artefact["sourceName"]).read_bytes()

    assert artefact["sourceSha256"] == hashlib.sha256(source).hexdigest(), "run `npm run compile` in contracts/"
    assert artefact["compiler"]["evmVersion"] == "cancun"
    assert {"transfer", "balanceOf", "decimals", "mint", "Transfer"} <= {item.get("name") for item in artefact["abi"]}


def test_it_reads_the_chain_the_token_and_the_treasury(evm: EvmWorld, treasury: Erc20Treasury) -> None:
    assert treasury.address == Web3.to_checksum_address(treasury.address)
    assert treasury.chain_id == evm.w3.eth.chain_id
    assert treasury.head() == evm.w3.eth.block_number
    assert treasury.decimals() == 6
    assert treasury.balance_of(treasury.address) == 1_000 * ONE_TOKEN
    assert treasury.balance_of(BOB) == 0
    assert treasury.next_nonce() == 0


def test_only_the_owner_may_mint(evm: EvmWorld) -> None:
    stranger = evm.w3.eth.accounts[1]
    supply = evm.token.functions.totalSupply().call()

    with pytest.raises(TransactionFailed, match="execution reverted") as caught:
        evm.token.functions.mint(stranger, 1).transact({"from": stranger})

    # The revert data starts with the selector of OwnableUnauthorizedAccount(address).
    selector = bytes(Web3.keccak(text="OwnableUnauthorizedAccount(address)")[:4])
    assert repr(selector)[2:-1] in str(caught.value)
    assert evm.token.functions.totalSupply().call() == supply
    assert evm.token.functions.owner().call() == evm.w3.eth.accounts[0]


def test_an_address_without_a_token_contract_is_reported_as_such(evm: EvmWorld) -> None:
    not_a_token = Erc20Treasury(evm.w3, CAROL, evm.key)

    with pytest.raises(ChainError, match="is it an ERC-20 contract on this chain"):
        not_a_token.decimals()


# --- paying out --------------------------------------------------------------------


def test_a_signed_then_broadcast_transfer_moves_exactly_the_amount(evm: EvmWorld, treasury: Erc20Treasury) -> None:
    amount = 123_456_789  # 123.456789 tokens of 6 decimals
    before = treasury.balance_of(treasury.address)

    signed = treasury.sign_transfer(BOB, amount, treasury.next_nonce())
    sent = treasury.broadcast(signed.raw)

    assert sent == signed.tx_hash
    assert treasury.balance_of(BOB) == amount
    assert treasury.balance_of(treasury.address) == before - amount
    assert evm.token.functions.balanceOf(BOB).call() == amount
    assert treasury.next_nonce() == 1


def test_signing_sends_nothing_and_describes_the_transfer(treasury: Erc20Treasury) -> None:
    signed = treasury.sign_transfer(BOB.lower(), 5 * ONE_TOKEN, 0)

    assert signed.to == BOB
    assert signed.amount == 5 * ONE_TOKEN
    assert signed.nonce == 0
    assert signed.tx_hash == signed.tx_hash.lower()
    assert len(signed.tx_hash) == 66
    assert signed.tx_hash == "0x" + Web3.keccak(hexstr=signed.raw).hex()
    assert signed.raw.startswith("0x02")  # EIP-1559: py-evm's blocks have a base fee.
    assert treasury.status(signed.tx_hash).state == "unknown"
    assert treasury.balance_of(BOB) == 0
    assert treasury.next_nonce() == 0


def test_status_goes_from_unknown_to_succeeded_with_growing_confirmations(
    evm: EvmWorld, treasury: Erc20Treasury
) -> None:
    signed = treasury.sign_transfer(BOB, ONE_TOKEN, treasury.next_nonce())
    assert treasury.status(signed.tx_hash) == TransferStatus(state="unknown", block_number=None, confirmations=0)

    treasury.broadcast(signed.raw)
    mined = treasury.status(signed.tx_hash)
    assert mined.state == "succeeded"
    assert mined.block_number == treasury.head()
    assert mined.confirmations == 1

    mine_blocks(evm.w3, 2)
    assert treasury.status(signed.tx_hash) == TransferStatus(
        state="succeeded", block_number=mined.block_number, confirmations=3
    )


def test_a_transaction_in_the_pool_is_pending(evm: EvmWorld, treasury: Erc20Treasury) -> None:
    evm.w3.provider.ethereum_tester.disable_auto_mine_transactions()  # type: ignore[attr-defined]
    signed = treasury.sign_transfer(BOB, ONE_TOKEN, treasury.next_nonce())

    treasury.broadcast(signed.raw)

    assert treasury.status(signed.tx_hash) == TransferStatus(state="pending", block_number=None, confirmations=0)
    assert treasury.balance_of(BOB) == 0
    mine_blocks(evm.w3, 1)
    assert treasury.status(signed.tx_hash).state == "succeeded"
    assert treasury.balance_of(BOB) == ONE_TOKEN


def test_broadcasting_the_same_signed_transfer_again_pays_once(evm: EvmWorld, treasury: Erc20Treasury) -> None:
    # What the payout backend does after a crash: it sends the stored bytes again.
    evm.w3.provider.ethereum_tester.disable_auto_mine_transactions()  # type: ignore[attr-defined]
    signed = treasury.sign_transfer(BOB, 7 * ONE_TOKEN, treasury.next_nonce())

    assert treasury.broadcast(signed.raw) == signed.tx_hash
    assert treasury.broadcast(signed.raw) == signed.tx_hash  # still pending
    mine_blocks(evm.w3, 1)
    assert treasury.broadcast(signed.raw) == signed.tx_hash  # mined: py-evm says the nonce is used
    evm.w3.provider.ethereum_tester.enable_auto_mine_transactions()  # type: ignore[attr-defined]
    assert treasury.broadcast(signed.raw) == signed.tx_hash

    assert treasury.balance_of(BOB) == 7 * ONE_TOKEN
    assert treasury.balance_of(treasury.address) == 993 * ONE_TOKEN
    assert treasury.status(signed.tx_hash).state == "succeeded"
    assert treasury.next_nonce() == 1
    transfers_to_bob = evm.token.events.Transfer().get_logs(from_block=0, argument_filters={"to": BOB})
    assert len(transfers_to_bob) == 1


def test_a_stored_transfer_broadcast_after_a_crash_is_the_same_transaction(treasury: Erc20Treasury) -> None:
    signed = treasury.sign_transfer(BOB, 2 * ONE_TOKEN, treasury.next_nonce())
    stored = (signed.raw, signed.nonce, signed.tx_hash)  # what the database keeps
    del signed

    raw, nonce, tx_hash = stored
    assert treasury.broadcast(raw) == tx_hash
    assert treasury.broadcast(raw) == tx_hash
    assert treasury.next_nonce() == nonce + 1
    assert treasury.balance_of(BOB) == 2 * ONE_TOKEN


def test_a_transfer_of_more_than_the_treasury_holds_is_mined_and_fails(treasury: Erc20Treasury) -> None:
    # py-evm accepts it (the gas limit is fixed, nothing simulates the call), mines it,
    # and the token reverts with ERC20InsufficientBalance: receipt status 0.
    held = treasury.balance_of(treasury.address)
    signed = treasury.sign_transfer(BOB, held + 1, treasury.next_nonce())

    assert treasury.broadcast(signed.raw) == signed.tx_hash

    status = treasury.status(signed.tx_hash)
    assert status.state == "failed"
    assert status.block_number is not None
    assert status.confirmations == 1
    assert treasury.balance_of(BOB) == 0
    assert treasury.balance_of(treasury.address) == held
    assert treasury.next_nonce() == 1  # the nonce is spent: a retry needs a new signature


def test_a_transfer_whose_nonce_another_transaction_used_is_refused_as_such(treasury: Erc20Treasury) -> None:
    nonce = treasury.next_nonce()
    first = treasury.sign_transfer(BOB, ONE_TOKEN, nonce)
    second = treasury.sign_transfer(CAROL, ONE_TOKEN, nonce)
    treasury.broadcast(first.raw)

    with pytest.raises(NonceAlreadyUsed, match=f"{second.tx_hash}.*nonce was already used"):
        treasury.broadcast(second.raw)

    assert treasury.status(second.tx_hash).state == "unknown"
    assert treasury.balance_of(CAROL) == 0


def test_a_treasury_without_ether_for_gas_is_refused_at_broadcast(evm: EvmWorld) -> None:
    broke = funded_treasury(evm.w3, evm.token, key=key_for("broke treasury"), eth=0, tokens=ONE_TOKEN)
    signed = broke.sign_transfer(BOB, ONE_TOKEN, 0)

    with pytest.raises(ChainError, match=r"failed eth_sendRawTransaction.*cannot afford txn gas"):
        broke.broadcast(signed.raw)

    assert broke.status(signed.tx_hash).state == "unknown"


def test_without_a_base_fee_it_signs_a_legacy_transaction(
    evm: EvmWorld, treasury: Erc20Treasury, monkeypatch: pytest.MonkeyPatch
) -> None:
    # py-evm's blocks always have a base fee: a chain without EIP-1559 is imitated by
    # hiding it. The legacy transaction is still valid on py-evm (gasPrice >= base fee).
    real_get_block = evm.w3.eth.get_block

    def block_without_base_fee(*args: object, **kwargs: object) -> dict[str, object]:
        block = dict(real_get_block(*args, **kwargs))  # type: ignore[arg-type]
        block.pop("baseFeePerGas", None)
        return block

    monkeypatch.setattr(evm.w3.eth, "get_block", block_without_base_fee)
    signed = treasury.sign_transfer(BOB, ONE_TOKEN, treasury.next_nonce())

    fields = rlp.decode(bytes.fromhex(signed.raw[2:]))
    assert len(fields) == 9  # nonce, gasPrice, gas, to, value, data, v, r, s
    assert int.from_bytes(fields[1], "big") == evm.w3.eth.gas_price
    treasury.broadcast(signed.raw)
    assert treasury.status(signed.tx_hash).state == "succeeded"
    assert treasury.balance_of(BOB) == ONE_TOKEN


@pytest.mark.parametrize(
    ("to", "amount", "nonce", "complaint"),
    [
        ("0xnot-an-address", 1, 0, "not an Ethereum address"),
        (BOB[2:], 1, 0, "not an Ethereum address"),  # no 0x
        (BOB + "00", 1, 0, "not an Ethereum address"),
        ("0x" + BOB[2:].swapcase(), 1, 0, "checksum is wrong"),  # mixed case, every letter flipped
        ("0x" + "00" * 20, 1, 0, "zero address"),
        (BOB, 0, 0, "amount"),
        (BOB, -5, 0, "amount"),
        (BOB, 2**256, 0, "amount"),
        (BOB, True, 0, "amount"),
        (BOB, 1, -1, "nonce"),
    ],
)
def test_it_refuses_to_sign_what_can_never_work(
    treasury: Erc20Treasury, to: str, amount: int, nonce: int, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        treasury.sign_transfer(to, amount, nonce)


def test_a_bad_key_is_refused_without_repeating_it(evm: EvmWorld) -> None:
    secret_ish = "0x" + "ab" * 31  # 62 hex digits: one byte short

    with pytest.raises(ValueError, match="not a valid secp256k1 private key") as caught:
        Erc20Treasury(evm.w3, evm.token.address, secret_ish)

    assert "ab" * 31 not in str(caught.value)
    assert "ab" * 31 not in repr(evm.treasury)


# --- deposits ------------------------------------------------------------------------


def test_incoming_transfers_finds_payments_to_the_treasury_with_exact_amounts(
    evm: EvmWorld, treasury: Erc20Treasury
) -> None:
    alice, dave = evm.w3.eth.accounts[1], evm.w3.eth.accounts[2]
    mint(evm.token, alice, 100 * ONE_TOKEN)
    mint(evm.token, dave, 100 * ONE_TOKEN)
    start = treasury.head() + 1

    first = send_tokens(evm.token, alice, treasury.address, 12_500_001)
    send_tokens(evm.token, alice, dave, 3 * ONE_TOKEN)  # not to the treasury
    second = send_tokens(evm.token, dave, treasury.address, 1)
    payout = treasury.sign_transfer(BOB, ONE_TOKEN, treasury.next_nonce())  # from the treasury
    treasury.broadcast(payout.raw)
    end = treasury.head()

    found = treasury.incoming_transfers(start, end)

    assert [(t.tx_hash, t.from_address, t.to_address, t.amount) for t in found] == [
        (first, alice, treasury.address, 12_500_001),
        (second, dave, treasury.address, 1),
    ]
    assert found[0].block_number < found[1].block_number
    assert all(t.log_index == 0 for t in found)
    # Both ends of the range are included; the mint before it is not.
    assert treasury.incoming_transfers(found[1].block_number, found[1].block_number) == [found[1]]
    assert treasury.incoming_transfers(start, found[0].block_number) == [found[0]]
    assert treasury.incoming_transfers(found[0].block_number + 1, found[1].block_number - 1) == []


def test_an_incoming_amount_of_2_to_the_255_round_trips_exactly(evm: EvmWorld, treasury: Erc20Treasury) -> None:
    whale = evm.w3.eth.accounts[3]
    mint(evm.token, whale, 2**255)
    start = treasury.head() + 1

    tx_hash = send_tokens(evm.token, whale, treasury.address, 2**255)

    assert treasury.incoming_transfers(start, treasury.head()) == [
        IncomingTransfer(
            tx_hash=tx_hash,
            log_index=0,
            block_number=treasury.head(),
            from_address=whale,
            to_address=treasury.address,
            amount=2**255,
        )
    ]
    assert treasury.balance_of(treasury.address) == 2**255 + 1_000 * ONE_TOKEN


def test_a_reversed_block_range_is_refused(treasury: Erc20Treasury) -> None:
    with pytest.raises(ValueError, match="from_block <= to_block"):
        treasury.incoming_transfers(5, 4)


# --- an unreachable node -------------------------------------------------------------


def test_an_unreachable_node_is_a_chain_error_that_says_so(evm: EvmWorld) -> None:
    # Port 9 (discard) on the loopback interface: the connection is refused at once.
    offline = Web3(HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2}))
    treasury = Erc20Treasury(offline, evm.token.address, evm.key)
    # Signed on the live chain, so that only the broadcast meets the dead node.
    signed = evm.treasury.sign_transfer(BOB, ONE_TOKEN, 0)

    for attempt in (
        treasury.head,
        lambda: treasury.chain_id,
        treasury.next_nonce,
        lambda: treasury.balance_of(BOB),
        lambda: treasury.broadcast(signed.raw),
        lambda: treasury.status(signed.tx_hash),
        lambda: treasury.incoming_transfers(0, 10),
        lambda: treasury.sign_transfer(BOB, 1, 0),
    ):
        with pytest.raises(ChainError, match=r"The Ethereum node at http://127\.0\.0\.1:9 could not be reached"):
            attempt()


def test_the_nodes_url_is_named_without_its_secret_parts(evm: EvmWorld) -> None:
    # Providers put the API key in the URL; messages end up in logs and in the database.
    offline = Web3(HTTPProvider("http://user:hunter2@127.0.0.1:9/v3/secret-project-id?key=abc123"))
    treasury = Erc20Treasury(offline, evm.token.address, evm.key)

    with pytest.raises(ChainError) as caught:
        treasury.head()

    message = str(caught.value)
    assert message.startswith("The Ethereum node at http://127.0.0.1:9 could not be reached")
    for secret in ("hunter2", "secret-project-id", "abc123"):
        assert secret not in message
