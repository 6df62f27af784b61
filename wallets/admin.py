"""Admin for wallets: tokens (editable, but not their decimals, chain and contract
once the ledger holds an account in them), and read-only views of the ledger, the
payouts, the audit trail and disputes.

Ledger rows are immutable (a mistake is fixed by a reversing transaction), and
every movement of money goes through a service so that its audit row and its
notifications happen: so nothing here adds, changes or deletes a ledger row. The
dispute list is the arbiters' queue (open disputes first, oldest first); a dispute
is resolved on its page, through ``wallets.escrow.dispute_resolve``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import Combinable
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wallets.models import (
    Account,
    AuditEvent,
    Deposit,
    Dispute,
    LedgerEntry,
    LedgerTransaction,
    Token,
    Withdrawal,
)

# What ledger amounts of a token mean: base units per token, and which contract on
# which chain pays them out. Fixed once the ledger holds any account in the token.
TOKEN_LEDGER_FIELDS = ("decimals", "chain_id", "contract_address")


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin[Token]):
    list_display = ["symbol", "name", "decimals", "chain_id", "contract_address", "is_active"]
    list_filter = ["is_active", "chain_id"]
    search_fields = ["symbol", "name", "contract_address"]

    def get_readonly_fields(self, request: HttpRequest, obj: Token | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and Account.objects.filter(token=obj).exists():
            # Changing them would change what every balance in the token is worth,
            # or where withdrawals of it are paid.
            fields += TOKEN_LEDGER_FIELDS
        return fields


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written only by services: staff with the view permission may look."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _units(token: Token, units: int | None) -> str:
    """Exact token units with the symbol (``1000.5 USDC``): the admin is for checking."""
    return "" if units is None else f"{token.format(units)} {token.symbol}"


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "token", "owner", "milestone", "balance_display", "created_at"]
    list_filter = ["kind", "token"]
    search_fields = ["owner__address", "owner__display_name", "milestone__title", "milestone__project__title"]
    list_select_related = ["token", "owner", "milestone"]
    raw_id_fields = ["owner", "milestone"]

    @admin.display(description="Balance", ordering="balance")
    def balance_display(self, obj: Account) -> str:
        return _units(obj.token, obj.balance)


class LedgerEntryInline(admin.TabularInline[LedgerEntry, LedgerTransaction]):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("account", "amount_display", "balance_after_display")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Amount")
    def amount_display(self, obj: LedgerEntry) -> str:
        return _units(obj.account.token, obj.amount)

    @admin.display(description="Balance after")
    def balance_after_display(self, obj: LedgerEntry) -> str:
        return _units(obj.account.token, obj.balance_after)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "token", "memo", "actor", "milestone", "reverses"]
    list_filter = ["kind", "token"]
    search_fields = ["memo", "actor__address", "actor__display_name", "milestone__title"]
    list_select_related = ["token", "actor", "milestone", "reverses"]
    date_hierarchy = "created_at"
    raw_id_fields = ["actor", "milestone", "reverses"]
    inlines = [LedgerEntryInline]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "user", "amount_display", "to_address", "backend", "status", "tx_hash"]
    list_filter = ["status", "backend", "token"]
    search_fields = ["user__address", "user__display_name", "to_address", "tx_hash"]
    list_select_related = ["user", "token"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "ledger_transaction", "reversal_transaction"]
    exclude = ["signed_tx"]  # the raw signed transaction: nothing a person needs to read here

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: Withdrawal) -> str:
        return _units(obj.token, obj.amount)


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "token", "amount_display", "from_address", "user", "status", "tx_hash"]
    list_filter = ["status", "token", "chain_id"]
    search_fields = ["tx_hash", "from_address", "user__address", "user__display_name"]
    list_select_related = ["user", "token"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "ledger_transaction"]

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: Deposit) -> str:
        return _units(obj.token, obj.amount)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "target_type", "target_id", "actor"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_type", "actor__address", "actor__display_name"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    raw_id_fields = ["actor"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """The arbiters' queue. Every staff member may arbitrate (as
    ``dispute_resolve`` allows), so every staff member may see it."""

    list_display = ["opened_at", "status", "subject", "opened_by", "held", "resolve_link"]
    list_filter = ["status"]
    search_fields = ["milestone__project__title", "milestone__title", "reason"]
    list_select_related = ["milestone__project__budget_token", "opened_by"]
    date_hierarchy = "opened_at"
    fields = readonly_fields = (
        "resolve_link",
        "status",
        "milestone",
        "project_title",
        "opened_by",
        "opened_at",
        "previous_status",
        "reason",
        "held",
        "resolved_by",
        "resolved_at",
        "resolution",
        "to_contributor_display",
        "to_client_display",
    )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable]:
        open_first = Case(
            When(status=Dispute.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return [open_first.asc(), "opened_at", "id"]

    @admin.display(description="Project", ordering="milestone__project__title")
    def project_title(self, obj: Dispute) -> str:
        return obj.milestone.project.title

    @admin.display(description="Project · milestone", ordering="milestone__project__title")
    def subject(self, obj: Dispute) -> str:
        return f"{obj.milestone.project.title} · {obj.milestone.title}"

    @admin.display(description="Held")
    def held(self, obj: Dispute) -> str:
        token = obj.milestone.project.budget_token
        return _units(token, obj.milestone.amount) if obj.status == Dispute.Status.OPEN else "settled"

    @admin.display(description="To the contributor (before the fee)")
    def to_contributor_display(self, obj: Dispute) -> str:
        return _units(obj.milestone.project.budget_token, obj.to_contributor)

    @admin.display(description="To the client")
    def to_client_display(self, obj: Dispute) -> str:
        return _units(obj.milestone.project.budget_token, obj.to_client)

    @admin.display(description="Dispute page")
    def resolve_link(self, obj: Dispute) -> SafeString:
        url = reverse("wallets:dispute", args=[obj.pk])
        if obj.status == Dispute.Status.OPEN:
            return format_html('<a href="{}#resolve">Resolve on the dispute page</a>', url)
        return format_html('<a href="{}">See the decision</a>', url)
