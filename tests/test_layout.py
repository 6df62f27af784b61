"""The layout promise of docs/ARCHITECTURE.md: platform/ is a source root, never a
package, so the standard-library ``platform`` module (used by torch and faiss while
they import) stays reachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parents[1]


def test_platform_folder_is_not_a_package() -> None:
    assert (ROOT / "platform" / "config" / "settings.py").exists()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_standard_library_platform_module_works_inside_django() -> None:
    import platform

    assert settings.configured
    assert platform.machine()
    assert platform.system() == "Linux"
    assert Path(platform.__file__).name == "platform.py"


def test_faiss_and_torch_import_in_a_django_process() -> None:
    # A fresh interpreter set up exactly like manage.py: platform/ on sys.path,
    # Django configured, then the two libraries that call platform.machine().
    code = (
        "import sys; sys.path.insert(0, 'platform'); import os;"
        "os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; import django; django.setup();"
        "import faiss, torch, numpy as np; idx = faiss.IndexFlatIP(4);"
        "idx.add(np.eye(4, dtype='float32')); print(idx.ntotal, torch.ones(2).sum().item())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["4", "2.0"]


def test_system_check_refuses_a_platform_package(tmp_path: Path, settings: object) -> None:
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "__init__.py").write_text("")
    settings.BASE_DIR = tmp_path  # type: ignore[attr-defined]
    ids = {message.id for message in run_checks()}
    assert "workwall.E003" in ids
