"""The ``evm`` payout backend: withdrawals as ERC-20 transfers from the treasury, deposits
from the token's ``Transfer`` events to it. The chain part is ``Erc20Treasury``
(wallets/chains/erc20.py); this module decides when to sign, send, confirm or fail,
and keeps the database the authority on what was signed.

Paying one withdrawal (``EvmBackend.process``), in steps that each end in a commit:

1. **Sign and store.** In one transaction: lock the withdrawal row; if it is pending and
   has no signed transaction, check the token against the node (chain id, and the
   contract's ``decimals()``, once per instance), lock the ``Token`` rows of its chain
   (``FOR NO KEY UPDATE``, which serialises nonce allocators for the treasury on that
   chain without blocking ledger rows that reference the tokens), take the nonce
   ``max(node's pending count, highest stored nonce on the chain + 1)``, sign the
   transfer, and save nonce, hash and raw bytes. The unique ``(chain_id, nonce)``
   constraint backs the lock up: a collision retries with the next nonce.
2. **Broadcast** the stored bytes, outside any transaction (a node call must not hold
   database locks, and the bytes are already durable).
3. **Mark sent.** In one transaction: lock, pending -> sent, notify the user.
4. **Follow.** Read the transaction's status: succeeded with ``EVM_CONFIRMATIONS``
   -> confirmed (and notify); reverted with ``EVM_CONFIRMATIONS`` -> failed through
   ``payouts.withdrawal_fail`` (the debit is reversed, the user told); fewer
   confirmations -> the count is recorded; unknown to the node (dropped from its pool)
   -> the stored bytes are broadcast again.

The crash windows, and why each is safe:

- *During step 1, before its commit*: the transaction rolls back, so neither the
  nonce nor the signature was stored, and nothing was sent (sending only ever happens
  from stored bytes). The next pass signs afresh; the lost signature never left the
  process.
- *After step 1's commit, before or during the broadcast*: the row is pending with
  ``signed_tx``. The next pass skips step 1 (it never signs a withdrawal twice) and
  broadcasts the same bytes. If the first broadcast did reach the node, the second
  returns the same hash: same nonce, same transaction, so the chain holds at most one.
- *After the broadcast, before step 3's commit*: the same as above; the re-broadcast
  of a transaction the node already has (pending or mined) is answered with its hash.
- *After step 3*: step 4 only reads, and every transition it makes re-checks the
  status under the row lock, so two workers (or a retry) cannot confirm or fail twice.

Two workers processing one withdrawal at once: the row lock of step 1 lets one sign;
the other then sees ``signed_tx`` and broadcasts the same bytes.

When a withdrawal is failed, its ledger debit is reversed, so a failure must be
certain: the transfer did not pay and never can.

- A reverted transfer is failed only once its block has ``EVM_CONFIRMATIONS``, like a
  success: a reorganisation could otherwise bring it back in another block.
- ``NonceAlreadyUsed`` (the node refuses our bytes because the treasury's nonce is
  used and it has no transaction with our hash) fails the withdrawal only when the
  treasury's transaction count at the newest confirmed block (``head -
  EVM_CONFIRMATIONS + 1``) is past our nonce, and the node still has no receipt or
  transaction for our hash: then another transaction with our nonce is final and ours
  can never be mined. Otherwise it waits. That also covers py-evm, which reports a
  nonce *gap* (an earlier stored transfer not yet mined) with the same message.

Node trouble (``ChainError``: unreachable, timed out, refused) never changes a row:
``process`` raises it, naming the withdrawal, and leaves the withdrawal as it stands;
``scan_deposits`` scans every other token first, then raises it. The caller decides:
``manage.py payouts_run`` logs it per withdrawal, goes on with the others and exits
with status 1 (cron sees the outage); the on-commit attempt of ``withdrawal_request``
logs it and leaves the withdrawal to the worker. Waiting is not an error: a transfer
short of confirmations, or a refused nonce that is not yet provably taken, is logged
(logger ``wallets.chains.evm``) and left for the next pass.

Deposits (``EvmBackend.scan_deposits``): one ``ChainCursor`` per token holds the next
block to read. A missing cursor is created at ``first_block`` when given, else at the
newest confirmed block (a fresh install does not read the chain's history; set the
cursor lower to rescan, which is safe). Blocks up to the newest confirmed one are read
in ranges of at most ``scan_chunk`` blocks, and each range's credits and the cursor's
advance commit together, so a crash repeats at most one range, whose transfers
``payouts.deposit_record`` recognises by (chain id, hash, log index).

Locks: withdrawal row, then the chain's token rows (step 1 only); a cursor row alone
while scanning. Network calls run outside transactions except in step 1, which must
hold the allocation lock while it asks the node for the nonce and the fees it signs.
"""

