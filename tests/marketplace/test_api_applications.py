"""/api/v1/projects/{id}/applications/ and /api/v1/applications/{id}/ with transitions."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.models import Application, Project
from notifications.models import Notification
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLY = {"cover_letter": "I ran validators on subnet 1.", "proposed_amount": "4500.5", "estimated_days": 21}


def test_a_contributor_applies_and_the_owner_is_notified(
    api_as: Any, open_project: Project, contributor_bob: Any
) -> None:
    response = api_as(contributor_bob).post(f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json")

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert application.proposed_amount == 4_500_500_000
    assert response.json()["proposed_amount"]["amount"] == "4500.5"
    notification = Notification.objects.get(recipient=open_project.owner)
    assert notification.kind == Notification.Kind.APPLICATION_RECEIVED


def test_applying_to_your_own_project_is_forbidden(api_as: Any, open_project: Project) -> None:
    response = api_as(open_project.owner).post(
        f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "own_project"


def test_applying_twice_is_a_conflict(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    bob = api_as(contributor_bob)
    bob.post(f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json")

    response = bob.post(f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_applied"
    assert Application.objects.count() == 1


def test_applying_without_a_profile_says_what_to_do(api_as: Any, open_project: Project, mallory: Any) -> None:
    response = api_as(mallory).post(f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "profile_required"
    assert "profile" in response.json()["detail"]


def test_an_amount_with_too_many_decimals_is_a_400(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    response = api_as(contributor_bob).post(
        f"/api/v1/projects/{open_project.pk}/applications/", {**APPLY, "proposed_amount": "1.1234567"}, format="json"
    )

    assert response.status_code == 400
    assert "6 decimal places" in response.json()["errors"]["proposed_amount"][0]


def test_only_the_owner_lists_applications(
    api_as: Any, open_project: Project, contributor_bob: Any, mallory: Any
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)
    url = f"/api/v1/projects/{open_project.pk}/applications/"

    assert api_as(None).get(url).status_code == 401
    assert api_as(mallory).get(url).status_code == 403
    assert api_as(contributor_bob).get(url).status_code == 403
    response = api_as(open_project.owner).get(url)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_application_is_visible_to_its_author_and_the_owner_only(
    api_as: Any, open_project: Project, contributor_bob: Any, mallory: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    url = f"/api/v1/applications/{application.pk}/"

    assert api_as(contributor_bob).get(url).status_code == 200
    assert api_as(open_project.owner).get(url).status_code == 200
    assert api_as(mallory).get(url).status_code == 404
    assert api_as(None).get(url).status_code == 401


def test_accept_moves_the_project_in_progress_and_rejects_the_others(
    api_as: Any, open_project: Project, contributor_bob: Any, contributor_carol: Any
) -> None:
    chosen = ApplicationFactory(project=open_project, contributor=contributor_bob)
    other = ApplicationFactory(project=open_project, contributor=contributor_carol)
    owner = api_as(open_project.owner)

    assert owner.post(f"/api/v1/applications/{other.pk}/shortlist/").json()["status"] == "shortlisted"
    response = owner.post(f"/api/v1/applications/{chosen.pk}/accept/")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    open_project.refresh_from_db()
    other.refresh_from_db()
    assert open_project.status == Project.Status.IN_PROGRESS
    assert open_project.contributor == contributor_bob
    assert other.status == Application.Status.REJECTED
    assert contributor_carol.notifications.filter(kind=Notification.Kind.APPLICATION_REJECTED).exists()
    assert contributor_bob.notifications.filter(kind=Notification.Kind.APPLICATION_ACCEPTED).exists()
    # The project is no longer open: a second accept is a conflict, not a second contractor.
    again = owner.post(f"/api/v1/applications/{other.pk}/accept/")
    assert again.status_code == 409


@pytest.mark.parametrize("action", ["shortlist", "accept", "reject"])
def test_only_the_owner_decides(api_as: Any, open_project: Project, contributor_bob: Any, action: str) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = api_as(contributor_bob).post(f"/api/v1/applications/{application.pk}/{action}/")

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_applicant_withdraws_and_may_apply_again(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    bob = api_as(contributor_bob)

    assert api_as(open_project.owner).post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 403
    assert bob.post(f"/api/v1/applications/{application.pk}/withdraw/").json()["status"] == "withdrawn"
    assert bob.post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 409
    again = bob.post(f"/api/v1/projects/{open_project.pk}/applications/", APPLY, format="json")
    assert again.status_code == 201


def test_reviews_after_completion_once_per_side(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    owner = api_as(open_project.owner)
    url = f"/api/v1/projects/{open_project.pk}/reviews/"
    review = {"rating": 5, "text": "Shipped early."}

    assert owner.post(url, review, format="json").json()["code"] == "project_not_completed"
    owner.post(f"/api/v1/applications/{application.pk}/accept/")
    assert owner.post(f"/api/v1/projects/{open_project.pk}/complete/").status_code == 200

    assert api_as(UserFactory()).post(url, review, format="json").status_code == 403
    assert owner.post(url, {"rating": 6, "text": "x"}, format="json").status_code == 400
    created = owner.post(url, review, format="json")
    assert created.status_code == 201
    assert created.json()["subject"]["address"] == contributor_bob.address
    assert owner.post(url, review, format="json").json()["code"] == "already_reviewed"
    assert api_as(contributor_bob).post(url, {"rating": 4, "text": "Clear brief."}, format="json").status_code == 201
    assert len(api_as(None).get(url).json()) == 2
