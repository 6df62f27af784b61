"""Shapes of notifications on the wire: the REST API and the websocket events
(docs/REALTIME.md). Output and input serializers are kept apart (STYLE.md §5)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from notifications.models import Notification


class NotificationEventSerializer(serializers.ModelSerializer[Notification]):
    """A notification as the websocket pushes it (the ``notification`` of a
    ``{"type": "notification"}`` event): no payload, no read time."""

    read = serializers.BooleanField(source="is_read", read_only=True, help_text="Whether it has been marked read.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read"]
        read_only_fields = fields


class NotificationOutputSerializer(NotificationEventSerializer):
    """A notification as the REST API returns it: the event fields plus the
    kind-specific ``payload`` and the time it was read (null while unread)."""

    class Meta(NotificationEventSerializer.Meta):
        fields = ["id", "kind", "title", "body", "link", "payload", "created_at", "read_at", "read"]
        read_only_fields = fields


class NotificationListInputSerializer(serializers.Serializer[Any]):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread notifications.")


class UnreadCountOutputSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField(help_text="How many of your notifications are unread.")


class MarkAllReadOutputSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many notifications this request marked read.")
