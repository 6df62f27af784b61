"""Server-rendered pages of the marketplace.

Each view parses input, makes its service or selector call and renders. A
``DomainError`` from a service is attached to the form it came from
(``forms.attach_domain_error``) or rendered by ``config.views.domain_error_response``;
a ``NotFound`` from a selector becomes the 404 page. Every action ends with a flash
message. Destructive or binding actions (cancel, complete, accept, withdraw) have a
confirmation page: a GET shows it, its POST form does the action.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from config.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from config.http import safe_next_url
from config.views import domain_error_response
from marketplace import selectors, services
from marketplace.forms import (
    ApplicationForm,
    CancelProjectForm,
    MilestoneFormSet,
    ProfileForm,
    ProjectForm,
    ReviewForm,
    SkillFormSet,
    as_checkboxes,
    attach_domain_error,
    group_skill_filter,
    milestone_initial,
    milestone_inputs,
    skill_initial,
    skill_inputs,
)
from marketplace.models import Application, ContributorProfile, Project
from matching import selectors as matching_selectors
from notifications import selectors as notification_selectors
from wallets import panels as wallet_panels

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


# --- helpers ------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view."""
    assert isinstance(request.user, User)
    return request.user


def _paginate(request: HttpRequest, items: QuerySet[Any]) -> Page[Any]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    # The templates cannot pass the current number to get_elided_page_range().
    page.elided_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page


def _has_filters(request: HttpRequest, names: Any) -> bool:
    """True when the query string narrows the list (a blank field or the sort order does not)."""
    return any(value for name in names if name != "ordering" for value in request.GET.getlist(name))


def _get_project(request: HttpRequest, pk: int) -> Project:
    """A project the viewer may see; raises NotFound (rendered as the 404 page)."""
    return selectors.project_get(pk=pk, viewer=request.user)


def _handles_domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render any DomainError a view lets through (NotFound from a selector,
    PermissionDenied or InvalidState from a service) with the one template path."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return domain_error_response(request, error)

    return wrapper


def _require_owner(request: HttpRequest, project: Project, action: str) -> None:
    """Show the 403 page before a form is even displayed to a non-owner (the
    service checks again on submit)."""
    if not project.is_owned_by(request.user):
        raise PermissionDenied(f"Only the project's owner can {action}.", code="not_owner")


def _confirm(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    action_url: str,
    button: str,
    cancel_url: str,
    danger: bool = False,
    form: Any = None,
    subject: Any = None,
    warnings: Sequence[str] = (),
) -> HttpResponse:
    return render(
        request,
        "marketplace/action_confirm.html",
        {
            "title": title,
            "message": message,
            "action_url": action_url,
            "button": button,
            "cancel_url": cancel_url,
            "danger": danger,
            "form": form,
            "subject": subject,
            "warnings": warnings,
        },
    )


# --- home ---------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    has_profile = request.user.is_authenticated and selectors.profile_of(user=_user(request)) is not None
    return render(
        request,
        "marketplace/home.html",
        {
            "stats": selectors.site_stats(),
            "projects": selectors.newest_open_projects(limit=6),
            "categories": Project.Category.choices,
            "has_profile": has_profile,
        },
    )


# --- projects -----------------------------------------------------------------------


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.project_filterset(viewer=request.user, filters=request.GET)
    group_skill_filter(filterset.form, selectors.skill_list())
    as_checkboxes(filterset.form, "category", "status")
    filterset.form.fields["token"].empty_label = "Any token"
    error: InvalidInput | None = None
    projects: QuerySet[Project]
    try:
        projects = selectors.project_list(viewer=request.user, filters=request.GET)
    except InvalidInput as exc:
        error = exc
        projects = Project.objects.none()
    active_filters = _has_filters(request, filterset.form.fields)
    return render(
        request,
        "marketplace/project_list.html",
        {
            "filter_form": filterset.form,
            "page_obj": _paginate(request, projects),
            "error": error,
            "active_filters": active_filters,
        },
    )


