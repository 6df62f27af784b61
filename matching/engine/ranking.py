"""Hybrid re-ranking of vector-search candidates, with the reasons for every score.

The vector index finds candidates whose text reads like the query; this module
decides among them with what the text cannot say reliably: which required skills a
person actually lists and at what level, whether they are available, whether their
rate fits the budget, their track record, and how fresh the entry is.

Every factor is a value in ``[0, 1]`` (1 = best) with a weight from :data:`WEIGHTS`;
a match's score is the weighted mean ``sum(value * weight) / sum(weights)``, so it
is in ``[0, 1]`` too (the default weights sum to 1, so the score is simply the sum of
the contributions). A factor that cannot be judged (no required skills, no rate, an
unknown rating, a rate in another token than the budget) takes the neutral value
:data:`NEUTRAL` and says so in its ``detail``: it then moves no candidate past another.

Filters are applied to the candidates *before* ranking and the cut to ``limit``: a
filtered-out candidate never appears, however well it scores. The caller fetches
:func:`oversample` candidates from the index so that enough survive the filters.

Pure Python, no Django: the caller turns rows into :class:`ContributorFacts` /
:class:`ProjectFacts` (plain values) and :class:`Match` back into JSON with
:meth:`Match.reasons`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "NEUTRAL",
    "WEIGHTS",
    "ContributorFacts",
    "Factor",
    "Filters",
    "Match",
    "ProjectFacts",
    "SkillNeed",
    "oversample",
    "rank_contributors",
    "rank_projects",
]

#: The weights of the hybrid score: the ONE place they live. They sum to 1.0, so a
#: score is the sum of its factors' contributions. Evaluated on the labelled set
#: described in docs/MATCHING.md; change them there, with the evaluation re-run.
WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        # Semantic similarity of the two texts: the only factor that reads everything
        # (titles, bios, past work) and knows that "runs validators" is close to
        # "validator operations". Large, but not a majority: embeddings also rate
        # people who merely *write* about a topic.
        "similarity": 0.35,
        # Share of the client's required skills the contributor lists: the client's
        # own, explicit statement of what the work needs.
        "required_skills": 0.25,
        # Share of the nice-to-have skills: a tie-breaker between people who cover the
        # requirements, so small.
        "nice_to_have": 0.05,
        # Self-declared level (1-5) of the matched skills: depth beyond mere coverage;
        # self-declared, so it weighs less than coverage.
        "skill_level": 0.08,
        # Can the work happen: the contributor's availability and hours (contributor
        # ranking) or the room before the project's deadline (project ranking). A
        # perfect match who cannot start is a poor recommendation.
        "availability": 0.10,
        # Hours of this person's rate the budget buys (same token only): a fit, not a
        # "cheapest wins"; only matters when the budget is tight.
        "rate_fit": 0.07,
        # Reviews (a Bayesian mean, so one 5-star review is not a perfect record) and
        # completed projects; project ranking uses the owner's rating.
        "reputation": 0.07,
        # Freshness of the profile or the posting: stale entries are less likely to be
        # current; small, so it only breaks near-ties.
        "recency": 0.03,
    }
)

#: The value of a factor that cannot be judged for a candidate.
NEUTRAL: Final = 0.5

# Similarity calibration for all-MiniLM-L6-v2: unrelated texts of this domain score
# about 0.0-0.15 and close paraphrases 0.8-0.9, so cosine similarity is mapped
# linearly from [0.1, 0.8] onto [0, 1] (clamped) to spread the useful range.
SIMILARITY_FLOOR: Final = 0.1
SIMILARITY_CEIL: Final = 0.8
# Availability of a contributor by status; hours per week scale it (40 h = full).
AVAILABILITY_VALUE: Final[Mapping[str, float]] = MappingProxyType(
    {"available": 1.0, "limited": 0.6, "unavailable": 0.0}
)
FULL_TIME_HOURS: Final = 40
# A budget that buys this many hours of a contributor's rate fits fully.
BUDGET_HOURS_FULL_FIT: Final = 40.0
# Reputation: Bayesian mean of ratings with this prior (as if PRIOR_REVIEWS reviews of
# PRIOR_RATING stars), so a single review moves it only part of the way.
PRIOR_RATING: Final = 3.5
PRIOR_REVIEWS: Final = 3
# Completed projects: experience = 1 - exp(-completed / EXPERIENCE_SCALE).
EXPERIENCE_SCALE: Final = 5.0
# Recency half-lives in days: profiles change slowly, postings go stale fast.
PROFILE_HALF_LIFE_DAYS: Final = 180.0
PROJECT_HALF_LIFE_DAYS: Final = 21.0
# Deadline room: at or under DEADLINE_TIGHT_DAYS days the schedule scores 0, from
# DEADLINE_COMFORTABLE_DAYS on it scores 1.
DEADLINE_TIGHT_DAYS: Final = 3.0
DEADLINE_COMFORTABLE_DAYS: Final = 30.0


def oversample(limit: int) -> int:
    """How many index candidates to fetch for ``limit`` ranked results.

    ``max(5 * limit, 100)``, capped at 1,000: the re-ranker can lift a candidate from
    far down the similarity order (skills, availability and rate weigh 0.65 in all),
    and filters drop candidates before the cut. 100 candidates cost ~1 ms to re-rank;
    the index search itself barely changes between 10 and 100. A very selective
    filter may still leave fewer than ``limit``: callers may retry with a larger count.
    """
    if limit <= 0:
        return 0
    return min(max(5 * limit, 100), 1_000)


@dataclass(frozen=True)
class SkillNeed:
    """The skills a project asks for, as slugs."""

    required: frozenset[str]
    nice: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContributorFacts:
    """Everything the scorer needs about one contributor, as plain values.

    ``similarity``: cosine similarity to the query (from the index). ``skills``: slug
    -> level 1..5. ``hourly_rate``: in whole token units, as a float (fine for ranking,
    never for money). ``rating``: mean stars 1..5 over ``review_count`` reviews, or
    None. ``updated_days_ago``: age of the profile.
    """

    id: int
    similarity: float
    skills: Mapping[str, int]
    availability: str
    hours_per_week: int
    hourly_rate: float | None
    rate_token: str | None
    rating: float | None
    review_count: int
    completed_count: int
    updated_days_ago: float
    already_applied: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    """Everything the scorer needs about one open project, as plain values.

    ``budget`` in whole units of ``budget_token`` (float: ranking only);
    ``deadline_days``: days until the deadline (None = no deadline, negative = past);
    ``owner_rating``: the client's mean stars, or None; ``already_applied``: the
    contributor being matched has applied.
    """

    id: int
    similarity: float
    required: frozenset[str]
    nice: frozenset[str]
    budget: float
    budget_token: str
    deadline_days: float | None
    published_days_ago: float
    owner_rating: float | None = None
    already_applied: bool = False


@dataclass(frozen=True)
class Filters:
    """Hard filters, applied before ranking and the cut.

    Contributors: ``must_have`` skills all listed; ``availability`` one of the given
    statuses (empty = any); hourly rate within ``rate_min``..``rate_max`` (a candidate
    without a rate, or with a rate in another token than ``rate_token`` when given,
    is dropped when a bound is set); ``min_rating`` (unrated candidates are dropped
    when set); ``exclude_applied``.

    Projects: ``must_have`` skills all among the project's required or nice skills;
    ``rate_min``..``rate_max`` bound the project's *budget* (in ``rate_token`` when
    given); ``min_rating`` bounds the owner's rating; ``availability`` does not apply.
    """

    must_have: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    rate_min: float | None = None
    rate_max: float | None = None
    rate_token: str | None = None
    min_rating: float | None = None
    exclude_applied: bool = True


@dataclass(frozen=True)
class Factor:
    """One term of a score: ``contribution = value * weight``; ``detail`` is a sentence
    for people ("Covers 3 of 4 required skills; missing Solidity.")."""

    name: str
    value: float
    weight: float
    contribution: float
    detail: str


@dataclass(frozen=True)
class Match:
    """A ranked candidate: its score in [0, 1] and why."""

    id: int
    score: float
    factors: tuple[Factor, ...]
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    nice_matched: tuple[str, ...]
    similarity: float = 0.0

    def reasons(self) -> dict[str, Any]:
        """JSON-ready explanation: raw similarity, matched/missing/nice skills (slugs),
        and every factor with its value, weight, contribution and detail."""
        return {
            "similarity": round(self.similarity, 4),
            "matched_skills": list(self.matched_skills),
            "missing_skills": list(self.missing_skills),
            "nice_to_have_matched": list(self.nice_matched),
            "factors": [
                {
                    "name": factor.name,
                    "value": round(factor.value, 4),
                    "weight": factor.weight,
                    "contribution": round(factor.contribution, 4),
                    "detail": factor.detail,
                }
                for factor in self.factors
            ],
        }


# ---------------------------------------------------------------------- factors
# Each returns (value in [0, 1], detail sentence).

FactorValue = tuple[float, str]


def _clamp(value: float) -> float:
    return 0.0 if value < 0.0 or math.isnan(value) else (1.0 if value > 1.0 else value)


def _names(slugs: Sequence[str]) -> str:
    return ", ".join(slugs)


def similarity_factor(similarity: float) -> FactorValue:
    value = _clamp((similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEIL - SIMILARITY_FLOOR))
    return value, f"Text similarity {similarity:.2f}."


def coverage_factor(wanted: frozenset[str], have: Mapping[str, int] | frozenset[str], label: str) -> FactorValue:
    if not wanted:
        return NEUTRAL, f"No {label} skills stated: neutral."
    matched = sorted(wanted.intersection(have))
    missing = sorted(wanted.difference(have))
    value = len(matched) / len(wanted)
    detail = f"Covers {len(matched)} of {len(wanted)} {label} skills"
    detail += f"; missing {_names(missing)}." if missing else "."
    return value, detail


def level_factor(skills: Sequence[str], levels: Mapping[str, int], any_wanted: bool) -> FactorValue:
    if not any_wanted:
        return NEUTRAL, "No skills asked for: level not judged."
    if not skills:
        return 0.0, "None of the asked-for skills is listed."
    mean = sum(min(5, max(1, levels[slug])) for slug in skills) / len(skills)
    return (mean - 1.0) / 4.0, f"Mean level {mean:.1f}/5 in the matched skills."


def availability_factor(availability: str, hours_per_week: int) -> FactorValue:
    base = AVAILABILITY_VALUE.get(availability)
    if base is None:
        return NEUTRAL, f"Availability {availability!r} unknown: neutral."
    if hours_per_week <= 0 or base == 0.0:
        # 0 hours means "not stated": judge by the status alone.
        return base, f"{availability.capitalize()}."
    hours = min(hours_per_week, FULL_TIME_HOURS)
    value = base * (0.5 + 0.5 * hours / FULL_TIME_HOURS)
    return value, f"{availability.capitalize()}, {hours_per_week} h/week."


def deadline_factor(deadline_days: float | None) -> FactorValue:
    if deadline_days is None:
        return 1.0, "No deadline."
    if deadline_days <= DEADLINE_TIGHT_DAYS:
        return 0.0, f"Deadline in {max(deadline_days, 0):.0f} days: too close."
    value = (deadline_days - DEADLINE_TIGHT_DAYS) / (DEADLINE_COMFORTABLE_DAYS - DEADLINE_TIGHT_DAYS)
    return _clamp(value), f"Deadline in {deadline_days:.0f} days."


def rate_fit_factor(
    budget: float | None, budget_token: str | None, rate: float | None, rate_token: str | None
) -> FactorValue:
    if rate is None or rate_token is None:
        return NEUTRAL, "No hourly rate stated: neutral."
    if budget is None or budget_token is None or budget <= 0:
        return NEUTRAL, "No budget stated: neutral."
    if rate_token != budget_token:
        return NEUTRAL, f"Rate in {rate_token}, budget in {budget_token}: not compared."
    if rate <= 0:
        return 1.0, f"Free of charge; budget {budget:g} {budget_token}."
    hours = budget / rate
    value = _clamp(hours / BUDGET_HOURS_FULL_FIT)
    return value, f"At {rate:g} {rate_token}/h the budget of {budget:g} {budget_token} buys {hours:.0f} h."


def reputation_factor(rating: float | None, review_count: int, completed_count: int) -> FactorValue:
    count = max(review_count, 0) if rating is not None else 0
    stars = rating if rating is not None else PRIOR_RATING
    bayes = (PRIOR_RATING * PRIOR_REVIEWS + stars * count) / (PRIOR_REVIEWS + count)
    rating_value = _clamp((bayes - 1.0) / 4.0)
    experience = 1.0 - math.exp(-max(completed_count, 0) / EXPERIENCE_SCALE)
    value = 0.7 * rating_value + 0.3 * experience
    reviews = f"{stars:.1f}/5 from {count} review{'s' if count != 1 else ''}" if count else "No reviews yet"
    return value, f"{reviews}; {completed_count} completed project{'s' if completed_count != 1 else ''}."


def owner_reputation_factor(rating: float | None) -> FactorValue:
    if rating is None:
        return NEUTRAL, "Client not rated yet: neutral."
    return _clamp((rating - 1.0) / 4.0), f"Client rated {rating:.1f}/5."


def recency_factor(days: float, half_life: float, what: str) -> FactorValue:
    days = max(days, 0.0)
    return 0.5 ** (days / half_life), f"{what} {days:.0f} days ago."


# ---------------------------------------------------------------------- ranking


@dataclass
class _Scored:
    id: int
    score: float
    similarity: float
    factors: list[tuple[str, FactorValue]]
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    nice: tuple[str, ...]


def _finish(scored: list[_Scored], weights: Mapping[str, float], limit: int) -> list[Match]:
    # Best first; equal scores by higher similarity, then lower id, so results are
    # stable from one request to the next.
    scored.sort(key=lambda item: (-item.score, -item.similarity, item.id))
    matches: list[Match] = []
    for item in scored[: max(limit, 0)]:
        factors = tuple(
            Factor(
                name=name,
                value=value,
                weight=weights.get(name, 0.0),
                contribution=value * weights.get(name, 0.0),
                detail=detail,
            )
            for name, (value, detail) in item.factors
        )
        matches.append(
            Match(
                id=item.id,
                score=item.score,
                factors=factors,
                matched_skills=item.matched,
                missing_skills=item.missing,
                nice_matched=item.nice,
                similarity=item.similarity,
            )
        )
    return matches


def _score(factors: list[tuple[str, FactorValue]], weights: Mapping[str, float]) -> float:
    total_weight = sum(weights.get(name, 0.0) for name, _ in factors)
    if total_weight <= 0:
        return 0.0
    return sum(value * weights.get(name, 0.0) for name, (value, _) in factors) / total_weight


def _check_weights(weights: Mapping[str, float]) -> None:
    unknown = set(weights).difference(WEIGHTS)
    if unknown:
        raise ValueError(f"unknown weight names: {sorted(unknown)}")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")


def _rate_in_range(amount: float | None, token: str | None, filters: Filters) -> bool:
    if filters.rate_min is None and filters.rate_max is None:
        return True
    if amount is None or token is None:
        return False
    if filters.rate_token is not None and token != filters.rate_token:
        return False
    if filters.rate_min is not None and amount < filters.rate_min:
        return False
    return not (filters.rate_max is not None and amount > filters.rate_max)


def _contributor_passes(candidate: ContributorFacts, filters: Filters) -> bool:
    if filters.exclude_applied and candidate.already_applied:
        return False
    if filters.must_have and not filters.must_have.issubset(candidate.skills):
        return False
    if filters.availability and candidate.availability not in filters.availability:
        return False
    if filters.min_rating is not None and (candidate.rating is None or candidate.rating < filters.min_rating):
        return False
    return _rate_in_range(candidate.hourly_rate, candidate.rate_token, filters)


def _project_passes(candidate: ProjectFacts, filters: Filters) -> bool:
    if filters.exclude_applied and candidate.already_applied:
        return False
    if filters.must_have and not filters.must_have.issubset(candidate.required | candidate.nice):
        return False
    if filters.min_rating is not None and (
        candidate.owner_rating is None or candidate.owner_rating < filters.min_rating
    ):
        return False
    return _rate_in_range(candidate.budget, candidate.budget_token, filters)


def _rank(
    candidates: Sequence[Any],
    passes: Callable[[Any], bool],
    score_one: Callable[[Any], _Scored],
    weights: Mapping[str, float],
    limit: int,
) -> list[Match]:
    _check_weights(weights)
    scored = [score_one(candidate) for candidate in candidates if passes(candidate)]
    return _finish(scored, weights, limit)


def rank_contributors(
    need: SkillNeed,
    budget: float | None,
    budget_token: str | None,
    candidates: Sequence[ContributorFacts],
    *,
    filters: Filters = Filters(),  # A frozen dataclass: an immutable default.
    limit: int = 20,
    weights: Mapping[str, float] = WEIGHTS,
) -> list[Match]:
    """Rank contributors for a project needing ``need`` with ``budget`` (whole units of
    ``budget_token``; None if unknown).

    ``filters`` drop candidates first; the rest are scored on every factor of
    :data:`WEIGHTS` and the best ``limit`` returned, best first. The rate is compared
    with the budget only in the same token, else the factor is neutral.
    """
    wanted = need.required | need.nice

    def score_one(candidate: ContributorFacts) -> _Scored:
        skills = candidate.skills
        matched = tuple(sorted(need.required.intersection(skills)))
        nice = tuple(sorted(need.nice.intersection(skills)))
        factors: list[tuple[str, FactorValue]] = [
            ("similarity", similarity_factor(candidate.similarity)),
            ("required_skills", coverage_factor(need.required, skills, "required")),
            ("nice_to_have", coverage_factor(need.nice, skills, "nice-to-have")),
            ("skill_level", level_factor(matched + nice, skills, bool(wanted))),
            ("availability", availability_factor(candidate.availability, candidate.hours_per_week)),
            ("rate_fit", rate_fit_factor(budget, budget_token, candidate.hourly_rate, candidate.rate_token)),
            (
                "reputation",
                reputation_factor(candidate.rating, candidate.review_count, candidate.completed_count),
            ),
            ("recency", recency_factor(candidate.updated_days_ago, PROFILE_HALF_LIFE_DAYS, "Profile updated")),
        ]
        return _Scored(
            id=candidate.id,
            score=_score(factors, weights),
            similarity=candidate.similarity,
            factors=factors,
            matched=matched,
            missing=tuple(sorted(need.required.difference(skills))),
            nice=nice,
        )

    return _rank(candidates, lambda c: _contributor_passes(c, filters), score_one, weights, limit)


def rank_projects(
    profile_skills: Mapping[str, int],
    hourly_rate: float | None,
    rate_token: str | None,
    candidates: Sequence[ProjectFacts],
    *,
    filters: Filters = Filters(),  # A frozen dataclass: an immutable default.
    limit: int = 20,
    weights: Mapping[str, float] = WEIGHTS,
) -> list[Match]:
    """Rank open projects for a contributor with ``profile_skills`` (slug -> level)
    and ``hourly_rate`` (whole units of ``rate_token``; None if not stated).

    Same factors and weights as :func:`rank_contributors`, seen from the other side:
    coverage is the share of each project's required skills the contributor has,
    ``availability`` is the room before the project's deadline, ``reputation`` the
    owner's rating, ``recency`` the age of the posting.
    """

    def score_one(project: ProjectFacts) -> _Scored:
        matched = tuple(sorted(project.required.intersection(profile_skills)))
        nice = tuple(sorted(project.nice.intersection(profile_skills)))
        factors: list[tuple[str, FactorValue]] = [
            ("similarity", similarity_factor(project.similarity)),
            ("required_skills", coverage_factor(project.required, profile_skills, "required")),
            ("nice_to_have", coverage_factor(project.nice, profile_skills, "nice-to-have")),
            ("skill_level", level_factor(matched + nice, profile_skills, bool(project.required | project.nice))),
            ("availability", deadline_factor(project.deadline_days)),
            ("rate_fit", rate_fit_factor(project.budget, project.budget_token, hourly_rate, rate_token)),
            ("reputation", owner_reputation_factor(project.owner_rating)),
            ("recency", recency_factor(project.published_days_ago, PROJECT_HALF_LIFE_DAYS, "Published")),
        ]
        return _Scored(
            id=project.id,
            score=_score(factors, weights),
            similarity=project.similarity,
            factors=factors,
            matched=matched,
            missing=tuple(sorted(project.required.difference(profile_skills))),
            nice=nice,
        )

    return _rank(candidates, lambda c: _project_passes(c, filters), score_one, weights, limit)
