"""Matching endpoints: /projects/{id}/matches/, /contributors/{id}/matches/, /search/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer, PageNumberPagination, signed_in_user
from marketplace import selectors as marketplace_selectors
from marketplace.models import ContributorProfile, Skill
from marketplace.serializers import ContributorOutputSerializer, ProjectListOutputSerializer
from matching import selectors
from matching.engine.ranking import Filters

MAX_RESULTS = 200

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid filter or query."),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not the owner (project) or not yourself (contributor)."),
    404: OpenApiResponse(ErrorSerializer, description="No such project or contributor."),
}


class MatchFilterSerializer(serializers.Serializer[Any]):
    must_have = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Skill.objects.all(),
        many=True,
        required=False,
        help_text="Skill slugs, all required.",
    )
    availability = serializers.ListField(
        child=serializers.ChoiceField(choices=ContributorProfile.Availability.choices), required=False
    )
    rate_min = serializers.DecimalField(max_digits=40, decimal_places=18, min_value=0, required=False)
    rate_max = serializers.DecimalField(max_digits=40, decimal_places=18, min_value=0, required=False)
    rate_token = serializers.CharField(max_length=12, required=False)
    min_rating = serializers.FloatField(min_value=1, max_value=5, required=False)
    exclude_applied = serializers.BooleanField(default=True)

    def to_filters(self) -> Filters:
        data = self.validated_data
        return Filters(
            must_have=frozenset(s.slug for s in data.get("must_have", [])),
            availability=frozenset(data.get("availability", [])),
            rate_min=float(data["rate_min"]) if "rate_min" in data else None,
            rate_max=float(data["rate_max"]) if "rate_max" in data else None,
            rate_token=data.get("rate_token"),
            min_rating=data.get("min_rating"),
            exclude_applied=data["exclude_applied"],
        )


def _filters(request: Request) -> Filters:
    params = request.query_params
    data: dict[str, Any] = {k: params.get(k) for k in params if k not in {"must_have", "availability"}}
    data["must_have"] = params.getlist("must_have")
    data["availability"] = params.getlist("availability")
    serializer = MatchFilterSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.to_filters()


FILTER_PARAMETERS = [
    OpenApiParameter("must_have", str, many=True, explode=True, description="Skill slugs the result must have."),
    OpenApiParameter("availability", str, many=True, explode=True, description="available | limited"),
    OpenApiParameter("rate_min", str, description="Hourly rate at least (token units, with rate_token)."),
    OpenApiParameter("rate_max", str, description="Hourly rate at most (token units, with rate_token)."),
    OpenApiParameter("rate_token", str, description="Token symbol the rate bounds are in."),
    OpenApiParameter("min_rating", float, description="Minimum average rating (1-5)."),
    OpenApiParameter("exclude_applied", bool, description="Leave out those who already applied (default true)."),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]

ReasonsSerializer = inline_serializer(
    "MatchReasons",
    fields={
        "similarity": serializers.FloatField(),
        "matched_skills": serializers.ListField(child=serializers.CharField()),
        "missing_skills": serializers.ListField(child=serializers.CharField()),
        "nice_to_have_matched": serializers.ListField(child=serializers.CharField()),
        "factors": serializers.ListField(
            child=inline_serializer(
                "MatchFactor",
                fields={
                    "name": serializers.CharField(),
                    "value": serializers.FloatField(),
                    "weight": serializers.FloatField(),
                    "contribution": serializers.FloatField(),
                    "detail": serializers.CharField(),
                },
            )
        ),
    },
)


def _page(request: Request, items: list[dict[str, Any]], view: APIView) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(page)


def _wanted(request: Request) -> int:
    """How many ranked results the requested page needs (capped)."""
    try:
        page = max(1, int(request.query_params.get("page", 1)))
        size = min(100, max(1, int(request.query_params.get("page_size", 20))))
    except ValueError:
        page, size = 1, 20
    return min(MAX_RESULTS, page * size)


def _contributor_results(matches: list[selectors.ContributorMatch]) -> list[dict[str, Any]]:
    contributors = ContributorOutputSerializer([m.profile for m in matches], many=True).data
    return [
        {"contributor": contributor, "score": round(m.match.score, 4), "reasons": m.match.reasons()}
        for m, contributor in zip(matches, contributors, strict=True)
    ]


def _project_results(matches: list[selectors.ProjectMatch]) -> list[dict[str, Any]]:
    projects = ProjectListOutputSerializer([m.project for m in matches], many=True).data
    return [
        {"project": project, "score": round(m.match.score, 4), "reasons": m.match.reasons()}
        for m, project in zip(matches, projects, strict=True)
    ]


def _paginated(name: str, item: Any) -> Any:
    return inline_serializer(
        f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializers.ListField(child=item),
        },
    )


ContributorMatchPage = _paginated(
    "ContributorMatch",
    inline_serializer(
        "ContributorMatch",
        fields={
            "contributor": ContributorOutputSerializer(),
            "score": serializers.FloatField(),
            "reasons": ReasonsSerializer,
        },
    ),
)
ProjectMatchPage = _paginated(
    "ProjectMatch",
    inline_serializer(
        "ProjectMatch",
        fields={
            "project": ProjectListOutputSerializer(),
            "score": serializers.FloatField(),
            "reasons": ReasonsSerializer,
        },
    ),
)


class ProjectMatchesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="projects_matches",
        summary="Recommended contributors for a project (owner)",
        description="FAISS candidates re-ranked by similarity, skill coverage and level, availability, rate "
        "against budget, reputation and recency; each result carries its reasons.",
        parameters=FILTER_PARAMETERS,
        responses={200: ContributorMatchPage, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = marketplace_selectors.project_get(pk=pk, viewer=request.user)
        matches = selectors.matches_for_project(
            project=project, viewer=signed_in_user(request), filters=_filters(request), limit=_wanted(request)
        )
        return _page(request, _contributor_results(matches), self)


class ContributorMatchesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="contributors_matches",
        summary="Open projects recommended to a contributor (the contributor)",
        parameters=FILTER_PARAMETERS,
        responses={200: ProjectMatchPage, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        profile = marketplace_selectors.contributor_get(pk=pk, viewer=request.user)
        matches = selectors.matches_for_profile(
            profile=profile, viewer=signed_in_user(request), filters=_filters(request), limit=_wanted(request)
        )
        return _page(request, _project_results(matches), self)


class SearchApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        summary="Semantic search of open projects or contributors",
        description="`q` is free text (“someone who has run a Bittensor validator and knows PyTorch”).",
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str, enum=["projects", "contributors"], description="Default: projects."),
            *FILTER_PARAMETERS,
        ],
        responses={200: OpenApiTypes.OBJECT, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "projects")
        query = request.query_params.get("q", "")
        filters = _filters(request)
        if kind == "contributors":
            return _page(
                request,
                _contributor_results(
                    selectors.search_contributors(query=query, filters=filters, limit=_wanted(request))
                ),
                self,
            )
        if kind != "projects":
            raise serializers.ValidationError({"kind": ["Use kind=projects or kind=contributors."]})
        return _page(
            request,
            _project_results(
                selectors.search_projects(query=query, viewer=request.user, filters=filters, limit=_wanted(request))
            ),
            self,
        )
