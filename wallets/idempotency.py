"""``Idempotency-Key`` for money-moving API requests: a retry never moves money twice.

A client that may retry a POST (a timeout, a dropped connection) sends a key of its
choosing, 1-255 printable ASCII characters, unique per request it means; keys are
scoped to the signed-in user. The ``idempotent`` decorator of an APIView ``post``
method then does:

1. Claim. INSERT an ``IdempotencyKey`` row (status ``in_progress``) in its own
   committed transaction, so every other request sees it at once. If the
   (user, key) row exists already:

   - it was made for another request (``request_hash``: SHA-256 of the method, the
     path and the canonical JSON body) -> 422 ``idempotency_key_reused``;
   - it is done -> the stored status and body are replayed, byte for byte, with
     the header ``Idempotent-Replayed: true``; nothing runs again;
   - it is in progress -> 409 ``idempotency_key_in_progress``, unless the claim is
     older than ``IDEMPOTENCY_STALE_SECONDS`` (its request crashed): then this
     request takes it over with a conditional UPDATE (one taker wins).

2. Run. The handler runs inside ``transaction.atomic()``; in that same transaction
   the response (status and rendered JSON body) is stored on the row and the row
   marked done. The response is therefore recorded exactly when the money moved:
   both commit or neither does. ``response_body`` holds the rendered JSON text (a
   JSON string), not the parsed object, because PostgreSQL's jsonb would reorder its
   keys; a request with a key gets those stored bytes as its response too, so the
   original and every replay are byte-for-byte identical.

3. Fail. If the handler raises (a domain error, invalid input, anything) or answers
   with a non-2xx status, the claim is deleted and the error reaches the usual
   exception handler. Only successful responses are stored and replayed: the
   client can fix the cause (fund the balance, correct a field) and retry with the
   same key. A failed request moved no money, so nothing is lost by forgetting it.

Ownership of a claim. ``created_at`` is the time of the current claim. Storing the
response and releasing a claim are UPDATE/DELETE statements conditional on it, so a
slow request whose stale claim was taken over can neither record its response nor
delete the new owner's claim: its transaction is rolled back with a 409 instead,
and the money moves at most once.

Without the header a request runs as usual (the key is optional but strongly
recommended for every money-moving call). The claim needs its own transaction:
the decorated view must not run inside an atomic block (``ATOMIC_REQUESTS`` is off;
``durable=True`` enforces it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from config.api import ErrorSerializer, signed_in_user
from config.errors import Conflict, InvalidInput, Unprocessable
from wallets.models import IdempotencyKey

logger = logging.getLogger("wallets.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255

_KEY_RE = re.compile(rf"[\x20-\x7e]{{1,{MAX_KEY_LENGTH}}}")

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, strongly recommended: a key you choose (1-255 printable ASCII characters, e.g. a UUID), "
        "unique per operation you mean. Retrying with the same key and the same body never repeats the "
        "operation: once it has succeeded, the stored response is returned again, identical, with the "
        "header `Idempotent-Replayed: true`. Only successful responses are stored: after an error (400, "
        "403, 404, 409...) nothing happened and the key is free again, so fix the cause and retry with "
        "the same key. The same key with another body or endpoint is refused with 422 "
        "(`idempotency_key_reused`); while the first request still runs, a duplicate gets 409 "
        "(`idempotency_key_in_progress`). Keys are per user."
    ),
)

IDEMPOTENCY_ERRORS = {
    422: OpenApiResponse(
        ErrorSerializer,
        description="`idempotency_key_reused`: this Idempotency-Key was used for a different request.",
    ),
}

P = ParamSpec("P")
V = TypeVar("V")


@dataclass(frozen=True)
class _Claim:
    """This request owns the key row ``pk`` while its ``created_at`` is ``claimed_at``."""

    pk: int
    claimed_at: datetime


class _NotStored(Exception):
    """A handler's non-2xx response: rolls its transaction back, then is returned."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def key_from(request: Request) -> str | None:
    """The request's Idempotency-Key, None without one; InvalidInput if malformed."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _KEY_RE.fullmatch(raw):
        raise InvalidInput(
            f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID.",
            code="invalid_idempotency_key",
            field=HEADER,
        )
    return raw


def _canonical(data: Any) -> Any:
    if isinstance(data, QueryDict):
        # A form body: one value per field reads like JSON's {"field": "value"}.
        return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}
    return data


def request_fingerprint(method: str, path: str, data: Any) -> str:
    """SHA-256 (hex) of the method, the path and the body as canonical JSON (sorted
    keys, no insignificant whitespace): the same request always gives the same hash."""
    body = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{body}".encode()).hexdigest()


def _replay(row: IdempotencyKey) -> HttpResponse:
    assert row.response_status is not None
    body = row.response_body
    # Stored as the rendered text (a JSON string), so the replay has the original's
    # bytes: a jsonb column would reorder the keys of an object.
    text = body if isinstance(body, str) else JSONRenderer().render(body).decode()
    return _stored_response(row.response_status, text, replayed=True)


def _stored_response(status: int, body: str, *, replayed: bool) -> HttpResponse:
    response = HttpResponse(body.encode(), status=status, content_type="application/json")
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return response


def _claim(*, user: User, key: str, request_hash: str) -> _Claim | IdempotencyKey:
    """Claim (user, key) for this request: a _Claim, or the done row to replay.
    Raises Unprocessable (another request's key) or Conflict (still in progress)."""
    stale_after = timedelta(seconds=settings.IDEMPOTENCY_STALE_SECONDS)
    for _ in range(3):
        now = timezone.now()
        try:
            with transaction.atomic(durable=True):
                row = IdempotencyKey.objects.create(user=user, key=key, request_hash=request_hash, created_at=now)
            return _Claim(pk=row.pk, claimed_at=now)
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # its request failed and released the key meanwhile: claim again
        if existing.request_hash != request_hash:
            raise Unprocessable(
                f"This {HEADER} was used for a different request (another endpoint or body). "
                "Use a new key for a new operation.",
                code="idempotency_key_reused",
                field=HEADER,
            )
        if existing.status == IdempotencyKey.Status.DONE:
            return existing
        if existing.created_at > now - stale_after:
            raise Conflict(
                f"A request with this {HEADER} is still being processed. Wait for its answer, then retry "
                "with the same key to get it.",
                code="idempotency_key_in_progress",
                field=HEADER,
            )
        # The claim is stale: its request crashed (a finished one would be done, a
        # failed one deleted). Take it over unless another retry did so first.
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk, status=IdempotencyKey.Status.IN_PROGRESS, created_at=existing.created_at
        ).update(created_at=now)
        if taken:
            logger.warning("Took over a stale idempotency claim user=%s key=%r", user.pk, key)
            return _Claim(pk=existing.pk, claimed_at=now)
    raise Conflict(
        f"A request with this {HEADER} is still being processed. Wait for its answer, then retry.",
        code="idempotency_key_in_progress",
        field=HEADER,
    )


