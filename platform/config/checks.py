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
def check_wallet_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Escrow terms and the payout backend: a mistake here moves real money wrongly."""
    from wallets.arithmetic import MAX_FEE_BPS
    from wallets.chains import BACKENDS

    errors: list[Error] = []
    # A plain check, not only a deploy check: every management command (migrate
    # included) refuses to run with the faucet on in production.
    if not settings.DEBUG and settings.WALLETS_FAUCET:
        errors.append(
            Error(
                "WALLETS_FAUCET is on while DEBUG is off: anyone could mint themselves a balance.",
                hint="Unset WALLETS_FAUCET in production.",
                id="workwall.E008",
            )
        )
    if not 0 <= settings.WALLETS_FEE_BPS <= MAX_FEE_BPS:
        errors.append(
            Error(
                f"WALLETS_FEE_BPS is {settings.WALLETS_FEE_BPS}; it must be 0-{MAX_FEE_BPS} basis points.",
                id="workwall.E009",
            )
        )
    if settings.WALLETS_REVIEW_WINDOW_DAYS < 1:
        errors.append(Error("WALLETS_REVIEW_WINDOW_DAYS must be at least 1 day.", id="workwall.E010"))
    backend = settings.WALLETS_PAYOUT_BACKEND
    if backend not in BACKENDS:
        errors.append(
            Error(f"WALLETS_PAYOUT_BACKEND is {backend!r}; choose one of {', '.join(BACKENDS)}.", id="workwall.E011")
        )
    if backend == "evm" and not (settings.EVM_RPC_URL and settings.EVM_TREASURY_KEY):
        errors.append(
            Error(
                "The evm payout backend needs EVM_RPC_URL and EVM_TREASURY_KEY.",
                hint="See docs/EVM.md.",
                id="workwall.E012",
            )
        )
    if settings.EVM_CONFIRMATIONS < 1:
        errors.append(Error("EVM_CONFIRMATIONS must be at least 1.", id="workwall.E013"))
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


@register()
def check_matching_alert_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    """New-project alerts: a threshold outside the score's range alerts everyone or nobody."""
    errors: list[Error] = []
    if not 0.0 <= settings.MATCHING_ALERT_MIN_SCORE <= 1.0:
        errors.append(
            Error(
                f"MATCHING_ALERT_MIN_SCORE is {settings.MATCHING_ALERT_MIN_SCORE}; match scores are 0-1.",
                hint="The default 0.65 is explained in docs/MATCHING.md.",
                id="workwall.E014",
            )
        )
    if settings.MATCHING_ALERTS_PER_DAY < 0 or settings.MATCHING_ALERT_FANOUT < 0:
        errors.append(
            Error(
                "MATCHING_ALERTS_PER_DAY and MATCHING_ALERT_FANOUT must be 0 (no alerts) or more.", id="workwall.E015"
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
