"""Running calls at the same moment in threads, for race tests on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection

from config.errors import DomainError

T = TypeVar("T")


def race(calls: list[Callable[[], T]]) -> list[T | DomainError]:
    """Run ``calls`` in as many threads, released together; each result is the
    return value or the DomainError raised. Every thread closes its connection."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T | DomainError:
        try:
            barrier.wait(timeout=30)
            return call()
        except DomainError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
