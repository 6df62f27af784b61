"""Site-wide views: health check and error pages."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.errors import DomainError


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise; reports the index status too."""
    status: dict[str, Any] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        status["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any failure to reach the database is the answer
        status["status"] = "error"
        status["database"] = {"status": "error", "error": exc.__class__.__name__}
    status["index"] = _index_status()
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)


def _index_status() -> dict[str, Any]:
    try:
        from matching.services import index_status
    except ImportError:
        # The matching engine arrives with its own issue; until then there is no index.
        return {"status": "not_configured"}
    try:
        status: dict[str, Any] = index_status()
    except Exception as exc:  # the index's health must not hide the database's
        return {"status": "error", "error": exc.__class__.__name__}
    return status


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The one web path for a DomainError that a view could not attach to a form."""
    template = {403: "403.html", 404: "404.html"}.get(error.status_code, "error.html")
    return render(request, template, {"error": error, "message": error.message}, status=error.status_code)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors beyond the request: the error may come from one of them.
    return render(request, "500.html", status=500)
