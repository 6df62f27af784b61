"""What the web pages show about money: each milestone's escrow panel (its
timeline, the fee, the submissions, the offer, the outcome and the actions the
viewer may take) and the numbers of a dispute. Reads only.

The actions offered mirror the checks of ``wallets.escrow`` so that nobody is shown
a button that can only fail; the services check everything again when it is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.urls import reverse

from accounts.models import User
from marketplace.models import Milestone, Project
from wallets.escrow import FeeQuote, fee_quote
from wallets.models import Account, Dispute, LedgerTransaction, Submission, Token
from wallets.selectors import Balance, available_balance, balances_for

Status = Milestone.Status

# The statuses from which either party may open a dispute (as milestone_dispute).
DISPUTABLE = (Status.FUNDED, Status.SUBMITTED, Status.CHANGES_REQUESTED)


@dataclass(frozen=True)
class Step:
    """One line of a milestone's timeline: done (with its date) or still to come."""

    label: str
    at: datetime | None = None
    done: bool = True
    is_next: bool = False


@dataclass(frozen=True)
class Action:
    """A button on the project page, leading to the action's confirmation page."""

    name: str
    label: str
    style: str
    url: str


# name -> (label, button style); the order is the order of the buttons.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "fund": ("Fund", "btn-primary"),
    "submit": ("Submit work", "btn-primary"),
    "approve": ("Approve", "btn-success"),
    "accept_part": ("Accept the offer", "btn-success"),
    "approve_part": ("Approve part", "btn-secondary"),
    "request_changes": ("Request changes", "btn-secondary"),
    "refund": ("Refund", "btn-ghost"),
    "dispute": ("Open dispute", "btn-ghost"),
}


def role_of(milestone: Milestone, user: User | object) -> str:
    """``client``, ``contributor``, ``arbiter`` (staff, not a party) or ``""``."""
    user_id = getattr(user, "pk", None)
    project = milestone.project
    if user_id is not None and user_id == project.owner_id:
        return "client"
    if user_id is not None and user_id == project.contributor_id:
        return "contributor"
    if getattr(user, "is_staff", False):
        return "arbiter"
    return ""


def actions_allowed(milestone: Milestone, role: str) -> list[str]:
    """The escrow actions ``role`` may take on ``milestone`` now, in button order."""
    status = milestone.status
    allowed: set[str] = set()
    if role == "client":
        if status == Status.PENDING and milestone.project.status == Project.Status.IN_PROGRESS:
            allowed.add("fund")
        if status == Status.SUBMITTED:
            allowed |= {"approve", "approve_part", "request_changes"}
        if status == Status.FUNDED and milestone.submitted_at is None:
            allowed.add("refund")
        if status in DISPUTABLE:
            allowed.add("dispute")
    elif role == "contributor":
        if status in (Status.FUNDED, Status.CHANGES_REQUESTED):
            allowed.add("submit")
        if status == Status.SUBMITTED and milestone.partial_offer is not None:
            allowed.add("accept_part")
        if status in DISPUTABLE:
            allowed.add("dispute")
    return [name for name in ACTION_LABELS if name in allowed]


def fee_sentence(quote: FeeQuote, token: Token, contributor: str) -> str:
    """``fee 2.5 % = 25.0004 USDC, Bob receives 975.0156 USDC`` (exact amounts)."""
    return (
        f"fee {quote.fee_percent} = {token.humanize_exact(quote.fee)}, "
        f"{contributor} receives {token.humanize_exact(quote.to_contributor)}"
    )


def escrow_balance(milestone: Milestone) -> int:
    """What the milestone's hold contains now, in base units (0 before funding)."""
    balance = (
        Account.objects.filter(kind=Account.Kind.ESCROW, milestone=milestone).values_list("balance", flat=True).first()
    )
    return int(balance or 0)


