"""The text of a match document, and how a document becomes one vector.

all-MiniLM-L6-v2 reads at most 256 word-pieces (about 190 English words) and
silently drops the rest, so a long project description or bio embedded as one
string loses its tail. A document is therefore split in two:

- ``head``: what matters most and is short (title + summary + skills, or headline +
  skills), embedded as one text that always fits the window;
- ``body``: the long free text, embedded in chunks of at most
  :data:`BODY_CHUNK_WORDS` words (balanced, so there is no tiny tail chunk).

The document vector is ``HEAD_WEIGHT * head + (1 - HEAD_WEIGHT) * mean(body chunks)``,
re-normalised to unit length. Half the weight on the head keeps a long bio (ten
chunks) from drowning the headline and skills a person chose to lead with, while
every sentence of the body still moves the vector. A document without a body is its
head's vector; one without a head is the mean of its body chunks.

:func:`content_hash` covers the model name, the texts and :data:`TEXT_SCHEME`, so
changing the chunking or the weights re-embeds everything, and unchanged text is
never embedded twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.engine.embedder import Embedder, l2_normalise

__all__ = [
    "BODY_CHUNK_WORDS",
    "HEAD_WEIGHT",
    "TEXT_SCHEME",
    "DocumentText",
    "chunk_words",
    "content_hash",
    "embed_documents",
    "profile_document",
    "project_document",
]

#: Words per body chunk: well inside the 256-token window (~190 words of English;
#: technical words such as "Bittensor" or "zk-SNARK" split into several word-pieces).
BODY_CHUNK_WORDS = 150
#: Share of the document vector given to the head; the body chunks share the rest.
HEAD_WEIGHT = 0.5
#: Names the chunking and weighting above. Bump it when either changes: it is part of
#: the content hash, so every document is then re-embedded.
TEXT_SCHEME = f"head{HEAD_WEIGHT}-chunk{BODY_CHUNK_WORDS}-v1"


@dataclass(frozen=True)
class DocumentText:
    """The text of one project or profile, as the embedder reads it.

    ``head`` is short and always inside the model's window; ``body`` may be any
    length. Both are plain text (strip Markdown before, if it matters).
    """

    head: str
    body: str = ""

    @property
    def is_empty(self) -> bool:
        """True when there is no word to embed: such a document matches nothing
        meaningfully, and callers should not index it."""
        return not (self.head.strip() or self.body.strip())


def _join(parts: Iterable[str], separator: str) -> str:
    """Join the non-blank parts; a separator that starts a sentence (". ") first drops
    each part's own final full stop, so "Summary." does not become "Summary.."."""
    cleaned = (part.strip() for part in parts if part and part.strip())
    if separator.startswith("."):
        cleaned = (part.rstrip(". ") for part in cleaned)
    return separator.join(part for part in cleaned if part)


def project_document(*, title: str, summary: str, skills: Sequence[str], description: str = "") -> DocumentText:
    """The document of a project: title, summary and required/nice skill names in the
    head; the description in the body. Skills are names people read ("PyTorch"),
    not slugs, because the model knows words, not identifiers."""
    head = _join([_join([title, summary], ". "), _join(skills, ", ")], ". Skills: ")
    return DocumentText(head=head, body=description.strip())


def profile_document(*, headline: str, skills: Sequence[str], bio: str = "") -> DocumentText:
    """The document of a contributor profile: headline and skill names in the head,
    the bio in the body."""
    head = _join([headline, _join(skills, ", ")], ". Skills: ")
    return DocumentText(head=head, body=bio.strip())


def chunk_words(text: str, max_words: int = BODY_CHUNK_WORDS) -> list[str]:
    """Split ``text`` on whitespace into the fewest chunks of at most ``max_words``
    words, of balanced sizes (400 words -> 134 + 133 + 133, not 150 + 150 + 100).
    Empty text gives no chunk."""
    if max_words <= 0:
        raise ValueError("max_words must be positive")
    words = text.split()
    if not words:
        return []
    count = -(-len(words) // max_words)
    size, extra = divmod(len(words), count)
    chunks: list[str] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(" ".join(words[start:end]))
        start = end
    return chunks


def embed_documents(
    embedder: Embedder, docs: Sequence[DocumentText], *, batch_size: int = 32
) -> npt.NDArray[np.float32]:
    """Embed documents as described in the module docstring.

    Returns a ``(len(docs), embedder.dimension)`` float32 array with unit rows, in the
    order of ``docs``. All heads and chunks go to the model in one ``encode`` call, so
    batching works across documents. An empty document is embedded as the empty
    string (a valid but meaningless vector): check :attr:`DocumentText.is_empty`
    first.
    """
    texts: list[str] = []
    # For each document: the index of its head text (or -1) and the slice of its chunks.
    layout: list[tuple[int, int, int]] = []
    for doc in docs:
        head_index = -1
        if doc.head.strip() or not doc.body.strip():
            head_index = len(texts)
            texts.append(doc.head.strip())
        first_chunk = len(texts)
        texts.extend(chunk_words(doc.body))
        layout.append((head_index, first_chunk, len(texts)))

    vectors = embedder.encode(texts, batch_size=batch_size)
    out = np.zeros((len(docs), embedder.dimension), dtype=np.float32)
    for row, (head_index, first_chunk, end) in enumerate(layout):
        has_body = end > first_chunk
        if head_index >= 0 and has_body:
            body = vectors[first_chunk:end].mean(axis=0)
            out[row] = HEAD_WEIGHT * vectors[head_index] + (1.0 - HEAD_WEIGHT) * body
        elif has_body:
            out[row] = vectors[first_chunk:end].mean(axis=0)
        else:
            out[row] = vectors[head_index]
    return l2_normalise(out)


def content_hash(doc: DocumentText, model_name: str) -> str:
    """SHA-256 (hex) of the model name, the text scheme and the document's texts.

    Equal hashes mean the stored vector is still the one :func:`embed_documents` would
    compute, so re-embedding can be skipped. Fields are length-prefixed, so moving
    words between head and body changes the hash.
    """
    digest = hashlib.sha256()
    for part in (model_name, TEXT_SCHEME, doc.head, doc.body):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
