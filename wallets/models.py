"""Tokens. The ledger, escrow and payouts arrive with the escrow issue."""

from __future__ import annotations

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
