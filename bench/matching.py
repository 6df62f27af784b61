"""Benchmark of the matching engine: index build, memory, engine query latency,
recall against exact search, updates per second, and embedding throughput.

    .venv/bin/python bench/matching.py --sizes 10000 100000 1000000 --out docs/PERFORMANCE.md
    .venv/bin/python bench/matching.py --smoke          # N = 10k, < 2 minutes: CI

What it measures, and on what data:

- Vectors come from REAL all-MiniLM-L6-v2 embeddings. ``--base-texts`` varied texts
  (role, four skills and template sentences about past work, ~40 words: see
  ``make_texts``) are embedded; each of the N synthetic vectors is one of them plus
  Gaussian noise with the *covariance of the real embeddings* (so it stays on the
  manifold that text embeddings occupy, unlike isotropic noise, which makes every
  point's neighbours its own siblings), scaled so that the median cosine between a
  synthetic vector and its source equals the median nearest-neighbour cosine among
  the real texts (~0.80): a synthetic profile is as far from its source as two
  neighbouring real texts are from each other. Uniform random vectors would say
  nothing about recall.
- Queries are embeddings of held-out texts the index never saw: half 40-word
  profile-like texts, half 12-word search-box sentences.
- recall@10: share of the exact top-10 (brute-force inner product on the float
  vectors) found in the index's top-10. "in 100" is the share of the exact top-10
  among the ``oversample(10) = 100`` candidates the re-ranker receives.
- engine query: ``VectorIndex.search(q, oversample(10))`` + building
  ``ContributorFacts`` for the candidates (synthetic skills, rates, ratings) +
  ``rank_contributors(..., limit=10)`` with a filter, single-threaded, one query at a
  time, after warm-up.
- upserts/s: one ``upsert`` call per replaced vector (a profile saved), then
  ``remove`` calls.
- memory: ``VectorIndex.memory_bytes()`` (codes, graph or centroids, id maps), the
  snapshot size on disk, and the growth of the process RSS over the build.
- embedding throughput: ``SentenceTransformerEmbedder.encode`` with batch 32 on
  40-word and 200-word texts, after warm-up; and the latency of embedding one
  12-word or 40-word query (what a search request pays before the engine runs).

Run one heavy benchmark at a time: it uses both cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script, sys.path[0] is bench/, where this very file would shadow the
# ``matching`` package: put the repository root first instead.
ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from matching.engine.embedder import SentenceTransformerEmbedder, l2_normalise  # noqa: E402
from matching.engine.index import VectorIndex  # noqa: E402
from matching.engine.ranking import ContributorFacts, Filters, SkillNeed, oversample, rank_contributors  # noqa: E402

# ----------------------------------------------------------------------------- texts

GENERATOR_VERSION = 1
ROLES = (
    "Bittensor validator operator", "Bittensor subnet designer", "miner developer for Bittensor subnets",
    "ZK-ML researcher", "zero-knowledge circuit engineer", "Solidity smart contract auditor",
    "Solidity developer", "Rust blockchain engineer", "Substrate runtime developer", "Solana program developer",
    "MLOps engineer", "machine learning engineer", "LLM fine-tuning specialist", "RAG pipeline engineer",
    "LLM inference engineer", "computer vision researcher", "reinforcement learning researcher",
    "federated learning engineer", "privacy engineer", "cryptographer", "data engineer", "data scientist",
    "DevOps engineer", "Kubernetes platform engineer", "GPU infrastructure engineer", "IPFS and Filecoin developer",
    "tokenomics designer", "product designer for web3 apps", "full-stack dApp developer", "frontend engineer",
    "AI agent developer", "autonomous agent engineer on Olas", "Akash compute provider", "security researcher",
    "technical writer for AI protocols", "research scientist in distributed training", "backend Python developer",
    "Cosmos SDK developer", "Ethereum protocol engineer", "MPC protocol engineer",
)  # fmt: skip
SKILLS = (
    "Bittensor", "subnet design", "validator operations", "Gensyn", "Ritual", "Akash", "Render Network",
    "Ocean Protocol", "Autonolas", "Fetch.ai", "PyTorch", "JAX", "LLM fine-tuning", "LoRA", "RAG",
    "vector search", "FAISS", "vLLM", "llama.cpp", "computer vision", "diffusion models", "RLHF",
    "federated learning", "Flower", "model evaluation", "red-teaming", "LangGraph", "MLOps", "MLflow",
    "ZK-ML", "EZKL", "Circom", "Halo2", "Noir", "STARKs", "differential privacy", "DP-SGD", "MPC",
    "homomorphic encryption", "SGX", "cryptography", "Solidity", "Foundry", "Hardhat", "smart contract auditing",
    "fuzzing", "Rust", "Substrate", "Solana", "Anchor", "Cosmos SDK", "IBC", "Ethereum", "EIP-4337",
    "IPFS", "Filecoin", "Arweave", "Kubernetes", "Docker", "Terraform", "Prometheus", "Grafana", "CUDA",
    "Python", "TypeScript", "React", "Go", "PostgreSQL", "Kafka", "Spark", "dbt", "tokenomics",
    "mechanism design", "UX research", "Figma", "technical writing",
)  # fmt: skip
THINGS = (
    "a text-to-SQL subnet validator", "a decentralized inference marketplace", "a zero-knowledge proof of a ResNet",
    "an ERC-4626 vault", "a federated training pipeline across hospitals", "a RAG assistant over governance forums",
    "a GPU scheduler on Akash", "an image generation miner", "a Solana staking program", "a cross-chain bridge",
    "a data marketplace on Ocean", "an on-chain agent that rebalances a treasury", "a Kubernetes operator for miners",
    "a benchmark for code models", "a fraud detection model", "a recommendation system", "a private voting protocol",
    "a threshold signature wallet", "a monitoring stack for validators", "a fine-tuned Llama for legal text",
    "an IPFS pinning service", "a speech recognition model", "a reinforcement learning trading agent",
    "a tokenomics simulation", "a dashboard for subnet emissions", "a proof aggregation service",
    "an embedding search service", "a differential privacy library", "a confidential computing enclave",
    "a subnet incentive mechanism", "a model evaluation harness", "a compute-to-data pipeline",
)  # fmt: skip
CLIENTS = (
    "a DAO", "a seed-stage startup", "a research lab", "an exchange", "a hospital network", "a subnet team",
    "a DeFi protocol", "a foundation grant", "a gaming studio", "an open-source collective", "a hedge fund",
    "a university", "a layer-2 team", "an NGO",
)  # fmt: skip
SENTENCES = (
    "I have {y} years of experience building {t} for {c}.",
    "Recently I shipped {t} for {c}, using {s1} and {s2}.",
    "Most of my work is {t}; I care about tests, monitoring and clear documentation.",
    "I led a team of {n} engineers that delivered {t} on time.",
    "Before that I worked on {t} at {c}.",
    "I am looking for work on {t}, ideally with {s1}.",
    "My strongest tools are {s1}, {s2} and {s3}.",
    "I audited {t} and found {n} critical issues.",
    "I enjoy hard problems in {s1} and {s2}, and I write about them.",
    "Available for long-term contracts with {c}; I prefer async communication.",
    "I maintain an open-source project about {s1} with {n} hundred stars.",
    "I can help you design, build and operate {t}.",
    "We need someone to build {t} with {s1} and {s2}.",
    "The project is {t} for {c}; experience with {s3} is a plus.",
    "Deliverables: {t}, documentation and a handover call.",
)


def make_texts(count: int, words: int, seed: int) -> list[str]:
    """``count`` varied texts of exactly ``words`` words: a role, four skills, then
    template sentences about past work, clients and tools, cut at ``words``."""
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(count):
        role = rng.choice(ROLES)
        skills = rng.sample(SKILLS, 4)
        parts = [f"{role[0].upper()}{role[1:]}. Skills: {', '.join(skills)}."]
        while len(" ".join(parts).split()) < words:
            sentence = rng.choice(SENTENCES)
            s1, s2, s3 = (rng.choice(skills + rng.sample(SKILLS, 2)) for _ in range(3))
            parts.append(
                sentence.format(
                    y=rng.randint(1, 15),
                    t=rng.choice(THINGS),
                    c=rng.choice(CLIENTS),
                    s1=s1,
                    s2=s2,
                    s3=s3,
                    n=rng.randint(2, 12),
                )
            )
        texts.append(" ".join(" ".join(parts).split()[:words]))
    return texts


def embed_cached(embedder: SentenceTransformerEmbedder, texts: list[str], cache_dir: Path) -> npt.NDArray[np.float32]:
    """Embeddings of ``texts``, cached under var/bench/ by a hash of model and texts."""
    key = hashlib.sha256(json.dumps([embedder.model_name, texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"matching-embeddings-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder.encode(texts, batch_size=32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


# --------------------------------------------------------------- synthetic vectors


@dataclasses.dataclass(frozen=True)
class Synthesiser:
    """Makes unit vectors near real embeddings: base + scale * N(0, cov(bases))."""

    bases: npt.NDArray[np.float32]
    factor: npt.NDArray[np.float32]  # Cholesky factor of the bases' covariance, transposed
    scale: float

    @classmethod
    def fit(cls, bases: npt.NDArray[np.float32]) -> Synthesiser:
        covariance = np.cov((bases - bases.mean(axis=0)).T).astype(np.float64)
        covariance /= np.trace(covariance)  # unit expected squared norm
        factor = np.linalg.cholesky(covariance + 1e-9 * np.eye(bases.shape[1])).T.astype(np.float32)
        similarities = bases @ bases.T
        np.fill_diagonal(similarities, -1.0)
        target = float(np.median(similarities.max(axis=1)))
        probe = cls(bases, factor, 1.0)
        low, high = 0.0, 4.0
        # Bisect the scale until the median cosine to the source hits the target.
        for _ in range(30):
            middle = (low + high) / 2
            vectors, sources = dataclasses.replace(probe, scale=middle).sample(4000, np.random.default_rng(7))
            median = float(np.median(np.sum(vectors * bases[sources], axis=1)))
            low, high = (middle, high) if median > target else (low, middle)
        return cls(bases, factor, (low + high) / 2)

    def sample(self, count: int, rng: np.random.Generator) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        sources = rng.integers(0, self.bases.shape[0], count)
        noise = rng.standard_normal((count, self.bases.shape[1]), dtype=np.float32) @ self.factor
        return l2_normalise(self.bases[sources] + self.scale * noise), sources

    def many(self, count: int, seed: int, chunk: int = 100_000) -> npt.NDArray[np.float32]:
        rng = np.random.default_rng(seed)
        out = np.empty((count, self.bases.shape[1]), dtype=np.float32)
        for start in range(0, count, chunk):
            out[start : start + chunk] = self.sample(min(chunk, count - start), rng)[0]
        return out


def exact_top(vectors: npt.NDArray[np.float32], queries: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    """Row numbers of the exact top-k by inner product, best first (brute force, BLAS)."""
    flat = faiss.IndexFlatIP(vectors.shape[1])
    best_scores = np.full((queries.shape[0], 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((queries.shape[0], 0), dtype=np.int64)
    for start in range(0, vectors.shape[0], 200_000):
        flat.reset()
        flat.add(vectors[start : start + 200_000])
        scores, rows = flat.search(queries, k)
        best_scores = np.concatenate([best_scores, scores], axis=1)
        best_rows = np.concatenate([best_rows, rows + start], axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        best_rows = np.take_along_axis(best_rows, order, axis=1)
    return best_rows


# ------------------------------------------------------------------ synthetic facts

AVAILABILITY = ("available", "limited", "unavailable")
SKILL_SLUGS = tuple(skill.lower().replace(" ", "-") for skill in SKILLS)


@dataclasses.dataclass
class FactsTable:
    """Per-id attributes of N synthetic contributors as arrays (a few bytes per id);
    ``facts`` builds the ContributorFacts of candidates the way the Django adapter
    builds them from rows."""

    skill_sets: list[dict[str, int]]
    skill_set: npt.NDArray[np.int16]
    availability: npt.NDArray[np.int8]
    hours: npt.NDArray[np.int8]
    rate: npt.NDArray[np.float32]
    rating: npt.NDArray[np.float32]
    reviews: npt.NDArray[np.int16]
    completed: npt.NDArray[np.int16]
    updated: npt.NDArray[np.float32]

    @classmethod
    def random(cls, count: int, seed: int) -> FactsTable:
        rng = np.random.default_rng(seed)
        py_rng = random.Random(seed)
        skill_sets = [
            {slug: py_rng.randint(1, 5) for slug in py_rng.sample(SKILL_SLUGS, py_rng.randint(2, 8))}
            for _ in range(2000)
        ]
        reviews = rng.poisson(3, count).astype(np.int16)
        return cls(
            skill_sets=skill_sets,
            skill_set=rng.integers(0, len(skill_sets), count).astype(np.int16),
            availability=rng.choice(3, count, p=[0.6, 0.3, 0.1]).astype(np.int8),
            hours=rng.integers(5, 41, count).astype(np.int8),
            rate=np.where(rng.random(count) < 0.1, np.nan, rng.uniform(20, 250, count)).astype(np.float32),
            rating=np.where(reviews > 0, rng.uniform(2.5, 5.0, count), np.nan).astype(np.float32),
            reviews=reviews,
            completed=rng.poisson(2, count).astype(np.int16),
            updated=rng.exponential(120, count).astype(np.float32),
        )

    def facts(self, hits: Sequence[tuple[int, float]]) -> list[ContributorFacts]:
        out: list[ContributorFacts] = []
        for identifier, similarity in hits:
            rate = float(self.rate[identifier])
            rating = float(self.rating[identifier])
            out.append(
                ContributorFacts(
                    id=identifier,
                    similarity=similarity,
                    skills=self.skill_sets[int(self.skill_set[identifier])],
                    availability=AVAILABILITY[int(self.availability[identifier])],
                    hours_per_week=int(self.hours[identifier]),
                    hourly_rate=None if np.isnan(rate) else rate,
                    rate_token=None if np.isnan(rate) else "USDC",
                    rating=None if np.isnan(rating) else rating,
                    review_count=int(self.reviews[identifier]),
                    completed_count=int(self.completed[identifier]),
                    updated_days_ago=float(self.updated[identifier]),
                )
            )
        return out


# ------------------------------------------------------------------------ measuring


def rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def percentile_ms(samples_ns: Sequence[int], q: float) -> float:
    return float(np.percentile(np.asarray(samples_ns, dtype=np.float64), q)) / 1e6


@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    params: dict[str, Any]


CONFIGS = {
    # What production gets: VectorIndex() defaults (exact below 20k, IVF-SQ8 above).
    "default": Config("default", {}),
    # Forced approximate (exact_threshold=1), to see them at every size.
    "ivf_sq8": Config("ivf_sq8", {"exact_threshold": 1, "approximate": "ivf", "sq8": True}),
    "hnsw_sq8": Config("hnsw_sq8", {"exact_threshold": 1, "approximate": "hnsw", "sq8": True}),
    "hnsw24_sq8": Config("hnsw24_sq8", {"exact_threshold": 1, "approximate": "hnsw", "sq8": True, "hnsw_m": 24}),
    "hnsw32": Config(
        "hnsw32", {"exact_threshold": 1, "approximate": "hnsw", "sq8": False, "hnsw_m": 32, "ef_construction": 200}
    ),
    "exact": Config("exact", {"exact_threshold": 10**12}),
}


# Search-time knob values tried by --sweep (recall@10 and FAISS search latency at k=100).
SWEEP = {"nprobe": (16, 32, 64, 96, 128), "ef_search": (128, 256, 384, 512)}


@dataclasses.dataclass
class Row:
    size: int
    config: str
    kind: str
    build_s: float
    memory_mb: float
    snapshot_mb: float
    rss_mb: float
    load_s: float
    search_p50_ms: float
    engine_p50_ms: float
    engine_p99_ms: float
    recall_at_10: float
    recall_in_100: float
    upserts_per_s: float
    removes_per_s: float


def measure(
    size: int,
    config: Config,
    vectors: npt.NDArray[np.float32],
    queries: npt.NDArray[np.float32],
    truth: npt.NDArray[np.int64],
    facts: FactsTable,
    replacements: npt.NDArray[np.float32],
    log: Callable[[str], None],
    *,
    sweep: bool = False,
    sweep_rows: list[tuple[int, str, str, float, float, float]] | None = None,
) -> Row:
    sweep_rows = sweep_rows if sweep_rows is not None else []
    gc.collect()
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = VectorIndex.build(vectors.shape[1], np.arange(size, dtype=np.int64), vectors, **config.params)
    build_s = time.perf_counter() - started
    gc.collect()
    rss_mb = (rss_bytes() - rss_before) / 1e6
    log(f"  {config.name}: {index.kind} built in {build_s:.1f} s, {index.memory_bytes() / 1e6:.0f} MB")

    with tempfile.TemporaryDirectory(prefix="matching-bench-") as folder:
        path = Path(folder) / "index.faiss"
        index.save(path)
        snapshot_mb = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
        started = time.perf_counter()
        loaded = VectorIndex.load(path)
        load_s = time.perf_counter() - started
        del loaded

    # Recall, on the batch API (same code path as search()).
    _, found = index.search_batch(queries, 100)
    recall_at_10 = float(np.mean([len(set(t) & set(f[:10])) / 10 for t, f in zip(truth, found, strict=True)]))
    recall_in_100 = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))

    # Engine queries: one at a time, as a request would.
    rng = random.Random(3)
    needs = [
        SkillNeed(required=frozenset(rng.sample(SKILL_SLUGS, 3)), nice=frozenset(rng.sample(SKILL_SLUGS, 2)))
        for _ in range(len(queries))
    ]
    filters = Filters(availability=frozenset({"available", "limited"}))
    k = oversample(10)
    for query in queries[:20]:  # warm-up: allocator, OpenMP threads, caches
        index.search(query, k)
    search_ns: list[int] = []
    engine_ns: list[int] = []
    gc.collect()
    for query, need in zip(queries, needs, strict=True):
        t0 = time.perf_counter_ns()
        hits = index.search(query, k)
        t1 = time.perf_counter_ns()
        matches = rank_contributors(need, 4000.0, "USDC", facts.facts(hits), filters=filters, limit=10)
        t2 = time.perf_counter_ns()
        assert len(matches) <= 10
        search_ns.append(t1 - t0)
        engine_ns.append(t2 - t0)

    if sweep:
        knob = "ef_search" if index.kind.startswith("hnsw") else "nprobe" if index.kind.startswith("ivf") else None
        if knob is not None:
            default = getattr(index, knob)
            for value in SWEEP[knob]:
                setattr(index, knob, value)
                _, swept = index.search_batch(queries, 10)
                recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, swept, strict=True)]))
                times: list[int] = []
                for query in queries:
                    t0 = time.perf_counter_ns()
                    index.search(query, k)
                    times.append(time.perf_counter_ns() - t0)
                sweep_rows.append(
                    (size, config.name, f"{knob}={value}", recall, percentile_ms(times, 50), percentile_ms(times, 99))
                )
            setattr(index, knob, default)

    # Updates: a profile saved (one upsert of an existing id), then removals.
    count = replacements.shape[0]
    targets = np.random.default_rng(5).choice(size, size=count, replace=False)
    started = time.perf_counter()
    for identifier, vector in zip(targets.tolist(), replacements, strict=True):
        index.upsert([identifier], vector[None, :])
    upserts_per_s = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for identifier in targets[: count // 2].tolist():
        index.remove([identifier])
    removes_per_s = (count // 2) / (time.perf_counter() - started)

    row = Row(
        size=size,
        config=config.name,
        kind=index.kind,
        build_s=build_s,
        memory_mb=index.memory_bytes() / 1e6,
        snapshot_mb=snapshot_mb,
        rss_mb=rss_mb,
        load_s=load_s,
        search_p50_ms=percentile_ms(search_ns, 50),
        engine_p50_ms=percentile_ms(engine_ns, 50),
        engine_p99_ms=percentile_ms(engine_ns, 99),
        recall_at_10=recall_at_10,
        recall_in_100=recall_in_100,
        upserts_per_s=upserts_per_s,
        removes_per_s=removes_per_s,
    )
    del index
    gc.collect()
    return row


def embedding_throughput(
    embedder: SentenceTransformerEmbedder, words: int, count: int, log: Callable[[str], None]
) -> float:
    texts = make_texts(count, words, seed=1000 + words)
    embedder.encode(texts[:32], batch_size=32)  # warm-up at this length
    started = time.perf_counter()
    embedder.encode(texts, batch_size=32)
    rate = count / (time.perf_counter() - started)
    log(f"  embedding: {rate:.0f} texts/s at {words} words")
    return rate


def query_embedding_latency(
    embedder: SentenceTransformerEmbedder, words: int, count: int, log: Callable[[str], None]
) -> tuple[float, float]:
    """p50 and p99 in ms of embedding ONE text (a search-box query), after warm-up."""
    texts = make_texts(count, words, seed=2000 + words)
    embedder.encode(texts[:5], batch_size=1)
    samples: list[int] = []
    for text in texts:
        t0 = time.perf_counter_ns()
        embedder.encode([text], batch_size=1)
        samples.append(time.perf_counter_ns() - t0)
    p50, p99 = percentile_ms(samples, 50), percentile_ms(samples, 99)
    log(f"  one {words}-word query: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    return p50, p99


# --------------------------------------------------------------------------- output


def markdown(
    rows: Sequence[Row],
    throughput: dict[int, float],
    sweep_rows: Sequence[tuple[int, str, str, float, float, float]],
    query_latency: dict[int, tuple[float, float]],
    *,
    command: str,
    base_count: int,
    query_count: int,
    scale: float,
    target_cos: float,
) -> str:
    import torch

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        f"#### Run of {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        "```",
        command,
        "```",
        "",
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, faiss {faiss.__version__}, "
        f"torch {torch.__version__}, numpy {np.__version__}. Vectors: {base_count} real embeddings of varied "
        f"texts + covariance-shaped noise (scale {scale:.3f}, median cosine to source {target_cos:.3f}); "
        f"{query_count} held-out real queries; engine = search({oversample(10)}) + facts + rank_contributors(10).",
        "",
        "| N | config | kind | build s | index MB | snapshot MB | RSS +MB | load s | search p50 ms "
        "| engine p50 ms | engine p99 ms | recall@10 | top-10 in 100 | upserts/s | removes/s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.size:,} | {row.config} | {row.kind} | {row.build_s:.1f} | {row.memory_mb:.0f} "
            f"| {row.snapshot_mb:.0f} | {row.rss_mb:.0f} | {row.load_s:.2f} | {row.search_p50_ms:.2f} "
            f"| {row.engine_p50_ms:.2f} | {row.engine_p99_ms:.2f} | {row.recall_at_10:.3f} "
            f"| {row.recall_in_100:.3f} | {row.upserts_per_s:,.0f} | {row.removes_per_s:,.0f} |"
        )
    if sweep_rows:
        lines += ["", "Search-time knob sweep (recall@10; FAISS search of k=100 alone, one query at a time):", ""]
        lines += [
            "| N | config | setting | recall@10 | search p50 ms | search p99 ms |",
            "|---:|---|---|---:|---:|---:|",
        ]
        for size, name, setting, recall, p50, p99 in sweep_rows:
            lines.append(f"| {size:,} | {name} | {setting} | {recall:.3f} | {p50:.2f} | {p99:.2f} |")
    if throughput:
        lines += ["", "Embedding throughput (all-MiniLM-L6-v2, torch fp32, batch 32, CPU):", ""]
        lines += ["| text length | texts/s |", "|---|---:|"]
        for words, rate in sorted(throughput.items()):
            lines.append(f"| {words} words | {rate:.0f} |")
    if query_latency:
        lines += ["", "Embedding one query (batch of 1, what a search request pays before the engine):", ""]
        lines += ["| query length | p50 ms | p99 ms |", "|---|---:|---:|"]
        for words, (p50, p99) in sorted(query_latency.items()):
            lines.append(f"| {words} words | {p50:.1f} | {p99:.1f} |")
    return "\n".join(lines) + "\n"


MARKER = "<!-- bench/matching.py appends runs above this line -->"


def append_report(path: Path, text: str) -> None:
    """Append ``text`` to ``path``; above MARKER when the file has it, so runs stay in
    the "Matching engine" section when other sections follow it."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARKER in current:
        head, tail = current.split(MARKER, 1)
        path.write_text(f"{head.rstrip()}\n\n{text}\n{MARKER}{tail}", encoding="utf-8")
    else:
        path.write_text(f"{current.rstrip()}\n\n{text}" if current else text, encoding="utf-8")


