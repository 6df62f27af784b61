"""Small request helpers shared by the web views of every app."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, default: str = "") -> str:
    """The ``next`` parameter (POST, then GET) when it points to this site, else ``default``.

    Guards every redirect-after-action against open redirects to other hosts.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
