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
