"""``manage.py escrow_auto_release``: release every submitted milestone whose review
window has passed. Run it from cron (e.g. every 10 minutes).

Safe to run repeatedly and from several machines at once: every release re-reads its
milestone under the row locks of ``wallets.escrow.milestone_auto_release``, so a
milestone the client approved, disputed or asked changes for meanwhile, or that
another run released first, is skipped, never paid twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from marketplace.models import Milestone
from wallets import escrow


def _milestones(count: int) -> str:
    return f"{count} milestone" if count == 1 else f"{count} milestones"


class Command(BaseCommand):
    help = (
        "Release to the contributor every submitted milestone whose review window has passed "
        "(safe to run repeatedly and concurrently, e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the milestones that are due and release nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        now = timezone.now()
        if dry_run:
            # The same selection as escrow.milestones_auto_release; each one would
            # still be re-checked under its lock when released for real.
            due = list(
                Milestone.objects.filter(status=Milestone.Status.SUBMITTED, review_due_at__lte=now)
                .select_related("project", "project__budget_token")
                .order_by("review_due_at", "pk")
            )
            self.stdout.write(f"{_milestones(len(due))} due for release (dry run: nothing was released).")
            for milestone in due:
                self.stdout.write(
                    f"  {self._describe(milestone)}, review window ended {milestone.review_due_at:%Y-%m-%d %H:%M %Z}"
                )
            return
        released = escrow.milestones_auto_release(now=now)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Released {_milestones(len(released))}."))
        if verbosity >= 2:
            order = {pk: position for position, pk in enumerate(released)}
            milestones = Milestone.objects.filter(pk__in=released).select_related("project", "project__budget_token")
            for milestone in sorted(milestones, key=lambda m: order[m.pk]):
                token = milestone.project.budget_token
                self.stdout.write(
                    f"  {self._describe(milestone)}: {token.humanize(milestone.released_amount)} to the contributor, "
                    f"{token.humanize(milestone.fee_amount)} fee"
                )

    @staticmethod
    def _describe(milestone: Milestone) -> str:
        return (
            f"milestone {milestone.pk} “{milestone.title}” of project {milestone.project_id} "
            f"({milestone.amount_display})"
        )
