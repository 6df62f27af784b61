"""The skill taxonomy of decentralized-AI work: (name, slug, category, description).

Loaded by migration 0002 on every new database and kept in sync by ``seed_demo``.
"""

from __future__ import annotations

from typing import Any

SKILLS: list[tuple[str, str, str, str]] = [
    # Decentralized AI networks
    ("Bittensor", "bittensor", "decentralized_ai", "Subnets, validators and miners on the Bittensor network"),
    ("Subnet design", "subnet-design", "decentralized_ai", "Incentive mechanisms and scoring for Bittensor subnets"),
    ("Validator operations", "validator-ops", "decentralized_ai", "Running and monitoring validators and miners"),
    ("Gensyn", "gensyn", "decentralized_ai", "Verifiable distributed training on Gensyn"),
    ("Ritual", "ritual", "decentralized_ai", "Infernet nodes and on-chain AI with Ritual"),
    ("Akash Network", "akash", "decentralized_ai", "Decentralized GPU compute leases on Akash"),
    ("Render Network", "render-network", "decentralized_ai", "Distributed GPU rendering and inference"),
    ("Ocean Protocol", "ocean-protocol", "decentralized_ai", "Data tokens and compute-to-data"),
    ("Autonolas", "autonolas", "decentralized_ai", "Autonomous agent services with Olas"),
    ("Fetch.ai", "fetch-ai", "decentralized_ai", "uAgents and the Fetch.ai agent framework"),
    # Machine learning
    ("PyTorch", "pytorch", "machine_learning", "Model training and inference in PyTorch"),
    ("JAX", "jax", "machine_learning", "Accelerated numerical computing and training in JAX"),
    ("LLM fine-tuning", "llm-fine-tuning", "machine_learning", "LoRA, QLoRA and full fine-tuning of language models"),
    ("RAG", "rag", "machine_learning", "Retrieval-augmented generation pipelines"),
    ("Embeddings and vector search", "vector-search", "machine_learning", "Sentence embeddings, FAISS, HNSW"),
    ("LLM inference serving", "llm-serving", "machine_learning", "vLLM, TGI, llama.cpp, quantisation"),
    ("Computer vision", "computer-vision", "machine_learning", "Detection, segmentation, diffusion models"),
    ("Reinforcement learning", "reinforcement-learning", "machine_learning", "RL and RLHF"),
    ("Federated learning", "federated-learning", "machine_learning", "Flower, FedAvg, training across data silos"),
    ("Model evaluation", "model-evaluation", "machine_learning", "Benchmarks, evals and red-teaming"),
    ("AI agents", "ai-agents", "machine_learning", "Tool-using agents, planning, LangGraph"),
    ("MLOps", "mlops", "machine_learning", "Pipelines, model registries, monitoring"),
    # Privacy and cryptography
    ("ZK-ML", "zkml", "privacy", "Zero-knowledge proofs of model inference (EZKL, zkML)"),
    ("Zero-knowledge proofs", "zero-knowledge", "privacy", "Circom, Halo2, Noir, STARKs"),
    ("Differential privacy", "differential-privacy", "privacy", "Privacy budgets and DP-SGD"),
    ("Secure multi-party computation", "mpc", "privacy", "MPC protocols and threshold cryptography"),
    ("Homomorphic encryption", "fhe", "privacy", "FHE with Concrete, OpenFHE, TFHE"),
    ("Trusted execution", "tee", "privacy", "SGX, SEV and confidential computing"),
    ("Cryptography", "cryptography", "privacy", "Signatures, hashing, protocol design"),
    # Blockchain and smart contracts
    ("Solidity", "solidity", "blockchain", "EVM smart contracts in Solidity"),
    ("Smart contract auditing", "smart-contract-auditing", "blockchain", "Security reviews, fuzzing, formal checks"),
    ("Rust", "rust", "blockchain", "Systems programming in Rust"),
    ("Substrate", "substrate", "blockchain", "Polkadot SDK, pallets and runtimes"),
    ("Solana", "solana", "blockchain", "Solana programs with Anchor"),
    ("Cosmos SDK", "cosmos-sdk", "blockchain", "Cosmos app chains and IBC"),
    ("Ethereum", "ethereum", "blockchain", "Ethereum protocol, JSON-RPC, EIPs"),
    ("web3.py", "web3-py", "blockchain", "Python clients for EVM chains"),
    ("Oracles", "oracles", "blockchain", "Chainlink and custom oracle networks"),
    ("Tokenomics", "tokenomics", "product", "Token design, emissions and incentive modelling"),
    # Infrastructure and storage
    ("IPFS", "ipfs", "infrastructure", "Content addressing, pinning, IPFS gateways"),
    ("libp2p", "libp2p", "infrastructure", "Peer-to-peer networking with libp2p"),
    ("Filecoin", "filecoin", "infrastructure", "Storage deals and FVM"),
    ("Arweave", "arweave", "infrastructure", "Permanent storage on Arweave"),
    ("Kubernetes", "kubernetes", "infrastructure", "Container orchestration"),
    ("GPU infrastructure", "gpu-infrastructure", "infrastructure", "CUDA, drivers, GPU clusters"),
    ("Go", "go", "infrastructure", "Backend and networking services in Go"),
    ("Python", "python", "infrastructure", "Backend services and tooling in Python"),
    ("TypeScript", "typescript", "infrastructure", "Front ends and Node.js services"),
    ("DevOps", "devops", "infrastructure", "CI/CD, observability, infrastructure as code"),
    # Data
    ("Data engineering", "data-engineering", "data", "Pipelines, Spark, data lakes"),
    ("Data labeling", "data-labeling", "data", "Annotation workflows and quality control"),
    ("Synthetic data", "synthetic-data", "data", "Generating training data"),
    ("The Graph", "the-graph", "data", "Subgraphs and on-chain indexing"),
    # Product, design and economics
    ("Mechanism design", "mechanism-design", "product", "Auctions, incentives and game theory"),
    ("Technical writing", "technical-writing", "product", "Docs, tutorials and specifications"),
    ("UI/UX design", "ui-ux", "product", "Product and interface design"),
    ("Community management", "community", "product", "Developer relations and community growth"),
]


def sync_skills(skill_model: Any) -> int:
    """Create or update every skill of the taxonomy; returns how many were created."""
    created = 0
    for name, slug, category, description in SKILLS:
        _, was_created = skill_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "category": category, "description": description}
        )
        created += was_created
    return created
