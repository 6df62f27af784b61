"""Personas and helpers shared by the whole suite.

- client_alice posts projects;
- contributor_bob and contributor_carol have profiles and apply;
- mallory is signed in but owns nothing she touches;
- moderator is staff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from notifications.models import Notification
from tests.factories import ContributorProfileFactory, MilestoneFactory, ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _matching_test_double(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests embed with the fast hashing embedder unless they ask for the real model
    (the ``real_model`` fixture); every test starts with empty in-process indexes,
    since the database they were built from is rolled back after each test."""
    from matching import services

    settings.MATCHING_EMBEDDER = "hashing"
    settings.MATCHING_INDEX_DIR = str(tmp_path_factory.mktemp("index"))
    services._registry.reset()
    yield
    services._registry.reset()


@pytest.fixture
def real_model(settings: Any) -> None:
    """Use the real all-MiniLM-L6-v2 model for this test."""
    settings.MATCHING_EMBEDDER = "sentence-transformers"


@pytest.fixture
def client_alice(db: Any) -> User:
    return UserFactory(persona="alice", display_name="Alice Client")


@pytest.fixture
def contributor_bob(db: Any) -> User:
    user = UserFactory(persona="bob", display_name="Bob Builder")
    ContributorProfileFactory(user=user)
    return user


@pytest.fixture
def contributor_carol(db: Any) -> User:
    user = UserFactory(persona="carol", display_name="Carol Coder")
    ContributorProfileFactory(user=user, headline="ZK-ML researcher")
    return user


@pytest.fixture
def mallory(db: Any) -> User:
    return UserFactory(persona="mallory", display_name="Mallory")


@pytest.fixture
def moderator(db: Any) -> User:
    return UserFactory(persona="moderator", display_name="Mod", is_staff=True)


@pytest.fixture
def open_project(client_alice: User) -> Any:
    return ProjectFactory(owner=client_alice)


@pytest.fixture
def hired_project(client_alice: User, contributor_bob: User) -> Any:
    """Alice's project in progress with Bob hired and two unfunded milestones of
    1,000 and 4,000 USDC; Alice holds 10,000 USDC (from the faucet)."""
    from marketplace.models import Project
    from wallets import payouts
    from wallets.models import Token

    project = ProjectFactory(
        owner=client_alice, contributor=contributor_bob, status=Project.Status.IN_PROGRESS, title="Subnet validator"
    )
    MilestoneFactory(project=project, title="Prototype", amount=1_000 * 10**6, order=1)
    MilestoneFactory(project=project, title="Mainnet launch", amount=4_000 * 10**6, order=2)
    payouts.faucet(user=client_alice, token=Token.objects.get(symbol="USDC"), amount=10_000 * 10**6)
    return project


@pytest.fixture
def inbox(db: Any) -> Any:
    """inbox(user) -> the kinds of ``user``'s notifications, oldest first."""
    return lambda user: list(
        Notification.objects.filter(recipient=user).order_by("created_at", "id").values_list("kind", flat=True)
    )


def _logged_in(user: User | None, cls: type[Any]) -> Any:
    client = cls()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def browser_as() -> Any:
    """browser_as(user) -> a Django test Client logged in as ``user`` (None: anonymous)."""
    return lambda user: _logged_in(user, Client)


@pytest.fixture
def api_as() -> Any:
    """api_as(user) -> a DRF APIClient logged in as ``user`` (None: anonymous)."""
    return lambda user: _logged_in(user, APIClient)
