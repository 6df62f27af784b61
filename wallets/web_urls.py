"""Web pages of wallets: the wallet, milestone escrow actions and disputes."""

from __future__ import annotations

from django.urls import path

from wallets import views

app_name = "wallets"

urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute"),
]
