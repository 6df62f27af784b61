"""An ERC-20 treasury on an EVM chain: sign payouts, broadcast them, follow them, find deposits. No Django.

``Erc20Treasury`` speaks JSON-RPC to one node through a ``web3.Web3`` and holds the
treasury's private key, with which it signs locally (eth-account): the node never sees
the key, so any node, public or private, will do.

Paying out is two steps on purpose:

1. ``sign_transfer(to, amount, nonce)`` builds and signs the ERC-20 ``transfer`` and
   returns a ``SignedTransfer`` (raw transaction, hash, nonce). Nothing is sent.
2. ``broadcast(raw)`` sends those exact bytes.

The caller stores the ``SignedTransfer`` durably between the two. After a crash it
broadcasts the stored bytes again rather than signing anew: the same nonce and the same
hash, so the chain can hold at most one of them, and a second broadcast of a transaction
the node already has (pending or mined) returns its hash instead of failing. A fresh
signature with a fresh nonce, by contrast, would be a second payment.

Units: every amount is an ``int`` of the token's base units (``10**decimals`` of them
make one token); nothing here converts to or from decimal amounts.

Errors: ``ValueError`` for arguments that can never work (a malformed address, a
non-positive amount, a key that is not a key); ``ChainError`` for whatever the node
does or says (unreachable, refused, not a token), with a message meant for operators.

Behaviour of py-evm (web3's ``EthereumTesterProvider``), which the tests run on, and of
real nodes:

- A transfer of more than the treasury holds is accepted at broadcast, mined, and
  reverted by the token (``ERC20InsufficientBalance``): ``status`` reports ``"failed"``,
  and the gas is spent. Geth, anvil and public RPCs do the same, since the gas limit is
  fixed (``gas_limit``) and never estimated, so nothing simulates the call first. Hardhat
  in automine mode mines the transaction too, but answers ``eth_sendRawTransaction``
  with an error: ``broadcast`` then finds the mined transaction and returns its hash, and
  ``status`` says ``"failed"`` there as well.
- Broadcasting a transaction again after it was mined: py-evm raises its own
  ``ValidationError("Invalid transaction nonce: Expected n+1, but got n")``, geth says
  ``nonce too low``, and a pending duplicate is ``already known`` (geth) or ``known
  transaction`` (others). In every case ``broadcast`` asks the node for the hash it
  computed from the raw bytes; if the node has it, the hash is returned and nothing
  else happens: the chain's nonce rule is what guarantees a single transfer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from eth_abi.abi import encode
from eth_account import Account
from eth_typing import ChecksumAddress, HexStr
from eth_utils.address import is_checksum_address, to_checksum_address
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError as EthValidationError
from web3 import Web3
from web3.exceptions import TransactionNotFound, Web3Exception

#: keccak256("transfer(address,uint256)")[:4]
TRANSFER_SELECTOR: Final = bytes.fromhex("a9059cbb")
#: keccak256("balanceOf(address)")[:4]
BALANCE_OF_SELECTOR: Final = bytes.fromhex("70a08231")
#: keccak256("decimals()")[:4]
DECIMALS_SELECTOR: Final = bytes.fromhex("313ce567")
#: keccak256("Transfer(address,address,uint256)"): topic 0 of every ERC-20 Transfer event.
TRANSFER_TOPIC: Final = "0x" + keccak(text="Transfer(address,address,uint256)").hex()

MAX_UINT256: Final = 2**256 - 1
ZERO_ADDRESS: Final = "0x" + "00" * 20

# What a node says when it refuses a transaction whose nonce was already used. Geth and
# anvil: "nonce too low"; Hardhat: "Nonce too low"; Besu: "NONCE_TOO_LOW"; Nethermind:
# "OldNonce"; py-evm: "Invalid transaction nonce: Expected 5, but got 4".
_NONCE_USED = re.compile(r"nonce too low|nonce_too_low|oldnonce|invalid transaction nonce", re.IGNORECASE)

# What the web3 stack raises when a node cannot be reached or answers with an error:
# Web3RPCError (and the rest of Web3Exception) for JSON-RPC errors, OSError for the
# transport (requests' errors and timeouts derive from it), ValueError for answers web3
# cannot format, and eth_utils' ValidationError, which EthereumTesterProvider passes on
# unchanged from py-evm.
_NODE_ERRORS: Final = (Web3Exception, OSError, ValueError, EthValidationError)

TransferState = Literal["unknown", "pending", "succeeded", "failed"]


@dataclass(frozen=True)
class SignedTransfer:
    """An ERC-20 ``transfer`` signed by the treasury and not necessarily sent.

    Store it before broadcasting: ``raw`` is everything needed to send it again, and the
    chain accepts at most one transaction per ``nonce``.
    """

    tx_hash: str  # 0x-prefixed lowercase hex
    raw: str  # 0x-prefixed hex of the signed raw transaction
    nonce: int
    to: str  # EIP-55
    amount: int  # base units


@dataclass(frozen=True)
class TransferStatus:
    """What the node knows of a transaction at one moment.

    - ``unknown``: the node has never heard of the hash, or has dropped it from its pool.
    - ``pending``: in the node's pool, not mined.
    - ``succeeded`` / ``failed``: mined, receipt status 1 / 0 (a failed transfer moved no
      tokens but spent gas).

    ``confirmations`` is ``head - block_number + 1`` once mined (1 in the block that
    holds it), else 0. A chain reorganisation can take a mined transaction back to
    ``pending`` or ``unknown``: a status is a reading, not a final verdict, until the
    caller's confirmation threshold is met.
    """

    state: TransferState
    block_number: int | None
    confirmations: int


@dataclass(frozen=True)
class IncomingTransfer:
    """One ERC-20 ``Transfer`` event of the token to the treasury. ``amount`` in base units;
    addresses EIP-55; ``(tx_hash, log_index)`` identifies the event on its chain."""

    tx_hash: str
    log_index: int
    block_number: int
    from_address: str
    to_address: str
    amount: int


class ChainError(Exception):
    """The node could not be reached, or refused or failed a request. The message is for
    operators: it names the node and repeats what the node said."""


class NonceAlreadyUsed(ChainError):
    """``broadcast`` was refused because the treasury already used the transaction's nonce,
    and the node does not have this transaction: another transaction with that nonce was
    mined instead, so this signed transfer can never be mined."""


def _checksum(address: str, what: str) -> ChecksumAddress:
    """``address`` as EIP-55. Mixed case must be a valid checksum (it catches typos);
    all-lowercase or all-uppercase hex is accepted as it carries no checksum."""
    if not isinstance(address, str) or not re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
        raise ValueError(f"{what} is not an Ethereum address (0x and 40 hex digits): {address!r}")
    digits = address[2:]
    # eth_utils' is_address no longer checks checksums, so the mixed-case rule is here.
    if digits != digits.lower() and digits != digits.upper() and not is_checksum_address(address):
        raise ValueError(f"{what} has mixed case but its EIP-55 checksum is wrong (a typo?): {address!r}")
    return to_checksum_address(address)


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _address_topic(address: str) -> str:
    """An address as an indexed event argument: left-padded to 32 bytes, lowercase hex."""
    return "0x" + "00" * 12 + address[2:].lower()


class Erc20Treasury:
    """The treasury account of one ERC-20 token on the chain ``w3`` is connected to.

    ``treasury_key`` is the account's private key (hex, with or without 0x). It stays in
    this object, is never sent and never printed; ``address`` is the public side.
    ``gas_limit`` is the gas of every transfer: a fixed limit rather than an estimate, so
    that signing needs no simulation and a transfer that would revert is still signed and
    reported (``status`` -> ``"failed"``). 120,000 covers OpenZeppelin's and USDC's
    ``transfer`` to a fresh holder (~52,000) with room; raise it for exotic tokens.

    Not thread-safe as a nonce allocator: ``next_nonce`` asks the node, so two callers
    signing at once get the same nonce. The caller serialises payouts (a database lock).
    """

    def __init__(self, w3: Web3, token_address: str, treasury_key: str, *, gas_limit: int = 120_000) -> None:
        if gas_limit < 21_000:
            raise ValueError(f"gas_limit must be at least 21000, not {gas_limit}")
        try:
            account = Account.from_key(treasury_key)
        except Exception:
            # The key must not appear in the message, nor in a traceback's chained error.
            raise ValueError("treasury_key is not a valid secp256k1 private key (64 hex digits)") from None
        self._w3 = w3
        self._account = account
        self.token_address: ChecksumAddress = _checksum(token_address, "token_address")
        self.address: ChecksumAddress = account.address
        self.gas_limit = gas_limit

    def __repr__(self) -> str:
        return f"Erc20Treasury(token={self.token_address}, treasury={self.address}, node={self._node_name()})"

    # --- reads -----------------------------------------------------------------------

    @cached_property
    def chain_id(self) -> int:
        """The node's chain id, asked once (it is signed into every transaction)."""
        try:
            return int(self._w3.eth.chain_id)
        except _NODE_ERRORS as exc:
            raise self._error("eth_chainId", exc) from exc

    def head(self) -> int:
        """The number of the node's latest block."""
        try:
            return int(self._w3.eth.block_number)
        except _NODE_ERRORS as exc:
            raise self._error("eth_blockNumber", exc) from exc

    def decimals(self) -> int:
        """The token's ``decimals()``: how many base units make one token, as a power of ten."""
        return self._call_uint(DECIMALS_SELECTOR, "decimals()")

    def balance_of(self, address: str) -> int:
        """The token balance of ``address`` at the latest block, in base units."""
        owner = _checksum(address, "address")
        return self._call_uint(BALANCE_OF_SELECTOR + encode(["address"], [owner]), f"balanceOf({owner})")

    def next_nonce(self) -> int:
        """The treasury's next nonce, counting its transactions in the node's pool.

        A node's pool is its own: transactions sent through another node and not yet
        mined are not counted. The caller's own record of signed transfers is the
        authority; this is the starting point and a cross-check.
        """
        try:
            return int(self._w3.eth.get_transaction_count(self.address, "pending"))
        except _NODE_ERRORS as exc:
            raise self._error("eth_getTransactionCount", exc) from exc

    # --- paying out ------------------------------------------------------------------

    def sign_transfer(self, to: str, amount: int, nonce: int) -> SignedTransfer:
        """Build and sign ``token.transfer(to, amount)`` from the treasury with ``nonce``. Sends nothing.

        Fees come from the node at signing time: EIP-1559 (``maxPriorityFeePerGas`` from
        the node, ``maxFeePerGas`` = twice the latest base fee plus that tip, which
        survives six full blocks of rising base fee) or, on a chain whose blocks have no
        base fee, a legacy EIP-155 ``gasPrice``. The chain id is signed in, so the bytes
        are valid on this chain only.
        """
        recipient = _checksum(to, "to")
        if recipient == ZERO_ADDRESS:
            raise ValueError("to is the zero address: ERC-20 tokens refuse transfers to it")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_UINT256:
            raise ValueError(f"amount must be a whole number of base units between 1 and 2**256 - 1, not {amount!r}")
        if isinstance(nonce, bool) or not isinstance(nonce, int) or nonce < 0:
            raise ValueError(f"nonce must be a non-negative int, not {nonce!r}")

        tx: dict[str, Any] = {
            "chainId": self.chain_id,
            "nonce": nonce,
            "to": self.token_address,
            "value": 0,
            "data": TRANSFER_SELECTOR + encode(["address", "uint256"], [recipient, amount]),
            "gas": self.gas_limit,
        }
        tx.update(self._fees())
        signed = self._account.sign_transaction(tx)
        return SignedTransfer(
            tx_hash=_hex(signed.hash),
            raw=_hex(signed.raw_transaction),
            nonce=nonce,
            to=recipient,
            amount=amount,
        )

    def broadcast(self, raw: str) -> str:
        """Send a signed raw transaction; return its hash (0x-prefixed lowercase hex).

        Idempotent: whatever the node answers to the send (``already known``, ``known
        transaction``, ``nonce too low``, py-evm's nonce ``ValidationError``, Hardhat's
        revert error for a transaction it mined anyway, or a timeout after which web3
        retried), if the node then has a transaction with this hash, pending or mined,
        the hash is returned. Sending the same bytes again can never pay twice: the
        nonce is signed in.

        Raises ``NonceAlreadyUsed`` when the nonce was used by another transaction (this
        one will never be mined), ``ChainError`` for any other refusal or an unreachable
        node, ``ValueError`` when ``raw`` is not hex.
        """
        payload = self._raw_bytes(raw)
        tx_hash = _hex(keccak(payload))
        try:
            answered = self._w3.eth.send_raw_transaction(payload)
        except Exception as exc:
            # Caught broadly on purpose: EthereumTesterProvider passes py-evm's and rlp's own
            # exception types through unwrapped, and a real node's refusal is a
            # Web3RPCError. Whatever was raised, the deciding question is the same: does the
            # node now have this transaction?
            if isinstance(exc, OSError) and not isinstance(exc, TimeoutError):
                # Connection refused or reset: asking again would fail the same way.
                raise self._error("eth_sendRawTransaction", exc) from exc
            if self._lookup(tx_hash) is not None:
                return tx_hash
            if _NONCE_USED.search(str(exc)):
                raise NonceAlreadyUsed(
                    f"{self._node_name()} refused transaction {tx_hash}: its nonce was already used by another "
                    f"transaction from {self.address}, so it can never be mined ({self._describe(exc)})."
                ) from exc
            raise self._error("eth_sendRawTransaction", exc) from exc
        if _hex(answered).lower() != tx_hash:
            raise ChainError(
                f"{self._node_name()} accepted the transaction but reported hash {_hex(answered)} "
                f"instead of {tx_hash}: the node is misbehaving."
            )
        return tx_hash

    def status(self, tx_hash: str) -> TransferStatus:
        """What the node knows of ``tx_hash`` now: unknown, pending, or mined with its
        receipt status and confirmations (see ``TransferStatus``)."""
        wanted = self._tx_hash(tx_hash)
        try:
            receipt = self._w3.eth.get_transaction_receipt(wanted)
        except TransactionNotFound:
            receipt = None
        except _NODE_ERRORS as exc:
            raise self._error("eth_getTransactionReceipt", exc) from exc

        if receipt is None:
            if self._lookup(wanted) is None:
                return TransferStatus(state="unknown", block_number=None, confirmations=0)
            # Mined between the two questions or not, the receipt is the only proof of
            # the outcome; the next reading will have it.
            return TransferStatus(state="pending", block_number=None, confirmations=0)

        block_number = int(receipt["blockNumber"])
        # A load-balanced RPC may answer the head from a replica one block behind the one
        # that had the receipt; a mined transaction has at least its own block.
        confirmations = max(1, self.head() - block_number + 1)
        state: TransferState = "succeeded" if int(receipt["status"]) == 1 else "failed"
        return TransferStatus(state=state, block_number=block_number, confirmations=confirmations)

    # --- deposits --------------------------------------------------------------------

    def incoming_transfers(self, from_block: int, to_block: int) -> list[IncomingTransfer]:
        """The token's ``Transfer`` events to the treasury in blocks ``from_block`` to
        ``to_block`` (both included), in block and log order.

        The node filters by the treasury's address, so transfers to anyone else are never
        fetched. Public RPCs cap the range of one ``eth_getLogs`` (often 1,000 to 10,000
        blocks, or a number of results): the caller scans in chunks. Logs the node marks
        ``removed`` (a reorganisation) are left out; credit only blocks that have the
        confirmations the caller requires, and remember ``(tx_hash, log_index)`` to
        credit each event once.
        """
        if from_block < 0 or to_block < from_block:
            raise ValueError(f"block range must satisfy 0 <= from_block <= to_block, not {from_block}..{to_block}")
        # Topics as hex strings: the JSON-RPC form, and the one EthereumTester matches.
        params: Any = {
            "address": self.token_address,
            "fromBlock": from_block,
            "toBlock": to_block,
            "topics": [TRANSFER_TOPIC, None, _address_topic(self.address)],
        }
        try:
            logs = self._w3.eth.get_logs(params)
        except _NODE_ERRORS as exc:
            raise self._error("eth_getLogs", exc) from exc

        found: list[IncomingTransfer] = []
        for log in logs:
            topics = log["topics"]
            data = bytes(log["data"])
            # ERC-721 shares the event signature but indexes the token id (4 topics, no
            # data). Only the ERC-20 form moves an amount.
            if log.get("removed", False) or len(topics) != 3 or len(data) != 32:
                continue
            found.append(
                IncomingTransfer(
                    tx_hash=_hex(log["transactionHash"]),
                    log_index=int(log["logIndex"]),
                    block_number=int(log["blockNumber"]),
                    from_address=to_checksum_address(bytes(topics[1])[-20:]),
                    to_address=to_checksum_address(bytes(topics[2])[-20:]),
                    amount=int.from_bytes(data, "big"),
                )
            )
        found.sort(key=lambda transfer: (transfer.block_number, transfer.log_index))
        return found

    # --- helpers ---------------------------------------------------------------------

    def _fees(self) -> dict[str, Any]:
        try:
            latest = self._w3.eth.get_block("latest")
            base_fee = latest.get("baseFeePerGas")
            if base_fee is None:
                return {"gasPrice": int(self._w3.eth.gas_price)}
            tip = int(self._w3.eth.max_priority_fee)
        except _NODE_ERRORS as exc:
            raise self._error("fee lookup", exc) from exc
        return {"type": 2, "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * int(base_fee) + tip}

    def _call_uint(self, data: bytes, what: str) -> int:
        try:
            answer = bytes(self._w3.eth.call({"to": self.token_address, "data": data}))
        except _NODE_ERRORS as exc:
            raise self._error(f"eth_call {what}", exc) from exc
        if len(answer) != 32:
            raise ChainError(
                f"{self.token_address} answered {what} with {len(answer)} bytes instead of 32 on chain "
                f"{self.chain_id}: is it an ERC-20 contract on this chain?"
            )
        return int.from_bytes(answer, "big")

    def _lookup(self, tx_hash: str) -> Any | None:
        """The node's transaction ``tx_hash`` (pending or mined), or None if it has none."""
        try:
            return self._w3.eth.get_transaction(HexStr(tx_hash))
        except TransactionNotFound:
            return None
        except _NODE_ERRORS as exc:
            raise self._error("eth_getTransactionByHash", exc) from exc

    @staticmethod
    def _raw_bytes(raw: str) -> bytes:
        text = raw[2:] if raw.startswith(("0x", "0X")) else raw
        try:
            payload = bytes.fromhex(text)
        except ValueError:
            raise ValueError("raw is not a hex string of a signed transaction") from None
        if not payload:
            raise ValueError("raw is empty")
        return payload

    @staticmethod
    def _tx_hash(tx_hash: str) -> HexStr:
        if not re.fullmatch(r"0x[0-9a-fA-F]{64}", tx_hash):
            raise ValueError(f"tx_hash must be 0x and 64 hex digits, not {tx_hash!r}")
        return HexStr(tx_hash.lower())

    def _endpoint(self) -> str | None:
        endpoint = getattr(self._w3.provider, "endpoint_uri", None)
        return str(endpoint) if endpoint else None

    def _node_name(self) -> str:
        """The node for people: scheme, host and port only. Providers put API keys in the
        path, the query or the user info of the URL, and messages end up in logs and in
        the database."""
        endpoint = self._endpoint()
        if endpoint is None:
            return f"The Ethereum node ({type(self._w3.provider).__name__})"
        parts = urlsplit(endpoint)
        host = parts.hostname or "?"
        if ":" in host:
            host = f"[{host}]"
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        return f"The Ethereum node at {parts.scheme}://{host}{port}"

    def _describe(self, exc: BaseException) -> str:
        """``exc`` as one line for operators, with the secret parts of the node's URL
        (which requests repeats in its errors) blanked out."""
        text = str(exc).strip() or "no message"
        endpoint = self._endpoint()
        if endpoint is not None:
            parts = urlsplit(endpoint)
            secrets = [endpoint, parts.path, parts.query, parts.username or "", parts.password or ""]
            for secret in sorted(secrets, key=len, reverse=True):
                if len(secret) > 1:
                    text = text.replace(secret, "/…" if secret.startswith("/") else "…")
        return f"{type(exc).__name__}: {text}"[:500]

    def _error(self, what: str, exc: BaseException) -> ChainError:
        if isinstance(exc, OSError):
            return ChainError(f"{self._node_name()} could not be reached ({what}): {self._describe(exc)}")
        return ChainError(f"{self._node_name()} failed {what}: {self._describe(exc)}")
