"""System checks that catch a dangerous configuration before it serves anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the development key while DEBUG is off.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="workwall.E001",
            )
        )
    if not settings.DEBUG and settings.DEV_LOGIN_ENABLED:
        errors.append(
            Error(
                "DEV_LOGIN_ENABLED is on while DEBUG is off: anyone could sign in as anyone.",
                hint="Unset DEV_LOGIN_ENABLED in production.",
                id="workwall.E002",
            )
        )
    return errors


@register()
def check_sign_in_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Sign-in compares signed messages with SITE_DOMAIN and SIWE_CHAIN_IDS: a
    value a wallet can never produce would lock everybody out."""
    errors: list[Error] = []
    domain = settings.SITE_DOMAIN
    if not domain or "://" in domain or "/" in domain:
        errors.append(
            Error(
                f"SITE_DOMAIN is {domain!r}; it must be the bare host[:port] people use, e.g. workwall.example.",
                hint="Put the scheme in SITE_SCHEME, not in SITE_DOMAIN.",
                id="workwall.E004",
            )
        )
    if settings.SITE_SCHEME not in {"http", "https"}:
        errors.append(
            Error(f"SITE_SCHEME is {settings.SITE_SCHEME!r}; use https (or http in development).", id="workwall.E005")
        )
    if not settings.SIWE_CHAIN_IDS or any(c <= 0 for c in settings.SIWE_CHAIN_IDS):
        errors.append(
            Error(
                "SIWE_CHAIN_IDS must list at least one positive chain id (e.g. 1 for Ethereum mainnet).",
                id="workwall.E006",
            )
        )
    if not 30 <= settings.SIWE_NONCE_TTL_SECONDS <= 300:
        errors.append(
            Error(
                "SIWE_NONCE_TTL_SECONDS must be between 30 and 300: a sign-in message may live 5 minutes at most.",
                id="workwall.E007",
            )
        )
    return errors


@register(Tags.compatibility)
def check_platform_is_not_a_package(app_configs: Any, **kwargs: Any) -> list[Error]:
    """platform/ must stay a source root: a platform/__init__.py shadows the
    standard-library module that torch and faiss call while importing."""
    if (settings.BASE_DIR / "platform" / "__init__.py").exists():
        return [
            Error(
                "platform/__init__.py exists and shadows the standard-library 'platform' module.",
                hint="Delete platform/__init__.py; platform/ is a source root, not a package.",
                id="workwall.E003",
            )
        ]
    return []
