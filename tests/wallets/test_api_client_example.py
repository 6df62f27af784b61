"""The documented API client (docs/examples/api_client_signin.py) signs in against
a live server with a private key and calls an authenticated endpoint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.cache import cache

from accounts.models import User
from tests.factories import account_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_example_client_signs_in_and_reads_me(live_server: Any, settings: Any) -> None:
    cache.clear()
    # Signed messages must name the site's own origin: here, the live server's.
    origin = urlparse(live_server.url)
    settings.SITE_DOMAIN = origin.netloc
    settings.SITE_SCHEME = origin.scheme
    key = account_for("api-client").key.hex()

    result = subprocess.run(
        [sys.executable, "docs/examples/api_client_signin.py", "--base-url", live_server.url, "--key", key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    address = account_for("api-client").address
    assert f"signed in as {address}" in result.stdout
    assert f'"address": "{address}"' in result.stdout
    assert User.objects.filter(address=address).exists()
