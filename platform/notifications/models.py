"""Persisted notifications: what happened to a user's work, kept until read."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        APPLICATION_RECEIVED = "application_received", "Application received"
        APPLICATION_SHORTLISTED = "application_shortlisted", "Application shortlisted"
        APPLICATION_ACCEPTED = "application_accepted", "Application accepted"
        APPLICATION_REJECTED = "application_rejected", "Application rejected"
        APPLICATION_WITHDRAWN = "application_withdrawn", "Application withdrawn"
        PROJECT_CANCELLED = "project_cancelled", "Project cancelled"
        PROJECT_COMPLETED = "project_completed", "Project completed"
        REVIEW_RECEIVED = "review_received", "Review received"
        PROJECT_INVITATION = "project_invitation", "Invited to apply"
        MILESTONE_FUNDED = "milestone_funded", "Milestone funded"
        MILESTONE_SUBMITTED = "milestone_submitted", "Milestone submitted"
        MILESTONE_APPROVED = "milestone_approved", "Milestone approved"
        MILESTONE_PARTIAL_OFFERED = "milestone_partial_offered", "Partial approval offered"
        MILESTONE_CHANGES_REQUESTED = "milestone_changes_requested", "Changes requested"
        MILESTONE_AUTO_RELEASED = "milestone_auto_released", "Milestone released automatically"
        MILESTONE_REFUNDED = "milestone_refunded", "Milestone refunded"
        DISPUTE_OPENED = "dispute_opened", "Dispute opened"
        DISPUTE_RESOLVED = "dispute_resolved", "Dispute resolved"
        DEPOSIT_CREDITED = "deposit_credited", "Deposit credited"
        WITHDRAWAL_SENT = "withdrawal_sent", "Withdrawal sent"
        WITHDRAWAL_CONFIRMED = "withdrawal_confirmed", "Withdrawal paid"
        WITHDRAWAL_FAILED = "withdrawal_failed", "Withdrawal failed"
        PROJECT_MATCH = "project_match", "A new project matches your profile"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
