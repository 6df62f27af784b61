#!/usr/bin/env python
"""The matches API at scale: GET /api/v1/projects/{id}/matches/ with N contributors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workwall_bench \\
        .venv/bin/python bench/matches_api.py --contributors 100000 --requests 300

It migrates the (scratch!) database it is given, fills it with N contributor
profiles (users, profiles, three skills each) and their embedding rows, builds the
index with ``matching_rebuild --no-embed`` exactly as production does, then times
full requests through Django's test client as the project's owner: URL routing,
authentication, the selector (stored project vector, FAISS search of
``oversample(20)`` candidates, ranking facts from the database, re-rank),
serialisation. One process, one request at a time, after warm-up.

Vectors: perturbations of real all-MiniLM-L6-v2 embeddings of varied texts
(bench/matching.py's Synthesiser), so the index sees realistic structure; the
profile texts are not embedded one by one (that would only measure the model).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contributors", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from eth_utils.address import to_checksum_address

    from accounts.models import User, default_avatar_color
    from bench.matching import Synthesiser, embed_cached, make_texts
    from marketplace.models import ContributorProfile, ProfileSkill, Project, Skill
    from matching.engine.embedder import SentenceTransformerEmbedder
    from matching.models import Embedding, IndexVersion
    from tests.factories import ProjectFactory
    from wallets.models import Token

    if connection.vendor != "postgresql":
        print("warning: the target is PostgreSQL; this database is", connection.vendor, file=sys.stderr)
    call_command("migrate", verbosity=0)
    n = args.contributors
    rng = random.Random(11)
    skills = list(Skill.objects.all())
    usdc = Token.objects.get(symbol="USDC")

    started = time.perf_counter()
    if ContributorProfile.objects.count() < n:
        Embedding.objects.all().delete()
        ProfileSkill.objects.all().delete()
        ContributorProfile.objects.all().delete()
        Project.objects.all().delete()
        User.objects.all().delete()
        batch = 5_000
        for start in range(0, n, batch):
            users = []
            for i in range(start, min(n, start + batch)):
                address = to_checksum_address(f"0x{i + 1:040x}")
                users.append(
                    User(address=address, display_name=f"Contributor {i}", avatar_color=default_avatar_color(address))
                )
            users = User.objects.bulk_create(users)
            profiles = ContributorProfile.objects.bulk_create(
                ContributorProfile(
                    user=user,
                    headline=f"Engineer #{user.pk}",
                    bio="Decentralized AI engineer.",
                    hourly_rate=rng.randint(30, 250) * 10**6,
                    rate_token=usdc,
                    availability=rng.choice(["available", "available", "limited"]),
                    hours_per_week=rng.choice([10, 20, 30, 40]),
                )
                for user in users
            )
            ProfileSkill.objects.bulk_create(
                ProfileSkill(profile=profile, skill=skill, level=rng.randint(1, 5), years=rng.randint(0, 10))
                for profile in profiles
                for skill in rng.sample(skills, 3)
            )
        print(f"created {n} contributors in {time.perf_counter() - started:.0f} s")

        embedder = SentenceTransformerEmbedder()
        bases = embed_cached(embedder, make_texts(3000, 40, seed=1), ROOT / "var" / "bench")
        vectors = Synthesiser.fit(bases).many(n, seed=5)
        profile_ids = list(ContributorProfile.objects.order_by("pk").values_list("pk", flat=True))
        Embedding.objects.bulk_create(
            (
                Embedding(
                    kind="contributor",
                    object_id=pk,
                    model_name=embedder.model_name,
                    dimension=384,
                    content_hash=f"bench-{pk}",
                    vector=np.asarray(vectors[i], dtype="<f4").tobytes(),
                    is_active=True,
                    version=i + 1,
                )
                for i, pk in enumerate(profile_ids)
            ),
            batch_size=5_000,
        )
        IndexVersion.objects.update_or_create(kind="contributor", defaults={"version": n})
        print(f"stored {n} embeddings in {time.perf_counter() - started:.0f} s")

    if connection.vendor == "postgresql":
        # Fresh bulk loads have no planner statistics yet (autovacuum would gather
        # them within a minute in production); without them PostgreSQL scans tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    index_dir = ROOT / "var" / "bench" / "index"
    with override_settings(MATCHING_INDEX_DIR=str(index_dir)):
        t0 = time.perf_counter()
        call_command("matching_rebuild", "--no-embed", verbosity=0)
        print(f"index rebuilt in {time.perf_counter() - t0:.1f} s")

        owner = User.objects.order_by("pk").first()
        assert owner is not None
        project = ProjectFactory(
            owner=owner,
            title="Run a Bittensor subnet validator with PyTorch scoring",
            summary="Operate and monitor a validator; write the scoring code.",
            description="We need someone who has run Bittensor validators and writes PyTorch.",
        )
        project.required_skills.set(rng.sample(skills, 3))
        from matching import services

        services.sync_projects([project.pk])
        client = Client()
        client.force_login(owner)
        url = f"/api/v1/projects/{project.pk}/matches/"
        for _ in range(20):
            assert client.get(url).status_code == 200
        samples = []
        for _ in range(args.requests):
            t = time.perf_counter_ns()
            response = client.get(url)
            samples.append(time.perf_counter_ns() - t)
            assert response.status_code == 200
        results = len(response.json()["results"])
        samples.sort()

        def pct(q: float) -> float:
            return samples[min(len(samples) - 1, int(q * len(samples)))] / 1e6

        index = services.index_for("contributor")
        print(
            f"| {n:,} | {connection.vendor} | {index.kind} | {args.requests} | {pct(0.5):.1f} | {pct(0.95):.1f} | "
            f"{pct(0.99):.1f} | {results} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
