"""Writes of the marketplace. Every function is keyword-only, atomic, and checks its
rules under row locks; a refusal is a ``DomainError`` with a stable code.

Locking contract: a transition locks the project row first (``select_for_update``),
then the application rows it touches, always in that order, so two transitions on
one project serialise and cannot deadlock. Only those rows are locked
(``of=("self",)``): the users and the token joined for reading stay unlocked, or
every transition by the same owner, applicant or token would queue behind one
another. On SQLite ``select_for_update`` is a no-op; SQLite serialises writers
instead (the settings open write transactions with BEGIN IMMEDIATE).

Side effects (notifications) are stored in the transaction and pushed on commit;
matching embeddings and indexes are updated on commit (matching.services.schedule_*).
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from config.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from config.validation import clean_links, clean_text
from marketplace.models import (
    Application,
    ContributorProfile,
    Invitation,
    Milestone,
    ProfileSkill,
    Project,
    Review,
    Skill,
)
from matching import services as matching
from notifications.models import Notification
from notifications.services import notify
from wallets.amounts import MAX_BASE_UNITS
from wallets.models import Token

MAX_MILESTONES = 20
MAX_PORTFOLIO_LINKS = 10
MAX_SKILLS = 20


@dataclass(frozen=True)
class MilestoneInput:
    """One milestone as a client describes it; ``amount`` in base units."""

    title: str
    amount: int
    description: str = ""
    due_date: date | None = None


@dataclass(frozen=True)
class SkillInput:
    skill: Skill
    level: int = ProfileSkill.Level.PROFICIENT
    years: int = 1


# --- helpers ------------------------------------------------------------------


def _lock_project(project: Project) -> Project:
    """Re-read ``project`` under a row lock (the locking contract above)."""
    return Project.objects.select_for_update(of=("self",)).select_related("budget_token", "owner").get(pk=project.pk)


def _require_owner(project: Project, actor: User, action: str) -> None:
    if project.owner_id != actor.pk:
        raise PermissionDenied(f"Only the project's owner can {action}.", code="not_owner")


def _check_amount(amount: int, *, field: str, label: str) -> None:
    if amount <= 0:
        raise InvalidInput(f"{label} must be greater than zero.", code="invalid_amount", field=field)
    # The storage limit of BaseUnitsField: past it the save would fail with a
    # ValidationError instead of a domain error naming the field.
    if amount > MAX_BASE_UNITS:
        raise InvalidInput(f"{label} is larger than any token balance can be.", code="invalid_amount", field=field)


def _validate_skills(required: Sequence[Skill], nice: Sequence[Skill]) -> None:
    if len(required) + len(nice) > MAX_SKILLS:
        raise InvalidInput(f"List at most {MAX_SKILLS} skills in all.", code="too_many_skills", field="required_skills")
    overlap = {s.pk for s in required} & {s.pk for s in nice}
    if overlap:
        names = ", ".join(sorted(s.name for s in required if s.pk in overlap))
        raise InvalidInput(
            f"{names} cannot be both required and nice to have.", code="skill_overlap", field="nice_to_have_skills"
        )


def _validate_milestones(milestones: Sequence[MilestoneInput], *, budget: int, token: Token) -> None:
    if len(milestones) > MAX_MILESTONES:
        raise InvalidInput(f"A project has at most {MAX_MILESTONES} milestones.", code="too_many_milestones")
    total = 0
    for index, milestone in enumerate(milestones, start=1):
        if not milestone.title.strip():
            raise InvalidInput(f"Milestone {index} needs a title.", code="required", field="milestones")
        if milestone.amount <= 0:
            raise InvalidInput(
                f"Milestone {index} needs an amount above zero.", code="invalid_amount", field="milestones"
            )
        total += milestone.amount
    if total > budget:
        raise InvalidInput(
            f"The milestones add up to {token.humanize(total)}, more than the budget of {token.humanize(budget)}.",
            code="milestones_exceed_budget",
            field="milestones",
        )


def _replace_milestones(project: Project, milestones: Sequence[MilestoneInput]) -> None:
    project.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            title=m.title.strip(),
            description=m.description.strip(),
            amount=m.amount,
            due_date=m.due_date,
            order=order,
        )
        for order, m in enumerate(milestones, start=1)
    )


# --- projects -----------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    owner: User,
    title: str,
    summary: str,
    description: str,
    category: str,
    budget_amount: int,
    budget_token: Token,
    required_skills: Sequence[Skill] = (),
    nice_to_have_skills: Sequence[Skill] = (),
    deadline: date | None = None,
    milestones: Sequence[MilestoneInput] = (),
    publish: bool = True,
) -> Project:
    """Create a project (open at once unless ``publish`` is False: then a draft).

    ``budget_amount`` and milestone amounts are base units of ``budget_token``; the
    milestones may not add up to more than the budget. On commit a published project
    is embedded, then the contributors it matches best are alerted (matching.alerts).
    """
    if not owner.is_active:
        raise PermissionDenied("This account is deactivated.", code="inactive")
    title = clean_text(title, field="title", label="A title", max_length=140)
    summary = clean_text(summary, field="summary", label="A summary", max_length=280)
    description = clean_text(description, field="description", label="A description", max_length=20_000)
    if category not in Project.Category.values:
        raise InvalidInput(f"“{category}” is not a project category.", code="invalid_choice", field="category")
    _check_amount(budget_amount, field="budget_amount", label="The budget")
    if not budget_token.is_active:
        raise InvalidInput(
            f"{budget_token.symbol} is not accepted any more.", code="inactive_token", field="budget_token"
        )
    if deadline is not None and deadline < timezone.localdate():
        raise InvalidInput("The deadline is in the past.", code="deadline_past", field="deadline")
    _validate_skills(required_skills, nice_to_have_skills)
    _validate_milestones(milestones, budget=budget_amount, token=budget_token)

    now = timezone.now()
    project = Project.objects.create(
        owner=owner,
        title=title,
        summary=summary,
        description=description,
        category=category,
        budget_amount=budget_amount,
        budget_token=budget_token,
        deadline=deadline,
        status=Project.Status.OPEN if publish else Project.Status.DRAFT,
        published_at=now if publish else None,
    )
    project.required_skills.set(required_skills)
    project.nice_to_have_skills.set(nice_to_have_skills)
    _replace_milestones(project, milestones)
    matching.schedule_project_sync(project.pk)
    if publish:
        matching.schedule_project_alerts(project.pk)
    return project


_UNSET: Any = object()


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User,
    title: str = _UNSET,
    summary: str = _UNSET,
    description: str = _UNSET,
    category: str = _UNSET,
    budget_amount: int = _UNSET,
    budget_token: Token = _UNSET,
    required_skills: Sequence[Skill] = _UNSET,
    nice_to_have_skills: Sequence[Skill] = _UNSET,
    deadline: date | None = _UNSET,
    milestones: Sequence[MilestoneInput] = _UNSET,
) -> Project:
    """Change the fields given (others stay). Owner only, while draft or open.

    ``milestones``, when given, replaces the whole list: safe because no milestone
    holds money before the project is in progress.
    """
    project = _lock_project(project)
    _require_owner(project, actor, "edit it")
    if not project.is_editable:
        raise InvalidState(
            f"A project that is {project.get_status_display().lower()} can no longer be edited.", code="not_editable"
        )
    if title is not _UNSET:
        project.title = clean_text(title, field="title", label="A title", max_length=140)
    if summary is not _UNSET:
        project.summary = clean_text(summary, field="summary", label="A summary", max_length=280)
    if description is not _UNSET:
        project.description = clean_text(description, field="description", label="A description", max_length=20_000)
    if category is not _UNSET:
        if category not in Project.Category.values:
            raise InvalidInput(f"“{category}” is not a project category.", code="invalid_choice", field="category")
        project.category = category
    if budget_token is not _UNSET and budget_token.pk != project.budget_token_id:
        if project.applications.exists():
            raise InvalidState(
                "The token cannot change once people have applied: their bids are in the old token.",
                code="token_locked",
                field="budget_token",
            )
        if not budget_token.is_active:
            raise InvalidInput(
                f"{budget_token.symbol} is not accepted any more.", code="inactive_token", field="budget_token"
            )
        # Amounts are base units of the token: kept across a token change they would
        # silently mean another sum (1,000 USDC = 10**9 units = 10**-9 WALL).
        if budget_amount is _UNSET:
            raise InvalidInput(
                f"Give the budget in {budget_token.symbol} when changing the token.",
                code="amount_in_old_token",
                field="budget_amount",
            )
        if milestones is _UNSET and project.milestones.exists():
            raise InvalidInput(
                f"Give the milestones in {budget_token.symbol} when changing the token.",
                code="amount_in_old_token",
                field="milestones",
            )
        project.budget_token = budget_token
    if budget_amount is not _UNSET:
        _check_amount(budget_amount, field="budget_amount", label="The budget")
        project.budget_amount = budget_amount
    if deadline is not _UNSET:
        if deadline is not None and deadline < timezone.localdate() and deadline != project.deadline:
            raise InvalidInput("The deadline is in the past.", code="deadline_past", field="deadline")
        project.deadline = deadline
    required = list(project.required_skills.all()) if required_skills is _UNSET else list(required_skills)
    nice = list(project.nice_to_have_skills.all()) if nice_to_have_skills is _UNSET else list(nice_to_have_skills)
    _validate_skills(required, nice)
    if milestones is _UNSET:
        current = [MilestoneInput(title=m.title, amount=m.amount) for m in project.milestones.all()]
        _validate_milestones(current, budget=project.budget_amount, token=project.budget_token)
    else:
        _validate_milestones(milestones, budget=project.budget_amount, token=project.budget_token)
        _replace_milestones(project, milestones)
    project.save()
    project.required_skills.set(required)
    project.nice_to_have_skills.set(nice)
    matching.schedule_project_sync(project.pk)
    return project


@transaction.atomic
def project_publish(*, project: Project, actor: User) -> Project:
    """draft -> open. On commit: embedded, then the best-matching contributors alerted."""
    project = _lock_project(project)
    _require_owner(project, actor, "publish it")
    if project.status != Project.Status.DRAFT:
        raise InvalidState("Only a draft can be published.", code="not_draft")
    project.status = Project.Status.OPEN
    project.published_at = timezone.now()
    project.save(update_fields=["status", "published_at", "updated_at"])
    matching.schedule_project_sync(project.pk)
    matching.schedule_project_alerts(project.pk)
    return project


@transaction.atomic
def project_cancel(*, project: Project, actor: User, reason: str = "") -> Project:
    """draft | open -> cancelled. Pending applications are closed and their
    authors told. Work in progress is ended through escrow (refund or dispute), not here."""
    project = _lock_project(project)
    _require_owner(project, actor, "cancel it")
    if project.status not in (Project.Status.DRAFT, Project.Status.OPEN):
        raise InvalidState(
            f"A project that is {project.get_status_display().lower()} cannot be cancelled.", code="not_cancellable"
        )
    project.status = Project.Status.CANCELLED
    project.closed_at = timezone.now()
    project.save(update_fields=["status", "closed_at", "updated_at"])
    for application in project.applications.select_for_update().filter(status__in=Application.ACTIVE_STATUSES):
        application.status = Application.Status.REJECTED
        application.decided_at = project.closed_at
        application.save(update_fields=["status", "decided_at", "updated_at"])
        notify(
            recipient=application.contributor,
            kind=Notification.Kind.PROJECT_CANCELLED,
            title=f"“{project.title}” was cancelled",
            body=reason.strip() or "The client closed the project before choosing a contributor.",
            link=project.get_absolute_url(),
            payload={"project": project.pk, "application": application.pk},
        )
    matching.schedule_project_sync(project.pk)
    return project


@transaction.atomic
def project_complete(*, project: Project, actor: User) -> Project:
    """in_progress -> completed (owner). Reviews open for both sides."""
    project = _lock_project(project)
    _require_owner(project, actor, "mark it completed")
    if project.status != Project.Status.IN_PROGRESS:
        raise InvalidState("Only a project in progress can be completed.", code="not_in_progress")
    unsettled = project.milestones.exclude(status__in=[Milestone.Status.APPROVED, Milestone.Status.REFUNDED])
    if unsettled.exclude(status=Milestone.Status.PENDING).exists():
        raise InvalidState(
            "Some milestones still hold funds in escrow: approve or settle them first.", code="milestones_open"
        )
    project.status = Project.Status.COMPLETED
    project.closed_at = timezone.now()
    project.save(update_fields=["status", "closed_at", "updated_at"])
    assert project.contributor is not None  # guaranteed by project_contracted_has_contributor
    notify(
        recipient=project.contributor,
        kind=Notification.Kind.PROJECT_COMPLETED,
        title=f"“{project.title}” is completed",
        body="Leave a review for the client while the work is fresh.",
        link=project.get_absolute_url(),
        payload={"project": project.pk},
    )
    matching.schedule_project_sync(project.pk)
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: User) -> None:
    """Delete a project nobody has applied to (owner). Otherwise cancel it: the
    applicants' history must stay."""
    project = _lock_project(project)
    _require_owner(project, actor, "delete it")
    if project.status in (Project.Status.IN_PROGRESS, Project.Status.COMPLETED) or project.applications.exists():
        raise InvalidState(
            "People have applied to this project, so it cannot be deleted; cancel it instead.", code="not_deletable"
        )
    project_id = project.pk
    project.delete()
    matching.schedule_project_sync(project_id)


