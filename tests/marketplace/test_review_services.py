"""review_create: one review per side of a completed project."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from config.errors import InvalidInput, InvalidState, PermissionDenied
from marketplace import services
from marketplace.models import Project, Review
from notifications.models import Notification
from tests.factories import ProjectFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(client_alice: User, contributor_bob: User) -> Project:
    return ProjectFactory(owner=client_alice, contributor=contributor_bob, status=Project.Status.COMPLETED)


def test_the_owner_reviews_the_contributor_who_is_told(
    completed: Project, client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    review = services.review_create(project=completed, author=client_alice, rating=5, text="  Superb validator.  ")

    review = Review.objects.get(pk=review.pk)
    assert (review.project, review.author, review.subject) == (completed, client_alice, contributor_bob)
    assert (review.rating, review.text) == (5, "Superb validator.")
    assert inbox(contributor_bob) == [Notification.Kind.REVIEW_RECEIVED]
    assert inbox(client_alice) == []
    notification = Notification.objects.get(recipient=contributor_bob)
    assert notification.payload == {"project": completed.pk, "review": review.pk}


def test_the_contributor_reviews_the_owner(
    completed: Project, client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    review = services.review_create(project=completed, author=contributor_bob, rating=4, text="Clear specs.")

    assert (review.author, review.subject) == (contributor_bob, client_alice)
    assert inbox(client_alice) == [Notification.Kind.REVIEW_RECEIVED]


def test_both_sides_review_once_each(completed: Project, client_alice: User, contributor_bob: User) -> None:
    services.review_create(project=completed, author=client_alice, rating=5, text="Great.")
    services.review_create(project=completed, author=contributor_bob, rating=3, text="Fine.")
    assert Review.objects.filter(project=completed).count() == 2


def test_reviewing_twice_is_refused(completed: Project, client_alice: User, contributor_bob: User, inbox: Any) -> None:
    services.review_create(project=completed, author=client_alice, rating=5, text="Great.")
    with pytest.raises(InvalidState) as excinfo:
        services.review_create(project=completed, author=client_alice, rating=1, text="Changed my mind.")
    assert excinfo.value.code == "already_reviewed"
    assert list(Review.objects.values_list("rating", flat=True)) == [5]
    assert inbox(contributor_bob) == [Notification.Kind.REVIEW_RECEIVED]


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_carol", "moderator"])
def test_only_the_parties_review(completed: Project, actor_name: str, request: Any) -> None:
    with pytest.raises(PermissionDenied) as excinfo:
        services.review_create(project=completed, author=request.getfixturevalue(actor_name), rating=1, text="Bad.")
    assert excinfo.value.code == "not_party"
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Project.Status.OPEN, Project.Status.IN_PROGRESS, Project.Status.CANCELLED])
def test_reviews_open_only_when_the_project_is_completed(
    client_alice: User, contributor_bob: User, status: str
) -> None:
    project = ProjectFactory(owner=client_alice, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        services.review_create(project=project, author=client_alice, rating=5, text="Early.")
    assert excinfo.value.code == "project_not_completed"
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("rating", "text", "code", "field"),
    [
        (0, "ok", "out_of_range", "rating"),
        (6, "ok", "out_of_range", "rating"),
        (-1, "ok", "out_of_range", "rating"),
        (3, "   ", "required", "text"),
        (3, "x" * 5_001, "too_long", "text"),
    ],
)
def test_invalid_reviews_are_refused(
    completed: Project, client_alice: User, rating: int, text: str, code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.review_create(project=completed, author=client_alice, rating=rating, text=text)
    assert (excinfo.value.code, excinfo.value.field) == (code, field)
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [1, 5])
def test_the_rating_limits_are_accepted(completed: Project, client_alice: User, rating: int) -> None:
    assert services.review_create(project=completed, author=client_alice, rating=rating, text="ok").rating == rating


def test_the_review_factory_builds_a_consistent_completed_project() -> None:
    review = ReviewFactory()
    assert review.project.status == Project.Status.COMPLETED
    assert review.author == review.project.owner
    assert review.subject == review.project.contributor
    assert review.subject is not None
