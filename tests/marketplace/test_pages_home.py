"""Home page, site chrome and the error pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_home_explains_workwall_and_lists_newest_open_projects(browser_as: Any, open_project: Project) -> None:
    ProjectFactory(owner=open_project.owner, title="A secret draft", status=Project.Status.DRAFT, published_at=None)

    response = browser_as(None).get(reverse("marketplace:home"))

    assertContains(response, "decentralized AI")
    assertContains(response, open_project.title)
    assertNotContains(response, "A secret draft")
    assertContains(response, reverse("marketplace:project_list"))
    assertContains(response, reverse("marketplace:project_create"))
    assertContains(response, "open project")
    assertContains(response, 'class="skip-link" href="#main"')
    assertContains(response, "Sign in")


def test_home_shows_site_counts(browser_as: Any, open_project: Project, contributor_bob: User) -> None:
    response = browser_as(None).get(reverse("marketplace:home"))

    stats = response.context["stats"]
    assert stats.open_projects == 1
    assert stats.contributors == 1
    assertContains(
        response, '<span class="stat-value">1</span><span class="stat-label">open project</span>', html=False
    )


def test_home_offers_a_profile_only_to_people_without_one(
    browser_as: Any, mallory: User, contributor_bob: User
) -> None:
    assertContains(browser_as(mallory).get("/"), "Create your profile")
    response = browser_as(contributor_bob).get("/")
    assertContains(response, "Update your profile")
    assertContains(response, "Sign out")
    assertContains(response, contributor_bob.name)


def test_home_empty_state_invites_the_first_project(browser_as: Any) -> None:
    assertContains(browser_as(None).get("/"), "No open projects yet")


def test_an_unknown_address_renders_the_helpful_404_page(browser_as: Any) -> None:
    response = browser_as(None).get("/no-such-page/")

    assert response.status_code == 404
    assertContains(response, "We could not find that page", status_code=404)
    assertContains(response, reverse("marketplace:project_list"), status_code=404)


def test_a_missing_project_renders_the_404_page_with_the_selector_message(browser_as: Any) -> None:
    response = browser_as(None).get(reverse("marketplace:project_detail", args=[999_999]))

    assertContains(response, "There is no such project, or it is not public.", status_code=404)


def test_the_csp_header_forbids_inline_scripts_and_styles(browser_as: Any) -> None:
    response = browser_as(None).get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_stylesheet_and_logo_are_served(browser_as: Any) -> None:
    response = browser_as(None).get("/")

    assertContains(response, "/static/css/app.css")
    assertContains(response, "/static/img/logo.svg")
    assertContains(response, "/static/img/favicon.svg")
    assertContains(response, "/api/docs/")


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        ("bad_request", 400, "The request could not be understood"),
        ("permission_denied", 403, "You are not allowed to do that"),
        ("page_not_found", 404, "We could not find that page"),
    ],
)
def test_the_error_handlers_render_helpful_pages(rf: Any, handler: str, status: int, text: str) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    from config import views

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)

    response = getattr(views, handler)(request, Exception("nope"))

    assert response.status_code == status
    assertContains(response, text, status_code=status)
    assertContains(response, reverse("marketplace:project_list"), status_code=status)


def test_the_500_page_stands_alone(rf: Any) -> None:
    from config import views

    response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    assertContains(response, "Something went wrong on our side", status_code=500)
    assertContains(response, "/static/css/app.css", status_code=500)
