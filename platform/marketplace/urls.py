from __future__ import annotations

from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/publish/", views.project_publish, name="project_publish"),
    path("projects/<int:pk>/cancel/", views.project_cancel, name="project_cancel"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project_complete"),
    path("projects/<int:pk>/apply/", views.application_create, name="application_create"),
    path("projects/<int:pk>/invite/<int:profile_pk>/", views.invitation_create, name="invitation_create"),
    path("projects/<int:pk>/applications/", views.project_applications, name="project_applications"),
    path("projects/<int:pk>/review/", views.review_create, name="review_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/shortlist/", views.application_shortlist, name="application_shortlist"),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("contributors/", views.contributor_list, name="contributor_list"),
    path("contributors/<int:pk>/", views.contributor_detail, name="contributor_detail"),
    path("users/<str:address>/", views.user_detail, name="user_detail"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