def _project_detail_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    viewer = request.user
    is_owner = project.is_owned_by(viewer)
    context: dict[str, Any] = {
        "project": project,
        "is_owner": is_owner,
        "milestones": list(project.milestones.all()),
        "can_edit": is_owner and project.is_editable,
    }
    context["milestone_total"] = sum(m.amount for m in context["milestones"])
    context["escrow"] = wallet_panels.milestone_section(project=project, viewer=viewer)
    if is_owner:
        applications = list(selectors.project_applications(project=project, viewer=_user(request)))
        context["application_count"] = len(applications)
        context["pending_count"] = sum(1 for a in applications if a.is_active)
    elif viewer.is_authenticated:
        context["my_application"] = selectors.application_of_viewer(project=project, viewer=viewer)
        context["has_profile"] = selectors.profile_of(user=_user(request)) is not None
    if is_owner and project.status == Project.Status.OPEN:
        context["show_recommended"] = True
        context["recommended"], context["recommended_note"] = _recommended_contributors(request, project)
        context["invited_user_ids"] = selectors.invited_user_ids(project=project)
    if project.status == Project.Status.COMPLETED:
        context["reviews"] = list(selectors.reviews_of_project(project=project))
    context["review_pending"] = selectors.review_pending_for(project=project, viewer=viewer)
    return context


def _recommended_contributors(request: HttpRequest, project: Project) -> tuple[list[Any], str]:
    """The owner's recommendations; a matching failure degrades to a note, never a 500."""
    try:
        return matching_selectors.matches_for_project(project=project, viewer=request.user, limit=6), ""
    except DomainError:
        raise
    except Exception:
        logger.exception("Recommendations failed for project %s", project.pk)
        return [], "Recommendations are unavailable right now; try again in a minute."


@require_GET
@_handles_domain_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    context = _project_detail_context(request, project)
    if context["review_pending"]:
        context["review_form"] = ReviewForm()
    return render(request, "marketplace/project_detail.html", context)


