"""The one adapter from marketplace rows to match documents and ranking facts.

Nothing else in ``matching`` knows the marketplace's models; the engine only sees
plain text and plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Avg, Count, Prefetch
from django.utils import timezone

from marketplace.models import Application, ContributorProfile, ProfileSkill, Project, Review
from matching.engine.ranking import ContributorFacts, ProjectFacts
from matching.engine.text import DocumentText

_MARKDOWN_NOISE = re.compile(r"[#*_`>|\[\]()-]{1,}")


def _plain(markdown: str) -> str:
    """Markdown punctuation carries no meaning for the model; collapse it."""
    return re.sub(r"\s+", " ", _MARKDOWN_NOISE.sub(" ", markdown or "")).strip()


def project_document(project: Project) -> DocumentText:
    """What a project is about, for the embedding model.

    head: title, summary, required and nice-to-have skills, category — always
    inside the model's 256-token window. body: the description, which the engine
    embeds in chunks so its tail is not cut off.
    """
    required = ", ".join(s.name for s in project.required_skills.all())
    nice = ", ".join(s.name for s in project.nice_to_have_skills.all())
    parts = [f"{project.title}.", project.summary]
    if required:
        parts.append(f"Required skills: {required}.")
    if nice:
        parts.append(f"Nice to have: {nice}.")
    parts.append(f"Category: {project.get_category_display()}.")
    return DocumentText(head=" ".join(parts), body=_plain(project.description))


def profile_document(profile: ContributorProfile) -> DocumentText:
    """What a contributor does: headline and skills (with level) in the head, the
    bio in the body."""
    skills = ", ".join(
        f"{ps.skill.name} ({ps.get_level_display().lower()})"
        for ps in sorted(profile.profile_skills.all(), key=lambda ps: -ps.level)
    )
    head = f"{profile.headline}. Skills: {skills}." if skills else f"{profile.headline}."
    return DocumentText(head=head, body=_plain(profile.bio))


def project_is_indexed(project: Project) -> bool:
    """Only open, visible projects are offered to contributors."""
    return project.status == Project.Status.OPEN and not project.is_hidden


def profile_is_indexed(profile: ContributorProfile) -> bool:
    """Hidden, deactivated and unavailable contributors are not recommended."""
    return (
        not profile.is_hidden
        and profile.user.is_active
        and profile.availability != ContributorProfile.Availability.UNAVAILABLE
    )


def projects_for_documents(ids: Iterable[int]) -> list[Project]:
    return list(Project.objects.filter(pk__in=list(ids)).prefetch_related("required_skills", "nice_to_have_skills"))


def profiles_for_documents(ids: Iterable[int]) -> list[ContributorProfile]:
    return list(
        ContributorProfile.objects.filter(pk__in=list(ids))
        .select_related("user")
        .prefetch_related(Prefetch("profile_skills", queryset=ProfileSkill.objects.select_related("skill")))
    )


def _days_since(moment: datetime | None, now: datetime) -> float:
    return (now - moment).total_seconds() / 86400 if moment else 365.0


def contributor_facts(
    similarities: Sequence[tuple[int, float]], *, applied_to: Project | None = None
) -> dict[int, ContributorFacts]:
    """Ranking facts for the candidate profiles (by id), from plain values: a few
    queries, no model instances (those are loaded for the winners only)."""
    ids = [pk for pk, _ in similarities]
    rows = {
        row["pk"]: row
        for row in ContributorProfile.objects.filter(pk__in=ids).values(
            "pk",
            "user_id",
            "availability",
            "hours_per_week",
            "hourly_rate",
            "rate_token__symbol",
            "rate_token__decimals",
            "updated_at",
        )
    }
    skills: dict[int, dict[str, int]] = {}
    for profile_id, slug, level in ProfileSkill.objects.filter(profile__in=ids).values_list(
        "profile_id", "skill__slug", "level"
    ):
        skills.setdefault(profile_id, {})[slug] = level
    user_ids = [row["user_id"] for row in rows.values()]
    ratings = {
        row["subject"]: row
        for row in Review.objects.filter(subject__in=user_ids)
        .values("subject")
        .annotate(avg=Avg("rating"), n=Count("id"))
    }
    completed = dict(
        Project.objects.filter(contributor__in=user_ids, status=Project.Status.COMPLETED)
        .values("contributor")
        .annotate(n=Count("id"))
        .values_list("contributor", "n")
    )
    applied: set[int] = set()
    if applied_to is not None:
        applied = set(
            Application.objects.filter(project=applied_to, contributor__in=user_ids)
            .exclude(status=Application.Status.WITHDRAWN)
            .values_list("contributor", flat=True)
        )
    now = timezone.now()
    facts: dict[int, ContributorFacts] = {}
    for pk, similarity in similarities:
        row = rows.get(pk)
        if row is None:
            continue
        rating = ratings.get(row["user_id"])
        rate = row["hourly_rate"]
        facts[pk] = ContributorFacts(
            id=pk,
            similarity=similarity,
            skills=skills.get(pk, {}),
            availability=row["availability"],
            hours_per_week=row["hours_per_week"],
            # Floats are fine for ranking (never for money): rate in token units.
            hourly_rate=rate / 10 ** row["rate_token__decimals"]
            if rate is not None and row["rate_token__symbol"]
            else None,
            rate_token=row["rate_token__symbol"],
            rating=float(rating["avg"]) if rating else None,
            review_count=int(rating["n"]) if rating else 0,
            completed_count=int(completed.get(row["user_id"], 0)),
            updated_days_ago=_days_since(row["updated_at"], now),
            already_applied=row["user_id"] in applied,
        )
    return facts


def profiles_by_id(ids: Sequence[int]) -> dict[int, ContributorProfile]:
    """The profiles to show for ranked ids, with what their cards and the API need."""
    return {
        p.pk: p
        for p in ContributorProfile.objects.filter(pk__in=list(ids))
        .select_related("user", "rate_token")
        .prefetch_related(Prefetch("profile_skills", queryset=ProfileSkill.objects.select_related("skill")))
    }


def project_facts(
    similarities: Sequence[tuple[int, float]], *, applicant_user_id: int | None = None
) -> dict[int, tuple[ProjectFacts, Project]]:
    """Ranking facts for the candidate projects (by id)."""
    ids = [pk for pk, _ in similarities]
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=ids)
        .select_related("budget_token", "owner")
        .prefetch_related("required_skills", "nice_to_have_skills")
    }
    owner_ids = {p.owner_id for p in projects.values()}
    owner_ratings = dict(
        Review.objects.filter(subject__in=owner_ids)
        .values("subject")
        .annotate(avg=Avg("rating"))
        .values_list("subject", "avg")
    )
    applied: set[int] = set()
    if applicant_user_id is not None:
        applied = set(
            Application.objects.filter(project__in=ids, contributor_id=applicant_user_id)
            .exclude(status=Application.Status.WITHDRAWN)
            .values_list("project", flat=True)
        )
    now = timezone.now()
    today = timezone.localdate()
    facts: dict[int, tuple[ProjectFacts, Project]] = {}
    for pk, similarity in similarities:
        project = projects.get(pk)
        if project is None:
            continue
        owner_rating = owner_ratings.get(project.owner_id)
        facts[pk] = (
            ProjectFacts(
                id=pk,
                similarity=similarity,
                required=frozenset(s.slug for s in project.required_skills.all()),
                nice=frozenset(s.slug for s in project.nice_to_have_skills.all()),
                budget=float(project.budget_token.format(project.budget_amount)),
                budget_token=project.budget_token.symbol,
                deadline_days=float((project.deadline - today).days) if project.deadline else None,
                published_days_ago=_days_since(project.published_at or project.created_at, now),
                owner_rating=float(owner_rating) if owner_rating is not None else None,
                already_applied=pk in applied,
            ),
            project,
        )
    return facts
