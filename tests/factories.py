"""factory_boy factories. Users get real wallet addresses from eth-account keys
derived from a name, so tests can also sign as them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from eth_account import Account
from eth_utils import keccak

from accounts.models import User
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review, Skill
from wallets.models import Token


def account_for(name: str) -> Any:
    """A deterministic eth-account LocalAccount for a persona name."""
    return Account.from_key(keccak(text=f"workwall-test:{name}"))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("address",)

    class Params:
        persona = factory.Sequence(lambda n: f"user{n}")

    address = factory.LazyAttribute(lambda o: account_for(o.persona).address)
    display_name = factory.Faker("name")


def token(symbol: str = "USDC") -> Token:
    return Token.objects.get(symbol=symbol)


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = Skill.Category.MACHINE_LEARNING


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Bittensor subnet validator #{n}")
    summary = "Run and harden a validator for a text-generation subnet."
    description = "We need a **validator** with scoring and monitoring."
    category = Project.Category.SUBNETS
    budget_token = factory.LazyFunction(lambda: token("USDC"))
    budget_amount = 5_000 * 10**6
    status = Project.Status.OPEN
    published_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))

    @factory.post_generation
    def required_skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.required_skills.set(extracted)

    @factory.post_generation
    def nice_to_have_skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.nice_to_have_skills.set(extracted)


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    amount = 1_000 * 10**6
    order = factory.Sequence(lambda n: n + 1)
    status = Milestone.Status.PENDING
    # A milestone past "pending" was funded: it has the terms escrow fixes then.
    fee_bps = factory.LazyAttribute(lambda m: None if m.status == Milestone.Status.PENDING else 250)
    funded_at = factory.LazyAttribute(lambda m: None if m.status == Milestone.Status.PENDING else timezone.now())


class ContributorProfileFactory(factory.django.DjangoModelFactory[ContributorProfile]):
    class Meta:
        model = ContributorProfile

    user = factory.SubFactory(UserFactory)
    headline = "ML engineer running Bittensor miners"
    bio = "I train and serve PyTorch models and have run validators on two subnets."
    hourly_rate = 90 * 10**6
    rate_token = factory.LazyFunction(lambda: token("USDC"))
    availability = ContributorProfile.Availability.AVAILABLE
    hours_per_week = 30
    timezone = "Europe/Berlin"


class ProfileSkillFactory(factory.django.DjangoModelFactory[ProfileSkill]):
    class Meta:
        model = ProfileSkill

    profile = factory.SubFactory(ContributorProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    level = ProfileSkill.Level.ADVANCED
    years = 3


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    class Meta:
        model = Application

    project = factory.SubFactory(ProjectFactory)
    contributor = factory.SubFactory(UserFactory)
    cover_letter = "I have run validators on subnet 1 and 18."
    proposed_amount = 4_500 * 10**6
    estimated_days = 30


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    # A completed project always has a contributor (check constraint
    # project_contracted_has_contributor); without one the factory could not save.
    project = factory.SubFactory(
        ProjectFactory, status=Project.Status.COMPLETED, contributor=factory.SubFactory(UserFactory)
    )
    author = factory.LazyAttribute(lambda o: o.project.owner)
    subject = factory.LazyAttribute(lambda o: o.project.contributor)
    rating = 5
    text = "Great work."
