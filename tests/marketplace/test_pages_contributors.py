"""The contributor directory, profile pages, user pages and editing your own profile."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from marketplace.models import ContributorProfile, Project, Skill
from tests.factories import ProfileSkillFactory, ProjectFactory, ReviewFactory

pytestmark = pytest.mark.django_db

LIST = reverse("marketplace:contributor_list")
EDIT = reverse("marketplace:profile_edit")


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


# --- directory ----------------------------------------------------------------------


def test_the_directory_shows_cards_with_avatar_rate_and_availability(
    browser_as: Any, contributor_bob: User, contributor_carol: User
) -> None:
    ProfileSkillFactory(profile=contributor_bob.profile, skill=skill("bittensor"), level=5)

    response = browser_as(None).get(LIST)

    assertContains(response, "Bob Builder")
    assertContains(response, "Carol Coder")
    assertContains(response, "ZK-ML researcher")
    assertContains(response, f'data-color="{contributor_bob.avatar_color}"')
    assertContains(response, ">BB<")
    assertContains(response, "90 USDC/h")
    assertContains(response, "badge--available")
    assertContains(response, "Bittensor")
    assertContains(response, "2 contributors")


def test_the_directory_filters_by_all_chosen_skills(
    browser_as: Any, contributor_bob: User, contributor_carol: User
) -> None:
    ProfileSkillFactory(profile=contributor_bob.profile, skill=skill("bittensor"))
    ProfileSkillFactory(profile=contributor_bob.profile, skill=skill("pytorch"))
    ProfileSkillFactory(profile=contributor_carol.profile, skill=skill("bittensor"))

    response = browser_as(None).get(LIST, {"skills": ["bittensor", "pytorch"]})

    assertContains(response, "Bob Builder")
    assertNotContains(response, "Carol Coder")


def test_an_invalid_directory_filter_shows_its_message(browser_as: Any, contributor_bob: User) -> None:
    response = browser_as(None).get(LIST, {"rate_max": "cheap"})

    assert response.status_code == 200
    assertContains(response, "These filters cannot be used.")
    assertContains(response, "Hourly rate at most")
    assertNotContains(response, "Bob Builder")


def test_the_directory_has_an_empty_state(browser_as: Any) -> None:
    assertContains(browser_as(None).get(LIST), "No contributors yet")


# --- contributor page ----------------------------------------------------------------


def test_the_profile_page_shows_skills_rate_links_and_reputation(
    browser_as: Any, contributor_bob: User, client_alice: User
) -> None:
    profile = contributor_bob.profile
    profile.github_handle = "bobbuilds"
    profile.portfolio_links = ["https://example.org/validator"]
    profile.bio = "I *love* subnets."
    profile.save()
    ProfileSkillFactory(profile=profile, skill=skill("bittensor"), level=5, years=4)
    project = ProjectFactory(owner=client_alice, status=Project.Status.COMPLETED, contributor=contributor_bob)
    ReviewFactory(project=project, rating=4, text="Solid validator work.")

    response = browser_as(None).get(profile.get_absolute_url())

    assertContains(response, "ML engineer running Bittensor miners")
    assertContains(response, "<em>love</em>", html=False)
    assertContains(response, "Bittensor")
    assertContains(response, "Expert")
    assertContains(response, "90 USDC/h")
    assertContains(response, "Europe/Berlin")
    assertContains(response, "https://github.com/bobbuilds")
    assertContains(response, "https://example.org/validator")
    assertContains(response, "Solid validator work.")
    assertContains(response, "4.0")
    assertContains(response, "1 project completed")
    assertNotContains(response, "Edit your profile")


def test_the_owner_of_a_profile_sees_the_edit_link(browser_as: Any, contributor_bob: User) -> None:
    assertContains(browser_as(contributor_bob).get(contributor_bob.profile.get_absolute_url()), "Edit your profile")


def test_a_hidden_profile_is_a_404_for_others(browser_as: Any, contributor_bob: User, mallory: User) -> None:
    ContributorProfile.objects.filter(user=contributor_bob).update(is_hidden=True)
    url = contributor_bob.profile.get_absolute_url()

    assert browser_as(mallory).get(url).status_code == 404
    assertContains(browser_as(contributor_bob).get(url), "hidden by a moderator")


# --- user page ----------------------------------------------------------------------


def test_the_user_page_lists_public_projects_and_reviews(
    browser_as: Any, open_project: Project, client_alice: User, contributor_bob: User
) -> None:
    ProjectFactory(owner=client_alice, title="Private draft", status=Project.Status.DRAFT, published_at=None)
    done = ProjectFactory(owner=client_alice, status=Project.Status.COMPLETED, contributor=contributor_bob)
    ReviewFactory(project=done, author=contributor_bob, subject=client_alice, rating=5, text="Clear brief.")

    response = browser_as(None).get(client_alice.get_absolute_url())

    assertContains(response, "Alice Client")
    assertContains(response, client_alice.address)
    assertContains(response, open_project.title)
    assertNotContains(response, "Private draft")
    assertContains(response, "Clear brief.")
    assertContains(browser_as(client_alice).get(client_alice.get_absolute_url()), "Private draft")


def test_the_user_page_of_a_contributor_shows_the_profile(browser_as: Any, contributor_bob: User) -> None:
    response = browser_as(None).get(contributor_bob.get_absolute_url())

    assertContains(response, "Contributor profile")
    assertContains(response, contributor_bob.profile.get_absolute_url())


def test_a_lowercase_address_redirects_to_the_checksummed_page(browser_as: Any, client_alice: User) -> None:
    response = browser_as(None).get(reverse("marketplace:user_detail", args=[client_alice.address.lower()]))

    assertRedirects(response, client_alice.get_absolute_url(), status_code=301)


@pytest.mark.parametrize("address", ["0x" + "1" * 40, "not-an-address"])
def test_an_unknown_user_is_a_404(browser_as: Any, address: str) -> None:
    assert browser_as(None).get(reverse("marketplace:user_detail", args=[address])).status_code == 404


# --- editing your profile ---------------------------------------------------------


def profile_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Mallory Maker",
        "email": "mallory@example.org",
        "headline": "Agent builder",
        "bio": "Tool-using agents.",
        "hourly_rate": "120.5",
        "rate_token": "USDC",
        "availability": "limited",
        "hours_per_week": "15",
        "timezone": "America/New_York",
        "github_handle": "@mallory-m",
        "portfolio_links": "https://example.org/a\n\nhttps://example.org/b\n",
        "skills-TOTAL_FORMS": "3",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "20",
    }
    for index in range(3):
        data.update({f"skills-{index}-skill": "", f"skills-{index}-level": "3", f"skills-{index}-years": "1"})
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_sign_in(browser_as: Any) -> None:
    response = browser_as(None).get(EDIT)

    assertRedirects(response, f"{reverse('accounts:login')}?next={EDIT}", fetch_redirect_response=False)


def test_the_form_offers_time_zones_and_grouped_skills(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).get(EDIT)

    assertContains(response, "Create your profile")
    assertContains(response, '<option value="Europe/Berlin">Europe/Berlin</option>', html=True)
    assertContains(response, '<optgroup label="Decentralized AI networks">')
    assertContains(response, 'name="skills-2-skill"')


def test_a_user_creates_a_profile_with_skills(browser_as: Any, mallory: User) -> None:
    data = profile_data(
        **{"skills-0-skill": "ai-agents", "skills-0-level": "5", "skills-0-years": "3", "skills-1-skill": "rag"}
    )

    response = browser_as(mallory).post(EDIT, data, follow=True)

    profile = ContributorProfile.objects.get(user=mallory)
    mallory.refresh_from_db()
    assert mallory.display_name == "Mallory Maker"
    assert mallory.email == "mallory@example.org"
    assert profile.headline == "Agent builder"
    assert profile.hourly_rate == 120_500_000
    assert profile.rate_token is not None
    assert profile.rate_token.symbol == "USDC"
    assert profile.availability == "limited"
    assert profile.hours_per_week == 15
    assert profile.timezone == "America/New_York"
    assert profile.github_handle == "mallory-m"
    assert profile.portfolio_links == ["https://example.org/a", "https://example.org/b"]
    assert [(ps.skill.slug, ps.level, ps.years) for ps in profile.profile_skills.order_by("-level")] == [
        ("ai-agents", 5, 3),
        ("rag", 3, 1),
    ]
    assertRedirects(response, profile.get_absolute_url())
    assertContains(response, "Your profile is saved.")


def test_a_client_saves_their_name_without_creating_a_profile(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).post(EDIT, profile_data(headline="", hourly_rate=""), follow=True)

    mallory.refresh_from_db()
    assert mallory.display_name == "Mallory Maker"
    assert not ContributorProfile.objects.filter(user=mallory).exists()
    assertContains(response, "Your account is saved.")


def test_editing_prefills_and_replaces_the_skills(browser_as: Any, contributor_bob: User) -> None:
    ProfileSkillFactory(profile=contributor_bob.profile, skill=skill("bittensor"), level=4, years=2)
    client = browser_as(contributor_bob)

    page = client.get(EDIT)
    assertContains(page, 'value="ML engineer running Bittensor miners"')
    assertContains(page, '<option value="bittensor" selected>Bittensor</option>', html=True)
    assertContains(page, "Remove")

    data = profile_data(
        **{
            "skills-TOTAL_FORMS": "4",
            "skills-INITIAL_FORMS": "1",
            "skills-0-skill": "bittensor",
            "skills-0-level": "4",
            "skills-0-years": "2",
            "skills-0-DELETE": "on",
            "skills-1-skill": "zkml",
            "skills-1-level": "2",
            "skills-3-skill": "",
            "skills-3-level": "3",
            "skills-3-years": "1",
        }
    )
    client.post(EDIT, data)

    assert [ps.skill.slug for ps in contributor_bob.profile.profile_skills.all()] == ["zkml"]


def test_a_skill_listed_twice_is_an_error_on_the_skills(browser_as: Any, mallory: User) -> None:
    data = profile_data(**{"skills-0-skill": "rag", "skills-1-skill": "rag"})

    response = browser_as(mallory).post(EDIT, data)

    assertContains(response, "RAG is listed twice.")
    assert not ContributorProfile.objects.filter(user=mallory).exists()
    mallory.refresh_from_db()
    assert mallory.display_name == "Mallory"  # nothing saved: both or neither


def test_a_rate_without_token_and_a_bad_link_are_field_errors(browser_as: Any, mallory: User) -> None:
    no_token = browser_as(mallory).post(EDIT, profile_data(rate_token=""))
    bad_link = browser_as(mallory).post(EDIT, profile_data(portfolio_links="ftp://nope"))

    assertContains(no_token, "Choose the token your hourly rate is in.")
    assertContains(no_token, 'id="id_rate_token_error"')
    assertContains(bad_link, "is not a web address")
    assertContains(bad_link, 'id="id_portfolio_links_error"')


def test_an_unknown_time_zone_is_a_field_error(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).post(EDIT, profile_data(timezone="Mars/Olympus"))

    assertContains(response, 'id="id_timezone_error"')


def test_saving_returns_to_a_safe_next_page(browser_as: Any, mallory: User, open_project: Project) -> None:
    apply = reverse("marketplace:application_create", args=[open_project.pk])

    response = browser_as(mallory).post(EDIT, profile_data(next=apply))
    evil = browser_as(mallory).post(EDIT, profile_data(next="https://evil.example/"))

    assertRedirects(response, apply, fetch_redirect_response=False)
    assert evil["Location"] == ContributorProfile.objects.get(user=mallory).get_absolute_url()
