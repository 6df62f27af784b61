"""Embeddings and the per-process FAISS indexes.

The database is the source of truth: one Embedding row per project and profile.
Each process keeps one in-memory ``VectorIndex`` per kind, built from a snapshot
(``manage.py matching_rebuild`` writes it under MATCHING_INDEX_DIR) or from the
rows, and catches up with rows whose ``version`` is above its watermark at most
every MATCHING_REFRESH_SECONDS. The process that makes a change applies it to its
own index at once, on commit.

Marketplace services call ``schedule_project_sync`` / ``schedule_profile_sync``
inside their transaction; the work (embedding, row upserts, index updates) runs
once per transaction on commit, batched, and never for a rolled-back change.
Publishing a project also calls ``schedule_project_alerts``: after that sync, the
best-matching contributors are told (``matching.alerts``).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from matching import documents
from matching.engine.embedder import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from matching.engine.index import VectorIndex
from matching.engine.text import DocumentText, content_hash, embed_documents
from matching.models import Embedding, IndexVersion

logger = logging.getLogger(__name__)

KINDS = (Embedding.Kind.PROJECT, Embedding.Kind.CONTRIBUTOR)


# --- the embedder ---------------------------------------------------------------


@cache
def _embedder(name: str, model_path: str) -> Embedder:
    if name == "hashing":
        return HashingEmbedder()
    return SentenceTransformerEmbedder(model_path or None)


def get_embedder() -> Embedder:
    """The process's embedder (settings.MATCHING_EMBEDDER: "sentence-transformers",
    the real model loaded lazily on first use, or "hashing", a fast test double)."""
    return _embedder(settings.MATCHING_EMBEDDER, str(settings.MATCHING_MODEL or ""))


# --- syncing rows -----------------------------------------------------------------


def _next_versions(kind: str, count: int) -> int:
    """Reserve ``count`` versions for ``kind``; returns the first. Locks the counter row."""
    counter, _ = IndexVersion.objects.select_for_update().get_or_create(kind=kind)
    first = counter.version + 1
    counter.version += count
    counter.save(update_fields=["version"])
    return first


@dataclass
class _Change:
    object_id: int
    active: bool
    doc: DocumentText | None


def _apply(kind: str, changes: list[_Change]) -> list[Embedding]:
    """Write the rows for ``changes`` (embedding only what changed) and return them."""
    embedder = get_embedder()
    existing = {
        e.object_id: e for e in Embedding.objects.filter(kind=kind, object_id__in=[c.object_id for c in changes])
    }
    to_embed: list[tuple[_Change, str]] = []
    to_flip: list[Embedding] = []
    for change in changes:
        row = existing.get(change.object_id)
        if change.doc is None:
            # The object is gone: its row stays (history of versions) but leaves the index.
            if row is not None and row.is_active:
                row.is_active = False
                to_flip.append(row)
            continue
        digest = content_hash(change.doc, embedder.model_name)
        if row is not None and row.content_hash == digest and row.model_name == embedder.model_name:
            if row.is_active != change.active:
                row.is_active = change.active
                to_flip.append(row)
            continue
        # Objects outside the index (a draft, a project in progress, an unavailable
        # contributor) are embedded too: they can still be the query of a match.
        to_embed.append((change, digest))
    if not to_embed and not to_flip:
        return []
    vectors = embed_documents(embedder, [c.doc for c, _ in to_embed if c.doc is not None]) if to_embed else None
    with transaction.atomic():
        version = _next_versions(kind, len(to_embed) + len(to_flip))
        written: list[Embedding] = []
        for index, (change, digest) in enumerate(to_embed):
            assert vectors is not None
            row, _ = Embedding.objects.update_or_create(
                kind=kind,
                object_id=change.object_id,
                defaults={
                    "model_name": embedder.model_name,
                    "dimension": embedder.dimension,
                    "content_hash": digest,
                    "vector": np.asarray(vectors[index], dtype="<f4").tobytes(),
                    "is_active": change.active,
                    "version": version,
                },
            )
            written.append(row)
            version += 1
        for row in to_flip:
            row.version = version
            row.save(update_fields=["is_active", "version", "updated_at"])
            written.append(row)
            version += 1
    return written


def _sync(
    kind: str,
    ids: Iterable[int],
    load: Callable[[Iterable[int]], list[Any]],
    is_indexed: Callable[[Any], bool],
    document: Callable[[Any], DocumentText],
) -> int:
    """Bring the embeddings of ``ids`` of ``kind`` up to date, and this process's
    index with them. A missing id (deleted object) leaves the index. Returns how
    many rows changed."""
    wanted = set(ids)
    objects = {obj.pk: obj for obj in load(wanted)}
    changes = [
        _Change(
            object_id=pk,
            active=pk in objects and is_indexed(objects[pk]),
            doc=document(objects[pk]) if pk in objects else None,
        )
        for pk in wanted
    ]
    written = _apply(kind, changes)
    _registry.apply(kind, written)
    return len(written)


def sync_projects(ids: Iterable[int]) -> int:
    return _sync(
        Embedding.Kind.PROJECT,
        ids,
        documents.projects_for_documents,
        documents.project_is_indexed,
        documents.project_document,
    )


def sync_profiles(ids: Iterable[int]) -> int:
    return _sync(
        Embedding.Kind.CONTRIBUTOR,
        ids,
        documents.profiles_for_documents,
        documents.profile_is_indexed,
        documents.profile_document,
    )


_pending = threading.local()


def _schedule(kind: str, object_id: int) -> None:
    """Queue a sync for the end of the current transaction.

    Every call registers a flush with on_commit, and the first flush to run takes the
    whole queue, so a transaction's changes are embedded in one batch. Tying the
    queue to callbacks (rather than remembering "a flush is registered") keeps it
    right when a transaction or savepoint rolls back and its callbacks are dropped:
    ids left queued by a rolled-back change are re-read at the next flush, and a
    sync of an unchanged or missing object writes nothing.
    """
    queue: dict[str, set[int]] | None = getattr(_pending, "queue", None)
    if queue is None:
        queue = {Embedding.Kind.PROJECT: set(), Embedding.Kind.CONTRIBUTOR: set()}
        _pending.queue = queue
    queue[kind].add(object_id)
    transaction.on_commit(_flush)


def _flush() -> None:
    queue: dict[str, set[int]] | None = getattr(_pending, "queue", None)
    _pending.queue = None
    if not queue:
        return
    try:
        if queue[Embedding.Kind.PROJECT]:
            sync_projects(queue[Embedding.Kind.PROJECT])
        if queue[Embedding.Kind.CONTRIBUTOR]:
            sync_profiles(queue[Embedding.Kind.CONTRIBUTOR])
    except Exception:
        # The change itself is committed; matching catches up at the next sync or
        # rebuild. A failure here must never turn a saved project into a 500.
        logger.exception("Could not update matching for %s", queue)


def schedule_project_sync(project_id: int) -> None:
    _schedule(Embedding.Kind.PROJECT, project_id)


def schedule_profile_sync(profile_id: int) -> None:
    _schedule(Embedding.Kind.CONTRIBUTOR, profile_id)


def schedule_project_alerts(project_id: int) -> None:
    """For a project being published: once the transaction commits and the project's
    vector is written, tell the contributors it matches best (``matching.alerts``).

    The sync is queued first, so its flush is registered before the alert and runs
    before it (on-commit callbacks run in the order they were registered), and both
    live in the same savepoint: a rolled-back publish neither syncs nor alerts.
    """
    _schedule(Embedding.Kind.PROJECT, project_id)
    transaction.on_commit(functools.partial(_alert, project_id))


def _alert(project_id: int) -> None:
    # Imported here: matching.alerts reads through matching.selectors, which imports
    # this module.
    from matching import alerts

    try:
        alerts.alert_new_project(project_id=project_id)
    except Exception:
        # As for the sync: the publish is committed; a failed alert is logged, never raised.
        logger.exception("Could not send the new-project alerts of project %s", project_id)


# --- per-process indexes -------------------------------------------------------------


@dataclass
class _Slot:
    index: VectorIndex | None = None
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _vector(row: Embedding) -> np.ndarray[Any, np.dtype[np.float32]]:
    return np.frombuffer(bytes(row.vector), dtype="<f4").astype(np.float32)


def snapshot_path(kind: str) -> Path:
    return Path(settings.MATCHING_INDEX_DIR) / f"{kind}.faiss"


class IndexRegistry:
    """This process's indexes, one per kind, built lazily and kept current."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {str(kind): _Slot() for kind in KINDS}

    def get(self, kind: str) -> VectorIndex:
        """The index of ``kind``, caught up with the database when the last check is
        older than MATCHING_REFRESH_SECONDS."""
        slot = self._slots[kind]
        with slot.lock:
            if slot.index is None:
                slot.index = self._load(kind)
                slot.checked_at = time.monotonic()
            elif time.monotonic() - slot.checked_at >= settings.MATCHING_REFRESH_SECONDS:
                self._catch_up(kind, slot.index)
                slot.checked_at = time.monotonic()
            return slot.index

    def apply(self, kind: str, rows: list[Embedding]) -> None:
        """Apply rows this process just wrote (only if its index is built already)."""
        slot = self._slots[kind]
        with slot.lock:
            if slot.index is not None and rows:
                _apply_rows(slot.index, rows)

    def reset(self) -> None:
        for slot in self._slots.values():
            with slot.lock:
                slot.index = None

    def replace(self, kind: str, index: VectorIndex) -> None:
        slot = self._slots[kind]
        with slot.lock:
            slot.index = index
            slot.checked_at = time.monotonic()

    def peek(self, kind: str) -> VectorIndex | None:
        return self._slots[kind].index

    def _load(self, kind: str) -> VectorIndex:
        path = snapshot_path(kind)
        index: VectorIndex | None = None
        if path.exists():
            try:
                index = VectorIndex.load(path)
            except Exception:
                logger.exception("Could not load the %s index snapshot %s; rebuilding from the database", kind, path)
        if index is None or index.dimension != get_embedder().dimension:
            index = new_index(get_embedder().dimension)
        self._catch_up(kind, index)
        return index

    def _catch_up(self, kind: str, index: VectorIndex) -> None:
        rows = list(Embedding.objects.filter(kind=kind, version__gt=index.version).order_by("version"))
        if rows:
            _apply_rows(index, rows)


