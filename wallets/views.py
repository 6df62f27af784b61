"""Web pages of wallets (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def wallet(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
