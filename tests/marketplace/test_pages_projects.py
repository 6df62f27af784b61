"""The projects list and the project page, as each persona sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Application, Project, Skill
from tests.factories import (
    ApplicationFactory,
    MilestoneFactory,
    ProjectFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("marketplace:project_list")


def detail(project: Project) -> str:
    return reverse("marketplace:project_detail", args=[project.pk])


# --- list ---------------------------------------------------------------------------


def test_the_list_shows_open_projects_but_not_drafts_of_others(browser_as: Any, open_project: Project) -> None:
    draft = ProjectFactory(title="Unpublished idea", status=Project.Status.DRAFT, published_at=None)

    response = browser_as(None).get(LIST)

    assert response.status_code == 200
    assertContains(response, open_project.title)
    assertContains(response, "5,000 USDC")
    assertNotContains(response, draft.title)
    assertContains(response, "1 project")


def test_the_list_searches_by_words(browser_as: Any, client_alice: User) -> None:
    ProjectFactory(owner=client_alice, title="ZK proof of inference for a small CNN")
    ProjectFactory(owner=client_alice, title="Federated learning across hospitals")

    response = browser_as(None).get(LIST, {"q": "inference"})

    assertContains(response, "ZK proof of inference")
    assertNotContains(response, "Federated learning across hospitals")
    assertContains(response, 'value="inference"')


def test_the_list_filters_by_skill_and_keeps_the_choice_checked(browser_as: Any, client_alice: User) -> None:
    bittensor = Skill.objects.get(slug="bittensor")
    ProjectFactory(owner=client_alice, title="Validator wanted", required_skills=[bittensor])
    ProjectFactory(owner=client_alice, title="Some other work")

    response = browser_as(None).get(LIST, {"skills": "bittensor"})

    assertContains(response, "Validator wanted")
    assertNotContains(response, "Some other work")
    html = response.content.decode()
    checked = html.split('value="bittensor"', 1)[1].split(">", 1)[0]
    assert "checked" in checked


def test_the_list_filters_by_status(browser_as: Any, client_alice: User, contributor_bob: User) -> None:
    ProjectFactory(
        owner=client_alice, title="Done already", status=Project.Status.COMPLETED, contributor=contributor_bob
    )

    assertNotContains(browser_as(None).get(LIST), "Done already")
    assertContains(browser_as(None).get(LIST, {"status": "completed"}), "Done already")


def test_an_invalid_filter_shows_its_message_and_an_empty_list_not_an_error(
    browser_as: Any, open_project: Project
) -> None:
    response = browser_as(None).get(LIST, {"budget_min": "lots"})

    assert response.status_code == 200
    assertContains(response, "These filters cannot be used.")
    assertContains(response, "Budget at least")
    assertNotContains(response, open_project.title)
    assertContains(response, 'aria-invalid="true"')


def test_the_list_paginates_by_twenty_and_keeps_the_query_string(browser_as: Any, client_alice: User) -> None:
    for n in range(25):
        ProjectFactory(owner=client_alice, title=f"Subnet job {n:02d}")

    first = browser_as(None).get(LIST, {"q": "subnet"})
    second = browser_as(None).get(LIST, {"q": "subnet", "page": 2})

    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 5
    assertContains(first, "?q=subnet&amp;page=2")
    assertContains(second, "page 2 of 2")


def test_the_list_has_an_empty_state(browser_as: Any) -> None:
    assertContains(browser_as(None).get(LIST), "No open projects yet")
    assertContains(browser_as(None).get(LIST, {"q": "nothing-matches"}), "No project matches these filters")


# --- detail -------------------------------------------------------------------------


def test_anonymous_visitors_see_the_project_and_are_invited_to_sign_in(browser_as: Any, open_project: Project) -> None:
    MilestoneFactory(project=open_project, title="Prototype", amount=1_500_500_000, order=1)

    response = browser_as(None).get(detail(open_project))

    assertContains(response, open_project.title)
    assertContains(response, "<strong>validator</strong>", html=False)  # Markdown rendered
    assertContains(response, "5,000 USDC")
    assertContains(response, "Prototype")
    assertContains(response, "1,500.50 USDC")
    assertContains(response, "badge--open")
    assertContains(response, "Sign in to apply")
    assertContains(response, "?next=/projects/")
    assertNotContains(response, "Edit project")


def test_the_owner_sees_edit_cancel_and_the_inbox_with_its_count(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(open_project.owner).get(detail(open_project))

    assertContains(response, "Edit project")
    assertContains(response, reverse("marketplace:project_edit", args=[open_project.pk]))
    assertContains(response, reverse("marketplace:project_cancel", args=[open_project.pk]))
    assertContains(response, reverse("marketplace:project_applications", args=[open_project.pk]))
    assertContains(response, "1 (1 pending)")
    assertNotContains(response, "Apply to this project")


def test_another_user_sees_the_apply_button_and_no_owner_actions(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    response = browser_as(contributor_bob).get(detail(open_project))

    assertContains(response, "Apply to this project")
    assertNotContains(response, "Edit project")
    assertNotContains(response, "Review applications")


def test_a_user_without_profile_is_told_to_create_one(browser_as: Any, open_project: Project, mallory: User) -> None:
    assertContains(browser_as(mallory).get(detail(open_project)), "You need a contributor profile to apply")


def test_an_applicant_sees_their_status_and_can_withdraw(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(
        project=open_project, contributor=contributor_bob, status=Application.Status.SHORTLISTED
    )

    response = browser_as(contributor_bob).get(detail(open_project))

    assertContains(response, "You applied:")
    assertContains(response, "Shortlisted")
    assertContains(response, reverse("marketplace:application_withdraw", args=[application.pk]))
    assertNotContains(response, "Apply to this project")


def test_a_draft_is_a_404_for_everyone_but_its_owner(browser_as: Any, client_alice: User, mallory: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)

    assert browser_as(mallory).get(detail(draft)).status_code == 404
    assert browser_as(None).get(detail(draft)).status_code == 404
    response = browser_as(client_alice).get(detail(draft))
    assertContains(response, "This is a draft")
    assertContains(response, "Publish")


def test_a_completed_project_shows_its_reviews(browser_as: Any, client_alice: User, contributor_bob: User) -> None:
    project = ProjectFactory(owner=client_alice, status=Project.Status.COMPLETED, contributor=contributor_bob)
    ReviewFactory(project=project, text="Shipped early, great monitoring.", rating=4)

    response = browser_as(None).get(detail(project))

    assertContains(response, "Shipped early, great monitoring.")
    assertContains(response, "4 out of 5 stars")
    assertNotContains(response, "Leave your review")


def test_a_hidden_project_is_a_404_for_others(browser_as: Any, open_project: Project) -> None:
    open_project.is_hidden = True
    open_project.save()
    stranger = UserFactory()

    assert browser_as(stranger).get(detail(open_project)).status_code == 404
    assertContains(browser_as(open_project.owner).get(detail(open_project)), "a moderator hid it")


def test_markdown_in_a_description_cannot_inject_html(browser_as: Any, client_alice: User) -> None:
    project = ProjectFactory(owner=client_alice, description="Hi <script>alert(1)</script> [x](javascript:alert(1))")

    html = browser_as(None).get(detail(project)).content.decode()

    assert "<script>alert" not in html
    assert 'href="javascript' not in html


def test_submitting_the_filter_form_blank_lists_open_projects(browser_as: Any, open_project: Project) -> None:
    blank = {"q": "", "ordering": "", "token": "", "budget_min": "", "budget_max": ""}

    response = browser_as(None).get(LIST, blank)

    assertContains(response, open_project.title)
    assert response.context["active_filters"] is False
    assertNotContains(response, "Clear all")
