"""The real all-MiniLM-L6-v2, loaded once for this module (offline)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from matching.engine.embedder import SentenceTransformerEmbedder
from matching.engine.text import DocumentText, embed_documents

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def embedder() -> Iterator[SentenceTransformerEmbedder]:
    model = SentenceTransformerEmbedder()
    model.warm_up()
    return model


def test_the_model_is_not_loaded_at_import_and_loads_on_first_encode() -> None:
    code = (
        "import sys\n"
        "from matching.engine.embedder import SentenceTransformerEmbedder\n"
        "e = SentenceTransformerEmbedder()\n"
        "before = (e.is_loaded, 'torch' in sys.modules)\n"
        "v = e.encode(['hello'])\n"
        "print(before, e.is_loaded, v.shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=240
    )

    assert result.stdout.strip() == "(False, False) True (1, 384)"


def test_it_returns_384_wide_unit_float32_rows(embedder: SentenceTransformerEmbedder) -> None:
    vectors = embedder.encode(["Bittensor subnet validator operator", "", "ZK proof of inference"])

    assert embedder.is_loaded
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_it_is_deterministic_and_batch_independent(embedder: SentenceTransformerEmbedder) -> None:
    texts = ["Federated learning with Flower", "Solidity auditor", "Runs GPU leases on Akash"]

    together = embedder.encode(texts, batch_size=3)
    one_by_one = np.vstack([embedder.encode([text], batch_size=1) for text in texts])

    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


def test_similar_work_is_closer_than_different_work(embedder: SentenceTransformerEmbedder) -> None:
    query, same, other = embedder.encode(
        [
            "Bittensor subnet validator operator",
            "runs validators on Bittensor subnets",
            "Solidity smart contract auditor",
        ]
    )

    assert float(query @ same) > float(query @ other) + 0.3


def test_a_search_sentence_finds_the_right_profile(embedder: SentenceTransformerEmbedder) -> None:
    query = embedder.encode(["someone who has run a Bittensor validator and knows PyTorch"])[0]
    profiles = embedder.encode(
        [
            "Solidity developer and smart contract auditor for DeFi protocols",
            "Validator operator on Bittensor subnets; trains scoring models in PyTorch",
            "Product designer for web3 wallets",
        ]
    )

    assert int(np.argmax(profiles @ query)) == 1


def test_embed_documents_reads_a_fact_that_only_the_tail_of_a_400_word_body_states(
    embedder: SentenceTransformerEmbedder,
) -> None:
    filler = " ".join(
        [
            "I write clear documentation, keep my commitments and enjoy working with small remote teams.",
            "Communication matters to me: I send weekly updates and ask questions early.",
            "I like to understand the people who will use what I build before I write code.",
        ]
        * 9
    )
    assert len(filler.split()) == 378
    head = "Freelance engineer available for contracts"
    tail_fact = "Most recently I operated Bittensor subnet validators and tuned their scoring in PyTorch."
    tail_other = "Most recently I renovated an old farmhouse and learned to bake sourdough bread at home."
    with_fact = DocumentText(head=head, body=f"{filler} {tail_fact}")
    without = DocumentText(head=head, body=f"{filler} {tail_other}")
    assert len(with_fact.body.split()) == 391  # about 400 words

    # Embedded as one string, the tail falls outside the 256-token window: the model
    # cannot tell the two apart.
    naive = embedder.encode([f"{head}. {with_fact.body}", f"{head}. {without.body}"])
    assert float(naive[0] @ naive[1]) > 0.999

    chunked = embed_documents(embedder, [with_fact, without])
    query = embedder.encode(["Bittensor validator operator"])[0]
    assert float(chunked[0] @ chunked[1]) < 0.99
    assert float(chunked[0] @ query) > float(chunked[1] @ query) + 0.05
    np.testing.assert_allclose(np.linalg.norm(chunked, axis=1), 1.0, rtol=1e-5)
