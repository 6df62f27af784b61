"""Races on the application state machine, on PostgreSQL.

SQLite serialises writers and ignores ``select_for_update``, so these tests only
mean something on PostgreSQL (DATABASE_URL=postgres://...). Each worker thread has
its own database connection (Django's are per thread) and closes it when done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from config.errors import DomainError
from marketplace import services
from marketplace.models import Application, Project
from notifications.models import Notification
from tests.concurrency import race
from tests.factories import ApplicationFactory, ContributorProfileFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="select_for_update is a no-op on SQLite: race tests need PostgreSQL (set DATABASE_URL)",
    ),
    # serialized_rollback restores the rows the migrations create (tokens, skills)
    # that the flush after each transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

N = 20


def codes(results: list[Any]) -> list[str]:
    return sorted(r.code for r in results if isinstance(r, DomainError))


def test_concurrent_accepts_on_one_project_choose_exactly_one_contributor(client_alice: User) -> None:
    project = ProjectFactory(owner=client_alice)
    applicants = [UserFactory(persona=f"racer{i}") for i in range(N)]
    for user in applicants:
        ContributorProfileFactory(user=user)
    ids = [ApplicationFactory(project=project, contributor=user).pk for user in applicants]

    def accept(pk: int) -> Callable[[], Application]:
        return lambda: services.application_accept(
            application=Application.objects.get(pk=pk), actor=User.objects.get(pk=client_alice.pk)
        )

    results = race([accept(pk) for pk in ids])

    winners = [r for r in results if isinstance(r, Application)]
    assert len(winners) == 1
    assert codes(results) == ["project_not_open"] * (N - 1)
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert project.contributor_id == winners[0].contributor_id
    statuses = dict(Application.objects.filter(project=project).values_list("pk", "status"))
    assert statuses.pop(winners[0].pk) == Application.Status.ACCEPTED
    assert set(statuses.values()) == {Application.Status.REJECTED}
    assert Notification.objects.filter(kind=Notification.Kind.APPLICATION_ACCEPTED).count() == 1
    assert Notification.objects.get(kind=Notification.Kind.APPLICATION_ACCEPTED).recipient_id == project.contributor_id
    rejected_recipients = list(
        Notification.objects.filter(kind=Notification.Kind.APPLICATION_REJECTED).values_list("recipient", flat=True)
    )
    assert sorted(rejected_recipients) == sorted(u.pk for u in applicants if u.pk != project.contributor_id)


def test_concurrent_submissions_by_one_contributor_create_one_application(
    open_project: Project, contributor_bob: User
) -> None:
    def submit(i: int) -> Callable[[], Application]:
        return lambda: services.application_submit(
            project=Project.objects.get(pk=open_project.pk),
            contributor=User.objects.get(pk=contributor_bob.pk),
            cover_letter=f"Attempt {i}",
            proposed_amount=4_000 * 10**6 + i,
            estimated_days=10,
        )

    results = race([submit(i) for i in range(N)])

    assert len([r for r in results if isinstance(r, Application)]) == 1
    assert codes(results) == ["already_applied"] * (N - 1)
    assert Application.objects.filter(project=open_project, contributor=contributor_bob).count() == 1
    assert Notification.objects.filter(recipient=open_project.owner).count() == 1


def test_concurrent_submissions_by_different_contributors_all_succeed(open_project: Project) -> None:
    applicants = [UserFactory(persona=f"many{i}") for i in range(N)]
    for user in applicants:
        ContributorProfileFactory(user=user)

    def submit(user: User) -> Callable[[], Application]:
        return lambda: services.application_submit(
            project=Project.objects.get(pk=open_project.pk),
            contributor=user,
            cover_letter="Hire me.",
            proposed_amount=10**6,
            estimated_days=5,
        )

    results = race([submit(user) for user in applicants])

    assert all(isinstance(r, Application) for r in results)
    assert Application.objects.filter(project=open_project).count() == N
    assert Notification.objects.filter(recipient=open_project.owner).count() == N


def test_accept_and_withdraw_racing_leave_a_consistent_state(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    results = race(
        [
            lambda: services.application_accept(
                application=Application.objects.get(pk=application.pk), actor=User.objects.get(pk=client_alice.pk)
            ),
            lambda: services.application_withdraw(
                application=Application.objects.get(pk=application.pk), actor=User.objects.get(pk=contributor_bob.pk)
            ),
        ]
    )

    assert codes(results) == ["invalid_transition"]
    application.refresh_from_db()
    open_project.refresh_from_db()
    if application.status == Application.Status.ACCEPTED:
        assert (open_project.status, open_project.contributor_id) == (Project.Status.IN_PROGRESS, contributor_bob.pk)
    else:
        assert application.status == Application.Status.WITHDRAWN
        assert (open_project.status, open_project.contributor_id) == (Project.Status.OPEN, None)


def test_a_transition_locks_only_its_own_project_and_applications(
    client_alice: User, contributor_bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two projects of one owner, in one token, with one applicant: a transition on
    # the first must not hold the owner's, the token's or the applicant's rows,
    # or every transition on the site would queue behind it.
    first, second = ProjectFactory(owner=client_alice), ProjectFactory(owner=client_alice)
    app_first = ApplicationFactory(project=first, contributor=contributor_bob)
    app_second = ApplicationFactory(project=second, contributor=contributor_bob)
    inside, release = threading.Event(), threading.Event()
    real_notify = services.notify

    def notify_slowly_in_the_holder(**kwargs: Any) -> Notification:
        if threading.current_thread().name == "holder":
            inside.set()
            release.wait(timeout=30)
        return real_notify(**kwargs)

    monkeypatch.setattr(services, "notify", notify_slowly_in_the_holder)
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            services.application_shortlist(application=app_first, actor=client_alice)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold, name="holder")
    holder.start()
    try:
        assert inside.wait(timeout=30)

        def other_project() -> Application:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '3s'")
                return services.application_shortlist(application=app_second, actor=client_alice)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            shortlisted = pool.submit(other_project).result(timeout=30)
    finally:
        release.set()
        holder.join(timeout=30)

    assert not errors
    assert shortlisted.status == Application.Status.SHORTLISTED
    assert set(Application.objects.values_list("status", flat=True)) == {Application.Status.SHORTLISTED}
