"""Project services: create, update, publish, cancel, complete, delete, hide, milestones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from config.errors import InvalidInput, InvalidState, PermissionDenied
from marketplace import services
from marketplace.models import Application, Milestone, Project, Skill
from marketplace.services import MilestoneInput
from notifications.models import Notification
from tests.factories import ApplicationFactory, MilestoneFactory, ProjectFactory, SkillFactory, token
from wallets.amounts import MAX_BASE_UNITS

pytestmark = pytest.mark.django_db

USDC = 10**6
WALL = 10**18


def create(owner: User, **overrides: Any) -> Project:
    data: dict[str, Any] = {
        "owner": owner,
        "title": "Bittensor subnet validator",
        "summary": "Run a validator for subnet 18.",
        "description": "Scoring, monitoring and **alerts**.",
        "category": Project.Category.SUBNETS,
        "budget_amount": 5_000 * USDC,
        "budget_token": token("USDC"),
    }
    data.update(overrides)
    return services.project_create(**data)


def in_progress(owner: User, contributor: User, **kwargs: Any) -> Project:
    return ProjectFactory(owner=owner, status=Project.Status.IN_PROGRESS, contributor=contributor, **kwargs)


def skills(n: int) -> list[Skill]:
    return [SkillFactory() for _ in range(n)]


# --- project_create -------------------------------------------------------------------


def test_it_creates_an_open_project_with_skills_and_ordered_milestones(client_alice: User) -> None:
    required, nice = skills(2), skills(1)
    deadline = timezone.localdate() + timedelta(days=30)

    project = create(
        client_alice,
        title="  ZK proof of inference  ",
        budget_amount=1_000_000 * WALL + 1,
        budget_token=token("WALL"),
        required_skills=required,
        nice_to_have_skills=nice,
        deadline=deadline,
        milestones=[
            MilestoneInput(title=" Circuit ", amount=400_000 * WALL, description=" the circuit "),
            MilestoneInput(title="Prover", amount=600_000 * WALL + 1),
        ],
    )

    project = Project.objects.get(pk=project.pk)
    assert project.status == Project.Status.OPEN
    assert project.published_at is not None
    assert project.owner == client_alice
    assert project.title == "ZK proof of inference"
    assert project.budget_amount == 1_000_000 * WALL + 1
    assert project.budget_token.symbol == "WALL"
    assert project.deadline == deadline
    assert set(project.required_skills.all()) == set(required)
    assert set(project.nice_to_have_skills.all()) == set(nice)
    milestones = list(project.milestones.order_by("order"))
    assert [(m.order, m.title, m.amount, m.status) for m in milestones] == [
        (1, "Circuit", 400_000 * WALL, Milestone.Status.PENDING),
        (2, "Prover", 600_000 * WALL + 1, Milestone.Status.PENDING),
    ]
    assert milestones[0].description == "the circuit"


def test_it_creates_a_draft_when_not_published(client_alice: User) -> None:
    project = create(client_alice, publish=False)

    assert project.status == Project.Status.DRAFT
    assert project.published_at is None


def test_milestones_may_add_up_to_exactly_the_budget(client_alice: User) -> None:
    project = create(
        client_alice,
        budget_amount=3 * USDC,
        milestones=[MilestoneInput(title="a", amount=1 * USDC), MilestoneInput(title="b", amount=2 * USDC)],
    )
    assert project.milestones.count() == 2


def test_it_rejects_milestones_exceeding_the_budget(client_alice: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        create(
            client_alice,
            budget_amount=3 * USDC,
            milestones=[MilestoneInput(title="a", amount=1 * USDC), MilestoneInput(title="b", amount=2 * USDC + 1)],
        )
    assert excinfo.value.code == "milestones_exceed_budget"
    assert excinfo.value.field == "milestones"
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"title": "   "}, "required", "title"),
        ({"title": "x" * 141}, "too_long", "title"),
        ({"summary": ""}, "required", "summary"),
        ({"summary": "x" * 281}, "too_long", "summary"),
        ({"description": " \n "}, "required", "description"),
        ({"category": "gardening"}, "invalid_choice", "category"),
        ({"budget_amount": 0}, "invalid_amount", "budget_amount"),
        ({"budget_amount": -1}, "invalid_amount", "budget_amount"),
        ({"budget_amount": MAX_BASE_UNITS + 1}, "invalid_amount", "budget_amount"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline_past", "deadline"),
        ({"milestones": [MilestoneInput(title=" ", amount=1)]}, "required", "milestones"),
        ({"milestones": [MilestoneInput(title="a", amount=0)]}, "invalid_amount", "milestones"),
        ({"milestones": [MilestoneInput(title="a", amount=-5)]}, "invalid_amount", "milestones"),
        (
            {"milestones": [MilestoneInput(title=f"m{i}", amount=1) for i in range(services.MAX_MILESTONES + 1)]},
            "too_many_milestones",
            None,
        ),
    ],
)
def test_it_rejects_invalid_project_input(
    client_alice: User, overrides: dict[str, Any], code: str, field: str | None
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        create(client_alice, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.field == field
    assert not Project.objects.exists()


def test_a_deadline_today_is_accepted(client_alice: User) -> None:
    assert create(client_alice, deadline=timezone.localdate()).deadline == timezone.localdate()


def test_it_accepts_the_largest_budget_a_token_can_hold(client_alice: User) -> None:
    project = create(client_alice, budget_amount=MAX_BASE_UNITS, budget_token=token("WALL"))
    assert Project.objects.get(pk=project.pk).budget_amount == MAX_BASE_UNITS


def test_it_rejects_a_skill_both_required_and_nice_to_have(client_alice: User) -> None:
    shared = SkillFactory(name="Overlapping skill", slug="overlapping-skill")
    with pytest.raises(InvalidInput) as excinfo:
        create(client_alice, required_skills=[shared], nice_to_have_skills=[shared])
    assert excinfo.value.code == "skill_overlap"
    assert excinfo.value.field == "nice_to_have_skills"
    assert "Overlapping skill" in excinfo.value.message


def test_it_rejects_too_many_skills(client_alice: User) -> None:
    many = skills(services.MAX_SKILLS + 1)
    with pytest.raises(InvalidInput) as excinfo:
        create(client_alice, required_skills=many[:10], nice_to_have_skills=many[10:])
    assert excinfo.value.code == "too_many_skills"


def test_it_rejects_an_inactive_token(client_alice: User) -> None:
    wall = token("WALL")
    wall.is_active = False
    wall.save()
    with pytest.raises(InvalidInput) as excinfo:
        create(client_alice, budget_token=wall)
    assert excinfo.value.code == "inactive_token"
    assert excinfo.value.field == "budget_token"


def test_a_deactivated_account_cannot_post(client_alice: User) -> None:
    client_alice.is_active = False
    client_alice.save()
    with pytest.raises(PermissionDenied) as excinfo:
        create(client_alice)
    assert excinfo.value.code == "inactive"
    assert not Project.objects.exists()


# --- project_update -------------------------------------------------------------------


def test_the_owner_updates_only_the_fields_given(open_project: Project, client_alice: User) -> None:
    required = skills(1)
    open_project.required_skills.set(required)
    before = Project.objects.get(pk=open_project.pk)

    services.project_update(project=open_project, actor=client_alice, title=" New title ", budget_amount=7 * USDC)

    after = Project.objects.get(pk=open_project.pk)
    assert after.title == "New title"
    assert after.budget_amount == 7 * USDC
    assert (after.summary, after.description, after.category, after.deadline, after.budget_token_id) == (
        before.summary,
        before.description,
        before.category,
        before.deadline,
        before.budget_token_id,
    )
    assert list(after.required_skills.all()) == required
    assert after.status == Project.Status.OPEN


def test_the_owner_updates_a_draft(client_alice: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    services.project_update(project=draft, actor=client_alice, category=Project.Category.ZKML, deadline=None)
    draft.refresh_from_db()
    assert draft.category == Project.Category.ZKML
    assert draft.deadline is None
    assert draft.status == Project.Status.DRAFT


def test_updating_milestones_replaces_the_whole_list(open_project: Project, client_alice: User) -> None:
    MilestoneFactory(project=open_project, title="old", amount=USDC)

    services.project_update(
        project=open_project,
        actor=client_alice,
        milestones=[MilestoneInput(title="one", amount=2 * USDC), MilestoneInput(title="two", amount=3 * USDC)],
    )

    assert list(open_project.milestones.order_by("order").values_list("order", "title", "amount")) == [
        (1, "one", 2 * USDC),
        (2, "two", 3 * USDC),
    ]


def test_updating_skills_replaces_them(open_project: Project, client_alice: User) -> None:
    old, new, nice = skills(1), skills(2), skills(1)
    open_project.required_skills.set(old)

    services.project_update(project=open_project, actor=client_alice, required_skills=new, nice_to_have_skills=nice)

    assert set(open_project.required_skills.all()) == set(new)
    assert set(open_project.nice_to_have_skills.all()) == set(nice)


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob", "moderator"])
def test_only_the_owner_can_update_a_project(open_project: Project, actor_name: str, request: Any) -> None:
    actor = request.getfixturevalue(actor_name)
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_update(project=open_project, actor=actor, title="Mine now")
    assert excinfo.value.code == "not_owner"
    open_project.refresh_from_db()
    assert open_project.title != "Mine now"


@pytest.mark.parametrize("status", [Project.Status.IN_PROGRESS, Project.Status.COMPLETED, Project.Status.CANCELLED])
def test_a_project_past_open_cannot_be_edited(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.project_update(project=project, actor=client_alice, title="Changed")
    assert excinfo.value.code == "not_editable"
    project.refresh_from_db()
    assert project.title != "Changed"


def test_lowering_the_budget_below_the_milestones_is_refused(open_project: Project, client_alice: User) -> None:
    MilestoneFactory(project=open_project, amount=3_000 * USDC)
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(project=open_project, actor=client_alice, budget_amount=2_999 * USDC, title="Cheaper")
    assert excinfo.value.code == "milestones_exceed_budget"
    open_project.refresh_from_db()
    assert open_project.budget_amount == 5_000 * USDC
    assert open_project.title != "Cheaper"


def test_new_milestones_exceeding_the_budget_are_refused_and_the_old_ones_stay(
    open_project: Project, client_alice: User
) -> None:
    MilestoneFactory(project=open_project, title="kept", amount=USDC)
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(
            project=open_project, actor=client_alice, milestones=[MilestoneInput(title="big", amount=5_001 * USDC)]
        )
    assert excinfo.value.code == "milestones_exceed_budget"
    assert list(open_project.milestones.values_list("title", flat=True)) == ["kept"]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"title": ""}, "required", "title"),
        ({"summary": "x" * 281}, "too_long", "summary"),
        ({"description": ""}, "required", "description"),
        ({"category": "nope"}, "invalid_choice", "category"),
        ({"budget_amount": 0}, "invalid_amount", "budget_amount"),
        ({"budget_amount": MAX_BASE_UNITS + 1}, "invalid_amount", "budget_amount"),
        ({"deadline": timezone.localdate() - timedelta(days=2)}, "deadline_past", "deadline"),
    ],
)
def test_it_rejects_invalid_updates(
    open_project: Project, client_alice: User, overrides: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(project=open_project, actor=client_alice, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.field == field


def test_an_existing_past_deadline_may_be_kept(client_alice: User) -> None:
    past = timezone.localdate() - timedelta(days=3)
    project = ProjectFactory(owner=client_alice, deadline=past)
    services.project_update(project=project, actor=client_alice, deadline=past, title="Still late")
    project.refresh_from_db()
    assert (project.deadline, project.title) == (past, "Still late")


def test_updating_nice_to_have_skills_cannot_overlap_the_required_ones(
    open_project: Project, client_alice: User
) -> None:
    skill = SkillFactory()
    open_project.required_skills.set([skill])
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(project=open_project, actor=client_alice, nice_to_have_skills=[skill])
    assert excinfo.value.code == "skill_overlap"
    assert not open_project.nice_to_have_skills.exists()


def test_the_token_can_change_before_anyone_applies(open_project: Project, client_alice: User) -> None:
    services.project_update(
        project=open_project, actor=client_alice, budget_token=token("WALL"), budget_amount=5_000 * WALL
    )
    open_project.refresh_from_db()
    assert open_project.budget_token.symbol == "WALL"
    assert open_project.budget_amount == 5_000 * WALL


def test_changing_the_token_requires_the_budget_in_the_new_token(open_project: Project, client_alice: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(project=open_project, actor=client_alice, budget_token=token("WALL"))
    assert (excinfo.value.code, excinfo.value.field) == ("amount_in_old_token", "budget_amount")
    open_project.refresh_from_db()
    assert (open_project.budget_token.symbol, open_project.budget_amount) == ("USDC", 5_000 * USDC)


def test_changing_the_token_requires_the_milestones_in_the_new_token(open_project: Project, client_alice: User) -> None:
    MilestoneFactory(project=open_project, amount=1_000 * USDC)
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(
            project=open_project, actor=client_alice, budget_token=token("WALL"), budget_amount=5_000 * WALL
        )
    assert (excinfo.value.code, excinfo.value.field) == ("amount_in_old_token", "milestones")
    open_project.refresh_from_db()
    assert open_project.budget_token.symbol == "USDC"

    services.project_update(
        project=open_project,
        actor=client_alice,
        budget_token=token("WALL"),
        budget_amount=5_000 * WALL,
        milestones=[MilestoneInput(title="All", amount=5_000 * WALL)],
    )
    open_project.refresh_from_db()
    assert open_project.budget_token.symbol == "WALL"
    assert list(open_project.milestones.values_list("amount", flat=True)) == [5_000 * WALL]


def test_the_token_is_locked_once_someone_applied(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, status=Application.Status.WITHDRAWN)
    with pytest.raises(InvalidState) as excinfo:
        services.project_update(project=open_project, actor=client_alice, budget_token=token("WALL"))
    assert excinfo.value.code == "token_locked"
    assert excinfo.value.field == "budget_token"
    open_project.refresh_from_db()
    assert open_project.budget_token.symbol == "USDC"


def test_giving_the_same_token_again_is_not_a_change(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)
    services.project_update(project=open_project, actor=client_alice, budget_token=token("USDC"), title="Same token")
    open_project.refresh_from_db()
    assert open_project.title == "Same token"


def test_the_token_cannot_change_to_an_inactive_one(open_project: Project, client_alice: User) -> None:
    wall = token("WALL")
    wall.is_active = False
    wall.save()
    with pytest.raises(InvalidInput) as excinfo:
        services.project_update(project=open_project, actor=client_alice, budget_token=wall)
    assert excinfo.value.code == "inactive_token"
    open_project.refresh_from_db()
    assert open_project.budget_token.symbol == "USDC"


# --- project_publish ------------------------------------------------------------------


def test_the_owner_publishes_a_draft(client_alice: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    services.project_publish(project=draft, actor=client_alice)
    draft.refresh_from_db()
    assert draft.status == Project.Status.OPEN
    assert draft.published_at is not None


def test_only_the_owner_publishes(client_alice: User, mallory: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_publish(project=draft, actor=mallory)
    assert excinfo.value.code == "not_owner"
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


@pytest.mark.parametrize(
    "status",
    [Project.Status.OPEN, Project.Status.IN_PROGRESS, Project.Status.COMPLETED, Project.Status.CANCELLED],
)
def test_only_a_draft_can_be_published(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.project_publish(project=project, actor=client_alice)
    assert excinfo.value.code == "not_draft"
    project.refresh_from_db()
    assert project.status == status


# --- project_cancel -------------------------------------------------------------------


def test_cancelling_rejects_pending_applications_and_tells_their_authors(
    open_project: Project, client_alice: User, contributor_bob: User, contributor_carol: User, mallory: User, inbox: Any
) -> None:
    submitted = ApplicationFactory(project=open_project, contributor=contributor_bob)
    shortlisted = ApplicationFactory(
        project=open_project, contributor=contributor_carol, status=Application.Status.SHORTLISTED
    )
    withdrawn = ApplicationFactory(project=open_project, contributor=mallory, status=Application.Status.WITHDRAWN)

    services.project_cancel(project=open_project, actor=client_alice, reason="  Budget cut.  ")

    open_project.refresh_from_db()
    assert open_project.status == Project.Status.CANCELLED
    assert open_project.closed_at is not None
    for application in (submitted, shortlisted):
        application.refresh_from_db()
        assert application.status == Application.Status.REJECTED
        assert application.decided_at == open_project.closed_at
    withdrawn.refresh_from_db()
    assert withdrawn.status == Application.Status.WITHDRAWN
    assert inbox(contributor_bob) == [Notification.Kind.PROJECT_CANCELLED]
    assert inbox(contributor_carol) == [Notification.Kind.PROJECT_CANCELLED]
    assert inbox(mallory) == []
    assert inbox(client_alice) == []
    assert Notification.objects.get(recipient=contributor_bob).body == "Budget cut."


def test_a_draft_can_be_cancelled(client_alice: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    services.project_cancel(project=draft, actor=client_alice)
    draft.refresh_from_db()
    assert draft.status == Project.Status.CANCELLED


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob", "moderator"])
def test_only_the_owner_cancels(open_project: Project, actor_name: str, request: Any) -> None:
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_cancel(project=open_project, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN


@pytest.mark.parametrize("status", [Project.Status.IN_PROGRESS, Project.Status.COMPLETED, Project.Status.CANCELLED])
def test_a_project_past_open_cannot_be_cancelled(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.project_cancel(project=project, actor=client_alice)
    assert excinfo.value.code == "not_cancellable"
    project.refresh_from_db()
    assert project.status == status


# --- project_complete -----------------------------------------------------------------


def test_the_owner_completes_a_project_in_progress_and_the_contributor_is_told(
    client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    project = in_progress(client_alice, contributor_bob)
    MilestoneFactory(project=project, status=Milestone.Status.APPROVED)
    MilestoneFactory(project=project, status=Milestone.Status.REFUNDED)
    MilestoneFactory(project=project, status=Milestone.Status.PENDING)

    services.project_complete(project=project, actor=client_alice)

    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    assert project.closed_at is not None
    assert inbox(contributor_bob) == [Notification.Kind.PROJECT_COMPLETED]
    assert inbox(client_alice) == []


@pytest.mark.parametrize(
    "milestone_status",
    [
        Milestone.Status.FUNDED,
        Milestone.Status.SUBMITTED,
        Milestone.Status.CHANGES_REQUESTED,
        Milestone.Status.DISPUTED,
    ],
)
def test_a_project_with_money_in_escrow_cannot_be_completed(
    client_alice: User, contributor_bob: User, milestone_status: str, inbox: Any
) -> None:
    project = in_progress(client_alice, contributor_bob)
    MilestoneFactory(project=project, status=milestone_status)
    with pytest.raises(InvalidState) as excinfo:
        services.project_complete(project=project, actor=client_alice)
    assert excinfo.value.code == "milestones_open"
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert inbox(contributor_bob) == []


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob"])
def test_only_the_owner_completes(client_alice: User, contributor_bob: User, actor_name: str, request: Any) -> None:
    project = in_progress(client_alice, contributor_bob)
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_complete(project=project, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS


@pytest.mark.parametrize(
    "status", [Project.Status.DRAFT, Project.Status.OPEN, Project.Status.COMPLETED, Project.Status.CANCELLED]
)
def test_only_a_project_in_progress_can_be_completed(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.project_complete(project=project, actor=client_alice)
    assert excinfo.value.code == "not_in_progress"


# --- project_delete -------------------------------------------------------------------


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.OPEN, Project.Status.CANCELLED])
def test_the_owner_deletes_a_project_nobody_applied_to(client_alice: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status)
    MilestoneFactory(project=project)

    services.project_delete(project=project, actor=client_alice)

    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("application_status", list(Application.Status))
def test_a_project_someone_applied_to_cannot_be_deleted(
    open_project: Project, client_alice: User, contributor_bob: User, application_status: str
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, status=application_status)
    with pytest.raises(InvalidState) as excinfo:
        services.project_delete(project=open_project, actor=client_alice)
    assert excinfo.value.code == "not_deletable"
    assert Project.objects.filter(pk=open_project.pk).exists()


@pytest.mark.parametrize("status", [Project.Status.IN_PROGRESS, Project.Status.COMPLETED])
def test_a_contracted_project_cannot_be_deleted(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.project_delete(project=project, actor=client_alice)
    assert excinfo.value.code == "not_deletable"
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("actor_name", ["mallory", "moderator"])
def test_only_the_owner_deletes(open_project: Project, actor_name: str, request: Any) -> None:
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_delete(project=open_project, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    assert Project.objects.filter(pk=open_project.pk).exists()


# --- project_set_hidden ---------------------------------------------------------------


def test_a_moderator_hides_and_unhides_a_project(open_project: Project, moderator: User) -> None:
    services.project_set_hidden(project=open_project, moderator=moderator, hidden=True, reason="  Spam.  ")
    open_project.refresh_from_db()
    assert open_project.is_hidden
    assert open_project.hidden_reason == "Spam."

    services.project_set_hidden(project=open_project, moderator=moderator, hidden=False, reason="ignored")
    open_project.refresh_from_db()
    assert not open_project.is_hidden
    assert open_project.hidden_reason == ""


@pytest.mark.parametrize("actor_name", ["client_alice", "mallory"])
def test_only_a_moderator_hides_a_project(open_project: Project, actor_name: str, request: Any) -> None:
    with pytest.raises(PermissionDenied) as excinfo:
        services.project_set_hidden(project=open_project, moderator=request.getfixturevalue(actor_name), hidden=True)
    assert excinfo.value.code == "not_moderator"
    open_project.refresh_from_db()
    assert not open_project.is_hidden


# --- milestone_add --------------------------------------------------------------------


def test_the_owner_appends_a_milestone_within_the_budget(open_project: Project, client_alice: User) -> None:
    MilestoneFactory(project=open_project, amount=1_000 * USDC, order=1)
    due = timezone.localdate() + timedelta(days=10)

    milestone = services.milestone_add(
        project=open_project,
        actor=client_alice,
        title=" Monitoring ",
        amount=4_000 * USDC,
        description=" Dashboards ",
        due_date=due,
    )

    milestone.refresh_from_db()
    assert (milestone.project_id, milestone.order, milestone.title, milestone.description) == (
        open_project.pk,
        2,
        "Monitoring",
        "Dashboards",
    )
    assert (milestone.amount, milestone.due_date, milestone.status) == (4_000 * USDC, due, Milestone.Status.PENDING)


def test_a_milestone_exceeding_the_budget_is_refused(open_project: Project, client_alice: User) -> None:
    MilestoneFactory(project=open_project, amount=4_000 * USDC)
    with pytest.raises(InvalidInput) as excinfo:
        services.milestone_add(project=open_project, actor=client_alice, title="Too much", amount=1_000 * USDC + 1)
    assert excinfo.value.code == "milestones_exceed_budget"
    assert open_project.milestones.count() == 1


def test_a_milestone_can_be_added_to_a_draft(client_alice: User) -> None:
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT, published_at=None)
    services.milestone_add(project=draft, actor=client_alice, title="Spec", amount=USDC)
    assert draft.milestones.count() == 1


@pytest.mark.parametrize(
    ("title", "amount", "code"), [(" ", USDC, "required"), ("Zero", 0, "invalid_amount"), ("Neg", -1, "invalid_amount")]
)
def test_an_invalid_milestone_is_refused(
    open_project: Project, client_alice: User, title: str, amount: int, code: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.milestone_add(project=open_project, actor=client_alice, title=title, amount=amount)
    assert excinfo.value.code == code
    assert not open_project.milestones.exists()


def test_at_most_twenty_milestones(client_alice: User) -> None:
    project = ProjectFactory(owner=client_alice, budget_amount=10**9)
    for _ in range(services.MAX_MILESTONES):
        services.milestone_add(project=project, actor=client_alice, title="m", amount=1)
    with pytest.raises(InvalidInput) as excinfo:
        services.milestone_add(project=project, actor=client_alice, title="one too many", amount=1)
    assert excinfo.value.code == "too_many_milestones"
    assert project.milestones.count() == services.MAX_MILESTONES


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob"])
def test_only_the_owner_adds_milestones(open_project: Project, actor_name: str, request: Any) -> None:
    with pytest.raises(PermissionDenied) as excinfo:
        services.milestone_add(project=open_project, actor=request.getfixturevalue(actor_name), title="x", amount=1)
    assert excinfo.value.code == "not_owner"
    assert not open_project.milestones.exists()


@pytest.mark.parametrize("status", [Project.Status.IN_PROGRESS, Project.Status.COMPLETED, Project.Status.CANCELLED])
def test_milestones_cannot_be_added_once_work_started(client_alice: User, contributor_bob: User, status: str) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.milestone_add(project=project, actor=client_alice, title="Late", amount=USDC)
    assert excinfo.value.code == "not_editable"
    assert not project.milestones.exists()
