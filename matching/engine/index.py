"""An inner-product vector index with integer ids, over unit vectors (FAISS).

One :class:`VectorIndex` holds the vectors of one kind of document (projects or
contributors), keyed by their database ids. It is derived data: the database is the
source of truth, and an index can always be rebuilt from it.

Kinds, chosen by size:

``exact``
    ``IndexIDMap2`` over ``IndexFlatIP``: every search scans every vector, so results
    are exact. Below ``exact_threshold`` live vectors this is fast (a 20k scan is
    about a millisecond) and removals are real (``remove_ids``, O(N) but small N).
``ivf_sq8`` / ``ivf`` (``approximate="ivf"``, the default)
    ``IndexIVFScalarQuantizer`` (8-bit codes, a quarter of float32) or
    ``IndexIVFFlat``: k-means cells; a search scans the ``nprobe`` nearest cells.
    Removals are real and O(1) (a hashtable direct map), so updates leave nothing
    behind. Needs training (k-means over a sample), done at build time.
``hnsw_sq8`` / ``hnsw`` (``approximate="hnsw"``)
    ``IndexHNSWSQ`` or ``IndexHNSWFlat``: a proximity graph. HNSW cannot remove a
    vector from its graph: removing or replacing an id leaves a *tombstone* (the old
    entry still routes searches) masked out of every result by an ``IDSelectorBitmap``
    over the live entries. :meth:`compact` rebuilds without them.

An approximate index is built when an upsert makes the index reach
``exact_threshold`` live vectors, or by :meth:`compact`, which rebuilds from the live
vectors and picks the kind (and the IVF cell count) for the current size. With SQ8,
the vectors a rebuild reads back are decoded codes: they re-encode to the same codes
up to half a quantisation step. Rebuilding from the database (the stored float
vectors) avoids even that.

The defaults were chosen from ``bench/matching.py`` at 1M vectors; see
docs/PERFORMANCE.md ("Matching engine") for the numbers.

Thread safety: one re-entrant lock serialises mutations and searches of one index
object, so an index may be shared by the threads of a worker process.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import faiss
import numpy as np
import numpy.typing as npt

__all__ = ["COMPACT_TOMBSTONE_RATIO", "FORMAT_VERSION", "IndexKind", "VectorIndex", "auto_nlist"]

# faiss ships stubs that cover only part of its SWIG API (no SearchParametersHNSW, no
# ``sel=`` keyword, no ``.hnsw``/``.storage`` on the base class): the SWIG objects are
# handled as Any through this alias, and this module's own API is fully typed.
_faiss: Any = faiss

IndexKind = Literal["exact", "ivf", "ivf_sq8", "hnsw", "hnsw_sq8"]
_KINDS: Final = ("exact", "ivf", "ivf_sq8", "hnsw", "hnsw_sq8")

#: Snapshot format written by :meth:`VectorIndex.save`; bump on incompatible changes.
FORMAT_VERSION: Final = 1
#: Share of tombstoned HNSW entries above which :attr:`VectorIndex.needs_compaction`
#: is true: past it, filtered-out entries crowd the candidate lists.
COMPACT_TOMBSTONE_RATIO: Final = 0.2
#: IVF: an index that grew (or shrank) by this factor since it was trained needs a
#: rebuild: its cells are too long (slower searches) or too sparse.
IVF_REBUILD_GROWTH: Final = 4.0
#: IVF: training sample per cell (k-means wants at least 39 points per centroid).
IVF_TRAINING_POINTS_PER_CELL: Final = 50

# Approximate bytes per entry of a std::unordered_map<int64, int64> node (IndexIDMap2's
# reverse map, IVF's hashtable direct map): a 16-byte pair, a next pointer, a cached
# hash and the bucket slot.
_UNORDERED_MAP_ENTRY_BYTES: Final = 40


def auto_nlist(size: int) -> int:
    """IVF cell count for ``size`` vectors: ``4 * sqrt(size)`` (the usual rule: cells
    of ~sqrt(N)/4 vectors), at most ``size / 39`` so k-means has enough points per
    centroid, at least 1. 20k -> 512, 100k -> 1264, 1M -> 4000."""
    return max(1, min(int(4 * math.sqrt(size)), size // 39, 65_536))


def _as_ids(ids: Sequence[int] | npt.NDArray[np.int64] | Iterable[int]) -> npt.NDArray[np.int64]:
    raw = ids if isinstance(ids, np.ndarray) else np.fromiter((int(i) for i in ids), dtype=np.int64)
    array = np.ascontiguousarray(raw, dtype=np.int64).reshape(-1)
    if array.size and int(array.min()) < 0:
        raise ValueError("ids must be non-negative integers (FAISS uses -1 for 'no result')")
    return array


def _as_unit_matrix(vectors: npt.NDArray[Any], dimension: int) -> npt.NDArray[np.float32]:
    matrix = np.array(vectors, dtype=np.float32, copy=True, order="C")
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != dimension:
        raise ValueError(f"expected vectors of dimension {dimension}, got shape {np.shape(vectors)}")
    if not np.isfinite(matrix).all():
        raise ValueError("vectors contain NaN or infinity")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if matrix.shape[0] and float(norms.min()) == 0.0:
        raise ValueError("a zero vector has no direction and cannot be indexed")
    # Callers pass unit vectors (every Embedder does); re-normalising is cheap and keeps
    # inner products equal to cosine similarities even if one did not.
    matrix /= norms
    return matrix


class _IdTable:
    """Maps external ids to internal labels in ~16 bytes per id.

    A Python dict of a million ints costs ~100 MB, as much as a quarter of the
    quantised index. So ids live in two sorted numpy arrays (ids, labels) built in
    bulk, plus a small dict for ids first seen since, merged into the arrays when it
    outgrows an eighth of them. A removed id keeps its slot with label -1 until the
    next merge.
    """

    def __init__(self) -> None:
        self._keys: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._labels: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._overlay: dict[int, int] = {}
        self._live = 0

    @classmethod
    def from_arrays(cls, ids: npt.NDArray[np.int64], labels: npt.NDArray[np.int64]) -> _IdTable:
        """A table of ``ids`` (unique) -> ``labels``; pairs with label -1 are dropped."""
        table = cls()
        keep = labels >= 0
        ids, labels = ids[keep], labels[keep]
        order = np.argsort(ids, kind="stable")
        table._keys = np.ascontiguousarray(ids[order])
        table._labels = np.ascontiguousarray(labels[order])
        if table._keys.size > 1 and bool((np.diff(table._keys) == 0).any()):
            raise ValueError("duplicate ids")
        table._live = int(table._keys.size)
        return table

    def __len__(self) -> int:
        return self._live

    def _slot(self, key: int) -> int:
        position = int(np.searchsorted(self._keys, key))
        if position < self._keys.size and int(self._keys[position]) == key:
            return position
        return -1

    def get(self, key: int) -> int:
        """The label of ``key``, or -1 when it is not live."""
        label = self._overlay.get(key)
        if label is not None:
            return label
        slot = self._slot(key)
        return int(self._labels[slot]) if slot >= 0 else -1

    def set(self, key: int, label: int) -> None:
        slot = self._slot(key)
        if slot >= 0:
            if int(self._labels[slot]) < 0:
                self._live += 1
            self._labels[slot] = label
            return
        if key not in self._overlay:
            self._live += 1
        self._overlay[key] = label
        if len(self._overlay) > max(4096, self._keys.size // 8):
            self._merge()

    def pop(self, key: int) -> int:
        """Forget ``key``; return its label, or -1 when it was not live."""
        label = self._overlay.pop(key, None)
        if label is not None:
            self._live -= 1
            return label
        slot = self._slot(key)
        if slot < 0 or int(self._labels[slot]) < 0:
            return -1
        label = int(self._labels[slot])
        self._labels[slot] = -1
        self._live -= 1
        return label

    def _merge(self) -> None:
        keys = np.fromiter(self._overlay.keys(), dtype=np.int64, count=len(self._overlay))
        labels = np.fromiter(self._overlay.values(), dtype=np.int64, count=len(self._overlay))
        merged = _IdTable.from_arrays(np.concatenate([self._keys, keys]), np.concatenate([self._labels, labels]))
        self._keys, self._labels, self._overlay = merged._keys, merged._labels, {}

    def items(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Live (ids, labels), ids ascending."""
        if self._overlay:
            self._merge()
        keep = self._labels >= 0
        return self._keys[keep], self._labels[keep]

    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._labels.nbytes) + 100 * len(self._overlay)


