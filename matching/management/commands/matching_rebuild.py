"""Embed what is missing or stale, rebuild the indexes and write their snapshots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from marketplace.models import ContributorProfile, Project
from matching import services
from matching.models import Embedding


class Command(BaseCommand):
    help = (
        "Bring every project and profile embedding up to date (re-embedding only changed text), "
        "then rebuild the FAISS indexes from the database and write the snapshots under MATCHING_INDEX_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-embed", action="store_true", help="Only rebuild the indexes from stored vectors.")
        parser.add_argument("--batch", type=int, default=256, help="Objects per embedding batch.")

    def handle(self, *args: Any, no_embed: bool = False, batch: int = 256, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        if not no_embed:
            for label, ids, sync in (
                ("projects", list(Project.objects.values_list("pk", flat=True)), services.sync_projects),
                ("profiles", list(ContributorProfile.objects.values_list("pk", flat=True)), services.sync_profiles),
            ):
                changed = 0
                with tqdm(total=len(ids), desc=f"embedding {label}", unit="doc", disable=quiet) as bar:
                    for start in range(0, len(ids), batch):
                        chunk = ids[start : start + batch]
                        changed += sync(chunk)
                        bar.update(len(chunk))
                if not quiet:
                    self.stdout.write(f"{label}: {changed} embedding rows changed")
        for kind in services.KINDS:
            total = Embedding.objects.filter(kind=kind).count()
            with tqdm(total=total, desc=f"indexing {kind}s", unit="vec", disable=quiet) as bar:
                index = services.rebuild(kind, progress=bar.update)
            if not quiet:
                self.stdout.write(
                    self.style.SUCCESS(f"{kind}: {len(index)} vectors ({index.kind}) -> {services.snapshot_path(kind)}")
                )
