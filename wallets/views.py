"""Web pages of wallets: the wallet (balances, history, withdrawals, test tokens),
the escrow actions on a milestone, and disputes.

As in marketplace.views, each view parses input, makes one service or selector
call and renders. A ``DomainError`` naming a field goes onto the form it came
from; a refusal of the whole action goes into the form's errors; a
``PermissionDenied`` or ``NotFound`` renders the 403 or 404 page. Nothing moves
money without a page that first states the amounts and the fee: for a milestone
action its GET is that page and its POST does it; a withdrawal and an arbiter's
decision, entered in a form elsewhere, are posted once to be reviewed
(``confirm`` absent), then once more to be done (``confirm=yes``).

Double submission: every money form carries a single-use token (``once``). The
first POST that carries it claims it with a committed database row before the
action runs (``wallets.web_idempotency``: seen by every worker at once); a repeat
of the same form is told it was already sent and changes nothing. A refused
action releases its token, so the corrected form can be sent again. The escrow
state machine is the second line: a milestone is funded once and settles once.

Amounts on the pages that move money (the confirmations, their buttons, the fee
lines) are exact: every significant decimal (``Token.humanize_exact``), never
rounded for reading as elsewhere.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from config.errors import DomainError, NotFound, PermissionDenied
from config.views import domain_error_response
from marketplace.forms import attach_domain_error
from marketplace.models import Milestone
from marketplace.selectors import project_visible_queryset
from wallets import charts, escrow, panels, payouts, selectors
from wallets.chains import get_backend
from wallets.exports import history_csv_lines
from wallets.forms import (
    AcceptOfferForm,
    ConfirmForm,
    DisputeForm,
    FaucetForm,
    FeedbackForm,
    PartialApprovalForm,
    RefundForm,
    ResolveForm,
    SubmissionForm,
    WithdrawForm,
)
from wallets.ledger import InsufficientFunds
from wallets.models import Dispute, Token, Withdrawal
from wallets.web_idempotency import form_claim, form_claim_done, form_claim_release, form_fingerprint

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 25
WITHDRAWALS_SHOWN = 20
ONCE_FIELD = "once"
ONCE_MAX_LENGTH = 64

P = ParamSpec("P")
R = TypeVar("R")


# --- helpers ------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view."""
    assert isinstance(request.user, User)
    return request.user


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one: a confirmation has no inputs), else None."""
    return request.POST if request.method == "POST" else None


class _AlreadySent(Exception):
    """This very form was posted before; ``url`` shows where things stand."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _once_token() -> str:
    return secrets.token_urlsafe(18)


