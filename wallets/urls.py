"""/api/v1/auth/ routes: Sign-In with Ethereum and API tokens."""

from __future__ import annotations

from django.urls import path

from wallets import api

app_name = "auth"

urlpatterns = [
    path("nonce", api.NonceApi.as_view(), name="nonce"),
    path("login", api.LoginApi.as_view(), name="login"),
    path("logout", api.LogoutApi.as_view(), name="logout"),
    path("tokens/", api.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:pk>/", api.TokenDetailApi.as_view(), name="token-detail"),
]
