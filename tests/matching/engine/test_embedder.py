"""The embedder contract with the hashing test double, document text and hashing, and
that the real embedder loads nothing until it encodes (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching.engine.embedder import Embedder, HashingEmbedder, SentenceTransformerEmbedder, l2_normalise
from matching.engine.text import (
    BODY_CHUNK_WORDS,
    DocumentText,
    chunk_words,
    content_hash,
    embed_documents,
    profile_document,
    project_document,
)

ROOT = Path(__file__).resolve().parents[3]

TEXTS = [
    "Bittensor subnet validator operator",
    "runs validators on Bittensor subnets",
    "Solidity smart contract auditor",
    "",
]


def test_hashing_embedder_returns_unit_rows_of_its_dimension() -> None:
    vectors = HashingEmbedder(dimension=64).encode(TEXTS)

    assert vectors.shape == (4, 64)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_hashing_embedder_is_deterministic_across_instances() -> None:
    first = HashingEmbedder().encode(TEXTS)
    second = HashingEmbedder().encode(list(reversed(TEXTS)))[::-1]

    np.testing.assert_array_equal(first, second)


def test_hashing_embedder_is_the_same_in_another_process() -> None:
    code = (
        "from matching.engine.embedder import HashingEmbedder;"
        "print(HashingEmbedder(16).encode(['runs validators on Bittensor subnets'])[0].tolist())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)

    here = HashingEmbedder(16).encode(["runs validators on Bittensor subnets"])[0]
    np.testing.assert_allclose(json.loads(result.stdout), here, rtol=1e-6)


def test_hashing_embedder_scores_shared_words_above_unrelated_text() -> None:
    a, b, c, _ = HashingEmbedder().encode(TEXTS)

    assert float(a @ b) > float(a @ c)


def test_hashing_embedder_satisfies_the_protocol_and_rejects_a_bare_string() -> None:
    embedder = HashingEmbedder()

    assert isinstance(embedder, Embedder)
    assert embedder.encode([]).shape == (0, 384)
    with pytest.raises(TypeError):
        embedder.encode("one string")  # type: ignore[arg-type]


def test_l2_normalise_keeps_zero_rows_zero() -> None:
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))

    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_chunk_words_balances_chunks_and_drops_nothing() -> None:
    words = [f"w{i}" for i in range(400)]

    chunks = chunk_words(" ".join(words))

    assert [len(chunk.split()) for chunk in chunks] == [134, 133, 133]
    assert " ".join(chunks).split() == words
    assert chunk_words("   ") == []
    assert chunk_words("one two", max_words=BODY_CHUNK_WORDS) == ["one two"]


def test_embed_documents_reads_the_tail_of_a_long_body() -> None:
    embedder = HashingEmbedder()
    filler = " ".join(f"filler{i % 50}" for i in range(380))
    with_fact = DocumentText(head="Infrastructure engineer", body=filler + " operates Bittensor validators daily")
    without = DocumentText(head="Infrastructure engineer", body=filler + " enjoys hiking mountains on weekends")

    a, b = embed_documents(embedder, [with_fact, without])
    query = embedder.encode(["operates Bittensor validators"])[0]

    assert float(a @ query) > float(b @ query)
    np.testing.assert_allclose(np.linalg.norm([a, b], axis=1), 1.0, rtol=1e-6)


def test_embed_documents_weighs_head_and_body_equally() -> None:
    embedder = HashingEmbedder()
    head, body = "zk proofs of inference", "federated learning with flower"
    doc = embed_documents(embedder, [DocumentText(head=head, body=body)])[0]
    h, b = embedder.encode([head, body])

    np.testing.assert_allclose(doc, l2_normalise(0.5 * h + 0.5 * b), rtol=1e-5, atol=1e-6)


def test_embed_documents_handles_head_only_body_only_and_empty() -> None:
    embedder = HashingEmbedder()
    docs = [DocumentText(head="solidity auditor"), DocumentText(head="", body="solidity auditor"), DocumentText("")]

    head_only, body_only, empty = embed_documents(embedder, docs)

    np.testing.assert_allclose(head_only, body_only, rtol=1e-6)
    assert np.linalg.norm(empty) == pytest.approx(1.0)
    assert docs[2].is_empty
    assert not docs[0].is_empty


def test_content_hash_changes_with_model_and_text_and_is_stable() -> None:
    doc = DocumentText(head="Validator operator", body="Runs Bittensor validators.")

    assert content_hash(doc, "m") == content_hash(DocumentText(doc.head, doc.body), "m")
    assert len(content_hash(doc, "m")) == 64
    assert content_hash(doc, "m") != content_hash(doc, "other-model")
    assert content_hash(doc, "m") != content_hash(DocumentText(doc.head, doc.body + "!"), "m")
    # Moving words across the head/body boundary changes the vector, so the hash too.
    assert content_hash(DocumentText("a b", "c"), "m") != content_hash(DocumentText("a", "b c"), "m")


def test_project_and_profile_documents_put_skills_in_the_head() -> None:
    project = project_document(
        title="Validator for a text subnet",
        summary="Score miners honestly.",
        skills=["Bittensor", "PyTorch"],
        description="  Long description.  ",
    )
    profile = profile_document(headline="Validator operator", skills=["Bittensor"], bio="")

    assert project.head == "Validator for a text subnet. Score miners honestly. Skills: Bittensor, PyTorch"
    assert project.body == "Long description."
    assert profile == DocumentText(head="Validator operator. Skills: Bittensor", body="")


def test_sentence_transformer_embedder_knows_name_and_dimension_without_loading() -> None:
    embedder = SentenceTransformerEmbedder()

    assert embedder.model_name == "all-MiniLM-L6-v2"
    assert embedder.dimension == 384
    assert isinstance(embedder, Embedder)


def test_importing_and_constructing_the_real_embedder_loads_nothing() -> None:
    code = (
        "import sys\n"
        "import matching.engine.embedder as m, matching.engine.text, matching.engine.ranking\n"
        "e = m.SentenceTransformerEmbedder()\n"
        "loaded = ('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
        "print(e.model_name, e.dimension, e.is_loaded, *loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["all-MiniLM-L6-v2", "384", "False", "False", "False"]


def test_a_missing_model_folder_fails_on_first_encode_not_on_construction(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(tmp_path / "nothing-here")

    assert embedder.model_name == "nothing-here"
    with pytest.raises(FileNotFoundError):
        embedder.encode(["text"])
