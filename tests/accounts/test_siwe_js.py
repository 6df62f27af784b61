"""Static checks of static/js/siwe.js against the dialog markup it drives.

A real wallet cannot run here (tests/e2e/ drives a browser with an injected
EIP-1193 provider); these checks catch the cheap mistakes: a syntax error, a panel
or field the script names but the template lacks, server text written as HTML.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "siwe.js"
BASE = Path(settings.BASE_DIR) / "templates" / "base.html"


@pytest.fixture(scope="module")
def js() -> str:
    return SCRIPT.read_text()


@pytest.fixture(scope="module")
def markup() -> str:
    return BASE.read_text()


def test_it_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: no syntax check")
    result = subprocess.run([node, "--check", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_it_is_strict_and_leaks_no_globals(js: str) -> None:
    assert js.lstrip().startswith("/*")
    assert '"use strict";' in js
    code = js[js.index("(() => {") :]
    assert code.rstrip().endswith("})();")
    assert "window." + "WorkWall" not in js


def test_every_panel_and_field_it_names_is_in_the_template(js: str, markup: str) -> None:
    panels = set(re.findall(r'show\("([a-z-]+)"\)', js))
    fields = set(re.findall(r'field\("([a-z-]+)"\)', js))
    actions = set(re.findall(r"^    ([a-z]+): \(\) =>", js, re.MULTILINE))
    assert {"connect", "no-wallet", "cancelled", "review", "network", "expired", "error"} <= panels
    assert {"message", "error-detail", "expired-detail"} <= fields
    for name in panels:
        assert f'data-siwe-panel="{name}"' in markup, name
    for name in fields:
        assert f'data-siwe-field="{name}"' in markup, name
    assert set(re.findall(r'data-siwe-action="([a-z]+)"', markup)) == actions


def test_server_text_is_written_as_text_never_as_html(js: str) -> None:
    assert "innerHTML" not in js
    assert "insertAdjacentHTML" not in js
    assert "eval(" not in js
    assert "document.write" not in js


def test_it_speaks_eip_1193_and_the_api_contract(js: str) -> None:
    for method in ["eth_requestAccounts", "eth_chainId", "wallet_switchEthereumChain", "personal_sign"]:
        assert f'"{method}"' in js
    assert "USER_REJECTED = 4001" in js
    assert "params: [utf8Hex(challenge.message), challenge.address]" in js
    assert '"X-CSRFToken": csrfToken()' in js
    assert 'credentials: "same-origin"' in js
    assert 'new Set(["nonce_expired", "expired", "stale_issued_at"])' in js
    # No third-party code: the page's CSP allows scripts from this origin only.
    assert "import " not in js
    assert "https://" not in js
