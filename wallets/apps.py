from __future__ import annotations

from django.apps import AppConfig


class WalletsConfig(AppConfig):
    name = "wallets"
    verbose_name = "Wallets and tokens"

    def ready(self) -> None:
        from wallets import schema  # noqa: F401  (registers the OpenAPI auth extension)
