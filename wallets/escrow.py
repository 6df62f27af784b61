"""Milestone escrow: one service function per transition.

    pending --fund--> funded --submit--> submitted --approve--> approved
                        |                   |  ^ \\--offer part--> (contributor accepts) --> approved
                        |                   v  |
                        |            changes_requested
                        |--refund (client, before any submission)--> refunded
    funded | submitted | changes_requested --dispute--> disputed --resolve (arbiter split)--> approved | refunded
    submitted --(review window passes, escrow_auto_release)--> approved

Money moves only through ``wallets.ledger.post``: funding moves the amount from the
client's available balance into the milestone's hold; every settlement empties the
hold exactly (to the contributor less the fee, to the platform's fees, back to the
client), so every path ends with the hold at zero.

Locking contract (as in marketplace.services): lock the project row, then the
milestone row, then (inside ``ledger.post``) the accounts in primary-key order. Two
transitions of one milestone therefore run one after the other, and the second sees
the first's status and is refused: a milestone settles once.

The fee rate is fixed on the milestone when it is funded (``fee_bps``); the client
is shown it before funding (``fee_quote``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from config.validation import clean_links, clean_text
from marketplace.models import Milestone, Project
from notifications.models import Notification
from notifications.services import notify
from wallets import ledger
from wallets.arithmetic import release_split
from wallets.audit import audit
from wallets.models import Dispute, LedgerTransaction, Submission

logger = logging.getLogger("wallets.escrow")

MAX_NOTE = 5000
MAX_LINKS = 10

Status = Milestone.Status


@dataclass(frozen=True)
class FeeQuote:
    """What releasing ``amount`` pays: ``to_contributor + fee == amount``."""

    amount: int
    fee_bps: int
    fee: int
    to_contributor: int

    @property
    def fee_percent(self) -> str:
        whole, rest = divmod(self.fee_bps, 100)
        return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + " %"


def fee_quote(milestone: Milestone, amount: int | None = None) -> FeeQuote:
    """The fee on releasing ``amount`` (default: the whole milestone) at the
    milestone's fixed rate, or at today's rate if it is not funded yet."""
    fee_bps = milestone.fee_bps if milestone.fee_bps is not None else settings.WALLETS_FEE_BPS
    amount = milestone.amount if amount is None else amount
    to_contributor, fee = release_split(amount, fee_bps)
    return FeeQuote(amount=amount, fee_bps=fee_bps, fee=fee, to_contributor=to_contributor)


# --- helpers ------------------------------------------------------------------


def _lock(milestone: Milestone | int) -> Milestone:
    """Re-read the milestone and its project under row locks, project first."""
    pk = milestone if isinstance(milestone, int) else milestone.pk
    try:
        project_id = Milestone.objects.values_list("project_id", flat=True).get(pk=pk)
    except Milestone.DoesNotExist as exc:
        raise NotFound("There is no such milestone.", code="milestone_not_found") from exc
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("budget_token", "owner", "contributor")
        .get(pk=project_id)
    )
    locked = Milestone.objects.select_for_update().get(pk=pk)
    locked.project = project
    return locked


def _snapshot(milestone: Milestone) -> dict[str, Any]:
    token = milestone.project.budget_token
    return {
        "status": milestone.status,
        "released": token.format(milestone.released_amount),
        "fee": token.format(milestone.fee_amount),
        "refunded": token.format(milestone.refunded_amount),
        "partial_offer": None if milestone.partial_offer is None else token.format(milestone.partial_offer),
        "token": token.symbol,
    }


def _require_client(milestone: Milestone, actor: User, action: str) -> None:
    if milestone.project.owner_id != actor.pk:
        raise PermissionDenied(f"Only the project's client can {action}.", code="not_client")


def _require_contributor(milestone: Milestone, actor: User, action: str) -> None:
    if milestone.project.contributor_id is None or milestone.project.contributor_id != actor.pk:
        raise PermissionDenied(f"Only the project's contributor can {action}.", code="not_contributor")


def _require_status(milestone: Milestone, allowed: Iterable[str], action: str, code: str) -> None:
    if milestone.status not in allowed:
        raise InvalidState(
            f"This milestone is {milestone.get_status_display().lower()}, so it cannot {action}.", code=code
        )


def _notify(recipient: User | None, kind: str, milestone: Milestone, title: str, body: str = "") -> None:
    if recipient is None:
        return
    notify(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        link=milestone.get_absolute_url(),
        payload={"project": milestone.project_id, "milestone": milestone.pk, "status": milestone.status},
    )


def _hold_balance(milestone: Milestone) -> int:
    balance: int = ledger.escrow_account(milestone, milestone.project.budget_token).balance
    return balance


def _settle(
    milestone: Milestone,
    *,
    to_contributor: int,
    to_client: int,
    kind: str,
    actor: User | None,
    memo: str,
    status: str,
) -> LedgerTransaction:
    """Empty the hold: ``to_contributor`` (less the fee) to the contributor, the fee
    to the platform, ``to_client`` back to the client. The two must sum to the hold."""
    token = milestone.project.budget_token
    hold = ledger.escrow_account(milestone, token)
    if to_contributor < 0 or to_client < 0 or to_contributor + to_client != hold.balance:
        raise InvalidInput(
            f"The amounts must be zero or more and add up to the {token.humanize(hold.balance)} held.",
            code="split_mismatch",
            field="to_contributor",
        )
    assert milestone.fee_bps is not None  # milestone_funded_has_terms
    net, fee = release_split(to_contributor, milestone.fee_bps)
    lines = [ledger.Line(hold, -(to_contributor + to_client))]
    if net:
        assert milestone.project.contributor is not None
        lines.append(ledger.Line(ledger.available_account(milestone.project.contributor, token), net))
    if fee:
        lines.append(ledger.Line(ledger.fees_account(token), fee))
    if to_client:
        lines.append(ledger.Line(ledger.available_account(milestone.project.owner, token), to_client))
    record = ledger.post(kind=kind, token=token, lines=lines, actor=actor, memo=memo, milestone=milestone)
    milestone.status = status
    milestone.released_amount = net
    milestone.fee_amount = fee
    milestone.refunded_amount = to_client
    milestone.partial_offer = None
    milestone.partial_offer_note = ""
    milestone.review_due_at = None
    milestone.settled_at = timezone.now()
    milestone.save()
    return record


# --- transitions --------------------------------------------------------------


@transaction.atomic
def milestone_fund(*, milestone: Milestone, actor: User) -> Milestone:
    """pending -> funded (client): the amount moves from the client's available
    balance into the milestone's hold; the fee rate is fixed now."""
    milestone = _lock(milestone)
    _require_client(milestone, actor, "fund its milestones")
    project = milestone.project
    if project.status != Project.Status.IN_PROGRESS:
        raise InvalidState(
            "Milestones are funded once you have hired a contributor and the project is in progress.",
            code="project_not_in_progress",
        )
    _require_status(milestone, [Status.PENDING], "be funded again", "already_funded")
    before = _snapshot(milestone)
    token = project.budget_token
    ledger.post(
        kind=LedgerTransaction.Kind.FUND,
        token=token,
        lines=[
            ledger.Line(ledger.available_account(actor, token), -milestone.amount),
            ledger.Line(ledger.escrow_account(milestone, token), milestone.amount),
        ],
        actor=actor,
        memo=f"Funded “{milestone.title}”",
        milestone=milestone,
    )
    milestone.status = Status.FUNDED
    milestone.fee_bps = settings.WALLETS_FEE_BPS
    milestone.funded_at = timezone.now()
    milestone.save()
    audit(actor=actor, action="milestone.fund", target=milestone, before=before, after=_snapshot(milestone))
    _notify(
        project.contributor,
        Notification.Kind.MILESTONE_FUNDED,
        milestone,
        f"“{milestone.title}” is funded",
        f"{milestone.amount_display} is held in escrow for you. Start work; submit it when it is done.",
    )
    return milestone


