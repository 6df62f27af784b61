"""Websocket routes. The notifications consumer arrives with the real-time issue."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
