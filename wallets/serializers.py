"""Input and output serializers of the wallet and escrow API, kept apart (STYLE.md §5).

Amounts travel as exact decimal strings in token units (``Token.format``), never as
floats; base units stay inside. Input amounts are decimal strings (JSON integers are
tolerated, JSON numbers with a fraction refused) parsed with ``Token.parse``; a
token is named by its symbol, in any case. Input serializers parse shapes; the
rules (limits, states, who may act) are the services'.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from config.errors import InvalidInput
from marketplace.models import Milestone
from marketplace.serializers import DecimalStringField, UserPublicSerializer
from wallets import escrow
from wallets.amounts import AmountError, parse_amount
from wallets.models import Dispute, LedgerEntry, LedgerTransaction, Submission, Token, Withdrawal

# --- tokens and amounts ---------------------------------------------------------


def token_by_symbol(symbol: str, *, field: str = "token") -> Token:
    """The token with this symbol, in any case; InvalidInput ``unknown_token``
    (naming the accepted symbols) otherwise."""
    token = Token.objects.filter(symbol__iexact=symbol.strip()).first()
    if token is None:
        accepted = ", ".join(Token.objects.filter(is_active=True).order_by("symbol").values_list("symbol", flat=True))
        raise InvalidInput(
            f"“{symbol}” is not a token accepted here. Use one of: {accepted}.", code="unknown_token", field=field
        )
    return token


def parse_units(token: Token, text: str, *, field: str) -> int:
    """``text`` (token units, more than zero) -> base units of ``token``; a
    ValidationError naming ``field`` with the reason otherwise."""
    try:
        return token.parse(text)
    except AmountError as exc:
        raise serializers.ValidationError({field: [_amount_message(exc, token)]}) from exc


def _amount_message(exc: AmountError, token: Token) -> str:
    return f"{exc} ({token.symbol})"


class TokenSymbolField(serializers.CharField):
    """Input: a token symbol (any case) -> the Token."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "Token symbol, e.g. 'USDC' (any case).")
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        symbol = super().run_validation(data)  # the string checks (required, blank, length) first
        return token_by_symbol(symbol, field=self.field_name or "token")


def amount_text_field(**kwargs: Any) -> DecimalStringField:
    kwargs.setdefault("help_text", "Decimal string in token units, e.g. '1500.5' (not a float).")
    return DecimalStringField(max_length=200, **kwargs)


