"""The sign-in page: Sign-In with Ethereum first, the development login (on and off),
and signing out. The wallet flow itself runs in static/js/siwe.js; here we check the
server-rendered half it relies on."""

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


def test_the_page_offers_wallet_sign_in_and_the_dev_login(browser_as: Any, client_alice: User) -> None:
    response = browser_as(None).get(LOGIN)

    html = response.content.decode()
    assert html.index('id="siwe-title"') < html.index('id="dev-title"')
    assertNotContains(response, "coming soon")
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

    assertContains(page, 'class="btn btn-primary btn-lg siwe-big" type="button" data-siwe="start"')
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


# --- Sign-In with Ethereum: the markup siwe.js works on ---

SIWE_SCRIPT = '<script src="/static/js/siwe.js" defer></script>'
WALLET_SITES = ["https://metamask.io/", "https://rabby.io/", "https://www.coinbase.com/wallet", "https://frame.sh/"]


def test_the_page_has_a_big_sign_in_with_ethereum_button_and_loads_siwe_js(browser_as: Any) -> None:
    response = browser_as(None).get(LOGIN)

    assertContains(response, '<h2 id="siwe-title">Sign in with Ethereum</h2>')
    assertContains(response, 'class="btn btn-primary btn-lg siwe-big" type="button" data-siwe="start"')
    assertContains(response, "<span data-siwe-label>Sign in with Ethereum</span>", count=1)
    # The header's button says "Sign in" on narrow screens, "with Ethereum" stays for screen readers.
    assertContains(response, '<span data-siwe-label>Sign in<span class="narrow-hidden"> with Ethereum</span></span>')
    assertContains(response, SIWE_SCRIPT, count=1)
    for promise in ["No transaction.", "No gas.", "proves you own the address"]:
        assertContains(response, promise)


def test_the_dialog_tells_where_to_get_a_wallet_and_names_the_endpoints(browser_as: Any) -> None:
    response = browser_as(None).get(LOGIN)

    html = response.content.decode()
    dialog = html[html.index("<dialog") : html.index("</dialog>")]
    assert 'data-nonce-url="/api/v1/auth/nonce"' in dialog
    assert 'data-login-url="/api/v1/auth/login"' in dialog
    assert "You need a browser wallet" in dialog
    for site in WALLET_SITES:
        assert f'href="{site}" target="_blank" rel="noopener noreferrer"' in dialog
    assert "this server has the development sign-in enabled" in dialog
    for panel in ["connect", "no-wallet", "cancelled", "network", "review", "expired", "error"]:
        assert f'data-siwe-panel="{panel}"' in dialog
    assert "You cancelled the request in your wallet" in dialog
    assert '<pre class="siwe-message" tabindex="0"' in dialog
    assert 'aria-live="polite" data-siwe-live' in dialog


def test_with_dev_login_off_the_dialog_still_mentions_it_as_a_setting(browser_as: Any, settings: Any) -> None:
    settings.DEV_LOGIN_ENABLED = False

    response = browser_as(None).get(LOGIN)

    assertContains(response, "when the server runs with <code>DEV_LOGIN_ENABLED</code>")
    assertNotContains(response, "this server has the development sign-in enabled")


def test_a_safe_next_is_handed_to_the_wallet_button(browser_as: Any) -> None:
    assertContains(browser_as(None).get(LOGIN, {"next": "/projects/new/"}), 'data-siwe-next="/projects/new/"')
    unsafe = browser_as(None).get(LOGIN, {"next": "https://evil.example/"})
    assertNotContains(unsafe, "data-siwe-next")


def test_every_page_header_offers_wallet_sign_in_to_anonymous_visitors(browser_as: Any) -> None:
    response = browser_as(None).get(reverse("marketplace:project_list"))

    html = response.content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert 'data-siwe="start"' in header
    # Without JavaScript the same link leads to the sign-in page, and back.
    assert f'href="{LOGIN}?next=/projects/"' in header
    assert "<dialog" in html
    assert SIWE_SCRIPT in html


def test_the_header_renders_the_csrf_token_that_siwe_js_posts_with(browser_as: Any) -> None:
    response = browser_as(None).get(reverse("marketplace:home"))

    html = response.content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert '<div hidden data-siwe-csrf><input type="hidden" name="csrfmiddlewaretoken" value="' in header
    assert "csrftoken" in response.cookies


def test_signed_in_pages_carry_no_wallet_sign_in(browser_as: Any, client_alice: User) -> None:
    response = browser_as(client_alice).get(reverse("marketplace:home"))

    assertNotContains(response, 'data-siwe="start"')
    assertNotContains(response, "<dialog")
    assertNotContains(response, "siwe.js")


def test_a_signed_in_visitor_of_the_sign_in_page_may_use_another_wallet(
    browser_as: Any, client_alice: User, settings: Any
) -> None:
    settings.DEV_LOGIN_ENABLED = False

    response = browser_as(client_alice).get(LOGIN)

    assertContains(response, "or sign in with another wallet below")
    assertContains(response, 'data-siwe="start"', count=1)
    assertContains(response, "<dialog", count=1)
    assertContains(response, SIWE_SCRIPT, count=1)
