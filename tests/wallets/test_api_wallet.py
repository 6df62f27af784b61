"""/api/v1/wallet/: balances, history (JSON and CSV), the faucet and withdrawals."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from marketplace.models import Project
from tests.factories import MilestoneFactory, ProjectFactory, UserFactory, account_for, token
from wallets import escrow, payouts, selectors
from wallets.models import LedgerEntry, Withdrawal

pytestmark = pytest.mark.django_db

USDC = 10**6


@pytest.fixture(autouse=True)
def _wallet_settings(settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    settings.WALLETS_FAUCET_MAX = "10000"
    settings.WALLETS_FEE_BPS = 250
    settings.WALLETS_PAYOUT_BACKEND = "ledger"


def available(user: User, symbol: str = "USDC") -> int:
    return selectors.available_balance(user, token(symbol))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/wallet/balances/"),
        ("get", "/api/v1/wallet/transactions/"),
        ("get", "/api/v1/wallet/transactions.csv"),
        ("post", "/api/v1/wallet/faucet"),
        ("get", "/api/v1/wallet/withdrawals/"),
        ("post", "/api/v1/wallet/withdrawals/"),
        ("get", "/api/v1/wallet/withdrawals/1/"),
    ],
)
def test_every_wallet_endpoint_needs_a_signed_in_user(api_as: Any, method: str, url: str) -> None:
    response = getattr(api_as(None), method)(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- balances -------------------------------------------------------------------


def test_balances_show_available_escrowed_and_incoming_amounts_per_token(
    api_as: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)

    alice = api_as(client_alice).get("/api/v1/wallet/balances/")
    bob = api_as(contributor_bob).get("/api/v1/wallet/balances/")

    assert alice.status_code == 200
    assert alice.json() == [
        {
            "symbol": "USDC",
            "name": "USD Coin",
            "decimals": 6,
            "available": "9000",
            "in_escrow": "1000",
            "incoming": "0",
        },
        {
            "symbol": "WALL",
            "name": "WorkWall Token",
            "decimals": 18,
            "available": "0",
            "in_escrow": "0",
            "incoming": "0",
        },
    ]
    assert bob.json()[0] == {
        "symbol": "USDC",
        "name": "USD Coin",
        "decimals": 6,
        "available": "0",
        "in_escrow": "0",
        "incoming": "1000",
    }


def test_balances_are_exact_decimal_strings(api_as: Any, client_alice: User) -> None:
    payouts.faucet(user=client_alice, token=token("WALL"), amount=1_234_567_890_123_456_789_012)

    wall = api_as(client_alice).get("/api/v1/wallet/balances/").json()[1]

    assert wall["available"] == "1234.567890123456789012"


# --- transactions ---------------------------------------------------------------


def _fund_first_milestone(project: Project, client: User) -> Any:
    milestone = project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=client)
    return milestone


def test_transactions_list_the_users_balance_changes_newest_first(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    milestone = _fund_first_milestone(hired_project, client_alice)
    fund, faucet = LedgerEntry.objects.filter(account__owner=client_alice).order_by("-id")

    response = api_as(client_alice).get("/api/v1/wallet/transactions/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": fund.pk,
        "transaction": fund.transaction_id,
        "created_at": body["results"][0]["created_at"],
        "kind": "fund",
        "memo": "Funded “Prototype”",
        "token": "USDC",
        "amount": "-1000",
        "balance_after": "9000",
        "milestone": {"id": milestone.pk, "title": "Prototype", "project": hired_project.pk},
    }
    assert body["results"][1] == {
        "id": faucet.pk,
        "transaction": faucet.transaction_id,
        "created_at": body["results"][1]["created_at"],
        "kind": "faucet",
        "memo": "Test tokens from the development faucet",
        "token": "USDC",
        "amount": "10000",
        "balance_after": "10000",
        "milestone": None,
    }


def test_transactions_are_only_the_users_own(api_as: Any, hired_project: Project, mallory: User) -> None:
    response = api_as(mallory).get("/api/v1/wallet/transactions/")

    assert response.json()["count"] == 0


def test_transactions_filter_by_token_in_any_case(api_as: Any, hired_project: Project, client_alice: User) -> None:
    payouts.faucet(user=client_alice, token=token("WALL"), amount=5 * 10**18)
    client = api_as(client_alice)

    wall = client.get("/api/v1/wallet/transactions/", {"token": "wall"}).json()
    usdc = client.get("/api/v1/wallet/transactions/", {"token": "USDC"}).json()

    assert [(r["token"], r["amount"]) for r in wall["results"]] == [("WALL", "5")]
    assert [(r["token"], r["amount"]) for r in usdc["results"]] == [("USDC", "10000")]


def test_transactions_refuse_an_unknown_token_naming_the_accepted_ones(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).get("/api/v1/wallet/transactions/", {"token": "DOGE"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_token"
    assert body["detail"] == "“DOGE” is not a token accepted here. Use one of: USDC, WALL."
    assert body["errors"] == {"token": [body["detail"]]}


def test_transactions_are_paginated(api_as: Any, client_alice: User) -> None:
    for _ in range(3):
        payouts.faucet(user=client_alice, token=token("USDC"), amount=USDC)

    body = api_as(client_alice).get("/api/v1/wallet/transactions/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [r["balance_after"] for r in body["results"]] == ["3", "2"]
    assert body["next"] is not None


def test_the_csv_export_has_every_row_with_exact_amounts(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    milestone = _fund_first_milestone(hired_project, client_alice)
    payouts.faucet(user=client_alice, token=token("USDC"), amount=1_500_001)  # 1.500001
    faucet2, fund, faucet1 = LedgerEntry.objects.filter(account__owner=client_alice).order_by("-id")

    response = api_as(client_alice).get("/api/v1/wallet/transactions.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    address = client_alice.address[:10].lower()
    assert response["Content-Disposition"] == (
        f'attachment; filename="workwall-{address}-{timezone.localdate():%Y-%m-%d}.csv"'
    )

    def when(entry: LedgerEntry) -> str:
        return entry.transaction.created_at.isoformat().replace("+00:00", "Z")

    assert response.content.decode() == (
        "id,transaction,created_at,kind,memo,token,amount,balance_after,milestone_id,milestone_title,project_id,"
        "project_title\r\n"
        f"{faucet2.pk},{faucet2.transaction_id},{when(faucet2)},faucet,Test tokens from the development faucet,"
        "USDC,1.500001,9001.500001,,,,\r\n"
        f"{fund.pk},{fund.transaction_id},{when(fund)},fund,Funded “Prototype”,USDC,-1000,9000,"
        f"{milestone.pk},Prototype,{hired_project.pk},Subnet validator\r\n"
        f"{faucet1.pk},{faucet1.transaction_id},{when(faucet1)},faucet,Test tokens from the development faucet,"
        "USDC,10000,10000,,,,\r\n"
    )


def test_the_csv_export_filters_by_token_and_names_it_in_the_file(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    payouts.faucet(user=client_alice, token=token("WALL"), amount=10**18)

    response = api_as(client_alice).get("/api/v1/wallet/transactions.csv", {"token": "wall"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(",faucet,Test tokens from the development faucet,WALL,1,1,,,,")
    assert f"-wall-{timezone.localdate():%Y-%m-%d}.csv" in response["Content-Disposition"]


def test_the_csv_export_defuses_spreadsheet_formulas_in_text(
    api_as: Any, client_alice: User, contributor_bob: User
) -> None:
    project = ProjectFactory(owner=client_alice, contributor=contributor_bob, status=Project.Status.IN_PROGRESS)
    milestone = MilestoneFactory(project=project, title='=HYPERLINK("https://evil.example","x")', amount=USDC)
    payouts.faucet(user=client_alice, token=token("USDC"), amount=USDC)
    escrow.milestone_fund(milestone=milestone, actor=client_alice)

    rows = api_as(client_alice).get("/api/v1/wallet/transactions.csv").content.decode().splitlines()

    assert ",USDC,-1,0," in rows[1]
    assert f',"\'=HYPERLINK(""https://evil.example"",""x"")",{project.pk}' in rows[1]


def test_the_csv_export_refuses_an_unknown_token_in_json(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).get("/api/v1/wallet/transactions.csv", {"token": "nope"})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_token"


# --- faucet ---------------------------------------------------------------------


def test_the_faucet_credits_tokens_and_returns_the_new_balance(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/faucet", {"token": "usdc", "amount": "100.5"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["credited"] == "100.5"
    assert body["balance"] == {
        "symbol": "USDC",
        "name": "USD Coin",
        "decimals": 6,
        "available": "100.5",
        "in_escrow": "0",
        "incoming": "0",
    }
    assert LedgerEntry.objects.get(account__owner=client_alice).transaction_id == body["transaction"]
    assert available(client_alice) == 100_500_000


def test_the_faucet_accepts_a_json_integer(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/faucet", {"token": "USDC", "amount": 100}, format="json")

    assert response.status_code == 201
    assert available(client_alice) == 100 * USDC


def test_the_faucet_is_refused_when_switched_off(api_as: Any, client_alice: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = False

    response = api_as(client_alice).post("/api/v1/wallet/faucet", {"token": "USDC", "amount": "100"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"code": "faucet_disabled", "detail": "The faucet is switched off on this server."}
    assert available(client_alice) == 0


def test_the_faucet_gives_at_most_its_limit(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).post(
        "/api/v1/wallet/faucet", {"token": "USDC", "amount": "10000.01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "faucet_limit"
    assert response.json()["errors"] == {"amount": ["The faucet gives at most 10,000 USDC at a time."]}


BAD_AMOUNTS = [
    ("1.0000001", "This token has 6 decimal places; the amount has 7. (USDC)"),
    ("-5", "The amount cannot be negative. (USDC)"),
    ("0", "The amount must be greater than zero. (USDC)"),
    ("0.000", "The amount must be greater than zero. (USDC)"),
    ("abc", "“abc” is not a number. Enter an amount such as 1500 or 12.5. (USDC)"),
    ("1,5", "“1,5” is not a number. Enter an amount such as 1500 or 12.5. (USDC)"),
    (
        1.5,
        'Send amounts as decimal strings such as "1500.5": a JSON number with a fraction is a float and cannot '
        "hold an exact amount.",
    ),
    (True, "Not a valid string."),
    ("", "This field may not be blank."),
    (None, "This field may not be null."),
]


@pytest.mark.parametrize(("amount", "message"), BAD_AMOUNTS)
def test_the_faucet_refuses_a_bad_amount_naming_the_field(
    api_as: Any, client_alice: User, amount: Any, message: str
) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/faucet", {"token": "USDC", "amount": amount}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": f"The request is invalid. amount: {message}",
        "errors": {"amount": [message]},
    }
    assert available(client_alice) == 0


def test_the_faucet_refuses_an_unknown_token(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/faucet", {"token": "ETH", "amount": "1"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "unknown_token",
        "detail": "“ETH” is not a token accepted here. Use one of: USDC, WALL.",
        "errors": {"token": ["“ETH” is not a token accepted here. Use one of: USDC, WALL."]},
    }


def test_the_faucet_needs_both_fields(api_as: Any, client_alice: User) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/faucet", {}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"token": ["This field is required."], "amount": ["This field is required."]}


# --- withdrawals ----------------------------------------------------------------


def test_a_withdrawal_takes_the_amount_out_and_is_paid_by_the_ledger_backend(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    destination = account_for("alice-cold-wallet").address

    response = api_as(client_alice).post(
        "/api/v1/wallet/withdrawals/",
        {"token": "USDC", "amount": "2500.25", "to_address": destination.lower()},
        format="json",
    )

    assert response.status_code == 201
    withdrawal = Withdrawal.objects.get()
    body = response.json()
    assert body == {
        "id": withdrawal.pk,
        "status": "confirmed",
        "token": "USDC",
        "amount": "2500.25",
        "to_address": destination,
        "tx_hash": "",
        "confirmations": 0,
        "failure_reason": "",
        "created_at": body["created_at"],
        "sent_at": None,
        "settled_at": body["settled_at"],
    }
    assert body["settled_at"] is not None
    assert available(client_alice) == 7_499_750_000


def test_a_withdrawal_goes_to_the_sign_in_address_by_default(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    response = api_as(client_alice).post("/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": "1"}, format="json")

    assert response.status_code == 201
    assert response.json()["to_address"] == client_alice.address


def test_a_withdrawal_beyond_the_balance_is_refused_and_moves_nothing(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    response = api_as(client_alice).post(
        "/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": "10000.000001"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_funds"
    assert Withdrawal.objects.count() == 0
    assert available(client_alice) == 10_000 * USDC


def test_a_withdrawal_to_a_mistyped_checksum_address_is_refused(
    api_as: Any, hired_project: Project, client_alice: User
) -> None:
    address = account_for("alice-cold-wallet").address
    flipped = address[:-1] + (address[-1].lower() if address[-1].isupper() else address[-1].upper())
    if flipped == address:  # the last character is a digit: flip a letter elsewhere
        i = next(i for i in range(2, 42) if address[i].isalpha())
        flipped = address[:i] + address[i].swapcase() + address[i + 1 :]

    response = api_as(client_alice).post(
        "/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": "1", "to_address": flipped}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_checksum"
    assert list(response.json()["errors"]) == ["to_address"]


@pytest.mark.parametrize(("amount", "message"), BAD_AMOUNTS[:7])
def test_a_withdrawal_refuses_a_bad_amount(
    api_as: Any, hired_project: Project, client_alice: User, amount: Any, message: str
) -> None:
    response = api_as(client_alice).post(
        "/api/v1/wallet/withdrawals/", {"token": "USDC", "amount": amount}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": [message]}
    assert available(client_alice) == 10_000 * USDC


def test_withdrawals_list_only_the_users_own(api_as: Any, hired_project: Project, client_alice: User) -> None:
    other = UserFactory(persona="other-withdrawer")
    payouts.faucet(user=other, token=token("USDC"), amount=5 * USDC)
    payouts.withdrawal_request(user=other, token=token("USDC"), amount=USDC)
    first = payouts.withdrawal_request(user=client_alice, token=token("USDC"), amount=USDC)
    second = payouts.withdrawal_request(user=client_alice, token=token("USDC"), amount=2 * USDC)

    body = api_as(client_alice).get("/api/v1/wallet/withdrawals/").json()

    assert body["count"] == 2
    assert [(w["id"], w["amount"]) for w in body["results"]] == [(second.pk, "2"), (first.pk, "1")]


def test_a_withdrawal_is_readable_by_its_owner_only(
    api_as: Any, hired_project: Project, client_alice: User, mallory: User
) -> None:
    withdrawal = payouts.withdrawal_request(user=client_alice, token=token("USDC"), amount=USDC)
    url = f"/api/v1/wallet/withdrawals/{withdrawal.pk}/"

    mine = api_as(client_alice).get(url)
    theirs = api_as(mallory).get(url)

    assert mine.status_code == 200
    assert mine.json()["id"] == withdrawal.pk
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "withdrawal_not_found"