def _owned(claim: _Claim) -> Q:
    return Q(pk=claim.pk, status=IdempotencyKey.Status.IN_PROGRESS, created_at=claim.claimed_at)


def _release(claim: _Claim) -> None:
    """Delete our claim so the key can be used again (never someone else's)."""
    try:
        IdempotencyKey.objects.filter(_owned(claim)).delete()
    except Exception:
        # The claim stays in progress and is taken over once it is stale.
        logger.exception("Could not release idempotency claim %s", claim.pk)


def run_idempotently(request: Request, handler: Callable[[], Response]) -> HttpResponse | Response:
    """Run ``handler`` under the request's Idempotency-Key (see the module docstring),
    or simply run it when the request has none."""
    key = key_from(request)
    if key is None:
        return handler()
    user = signed_in_user(request)
    outcome = _claim(
        user=user,
        key=key,
        request_hash=request_fingerprint(request.method or "", request.path, request.data),
    )
    if isinstance(outcome, IdempotencyKey):
        return _replay(outcome)
    claim = outcome
    try:
        with transaction.atomic():
            response = handler()
            if not 200 <= response.status_code < 300:
                raise _NotStored(response)
            body = JSONRenderer().render(response.data).decode()
            stored = (
                IdempotencyKey.objects.filter(_owned(claim)).update(
                    status=IdempotencyKey.Status.DONE,
                    response_status=response.status_code,
                    response_body=body,
                    completed_at=timezone.now(),
                )
                == 1
            )
            if not stored:
                # Our claim was taken over as stale while we ran: the other request
                # owns the operation now, so this one must not move money.
                raise Conflict(
                    f"This request took too long and a retry with the same {HEADER} took over. "
                    "Retry with the same key to get its answer.",
                    code="idempotency_key_in_progress",
                    field=HEADER,
                )
    except _NotStored as not_stored:
        _release(claim)
        return not_stored.response
    except Exception:
        _release(claim)
        raise
    return _stored_response(response.status_code, body, replayed=False)


def idempotent(
    method: Callable[Concatenate[V, Request, P], Response],
) -> Callable[Concatenate[V, Request, P], HttpResponse | Response]:
    """Decorate an APIView ``post`` so an ``Idempotency-Key`` header makes it safe
    to retry. Document the header with ``IDEMPOTENCY_KEY_PARAMETER``."""

    @functools.wraps(method)
    def wrapper(view: V, request: Request, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse | Response:
        return run_idempotently(request, lambda: method(view, request, *args, **kwargs))

    return wrapper


def keys_purge(*, older_than: timedelta) -> int:
    """Delete keys whose request finished (or was claimed) before ``older_than``
    ago; a client retrying later than that is treated as a new request. Returns
    how many were deleted. For a periodic job; nothing calls it on its own."""
    cutoff = timezone.now() - older_than
    done = Q(status=IdempotencyKey.Status.DONE, completed_at__lt=cutoff)
    abandoned = Q(status=IdempotencyKey.Status.IN_PROGRESS, created_at__lt=cutoff)
    deleted, _ = IdempotencyKey.objects.filter(done | abandoned).delete()
    return deleted
