#!/usr/bin/env python
"""Django's command-line utility for WorkWall.

platform/ is a source root, not a package (see docs/ARCHITECTURE.md): it is put on
sys.path here, so the apps import as ``config``, ``accounts``, ``marketplace``...
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(BASE_DIR / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
