"""Posting and editing a project through the web form (with its milestones formset)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import Project
from tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("marketplace:project_create")


def project_data(**overrides: Any) -> dict[str, Any]:
    """A valid POST for the project form: no milestones, four blank extra rows."""
    data: dict[str, Any] = {
        "title": "Bittensor subnet validator",
        "summary": "Run and harden a validator for a text-generation subnet.",
        "description": "We need a **validator** with scoring and monitoring.",
        "category": "subnets",
        "required_skills": ["bittensor", "pytorch"],
        "nice_to_have_skills": ["mlops"],
        "budget_amount": "1500.5",
        "budget_token": "USDC",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "action": "publish",
        "milestones-TOTAL_FORMS": "4",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "20",
    }
    for index in range(4):
        for name in ("title", "amount", "due_date", "description"):
            data[f"milestones-{index}-{name}"] = ""
    data.update(overrides)
    return data


def with_milestones(data: dict[str, Any], *rows: tuple[str, str]) -> dict[str, Any]:
    for index, (title, amount) in enumerate(rows):
        data[f"milestones-{index}-title"] = title
        data[f"milestones-{index}-amount"] = amount
    return data


def test_anonymous_visitors_are_sent_to_sign_in(browser_as: Any) -> None:
    response = browser_as(None).get(CREATE)

    assertRedirects(response, f"{reverse('accounts:login')}?next={CREATE}", fetch_redirect_response=False)


def test_the_form_has_labelled_fields_grouped_skills_and_milestone_rows(browser_as: Any, client_alice: User) -> None:
    response = browser_as(client_alice).get(CREATE)

    assertContains(response, '<label for="id_title">Title</label>', html=True)
    assertContains(response, 'aria-describedby="id_title_helptext"')
    assertContains(response, "Markdown:")
    assertContains(response, "Decentralized AI networks")  # a skill group
    assertContains(response, 'name="milestones-3-title"')
    assertNotContains(response, 'name="milestones-4-title"')
    assertContains(response, "Save as draft")
    assertContains(response, "Publish project")


def test_posting_a_project_with_two_milestones_stores_exact_base_units(browser_as: Any, client_alice: User) -> None:
    data = with_milestones(project_data(), ("Prototype", "500.25"), ("Production", "1000"))
    data["milestones-0-due_date"] = (timezone.localdate() + timedelta(days=10)).isoformat()

    response = browser_as(client_alice).post(CREATE, data, follow=True)

    project = Project.objects.get(title="Bittensor subnet validator")
    assertRedirects(response, project.get_absolute_url())
    assert project.owner == client_alice
    assert project.status == Project.Status.OPEN
    assert project.budget_amount == 1_500_500_000
    assert project.budget_token.symbol == "USDC"
    assert sorted(s.slug for s in project.required_skills.all()) == ["bittensor", "pytorch"]
    assert [s.slug for s in project.nice_to_have_skills.all()] == ["mlops"]
    milestones = list(project.milestones.order_by("order"))
    assert [(m.title, m.amount, m.order) for m in milestones] == [
        ("Prototype", 500_250_000, 1),
        ("Production", 1_000_000_000, 2),
    ]
    assert milestones[0].due_date is not None
    assertContains(response, "is published")  # the flash message
    assertContains(response, "1,500.50 USDC")


def test_save_as_draft_keeps_the_project_private(browser_as: Any, client_alice: User) -> None:
    browser_as(client_alice).post(CREATE, project_data(action="draft"))

    project = Project.objects.get()
    assert project.status == Project.Status.DRAFT
    assert project.published_at is None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1500.1234567", "This token has 6 decimal places; the amount has 7."),
        ("-5", "The amount cannot be negative."),
        ("0", "The amount must be greater than zero."),
        ("lots", "is not a number"),
    ],
)
def test_an_invalid_budget_is_a_field_error(browser_as: Any, client_alice: User, amount: str, message: str) -> None:
    response = browser_as(client_alice).post(CREATE, project_data(budget_amount=amount))

    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'id="id_budget_amount_error"')
    assert not Project.objects.exists()


def test_milestones_over_budget_are_refused_with_the_service_message(browser_as: Any, client_alice: User) -> None:
    data = with_milestones(project_data(budget_amount="1000"), ("One", "600"), ("Two", "600"))

    response = browser_as(client_alice).post(CREATE, data)

    assertContains(response, "The milestones add up to 1,200 USDC, more than the budget of 1,000 USDC.")
    assertContains(response, 'id="milestones-errors"')
    assert not Project.objects.exists()


def test_a_milestone_amount_with_too_many_decimals_is_a_row_error(browser_as: Any, client_alice: User) -> None:
    data = with_milestones(project_data(), ("One", "1.0000001"))

    response = browser_as(client_alice).post(CREATE, data)

    assertContains(response, "This token has 6 decimal places; the amount has 7.")
    assertContains(response, 'id="id_milestones-0-amount_error"')


def test_a_missing_title_is_a_field_error_and_the_input_is_kept(browser_as: Any, client_alice: User) -> None:
    response = browser_as(client_alice).post(CREATE, project_data(title=""))

    assertContains(response, "This field is required.")
    assertContains(response, 'id="id_title_error"')
    assertContains(response, "Please correct the fields marked below.")
    assertContains(response, "Run and harden a validator")  # the summary survives
    assert not Project.objects.exists()


def test_a_skill_both_required_and_nice_to_have_is_a_field_error(browser_as: Any, client_alice: User) -> None:
    response = browser_as(client_alice).post(CREATE, project_data(nice_to_have_skills=["bittensor"]))

    assertContains(response, "Bittensor cannot be both required and nice to have.")
    assertContains(response, 'id="id_nice_to_have_skills_error"')


def test_a_past_deadline_is_a_field_error(browser_as: Any, client_alice: User) -> None:
    past = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = browser_as(client_alice).post(CREATE, project_data(deadline=past))

    assertContains(response, "The deadline is in the past.")


# --- edit ---------------------------------------------------------------------------


def edit_url(project: Project) -> str:
    return reverse("marketplace:project_edit", args=[project.pk])


def edit_data(project: Project, **overrides: Any) -> dict[str, Any]:
    data = project_data(
        title=project.title,
        summary=project.summary,
        description=project.description,
        required_skills=[],
        nice_to_have_skills=[],
        budget_amount="5000",
    )
    data.update(overrides)
    return data


def test_the_owner_gets_the_form_prefilled(browser_as: Any, open_project: Project) -> None:
    MilestoneFactory(project=open_project, title="First delivery", amount=1_250_000_000)

    response = browser_as(open_project.owner).get(edit_url(open_project))

    assertContains(response, f'value="{open_project.title}"')
    assertContains(response, 'value="5000"')
    assertContains(response, 'value="First delivery"')
    assertContains(response, 'value="1250"')
    assertContains(response, "Remove this milestone")
    assertContains(response, "Save changes")


def test_the_owner_saves_changes(browser_as: Any, open_project: Project) -> None:
    response = browser_as(open_project.owner).post(
        edit_url(open_project), edit_data(open_project, title="Validator v2", budget_amount="7000.75"), follow=True
    )

    open_project.refresh_from_db()
    assert open_project.title == "Validator v2"
    assert open_project.budget_amount == 7_000_750_000
    assertContains(response, "Your changes are saved.")


def test_the_owner_removes_a_milestone(browser_as: Any, open_project: Project) -> None:
    MilestoneFactory(project=open_project, title="Keep", amount=1_000_000_000, order=1)
    MilestoneFactory(project=open_project, title="Drop", amount=2_000_000_000, order=2)
    data = edit_data(open_project)
    data.update(
        {
            "milestones-TOTAL_FORMS": "6",
            "milestones-INITIAL_FORMS": "2",
            "milestones-0-title": "Keep",
            "milestones-0-amount": "1000",
            "milestones-1-title": "Drop",
            "milestones-1-amount": "2000",
            "milestones-1-DELETE": "on",
            "milestones-4-title": "",
            "milestones-5-title": "",
        }
    )

    browser_as(open_project.owner).post(edit_url(open_project), data)

    assert [m.title for m in open_project.milestones.all()] == ["Keep"]


def test_someone_else_gets_the_403_page(browser_as: Any, open_project: Project, mallory: User) -> None:
    get = browser_as(mallory).get(edit_url(open_project))
    post = browser_as(mallory).post(edit_url(open_project), edit_data(open_project, title="Pwned"))

    assertContains(get, "owner can edit it.", status_code=403)
    assert post.status_code == 403
    open_project.refresh_from_db()
    assert open_project.title != "Pwned"


def test_anonymous_edit_goes_to_sign_in(browser_as: Any, open_project: Project) -> None:
    response = browser_as(None).get(edit_url(open_project))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_project_in_progress_cannot_be_edited_and_says_why(
    browser_as: Any, client_alice: User, contributor_bob: User
) -> None:
    project = ProjectFactory(owner=client_alice, status=Project.Status.IN_PROGRESS, contributor=contributor_bob)

    response = browser_as(client_alice).get(edit_url(project), follow=True)

    assertRedirects(response, project.get_absolute_url())
    assertContains(response, "it can no longer be edited")
    assertNotContains(response, "Edit project")


def test_changing_the_token_after_applications_is_a_field_error(
    browser_as: Any, open_project: Project, contributor_bob: User
) -> None:
    from tests.factories import ApplicationFactory

    ApplicationFactory(project=open_project, contributor=contributor_bob)

    response = browser_as(open_project.owner).post(edit_url(open_project), edit_data(open_project, budget_token="WALL"))

    assertContains(response, "The token cannot change once people have applied")
    assertContains(response, 'id="id_budget_token_error"')
