"""The framework-free matching engine: embeddings, a vector index, hybrid ranking.

Nothing in this package imports Django; ``matching.services`` adapts database rows
to it. Importing it is cheap: torch and the model load only on the first
``SentenceTransformerEmbedder.encode`` (faiss loads with ``matching.engine.index``).

- :mod:`matching.engine.embedder`: ``Embedder`` protocol, ``SentenceTransformerEmbedder``
  (all-MiniLM-L6-v2, offline, lazy), ``HashingEmbedder`` (test double).
- :mod:`matching.engine.text`: ``DocumentText``, ``embed_documents`` (head + chunked
  body), ``content_hash``.
- :mod:`matching.engine.index`: ``VectorIndex`` (exact below a threshold, IVF-SQ8 or
  HNSW-SQ8 above).
- :mod:`matching.engine.ranking`: facts, filters, ``WEIGHTS``, ``rank_contributors``,
  ``rank_projects``, ``oversample``.
"""

from __future__ import annotations
