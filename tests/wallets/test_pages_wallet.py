"""The wallet page: balances per token, the history and its CSV, withdrawals with a
confirmation step, and the development faucet (real services, exact amounts)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Project
from tests.factories import token
from tests.marketplace.test_pages_security import offences
from wallets import escrow, payouts
from wallets.chains.ledger import LedgerBackend
from wallets.exports import HISTORY_COLUMNS
from wallets.models import IdempotencyKey, Withdrawal
from wallets.selectors import available_balance

pytestmark = pytest.mark.django_db

USDC = 10**6
WALLET = reverse("wallets:wallet")
WITHDRAW = reverse("wallets:withdraw")
FAUCET = reverse("wallets:faucet")
CSV = reverse("wallets:history_csv")
DESTINATION = "0x52908400098527886E0F7030069857D2E4169EE7"  # an EIP-55 test vector


def available(user: User, symbol: str = "USDC") -> int:
    return available_balance(user, token(symbol))


@pytest.fixture
def alice(browser_as: Any, client_alice: User) -> Client:
    client: Client = browser_as(client_alice)
    return client


def test_the_wallet_needs_a_signed_in_user(browser_as: Any) -> None:
    response = browser_as(None).get(WALLET)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_header_links_to_the_wallet(alice: Client) -> None:
    assertContains(alice.get(reverse("marketplace:dashboard")), f'href="{WALLET}"')


def test_the_wallet_shows_each_balance_with_its_exact_value(
    alice: Client, browser_as: Any, contributor_bob: User, hired_project: Project
) -> None:
    page = alice.get(WALLET)

    assertContains(page, '<span class="money" title="10000 USDC">10,000 USDC</span>', html=True)
    assertContains(page, "Test tokens from the development faucet")
    assert offences(page.content.decode()) == []

    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=hired_project.owner)
    funded = alice.get(WALLET)

    balance = funded.context["balances"][[b.token.symbol for b in funded.context["balances"]].index("USDC")]
    assert (balance.available, balance.in_escrow, balance.incoming) == (9_000 * USDC, 1_000 * USDC, 0)
    assertContains(funded, '<span class="money" title="9000 USDC">9,000 USDC</span>', html=True)
    assertContains(funded, '<span class="money money--out" title="-1000 USDC">−1,000 USDC</span>', html=True)
    assertContains(funded, f'href="{hired_project.get_absolute_url()}#milestone-')
    bob_page = browser_as(contributor_bob).get(WALLET)
    assertContains(bob_page, "Incoming")
    bob_usdc = next(b for b in bob_page.context["balances"] if b.token.symbol == "USDC")
    assert (bob_usdc.available, bob_usdc.incoming) == (0, 1_000 * USDC)


def test_a_new_user_is_told_how_to_get_funds(browser_as: Any, mallory: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    page = browser_as(mallory).get(WALLET)

    assertContains(page, "No funds yet")
    assertContains(page, 'href="#faucet"')
    assertContains(page, "Nothing to withdraw yet")
    assertContains(page, "No movements yet.")

    settings.WALLETS_FAUCET = False
    page = browser_as(mallory).get(WALLET)

    assertContains(page, "send tokens to the WorkWall treasury from the address you signed in with")
    assertContains(page, mallory.address)


# --- the faucet -----------------------------------------------------------------------


def test_the_faucet_adds_test_tokens_once_per_form(browser_as: Any, mallory: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    client = browser_as(mallory)
    page = client.get(WALLET)
    assertContains(page, "Test tokens")
    assertContains(page, "Development only")

    data = {"token": "USDC", "amount": "250.5", "once": page.context["once"]}
    response = client.post(FAUCET, data, follow=True)
    client.post(FAUCET, data)

    assertContains(response, "250.50 USDC of test tokens added to your available balance.")
    assert available(mallory) == 250_500_000


def test_the_faucet_limit_is_shown_on_the_amount_field(browser_as: Any, mallory: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    settings.WALLETS_FAUCET_MAX = "10000"

    response = browser_as(mallory).post(FAUCET, {"token": "USDC", "amount": "10000.000001"})

    assertContains(response, "The faucet gives at most 10,000 USDC at a time.")
    assert response.context["faucet_form"].errors["amount"]
    assert available(mallory) == 0


def test_without_the_faucet_setting_the_form_is_hidden_and_a_post_refused(
    browser_as: Any, mallory: User, settings: Any
) -> None:
    settings.WALLETS_FAUCET = False
    client = browser_as(mallory)

    assertNotContains(client.get(WALLET), FAUCET)
    response = client.post(FAUCET, {"token": "USDC", "amount": "100"})

    assert response.status_code == 403
    assertContains(response, "The faucet is switched off on this server.", status_code=403)
    assert available(mallory) == 0


# --- live regions ---------------------------------------------------------------------


def test_live_regions_fetch_the_wallet_itself_even_when_a_refused_form_is_shown_at_its_post_address(
    browser_as: Any, mallory: User, settings: Any
) -> None:
    settings.WALLETS_FAUCET = True
    client = browser_as(mallory)

    refused = client.post(FAUCET, {"token": "USDC", "amount": "-1"})  # shown at /wallet/faucet/

    assert refused.status_code == 200
    assertContains(
        refused, f'id="balances" data-live-refresh="milestone_ dispute_ deposit_ withdrawal_" data-live-src="{WALLET}"'
    )
    assert client.get(WALLET, {"page": 1}).content.count(f'data-live-src="{WALLET}"'.encode()) == 4


def test_a_live_refresh_leaves_flash_messages_for_the_next_page(browser_as: Any, mallory: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    client = browser_as(mallory)
    data = {"token": "USDC", "amount": "5", "once": client.get(WALLET).context["once"]}
    client.post(FAUCET, data)  # the message waits for the page the redirect goes to

    assertNotContains(client.get(WALLET, headers={"X-Live-Refresh": "1"}), "of test tokens added")
    assertContains(client.get(WALLET), "5 USDC of test tokens added")


# --- withdrawals ----------------------------------------------------------------------


def test_a_withdrawal_is_confirmed_before_the_money_moves(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    form_page = alice.get(WALLET)
    assertContains(form_page, f'value="{client_alice.address}"')

    review = alice.post(WITHDRAW, {"token": "USDC", "amount": "1,250.5", "to_address": DESTINATION.lower()})

    assertContains(review, "Withdraw")
    assertContains(review, "1,250.50 USDC")
    assertContains(review, "USD Coin (USDC)")
    assertContains(review, DESTINATION)
    assertContains(review, "This cannot be undone.")
    assertContains(review, "This is not the address you signed in with")
    assertContains(review, "8,749.50 USDC")  # available after
    assert offences(review.content.decode()) == []
    assert available(client_alice) == 10_000 * USDC
    assert not Withdrawal.objects.exists()

    data = {"token": "USDC", "amount": "1250.5", "to_address": DESTINATION, "confirm": "yes"}
    done = alice.post(WITHDRAW, {**data, "once": review.context["once"]}, follow=True)

    assertContains(done, f"Paid: 1,250.50 USDC sent to {DESTINATION}.")
    assert available(client_alice) == 8_749_500_000
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.to_address, withdrawal.status) == (
        1_250_500_000,
        DESTINATION,
        Withdrawal.Status.CONFIRMED,
    )
    assertContains(done, '<span class="badge badge--w-confirmed">Paid</span>', html=True)

    again = alice.post(WITHDRAW, {**data, "once": review.context["once"]}, follow=True)

    assertContains(again, "That form was already sent")
    assert Withdrawal.objects.count() == 1
    assert available(client_alice) == 8_749_500_000


def test_a_withdrawal_with_three_decimals_is_confirmed_with_its_exact_amount(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    review = alice.post(WITHDRAW, {"token": "USDC", "amount": "1.009", "to_address": DESTINATION})

    assertContains(review, 'Withdraw <span class="money" title="1.009 USDC">1.009 USDC</span>?', html=False)
    assertContains(review, "Withdraw 1.009 USDC</button>", html=False)
    assertContains(review, 'title="9998.991 USDC">9,998.991 USDC</span>', html=False)  # available after
    assertNotContains(review, "Withdraw 1 USDC")

    data = {"token": "USDC", "amount": "1.009", "to_address": DESTINATION, "confirm": "yes"}
    done = alice.post(WITHDRAW, {**data, "once": review.context["once"]}, follow=True)

    assertContains(done, f"Paid: 1.009 USDC sent to {DESTINATION}.")
    assert Withdrawal.objects.get().amount == 1_009_000
    assert available(client_alice) == 9_998_991_000


def test_the_same_withdrawal_form_pays_once_even_if_another_worker_gets_the_repeat(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    review = alice.post(WITHDRAW, {"token": "USDC", "amount": "100", "to_address": DESTINATION})
    data = {
        "token": "USDC",
        "amount": "100",
        "to_address": DESTINATION,
        "confirm": "yes",
        "once": review.context["once"],
    }

    alice.post(WITHDRAW, data)
    cache.clear()  # a worker with its own cache: only the database is shared
    again = alice.post(WITHDRAW, data, follow=True)

    assertContains(again, "That form was already sent, and it is acted on only once.")
    assert Withdrawal.objects.count() == 1
    assert available(client_alice) == 9_900 * USDC
    claim = IdempotencyKey.objects.get(user=client_alice)
    assert (claim.key, claim.status) == (f"web:{review.context['once']}", IdempotencyKey.Status.DONE)


def test_a_refused_withdrawal_frees_its_form_for_the_corrected_one(
    alice: Client, client_alice: User, hired_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = alice.post(WITHDRAW, {"token": "USDC", "amount": "100", "to_address": DESTINATION})
    data = {
        "token": "USDC",
        "amount": "100",
        "to_address": DESTINATION,
        "confirm": "yes",
        "once": review.context["once"],
    }
    monkeypatch.setattr(LedgerBackend, "check_token", lambda self, token: "The payout node is down for maintenance.")

    refused = alice.post(WITHDRAW, data)

    assertContains(refused, "The payout node is down for maintenance.")
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    done = alice.post(WITHDRAW, data, follow=True)
    assertContains(done, "Paid: 100 USDC")
    assert available(client_alice) == 9_900 * USDC


def test_the_destination_defaults_to_the_signed_in_address(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    review = alice.post(WITHDRAW, {"token": "USDC", "amount": "10", "to_address": ""})

    assertContains(review, client_alice.address)
    assertContains(review, "This is the address you signed in with.")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("ten", "“ten” is not a number"),
        ("0", "The amount must be greater than zero."),
        ("1.0000001", "This token has 6 decimal places; the amount has 7."),
        ("10000.01", "Your available balance is 10,000 USDC: you can withdraw up to that."),
    ],
)
def test_a_bad_amount_shows_the_error_on_the_field_and_moves_nothing(
    alice: Client, client_alice: User, hired_project: Project, amount: str, message: str
) -> None:
    for step in ("", "yes"):
        response = alice.post(WITHDRAW, {"token": "USDC", "amount": amount, "to_address": "", "confirm": step})

        assert response.status_code == 200
        assert message in response.context["form"].errors["amount"][0]
        assertContains(response, 'class="field field--error"')
    assert available(client_alice) == 10_000 * USDC
    assert not Withdrawal.objects.exists()


def test_a_mistyped_address_is_refused_on_its_field(alice: Client, client_alice: User, hired_project: Project) -> None:
    typo = DESTINATION[:-1] + "e"  # the checksum no longer matches

    response = alice.post(WITHDRAW, {"token": "USDC", "amount": "10", "to_address": typo, "confirm": "yes"})

    assert "checksum is wrong" in response.context["form"].errors["to_address"][0]
    assert available(client_alice) == 10_000 * USDC


def test_change_on_the_confirmation_goes_back_to_the_filled_form(alice: Client, hired_project: Project) -> None:
    response = alice.post(WITHDRAW, {"token": "USDC", "amount": "12", "to_address": DESTINATION, "confirm": "edit"})

    assertContains(response, "Review the withdrawal")
    assertContains(response, 'value="12"')


def test_failed_and_pending_withdrawals_show_their_status_and_reason(
    alice: Client, client_alice: User, hired_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LedgerBackend, "on_request", lambda self, withdrawal: None)
    usdc = token("USDC")
    failing = payouts.withdrawal_request(user=client_alice, token=usdc, amount=100 * USDC, to_address=DESTINATION)
    payouts.withdrawal_request(user=client_alice, token=usdc, amount=50 * USDC, to_address=DESTINATION)
    payouts.withdrawal_fail(withdrawal=failing, reason="The node refused the transfer.")

    page = alice.get(WALLET)

    assertContains(page, '<span class="badge badge--w-failed">Failed</span>', html=True)
    assertContains(page, "The node refused the transfer. The amount is back in your balance.")
    assertContains(page, '<span class="badge badge--w-pending">Pending</span>', html=True)
    assert available(client_alice) == 9_950 * USDC


# --- history --------------------------------------------------------------------------


def test_the_history_has_25_entries_a_page(browser_as: Any, mallory: User, settings: Any) -> None:
    settings.WALLETS_FAUCET = True
    for _ in range(27):
        payouts.faucet(user=mallory, token=token("USDC"), amount=1 * USDC)
    client = browser_as(mallory)

    first = client.get(WALLET)
    second = client.get(WALLET, {"page": 2})

    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 2
    assertContains(first, "?page=2")


def test_the_history_downloads_as_csv_with_exact_amounts(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)
    payouts.withdrawal_request(user=client_alice, token=token("USDC"), amount=1_500_001, to_address=DESTINATION)
    assertContains(alice.get(WALLET), CSV)

    response = alice.get(CSV)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="workwall-history-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == HISTORY_COLUMNS  # the same format as the API's transactions.csv
    assert [(r[3], r[5], r[6], r[7], r[11], r[9]) for r in rows[1:]] == [
        ("withdrawal", "USDC", "-1.500001", "8998.499999", "", ""),
        ("fund", "USDC", "-1000", "9000", "Subnet validator", "Prototype"),
        ("faucet", "USDC", "10000", "10000", "", ""),
    ]
    assert rows[3][4] == "Test tokens from the development faucet"


def test_free_text_in_the_csv_cannot_run_as_a_formula(
    alice: Client, client_alice: User, hired_project: Project
) -> None:
    Project.objects.filter(pk=hired_project.pk).update(title="=HYPERLINK(evil)")
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)

    rows = list(csv.reader(io.StringIO(b"".join(alice.get(CSV).streaming_content).decode())))

    assert rows[1][11] == "'=HYPERLINK(evil)"
    assert rows[1][6] == "-1000"


def test_the_dashboard_shows_a_wallet_card(alice: Client, hired_project: Project) -> None:
    page = alice.get(reverse("marketplace:dashboard"))

    assertContains(page, "USDC available")
    assertContains(page, "10,000 USDC")
    assertContains(page, "Open your wallet")


# --- deposits ---------------------------------------------------------------------

TREASURY_KEY = "0x" + "11" * 32


def test_with_the_evm_backend_the_wallet_says_where_to_deposit_each_onchain_token(
    alice: Client, client_alice: User, settings: Any
) -> None:
    from eth_account import Account

    settings.WALLETS_PAYOUT_BACKEND = "evm"
    settings.EVM_RPC_URL = "http://127.0.0.1:9"  # never called: the page needs no node
    settings.EVM_TREASURY_KEY = TREASURY_KEY
    settings.EVM_CONFIRMATIONS = 3
    usdc = token("USDC")
    usdc.contract_address = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"
    usdc.save()

    response = alice.get(reverse("wallets:wallet"))

    treasury = Account.from_key(TREASURY_KEY).address
    assertContains(response, 'id="deposit-title"')
    assertContains(response, treasury)
    assertContains(response, client_alice.address)
    assertContains(response, "after 3 confirmations")
    # WALL has no contract: it cannot be deposited, so it has no route.
    assert response.context["deposit_routes"] == [(usdc, treasury)]


def test_with_the_ledger_backend_there_is_no_deposit_address(alice: Client) -> None:
    response = alice.get(reverse("wallets:wallet"))

    assertNotContains(response, 'id="deposit-title"')
    assert response.context["deposit_routes"] == []
