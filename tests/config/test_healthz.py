from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_index(client: Any) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok", "vendor": connection.vendor}
    assert "status" in body["index"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_fails(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == {"status": "error", "error": "ConnectionError"}
