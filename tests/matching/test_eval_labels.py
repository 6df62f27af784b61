"""The matching engine's labelled evaluation set (``matching/eval/labels.json``): well formed,
balanced between the tuning and the reporting half, and every project and contributor it
names exists in the seeded demo data.

The demo data is seeded once for the module, inside a transaction that is rolled back
when the module ends (as in ``tests/marketplace/test_seed_demo.py``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from marketplace.data.demo import build_plan, demo_address
from marketplace.models import ContributorProfile, Project
from matching.eval import (
    GRADES,
    LABELS_PATH,
    SPLITS,
    load_labels,
    ndcg_at_k,
    recall_at_k,
)

RAW: dict[str, Any] = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
QUERIES: list[dict[str, Any]] = RAW["queries"]


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # The fast test embedder, in case seeding indexes anything (the function-scoped
    # settings fixtures of conftest run after a module-scoped fixture like this one).
    with django_db_blocker.unblock(), override_settings(MATCHING_EMBEDDER="hashing"), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


# --- the file itself -------------------------------------------------------------------


def test_the_file_has_the_documented_shape() -> None:
    assert RAW["version"] == 1
    assert set(RAW["scale"]) == {"1", "2", "3"}
    assert all(isinstance(text, str) and text for text in RAW["scale"].values())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", RAW["created"])
    assert "no embedding model" in RAW["method"].lower() or "no embedding" in RAW["method"].lower()
    for query in QUERIES:
        assert {"id", "split", "project_title", "project_owner_key", "why", "relevant"} <= set(query)
        assert query["why"].strip()
        for judgement in query["relevant"]:
            assert set(judgement) == {"contributor_key", "address", "grade", "note"}
            assert judgement["note"].strip()


def test_there_are_at_least_40_queries_with_unique_ids() -> None:
    ids = [q["id"] for q in QUERIES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"q\d{2,}", i) for i in ids)


def test_each_project_is_asked_at_most_once() -> None:
    keys = Counter((q["project_owner_key"], q["project_title"]) for q in QUERIES)
    assert keys.most_common(1)[0][1] == 1


def test_both_splits_are_used_and_hold_40_to_60_percent_each() -> None:
    splits = Counter(q["split"] for q in QUERIES)
    assert set(splits) == set(SPLITS)
    for name in SPLITS:
        assert 0.4 <= splits[name] / len(QUERIES) <= 0.6, splits


def test_every_category_of_project_is_covered() -> None:
    plan_categories = {p.category for p in build_plan().projects}
    assert {q["category"] for q in QUERIES} == plan_categories


def test_grades_are_1_2_or_3_and_every_query_has_enough_relevant_people() -> None:
    for query in QUERIES:
        grades = [j["grade"] for j in query["relevant"]]
        assert set(grades) <= set(GRADES), query["id"]
        assert len(grades) >= 3, query["id"]
        assert max(grades) >= 2, query["id"]
        keys = [j["contributor_key"] for j in query["relevant"]]
        assert len(set(keys)) == len(keys), f"{query['id']} grades someone twice"


def test_addresses_are_the_ones_derived_from_the_seed_keys() -> None:
    for query in QUERIES:
        for judgement in query["relevant"]:
            assert judgement["address"] == demo_address(judgement["contributor_key"]), judgement


def test_the_loader_returns_typed_queries_per_split() -> None:
    labels = load_labels()
    assert len(labels.queries) == len(QUERIES)
    assert sum(len(labels.split(name)) for name in SPLITS) == len(QUERIES)
    first = labels.queries[0]
    assert first.grades() == {j["address"]: j["grade"] for j in QUERIES[0]["relevant"]}
    with pytest.raises(ValueError, match="unknown split"):
        labels.split("train")


# --- against the seeded demo data ----------------------------------------------------------


@pytest.mark.django_db
def test_every_query_resolves_to_exactly_one_seeded_project(seeded: None) -> None:
    for query in QUERIES:
        owner = demo_address(query["project_owner_key"])
        assert Project.objects.filter(owner__address=owner, title=query["project_title"]).count() == 1, query["id"]
        # Titles are unique across the demo data too, so the title alone is a stable key.
        assert Project.objects.filter(title=query["project_title"]).count() == 1, query["id"]


@pytest.mark.django_db
def test_every_graded_contributor_resolves_to_exactly_one_seeded_profile(seeded: None) -> None:
    addresses = {j["address"] for q in QUERIES for j in q["relevant"]}
    found = Counter(
        ContributorProfile.objects.filter(user__address__in=addresses).values_list("user__address", flat=True)
    )
    assert set(found) == addresses
    assert set(found.values()) == {1}


# --- the metrics the evaluation command reports ---------------------------------------------


def test_ndcg_is_1_for_the_ideal_ranking_and_0_for_an_irrelevant_one() -> None:
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at_k(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y", "z"], grades) == 0.0
    assert ndcg_at_k([], {}) == 0.0


def test_ndcg_uses_graded_gains_and_penalises_missed_people() -> None:
    grades = {"a": 3, "b": 1}
    # The grade-3 contributor first beats the grade-1 contributor first.
    assert ndcg_at_k(["a", "b"], grades) > ndcg_at_k(["b", "a"], grades)
    # Leaving a relevant person out of the top k costs, even if the order is right.
    assert ndcg_at_k(["a"], grades) < 1.0
    # Only the top k count; duplicates count once.
    assert ndcg_at_k(["x", "a"], grades, k=1) == 0.0
    assert ndcg_at_k(["a", "a", "b"], grades) == pytest.approx(1.0)


def test_recall_counts_grade_2_and_up_in_the_top_20() -> None:
    grades = {"a": 3, "b": 2, "c": 1}
    assert recall_at_k(["a", "c"], grades) == pytest.approx(0.5)
    assert recall_at_k(["c", "b", "a"], grades) == pytest.approx(1.0)
    assert recall_at_k([f"x{i}" for i in range(20)] + ["a", "b"], grades) == 0.0
    assert recall_at_k(["a"], {"c": 1}) == 0.0


# --- the evaluation command ------------------------------------------------------------


@pytest.mark.django_db
def test_the_eval_command_scores_the_three_methods(seeded: None) -> None:
    out = StringIO()

    call_command("matching_eval", "--split", "test", "--markdown", stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line.startswith("| ") and "---" not in line]
    assert lines[0].startswith("| method (test, ")
    rows = {line.split("|")[1].strip(): [float(v) for v in line.split("|")[2:4]] for line in lines[1:]}
    assert set(rows) == {"skills-only", "embedding-only", "hybrid"}
    assert all(0.0 <= value <= 1.0 for values in rows.values() for value in values)
    # Skill coverage alone already finds most graded people on this data.
    assert rows["skills-only"][1] > 0.5


@pytest.mark.django_db
def test_the_eval_command_tabulates_the_alert_thresholds(seeded: None) -> None:
    out = StringIO()

    call_command("matching_eval", "--split", "dev", "--alert-thresholds", stdout=out)

    text = out.getvalue()
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| 0.")]
    thresholds = [float(row[0]) for row in rows]
    assert thresholds == sorted(thresholds)
    assert 0.65 in [round(t, 3) for t in thresholds]
    # A higher threshold never alerts more of the relevant pairs.
    recalls = [int(row[4].strip().rstrip("%")) for row in rows]
    assert recalls == sorted(recalls, reverse=True)
    assert "| 3 |" in text  # the score distribution of grade-3 pairs
