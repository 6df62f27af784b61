"""Tokens, sign-in nonces and API tokens. The ledger, escrow and payouts arrive
with the escrow issue."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper

from wallets.amounts import MAX_DECIMALS, format_units, humanize_units, parse_amount


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
        """Base units -> "1,500.25 USDC" for people."""
        return f"{humanize_units(units, self.decimals)} {self.symbol}"


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
