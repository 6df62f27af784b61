"""``manage.py seed_demo``: fill the marketplace with realistic demo data.

Deterministic (the plan comes from ``marketplace.data.demo.build_plan`` with a fixed
seed; only dates move, relative to today) and idempotent: users are found by their
derived wallet address, profiles by user, projects by owner and title, and only what
is missing is created. Writes go through the marketplace services so the data obeys
the same rules as real use; timestamps are then spread over the past weeks with
``update()`` so "newest first" lists look natural. Notifications created by the
services as a side effect are kept and back-dated likewise.

Every project is created first; what happened to it later (hiring, escrow steps,
completion, reviews, cancellation) is queued and then run in time order across all
projects. Someone who is party to several projects thus gets ledger entries posted
in the order of their dates, which is the order the wallet's history and balance
chart read them in.

One transaction: the command creates everything or nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from unittest import mock

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User, default_avatar_color
from marketplace import services
from marketplace.data.demo import ApplicationPlan, DemoPlan, ProfilePlan, ProjectPlan, ReviewPlan, build_plan
from marketplace.data.skills import sync_skills
from marketplace.models import Application, ContributorProfile, Milestone, Project, Review, Skill
from notifications.models import Notification
from wallets import escrow, ledger
from wallets.models import LedgerTransaction, Token


class Command(BaseCommand):
    help = "Create deterministic demo users, profiles, projects, applications and reviews (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any project exists already (what `make run` uses on every start).",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Project.objects.exists():
            self.stdout.write("Projects exist already: demo data not seeded (--if-empty).")
            return
        started = time.perf_counter()
        plan = build_plan()
        with transaction.atomic():
            seeder = _Seeder(plan, log=self._progress if options["verbosity"] >= 2 else None)
            created = seeder.run()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(_summary(created, elapsed)))

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")


def _summary(created: Counter[str], elapsed: float) -> str:
    if not any(created.values()):
        return f"Demo data is already there: nothing created ({elapsed:.1f}s)."
    statuses = ", ".join(
        f"{created[f'project:{status}']} {label.lower()}"
        for status, label in Project.Status.choices
        if created[f"project:{status}"]
    )
    return (
        f"Demo data created in {elapsed:.1f}s: "
        f"{created['user']} users ({created['client']} clients, {created['contributor']} contributors, "
        f"{created['moderator']} moderator), {created['profile']} profiles, "
        f"{created['project']} projects ({statuses or 'none'}), {created['milestone']} milestones, "
        f"{created['application']} applications, {created['escrow step']} escrow steps, {created['review']} reviews, "
        f"{created['notification']} notifications."
    )


class _Seeder:
    """Applies a :class:`DemoPlan` to the database, creating only what is missing."""

    def __init__(self, plan: DemoPlan, *, log: Callable[[str], None] | None = None) -> None:
        self.plan = plan
        self.log: Callable[[str], None] = log or (lambda message: None)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created: Counter[str] = Counter()
        self.users: dict[str, User] = {}
        self._notification_mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        self._first_notification = self._notification_mark
        # What happened to the projects after they were created, as (when, sequence
        # number, step), and each project's final timestamps: see _run_steps().
        self._steps: list[tuple[datetime, int, Callable[[], object]]] = []
        self._project_dates: dict[int, dict[str, datetime | None]] = {}

    def run(self) -> Counter[str]:
        self.created["skill"] = sync_skills(Skill)
        self.skills = {s.slug: s for s in Skill.objects.all()}
        self.tokens = {t.symbol: t for t in Token.objects.filter(symbol__in=["USDC", "WALL"])}
        missing = {"USDC", "WALL"} - set(self.tokens)
        if missing:
            raise CommandError(f"Token(s) {', '.join(sorted(missing))} missing: run `manage.py migrate` first.")
        self._users()
        self._profiles()
        for project_plan in self.plan.projects:
            self._project(project_plan)
        self._run_steps()
        self.log(f"{self.created['project']} projects, {self.created['application']} applications")
        self._mark_old_notifications_read()
        self.created["notification"] = Notification.objects.filter(pk__gt=self._first_notification).count()
        return self.created

    # --- time ---------------------------------------------------------------------

    def _ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def _past(self, when: datetime) -> datetime:
        """``when``, but never later than a minute ago (plan offsets can overshoot on fresh projects)."""
        return min(when, self.now - timedelta(minutes=1))

    def _later(self, when: datetime, step: Callable[[], object]) -> None:
        """Queue ``step`` to run at ``when``, after every project exists."""
        self._steps.append((when, len(self._steps), step))

    def _run_steps(self) -> None:
        """Run the queued steps in time order across all projects, back-dating the
        notifications each one creates to its time, then date the projects.

        Ties keep the order the steps were queued in, and one project's steps are
        queued in the order they must happen (hired, funded, ..., completed)."""
        for when, _, step in sorted(self._steps, key=lambda queued: (queued[0], queued[1])):
            step()
            self._stamp_notifications(when)
        self._steps.clear()
        for pk, dates in self._project_dates.items():
            Project.objects.filter(pk=pk).update(**dates)
        self._project_dates.clear()

    def _stamp_notifications(self, when: datetime) -> None:
        """Back-date the notifications the last service call created to ``when``."""
        new = Notification.objects.filter(pk__gt=self._notification_mark)
        mark = new.aggregate(m=Max("pk"))["m"]
        if mark is not None:
            new.update(created_at=when)
            self._notification_mark = mark

    def _mark_old_notifications_read(self) -> None:
        # People read what happened more than three days ago; newer ones stay unread
        # so the badge shows something on a fresh demo.
        Notification.objects.filter(
            pk__gt=self._first_notification, created_at__lt=self.now - timedelta(days=3)
        ).update(read_at=F("created_at") + timedelta(hours=5))

    # --- users and profiles -----------------------------------------------------------

    def _users(self) -> None:
        addresses = {u.key: u.address for u in self.plan.users}
        existing = {u.address: u for u in User.objects.filter(address__in=addresses.values())}
        client_keys = {p.owner_key for p in self.plan.projects}
        new: list[User] = []
        for plan in self.plan.users:
            user = existing.get(plan.address)
            if user is None:
                # bulk_create skips User.save(): set what save() would (checksummed address, colour).
                user = User(
                    address=plan.address,
                    display_name=plan.display_name,
                    is_staff=plan.is_staff,
                    avatar_color=default_avatar_color(plan.address),
                    date_joined=self._ago(plan.joined_days_ago),
                )
                user.set_unusable_password()
                new.append(user)
                kind = "moderator" if plan.is_staff else "client" if plan.key in client_keys else "contributor"
                self.created[kind] += 1
            self.users[plan.key] = user
        User.objects.bulk_create(new, batch_size=500)
        if new:
            # Not every backend returns primary keys from bulk_create: read them back.
            ids = dict(User.objects.filter(address__in=[u.address for u in new]).values_list("address", "pk"))
            for user in new:
                user.pk = ids[user.address]
        self.created["user"] = len(new)
        self.log(f"{len(new)} users")

    def _profiles(self) -> None:
        has_profile = set(
            ContributorProfile.objects.filter(
                user__in=[self.users[p.user_key] for p in self.plan.profiles]
            ).values_list("user_id", flat=True)
        )
        stamps: list[ContributorProfile] = []
        for plan in self.plan.profiles:
            user = self.users[plan.user_key]
            if user.pk in has_profile:
                continue
            profile = self._profile(user, plan)
            profile.created_at = self._ago(plan.created_days_ago)
            profile.updated_at = self._ago(min(plan.updated_days_ago, plan.created_days_ago))
            stamps.append(profile)
        ContributorProfile.objects.bulk_update(stamps, ["created_at", "updated_at"], batch_size=500)
        self.created["profile"] = len(stamps)
        self.log(f"{len(stamps)} profiles")

    def _profile(self, user: User, plan: ProfilePlan) -> ContributorProfile:
        return services.profile_upsert(
            user=user,
            headline=plan.headline,
            bio=plan.bio,
            skills=[services.SkillInput(skill=self.skills[s.slug], level=s.level, years=s.years) for s in plan.skills],
            hourly_rate=plan.hourly_rate,
            rate_token=self.tokens[plan.rate_token] if plan.rate_token else None,
            availability=plan.availability,
            hours_per_week=plan.hours_per_week,
            timezone_name=plan.timezone,
            portfolio_links=plan.portfolio_links,
            github_handle=plan.github_handle,
        )

    # --- projects ---------------------------------------------------------------------

    def _project(self, plan: ProjectPlan) -> None:
        owner = self.users[plan.owner_key]
        if Project.objects.filter(owner=owner, title=plan.title).exists():
            return
        published = self._ago(plan.published_days_ago)
        created = published - timedelta(hours=3)
        project = services.project_create(
            owner=owner,
            title=plan.title,
            summary=plan.summary,
            description=plan.description,
            category=plan.category,
            budget_amount=plan.budget_amount,
            budget_token=self.tokens[plan.token],
            required_skills=[self.skills[s] for s in plan.required_skills],
            nice_to_have_skills=[self.skills[s] for s in plan.nice_to_have_skills],
            deadline=self.today + timedelta(days=plan.deadline_in_days),
            milestones=[
                services.MilestoneInput(
                    title=m.title, amount=m.amount, due_date=self.today + timedelta(days=m.due_in_days)
                )
                for m in plan.milestones
            ],
            publish=plan.status != Project.Status.DRAFT,
        )
        self.created["project"] += 1
        self.created[f"project:{plan.status}"] += 1
        self.created["milestone"] += len(plan.milestones)
        Milestone.objects.filter(project=project).update(created_at=created, updated_at=created)

        applications = [self._application(project, published, a) for a in plan.applications]
        last_change = max([published, *(a.created_at for a in applications)])

        decided = published + timedelta(days=plan.decided_days_after_publish or 0)
        closed = published + timedelta(days=plan.closed_days_after_publish or 0)
        if plan.status in (Project.Status.IN_PROGRESS, Project.Status.COMPLETED):
            accepted = next(a for a, p in zip(applications, plan.applications, strict=True) if p.outcome == "accepted")

            def accept() -> None:
                services.application_accept(application=accepted, actor=owner)
                project.applications.filter(
                    status__in=[Application.Status.ACCEPTED, Application.Status.REJECTED]
                ).update(decided_at=decided, updated_at=decided)

            self._later(decided, accept)
            last_change = max(decided, self._escrow(project, plan, accepted.contributor, decided, closed))
        if plan.status == Project.Status.COMPLETED:
            # Escrow's last step comes before ``closed``, so every milestone is settled by then.
            self._later(closed, partial(services.project_complete, project=project, actor=owner))
            last_change = closed
            for review_plan in plan.reviews:
                author = owner if review_plan.by_owner else self.users[plan.applications[0].contributor_key]
                when = published + timedelta(days=review_plan.days_after_publish)
                self._later(when, partial(self._review, project, author, review_plan, when))
        if plan.status == Project.Status.CANCELLED:

            def cancel() -> None:
                services.project_cancel(project=project, actor=owner, reason="We found the capacity in-house.")
                project.applications.filter(status=Application.Status.REJECTED).update(
                    decided_at=closed, updated_at=closed
                )

            self._later(closed, cancel)
            last_change = closed

        self._project_dates[project.pk] = {
            "created_at": created,
            "updated_at": last_change,
            "published_at": None if plan.status == Project.Status.DRAFT else published,
            "closed_at": closed if plan.status in (Project.Status.COMPLETED, Project.Status.CANCELLED) else None,
        }

    def _review(self, project: Project, author: User, plan: ReviewPlan, when: datetime) -> None:
        review = services.review_create(project=project, author=author, rating=plan.rating, text=plan.text)
        Review.objects.filter(pk=review.pk).update(created_at=when)
        self.created["review"] += 1

    # --- escrow ------------------------------------------------------------------------

    def _at(self, when: datetime) -> Any:
        """Run services as if at ``when``: escrow's and the ledger's timestamps follow."""
        return mock.patch("django.utils.timezone.now", return_value=self._past(when))

    def _run_at(self, when: datetime, action: Callable[[], object]) -> None:
        with self._at(when):
            action()

    def _escrow(
        self, project: Project, plan: ProjectPlan, contributor: User, decided: datetime, closed: datetime
    ) -> datetime:
        """Money for a project that went ahead: a completed project's milestones were
        all funded, submitted and approved; in-progress projects show each stage of
        escrow in turn (funded, in review, changes requested, one paid and the next
        funded, disputed). Queues the steps, from ``decided`` on, and returns the time
        of the last one."""
        owner = project.owner
        milestones = list(project.milestones.order_by("order"))
        if not milestones:
            return decided
        token = project.budget_token
        stage = "completed" if plan.status == Project.Status.COMPLETED else self._next_stage()

        def demo_funds() -> object:
            return ledger.post(
                kind=LedgerTransaction.Kind.FAUCET,
                token=token,
                lines=[
                    ledger.Line(ledger.external_account(token), -project.budget_amount),
                    ledger.Line(ledger.available_account(owner, token), project.budget_amount),
                ],
                actor=owner,
                memo="Demo funds",
            )

        self._later(decided, partial(self._run_at, decided, demo_funds))

        def fund(m: Milestone) -> Callable[[], object]:
            return lambda: escrow.milestone_fund(milestone=m, actor=owner)

        def submit(m: Milestone) -> Callable[[], object]:
            handle = contributor.display_name.split()[0].lower()
            return lambda: escrow.milestone_submit(
                milestone=m,
                actor=contributor,
                note=f"“{m.title}” is done: the code, tests and a short write-up are in the repository.",
                links=[f"https://github.com/{handle}/workwall-demo-{project.pk}"],
            )

        def approve(m: Milestone) -> Callable[[], object]:
            return lambda: escrow.milestone_approve(milestone=m, actor=owner)

        first = milestones[0]
        steps: list[Callable[[], object]]
        if stage == "completed":
            steps = [step for m in milestones for step in (fund(m), submit(m), approve(m))]
        elif stage == "funded":
            steps = [fund(first)]
        elif stage == "in_review":
            steps = [fund(first), submit(first)]
        elif stage == "paid_next_funded":
            steps = [fund(first), submit(first), approve(first), *(fund(m) for m in milestones[1:2])]
        elif stage == "changes_requested":
            feedback = "Please add a benchmark against the baseline before I approve."
            steps = [
                fund(first),
                submit(first),
                lambda: escrow.milestone_request_changes(milestone=first, actor=owner, feedback=feedback),
            ]
        else:
            reason = "The delivered code does not run against testnet as the brief asked."
            steps = [
                fund(first),
                submit(first),
                lambda: escrow.milestone_dispute(milestone=first, actor=owner, reason=reason),
            ]
        end = closed if stage == "completed" else self.now
        gap = (end - decided) / (len(steps) + 1)
        when = decided
        for step in steps:
            when = self._past(when + gap)
            self._later(when, partial(self._run_at, when, step))
        self.created["escrow step"] += len(steps)
        return when

    _STAGES = ("funded", "in_review", "paid_next_funded", "changes_requested", "disputed")

    def _next_stage(self) -> str:
        stage = self._STAGES[self.created["in-progress escrow"] % len(self._STAGES)]
        self.created["in-progress escrow"] += 1
        return stage

    def _application(self, project: Project, published: datetime, plan: ApplicationPlan) -> Application:
        contributor = self.users[plan.contributor_key]
        when = self._past(published + timedelta(days=plan.days_after_publish))
        application = services.application_submit(
            project=project,
            contributor=contributor,
            cover_letter=plan.cover_letter,
            proposed_amount=plan.proposed_amount,
            estimated_days=plan.estimated_days,
        )
        self._stamp_notifications(when)
        decided_at = None
        if plan.outcome == "shortlisted":
            services.application_shortlist(application=application, actor=project.owner)
            decided_at = self._past(when + timedelta(days=1))
            self._stamp_notifications(decided_at)
        elif plan.outcome == "withdrawn":
            services.application_withdraw(application=application, actor=contributor)
            decided_at = self._past(when + timedelta(days=2))
            self._stamp_notifications(decided_at)
        # A shortlist is not a decision: only withdrawal sets decided_at here.
        Application.objects.filter(pk=application.pk).update(
            created_at=when,
            updated_at=decided_at or when,
            decided_at=decided_at if plan.outcome == "withdrawn" else None,
        )
        application.created_at = when
        self.created["application"] += 1
        return application
