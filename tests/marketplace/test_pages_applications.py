"""Applying, the owner's inbox and the decisions on applications, through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import Application, Project
from notifications.models import Notification
from tests.factories import ApplicationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def apply_url(project: Project) -> str:
    return reverse("marketplace:application_create", args=[project.pk])


def inbox_url(project: Project) -> str:
    return reverse("marketplace:project_applications", args=[project.pk])


APPLICATION = {
    "cover_letter": "I run validators on subnets 1 and 18.",
    "proposed_amount": "4500.25",
    "estimated_days": "21",
}


# --- apply --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_before_applying(browser_as: Any, open_project: Project) -> None:
    response = browser_as(None).get(apply_url(open_project))

    assertRedirects(
        response, f"{reverse('accounts:login')}?next={apply_url(open_project)}", fetch_redirect_response=False
    )


def test_a_contributor_sees_the_form_with_the_project_token(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    response = browser_as(contributor_bob).get(apply_url(open_project))

    assertContains(response, "Cover letter")
    assertContains(response, "In USDC, for the whole project (up to 6 decimal places).")
    assertContains(response, "Send application")


def test_a_contributor_applies_through_the_form(browser_as: Any, open_project: Project, contributor_bob: User) -> None:
    response = browser_as(contributor_bob).post(apply_url(open_project), APPLICATION, follow=True)

    application = Application.objects.get(project=open_project, contributor=contributor_bob)
    assert application.proposed_amount == 4_500_250_000
    assert application.estimated_days == 21
    assert application.status == Application.Status.SUBMITTED
    assertRedirects(response, application.get_absolute_url())
    assertContains(response, "Your application to")
    assertContains(response, "4,500.25 USDC")
    assert Notification.objects.filter(recipient=open_project.owner, kind="application_received").exists()


def test_an_invalid_price_is_a_field_error(browser_as: Any, open_project: Project, contributor_bob: User) -> None:
    data = {**APPLICATION, "proposed_amount": "12.1234567", "cover_letter": ""}

    response = browser_as(contributor_bob).post(apply_url(open_project), data)

    assertContains(response, "This token has 6 decimal places; the amount has 7.")
    assertContains(response, 'id="id_proposed_amount_error"')
    assertContains(response, 'id="id_cover_letter_error"')
    assert not Application.objects.exists()


def test_without_a_profile_the_page_explains_and_links_to_create_one(
    browser_as: Any, open_project: Project, mallory: User
) -> None:
    get = browser_as(mallory).get(apply_url(open_project))
    post = browser_as(mallory).post(apply_url(open_project), APPLICATION)

    for response in (get, post):
        assertContains(response, "First, create your contributor profile")
        assertContains(response, reverse("marketplace:profile_edit"))
    assert not Application.objects.exists()


def test_the_owner_is_sent_to_the_inbox_instead(browser_as: Any, open_project: Project) -> None:
    response = browser_as(open_project.owner).get(apply_url(open_project))

    assertRedirects(response, inbox_url(open_project))


def test_applying_twice_leads_to_the_existing_application(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(contributor_bob).get(apply_url(open_project), follow=True)

    assertRedirects(response, application.get_absolute_url())
    assertContains(response, "You have already applied")


def test_a_closed_project_does_not_show_the_form(browser_as: Any, client_alice: User, contributor_bob: User) -> None:
    project = ProjectFactory(owner=client_alice, status=Project.Status.CANCELLED)

    response = browser_as(contributor_bob).get(apply_url(project))

    assertContains(response, "This project is not open for applications")
    assertNotContains(response, "Send application")


# --- inbox --------------------------------------------------------------------------


def test_the_owner_sees_each_application_with_its_actions(
    browser_as: Any, open_project: Project, contributor_bob: User, contributor_carol: User
) -> None:
    ApplicationFactory(project=open_project, contributor=contributor_bob, cover_letter="Bob's **plan**")
    ApplicationFactory(project=open_project, contributor=contributor_carol, status=Application.Status.SHORTLISTED)

    response = browser_as(open_project.owner).get(inbox_url(open_project))

    assertContains(response, "Bob Builder")
    assertContains(response, "Carol Coder")
    assertContains(response, "ZK-ML researcher")  # Carol's profile headline
    assertContains(response, "<strong>plan</strong>", html=False)
    assertContains(response, "4,500 USDC", count=2)
    assertContains(response, ">Shortlist</button>", count=1)  # only the submitted one can be shortlisted
    assertContains(response, "Accept…", count=2)
    assertContains(response, "Decline", count=2)
    assertContains(response, 'name="csrfmiddlewaretoken"')


def test_the_inbox_is_403_for_others_and_asks_anonymous_to_sign_in(
    browser_as: Any, open_project: Project, mallory: User
) -> None:
    assertContains(browser_as(mallory).get(inbox_url(open_project)), "see its applications", status_code=403)
    assert browser_as(None).get(inbox_url(open_project)).status_code == 302


def test_an_empty_inbox_says_so(browser_as: Any, open_project: Project) -> None:
    assertContains(browser_as(open_project.owner).get(inbox_url(open_project)), "No applications yet")


def test_the_owner_shortlists_from_the_inbox(browser_as: Any, open_project: Project, contributor_bob: User) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    url = reverse("marketplace:application_shortlist", args=[application.pk])

    response = browser_as(open_project.owner).post(url, {"next": inbox_url(open_project)}, follow=True)

    application.refresh_from_db()
    assert application.status == Application.Status.SHORTLISTED
    assertRedirects(response, inbox_url(open_project))
    assertContains(response, "Bob Builder is shortlisted")


def test_the_owner_declines_an_application(browser_as: Any, open_project: Project, contributor_bob: User) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(open_project.owner).post(
        reverse("marketplace:application_reject", args=[application.pk]), follow=True
    )

    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assertContains(response, "is declined")
    assertContains(response, "Decided")


def test_accepting_asks_for_confirmation_then_starts_the_project(
    browser_as: Any, open_project: Project, contributor_bob: User, contributor_carol: User
) -> None:
    bob = ApplicationFactory(project=open_project, contributor=contributor_bob)
    carol = ApplicationFactory(project=open_project, contributor=contributor_carol)
    url = reverse("marketplace:application_accept", args=[bob.pk])
    owner = browser_as(open_project.owner)

    confirm = owner.get(url)
    assertContains(confirm, "Hire Bob Builder?")
    assertContains(confirm, "declines every other pending application")
    bob.refresh_from_db()
    assert bob.status == Application.Status.SUBMITTED  # a GET changes nothing

    response = owner.post(url, follow=True)

    bob.refresh_from_db()
    carol.refresh_from_db()
    open_project.refresh_from_db()
    assert bob.status == Application.Status.ACCEPTED
    assert carol.status == Application.Status.REJECTED
    assert open_project.status == Project.Status.IN_PROGRESS
    assert open_project.contributor == contributor_bob
    assertRedirects(response, open_project.get_absolute_url())
    assertContains(response, "You hired Bob Builder")
    assertContains(response, "Mark completed")


def test_accepting_an_application_twice_renders_the_error_page(
    browser_as: Any, open_project: Project, contributor_bob: User, contributor_carol: User
) -> None:
    bob = ApplicationFactory(project=open_project, contributor=contributor_bob)
    carol = ApplicationFactory(project=open_project, contributor=contributor_carol)
    owner = browser_as(open_project.owner)
    owner.post(reverse("marketplace:application_accept", args=[bob.pk]))

    response = owner.post(reverse("marketplace:application_accept", args=[carol.pk]))

    assertContains(response, "The project is no longer open", status_code=409)


def test_strangers_cannot_decide_or_even_see_an_application(
    browser_as: Any, open_project: Project, contributor_bob: User, mallory: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    client = browser_as(mallory)

    for name in ("application_shortlist", "application_reject", "application_accept"):
        assert client.post(reverse(f"marketplace:{name}", args=[application.pk])).status_code == 404
    assert client.get(application.get_absolute_url()).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_applicant_cannot_accept_their_own_application(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(contributor_bob).post(reverse("marketplace:application_accept", args=[application.pk]))

    assert response.status_code == 403


# --- application page and withdrawal ------------------------------------------------------


def test_the_applicant_and_the_owner_see_the_application_page(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    as_bob = browser_as(contributor_bob).get(application.get_absolute_url())
    as_owner = browser_as(open_project.owner).get(application.get_absolute_url())

    assertContains(as_bob, "Your application")
    assertContains(as_bob, "Withdraw application")
    assertNotContains(as_bob, "Accept…")
    assertContains(as_owner, "Application from Bob Builder")
    assertContains(as_owner, "Accept…")
    assertNotContains(as_owner, "Withdraw application")


def test_the_applicant_withdraws_after_confirming(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)
    url = reverse("marketplace:application_withdraw", args=[application.pk])
    client = browser_as(contributor_bob)

    assertContains(client.get(url), "Withdraw your application?")
    response = client.post(url, follow=True)

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assertRedirects(response, open_project.get_absolute_url())
    assertContains(response, "is withdrawn")
    assertContains(response, "Apply to this project")  # may apply again


def test_the_owner_cannot_withdraw_for_the_applicant(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    application = ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(open_project.owner).post(reverse("marketplace:application_withdraw", args=[application.pk]))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
