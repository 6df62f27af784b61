"""Profile services: profile_upsert, profile_set_hidden, user_update."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from config.errors import InvalidInput, PermissionDenied
from marketplace import services
from marketplace.models import ContributorProfile, ProfileSkill
from marketplace.services import SkillInput
from tests.factories import SkillFactory, token
from wallets.amounts import MAX_BASE_UNITS

pytestmark = pytest.mark.django_db

USDC = 10**6


def upsert(user: User, **overrides: Any) -> ContributorProfile:
    data: dict[str, Any] = {"user": user, "headline": "ZK-ML engineer"}
    data.update(overrides)
    return services.profile_upsert(**data)


def skill_levels(profile: ContributorProfile) -> dict[str, tuple[int, int]]:
    return {ps.skill.slug: (ps.level, ps.years) for ps in ProfileSkill.objects.filter(profile=profile)}


# --- profile_upsert -------------------------------------------------------------------


def test_it_creates_a_profile_with_every_field(mallory: User) -> None:
    torch, zk = SkillFactory(slug="t-torch"), SkillFactory(slug="t-zk")

    profile = upsert(
        mallory,
        headline="  Verifiable inference  ",
        bio="  I write **circuits**.  ",
        skills=[SkillInput(skill=torch, level=5, years=7), SkillInput(skill=zk)],
        hourly_rate=120 * USDC + 5,
        rate_token=token("USDC"),
        availability=ContributorProfile.Availability.LIMITED,
        hours_per_week=12,
        timezone_name="Europe/Berlin",
        portfolio_links=["https://example.org/a", " https://example.org/a ", "", "http://example.com/b"],
        github_handle=" @mallory-dev ",
    )

    profile = ContributorProfile.objects.get(pk=profile.pk)
    assert profile.user == mallory
    assert profile.headline == "Verifiable inference"
    assert profile.bio == "I write **circuits**."
    assert profile.hourly_rate == 120 * USDC + 5
    assert profile.rate_token.symbol == "USDC"
    assert profile.availability == ContributorProfile.Availability.LIMITED
    assert profile.hours_per_week == 12
    assert profile.timezone == "Europe/Berlin"
    assert profile.portfolio_links == ["https://example.org/a", "http://example.com/b"]
    assert profile.github_handle == "mallory-dev"
    assert skill_levels(profile) == {"t-torch": (5, 7), "t-zk": (ProfileSkill.Level.PROFICIENT, 1)}


def test_upserting_again_replaces_the_whole_profile_including_skills(mallory: User) -> None:
    old, new = SkillFactory(slug="t-old"), SkillFactory(slug="t-new")
    first = upsert(
        mallory,
        bio="old bio",
        skills=[SkillInput(skill=old)],
        hourly_rate=USDC,
        rate_token=token("USDC"),
        portfolio_links=["https://example.org"],
        github_handle="mallory",
    )

    second = upsert(mallory, headline="New headline", skills=[SkillInput(skill=new, level=2)])

    assert second.pk == first.pk
    assert ContributorProfile.objects.filter(user=mallory).count() == 1
    profile = ContributorProfile.objects.get(user=mallory)
    assert profile.headline == "New headline"
    assert profile.bio == ""
    assert profile.hourly_rate is None
    assert profile.rate_token is None
    assert profile.portfolio_links == []
    assert profile.github_handle == ""
    assert skill_levels(profile) == {"t-new": (2, 1)}


def test_a_rate_token_without_a_rate_is_dropped(mallory: User) -> None:
    profile = upsert(mallory, hourly_rate=None, rate_token=token("WALL"))
    profile.refresh_from_db()
    assert profile.rate_token is None


def test_a_zero_rate_is_allowed(mallory: User) -> None:
    profile = upsert(mallory, hourly_rate=0, rate_token=token("WALL"))
    profile.refresh_from_db()
    assert profile.hourly_rate == 0


def test_a_rate_in_an_eighteen_decimal_token_is_exact(mallory: User) -> None:
    profile = upsert(mallory, hourly_rate=10**30 + 1, rate_token=token("WALL"))
    profile.refresh_from_db()
    assert profile.hourly_rate == 10**30 + 1


@pytest.mark.parametrize("hours", [0, 80])
def test_hours_per_week_limits_are_accepted(mallory: User, hours: int) -> None:
    assert upsert(mallory, hours_per_week=hours).hours_per_week == hours


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"headline": "  "}, "required", "headline"),
        ({"headline": "x" * 141}, "too_long", "headline"),
        ({"bio": "x" * 10_001}, "too_long", "bio"),
        ({"availability": "sometimes"}, "invalid_choice", "availability"),
        ({"hours_per_week": -1}, "out_of_range", "hours_per_week"),
        ({"hours_per_week": 81}, "out_of_range", "hours_per_week"),
        ({"timezone_name": "Mars/Olympus"}, "invalid_timezone", "timezone"),
        ({"hourly_rate": -1, "rate_token": None}, "invalid_amount", "hourly_rate"),
        ({"hourly_rate": 5}, "required", "rate_token"),
        ({"portfolio_links": ["javascript:alert(1)"]}, "invalid_url", "portfolio_links"),
        ({"portfolio_links": ["ftp://example.org"]}, "invalid_url", "portfolio_links"),
        ({"portfolio_links": ["not a url"]}, "invalid_url", "portfolio_links"),
        ({"portfolio_links": [f"https://example.org/{i}" for i in range(11)]}, "too_many_links", "portfolio_links"),
        ({"github_handle": "bad_handle!"}, "invalid", "github_handle"),
        ({"github_handle": "-leading"}, "invalid", "github_handle"),
        ({"github_handle": "double--hyphen"}, "invalid", "github_handle"),
    ],
)
def test_invalid_profile_input_is_refused(mallory: User, overrides: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(mallory, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.field == field
    assert not ContributorProfile.objects.filter(user=mallory).exists()


def test_a_rate_above_the_largest_balance_is_refused(mallory: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(mallory, hourly_rate=MAX_BASE_UNITS + 1, rate_token=token("USDC"))
    assert excinfo.value.field == "hourly_rate"
    assert not ContributorProfile.objects.filter(user=mallory).exists()


def test_a_refused_update_keeps_the_previous_profile(contributor_bob: User) -> None:
    before = ContributorProfile.objects.get(user=contributor_bob)
    with pytest.raises(InvalidInput):
        upsert(contributor_bob, headline="Changed", timezone_name="Nowhere/Land")
    after = ContributorProfile.objects.get(user=contributor_bob)
    assert (after.headline, after.timezone, after.hourly_rate) == (before.headline, before.timezone, before.hourly_rate)


@pytest.mark.parametrize(
    ("make_skills", "code"),
    [
        (lambda s: [SkillInput(skill=s), SkillInput(skill=s, level=2)], "duplicate_skill"),
        (lambda s: [SkillInput(skill=s, level=0)], "out_of_range"),
        (lambda s: [SkillInput(skill=s, level=6)], "out_of_range"),
        (lambda s: [SkillInput(skill=s, years=-1)], "out_of_range"),
        (lambda s: [SkillInput(skill=s, years=51)], "out_of_range"),
    ],
)
def test_invalid_skills_are_refused(mallory: User, make_skills: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(mallory, skills=make_skills(SkillFactory()))
    assert excinfo.value.code == code
    assert excinfo.value.field == "skills"
    assert not ProfileSkill.objects.exists()


def test_at_most_twenty_skills(mallory: User) -> None:
    many = [SkillInput(skill=SkillFactory()) for _ in range(services.MAX_SKILLS + 1)]
    with pytest.raises(InvalidInput) as excinfo:
        upsert(mallory, skills=many)
    assert excinfo.value.code == "too_many_skills"
    upsert(mallory, skills=many[: services.MAX_SKILLS])
    assert ProfileSkill.objects.filter(profile__user=mallory).count() == services.MAX_SKILLS


# --- profile_set_hidden ---------------------------------------------------------------


def test_a_moderator_hides_and_unhides_a_profile(contributor_bob: User, moderator: User) -> None:
    profile = contributor_bob.profile
    services.profile_set_hidden(profile=profile, moderator=moderator, hidden=True, reason=" Impersonation. ")
    profile.refresh_from_db()
    assert profile.is_hidden
    assert profile.hidden_reason == "Impersonation."

    services.profile_set_hidden(profile=profile, moderator=moderator, hidden=False, reason="whatever")
    profile.refresh_from_db()
    assert not profile.is_hidden
    assert profile.hidden_reason == ""


@pytest.mark.parametrize("actor_name", ["contributor_bob", "mallory", "client_alice"])
def test_only_a_moderator_hides_a_profile(contributor_bob: User, actor_name: str, request: Any) -> None:
    profile = contributor_bob.profile
    with pytest.raises(PermissionDenied) as excinfo:
        services.profile_set_hidden(profile=profile, moderator=request.getfixturevalue(actor_name), hidden=True)
    assert excinfo.value.code == "not_moderator"
    profile.refresh_from_db()
    assert not profile.is_hidden


def test_a_user_edits_their_profile_while_hidden_and_it_stays_hidden(contributor_bob: User, moderator: User) -> None:
    services.profile_set_hidden(profile=contributor_bob.profile, moderator=moderator, hidden=True, reason="spam")
    upsert(contributor_bob, headline="Totally legit")
    profile = ContributorProfile.objects.get(user=contributor_bob)
    assert profile.is_hidden
    assert profile.hidden_reason == "spam"


# --- user_update ----------------------------------------------------------------------


def test_a_user_changes_their_display_name_and_email(mallory: User) -> None:
    services.user_update(user=mallory, display_name="  Mal Lory  ", email=" mal@example.org ")
    mallory.refresh_from_db()
    assert mallory.display_name == "Mal Lory"
    assert mallory.email == "mal@example.org"


def test_fields_not_given_stay(mallory: User) -> None:
    services.user_update(user=mallory, email="m@example.org")
    services.user_update(user=mallory, display_name="Renamed")
    mallory.refresh_from_db()
    assert (mallory.display_name, mallory.email) == ("Renamed", "m@example.org")


def test_display_name_and_email_may_be_cleared(mallory: User) -> None:
    services.user_update(user=mallory, display_name="", email="")
    mallory.refresh_from_db()
    assert (mallory.display_name, mallory.email) == ("", "")
    assert mallory.name == mallory.short_address


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"display_name": "x" * 81}, "too_long", "display_name"),
        ({"email": "not-an-email"}, "invalid", "email"),
    ],
)
def test_invalid_user_input_is_refused(mallory: User, overrides: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.user_update(user=mallory, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.field == field
    fresh = User.objects.get(pk=mallory.pk)
    assert (fresh.display_name, fresh.email) == ("Mallory", "")


def test_user_update_never_touches_the_address_or_rights(mallory: User) -> None:
    address = mallory.address
    services.user_update(user=mallory, display_name="New")
    mallory.refresh_from_db()
    assert mallory.address == address
    assert not mallory.is_staff
