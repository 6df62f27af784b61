"""Web pages of wallets: the wallet, milestone escrow actions and disputes.

Each milestone action: GET shows its page (the amounts and the fee, and a form
when it needs input), POST does it and redirects to the milestone on its project page.
"""

from __future__ import annotations

from django.urls import path

from wallets import views

app_name = "wallets"

urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/history.csv", views.wallet_history_csv, name="history_csv"),
    path("wallet/withdraw/", views.withdraw, name="withdraw"),
    path("wallet/faucet/", views.faucet, name="faucet"),
    path("milestones/<int:pk>/fund/", views.milestone_fund, name="milestone_fund"),
    path("milestones/<int:pk>/submit/", views.milestone_submit, name="milestone_submit"),
    path("milestones/<int:pk>/request-changes/", views.milestone_request_changes, name="milestone_request_changes"),
    path("milestones/<int:pk>/approve/", views.milestone_approve, name="milestone_approve"),
    path("milestones/<int:pk>/approve-part/", views.milestone_approve_part, name="milestone_approve_part"),
    path("milestones/<int:pk>/accept-part/", views.milestone_accept_part, name="milestone_accept_part"),
    path("milestones/<int:pk>/refund/", views.milestone_refund, name="milestone_refund"),
    path("milestones/<int:pk>/dispute/", views.milestone_dispute, name="milestone_dispute"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/resolve/", views.dispute_resolve, name="dispute_resolve"),
]
