"""The labelled evaluation set of the matching engine, and the two metrics it is scored with.

``labels.json`` (next to this file) holds project queries from the demo data, each with
the contributors a person graded as relevant after reading their profiles (3 = would
shortlist first, 2 = clearly relevant, 1 = partially relevant; everyone else is 0).
How the labels were made and how to use them: ``matching/eval/README.md``.

Framework-free on purpose (no Django import): ``manage.py matching_eval`` resolves the
queries to database rows and feeds its rankings to :func:`ndcg_at_k` and
:func:`recall_at_k`. Contributors are identified by wallet address, exactly as seeded
(EIP-55 checksummed), because that is what the database stores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABELS_PATH = Path(__file__).with_name("labels.json")
SPLITS = ("dev", "test")
GRADES = (1, 2, 3)
NDCG_K = 10
RECALL_K = 20
RECALL_MIN_GRADE = 2  # recall@20 counts a contributor as relevant from grade 2 up


@dataclass(frozen=True)
class Judgement:
    contributor_key: str  # the demo-data seed key, e.g. "contributor:Linh Nguyen"
    address: str  # derived from the key by marketplace.data.demo.demo_address
    grade: int
    note: str


@dataclass(frozen=True)
class Query:
    id: str
    split: str
    category: str
    project_title: str
    project_owner_key: str
    why: str
    relevant: tuple[Judgement, ...]

    def grades(self) -> dict[str, int]:
        """Graded contributors by wallet address; anyone absent has grade 0."""
        return {j.address: j.grade for j in self.relevant}


@dataclass(frozen=True)
class LabelSet:
    version: int
    scale: dict[str, str]
    created: str
    method: str
    queries: tuple[Query, ...]

    def split(self, name: str) -> tuple[Query, ...]:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; expected one of {', '.join(SPLITS)}")
        return tuple(q for q in self.queries if q.split == name)


def load_labels(path: Path | str = LABELS_PATH) -> LabelSet:
    """Parse ``labels.json`` into typed records (no database access)."""
    raw: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = tuple(
        Query(
            id=q["id"],
            split=q["split"],
            category=q.get("category", ""),
            project_title=q["project_title"],
            project_owner_key=q["project_owner_key"],
            why=q["why"],
            relevant=tuple(
                Judgement(
                    contributor_key=r["contributor_key"],
                    address=r["address"],
                    grade=int(r["grade"]),
                    note=r.get("note", ""),
                )
                for r in q["relevant"]
            ),
        )
        for q in raw["queries"]
    )
    return LabelSet(
        version=int(raw["version"]),
        scale=dict(raw["scale"]),
        created=raw["created"],
        method=raw["method"],
        queries=queries,
    )


def gain(grade: int) -> float:
    """Graded gain for NDCG: 2^grade - 1, so 3 -> 7, 2 -> 3, 1 -> 1, 0 -> 0."""
    return float(2**grade - 1)


def dcg(grades_in_rank_order: Sequence[int]) -> float:
    """Discounted cumulative gain with the log2(rank + 1) discount (rank from 1)."""
    return sum(gain(g) / math.log2(rank + 1) for rank, g in enumerate(grades_in_rank_order, start=1))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = NDCG_K) -> float:
    """NDCG@k of a ranking (ids, best first) against graded labels (unlisted ids are 0).

    The ideal ranking is built from *all* labelled contributors, so relevant people
    the ranking missed still count against it. Duplicates in ``ranked`` count once.
    Returns 0.0 when nothing is labelled relevant.
    """
    seen: set[str] = set()
    top: list[int] = []
    for item in ranked:
        if item in seen:
            continue
        seen.add(item)
        top.append(grades.get(item, 0))
        if len(top) == k:
            break
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    return dcg(top) / ideal if ideal > 0 else 0.0


def recall_at_k(
    ranked: Sequence[str], grades: Mapping[str, int], k: int = RECALL_K, min_grade: int = RECALL_MIN_GRADE
) -> float:
    """Share of the contributors graded ``min_grade`` or higher that appear in the top ``k``.

    Returns 0.0 when no contributor reaches ``min_grade``.
    """
    relevant = {item for item, g in grades.items() if g >= min_grade}
    if not relevant:
        return 0.0
    top = set(list(dict.fromkeys(ranked))[:k])
    return len(relevant & top) / len(relevant)
