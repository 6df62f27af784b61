"""/api/v1/contributors/, /api/v1/me/ and /api/v1/me/profile/."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.models import ContributorProfile
from tests.factories import ContributorProfileFactory, ProfileSkillFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "headline": "Federated learning engineer",
    "bio": "I built Flower pipelines for three hospitals.",
    "skills": [{"skill": "federated-learning", "level": 5, "years": 4}, {"skill": "pytorch", "level": 4, "years": 6}],
    "hourly_rate": {"amount": "120.5", "token": "USDC"},
    "availability": "limited",
    "hours_per_week": 15,
    "timezone": "Europe/Lisbon",
    "portfolio_links": ["https://github.com/example/fl-hospitals"],
    "github_handle": "@example",
}


def test_the_directory_lists_public_profiles_only(api_as: Any) -> None:
    visible = ContributorProfileFactory()
    ContributorProfileFactory(is_hidden=True)
    ContributorProfileFactory(user=UserFactory(is_active=False))

    response = api_as(None).get("/api/v1/contributors/")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [visible.pk]
    assert response.json()["results"][0]["hourly_rate"] == {"amount": "90", "token": "USDC", "base_units": "90000000"}


def test_skills_filter_means_all_of_them_at_the_level_asked(api_as: Any) -> None:
    rust, zk = SkillFactory(slug="rust-x"), SkillFactory(slug="zk-x")
    both = ProfileSkillFactory(skill=rust, level=5).profile
    ProfileSkillFactory(profile=both, skill=zk, level=4)
    ProfileSkillFactory(skill=rust, level=5)  # rust only
    weak = ProfileSkillFactory(skill=rust, level=2).profile
    ProfileSkillFactory(profile=weak, skill=zk, level=2)

    response = api_as(None).get("/api/v1/contributors/", {"skills": ["rust-x", "zk-x"], "min_level": 4})

    assert [c["id"] for c in response.json()["results"]] == [both.pk]


def test_a_contributor_detail_has_reputation(api_as: Any) -> None:
    profile = ContributorProfileFactory()

    body = api_as(None).get(f"/api/v1/contributors/{profile.pk}/").json()

    assert body["reputation"] == {"rating": None, "review_count": 0, "completed_count": 0}
    assert api_as(None).get("/api/v1/contributors/987654/").status_code == 404


def test_me_needs_a_session(api_as: Any, mallory: Any) -> None:
    assert api_as(None).get("/api/v1/me/").status_code == 401
    body = api_as(mallory).get("/api/v1/me/").json()
    assert body["address"] == mallory.address
    assert body["has_profile"] is False


def test_me_updates_name_and_refuses_a_bad_email(api_as: Any, mallory: Any) -> None:
    client = api_as(mallory)

    assert client.patch("/api/v1/me/", {"email": "not-an-email"}, format="json").status_code == 400
    response = client.patch("/api/v1/me/", {"display_name": "M. Allory"}, format="json")
    assert response.json()["display_name"] == "M. Allory"


def test_put_creates_the_profile_and_patch_changes_part_of_it(api_as: Any, mallory: Any) -> None:
    client = api_as(mallory)
    assert client.get("/api/v1/me/profile/").status_code == 404

    created = client.put("/api/v1/me/profile/", PROFILE, format="json")

    assert created.status_code == 200, created.json()
    profile = ContributorProfile.objects.get(user=mallory)
    assert profile.hourly_rate == 120_500_000
    assert profile.github_handle == "example"
    assert [s["slug"] for s in created.json()["skills"]] == ["federated-learning", "pytorch"]

    patched = client.patch("/api/v1/me/profile/", {"availability": "unavailable"}, format="json")

    assert patched.status_code == 200
    profile.refresh_from_db()
    assert profile.availability == "unavailable"
    assert profile.hourly_rate == 120_500_000  # untouched fields stay
    assert profile.profile_skills.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"portfolio_links": ["javascript:alert(1)"]}, "portfolio_links"),
        ({"hourly_rate": {"amount": "1.1234567", "token": "USDC"}}, "hourly_rate"),
        ({"skills": [{"skill": "no-such-skill"}]}, "skills"),
        ({"headline": ""}, "headline"),
    ],
)
def test_bad_profile_input_is_a_400_naming_the_field(
    api_as: Any, mallory: Any, change: dict[str, Any], field: str
) -> None:
    response = api_as(mallory).put("/api/v1/me/profile/", {**PROFILE, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ContributorProfile.objects.filter(user=mallory).exists()


def test_skills_and_tokens_reference_endpoints(api_as: Any) -> None:
    skills = api_as(None).get("/api/v1/skills/").json()
    tokens = api_as(None).get("/api/v1/tokens/").json()

    assert {"bittensor", "ipfs", "zkml", "federated-learning"} <= {s["slug"] for s in skills}
    assert {(t["symbol"], t["decimals"]) for t in tokens} == {("USDC", 6), ("WALL", 18)}
