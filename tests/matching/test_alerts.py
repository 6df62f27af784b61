"""New-project alerts (matching.alerts): publishing a project tells the available
contributors it matches best, once, after its vector is written on commit, within
the score threshold, the per-project fan-out and the per-contributor daily cap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from marketplace import services as marketplace
from marketplace.models import ContributorProfile, Project, Skill
from matching import alerts, services
from notifications.models import Notification
from tests.concurrency import race
from tests.factories import (
    ContributorProfileFactory,
    ProfileSkillFactory,
    ProjectFactory,
    SkillFactory,
    UserFactory,
    token,
)

pytestmark = pytest.mark.django_db

MATCH = Notification.Kind.PROJECT_MATCH
OPERATOR_BIO = "I run Bittensor subnet validators and write PyTorch scoring code for miners."


@pytest.fixture
def skills() -> dict[str, Skill]:
    return {
        "bittensor": SkillFactory(slug="bittensor", name="Bittensor"),
        "pytorch": SkillFactory(slug="pytorch", name="PyTorch"),
        "solidity": SkillFactory(slug="solidity", name="Solidity"),
    }


def contributor(
    persona: str,
    skills: dict[str, Skill],
    levels: dict[str, int],
    *,
    headline: str = "Bittensor validator operator",
    bio: str = OPERATOR_BIO,
    user: User | None = None,
    **fields: Any,
) -> ContributorProfile:
    user = user or UserFactory(persona=persona, display_name=persona.capitalize())
    profile = ContributorProfileFactory(user=user, headline=headline, bio=bio, **fields)
    for slug, level in levels.items():
        ProfileSkillFactory(profile=profile, skill=skills[slug], level=level)
    return profile


@pytest.fixture
def operator(skills: dict[str, Skill]) -> ContributorProfile:
    return contributor("operator", skills, {"bittensor": 5, "pytorch": 4})


@pytest.fixture
def auditor(skills: dict[str, Skill]) -> ContributorProfile:
    return contributor(
        "auditor",
        skills,
        {"solidity": 5},
        headline="Solidity smart contract auditor",
        bio="I audit Solidity contracts, write Foundry fuzz tests and review DeFi protocols.",
    )


def build_index() -> None:
    """Embed the profiles and build the index, as `make run` does at start."""
    call_command("matching_rebuild", verbosity=0)


def publish(owner: User, skills: dict[str, Skill], *, title: str = "Bittensor subnet validator operations") -> Project:
    return marketplace.project_create(
        owner=owner,
        title=title,
        summary="Run and monitor a Bittensor subnet validator with PyTorch scoring.",
        description="We need someone who runs Bittensor validators and writes PyTorch scoring code.",
        category=Project.Category.SUBNETS,
        budget_amount=5_000 * 10**6,
        budget_token=token("USDC"),
        required_skills=[skills["bittensor"], skills["pytorch"]],
    )


def alerted(project: Project) -> list[int]:
    """Profile ids of the contributors alerted about ``project``, in the order told."""
    users = Notification.objects.filter(kind=MATCH, payload__project=project.pk).order_by("id")
    by_user = dict(ContributorProfile.objects.values_list("user_id", "pk"))
    return [by_user[user_id] for user_id in users.values_list("recipient_id", flat=True)]


# --- who is told ------------------------------------------------------------------


def test_publishing_a_project_alerts_a_matching_contributor_and_not_an_unrelated_one(
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    auditor: ContributorProfile,
    inbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    build_index()

    with django_capture_on_commit_callbacks(execute=True):
        project = publish(client_alice, skills)

    assert inbox(operator.user) == [MATCH]
    assert inbox(auditor.user) == []
    assert inbox(client_alice) == []
    alert = Notification.objects.get(recipient=operator.user, kind=MATCH)
    assert alert.title == "A new project matches your profile: “Bittensor subnet validator operations”"
    assert "You have 2 of its 2 required skills: Bittensor, PyTorch." in alert.body
    assert alert.link == project.get_absolute_url()
    assert alert.payload["project"] == project.pk
    assert alert.payload["matched_skills"] == ["bittensor", "pytorch"]
    assert alert.payload["score"] >= 0.65


def test_publishing_a_draft_alerts_and_saving_a_draft_does_not(
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    inbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    build_index()
    with django_capture_on_commit_callbacks(execute=True):
        draft = marketplace.project_create(
            owner=client_alice,
            title="Bittensor subnet validator operations",
            summary="Run and monitor a Bittensor subnet validator with PyTorch scoring.",
            description="We need someone who runs Bittensor validators and writes PyTorch scoring code.",
            category=Project.Category.SUBNETS,
            budget_amount=5_000 * 10**6,
            budget_token=token("USDC"),
            required_skills=[skills["bittensor"], skills["pytorch"]],
            publish=False,
        )
    assert inbox(operator.user) == []

    with django_capture_on_commit_callbacks(execute=True):
        marketplace.project_publish(project=draft, actor=client_alice)

    assert alerted(draft) == [operator.pk]


def test_the_vector_exists_when_the_alert_runs_so_a_project_never_seen_before_alerts(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile, django_capture_on_commit_callbacks: Any
) -> None:
    # The contributor index is built, the project is brand new: its vector is written
    # by the on-commit sync that runs just before the alert.
    build_index()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        project = publish(client_alice, skills)

    assert len(callbacks) >= 2  # the sync's flush, then the alert
    assert alerted(project) == [operator.pk]


def test_unavailable_hidden_inactive_contributors_and_the_owner_are_not_alerted(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile, django_capture_on_commit_callbacks: Any
) -> None:
    levels = {"bittensor": 5, "pytorch": 5}
    away = contributor("away", skills, levels, availability=ContributorProfile.Availability.UNAVAILABLE)
    hidden = contributor("hidden", skills, levels)
    gone = contributor("gone", skills, levels)
    owner_profile = contributor("owner", skills, levels, user=client_alice)
    limited = contributor("limited", skills, levels, availability=ContributorProfile.Availability.LIMITED)
    build_index()
    # Changed after the index was built, without a sync: as if another worker's index
    # had not caught up yet. The rows decide.
    ContributorProfile.objects.filter(pk=hidden.pk).update(is_hidden=True)
    User.objects.filter(pk=gone.user_id).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        project = publish(client_alice, skills)

    told = alerted(project)
    assert set(told) == {operator.pk, limited.pk}
    assert not {away.pk, hidden.pk, gone.pk, owner_profile.pk} & set(told)


def test_a_rolled_back_publish_alerts_nobody(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile, django_capture_on_commit_callbacks: Any
) -> None:
    build_index()
    draft = marketplace.project_create(
        owner=client_alice,
        title="Bittensor subnet validator operations",
        summary="Run and monitor a Bittensor subnet validator with PyTorch scoring.",
        description="We need someone who runs Bittensor validators and writes PyTorch scoring code.",
        category=Project.Category.SUBNETS,
        budget_amount=5_000 * 10**6,
        budget_token=token("USDC"),
        required_skills=[skills["bittensor"], skills["pytorch"]],
        publish=False,
    )

    def request_that_fails_after_publishing() -> None:
        with transaction.atomic():
            marketplace.project_publish(project=draft, actor=client_alice)
            publish(client_alice, skills, title="Another Bittensor validator")
            raise RuntimeError("the request fails after publishing")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        request_that_fails_after_publishing()

    assert callbacks == []

    assert not Notification.objects.filter(kind=MATCH).exists()
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


def test_a_score_under_the_threshold_alerts_nobody(
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MATCHING_ALERT_MIN_SCORE = 0.99
    build_index()

    with django_capture_on_commit_callbacks(execute=True):
        publish(client_alice, skills)

    assert not Notification.objects.filter(kind=MATCH).exists()


# --- how many -------------------------------------------------------------------------


@pytest.fixture
def four(skills: dict[str, Skill], settings: Any) -> list[ContributorProfile]:
    """Four contributors for the validator project, best match first: both skills at
    level 5, both at level 3, one skill, one skill and limited availability. The
    threshold is lowered so that all four qualify: these tests are about the caps."""
    settings.MATCHING_ALERT_MIN_SCORE = 0.3
    return [
        contributor("first", skills, {"bittensor": 5, "pytorch": 5}, hours_per_week=40),
        contributor("second", skills, {"bittensor": 3, "pytorch": 3}, hours_per_week=30),
        contributor("third", skills, {"bittensor": 4}, hours_per_week=30),
        contributor(
            "fourth",
            skills,
            {"bittensor": 2},
            hours_per_week=10,
            availability=ContributorProfile.Availability.LIMITED,
        ),
    ]


def test_a_project_alerts_at_most_the_fanout_best_matches_first(
    client_alice: User,
    skills: dict[str, Skill],
    four: list[ContributorProfile],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    build_index()
    with django_capture_on_commit_callbacks(execute=True):
        everyone = publish(client_alice, skills, title="Bittensor validator, first run")
    assert alerted(everyone) == [p.pk for p in four]  # all four, best first

    settings.MATCHING_ALERT_FANOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        capped = publish(client_alice, skills, title="Bittensor validator, second run")

    assert alerted(capped) == [four[0].pk, four[1].pk]


def test_a_contributor_gets_at_most_the_daily_number_of_alerts_and_the_next_best_takes_the_slot(
    client_alice: User,
    skills: dict[str, Skill],
    four: list[ContributorProfile],
    settings: Any,
    inbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MATCHING_ALERTS_PER_DAY = 2
    settings.MATCHING_ALERT_FANOUT = 2
    best = four[0]
    build_index()

    projects = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            projects.append(publish(client_alice, skills, title=f"Bittensor validator number {n}"))

    assert inbox(best.user) == [MATCH, MATCH]
    assert alerted(projects[0]) == [four[0].pk, four[1].pk]
    assert alerted(projects[1]) == [four[0].pk, four[1].pk]
    assert alerted(projects[2]) == [four[2].pk, four[3].pk]  # the first two are at their cap


def test_the_daily_cap_is_a_rolling_24_hours(
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MATCHING_ALERTS_PER_DAY = 1
    build_index()
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(client_alice, skills, title="Bittensor validator, yesterday")
    assert alerted(first) == [operator.pk]

    Notification.objects.filter(kind=MATCH).update(created_at=timezone.now() - timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        too_soon = publish(client_alice, skills, title="Bittensor validator, too soon")
    Notification.objects.filter(kind=MATCH).update(created_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        next_day = publish(client_alice, skills, title="Bittensor validator, next day")

    assert alerted(too_soon) == []
    assert alerted(next_day) == [operator.pk]


def test_a_project_alerts_once_even_if_the_alert_runs_again(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile, django_capture_on_commit_callbacks: Any
) -> None:
    build_index()
    with django_capture_on_commit_callbacks(execute=True):
        project = publish(client_alice, skills)

    again = alerts.alert_new_project(project_id=project.pk)

    assert again == []
    assert alerted(project) == [operator.pk]


def test_an_old_hidden_or_unembedded_project_is_not_announced(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile
) -> None:
    build_index()
    project = publish(client_alice, skills)  # on-commit callbacks not run: no vector, no alert
    assert alerts.alert_new_project(project_id=project.pk) == []  # it never embeds by itself
    services.sync_projects([project.pk])

    Project.objects.filter(pk=project.pk).update(published_at=timezone.now() - timedelta(days=2))
    assert alerts.alert_new_project(project_id=project.pk) == []

    Project.objects.filter(pk=project.pk).update(published_at=timezone.now(), is_hidden=True)
    assert alerts.alert_new_project(project_id=project.pk) == []

    Project.objects.filter(pk=project.pk).update(is_hidden=False)
    assert [n.recipient_id for n in alerts.alert_new_project(project_id=project.pk)] == [operator.user_id]


def test_a_failing_alert_never_fails_the_publish(
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(**kwargs: Any) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(alerts, "alert_new_project", broken)

    with django_capture_on_commit_callbacks(execute=True):
        project = publish(client_alice, skills)

    assert project.status == Project.Status.OPEN
    assert "Could not send the new-project alerts" in caplog.text


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="select_for_update is a no-op on SQLite: race tests need PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_alerts_of_projects_published_at_the_same_moment_respect_the_daily_cap(
    client_alice: User, skills: dict[str, Skill], operator: ContributorProfile, settings: Any
) -> None:
    settings.MATCHING_ALERTS_PER_DAY = 1
    build_index()
    projects = [
        ProjectFactory(
            owner=client_alice,
            title=f"Bittensor subnet validator operations {n}",
            summary="Run and monitor a Bittensor subnet validator with PyTorch scoring.",
            description="We need someone who runs Bittensor validators and writes PyTorch scoring code.",
            required_skills=[skills["bittensor"], skills["pytorch"]],
        )
        for n in range(8)
    ]
    services.sync_projects([p.pk for p in projects])

    results = race([lambda pk=p.pk: alerts.alert_new_project(project_id=pk) for p in projects])

    assert sum(len(made) for made in results if isinstance(made, list)) == 1
    assert Notification.objects.filter(recipient=operator.user, kind=MATCH).count() == 1


# --- with the real model -------------------------------------------------------------


@pytest.mark.model
def test_with_the_real_model_the_operator_is_alerted_and_the_auditor_is_not(
    real_model: None,
    client_alice: User,
    skills: dict[str, Skill],
    operator: ContributorProfile,
    auditor: ContributorProfile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The default threshold with all-MiniLM-L6-v2, on a paraphrase: the project
    never says "validator operator" the way the profile does."""
    contributor(
        "prover",
        skills,
        {"pytorch": 3},
        headline="ZK-ML researcher",
        bio="I write zero-knowledge circuits that prove a neural network's inference with EZKL and Halo2.",
    )
    build_index()

    with django_capture_on_commit_callbacks(execute=True):
        project = marketplace.project_create(
            owner=client_alice,
            title="Keep our subnet's scoring node healthy",
            summary="Operate the node that scores miners on our Bittensor subnet and improve its PyTorch evaluation.",
            description="Uptime, monitoring, weight setting and better scoring of miner outputs.",
            category=Project.Category.SUBNETS,
            budget_amount=5_000 * 10**6,
            budget_token=token("USDC"),
            required_skills=[skills["bittensor"], skills["pytorch"]],
        )

    assert alerted(project) == [operator.pk]  # neither the auditor nor the ZK researcher
    alert = Notification.objects.get(kind=MATCH, payload__project=project.pk)
    assert alert.payload["score"] >= 0.65
