"""/api/v1/ routes of matching."""

from __future__ import annotations

from django.urls import path

from matching import api

app_name = "matching"

urlpatterns = [
    path("projects/<int:pk>/matches/", api.ProjectMatchesApi.as_view(), name="project-matches"),
    path("contributors/<int:pk>/matches/", api.ContributorMatchesApi.as_view(), name="contributor-matches"),
    path("search/", api.SearchApi.as_view(), name="search"),
]
