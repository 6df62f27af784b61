"""VectorIndex: every kind keeps the same promises (replace on upsert, removed and
excluded ids never come back, snapshots round-trip), and the approximate kinds find
what exact search finds."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.index import VectorIndex, auto_nlist
from tests.matching.engine.vectors import realish_vectors

DIM = 64
APPROXIMATE = {
    "ivf_sq8": {"approximate": "ivf", "sq8": True},
    "ivf": {"approximate": "ivf", "sq8": False},
    "hnsw_sq8": {"approximate": "hnsw", "sq8": True},
    "hnsw": {"approximate": "hnsw", "sq8": False},
}
KINDS = ["exact", *APPROXIMATE]


def make_index(kind: str, count: int, *, seed: int = 0, **extra: Any) -> tuple[VectorIndex, npt.NDArray[np.float32]]:
    """An index of ``kind`` over ``count`` real-ish vectors with ids 1000.. ."""
    vectors = realish_vectors(count, dimension=DIM, seed=seed)
    params: dict[str, Any] = dict(APPROXIMATE.get(kind, {}))
    params["exact_threshold"] = count + 1 if kind == "exact" else min(count, 200)
    params.update(extra)
    index = VectorIndex.build(DIM, np.arange(1000, 1000 + count), vectors, **params)
    assert index.kind == kind
    return index, vectors


def ids_of(results: list[tuple[int, float]]) -> list[int]:
    return [identifier for identifier, _ in results]


@pytest.mark.parametrize("kind", KINDS)
def test_each_vector_finds_itself_first(kind: str) -> None:
    index, vectors = make_index(kind, 600)

    for row in (0, 17, 599):
        (first, score), *_ = index.search(vectors[row], 5)
        assert first == 1000 + row
        assert score == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("kind", KINDS)
def test_upsert_replaces_the_vector_of_an_existing_id(kind: str) -> None:
    index, vectors = make_index(kind, 600)
    replacement = vectors[300]

    index.upsert([1005], replacement[None, :])

    assert len(index) == 600
    top = ids_of(index.search(replacement, 2))
    assert set(top) == {1005, 1300}
    # The old vector of 1005 is gone: searching for it does not return 1005 first.
    assert index.search(vectors[5], 1)[0][0] != 1005
    assert ids_of(index.search(vectors[5], 600)).count(1005) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_removed_ids_are_never_returned(kind: str) -> None:
    index, vectors = make_index(kind, 600)
    removed = [1000, 1001, 1002, 4242]  # 4242 was never there: ignored

    index.remove(removed)

    assert len(index) == 597
    assert 1000 not in index
    assert 1003 in index
    for row in range(3):
        assert not set(ids_of(index.search(vectors[row], 50))) & set(removed)
    assert not set(ids_of(index.search(vectors[0], 1000))) & set(removed)


@pytest.mark.parametrize("kind", KINDS)
def test_exclude_hides_ids_from_one_search_only(kind: str) -> None:
    index, vectors = make_index(kind, 600)

    hidden = ids_of(index.search(vectors[10], 10, exclude=[1010, 1011]))
    again = ids_of(index.search(vectors[10], 10))

    assert 1010 not in hidden
    assert 1011 not in hidden
    assert len(hidden) == 10
    assert again[0] == 1010


@pytest.mark.parametrize("kind", KINDS)
def test_results_are_best_first_and_at_most_k(kind: str) -> None:
    index, vectors = make_index(kind, 600)

    results = index.search(vectors[3], 25)
    scores = [score for _, score in results]

    assert len(results) == 25
    assert scores == sorted(scores, reverse=True)
    assert len(set(ids_of(results))) == 25
    assert index.search(vectors[3], 0) == []


def test_an_exact_index_returns_every_live_id_when_k_is_larger() -> None:
    index, vectors = make_index("exact", 30)
    index.remove([1000])

    assert sorted(ids_of(index.search(vectors[0], 100))) == list(range(1001, 1030))


def test_an_empty_index_and_a_zero_query_return_nothing() -> None:
    empty = VectorIndex(DIM)
    index, _ = make_index("exact", 10)

    assert empty.search(np.ones(DIM, dtype=np.float32), 5) == []
    assert len(empty) == 0
    assert 3 not in empty
    assert index.search(np.zeros(DIM, dtype=np.float32), 5) == []


@pytest.mark.parametrize("approximate", ["ivf", "hnsw"])
def test_it_becomes_approximate_when_an_upsert_reaches_the_threshold(approximate: str) -> None:
    vectors = realish_vectors(300, dimension=DIM)
    index = VectorIndex(DIM, exact_threshold=250, approximate=approximate)  # type: ignore[arg-type]

    index.upsert(np.arange(249), vectors[:249])
    assert index.kind == "exact"
    index.upsert([0], vectors[299][None, :])  # a replacement does not grow the index
    assert index.kind == "exact"

    index.upsert([249], vectors[249][None, :])

    assert index.kind == f"{approximate}_sq8"
    assert len(index) == 250
    assert index.search(vectors[299], 1)[0][0] == 0
    assert index.search(vectors[200], 1)[0][0] == 200


@pytest.mark.parametrize("kind", list(APPROXIMATE))
def test_approximate_recall_at_10_against_exact_search(kind: str) -> None:
    index, vectors = make_index(kind, 5000, exact_threshold=1000)
    queries = realish_vectors(200, dimension=DIM, seed=1)
    ids = np.arange(1000, 6000)

    exact_top = ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :10]]
    _, found = index.search_batch(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact_top, found, strict=True)])

    assert recall > 0.95


def test_hnsw_removals_are_tombstones_until_compact() -> None:
    index, vectors = make_index("hnsw_sq8", 600)

    index.remove(range(1000, 1150))
    index.upsert([1200], vectors[201][None, :])

    assert index.stats()["tombstones"] == 151
    assert index.stats()["size"] == 450
    assert index.needs_compaction
    assert ids_of(index.search(vectors[201], 2)) in ([1200, 1201], [1201, 1200])
    before = ids_of(index.search(vectors[400], 10))

    index.compact()

    assert index.kind == "hnsw_sq8"
    assert index.tombstones == 0
    assert not index.needs_compaction
    assert len(index) == 450
    assert ids_of(index.search(vectors[400], 10)) == before
    assert not set(ids_of(index.search(vectors[0], 450))) & set(range(1000, 1150))


@pytest.mark.parametrize("kind", list(APPROXIMATE))
def test_compact_of_a_shrunken_index_makes_it_exact(kind: str) -> None:
    index, vectors = make_index(kind, 300)
    index.remove(range(1000, 1200))
    assert index.needs_compaction

    index.compact()

    assert index.kind == "exact"
    assert index.search(vectors[250], 1)[0][0] == 1250
    assert len(index) == 100


def test_ivf_asks_for_a_rebuild_after_growing_fourfold() -> None:
    index, _ = make_index("ivf_sq8", 400)
    assert not index.needs_compaction

    index.upsert(np.arange(5000, 6300), realish_vectors(1300, dimension=DIM, seed=3))

    assert index.needs_compaction
    index.compact()
    assert not index.needs_compaction
    assert index.stats()["nlist"] == auto_nlist(1700)


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_load_keep_results_version_and_tombstones(kind: str, tmp_path: Path) -> None:
    index, vectors = make_index(kind, 600)
    index.remove([1001])
    index.upsert([1002], vectors[500][None, :])
    index.version = 41
    path = tmp_path / "snapshots" / "contributors.faiss"

    index.save(path)
    loaded = VectorIndex.load(path)

    assert loaded.kind == kind
    assert loaded.version == 41
    assert len(loaded) == len(index) == 599
    assert loaded.tombstones == index.tombstones
    assert loaded.params() == index.params()
    assert 1001 not in loaded
    for row in (0, 100, 500):
        assert loaded.search(vectors[row], 10) == index.search(vectors[row], 10)
    loaded.upsert([7], vectors[9][None, :])
    assert loaded.search(vectors[9], 2)[0][0] in (7, 1009)


def test_load_refuses_a_torn_snapshot(tmp_path: Path) -> None:
    index, _vectors = make_index("hnsw_sq8", 300)
    path = tmp_path / "projects.faiss"
    index.save(path)
    other, _ = make_index("hnsw_sq8", 301, seed=5)
    other.save(tmp_path / "other.faiss")
    # The index file of one snapshot next to the sidecars of another.
    (tmp_path / "other.faiss").replace(path)

    with pytest.raises(ValueError, match="disagree"):
        VectorIndex.load(path)

    meta = json.loads((tmp_path / "other.faiss.json").read_text())
    meta["format"] = 99
    (tmp_path / "other.faiss.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="format"):
        VectorIndex.load(tmp_path / "other.faiss")
    with pytest.raises(FileNotFoundError):
        VectorIndex.load(tmp_path / "missing.faiss")


def test_bad_input_is_refused() -> None:
    index = VectorIndex(DIM)
    good = realish_vectors(2, dimension=DIM)

    with pytest.raises(ValueError, match="dimension"):
        index.upsert([1], np.ones((1, DIM + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="non-negative"):
        index.upsert([-1], good[:1])
    with pytest.raises(ValueError, match="zero vector"):
        index.upsert([1], np.zeros((1, DIM), dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        index.upsert([1], np.full((1, DIM), np.nan, dtype=np.float32))
    with pytest.raises(ValueError, match="2 ids for 1 vectors"):
        index.upsert([1, 2], good[:1])
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones(3, dtype=np.float32), 1)
    with pytest.raises(ValueError, match="approximate"):
        VectorIndex(DIM, approximate="annoy")  # type: ignore[arg-type]
    assert len(index) == 0


def test_an_id_given_twice_in_one_upsert_keeps_its_last_row() -> None:
    index = VectorIndex(DIM)
    a, b = realish_vectors(2, dimension=DIM, seed=9)

    index.upsert([5, 5], np.stack([a, b]))

    assert len(index) == 1
    assert index.search(b, 1)[0][1] == pytest.approx(1.0, abs=1e-5)


def test_vectors_are_renormalised() -> None:
    index = VectorIndex(DIM)
    vector = realish_vectors(1, dimension=DIM)[0]

    index.upsert([1], (3.0 * vector)[None, :])

    assert index.search(vector, 1)[0][1] == pytest.approx(1.0, abs=1e-5)


def test_memory_and_stats_describe_the_index() -> None:
    flat, _ = make_index("hnsw", 600)
    quantised, _ = make_index("hnsw_sq8", 600)
    ivf, _ = make_index("ivf_sq8", 600)

    stats = quantised.stats()

    assert set(stats) >= {"kind", "size", "tombstones", "dimension", "params", "version", "memory_bytes"}
    assert stats["kind"] == "hnsw_sq8"
    assert stats["dimension"] == DIM
    assert stats["size"] == 600
    assert json.loads(json.dumps(stats)) == stats
    assert quantised.memory_bytes() < flat.memory_bytes()
    # 600 vectors of 64 one-byte codes at least.
    assert ivf.memory_bytes() >= 600 * DIM
    assert ivf.stats()["nlist"] == auto_nlist(600)


def test_auto_nlist_follows_four_square_roots_within_kmeans_limits() -> None:
    assert auto_nlist(20_000) == 512
    assert auto_nlist(100_000) == 1264
    assert auto_nlist(1_000_000) == 4000
    assert auto_nlist(10) == 1


@pytest.mark.parametrize("kind", ["exact", "ivf_sq8", "hnsw_sq8"])
def test_concurrent_searches_and_upserts_stay_consistent(kind: str) -> None:
    index, vectors = make_index(kind, 400)
    fresh = realish_vectors(200, dimension=DIM, seed=4)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(0, 200, 10):
                index.upsert(np.arange(5000 + i, 5010 + i), fresh[i : i + 10])
                index.remove([1000 + i])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def reader() -> None:
        try:
            for row in range(100):
                for identifier, _ in index.search(vectors[row], 10):
                    assert identifier >= 1000
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(index) == 400 + 200 - 20


OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["upsert", "remove"]), st.lists(st.integers(0, 40), min_size=1, max_size=6)),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(operations=OPERATIONS, approximate=st.sampled_from(["ivf", "hnsw"]))
def test_the_index_agrees_with_a_dictionary_after_any_operations(
    operations: list[tuple[str, list[int]]], approximate: str
) -> None:
    # Float storage (no SQ8): this checks the id bookkeeping, so scores must be exact;
    # 8-bit ranges learnt from 15 training vectors would clip later ones.
    pool = realish_vectors(41 * 3, dimension=DIM, seed=11)
    index = VectorIndex(DIM, exact_threshold=15, approximate=approximate, sq8=False, nprobe=10_000)  # type: ignore[arg-type]
    model: dict[int, int] = {}
    for step, (operation, keys) in enumerate(operations):
        if operation == "upsert":
            rows = [(key * 3 + step) % len(pool) for key in keys]
            index.upsert(keys, pool[rows])
            model.update(zip(keys, rows, strict=True))
        else:
            index.remove(keys)
            for key in keys:
                model.pop(key, None)

    assert len(index) == len(model)
    assert sorted(index.ids().tolist()) == sorted(model)
    assert all(key in index for key in model)
    found = ids_of(index.search(pool[0], 100))
    assert set(found) <= set(model)
    for key, row in model.items():
        best = index.search(pool[row], 1)
        assert best
        assert best[0][1] == pytest.approx(1.0, abs=1e-4)
        assert key in index
