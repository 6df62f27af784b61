"""The admin: every model registered, searchable and filterable; moderators hide
projects and profiles through actions that call the moderation services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from accounts.models import User
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review, Skill
from notifications.models import Notification
from tests.factories import ContributorProfileFactory, ProjectFactory, UserFactory
from wallets.models import Token

pytestmark = pytest.mark.django_db

MODELS = [User, Token, Skill, Project, Milestone, ContributorProfile, Application, Review, Notification]


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(UserFactory.build().address, password="correct horse battery staple")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_searchable_changelist(browser_as: Any, superuser: User, model: type[Any]) -> None:
    assert model in admin.site._registry
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

    response = browser_as(superuser).get(url, {"q": "bittensor"})

    assert response.status_code == 200


def test_profile_skills_are_edited_inline_on_the_profile(superuser: User) -> None:
    inlines = admin.site._registry[ContributorProfile].inlines
    assert any(inline.model is ProfileSkill for inline in inlines)


def test_a_moderator_hides_a_project_and_it_leaves_the_public_list(
    browser_as: Any, moderator: User, client_alice: User
) -> None:
    moderator.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    project = ProjectFactory(owner=client_alice, title="Spam project")

    response = browser_as(moderator).post(
        "/admin/marketplace/project/", {"action": "hide", "_selected_action": [project.pk]}, follow=True
    )

    assert response.status_code == 200
    project.refresh_from_db()
    assert project.is_hidden
    assert "1 project(s) hidden" in response.content.decode()
    assert browser_as(None).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    assert browser_as(client_alice).get(f"/api/v1/projects/{project.pk}/").status_code == 200  # the owner still sees it


def test_a_moderator_hides_a_profile(browser_as: Any, moderator: User) -> None:
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_contributorprofile", "change_contributorprofile"])
    )
    profile = ContributorProfileFactory()

    browser_as(moderator).post(
        "/admin/marketplace/contributorprofile/", {"action": "hide", "_selected_action": [profile.pk]}
    )

    profile.refresh_from_db()
    assert profile.is_hidden
    assert browser_as(None).get(f"/api/v1/contributors/{profile.pk}/").status_code == 404


def test_adding_a_user_in_the_admin_takes_an_address_and_sets_no_password(browser_as: Any, superuser: User) -> None:
    address = UserFactory.build().address.lower()

    response = browser_as(superuser).post(
        "/admin/accounts/user/add/", {"address": address, "display_name": "New moderator", "is_staff": "on"}
    )

    assert response.status_code == 302
    user = User.objects.get_by_address(address)
    assert user.address != address  # stored checksummed
    assert user.is_staff
    assert not user.has_usable_password()


def test_reviews_cannot_be_invented_in_the_admin(browser_as: Any, superuser: User) -> None:
    assert browser_as(superuser).get("/admin/marketplace/review/add/").status_code == 403
