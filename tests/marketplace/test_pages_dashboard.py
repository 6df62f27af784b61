"""The dashboard: my projects, my applications, my active projects, notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import Application, Project
from notifications.models import Notification
from tests.factories import ApplicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("marketplace:dashboard")


def test_anonymous_visitors_are_sent_to_sign_in(browser_as: Any) -> None:
    assertRedirects(
        browser_as(None).get(DASHBOARD), f"{reverse('accounts:login')}?next={DASHBOARD}", fetch_redirect_response=False
    )


def test_a_client_sees_their_projects_with_pending_counts(
    browser_as: Any, open_project: Project, contributor_bob: User, contributor_carol: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)
    ApplicationFactory(project=open_project, contributor=contributor_carol, status=Application.Status.REJECTED)

    response = browser_as(open_project.owner).get(DASHBOARD)

    assertContains(response, "My projects")
    assertContains(response, open_project.title)
    assertContains(response, "1 pending")
    assertContains(response, reverse("marketplace:project_applications", args=[open_project.pk]))
    assertContains(response, "Create your contributor profile")  # Alice has no profile


def test_a_contributor_sees_applications_and_active_projects(
    browser_as: Any, open_project: Project, contributor_bob: User, client_alice: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, status=Application.Status.SHORTLISTED)
    ProjectFactory(
        owner=client_alice, title="Running gig", status=Project.Status.IN_PROGRESS, contributor=contributor_bob
    )

    response = browser_as(contributor_bob).get(DASHBOARD)

    assertContains(response, open_project.title)
    assertContains(response, "badge--shortlisted")
    assertContains(response, "Running gig")
    assertContains(response, "Your profile")
    assertNotContains(response, "Create your contributor profile")


def test_recent_notifications_are_listed_newest_first(browser_as: Any, mallory: User) -> None:
    for n in range(12):
        Notification.objects.create(recipient=mallory, kind="review_received", title=f"Note {n:02d}", link="/")

    response = browser_as(mallory).get(DASHBOARD)

    assertContains(response, "Note 11")
    assertContains(response, "Note 02")
    assertNotContains(response, "Note 01")


def test_an_empty_dashboard_has_calls_to_action(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).get(DASHBOARD)

    assertContains(response, "You have not posted a project")
    assertContains(response, "No applications yet")
    assertContains(response, "Nothing yet.")


def test_a_contributor_who_posted_nothing_sees_work_first_and_a_line_about_posting(
    browser_as: Any, contributor_bob: User
) -> None:
    html = browser_as(contributor_bob).get(DASHBOARD).content.decode()

    order = [html.index(f'id="{title}-title"') for title in ("for-you", "my-applications", "active", "my-projects")]
    assert order == sorted(order)
    assert "You have not posted a project. When you need work done" in html
    assert "No applications yet" in html
    assert html.count("You have not posted a project") == 1


def test_a_contributor_who_also_posts_sees_their_projects_first(
    browser_as: Any, contributor_bob: User, client_alice: User
) -> None:
    ProjectFactory(owner=contributor_bob, title="Bob hires too")

    html = browser_as(contributor_bob).get(DASHBOARD).content.decode()

    assert html.index('id="my-projects-title"') < html.index('id="for-you-title"')
    assert "Bob hires too" in html


def test_the_dashboards_parts_that_change_follow_the_news(browser_as: Any, contributor_bob: User) -> None:
    html = browser_as(contributor_bob).get(DASHBOARD).content.decode()

    for region, kinds in [
        ("for-you", "project_match"),
        ("my-applications", "application_ project_"),
        ("wallet-card", "milestone_ dispute_ deposit_ withdrawal_"),
    ]:
        assert f'id="{region}" data-live-refresh="{kinds}"' in html
    assert 'id="recent-notifications" data-live-refresh>' in html