def _project_form_page(
    request: HttpRequest, *, form: ProjectForm, formset: Any, project: Project | None = None
) -> HttpResponse:
    return render(request, "marketplace/project_form.html", {"form": form, "formset": formset, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    skills = list(selectors.skill_list())
    if request.method != "POST":
        form = ProjectForm(skills=skills, initial={"budget_token": "USDC"})
        return _project_form_page(request, form=form, formset=MilestoneFormSet(prefix="milestones"))

    form = ProjectForm(request.POST, skills=skills)
    formset = MilestoneFormSet(request.POST, prefix="milestones", form_kwargs={"token": form.selected_token()})
    if form.is_valid() and formset.is_valid():
        publish = request.POST.get("action") != "draft"
        try:
            project = services.project_create(
                owner=_user(request), **form.service_kwargs(), milestones=milestone_inputs(formset), publish=publish
            )
        except DomainError as error:
            attach_domain_error(error, form, {"milestones": formset})
        else:
            if publish:
                messages.success(request, f"“{project.title}” is published: contributors can apply now.")
            else:
                messages.success(request, f"“{project.title}” is saved as a draft. Only you can see it.")
            return redirect(project)
    return _project_form_page(request, form=form, formset=formset)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    _require_owner(request, project, "edit it")
    if not project.is_editable:
        messages.warning(
            request,
            f"This project is {project.get_status_display().lower()}: it can no longer be edited. "
            "Only drafts and open projects can change.",
        )
        return redirect(project)
    skills = list(selectors.skill_list())
    if request.method != "POST":
        form = ProjectForm(skills=skills, initial=ProjectForm.initial_for(project))
        formset = MilestoneFormSet(prefix="milestones", initial=milestone_initial(project))
        return _project_form_page(request, form=form, formset=formset, project=project)

    form = ProjectForm(request.POST, skills=skills)
    formset = MilestoneFormSet(
        request.POST,
        prefix="milestones",
        initial=milestone_initial(project),
        form_kwargs={"token": form.selected_token()},
    )
    if form.is_valid() and formset.is_valid():
        try:
            project = services.project_update(
                project=project, actor=_user(request), **form.service_kwargs(), milestones=milestone_inputs(formset)
            )
        except DomainError as error:
            if error.field is None and isinstance(error, PermissionDenied):
                raise
            attach_domain_error(error, form, {"milestones": formset})
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(project)
    return _project_form_page(request, form=form, formset=formset, project=project)


@login_required
@require_POST
@_handles_domain_errors
def invitation_create(request: HttpRequest, pk: int, profile_pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    profile = selectors.contributor_get(pk=profile_pk, viewer=request.user)
    services.invitation_create(project=project, actor=_user(request), profile=profile)
    messages.success(request, f"{profile.user.name} is invited to apply. They have been told.")
    return redirect(project.get_absolute_url() + "#recommended")


@login_required
@require_POST
@_handles_domain_errors
def project_publish(request: HttpRequest, pk: int) -> HttpResponse:
    project = services.project_publish(project=_get_project(request, pk), actor=_user(request))
    messages.success(request, f"“{project.title}” is published: contributors can find it and apply.")
    return redirect(project)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    _require_owner(request, project, "cancel it")
    form = CancelProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.project_cancel(project=project, actor=_user(request), reason=form.cleaned_data["reason"])
        messages.success(request, f"“{project.title}” is cancelled. Everyone who applied has been told.")
        return redirect(project)
    return _confirm(
        request,
        title="Cancel this project?",
        message=(
            "The project closes for good: it leaves the listings, and every pending application "
            "is declined with your reason. This cannot be undone."
        ),
        action_url=reverse("marketplace:project_cancel", args=[project.pk]),
        button="Cancel the project",
        cancel_url=project.get_absolute_url(),
        danger=True,
        form=form,
        subject=project,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def project_complete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    _require_owner(request, project, "mark it completed")
    if request.method == "POST":
        project = services.project_complete(project=project, actor=_user(request))
        messages.success(request, f"“{project.title}” is completed. Leave a review for your contributor.")
        return redirect(project)
    contributor = project.contributor.name if project.contributor else "the contributor"
    return _confirm(
        request,
        title="Mark this project completed?",
        warnings=[
            f"“{m.title}” ({project.budget_token.humanize_exact(m.amount)}) was never funded: "
            "it closes unpaid and nothing more is charged."
            for m in selectors.milestones_never_funded(project=project)
        ],
        message=(
            f"Confirm that {contributor} delivered the work. The project closes and both of you "
            "can then leave a review."
        ),
        action_url=reverse("marketplace:project_complete", args=[project.pk]),
        button="Mark completed",
        cancel_url=project.get_absolute_url(),
        subject=project,
    )


@login_required
@require_POST
@_handles_domain_errors
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_create(project=project, author=_user(request), **form.cleaned_data)
        except DomainError as error:
            if error.field is None:
                raise
            attach_domain_error(error, form)
        else:
            messages.success(request, "Thank you: your review is published.")
            return redirect(project)
    context = _project_detail_context(request, project)
    context["review_form"] = form
    return render(request, "marketplace/project_detail.html", context)


# --- applications -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    user = _user(request)
    if project.is_owned_by(user):
        messages.info(request, "This is your own project: you can review applications instead.")
        return redirect("marketplace:project_applications", pk=project.pk)
    existing = selectors.application_of_viewer(project=project, viewer=user)
    if existing is not None:
        messages.info(request, f"You have already applied to this project (status: {existing.get_status_display()}).")
        return redirect(existing)
    form = ApplicationForm(request.POST or None, token=project.budget_token)
    profile_missing = selectors.profile_of(user=user) is None
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                project=project,
                contributor=user,
                cover_letter=form.cleaned_data["cover_letter"],
                proposed_amount=form.cleaned_data["proposed_amount"],
                estimated_days=form.cleaned_data["estimated_days"],
            )
        except DomainError as error:
            if error.code == "profile_required":
                profile_missing = True
            elif error.field is None:
                raise
            else:
                attach_domain_error(error, form)
        else:
            messages.success(request, f"Your application to “{project.title}” is sent. The client has been told.")
            return redirect(application)
    return render(
        request,
        "marketplace/application_form.html",
        {"project": project, "form": form, "profile_missing": profile_missing},
    )


@login_required
@require_GET
@_handles_domain_errors
def project_applications(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    applications = list(selectors.project_applications(project=project, viewer=_user(request)))
    return render(
        request,
        "marketplace/application_list.html",
        {
            "project": project,
            "active": [a for a in applications if a.is_active],
            "closed": [a for a in applications if not a.is_active],
            "total": len(applications),
        },
    )


@login_required
@require_GET
@_handles_domain_errors
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk=pk, viewer=request.user)
    is_owner = application.project.is_owned_by(request.user)
    profile = selectors.profile_of(user=application.contributor)
    return render(
        request,
        "marketplace/application_detail.html",
        {
            "application": application,
            "project": application.project,
            "is_owner": is_owner,
            "is_author": application.contributor_id == request.user.pk,
            "profile": profile,
            "can_decide": is_owner and application.is_active and application.project.status == Project.Status.OPEN,
        },
    )


def _after_decision(request: HttpRequest, application: Application) -> HttpResponse:
    default = reverse("marketplace:project_applications", args=[application.project_id])
    return redirect(safe_next_url(request, default))


@login_required
@require_POST
@_handles_domain_errors
def application_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk=pk, viewer=request.user)
    application = services.application_shortlist(application=application, actor=_user(request))
    messages.success(request, f"{application.contributor.name} is shortlisted and has been told.")
    return _after_decision(request, application)


@login_required
@require_POST
@_handles_domain_errors
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk=pk, viewer=request.user)
    application = services.application_reject(application=application, actor=_user(request))
    messages.success(request, f"The application of {application.contributor.name} is declined.")
    return _after_decision(request, application)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk=pk, viewer=request.user)
    if not application.project.is_owned_by(request.user):
        raise PermissionDenied("Only the project's owner can accept applications.", code="not_owner")
    if request.method == "POST":
        application = services.application_accept(application=application, actor=_user(request))
        messages.success(
            request,
            f"You hired {application.contributor.name}. The project is now in progress; "
            "the other applicants have been told.",
        )
        return redirect(application.project)
    return _confirm(
        request,
        title=f"Hire {application.contributor.name}?",
        message=(
            f"{application.contributor.name} proposes {application.amount_display} in "
            f"{application.estimated_days} days. Accepting starts the project with them and declines "
            "every other pending application. This cannot be undone."
        ),
        action_url=reverse("marketplace:application_accept", args=[application.pk]),
        button="Accept and start the project",
        cancel_url=reverse("marketplace:project_applications", args=[application.project_id]),
        subject=application.project,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_handles_domain_errors
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk=pk, viewer=request.user)
    if application.contributor_id != request.user.pk:
        raise PermissionDenied("Only the applicant can withdraw an application.", code="not_applicant")
    if request.method == "POST":
        application = services.application_withdraw(application=application, actor=_user(request))
        messages.success(request, f"Your application to “{application.project.title}” is withdrawn.")
        return redirect(application.project)
    return _confirm(
        request,
        title="Withdraw your application?",
        message=(
            f"The client of “{application.project.title}” will no longer see it as pending. "
            "You can apply again later while the project is open."
        ),
        action_url=reverse("marketplace:application_withdraw", args=[application.pk]),
        button="Withdraw",
        cancel_url=application.get_absolute_url(),
        danger=True,
        subject=application.project,
    )


