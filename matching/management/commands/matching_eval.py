"""Score the ranking methods on the labelled evaluation set (matching/eval/labels.json).

Reports NDCG@10 (graded gains 2^g - 1) and recall@20 (grade >= 2 relevant) for
skills-only, embedding-only and the hybrid ranking, on one split (``test`` by
default: the numbers to report; tune on ``dev``). Needs the demo data and its
embeddings (``seed_demo`` then ``matching_rebuild``).

``--alert-thresholds`` reports instead what each MATCHING_ALERT_MIN_SCORE would do
(matching.alerts): the hybrid scores of every (project, available contributor) pair
by grade, and per threshold the alerts per project and the share of them that go to
graded contributors (the table behind the default in docs/MATCHING.md).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.models import ContributorProfile, Project
from matching import services
from matching.engine.ranking import WEIGHTS, Filters
from matching.eval import Query, load_labels, ndcg_at_k, recall_at_k
from matching.models import Embedding
from matching.selectors import ALERT_AVAILABILITY, rank_for_project

# Skills only: what a keyword marketplace does (coverage of the required skills,
# then nice-to-have, then level); every other factor off.
SKILLS_ONLY = dict.fromkeys(WEIGHTS, 0.0) | {"required_skills": 0.7, "nice_to_have": 0.1, "skill_level": 0.2}
NO_FILTERS = Filters(exclude_applied=False)


class Command(BaseCommand):
    help = "NDCG@10 and recall@20 of skills-only, embedding-only and hybrid ranking on the labelled set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
        parser.add_argument("--weights", help="JSON object of hybrid weights to try instead of WEIGHTS (tune on dev).")
        parser.add_argument("--markdown", action="store_true", help="Print the table as Markdown.")
        parser.add_argument(
            "--alert-thresholds",
            action="store_true",
            help="Report what each new-project alert threshold would do, instead of the ranking metrics.",
        )

    def handle(
        self,
        *args: Any,
        split: str,
        weights: str | None,
        markdown: bool,
        alert_thresholds: bool = False,
        **options: Any,
    ) -> None:
        labels = load_labels()
        queries = labels.queries if split == "all" else labels.split(split)
        hybrid_weights: Mapping[str, float] = json.loads(weights) if weights else WEIGHTS
        vectors, profile_ids = self._profile_matrix()
        if alert_thresholds:
            self._alert_thresholds(queries, vectors, profile_ids)
            return
        address_of = dict(ContributorProfile.objects.values_list("pk", "user__address"))

        methods: dict[str, Callable[[Project, np.ndarray[Any, Any]], list[int]]] = {
            "skills-only": lambda project, sims: self._ranked(project, sims, profile_ids, SKILLS_ONLY),
            "embedding-only": lambda project, sims: [profile_ids[i] for i in np.argsort(-sims)],
            "hybrid": lambda project, sims: self._ranked(project, sims, profile_ids, hybrid_weights),
        }
        scores: dict[str, dict[str, list[float]]] = {m: {"ndcg": [], "recall": []} for m in methods}
        for query in queries:
            project = Project.objects.filter(title=query.project_title).first()
            if project is None:
                raise CommandError(f"{query.id}: no project titled {query.project_title!r}; run seed_demo first.")
            project_vector = self._project_vector(project)
            similarities = vectors @ project_vector
            grades = query.grades()
            for name, method in methods.items():
                ranked = [address_of[pk] for pk in method(project, similarities)]
                scores[name]["ndcg"].append(ndcg_at_k(ranked, grades))
                scores[name]["recall"].append(recall_at_k(ranked, grades))

        rows = [(name, statistics.fmean(s["ndcg"]), statistics.fmean(s["recall"])) for name, s in scores.items()]
        if markdown:
            self.stdout.write(f"| method ({split}, {len(queries)} queries) | NDCG@10 | recall@20 |")
            self.stdout.write("| --- | --- | --- |")
            for name, ndcg, recall in rows:
                self.stdout.write(f"| {name} | {ndcg:.3f} | {recall:.3f} |")
        else:
            self.stdout.write(f"{split}: {len(queries)} queries")
            for name, ndcg, recall in rows:
                self.stdout.write(f"  {name:<15} NDCG@10 {ndcg:.3f}   recall@20 {recall:.3f}")

    def _alert_thresholds(
        self, queries: Sequence[Query], vectors: np.ndarray[Any, Any], profile_ids: list[int]
    ) -> None:
        """Score every (project, contributor) pair as an alert would (availability
        filter on, nobody applied yet) and tabulate the thresholds."""
        address_of = dict(ContributorProfile.objects.values_list("pk", "user__address"))
        pairs: list[tuple[str, float, int]] = []  # (query id, score, grade)
        for query in queries:
            project = Project.objects.filter(title=query.project_title).first()
            if project is None:
                raise CommandError(f"{query.id}: no project titled {query.project_title!r}; run seed_demo first.")
            similarities = vectors @ self._project_vector(project)
            grades = query.grades()
            ranked = rank_for_project(
                project,
                list(zip(profile_ids, similarities.tolist(), strict=True)),
                filters=Filters(availability=ALERT_AVAILABILITY, exclude_applied=False),
                limit=len(profile_ids),
                mark_applied=False,
            )
            pairs.extend((query.id, m.score, grades.get(address_of[m.id], 0)) for m in ranked)
        self.stdout.write(f"{len(queries)} projects, {len(pairs)} (project, available contributor) pairs\n")
        self.stdout.write("| grade | pairs | score p10 | p50 | p90 |")
        self.stdout.write("| --- | ---: | ---: | ---: | ---: |")
        for grade in (0, 1, 2, 3):
            scores = [score for _, score, g in pairs if g == grade]
            if scores:
                p10, p50, p90 = np.percentile(scores, [10, 50, 90])
                self.stdout.write(f"| {grade} | {len(scores)} | {p10:.2f} | {p50:.2f} | {p90:.2f} |")
        relevant = [score for _, score, g in pairs if g >= 2]
        self.stdout.write("")
        self.stdout.write(
            "| threshold | alerts per project (median, max) | grade >= 2 | grade >= 1 | "
            "grade >= 2 pairs alerted | projects alerting nobody |"
        )
        self.stdout.write("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for threshold in np.arange(0.50, 0.776, 0.025):
            chosen = [(q, g) for q, score, g in pairs if score >= threshold]
            per_project = [sum(1 for q, _ in chosen if q == query.id) for query in queries]
            good = sum(1 for _, g in chosen if g >= 2) / len(chosen) if chosen else 0.0
            fair = sum(1 for _, g in chosen if g >= 1) / len(chosen) if chosen else 0.0
            recall = sum(1 for score in relevant if score >= threshold) / len(relevant) if relevant else 0.0
            self.stdout.write(
                f"| {threshold:.3f} | {statistics.median(per_project):.0f}, {max(per_project)} | {good:.0%} | "
                f"{fair:.0%} | {recall:.0%} | {sum(1 for n in per_project if n == 0)} of {len(queries)} |"
            )

    def _profile_matrix(self) -> tuple[np.ndarray[Any, Any], list[int]]:
        """Every profile's stored vector (also those outside the index: the labels
        grade everyone), embedding the missing ones first."""
        ids = list(ContributorProfile.objects.order_by("pk").values_list("pk", flat=True))
        services.sync_profiles(ids)
        rows = {
            e.object_id: np.frombuffer(bytes(e.vector), dtype="<f4")
            for e in Embedding.objects.filter(kind=Embedding.Kind.CONTRIBUTOR, object_id__in=ids)
        }
        kept = [pk for pk in ids if pk in rows]
        return np.vstack([rows[pk] for pk in kept]).astype(np.float32), kept

    def _project_vector(self, project: Project) -> np.ndarray[Any, Any]:
        services.sync_projects([project.pk])
        row = Embedding.objects.get(kind=Embedding.Kind.PROJECT, object_id=project.pk)
        return np.frombuffer(bytes(row.vector), dtype="<f4").astype(np.float32)

    def _ranked(
        self, project: Project, similarities: np.ndarray[Any, Any], profile_ids: list[int], weights: Mapping[str, float]
    ) -> list[int]:
        ranked = rank_for_project(
            project,
            list(zip(profile_ids, similarities.tolist(), strict=True)),
            filters=NO_FILTERS,
            limit=len(profile_ids),
            weights=weights,
            mark_applied=False,
        )
        return [m.id for m in ranked]
