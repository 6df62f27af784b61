"""Admin for every marketplace model. Moderators (staff) hide projects and
profiles through the actions, which call the moderation services.

Money is attached to a project once its contributor is chosen, and to a milestone
once it is funded: from then on only ``wallets.escrow`` changes them, with its
locks, ledger entries and audit rows. So the admin shows a milestone's escrow
fields read-only, and its project, amount and status too once it has left
``pending``; a project's parties, token and status once it is no longer editable
(``Project.is_editable``); and deletes no milestone that has left ``pending``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.models import User
from marketplace import services
from marketplace.models import (
    Application,
    ContributorProfile,
    Invitation,
    Milestone,
    ProfileSkill,
    Project,
    Review,
    Skill,
)


def _set_hidden(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, objects: QuerySet[Any], *, hidden: bool, noun: str
) -> None:
    """The hide/unhide actions of projects and profiles, through the moderation services."""
    for obj in objects:
        if isinstance(obj, Project):
            services.project_set_hidden(
                project=obj, moderator=_moderator(request), hidden=hidden, reason="Hidden by a moderator."
            )
        else:
            services.profile_set_hidden(
                profile=obj, moderator=_moderator(request), hidden=hidden, reason="Hidden by a moderator."
            )
    state = "hidden" if hidden else "visible again"
    model_admin.message_user(request, f"{objects.count()} {noun}(s) {state}.", messages.SUCCESS)


def _moderator(request: HttpRequest) -> User:
    # The admin site only lets staff in; the services check is_staff again.
    assert isinstance(request.user, User)
    return request.user


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ["name", "slug", "category"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ("name",)}


# Editable only while the milestone is pending (no money attached yet).
MILESTONE_TERMS_FIELDS = ("project", "amount")
# Editable only while the project is editable (draft or open).
PROJECT_LOCKED_FIELDS = ("owner", "contributor", "budget_token", "status")


def _is_pending(milestone: Milestone | None) -> bool:
    """A milestone not saved yet, or one with no money attached."""
    return milestone is None or milestone.pk is None or milestone.status == Milestone.Status.PENDING


class MilestoneInlineForm(forms.ModelForm[Milestone]):
    """One row of a project's milestones: its amount is locked once the milestone
    has left ``pending`` (a disabled field ignores what is posted for it)."""

    class Meta:
        model = Milestone
        fields = ["order", "title", "amount", "due_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not _is_pending(self.instance):
            self.fields["amount"].disabled = True


class MilestoneInlineFormSet(BaseInlineFormSet[Milestone, Project, forms.ModelForm[Milestone]]):
    """A project's milestones: a row that has left ``pending`` cannot be deleted."""

    def clean(self) -> None:
        # Before the admin's own check (in super().clean()), which refuses only
        # deletes that the ledger's PROTECT foreign keys would block, in its words.
        for form in self.forms:
            deleting = self.can_delete and getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME, False)
            if deleting and not _is_pending(form.instance):
                raise ValidationError(
                    f"“{form.instance.title}” is {form.instance.get_status_display().lower()}: money is attached "
                    "to it, so it cannot be deleted. Settle it through escrow instead.",
                    code="milestone_not_pending",
                )
        super().clean()


class MilestoneInline(admin.TabularInline[Milestone, Project]):
    model = Milestone
    form = MilestoneInlineForm
    formset = MilestoneInlineFormSet
    extra = 0
    fields = ["order", "title", "amount", "due_date", "status"]
    # The status moves only through wallets.escrow (funding starts it).
    readonly_fields = ["status"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ["title", "owner", "status", "category", "budget_display", "is_hidden", "published_at"]
    list_filter = ["status", "category", "is_hidden", "budget_token"]
    search_fields = ["title", "summary", "description", "owner__address", "owner__display_name"]
    raw_id_fields = ["owner", "contributor"]
    filter_horizontal = ["required_skills", "nice_to_have_skills"]
    date_hierarchy = "created_at"
    inlines = [MilestoneInline]
    actions = ["hide", "unhide"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Project | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            fields += PROJECT_LOCKED_FIELDS
        return fields

    @admin.display(description="Budget")
    def budget_display(self, obj: Project) -> str:
        return obj.budget_display

    @admin.action(description="Hide selected projects (moderation)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        _set_hidden(self, request, queryset, hidden=True, noun="project")

    @admin.action(description="Show selected projects again")
    def unhide(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        _set_hidden(self, request, queryset, hidden=False, noun="project")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ["title", "project", "order", "amount", "status", "due_date"]
    list_filter = ["status"]
    search_fields = ["title", "project__title"]
    raw_id_fields = ["project"]

    def get_readonly_fields(self, request: HttpRequest, obj: Milestone | None = None) -> list[str]:
        # The status moves only through wallets.escrow: from pending, any other
        # status needs the funding terms (and the hold) only funding creates.
        fields = [*super().get_readonly_fields(request, obj), "status", *Milestone.ESCROW_FIELDS]
        if not _is_pending(obj):
            fields += MILESTONE_TERMS_FIELDS
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        # Without obj (the changelist's bulk action) the PROTECT foreign keys of
        # the ledger still refuse to delete a milestone that holds or held money.
        return _is_pending(obj) and super().has_delete_permission(request, obj)


class ProfileSkillInline(admin.TabularInline[ProfileSkill, ContributorProfile]):
    model = ProfileSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(ContributorProfile)
class ContributorProfileAdmin(admin.ModelAdmin[ContributorProfile]):
    list_display = ["user", "headline", "availability", "rate_display", "is_hidden", "updated_at"]
    list_filter = ["availability", "is_hidden", "rate_token"]
    search_fields = ["headline", "bio", "user__address", "user__display_name", "github_handle"]
    raw_id_fields = ["user"]
    inlines = [ProfileSkillInline]
    actions = ["hide", "unhide"]

    @admin.display(description="Rate")
    def rate_display(self, obj: ContributorProfile) -> str:
        return obj.rate_display

    @admin.action(description="Hide selected profiles (moderation)")
    def hide(self, request: HttpRequest, queryset: QuerySet[ContributorProfile]) -> None:
        _set_hidden(self, request, queryset, hidden=True, noun="profile")

    @admin.action(description="Show selected profiles again")
    def unhide(self, request: HttpRequest, queryset: QuerySet[ContributorProfile]) -> None:
        _set_hidden(self, request, queryset, hidden=False, noun="profile")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ["project", "contributor", "status", "proposed_amount", "estimated_days", "created_at"]
    list_filter = ["status"]
    search_fields = ["project__title", "contributor__address", "contributor__display_name", "cover_letter"]
    raw_id_fields = ["project", "contributor"]
    date_hierarchy = "created_at"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["project", "contributor", "invited_by", "created_at"]
    search_fields = ["project__title", "contributor__address", "contributor__display_name"]
    raw_id_fields = ["project", "contributor", "invited_by"]
    date_hierarchy = "created_at"


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["project", "author", "subject", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["project__title", "author__address", "subject__address", "text"]
    raw_id_fields = ["project", "author", "subject"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Reviews come only from the parties of a completed project.
        return False
