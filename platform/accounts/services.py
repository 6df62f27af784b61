"""Writes of accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.addresses import normalize_address
from accounts.models import User


def user_get_or_create(*, address: str) -> tuple[User, bool]:
    """The user of a wallet address (any case), created on first sight; True when created.

    Safe under concurrency: if another request creates the same address first (the
    unique index, or full_clean's unique check when it committed before ours ran),
    the existing user is returned. Raises InvalidAddress for a malformed address.
    """
    checksummed = normalize_address(address)
    user = User.objects.filter(address=checksummed).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            return User.objects.create_user(checksummed), True
    except (IntegrityError, ValidationError):
        existing = User.objects.filter(address=checksummed).first()
        if existing is None:
            raise
        return existing, False
