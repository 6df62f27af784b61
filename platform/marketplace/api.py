"""REST endpoints of the marketplace under /api/v1/.

Each view parses input with an input serializer, makes one service or selector
call, and renders with an output serializer. Domain errors become 4xx bodies
``{"code", "detail"}`` in config.api.exception_handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer, paginated, signed_in_user
from config.errors import NotFound
from marketplace import selectors, services
from marketplace.filters import ContributorFilter, ProjectFilter
from marketplace.models import Application, ContributorProfile, Review, Skill
from marketplace.serializers import (
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    ContributorDetailOutputSerializer,
    ContributorOutputSerializer,
    InvitationInputSerializer,
    InvitationOutputSerializer,
    MeInputSerializer,
    MeOutputSerializer,
    MilestoneInputSerializer,
    MilestoneOutputSerializer,
    ProfileInputSerializer,
    ProjectCancelInputSerializer,
    ProjectCreateInputSerializer,
    ProjectDetailOutputSerializer,
    ProjectListOutputSerializer,
    ProjectUpdateInputSerializer,
    ReviewInputSerializer,
    ReviewOutputSerializer,
    SkillSerializer,
    TokenSerializer,
    profile_as_input,
)
from wallets.models import Token

F = TypeVar("F", bound=Callable[..., Any])


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: `errors` names the fields."),
    403: OpenApiResponse(ErrorSerializer, description="Not signed in, or not allowed (e.g. not the owner)."),
    404: OpenApiResponse(ErrorSerializer, description="No such object, or not visible to you."),
    409: OpenApiResponse(ErrorSerializer, description="The object's state does not allow this action."),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def _filter_parameters(filterset_class: type[Any]) -> list[OpenApiParameter]:
    """OpenAPI parameters from a FilterSet, so the docs list the same filters as the UI."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        many = filter_.__class__.__name__.startswith(("Multiple", "ModelMultiple"))
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.STR,
                description=str(filter_.label or name) + (" (repeat the parameter for several)" if many else ""),
                many=many,
                explode=True if many else None,
            )
        )
    return parameters


# --- reference data -------------------------------------------------------------


class SkillListApi(generics.ListAPIView[Skill]):
    """The skill taxonomy (slugs are what project and profile inputs take)."""

    permission_classes = [AllowAny]
    serializer_class = SkillSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Skill]:
        return selectors.skill_list()


class TokenListApi(generics.ListAPIView[Token]):
    """Tokens that budgets, rates and payments can be denominated in."""

    permission_classes = [AllowAny]
    serializer_class = TokenSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Token]:
        return Token.objects.filter(is_active=True)


# --- projects ---------------------------------------------------------------------


