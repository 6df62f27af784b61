"""The admin: every model registered, searchable and filterable; moderators hide
projects and profiles through actions that call the moderation services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review, Skill
from notifications.models import Notification
from tests.admin_forms import admin_form_data
from tests.factories import ContributorProfileFactory, ProjectFactory, UserFactory
from wallets import escrow
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


# --- money attached: escrow state is not the admin's to change ---------------------------


def _change(client: Any, obj: Any, changes: dict[str, Any]) -> Any:
    """Open ``obj``'s admin change form, apply ``changes`` (forged or not) to what
    it would send, and save it."""
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {**admin_form_data(page.content.decode(), f"{obj._meta.model_name}_form"), **changes, "_save": "Save"}
    return client.post(url, data)


@pytest.fixture
def funded(hired_project: Project) -> Milestone:
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=hired_project.owner)
    milestone.refresh_from_db()
    return milestone


ESCROW_STATE = [
    "project_id",
    "amount",
    "status",
    "fee_bps",
    "funded_at",
    "submitted_at",
    "review_due_at",
    "settled_at",
    "released_amount",
    "fee_amount",
    "refunded_amount",
    "partial_offer",
    "partial_offer_note",
]


def _escrow_state(milestone: Milestone) -> dict[str, Any]:
    stored = Milestone.objects.get(pk=milestone.pk)
    return {name: getattr(stored, name) for name in ESCROW_STATE}


def test_the_admin_cannot_rewrite_a_funded_milestones_amount_or_status(
    browser_as: Any, superuser: User, funded: Milestone, open_project: Project
) -> None:
    before = _escrow_state(funded)
    client = browser_as(superuser)
    page = client.get(f"/admin/marketplace/milestone/{funded.pk}/change/")
    assertNotContains(page, 'name="amount"')
    assertNotContains(page, 'name="status"')

    response = _change(
        client,
        funded,
        {
            "title": "Prototype (renamed)",
            "amount": "1",
            "status": "approved",
            "project": str(open_project.pk),
            "released_amount": str(10**12),
            "fee_bps": "0",
            "funded_at_0": "2020-01-01",
            "funded_at_1": "00:00:00",
            "partial_offer": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _escrow_state(funded) == before
    assert (before["amount"], before["status"]) == (1_000 * 10**6, Milestone.Status.FUNDED)
    assert Milestone.objects.get(pk=funded.pk).title == "Prototype (renamed)"  # the rest stays editable


def test_a_funded_milestone_cannot_be_deleted_in_the_admin(browser_as: Any, superuser: User, funded: Milestone) -> None:
    client = browser_as(superuser)

    assert client.get(f"/admin/marketplace/milestone/{funded.pk}/delete/").status_code == 403
    client.post(f"/admin/marketplace/milestone/{funded.pk}/delete/", {"post": "yes"})

    assert Milestone.objects.filter(pk=funded.pk).exists()


def test_a_pending_milestone_stays_editable_but_its_escrow_fields_do_not(
    browser_as: Any, superuser: User, hired_project: Project
) -> None:
    pending = hired_project.milestones.get(order=2)

    response = _change(browser_as(superuser), pending, {"amount": str(3_000 * 10**6), "fee_bps": "0"})

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Milestone.objects.get(pk=pending.pk)
    assert (stored.amount, stored.status, stored.fee_bps) == (3_000 * 10**6, Milestone.Status.PENDING, None)


def test_the_admin_cannot_swap_the_contributor_of_a_project_in_progress(
    browser_as: Any, superuser: User, hired_project: Project, funded: Milestone, mallory: User, contributor_bob: User
) -> None:
    client = browser_as(superuser)
    page = client.get(f"/admin/marketplace/project/{hired_project.pk}/change/")
    assertNotContains(page, 'name="contributor"')
    assertNotContains(page, 'name="status"')
    other = Token.objects.create(symbol="DAI", name="Dai", decimals=18)

    response = _change(
        client,
        hired_project,
        {
            "title": "Subnet validator v2",
            "contributor": str(mallory.pk),
            "owner": str(mallory.pk),
            "status": Project.Status.OPEN,
            "budget_token": str(other.pk),
            # The funded milestone's row in the inline: a new amount, and a delete.
            "milestones-0-amount": "1",
            "milestones-0-DELETE": "on",
        },
    )

    assert response.status_code == 200  # refused: the funded milestone cannot be deleted
    assertContains(response, "money is attached to it, so it cannot be deleted")
    response = _change(
        client,
        hired_project,
        {
            "title": "Subnet validator v2",
            "contributor": str(mallory.pk),
            "owner": str(mallory.pk),
            "status": Project.Status.OPEN,
            "budget_token": str(other.pk),
            "milestones-0-amount": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Project.objects.get(pk=hired_project.pk)
    assert stored.title == "Subnet validator v2"
    assert (stored.contributor_id, stored.owner_id, stored.status, stored.budget_token.symbol) == (
        contributor_bob.pk,
        hired_project.owner_id,
        Project.Status.IN_PROGRESS,
        "USDC",
    )
    assert Milestone.objects.get(pk=funded.pk).amount == 1_000 * 10**6


def test_an_open_project_keeps_its_parties_and_token_editable(
    browser_as: Any, superuser: User, open_project: Project
) -> None:
    page = browser_as(superuser).get(f"/admin/marketplace/project/{open_project.pk}/change/")

    for name in ("owner", "contributor", "budget_token", "status"):
        assertContains(page, f'name="{name}"')


def test_a_moderator_still_hides_and_shows_a_project_in_progress(
    browser_as: Any, moderator: User, hired_project: Project
) -> None:
    moderator.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client = browser_as(moderator)

    client.post("/admin/marketplace/project/", {"action": "hide", "_selected_action": [hired_project.pk]})
    assert Project.objects.get(pk=hired_project.pk).is_hidden
    client.post("/admin/marketplace/project/", {"action": "unhide", "_selected_action": [hired_project.pk]})
    assert not Project.objects.get(pk=hired_project.pk).is_hidden
