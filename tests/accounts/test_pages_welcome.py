"""The welcome page where the sign-in API sends a first-time user."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import User
from tests.marketplace.test_pages_security import offences

pytestmark = pytest.mark.django_db

WELCOME = reverse("accounts:welcome")


def test_it_lives_under_accounts() -> None:
    assert WELCOME == "/accounts/welcome/"


def test_it_needs_a_signed_in_user(browser_as: Any) -> None:
    response = browser_as(None).get(WELCOME)

    assertRedirects(response, f"{reverse('accounts:login')}?next={WELCOME}", fetch_redirect_response=False)


def test_it_offers_the_two_first_steps_and_a_way_out(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).get(WELCOME)

    assertContains(response, "Welcome to WorkWall")
    assertContains(response, mallory.address)
    assertContains(response, f'<a class="choice-card" href="{reverse("marketplace:profile_edit")}">')
    assertContains(response, "Complete your contributor profile")
    assertContains(response, f'<a class="choice-card" href="{reverse("marketplace:project_create")}">')
    assertContains(response, "Post a project")
    assertContains(response, f'<a href="{reverse("marketplace:dashboard")}">Skip to my dashboard →</a>')


def test_it_keeps_to_the_content_security_policy(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).get(WELCOME)

    assert offences(response.content.decode()) == []
    assert "Content-Security-Policy" in response.headers


def test_it_is_get_only(browser_as: Any, mallory: User) -> None:
    assert browser_as(mallory).post(WELCOME).status_code == 405
