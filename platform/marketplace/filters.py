"""Filters shared by the web pages and the REST API (used only by selectors).

Amount filters take token units (``budget_min=1500``); with ``token`` they compare
base units of that token, without it each token's own decimals are applied.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from marketplace.models import ContributorProfile, ProfileSkill, Project, Skill
from wallets.models import Token


def text_search(queryset: QuerySet[Any], query: str, fields: dict[str, str]) -> QuerySet[Any]:
    """Full-text search over ``fields`` (name -> weight A-D).

    PostgreSQL: a weighted tsvector with ``websearch_to_tsquery`` (stemming, quoted
    phrases, ``-exclusion``), ordered by rank. Other databases: every word must
    occur in one of the fields (case-insensitive), newest first.
    """
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        (first, first_weight), *rest = fields.items()
        vector: Any = SearchVector(first, weight=first_weight, config="english")
        for name, weight in rest:
            vector = vector + SearchVector(name, weight=weight, config="english")
        search = SearchQuery(query, search_type="websearch", config="english")
        ranked: QuerySet[Any] = (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search))
            .filter(search_vector=search)
            .order_by("-search_rank", "-pk")
        )
        return ranked
    condition = Q()
    for word in query.split()[:12]:
        word_q = Q()
        for name in fields:
            word_q |= Q(**{f"{name}__icontains": word})
        condition &= word_q
    return queryset.filter(condition)


def _bound_units(value: Decimal, decimals: int, lookup: str) -> int:
    """``value`` token units as base units of a token with ``decimals``, exactly.

    A bound finer than the token's smallest unit is rounded so that the comparison
    keeps its meaning: a lower bound up, an upper bound down (no stored amount lies
    in between). The form limits the value to 60 digits, far below 2**256.
    """
    with localcontext() as ctx:
        ctx.prec = 120
        scaled = Decimal(value).scaleb(decimals)
    return math.ceil(scaled) if lookup in ("gt", "gte") else math.floor(scaled)


def _amount_filter(
    queryset: QuerySet[Any], field: str, token_field: str, lookup: str, value: Any, token: Any
) -> QuerySet[Any]:
    if value in (None, ""):
        return queryset
    tokens = [token] if token else list(Token.objects.all())
    condition = Q()
    for each in tokens:
        units = _bound_units(value, each.decimals, lookup)
        condition |= Q(**{token_field: each, f"{field}__{lookup}": units})
    return queryset.filter(condition)


class AmountFilter(django_filters.CharFilter):
    """A non-negative decimal amount in token units, validated at the form level."""

    field_class = forms.DecimalField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 60)
        kwargs.setdefault("decimal_places", 36)
        super().__init__(*args, **kwargs)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)
    skills = django_filters.ModelMultipleChoiceFilter(
        field_name="required_skills__slug",
        to_field_name="slug",
        queryset=Skill.objects.all(),
        method="filter_skills",
        label="Skills",
    )
    category = django_filters.MultipleChoiceFilter(choices=Project.Category.choices)
    status = django_filters.MultipleChoiceFilter(choices=Project.Status.choices, method="filter_status")
    token = django_filters.ModelChoiceFilter(
        queryset=Token.objects.filter(is_active=True), to_field_name="symbol", method="filter_token", label="Token"
    )
    budget_min = AmountFilter(method="filter_budget_min", label="Budget at least")
    budget_max = AmountFilter(method="filter_budget_max", label="Budget at most")
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("newest", "Newest"),
            ("budget_high", "Highest budget"),
            ("budget_low", "Lowest budget"),
            ("deadline", "Deadline soonest"),
        ],
        method="filter_ordering",
        label="Sort by",
        empty_label="Relevance / newest",
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_token(self, queryset: QuerySet[Project], name: str, value: Token | None) -> QuerySet[Project]:
        return queryset.filter(budget_token=value) if value else queryset

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return text_search(queryset, value, {"title": "A", "summary": "B", "description": "C"})

    def filter_skills(self, queryset: QuerySet[Project], name: str, value: Any) -> QuerySet[Project]:
        # Any of the chosen skills, required or nice to have: a contributor browsing
        # by their skills wants every project that could use them.
        if not value:
            return queryset
        ids = [s.pk for s in value]
        return queryset.filter(Q(required_skills__in=ids) | Q(nice_to_have_skills__in=ids)).distinct()

    def filter_status(self, queryset: QuerySet[Project], name: str, value: list[str]) -> QuerySet[Project]:
        return queryset.filter(status__in=value) if value else queryset

    def filter_budget_min(self, queryset: QuerySet[Project], name: str, value: Any) -> QuerySet[Project]:
        return _amount_filter(
            queryset, "budget_amount", "budget_token", "gte", value, self.form.cleaned_data.get("token")
        )

    def filter_budget_max(self, queryset: QuerySet[Project], name: str, value: Any) -> QuerySet[Project]:
        return _amount_filter(
            queryset, "budget_amount", "budget_token", "lte", value, self.form.cleaned_data.get("token")
        )

    def filter_ordering(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        # NULLs sort first ascending on SQLite and first descending on PostgreSQL:
        # say where they go, so a project without a deadline is never "soonest".
        orders: dict[str, list[Any]] = {
            "newest": [F("published_at").desc(nulls_last=True), "-created_at"],
            "budget_high": ["-budget_amount", "-pk"],
            "budget_low": ["budget_amount", "pk"],
            "deadline": [F("deadline").asc(nulls_last=True), "pk"],
        }
        order = orders.get(value)
        return queryset.order_by(*order) if order else queryset


class ContributorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)
    skills = django_filters.ModelMultipleChoiceFilter(
        to_field_name="slug", queryset=Skill.objects.all(), method="filter_skills", label="Skills"
    )
    min_level = django_filters.ChoiceFilter(
        choices=ProfileSkill.Level.choices,
        method="filter_noop",
        label="At level",
        empty_label="Any level",
    )
    availability = django_filters.MultipleChoiceFilter(choices=ContributorProfile.Availability.choices)
    token = django_filters.ModelChoiceFilter(
        queryset=Token.objects.filter(is_active=True),
        to_field_name="symbol",
        method="filter_token",
        label="Rate token",
    )
    rate_max = AmountFilter(method="filter_rate_max", label="Hourly rate at most")
    ordering = django_filters.ChoiceFilter(
        choices=[("recent", "Recently active"), ("rate_low", "Lowest rate"), ("rate_high", "Highest rate")],
        method="filter_ordering",
        label="Sort by",
        empty_label="Relevance / recent",
    )

    class Meta:
        model = ContributorProfile
        fields: list[str] = []

    def filter_noop(self, queryset: QuerySet[ContributorProfile], name: str, value: Any) -> Any:
        return queryset

    def filter_token(self, queryset: QuerySet[ContributorProfile], name: str, value: Token | None) -> Any:
        return queryset.filter(rate_token=value) if value else queryset

    def filter_q(self, queryset: QuerySet[ContributorProfile], name: str, value: str) -> Any:
        return text_search(queryset, value, {"headline": "A", "bio": "B", "user__display_name": "A"})

    def filter_skills(self, queryset: QuerySet[ContributorProfile], name: str, value: Any) -> Any:
        # All of the chosen skills (at the chosen level): a client looking for
        # "Bittensor and PyTorch" wants people who have both.
        if not value:
            return queryset
        level = int(self.form.cleaned_data.get("min_level") or 1)
        ids = [s.pk for s in value]
        matching = (
            ProfileSkill.objects.filter(skill__in=ids, level__gte=level)
            .values("profile")
            .annotate(n=Count("skill", distinct=True))
            .filter(n=len(ids))
            .values("profile")
        )
        return queryset.filter(pk__in=matching)

    def filter_rate_max(self, queryset: QuerySet[ContributorProfile], name: str, value: Any) -> Any:
        return _amount_filter(queryset, "hourly_rate", "rate_token", "lte", value, self.form.cleaned_data.get("token"))

    def filter_ordering(self, queryset: QuerySet[ContributorProfile], name: str, value: str) -> Any:
        # Profiles without a rate go last in both directions, on every database.
        orders: dict[str, list[Any]] = {
            "recent": ["-updated_at"],
            "rate_low": [F("hourly_rate").asc(nulls_last=True), "pk"],
            "rate_high": [F("hourly_rate").desc(nulls_last=True), "pk"],
        }
        order = orders.get(value)
        return queryset.order_by(*order) if order else queryset