def _money_view(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Render a DomainError the view lets through (403, 404, 409 pages) and turn a
    repeated form into a redirect with a note."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _AlreadySent as sent:
            messages.info(request, "That form was already sent, and it is acted on only once. Here is where it stands.")
            return redirect(sent.url)
        except DomainError as error:
            return domain_error_response(request, error)

    return wrapper


def _attach_refusal(error: DomainError, form: Form) -> None:
    """A service's refusal onto ``form``: the field it names, else the form's
    non-field errors, keeping its ``code`` (``form.has_error(..., code)``)."""
    field = error.field if error.field and error.field in form.fields else None
    if isinstance(error, InsufficientFunds) and "amount" in form.fields:
        field = "amount"
    form.add_error(field, ValidationError(error.message, code=error.code))


def _perform(request: HttpRequest, form: Form, call: Callable[[], R], *, done_url: str) -> R | None:
    """Run one money action for ``form``, once: its result, or None with the
    service's refusal attached to ``form``. Raises _AlreadySent for a form that was
    sent before, and lets PermissionDenied and NotFound through (403/404 pages).

    The form's token is claimed in the database before ``call`` runs (committed on
    its own: this must not run inside an atomic block); the claim is marked done
    when ``call`` succeeded and released when it raised, since nothing moved."""
    token = request.POST.get(ONCE_FIELD, "")[:ONCE_MAX_LENGTH]
    claim = None
    if token:
        view = request.resolver_match.view_name if request.resolver_match else ""
        claim = form_claim(
            user=_user(request),
            token=token,
            request_hash=form_fingerprint(view=view, path=request.path, data=request.POST, token_field=ONCE_FIELD),
        )
        if claim is None:
            raise _AlreadySent(done_url)
    try:
        result = call()
    except DomainError as error:
        if claim:
            form_claim_release(claim)  # nothing happened: the corrected form may be sent again
        if isinstance(error, PermissionDenied | NotFound):
            raise
        _attach_refusal(error, form)
        return None
    except BaseException:
        if claim:
            form_claim_release(claim)  # rolled back: nothing happened
        raise
    if claim:
        form_claim_done(claim)
    return result


def _paginate(request: HttpRequest, items: QuerySet[Any], size: int) -> Page[Any]:
    page = Paginator(items, size).get_page(request.GET.get("page"))
    # The pagination partial cannot pass the current number to get_elided_page_range().
    page.elided_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page


@dataclass(frozen=True)
class Fact:
    """One line of amounts on a confirmation page."""

    label: str
    units: int
    strong: bool = False


# --- the wallet ---------------------------------------------------------------------


def _wallet_url(anchor: str = "") -> str:
    return reverse("wallets:wallet") + (f"#{anchor}" if anchor else "")


def _withdrawable(balances: Iterable[selectors.Balance]) -> QuerySet[Token]:
    return Token.objects.filter(pk__in=[b.token.pk for b in balances if b.available > 0]).order_by("symbol")


def _faucet_tokens() -> QuerySet[Token]:
    return Token.objects.filter(is_active=True).order_by("symbol")


def _wallet_page(
    request: HttpRequest,
    *,
    withdraw_form: WithdrawForm | None = None,
    faucet_form: FaucetForm | None = None,
) -> HttpResponse:
    user = _user(request)
    balances = selectors.balances_for(user)
    if withdraw_form is None:
        withdraw_form = WithdrawForm(tokens=_withdrawable(balances), initial={"to_address": user.address})
    if faucet_form is None and settings.WALLETS_FAUCET:
        faucet_form = FaucetForm(tokens=_faucet_tokens(), initial={"token": "USDC", "amount": "1000"})
    history = _paginate(request, selectors.entries_for(user), HISTORY_PAGE_SIZE)
    return render(
        request,
        "wallets/wallet.html",
        {
            "balances": balances,
            "has_funds": any(b.available or b.in_escrow or b.incoming for b in balances),
            "can_withdraw": any(b.available for b in balances),
            "withdraw_form": withdraw_form,
            "faucet_form": faucet_form,
            "faucet_max": settings.WALLETS_FAUCET_MAX,
            "page_obj": history,
            # Live regions fetch this page again: never the POST address a refused form is shown at.
            "live_src": _wallet_url() + (f"?page={history.number}" if history.number > 1 else ""),
            "history_charts": _history_charts(user),
            "withdrawals": list(selectors.withdrawals_for(user)[:WITHDRAWALS_SHOWN]),
            "once": _once_token(),
            "deposit_routes": _deposit_routes(balances),
            "confirmations": settings.EVM_CONFIRMATIONS,
        },
    )


def _history_charts(user: User) -> list[tuple[Token, charts.BalanceChart]]:
    """(token, chart of its available balance up to now) for each token the user
    has history in; dates in the current time zone."""
    now, tz = timezone.now(), timezone.get_current_timezone()
    drawn = []
    for series in selectors.balance_series_for(user):
        token = series.token
        chart = charts.balance_chart(series.points, decimals=token.decimals, symbol=token.symbol, until=now, tz=tz)
        if chart is not None:
            drawn.append((token, chart))
    return drawn


def _deposit_routes(balances: list[selectors.Balance]) -> list[tuple[Token, str]]:
    """(token, address to send it to) for each token the payout backend takes
    deposits of; none when the backend is misconfigured (the system checks say why)."""
    try:
        backend = get_backend()
    except ImproperlyConfigured:
        logger.exception("The payout backend cannot be set up: no deposit addresses shown.")
        return []
    routes = []
    for balance in balances:
        address = backend.deposit_address(balance.token)
        if address:
            routes.append((balance.token, address))
    return routes


@login_required
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    return _wallet_page(request)


@login_required
@require_GET
def wallet_history_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every movement of the user's available balances, newest first: amounts as
    exact decimal strings in token units (negative: out), dates in ISO 8601 UTC."""
    response = StreamingHttpResponse(
        history_csv_lines(selectors.entries_for(_user(request)).iterator(chunk_size=500)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"workwall-history-{timezone.now():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
@_money_view
def faucet(request: HttpRequest) -> HttpResponse:
    if not settings.WALLETS_FAUCET:
        raise PermissionDenied("The faucet is switched off on this server.", code="faucet_disabled")
    user = _user(request)
    form = FaucetForm(request.POST, tokens=_faucet_tokens())
    if form.is_valid():
        token: Token = form.cleaned_data["token"]
        amount: int = form.cleaned_data["amount"]
        done = _perform(
            request,
            form,
            lambda: payouts.faucet(user=user, token=token, amount=amount),
            done_url=_wallet_url(),
        )
        if done is not None:
            messages.success(request, f"{token.humanize_exact(amount)} of test tokens added to your available balance.")
            return redirect(_wallet_url())
    return _wallet_page(request, faucet_form=form)


def _withdrawal_message(withdrawal: Withdrawal) -> str:
    if withdrawal.status == Withdrawal.Status.CONFIRMED:
        return f"Paid: {withdrawal.token.humanize_exact(withdrawal.amount)} sent to {withdrawal.to_address}."
    if withdrawal.status == Withdrawal.Status.FAILED:
        return f"The withdrawal failed: {withdrawal.failure_reason} The amount is back in your balance."
    amount = withdrawal.token.humanize_exact(withdrawal.amount)
    return f"Your withdrawal of {amount} is on its way. Its status is listed below."


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def withdraw(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: review (the confirmation page), then ``confirm=yes``: pay."""
    user = _user(request)
    balances = selectors.balances_for(user)
    tokens = _withdrawable(balances)
    if request.method != "POST":
        form = WithdrawForm(tokens=tokens, initial={"to_address": user.address})
        return render(request, "wallets/withdraw_form.html", {"form": form, "balances": balances})

    form = WithdrawForm(request.POST, tokens=tokens)
    step = request.POST.get("confirm", "")
    if form.is_valid() and step != "edit":
        token: Token = form.cleaned_data["token"]
        amount: int = form.cleaned_data["amount"]
        available = selectors.available_balance(user, token)
        try:
            destination = payouts.clean_destination(form.cleaned_data["to_address"], default=user.address)
        except DomainError as error:
            attach_domain_error(error, form)
        else:
            if amount > available:
                form.add_error(
                    "amount",
                    f"Your available balance is {token.humanize_exact(available)}: you can withdraw up to that.",
                )
            elif step == "yes":
                withdrawal = _perform(
                    request,
                    form,
                    lambda: payouts.withdrawal_request(user=user, token=token, amount=amount, to_address=destination),
                    done_url=_wallet_url("withdrawals"),
                )
                if withdrawal is not None:
                    messages.success(request, _withdrawal_message(withdrawal))
                    return redirect(_wallet_url("withdrawals"))
            else:
                return render(
                    request,
                    "wallets/withdraw_confirm.html",
                    {
                        "token": token,
                        "amount": amount,
                        "amount_text": token.format(amount),
                        "destination": destination,
                        "is_own_address": destination == user.address,
                        "facts": [
                            Fact("You withdraw", amount, strong=True),
                            Fact("Available now", available),
                            Fact("Available after", available - amount),
                        ],
                        "once": _once_token(),
                    },
                )
    return render(request, "wallets/withdraw_form.html", {"form": form, "balances": balances})


# --- milestone escrow ---------------------------------------------------------------


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    """A milestone of a project the viewer may see (its page shows the milestone);
    NotFound otherwise."""
    milestone = (
        Milestone.objects.select_related("project", "project__budget_token", "project__owner", "project__contributor")
        .filter(pk=pk, project__in=project_visible_queryset(viewer=request.user).values("pk"))
        .first()
    )
    if milestone is None:
        raise NotFound("There is no such milestone.", code="milestone_not_found")
    return milestone


def _require_role(request: HttpRequest, milestone: Milestone, roles: tuple[str, ...], action: str) -> str:
    """Show the 403 page before a form is even displayed to the wrong side (the
    service checks again on submit)."""
    role = panels.role_of(milestone, request.user)
    if role not in roles:
        who = {"client": "client", "contributor": "contributor"}
        side = " or the ".join(who[r] for r in roles)
        raise PermissionDenied(f"Only the project's {side} can {action}.", code="wrong_side")
    return role


def _names(milestone: Milestone) -> tuple[str, str]:
    """(client, contributor) display names."""
    project = milestone.project
    return project.owner.name, project.contributor.name if project.contributor else "the contributor"


def _action_page(
    request: HttpRequest,
    milestone: Milestone,
    *,
    action: str,
    title: str,
    intro: Iterable[str],
    button: str,
    form: Form,
    facts: Iterable[Fact] = (),
    danger: bool = False,
    show_submission: bool = False,
    show_offer: bool = False,
    blocked: str = "",
) -> HttpResponse:
    if request.method == "POST":
        # Refused: show the milestone as it is now (another request may have moved it).
        milestone.refresh_from_db(fields=["status", *Milestone.ESCROW_FIELDS])
    panel = panels.milestone_panel(milestone, viewer=request.user)
    return render(
        request,
        "wallets/milestone_action.html",
        {
            "milestone": milestone,
            "project": milestone.project,
            "token": milestone.project.budget_token,
            "panel": panel,
            "can_act": action in panels.actions_allowed(milestone, panel.role),
            "title": title,
            "intro": list(intro),
            "button": button,
            "form": form,
            "facts": list(facts),
            "danger": danger,
            "show_submission": show_submission,
            "show_offer": show_offer,
            "blocked": blocked,
            "once": _once_token(),
        },
    )


def _done(request: HttpRequest, milestone: Milestone, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(milestone.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_fund(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client",), "fund its milestones")
    user = _user(request)
    _, contributor = _names(milestone)
    token = milestone.project.budget_token
    amount = token.humanize_exact(milestone.amount)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        funded = _perform(
            request,
            form,
            lambda: escrow.milestone_fund(milestone=milestone, actor=user),
            done_url=milestone.get_absolute_url(),
        )
        if funded is not None:
            return _done(
                request,
                milestone,
                f"“{milestone.title}” is funded: {amount} is held in escrow. {contributor} has been told to start.",
            )
    available = selectors.available_balance(user, token)
    shortfall = max(milestone.amount - available, 0)
    quote = escrow.fee_quote(milestone)
    facts = [Fact("Held in escrow", milestone.amount, strong=True), Fact("Your available balance", available)]
    facts += (
        [Fact("Still needed", shortfall)]
        if shortfall
        else [Fact("Available after funding", available - milestone.amount)]
    )
    return _action_page(
        request,
        milestone,
        action="fund",
        title=f"Fund “{milestone.title}”?",
        intro=[
            f"{amount} moves from your available balance into escrow. Nobody can spend it "
            f"while it is held: it goes to {contributor} when you approve the work, or back to you if you "
            "cancel before any work is submitted.",
            f"When it is released: {panels.fee_sentence(quote, token, contributor)}.",
        ],
        button=f"Fund {amount}",
        form=form,
        facts=facts,
        blocked=(
            f"Your available balance is {token.humanize_exact(shortfall)} short. "
            "Add funds in your wallet, then come back."
            if shortfall
            else ""
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_submit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("contributor",), "submit work")
    user = _user(request)
    client, _ = _names(milestone)
    form = SubmissionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        submission = _perform(
            request,
            form,
            lambda: escrow.milestone_submit(
                milestone=milestone, actor=user, note=form.cleaned_data["note"], links=form.link_list()
            ),
            done_url=milestone.get_absolute_url(),
        )
        if submission is not None:
            milestone.refresh_from_db(fields=["status", "review_due_at"])
            due = f"{milestone.review_due_at:%-d %b %Y}" if milestone.review_due_at else "the end of the review window"
            return _done(
                request,
                milestone,
                f"Your work is submitted. {client} has until {due} to review it; "
                "if nothing happens by then, it is released to you automatically.",
            )
    token = milestone.project.budget_token
    quote = escrow.fee_quote(milestone)
    return _action_page(
        request,
        milestone,
        action="submit",
        title=f"Submit your work on “{milestone.title}”",
        intro=[
            f"{client} reviews it: they can approve it, ask for changes or open a dispute. If they do nothing "
            f"for {settings.WALLETS_REVIEW_WINDOW_DAYS} days, the milestone is released to you automatically.",
            f"On release: {panels.fee_sentence(quote, token, 'you')}.",
        ],
        button="Submit work",
        form=form,
        facts=[
            Fact("Held for you", milestone.amount, strong=True),
            Fact("You receive after the fee", quote.to_contributor),
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client",), "ask for changes")
    user = _user(request)
    _, contributor = _names(milestone)
    form = FeedbackForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        changed = _perform(
            request,
            form,
            lambda: escrow.milestone_request_changes(
                milestone=milestone, actor=user, feedback=form.cleaned_data["feedback"]
            ),
            done_url=milestone.get_absolute_url(),
        )
        if changed is not None:
            return _done(
                request,
                milestone,
                f"{contributor} is asked for changes. The funds stay in escrow, and the review clock "
                "waits for the next submission.",
            )
    return _action_page(
        request,
        milestone,
        action="request_changes",
        title=f"Ask for changes on “{milestone.title}”",
        intro=[
            f"{contributor} reads your feedback and submits again. Nothing moves: the funds stay in escrow, "
            "and the automatic release waits for the next submission.",
        ],
        button="Send the change request",
        form=form,
        facts=[Fact("Held in escrow", milestone.amount)],
        show_submission=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_approve(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client",), "approve work")
    user = _user(request)
    _, contributor = _names(milestone)
    token = milestone.project.budget_token
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        approved = _perform(
            request,
            form,
            lambda: escrow.milestone_approve(milestone=milestone, actor=user),
            done_url=milestone.get_absolute_url(),
        )
        if approved is not None:
            return _done(
                request,
                milestone,
                f"“{milestone.title}” is approved: {contributor} received "
                f"{token.humanize_exact(approved.released_amount)} "
                f"(after the {token.humanize_exact(approved.fee_amount)} fee).",
            )
    quote = escrow.fee_quote(milestone)
    return _action_page(
        request,
        milestone,
        action="approve",
        title=f"Approve “{milestone.title}” and release the funds?",
        intro=[
            f"The whole hold is released: {panels.fee_sentence(quote, token, contributor)}. This cannot be undone.",
        ],
        button=f"Approve and release {token.humanize_exact(milestone.amount)}",
        form=form,
        facts=[
            Fact("Released from escrow", quote.amount),
            Fact(f"Platform fee ({quote.fee_percent})", quote.fee),
            Fact(f"{contributor} receives", quote.to_contributor, strong=True),
        ],
        show_submission=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_approve_part(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client",), "approve work")
    user = _user(request)
    _, contributor = _names(milestone)
    token = milestone.project.budget_token
    form = PartialApprovalForm(_posted(request), token=token)
    if request.method == "POST" and form.is_valid():
        result = _perform(
            request,
            form,
            lambda: escrow.milestone_approve(
                milestone=milestone, actor=user, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
            ),
            done_url=milestone.get_absolute_url(),
        )
        if result is not None:
            if result.status == Milestone.Status.APPROVED:
                return _done(
                    request,
                    milestone,
                    f"You approved the whole amount: {contributor} received "
                    f"{token.humanize_exact(result.released_amount)} "
                    f"(after the {token.humanize_exact(result.fee_amount)} fee).",
                )
            offer = result.partial_offer or 0
            return _done(
                request,
                milestone,
                f"Your offer of {token.humanize_exact(offer)} is sent to {contributor}. If they accept, "
                f"{token.humanize_exact(milestone.amount - offer)} comes back to you; they may open a dispute instead.",
            )
    quote = escrow.fee_quote(milestone)
    due = f"{milestone.review_due_at:%-d %b %Y}" if milestone.review_due_at else ""
    return _action_page(
        request,
        milestone,
        action="approve_part",
        title=f"Approve part of “{milestone.title}”",
        intro=[
            f"Offer to settle for part of the {token.humanize_exact(milestone.amount)} held: "
            f"that part goes to {contributor} (less the {quote.fee_percent} fee) and the rest comes back to you.",
            f"Nothing moves until {contributor} accepts. They may instead open a dispute, and an arbiter decides.",
            (
                f"Meanwhile the review clock keeps running: if neither of you acts by {due}, "
                "the whole amount is released automatically."
                if due
                else "Meanwhile the review clock keeps running."
            ),
        ],
        button="Send the offer",
        form=form,
        facts=[Fact("Held in escrow", milestone.amount, strong=True)],
        show_submission=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_accept_part(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("contributor",), "accept a partial approval")
    user = _user(request)
    client, _ = _names(milestone)
    token = milestone.project.budget_token
    # The form carries the offer this page shows; the service refuses the POST if
    # the client has changed it since, so nobody accepts an amount they were not shown.
    offered = milestone.partial_offer
    form = AcceptOfferForm(_posted(request), initial={"offer": "" if offered is None else str(offered)})
    if request.method == "POST" and form.is_valid():
        shown: int = form.cleaned_data["offer"]
        settled = _perform(
            request,
            form,
            lambda: escrow.milestone_accept_partial(milestone=milestone, actor=user, offer=shown),
            done_url=milestone.get_absolute_url(),
        )
        if settled is not None:
            return _done(
                request,
                milestone,
                f"You accepted: {token.humanize_exact(settled.released_amount)} is in your available balance "
                f"(after the {token.humanize_exact(settled.fee_amount)} fee), and "
                f"{token.humanize_exact(settled.refunded_amount)} went back to {client}.",
            )
        if form.has_error(NON_FIELD_ERRORS, code="offer_changed"):
            milestone.refresh_from_db(fields=["status", *Milestone.ESCROW_FIELDS])
            if milestone.partial_offer is not None:
                # The page again, with the new amounts and a form that carries the new offer.
                form = AcceptOfferForm.showing(
                    milestone.partial_offer,
                    error=(
                        f"{client} changed the offer while this page was open: it is now "
                        f"{token.humanize_exact(milestone.partial_offer)}, not the {token.humanize_exact(shown)} "
                        "you were shown. Nothing has moved. Read the new amounts below, then accept them or "
                        "open a dispute."
                    ),
                )
    offer = milestone.partial_offer or 0
    quote = escrow.fee_quote(milestone, offer)
    return _action_page(
        request,
        milestone,
        action="accept_part",
        title=f"Accept {client}’s offer on “{milestone.title}”?",
        intro=[
            "Accepting settles the milestone for good: you receive the offered part less the fee, and the rest "
            f"goes back to {client}. If you disagree, open a dispute instead and an arbiter decides.",
        ],
        button=f"Accept {token.humanize_exact(offer)}",
        form=form,
        facts=[
            Fact("Held in escrow", milestone.amount),
            Fact("Offered to you", offer),
            Fact(f"Platform fee ({quote.fee_percent})", quote.fee),
            Fact("You receive", quote.to_contributor, strong=True),
            Fact(f"Back to {client}", milestone.amount - offer),
        ],
        show_offer=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_refund(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client",), "cancel a milestone")
    user = _user(request)
    _, contributor = _names(milestone)
    token = milestone.project.budget_token
    form = RefundForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        refunded = _perform(
            request,
            form,
            lambda: escrow.milestone_refund(milestone=milestone, actor=user, reason=form.cleaned_data["reason"]),
            done_url=milestone.get_absolute_url(),
        )
        if refunded is not None:
            return _done(
                request,
                milestone,
                f"“{milestone.title}” is refunded: {token.humanize_exact(refunded.refunded_amount)} is back in your "
                f"available balance. {contributor} has been told.",
            )
    return _action_page(
        request,
        milestone,
        action="refund",
        title=f"Cancel “{milestone.title}” and take the funds back?",
        intro=[
            f"The whole hold goes back to your available balance and {contributor} is told. This is possible "
            "only before any work is submitted, and it cannot be undone.",
        ],
        button=f"Refund {token.humanize_exact(milestone.amount)}",
        form=form,
        facts=[Fact("Back to your available balance", milestone.amount, strong=True)],
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_money_view
def milestone_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    _require_role(request, milestone, ("client", "contributor"), "open a dispute")
    user = _user(request)
    client, contributor = _names(milestone)
    token = milestone.project.budget_token
    form = DisputeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        dispute = _perform(
            request,
            form,
            lambda: escrow.milestone_dispute(milestone=milestone, actor=user, reason=form.cleaned_data["reason"]),
            done_url=milestone.get_absolute_url(),
        )
        if dispute is not None:
            messages.success(
                request,
                "Your dispute is open. An arbiter will review it; the funds stay in escrow until then, "
                "and the other side has been told.",
            )
            return redirect(dispute)
    quote = escrow.fee_quote(milestone)
    return _action_page(
        request,
        milestone,
        action="dispute",
        title=f"Open a dispute on “{milestone.title}”?",
        intro=[
            f"A WorkWall arbiter reviews the milestone and splits the {token.humanize_exact(milestone.amount)} held "
            f"between {contributor} and {client}: anything from all of it to one side to all of it to the other. "
            f"The part released to {contributor} pays the {quote.fee_percent} fee.",
            "Until the decision the funds stay in escrow and the automatic release is stopped.",
        ],
        button="Open the dispute",
        form=form,
        facts=[Fact("Held in escrow", milestone.amount, strong=True)],
        danger=True,
    )


# --- disputes -----------------------------------------------------------------------


def _dispute_page(request: HttpRequest, dispute: Dispute, *, form: ResolveForm | None = None) -> HttpResponse:
    user = _user(request)
    milestone = dispute.milestone
    token = milestone.project.budget_token
    hold = panels.escrow_balance(milestone)
    is_open = dispute.status == Dispute.Status.OPEN
    can_resolve = is_open and panels.can_arbitrate(dispute, user)
    if can_resolve and form is None:
        form = ResolveForm(token=token, hold=hold)
    resolved_quote = None
    if not is_open and dispute.to_contributor is not None:
        resolved_quote = escrow.fee_quote(milestone, dispute.to_contributor)
    return render(
        request,
        "wallets/dispute_detail.html",
        {
            "dispute": dispute,
            "milestone": milestone,
            "project": milestone.project,
            "token": token,
            "hold": hold,
            "panel": panels.milestone_panel(milestone, viewer=user),
            "fee_percent": escrow.fee_quote(milestone).fee_percent,
            "previous_status": Milestone.Status(dispute.previous_status).label
            if dispute.previous_status in Milestone.Status.values
            else dispute.previous_status,
            "form": form if can_resolve else None,
            "resolved_quote": resolved_quote,
        },
    )


@login_required
@require_GET
@_money_view
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _dispute_page(request, selectors.dispute_get(user=_user(request), pk=pk))


@login_required
@require_POST
@_money_view
def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """An arbiter's split: reviewed first (the confirmation page), then done."""
    user = _user(request)
    dispute = selectors.dispute_get(user=user, pk=pk)
    if not panels.can_arbitrate(dispute, user):
        raise PermissionDenied("Only a staff arbiter who is not a party can resolve a dispute.", code="not_arbiter")
    if dispute.status != Dispute.Status.OPEN:
        messages.info(request, "This dispute is already resolved.")
        return redirect(dispute)
    milestone = dispute.milestone
    token = milestone.project.budget_token
    form = ResolveForm(request.POST, token=token, hold=panels.escrow_balance(milestone))
    step = request.POST.get("confirm", "")
    if form.is_valid() and step != "edit":
        to_contributor: int = form.cleaned_data["to_contributor"]
        to_client: int = form.cleaned_data["to_client"]
        resolution: str = form.cleaned_data["resolution"]
        if step == "yes":
            resolved = _perform(
                request,
                form,
                lambda: escrow.dispute_resolve(
                    dispute=dispute,
                    arbiter=user,
                    to_contributor=to_contributor,
                    to_client=to_client,
                    resolution=resolution,
                ),
                done_url=dispute.get_absolute_url(),
            )
            if resolved is not None:
                messages.success(request, "The dispute is resolved and the funds are moved. Both sides have been told.")
                return redirect(resolved)
        else:
            client, contributor = _names(milestone)
            quote = escrow.fee_quote(milestone, to_contributor)
            return render(
                request,
                "wallets/dispute_resolve_confirm.html",
                {
                    "dispute": dispute,
                    "milestone": milestone,
                    "project": milestone.project,
                    "token": token,
                    "values": {
                        "to_contributor": token.format(to_contributor),
                        "to_client": token.format(to_client),
                        "resolution": resolution,
                    },
                    "facts": [
                        Fact("Held in escrow", form.hold),
                        Fact(f"To {contributor}, before the fee", to_contributor),
                        Fact(f"Platform fee ({quote.fee_percent})", quote.fee),
                        Fact(f"{contributor} receives", quote.to_contributor, strong=True),
                        Fact(f"Back to {client}", to_client, strong=True),
                    ],
                    "once": _once_token(),
                },
            )
    return _dispute_page(request, dispute, form=form)
