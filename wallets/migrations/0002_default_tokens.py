"""The two tokens of the embedded default: the platform token and a stablecoin.

Ledger-only (no contract address); an EVM deployment edits or adds tokens in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TOKENS = [
    {"symbol": "WALL", "name": "WorkWall Token", "decimals": 18, "chain_id": 1},
    {"symbol": "USDC", "name": "USD Coin", "decimals": 6, "chain_id": 1},
]


def create_tokens(apps: Any, schema_editor: Any) -> None:
    Token = apps.get_model("wallets", "Token")
    for data in TOKENS:
        Token.objects.get_or_create(symbol=data["symbol"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("wallets", "0001_initial")]
    operations = [migrations.RunPython(create_tokens, migrations.RunPython.noop)]