class VectorIndex:
    """Inner-product index with int64 ids over L2-normalised vectors.

    Exact (``IndexIDMap2`` over ``IndexFlatIP``) below ``exact_threshold`` live
    vectors; approximate above, built when the size crosses the threshold or on
    :meth:`compact`: IVF (``approximate="ivf"``, real removals) or HNSW
    (``approximate="hnsw"``: removals are tombstones filtered at search time with an
    ``IDSelectorBitmap`` and replaced on upsert; :meth:`compact` rebuilds without
    them). ``sq8=True`` stores 8-bit codes instead of float32 vectors.

    Parameters (defaults from the 1M-vector benchmark in docs/PERFORMANCE.md):

    - ``exact_threshold``: live vectors from which the index is approximate.
    - ``approximate``: ``"ivf"`` or ``"hnsw"``.
    - ``sq8``: 8-bit scalar quantisation (``*_sq8`` kinds).
    - ``nlist``: IVF cells; None = :func:`auto_nlist` of the size at build time.
    - ``nprobe``: IVF cells scanned per search: the recall/latency knob (may be
      changed on a live index).
    - ``hnsw_m``: HNSW degree (level 0 keeps ``2*M`` links, ``8*M`` bytes a vector).
    - ``ef_construction``: HNSW build candidate list (better graph, slower build).
    - ``ef_search``: HNSW search candidate list, raised to ``k`` when smaller (may be
      changed on a live index).

    ``version`` is a watermark for the caller (the highest embedding-row version
    applied); the index only stores, saves and loads it.
    """

    def __init__(
        self,
        dimension: int,
        *,
        exact_threshold: int = 20_000,
        approximate: Literal["ivf", "hnsw"] = "ivf",
        sq8: bool = True,
        nlist: int | None = None,
        nprobe: int = 64,
        hnsw_m: int = 16,
        ef_construction: int = 100,
        ef_search: int = 256,
    ) -> None:
        if dimension <= 0:
            raise ValueError("dimension must be positive")
        if approximate not in ("ivf", "hnsw"):
            raise ValueError("approximate must be 'ivf' or 'hnsw'")
        if min(exact_threshold, nprobe, hnsw_m, ef_construction, ef_search) < 1 or (nlist is not None and nlist < 1):
            raise ValueError("sizes and search parameters must be positive")
        self.dimension: Final = dimension
        self.exact_threshold: Final = exact_threshold
        self.approximate: Final = approximate
        self.sq8: Final = sq8
        self.nlist: Final = nlist
        # The two search-time knobs may be changed at any time (e.g. by a benchmark
        # sweep); the next search uses the new value.
        self.nprobe: int = nprobe
        self.hnsw_m: Final = hnsw_m
        self.ef_construction: Final = ef_construction
        self.ef_search: int = ef_search
        self.version: int = 0
        self._lock = threading.RLock()
        self._kind: IndexKind = "exact"
        self._index: Any = _faiss.IndexIDMap2(_faiss.IndexFlatIP(dimension))
        self._table = _IdTable()
        self._trained_size = 0
        # HNSW kinds only: the external id of each internal label (-1 = tombstone) and
        # the same liveness as a little-endian bitmap for IDSelectorBitmap, in buffers
        # that grow by doubling so a single upsert at 1M copies nothing.
        self._label_buf: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._bitmap_buf: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self._entries = 0

    @classmethod
    def build(
        cls,
        dimension: int,
        ids: Sequence[int] | npt.NDArray[np.int64],
        vectors: npt.NDArray[np.float32],
        **params: Any,
    ) -> VectorIndex:
        """A new index holding ``vectors`` under ``ids``, of the kind their count calls for
        (an approximate index is trained and filled once, in bulk)."""
        index = cls(dimension, **params)
        index.upsert(ids, vectors)
        return index

    def params(self) -> dict[str, Any]:
        """The constructor's keyword arguments, as saved in a snapshot."""
        return {
            "exact_threshold": self.exact_threshold,
            "approximate": self.approximate,
            "sq8": self.sq8,
            "nlist": self.nlist,
            "nprobe": self.nprobe,
            "hnsw_m": self.hnsw_m,
            "ef_construction": self.ef_construction,
            "ef_search": self.ef_search,
        }

    @property
    def kind(self) -> IndexKind:
        """``"exact"``, ``"ivf"``, ``"ivf_sq8"``, ``"hnsw"`` or ``"hnsw_sq8"``."""
        return self._kind

    @property
    def _is_hnsw(self) -> bool:
        return self._kind in ("hnsw", "hnsw_sq8")

    # ------------------------------------------------------------------ building

    def _build(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        """Replace the whole index by one over (ids, vectors), ids unique, of the kind
        the count calls for."""
        if ids.size < self.exact_threshold:
            self._build_exact(ids, vectors)
        elif self.approximate == "hnsw":
            self._build_hnsw(ids, vectors)
        else:
            self._build_ivf(ids, vectors)
        self._trained_size = int(ids.size)

    def _build_exact(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        index = _faiss.IndexIDMap2(_faiss.IndexFlatIP(self.dimension))
        if ids.size:
            index.add_with_ids(vectors, ids)
        self._index = index
        self._kind = "exact"
        self._set_labels(np.zeros(0, dtype=np.int64))
        self._table = _IdTable.from_arrays(ids, np.zeros(ids.size, dtype=np.int64))

    def _build_ivf(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        nlist = min(self.nlist, int(ids.size)) if self.nlist else auto_nlist(int(ids.size))
        quantizer = _faiss.IndexFlatIP(self.dimension)
        if self.sq8:
            index = _faiss.IndexIVFScalarQuantizer(
                quantizer, self.dimension, nlist, _faiss.ScalarQuantizer.QT_8bit, _faiss.METRIC_INNER_PRODUCT
            )
        else:
            index = _faiss.IndexIVFFlat(quantizer, self.dimension, nlist, _faiss.METRIC_INNER_PRODUCT)
        # The IVF index must own its quantizer once this function returns.
        index.own_fields = True
        quantizer.this.disown()
        # k-means on a fixed-seed sample: the same data builds the same index.
        sample_size = min(int(ids.size), IVF_TRAINING_POINTS_PER_CELL * nlist)
        rng = np.random.default_rng(0)
        sample = vectors[np.sort(rng.choice(ids.size, size=sample_size, replace=False))]
        # auto_nlist keeps 39+ points per cell; a caller's fixed nlist on a small index
        # gets fewer, which k-means accepts (with a warning we silence here).
        index.cp.min_points_per_centroid = max(1, min(39, sample_size // nlist))
        index.train(sample)
        # A hashtable direct map makes remove_ids and reconstruct O(1) per id.
        index.set_direct_map_type(_faiss.DirectMap.Hashtable)
        index.add_with_ids(vectors, ids)
        self._index = index
        self._kind = "ivf_sq8" if self.sq8 else "ivf"
        self._set_labels(np.zeros(0, dtype=np.int64))
        self._table = _IdTable.from_arrays(ids, np.zeros(ids.size, dtype=np.int64))

    def _build_hnsw(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        index: Any
        if self.sq8:
            index = _faiss.IndexHNSWSQ(
                self.dimension, _faiss.ScalarQuantizer.QT_8bit, self.hnsw_m, _faiss.METRIC_INNER_PRODUCT
            )
            # The quantiser learns each dimension's range from the data present; later
            # vectors outside it are clipped (harmless for unit vectors of one model).
            index.train(vectors)
        else:
            index = _faiss.IndexHNSWFlat(self.dimension, self.hnsw_m, _faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        index.hnsw.efSearch = self.ef_search
        index.add(vectors)
        self._index = index
        self._kind = "hnsw_sq8" if self.sq8 else "hnsw"
        self._set_labels(ids.copy())
        self._table = _IdTable.from_arrays(ids, np.arange(ids.size, dtype=np.int64))

    @property
    def _label_ids(self) -> npt.NDArray[np.int64]:
        return self._label_buf[: self._entries]

    def _set_labels(self, label_ids: npt.NDArray[np.int64]) -> None:
        self._label_buf = np.ascontiguousarray(label_ids, dtype=np.int64)
        self._entries = int(label_ids.size)
        self._bitmap_buf = np.packbits(label_ids >= 0, bitorder="little")

    def _append_labels(self, ids: npt.NDArray[np.int64]) -> None:
        needed = self._entries + ids.size
        if needed > self._label_buf.size:
            capacity = max(needed, 2 * self._label_buf.size, 1024)
            grown = np.full(capacity, -1, dtype=np.int64)
            grown[: self._entries] = self._label_buf[: self._entries]
            self._label_buf = grown
            bitmap = np.zeros((capacity + 7) // 8, dtype=np.uint8)
            bitmap[: self._bitmap_buf.size] = self._bitmap_buf
            self._bitmap_buf = bitmap
        labels = np.arange(self._entries, needed, dtype=np.int64)
        self._label_buf[labels] = ids
        np.bitwise_or.at(self._bitmap_buf, labels >> 3, np.uint8(1) << (labels & 7).astype(np.uint8))
        self._entries = needed

    def _tombstone(self, label: int) -> None:
        self._label_buf[label] = -1
        self._bitmap_buf[label >> 3] &= np.uint8(~(1 << (label & 7)) & 0xFF)

    def _live_vectors(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """(ids, vectors) of every live entry; with SQ8 the vectors are decoded codes.
        Decoded in slices, so a 1M rebuild holds one float copy, not two."""
        step = 65_536
        if self._kind == "exact":
            ntotal = int(self._index.ntotal)
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)
            flat = _faiss.downcast_index(self._index.index)
            vectors = flat.reconstruct_n(0, ntotal) if ntotal else np.zeros((0, self.dimension), np.float32)
            return ids, np.ascontiguousarray(vectors, dtype=np.float32)
        if self._is_hnsw:
            labels = np.flatnonzero(self._label_ids >= 0)
            ids = self._label_ids[labels].copy()
            source = _faiss.downcast_index(self._index.storage)
        else:
            ids = self._table.items()[0].copy()
            labels = ids
            source = self._index
        vectors = np.empty((labels.size, self.dimension), dtype=np.float32)
        for start in range(0, labels.size, step):
            chunk = labels[start : start + step]
            vectors[start : start + chunk.size] = source.reconstruct_batch(chunk)
        return ids, vectors

    # ------------------------------------------------------------------ mutations

    def upsert(self, ids: Sequence[int] | npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        """Insert or replace the vectors of ``ids`` (one row of ``vectors`` per id).

        Rows are re-normalised; an id given twice keeps its last row. An exact index
        that reaches ``exact_threshold`` live vectors is rebuilt as approximate here
        (once: about a second at 20k). On HNSW a replaced id's old entry becomes a
        tombstone; exact and IVF replace in place.
        """
        id_array = _as_ids(ids)
        matrix = _as_unit_matrix(vectors, self.dimension)
        if id_array.size != matrix.shape[0]:
            raise ValueError(f"{id_array.size} ids for {matrix.shape[0]} vectors")
        if id_array.size == 0:
            return
        _, last_positions = np.unique(id_array[::-1], return_index=True)
        if last_positions.size != id_array.size:
            keep = np.sort(id_array.size - 1 - last_positions)
            id_array, matrix = id_array[keep], matrix[keep]

        with self._lock:
            if self._kind == "exact":
                existing = sum(1 for key in id_array.tolist() if self._table.get(key) >= 0)
                if len(self._table) - existing + id_array.size >= self.exact_threshold:
                    old_ids, old_vectors = self._live_vectors()
                    keep_old = ~np.isin(old_ids, id_array)
                    self._build(
                        np.concatenate([old_ids[keep_old], id_array]),
                        np.concatenate([old_vectors[keep_old], matrix], axis=0),
                    )
                    return
            if self._is_hnsw:
                self._upsert_hnsw(id_array, matrix)
            else:
                self._upsert_removable(id_array, matrix)

    def _remove_from_faiss(self, ids: npt.NDArray[np.int64]) -> None:
        """Really remove ``ids`` (all live) from an exact or IVF index."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self._kind == "exact":
            # IndexIDMap2 tests every stored id against the selector: a hash set.
            self._index.remove_ids(_faiss.IDSelectorBatch(ids))
        else:
            # IVF's hashtable direct map removes only an explicit IDSelectorArray (which
            # points into ``ids``: it lives until this call returns).
            self._index.remove_ids(_faiss.IDSelectorArray(ids))

    def _upsert_removable(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        existing = np.array([key for key in ids.tolist() if self._table.get(key) >= 0], dtype=np.int64)
        if existing.size:
            self._remove_from_faiss(existing)
        self._index.add_with_ids(vectors, ids)
        for key in ids.tolist():
            self._table.set(key, 0)

    def _upsert_hnsw(self, ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32]) -> None:
        for key in ids.tolist():
            old = self._table.pop(key)
            if old >= 0:
                self._tombstone(old)
        first = int(self._index.ntotal)
        self._index.add(vectors)
        self._append_labels(ids)
        for offset, key in enumerate(ids.tolist()):
            self._table.set(key, first + offset)

    def remove(self, ids: Iterable[int]) -> None:
        """Remove ``ids`` (unknown ids are ignored); they are never returned again.
        Exact and IVF: removed from the index. HNSW: tombstoned; the memory comes back
        with :meth:`compact`."""
        id_array = _as_ids(ids)
        with self._lock:
            labels = np.array([self._table.pop(key) for key in np.unique(id_array).tolist()], dtype=np.int64)
            if not (labels >= 0).any():
                return
            if self._is_hnsw:
                for label in labels[labels >= 0].tolist():
                    self._tombstone(label)
            else:
                self._remove_from_faiss(np.unique(id_array)[labels >= 0])

    def compact(self) -> None:
        """Rebuild from the live vectors: drops HNSW tombstones, re-trains IVF cells for
        the current size, and picks the kind for the size (an approximate index that
        shrank below ``exact_threshold`` becomes exact).

        Blocks searches on this object while it runs, minutes at 1M vectors on two
        cores: run it in a maintenance process and load its snapshot, or rebuild from
        the database instead.
        """
        with self._lock:
            ids, vectors = self._live_vectors()
            self._build(ids, vectors)

    # -------------------------------------------------------------------- queries

    def __len__(self) -> int:
        """Number of live vectors (tombstones excluded)."""
        return len(self._table)

    def __contains__(self, id: object) -> bool:
        if isinstance(id, bool) or not isinstance(id, int | np.integer):
            return False
        with self._lock:
            return self._table.get(int(id)) >= 0

    @property
    def tombstones(self) -> int:
        """Entries kept in an HNSW graph for ids that were removed or replaced."""
        return int(self._index.ntotal) - len(self._table) if self._is_hnsw else 0

    @property
    def needs_compaction(self) -> bool:
        """True when :meth:`compact` (or a rebuild) would pay off: over
        :data:`COMPACT_TOMBSTONE_RATIO` tombstones (HNSW), a size that moved by
        :data:`IVF_REBUILD_GROWTH` since the cells were trained (IVF), or an
        approximate index that shrank below ``exact_threshold``."""
        size = len(self._table)
        if self._kind == "exact":
            return False
        if size < self.exact_threshold:
            return True
        if self._is_hnsw:
            return self.tombstones > COMPACT_TOMBSTONE_RATIO * max(1, int(self._index.ntotal))
        trained = max(1, self._trained_size)
        return not (trained / IVF_REBUILD_GROWTH <= size <= trained * IVF_REBUILD_GROWTH)

    def ids(self) -> npt.NDArray[np.int64]:
        """Every live id, ascending."""
        with self._lock:
            return self._table.items()[0].copy()

    def _search_params(self, k: int, exclude: npt.NDArray[np.int64]) -> tuple[Any, list[object]]:
        """FAISS search parameters hiding tombstones and ``exclude``, and the Python
        objects they point into: FAISS keeps raw pointers, so those must stay
        referenced until the search returns."""
        if self._is_hnsw:
            params = _faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
            if exclude.size == 0 and self.tombstones == 0:
                return params, []
            bitmap = self._bitmap_buf
            labels = np.array([self._table.get(key) for key in exclude.tolist()], dtype=np.int64)
            labels = labels[labels >= 0]
            if labels.size:
                bitmap = bitmap.copy()
                np.bitwise_and.at(bitmap, labels >> 3, ~(np.uint8(1) << (labels & 7).astype(np.uint8)))
            selector = _faiss.IDSelectorBitmap(int(self._index.ntotal), _faiss.swig_ptr(bitmap))
            params.sel = selector
            return params, [selector, bitmap]
        params = (
            _faiss.SearchParametersIVF(nprobe=min(self.nprobe, int(self._index.nlist)))
            if self._kind != "exact"
            else _faiss.SearchParameters()
        )
        if exclude.size == 0:
            return params, []
        batch = _faiss.IDSelectorBatch(exclude)
        selector = _faiss.IDSelectorNot(batch)
        params.sel = selector
        return params, [selector, batch]

    def search_batch(
        self, queries: npt.NDArray[np.float32], k: int, *, exclude: Iterable[int] = ()
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Search several queries at once: ``(scores, ids)`` of shape ``(n, k)``, best
        first, padded with score ``-inf`` and id ``-1``. Same guarantees as
        :meth:`search`."""
        matrix = np.array(queries, dtype=np.float32, copy=True, order="C")
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self.dimension:
            raise ValueError(f"expected queries of dimension {self.dimension}, got shape {np.shape(queries)}")
        norms = np.linalg.norm(matrix, axis=1)
        np.divide(matrix, norms[:, None], out=matrix, where=norms[:, None] > 0)
        exclude_ids = _as_ids(exclude)
        n = matrix.shape[0]
        if k <= 0:
            return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
        with self._lock:
            if len(self._table) == 0:
                return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, dtype=np.int64)
            params, keep_alive = self._search_params(k, exclude_ids)
            scores, labels = self._index.search(matrix, k, params=params)
            del keep_alive
            if self._is_hnsw:
                ids = np.where(labels >= 0, self._label_ids[np.maximum(labels, 0)], -1)
            else:
                ids = labels.astype(np.int64, copy=False)
        # A zero query (the embedding of nothing) matches nothing.
        ids[norms == 0] = -1
        scores = np.where(ids >= 0, scores, -np.inf).astype(np.float32)
        return scores, ids

    def search(self, query: npt.NDArray[np.float32], k: int, *, exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
        """The up to ``k`` live vectors most similar to ``query``: ``[(id, score)]``,
        best first, score = inner product (cosine similarity for unit vectors; with
        SQ8, of the decoded codes: within 0.002 of the exact value in the benchmark).

        Never returns a removed id, a replaced id's old vector, or an id in ``exclude``.
        The exact kind returns fewer than ``k`` pairs only when fewer live vectors
        qualify; approximate kinds are approximate (recall in docs/PERFORMANCE.md) and
        may also return fewer when most vectors are excluded. A zero query matches
        nothing.
        """
        scores, ids = self.search_batch(np.asarray(query, dtype=np.float32).reshape(1, -1), k, exclude=exclude)
        return [(int(i), float(s)) for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True) if i >= 0]

    # ------------------------------------------------------------- size and stats

    def _memory_parts(self) -> dict[str, int]:
        ntotal = int(self._index.ntotal)
        table = self._table.nbytes()
        if self._kind == "exact":
            return {
                "vectors": ntotal * self.dimension * 4,
                "id_map": ntotal * (8 + _UNORDERED_MAP_ENTRY_BYTES),
                "id_table": table,
            }
        if self._is_hnsw:
            storage = _faiss.downcast_index(self._index.storage)
            hnsw = self._index.hnsw
            return {
                "vectors": ntotal * int(storage.code_size),
                "graph": int(hnsw.neighbors.size()) * 4 + int(hnsw.offsets.size()) * 8 + int(hnsw.levels.size()) * 4,
                "id_map": int(self._label_buf.nbytes) + int(self._bitmap_buf.nbytes),
                "id_table": table,
            }
        return {
            "vectors": ntotal * int(self._index.code_size),
            "centroids": int(self._index.nlist) * self.dimension * 4,
            "id_map": ntotal * (8 + _UNORDERED_MAP_ENTRY_BYTES),
            "id_table": table,
        }

    def memory_bytes(self) -> int:
        """Approximate bytes held by the index: vectors or codes, graph links or cell
        centroids, id maps and this object's id table (Python object overhead
        excluded)."""
        with self._lock:
            return sum(self._memory_parts().values())

    def stats(self) -> dict[str, Any]:
        """A JSON-ready summary: kind, size, tombstones, dimension, params, version,
        memory (total and parts)."""
        with self._lock:
            ntotal = int(self._index.ntotal)
            parts = self._memory_parts()
            return {
                "kind": self._kind,
                "size": len(self._table),
                "entries": ntotal,
                "tombstones": self.tombstones,
                "tombstone_ratio": (self.tombstones / ntotal) if ntotal else 0.0,
                "needs_compaction": self.needs_compaction,
                "trained_size": self._trained_size,
                "nlist": int(self._index.nlist) if self._kind in ("ivf", "ivf_sq8") else None,
                "dimension": self.dimension,
                "params": self.params(),
                "version": self.version,
                "memory_bytes": sum(parts.values()),
                "memory_parts": parts,
            }

    # ------------------------------------------------------------------ snapshots

    @staticmethod
    def _sidecars(path: Path) -> tuple[Path, Path]:
        return path.with_name(path.name + ".json"), path.with_name(path.name + ".ids.npy")

    def _snapshot_ids(self) -> npt.NDArray[np.int64]:
        if self._is_hnsw:
            return np.ascontiguousarray(self._label_ids)
        if self._kind == "exact":
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)
        return self._table.items()[0]

    def save(self, path: str | Path) -> None:
        """Write a snapshot: the FAISS index at ``path`` (``faiss.write_index``),
        ``<path>.ids.npy`` (the ids; for HNSW, the id of each internal entry with -1
        for tombstones) and ``<path>.json`` (format, kind, params, version, sizes and a
        SHA-256 of the ids).

        Each file is written under a temporary name and renamed into place, the JSON
        last. :meth:`load` checks that the three agree, so a snapshot caught between
        two renames is refused, never loaded wrong.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta_path, ids_path = self._sidecars(target)
        with self._lock:
            ids = self._snapshot_ids()
            meta = {
                "format": FORMAT_VERSION,
                "kind": self._kind,
                "dimension": self.dimension,
                "params": self.params(),
                "version": self.version,
                "entries": int(self._index.ntotal),
                "size": len(self._table),
                "trained_size": self._trained_size,
                "ids_sha256": hashlib.sha256(ids.tobytes()).hexdigest(),
            }
            temporary = target.with_name(target.name + ".tmp")
            faiss.write_index(self._index, str(temporary))
            os.replace(temporary, target)
            temporary_ids = ids_path.with_name(ids_path.name + ".tmp.npy")
            np.save(temporary_ids, ids)
            os.replace(temporary_ids, ids_path)
            temporary_meta = meta_path.with_name(meta_path.name + ".tmp")
            temporary_meta.write_text(json.dumps(meta, indent=1), encoding="utf-8")
            os.replace(temporary_meta, meta_path)

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """Read a snapshot written by :meth:`save`. Raises ``FileNotFoundError`` when a
        file is missing and ``ValueError`` when the files disagree (a torn or foreign
        snapshot): callers should then rebuild from the database."""
        target = Path(path)
        meta_path, ids_path = cls._sidecars(target)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported index snapshot format {meta.get('format')!r}")
        kind = meta.get("kind")
        if kind not in _KINDS:
            raise ValueError(f"unknown index kind {kind!r}")
        index = cls(int(meta["dimension"]), **dict(meta["params"]))
        index.version = int(meta["version"])
        index._trained_size = int(meta.get("trained_size", 0))
        raw: Any = faiss.read_index(str(target))
        ids = np.load(ids_path, allow_pickle=False).astype(np.int64, copy=False)
        if int(raw.ntotal) != int(meta["entries"]) or int(raw.d) != index.dimension:
            raise ValueError("index snapshot and its JSON sidecar disagree (entries or dimension)")
        if hashlib.sha256(np.ascontiguousarray(ids).tobytes()).hexdigest() != meta["ids_sha256"]:
            raise ValueError("index snapshot and its ids sidecar disagree")
        index._index = raw
        index._kind = kind
        if kind in ("hnsw", "hnsw_sq8"):
            if ids.size != int(raw.ntotal):
                raise ValueError("index snapshot and its ids sidecar disagree (entries)")
            raw.hnsw.efSearch = index.ef_search
            index._set_labels(ids)
            live = np.flatnonzero(ids >= 0)
            index._table = _IdTable.from_arrays(ids[live], live.astype(np.int64))
        else:
            if kind != "exact" and int(raw.direct_map.type) != int(_faiss.DirectMap.Hashtable):
                raw.set_direct_map_type(_faiss.DirectMap.Hashtable)
            index._table = _IdTable.from_arrays(ids, np.zeros(ids.size, dtype=np.int64))
        if len(index) != int(meta["size"]):
            raise ValueError("index snapshot has a different number of live ids than its sidecar says")
        return index

    def __repr__(self) -> str:
        return (
            f"<VectorIndex {self._kind} dim={self.dimension} size={len(self)} "
            f"tombstones={self.tombstones} version={self.version}>"
        )