from __future__ import annotations

import functools
import logging
import weakref
from typing import Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from eth_account import Account
from web3 import Web3

from wallets import payouts
from wallets.audit import audit
from wallets.chains.base import PayoutBackend
from wallets.chains.erc20 import ZERO_ADDRESS, ChainError, Erc20Treasury, NonceAlreadyUsed, TransferStatus
from wallets.models import ChainCursor, Deposit, Token, Withdrawal

logger = logging.getLogger("wallets.chains.evm")

#: Seconds one JSON-RPC request to ``EVM_RPC_URL`` may take.
RPC_TIMEOUT_SECONDS: Final = 10
#: Blocks read by one ``eth_getLogs`` while scanning for deposits (public RPCs cap the range).
SCAN_CHUNK_BLOCKS: Final = 2_000
#: Nonces tried when another allocator stored the one chosen (which the lock makes rare).
NONCE_ATTEMPTS: Final = 5

_WITHDRAWAL_FIELDS: Final = ["chain_id", "nonce", "tx_hash", "signed_tx"]


def connect() -> Web3:
    """A Web3 for the node at ``settings.EVM_RPC_URL``, one per URL per process (so its
    HTTP connections are reused). Constructing it sends nothing.

    ``EvmBackend`` calls this when it is not given a ``w3``; tests replace it (with
    ``monkeypatch``) to run ``get_backend()`` on an in-process chain."""
    url: str = settings.EVM_RPC_URL
    if not url:
        raise ImproperlyConfigured("The evm payout backend needs EVM_RPC_URL (see docs/EVM.md).")
    return _http_node(url)


@functools.cache
def _http_node(url: str) -> Web3:
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": RPC_TIMEOUT_SECONDS}))


# The chain id of each node object, asked once: check_token runs inside the transaction
# of every withdrawal request, which should not wait for the node each time.
_chain_ids: weakref.WeakKeyDictionary[Web3, int] = weakref.WeakKeyDictionary()


def _snapshot(withdrawal: Withdrawal) -> dict[str, object]:
    return {
        "status": withdrawal.status,
        "chain_id": withdrawal.chain_id,
        "nonce": withdrawal.nonce,
        "tx_hash": withdrawal.tx_hash,
        "block_number": withdrawal.block_number,
        "confirmations": withdrawal.confirmations,
    }


def _locked(withdrawal_id: int) -> Withdrawal:
    """The withdrawal, its row locked until the caller's transaction ends."""
    return Withdrawal.objects.select_for_update(of=("self",)).select_related("token", "user").get(pk=withdrawal_id)


