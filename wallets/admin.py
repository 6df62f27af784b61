from __future__ import annotations

from django.contrib import admin

from wallets.models import Token


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin[Token]):
    list_display = ["symbol", "name", "decimals", "chain_id", "contract_address", "is_active"]
    list_filter = ["is_active", "chain_id"]
    search_fields = ["symbol", "name", "contract_address"]
