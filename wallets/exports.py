"""The wallet history as CSV: one format for the web download and the API.

Amounts are exact, signed decimal strings in token units; timestamps are ISO 8601
as in the JSON API. Free text that a spreadsheet would run as a formula (a leading
=, +, -, @) gets a leading apostrophe (CSV injection); amounts never pass through
that."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from rest_framework import serializers

from wallets.models import LedgerEntry

HISTORY_COLUMNS = [
    "id",
    "transaction",
    "created_at",
    "kind",
    "memo",
    "token",
    "amount",
    "balance_after",
    "milestone_id",
    "milestone_title",
    "project_id",
    "project_title",
]

# The same timestamp format as the JSON list (DRF's ISO 8601, in TIME_ZONE).
_TIMESTAMP = serializers.DateTimeField()
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def history_row(entry: LedgerEntry) -> list[str]:
    """One entry of a user's history, in HISTORY_COLUMNS order."""
    record = entry.transaction
    token = entry.account.token
    milestone = record.milestone
    return [
        str(entry.pk),
        str(record.pk),
        _TIMESTAMP.to_representation(record.created_at),
        record.kind,
        csv_text(record.memo or record.get_kind_display()),
        token.symbol,
        token.format(entry.amount),
        token.format(entry.balance_after),
        str(milestone.pk) if milestone else "",
        csv_text(milestone.title) if milestone else "",
        str(milestone.project_id) if milestone else "",
        csv_text(milestone.project.title) if milestone else "",
    ]


class _Echo:
    """A file that hands back what is written to it, for streaming rows."""

    def write(self, value: str) -> str:
        return value


def history_csv_lines(entries: Iterable[LedgerEntry]) -> Iterator[str]:
    """The header and one CSV line per entry, for a streaming response."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HISTORY_COLUMNS)
    for entry in entries:
        yield writer.writerow(history_row(entry))
