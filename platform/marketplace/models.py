"""The marketplace: skills, projects and their milestones, contributor profiles,
applications and reviews.

Models hold fields, constraints and cheap properties. Every rule and every state
transition lives in ``marketplace.services``; reads live in ``marketplace.selectors``.
Amounts are integer base units of the project's token (``wallets.fields.BaseUnitsField``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from wallets.fields import BaseUnitsField

if TYPE_CHECKING:
    from accounts.models import User


class Skill(models.Model):
    class Category(models.TextChoices):
        DECENTRALIZED_AI = "decentralized_ai", "Decentralized AI networks"
        MACHINE_LEARNING = "machine_learning", "Machine learning"
        PRIVACY = "privacy", "Privacy and cryptography"
        BLOCKCHAIN = "blockchain", "Blockchain and smart contracts"
        INFRASTRUCTURE = "infrastructure", "Infrastructure and storage"
        DATA = "data", "Data"
        PRODUCT = "product", "Product, design and economics"

    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    category = models.CharField(max_length=32, choices=Category.choices)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Category(models.TextChoices):
        SUBNETS = "subnets", "Subnets and validators"
        INFERENCE = "inference", "Decentralized inference"
        TRAINING = "training", "Federated and distributed training"
        ZKML = "zkml", "ZK proofs and verifiable ML"
        AGENTS = "agents", "Autonomous agents"
        DATA = "data", "Data markets and storage"
        SMART_CONTRACTS = "smart_contracts", "Smart contracts and tokenomics"
        INFRASTRUCTURE = "infrastructure", "Infrastructure and DevOps"
        RESEARCH = "research", "Research"

    # Before a contributor is chosen the project (and its milestones) may change;
    # after that, money may be attached to it.
    EDITABLE_STATUSES = (Status.DRAFT, Status.OPEN)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=140)
    summary = models.CharField(max_length=280, help_text="One or two sentences shown in lists.")
    description = models.TextField(help_text="Markdown. Rendered with HTML sanitised.")
    category = models.CharField(max_length=32, choices=Category.choices)
    required_skills = models.ManyToManyField(Skill, related_name="required_by", blank=True)
    nice_to_have_skills = models.ManyToManyField(Skill, related_name="nice_to_have_for", blank=True)
    budget_amount = BaseUnitsField(help_text="Integer base units of budget_token.")
    budget_token = models.ForeignKey("wallets.Token", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracted_projects",
        help_text="The contributor whose application was accepted.",
    )
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator: visible only to its owner.")
    hidden_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Newest first; drafts (no published_at) last on every database.
        ordering = [models.F("published_at").desc(nulls_last=True), "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_amount__gt=0), name="project_budget_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "cancelled"]) | models.Q(contributor__isnull=False),
                name="project_contracted_has_contributor",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:project_detail", kwargs={"pk": self.pk})

    @property
    def budget_display(self) -> str:
        return self.budget_token.humanize(self.budget_amount)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def is_owned_by(self, user: User | object) -> bool:
        return getattr(user, "pk", None) == self.owner_id


class Milestone(models.Model):
    """A payable part of a project, in the project's token. Escrow drives the
    status from ``funded`` on; until then it is ``pending``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not funded"
        FUNDED = "funded", "Funded"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REFUNDED = "refunded", "Refunded"
        DISPUTED = "disputed", "Disputed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=140)
    description = models.TextField(blank=True)
    amount = BaseUnitsField(help_text="Integer base units of the project's token.")
    due_date = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    # Escrow (wallets.escrow writes these; the hold itself is a ledger account).
    fee_bps = models.PositiveIntegerField(
        null=True, blank=True, help_text="Platform fee in basis points, fixed when the milestone is funded."
    )
    funded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="The latest submission.")
    review_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Released automatically at this time unless the client acts."
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    released_amount = BaseUnitsField(default=0, help_text="Base units paid to the contributor (after the fee).")
    fee_amount = BaseUnitsField(default=0, help_text="Base units taken as the platform fee.")
    refunded_amount = BaseUnitsField(default=0, help_text="Base units returned to the client.")
    partial_offer = BaseUnitsField(
        null=True, blank=True, help_text="Base units the client offers to release in full settlement, if any."
    )
    partial_offer_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    HELD_STATUSES = (Status.FUNDED, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.DISPUTED)
    # Written by wallets.escrow alone.
    ESCROW_FIELDS = (
        "fee_bps",
        "funded_at",
        "submitted_at",
        "review_due_at",
        "settled_at",
        "released_amount",
        "fee_amount",
        "refunded_amount",
        "partial_offer",
        "partial_offer_note",
    )
    SETTLED_STATUSES = (Status.APPROVED, Status.REFUNDED)

    class Meta:
        ordering = ["project", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(fee_bps__isnull=False, funded_at__isnull=False),
                name="milestone_funded_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#milestone-{self.pk}"

    @property
    def amount_display(self) -> str:
        return self.project.budget_token.humanize(self.amount)

    @property
    def is_held(self) -> bool:
        """Funds sit in escrow for it (funded and not yet settled)."""
        return self.status in self.HELD_STATUSES

    @property
    def is_settled(self) -> bool:
        return self.status in self.SETTLED_STATUSES


class ContributorProfile(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", "Available"
        LIMITED = "limited", "Limited availability"
        UNAVAILABLE = "unavailable", "Not available"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=140)
    bio = models.TextField(blank=True, help_text="Markdown. Rendered with HTML sanitised.")
    skills = models.ManyToManyField(Skill, through="ProfileSkill", related_name="profiles", blank=True)
    hourly_rate = BaseUnitsField(null=True, blank=True, help_text="Integer base units of rate_token per hour.")
    rate_token = models.ForeignKey("wallets.Token", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    availability = models.CharField(max_length=16, choices=Availability.choices, default=Availability.AVAILABLE)
    hours_per_week = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(80)])
    timezone = models.CharField(max_length=64, default="UTC")
    portfolio_links = models.JSONField(default=list, blank=True, help_text="A list of URLs.")
    github_handle = models.CharField(
        max_length=39,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$",
                "A GitHub handle has letters, digits and single hyphens, up to 39 characters.",
            )
        ],
    )
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator: visible only to its owner.")
    hidden_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(rate_token__isnull=False),
                name="profile_rate_has_token",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gte=0),
                name="profile_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.name}: {self.headline}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:contributor_detail", kwargs={"pk": self.pk})

    @property
    def rate_display(self) -> str:
        if self.hourly_rate is None or self.rate_token is None:
            return ""
        return f"{self.rate_token.humanize(self.hourly_rate)}/h"


