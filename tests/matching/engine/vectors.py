"""Vectors for index and ranking tests: "real-ish" without loading the model.

Bases are embeddings of varied template texts by the hashing embedder; each test
vector is a base plus noise drawn from the spread of the bases themselves (a random
mix of centred bases), so vectors lie where text embeddings lie and neighbourhoods are
clustered like real ones, unlike uniform random vectors, on which every index looks
perfect or hopeless.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from matching.engine.embedder import HashingEmbedder, l2_normalise

ROLES = [
    "validator operator",
    "subnet designer",
    "zk researcher",
    "solidity auditor",
    "mlops engineer",
    "data engineer",
    "rust developer",
    "frontend engineer",
    "federated learning engineer",
    "agent developer",
]
SKILLS = [
    "bittensor",
    "pytorch",
    "jax",
    "circom",
    "halo2",
    "solidity",
    "foundry",
    "kubernetes",
    "ipfs",
    "rag",
    "vllm",
    "flower",
    "substrate",
    "solana",
    "terraform",
    "cuda",
]


def base_vectors(dimension: int = 64) -> npt.NDArray[np.float32]:
    texts = [
        f"{role} who knows {a} and {b}"
        for role, (a, b) in itertools.product(ROLES, itertools.combinations(SKILLS[:8], 2))
    ]
    return HashingEmbedder(dimension).encode(texts)


def realish_vectors(count: int, *, dimension: int = 64, seed: int = 0, noise: float = 0.6) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    bases = base_vectors(dimension)
    centred = bases - bases.mean(axis=0)
    mix = rng.standard_normal((count, bases.shape[0])).astype(np.float32) @ centred / np.sqrt(bases.shape[0])
    mix /= np.sqrt(np.mean(np.sum(mix**2, axis=1)))
    return l2_normalise(bases[rng.integers(0, bases.shape[0], count)] + noise * mix)
