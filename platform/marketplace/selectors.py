"""Reads of the marketplace. Visibility rules live here, once:

- a project is public unless it is a draft or hidden by a moderator; its owner
  (and staff) always see it;
- a contributor profile is public unless hidden or its user is deactivated;
- applications are seen by their author and by the project's owner only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import QueryDict

from accounts.models import User
from config.errors import InvalidInput, NotFound, PermissionDenied
from marketplace.filters import ContributorFilter, ProjectFilter
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review, Skill

logger = logging.getLogger(__name__)


def _viewer_id(viewer: User | Any) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def _raise_filter_errors(filterset: Any) -> None:
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        label = filterset.form.fields[field].label or field if field in filterset.form.fields else field
        raise InvalidInput(f"{label}: {messages[0]}", code="invalid_filter", field=field)


def _without_blank_values(data: QueryDict | dict[str, Any]) -> QueryDict | dict[str, Any]:
    """``data`` without empty values: ``?status=`` (a form's empty choice) means no
    filter, as an empty single-valued filter already does, not an invalid choice."""
    if isinstance(data, QueryDict):
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists():
            kept = [value for value in values if value != ""]
            if kept:
                cleaned.setlist(key, kept)
        return cleaned
    return {
        key: [v for v in value if v != ""] if isinstance(value, list | tuple) else value
        for key, value in data.items()
        if value not in ("", None)
    }


SEMANTIC_CANDIDATES = 300


def _semantic(
    queryset: QuerySet[Any], data: QueryDict | dict[str, Any], kind: str, *, applies: bool
) -> tuple[QuerySet[Any], QueryDict | dict[str, Any]]:
    """With a ``q`` and an applicable filter set: the semantic search's candidates
    in similarity order, and ``data`` without ``q`` (the other filters still apply).
    Falls back to full-text search (``q`` kept) when the index has nothing or fails."""
    query = (data.get("q") or "").strip() if hasattr(data, "get") else ""
    if not query or not applies:
        return queryset, data
    from matching import selectors as matching_selectors

    try:
        ranked = matching_selectors.search_ids(query=query, kind=kind, limit=SEMANTIC_CANDIDATES)
    except InvalidInput:
        raise
    except Exception:
        logger.exception("Semantic search failed; falling back to full-text search")
        return queryset, data
    if not ranked:
        return queryset, data
    ids = [pk for pk, _ in ranked]
    rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    rest = data.copy()
    rest.pop("q", None)
    return queryset.filter(pk__in=ids).annotate(semantic_rank=rank).order_by("semantic_rank"), rest


def project_visible_queryset(*, viewer: User | Any) -> QuerySet[Project]:
    public = Q(is_hidden=False) & ~Q(status=Project.Status.DRAFT)
    viewer_id = _viewer_id(viewer)
    if getattr(viewer, "is_staff", False):
        condition = Q()
    elif viewer_id is not None:
        condition = public | Q(owner_id=viewer_id)
    else:
        condition = public
    return (
        Project.objects.filter(condition)
        .select_related("owner", "budget_token", "contributor")
        .prefetch_related("required_skills", "nice_to_have_skills")
    )


def project_list(*, viewer: User | Any, filters: QueryDict | dict[str, Any] | None = None) -> QuerySet[Project]:
    """Visible projects, filtered. Without a ``status`` filter only open projects
    are listed (what a person browsing for work wants). Invalid filters raise
    InvalidInput naming the field."""
    data = _without_blank_values(filters if filters is not None else QueryDict())
    # Explicit ordering: Django leaves Meta.ordering out of GROUP BY queries (the
    # Count below), so without it the list would come in no defined order.
    queryset = (
        project_visible_queryset(viewer=viewer)
        .annotate(application_count=Count("applications", distinct=True))
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    )
    statuses = data.getlist("status") if isinstance(data, QueryDict) else data.get("status")
    if not statuses:
        queryset = queryset.filter(status=Project.Status.OPEN)
    # The matching index holds open projects: semantic search answers when only
    # open projects are asked for, full-text search otherwise.
    queryset, data = _semantic(queryset, data, "project", applies=statuses in (None, [], ["open"], "open"))
    filterset = ProjectFilter(data, queryset=queryset)
    _raise_filter_errors(filterset)
    projects: QuerySet[Project] = filterset.qs
    return projects


def project_filterset(*, viewer: User | Any, filters: QueryDict) -> ProjectFilter:
    """The bound filter form for the projects page (the list itself: project_list)."""
    return ProjectFilter(_without_blank_values(filters), queryset=Project.objects.none())


def contributor_filterset(*, filters: QueryDict) -> ContributorFilter:
    """The bound filter form for the contributors page (the list itself: contributor_list)."""
    return ContributorFilter(_without_blank_values(filters), queryset=ContributorProfile.objects.none())


def project_get(*, pk: int, viewer: User | Any) -> Project:
    """A project the viewer may see, with milestones; NotFound otherwise (a hidden
    or draft project is indistinguishable from a missing one)."""
    project = (
        project_visible_queryset(viewer=viewer)
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("order", "pk")))
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound("There is no such project, or it is not public.", code="project_not_found")
    return project


def project_applications(*, project: Project, viewer: User) -> QuerySet[Application]:
    """All applications to ``project``; only its owner may list them."""
    if project.owner_id != _viewer_id(viewer):
        raise PermissionDenied("Only the project's owner can see its applications.", code="not_owner")
    return (
        Application.objects.filter(project=project)
        .select_related("contributor", "contributor__profile", "project__budget_token")
        .order_by("status", "-created_at")
    )


def application_get(*, pk: int, viewer: User | Any) -> Application:
    """An application seen by its author or the project's owner; NotFound for anyone
    else (so its existence does not leak)."""
    viewer_id = _viewer_id(viewer)
    application = (
        Application.objects.select_related("project", "project__owner", "project__budget_token", "contributor")
        .filter(pk=pk)
        .filter(Q(contributor_id=viewer_id) | Q(project__owner_id=viewer_id))
        .first()
        if viewer_id is not None
        else None
    )
    if application is None:
        raise NotFound("There is no such application, or it is not yours to see.", code="application_not_found")
    return application


def applications_of_contributor(*, user: User) -> QuerySet[Application]:
    return Application.objects.filter(contributor=user).select_related("project", "project__budget_token")


def application_of_viewer(*, project: Project, viewer: User | Any) -> Application | None:
    """The viewer's live (not withdrawn) application to ``project``, if any."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return None
    return (
        Application.objects.filter(project=project, contributor_id=viewer_id)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )


def projects_of_owner(*, user: User) -> QuerySet[Project]:
    return (
        Project.objects.filter(owner=user)
        .select_related("budget_token", "contributor")
        .annotate(
            application_count=Count("applications", distinct=True),
            pending_count=Count(
                "applications", filter=Q(applications__status__in=Application.ACTIVE_STATUSES), distinct=True
            ),
        )
        .order_by("-updated_at")
    )


def projects_of_contributor(*, user: User) -> QuerySet[Project]:
    """Projects ``user`` was contracted for (in progress or done)."""
    return Project.objects.filter(contributor=user).select_related("budget_token", "owner").order_by("-updated_at")


def contributor_visible_queryset() -> QuerySet[ContributorProfile]:
    return (
        ContributorProfile.objects.filter(is_hidden=False, user__is_active=True)
        .select_related("user", "rate_token")
        .prefetch_related(
            Prefetch("profile_skills", queryset=ProfileSkill.objects.select_related("skill").order_by("-level"))
        )
    )


def contributor_list(*, filters: QueryDict | dict[str, Any] | None = None) -> QuerySet[ContributorProfile]:
    data = _without_blank_values(filters if filters is not None else QueryDict())
    availability = data.getlist("availability") if isinstance(data, QueryDict) else data.get("availability") or []
    # Unavailable contributors are not in the matching index: asking for them
    # falls back to full-text search.
    queryset, data = _semantic(
        contributor_visible_queryset(), data, "contributor", applies="unavailable" not in (availability or [])
    )
    filterset = ContributorFilter(data, queryset=queryset)
    _raise_filter_errors(filterset)
    profiles: QuerySet[ContributorProfile] = filterset.qs
    return profiles


def contributor_get(*, pk: int, viewer: User | Any) -> ContributorProfile:
    """A public profile, or the viewer's own even when hidden; NotFound otherwise."""
    profile = (
        ContributorProfile.objects.select_related("user", "rate_token")
        .prefetch_related(
            Prefetch("profile_skills", queryset=ProfileSkill.objects.select_related("skill").order_by("-level"))
        )
        .filter(pk=pk)
        .first()
    )
    visible = profile is not None and (
        (not profile.is_hidden and profile.user.is_active)
        or profile.user_id == _viewer_id(viewer)
        or getattr(viewer, "is_staff", False)
    )
    if not visible:
        raise NotFound("There is no such contributor, or the profile is not public.", code="contributor_not_found")
    assert profile is not None
    return profile


def user_get_by_address(*, address: str, viewer: User | Any) -> User:
    """An active user by wallet address in any case (staff also see deactivated
    ones); NotFound otherwise."""
    try:
        person = User.objects.get_by_address(address)
    except User.DoesNotExist as exc:
        raise NotFound("There is no WorkWall user with this address.", code="user_not_found") from exc
    if not person.is_active and not getattr(viewer, "is_staff", False):
        raise NotFound("There is no WorkWall user with this address.", code="user_not_found")
    return person


def projects_of_owner_visible(*, owner: User, viewer: User | Any) -> QuerySet[Project]:
    """``owner``'s projects as ``viewer`` may see them (drafts and hidden ones only
    for the owner and staff), newest first."""
    return project_visible_queryset(viewer=viewer).filter(owner=owner).order_by("-created_at")


def profile_of(*, user: User) -> ContributorProfile | None:
    return ContributorProfile.objects.filter(user=user).select_related("rate_token").first()


@dataclass(frozen=True)
class Reputation:
    rating: float | None
    review_count: int
    completed_count: int


def reputation_of(*, user: User) -> Reputation:
    """Average stars received, how many reviews, and projects completed as contributor."""
    reviews = Review.objects.filter(subject=user).aggregate(avg=Avg("rating"), n=Count("id"))
    completed = Project.objects.filter(contributor=user, status=Project.Status.COMPLETED).count()
    avg = reviews["avg"]
    return Reputation(
        rating=round(float(avg), 2) if avg is not None else None, review_count=reviews["n"], completed_count=completed
    )


def reviews_of(*, user: User) -> QuerySet[Review]:
    return Review.objects.filter(subject=user).select_related("author", "project")


def reviews_of_project(*, project: Project) -> QuerySet[Review]:
    return Review.objects.filter(project=project).select_related("author", "subject")


def review_pending_for(*, project: Project, viewer: User | Any) -> bool:
    """True when the viewer is a party of the completed project and has not reviewed it yet."""
    viewer_id = _viewer_id(viewer)
    return (
        viewer_id is not None
        and project.status == Project.Status.COMPLETED
        and viewer_id in (project.owner_id, project.contributor_id)
        and not Review.objects.filter(project=project, author_id=viewer_id).exists()
    )


def milestones_never_funded(*, project: Project) -> QuerySet[Milestone]:
    """The milestones still pending: what closes unpaid if the project is completed now."""
    return project.milestones.filter(status=Milestone.Status.PENDING).order_by("order")


def invited_user_ids(*, project: Project) -> set[int]:
    """Users the project's owner has invited to apply."""
    return set(project.invitations.values_list("contributor_id", flat=True))


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("category", "name")


@dataclass(frozen=True)
class SiteStats:
    open_projects: int
    contributors: int
    completed_projects: int
    skills: int


def site_stats() -> SiteStats:
    return SiteStats(
        open_projects=Project.objects.filter(status=Project.Status.OPEN, is_hidden=False).count(),
        contributors=contributor_visible_queryset().count(),
        completed_projects=Project.objects.filter(status=Project.Status.COMPLETED).count(),
        skills=Skill.objects.count(),
    )


def newest_open_projects(*, limit: int = 6) -> QuerySet[Project]:
    return project_list(viewer=None, filters={})[:limit]