class ProjectListCreateApi(APIView):
    @extend_schema(
        operation_id="projects_list",
        summary="List projects",
        description="Visible projects, newest first (by relevance when `q` is given). Without `status` "
        "only open projects are listed. Budget bounds are in token units; with `token` they apply to "
        "that token only.",
        parameters=[
            *_filter_parameters(ProjectFilter),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: ProjectListOutputSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        projects = selectors.project_list(viewer=request.user, filters=request.query_params)
        return paginated(request, projects, ProjectListOutputSerializer, view=self)

    @extend_schema(
        operation_id="projects_create",
        summary="Post a project",
        request=ProjectCreateInputSerializer,
        responses={201: ProjectDetailOutputSerializer, **errors(400, 403)},
    )
    def post(self, request: Request) -> Response:
        serializer = ProjectCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = services.project_create(
            owner=signed_in_user(request),
            title=data["title"],
            summary=data["summary"],
            description=data["description"],
            category=data["category"],
            budget_amount=data["budget"]["units"],
            budget_token=data["budget"]["token"],
            required_skills=data["required_skills"],
            nice_to_have_skills=data["nice_to_have_skills"],
            deadline=data["deadline"],
            milestones=data["milestones"],
            publish=data["publish"],
        )
        project = selectors.project_get(pk=project.pk, viewer=request.user)
        return Response(ProjectDetailOutputSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(
        operation_id="projects_retrieve",
        summary="Read a project",
        responses={200: ProjectDetailOutputSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        return Response(ProjectDetailOutputSerializer(project).data)

    @extend_schema(
        operation_id="projects_partial_update",
        summary="Edit a project (owner; draft or open)",
        description="Only the fields given change. `milestones`, when given, replaces the whole list.",
        request=ProjectUpdateInputSerializer,
        responses={200: ProjectDetailOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        serializer = ProjectUpdateInputSerializer(data=request.data, context={"token": project.budget_token})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        budget = data.pop("budget", None)
        if budget is not None:
            data["budget_amount"] = budget["units"]
            data["budget_token"] = budget["token"]
        services.project_update(project=project, actor=signed_in_user(request), **data)
        project = selectors.project_get(pk=pk, viewer=request.user)
        return Response(ProjectDetailOutputSerializer(project).data)

    @extend_schema(
        operation_id="projects_destroy",
        summary="Delete a project nobody applied to (owner)",
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        services.project_delete(project=project, actor=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ProjectTransitionApi(APIView):
    """Base of POST /projects/{id}/<transition>/: one state transition by the owner."""

    def transition(self, request: Request, project: Any) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        self.transition(request, project)
        project = selectors.project_get(pk=pk, viewer=request.user)
        return Response(ProjectDetailOutputSerializer(project).data)


def _transition_schema(operation_id: str, summary: str, request: Any = None) -> Callable[[F], F]:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=request,
        responses={200: ProjectDetailOutputSerializer, **errors(403, 404, 409)},
    )


class ProjectPublishApi(_ProjectTransitionApi):
    @_transition_schema("projects_publish", "Publish a draft (owner)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def transition(self, request: Request, project: Any) -> None:
        services.project_publish(project=project, actor=signed_in_user(request))


class ProjectCancelApi(_ProjectTransitionApi):
    @_transition_schema(
        "projects_cancel",
        "Cancel a draft or open project (owner); pending applicants are told",
        ProjectCancelInputSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def transition(self, request: Request, project: Any) -> None:
        serializer = ProjectCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_cancel(
            project=project,
            actor=signed_in_user(request),
            reason=serializer.validated_data["reason"],
        )


class ProjectCompleteApi(_ProjectTransitionApi):
    @_transition_schema("projects_complete", "Mark a project in progress as completed (owner)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def transition(self, request: Request, project: Any) -> None:
        services.project_complete(project=project, actor=signed_in_user(request))


class MilestoneListCreateApi(APIView):
    @extend_schema(
        operation_id="projects_milestones_list",
        summary="A project's milestones",
        responses={200: MilestoneOutputSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        return Response(MilestoneOutputSerializer(project.milestones.all(), many=True).data)

    @extend_schema(
        operation_id="projects_milestones_create",
        summary="Add a milestone (owner; before work starts; within the budget)",
        request=MilestoneInputSerializer,
        responses={201: MilestoneOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        serializer = MilestoneInputSerializer(data=request.data, context={"token": project.budget_token})
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_add(
            project=project,
            actor=signed_in_user(request),
            **serializer.validated_data,
        )
        return Response(MilestoneOutputSerializer(milestone).data, status=status.HTTP_201_CREATED)


# --- applications -----------------------------------------------------------------


class ProjectApplicationsApi(APIView):
    @extend_schema(
        operation_id="projects_applications_list",
        summary="Applications to a project (owner only)",
        responses={200: ApplicationOutputSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        applications = selectors.project_applications(project=project, viewer=signed_in_user(request))
        return paginated(request, applications, ApplicationOutputSerializer, view=self)

    @extend_schema(
        operation_id="projects_applications_create",
        summary="Apply to an open project (needs a contributor profile)",
        request=ApplicationInputSerializer,
        responses={201: ApplicationOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        serializer = ApplicationInputSerializer(data=request.data, context={"token": project.budget_token})
        serializer.is_valid(raise_exception=True)
        application = services.application_submit(
            project=project,
            contributor=signed_in_user(request),
            **serializer.validated_data,
        )
        return Response(ApplicationOutputSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="applications_retrieve",
        summary="Read an application (its author or the project's owner)",
        responses={200: ApplicationOutputSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        application = selectors.application_get(pk=pk, viewer=request.user)
        return Response(ApplicationOutputSerializer(application).data)


class _ApplicationTransitionApi(APIView):
    """Base of POST /applications/{id}/<transition>/."""

    permission_classes = [IsAuthenticated]
    service: Any = None

    def post(self, request: Request, pk: int) -> Response:
        application: Application = selectors.application_get(pk=pk, viewer=request.user)
        type(self).service(application=application, actor=signed_in_user(request))
        application = selectors.application_get(pk=pk, viewer=request.user)
        return Response(ApplicationOutputSerializer(application).data)


def _application_schema(operation_id: str, summary: str) -> Callable[[F], F]:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=None,
        responses={200: ApplicationOutputSerializer, **errors(403, 404, 409)},
    )


class ApplicationShortlistApi(_ApplicationTransitionApi):
    service = services.application_shortlist

    @_application_schema("applications_shortlist", "Shortlist an application (project owner)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ApplicationAcceptApi(_ApplicationTransitionApi):
    service = services.application_accept

    @_application_schema(
        "applications_accept",
        "Accept an application (project owner): the project goes in progress, other applications are rejected",
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ApplicationRejectApi(_ApplicationTransitionApi):
    service = services.application_reject

    @_application_schema("applications_reject", "Reject an application (project owner)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ApplicationWithdrawApi(_ApplicationTransitionApi):
    service = services.application_withdraw

    @_application_schema("applications_withdraw", "Withdraw your application (applicant)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


# --- invitations ------------------------------------------------------------------


class ProjectInvitationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="projects_invitations_create",
        summary="Invite a contributor to apply (owner; open project; once per contributor)",
        request=InvitationInputSerializer,
        responses={201: InvitationOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        serializer = InvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = selectors.contributor_get(pk=serializer.validated_data["contributor"], viewer=request.user)
        invitation = services.invitation_create(project=project, actor=signed_in_user(request), profile=profile)
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


# --- reviews ----------------------------------------------------------------------


class ProjectReviewsApi(APIView):
    @extend_schema(
        operation_id="projects_reviews_list",
        summary="Reviews of a project",
        responses={200: ReviewOutputSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        return Response(ReviewOutputSerializer(selectors.reviews_of_project(project=project), many=True).data)

    @extend_schema(
        operation_id="projects_reviews_create",
        summary="Review the other side of a completed project (once per side)",
        request=ReviewInputSerializer,
        responses={201: ReviewOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(pk=pk, viewer=request.user)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review: Review = services.review_create(
            project=project,
            author=signed_in_user(request),
            **serializer.validated_data,
        )
        return Response(ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


# --- contributors and me ----------------------------------------------------------


class ContributorListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="contributors_list",
        summary="List contributors",
        description="Public contributor profiles. `skills` means all of them (at `min_level` or above); "
        "`rate_max` is in token units.",
        parameters=[
            *_filter_parameters(ContributorFilter),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: ContributorOutputSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        profiles = selectors.contributor_list(filters=request.query_params)
        return paginated(request, profiles, ContributorOutputSerializer, view=self)


class ContributorDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="contributors_retrieve",
        summary="Read a contributor profile",
        responses={200: ContributorDetailOutputSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        profile = selectors.contributor_get(pk=pk, viewer=request.user)
        reputation = selectors.reputation_of(user=profile.user)
        return Response(ContributorDetailOutputSerializer(profile, context={"reputation": reputation}).data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve", summary="The signed-in user", responses={200: MeOutputSerializer, **errors(403)}
    )
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(signed_in_user(request)).data)

    @extend_schema(
        operation_id="me_partial_update",
        summary="Change your display name or e-mail",
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, **errors(400, 403)},
    )
    def patch(self, request: Request) -> Response:
        serializer = MeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=signed_in_user(request), **serializer.validated_data)
        return Response(MeOutputSerializer(user).data)


class MeProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_profile_retrieve",
        summary="Your contributor profile",
        responses={200: ContributorDetailOutputSerializer, **errors(403, 404)},
    )
    def get(self, request: Request) -> Response:
        profile = selectors.profile_of(user=signed_in_user(request))
        if profile is None:
            raise NotFound("You have no contributor profile yet: PUT one here.", code="profile_not_found")
        return self._render(request, profile)

    @extend_schema(
        operation_id="me_profile_update",
        summary="Create or replace your contributor profile",
        request=ProfileInputSerializer,
        responses={200: ContributorDetailOutputSerializer, **errors(400, 403)},
    )
    def put(self, request: Request) -> Response:
        serializer = ProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.profile_upsert(user=signed_in_user(request), **serializer.service_kwargs())
        return self._render(request, profile)

    @extend_schema(
        operation_id="me_profile_partial_update",
        summary="Change some fields of your contributor profile",
        description="`skills`, when given, replaces the whole list.",
        request=ProfileInputSerializer(partial=True),
        responses={200: ContributorDetailOutputSerializer, **errors(400, 403, 404)},
    )
    def patch(self, request: Request) -> Response:
        current = selectors.profile_of(user=signed_in_user(request))
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]})
        merged = {**(profile_as_input(current) if current else {}), **request.data}
        serializer = ProfileInputSerializer(data=merged)
        serializer.is_valid(raise_exception=True)
        profile = services.profile_upsert(user=signed_in_user(request), **serializer.service_kwargs())
        return self._render(request, profile)

    def _render(self, request: Request, profile: ContributorProfile) -> Response:
        profile = selectors.contributor_get(pk=profile.pk, viewer=request.user)
        reputation = selectors.reputation_of(user=profile.user)
        return Response(ContributorDetailOutputSerializer(profile, context={"reputation": reputation}).data)
