"""wallets.siwe with a contract wallet (ERC-1271) on an in-process EVM. No mocks.

contracts/build/TestERC1271Wallet.json (compiled from contracts/TestERC1271Wallet.sol
for the Cancun EVM by contracts/compile.mjs) is deployed on web3's EthereumTesterProvider
(py-evm). The wallet's owner is an ordinary key; the sign-in message names the
contract's address. The EIP-191 recovery then yields the owner, not the contract, so
the signature is accepted only by asking the contract ``isValidSignature(hash, sig)``,
where ``hash`` is the EIP-191 hash of the message (what the siwe library passes).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct
from eth_utils.crypto import keccak
from web3 import EthereumTesterProvider, HTTPProvider, Web3

from wallets import siwe
from wallets.siwe import SiweError, SiwePolicy

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
ARTEFACT = CONTRACTS / "build" / "TestERC1271Wallet.json"
MAGIC_VALUE = bytes.fromhex("1626ba7e")

OWNER = Account.from_key(keccak(text="workwall test key: contract wallet owner"))
MALLORY = Account.from_key(keccak(text="workwall test key: mallory"))
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def artefact() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ARTEFACT.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def w3() -> Web3:
    return Web3(EthereumTesterProvider())


@pytest.fixture(scope="module")
def wallet(w3: Web3, artefact: dict[str, Any]) -> Any:
    """A TestERC1271Wallet owned by OWNER, deployed from the chain's funded account."""
    factory = w3.eth.contract(abi=artefact["abi"], bytecode=artefact["bytecode"])
    tx_hash = factory.constructor(OWNER.address).transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return w3.eth.contract(address=receipt["contractAddress"], abi=artefact["abi"])


def policy_for(chain_id: int) -> SiwePolicy:
    return SiwePolicy(domain="workwall.example", uri="https://workwall.example", chain_ids=frozenset({chain_id, 1}))


def message_for(address: str, chain_id: int) -> str:
    return siwe.build_message(
        domain="workwall.example",
        address=address,
        uri="https://workwall.example/login",
        chain_id=chain_id,
        nonce=siwe.make_nonce(),
        issued_at=NOW,
    )


def sign_hash(text: str, account: Any = OWNER) -> str:
    """The raw signature of the message's EIP-191 hash: what the contract's ecrecover checks."""
    digest = _hash_eip191_message(encode_defunct(text=text))
    return "0x" + bytes(account.unsafe_sign_hash(digest).signature).hex()


# --- the artefact and the contract ------------------------------------------------


def test_the_committed_artefact_is_compiled_from_the_current_source(artefact: dict[str, Any]) -> None:
    # compile.mjs records the source's SHA-256: an edited .sol without a recompile fails here.
    source = (CONTRACTS / artefact["sourceName"]).read_bytes()
    assert artefact["sourceSha256"] == hashlib.sha256(source).hexdigest(), "run `npm run compile` in contracts/"
    assert artefact["compiler"]["evmVersion"] == "cancun"
    assert artefact["bytecode"].startswith("0x60")


def test_the_contract_accepts_its_owners_signature_of_a_hash_and_nothing_else(w3: Web3, wallet: Any) -> None:
    digest = keccak(text="any 32-byte digest")
    owners = bytes(OWNER.unsafe_sign_hash(digest).signature)
    others = bytes(MALLORY.unsafe_sign_hash(digest).signature)

    assert wallet.functions.owner().call() == OWNER.address
    assert wallet.functions.isValidSignature(digest, owners).call() == MAGIC_VALUE
    # The same signature with v as 0/1 rather than 27/28.
    assert wallet.functions.isValidSignature(digest, owners[:64] + bytes([owners[64] - 27])).call() == MAGIC_VALUE
    assert wallet.functions.isValidSignature(digest, others).call() != MAGIC_VALUE
    assert wallet.functions.isValidSignature(keccak(text="another digest"), owners).call() != MAGIC_VALUE
    assert wallet.functions.isValidSignature(digest, owners[:64]).call() != MAGIC_VALUE
    assert wallet.functions.isValidSignature(digest, b"").call() != MAGIC_VALUE


