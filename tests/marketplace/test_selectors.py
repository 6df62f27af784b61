"""Marketplace selectors: visibility rules, list filters and reputation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from config.errors import InvalidInput, NotFound, PermissionDenied
from marketplace import selectors
from marketplace.models import Application, ContributorProfile, Project, Skill
from tests.factories import (
    ApplicationFactory,
    ContributorProfileFactory,
    ProfileSkillFactory,
    ProjectFactory,
    ReviewFactory,
    SkillFactory,
    UserFactory,
    token,
)

pytestmark = pytest.mark.django_db

USDC = 10**6
WALL = 10**18
ANONYMOUS = AnonymousUser()


def query(**params: Any) -> QueryDict:
    """A QueryDict as a GET request would build it (lists become repeated keys)."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return data


def project_titles(viewer: Any = ANONYMOUS, **params: Any) -> list[str]:
    return [p.title for p in selectors.project_list(viewer=viewer, filters=query(**params))]


def profile_users(**params: Any) -> list[User]:
    return [p.user for p in selectors.contributor_list(filters=query(**params))]


# --- project visibility ---------------------------------------------------------------


@pytest.fixture
def states(client_alice: User, contributor_bob: User) -> dict[str, Project]:
    make = ProjectFactory
    return {
        "open": make(owner=client_alice, title="open"),
        "draft": make(owner=client_alice, title="draft", status=Project.Status.DRAFT, published_at=None),
        "hidden": make(owner=client_alice, title="hidden", is_hidden=True, hidden_reason="spam"),
        "in_progress": make(
            owner=client_alice, title="in_progress", status=Project.Status.IN_PROGRESS, contributor=contributor_bob
        ),
        "completed": make(
            owner=client_alice, title="completed", status=Project.Status.COMPLETED, contributor=contributor_bob
        ),
        "cancelled": make(owner=client_alice, title="cancelled", status=Project.Status.CANCELLED),
    }


@pytest.mark.parametrize("viewer_name", [None, "mallory", "contributor_bob"])
def test_strangers_list_only_open_public_projects_by_default(
    states: dict[str, Project], viewer_name: str | None, request: Any
) -> None:
    viewer = request.getfixturevalue(viewer_name) if viewer_name else ANONYMOUS
    assert project_titles(viewer) == ["open"]
    assert [p.title for p in selectors.project_list(viewer=viewer)] == ["open"]


def test_the_owner_lists_their_own_draft_and_hidden_projects_by_status(
    states: dict[str, Project], client_alice: User
) -> None:
    assert sorted(project_titles(client_alice)) == ["hidden", "open"]
    assert project_titles(client_alice, status="draft") == ["draft"]


@pytest.mark.parametrize("viewer_name", [None, "mallory"])
def test_strangers_never_list_drafts_or_hidden_projects_even_by_status(
    states: dict[str, Project], viewer_name: str | None, request: Any
) -> None:
    viewer = request.getfixturevalue(viewer_name) if viewer_name else ANONYMOUS
    every_status = [s.value for s in Project.Status]
    assert sorted(project_titles(viewer, status=every_status)) == ["cancelled", "completed", "in_progress", "open"]


def test_staff_see_every_project(states: dict[str, Project], moderator: User) -> None:
    every_status = [s.value for s in Project.Status]
    assert sorted(project_titles(moderator, status=every_status)) == sorted(states)


def test_the_status_filter_lists_other_states(states: dict[str, Project]) -> None:
    assert sorted(project_titles(status=["in_progress", "completed"])) == ["completed", "in_progress"]
    assert project_titles(status="cancelled") == ["cancelled"]
    assert project_titles(status="") == ["open"]


@pytest.mark.parametrize("name", ["draft", "hidden"])
def test_a_draft_or_hidden_project_is_found_only_by_its_owner_and_staff(
    states: dict[str, Project], name: str, client_alice: User, moderator: User, mallory: User, contributor_bob: User
) -> None:
    project = states[name]
    assert selectors.project_get(pk=project.pk, viewer=client_alice) == project
    assert selectors.project_get(pk=project.pk, viewer=moderator) == project
    for stranger in (mallory, contributor_bob, ANONYMOUS, None):
        with pytest.raises(NotFound) as excinfo:
            selectors.project_get(pk=project.pk, viewer=stranger)
        assert excinfo.value.code == "project_not_found"