class EvmBackend(PayoutBackend):
    """Pays withdrawals and takes deposits of every ``Token`` with a ``contract_address``
    on the chain of the node, from and to the account of the treasury key.

    ``w3`` defaults to ``connect()``, ``treasury_key`` to ``EVM_TREASURY_KEY``,
    ``confirmations`` to ``EVM_CONFIRMATIONS``. ``first_block`` is where a token's
    deposit scan starts when it has no cursor yet (default: the newest confirmed
    block). Constructing sends nothing to the node. One instance serves one thread.
    """

    name = "evm"

    def __init__(
        self,
        *,
        w3: Web3 | None = None,
        treasury_key: str | None = None,
        confirmations: int | None = None,
        first_block: int | None = None,
        scan_chunk: int = SCAN_CHUNK_BLOCKS,
    ) -> None:
        key: str = settings.EVM_TREASURY_KEY if treasury_key is None else treasury_key
        if not key:
            raise ImproperlyConfigured("The evm payout backend needs EVM_TREASURY_KEY (see docs/EVM.md).")
        try:
            self.treasury_address: str = Account.from_key(key).address
        except Exception:
            # Neither the key nor an error quoting it may reach a log.
            raise ImproperlyConfigured("EVM_TREASURY_KEY is not a private key (0x and 64 hex digits).") from None
        self.confirmations: int = settings.EVM_CONFIRMATIONS if confirmations is None else confirmations
        if self.confirmations < 1:
            raise ImproperlyConfigured("EVM_CONFIRMATIONS must be at least 1.")
        if scan_chunk < 1:
            raise ValueError(f"scan_chunk must be at least 1, not {scan_chunk}")
        self.w3 = connect() if w3 is None else w3
        self.first_block = first_block
        self.scan_chunk = scan_chunk
        self._key = key
        self._treasuries: dict[str, Erc20Treasury] = {}
        self._verified: set[tuple[int, int, str, int]] = set()

    def __repr__(self) -> str:
        return f"EvmBackend(treasury={self.treasury_address}, confirmations={self.confirmations})"

    def deposit_address(self, token: Token) -> str | None:
        """The treasury, for every token with a contract (no call to the node)."""
        return self.treasury_address if token.contract_address else None

    # --- tokens ----------------------------------------------------------------------

    def _treasury(self, token: Token) -> Erc20Treasury:
        """The treasury of ``token``'s contract. Raises ValueError for a malformed address."""
        address = token.contract_address.lower()
        treasury = self._treasuries.get(address)
        if treasury is None:
            treasury = Erc20Treasury(self.w3, token.contract_address, self._key)
            self._treasuries[address] = treasury
        return treasury

    def _node_chain_id(self, treasury: Erc20Treasury) -> int:
        known = _chain_ids.get(self.w3)
        if known is None:
            known = treasury.chain_id
            _chain_ids[self.w3] = known
        return known

    def check_token(self, token: Token) -> str | None:
        """Why ``token`` cannot be withdrawn now, for the user: no contract address, a
        malformed one, a chain other than the node's, or a node that cannot be reached.
        Asks the node for its chain id once per process."""
        try:
            problem = self._token_problem(token)
        except ChainError as exc:
            logger.warning("Withdrawals of %s refused: %s", token, exc)
            return f"Withdrawals of {token} are unavailable right now (the chain cannot be reached). Try again later."
        return problem

    def _token_problem(self, token: Token) -> str | None:
        """What is wrong with ``token``'s configuration for this node, or None. Raises
        ChainError when the node cannot tell its chain id."""
        if not token.contract_address:
            return f"{token} is kept on this ledger only (it has no token contract), so it cannot be withdrawn."
        try:
            treasury = self._treasury(token)
        except ValueError:
            return f"{token}'s contract address is not valid, so it cannot be withdrawn. Please tell the operators."
        chain_id = self._node_chain_id(treasury)
        if chain_id != token.chain_id:
            return (
                f"{token} is configured for chain {token.chain_id}, but this server pays out on chain {chain_id}: "
                "it cannot be withdrawn. Please tell the operators."
            )
        return None

    def _verify_contract(self, token: Token, treasury: Erc20Treasury) -> None:
        """Raise ChainError unless the node is on ``token.chain_id`` and the contract there
        answers ``decimals()`` with ``token.decimals``. Asked once per instance and token
        configuration, before the first signature and the first scan: a transfer to an
        address without code "succeeds" and moves nothing, and wrong decimals would pay
        or credit amounts off by powers of ten."""
        configuration = (token.pk, token.chain_id, token.contract_address.lower(), token.decimals)
        if configuration in self._verified:
            return
        if treasury.chain_id != token.chain_id:
            raise ChainError(f"{token} is configured for chain {token.chain_id}; the node is on {treasury.chain_id}.")
        decimals = treasury.decimals()
        if decimals != token.decimals:
            raise ChainError(
                f"{token} is configured with {token.decimals} decimals, but its contract {treasury.token_address} "
                f"says {decimals}: correct the Token row."
            )
        self._verified.add(configuration)

    # --- withdrawals ------------------------------------------------------------------

    def on_request(self, withdrawal: Withdrawal) -> None:
        """Nothing happens on chain inside the request's transaction: the withdrawal stays
        pending, and ``payouts.withdrawal_request`` calls ``process`` after the commit."""

    def process(self, withdrawal_id: int) -> Withdrawal:
        """Move one withdrawal forward as far as it goes now (see the module docstring:
        sign and store, broadcast, mark sent, follow) and return it as stored.

        Safe to call any number of times, concurrently and after a crash at any point:
        it signs a withdrawal once and only ever broadcasts the stored bytes. A confirmed
        or failed withdrawal is returned unchanged. Raises ``ChainError`` when the node
        cannot be reached or refuses: the withdrawal is then left as it was, to retry.
        """
        withdrawal = Withdrawal.objects.select_related("token", "user").get(pk=withdrawal_id)
        try:
            if withdrawal.status == Withdrawal.Status.PENDING and not withdrawal.signed_tx:
                withdrawal = self._sign(withdrawal_id)
            if withdrawal.status == Withdrawal.Status.PENDING and withdrawal.signed_tx:
                withdrawal = self._send(withdrawal)
            if withdrawal.status == Withdrawal.Status.SENT:
                withdrawal = self._follow(withdrawal)
        except ChainError as exc:
            raise ChainError(f"Withdrawal {withdrawal.pk} stays {withdrawal.status} for now: {exc}") from exc
        return Withdrawal.objects.select_related("token", "user").get(pk=withdrawal_id)

    def _sign(self, withdrawal_id: int) -> Withdrawal:
        """Step 1: allocate a nonce, sign, store; one transaction (see the module docstring)."""
        with transaction.atomic():
            withdrawal = _locked(withdrawal_id)
            if withdrawal.status != Withdrawal.Status.PENDING or withdrawal.signed_tx:
                return withdrawal  # another worker signed it first
            token = withdrawal.token
            problem = self._token_problem(token)
            if problem:
                # The token was changed since the request. Nothing is signed: once the
                # operator fixes the token (or fails the withdrawal by hand, docs/EVM.md)
                # the next pass goes on. Raised, so that the worker reports it.
                raise ChainError(f"It cannot be signed: {problem}")
            treasury = self._treasury(token)
            self._verify_contract(token, treasury)
            chain_id = token.chain_id
            # The treasury's nonces are per chain, shared by all its tokens there.
            list(
                Token.objects.select_for_update(no_key=True)
                .filter(chain_id=chain_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            highest = Withdrawal.objects.filter(chain_id=chain_id, nonce__isnull=False).aggregate(n=Max("nonce"))["n"]
            nonce = max(treasury.next_nonce(), 0 if highest is None else int(highest) + 1)
            for _ in range(NONCE_ATTEMPTS):
                try:
                    signed = treasury.sign_transfer(withdrawal.to_address, int(withdrawal.amount), nonce)
                except ValueError as exc:
                    # The destination can never receive this token (the zero address,
                    # say): nothing was signed, so failing is safe.
                    return payouts.withdrawal_fail(withdrawal=withdrawal, reason=f"It cannot be paid: {exc}.")
                withdrawal.chain_id = chain_id
                withdrawal.nonce = signed.nonce
                withdrawal.tx_hash = signed.tx_hash
                withdrawal.signed_tx = signed.raw
                try:
                    with transaction.atomic():
                        withdrawal.save(update_fields=_WITHDRAWAL_FIELDS)
                except IntegrityError:
                    logger.warning("Nonce %s on chain %s was taken; trying the next one.", nonce, chain_id)
                    nonce += 1
                    continue
                audit(
                    actor=None,
                    action="withdrawal.sign",
                    target=withdrawal,
                    after={"nonce": signed.nonce, "tx_hash": signed.tx_hash},
                )
                return withdrawal
        raise RuntimeError(f"No free nonce for withdrawal {withdrawal_id} after {NONCE_ATTEMPTS} attempts.")

    def _send(self, withdrawal: Withdrawal) -> Withdrawal:
        """Steps 2 and 3: broadcast the stored bytes (no transaction open), then mark sent."""
        treasury = self._treasury(withdrawal.token)
        try:
            tx_hash = treasury.broadcast(withdrawal.signed_tx)
        except NonceAlreadyUsed as exc:
            return self._fail_if_nonce_taken(withdrawal, treasury, exc)
        if tx_hash != withdrawal.tx_hash:
            raise ChainError(f"Broadcasting withdrawal {withdrawal.pk} gave hash {tx_hash}, not {withdrawal.tx_hash}.")
        with transaction.atomic():
            withdrawal = _locked(withdrawal.pk)
            if withdrawal.status != Withdrawal.Status.PENDING:
                return withdrawal
            before = _snapshot(withdrawal)
            withdrawal.status = Withdrawal.Status.SENT
            withdrawal.sent_at = timezone.now()
            withdrawal.save(update_fields=["status", "sent_at"])
            audit(actor=None, action="withdrawal.send", target=withdrawal, before=before, after=_snapshot(withdrawal))
            payouts.withdrawal_notify(withdrawal)
        return withdrawal

    def _follow(self, withdrawal: Withdrawal) -> Withdrawal:
        """Step 4: confirm, fail, record confirmations, or re-broadcast a dropped transfer."""
        treasury = self._treasury(withdrawal.token)
        status = treasury.status(withdrawal.tx_hash)
        if status.state == "unknown":
            # Sent, and yet the node does not have it: dropped from its pool, or it went
            # through another node. The same bytes again; never a new signature.
            logger.info(
                "Withdrawal %s: %s is unknown to the node; broadcasting it again.", withdrawal.pk, withdrawal.tx_hash
            )
            try:
                treasury.broadcast(withdrawal.signed_tx)
            except NonceAlreadyUsed as exc:
                return self._fail_if_nonce_taken(withdrawal, treasury, exc)
            resent = TransferStatus(state="pending", block_number=None, confirmations=0)
            return self._record_progress(withdrawal, resent)
        if status.state == "pending" or status.confirmations < self.confirmations:
            return self._record_progress(withdrawal, status)
        if status.state == "succeeded":
            return self._confirm(withdrawal, status)
        return self._fail_reverted(withdrawal, status)

    def _record_progress(self, withdrawal: Withdrawal, status: TransferStatus) -> Withdrawal:
        if (withdrawal.block_number, withdrawal.confirmations) != (status.block_number, status.confirmations):
            # A conditional update: progress is no transition, and a settled row stays as it is.
            Withdrawal.objects.filter(pk=withdrawal.pk, status=Withdrawal.Status.SENT).update(
                block_number=status.block_number, confirmations=status.confirmations
            )
            withdrawal.block_number, withdrawal.confirmations = status.block_number, status.confirmations
        return withdrawal

    def _confirm(self, withdrawal: Withdrawal, status: TransferStatus) -> Withdrawal:
        """sent -> confirmed: the transfer succeeded and has enough confirmations."""
        with transaction.atomic():
            withdrawal = _locked(withdrawal.pk)
            if withdrawal.status != Withdrawal.Status.SENT:
                return withdrawal
            before = _snapshot(withdrawal)
            withdrawal.status = Withdrawal.Status.CONFIRMED
            withdrawal.block_number = status.block_number
            withdrawal.confirmations = status.confirmations
            withdrawal.settled_at = timezone.now()
            withdrawal.save(update_fields=["status", "block_number", "confirmations", "settled_at"])
            audit(
                actor=None, action="withdrawal.confirm", target=withdrawal, before=before, after=_snapshot(withdrawal)
            )
            payouts.withdrawal_notify(withdrawal)
        return withdrawal

    def _fail_reverted(self, withdrawal: Withdrawal, status: TransferStatus) -> Withdrawal:
        """sent -> failed: the token reverted the transfer (no tokens moved) and that block
        has enough confirmations. The debit is reversed by ``payouts.withdrawal_fail``."""
        with transaction.atomic():
            withdrawal = _locked(withdrawal.pk)
            if withdrawal.status != Withdrawal.Status.SENT:
                return withdrawal
            withdrawal.block_number = status.block_number
            withdrawal.confirmations = status.confirmations
            withdrawal.save(update_fields=["block_number", "confirmations"])
            return payouts.withdrawal_fail(
                withdrawal=withdrawal, reason=f"The token contract refused the transfer (tx {withdrawal.tx_hash})."
            )

    def _fail_if_nonce_taken(
        self, withdrawal: Withdrawal, treasury: Erc20Treasury, exc: NonceAlreadyUsed
    ) -> Withdrawal:
        """Fail ``withdrawal`` if another transaction with its nonce is final, so that its
        own can never be mined; else leave it (see the module docstring)."""
        assert withdrawal.nonce is not None
        final_block = treasury.head() - self.confirmations + 1
        final_count = self._transaction_count(treasury, final_block) if final_block >= 0 else 0
        if final_count <= withdrawal.nonce:
            logger.warning(
                "Withdrawal %s (nonce %s): the node refused it, but no transaction with that nonce has %s "
                "confirmations yet (an earlier nonce still unmined, or a replacement not yet final); "
                "the next pass tries again. The node said: %s",
                withdrawal.pk,
                withdrawal.nonce,
                self.confirmations,
                exc,
            )
            return withdrawal
        if treasury.status(withdrawal.tx_hash).state != "unknown":
            return withdrawal  # a lagging node answered the broadcast: ours exists after all
        with transaction.atomic():
            withdrawal = _locked(withdrawal.pk)
            if withdrawal.status not in (Withdrawal.Status.PENDING, Withdrawal.Status.SENT):
                return withdrawal
            logger.error(
                "Withdrawal %s failed: nonce %s was used by another transaction.", withdrawal.pk, withdrawal.nonce
            )
            return payouts.withdrawal_fail(
                withdrawal=withdrawal,
                reason=(
                    f"The treasury used nonce {withdrawal.nonce} for another transaction, so transfer "
                    f"{withdrawal.tx_hash} can never be mined."
                ),
            )

    def _transaction_count(self, treasury: Erc20Treasury, block: int) -> int:
        """How many transactions the treasury had sent as of ``block`` (its next nonce then)."""
        try:
            return int(self.w3.eth.get_transaction_count(treasury.address, block))
        except Exception as exc:
            # The node's message may quote its URL, which may hold an API key: only the type.
            raise ChainError(
                f"{treasury!r}: eth_getTransactionCount at block {block} failed ({type(exc).__name__})."
            ) from exc

    # --- deposits ---------------------------------------------------------------------

    def scan_deposits(self) -> int:
        """Credit the confirmed transfers to the treasury of every active token on the
        node's chain, each once; return how many were credited to a user (unmatched
        ones are recorded for staff and not counted). Mints (transfers from the zero
        address) and zero-amount transfers are not deposits and are skipped. When the node
        fails for a token, the other tokens are scanned, then ``ChainError`` is raised;
        the failed token's cursor stays where its last committed range left it."""
        credited = 0
        problems: list[str] = []
        tokens = Token.objects.filter(is_active=True).exclude(contract_address="").order_by("pk")
        for token in tokens:
            try:
                treasury = self._treasury(token)
            except ValueError as exc:
                logger.error("Deposits of %s cannot be scanned: %s", token, exc)
                continue
            try:
                credited += self._scan_token(token, treasury)
            except ChainError as exc:
                problems.append(f"{token}: {exc}")
        if problems:
            raise ChainError(
                f"Deposit scan incomplete ({credited} credited; the next scan resumes at each token's cursor): "
                + " ".join(problems)
            )
        return credited

    def _scan_token(self, token: Token, treasury: Erc20Treasury) -> int:
        if self._node_chain_id(treasury) != token.chain_id:
            return 0  # a token of another chain: another deployment's node scans it
        self._verify_contract(token, treasury)
        newest_final = treasury.head() - self.confirmations + 1
        cursor = self._cursor(token, newest_final)
        credited = 0
        start = cursor.next_block
        while start <= newest_final:
            end = min(start + self.scan_chunk - 1, newest_final)
            transfers = treasury.incoming_transfers(start, end)
            with transaction.atomic():
                cursor = ChainCursor.objects.select_for_update().get(pk=cursor.pk)
                if cursor.next_block != start:
                    # Another scanner (or an operator) moved the cursor meanwhile: go on
                    # from where it stands rather than move it back.
                    start = cursor.next_block
                    continue
                for transfer in transfers:
                    if transfer.amount == 0 or transfer.from_address.lower() == ZERO_ADDRESS:
                        continue
                    deposit = payouts.deposit_record(
                        token=token,
                        tx_hash=transfer.tx_hash,
                        log_index=transfer.log_index,
                        block_number=transfer.block_number,
                        from_address=transfer.from_address,
                        amount=transfer.amount,
                    )
                    if deposit is not None and deposit.status == Deposit.Status.CREDITED:
                        credited += 1
                cursor.next_block = end + 1
                cursor.save(update_fields=["next_block", "updated_at"])
            start = end + 1
        return credited

    def _cursor(self, token: Token, newest_final: int) -> ChainCursor:
        """``token``'s cursor, created at ``first_block`` or the newest final block."""
        cursor = ChainCursor.objects.filter(token=token).first()
        if cursor is not None:
            return cursor
        start = self.first_block if self.first_block is not None else max(0, newest_final)
        try:
            with transaction.atomic():
                return ChainCursor.objects.create(token=token, next_block=start)
        except IntegrityError:
            return ChainCursor.objects.get(token=token)  # a concurrent scanner made it
