"""Single-use tokens of the money forms on the web pages, claimed in the database.

Every money form carries a random token (the ``once`` field, see wallets.views).
The first POST that carries it claims it by inserting an ``IdempotencyKey`` row
(key ``web:<token>``, unique per user) in its own committed transaction, before
the action runs; every worker, process and server sees the row at once, so a
repeat of the same form, wherever it lands, finds the key taken and moves
nothing. The row is marked done once the action succeeded, and deleted if the
action was refused or failed (nothing moved), so the corrected form can be sent
with the same token.

The ``web:`` prefix and the request hash (the view, the path and the posted
fields, as ``wallets.idempotency.request_fingerprint`` computes it) keep these
rows apart from the API's ``Idempotency-Key`` rows: an API request reusing such a
key has another hash and is refused with 422, never replayed.

A claim whose request crashed between the claim and the action stays in progress:
that token is then spent (the person reloads the page for a new one), and
``wallets.idempotency.keys_purge`` removes the row later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from wallets.idempotency import request_fingerprint
from wallets.models import IdempotencyKey

logger = logging.getLogger("wallets.web_idempotency")

KEY_PREFIX = "web:"
# Fields of the form that are not what the person asked for.
UNHASHED_FIELDS = ("csrfmiddlewaretoken",)


@dataclass(frozen=True)
class FormClaim:
    """This request owns the ``IdempotencyKey`` row ``pk`` of its form token."""

    pk: int


def form_fingerprint(*, view: str, path: str, data: QueryDict, token_field: str) -> str:
    """SHA-256 (hex) of the view name, the path and the posted fields, without the
    CSRF token and the form's own single-use token."""
    fields = data.copy()
    for name in (*UNHASHED_FIELDS, token_field):
        fields.pop(name, None)
    return request_fingerprint("POST", f"{view} {path}", fields)


def form_claim(*, user: User, token: str, request_hash: str) -> FormClaim | None:
    """Claim the form token ``token`` of ``user``: a FormClaim, or None if the
    token was claimed before (the form was already sent).

    The row is inserted and committed on its own, so it must not be called inside
    an atomic block (``durable=True`` enforces it)."""
    try:
        with transaction.atomic(durable=True):
            row = IdempotencyKey.objects.create(user=user, key=KEY_PREFIX + token, request_hash=request_hash)
    except IntegrityError:
        return None
    return FormClaim(pk=row.pk)


def form_claim_done(claim: FormClaim) -> None:
    """Record that the claimed form's action succeeded (the row then stays, so the
    token can never be used again). The money has moved by then: a failure here
    is logged, not raised, and the claim stays in progress, which blocks repeats
    just as well."""
    try:
        IdempotencyKey.objects.filter(pk=claim.pk).update(
            status=IdempotencyKey.Status.DONE, completed_at=timezone.now()
        )
    except Exception:
        logger.exception("Could not mark web form claim %s done", claim.pk)


def form_claim_release(claim: FormClaim) -> None:
    """Free the token of a form whose action was refused or rolled back (nothing
    moved), so the corrected form may be sent again. Never frees a done claim."""
    try:
        IdempotencyKey.objects.filter(pk=claim.pk, status=IdempotencyKey.Status.IN_PROGRESS).delete()
    except Exception:
        # The token stays spent: the person reloads the page for a new one.
        logger.exception("Could not release web form claim %s", claim.pk)