@transaction.atomic
def project_set_hidden(*, project: Project, moderator: User, hidden: bool, reason: str = "") -> Project:
    """Moderation: hide a project from everyone but its owner (staff only)."""
    if not moderator.is_staff:
        raise PermissionDenied("Only moderators can hide projects.", code="not_moderator")
    project = _lock_project(project)
    project.is_hidden = hidden
    project.hidden_reason = reason.strip() if hidden else ""
    project.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    matching.schedule_project_sync(project.pk)
    return project


@transaction.atomic
def milestone_add(
    *, project: Project, actor: User, title: str, amount: int, description: str = "", due_date: date | None = None
) -> Milestone:
    """Append a milestone (owner; project draft or open; total within the budget)."""
    project = _lock_project(project)
    _require_owner(project, actor, "add milestones")
    if not project.is_editable:
        raise InvalidState("Milestones can only be added before work starts.", code="not_editable")
    existing = [MilestoneInput(title=m.title, amount=m.amount) for m in project.milestones.all()]
    new = MilestoneInput(title=title, amount=amount, description=description, due_date=due_date)
    _validate_milestones([*existing, new], budget=project.budget_amount, token=project.budget_token)
    return Milestone.objects.create(
        project=project,
        title=title.strip(),
        description=description.strip(),
        amount=amount,
        due_date=due_date,
        order=len(existing) + 1,
    )