@pytest.mark.parametrize("name", ["open", "in_progress", "completed", "cancelled"])
def test_a_public_project_is_found_by_anyone(states: dict[str, Project], name: str) -> None:
    assert selectors.project_get(pk=states[name].pk, viewer=ANONYMOUS) == states[name]


def test_project_get_prefetches_milestones_in_order(open_project: Project) -> None:
    from tests.factories import MilestoneFactory

    MilestoneFactory(project=open_project, order=2, title="second")
    MilestoneFactory(project=open_project, order=1, title="first")
    project = selectors.project_get(pk=open_project.pk, viewer=ANONYMOUS)
    assert [m.title for m in project.milestones.all()] == ["first", "second"]


def test_an_unknown_project_is_not_found() -> None:
    with pytest.raises(NotFound):
        selectors.project_get(pk=999_999, viewer=ANONYMOUS)


# --- application visibility -----------------------------------------------------------


def test_only_the_owner_lists_a_projects_applications(
    open_project: Project, client_alice: User, contributor_bob: User, mallory: User, moderator: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    assert list(selectors.project_applications(project=open_project, viewer=client_alice)) == [application]
    for other in (contributor_bob, mallory, moderator, ANONYMOUS):
        with pytest.raises(PermissionDenied) as excinfo:
            selectors.project_applications(project=open_project, viewer=other)
        assert excinfo.value.code == "not_owner"


def test_an_application_is_seen_by_its_author_and_the_owner_only(
    open_project: Project, client_alice: User, contributor_bob: User, contributor_carol: User, moderator: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    assert selectors.application_get(pk=application.pk, viewer=contributor_bob) == application
    assert selectors.application_get(pk=application.pk, viewer=client_alice) == application
    for other in (contributor_carol, moderator, ANONYMOUS, None):
        with pytest.raises(NotFound) as excinfo:
            selectors.application_get(pk=application.pk, viewer=other)
        assert excinfo.value.code == "application_not_found"


def test_application_of_viewer_is_the_live_application_only(
    open_project: Project, contributor_bob: User, contributor_carol: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, status=Application.Status.WITHDRAWN)
    assert selectors.application_of_viewer(project=open_project, viewer=contributor_bob) is None
    live = ApplicationFactory(project=open_project, contributor=contributor_bob)
    assert selectors.application_of_viewer(project=open_project, viewer=contributor_bob) == live
    assert selectors.application_of_viewer(project=open_project, viewer=contributor_carol) is None
    assert selectors.application_of_viewer(project=open_project, viewer=ANONYMOUS) is None


def test_applications_of_contributor_are_their_own(contributor_bob: User, contributor_carol: User) -> None:
    mine = ApplicationFactory(contributor=contributor_bob)
    ApplicationFactory(contributor=contributor_carol)
    assert list(selectors.applications_of_contributor(user=contributor_bob)) == [mine]


def test_projects_of_owner_count_all_and_pending_applications(
    open_project: Project, client_alice: User, contributor_bob: User, contributor_carol: User, mallory: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob)
    ApplicationFactory(project=open_project, contributor=contributor_carol, status=Application.Status.SHORTLISTED)
    ApplicationFactory(project=open_project, contributor=mallory, status=Application.Status.WITHDRAWN)
    draft = ProjectFactory(owner=client_alice, status=Project.Status.DRAFT)
    ProjectFactory()  # someone else's

    rows = {p.pk: (p.application_count, p.pending_count) for p in selectors.projects_of_owner(user=client_alice)}

    assert rows == {open_project.pk: (3, 2), draft.pk: (0, 0)}


def test_projects_of_contributor_are_the_contracted_ones(client_alice: User, contributor_bob: User) -> None:
    working = ProjectFactory(owner=client_alice, status=Project.Status.IN_PROGRESS, contributor=contributor_bob)
    ProjectFactory(owner=client_alice)
    assert list(selectors.projects_of_contributor(user=contributor_bob)) == [working]


# --- project_list filters -------------------------------------------------------------


@pytest.fixture
def catalogue(client_alice: User) -> dict[str, Project]:
    bittensor = SkillFactory(slug="t-bittensor", name="T Bittensor")
    torch = SkillFactory(slug="t-torch", name="T Torch")
    zk = SkillFactory(slug="t-zk", name="T ZK")
    today = timezone.localdate()
    now = timezone.now()
    return {
        "validator": ProjectFactory(
            owner=client_alice,
            title="Bittensor validator",
            summary="Run a validator.",
            description="Scoring with dashboards and alerting.",
            category=Project.Category.SUBNETS,
            required_skills=[bittensor, torch],
            budget_amount=1_500 * USDC,
            deadline=today + timedelta(days=30),
            published_at=now - timedelta(days=3),
        ),
        "federated": ProjectFactory(
            owner=client_alice,
            title="Federated learning pipeline",
            summary="Train across hospitals.",
            description="Privacy first. Monitoring of drift.",
            category=Project.Category.TRAINING,
            required_skills=[torch],
            nice_to_have_skills=[zk],
            budget_amount=1_000 * USDC,
            deadline=None,
            published_at=now - timedelta(days=2),
        ),
        "prover": ProjectFactory(
            owner=client_alice,
            title="ZK prover for inference",
            summary="Prove a model ran.",
            description="Circuits for transformers.",
            category=Project.Category.ZKML,
            nice_to_have_skills=[zk],
            budget_amount=1_500 * WALL,
            budget_token=token("WALL"),
            deadline=today + timedelta(days=5),
            published_at=now - timedelta(days=1),
        ),
        "agent": ProjectFactory(
            owner=client_alice,
            title="Trading agent",
            summary="An autonomous agent.",
            description="Runs on a validator network with monitoring.",
            category=Project.Category.AGENTS,
            budget_amount=1_500 * WALL + WALL // 2,
            budget_token=token("WALL"),
            deadline=today + timedelta(days=90),
            published_at=now,
        ),
        "storage": ProjectFactory(
            owner=client_alice,
            title="Storage market",
            summary="Decentralized storage.",
            description="Filecoin deals.",
            category=Project.Category.DATA,
            budget_amount=2_000 * WALL,
            budget_token=token("WALL"),
            deadline=None,
            published_at=now - timedelta(days=4),
        ),
    }


def test_without_filters_open_projects_come_newest_first(catalogue: dict[str, Project]) -> None:
    assert project_titles() == [
        "Trading agent",
        "ZK prover for inference",
        "Federated learning pipeline",
        "Bittensor validator",
        "Storage market",
    ]


def test_text_search_matches_every_word_across_title_summary_and_description(catalogue: dict[str, Project]) -> None:
    assert project_titles(q="federated") == ["Federated learning pipeline"]
    assert project_titles(q="FEDERATED hospitals") == ["Federated learning pipeline"]
    assert sorted(project_titles(q="validator monitoring")) == ["Trading agent"]
    assert sorted(project_titles(q="validator")) == ["Bittensor validator", "Trading agent"]
    assert project_titles(q="quantum") == []
    assert len(project_titles(q="   ")) == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL full-text search")
def test_text_search_ranks_title_matches_first_on_postgresql(catalogue: dict[str, Project]) -> None:
    # "validator" is in the title of one project and in the description of another.
    assert project_titles(q="validator") == ["Bittensor validator", "Trading agent"]


def test_the_skills_filter_matches_any_chosen_skill_required_or_nice(catalogue: dict[str, Project]) -> None:
    assert sorted(project_titles(skills="t-zk")) == ["Federated learning pipeline", "ZK prover for inference"]
    assert sorted(project_titles(skills=["t-bittensor", "t-torch"])) == [
        "Bittensor validator",
        "Federated learning pipeline",
    ]
    # A project matching several chosen skills is listed once.
    assert sorted(project_titles(skills=["t-torch", "t-zk", "t-bittensor"])) == [
        "Bittensor validator",
        "Federated learning pipeline",
        "ZK prover for inference",
    ]


def test_the_skills_filter_does_not_inflate_the_application_count(
    catalogue: dict[str, Project], contributor_bob: User, contributor_carol: User
) -> None:
    ApplicationFactory(project=catalogue["validator"], contributor=contributor_bob)
    ApplicationFactory(project=catalogue["validator"], contributor=contributor_carol)
    (project,) = selectors.project_list(viewer=ANONYMOUS, filters=query(skills=["t-bittensor", "t-torch"], q="scoring"))
    assert project.application_count == 2


def test_the_category_filter_takes_several_categories(catalogue: dict[str, Project]) -> None:
    assert project_titles(category="zkml") == ["ZK prover for inference"]
    assert sorted(project_titles(category=["zkml", "data"])) == ["Storage market", "ZK prover for inference"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Without a token each project's own decimals apply: 1500 means 1500 USDC or 1500 WALL.
        ({"budget_min": "1500"}, ["agent", "prover", "storage", "validator"]),
        ({"budget_max": "1500"}, ["federated", "prover", "validator"]),
        ({"budget_min": "1500", "budget_max": "1500"}, ["prover", "validator"]),
        ({"budget_min": "1500.5"}, ["agent", "storage"]),
        ({"budget_max": "1500.5"}, ["agent", "federated", "prover", "validator"]),
        ({"budget_min": "1500.000001"}, ["agent", "storage"]),
        ({"budget_min": "0"}, ["agent", "federated", "prover", "storage", "validator"]),
        # With a token only that token's projects, in its base units.
        ({"token": "USDC"}, ["federated", "validator"]),
        ({"token": "USDC", "budget_min": "1000.000001"}, ["validator"]),
        ({"token": "USDC", "budget_max": "1499.999999"}, ["federated"]),
        ({"token": "WALL", "budget_min": "1500"}, ["agent", "prover", "storage"]),
        ({"token": "WALL", "budget_max": "1500.499999999999999999"}, ["prover"]),
        ({"token": "WALL", "budget_min": "1500.000000000000000001"}, ["agent", "storage"]),
        # More decimals than a token has: the bound rounds so that the comparison stays exact.
        ({"budget_min": "1500.0000000000000000001"}, ["agent", "storage"]),
        ({"budget_max": "1500.5000000000000000001"}, ["agent", "federated", "prover", "validator"]),
        ({"budget_max": "1499.9999999999999999999"}, ["federated"]),
        ({"token": "USDC", "budget_max": "1500.0000001"}, ["federated", "validator"]),
        ({"token": "USDC", "budget_min": "1000.0000001"}, ["validator"]),
        # A bound written with an exponent, as Decimal would print it.
        ({"budget_min": "1.5e3"}, ["agent", "prover", "storage", "validator"]),
        ({"budget_min": "0.0000001", "token": "USDC"}, ["federated", "validator"]),
    ],
)
def test_budget_filters_compare_exact_base_units_per_token(
    catalogue: dict[str, Project], params: dict[str, str], expected: list[str]
) -> None:
    by_title = {p.title: key for key, p in catalogue.items()}
    assert sorted(by_title[t] for t in project_titles(**params)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("newest", ["agent", "prover", "federated", "validator", "storage"]),
        ("deadline", ["prover", "validator", "agent", "federated", "storage"]),
    ],
)
def test_project_ordering(catalogue: dict[str, Project], ordering: str, expected: list[str]) -> None:
    # Projects without a deadline come last (on every database), oldest pk first.
    by_title = {p.title: key for key, p in catalogue.items()}
    assert [by_title[t] for t in project_titles(ordering=ordering)] == expected


