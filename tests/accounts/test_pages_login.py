"""The sign-in page: the development login (on and off) and signing out."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
LOWER = "0x52908400098527886e0f7030069857d2e4169ee7"
EIP55 = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.fixture(autouse=True)
def dev_login_on(settings: Any) -> None:
    settings.DEV_LOGIN_ENABLED = True


def test_the_page_announces_wallet_sign_in_and_offers_the_dev_login(browser_as: Any, client_alice: User) -> None:
    response = browser_as(None).get(LOGIN)

    assertContains(response, "Sign in with Ethereum — coming soon")
    assertContains(response, "Development sign-in")
    assertContains(response, 'name="address"')
    assertContains(response, "Alice Client")
    assertContains(response, client_alice.address)
    assertContains(response, "/admin/")


def test_the_user_list_can_be_searched(browser_as: Any, client_alice: User, mallory: User) -> None:
    response = browser_as(None).get(LOGIN, {"q": "alice"})

    assertContains(response, "Alice Client")
    assertNotContains(response, "Mallory")


def test_a_new_lowercase_address_creates_a_user_stored_in_eip55(browser_as: Any) -> None:
    client = browser_as(None)

    response = client.post(LOGIN, {"address": LOWER}, follow=True)

    user = User.objects.get()
    assert user.address == EIP55
    assertRedirects(response, reverse("marketplace:dashboard"))
    assertContains(response, f"Signed in as {user.name}")
    assert response.context["user"] == user


def test_an_existing_user_signs_in_and_follows_a_safe_next(browser_as: Any, client_alice: User) -> None:
    response = browser_as(None).post(LOGIN, {"address": client_alice.address.lower(), "next": "/projects/new/"})

    assertRedirects(response, "/projects/new/", fetch_redirect_response=False)
    assert User.objects.count() == 1


def test_an_unsafe_next_is_ignored(browser_as: Any, client_alice: User) -> None:
    response = browser_as(None).post(LOGIN, {"address": client_alice.address, "next": "https://evil.example/"})

    assertRedirects(response, reverse("marketplace:dashboard"), fetch_redirect_response=False)


def test_the_next_parameter_is_carried_through_the_page(browser_as: Any) -> None:
    assertContains(browser_as(None).get(LOGIN, {"next": "/dashboard/"}), 'name="next" value="/dashboard/"')
    assertNotContains(browser_as(None).get(LOGIN, {"next": "//evil.example"}), "evil.example")


def test_an_invalid_address_is_a_field_error(browser_as: Any) -> None:
    response = browser_as(None).post(LOGIN, {"address": "0x123"})

    assert response.status_code == 200
    assertContains(response, "is not an Ethereum address")
    assertContains(response, 'id="id_address_error"')
    assert not User.objects.exists()


def test_a_deactivated_user_cannot_sign_in(browser_as: Any) -> None:
    user = UserFactory(is_active=False)

    response = browser_as(None).post(LOGIN, {"address": user.address})

    assertContains(response, "This account is deactivated.")
    assert "_auth_user_id" not in browser_as(None).session


def test_the_login_needs_a_csrf_token(browser_as: Any) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(LOGIN, {"address": LOWER})

    assert response.status_code == 403
    assert not User.objects.exists()


def test_with_dev_login_off_the_form_is_absent_and_posting_is_404(browser_as: Any, settings: Any) -> None:
    settings.DEV_LOGIN_ENABLED = False
    UserFactory(display_name="Demo Person")

    page = browser_as(None).get(LOGIN)
    post = browser_as(None).post(LOGIN, {"address": LOWER})

    assertContains(page, "Sign in with Ethereum — coming soon")
    assertNotContains(page, "Development sign-in")
    assertNotContains(page, 'name="address"')
    assertNotContains(page, "Demo Person")
    assert post.status_code == 404
    assert not User.objects.filter(address=EIP55).exists()


def test_signing_out_is_post_only_and_says_goodbye(browser_as: Any, client_alice: User) -> None:
    client = browser_as(client_alice)

    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT, follow=True)

    assertRedirects(response, reverse("marketplace:home"))
    assertContains(response, "You are signed out.")
    assert not response.context["user"].is_authenticated


def test_the_header_has_a_sign_out_form_when_signed_in(browser_as: Any, client_alice: User) -> None:
    response = browser_as(client_alice).get("/")

    assertContains(response, f'action="{LOGOUT}"')
    assertContains(response, "Sign out")


def test_the_page_tells_a_signed_in_user_who_they_are(browser_as: Any, client_alice: User) -> None:
    assertContains(browser_as(client_alice).get(LOGIN), "You are signed in as <strong>Alice Client</strong>")
