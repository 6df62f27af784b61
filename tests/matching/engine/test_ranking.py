"""Hybrid ranking: each factor pushes the score the right way, filters act before the
cut, reasons say why, and the weights are one documented table."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from matching.engine import ranking
from matching.engine.ranking import (
    NEUTRAL,
    WEIGHTS,
    ContributorFacts,
    Filters,
    Match,
    ProjectFacts,
    SkillNeed,
    oversample,
    rank_contributors,
    rank_projects,
)

NEED = SkillNeed(required=frozenset({"bittensor", "pytorch", "validator-ops"}), nice=frozenset({"kubernetes", "rust"}))
BUDGET, TOKEN = 4000.0, "USDC"


def contributor(id: int = 1, **changes: Any) -> ContributorFacts:
    base = ContributorFacts(
        id=id,
        similarity=0.5,
        skills={"bittensor": 3, "pytorch": 3, "kubernetes": 3},
        availability="limited",
        hours_per_week=20,
        hourly_rate=150.0,
        rate_token=TOKEN,
        rating=4.0,
        review_count=3,
        completed_count=2,
        updated_days_ago=60.0,
    )
    return dataclasses.replace(base, **changes)


def project(id: int = 1, **changes: Any) -> ProjectFacts:
    base = ProjectFacts(
        id=id,
        similarity=0.5,
        required=frozenset({"bittensor", "pytorch", "solidity"}),
        nice=frozenset({"rust", "kubernetes"}),
        budget=3000.0,
        budget_token=TOKEN,
        deadline_days=14.0,
        published_days_ago=10.0,
        owner_rating=4.0,
    )
    return dataclasses.replace(base, **changes)


def score_of(candidate: ContributorFacts) -> float:
    (match,) = rank_contributors(NEED, BUDGET, TOKEN, [candidate])
    return match.score


def project_score_of(candidate: ProjectFacts, rate: float | None = 100.0) -> float:
    (match,) = rank_projects({"bittensor": 4, "pytorch": 2, "kubernetes": 3}, rate, TOKEN, [candidate])
    return match.score


BETTER_CONTRIBUTOR = {
    "similarity": {"similarity": 0.7},
    "required_skills": {"skills": {"bittensor": 3, "pytorch": 3, "kubernetes": 3, "validator-ops": 3}},
    "nice_to_have": {"skills": {"bittensor": 3, "pytorch": 3, "kubernetes": 3, "rust": 3}},
    "skill_level": {"skills": {"bittensor": 5, "pytorch": 5, "kubernetes": 5}},
    "availability": {"availability": "available"},
    "hours": {"hours_per_week": 40},
    "rate_fit": {"hourly_rate": 50.0},
    "reputation_rating": {"rating": 4.9},
    "reputation_reviews": {"review_count": 30},
    "reputation_completed": {"completed_count": 12},
    "recency": {"updated_days_ago": 1.0},
}


@pytest.mark.parametrize("change", list(BETTER_CONTRIBUTOR))
def test_every_contributor_factor_moves_the_score_the_right_way(change: str) -> None:
    assert score_of(contributor(**BETTER_CONTRIBUTOR[change])) > score_of(contributor())


WORSE_CONTRIBUTOR = {
    "similarity": {"similarity": 0.2},
    "required_skills": {"skills": {"bittensor": 3, "kubernetes": 3}},
    "skill_level": {"skills": {"bittensor": 1, "pytorch": 1, "kubernetes": 1}},
    "availability": {"availability": "unavailable"},
    "rate_fit": {"hourly_rate": 400.0},
    "reputation": {"rating": 2.0},
    "recency": {"updated_days_ago": 700.0},
}


@pytest.mark.parametrize("change", list(WORSE_CONTRIBUTOR))
def test_every_contributor_factor_can_lower_the_score(change: str) -> None:
    assert score_of(contributor(**WORSE_CONTRIBUTOR[change])) < score_of(contributor())


BETTER_PROJECT = {
    "similarity": {"similarity": 0.75},
    "required_skills": {"required": frozenset({"bittensor", "pytorch"})},
    "nice_to_have": {"nice": frozenset({"kubernetes"})},
    "availability": {"deadline_days": 60.0},
    "no_deadline": {"deadline_days": None},
    "rate_fit": {"budget": 8000.0},
    "reputation": {"owner_rating": 5.0},
    "recency": {"published_days_ago": 1.0},
}


@pytest.mark.parametrize("change", list(BETTER_PROJECT))
def test_every_project_factor_moves_the_score_the_right_way(change: str) -> None:
    assert project_score_of(project(**BETTER_PROJECT[change])) > project_score_of(project())


def test_a_higher_skill_level_ranks_a_project_higher() -> None:
    (low,) = rank_projects({"bittensor": 1, "pytorch": 1}, None, None, [project()])
    (high,) = rank_projects({"bittensor": 5, "pytorch": 5}, None, None, [project()])

    assert high.score > low.score


def test_a_deadline_that_has_passed_scores_zero_for_schedule() -> None:
    (match,) = rank_projects({}, None, None, [project(deadline_days=-2.0)])

    availability = next(f for f in match.factors if f.name == "availability")
    assert availability.value == 0.0
    assert "too close" in availability.detail


FILTER_CASES = [
    # (filters, how the star fails them, how the others pass them)
    (Filters(exclude_applied=True), {"already_applied": True}, {}),
    (Filters(must_have=frozenset({"solidity"})), {}, {"skills": {"solidity": 2, "pytorch": 1}}),
    (Filters(availability=frozenset({"limited"})), {}, {}),
    (Filters(rate_max=100.0, rate_token=TOKEN), {}, {"hourly_rate": 90.0}),
    (Filters(rate_min=200.0), {}, {"hourly_rate": 250.0}),
    (Filters(min_rating=4.5), {"rating": None}, {"rating": 4.6}),
]


@pytest.mark.parametrize(("filters", "star_changes", "other_changes"), FILTER_CASES)
def test_the_best_scoring_filtered_out_candidate_never_appears(
    filters: Filters, star_changes: dict[str, Any], other_changes: dict[str, Any]
) -> None:
    star = contributor(id=1, **{"similarity": 0.9, "availability": "available", "rating": 5.0, **star_changes})
    others = [contributor(id=i, similarity=0.3, **other_changes) for i in range(2, 30)]
    unfiltered = dataclasses.replace(star, already_applied=False)
    assert rank_contributors(NEED, BUDGET, TOKEN, [unfiltered, *others], limit=1)[0].id == 1

    top = rank_contributors(NEED, BUDGET, TOKEN, [star, *others], filters=filters, limit=1)
    everyone = rank_contributors(NEED, BUDGET, TOKEN, [star, *others], filters=filters, limit=100)

    assert len(top) == 1
    assert top[0].id != 1
    assert 1 not in [match.id for match in everyone]
    assert len(everyone) == len(others)


def test_filters_keep_candidates_that_satisfy_them() -> None:
    fits = contributor(id=1, availability="available", hourly_rate=90.0, rating=4.8, skills={"solidity": 4})
    filters = Filters(
        must_have=frozenset({"solidity"}),
        availability=frozenset({"available"}),
        rate_min=50.0,
        rate_max=100.0,
        rate_token=TOKEN,
        min_rating=4.5,
    )

    assert [m.id for m in rank_contributors(NEED, BUDGET, TOKEN, [fits], filters=filters)] == [1]
    # A rate in another token is not within a USDC range.
    other_token = dataclasses.replace(fits, rate_token="ETH")
    assert rank_contributors(NEED, BUDGET, TOKEN, [other_token], filters=filters) == []


def test_already_applied_candidates_are_kept_when_asked() -> None:
    applied = contributor(already_applied=True)

    assert rank_contributors(NEED, BUDGET, TOKEN, [applied]) == []
    assert len(rank_contributors(NEED, BUDGET, TOKEN, [applied], filters=Filters(exclude_applied=False))) == 1


def test_project_filters_apply_to_skills_budget_rating_and_applications() -> None:
    skills = {"bittensor": 3}
    pool = [
        project(id=1),
        project(id=2, required=frozenset({"jax"}), nice=frozenset()),
        project(id=3, budget=500.0),
        project(id=4, owner_rating=None),
        project(id=5, already_applied=True),
    ]
    filters = Filters(must_have=frozenset({"bittensor"}), rate_min=1000.0, rate_token=TOKEN, min_rating=3.0)

    assert [m.id for m in rank_projects(skills, None, None, pool, filters=filters)] == [1]


def test_reasons_list_matched_missing_and_nice_skills_and_every_factor() -> None:
    (match,) = rank_contributors(NEED, BUDGET, TOKEN, [contributor(skills={"bittensor": 4, "rust": 2, "jax": 5})])

    reasons = match.reasons()

    assert reasons["matched_skills"] == ["bittensor"]
    assert reasons["missing_skills"] == ["pytorch", "validator-ops"]
    assert reasons["nice_to_have_matched"] == ["rust"]
    assert reasons["similarity"] == 0.5
    assert [f["name"] for f in reasons["factors"]] == list(WEIGHTS)
    assert json.loads(json.dumps(reasons)) == reasons
    required = next(f for f in reasons["factors"] if f["name"] == "required_skills")
    assert required["detail"] == "Covers 1 of 3 required skills; missing pytorch, validator-ops."
    assert all(set(f) == {"name", "value", "weight", "contribution", "detail"} for f in reasons["factors"])
    assert all(f["detail"].endswith(".") for f in reasons["factors"])


def test_the_score_is_the_sum_of_the_contributions() -> None:
    (match,) = rank_contributors(NEED, BUDGET, TOKEN, [contributor()])

    assert match.score == pytest.approx(sum(f.contribution for f in match.factors))
    assert all(f.contribution == pytest.approx(f.value * f.weight) for f in match.factors)
    assert all(0.0 <= f.value <= 1.0 for f in match.factors)
    assert 0.0 <= match.score <= 1.0


def test_rate_is_neutral_when_the_tokens_differ() -> None:
    cheap = contributor(id=1, hourly_rate=1.0, rate_token="ETH")
    dear = contributor(id=2, hourly_rate=10_000.0, rate_token="ETH")

    matches = rank_contributors(NEED, BUDGET, TOKEN, [cheap, dear])

    factors = [next(f for f in m.factors if f.name == "rate_fit") for m in matches]
    assert [f.value for f in factors] == [NEUTRAL, NEUTRAL]
    assert factors[0].detail == "Rate in ETH, budget in USDC: not compared."
    assert matches[0].score == matches[1].score


def test_rate_is_neutral_without_a_rate_or_a_budget() -> None:
    (no_rate,) = rank_contributors(NEED, BUDGET, TOKEN, [contributor(hourly_rate=None, rate_token=None)])
    (no_budget,) = rank_contributors(NEED, None, None, [contributor()])

    for match in (no_rate, no_budget):
        assert next(f for f in match.factors if f.name == "rate_fit").value == NEUTRAL


def test_unknowable_factors_are_neutral_not_zero() -> None:
    (match,) = rank_contributors(
        SkillNeed(required=frozenset()), None, None, [contributor(rating=None, review_count=0)]
    )
    values = {f.name: f.value for f in match.factors}

    assert values["required_skills"] == NEUTRAL
    assert values["nice_to_have"] == NEUTRAL
    assert values["skill_level"] == NEUTRAL
    assert values["rate_fit"] == NEUTRAL


def test_one_review_does_not_beat_a_long_good_record() -> None:
    newcomer = contributor(id=1, rating=5.0, review_count=1, completed_count=1)
    veteran = contributor(id=2, rating=4.7, review_count=40, completed_count=40)

    assert [m.id for m in rank_contributors(NEED, BUDGET, TOKEN, [newcomer, veteran])] == [2, 1]


def test_results_are_best_first_cut_to_limit_and_stable_on_ties() -> None:
    pool = [contributor(id=i, similarity=0.3 + 0.01 * (i % 7)) for i in range(40, 0, -1)]

    matches = rank_contributors(NEED, BUDGET, TOKEN, pool, limit=10)
    scores = [m.score for m in matches]

    assert len(matches) == 10
    assert scores == sorted(scores, reverse=True)
    tied = [m.id for m in matches if m.score == matches[0].score]
    assert tied == sorted(tied)
    assert rank_contributors(NEED, BUDGET, TOKEN, pool, limit=0) == []


def test_custom_weights_change_the_order() -> None:
    similar = contributor(id=1, similarity=0.8, skills={})
    skilled = contributor(id=2, similarity=0.3, skills={"bittensor": 5, "pytorch": 5, "validator-ops": 5})

    assert rank_contributors(NEED, BUDGET, TOKEN, [similar, skilled])[0].id == 2
    only_text = {name: (1.0 if name == "similarity" else 0.0) for name in WEIGHTS}
    assert rank_contributors(NEED, BUDGET, TOKEN, [similar, skilled], weights=only_text)[0].id == 1
    with pytest.raises(ValueError, match="unknown"):
        rank_contributors(NEED, BUDGET, TOKEN, [similar], weights={"charisma": 1.0})


def test_weights_sum_to_one_and_name_every_factor() -> None:
    (match,) = rank_contributors(NEED, BUDGET, TOKEN, [contributor()])
    (project_match,) = rank_projects({}, None, None, [project()])

    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert all(weight > 0 for weight in WEIGHTS.values())
    assert [f.name for f in match.factors] == list(WEIGHTS)
    assert [f.name for f in project_match.factors] == list(WEIGHTS)
    # The weights are documented where they are defined: one comment per weight.
    source = ranking.__file__
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    table = text[text.index("WEIGHTS: Final") : text.index("NEUTRAL: Final")]
    for name in WEIGHTS:
        line = next(i for i, line in enumerate(table.splitlines()) if f'"{name}":' in line)
        assert table.splitlines()[line - 1].strip().startswith("#"), name


def test_oversample_fetches_enough_candidates_for_filters_and_reranking() -> None:
    assert oversample(10) == 100
    assert oversample(20) == 100
    assert oversample(50) == 250
    assert oversample(10_000) == 1_000
    assert oversample(0) == 0


def test_matches_are_plain_frozen_values() -> None:
    (match,) = rank_contributors(NEED, BUDGET, TOKEN, [contributor()])

    assert isinstance(match, Match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 1.0  # type: ignore[misc]