def test_budget_ordering_within_a_token(catalogue: dict[str, Project]) -> None:
    by_title = {p.title: key for key, p in catalogue.items()}
    assert [by_title[t] for t in project_titles(token="WALL", ordering="budget_high")] == [
        "storage",
        "agent",
        "prover",
    ]
    assert [by_title[t] for t in project_titles(token="WALL", ordering="budget_low")] == [
        "prover",
        "agent",
        "storage",
    ]
    assert [by_title[t] for t in project_titles(token="USDC", ordering="budget_low")] == ["federated", "validator"]


def test_budget_ordering_is_exact_for_amounts_beyond_64_bits(client_alice: User) -> None:
    wall = token("WALL")
    for amount in (2**63 + 1, 2**63 - 1, 2**64, 10**30, 2**63):
        ProjectFactory(owner=client_alice, title=str(amount), budget_amount=amount, budget_token=wall)
    assert project_titles(ordering="budget_low") == [str(n) for n in (2**63 - 1, 2**63, 2**63 + 1, 2**64, 10**30)]
    assert project_titles(ordering="budget_high", budget_min="9.223372036854775808") == [
        str(n) for n in (10**30, 2**64, 2**63 + 1, 2**63)
    ]


def test_ordering_applies_after_text_search(catalogue: dict[str, Project]) -> None:
    assert project_titles(q="validator", ordering="newest") == ["Trading agent", "Bittensor validator"]