class ProfileSkill(models.Model):
    class Level(models.IntegerChoices):
        BEGINNER = 1, "Beginner"
        WORKING = 2, "Working knowledge"
        PROFICIENT = 3, "Proficient"
        ADVANCED = 4, "Advanced"
        EXPERT = 5, "Expert"

    profile = models.ForeignKey(ContributorProfile, on_delete=models.CASCADE, related_name="profile_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="profile_skills")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.PROFICIENT)
    years = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(50)])

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="profile_skill_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="profile_skill_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.skill.name} ({self.get_level_display()})"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ACTIVE_STATUSES = (Status.SUBMITTED, Status.SHORTLISTED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="applications")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    cover_letter = models.TextField()
    proposed_amount = BaseUnitsField(help_text="Integer base units of the project's token.")
    estimated_days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3650)])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One live application per contributor and project; after withdrawing
            # (or being rejected) a contributor may not re-apply, but the history stays.
            models.UniqueConstraint(
                fields=["project", "contributor"],
                condition=~models.Q(status="withdrawn"),
                name="application_one_per_contributor",
            ),
            models.CheckConstraint(condition=models.Q(proposed_amount__gt=0), name="application_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} → {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:application_detail", kwargs={"pk": self.pk})

    @property
    def amount_display(self) -> str:
        return self.project.budget_token.humanize(self.proposed_amount)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class Review(models.Model):
    """One review per side of a completed project: the owner reviews the
    contributor, the contributor reviews the owner."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "author"], name="review_one_per_side"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
            models.CheckConstraint(condition=~models.Q(author=models.F("subject")), name="review_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.author} → {self.subject}"


class Invitation(models.Model):
    """A client invites a contributor (e.g. from the recommendations) to apply."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["project", "contributor"], name="invitation_once_per_project")]

    def __str__(self) -> str:
        return f"{self.contributor} invited to {self.project}"
