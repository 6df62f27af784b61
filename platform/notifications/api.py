"""REST endpoints of notifications under /api/v1/notifications/.

Every endpoint is the signed-in user's own inbox: another user's notification is a
404, never a 403 (its existence is not revealed). Marking read pushes the new
unread count to the user's open sockets on commit (docs/REALTIME.md).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import PAGE_PARAMETERS, ErrorSerializer, paginated, signed_in_user
from notifications import selectors, services
from notifications.serializers import (
    MarkAllReadOutputSerializer,
    NotificationListInputSerializer,
    NotificationOutputSerializer,
    UnreadCountOutputSerializer,
)

NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Not signed in (no or an invalid bearer token).")
NOT_YOURS = OpenApiResponse(ErrorSerializer, description="You have no notification with this id.")
CSRF_FAILED = OpenApiResponse(ErrorSerializer, description="Signed in by session cookie, without the CSRF token.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid query parameters: `errors` names them.")


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications",
        description="Newest first, paginated. With `unread=true` only the unread ones.",
        parameters=[
            NotificationListInputSerializer,
            *PAGE_PARAMETERS,
        ],
        responses={200: NotificationOutputSerializer(many=True), 400: INVALID, 401: NOT_SIGNED_IN},
    )
    def get(self, request: Request) -> Response:
        params = NotificationListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        unread_only = params.validated_data["unread"]
        notifications = selectors.notifications_for(signed_in_user(request), unread_only=unread_only)
        return paginated(request, notifications, NotificationOutputSerializer, view=self)


class UnreadCountApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_unread_count",
        summary="How many of your notifications are unread",
        responses={200: UnreadCountOutputSerializer, 401: NOT_SIGNED_IN},
    )
    def get(self, request: Request) -> Response:
        count = selectors.unread_count(signed_in_user(request))
        return Response(UnreadCountOutputSerializer({"unread": count}).data)


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read",
        summary="Mark one of your notifications read",
        description="Idempotent: a notification already read keeps its first `read_at`. Your open sockets "
        'receive `{"type": "unread"}` with the new count.',
        request=None,
        responses={200: NotificationOutputSerializer, 401: NOT_SIGNED_IN, 403: CSRF_FAILED, 404: NOT_YOURS},
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = services.notification_mark_read(user=signed_in_user(request), notification_id=pk)
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read_all",
        summary="Mark all your notifications read",
        description='Returns how many were unread. Your open sockets receive `{"type": "unread", "unread": 0}`.',
        request=None,
        responses={200: MarkAllReadOutputSerializer, 401: NOT_SIGNED_IN, 403: CSRF_FAILED},
    )
    def post(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(user=signed_in_user(request))
        return Response(MarkAllReadOutputSerializer({"marked": marked}).data)
