"""Tokens, sign-in nonces and API tokens; the double-entry ledger, milestone escrow
(submissions, disputes), deposits and withdrawals, idempotency keys and the audit trail."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper

from config import clock
from wallets.amounts import MAX_DECIMALS, format_units, humanize_units, parse_amount
from wallets.fields import BaseUnitsField


class Token(models.Model):
    """A token that budgets, rates and payments are denominated in.

    ``contract_address`` is empty for a ledger-only token (the embedded default).
    """

    symbol = models.CharField(
        max_length=12,
        validators=[RegexValidator(r"^[A-Za-z0-9]{1,12}$", "Letters and digits only, up to 12.")],
    )
    name = models.CharField(max_length=64)
    decimals = models.PositiveSmallIntegerField(help_text="Base units per token = 10**decimals (0-36).")
    chain_id = models.PositiveBigIntegerField(default=1)
    contract_address = models.CharField(max_length=42, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(Upper("symbol"), name="wallets_token_symbol_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(decimals__lte=MAX_DECIMALS), name="wallets_token_decimals_max_36"
            ),
        ]

    def __str__(self) -> str:
        return self.symbol

    def parse(self, text: str) -> int:
        """Token units (a decimal string) -> base units. Raises AmountError."""
        return parse_amount(text, self.decimals)

    def format(self, units: int) -> str:
        """Base units -> exact decimal string in token units (the API form)."""
        return format_units(units, self.decimals)

    def humanize(self, units: int) -> str:
        """Base units -> "1,500.25 USDC" for people (large amounts to two decimals)."""
        return f"{humanize_units(units, self.decimals)} {self.symbol}"

    def humanize_exact(self, units: int) -> str:
        """Base units -> "1,500.250001 USDC": every significant decimal, for anything
        that states what money moves or is missing."""
        return f"{humanize_units(units, self.decimals, max_fraction=self.decimals)} {self.symbol}"


class SiweNonce(models.Model):
    """A single-use nonce for one Sign-In with Ethereum message.

    Issued by the nonce endpoint, bound to the browser session that asked for it
    (when there is one), consumed by exactly one successful sign-in: the consuming
    UPDATE is conditional on ``used_at IS NULL``, so of N concurrent sign-ins with
    one nonce, one wins.
    """

    value = models.CharField(max_length=64, unique=True)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    address = models.CharField(max_length=42, blank=True, help_text="EIP-55 address the nonce was asked for, if any.")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.value[:6]}… ({'used' if self.used_at else 'unused'})"


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored; the token itself
    is shown once, when it is made. Tokens expire and can be revoked by their owner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise a token in lists.")
    session_key = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="The browser session it was made with (revoked on logout)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- the ledger -----------------------------------------------------------------
#
# Double entry: every movement of value is one LedgerTransaction whose entries sum to
# zero (all in one token). Accounts carry a running balance, changed only by
# wallets.ledger.post() under row locks; entries record the balance after them, so
# every balance can be re-derived and checked against its entries. Nothing here is
# ever updated or deleted: a mistake is fixed by a reversing transaction.


_M = TypeVar("_M", bound=models.Model)


class ImmutableQuerySet(models.QuerySet[_M, _M]):
    """Bulk updates and deletes are refused: ledger rows are written once."""

    def update(self, **kwargs: object) -> int:
        raise TypeError("Ledger rows are immutable; post a reversing transaction instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger rows are immutable; post a reversing transaction instead.")


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are immutable; post a reversing transaction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are immutable; post a reversing transaction instead.")


class Account(models.Model):
    """A balance of one token: a user's available funds, a milestone's escrow hold,
    the platform's fees, or the outside world (one per token, i.e. per chain and
    contract), which deposits come from and withdrawals go to. Only the external
    account may go negative: minus what has been deposited net of withdrawals."""

    class Kind(models.TextChoices):
        AVAILABLE = "available", "Available balance"
        ESCROW = "escrow", "Milestone escrow"
        FEES = "fees", "Platform fees"
        EXTERNAL = "external", "External (deposits and withdrawals)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    token = models.ForeignKey(Token, on_delete=models.PROTECT, related_name="accounts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_accounts"
    )
    milestone = models.ForeignKey(
        "marketplace.Milestone", on_delete=models.PROTECT, null=True, blank=True, related_name="escrow_accounts"
    )
    balance = BaseUnitsField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["token", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["token", "owner"], condition=models.Q(kind="available"), name="ledger_one_available_per_user"
            ),
            models.UniqueConstraint(
                fields=["token", "milestone"], condition=models.Q(kind="escrow"), name="ledger_one_hold_per_milestone"
            ),
            models.UniqueConstraint(
                fields=["token", "kind"],
                condition=models.Q(kind__in=["fees", "external"]),
                name="ledger_one_platform_account_per_token",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="external") | models.Q(balance__gte=0), name="ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="available", owner__isnull=False, milestone__isnull=True)
                    | models.Q(kind="escrow", owner__isnull=True, milestone__isnull=False)
                    | models.Q(kind__in=["fees", "external"], owner__isnull=True, milestone__isnull=True)
                ),
                name="ledger_account_shape",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.AVAILABLE:
            return f"{self.owner} · {self.token}"
        if self.kind == self.Kind.ESCROW:
            return f"Escrow of milestone {self.milestone_id} · {self.token}"
        return f"{self.get_kind_display()} · {self.token}"


class LedgerTransaction(ImmutableModel):
    """One balanced movement of one token (its entries sum to zero)."""

    class Kind(models.TextChoices):
        FAUCET = "faucet", "Development faucet"
        DEPOSIT = "deposit", "Deposit"
        FUND = "fund", "Milestone funded"
        RELEASE = "release", "Milestone released"
        REFUND = "refund", "Milestone refunded"
        SPLIT = "split", "Dispute settled"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        REVERSAL = "reversal", "Reversal"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    token = models.ForeignKey(Token, on_delete=models.PROTECT, related_name="+")
    memo = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Who caused it; empty for the system (auto-release, chain scanner).",
    )  # fmt: skip
    milestone = models.ForeignKey(
        "marketplace.Milestone", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_transactions"
    )
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    objects = ImmutableQuerySet["LedgerTransaction"].as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.token})"


class LedgerEntry(ImmutableModel):
    """One side of a transaction: ``amount`` (signed base units) added to
    ``account``, whose balance became ``balance_after``."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = BaseUnitsField()
    balance_after = BaseUnitsField()

    objects = ImmutableQuerySet["LedgerEntry"].as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.amount:+d} → account {self.account_id}"