@transaction.atomic
def milestone_submit(*, milestone: Milestone, actor: User, note: str, links: Iterable[str] = ()) -> Submission:
    """funded | changes_requested -> submitted (contributor), with a note and links.
    Starts the review window, after which the milestone is released automatically."""
    milestone = _lock(milestone)
    _require_contributor(milestone, actor, "submit work")
    _require_status(milestone, [Status.FUNDED, Status.CHANGES_REQUESTED], "take a submission", "not_submittable")
    note = clean_text(note, field="note", label="A note on what you delivered", max_length=MAX_NOTE)
    cleaned_links = clean_links(links, field="links", limit=MAX_LINKS)
    before = _snapshot(milestone)
    submission = Submission.objects.create(milestone=milestone, author=actor, note=note, links=cleaned_links)
    milestone.status = Status.SUBMITTED
    milestone.submitted_at = submission.created_at
    milestone.review_due_at = submission.created_at + timedelta(days=settings.WALLETS_REVIEW_WINDOW_DAYS)
    milestone.save()
    audit(
        actor=actor,
        action="milestone.submit",
        target=milestone,
        before=before,
        after={**_snapshot(milestone), "submission": submission.pk},
    )
    _notify(
        milestone.project.owner,
        Notification.Kind.MILESTONE_SUBMITTED,
        milestone,
        f"Work submitted for “{milestone.title}”",
        f"Review it by {milestone.review_due_at:%d %b %Y}: approve it, ask for changes or open a dispute. "
        "If you do nothing, it is released then.",
    )
    return submission


