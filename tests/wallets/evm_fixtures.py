"""An in-process EVM with WorkWallToken deployed and a funded treasury, for any test module.

Plain functions, so that a module imports what it needs and writes its own one-line
fixture (pytest fixtures imported from another module trip ruff's F401/F811):

    from tests.wallets.evm_fixtures import EvmWorld, evm_world

    @pytest.fixture
    def evm() -> EvmWorld:
        return evm_world()

The chain is web3's EthereumTesterProvider (py-evm). It mines one block per transaction
as soon as it is sent ("automine"); ``w3.provider.ethereum_tester`` can turn that off
(``disable_auto_mine_transactions``) to keep transactions pending, and mines empty
blocks with ``mine_blocks(n)``. ``w3.eth.accounts`` are ten unlocked accounts holding
1,000,000 ETH each; ``accounts[0]`` deploys and owns the token. No Django, no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils.crypto import keccak
from web3 import EthereumTesterProvider, Web3
from web3.contract import Contract

from wallets.chains.erc20 import Erc20Treasury

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
TOKEN_ARTEFACT = CONTRACTS / "build" / "WorkWallToken.json"

TOKEN_DECIMALS = 6
#: One whole token of WorkWallToken as deployed here, in base units.
ONE_TOKEN = 10**TOKEN_DECIMALS


@cache
def token_artefact() -> dict[str, Any]:
    """contracts/build/WorkWallToken.json: abi, bytecode and how they were compiled."""
    data: dict[str, Any] = json.loads(TOKEN_ARTEFACT.read_text(encoding="utf-8"))
    return data


def new_chain() -> Web3:
    """A fresh in-process chain (a few hundred milliseconds; each test may have its own)."""
    return Web3(EthereumTesterProvider())


def key_for(label: str) -> str:
    """A private key derived from ``label``: the same account in every run, no secrets."""
    return "0x" + keccak(text=f"workwall test key: {label}").hex()


def deploy_token(
    w3: Web3,
    *,
    decimals: int = TOKEN_DECIMALS,
    initial_supply: int = 0,
    name: str = "WorkWall Test Dollar",
    symbol: str = "wUSD",
) -> Contract:
    """Deploy WorkWallToken from ``w3.eth.accounts[0]``, who owns it and may ``mint``."""
    artefact = token_artefact()
    factory = w3.eth.contract(abi=artefact["abi"], bytecode=artefact["bytecode"])
    tx_hash = factory.constructor(name, symbol, decimals, initial_supply).transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1, "WorkWallToken's deployment reverted"
    return w3.eth.contract(address=receipt["contractAddress"], abi=artefact["abi"])


def mint(token: Contract, to: str, amount: int) -> None:
    """Create ``amount`` base units for ``to`` (sent by the token's owner, accounts[0])."""
    w3 = token.w3
    tx_hash = token.functions.mint(to, amount).transact({"from": w3.eth.accounts[0]})
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1


def fund_eth(w3: Web3, to: str, wei: int = 10**18) -> None:
    """Send ``wei`` from accounts[0] to ``to``, for gas."""
    tx_hash = w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": to, "value": wei})
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1


def send_tokens(token: Contract, sender: str, to: str, amount: int) -> str:
    """``sender`` (one of ``w3.eth.accounts``, which are unlocked) transfers ``amount`` to
    ``to``, as a user's wallet would. Returns the transaction hash (0x, lowercase)."""
    w3 = token.w3
    tx_hash = token.functions.transfer(to, amount).transact({"from": sender})
    assert w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    return "0x" + bytes(tx_hash).hex()


def funded_treasury(
    w3: Web3,
    token: Contract,
    *,
    key: str | None = None,
    eth: int = 10**18,
    tokens: int = 1_000 * ONE_TOKEN,
) -> Erc20Treasury:
    """An ``Erc20Treasury`` for ``token`` whose account holds ``eth`` wei for gas and
    ``tokens`` base units. The key is ``key_for("treasury")`` unless given."""
    treasury = Erc20Treasury(w3, token.address, key or key_for("treasury"))
    if eth:
        fund_eth(w3, treasury.address, eth)
    if tokens:
        mint(token, treasury.address, tokens)
    return treasury


def mine_blocks(w3: Web3, count: int) -> None:
    """Mine ``count`` empty blocks."""
    w3.provider.ethereum_tester.mine_blocks(count)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class EvmWorld:
    """A chain, the token on it and a funded treasury (see ``evm_world``)."""

    w3: Web3
    token: Contract
    treasury: Erc20Treasury
    key: str


def evm_world(*, decimals: int = TOKEN_DECIMALS, tokens: int = 1_000 * ONE_TOKEN) -> EvmWorld:
    """A fresh chain with WorkWallToken (``decimals``) and a treasury holding ``tokens``
    base units and 1 ETH; the treasury's key is ``key_for("treasury")``."""
    w3 = new_chain()
    token = deploy_token(w3, decimals=decimals)
    key = key_for("treasury")
    treasury = funded_treasury(w3, token, key=key, tokens=tokens)
    return EvmWorld(w3=w3, token=token, treasury=treasury, key=key)


def fresh_address(label: str) -> str:
    """An EIP-55 address nobody controls in the test (a payee, a stranger)."""
    return str(Account.from_key(key_for(label)).address)
