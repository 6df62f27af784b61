"""Matches and semantic search: FAISS candidates, re-ranked with reasons.

Flow: the query vector (a project's or profile's stored embedding, or an encoded
search text) -> the index's top ``oversample(limit)`` -> ranking facts from the
database -> ``rank_*`` applies the filters, scores and cuts -> Match with reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from accounts.models import User
from config.errors import InvalidInput, PermissionDenied
from marketplace.models import ContributorProfile, Project
from matching import documents, services
from matching.engine.ranking import (
    WEIGHTS,
    Filters,
    Match,
    SkillNeed,
    oversample,
    rank_contributors,
    rank_projects,
)
from matching.engine.text import DocumentText, embed_documents
from matching.models import Embedding

MAX_QUERY_CHARS = 500
# Below this cosine similarity a search result is noise for all-MiniLM-L6-v2
# (unrelated sentences score about 0.0-0.15): a nonsense query returns nothing
# rather than every document in some order.
MIN_SEARCH_SIMILARITY = 0.2
# Who may be alerted about a new project: everyone who has not said "unavailable".
ALERT_AVAILABILITY = frozenset({ContributorProfile.Availability.AVAILABLE, ContributorProfile.Availability.LIMITED})


@dataclass(frozen=True)
class ContributorMatch:
    match: Match
    profile: ContributorProfile


@dataclass(frozen=True)
class ProjectMatch:
    match: Match
    project: Project


def _stored_vector(kind: str, object_id: int) -> np.ndarray[Any, np.dtype[np.float32]] | None:
    row = Embedding.objects.filter(kind=kind, object_id=object_id).first()
    if row is None or row.dimension != services.get_embedder().dimension:
        return None
    return np.frombuffer(bytes(row.vector), dtype="<f4").astype(np.float32)


def _ensure_vector(kind: str, object_id: int) -> np.ndarray[Any, np.dtype[np.float32]] | None:
    vector = _stored_vector(kind, object_id)
    if vector is None:
        # Never embedded yet (e.g. made before matching existed): embed it now.
        if kind == Embedding.Kind.PROJECT:
            services.sync_projects([object_id])
        else:
            services.sync_profiles([object_id])
        vector = _stored_vector(kind, object_id)
    return vector


def matches_for_project(
    *, project: Project, viewer: User | Any, filters: Filters | None = None, limit: int = 20
) -> list[ContributorMatch]:
    """The contributors most likely to do ``project`` well (owner and staff only)."""
    if project.owner_id != getattr(viewer, "pk", None) and not getattr(viewer, "is_staff", False):
        raise PermissionDenied("Only the project's owner sees its recommended contributors.", code="not_owner")
    filters = filters or Filters()
    vector = _ensure_vector(Embedding.Kind.PROJECT, project.pk)
    if vector is None:
        return []
    candidates = services.index_for(Embedding.Kind.CONTRIBUTOR).search(vector, oversample(limit))
    return _with_profiles(rank_for_project(project, candidates, filters=filters, limit=limit))


def rank_for_project(
    project: Project,
    candidates: list[tuple[int, float]],
    *,
    filters: Filters,
    limit: int,
    weights: Mapping[str, float] = WEIGHTS,
    mark_applied: bool = True,
) -> list[Match]:
    """Re-rank (profile id, similarity) candidates for ``project``: its skills and
    budget against each contributor's facts. ``mark_applied=False`` ignores who applied
    (the evaluation grades everyone)."""
    facts = documents.contributor_facts(candidates, applied_to=project if mark_applied else None)
    need = SkillNeed(
        required=frozenset(s.slug for s in project.required_skills.all()),
        nice=frozenset(s.slug for s in project.nice_to_have_skills.all()),
    )
    return rank_contributors(
        need,
        float(project.budget_token.format(project.budget_amount)),
        project.budget_token.symbol,
        list(facts.values()),
        filters=filters,
        limit=limit,
        weights=weights,
    )


def new_project_audience(*, project: Project, min_score: float, limit: int) -> list[ContributorMatch]:
    """The contributors to tell about ``project``, just published: visible, active,
    available (or of limited availability) profiles other than the owner's whose
    score reaches ``min_score``, best first, at most ``limit``.

    Reads the project's stored vector and never embeds (it runs after the on-commit
    sync wrote it): no vector, no audience. The availability rules are checked on
    the rows as well as by the index, which may lag other workers' changes by
    MATCHING_REFRESH_SECONDS.
    """
    vector = _stored_vector(Embedding.Kind.PROJECT, project.pk)
    if vector is None or limit <= 0:
        return []
    hits = services.index_for(Embedding.Kind.CONTRIBUTOR).search(vector, oversample(limit))
    eligible = set(
        ContributorProfile.objects.filter(pk__in=[pk for pk, _ in hits], is_hidden=False, user__is_active=True)
        .exclude(availability=ContributorProfile.Availability.UNAVAILABLE)
        .exclude(user_id=project.owner_id)
        .values_list("pk", flat=True)
    )
    ranked = rank_for_project(
        project,
        [hit for hit in hits if hit[0] in eligible],
        filters=Filters(availability=ALERT_AVAILABILITY),
        limit=limit,
    )
    return _with_profiles([m for m in ranked if m.score >= min_score])


def _with_profiles(ranked: list[Match]) -> list[ContributorMatch]:
    profiles = documents.profiles_by_id([m.id for m in ranked])
    return [ContributorMatch(match=m, profile=profiles[m.id]) for m in ranked if m.id in profiles]


def matches_for_profile(
    *, profile: ContributorProfile, viewer: User | Any, filters: Filters | None = None, limit: int = 20
) -> list[ProjectMatch]:
    """Open projects that fit ``profile`` (the contributor themselves and staff)."""
    if profile.user_id != getattr(viewer, "pk", None) and not getattr(viewer, "is_staff", False):
        raise PermissionDenied("Only the contributor sees the projects recommended to them.", code="not_self")
    filters = filters or Filters()
    vector = _ensure_vector(Embedding.Kind.CONTRIBUTOR, profile.pk)
    if vector is None:
        # A hidden or unavailable profile still has a vector; one with no text has none.
        return []
    candidates = services.index_for(Embedding.Kind.PROJECT).search(vector, oversample(limit))
    facts = documents.project_facts(candidates, applicant_user_id=profile.user_id)
    ranked = rank_projects(
        {ps.skill.slug: ps.level for ps in profile.profile_skills.select_related("skill")},
        float(profile.rate_token.format(profile.hourly_rate))
        if profile.hourly_rate is not None and profile.rate_token is not None
        else None,
        profile.rate_token.symbol if profile.rate_token else None,
        [f for f, _ in facts.values()],
        filters=filters,
        limit=limit,
    )
    return [ProjectMatch(match=m, project=facts[m.id][1]) for m in ranked]


def _query_vector(query: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    text = " ".join((query or "").split())
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"The search text is {len(text)} characters long; keep it under {MAX_QUERY_CHARS}.",
            code="query_too_long",
            field="q",
        )
    if not any(ch.isalnum() for ch in text):
        raise InvalidInput("Type a few words to search for, e.g. “Bittensor validator”.", code="query_empty", field="q")
    vectors = embed_documents(services.get_embedder(), [DocumentText(head=text)])
    return np.asarray(vectors[0], dtype=np.float32)


def search_ids(*, query: str, kind: str, limit: int = 200) -> list[tuple[int, float]]:
    """Ids of ``kind`` most similar to ``query``, best first (for the list pages'
    search box, which then applies its usual filters)."""
    if kind not in (Embedding.Kind.PROJECT, Embedding.Kind.CONTRIBUTOR):
        raise InvalidInput("kind must be “projects” or “contributors”.", code="invalid_choice", field="kind")
    hits = services.index_for(kind).search(_query_vector(query), limit)
    return [(pk, score) for pk, score in hits if score >= MIN_SEARCH_SIMILARITY]


def search_contributors(*, query: str, filters: Filters | None = None, limit: int = 20) -> list[ContributorMatch]:
    vector = _query_vector(query)
    candidates = [
        hit
        for hit in services.index_for(Embedding.Kind.CONTRIBUTOR).search(vector, oversample(limit))
        if hit[1] >= MIN_SEARCH_SIMILARITY
    ]
    facts = documents.contributor_facts(candidates)
    ranked = rank_contributors(
        SkillNeed(required=frozenset(), nice=frozenset()),
        None,
        None,
        list(facts.values()),
        filters=filters or Filters(),
        limit=limit,
    )
    return _with_profiles(ranked)


def search_projects(
    *, query: str, viewer: User | Any = None, filters: Filters | None = None, limit: int = 20
) -> list[ProjectMatch]:
    vector = _query_vector(query)
    candidates = [
        hit
        for hit in services.index_for(Embedding.Kind.PROJECT).search(vector, oversample(limit))
        if hit[1] >= MIN_SEARCH_SIMILARITY
    ]
    facts = documents.project_facts(
        candidates,
        applicant_user_id=getattr(viewer, "pk", None) if getattr(viewer, "is_authenticated", False) else None,
    )
    ranked = rank_projects({}, None, None, [f for f, _ in facts.values()], filters=filters or Filters(), limit=limit)
    return [ProjectMatch(match=m, project=facts[m.id][1]) for m in ranked]
