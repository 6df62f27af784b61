"""/api/schema/ is valid OpenAPI 3 and lists every endpoint with its errors."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/projects/": {"get", "post"},
    "/api/v1/projects/{id}/": {"get", "patch", "delete"},
    "/api/v1/projects/{id}/milestones/": {"get", "post"},
    "/api/v1/projects/{id}/applications/": {"get", "post"},
    "/api/v1/projects/{id}/publish/": {"post"},
    "/api/v1/projects/{id}/cancel/": {"post"},
    "/api/v1/projects/{id}/complete/": {"post"},
    "/api/v1/projects/{id}/reviews/": {"get", "post"},
    "/api/v1/applications/{id}/": {"get"},
    "/api/v1/applications/{id}/shortlist/": {"post"},
    "/api/v1/applications/{id}/accept/": {"post"},
    "/api/v1/applications/{id}/reject/": {"post"},
    "/api/v1/applications/{id}/withdraw/": {"post"},
    "/api/v1/contributors/": {"get"},
    "/api/v1/contributors/{id}/": {"get"},
    "/api/v1/me/": {"get", "patch"},
    "/api/v1/me/profile/": {"get", "put", "patch"},
    "/api/v1/skills/": {"get"},
    "/api/v1/tokens/": {"get"},
    "/api/v1/auth/nonce": {"get"},
    "/api/v1/auth/login": {"post"},
    "/api/v1/auth/logout": {"post"},
    "/api/v1/auth/tokens/": {"get", "post"},
    "/api/v1/auth/tokens/{id}/": {"delete"},
    "/api/v1/projects/{id}/matches/": {"get"},
    "/api/v1/contributors/{id}/matches/": {"get"},
    "/api/v1/search/": {"get"},
    "/api/v1/projects/{id}/invitations/": {"post"},
    "/api/v1/wallet/balances/": {"get"},
    "/api/v1/wallet/transactions/": {"get"},
    "/api/v1/wallet/transactions.csv": {"get"},
    "/api/v1/wallet/faucet": {"post"},
    "/api/v1/wallet/withdrawals/": {"get", "post"},
    "/api/v1/wallet/withdrawals/{id}/": {"get"},
    "/api/v1/milestones/{id}/": {"get"},
    "/api/v1/milestones/{id}/fund/": {"post"},
    "/api/v1/milestones/{id}/submit/": {"post"},
    "/api/v1/milestones/{id}/approve/": {"post"},
    "/api/v1/milestones/{id}/request-changes/": {"post"},
    "/api/v1/milestones/{id}/accept-partial/": {"post"},
    "/api/v1/milestones/{id}/refund/": {"post"},
    "/api/v1/milestones/{id}/dispute/": {"post"},
    "/api/v1/disputes/{id}/": {"get"},
    "/api/v1/disputes/{id}/resolve/": {"post"},
    "/api/v1/notifications/": {"get"},
    "/api/v1/notifications/unread-count/": {"get"},
    "/api/v1/notifications/{id}/read/": {"post"},
    "/api/v1/notifications/read-all/": {"post"},
}

MONEY_MOVING = [
    "/api/v1/wallet/faucet",
    "/api/v1/wallet/withdrawals/",
    "/api/v1/milestones/{id}/fund/",
    "/api/v1/milestones/{id}/approve/",
    "/api/v1/milestones/{id}/accept-partial/",
    "/api/v1/milestones/{id}/refund/",
    "/api/v1/disputes/{id}/resolve/",
]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from django.test import Client

    response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema


def test_every_endpoint_and_method_is_listed(schema: dict[str, Any]) -> None:
    listed = {
        path: {m for m in ops if m in {"get", "post", "put", "patch", "delete"}}
        for path, ops in schema["paths"].items()
    }
    for path, methods in EXPECTED.items():
        assert path in listed, path
        assert methods <= listed[path], (path, listed[path])


def test_writes_document_their_errors(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "put", "patch", "delete"}:
                codes = set(operation["responses"])
                assert codes & {"400", "401", "403", "409"}, (path, method, codes)


@pytest.mark.parametrize("path", MONEY_MOVING)
def test_money_moving_posts_document_the_idempotency_key(schema: dict[str, Any], path: str) -> None:
    operation = schema["paths"][path]["post"]
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert not header.get("required", False)
    assert "Only successful responses are stored" in header["description"]
    assert {"409", "422"} <= set(operation["responses"])


def test_the_csv_export_is_documented_as_csv(schema: dict[str, Any]) -> None:
    responses = schema["paths"]["/api/v1/wallet/transactions.csv"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["text/csv"]


def test_bearer_authentication_is_documented(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/v1/auth/login (Sign-In with Ethereum).",
    }


def test_amounts_are_strings_in_the_schema(schema: dict[str, Any]) -> None:
    money = schema["components"]["schemas"]["Money"]["properties"]
    assert money["amount"]["type"] == "string"
    assert money["base_units"]["type"] == "string"


def test_the_docs_page_is_served_without_a_cdn(client: Any) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html
    assert "/static/drf_spectacular_sidecar/" in html