# --- escrow ---------------------------------------------------------------------


class Submission(models.Model):
    """What a contributor delivered for a milestone, and the client's answer if they
    asked for changes. A milestone can have several (after each change request)."""

    milestone = models.ForeignKey("marketplace.Milestone", on_delete=models.CASCADE, related_name="submissions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    links = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    feedback = models.TextField(blank=True, help_text="The client's change request, if any.")
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone", "created_at", "id"]

    def __str__(self) -> str:
        return f"Submission {self.pk} for milestone {self.milestone_id}"


class Dispute(models.Model):
    """A disagreement over a funded milestone, opened by either side and settled by a
    staff arbiter with a split of the hold (any two amounts summing to it)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    milestone = models.ForeignKey("marketplace.Milestone", on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    opened_at = models.DateTimeField(default=clock.now)
    previous_status = models.CharField(max_length=24, help_text="The milestone's status when the dispute opened.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    to_contributor = BaseUnitsField(null=True, blank=True, help_text="Base units released to the contributor.")
    to_client = BaseUnitsField(null=True, blank=True, help_text="Base units refunded to the client.")

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"], condition=models.Q(status="open"), name="dispute_one_open_per_milestone"
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.pk} on milestone {self.milestone_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("wallets:dispute", args=[self.pk])


# --- deposits and withdrawals ---------------------------------------------------


class Withdrawal(models.Model):
    """A user's request to take tokens out, and what the payout backend did with it.

    pending -> sent (tx hash) -> confirmed, or -> failed (the ledger debit reversed).
    The ``ledger`` backend confirms at once. For the ``evm`` backend the signed
    transaction, its nonce and hash are stored before it is broadcast, so a restart
    re-broadcasts that very transaction and never signs a second transfer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        CONFIRMED = "confirmed", "Paid"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawals")
    token = models.ForeignKey(Token, on_delete=models.PROTECT, related_name="+")
    amount = BaseUnitsField()
    to_address = models.CharField(max_length=42)
    backend = models.CharField(max_length=16)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    chain_id = models.PositiveBigIntegerField(null=True, blank=True)
    nonce = models.PositiveBigIntegerField(null=True, blank=True)
    tx_hash = models.CharField(max_length=66, blank=True)
    signed_tx = models.TextField(blank=True, help_text="The raw signed transaction, stored before broadcasting.")
    block_number = models.PositiveBigIntegerField(null=True, blank=True)
    confirmations = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=300, blank=True)
    ledger_transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="withdrawal")
    reversal_transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="withdrawal_amount_positive"),
            models.UniqueConstraint(
                fields=["chain_id", "nonce"], condition=models.Q(nonce__isnull=False), name="withdrawal_one_per_nonce"
            ),
            models.UniqueConstraint(
                fields=["tx_hash"], condition=~models.Q(tx_hash=""), name="withdrawal_tx_hash_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Withdrawal {self.pk} of {self.amount_display} ({self.get_status_display()})"

    @property
    def amount_display(self) -> str:
        return self.token.humanize(self.amount)


class Deposit(models.Model):
    """An ERC-20 transfer to the treasury seen on chain: credited once to the user
    whose verified (signed-in) address sent it, or kept unmatched for staff."""

    class Status(models.TextChoices):
        CREDITED = "credited", "Credited"
        UNMATCHED = "unmatched", "Unknown sender"

    token = models.ForeignKey(Token, on_delete=models.PROTECT, related_name="+")
    chain_id = models.PositiveBigIntegerField()
    tx_hash = models.CharField(max_length=66)
    log_index = models.PositiveIntegerField()
    block_number = models.PositiveBigIntegerField()
    from_address = models.CharField(max_length=42)
    amount = BaseUnitsField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="deposits"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    ledger_transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="deposit"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-block_number", "-log_index"]
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "tx_hash", "log_index"], name="deposit_each_transfer_once"),
        ]

    def __str__(self) -> str:
        return f"Deposit {self.tx_hash}:{self.log_index}"


class ChainCursor(models.Model):
    """The next block the deposit scanner will read, per token."""

    token = models.OneToOneField(Token, on_delete=models.CASCADE, related_name="+")
    next_block = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.token}: from block {self.next_block}"


# --- idempotency and audit ------------------------------------------------------


class IdempotencyKey(models.Model):
    """A money-moving request a client tagged with an ``Idempotency-Key``: the first
    request claims the key; a replay gets the stored response, the same key with
    other parameters a 422, a duplicate while the first still runs a 409."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_status_display()})"


class AuditEvent(models.Model):
    """Who did what to which object, when, with its state before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty for the system (auto-release, chain scanner).",
    )  # fmt: skip
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