# --- contributors and users -----------------------------------------------------------


@require_GET
def contributor_list(request: HttpRequest) -> HttpResponse:
    filter_form = selectors.contributor_filterset(filters=request.GET).form
    group_skill_filter(filter_form, selectors.skill_list())
    as_checkboxes(filter_form, "availability")
    filter_form.fields["token"].empty_label = "Any token"
    error: InvalidInput | None = None
    profiles: QuerySet[ContributorProfile]
    try:
        profiles = selectors.contributor_list(filters=request.GET)
    except InvalidInput as exc:
        error = exc
        profiles = ContributorProfile.objects.none()
    active_filters = _has_filters(request, filter_form.fields)
    return render(
        request,
        "marketplace/contributor_list.html",
        {
            "filter_form": filter_form,
            "page_obj": _paginate(request, profiles),
            "error": error,
            "active_filters": active_filters,
        },
    )


@require_GET
@_handles_domain_errors
def contributor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.contributor_get(pk=pk, viewer=request.user)
    return render(
        request,
        "marketplace/contributor_detail.html",
        {
            "profile": profile,
            "person": profile.user,
            "is_self": profile.user_id == request.user.pk,
            "reputation": selectors.reputation_of(user=profile.user),
            "reviews": selectors.reviews_of(user=profile.user)[:20],
        },
    )


