"""/api/v1/projects/: list, filters, create, read, edit, delete, transitions, milestones."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.models import Application, Project
from tests.factories import ApplicationFactory, MilestoneFactory, ProjectFactory, SkillFactory, token

pytestmark = pytest.mark.django_db

NEW_PROJECT = {
    "title": "Validator for a text-generation subnet",
    "summary": "Run a hardened Bittensor validator with honest scoring.",
    "description": "## Deliverables\n\n- validator\n- dashboards",
    "category": "subnets",
    "budget": {"amount": "1500.5", "token": "USDC"},
    "deadline": None,
    "milestones": [
        {"title": "Scoring prototype", "amount": "500.25"},
        {"title": "Production roll-out", "amount": "1000.25", "description": "Monitoring included"},
    ],
}


def test_anonymous_lists_only_open_public_projects(api_as: Any, client_alice: Any) -> None:
    visible = ProjectFactory(owner=client_alice, title="Visible")
    ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None, title="Draft")
    ProjectFactory(owner=client_alice, is_hidden=True, title="Hidden")
    ProjectFactory(owner=client_alice, status=Project.Status.CANCELLED, title="Cancelled")

    response = api_as(None).get("/api/v1/projects/")

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [visible.pk]
    assert response.json()["count"] == 1


def test_status_filter_lists_other_states_but_never_drafts_of_others(
    api_as: Any, client_alice: Any, mallory: Any
) -> None:
    cancelled = ProjectFactory(owner=client_alice, status=Project.Status.CANCELLED)
    ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)

    response = api_as(mallory).get("/api/v1/projects/", {"status": ["cancelled", "draft"]})

    assert [p["id"] for p in response.json()["results"]] == [cancelled.pk]


def test_budget_amounts_travel_as_exact_decimal_strings(api_as: Any, client_alice: Any) -> None:
    project = ProjectFactory(owner=client_alice, budget_token=token("WALL"), budget_amount=10**30 + 1)

    body = api_as(None).get(f"/api/v1/projects/{project.pk}/").json()

    assert body["budget"] == {
        "amount": "1000000000000.000000000000000001",
        "token": "WALL",
        "base_units": str(10**30 + 1),
    }


def test_filters_by_skill_category_budget_and_text(api_as: Any, client_alice: Any) -> None:
    zk = SkillFactory(slug="zk-test", name="ZK test")
    match = ProjectFactory(
        owner=client_alice, title="Prove inference with EZKL", category="zkml", budget_amount=8_000 * 10**6
    )
    match.required_skills.set([zk])
    ProjectFactory(owner=client_alice, title="Prove inference cheaply", category="zkml", budget_amount=100 * 10**6)
    ProjectFactory(owner=client_alice, title="Unrelated", category="data", budget_amount=9_000 * 10**6)

    response = api_as(None).get(
        "/api/v1/projects/",
        {"skills": "zk-test", "category": "zkml", "budget_min": "5000", "token": "USDC", "q": "inference"},
    )

    assert [p["id"] for p in response.json()["results"]] == [match.pk]


def test_an_invalid_filter_is_a_400_that_names_the_field(api_as: Any) -> None:
    response = api_as(None).get("/api/v1/projects/", {"budget_min": "lots"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filter"
    assert "budget_min" in body["errors"]


def test_anonymous_cannot_post_a_project(api_as: Any) -> None:
    response = api_as(None).post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Project.objects.exists()


def test_a_signed_in_user_posts_a_project_with_milestones_in_exact_base_units(api_as: Any, client_alice: Any) -> None:
    response = api_as(client_alice).post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 201, response.json()
    project = Project.objects.get()
    assert project.owner == client_alice
    assert project.status == Project.Status.OPEN
    assert project.budget_amount == 1_500_500_000
    assert [(m.order, m.amount) for m in project.milestones.all()] == [(1, 500_250_000), (2, 1_000_250_000)]
    body = response.json()
    assert body["milestones"][1]["amount"] == {"amount": "1000.25", "token": "USDC", "base_units": "1000250000"}
    assert "<h2>Deliverables</h2>" in body["description_html"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1.0000001", "6 decimal places"),
        ("-5", "negative"),
        ("0", "greater than zero"),
        ("ten", "not a number"),
    ],
)
def test_a_bad_budget_is_a_400_with_a_clear_message(api_as: Any, client_alice: Any, amount: str, message: str) -> None:
    response = api_as(client_alice).post(
        "/api/v1/projects/", {**NEW_PROJECT, "budget": {"amount": amount, "token": "USDC"}}, format="json"
    )

    assert response.status_code == 400
    assert message in str(response.json()["errors"]["budget"])
    assert not Project.objects.exists()


def test_a_float_budget_is_refused(api_as: Any, client_alice: Any) -> None:
    response = api_as(client_alice).post(
        "/api/v1/projects/", {**NEW_PROJECT, "budget": {"amount": 1500.5, "token": "USDC"}}, format="json"
    )

    # JSON numbers arrive as Python floats and cannot be exact: only strings are accepted.
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_milestones_over_budget_are_refused(api_as: Any, client_alice: Any) -> None:
    response = api_as(client_alice).post(
        "/api/v1/projects/", {**NEW_PROJECT, "milestones": [{"title": "All", "amount": "2000"}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "milestones_exceed_budget"


def test_an_unknown_token_or_skill_is_a_400(api_as: Any, client_alice: Any) -> None:
    response = api_as(client_alice).post(
        "/api/v1/projects/",
        {**NEW_PROJECT, "budget": {"amount": "10", "token": "DOGE"}, "required_skills": ["no-such-skill"]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"budget", "required_skills"}


def test_drafts_are_visible_to_their_owner_only(api_as: Any, client_alice: Any, mallory: Any) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)

    assert api_as(client_alice).get(f"/api/v1/projects/{draft.pk}/").status_code == 200
    response = api_as(mallory).get(f"/api/v1/projects/{draft.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "project_not_found"


def test_the_owner_edits_a_project_and_others_cannot(api_as: Any, open_project: Project, mallory: Any) -> None:
    forbidden = api_as(mallory).patch(f"/api/v1/projects/{open_project.pk}/", {"title": "Mine now"}, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "not_owner"

    response = api_as(open_project.owner).patch(
        f"/api/v1/projects/{open_project.pk}/",
        {"title": "Sharper title", "milestones": [{"title": "Only one", "amount": "100"}]},
        format="json",
    )

    assert response.status_code == 200
    open_project.refresh_from_db()
    assert open_project.title == "Sharper title"
    assert [m.amount for m in open_project.milestones.all()] == [100 * 10**6]


def test_delete_is_refused_once_someone_applied(api_as: Any, open_project: Project, contributor_bob: Any) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = api_as(open_project.owner).delete(f"/api/v1/projects/{open_project.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_deletable"
    assert Project.objects.filter(pk=open_project.pk).exists()


def test_the_owner_deletes_a_project_nobody_applied_to(api_as: Any, open_project: Project, mallory: Any) -> None:
    assert api_as(mallory).delete(f"/api/v1/projects/{open_project.pk}/").status_code == 403
    assert api_as(open_project.owner).delete(f"/api/v1/projects/{open_project.pk}/").status_code == 204
    assert not Project.objects.filter(pk=open_project.pk).exists()


def test_publish_cancel_and_complete_follow_the_state_machine(
    api_as: Any, client_alice: Any, contributor_bob: Any, mallory: Any
) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    alice = api_as(client_alice)

    assert api_as(mallory).post(f"/api/v1/projects/{draft.pk}/publish/").status_code == 404  # a draft is private
    assert alice.post(f"/api/v1/projects/{draft.pk}/complete/").json()["code"] == "not_in_progress"
    published = alice.post(f"/api/v1/projects/{draft.pk}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "open"
    assert alice.post(f"/api/v1/projects/{draft.pk}/publish/").status_code == 409

    applicant = ApplicationFactory(project=draft, contributor=contributor_bob)
    cancelled = alice.post(f"/api/v1/projects/{draft.pk}/cancel/", {"reason": "Budget moved"}, format="json")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    applicant.refresh_from_db()
    assert applicant.status == Application.Status.REJECTED
    assert contributor_bob.notifications.get().body == "Budget moved"


def test_milestones_endpoint_lists_and_adds_within_budget(api_as: Any, open_project: Project, mallory: Any) -> None:
    MilestoneFactory(project=open_project, amount=4_000 * 10**6, order=1)
    url = f"/api/v1/projects/{open_project.pk}/milestones/"

    assert [m["order"] for m in api_as(None).get(url).json()] == [1]
    assert api_as(mallory).post(url, {"title": "More", "amount": "10"}, format="json").status_code == 403
    over = api_as(open_project.owner).post(url, {"title": "Too much", "amount": "1000.01"}, format="json")
    assert over.status_code == 400
    assert over.json()["code"] == "milestones_exceed_budget"
    added = api_as(open_project.owner).post(url, {"title": "Docs", "amount": "1000"}, format="json")
    assert added.status_code == 201
    assert added.json()["order"] == 2
    assert open_project.milestones.count() == 2


def test_an_unknown_project_is_a_404_not_a_500(api_as: Any) -> None:
    response = api_as(None).get("/api/v1/projects/999999/")

    assert response.status_code == 404
    assert response.json()["detail"]
