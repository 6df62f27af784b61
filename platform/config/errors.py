"""The one domain error type. Services raise it; one DRF exception handler
(config.api.exception_handler) and one web path (config.views.domain_error_response
and form errors) turn it into a 4xx with a message a person can act on."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain said no. ``code`` is stable (clients switch on it);
    ``message`` is a full sentence for people; ``field`` names the input at fault."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.extra = extra


class InvalidInput(DomainError):
    status_code = 400
    default_code = "invalid"


class PermissionDenied(DomainError):
    status_code = 403
    default_code = "permission_denied"


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"


class InvalidState(DomainError):
    """The object is not in a state that allows the action (a state-machine refusal)."""

    status_code = 409
    default_code = "invalid_state"


class Conflict(DomainError):
    """The same request is already being handled (a concurrent duplicate)."""

    status_code = 409
    default_code = "conflict"


class Unprocessable(DomainError):
    """Well-formed, but cannot be processed as asked (an idempotency key reused for
    another request)."""

    status_code = 422
    default_code = "unprocessable"