# --- contributor profiles -----------------------------------------------------


@functools.cache
def _time_zones() -> frozenset[str]:
    # available_timezones() scans the tz database on disk (~15 ms): read it once.
    return frozenset(zoneinfo.available_timezones())


@transaction.atomic
def profile_upsert(
    *,
    user: User,
    headline: str,
    bio: str = "",
    skills: Sequence[SkillInput] = (),
    hourly_rate: int | None = None,
    rate_token: Token | None = None,
    availability: str = ContributorProfile.Availability.AVAILABLE,
    hours_per_week: int = 20,
    timezone_name: str = "UTC",
    portfolio_links: Iterable[str] = (),
    github_handle: str = "",
) -> ContributorProfile:
    """Create or replace ``user``'s contributor profile (all fields, skills included)."""
    headline = clean_text(headline, field="headline", label="A headline", max_length=140)
    bio = clean_text(bio, field="bio", label="A bio", max_length=10_000, required=False)
    if availability not in ContributorProfile.Availability.values:
        raise InvalidInput(f"“{availability}” is not an availability.", code="invalid_choice", field="availability")
    if not 0 <= hours_per_week <= 80:
        raise InvalidInput("Hours per week must be between 0 and 80.", code="out_of_range", field="hours_per_week")
    if timezone_name not in _time_zones():
        raise InvalidInput(
            f"“{timezone_name}” is not a time zone; use a name such as Europe/Berlin or UTC.",
            code="invalid_timezone",
            field="timezone",
        )
    if hourly_rate is not None:
        if hourly_rate < 0:
            raise InvalidInput("The hourly rate cannot be negative.", code="invalid_amount", field="hourly_rate")
        if rate_token is None:
            raise InvalidInput("Say which token your hourly rate is in.", code="required", field="rate_token")
        if not rate_token.is_active:
            raise InvalidInput(
                f"{rate_token.symbol} is not accepted any more.", code="inactive_token", field="rate_token"
            )
    else:
        rate_token = None
    handle = github_handle.strip().lstrip("@")
    if len(skills) > MAX_SKILLS:
        raise InvalidInput(f"List at most {MAX_SKILLS} skills.", code="too_many_skills", field="skills")
    seen: set[int] = set()
    for item in skills:
        if item.skill.pk in seen:
            raise InvalidInput(f"{item.skill.name} is listed twice.", code="duplicate_skill", field="skills")
        seen.add(item.skill.pk)
        if item.level not in ProfileSkill.Level.values:
            raise InvalidInput(f"The level of {item.skill.name} must be 1 to 5.", code="out_of_range", field="skills")
        if not 0 <= item.years <= 50:
            raise InvalidInput(f"Years of {item.skill.name} must be 0 to 50.", code="out_of_range", field="skills")

    profile, _ = ContributorProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"headline": headline}
    )
    profile.headline = headline
    profile.bio = bio
    profile.hourly_rate = hourly_rate
    profile.rate_token = rate_token
    profile.availability = availability
    profile.hours_per_week = hours_per_week
    profile.timezone = timezone_name
    profile.portfolio_links = clean_links(
        portfolio_links, field="portfolio_links", limit=MAX_PORTFOLIO_LINKS, label="portfolio links"
    )
    profile.github_handle = handle
    try:
        profile.full_clean(exclude=["user", "skills"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(messages[0], code="invalid", field=field) from exc
    profile.save()
    profile.profile_skills.all().delete()
    ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=profile, skill=item.skill, level=item.level, years=item.years) for item in skills
    )
    matching.schedule_profile_sync(profile.pk)
    return profile


