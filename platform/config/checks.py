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