def test_a_personal_sign_of_the_message_is_the_raw_signature_of_its_eip191_hash() -> None:
    # Why the contract applies no prefix of its own: the hash it is given already is the
    # EIP-191 hash, so the owner's ordinary wallet signature of the text is what it checks.
    text = message_for(OWNER.address, 1)
    personal_sign = "0x" + bytes(OWNER.sign_message(encode_defunct(text=text)).signature).hex()

    assert sign_hash(text) == personal_sign


# --- sign-in with the contract wallet ---------------------------------------------


def test_it_verifies_a_contract_wallets_signature_through_the_provider(w3: Web3, wallet: Any) -> None:
    chain_id = w3.eth.chain_id
    text = message_for(wallet.address, chain_id)

    verified = siwe.verify_message(text, sign_hash(text), policy=policy_for(chain_id), now=NOW, provider=w3.provider)

    assert verified.address == wallet.address
    assert verified.chain_id == chain_id


def test_a_web3_instance_is_accepted_as_the_provider(w3: Web3, wallet: Any) -> None:
    text = message_for(wallet.address, w3.eth.chain_id)

    verified = siwe.verify_message(text, sign_hash(text), policy=policy_for(w3.eth.chain_id), now=NOW, provider=w3)

    assert verified.address == wallet.address


def test_it_refuses_a_signature_from_someone_other_than_the_owner(w3: Web3, wallet: Any) -> None:
    chain_id = w3.eth.chain_id
    text = message_for(wallet.address, chain_id)

    with pytest.raises(SiweError) as caught:
        siwe.verify_message(text, sign_hash(text, MALLORY), policy=policy_for(chain_id), now=NOW, provider=w3.provider)

    assert caught.value.code == "bad_signature"
    assert "contract wallet" in caught.value.message


def test_without_a_provider_a_contract_wallet_cannot_sign_in(w3: Web3, wallet: Any) -> None:
    chain_id = w3.eth.chain_id
    text = message_for(wallet.address, chain_id)

    with pytest.raises(SiweError) as caught:
        siwe.verify_message(text, sign_hash(text), policy=policy_for(chain_id), now=NOW)

    assert caught.value.code == "bad_signature"


def test_the_contract_is_only_asked_on_the_chain_the_message_names(w3: Web3, wallet: Any) -> None:
    # EIP-4361: the chain id is where contract accounts are resolved. A provider for
    # another chain says nothing about the wallet at this address on chain 1.
    text = message_for(wallet.address, 1)

    with pytest.raises(SiweError) as caught:
        siwe.verify_message(text, sign_hash(text), policy=policy_for(1), now=NOW, provider=w3.provider)

    assert caught.value.code == "bad_signature"
    assert f"chain ID {w3.eth.chain_id}" in caught.value.message


def test_an_account_without_code_is_not_a_contract_wallet(w3: Web3) -> None:
    # MALLORY's address holds no contract: the call returns nothing, which is a refusal.
    chain_id = w3.eth.chain_id
    text = message_for(MALLORY.address, chain_id)

    with pytest.raises(SiweError) as caught:
        siwe.verify_message(text, sign_hash(text, OWNER), policy=policy_for(chain_id), now=NOW, provider=w3.provider)

    assert caught.value.code == "bad_signature"


def test_an_unreachable_provider_is_a_refusal_that_says_so(wallet: Any) -> None:
    # Port 9 (discard) on the loopback interface: the connection is refused at once.
    provider = HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2})
    text = message_for(wallet.address, 1)

    with pytest.raises(SiweError) as caught:
        siwe.verify_message(text, sign_hash(text), policy=policy_for(1), now=NOW, provider=provider)

    assert caught.value.code == "bad_signature"
    assert "could not be reached" in caught.value.message