def test_filters_combine(catalogue: dict[str, Project]) -> None:
    assert project_titles(q="monitoring", skills="t-torch", budget_max="1000", token="USDC") == [
        "Federated learning pipeline"
    ]


def test_filters_accept_a_plain_dict(catalogue: dict[str, Project]) -> None:
    projects = selectors.project_list(viewer=None, filters={"category": ["zkml"], "budget_min": "1"})
    assert [p.title for p in projects] == ["ZK prover for inference"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({"category": "gardening"}, "category"),
        ({"skills": "no-such-skill"}, "skills"),
        ({"token": "DOGE"}, "token"),
        ({"budget_min": "-1"}, "budget_min"),
        ({"budget_min": "ten"}, "budget_min"),
        ({"budget_max": "NaN"}, "budget_max"),
        ({"budget_max": "1e100"}, "budget_max"),
        ({"ordering": "random"}, "ordering"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_an_invalid_project_filter_raises_invalid_input_naming_the_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        selectors.project_list(viewer=ANONYMOUS, filters=query(**params))
    assert excinfo.value.code == "invalid_filter"
    assert excinfo.value.field == field


def test_an_inactive_token_is_not_a_filter_choice(catalogue: dict[str, Project]) -> None:
    wall = token("WALL")
    wall.is_active = False
    wall.save()
    with pytest.raises(InvalidInput) as excinfo:
        selectors.project_list(viewer=ANONYMOUS, filters=query(token="WALL"))
    assert excinfo.value.field == "token"


def test_newest_open_projects_is_limited_and_public(states: dict[str, Project]) -> None:
    ProjectFactory(title="another open")
    assert [p.title for p in selectors.newest_open_projects(limit=1)] == ["another open"]
    assert sorted(p.title for p in selectors.newest_open_projects()) == ["another open", "open"]


# --- contributor visibility -----------------------------------------------------------


def test_hidden_profiles_and_deactivated_users_are_not_listed(
    contributor_bob: User, contributor_carol: User, moderator: User
) -> None:
    gone = UserFactory(persona="gone", is_active=False)
    ContributorProfileFactory(user=gone)
    ContributorProfile.objects.filter(user=contributor_carol).update(is_hidden=True)

    assert profile_users() == [contributor_bob]
    assert selectors.site_stats().contributors == 1


def test_a_hidden_profile_is_found_by_its_owner_and_staff_only(
    contributor_bob: User, moderator: User, mallory: User
) -> None:
    profile = contributor_bob.profile
    ContributorProfile.objects.filter(pk=profile.pk).update(is_hidden=True)
    assert selectors.contributor_get(pk=profile.pk, viewer=contributor_bob) == profile
    assert selectors.contributor_get(pk=profile.pk, viewer=moderator) == profile
    for stranger in (mallory, ANONYMOUS):
        with pytest.raises(NotFound) as excinfo:
            selectors.contributor_get(pk=profile.pk, viewer=stranger)
        assert excinfo.value.code == "contributor_not_found"


def test_a_public_profile_is_found_by_anyone(contributor_bob: User) -> None:
    assert selectors.contributor_get(pk=contributor_bob.profile.pk, viewer=ANONYMOUS).user == contributor_bob


def test_a_deactivated_users_profile_is_not_found(mallory: User) -> None:
    gone = UserFactory(persona="gone", is_active=False)
    profile = ContributorProfileFactory(user=gone)
    with pytest.raises(NotFound):
        selectors.contributor_get(pk=profile.pk, viewer=mallory)


# --- contributor_list filters ---------------------------------------------------------


@pytest.fixture
def people(contributor_bob: User, contributor_carol: User) -> dict[str, Any]:
    torch = SkillFactory(slug="t-torch", name="T Torch")
    zk = SkillFactory(slug="t-zk", name="T ZK")
    rust = SkillFactory(slug="t-rust", name="T Rust")
    dave = UserFactory(persona="dave", display_name="Dave Federated")
    erin = UserFactory(persona="erin", display_name="Erin")
    bob, carol = contributor_bob.profile, contributor_carol.profile
    ContributorProfile.objects.filter(pk=bob.pk).update(
        headline="Bittensor validator operator", bio="PyTorch and ZK circuits.", hourly_rate=90 * USDC
    )
    ContributorProfile.objects.filter(pk=carol.pk).update(
        headline="ZK-ML researcher",
        bio="Proofs of inference.",
        hourly_rate=WALL // 20,  # 0.05 WALL
        rate_token=token("WALL"),
        availability=ContributorProfile.Availability.LIMITED,
    )
    dave_profile = ContributorProfileFactory(
        user=dave,
        headline="Data engineer",
        bio="Pipelines.",
        hourly_rate=None,
        rate_token=None,
        availability=ContributorProfile.Availability.UNAVAILABLE,
    )
    erin_profile = ContributorProfileFactory(
        user=erin, headline="Rust developer", bio="Substrate pallets.", hourly_rate=150 * USDC
    )
    ProfileSkillFactory(profile=bob, skill=torch, level=5)
    ProfileSkillFactory(profile=bob, skill=zk, level=3)
    ProfileSkillFactory(profile=carol, skill=zk, level=5)
    ProfileSkillFactory(profile=carol, skill=torch, level=2)
    ProfileSkillFactory(profile=dave_profile, skill=torch, level=4)
    ProfileSkillFactory(profile=erin_profile, skill=rust, level=5)
    return {"bob": contributor_bob, "carol": contributor_carol, "dave": dave, "erin": erin}


def names(users: list[User], people: dict[str, Any]) -> list[str]:
    by_pk = {user.pk: name for name, user in people.items()}
    return [by_pk[u.pk] for u in users]


def test_contributor_text_search_covers_headline_bio_and_display_name(people: dict[str, Any]) -> None:
    assert names(profile_users(q="researcher"), people) == ["carol"]
    assert names(profile_users(q="circuits"), people) == ["bob"]
    assert names(profile_users(q="federated"), people) == ["dave"]
    assert names(profile_users(q="rust pallets"), people) == ["erin"]
    assert profile_users(q="cobol") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"skills": "t-torch"}, ["bob", "carol", "dave"]),
        ({"skills": ["t-torch", "t-zk"]}, ["bob", "carol"]),
        ({"skills": ["t-torch", "t-zk", "t-rust"]}, []),
        ({"skills": "t-torch", "min_level": "4"}, ["bob", "dave"]),
        ({"skills": ["t-torch", "t-zk"], "min_level": "3"}, ["bob"]),
        ({"skills": ["t-torch", "t-zk"], "min_level": "5"}, []),
        ({"skills": "t-zk", "min_level": "5"}, ["carol"]),
        ({"skills": "t-torch", "min_level": ""}, ["bob", "carol", "dave"]),
    ],
)
def test_the_skills_filter_requires_all_chosen_skills_at_the_chosen_level(
    people: dict[str, Any], params: dict[str, Any], expected: list[str]
) -> None:
    assert sorted(names(profile_users(**params), people)) == expected


