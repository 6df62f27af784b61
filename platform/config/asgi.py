"""ASGI entry point: HTTP through Django, websockets through Channels.

Run with ``uvicorn --app-dir platform config.asgi:application``.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels import DEFAULT_CHANNEL_LAYER  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from notifications.middleware import BearerClientOriginValidator, BearerTokenAuthMiddleware  # noqa: E402
from notifications.routing import websocket_routes  # noqa: E402

if settings.MATCHING_WARM_UP:
    # Index snapshots and the embedding model load in the background while the
    # server starts accepting requests (a request before that loads them itself).
    from matching.services import warm_up

    threading.Thread(target=warm_up, name="matching-warm-up", daemon=True).start()


def build_application(*, channel_layer_alias: str = DEFAULT_CHANNEL_LAYER) -> ProtocolTypeRouter:
    """The site's ASGI application, its websocket consumers on ``channel_layer_alias``.

    Websockets: the Origin must be one of ALLOWED_HOSTS (a handshake without Origin
    passes only with a bearer token: not a browser); then the session cookie, or a
    bearer token that overrides it, sets ``scope["user"]`` (notifications.middleware).
    A process serves ``application`` below; tests build more on other layer aliases
    to stand for several workers.
    """
    return ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": BearerClientOriginValidator(
                AuthMiddlewareStack(
                    BearerTokenAuthMiddleware(URLRouter(websocket_routes(channel_layer_alias=channel_layer_alias)))
                )
            ),
        }
    )


application = build_application()
