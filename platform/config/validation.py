"""Input cleaning that services of several apps share. Each function returns the
clean value or raises ``InvalidInput`` naming the field, with a message a person
can act on."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from config.errors import InvalidInput


def clean_text(value: str, *, field: str, label: str, max_length: int | None = None, required: bool = True) -> str:
    """Strip ``value``; refuse it when required and empty, or longer than ``max_length``."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} is required.", code="required", field=field)
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(
            f"{label} is {len(text)} characters long; the limit is {max_length}.", code="too_long", field=field
        )
    return text


def clean_links(links: Iterable[str], *, field: str, limit: int, label: str = "links") -> list[str]:
    """http(s) addresses, stripped, blanks and repeats dropped, at most ``limit``."""
    validator = URLValidator(schemes=["http", "https"])
    cleaned: list[str] = []
    for raw in links:
        link = raw.strip()
        if not link:
            continue
        try:
            validator(link)
        except ValidationError as exc:
            raise InvalidInput(
                f"“{link}” is not a web address (it should start with https://).", code="invalid_url", field=field
            ) from exc
        if link not in cleaned:
            cleaned.append(link)
    if len(cleaned) > limit:
        raise InvalidInput(f"List at most {limit} {label}.", code="too_many_links", field=field)
    return cleaned