def test_the_availability_filter_takes_several_values(people: dict[str, Any]) -> None:
    assert sorted(names(profile_users(availability="available"), people)) == ["bob", "erin"]
    assert sorted(names(profile_users(availability=["limited", "unavailable"]), people)) == ["carol", "dave"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Without a token each rate is compared in its own token's units.
        ({"rate_max": "90"}, ["bob", "carol"]),
        ({"rate_max": "89.999999"}, ["carol"]),
        ({"rate_max": "150"}, ["bob", "carol", "erin"]),
        ({"rate_max": "0.05"}, ["carol"]),
        ({"rate_max": "0.049999999999999999"}, []),
        ({"rate_max": "0.0500000000000000009"}, ["carol"]),
        ({"rate_max": "0"}, []),
        ({"rate_max": "90", "token": "USDC"}, ["bob"]),
        ({"rate_max": "1000", "token": "WALL"}, ["carol"]),
    ],
)
def test_the_rate_filter_compares_exact_base_units(
    people: dict[str, Any], params: dict[str, str], expected: list[str]
) -> None:
    # A profile without a rate never matches a rate bound.
    assert sorted(names(profile_users(**params), people)) == expected


def test_rate_ordering_puts_profiles_without_a_rate_last_on_every_database(people: dict[str, Any]) -> None:
    assert names(profile_users(ordering="rate_low"), people)[-1] == "dave"
    assert names(profile_users(ordering="rate_high"), people)[-1] == "dave"
    usdc_only = {"token": "USDC", "rate_max": "1000"}
    assert names(profile_users(ordering="rate_low", **usdc_only), people) == ["bob", "erin"]
    assert names(profile_users(ordering="rate_high", **usdc_only), people) == ["erin", "bob"]