class TokenUnitsField(DecimalStringField):
    """Input: a decimal string in units of ``context["token"]`` -> base units (int).
    JSON integers are tolerated, floats refused; zero only with ``allow_zero``."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        kwargs.setdefault("help_text", "Decimal string in units of the project's token, e.g. '1500.5'.")
        super().__init__(max_length=200, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        text = super().run_validation(data)  # the shape first: a string, not a float, not blank
        if text is None:
            return None
        token: Token = self.context["token"]
        try:
            return parse_amount(text, token.decimals, allow_zero=self.allow_zero)
        except AmountError as exc:
            raise serializers.ValidationError(_amount_message(exc, token)) from exc


@extend_schema_field(OpenApiTypes.STR)
class UnitsField(serializers.Field[Any, Any, Any, Any]):
    """Read-only: ``obj.<amount_attr>`` base units of ``obj.<token_attr>`` as an
    exact decimal string in token units (null when the amount is null)."""

    def __init__(self, *, amount_attr: str, token_attr: str, **kwargs: Any) -> None:
        self.amount_path = amount_attr
        self.token_path = token_attr
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        units = attrgetter(self.amount_path)(value)
        if units is None:
            return None
        token: Token = attrgetter(self.token_path)(value)
        return token.format(units)


# --- balances and history -------------------------------------------------------


class BalanceOutputSerializer(serializers.Serializer[Any]):
    """One ``selectors.Balance``: amounts in token units."""

    symbol = serializers.CharField(source="token.symbol")
    name = serializers.CharField(source="token.name")
    decimals = serializers.IntegerField(source="token.decimals")
    available = UnitsField(
        amount_attr="available", token_attr="token", help_text="Yours to spend or withdraw (token units)."
    )
    in_escrow = UnitsField(
        amount_attr="in_escrow", token_attr="token", help_text="Funded by you, held for your contributors."
    )
    incoming = UnitsField(amount_attr="incoming", token_attr="token", help_text="Held in escrow for you.")


class MilestoneRefSerializer(serializers.ModelSerializer[Milestone]):
    project = serializers.IntegerField(source="project_id")

    class Meta:
        model = Milestone
        fields = ["id", "title", "project"]
        read_only_fields = fields


class EntryOutputSerializer(serializers.ModelSerializer[LedgerEntry]):
    """One change of your available balance."""

    transaction = serializers.IntegerField(source="transaction_id", help_text="The ledger transaction.")
    created_at = serializers.DateTimeField(source="transaction.created_at")
    kind = serializers.ChoiceField(source="transaction.kind", choices=LedgerTransaction.Kind.choices)
    memo = serializers.CharField(source="transaction.memo")
    token = serializers.CharField(source="account.token.symbol")
    amount = UnitsField(amount_attr="amount", token_attr="account.token", help_text="Signed: negative when money left.")
    balance_after = UnitsField(amount_attr="balance_after", token_attr="account.token")
    milestone = MilestoneRefSerializer(source="transaction.milestone", read_only=True, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "transaction",
            "created_at",
            "kind",
            "memo",
            "token",
            "amount",
            "balance_after",
            "milestone",
        ]
        read_only_fields = fields


# --- faucet and withdrawals -----------------------------------------------------


class FaucetInputSerializer(serializers.Serializer[Any]):
    token = TokenSymbolField()
    amount = amount_text_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["units"] = parse_units(attrs["token"], attrs["amount"], field="amount")
        return attrs


class FaucetOutputSerializer(serializers.Serializer[Any]):
    transaction = serializers.IntegerField(help_text="The ledger transaction that credited you.")
    credited = serializers.CharField(help_text="Token units credited.")
    balance = BalanceOutputSerializer(help_text="Your balance of that token now.")


class WithdrawalInputSerializer(serializers.Serializer[Any]):
    token = TokenSymbolField()
    amount = amount_text_field()
    to_address = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="The 0x address to pay (any case; a mixed-case one must carry a valid EIP-55 checksum). "
        "Default: the address you signed in with.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["units"] = parse_units(attrs["token"], attrs["amount"], field="amount")
        return attrs


class WithdrawalOutputSerializer(serializers.ModelSerializer[Withdrawal]):
    token = serializers.CharField(source="token.symbol")
    amount = UnitsField(amount_attr="amount", token_attr="token")

    class Meta:
        model = Withdrawal
        fields = [
            "id",
            "status",
            "token",
            "amount",
            "to_address",
            "tx_hash",
            "confirmations",
            "failure_reason",
            "created_at",
            "sent_at",
            "settled_at",
        ]
        read_only_fields = fields


# --- milestone escrow -----------------------------------------------------------


class FeeQuoteOutputSerializer(serializers.Serializer[Any]):
    amount = serializers.CharField(help_text="The amount released (token units).")
    fee_bps = serializers.IntegerField(help_text="Fee rate in basis points (250 = 2.5 %).")
    fee = serializers.CharField(help_text="The platform's fee on it (token units).")
    to_contributor = serializers.CharField(help_text="What the contributor receives: amount - fee.")


class SubmissionOutputSerializer(serializers.ModelSerializer[Submission]):
    author = serializers.IntegerField(source="author_id")

    class Meta:
        model = Submission
        fields = ["id", "author", "note", "links", "created_at", "feedback", "feedback_at"]
        read_only_fields = fields


_TOKEN = "project.budget_token"


class MilestoneEscrowOutputSerializer(serializers.ModelSerializer[Milestone]):
    """A milestone as its parties see it in escrow. Amounts are token units."""

    project = serializers.IntegerField(source="project_id")
    token = serializers.CharField(source="project.budget_token.symbol")
    amount = UnitsField(amount_attr="amount", token_attr=_TOKEN)
    fee_bps = serializers.IntegerField(
        allow_null=True, help_text="The fee rate fixed when the milestone was funded; null before."
    )
    fee_quote = serializers.SerializerMethodField(
        help_text="The fee on releasing the whole amount: at the fixed rate once funded, at today's rate before."
    )
    released_amount = UnitsField(
        amount_attr="released_amount", token_attr=_TOKEN, help_text="Paid to the contributor (after the fee)."
    )
    fee_amount = UnitsField(amount_attr="fee_amount", token_attr=_TOKEN, help_text="Taken as the platform fee.")
    refunded_amount = UnitsField(amount_attr="refunded_amount", token_attr=_TOKEN, help_text="Returned to the client.")
    partial_offer = UnitsField(
        amount_attr="partial_offer",
        token_attr=_TOKEN,
        allow_null=True,
        help_text="What the client offers to release in full settlement, if they offered a partial approval.",
    )
    submissions = SubmissionOutputSerializer(many=True, read_only=True)
    open_dispute = serializers.SerializerMethodField(help_text="The id of the open dispute, if any.")

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "order",
            "title",
            "status",
            "token",
            "amount",
            "fee_bps",
            "fee_quote",
            "funded_at",
            "submitted_at",
            "review_due_at",
            "settled_at",
            "released_amount",
            "fee_amount",
            "refunded_amount",
            "partial_offer",
            "partial_offer_note",
            "submissions",
            "open_dispute",
        ]
        read_only_fields = fields

    @extend_schema_field(FeeQuoteOutputSerializer)
    def get_fee_quote(self, obj: Milestone) -> dict[str, Any]:
        quote = escrow.fee_quote(obj)
        token = obj.project.budget_token
        return {
            "amount": token.format(quote.amount),
            "fee_bps": quote.fee_bps,
            "fee": token.format(quote.fee),
            "to_contributor": token.format(quote.to_contributor),
        }

    @extend_schema_field(OpenApiTypes.INT)
    def get_open_dispute(self, obj: Milestone) -> int | None:
        pk: int | None = obj.disputes.filter(status=Dispute.Status.OPEN).values_list("pk", flat=True).first()
        return pk


class _NoteField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, allow_blank=True, default="", max_length=escrow.MAX_NOTE, trim_whitespace=True, **kwargs
        )


class SubmitInputSerializer(serializers.Serializer[Any]):
    note = _NoteField(help_text="What you delivered and how to check it.")
    links = serializers.ListField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        required=False,
        default=list,
        max_length=50,
        help_text=f"http(s) links to the work, at most {escrow.MAX_LINKS}.",
    )


class ApproveInputSerializer(serializers.Serializer[Any]):
    """Without ``amount`` (or with the whole held amount): approve and release.
    With less: offer a partial approval the contributor accepts or disputes."""

    amount = TokenUnitsField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional: release only this much (token units) in full settlement; needs a note.",
    )
    note = _NoteField(help_text="Why only part (for a partial approval).")


class AcceptPartialInputSerializer(serializers.Serializer[Any]):
    amount = TokenUnitsField(
        help_text="The offered amount you accept (token units), as shown in `partial_offer`: if the client "
        "changed the offer since, nothing moves (409 `offer_changed`)."
    )


class RequestChangesInputSerializer(serializers.Serializer[Any]):
    feedback = _NoteField(help_text="What should change.")


class RefundInputSerializer(serializers.Serializer[Any]):
    reason = _NoteField(help_text="Optional: why (shown to the contributor).")


class DisputeInputSerializer(serializers.Serializer[Any]):
    reason = _NoteField(help_text="What went wrong, for the arbiter.")


class DisputeOutputSerializer(serializers.ModelSerializer[Dispute]):
    project = serializers.IntegerField(source="milestone.project_id")
    token = serializers.CharField(source="milestone.project.budget_token.symbol")
    opened_by = UserPublicSerializer(read_only=True)
    resolved_by = UserPublicSerializer(read_only=True, allow_null=True)
    to_contributor = UnitsField(
        amount_attr="to_contributor",
        token_attr="milestone.project.budget_token",
        allow_null=True,
        help_text="Released to the contributor's side before the fee (token units); null until resolved.",
    )
    to_client = UnitsField(
        amount_attr="to_client",
        token_attr="milestone.project.budget_token",
        allow_null=True,
        help_text="Refunded to the client (token units); null until resolved.",
    )

    class Meta:
        model = Dispute
        fields = [
            "id",
            "milestone",
            "project",
            "status",
            "token",
            "opened_by",
            "reason",
            "opened_at",
            "previous_status",
            "resolved_by",
            "resolved_at",
            "resolution",
            "to_contributor",
            "to_client",
        ]
        read_only_fields = fields


class ResolveInputSerializer(serializers.Serializer[Any]):
    to_contributor = TokenUnitsField(
        allow_zero=True, help_text="Token units released to the contributor (the fee comes out of it); may be 0."
    )
    to_client = TokenUnitsField(
        allow_zero=True, help_text="Token units refunded to the client; may be 0. Both sum to the amount held."
    )
    resolution = _NoteField(help_text="The reasoning of the decision, shown to both parties.")
