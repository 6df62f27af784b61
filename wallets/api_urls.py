"""/api/v1/ routes of wallets: balances, history, faucet, withdrawals, milestone
escrow actions and disputes."""

from __future__ import annotations

app_name = "wallet_api"

urlpatterns: list[object] = []
