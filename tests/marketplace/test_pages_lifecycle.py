"""Publishing, cancelling and completing a project, and reviews, through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import Application, Project, Review
from tests.factories import ApplicationFactory, MilestoneFactory, ProjectFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client_alice: User) -> Project:
    return ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)


@pytest.fixture
def in_progress(client_alice: User, contributor_bob: User) -> Project:
    return ProjectFactory(owner=client_alice, status=Project.Status.IN_PROGRESS, contributor=contributor_bob)


@pytest.fixture
def completed(client_alice: User, contributor_bob: User) -> Project:
    return ProjectFactory(owner=client_alice, status=Project.Status.COMPLETED, contributor=contributor_bob)


def url(name: str, project: Project) -> str:
    return reverse(f"marketplace:{name}", args=[project.pk])


def test_the_owner_publishes_a_draft(browser_as: Any, draft: Project) -> None:
    response = browser_as(draft.owner).post(url("project_publish", draft), follow=True)

    draft.refresh_from_db()
    assert draft.status == Project.Status.OPEN
    assert draft.published_at is not None
    assertContains(response, "is published")


def test_publishing_is_post_only_and_owner_only(browser_as: Any, open_project: Project, mallory: User) -> None:
    assert browser_as(open_project.owner).get(url("project_publish", open_project)).status_code == 405
    assert browser_as(mallory).post(url("project_publish", open_project)).status_code == 403


def test_publishing_an_open_project_renders_the_state_error(browser_as: Any, open_project: Project) -> None:
    response = browser_as(open_project.owner).post(url("project_publish", open_project))

    assertContains(response, "Only a draft can be published.", status_code=409)


def test_cancelling_asks_for_confirmation_and_a_reason(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    client = browser_as(open_project.owner)

    confirm = client.get(url("project_cancel", open_project))
    assertContains(confirm, "Cancel this project?")
    assertContains(confirm, 'Reason <span class="optional">(optional)</span>')
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN

    response = client.post(url("project_cancel", open_project), {"reason": "Budget moved elsewhere."}, follow=True)

    open_project.refresh_from_db()
    application.refresh_from_db()
    assert open_project.status == Project.Status.CANCELLED
    assert application.status == Application.Status.REJECTED
    assert contributor_bob.notifications.get().body == "Budget moved elsewhere."
    assertRedirects(response, open_project.get_absolute_url())
    assertContains(response, "is cancelled")
    assertNotContains(response, "Cancel project")


def test_someone_else_cannot_cancel(browser_as: Any, open_project: Project, mallory: User) -> None:
    assert browser_as(mallory).get(url("project_cancel", open_project)).status_code == 403
    assert browser_as(mallory).post(url("project_cancel", open_project)).status_code == 403
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN


def test_the_owner_marks_a_project_completed(browser_as: Any, in_progress: Project) -> None:
    MilestoneFactory(project=in_progress)
    client = browser_as(in_progress.owner)

    assertContains(client.get(url("project_complete", in_progress)), "Mark this project completed?")
    response = client.post(url("project_complete", in_progress), follow=True)

    in_progress.refresh_from_db()
    assert in_progress.status == Project.Status.COMPLETED
    assertContains(response, "is completed")
    assertContains(response, "Leave your review")


def test_completing_warns_of_each_milestone_that_was_never_funded(browser_as: Any, hired_project: Project) -> None:
    from wallets import escrow

    prototype = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=prototype, actor=hired_project.owner)
    escrow.milestone_submit(milestone=prototype, actor=hired_project.contributor, note="Done.", links=[])
    escrow.milestone_approve(milestone=prototype, actor=hired_project.owner)

    response = browser_as(hired_project.owner).get(url("project_complete", hired_project))

    assertContains(response, "“Mainnet launch” (4,000 USDC) was never funded: it closes unpaid", html=False)
    assertNotContains(response, "“Prototype” (1,000 USDC)")


def test_completing_an_open_project_renders_the_state_error(browser_as: Any, open_project: Project) -> None:
    response = browser_as(open_project.owner).post(url("project_complete", open_project))

    assertContains(response, "Only a project in progress can be completed.", status_code=409)


def test_the_contributor_of_a_project_in_progress_has_no_owner_actions(
    browser_as: Any, in_progress: Project, contributor_bob: User
) -> None:
    response = browser_as(contributor_bob).get(in_progress.get_absolute_url())

    assertNotContains(response, "Mark completed")
    assertContains(response, "does not take applications")
    assert browser_as(contributor_bob).post(url("project_complete", in_progress)).status_code == 403


def test_both_parties_are_offered_a_review_form_and_others_are_not(
    browser_as: Any, completed: Project, contributor_bob: User, mallory: User
) -> None:
    for user in (completed.owner, contributor_bob):
        response = browser_as(user).get(completed.get_absolute_url())
        assertContains(response, "Leave your review")
        assertContains(response, 'type="radio" name="rating"', count=5)
    assertNotContains(browser_as(mallory).get(completed.get_absolute_url()), "Leave your review")


def test_the_owner_reviews_the_contributor(browser_as: Any, completed: Project, contributor_bob: User) -> None:
    response = browser_as(completed.owner).post(
        url("review_create", completed), {"rating": "5", "text": "Fast and careful."}, follow=True
    )

    review = Review.objects.get(project=completed)
    assert (review.author, review.subject, review.rating) == (completed.owner, contributor_bob, 5)
    assertContains(response, "your review is published")
    assertContains(response, "Fast and careful.")
    assertNotContains(response, "Leave your review")


def test_a_review_without_rating_or_text_re_renders_with_errors(browser_as: Any, completed: Project) -> None:
    response = browser_as(completed.owner).post(url("review_create", completed), {"text": ""})

    assert response.status_code == 200
    assertContains(response, "This field is required.", count=2)
    assert not Review.objects.exists()


def test_a_second_review_renders_the_state_error(browser_as: Any, completed: Project) -> None:
    ReviewFactory(project=completed)

    response = browser_as(completed.owner).post(url("review_create", completed), {"rating": "3", "text": "Again"})

    assertContains(response, "You have already reviewed this project.", status_code=409)


def test_a_stranger_cannot_review(browser_as: Any, completed: Project, mallory: User) -> None:
    response = browser_as(mallory).post(url("review_create", completed), {"rating": "1", "text": "Bad"})

    assert response.status_code == 403
    assert not Review.objects.exists()
