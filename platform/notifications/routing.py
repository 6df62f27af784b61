"""Websocket routes (config.asgi mounts them; the protocol is in notifications.consumers)."""

from __future__ import annotations

from channels import DEFAULT_CHANNEL_LAYER
from django.urls import URLPattern, path

from notifications.consumers import NotificationConsumer


def websocket_routes(*, channel_layer_alias: str = DEFAULT_CHANNEL_LAYER) -> list[URLPattern]:
    """The routes, with consumers on the channel layer ``channel_layer_alias``
    (a process serves the default one; tests build apps on others)."""
    return [
        path("ws/notifications/", NotificationConsumer.as_asgi(channel_layer_alias=channel_layer_alias)),
    ]


websocket_urlpatterns = websocket_routes()
