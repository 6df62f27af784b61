"""Matching through the API and the services: embeddings on commit, indexes kept
current, permissions, filters, reasons, search, honest empty results."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from marketplace import services as marketplace_services
from marketplace.models import ContributorProfile, Project
from matching import services
from matching.models import Embedding
from tests.factories import ContributorProfileFactory, ProfileSkillFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client_alice: Any) -> dict[str, Any]:
    """A validator project and three contributors: a validator operator, a Solidity
    auditor, and an unavailable validator operator."""
    bittensor = SkillFactory(slug="bittensor", name="Bittensor")
    pytorch = SkillFactory(slug="pytorch", name="PyTorch")
    solidity = SkillFactory(slug="solidity", name="Solidity")
    project = ProjectFactory(
        owner=client_alice,
        title="Bittensor subnet validator operations",
        summary="Run and monitor a Bittensor subnet validator with PyTorch scoring.",
        description="We need someone who runs Bittensor validators and writes PyTorch scoring code.",
    )
    project.required_skills.set([bittensor, pytorch])
    operator = ContributorProfileFactory(
        headline="Bittensor validator operator",
        bio="I run Bittensor subnet validators and write PyTorch scoring code for miners.",
    )
    ProfileSkillFactory(profile=operator, skill=bittensor, level=5)
    ProfileSkillFactory(profile=operator, skill=pytorch, level=4)
    auditor = ContributorProfileFactory(
        headline="Solidity smart contract auditor",
        bio="I audit Solidity contracts, write Foundry fuzz tests and review DeFi protocols.",
    )
    ProfileSkillFactory(profile=auditor, skill=solidity, level=5)
    away = ContributorProfileFactory(
        headline="Bittensor validator operator",
        bio="I run Bittensor subnet validators and write PyTorch scoring code for miners.",
        availability=ContributorProfile.Availability.UNAVAILABLE,
    )
    ProfileSkillFactory(profile=away, skill=bittensor, level=5)
    call_command("matching_rebuild", verbosity=0)
    return {"project": project, "operator": operator, "auditor": auditor, "away": away}


def test_the_owner_gets_ranked_contributors_with_reasons(api_as: Any, world: dict[str, Any]) -> None:
    project = world["project"]

    response = api_as(project.owner).get(f"/api/v1/projects/{project.pk}/matches/")

    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    ids = [r["contributor"]["id"] for r in results]
    assert ids[0] == world["operator"].pk
    assert world["away"].pk not in ids  # unavailable contributors are not recommended
    top = results[0]
    assert 0 < top["score"] <= 1
    assert set(top["reasons"]["matched_skills"]) == {"bittensor", "pytorch"}
    assert top["reasons"]["missing_skills"] == []
    factors = {f["name"]: f for f in top["reasons"]["factors"]}
    assert {"similarity", "required_skills", "availability"} <= set(factors)
    assert abs(sum(f["contribution"] for f in factors.values()) - top["score"]) < 1e-3
    auditor = next(r for r in results if r["contributor"]["id"] == world["auditor"].pk)
    assert set(auditor["reasons"]["missing_skills"]) == {"bittensor", "pytorch"}


def test_others_cannot_see_a_projects_recommendations(api_as: Any, world: dict[str, Any], mallory: Any) -> None:
    url = f"/api/v1/projects/{world['project'].pk}/matches/"

    assert api_as(None).get(url).status_code == 401
    assert api_as(mallory).get(url).status_code == 403


def test_must_have_filters_apply_before_the_cut(api_as: Any, world: dict[str, Any]) -> None:
    project = world["project"]

    response = api_as(project.owner).get(
        f"/api/v1/projects/{project.pk}/matches/", {"must_have": "solidity", "page_size": 1}
    )

    assert [r["contributor"]["id"] for r in response.json()["results"]] == [world["auditor"].pk]


def test_an_unknown_filter_value_is_a_400(api_as: Any, world: dict[str, Any]) -> None:
    project = world["project"]

    response = api_as(project.owner).get(f"/api/v1/projects/{project.pk}/matches/", {"must_have": "no-such-skill"})

    assert response.status_code == 400
    assert "must_have" in response.json()["errors"]


def test_a_contributor_gets_open_projects_and_nobody_else_does(
    api_as: Any, world: dict[str, Any], mallory: Any
) -> None:
    operator = world["operator"]
    url = f"/api/v1/contributors/{operator.pk}/matches/"

    response = api_as(operator.user).get(url)

    assert response.status_code == 200
    assert [r["project"]["id"] for r in response.json()["results"]] == [world["project"].pk]
    assert api_as(mallory).get(url).status_code == 403


def test_a_project_leaves_the_index_when_it_is_no_longer_open(
    api_as: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    project, operator = world["project"], world["operator"]
    with django_capture_on_commit_callbacks(execute=True):
        marketplace_services.project_cancel(project=project, actor=project.owner)

    response = api_as(operator.user).get(f"/api/v1/contributors/{operator.pk}/matches/")

    assert response.json()["results"] == []
    assert not Embedding.objects.get(kind="project", object_id=project.pk).is_active


def test_a_new_project_is_embedded_on_commit_and_found_at_once(
    api_as: Any, world: dict[str, Any], client_alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from wallets.models import Token

    with django_capture_on_commit_callbacks(execute=True):
        project = marketplace_services.project_create(
            owner=client_alice,
            title="Solidity audit of a staking contract",
            summary="Audit our Solidity staking contract and write Foundry fuzz tests.",
            description="Audit Solidity contracts with fuzzing.",
            category=Project.Category.SMART_CONTRACTS,
            budget_amount=10**9,
            budget_token=Token.objects.get(symbol="USDC"),
            required_skills=[world["auditor"].profile_skills.get().skill],
        )

    assert Embedding.objects.filter(kind="project", object_id=project.pk, is_active=True).exists()
    auditor = world["auditor"]
    results = api_as(auditor.user).get(f"/api/v1/contributors/{auditor.pk}/matches/").json()["results"]
    assert results[0]["project"]["id"] == project.pk


def test_an_unchanged_text_is_not_embedded_again(world: dict[str, Any]) -> None:
    project = world["project"]
    before = Embedding.objects.get(kind="project", object_id=project.pk).version

    assert services.sync_projects([project.pk]) == 0
    assert Embedding.objects.get(kind="project", object_id=project.pk).version == before


def test_another_worker_catches_up_by_the_version_watermark(world: dict[str, Any], settings: Any) -> None:
    settings.MATCHING_REFRESH_SECONDS = 0
    index = services.index_for("contributor")
    assert world["operator"].pk in index
    # Another process hides the profile: only the database row changes here.
    Embedding.objects.filter(kind="contributor", object_id=world["operator"].pk).update(
        is_active=False, version=index.version + 1
    )

    assert world["operator"].pk not in services.index_for("contributor")


def test_search_finds_contributors_by_meaning(api_as: Any, world: dict[str, Any]) -> None:
    response = api_as(None).get(
        "/api/v1/search/", {"q": "Bittensor validator operator with PyTorch", "kind": "contributors"}
    )

    assert response.status_code == 200
    assert response.json()["results"][0]["contributor"]["id"] == world["operator"].pk


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "", "kind": "projects"}, 400),
        ({"q": "!!! ???", "kind": "contributors"}, 400),
        ({"q": "x" * 600}, 400),
        ({"q": "validator", "kind": "planets"}, 400),
    ],
)
def test_bad_searches_are_clear_400s(api_as: Any, world: dict[str, Any], params: dict[str, str], status: int) -> None:
    response = api_as(None).get("/api/v1/search/", params)

    assert response.status_code == status
    assert response.json()["detail"]


def test_a_nonsense_query_is_an_honest_empty_result(api_as: Any, world: dict[str, Any]) -> None:
    response = api_as(None).get("/api/v1/search/", {"q": "qwzx plorbnik", "kind": "projects"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_unknown_ids_are_404s(api_as: Any, world: dict[str, Any]) -> None:
    owner = world["project"].owner
    assert api_as(owner).get("/api/v1/projects/987654/matches/").status_code == 404
    assert api_as(owner).get("/api/v1/contributors/987654/matches/").status_code == 404


def test_the_project_page_shows_recommendations_to_its_owner_only(
    browser_as: Any, world: dict[str, Any], mallory: Any
) -> None:
    project = world["project"]

    owner_page = browser_as(project.owner).get(project.get_absolute_url()).content.decode()
    other_page = browser_as(mallory).get(project.get_absolute_url()).content.decode()

    assert "Recommended contributors" in owner_page
    assert "Bittensor validator operator" in owner_page
    assert "<meter" in owner_page
    assert "Invite to apply" in owner_page
    assert "Recommended contributors" not in other_page


def test_the_dashboard_shows_projects_for_you(browser_as: Any, world: dict[str, Any]) -> None:
    page = browser_as(world["operator"].user).get("/dashboard/").content.decode()

    assert "Projects for you" in page
    assert world["project"].title in page


def test_the_projects_search_box_is_semantic_with_the_usual_filters(browser_as: Any, world: dict[str, Any]) -> None:
    page = browser_as(None).get("/projects/", {"q": "someone to operate a subnet validator"}).content.decode()

    assert world["project"].title in page


def test_healthz_reports_the_indexes(client: Any, world: dict[str, Any]) -> None:
    services.index_for("project")

    body = client.get("/healthz").json()

    assert body["index"]["project"]["status"] == "ok"
    assert body["index"]["project"]["size"] == 1


@pytest.mark.model
def test_the_real_model_ranks_by_meaning_end_to_end(real_model: None, api_as: Any, world: dict[str, Any]) -> None:
    """The same path with all-MiniLM-L6-v2 itself (not the hashing double): the
    stored vectors are the model's, and a paraphrase finds the operator."""
    row = Embedding.objects.get(kind="contributor", object_id=world["operator"].pk)
    assert row.model_name == "all-MiniLM-L6-v2"
    assert row.dimension == 384

    response = api_as(None).get(
        "/api/v1/search/", {"q": "someone who keeps a subnet's scoring node running", "kind": "contributors"}
    )
    results = response.json()["results"]
    assert results[0]["contributor"]["id"] == world["operator"].pk
    assert results[0]["reasons"]["similarity"] > 0.3

    project = world["project"]
    matches = api_as(project.owner).get(f"/api/v1/projects/{project.pk}/matches/").json()["results"]
    assert [m["contributor"]["id"] for m in matches][:2] == [world["operator"].pk, world["auditor"].pk]


def test_a_rolled_back_change_does_not_stop_later_syncs(
    world: dict[str, Any], client_alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    later = ProjectFactory(owner=client_alice, title="ZK proof of inference with EZKL")

    def change_that_rolls_back() -> None:
        with transaction.atomic():
            services.schedule_project_sync(world["project"].pk)
            raise RuntimeError("the change rolls back")

    with pytest.raises(RuntimeError):
        change_that_rolls_back()

    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_project_sync(later.pk)

    assert Embedding.objects.filter(kind="project", object_id=later.pk, is_active=True).exists()