@transaction.atomic
def milestone_request_changes(*, milestone: Milestone, actor: User, feedback: str) -> Milestone:
    """submitted -> changes_requested (client), saying what to change. Stops the
    review clock until the next submission."""
    milestone = _lock(milestone)
    _require_client(milestone, actor, "ask for changes")
    _require_status(milestone, [Status.SUBMITTED], "have changes requested", "not_submitted")
    feedback = clean_text(feedback, field="feedback", label="What should change", max_length=MAX_NOTE)
    before = _snapshot(milestone)
    latest = milestone.submissions.order_by("-created_at", "-id").first()
    if latest is not None:
        latest.feedback = feedback
        latest.feedback_at = timezone.now()
        latest.save(update_fields=["feedback", "feedback_at"])
    milestone.status = Status.CHANGES_REQUESTED
    milestone.review_due_at = None
    milestone.partial_offer = None
    milestone.partial_offer_note = ""
    milestone.save()
    audit(actor=actor, action="milestone.request_changes", target=milestone, before=before, after=_snapshot(milestone))
    _notify(
        milestone.project.contributor,
        Notification.Kind.MILESTONE_CHANGES_REQUESTED,
        milestone,
        f"Changes requested on “{milestone.title}”",
        feedback[:300],
    )
    return milestone