def test_the_rate_token_filter_keeps_only_rates_in_that_token(people: dict[str, Any]) -> None:
    usdc = names(profile_users(token="USDC"), people)

    assert usdc
    assert "dave" not in usdc  # no rate at all
    assert all(
        p.rate_token is not None and p.rate_token.symbol == "USDC"
        for p in selectors.contributor_list(filters=query(token="USDC"))
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_level": "9"}, "min_level"),
        ({"min_level": "expert"}, "min_level"),
        ({"availability": "always"}, "availability"),
        ({"rate_max": "-5"}, "rate_max"),
        ({"rate_max": "cheap"}, "rate_max"),
        ({"skills": "no-such-skill"}, "skills"),
        ({"token": "DOGE"}, "token"),
        ({"ordering": "best"}, "ordering"),
    ],
)
def test_an_invalid_contributor_filter_raises_invalid_input_naming_the_field(
    params: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        selectors.contributor_list(filters=query(**params))
    assert excinfo.value.code == "invalid_filter"
    assert excinfo.value.field == field


# --- reputation -----------------------------------------------------------------------


def test_reputation_without_reviews(contributor_bob: User) -> None:
    assert selectors.reputation_of(user=contributor_bob) == selectors.Reputation(
        rating=None, review_count=0, completed_count=0
    )


def test_reputation_averages_received_stars_and_counts_completed_projects(
    contributor_bob: User, contributor_carol: User
) -> None:
    for rating in (5, 4, 4):
        project = ProjectFactory(status=Project.Status.COMPLETED, contributor=contributor_bob)
        ReviewFactory(project=project, rating=rating)
    # Reviews bob wrote, and projects not completed, do not count.
    written = ProjectFactory(status=Project.Status.COMPLETED, contributor=contributor_bob)
    ReviewFactory(project=written, author=contributor_bob, subject=written.owner, rating=1)
    ProjectFactory(status=Project.Status.IN_PROGRESS, contributor=contributor_bob)
    ReviewFactory(project=ProjectFactory(status=Project.Status.COMPLETED, contributor=contributor_carol), rating=1)

    reputation = selectors.reputation_of(user=contributor_bob)

    assert reputation == selectors.Reputation(rating=4.33, review_count=3, completed_count=4)
    assert [r.rating for r in selectors.reviews_of(user=contributor_bob).order_by("rating")] == [4, 4, 5]


def test_review_pending_for_the_parties_who_have_not_reviewed_yet(
    client_alice: User, contributor_bob: User, mallory: User
) -> None:
    project = ProjectFactory(owner=client_alice, contributor=contributor_bob, status=Project.Status.COMPLETED)
    assert selectors.review_pending_for(project=project, viewer=client_alice)
    assert selectors.review_pending_for(project=project, viewer=contributor_bob)
    assert not selectors.review_pending_for(project=project, viewer=mallory)
    assert not selectors.review_pending_for(project=project, viewer=ANONYMOUS)
    ReviewFactory(project=project)
    assert not selectors.review_pending_for(project=project, viewer=client_alice)
    assert selectors.review_pending_for(project=project, viewer=contributor_bob)
    assert list(selectors.reviews_of_project(project=project).values_list("author", flat=True)) == [client_alice.pk]


def test_site_stats_count_public_things(states: dict[str, Project], contributor_bob: User) -> None:
    stats = selectors.site_stats()
    assert stats.open_projects == 1
    assert stats.completed_projects == 1
    assert stats.contributors == 1
    assert stats.skills == Skill.objects.count() > 0
