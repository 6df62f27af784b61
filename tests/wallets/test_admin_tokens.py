"""Tokens in the admin: editable, but once the ledger holds an account in a token,
what its amounts mean (decimals) and where they are paid (chain and contract)
are fixed."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Project
from tests.admin_forms import admin_form_data
from tests.factories import UserFactory, token
from wallets.models import Token

pytestmark = pytest.mark.django_db

CONTRACT = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(UserFactory.build().address, password="correct horse battery staple")


def _change(client: Any, token: Token, changes: dict[str, str]) -> Any:
    url = f"/admin/wallets/token/{token.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**admin_form_data(page.content.decode(), "token_form"), **changes, "_save": "Save"})


def test_a_token_in_the_ledger_keeps_its_decimals_chain_and_contract(
    browser_as: Any, superuser: User, hired_project: Project
) -> None:
    usdc = token("USDC")
    before = (usdc.decimals, usdc.chain_id, usdc.contract_address)
    client = browser_as(superuser)
    page = client.get(f"/admin/wallets/token/{usdc.pk}/change/")
    assertNotContains(page, 'name="decimals"')

    response = _change(
        client, usdc, {"name": "USD Coin (bridged)", "decimals": "18", "chain_id": "137", "contract_address": CONTRACT}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Token.objects.get(pk=usdc.pk)
    assert (stored.decimals, stored.chain_id, stored.contract_address) == before
    assert stored.name == "USD Coin (bridged)"  # the rest stays editable


def test_a_token_nobody_holds_yet_can_still_be_corrected(browser_as: Any, superuser: User) -> None:
    fresh = Token.objects.create(symbol="DAI", name="Dai", decimals=6, chain_id=1)
    client = browser_as(superuser)
    assertContains(client.get(f"/admin/wallets/token/{fresh.pk}/change/"), 'name="decimals"')

    response = _change(client, fresh, {"decimals": "18", "contract_address": CONTRACT})

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Token.objects.get(pk=fresh.pk)
    assert (stored.decimals, stored.contract_address) == (18, CONTRACT)
