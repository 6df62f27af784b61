"""``manage.py seed_demo``: realistic, deterministic, idempotent demo data that obeys
the marketplace's rules.

The command runs once for the whole module (``seeded``), inside a transaction that
is rolled back when the module ends, so the other test modules never see its rows.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.addresses import is_checksummed
from accounts.models import User
from marketplace.data.demo import build_plan, demo_address, word_count
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review
from notifications.models import Notification
from tests.factories import ProjectFactory
from wallets.models import Account, LedgerEntry, LedgerTransaction

MODELS = (User, ContributorProfile, ProfileSkill, Project, Milestone, Application, Review, Notification)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The command's output after one run, with its rows visible to the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_plan_is_the_same_on_every_build() -> None:
    assert build_plan() == build_plan()


def test_it_creates_60_projects_and_200_profiles_with_a_spread_of_statuses(seeded: str) -> None:
    statuses = Counter(Project.objects.values_list("status", flat=True))
    assert sum(statuses.values()) >= 60
    assert ContributorProfile.objects.count() == 200
    assert statuses[Project.Status.OPEN] > sum(statuses.values()) / 2
    assert statuses[Project.Status.IN_PROGRESS] >= 3
    assert statuses[Project.Status.COMPLETED] >= 3
    assert statuses[Project.Status.CANCELLED] >= 2
    assert statuses[Project.Status.DRAFT] >= 2
    assert "Demo data created" in seeded


def test_projects_that_went_ahead_have_their_accepted_contributor(seeded: str) -> None:
    for project in Project.objects.filter(status__in=[Project.Status.IN_PROGRESS, Project.Status.COMPLETED]):
        accepted = project.applications.get(status=Application.Status.ACCEPTED)
        assert project.contributor_id == accepted.contributor_id
        assert not project.applications.filter(status__in=Application.ACTIVE_STATUSES).exists()


def test_completed_projects_are_reviewed_both_ways(seeded: str) -> None:
    for project in Project.objects.filter(status=Project.Status.COMPLETED):
        pairs = set(project.reviews.values_list("author_id", "subject_id"))
        assert pairs == {(project.owner_id, project.contributor_id), (project.contributor_id, project.owner_id)}


def test_every_projects_milestones_add_up_to_at_most_its_budget(seeded: str) -> None:
    for project in Project.objects.prefetch_related("milestones"):
        milestones = list(project.milestones.all())
        assert 1 <= len(milestones) <= 4
        assert sum(m.amount for m in milestones) <= project.budget_amount


def test_completed_projects_paid_every_milestone_through_escrow(seeded: str) -> None:
    for project in Project.objects.filter(status=Project.Status.COMPLETED).prefetch_related("milestones"):
        for milestone in project.milestones.all():
            assert milestone.status == Milestone.Status.APPROVED
            assert milestone.released_amount + milestone.fee_amount == milestone.amount


def test_projects_in_progress_show_each_stage_of_escrow(seeded: str) -> None:
    in_progress = Milestone.objects.filter(project__status=Project.Status.IN_PROGRESS)
    statuses = set(in_progress.values_list("status", flat=True))
    assert {"funded", "submitted", "changes_requested", "disputed", "approved"} <= statuses


def test_the_demo_ledger_balances_and_holds_exactly_what_is_in_escrow(seeded: str) -> None:
    totals: Counter[str] = Counter()
    for account in Account.objects.select_related("token", "milestone"):
        totals[account.token.symbol] += account.balance
        if account.milestone is not None:
            held = account.milestone.status in Milestone.HELD_STATUSES
            assert account.balance == (account.milestone.amount if held else 0)
    assert set(totals) == {"USDC", "WALL"}
    assert set(totals.values()) == {0}
    assert LedgerTransaction.objects.filter(created_at__lt=timezone.now() - timedelta(days=7)).exists()


def test_every_wallet_history_is_posted_in_time_order(seeded: str) -> None:
    # A user who is party to several projects must see their entries posted in the
    # order of their dates, or the wallet's "Balance after" column and balance chart
    # jump about.
    for account in Account.objects.filter(kind=Account.Kind.AVAILABLE).select_related("owner", "token"):
        entries = LedgerEntry.objects.filter(account=account).select_related("transaction").order_by("id")
        balance, last_posted = 0, None
        for entry in entries:
            posted = entry.transaction.created_at
            assert last_posted is None or posted >= last_posted, f"{account}: entry {entry.pk} predates the one before"
            assert entry.balance_after == balance + entry.amount, f"{account}: entry {entry.pk}"
            balance, last_posted = entry.balance_after, posted


def test_projects_read_like_real_posts(seeded: str) -> None:
    projects = Project.objects.annotate(n_required=Count("required_skills", distinct=True)).annotate(
        n_nice=Count("nice_to_have_skills", distinct=True)
    )
    for project in projects:
        assert 2 <= project.n_required <= 5, project.title
        assert 0 <= project.n_nice <= 3, project.title
        assert len(project.summary) <= 280
        assert 120 <= word_count(project.description) <= 300, project.title
        assert "\n## " in project.description
        assert "\n- " in project.description
    assert set(Project.objects.values_list("budget_token__symbol", flat=True)) == {"USDC", "WALL"}


def test_every_profile_has_at_least_two_skills_and_a_first_person_bio(seeded: str) -> None:
    timezones = zoneinfo.available_timezones()
    for profile in ContributorProfile.objects.annotate(n_skills=Count("profile_skills")):
        assert profile.n_skills >= 2
        assert 60 <= word_count(profile.bio) <= 150
        assert profile.bio.startswith(("I ", "My ", "For "))
        assert profile.timezone in timezones
        assert all(link.startswith(f"https://github.com/{profile.github_handle}/") for link in profile.portfolio_links)
    bios = list(ContributorProfile.objects.values_list("bio", flat=True))
    assert len(set(bios)) == len(bios)
    availability = Counter(ContributorProfile.objects.values_list("availability", flat=True))
    assert availability["available"] > availability["limited"] > availability["unavailable"] > 0


def test_open_projects_get_applications_that_address_the_client(seeded: str) -> None:
    open_projects = Project.objects.filter(status=Project.Status.OPEN).annotate(n=Count("applications"))
    with_two_to_six = [p for p in open_projects if 2 <= p.n <= 6]
    assert len(with_two_to_six) >= len(open_projects) / 2
    for application in Application.objects.select_related("project__owner"):
        owner_first_name = application.project.owner.display_name.removeprefix("Dr. ").split()[0]
        assert owner_first_name in application.cover_letter


def test_timestamps_are_spread_over_the_past_weeks(seeded: str) -> None:
    published = sorted(Project.objects.exclude(published_at=None).values_list("published_at", flat=True))
    assert (published[-1] - published[0]).days >= 30
    now = timezone.now()
    for model in (Project, Application, Review, Notification):
        stamps = model.objects.values_list("created_at", flat=True)
        assert max(stamps) <= now, model.__name__
    notified = Notification.objects.values_list("created_at", flat=True)
    assert (max(notified) - min(notified)).days >= 30
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()


def test_users_have_eip55_addresses_derived_from_their_demo_key(seeded: str) -> None:
    plan = build_plan()
    addresses = [demo_address(user.key) for user in plan.users]
    assert User.objects.filter(address__in=addresses).count() == len(plan.users)
    assert all(is_checksummed(address) for address in User.objects.values_list("address", flat=True))
    assert list(User.objects.filter(is_staff=True).values_list("address", flat=True)) == [demo_address("moderator")]


def test_running_it_twice_creates_nothing_new(seeded: str) -> None:
    before = _counts()

    output = _seed()

    assert _counts() == before
    assert "nothing created" in output


def test_if_empty_does_nothing_when_a_project_exists() -> None:
    ProjectFactory()
    before = _counts()

    output = _seed("--if-empty")

    assert _counts() == before
    assert "not seeded" in output
