"""Settings come from the environment; production values pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p7VqK2x9-Lw4m3Zr8Tj6Ne1Hb5Yc0Ud2Sf7Ga4Qk9Xo3Pi6Rl8Mv1Ez5Wn0Ct2By",
    "ALLOWED_HOSTS": "workwall.example",
    "SITE_DOMAIN": "workwall.example",
    "DATABASE_URL": "postgres://workwall@db.internal:5432/workwall",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DEV_LOGIN_ENABLED", "WALLETS_FAUCET"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_values_pass_the_deploy_check_at_warning_level() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_secret_key_is_refused_in_production() -> None:
    result = manage("check", "--deploy", env={k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})

    assert result.returncode != 0
    assert "workwall.E001" in result.stderr


def test_the_development_login_is_refused_in_production() -> None:
    result = manage("check", "--deploy", env={**PRODUCTION, "DEV_LOGIN_ENABLED": "true"})

    assert result.returncode != 0
    assert "workwall.E002" in result.stderr


def test_the_faucet_is_refused_in_production_by_every_command_not_only_the_deploy_check() -> None:
    result = manage("check", env={**PRODUCTION, "WALLETS_FAUCET": "true"})

    assert result.returncode != 0
    assert "workwall.E008" in result.stderr


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"WALLETS_FEE_BPS": "5001"}, "workwall.E009"),
        ({"WALLETS_FEE_BPS": "-1"}, "workwall.E009"),
        ({"WALLETS_REVIEW_WINDOW_DAYS": "0"}, "workwall.E010"),
        ({"WALLETS_PAYOUT_BACKEND": "paypal"}, "workwall.E011"),
        ({"WALLETS_PAYOUT_BACKEND": "evm"}, "workwall.E012"),
        ({"EVM_CONFIRMATIONS": "0"}, "workwall.E013"),
    ],
)
def test_wallet_settings_that_would_move_money_wrongly_are_refused(env: dict[str, str], check_id: str) -> None:
    result = manage("check", env=env)

    assert result.returncode != 0
    assert check_id in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DATABASES['default']['ENGINE']", "django.db.backends.postgresql"),
        ("CHANNEL_LAYERS['default']['BACKEND']", "channels_redis.core.RedisChannelLayer"),
        ("CACHES['default']['BACKEND']", "django.core.cache.backends.redis.RedisCache"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("DEV_LOGIN_ENABLED", "False"),
        ("WALLETS_FAUCET", "False"),
    ],
)
def test_production_environment_selects_the_production_services(name: str, expected: str) -> None:
    result = manage("shell", "-c", f"from django.conf import settings; print(settings.{name})", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_embedded_default_needs_no_service() -> None:
    from django.conf import settings

    # The suite's own settings may point at PostgreSQL (CI); manage() drops
    # DATABASE_URL and REDIS_URL, so this reads the defaults in a fresh process.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CHANNEL_LAYERS['default']['BACKEND'], s.DEBUG)",
        env={},
    )
    assert settings.configured
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
    ]


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"SITE_DOMAIN": "https://workwall.example"}, "workwall.E004"),
        ({"SIWE_CHAIN_IDS": ""}, "workwall.E006"),
        ({"SIWE_NONCE_TTL_SECONDS": "3600"}, "workwall.E007"),
    ],
)
def test_sign_in_settings_that_would_lock_everyone_out_are_refused(env: dict[str, str], check_id: str) -> None:
    result = manage("check", env=env)

    assert result.returncode != 0
    assert check_id in result.stderr


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"MATCHING_ALERT_MIN_SCORE": "65"}, "workwall.E014"),
        ({"MATCHING_ALERTS_PER_DAY": "-1"}, "workwall.E015"),
    ],
)
def test_new_project_alert_settings_outside_their_range_are_refused(env: dict[str, str], check_id: str) -> None:
    result = manage("check", env=env)

    assert result.returncode != 0
    assert check_id in result.stderr
