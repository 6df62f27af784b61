"""``manage.py idempotency_purge [--days N]``: forget Idempotency-Keys (API and web
forms) older than N days (default 7), so the table does not grow forever. A client
retrying with a key after that is treated as a new request. Run it daily from cron."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wallets.idempotency import keys_purge


class Command(BaseCommand):
    help = "Delete Idempotency-Keys finished (or abandoned) more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=float, default=7.0, help="Keep keys younger than this (default 7).")

    def handle(self, *args: Any, days: float, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1: a client may still be retrying a younger request.")
        deleted = keys_purge(older_than=timedelta(days=days))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Idempotency keys deleted: {deleted}.")
