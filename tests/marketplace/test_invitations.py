"""Inviting a recommended contributor to apply: service, page button and API."""

from __future__ import annotations

from typing import Any

import pytest

from config.errors import InvalidState, PermissionDenied
from marketplace import services
from marketplace.models import Invitation, Project
from notifications.models import Notification
from tests.factories import ApplicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_owner_invites_a_contributor_who_is_told(open_project: Project, contributor_bob: Any) -> None:
    invitation = services.invitation_create(
        project=open_project, actor=open_project.owner, profile=contributor_bob.profile
    )

    assert invitation.contributor == contributor_bob
    notification = contributor_bob.notifications.get()
    assert notification.kind == Notification.Kind.PROJECT_INVITATION
    assert notification.link == open_project.get_absolute_url()


def test_a_contributor_is_invited_once(open_project: Project, contributor_bob: Any) -> None:
    services.invitation_create(project=open_project, actor=open_project.owner, profile=contributor_bob.profile)

    with pytest.raises(InvalidState) as error:
        services.invitation_create(project=open_project, actor=open_project.owner, profile=contributor_bob.profile)

    assert error.value.code == "already_invited"
    assert Invitation.objects.count() == 1


def test_only_the_owner_of_an_open_project_invites(
    open_project: Project, contributor_bob: Any, contributor_carol: Any, client_alice: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(project=open_project, actor=contributor_carol, profile=contributor_bob.profile)
    closed = ProjectFactory(owner=client_alice, status=Project.Status.CANCELLED)
    with pytest.raises(InvalidState) as error:
        services.invitation_create(project=closed, actor=client_alice, profile=contributor_bob.profile)
    assert error.value.code == "project_not_open"


def test_someone_who_applied_already_is_not_invited(open_project: Project, contributor_bob: Any) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)

    with pytest.raises(InvalidState) as error:
        services.invitation_create(project=open_project, actor=open_project.owner, profile=contributor_bob.profile)

    assert error.value.code == "already_applied"


def test_the_invite_button_invites_and_then_shows_invited(
    browser_as: Any, open_project: Project, contributor_bob: Any, mallory: Any
) -> None:
    url = f"/projects/{open_project.pk}/invite/{contributor_bob.profile.pk}/"

    assert browser_as(mallory).post(url).status_code == 403
    response = browser_as(open_project.owner).post(url, follow=True)

    assert response.status_code == 200
    assert "is invited to apply" in response.content.decode()
    assert Invitation.objects.filter(project=open_project, contributor=contributor_bob).exists()
    again = browser_as(open_project.owner).post(url, follow=True)
    assert again.status_code == 409
    assert "invited" in again.content.decode()


def test_the_api_invites(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    url = f"/api/v1/projects/{open_project.pk}/invitations/"

    created = api_as(open_project.owner).post(url, {"contributor": contributor_bob.profile.pk}, format="json")
    again = api_as(open_project.owner).post(url, {"contributor": contributor_bob.profile.pk}, format="json")
    unknown = api_as(open_project.owner).post(url, {"contributor": 987654}, format="json")

    assert created.status_code == 201
    assert created.json()["contributor"]["address"] == contributor_bob.address
    assert again.status_code == 409
    assert again.json()["code"] == "already_invited"
    assert unknown.status_code == 404
