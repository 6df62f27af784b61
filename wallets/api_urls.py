"""/api/v1/ routes of wallets: balances, history, faucet, withdrawals, milestone
escrow actions and disputes."""

from __future__ import annotations

from django.urls import path

from wallets import money_api as api

app_name = "wallet_api"

urlpatterns = [
    path("wallet/balances/", api.BalancesApi.as_view(), name="balances"),
    path("wallet/transactions/", api.TransactionListApi.as_view(), name="transactions"),
    path("wallet/transactions.csv", api.TransactionCsvApi.as_view(), name="transactions-csv"),
    path("wallet/faucet", api.FaucetApi.as_view(), name="faucet"),
    path("wallet/withdrawals/", api.WithdrawalListCreateApi.as_view(), name="withdrawals"),
    path("wallet/withdrawals/<int:pk>/", api.WithdrawalDetailApi.as_view(), name="withdrawal-detail"),
    path("milestones/<int:pk>/", api.MilestoneDetailApi.as_view(), name="milestone-detail"),
    path("milestones/<int:pk>/fund/", api.MilestoneFundApi.as_view(), name="milestone-fund"),
    path("milestones/<int:pk>/submit/", api.MilestoneSubmitApi.as_view(), name="milestone-submit"),
    path("milestones/<int:pk>/approve/", api.MilestoneApproveApi.as_view(), name="milestone-approve"),
    path(
        "milestones/<int:pk>/request-changes/",
        api.MilestoneRequestChangesApi.as_view(),
        name="milestone-request-changes",
    ),
    path(
        "milestones/<int:pk>/accept-partial/", api.MilestoneAcceptPartialApi.as_view(), name="milestone-accept-partial"
    ),
    path("milestones/<int:pk>/refund/", api.MilestoneRefundApi.as_view(), name="milestone-refund"),
    path("milestones/<int:pk>/dispute/", api.MilestoneDisputeApi.as_view(), name="milestone-dispute"),
    path("disputes/<int:pk>/", api.DisputeDetailApi.as_view(), name="dispute-detail"),
    path("disputes/<int:pk>/resolve/", api.DisputeResolveApi.as_view(), name="dispute-resolve"),
]
