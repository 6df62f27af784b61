"""New-project alerts: "A new project matches your profile".

When a project is published, ``matching.services.schedule_project_alerts`` runs
:func:`alert_new_project` on commit, right after the project's vector is written.
It tells the contributors the project fits best, through ``notify`` (a row now, a
websocket push on commit), within three limits from the settings:

- ``MATCHING_ALERT_MIN_SCORE``: the hybrid match score (0-1) a contributor must reach;
- ``MATCHING_ALERT_FANOUT``: at most this many contributors per project, best first;
- ``MATCHING_ALERTS_PER_DAY``: at most this many alerts per contributor in any 24
  hours; a contributor at the cap is skipped and the next best is told instead.

Only available (or limited) contributors with a visible profile are considered, never
the project's owner (``selectors.new_project_audience``). A project is alerted once:
a second run for the same project (a retry) skips the people told already.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from marketplace.models import Project
from matching.engine.ranking import NEUTRAL, Match
from matching.selectors import ContributorMatch, new_project_audience
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

#: The rolling window of MATCHING_ALERTS_PER_DAY.
CAP_WINDOW = timedelta(hours=24)
#: A project counts as new for this long after it is published: a retried alert, or
#: demo data published with a back-dated ``published_at``, does not announce an old
#: project as new.
NEW_FOR = timedelta(hours=24)
#: How many candidates to rank for each contributor the fan-out may reach: room for
#: the ones skipped because they reached their daily cap.
CANDIDATES_PER_SLOT = 3
#: At most this many reasons in the body.
MAX_REASONS = 3


def alert_new_project(*, project_id: int) -> list[Notification]:
    """Alert the contributors ``project_id`` matches best; returns the notifications made.

    Nothing happens unless the project is open, visible and published less than
    ``NEW_FOR`` ago. Locking contract: the recipients' user rows are locked (in
    primary-key order) while their alerts of the last 24 hours are counted and the
    new ones written, so two workers alerting the same contributor at once cannot
    both pass the daily cap. Side effects: one Notification per recipient, pushed on
    commit.
    """
    project = Project.objects.select_related("owner", "budget_token").filter(pk=project_id).first()
    now = timezone.now()
    if (
        project is None
        or project.status != Project.Status.OPEN
        or project.is_hidden
        or project.published_at is None
        or project.published_at < now - NEW_FOR
    ):
        return []
    fanout = settings.MATCHING_ALERT_FANOUT
    per_day = settings.MATCHING_ALERTS_PER_DAY
    if fanout <= 0 or per_day <= 0:
        return []
    audience = new_project_audience(
        project=project, min_score=settings.MATCHING_ALERT_MIN_SCORE, limit=fanout * CANDIDATES_PER_SLOT
    )
    if not audience:
        return []
    skill_names = {s.slug: s.name for s in [*project.required_skills.all(), *project.nice_to_have_skills.all()]}
    sent: list[Notification] = []
    with transaction.atomic():
        user_ids = sorted({c.profile.user_id for c in audience})
        # The lock of the contract above; the rows themselves are not needed.
        list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk", flat=True))
        earlier = Notification.objects.filter(kind=Notification.Kind.PROJECT_MATCH, recipient__in=user_ids)
        recent = dict(
            earlier.filter(created_at__gte=now - CAP_WINDOW)
            .values("recipient")
            .annotate(n=Count("id"))
            .values_list("recipient", "n")
        )
        told = set(earlier.filter(payload__project=project.pk).values_list("recipient", flat=True))
        for candidate in audience:
            if len(sent) >= fanout:
                break
            user = candidate.profile.user
            if user.pk in told or recent.get(user.pk, 0) >= per_day:
                continue
            sent.append(_notify(project, candidate, skill_names))
            told.add(user.pk)
    logger.info("Project %s: %d new-project alerts of %d candidates", project.pk, len(sent), len(audience))
    return sent


def _notify(project: Project, candidate: ContributorMatch, skill_names: dict[str, str]) -> Notification:
    match = candidate.match
    reasons = reasons_for(match, skill_names)
    return notify(
        recipient=candidate.profile.user,
        kind=Notification.Kind.PROJECT_MATCH,
        title=f"A new project matches your profile: “{project.title}”",
        body=" ".join([*reasons, f"Match score {match.score:.0%}."]),
        link=project.get_absolute_url(),
        payload={
            "project": project.pk,
            "score": round(match.score, 4),
            "matched_skills": list(match.matched_skills),
            "reasons": reasons,
        },
    )


def reasons_for(match: Match, skill_names: dict[str, str]) -> list[str]:
    """Why this project fits, in sentences for the contributor, strongest first: the
    skills it asks for that they list (by name), how close the texts are, and what the
    budget buys at their rate. Factors about the contributor alone (availability,
    reputation, recency) and factors that could not be judged say nothing about why
    *this* project fits, so they are left out."""

    def names(slugs: tuple[str, ...]) -> str:
        return ", ".join(skill_names.get(slug, slug) for slug in slugs)

    sentences: dict[str, str] = {
        "similarity": f"It reads like your profile (text similarity {match.similarity:.2f}).",
    }
    if match.matched_skills:
        wanted = len(match.matched_skills) + len(match.missing_skills)
        sentences["required_skills"] = (
            f"You have {len(match.matched_skills)} of its {wanted} required skills: {names(match.matched_skills)}."
        )
    if match.nice_matched:
        sentences["nice_to_have"] = f"You also have {names(match.nice_matched)}, which it would like."
    factors = {f.name: f for f in match.factors}
    rate = factors.get("rate_fit")
    if rate is not None and rate.value != NEUTRAL:
        sentences["rate_fit"] = rate.detail
    ranked = sorted(sentences, key=lambda name: -(factors[name].contribution if name in factors else 0.0))
    return [sentences[name] for name in ranked[:MAX_REASONS]]
