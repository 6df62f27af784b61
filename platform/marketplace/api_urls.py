"""/api/v1/ routes of the marketplace."""

from __future__ import annotations

from django.urls import path

from marketplace import api

app_name = "api"

urlpatterns = [
    path("skills/", api.SkillListApi.as_view(), name="skill-list"),
    path("tokens/", api.TokenListApi.as_view(), name="token-list"),
    path("projects/", api.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:pk>/publish/", api.ProjectPublishApi.as_view(), name="project-publish"),
    path("projects/<int:pk>/cancel/", api.ProjectCancelApi.as_view(), name="project-cancel"),
    path("projects/<int:pk>/complete/", api.ProjectCompleteApi.as_view(), name="project-complete"),
    path("projects/<int:pk>/milestones/", api.MilestoneListCreateApi.as_view(), name="project-milestones"),
    path("projects/<int:pk>/applications/", api.ProjectApplicationsApi.as_view(), name="project-applications"),
    path("projects/<int:pk>/reviews/", api.ProjectReviewsApi.as_view(), name="project-reviews"),
    path("projects/<int:pk>/invitations/", api.ProjectInvitationsApi.as_view(), name="project-invitations"),
    path("applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/shortlist/", api.ApplicationShortlistApi.as_view(), name="application-shortlist"),
    path("applications/<int:pk>/accept/", api.ApplicationAcceptApi.as_view(), name="application-accept"),
    path("applications/<int:pk>/reject/", api.ApplicationRejectApi.as_view(), name="application-reject"),
    path("applications/<int:pk>/withdraw/", api.ApplicationWithdrawApi.as_view(), name="application-withdraw"),
    path("contributors/", api.ContributorListApi.as_view(), name="contributor-list"),
    path("contributors/<int:pk>/", api.ContributorDetailApi.as_view(), name="contributor-detail"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("me/profile/", api.MeProfileApi.as_view(), name="me-profile"),
]
