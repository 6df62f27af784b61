"""Application services: submit, shortlist, accept, reject, withdraw."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from config.errors import InvalidInput, InvalidState, PermissionDenied
from marketplace import services
from marketplace.models import Application, Project
from notifications.models import Notification
from tests.factories import ApplicationFactory, ContributorProfileFactory, ProjectFactory, UserFactory
from wallets.amounts import MAX_BASE_UNITS

pytestmark = pytest.mark.django_db

USDC = 10**6
Status = Application.Status


def submit(project: Project, contributor: User, **overrides: Any) -> Application:
    data: dict[str, Any] = {
        "project": project,
        "contributor": contributor,
        "cover_letter": "I ran validators on subnets 1 and 18.",
        "proposed_amount": 4_500 * USDC,
        "estimated_days": 21,
    }
    data.update(overrides)
    return services.application_submit(**data)


def applicant(name: str) -> User:
    user = UserFactory(persona=name)
    ContributorProfileFactory(user=user)
    return user


# --- application_submit ---------------------------------------------------------------


def test_a_contributor_applies_and_the_owner_is_told(
    open_project: Project, contributor_bob: User, client_alice: User, inbox: Any
) -> None:
    application = submit(open_project, contributor_bob, cover_letter="  Hire me.  ", proposed_amount=4_500_500_000)

    application = Application.objects.get(pk=application.pk)
    assert application.project == open_project
    assert application.contributor == contributor_bob
    assert application.status == Status.SUBMITTED
    assert application.cover_letter == "Hire me."
    assert application.proposed_amount == 4_500_500_000
    assert application.estimated_days == 21
    assert application.decided_at is None
    assert inbox(client_alice) == [Notification.Kind.APPLICATION_RECEIVED]
    assert inbox(contributor_bob) == []
    notification = Notification.objects.get(recipient=client_alice)
    assert notification.payload == {"project": open_project.pk, "application": application.pk}
    assert "4,500.50 USDC" in notification.body


def test_it_rejects_an_application_to_your_own_project(open_project: Project, client_alice: User, inbox: Any) -> None:
    ContributorProfileFactory(user=client_alice)
    with pytest.raises(PermissionDenied) as excinfo:
        submit(open_project, client_alice)
    assert excinfo.value.code == "own_project"
    assert not Application.objects.exists()
    assert inbox(client_alice) == []


def test_applying_without_a_profile_is_refused(open_project: Project, mallory: User, inbox: Any) -> None:
    with pytest.raises(InvalidState) as excinfo:
        submit(open_project, mallory)
    assert excinfo.value.code == "profile_required"
    assert not Application.objects.exists()
    assert inbox(open_project.owner) == []


def test_applying_twice_is_refused(open_project: Project, contributor_bob: User, inbox: Any) -> None:
    submit(open_project, contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        submit(open_project, contributor_bob, cover_letter="Again")
    assert excinfo.value.code == "already_applied"
    assert Application.objects.count() == 1
    assert inbox(open_project.owner) == [Notification.Kind.APPLICATION_RECEIVED]


@pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.REJECTED])
def test_a_decided_or_shortlisted_application_blocks_a_second_one(
    open_project: Project, contributor_bob: User, status: str
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        submit(open_project, contributor_bob)
    assert excinfo.value.code == "already_applied"
    assert Application.objects.count() == 1


def test_re_applying_after_withdrawal_works(open_project: Project, contributor_bob: User, inbox: Any) -> None:
    first = submit(open_project, contributor_bob)
    services.application_withdraw(application=first, actor=contributor_bob)

    second = submit(open_project, contributor_bob, proposed_amount=4_000 * USDC)

    assert second.pk != first.pk
    assert dict(Application.objects.values_list("pk", "status")) == {
        first.pk: Status.WITHDRAWN,
        second.pk: Status.SUBMITTED,
    }
    assert inbox(open_project.owner) == [
        Notification.Kind.APPLICATION_RECEIVED,
        Notification.Kind.APPLICATION_WITHDRAWN,
        Notification.Kind.APPLICATION_RECEIVED,
    ]
    # And withdrawing and re-applying again keeps the history.
    services.application_withdraw(application=second, actor=contributor_bob)
    submit(open_project, contributor_bob)
    assert Application.objects.filter(contributor=contributor_bob).count() == 3


@pytest.mark.parametrize(
    "project_state",
    [
        {"status": Project.Status.DRAFT, "published_at": None},
        {"status": Project.Status.CANCELLED},
        {"status": Project.Status.IN_PROGRESS},
        {"status": Project.Status.COMPLETED},
        {"status": Project.Status.OPEN, "is_hidden": True},
    ],
)
def test_applying_to_a_project_that_is_not_open_is_refused(
    client_alice: User, contributor_bob: User, contributor_carol: User, project_state: dict[str, Any], inbox: Any
) -> None:
    project = ProjectFactory(owner=client_alice, contributor=contributor_carol, **project_state)
    with pytest.raises(InvalidState) as excinfo:
        submit(project, contributor_bob)
    assert excinfo.value.code == "project_not_open"
    assert not Application.objects.exists()
    assert inbox(client_alice) == []


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"cover_letter": "   "}, "required", "cover_letter"),
        ({"cover_letter": "x" * 10_001}, "too_long", "cover_letter"),
        ({"proposed_amount": 0}, "invalid_amount", "proposed_amount"),
        ({"proposed_amount": -USDC}, "invalid_amount", "proposed_amount"),
        ({"proposed_amount": MAX_BASE_UNITS + 1}, "invalid_amount", "proposed_amount"),
        ({"estimated_days": 0}, "out_of_range", "estimated_days"),
        ({"estimated_days": 3651}, "out_of_range", "estimated_days"),
    ],
)
def test_invalid_application_input_is_refused(
    open_project: Project, contributor_bob: User, overrides: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(open_project, contributor_bob, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.field == field
    assert not Application.objects.exists()


def test_the_limits_of_amount_and_duration_are_accepted(open_project: Project, contributor_bob: User) -> None:
    application = submit(open_project, contributor_bob, proposed_amount=MAX_BASE_UNITS, estimated_days=3650)
    application.refresh_from_db()
    assert (application.proposed_amount, application.estimated_days) == (MAX_BASE_UNITS, 3650)


# --- application_shortlist ------------------------------------------------------------


def test_the_owner_shortlists_a_submitted_application_and_the_applicant_is_told(
    open_project: Project, client_alice: User, contributor_bob: User, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    services.application_shortlist(application=application, actor=client_alice)

    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED
    assert application.decided_at is None
    assert inbox(contributor_bob) == [Notification.Kind.APPLICATION_SHORTLISTED]
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob", "moderator"])
def test_only_the_owner_shortlists(open_project: Project, contributor_bob: User, actor_name: str, request: Any) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    with pytest.raises(PermissionDenied) as excinfo:
        services.application_shortlist(application=application, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN])
def test_only_a_submitted_application_can_be_shortlisted(
    open_project: Project, client_alice: User, contributor_bob: User, status: str, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        services.application_shortlist(application=application, actor=client_alice)
    assert excinfo.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == status
    assert inbox(contributor_bob) == []


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.IN_PROGRESS, Project.Status.CANCELLED])
def test_shortlisting_on_a_project_that_is_not_open_is_refused(
    client_alice: User, contributor_bob: User, contributor_carol: User, status: str
) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_carol)
    application = ApplicationFactory(project=project, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.application_shortlist(application=application, actor=client_alice)
    assert excinfo.value.code == "project_not_open"


# --- application_accept ---------------------------------------------------------------


def test_accepting_starts_the_project_rejects_the_others_and_tells_everyone(
    open_project: Project,
    client_alice: User,
    contributor_bob: User,
    contributor_carol: User,
    inbox: Any,
) -> None:
    dave, erin = applicant("dave"), applicant("erin")
    chosen = ApplicationFactory(project=open_project, contributor=contributor_bob, status=Status.SHORTLISTED)
    submitted = ApplicationFactory(project=open_project, contributor=contributor_carol)
    shortlisted = ApplicationFactory(project=open_project, contributor=dave, status=Status.SHORTLISTED)
    withdrawn = ApplicationFactory(project=open_project, contributor=erin, status=Status.WITHDRAWN)
    elsewhere = ApplicationFactory(contributor=contributor_carol)  # another project: untouched

    services.application_accept(application=chosen, actor=client_alice)

    open_project.refresh_from_db()
    assert open_project.status == Project.Status.IN_PROGRESS
    assert open_project.contributor == contributor_bob
    chosen.refresh_from_db()
    assert chosen.status == Status.ACCEPTED
    assert chosen.decided_at is not None
    for other in (submitted, shortlisted):
        other.refresh_from_db()
        assert other.status == Status.REJECTED
        assert other.decided_at == chosen.decided_at
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.WITHDRAWN
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SUBMITTED
    assert inbox(contributor_bob) == [Notification.Kind.APPLICATION_ACCEPTED]
    assert inbox(contributor_carol) == [Notification.Kind.APPLICATION_REJECTED]
    assert inbox(dave) == [Notification.Kind.APPLICATION_REJECTED]
    assert inbox(erin) == []
    assert inbox(client_alice) == []
    rejection = Notification.objects.get(recipient=dave)
    assert rejection.payload == {"project": open_project.pk, "application": shortlisted.pk}


def test_a_submitted_application_can_be_accepted_directly(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    services.application_accept(application=application, actor=client_alice)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob", "contributor_carol", "moderator"])
def test_only_the_owner_accepts(
    open_project: Project, contributor_bob: User, actor_name: str, request: Any, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    with pytest.raises(PermissionDenied) as excinfo:
        services.application_accept(application=application, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    application.refresh_from_db()
    open_project.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert open_project.status == Project.Status.OPEN
    assert open_project.contributor is None
    assert inbox(contributor_bob) == []


def test_accepting_on_a_project_that_already_has_a_contributor_is_refused(
    open_project: Project, client_alice: User, contributor_bob: User, contributor_carol: User
) -> None:
    first = ApplicationFactory(project=open_project, contributor=contributor_bob)
    late = ApplicationFactory(project=open_project, contributor=contributor_carol)
    services.application_accept(application=first, actor=client_alice)

    with pytest.raises(InvalidState) as excinfo:
        services.application_accept(application=late, actor=client_alice)

    assert excinfo.value.code == "project_not_open"
    open_project.refresh_from_db()
    assert open_project.contributor == contributor_bob
    late.refresh_from_db()
    assert late.status == Status.REJECTED


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.CANCELLED, Project.Status.COMPLETED])
def test_accepting_on_a_project_that_is_not_open_is_refused(
    client_alice: User, contributor_bob: User, contributor_carol: User, status: str
) -> None:
    project = ProjectFactory(owner=client_alice, status=status, contributor=contributor_carol)
    application = ApplicationFactory(project=project, contributor=contributor_bob)
    with pytest.raises(InvalidState) as excinfo:
        services.application_accept(application=application, actor=client_alice)
    assert excinfo.value.code == "project_not_open"
    project.refresh_from_db()
    assert project.status == status
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.REJECTED, Status.WITHDRAWN])
def test_a_closed_application_cannot_be_accepted(
    open_project: Project, client_alice: User, contributor_bob: User, status: str
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        services.application_accept(application=application, actor=client_alice)
    assert excinfo.value.code == "invalid_transition"
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN
    assert open_project.contributor is None


def test_transitions_check_the_stored_state_not_a_stale_copy(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    stale = ApplicationFactory(project=open_project, contributor=contributor_bob)
    services.application_withdraw(application=Application.objects.get(pk=stale.pk), actor=contributor_bob)
    assert stale.status == Status.SUBMITTED  # the caller's copy is out of date

    with pytest.raises(InvalidState) as excinfo:
        services.application_accept(application=stale, actor=client_alice)

    assert excinfo.value.code == "invalid_transition"
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN


# --- application_reject ---------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SHORTLISTED])
def test_the_owner_rejects_an_active_application_and_the_applicant_is_told(
    open_project: Project, client_alice: User, contributor_bob: User, status: str, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)

    services.application_reject(application=application, actor=client_alice)

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.decided_at is not None
    assert inbox(contributor_bob) == [Notification.Kind.APPLICATION_REJECTED]
    open_project.refresh_from_db()
    assert open_project.status == Project.Status.OPEN


@pytest.mark.parametrize("actor_name", ["mallory", "contributor_bob", "moderator"])
def test_only_the_owner_rejects(open_project: Project, contributor_bob: User, actor_name: str, request: Any) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    with pytest.raises(PermissionDenied) as excinfo:
        services.application_reject(application=application, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_owner"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN])
def test_a_decided_application_cannot_be_rejected(
    open_project: Project, client_alice: User, contributor_bob: User, status: str, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        services.application_reject(application=application, actor=client_alice)
    assert excinfo.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == status
    assert inbox(contributor_bob) == []


# --- application_withdraw -------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SHORTLISTED])
def test_the_applicant_withdraws_and_the_owner_is_told(
    open_project: Project, client_alice: User, contributor_bob: User, status: str, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)

    services.application_withdraw(application=application, actor=contributor_bob)

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.decided_at is not None
    assert inbox(client_alice) == [Notification.Kind.APPLICATION_WITHDRAWN]
    assert inbox(contributor_bob) == []


@pytest.mark.parametrize("actor_name", ["client_alice", "mallory", "contributor_carol", "moderator"])
def test_only_the_applicant_withdraws(
    open_project: Project, contributor_bob: User, actor_name: str, request: Any, inbox: Any
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    with pytest.raises(PermissionDenied) as excinfo:
        services.application_withdraw(application=application, actor=request.getfixturevalue(actor_name))
    assert excinfo.value.code == "not_applicant"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert inbox(open_project.owner) == []


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN])
def test_a_decided_application_cannot_be_withdrawn(open_project: Project, contributor_bob: User, status: str) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob, status=status)
    with pytest.raises(InvalidState) as excinfo:
        services.application_withdraw(application=application, actor=contributor_bob)
    assert excinfo.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == status


def test_an_accepted_contributor_cannot_walk_away_by_withdrawing(
    open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    application = submit(open_project, contributor_bob)
    services.application_accept(application=application, actor=client_alice)
    with pytest.raises(InvalidState) as excinfo:
        services.application_withdraw(application=application, actor=contributor_bob)
    assert excinfo.value.code == "invalid_transition"
    open_project.refresh_from_db()
    assert open_project.contributor == contributor_bob