@transaction.atomic
def milestone_approve(*, milestone: Milestone, actor: User, amount: int | None = None, note: str = "") -> Milestone:
    """submitted -> approved (client): the hold goes to the contributor, less the fee.

    With ``amount`` below the hold this is a partial approval: an offer to settle by
    releasing ``amount`` and refunding the rest, which the contributor accepts
    (``milestone_accept_partial``) or disputes. Until then nothing moves, and the
    review window keeps running: work delivered is never cut without the
    contributor's agreement or an arbiter.
    """
    milestone = _lock(milestone)
    _require_client(milestone, actor, "approve work")
    _require_status(milestone, [Status.SUBMITTED], "be approved", "not_submitted")
    hold = _hold_balance(milestone)
    token = milestone.project.budget_token
    if amount is not None and not 0 < amount <= hold:
        raise InvalidInput(
            f"Approve an amount above zero and at most the {token.humanize(hold)} held.",
            code="invalid_amount",
            field="amount",
        )
    before = _snapshot(milestone)
    if amount is None or amount == hold:
        _settle(
            milestone,
            to_contributor=hold,
            to_client=0,
            kind=LedgerTransaction.Kind.RELEASE,
            actor=actor,
            memo=f"Released “{milestone.title}”",
            status=Status.APPROVED,
        )
        audit(actor=actor, action="milestone.approve", target=milestone, before=before, after=_snapshot(milestone))
        _notify(
            milestone.project.contributor,
            Notification.Kind.MILESTONE_APPROVED,
            milestone,
            f"“{milestone.title}” is approved",
            f"{token.humanize(milestone.released_amount)} is in your balance "
            f"(after the {token.humanize(milestone.fee_amount)} fee).",
        )
        return milestone
    note = clean_text(note, field="note", label="The reason for a partial approval", max_length=MAX_NOTE)
    milestone.partial_offer = amount
    milestone.partial_offer_note = note
    milestone.save()
    audit(actor=actor, action="milestone.offer_partial", target=milestone, before=before, after=_snapshot(milestone))
    _notify(
        milestone.project.contributor,
        Notification.Kind.MILESTONE_PARTIAL_OFFERED,
        milestone,
        f"Partial approval offered on “{milestone.title}”",
        f"The client offers {token.humanize(amount)} of {token.humanize(hold)} in full settlement: {note[:200]} "
        "Accept it, or open a dispute.",
    )
    return milestone


@transaction.atomic
def milestone_accept_partial(*, milestone: Milestone, actor: User, offer: int | None) -> Milestone:
    """submitted with an offer -> approved (contributor): the offered part is
    released (less the fee), the rest refunded to the client.

    ``offer`` is the amount the contributor saw and agrees to; if the client has
    changed the offer since, nothing moves (409 ``offer_changed``): a contributor
    never accepts an amount they were not shown."""
    milestone = _lock(milestone)
    _require_contributor(milestone, actor, "accept a partial approval")
    _require_status(milestone, [Status.SUBMITTED], "settle", "not_submitted")
    if milestone.partial_offer is None:
        raise InvalidState("The client has not offered a partial approval.", code="no_offer")
    if offer != milestone.partial_offer:
        token = milestone.project.budget_token
        raise InvalidState(
            f"The client changed the offer to {token.humanize_exact(milestone.partial_offer)}: "
            "look at the new offer before you accept it.",
            code="offer_changed",
        )
    before = _snapshot(milestone)
    offer = milestone.partial_offer
    hold = _hold_balance(milestone)
    _settle(
        milestone,
        to_contributor=offer,
        to_client=hold - offer,
        kind=LedgerTransaction.Kind.RELEASE,
        actor=actor,
        memo=f"Partial release of “{milestone.title}”",
        status=Status.APPROVED,
    )
    audit(actor=actor, action="milestone.accept_partial", target=milestone, before=before, after=_snapshot(milestone))
    token = milestone.project.budget_token
    _notify(
        milestone.project.owner,
        Notification.Kind.MILESTONE_REFUNDED,
        milestone,
        f"Partial approval of “{milestone.title}” accepted",
        f"{token.humanize(milestone.refunded_amount)} is back in your balance.",
    )
    return milestone