def _index_params() -> dict[str, Any]:
    return {"exact_threshold": settings.MATCHING_EXACT_THRESHOLD, "sq8": settings.MATCHING_SQ8}


def new_index(dimension: int) -> VectorIndex:
    return VectorIndex(dimension, **_index_params())


def _apply_rows(index: VectorIndex, rows: list[Embedding]) -> None:
    dimension = index.dimension
    live = [r for r in rows if r.is_active and r.dimension == dimension]
    dead = [r.object_id for r in rows if not r.is_active or r.dimension != dimension]
    if dead:
        index.remove(dead)
    if live:
        index.upsert(
            np.array([r.object_id for r in live], dtype=np.int64),
            np.vstack([_vector(r) for r in live]).astype(np.float32),
        )
    index.version = max(index.version, max(r.version for r in rows))


_registry = IndexRegistry()


def index_for(kind: str) -> VectorIndex:
    return _registry.get(kind)


def rebuild(kind: str, *, progress: Callable[[int], None] | None = None, write_snapshot: bool = True) -> VectorIndex:
    """Rebuild ``kind``'s index from the stored rows (no re-embedding), trained and
    filled once in bulk, and write the snapshot processes load at start. Replaces
    this process's index. Holds all active vectors in memory while it builds."""
    dimension = get_embedder().dimension
    ids: list[int] = []
    vectors: list[np.ndarray[Any, np.dtype[np.float32]]] = []
    version = 0
    count = 0
    rows = Embedding.objects.filter(kind=kind).order_by("version").iterator(chunk_size=5000)
    for count, row in enumerate(rows, start=1):
        version = max(version, row.version)
        if row.is_active and row.dimension == dimension:
            ids.append(row.object_id)
            vectors.append(_vector(row))
        if progress and count % 5000 == 0:
            progress(5000)
    if progress and count % 5000:
        progress(count % 5000)
    matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, dimension), dtype=np.float32)
    index = VectorIndex.build(dimension, np.array(ids, dtype=np.int64), matrix, **_index_params())
    index.version = version
    if write_snapshot:
        path = snapshot_path(kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path)
    _registry.replace(kind, index)
    return index


def warm_up() -> None:
    """Load both indexes (from their snapshots, then catch up) and run the model
    once, so the first request does not pay for either. The ASGI entry point calls
    this in a background thread at start; failures are logged, never raised."""
    try:
        for kind in KINDS:
            index_for(kind)
        embedder = get_embedder()
        if hasattr(embedder, "warm_up"):
            embedder.warm_up()
        logger.info("matching warmed up: %s", {str(kind): len(index_for(kind)) for kind in KINDS})
    except Exception:
        logger.exception("matching warm-up failed; it will load on first use")


def index_status() -> dict[str, Any]:
    """For /healthz: per kind, the built index's size and kind, or "not_loaded"."""
    status: dict[str, Any] = {"status": "ok", "embedder": settings.MATCHING_EMBEDDER}
    for kind in KINDS:
        index = _registry.peek(kind)
        stored = Embedding.objects.filter(kind=kind, is_active=True).count()
        if index is None:
            status[kind] = {"status": "not_loaded", "stored": stored}
        else:
            status[kind] = {"status": "ok", "size": len(index), "kind": index.kind, "stored": stored}
    return status