# ----------------------------------------------------------------------------- main


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--configs", nargs="+", default=["default", "ivf_sq8", "hnsw_sq8"], choices=list(CONFIGS))
    parser.add_argument("--queries", type=int, default=500, help="held-out query texts (half long, half short)")
    parser.add_argument("--base-texts", type=int, default=3000, help="real texts embedded as the vector sources")
    parser.add_argument("--updates", type=int, default=500, help="single upserts timed per configuration")
    parser.add_argument("--out", type=Path, help="append the markdown table to this file")
    parser.add_argument("--smoke", action="store_true", help="N=10k, 200 queries, 600 base texts; checks targets")
    parser.add_argument("--no-throughput", action="store_true", help="skip the embedding throughput measurement")
    parser.add_argument("--sweep", action="store_true", help="also sweep nprobe / ef_search (recall vs latency)")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench", help="embedding cache folder")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.queries, args.base_texts, args.updates = [10_000], 200, 600, 200
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    command = ".venv/bin/python bench/matching.py " + " ".join(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)

    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    log(f"model {embedder.model_name} loaded")
    throughput: dict[int, float] = {}
    query_latency: dict[int, tuple[float, float]] = {}
    if not args.no_throughput:
        small = args.smoke
        throughput[40] = embedding_throughput(embedder, 40, 64 if small else 320, log)
        throughput[200] = embedding_throughput(embedder, 200, 32 if small else 96, log)
        for words in (12, 40):
            query_latency[words] = query_embedding_latency(embedder, words, 20 if small else 100, log)

    bases = embed_cached(embedder, make_texts(args.base_texts, 40, seed=1), args.cache)
    half = args.queries // 2
    query_texts = make_texts(args.queries - half, 40, seed=99) + make_texts(half, 12, seed=98)
    queries = embed_cached(embedder, query_texts, args.cache)
    synthesiser = Synthesiser.fit(bases)
    probe, sources = synthesiser.sample(4000, np.random.default_rng(11))
    median_cos = float(np.median(np.sum(probe * bases[sources], axis=1)))
    log(f"{len(bases)} base embeddings, noise scale {synthesiser.scale:.3f}, median cos to source {median_cos:.3f}")

    rows: list[Row] = []
    sweep_rows: list[tuple[int, str, str, float, float, float]] = []
    for size in args.sizes:
        vectors = synthesiser.many(size, seed=size)
        log(f"N={size:,}: vectors ready; exact top-10 of {len(queries)} queries")
        truth = exact_top(vectors, queries, 10)
        facts = FactsTable.random(size, seed=size)
        replacements = synthesiser.many(args.updates, seed=size + 1)
        for name in args.configs:
            config = CONFIGS[name]
            if name == "default" and size >= VectorIndex(1).exact_threshold and "ivf_sq8" in args.configs:
                continue  # the default IS ivf_sq8 at this size
            row = measure(
                size, config, vectors, queries, truth, facts, replacements, log, sweep=args.sweep, sweep_rows=sweep_rows
            )
            if name == "ivf_sq8" and size >= VectorIndex(1).exact_threshold:
                row.config = "ivf_sq8 (default)"
            rows.append(row)
            log(
                f"  {row.config}: recall@10 {row.recall_at_10:.3f}, engine p50/p99 "
                f"{row.engine_p50_ms:.2f}/{row.engine_p99_ms:.2f} ms, {row.upserts_per_s:.0f} upserts/s"
            )
        del vectors, truth, facts
        gc.collect()

    report = markdown(
        rows,
        throughput,
        sweep_rows,
        query_latency,
        command=command,
        base_count=len(bases),
        query_count=len(queries),
        scale=synthesiser.scale,
        target_cos=median_cos,
    )
    print()
    print(report)
    if args.out:
        append_report(args.out, report)
        log(f"appended to {args.out}")

    if args.smoke:
        failures = [
            f"{row.config}: recall@10 {row.recall_at_10:.3f} < 0.95 or engine p99 {row.engine_p99_ms:.1f} ms > 20 ms"
            for row in rows
            if row.recall_at_10 < 0.95 or row.engine_p99_ms > 20.0
        ]
        for failure in failures:
            print(f"SMOKE FAILED: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
