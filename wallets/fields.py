"""A model field that stores integer token base units exactly on every database.

PostgreSQL has ``numeric(78, 0)``, which holds 2**256 - 1 exactly. SQLite has no
such type: a ``DecimalField`` there is stored with NUMERIC affinity, which turns
anything past 2**63 into an 8-byte float and silently loses digits. On SQLite (and
any other backend) this field therefore stores a fixed-width text encoding that
sorts like the numbers it encodes, so ``=``, ``<``, ``>``, ranges and ``ORDER BY``
all work in SQL:

    non-negative n  ->  "p" + n zero-padded to 78 digits
    negative n      ->  "n" + (10**78 + n) zero-padded to 78 digits

("n" sorts before "p", and among negatives a larger n gives a larger string.)
Arithmetic in SQL (``SUM``) is only exact on PostgreSQL; code that sums amounts on
another backend sums the Python ints (see ``wallets.selectors``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core import exceptions
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from wallets.amounts import MAX_BASE_UNITS

_WIDTH = 78
_OFFSET: int = 10**_WIDTH


def encode_text(value: int) -> str:
    """The order-preserving text form of ``value`` (|value| < 10**78)."""
    if value >= 0:
        return "p" + str(value).rjust(_WIDTH, "0")
    return "n" + str(_OFFSET + value).rjust(_WIDTH, "0")


def decode_text(text: str) -> int:
    """Inverse of :func:`encode_text`."""
    if text[0] == "p":
        return int(text[1:])
    if text[0] == "n":
        return int(text[1:]) - _OFFSET
    # Rows written by hand or by an older encoding: a bare integer string.
    return int(text)


class BaseUnitsField(models.Field[Any, Any]):
    """Integer base units of a token, exact up to ±(2**256 - 1) on every database."""

    description = "Integer token base units (exact up to 2**256 - 1)"
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": "“%(value)s” must be a whole number of base units.",
        "range": "The amount is outside ±(2**256 - 1) base units.",
    }

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        if connection.vendor == "postgresql":
            return "numeric(78, 0)"
        return "varchar(79)"

    def get_internal_type(self) -> str:
        # Not a Django built-in type: keeps backends from applying their own
        # conversions (such as SQLite's decimal converter) to the stored text.
        return "BaseUnitsField"

    def to_python(self, value: Any) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            result = value
        else:
            try:
                if isinstance(value, str):
                    result = decode_text(value) if value[:1] in {"p", "n"} else int(value.strip())
                elif isinstance(value, Decimal):
                    if value != value.to_integral_value():
                        raise ValueError(value)
                    result = int(value)
                else:
                    raise TypeError(value)
            except (TypeError, ValueError, ArithmeticError) as exc:
                raise exceptions.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": value}
                ) from exc
        if result is not None and abs(result) > MAX_BASE_UNITS:
            raise exceptions.ValidationError(self.error_messages["range"], code="range")
        return result

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return self.to_python(value)

    def get_db_prep_value(self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if connection.vendor == "postgresql":
            return Decimal(value)
        return encode_text(value)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> int | None:
        if value is None:
            return None
        if isinstance(value, str):
            return decode_text(value)
        return int(value)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super().formfield(**{"form_class": forms.IntegerField, **kwargs})