@require_GET
@_handles_domain_errors
def user_detail(request: HttpRequest, address: str) -> HttpResponse:
    person = selectors.user_get_by_address(address=address, viewer=request.user)
    if person.address != address:
        return redirect(person, permanent=True)
    profile = selectors.profile_of(user=person)
    if profile is not None:
        try:
            profile = selectors.contributor_get(pk=profile.pk, viewer=request.user)
        except NotFound:
            profile = None
    projects = selectors.projects_of_owner_visible(owner=person, viewer=request.user)
    return render(
        request,
        "marketplace/user_detail.html",
        {
            "person": person,
            "profile": profile,
            "is_self": person.pk == request.user.pk,
            "projects": projects[:20],
            "reputation": selectors.reputation_of(user=person),
            "reviews": selectors.reviews_of(user=person)[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.profile_of(user=user)
    skills = list(selectors.skill_list())
    initial_skills = skill_initial(profile)
    if request.method != "POST":
        form = ProfileForm(initial=ProfileForm.initial_for(user, profile))
        formset = SkillFormSet(prefix="skills", initial=initial_skills, form_kwargs={"skills": skills})
        return render(request, "marketplace/profile_form.html", {"form": form, "formset": formset, "profile": profile})

    form = ProfileForm(request.POST)
    formset = SkillFormSet(request.POST, prefix="skills", initial=initial_skills, form_kwargs={"skills": skills})
    if form.is_valid() and formset.is_valid():
        wants_profile = profile is not None or bool(form.cleaned_data["headline"])
        try:
            # One page saves two things; either both are saved or neither is.
            with transaction.atomic():
                services.user_update(user=user, **form.user_kwargs())
                if wants_profile:
                    profile = services.profile_upsert(user=user, skills=skill_inputs(formset), **form.profile_kwargs())
        except DomainError as error:
            user.refresh_from_db()
            attach_domain_error(error, form, {"skills": formset})
        else:
            if wants_profile:
                assert profile is not None
                messages.success(request, "Your profile is saved. Clients can find you in the directory.")
                return redirect(safe_next_url(request, profile.get_absolute_url()))
            messages.success(request, "Your account is saved.")
            return redirect(safe_next_url(request, reverse("marketplace:dashboard")))
    return render(request, "marketplace/profile_form.html", {"form": form, "formset": formset, "profile": profile})


# --- dashboard ----------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.profile_of(user=user)
    projects_for_you: list[Any] = []
    projects_for_you_note = ""
    my_projects = list(selectors.projects_of_owner(user=user)[:50])
    if profile is not None:
        try:
            projects_for_you = matching_selectors.matches_for_profile(profile=profile, viewer=user, limit=6)
        except Exception:
            logger.exception("Recommendations failed for profile %s", profile.pk)
            projects_for_you_note = "Recommendations are unavailable right now; try again in a minute."
    return render(
        request,
        "marketplace/dashboard.html",
        {
            "profile": profile,
            "projects_for_you": projects_for_you,
            "projects_for_you_note": projects_for_you_note,
            "my_projects": my_projects,
            # Someone with a profile who has posted nothing mostly finds work: their
            # projects for them, applications and work first.
            "contributor_first": profile is not None and not my_projects,
            "my_applications": selectors.applications_of_contributor(user=user)[:50],
            "active_projects": selectors.projects_of_contributor(user=user)[:50],
            "notifications": notification_selectors.recent_for(user=user, limit=10),
            "wallet_balances": wallet_panels.wallet_summary(user),
        },
    )
