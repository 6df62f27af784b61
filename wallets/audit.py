"""The audit trail: one row per state transition of money or escrow."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import User
from wallets.models import AuditEvent


def audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` (None: the system) did ``action`` to ``target``, in the
    caller's transaction: it is kept exactly when the change is."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        before=before or {},
        after=after or {},
    )