@transaction.atomic
def profile_set_hidden(*, profile: ContributorProfile, moderator: User, hidden: bool, reason: str = "") -> None:
    """Moderation: hide a profile from the directory and from matching (staff only)."""
    if not moderator.is_staff:
        raise PermissionDenied("Only moderators can hide profiles.", code="not_moderator")
    ContributorProfile.objects.filter(pk=profile.pk).update(
        is_hidden=hidden, hidden_reason=reason.strip() if hidden else "", updated_at=timezone.now()
    )
    matching.schedule_profile_sync(profile.pk)


@transaction.atomic
def user_update(*, user: User, display_name: str = _UNSET, email: str = _UNSET) -> User:
    """Change a user's own display name or e-mail address."""
    if display_name is not _UNSET:
        user.display_name = clean_text(
            display_name, field="display_name", label="A display name", max_length=80, required=False
        )
    if email is not _UNSET:
        user.email = (email or "").strip()
    try:
        user.full_clean(exclude=["password", "address"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(messages[0], code="invalid", field=field) from exc
    user.save(update_fields=["display_name", "email"])
    return user


# --- applications -------------------------------------------------------------


def _lock_application(application: Application) -> tuple[Project, Application]:
    project = _lock_project(application.project)
    locked = Application.objects.select_for_update(of=("self",)).select_related("contributor").get(pk=application.pk)
    locked.project = project
    return project, locked


@transaction.atomic
def application_submit(
    *, project: Project, contributor: User, cover_letter: str, proposed_amount: int, estimated_days: int
) -> Application:
    """Apply to an open project. Not to your own, not twice, only with a profile.

    ``proposed_amount`` is base units of the project's token. Tells the owner.
    """
    project = _lock_project(project)
    if project.owner_id == contributor.pk:
        raise PermissionDenied("You cannot apply to your own project.", code="own_project")
    if project.status != Project.Status.OPEN or project.is_hidden:
        raise InvalidState("This project is not open for applications.", code="project_not_open")
    if not ContributorProfile.objects.filter(user=contributor).exists():
        raise InvalidState("Create your contributor profile first: the client decides by it.", code="profile_required")
    cover_letter = clean_text(cover_letter, field="cover_letter", label="A cover letter", max_length=10_000)
    _check_amount(proposed_amount, field="proposed_amount", label="The proposed amount")
    if not 1 <= estimated_days <= 3650:
        raise InvalidInput(
            "Estimate the duration in days, from 1 to 3650.", code="out_of_range", field="estimated_days"
        )
    if project.applications.filter(contributor=contributor).exclude(status=Application.Status.WITHDRAWN).exists():
        raise InvalidState("You have already applied to this project.", code="already_applied")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                project=project,
                contributor=contributor,
                cover_letter=cover_letter,
                proposed_amount=proposed_amount,
                estimated_days=estimated_days,
            )
    except IntegrityError as exc:  # a concurrent duplicate that passed the check above
        raise InvalidState("You have already applied to this project.", code="already_applied") from exc
    notify(
        recipient=project.owner,
        kind=Notification.Kind.APPLICATION_RECEIVED,
        title=f"New application to “{project.title}”",
        body=f"{contributor.name} proposes {project.budget_token.humanize(proposed_amount)} in {estimated_days} days.",
        link=application.get_absolute_url(),
        payload={"project": project.pk, "application": application.pk},
    )
    return application


@transaction.atomic
def application_shortlist(*, application: Application, actor: User) -> Application:
    """submitted -> shortlisted (owner, project open)."""
    project, application = _lock_application(application)
    _require_owner(project, actor, "shortlist applications")
    if project.status != Project.Status.OPEN:
        raise InvalidState("The project is no longer open.", code="project_not_open")
    if application.status != Application.Status.SUBMITTED:
        raise InvalidState(
            f"Only a submitted application can be shortlisted; this one is {application.get_status_display().lower()}.",
            code="invalid_transition",
        )
    application.status = Application.Status.SHORTLISTED
    application.save(update_fields=["status", "updated_at"])
    notify(
        recipient=application.contributor,
        kind=Notification.Kind.APPLICATION_SHORTLISTED,
        title=f"You are shortlisted for “{project.title}”",
        link=application.get_absolute_url(),
        payload={"project": project.pk, "application": application.pk},
    )
    return application


@transaction.atomic
def application_accept(*, application: Application, actor: User) -> Application:
    """submitted | shortlisted -> accepted (owner, project open).

    The project moves to in_progress with this contributor; every other pending
    application is rejected. Everyone concerned is told.
    """
    project, application = _lock_application(application)
    _require_owner(project, actor, "accept applications")
    if project.status != Project.Status.OPEN:
        raise InvalidState("The project is no longer open: a contributor was already chosen.", code="project_not_open")
    if not application.is_active:
        raise InvalidState(
            f"This application is {application.get_status_display().lower()} and cannot be accepted.",
            code="invalid_transition",
        )
    now = timezone.now()
    application.status = Application.Status.ACCEPTED
    application.decided_at = now
    application.save(update_fields=["status", "decided_at", "updated_at"])
    project.status = Project.Status.IN_PROGRESS
    project.contributor = application.contributor
    project.save(update_fields=["status", "contributor", "updated_at"])
    notify(
        recipient=application.contributor,
        kind=Notification.Kind.APPLICATION_ACCEPTED,
        title=f"You got “{project.title}”",
        body="The client accepted your application. Work starts when the first milestone is funded.",
        link=project.get_absolute_url(),
        payload={"project": project.pk, "application": application.pk},
    )
    others = (
        project.applications.select_for_update(of=("self",))
        .select_related("contributor")
        .filter(status__in=Application.ACTIVE_STATUSES)
        .exclude(pk=application.pk)
    )
    for other in others:
        other.status = Application.Status.REJECTED
        other.decided_at = now
        other.save(update_fields=["status", "decided_at", "updated_at"])
        notify(
            recipient=other.contributor,
            kind=Notification.Kind.APPLICATION_REJECTED,
            title=f"“{project.title}” went to another contributor",
            body="The client chose someone else. Thank you for applying.",
            link=other.get_absolute_url(),
            payload={"project": project.pk, "application": other.pk},
        )
    matching.schedule_project_sync(project.pk)
    return application


@transaction.atomic
def application_reject(*, application: Application, actor: User) -> Application:
    """submitted | shortlisted -> rejected (owner)."""
    project, application = _lock_application(application)
    _require_owner(project, actor, "reject applications")
    if not application.is_active:
        raise InvalidState(
            f"This application is {application.get_status_display().lower()} and cannot be rejected.",
            code="invalid_transition",
        )
    application.status = Application.Status.REJECTED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    notify(
        recipient=application.contributor,
        kind=Notification.Kind.APPLICATION_REJECTED,
        title=f"Your application to “{project.title}” was declined",
        link=application.get_absolute_url(),
        payload={"project": project.pk, "application": application.pk},
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User) -> Application:
    """submitted | shortlisted -> withdrawn (the applicant). They may apply again later."""
    project, application = _lock_application(application)
    if application.contributor_id != actor.pk:
        raise PermissionDenied("Only the applicant can withdraw an application.", code="not_applicant")
    if not application.is_active:
        raise InvalidState(
            f"This application is {application.get_status_display().lower()} and cannot be withdrawn.",
            code="invalid_transition",
        )
    application.status = Application.Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    notify(
        recipient=project.owner,
        kind=Notification.Kind.APPLICATION_WITHDRAWN,
        title=f"{actor.name} withdrew from “{project.title}”",
        link=project.get_absolute_url(),
        payload={"project": project.pk, "application": application.pk},
    )
    return application


# --- invitations --------------------------------------------------------------


@transaction.atomic
def invitation_create(*, project: Project, actor: User, profile: ContributorProfile) -> Invitation:
    """The owner of an open project invites a contributor to apply (once). Tells them."""
    project = _lock_project(project)
    _require_owner(project, actor, "invite contributors")
    if project.status != Project.Status.OPEN or project.is_hidden:
        raise InvalidState("Only an open project can invite contributors.", code="project_not_open")
    contributor = profile.user
    if contributor.pk == actor.pk:
        raise InvalidInput("You cannot invite yourself.", code="own_project", field="contributor")
    if profile.is_hidden or not contributor.is_active:
        raise NotFound("There is no such contributor, or the profile is not public.", code="contributor_not_found")
    if project.applications.filter(contributor=contributor).exclude(status=Application.Status.WITHDRAWN).exists():
        raise InvalidState(f"{contributor.name} has applied already.", code="already_applied")
    invitation, created = Invitation.objects.get_or_create(
        project=project, contributor=contributor, defaults={"invited_by": actor}
    )
    if not created:
        raise InvalidState(f"You invited {contributor.name} already.", code="already_invited")
    notify(
        recipient=contributor,
        kind=Notification.Kind.PROJECT_INVITATION,
        title=f"{actor.name} invites you to apply to “{project.title}”",
        body=project.summary,
        link=project.get_absolute_url(),
        payload={"project": project.pk, "invitation": invitation.pk},
    )
    return invitation


# --- reviews ------------------------------------------------------------------


@transaction.atomic
def review_create(*, project: Project, author: User, rating: int, text: str) -> Review:
    """One review per side of a completed project: owner -> contributor or
    contributor -> owner. Tells the subject."""
    project = _lock_project(project)
    if project.status != Project.Status.COMPLETED:
        raise InvalidState("Reviews open when the project is completed.", code="project_not_completed")
    if author.pk == project.owner_id:
        subject = project.contributor
    elif author.pk == project.contributor_id:
        subject = project.owner
    else:
        raise PermissionDenied("Only the client and the contributor of a project can review it.", code="not_party")
    if subject is None:  # pragma: no cover - a completed project always has a contributor
        raise NotFound("This project has nobody to review.")
    if not 1 <= rating <= 5:
        raise InvalidInput("Give a rating from 1 to 5 stars.", code="out_of_range", field="rating")
    text = clean_text(text, field="text", label="A review text", max_length=5_000)
    if Review.objects.filter(project=project, author=author).exists():
        raise InvalidState("You have already reviewed this project.", code="already_reviewed")
    review = Review.objects.create(project=project, author=author, subject=subject, rating=rating, text=text)
    notify(
        recipient=subject,
        kind=Notification.Kind.REVIEW_RECEIVED,
        title=f"{author.name} reviewed you: {rating}★",
        body=text[:200],
        link=project.get_absolute_url(),
        payload={"project": project.pk, "review": review.pk},
    )
    return review
