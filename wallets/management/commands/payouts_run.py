"""``manage.py payouts_run [--loop SECONDS]``: push every unfinished withdrawal
forward and scan for deposits.

Without ``--loop`` it makes one pass and exits (for cron); with it, it makes a pass
every SECONDS until SIGTERM or Ctrl-C, finishing the pass under way first and
stopping within half a second when it is between passes (a worker process).
Backends promise that processing a withdrawal is safe to repeat and to interrupt
at any point, so overlapping runs and restarts never pay twice.

A pass is ``wallets.payouts.payouts_run()``: one withdrawal whose processing raises
is logged with its traceback and the pass goes on with the others. A single pass
that met an error exits with status 1, so cron reports it; the loop logs it and
retries on its next pass.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections

from wallets.payouts import PassResult, payouts_run

logger = logging.getLogger("wallets.payouts")

STOP_LATENCY = 0.5  # seconds: how long a worker between passes may take to notice SIGTERM


def _drop_stale_connections() -> None:
    """A long-lived worker must not keep using a connection the database closed
    (a restart, CONN_MAX_AGE): drop such connections before each pass, as Django
    does around each request. Never inside a transaction someone else opened."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


class Command(BaseCommand):
    help = (
        "Process unfinished withdrawals and credit new deposits: one pass (for cron), "
        "or a pass every SECONDS with --loop (a worker process)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Run a pass every SECONDS until stopped (SIGTERM or Ctrl-C), instead of one pass.",
        )

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity: int = options["verbosity"]
        if loop is None:
            result = payouts_run()
            self._report(result)
            if result.errors:
                raise CommandError(f"{result.errors} error(s) in this pass (see the log); the next pass retries them.")
            return
        if loop < 0:
            raise CommandError("--loop needs a number of seconds, 0 or more.")
        self._run_forever(loop)

    def _run_forever(self, seconds: float) -> None:
        # The signal handler only records the signal: locks (of an Event, of
        # logging) taken in a handler can deadlock with the code it interrupted.
        received: list[int] = []

        def request_stop(signum: int, frame: FrameType | None) -> None:
            received.append(signum)

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        passes = 0
        try:
            while not received:
                _drop_stale_connections()
                try:
                    self._report(payouts_run())
                except Exception:  # the database or backend is down: wait and retry
                    logger.exception("The payout pass failed; retrying in %s s.", seconds)
                passes += 1
                # Sleep in short slices, so that a stop never waits out the interval.
                deadline = time.monotonic() + seconds
                while not received and (left := deadline - time.monotonic()) > 0:
                    time.sleep(min(left, STOP_LATENCY))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _drop_stale_connections()
        logger.info("Signal %s received: stopped after %s pass(es).", received[0], passes)
        if self.verbosity >= 1:
            self.stdout.write(f"Stopped after {passes} pass(es).")

    def _report(self, result: PassResult) -> None:
        if self.verbosity >= 1:
            failed = f" ({len(result.failed)} failed)" if result.failed else ""
            scan = " (the deposit scan failed)" if result.scan_failed else ""
            self.stdout.write(
                f"Withdrawals processed: {len(result.processed)}{failed}; deposits credited: {result.deposits}{scan}."
            )
        if self.verbosity >= 2:
            for pk, status in result.processed:
                self.stdout.write(f"  withdrawal {pk}: {status}")
            for pk in result.failed:
                self.stdout.write(f"  withdrawal {pk}: error (see the log)")
