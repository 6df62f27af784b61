"""wallets.fields.BaseUnitsField: exact integer base units on SQLite and PostgreSQL.

The field is exercised through the models that use it: Project.budget_amount (a
check constraint keeps it > 0) and ContributorProfile.hourly_rate (>= 0 or null).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from marketplace.models import ContributorProfile, Project
from tests.factories import ContributorProfileFactory, ProjectFactory, UserFactory, token
from wallets.amounts import MAX_BASE_UNITS
from wallets.fields import BaseUnitsField, decode_text, encode_text

pytestmark = pytest.mark.django_db

# Example timing varies on a busy shared machine; correctness does not.
no_deadline = settings(deadline=None)

AROUND_2_63 = [2**63 - 2, 2**63 - 1, 2**63, 2**63 + 1, 2**64 - 1, 2**64, 2**64 + 1]
AMOUNTS = sorted(
    {1, 2, 999, 10**6, 10**18, *AROUND_2_63, 10**30, 10**30 + 1, 2**255, MAX_BASE_UNITS - 1, MAX_BASE_UNITS}
)


@pytest.fixture
def owner() -> User:
    return UserFactory(persona="field-owner")


@pytest.fixture
def projects(owner: User) -> dict[int, Project]:
    """One project per amount, all owned by ``owner`` (inserted out of order)."""
    wall = token("WALL")
    return {
        amount: ProjectFactory(owner=owner, budget_amount=amount, budget_token=wall)
        for amount in sorted(AMOUNTS, key=lambda n: (n % 7, n))
    }


def budgets(owner: User, **lookup: Any) -> list[int]:
    return sorted(Project.objects.filter(owner=owner, **lookup).values_list("budget_amount", flat=True))


# --- storage ----------------------------------------------------------------------


@pytest.mark.parametrize("amount", [10**30, MAX_BASE_UNITS, 2**63, 2**63 - 1, 2**64 + 1, 1])
def test_it_stores_and_reads_back_amounts_exactly(owner: User, amount: int) -> None:
    project = ProjectFactory(owner=owner, budget_amount=amount, budget_token=token("WALL"))

    fresh = Project.objects.get(pk=project.pk)

    assert fresh.budget_amount == amount
    assert type(fresh.budget_amount) is int
    assert Project.objects.filter(pk=project.pk).values_list("budget_amount", flat=True).get() == amount
    assert Project.objects.values("budget_amount").get(pk=project.pk) == {"budget_amount": amount}


def test_it_stores_the_largest_balance_in_a_nullable_rate(contributor_bob: User) -> None:
    profile = contributor_bob.profile
    profile.hourly_rate = MAX_BASE_UNITS
    profile.save()
    profile.refresh_from_db()
    assert profile.hourly_rate == 2**256 - 1

    profile.hourly_rate = None
    profile.save()
    profile.refresh_from_db()
    assert profile.hourly_rate is None


def test_it_stores_a_zero_rate(contributor_bob: User) -> None:
    ContributorProfile.objects.filter(user=contributor_bob).update(hourly_rate=0)
    assert ContributorProfile.objects.get(user=contributor_bob).hourly_rate == 0
    assert ContributorProfile.objects.filter(user=contributor_bob, hourly_rate=0).exists()


def test_it_uses_an_exact_numeric_column_on_postgresql_and_ordered_text_elsewhere() -> None:
    field = Project._meta.get_field("budget_amount")
    expected = "numeric(78, 0)" if connection.vendor == "postgresql" else "varchar(79)"
    assert field.db_type(connection) == expected


def test_the_database_holds_the_exact_value(owner: User) -> None:
    project = ProjectFactory(owner=owner, budget_amount=MAX_BASE_UNITS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT budget_amount FROM marketplace_project WHERE id = %s", [project.pk])
        (raw,) = cursor.fetchone()
    if connection.vendor == "postgresql":
        assert raw == Decimal(MAX_BASE_UNITS)
    else:
        assert decode_text(raw) == MAX_BASE_UNITS


# --- lookups and ordering ---------------------------------------------------------


def test_it_orders_by_amount_ascending_and_descending(owner: User, projects: dict[int, Project]) -> None:
    ascending = list(
        Project.objects.filter(owner=owner).order_by("budget_amount").values_list("budget_amount", flat=True)
    )
    descending = list(
        Project.objects.filter(owner=owner).order_by("-budget_amount").values_list("budget_amount", flat=True)
    )
    assert ascending == AMOUNTS
    assert descending == AMOUNTS[::-1]


@pytest.mark.parametrize("bound", [2**63 - 1, 2**63, 2**63 + 1, 2**64, 10**30, MAX_BASE_UNITS, 999, 1])
def test_range_lookups_match_integer_comparison(owner: User, projects: dict[int, Project], bound: int) -> None:
    assert budgets(owner, budget_amount__gt=bound) == [a for a in AMOUNTS if a > bound]
    assert budgets(owner, budget_amount__gte=bound) == [a for a in AMOUNTS if a >= bound]
    assert budgets(owner, budget_amount__lt=bound) == [a for a in AMOUNTS if a < bound]
    assert budgets(owner, budget_amount__lte=bound) == [a for a in AMOUNTS if a <= bound]
    assert budgets(owner, budget_amount=bound) == [bound]
    assert budgets(owner, budget_amount__exact=bound) == [bound]


def test_in_and_range_lookups(owner: User, projects: dict[int, Project]) -> None:
    assert budgets(owner, budget_amount__in=[2**63, MAX_BASE_UNITS, 12345]) == [2**63, MAX_BASE_UNITS]
    assert budgets(owner, budget_amount__range=(2**63 - 1, 2**64)) == [2**63 - 1, 2**63, 2**63 + 1, 2**64 - 1, 2**64]
    assert budgets(owner, budget_amount__in=[]) == []


def test_lookups_with_negative_bounds_see_every_stored_amount(owner: User, projects: dict[int, Project]) -> None:
    assert budgets(owner, budget_amount__gt=-1) == AMOUNTS
    assert budgets(owner, budget_amount__gte=-MAX_BASE_UNITS) == AMOUNTS
    assert budgets(owner, budget_amount__lt=-1) == []
    assert budgets(owner, budget_amount__in=[-1, -(2**63), 1]) == [1]
    assert budgets(owner, budget_amount__range=(-(2**64), 999)) == [1, 2, 999]


def test_lookups_accept_numeric_strings_and_decimals(owner: User, projects: dict[int, Project]) -> None:
    assert budgets(owner, budget_amount=str(2**63)) == [2**63]
    assert budgets(owner, budget_amount=Decimal(10**30)) == [10**30]
    assert budgets(owner, budget_amount__lte="999") == [1, 2, 999]


def test_min_and_max_aggregates_are_exact(owner: User, projects: dict[int, Project]) -> None:
    result = Project.objects.filter(owner=owner).aggregate(low=Min("budget_amount"), high=Max("budget_amount"))
    assert result == {"low": 1, "high": MAX_BASE_UNITS}


def test_a_nullable_amount_filters_and_orders(contributor_bob: User, contributor_carol: User) -> None:
    usdc = token("USDC")
    nobody = ContributorProfileFactory(hourly_rate=None, rate_token=None)
    ContributorProfile.objects.filter(user=contributor_bob).update(hourly_rate=2**64, rate_token=usdc)
    ContributorProfile.objects.filter(user=contributor_carol).update(hourly_rate=2**63 - 1, rate_token=usdc)

    rated = ContributorProfile.objects.exclude(hourly_rate=None)
    assert list(rated.order_by("hourly_rate").values_list("user_id", flat=True)) == [
        contributor_carol.pk,
        contributor_bob.pk,
    ]
    assert list(ContributorProfile.objects.filter(hourly_rate__isnull=True)) == [nobody]
    assert list(ContributorProfile.objects.filter(hourly_rate__gt=2**63).values_list("user_id", flat=True)) == [
        contributor_bob.pk
    ]


# --- constraints ------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -1, -(2**63), -MAX_BASE_UNITS])
def test_the_database_refuses_a_budget_that_is_not_positive(owner: User, amount: int) -> None:
    project = ProjectFactory(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(budget_amount=amount)
    project.refresh_from_db()
    assert project.budget_amount == 5_000 * 10**6


@pytest.mark.parametrize("amount", [-1, -(2**64), -MAX_BASE_UNITS])
def test_the_database_refuses_a_negative_hourly_rate(contributor_bob: User, amount: int) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributorProfile.objects.filter(user=contributor_bob).update(hourly_rate=amount)
    assert ContributorProfile.objects.get(user=contributor_bob).hourly_rate == 90 * 10**6


def test_model_validation_reports_a_budget_that_is_not_positive(owner: User) -> None:
    project = ProjectFactory.build(owner=owner, budget_amount=0, budget_token=token("USDC"))
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "project_budget_positive" in str(excinfo.value)


# --- conversion -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        ("42", 42),
        (" 42 ", 42),
        (Decimal("7"), 7),
        (Decimal("7.000"), 7),
        (str(MAX_BASE_UNITS), MAX_BASE_UNITS),
        (-MAX_BASE_UNITS, -MAX_BASE_UNITS),
        (encode_text(-12), -12),
        (None, None),
    ],
)
def test_to_python_accepts_whole_numbers(value: Any, expected: int | None) -> None:
    assert BaseUnitsField().to_python(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.5, "invalid"),
        (2.0, "invalid"),
        (Decimal("1.5"), "invalid"),
        ("abc", "invalid"),
        ("", "invalid"),
        ("1.5", "invalid"),
        (True, "invalid"),
        (MAX_BASE_UNITS + 1, "range"),
        (-MAX_BASE_UNITS - 1, "range"),
        (str(2**256), "range"),
    ],
)
def test_to_python_refuses_what_is_not_an_exact_amount(value: Any, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        BaseUnitsField().to_python(value)
    assert excinfo.value.code == code


def test_saving_an_amount_above_the_limit_is_refused(owner: User) -> None:
    with pytest.raises(ValidationError), transaction.atomic():
        ProjectFactory(owner=owner, budget_amount=MAX_BASE_UNITS + 1)
    assert not Project.objects.filter(owner=owner).exists()


@no_deadline
@given(a=st.integers(min_value=-MAX_BASE_UNITS, max_value=MAX_BASE_UNITS))
def test_text_encoding_round_trips(a: int) -> None:
    encoded = encode_text(a)
    assert len(encoded) == 79
    assert decode_text(encoded) == a


@no_deadline
@given(
    a=st.integers(min_value=-MAX_BASE_UNITS, max_value=MAX_BASE_UNITS),
    b=st.integers(min_value=-MAX_BASE_UNITS, max_value=MAX_BASE_UNITS),
)
def test_text_encoding_sorts_like_the_numbers(a: int, b: int) -> None:
    assert (encode_text(a) < encode_text(b)) == (a < b)
    assert (encode_text(a) == encode_text(b)) == (a == b)
