"""/api/v1/ routes of notifications."""

from __future__ import annotations

from django.urls import path

from notifications import api

app_name = "notifications_api"

urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="list"),
    path("notifications/unread-count/", api.UnreadCountApi.as_view(), name="unread-count"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="read"),
    path("notifications/read-all/", api.NotificationReadAllApi.as_view(), name="read-all"),
]