@transaction.atomic
def milestone_refund(*, milestone: Milestone, actor: User, reason: str = "") -> Milestone:
    """funded -> refunded. The client may take the money back only before any work
    was submitted; after that only a staff arbiter can (any held status)."""
    milestone = _lock(milestone)
    token = milestone.project.budget_token
    if actor.is_staff and not _is_party(milestone, actor):
        _require_status(milestone, Milestone.HELD_STATUSES, "be refunded", "not_held")
        action = "milestone.arbiter_refund"
    else:
        _require_client(milestone, actor, "cancel a milestone")
        if milestone.status == Status.PENDING:
            raise InvalidState("This milestone is not funded, so there is nothing to refund.", code="not_funded")
        if milestone.is_settled:
            raise InvalidState(
                f"This milestone is already {milestone.get_status_display().lower()}.", code="already_settled"
            )
        if milestone.status == Status.DISPUTED:
            raise InvalidState("This milestone is disputed: the arbiter decides what is refunded.", code="disputed")
        if milestone.submitted_at is not None or milestone.status != Status.FUNDED:
            raise InvalidState(
                "Work has been submitted for this milestone, so only an arbiter can refund it: open a dispute.",
                code="already_submitted",
            )
        action = "milestone.refund"
    before = _snapshot(milestone)
    hold = _hold_balance(milestone)
    _close_open_dispute(milestone, actor, to_contributor=0, to_client=hold, resolution=reason or "Refunded.")
    _settle(
        milestone,
        to_contributor=0,
        to_client=hold,
        kind=LedgerTransaction.Kind.REFUND,
        actor=actor,
        memo=f"Refunded “{milestone.title}”",
        status=Status.REFUNDED,
    )
    audit(actor=actor, action=action, target=milestone, before=before, after=_snapshot(milestone))
    body = f"{token.humanize(hold)} went back to the client." + (f" {reason.strip()}" if reason.strip() else "")
    for recipient in (milestone.project.contributor, milestone.project.owner):
        if recipient is not None and recipient.pk != actor.pk:
            _notify(recipient, Notification.Kind.MILESTONE_REFUNDED, milestone, f"“{milestone.title}” refunded", body)
    return milestone


def _is_party(milestone: Milestone, user: User) -> bool:
    return user.pk in (milestone.project.owner_id, milestone.project.contributor_id)


def _close_open_dispute(
    milestone: Milestone, actor: User, *, to_contributor: int, to_client: int, resolution: str
) -> Dispute | None:
    dispute = Dispute.objects.select_for_update().filter(milestone=milestone, status=Dispute.Status.OPEN).first()
    if dispute is None:
        return None
    dispute.status = Dispute.Status.RESOLVED
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    dispute.resolution = resolution
    dispute.to_contributor = to_contributor
    dispute.to_client = to_client
    dispute.save()
    return dispute


