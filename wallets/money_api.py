"""REST endpoints of wallets and milestone escrow under /api/v1/.

Each view parses input with an input serializer, makes one service or selector
call, and renders with an output serializer; domain errors become 4xx bodies
``{"code", "detail", "errors"?}`` in config.api.exception_handler. Every endpoint
needs a signed-in user (anonymous: 401). Every money-moving POST takes an optional
``Idempotency-Key`` header (wallets.idempotency) and then runs in one transaction
with the record of its response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.api import PAGE_PARAMETERS, ErrorSerializer, paginated, signed_in_user
from marketplace.models import Milestone
from wallets import escrow, payouts, selectors
from wallets.exports import HISTORY_COLUMNS, history_csv_lines
from wallets.idempotency import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY_PARAMETER, idempotent
from wallets.models import Dispute, Token
from wallets.serializers import (
    AcceptPartialInputSerializer,
    ApproveInputSerializer,
    BalanceOutputSerializer,
    DisputeInputSerializer,
    DisputeOutputSerializer,
    EntryOutputSerializer,
    FaucetInputSerializer,
    FaucetOutputSerializer,
    MilestoneEscrowOutputSerializer,
    RefundInputSerializer,
    RequestChangesInputSerializer,
    ResolveInputSerializer,
    SubmitInputSerializer,
    WithdrawalInputSerializer,
    WithdrawalOutputSerializer,
    token_by_symbol,
)

F = TypeVar("F", bound=Callable[..., Any])

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: `errors` names the fields."),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed: `code` says why (e.g. not_client)."),
    404: OpenApiResponse(ErrorSerializer, description="No such object, or not yours to see."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The state does not allow it (`code` names the rule, e.g. already_funded, "
        "insufficient_funds), or a request with the same Idempotency-Key is still running "
        "(`idempotency_key_in_progress`).",
    ),
}


TOKEN_PARAMETER = OpenApiParameter("token", str, description="Only this token (symbol, any case).")


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def money_schema(
    *, operation_id: str, summary: str, request: Any, responses: dict[Any, Any], description: str = ""
) -> Callable[[F], F]:
    """The schema of a money-moving POST: its errors and the Idempotency-Key header."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=request,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={**responses, **errors(400, 401, 403, 404, 409), **IDEMPOTENCY_ERRORS},
    )


def _token_filter(request: Request) -> Token | None:
    symbol = (request.query_params.get("token") or "").strip()
    return token_by_symbol(symbol) if symbol else None


# --- balances and history -------------------------------------------------------


class BalancesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wallet_balances",
        summary="Your balances, per token",
        description="Every active token (and any other you still hold): what you can spend or withdraw, what "
        "you funded and is held in escrow, and what is held in escrow for you. Decimal strings in token units.",
        responses={200: BalanceOutputSerializer(many=True), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        balances = selectors.balances_for(signed_in_user(request))
        return Response(BalanceOutputSerializer(balances, many=True).data)


class TransactionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wallet_transactions_list",
        summary="Your balance history",
        description="Each change of your available balance, newest first: the amount (signed) and the balance "
        "after it. The same rows as CSV: GET /api/v1/wallet/transactions.csv.",
        parameters=[TOKEN_PARAMETER, *PAGE_PARAMETERS],
        responses={200: EntryOutputSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        entries = selectors.entries_for(signed_in_user(request), token=_token_filter(request))
        return paginated(request, entries, EntryOutputSerializer, view=self)


class _IgnoreClientContentNegotiation(BaseContentNegotiation):
    """The CSV view answers CSV whatever the Accept header says (and its errors in
    JSON): a spreadsheet or ``curl -H 'Accept: text/csv'`` both get the file."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class TransactionCsvApi(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = _IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="wallet_transactions_csv",
        summary="Your balance history as a CSV file",
        description="All rows of GET /api/v1/wallet/transactions/ (not paginated), newest first, as an "
        "attachment. Columns: " + ", ".join(HISTORY_COLUMNS) + ". Amounts are exact decimal strings in token units "
        "(signed); text that a spreadsheet would take for a formula starts with an apostrophe.",
        parameters=[TOKEN_PARAMETER],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file (UTF-8, header row)."),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        user = signed_in_user(request)
        token = _token_filter(request)
        entries = selectors.entries_for(user, token=token)
        filename = f"workwall-{user.address[:10].lower()}-{token.symbol.lower() + '-' if token else ''}"
        filename += f"{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(
            "".join(history_csv_lines(entries.iterator(chunk_size=1000))), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- faucet and withdrawals -----------------------------------------------------


class FaucetApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="wallet_faucet",
        summary="Get test tokens (development servers only)",
        description="Credits `amount` of `token` to your available balance, up to WALLETS_FAUCET_MAX at a time. "
        "403 `faucet_disabled` where the faucet is off (always in production).",
        request=FaucetInputSerializer,
        responses={201: FaucetOutputSerializer},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = FaucetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = signed_in_user(request)
        token: Token = serializer.validated_data["token"]
        units: int = serializer.validated_data["units"]
        record = payouts.faucet(user=user, token=token, amount=units)
        balance = next(b for b in selectors.balances_for(user) if b.token.pk == token.pk)
        data = {"transaction": record.pk, "credited": token.format(units), "balance": balance}
        return Response(FaucetOutputSerializer(data).data, status=status.HTTP_201_CREATED)


class WithdrawalListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wallet_withdrawals_list",
        summary="Your withdrawals, newest first",
        parameters=PAGE_PARAMETERS,
        responses={200: WithdrawalOutputSerializer(many=True), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        withdrawals = selectors.withdrawals_for(signed_in_user(request))
        return paginated(request, withdrawals, WithdrawalOutputSerializer, view=self)

    @money_schema(
        operation_id="wallet_withdrawals_create",
        summary="Withdraw tokens to a wallet",
        description="Takes `amount` out of your available balance at once and pays it to `to_address` (default: "
        "the address you signed in with). `status` then goes pending -> sent -> confirmed (`tx_hash`, "
        "`confirmations`), or failed, in which case the amount is back in your balance. 409 "
        "`insufficient_funds` when your available balance is short.",
        request=WithdrawalInputSerializer,
        responses={201: WithdrawalOutputSerializer},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = WithdrawalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        withdrawal = payouts.withdrawal_request(
            user=signed_in_user(request), token=data["token"], amount=data["units"], to_address=data["to_address"]
        )
        return Response(WithdrawalOutputSerializer(withdrawal).data, status=status.HTTP_201_CREATED)


class WithdrawalDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wallet_withdrawals_retrieve",
        summary="One of your withdrawals",
        responses={200: WithdrawalOutputSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        withdrawal = selectors.withdrawal_get(user=signed_in_user(request), pk=pk)
        return Response(WithdrawalOutputSerializer(withdrawal).data)


# --- milestone escrow -----------------------------------------------------------


def _render_milestone(user: User, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    milestone = selectors.milestone_for_party(user=user, pk=pk)
    return Response(MilestoneEscrowOutputSerializer(milestone).data, status=status_code)


class MilestoneDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="milestones_retrieve",
        summary="A milestone's escrow (its client, contributor or staff)",
        description="Status, amounts and fee, the review deadline, submissions and any open dispute.",
        responses={200: MilestoneEscrowOutputSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _render_milestone(signed_in_user(request), pk)


def _milestone(request: Request, pk: int) -> tuple[User, Milestone]:
    """The signed-in user and the milestone, which they must be a party to (404 otherwise)."""
    user = signed_in_user(request)
    return user, selectors.milestone_for_party(user=user, pk=pk)


class MilestoneFundApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_fund",
        summary="Fund a milestone (client)",
        description="Moves the milestone's amount from your available balance into escrow and fixes the fee "
        "rate. 409 `insufficient_funds`, `already_funded` or `project_not_in_progress`.",
        request=None,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        escrow.milestone_fund(milestone=milestone, actor=user)
        return _render_milestone(user, pk)


class MilestoneSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_submit",
        summary="Submit the work (contributor)",
        description="Starts the client's review window; when it passes without an answer the milestone is "
        "released to you. 409 `not_submittable` unless funded or changes were requested.",
        request=SubmitInputSerializer,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = SubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escrow.milestone_submit(milestone=milestone, actor=user, **serializer.validated_data)
        return _render_milestone(user, pk)


class MilestoneApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_approve",
        summary="Approve submitted work (client)",
        description="Without `amount`: releases the hold to the contributor, less the fee. With an `amount` "
        "below the hold: offers a partial approval (releasing that, refunding the rest) that the contributor "
        "accepts or disputes; nothing moves until then. 409 `not_submitted`.",
        request=ApproveInputSerializer,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = ApproveInputSerializer(data=request.data, context={"token": milestone.project.budget_token})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        escrow.milestone_approve(milestone=milestone, actor=user, amount=data["amount"], note=data["note"])
        return _render_milestone(user, pk)


class MilestoneRequestChangesApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_request_changes",
        summary="Ask for changes to submitted work (client)",
        description="Stops the review clock until the contributor submits again. 409 `not_submitted`.",
        request=RequestChangesInputSerializer,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = RequestChangesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escrow.milestone_request_changes(milestone=milestone, actor=user, **serializer.validated_data)
        return _render_milestone(user, pk)


class MilestoneAcceptPartialApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_accept_partial",
        summary="Accept the client's partial approval (contributor)",
        description="Releases the offered part (less the fee) and refunds the rest to the client. The body "
        "repeats the offered amount you accept. 409 `no_offer`, `offer_changed` (the client changed the offer: "
        "read it again) or `not_submitted`.",
        request=AcceptPartialInputSerializer,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = AcceptPartialInputSerializer(data=request.data, context={"token": milestone.project.budget_token})
        serializer.is_valid(raise_exception=True)
        escrow.milestone_accept_partial(milestone=milestone, actor=user, offer=serializer.validated_data["amount"])
        return _render_milestone(user, pk)


class MilestoneRefundApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_refund",
        summary="Take a funded milestone's money back (client, before any submission; or staff)",
        description="Refunds the hold to the client. After work was submitted only a staff arbiter can: open a "
        "dispute (409 `already_submitted`; `disputed` while a dispute is open; `not_funded` before funding; "
        "`already_settled` after approval or refund).",
        request=RefundInputSerializer,
        responses={200: MilestoneEscrowOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = RefundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escrow.milestone_refund(milestone=milestone, actor=user, **serializer.validated_data)
        return _render_milestone(user, pk)


class MilestoneDisputeApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="milestones_dispute",
        summary="Open a dispute (client or contributor)",
        description="Stops the review clock; the money stays in escrow until a staff arbiter splits it. 409 "
        "`not_disputable` unless funded, submitted or with changes requested.",
        request=DisputeInputSerializer,
        responses={201: DisputeOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user, milestone = _milestone(request, pk)
        serializer = DisputeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = escrow.milestone_dispute(milestone=milestone, actor=user, **serializer.validated_data)
        dispute = selectors.dispute_get(user=user, pk=dispute.pk)
        return Response(DisputeOutputSerializer(dispute).data, status=status.HTTP_201_CREATED)


# --- disputes -------------------------------------------------------------------


class DisputeDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="disputes_retrieve",
        summary="A dispute (its parties or staff)",
        responses={200: DisputeOutputSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        dispute = selectors.dispute_get(user=signed_in_user(request), pk=pk)
        return Response(DisputeOutputSerializer(dispute).data)


class DisputeResolveApi(APIView):
    permission_classes = [IsAuthenticated]

    @money_schema(
        operation_id="disputes_resolve",
        summary="Resolve a dispute (staff arbiter who is not a party)",
        description="Splits the hold: `to_contributor` (the fee comes out of it) and `to_client`, which must add "
        "up to the amount held (400 `split_mismatch`). The milestone ends approved, or refunded when the "
        "contributor gets nothing. 403 `not_arbiter` or `arbiter_is_party`; 409 `already_resolved`.",
        request=ResolveInputSerializer,
        responses={200: DisputeOutputSerializer},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        dispute: Dispute = selectors.dispute_get(user=user, pk=pk)
        serializer = ResolveInputSerializer(
            data=request.data, context={"token": dispute.milestone.project.budget_token}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        escrow.dispute_resolve(
            dispute=dispute,
            arbiter=user,
            to_contributor=data["to_contributor"],
            to_client=data["to_client"],
            resolution=data["resolution"],
        )
        return Response(DisputeOutputSerializer(selectors.dispute_get(user=user, pk=pk)).data)