@dataclass
class MilestonePanel:
    milestone: Milestone
    number: int
    token: Token
    role: str
    steps: list[Step]
    submissions: list[Submission]
    disputes: list[Dispute]
    actions: list[Action]
    quote: FeeQuote | None
    fee_text: str
    offer_quote: FeeQuote | None
    auto_released: bool

    @property
    def sees_details(self) -> bool:
        """Submissions, offers, fees and outcomes are for the parties and arbiters."""
        return bool(self.role)

    @property
    def latest_submission(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def earlier_submissions(self) -> list[Submission]:
        return list(reversed(self.submissions[:-1]))

    @property
    def dispute(self) -> Dispute | None:
        """The open dispute, else the latest one."""
        for dispute in self.disputes:
            if dispute.status == Dispute.Status.OPEN:
                return dispute
        return self.disputes[-1] if self.disputes else None

    @property
    def offer_refund(self) -> int:
        """What the client gets back if the contributor accepts the offer."""
        offer = self.milestone.partial_offer
        return 0 if offer is None else self.milestone.amount - offer

    @property
    def settled_gross(self) -> int:
        """What was released to the contributor before the fee."""
        return int(self.milestone.released_amount) + int(self.milestone.fee_amount)


@dataclass
class MilestoneSection:
    """The milestone section of a project page."""

    panels: list[MilestonePanel] = field(default_factory=list)
    client_available: int | None = None
    needs_funding: bool = False


def _steps(milestone: Milestone, submissions: list[Submission], disputes: list[Dispute], auto: bool) -> list[Step]:
    steps: list[Step] = []
    if milestone.funded_at:
        steps.append(Step("Funded", milestone.funded_at))
    events: list[Step] = []
    for number, submission in enumerate(submissions, start=1):
        events.append(Step("Work submitted" if number == 1 else "Resubmitted", submission.created_at))
        if submission.feedback_at:
            events.append(Step("Changes requested", submission.feedback_at))
    for dispute in disputes:
        events.append(Step("Dispute opened", dispute.opened_at))
    steps += sorted(events, key=lambda step: step.at or milestone.created_at)
    status = milestone.status
    if milestone.settled_at:
        by_arbiter = any(dispute.status == Dispute.Status.RESOLVED for dispute in disputes)
        if status == Status.REFUNDED:
            label = "Refunded by the arbiter" if by_arbiter else "Refunded"
        elif auto:
            label = "Released automatically"
        else:
            label = "Approved after the arbiter's decision" if by_arbiter else "Approved"
        steps.append(Step(label, milestone.settled_at))
    upcoming = {
        Status.PENDING: ["Funded", "Work submitted", "Approved"],
        Status.FUNDED: ["Work submitted", "Approved"],
        Status.CHANGES_REQUESTED: ["Work resubmitted", "Approved"],
        Status.SUBMITTED: ["Approved"],
        Status.DISPUTED: ["Arbiter's decision"],
    }.get(Status(status), [])
    steps += [Step(label, done=False, is_next=index == 0) for index, label in enumerate(upcoming)]
    return steps


def _auto_released(transactions: list[LedgerTransaction]) -> bool:
    return any(t.kind == LedgerTransaction.Kind.RELEASE and t.actor_id is None for t in transactions)


def milestone_panel(milestone: Milestone, *, viewer: User | object, number: int = 1) -> MilestonePanel:
    """One milestone's panel. Uses the prefetched ``submissions``, ``disputes`` and
    ``ledger_transactions`` when present (see ``milestone_section``)."""
    token = milestone.project.budget_token
    role = role_of(milestone, viewer)
    submissions = sorted(milestone.submissions.all(), key=lambda s: (s.created_at, s.pk))
    disputes = sorted(milestone.disputes.all(), key=lambda d: (d.opened_at, d.pk))
    transactions = list(milestone.ledger_transactions.all()) if milestone.settled_at else []
    contributor = milestone.project.contributor.name if milestone.project.contributor else "the contributor"
    quote = fee_quote(milestone) if role else None
    offer = milestone.partial_offer
    auto = _auto_released(transactions)
    return MilestonePanel(
        milestone=milestone,
        number=number,
        token=token,
        role=role,
        steps=_steps(milestone, submissions, disputes, auto),
        submissions=submissions,
        disputes=disputes,
        actions=[
            Action(
                name=name,
                label=ACTION_LABELS[name][0],
                style=ACTION_LABELS[name][1],
                url=reverse(f"wallets:milestone_{name}", args=[milestone.pk]),
            )
            for name in actions_allowed(milestone, role)
        ],
        quote=quote,
        fee_text=fee_sentence(quote, token, contributor) if quote else "",
        offer_quote=fee_quote(milestone, offer) if role and offer is not None else None,
        auto_released=auto,
    )


def milestone_section(*, project: Project, viewer: User | object) -> MilestoneSection:
    """Every milestone of ``project`` as the viewer sees it, in order; for the
    client, their available balance when a milestone is waiting to be funded."""
    milestones = (
        Milestone.objects.filter(project=project)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("submissions", queryset=Submission.objects.select_related("author").order_by("created_at", "id")),
            Prefetch("disputes", queryset=Dispute.objects.select_related("opened_by").order_by("opened_at", "id")),
            Prefetch("ledger_transactions", queryset=LedgerTransaction.objects.order_by("created_at", "id")),
        )
    )
    section = MilestoneSection()
    for number, milestone in enumerate(milestones, start=1):
        milestone.project = project
        section.panels.append(milestone_panel(milestone, viewer=viewer, number=number))
    if project.is_owned_by(viewer) and isinstance(viewer, User):
        section.needs_funding = any(any(a.name == "fund" for a in panel.actions) for panel in section.panels)
        if section.needs_funding:
            section.client_available = available_balance(viewer, project.budget_token)
    return section


def wallet_summary(user: User) -> list[Balance]:
    """The tokens the user holds or has in escrow, for the dashboard card."""
    return [b for b in balances_for(user) if b.available or b.in_escrow or b.incoming]


def can_arbitrate(dispute: Dispute, user: User) -> bool:
    """Staff who are not a party to the milestone (as dispute_resolve)."""
    project = dispute.milestone.project
    return bool(user.is_staff) and user.pk not in (project.owner_id, project.contributor_id)