@transaction.atomic
def milestone_dispute(*, milestone: Milestone, actor: User, reason: str) -> Dispute:
    """funded | submitted | changes_requested -> disputed (client or contributor).
    Stops the review clock; the hold stays until a staff arbiter resolves it."""
    milestone = _lock(milestone)
    if not _is_party(milestone, actor):
        raise PermissionDenied("Only the client or the contributor can open a dispute.", code="not_a_party")
    _require_status(
        milestone, [Status.FUNDED, Status.SUBMITTED, Status.CHANGES_REQUESTED], "be disputed", "not_disputable"
    )
    reason = clean_text(reason, field="reason", label="The reason for the dispute", max_length=MAX_NOTE)
    before = _snapshot(milestone)
    dispute = Dispute.objects.create(
        milestone=milestone, opened_by=actor, reason=reason, previous_status=milestone.status
    )
    milestone.status = Status.DISPUTED
    milestone.review_due_at = None
    milestone.save()
    audit(
        actor=actor,
        action="milestone.dispute",
        target=milestone,
        before=before,
        after={**_snapshot(milestone), "dispute": dispute.pk},
    )
    other = milestone.project.contributor if actor.pk == milestone.project.owner_id else milestone.project.owner
    notify(
        recipient=other,  # type: ignore[arg-type]  # a funded milestone's project has a contributor
        kind=Notification.Kind.DISPUTE_OPENED,
        title=f"Dispute opened on “{milestone.title}”",
        body=f"{actor} says: {reason[:300]} An arbiter will review it; the funds stay in escrow until then.",
        link=dispute.get_absolute_url(),
        payload={"project": milestone.project_id, "milestone": milestone.pk, "dispute": dispute.pk},
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, arbiter: User, to_contributor: int, to_client: int, resolution: str
) -> Dispute:
    """open -> resolved (staff arbiter, not a party): the hold is split as given
    (the contributor's part less the fee). The milestone ends approved, or refunded
    when the contributor gets nothing."""
    if not arbiter.is_staff:
        raise PermissionDenied("Only a staff arbiter can resolve disputes.", code="not_arbiter")
    milestone = _lock(dispute.milestone_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if _is_party(milestone, arbiter):
        raise PermissionDenied("An arbiter cannot resolve a dispute they are part of.", code="arbiter_is_party")
    if dispute.status != Dispute.Status.OPEN:
        raise InvalidState("This dispute is already resolved.", code="already_resolved")
    resolution = clean_text(resolution, field="resolution", label="The reasoning of the decision", max_length=MAX_NOTE)
    before = _snapshot(milestone)
    status = Status.REFUNDED if to_contributor == 0 else Status.APPROVED
    _settle(
        milestone,
        to_contributor=to_contributor,
        to_client=to_client,
        kind=LedgerTransaction.Kind.SPLIT,
        actor=arbiter,
        memo=f"Dispute {dispute.pk} settled",
        status=status,
    )
    _close_open_dispute(milestone, arbiter, to_contributor=to_contributor, to_client=to_client, resolution=resolution)
    dispute.refresh_from_db()
    audit(
        actor=arbiter,
        action="dispute.resolve",
        target=milestone,
        before=before,
        after={**_snapshot(milestone), "dispute": dispute.pk},
    )
    token = milestone.project.budget_token
    body = (
        f"The arbiter released {token.humanize(milestone.released_amount)} to the contributor "
        f"(after a {token.humanize(milestone.fee_amount)} fee) and refunded {token.humanize(to_client)} "
        f"to the client. {resolution[:300]}"
    )
    for recipient in (milestone.project.owner, milestone.project.contributor):
        if recipient is not None:
            notify(
                recipient=recipient,
                kind=Notification.Kind.DISPUTE_RESOLVED,
                title=f"Dispute on “{milestone.title}” resolved",
                body=body,
                link=dispute.get_absolute_url(),
                payload={"project": milestone.project_id, "milestone": milestone.pk, "dispute": dispute.pk},
            )
    return dispute


def milestone_auto_release(*, milestone: Milestone | int, now: datetime | None = None) -> bool:
    """Release one submitted milestone whose review window has passed. Returns
    whether it released; False when someone acted first (safe to call repeatedly,
    from several processes at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        milestone = _lock(milestone)
        if milestone.status != Status.SUBMITTED or milestone.review_due_at is None or milestone.review_due_at > now:
            return False
        before = _snapshot(milestone)
        hold = _hold_balance(milestone)
        _settle(
            milestone,
            to_contributor=hold,
            to_client=0,
            kind=LedgerTransaction.Kind.RELEASE,
            actor=None,
            memo=f"Released “{milestone.title}” automatically after the review window",
            status=Status.APPROVED,
        )
        audit(actor=None, action="milestone.auto_release", target=milestone, before=before, after=_snapshot(milestone))
        token = milestone.project.budget_token
        body = (
            f"The client did not respond within {settings.WALLETS_REVIEW_WINDOW_DAYS} days, so "
            f"{token.humanize(milestone.released_amount)} was released to the contributor."
        )
        for recipient in (milestone.project.contributor, milestone.project.owner):
            _notify(
                recipient,
                Notification.Kind.MILESTONE_AUTO_RELEASED,
                milestone,
                f"“{milestone.title}” released automatically",
                body,
            )
    return True


def milestones_auto_release(*, now: datetime | None = None) -> list[int]:
    """Release every submitted milestone past its review window; the ids released.
    Each milestone stands alone: one that raises is logged and the others are still
    released (it is retried on the next run)."""
    now = now or timezone.now()
    due = Milestone.objects.filter(status=Status.SUBMITTED, review_due_at__lte=now).order_by("review_due_at", "pk")
    released = []
    for pk in list(due.values_list("pk", flat=True)):
        try:
            if milestone_auto_release(milestone=pk, now=now):
                released.append(pk)
        except Exception:
            logger.exception("Milestone %s could not be released automatically; the next run retries it.", pk)
    return released
