"""Contributor archetypes of the demo data.

Each archetype is a kind of person who works in decentralized AI: its headlines,
the skills such a person always has (``core``) and may have (``optional``), and
hand-written sentence variants for the bio. ``marketplace.data.demo`` picks one
intro, two pieces of past work, one approach sentence and one closing sentence per
profile, so each bio is coherent and bios differ. A piece of past work can name a
skill of its own (``Work.skills``): choosing the sentence adds the skill, so what a
bio says and what the profile lists agree.

``{years}`` in an intro becomes e.g. "three years", the profile's experience in
the archetype's first core skill.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Work:
    text: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Archetype:
    key: str
    headlines: tuple[str, ...]
    core: tuple[str, ...]
    optional: tuple[str, ...]
    intros: tuple[str, ...]
    work: tuple[Work, ...]
    approach: tuple[str, ...]
    rate_usdc: tuple[int, int]
    repos: tuple[str, ...]
    weight: int = 1


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        key="bittensor-validator",
        headlines=(
            "Bittensor validator operator: scoring, uptime and weight-setting",
            "Runs Bittensor validators and miners on five subnets",
            "Validator operations for Bittensor subnets, from testnet to mainnet",
            "Bittensor infrastructure engineer (validators, miners, monitoring)",
        ),
        core=("bittensor", "validator-ops", "python"),
        optional=("devops", "kubernetes", "gpu-infrastructure", "subnet-design"),
        intros=(
            "I have operated Bittensor validators for {years}, mostly on text and data subnets.",
            "I run validator and miner infrastructure on Bittensor and have done so for {years}.",
            "For {years} I have kept Bittensor validators online, honest and profitable for small teams.",
        ),
        work=(
            Work(
                "I built the scoring loop for a text-to-SQL subnet validator that executes miner queries in "
                "sandboxed Postgres containers and rewards exact result matches."
            ),
            Work(
                "I cut a validator's missed weight-setting epochs from 9% to under 0.5% by moving chain calls "
                "to a retrying worker with its own subtensor connection."
            ),
            Work(
                "I wrote Prometheus exporters and Grafana dashboards for stake, incentive, trust and vtrust "
                "across twelve hotkeys, with alerts to Telegram.",
                ("devops",),
            ),
            Work(
                "I migrated a fleet of miners from hand-managed tmux sessions to Docker Compose with pinned "
                "images and a rolling update script."
            ),
            Work(
                "I implemented commit-reveal weight setting for a validator so weight copiers lost their edge "
                "on a forecasting subnet.",
                ("subnet-design",),
            ),
            Work(
                "I operate a local subtensor lite node and archive node, and I have debugged more registration "
                "and burn-cost issues than I care to count."
            ),
        ),
        approach=(
            "I treat a validator like any production service: runbooks, dashboards and a rollback plan.",
            "I like to start by reading a subnet's incentive code end to end before touching any server.",
            "I document every operational change so the next operator is not guessing.",
        ),
        rate_usdc=(60, 160),
        repos=("subnet-validator-kit", "bittensor-exporter", "hotkey-dashboard", "miner-compose", "weights-watch"),
        weight=3,
    ),
    Archetype(
        key="subnet-miner",
        headlines=(
            "ML engineer optimising Bittensor miners for speed and score",
            "Competitive Bittensor miner: LLM and diffusion subnets",
            "Miner-side ML engineer: inference latency, quantisation, fine-tuning",
        ),
        core=("bittensor", "pytorch", "llm-serving"),
        optional=("llm-fine-tuning", "model-evaluation", "gpu-infrastructure", "computer-vision"),
        intros=(
            "I have been mining on Bittensor for {years} and my day job is making models answer faster.",
            "I am an ML engineer who has spent {years} tuning Bittensor miners to stay in the top decile.",
            "I build miners that win on quality per millisecond, on LLM and image subnets.",
        ),
        work=(
            Work(
                "I moved a text-generation miner from Hugging Face generate to vLLM with AWQ quantisation and "
                "doubled throughput on the same A6000."
            ),
            Work(
                "I fine-tuned a 7B model with QLoRA on the validators' public prompt distribution and climbed "
                "from rank 140 to rank 12 on the subnet.",
                ("llm-fine-tuning",),
            ),
            Work(
                "I served SDXL with TensorRT and compiled UNet kernels for an image subnet, bringing median "
                "latency from 6.1 s to 1.9 s.",
                ("computer-vision",),
            ),
            Work(
                "I wrote an offline replica of a subnet's validator so I could evaluate miner changes without "
                "burning registration fees.",
                ("model-evaluation",),
            ),
            Work(
                "I added speculative decoding with a small draft model to a chat miner and kept output "
                "quality identical on the validator's reward model."
            ),
            Work(
                "I profile CUDA memory and batch sizes obsessively; my miners run at 90% GPU utilisation "
                "without out-of-memory restarts.",
                ("gpu-infrastructure",),
            ),
        ),
        approach=(
            "I measure first: every change I ship comes with a before-and-after benchmark.",
            "I prefer small, reversible optimisations over heroic rewrites.",
            "I read the validator code closely, because the reward function is the real specification.",
        ),
        rate_usdc=(50, 140),
        repos=("fast-miner", "sdxl-turbo-miner", "vllm-miner-template", "validator-replica", "miner-bench"),
        weight=3,
    ),
    Archetype(
        key="subnet-designer",
        headlines=(
            "Incentive designer for Bittensor subnets",
            "Subnet mechanism design: scoring rules that resist gaming",
            "Economist turned subnet architect",
        ),
        core=("subnet-design", "mechanism-design", "bittensor"),
        optional=("tokenomics", "python", "reinforcement-learning", "model-evaluation"),
        intros=(
            "I design incentive mechanisms for Bittensor subnets and have done so for {years}.",
            "I spend my time on one question: what does a subnet's scoring rule actually reward?",
            "I came to Bittensor from auction theory and have designed subnet incentives for {years}.",
        ),
        work=(
            Work(
                "I designed the scoring rule for a time-series forecasting subnet using proper scoring rules "
                "and a delayed reveal, so miners could not copy each other's predictions."
            ),
            Work(
                "I simulated miner strategies against three candidate reward functions with agent-based "
                "models before a subnet launched, and found two exploitable ones.",
                ("python",),
            ),
            Work(
                "I reviewed the incentive code of four subnets for a fund and wrote up weight-copying, "
                "sybil and collusion risks with concrete fixes."
            ),
            Work(
                "I modelled emission splits between validators and miners and the effect of dTAO on a "
                "subnet's token price for its founding team.",
                ("tokenomics",),
            ),
            Work(
                "I built an evaluation set with hidden, rotating prompts so a subnet's validators could score "
                "reasoning instead of memorisation.",
                ("model-evaluation",),
            ),
        ),
        approach=(
            "I write every mechanism down as a short spec with its assumptions before any code is written.",
            "I assume miners are smarter than me and design for the strategies I have not thought of.",
            "I pair formal arguments with simulations, because neither alone is convincing.",
        ),
        rate_usdc=(100, 220),
        repos=("subnet-sim", "scoring-rules", "incentive-audits", "forecast-subnet-spec"),
        weight=2,
    ),
    Archetype(
        key="zkml-researcher",
        headlines=(
            "ZK-ML researcher: proofs of inference with EZKL",
            "Verifiable ML engineer (EZKL, Halo2, on-chain verifiers)",
            "ZK-ML researcher making model inference provable on chain",
        ),
        core=("zkml", "zero-knowledge", "pytorch"),
        optional=("rust", "cryptography", "solidity", "ethereum"),
        intros=(
            "I have worked on zero-knowledge proofs of model inference for {years}, mostly with EZKL.",
            "I make neural network inference provable: I have shipped zkML circuits for {years}.",
            "I am a researcher who moved from ML into zero-knowledge proofs {years} ago and never left.",
        ),
        work=(
            Work(
                "I exported a gradient-boosted credit model to ONNX, proved its inference with EZKL and deployed "
                "the Solidity verifier on Base for a lending protocol.",
                ("solidity",),
            ),
            Work(
                "I reduced an EZKL circuit for a small CNN from 2^24 to 2^20 rows by retuning fixed-point scales "
                "and replacing ReLU lookups, cutting proving time by 11x."
            ),
            Work(
                "I benchmarked EZKL, RISC Zero and a hand-written Halo2 circuit on the same MNIST-sized models "
                "and published the proving times and memory use.",
                ("rust",),
            ),
            Work(
                "I wrote a commitment scheme so a model owner can prove which weights produced an output without "
                "revealing them.",
                ("cryptography",),
            ),
            Work(
                "I built a proving service with a job queue that batches proofs on a 64-core machine and "
                "posts them to an on-chain verifier.",
                ("ethereum",),
            ),
            Work(
                "I quantised a transformer block for zkML and measured accuracy against the float model at "
                "each fixed-point scale."
            ),
        ),
        approach=(
            "I always report accuracy loss from quantisation next to proof size and proving time.",
            "I am careful to say exactly what a proof proves, and what it does not.",
            "I write reproducible notebooks so clients can re-run every benchmark I quote.",
        ),
        rate_usdc=(110, 250),
        repos=("ezkl-credit-demo", "zkml-bench", "onnx-to-halo2", "proof-service", "weights-commitment"),
        weight=2,
    ),
    Archetype(
        key="zk-circuits",
        headlines=(
            "Zero-knowledge circuit engineer (Halo2, Circom, Noir)",
            "Cryptography engineer: ZK circuits and protocol design",
            "Rust and ZK engineer optimising provers",
        ),
        core=("zero-knowledge", "rust", "cryptography"),
        optional=("solidity", "zkml", "ethereum", "mpc"),
        intros=(
            "I write zero-knowledge circuits for a living and have done so for {years}.",
            "I am a cryptography engineer; for {years} I have built circuits and the provers that run them.",
            "I work at the boundary of Rust, elliptic curves and circuit design.",
        ),
        work=(
            Work(
                "I wrote Halo2 chips for fixed-point matrix multiplication and softmax approximations used in "
                "a verifiable inference project.",
                ("zkml",),
            ),
            Work(
                "I ported a Circom identity circuit to Noir and cut the constraint count by a third with lookup tables."
            ),
            Work(
                "I implemented a Poseidon-based Merkle membership proof for a model registry, with a Solidity "
                "verifier and gas benchmarks.",
                ("solidity",),
            ),
            Work(
                "I parallelised MSM and FFT steps of a PLONK prover in Rust with rayon and got a 3.4x speed-up "
                "on 32 cores."
            ),
            Work(
                "I audited the soundness of two custom gates in a zkVM and found an under-constrained range check.",
            ),
        ),
        approach=(
            "I write property tests for every gadget and check every constraint with a second pair of eyes.",
            "I prefer boring, well-studied constructions to clever new ones.",
            "I explain circuit trade-offs in plain language so product teams can choose.",
        ),
        rate_usdc=(120, 250),
        repos=("halo2-fixedpoint", "noir-merkle", "plonk-rayon", "circuit-fuzz"),
        weight=2,
    ),
    Archetype(
        key="federated-learning",
        headlines=(
            "Federated learning engineer for hospitals and banks",
            "Privacy-preserving ML: federated learning with Flower and DP-SGD",
            "Federated learning across data silos, from pilot to production",
        ),
        core=("federated-learning", "pytorch", "differential-privacy"),
        optional=("python", "kubernetes", "mlops", "mpc"),
        intros=(
            "I have built federated learning systems for {years}, mostly in healthcare.",
            "I help organisations train models together without moving their data; I have done it for {years}.",
            "I am a federated learning engineer with {years} of production work behind me.",
        ),
        work=(
            Work(
                "I set up Flower across seven hospitals to train a chest X-ray classifier, with each site's "
                "data staying behind its own firewall."
            ),
            Work(
                "I added DP-SGD with Opacus to a federated model and tuned the privacy budget to epsilon 3 "
                "with a 1.8-point AUC loss."
            ),
            Work(
                "I implemented secure aggregation so the coordinating server never saw an individual "
                "client's model update.",
                ("mpc",),
            ),
            Work(
                "I handled non-IID data across sites with FedProx and per-site batch-norm layers, which "
                "closed most of the gap to centralised training."
            ),
            Work(
                "I packaged the federated client as a signed container and a Helm chart that hospital IT "
                "teams could review and install.",
                ("kubernetes",),
            ),
            Work(
                "I built federated fraud detection across four credit unions, with per-round monitoring of "
                "drift and client participation.",
                ("mlops",),
            ),
        ),
        approach=(
            "I start every engagement with the data-protection officer, not the model.",
            "I write down the threat model before I write code.",
            "I keep clinicians and compliance teams in the loop with short written updates.",
        ),
        rate_usdc=(90, 200),
        repos=("flower-hospital-kit", "fedprox-xray", "dp-fedavg", "secagg-demo", "federated-helm"),
        weight=3,
    ),
    Archetype(
        key="privacy-compute",
        headlines=(
            "Confidential computing engineer: TEEs, MPC and FHE",
            "Privacy engineer for private inference (FHE and enclaves)",
            "Applied cryptographer for private machine learning",
        ),
        core=("tee", "fhe", "cryptography"),
        optional=("mpc", "rust", "zkml", "differential-privacy"),
        intros=(
            "I build systems where data stays encrypted or inside enclaves while models run; {years} so far.",
            "I am an applied cryptographer and have spent {years} on private inference.",
            "My work for {years}: making machine learning run on data nobody is allowed to see.",
        ),
        work=(
            Work(
                "I ran a Llama model inside an H100 confidential-computing VM with remote attestation "
                "checked by the client before any prompt was sent."
            ),
            Work(
                "I built a private scoring prototype with Concrete ML, compiling a small tree model to FHE "
                "and keeping latency under two seconds."
            ),
            Work(
                "I implemented a two-party MPC protocol for private set intersection between two data "
                "providers in Rust.",
                ("mpc", "rust"),
            ),
            Work(
                "I wrote the SGX enclave and attestation service for a key-management product and passed an "
                "external security review."
            ),
            Work(
                "I compared TEEs, FHE and zkML for a client's private inference use case and wrote the "
                "decision memo they shipped on.",
                ("zkml",),
            ),
        ),
        approach=(
            "I am explicit about trust assumptions: which hardware vendor, which server, which party.",
            "I prototype quickly, then harden only what survives contact with real data.",
            "I document attack surfaces alongside features.",
        ),
        rate_usdc=(110, 240),
        repos=("attested-llm", "concrete-scoring", "psi-rs", "enclave-kms"),
        weight=2,
    ),
    Archetype(
        key="ipfs-libp2p",
        headlines=(
            "IPFS and libp2p infrastructure engineer",
            "Peer-to-peer networking engineer (libp2p, gossipsub, bitswap)",
            "Decentralised storage and networking: IPFS, libp2p, Filecoin",
        ),
        core=("ipfs", "libp2p", "go"),
        optional=("filecoin", "rust", "kubernetes", "typescript"),
        intros=(
            "I have built on IPFS and libp2p for {years}, from gateways to custom protocols.",
            "I am a networking engineer who has spent {years} on content-addressed, peer-to-peer systems.",
            "For {years} I have been the person teams call when their IPFS cluster falls over.",
        ),
        work=(
            Work(
                "I ran an IPFS Cluster of twelve nodes pinning 40 TB of model weights, with CAR-file imports "
                "and CID verification on every pin."
            ),
            Work(
                "I designed a gossipsub topic layout to announce model shards to peers and measured propagation "
                "on a 300-node testnet."
            ),
            Work(
                "I wrote a custom libp2p protocol in Rust to stream tensor chunks between inference peers with "
                "backpressure.",
                ("rust",),
            ),
            Work(
                "I automated Filecoin storage deals for checkpoint archives, with retrieval tests every week.",
                ("filecoin",),
            ),
            Work(
                "I tuned a public IPFS gateway behind a CDN to serve a static chat front end with sub-second "
                "first loads worldwide."
            ),
            Work(
                "I built a Helia-based browser client that fetches model files by CID and verifies them before "
                "loading.",
                ("typescript",),
            ),
        ),
        approach=(
            "I test peer-to-peer code on real, lossy networks, not only on localhost.",
            "I like to instrument everything: peer counts, DHT lookups, time to first byte.",
            "I keep designs simple enough that a new operator can debug them at 3 a.m.",
        ),
        rate_usdc=(70, 180),
        repos=("shard-gossip", "ipfs-cluster-ops", "tensor-stream-p2p", "car-pinner", "helia-model-loader"),
        weight=3,
    ),
    Archetype(
        key="solidity-auditor",
        headlines=(
            "Smart contract auditor: escrow, staking and oracle contracts",
            "Solidity security researcher",
            "Independent smart contract auditor with a focus on DeFi and AI protocols",
        ),
        core=("smart-contract-auditing", "solidity", "ethereum"),
        optional=("rust", "oracles", "zero-knowledge", "mechanism-design"),
        intros=(
            "I have audited smart contracts for {years}, independently and with two audit firms.",
            "I am a security researcher; for {years} I have read Solidity looking for the bug nobody tested.",
            "I review staking, escrow and oracle contracts, and I have done so for {years}.",
        ),
        work=(
            Work(
                "I found a rounding bug in a staking contract's reward accounting that let early stakers "
                "drain 3% of emissions, and wrote the fix and the invariant test."
            ),
            Work(
                "I wrote Foundry invariant tests and Echidna properties for a compute-job escrow contract "
                "before its mainnet launch."
            ),
            Work(
                "I reviewed an oracle network's commit-reveal and slashing contracts and reported two "
                "griefing vectors.",
                ("oracles",),
            ),
            Work("I placed in the top ten of four public audit contests on Code4rena and Sherlock."),
            Work(
                "I audited a Solana program for pay-per-call payments and its Rust client.",
                ("rust",),
            ),
        ),
        approach=(
            "My reports rank findings by real impact and include a failing test for each.",
            "I read the specification first, then look for where the code disagrees with it.",
            "I stay available after the audit to review the fixes.",
        ),
        rate_usdc=(150, 250),
        repos=("audit-reports", "escrow-invariants", "staking-fuzz", "oracle-review"),
        weight=2,
    ),
    Archetype(
        key="solidity-dev",
        headlines=(
            "Solidity developer for escrow, payments and token contracts",
            "Full-stack Ethereum developer (Solidity, TypeScript, subgraphs)",
            "Smart contract engineer shipping payment rails for AI services",
        ),
        core=("solidity", "ethereum", "typescript"),
        optional=("oracles", "the-graph", "web3-py", "smart-contract-auditing"),
        intros=(
            "I have shipped Solidity contracts to mainnet for {years}.",
            "I am a full-stack Ethereum developer with {years} of contracts, front ends and indexers.",
            "I build payment and escrow contracts; I have been doing it for {years}.",
        ),
        work=(
            Work(
                "I wrote a milestone escrow contract with dispute resolution by an arbiter multisig, fully "
                "tested with Foundry and deployed on Arbitrum."
            ),
            Work(
                "I built a pay-per-inference contract where users pre-fund credits and providers claim with "
                "signed receipts (EIP-712)."
            ),
            Work(
                "I wrote a subgraph that indexes job, payment and dispute events for a compute marketplace dashboard.",
                ("the-graph",),
            ),
            Work(
                "I integrated Chainlink Functions to bring an off-chain model score into a lending contract.",
                ("oracles",),
            ),
            Work(
                "I wrote Python tooling with web3.py to replay and reconcile a year of payouts for an "
                "accounting audit.",
                ("web3-py",),
            ),
        ),
        approach=(
            "I keep contracts small and upgrade paths explicit.",
            "I write the tests before I ask anybody to review a contract.",
            "I care about gas, but I care more about readability for auditors.",
        ),
        rate_usdc=(80, 180),
        repos=("milestone-escrow", "inference-credits", "compute-subgraph", "receipt-712"),
        weight=3,
    ),
    Archetype(
        key="llm-fine-tuning",
        headlines=(
            "LLM fine-tuning specialist (LoRA, QLoRA, DPO)",
            "Fine-tunes open models for domain tasks on rented GPUs",
            "Applied NLP engineer: fine-tuning and evaluating open LLMs",
        ),
        core=("llm-fine-tuning", "pytorch", "python"),
        optional=("gpu-infrastructure", "model-evaluation", "akash", "synthetic-data"),
        intros=(
            "I have fine-tuned open language models for {years}.",
            "I adapt open LLMs to narrow domains; I have been doing it for {years}.",
            "I am an applied NLP engineer and for {years} most of my work has been LoRA and QLoRA fine-tunes.",
        ),
        work=(
            Work(
                "I fine-tuned Llama 3 8B with QLoRA on 40,000 Portuguese legal documents and beat the base "
                "model by 14 points on the client's clause-extraction benchmark."
            ),
            Work(
                "I trained LoRA adapters on GPUs leased on Akash and wrote the SDL files so the client could "
                "re-run training themselves.",
                ("akash",),
            ),
            Work(
                "I ran DPO on preference pairs collected from support agents and cut the rate of unhelpful "
                "answers by half."
            ),
            Work(
                "I generated and filtered synthetic instruction data with a larger teacher model to fine-tune a "
                "small model for Solidity code review.",
                ("synthetic-data",),
            ),
            Work(
                "I built an evaluation harness with held-out tasks and LLM-as-judge checks calibrated against "
                "human ratings.",
                ("model-evaluation",),
            ),
            Work(
                "I merged and quantised adapters to GGUF so a fine-tuned model could run on a laptop.",
            ),
        ),
        approach=(
            "I agree on an evaluation set before I train anything.",
            "I keep data cards and training configs with every model I hand over.",
            "I prefer a small model that is well evaluated over a big one that is not.",
        ),
        rate_usdc=(70, 190),
        repos=("qlora-legal-pt", "akash-finetune", "dpo-support", "eval-harness-lite", "adapter-merge"),
        weight=3,
    ),
    Archetype(
        key="mlops-akash",
        headlines=(
            "MLOps engineer deploying models on Akash and decentralized GPUs",
            "GPU infrastructure and MLOps on decentralized compute",
            "Deploys and scales inference on Akash, Render and bare metal",
        ),
        core=("akash", "mlops", "kubernetes", "gpu-infrastructure"),
        optional=("devops", "llm-serving", "render-network", "go"),
        intros=(
            "I have deployed ML workloads on Akash for {years}.",
            "I am an MLOps engineer who moved from AWS to decentralized GPUs {years} ago.",
            "I make models run reliably on decentralized compute; I have done it for {years}.",
        ),
        work=(
            Work(
                "I deployed Llama 3 70B with vLLM on four A100 leases on Akash, with a health-checking router "
                "that moves traffic when a provider disappears.",
                ("llm-serving",),
            ),
            Work(
                "I wrote SDL templates and a small CLI that bids on Akash leases by price, GPU model and "
                "provider uptime."
            ),
            Work(
                "I set up an Akash provider with eight RTX 4090s, including the Kubernetes cluster, the "
                "NVIDIA operator and persistent storage."
            ),
            Work(
                "I built CI that builds, signs and pushes inference images and redeploys them on Akash "
                "after tests pass.",
                ("devops",),
            ),
            Work(
                "I moved a batch diffusion pipeline onto Render Network nodes and cut its monthly bill by 60%.",
                ("render-network",),
            ),
        ),
        approach=(
            "I design for providers disappearing, because on decentralized compute they will.",
            "I write everything as code: SDL, Helm charts, dashboards.",
            "I report costs per thousand requests, not just per GPU hour.",
        ),
        rate_usdc=(70, 170),
        repos=("akash-vllm", "lease-bidder", "akash-provider-notes", "gpu-ci", "sdl-templates"),
        weight=3,
    ),
    Archetype(
        key="tokenomics",
        headlines=(
            "Tokenomics designer for compute and inference markets",
            "Token economist: emissions, staking and slashing models",
            "Mechanism and token design for decentralized AI protocols",
        ),
        core=("tokenomics", "mechanism-design"),
        optional=("python", "technical-writing", "subnet-design", "solidity"),
        intros=(
            "I have designed token economies for {years}, most recently for compute and inference markets.",
            "I am a token economist with {years} of modelling behind me.",
            "I help protocols decide who gets paid, when and why; I have done this for {years}.",
        ),
        work=(
            Work(
                "I built a cadCAD model of an inference market with staking, slashing and fee burns, and ran "
                "it against bull, bear and attack scenarios.",
                ("python",),
            ),
            Work(
                "I designed the emission schedule and staking rewards for a GPU marketplace token and defended "
                "it in front of the community."
            ),
            Work(
                "I wrote the economic section of a protocol's whitepaper, including supply curves and the "
                "assumptions behind them.",
                ("technical-writing",),
            ),
            Work(
                "I analysed validator and miner returns across Bittensor subnets after dTAO and proposed "
                "emission changes to a subnet team.",
                ("subnet-design",),
            ),
            Work("I designed a bonding curve for data tokens with a fee that funds dataset maintenance."),
        ),
        approach=(
            "I make every assumption explicit and show how results change when it breaks.",
            "I prefer simple mechanisms people can reason about over elegant ones nobody understands.",
            "I deliver models the team can run and change, not only slide decks.",
        ),
        rate_usdc=(90, 220),
        repos=("inference-market-cadcad", "emissions-model", "bonding-curves", "dtao-returns"),
        weight=2,
    ),
    Archetype(
        key="rag-engineer",
        headlines=(
            "RAG engineer: retrieval, embeddings and grounded answers",
            "Builds retrieval-augmented assistants over messy documents",
            "Search and RAG engineer (embeddings, hybrid retrieval, evaluation)",
        ),
        core=("rag", "vector-search", "python"),
        optional=("ipfs", "llm-serving", "typescript", "model-evaluation"),
        intros=(
            "I have built retrieval-augmented generation systems for {years}.",
            "I build assistants that answer from documents and cite them; I have been at it for {years}.",
            "I am a search engineer who has spent {years} on embeddings and RAG.",
        ),
        work=(
            Work(
                "I built a RAG assistant over 12,000 agronomy papers with hybrid BM25 and embedding retrieval "
                "and citations that link to the exact paragraph."
            ),
            Work(
                "I indexed documentation pinned on IPFS and returned answers that cite the CID of each source, "
                "so users can verify them.",
                ("ipfs",),
            ),
            Work(
                "I replaced a flat FAISS index with HNSW and metadata filters and kept recall@10 above 0.95 at "
                "a tenth of the latency."
            ),
            Work(
                "I wrote a retrieval evaluation set with 400 labelled questions and used it to choose chunking "
                "and embedding models.",
                ("model-evaluation",),
            ),
            Work(
                "I served the generator with vLLM behind the retriever so the whole assistant ran on one GPU.",
                ("llm-serving",),
            ),
            Work(
                "I built the chat front end in TypeScript with streaming answers and source previews.",
                ("typescript",),
            ),
        ),
        approach=(
            "I measure retrieval before generation: a wrong document cannot give a right answer.",
            "I keep pipelines simple and observable, with every answer traceable to its sources.",
            "I show clients failure cases early, not only the demos that work.",
        ),
        rate_usdc=(70, 170),
        repos=("cid-rag", "agri-papers-rag", "hybrid-retrieval", "rag-evals", "chunking-lab"),
        weight=3,
    ),
    Archetype(
        key="substrate-dev",
        headlines=(
            "Substrate runtime developer (pallets, runtimes, upgrades)",
            "Rust blockchain engineer on the Polkadot SDK",
            "Substrate and Rust engineer for app-chains",
        ),
        core=("substrate", "rust"),
        optional=("cryptography", "libp2p", "bittensor", "cosmos-sdk"),
        intros=(
            "I have written Substrate pallets and runtimes for {years}.",
            "I am a Rust engineer who has worked on the Polkadot SDK for {years}.",
            "For {years} I have built and upgraded Substrate chains in production.",
        ),
        work=(
            Work(
                "I wrote a model-registry pallet that stores model hashes, licences and versions, with "
                "benchmarked weights and a storage migration."
            ),
            Work(
                "I contributed to subtensor, the Substrate chain behind Bittensor, fixing a weight-setting "
                "rate limit edge case.",
                ("bittensor",),
            ),
            Work("I ran three forkless runtime upgrades on a parachain without a single stalled block."),
            Work(
                "I wrote an off-chain worker that fetches attestation data and submits signed transactions.",
            ),
            Work(
                "I tuned a chain's libp2p networking parameters to fix block propagation across continents.",
                ("libp2p",),
            ),
        ),
        approach=(
            "I write benchmarks and migrations together with every storage change.",
            "I test runtime upgrades on a fork of the live chain first.",
            "I like code reviews and I like being reviewed.",
        ),
        rate_usdc=(90, 200),
        repos=("pallet-model-registry", "runtime-upgrade-tests", "ocw-attest", "subtensor-notes"),
        weight=2,
    ),
    Archetype(
        key="data-dao",
        headlines=(
            "Data engineer for data DAOs and data marketplaces",
            "Data engineer: Ocean compute-to-data, pipelines and provenance",
            "Builds the data pipelines behind data DAOs",
        ),
        core=("data-engineering", "ocean-protocol", "python"),
        optional=("filecoin", "data-labeling", "the-graph", "arweave"),
        intros=(
            "I have built data pipelines for {years}, the last few for data DAOs.",
            "I am a data engineer who has worked with Ocean Protocol and data DAOs for {years}.",
            "I make datasets usable and sellable without leaking them; {years} of doing that.",
        ),
        work=(
            Work(
                "I set up Ocean compute-to-data for a private imagery dataset so buyers could train on it "
                "without downloading a single file."
            ),
            Work(
                "I built the contribution pipeline for a speech data DAO: uploads, validation, de-duplication "
                "and reward accounting per contributor.",
                ("data-labeling",),
            ),
            Work(
                "I stored dataset snapshots on Filecoin with manifests that record the CID, licence and "
                "hash of every file.",
                ("filecoin",),
            ),
            Work(
                "I wrote a subgraph for data-token purchases so the DAO could pay contributors from real sales.",
                ("the-graph",),
            ),
            Work("I moved a 30 TB data lake from cron scripts to Dagster with data-quality checks on each asset."),
            Work(
                "I archived dataset cards and licences permanently on Arweave.",
                ("arweave",),
            ),
        ),
        approach=(
            "I care about provenance: every row should know where it came from.",
            "I build pipelines that fail loudly and early.",
            "I write runbooks so the DAO can run things without me.",
        ),
        rate_usdc=(60, 150),
        repos=("c2d-imagery", "speech-dao-pipeline", "dataset-manifests", "datatoken-subgraph"),
        weight=2,
    ),
    Archetype(
        key="agents-dev",
        headlines=(
            "AI agents developer: tool use, planning and on-chain actions",
            "Builds autonomous agents that act on chain safely",
            "Agent engineer (LangGraph, function calling, wallets)",
        ),
        core=("ai-agents", "python", "typescript"),
        optional=("autonolas", "fetch-ai", "web3-py", "rag"),
        intros=(
            "I have built tool-using LLM agents for {years}.",
            "I build agents that take real actions, including on chain; {years} so far.",
            "I am an agents developer and for {years} I have cared most about agents that fail safely.",
        ),
        work=(
            Work(
                "I built a LangGraph agent that triages GitHub issues, proposes fixes and pays bounties from a "
                "Safe smart wallet after a maintainer approves."
            ),
            Work(
                "I wrote an agent that monitors DAO forum threads and drafts governance summaries with "
                "citations to the posts.",
                ("rag",),
            ),
            Work(
                "I gave an agent an on-chain wallet with spending limits enforced by a smart contract, not "
                "by the prompt.",
                ("web3-py",),
            ),
            Work(
                "I built negotiating agents with Fetch.ai uAgents for freight booking between carriers and shippers.",
                ("fetch-ai",),
            ),
            Work(
                "I packaged an agent as an Olas service with multiple operators reaching consensus on each action.",
                ("autonolas",),
            ),
            Work("I built an evaluation harness of 150 scripted tasks to catch regressions in an agent's planning."),
        ),
        approach=(
            "I put hard limits outside the model: allow-lists, spending caps, human approval.",
            "I log every tool call so a run can be replayed and explained.",
            "I start with the narrowest agent that solves the problem.",
        ),
        rate_usdc=(70, 180),
        repos=("bounty-agent", "forum-digest", "safe-spend-agent", "agent-evals", "uagents-freight"),
        weight=3,
    ),
    Archetype(
        key="autonolas",
        headlines=(
            "Olas (Autonolas) agent services developer",
            "Builds multi-operator agent services on Olas",
            "Autonomous agent services for DeFi and DAO operations",
        ),
        core=("autonolas", "ai-agents", "python"),
        optional=("solidity", "ethereum", "mechanism-design"),
        intros=(
            "I have built Olas agent services for {years}.",
            "I write autonomous services that several operators run together; {years} of that.",
            "I am an Olas developer with {years} of agent services in production.",
        ),
        work=(
            Work(
                "I built an Olas service that rebalances a DAO treasury across lending markets, with four "
                "operators agreeing on each transaction."
            ),
            Work(
                "I wrote the FSM apps and the tests for a prediction-market trading agent on Gnosis chain.",
            ),
            Work(
                "I integrated an LLM tool into an Olas mech so other agents could pay per request.",
            ),
            Work(
                "I wrote the staking contract integration for an agent service's operators.",
                ("solidity",),
            ),
            Work(
                "I helped a DAO move operations scripts into an auditable agent service with on-chain logs.",
                ("ethereum",),
            ),
        ),
        approach=(
            "I model an agent's behaviour as a state machine before I add any model to it.",
            "I make every agent action visible on chain or in signed logs.",
            "I design for an operator going offline mid-round.",
        ),
        rate_usdc=(80, 180),
        repos=("olas-treasury", "mech-llm-tool", "fsm-trader", "operator-staking"),
        weight=1,
    ),
    Archetype(
        key="inference-serving",
        headlines=(
            "LLM inference engineer: vLLM, quantisation and latency",
            "Inference serving for open models on heterogeneous GPUs",
            "Makes open models fast and cheap to serve",
        ),
        core=("llm-serving", "gpu-infrastructure", "python"),
        optional=("kubernetes", "render-network", "rust", "akash"),
        intros=(
            "I have served language models in production for {years}.",
            "I make inference fast; for {years} my work has been latency, throughput and cost.",
            "I am an inference engineer with {years} of vLLM, TGI and llama.cpp deployments.",
        ),
        work=(
            Work(
                "I served a 70B model with tensor parallelism across two nodes and kept p95 latency under "
                "800 ms at 40 requests per second."
            ),
            Work(
                "I benchmarked AWQ, GPTQ and FP8 quantisation for a client and picked the one that kept "
                "quality within 1% on their evaluation."
            ),
            Work(
                "I split a model's layers across volunteer consumer GPUs in a Petals-style swarm and measured "
                "tokens per second over real home connections."
            ),
            Work(
                "I ran a diffusion inference API on Render Network nodes with a queue and priority tiers.",
                ("render-network",),
            ),
            Work(
                "I wrote a router that sends requests to the cheapest healthy backend among Akash, Runpod and "
                "our own cards.",
                ("akash",),
            ),
            Work(
                "I wrote a small Rust proxy that streams tokens over server-sent events with backpressure.",
                ("rust",),
            ),
        ),
        approach=(
            "I publish benchmarks with their exact settings so they can be reproduced.",
            "I optimise for cost per request as much as for speed.",
            "I keep a fallback path for every clever optimisation.",
        ),
        rate_usdc=(80, 200),
        repos=("vllm-bench", "quant-compare", "swarm-serve", "token-stream-proxy", "cheapest-router"),
        weight=3,
    ),
    Archetype(
        key="oracles",
        headlines=(
            "Oracle engineer: bringing off-chain model outputs on chain",
            "Oracle networks and cross-chain messaging engineer",
            "Builds oracles for AI outputs with staking and disputes",
        ),
        core=("oracles", "solidity", "go"),
        optional=("ritual", "typescript", "web3-py", "mechanism-design"),
        intros=(
            "I have built oracle systems for {years}.",
            "I bring off-chain data and model outputs on chain, and I have done it for {years}.",
            "I am an oracle engineer with {years} on node software and the contracts it talks to.",
        ),
        work=(
            Work(
                "I wrote the node software for an oracle network in Go: fetching model outputs, signing "
                "reports and aggregating them off chain."
            ),
            Work(
                "I designed commit-reveal reporting with staking and slashing so oracle nodes could not copy "
                "each other's answers.",
                ("mechanism-design",),
            ),
            Work(
                "I built a Ritual Infernet node integration that lets a contract request an LLM summary and "
                "receive it in a callback.",
                ("ritual",),
            ),
            Work("I ran Chainlink nodes for two years and wrote external adapters for sports and weather data."),
            Work(
                "I wrote a dispute game where anyone can challenge an oracle answer by re-running the model.",
            ),
        ),
        approach=(
            "I design for the dishonest majority case, not just the honest one.",
            "I keep on-chain code minimal and push computation off chain with proofs or bonds.",
            "I monitor oracle latency and deviation like an SRE.",
        ),
        rate_usdc=(90, 200),
        repos=("model-oracle-node", "commit-reveal-oracle", "infernet-callbacks", "oracle-disputes"),
        weight=2,
    ),
    Archetype(
        key="model-evaluation",
        headlines=(
            "Model evaluation and red-teaming specialist",
            "Evals engineer: benchmarks, LLM judges and adversarial testing",
            "Red-teamer for LLMs and AI agents",
        ),
        core=("model-evaluation", "python"),
        optional=("ai-agents", "llm-fine-tuning", "technical-writing", "pytorch"),
        intros=(
            "I have evaluated and red-teamed language models for {years}.",
            "I break models for a living: {years} of evals and adversarial testing.",
            "I build the benchmarks teams use to decide whether a model is good enough; {years} so far.",
        ),
        work=(
            Work(
                "I red-teamed an on-chain trading agent and found prompt injections in token metadata that "
                "could make it approve unlimited spending.",
                ("ai-agents",),
            ),
            Work("I calibrated an LLM-as-judge against 2,000 human ratings and showed where it disagreed most."),
            Work("I built a contamination-resistant benchmark for a subnet with prompts generated fresh every epoch."),
            Work(
                "I wrote the public evaluation report for an open model release, with clear limits and "
                "failure examples.",
                ("technical-writing",),
            ),
            Work(
                "I fine-tuned a small classifier to flag unsafe completions at a tenth of the cost of a large "
                "judge model.",
                ("llm-fine-tuning",),
            ),
        ),
        approach=(
            "I report uncertainty with every score.",
            "I look at individual failures before I look at averages.",
            "I keep evaluation data out of anybody's training set, including mine.",
        ),
        rate_usdc=(70, 180),
        repos=("judge-calibration", "fresh-bench", "agent-redteam", "eval-reports"),
        weight=2,
    ),
    Archetype(
        key="vision-render",
        headlines=(
            "Computer vision engineer: diffusion, detection and GPU rendering",
            "Generative image pipelines on decentralized GPUs",
            "Computer vision and diffusion engineer",
        ),
        core=("computer-vision", "pytorch"),
        optional=("render-network", "gpu-infrastructure", "synthetic-data", "bittensor"),
        intros=(
            "I have built computer vision systems for {years}.",
            "I work on diffusion models and the pipelines that serve them; {years} of it.",
            "I am a vision engineer with {years} of detection, segmentation and generation work.",
        ),
        work=(
            Work(
                "I built a crop-disease detector from satellite and drone images with a YOLO model trained on "
                "8,000 labelled fields."
            ),
            Work(
                "I moved a generative-art studio's SDXL pipeline onto Render Network with ControlNet and upscaling.",
                ("render-network",),
            ),
            Work(
                "I generated synthetic training images for rare defects and improved recall on them by 22 points.",
                ("synthetic-data",),
            ),
            Work(
                "I mined on an image-generation subnet with a distilled SDXL model.",
                ("bittensor",),
            ),
            Work(
                "I wrote custom CUDA kernels for a segmentation model's post-processing.",
                ("gpu-infrastructure",),
            ),
        ),
        approach=(
            "I look at the images, not just the metrics.",
            "I keep training runs reproducible down to the data split.",
            "I ship a simple baseline first and improve from there.",
        ),
        rate_usdc=(60, 160),
        repos=("crop-yolo", "render-sdxl", "synthetic-defects", "seg-cuda"),
        weight=2,
    ),
    Archetype(
        key="devops-sre",
        headlines=(
            "DevOps and SRE for node operators and validators",
            "Site reliability engineer for blockchain and GPU fleets",
            "Infrastructure as code for validators, nodes and inference",
        ),
        core=("devops", "kubernetes"),
        optional=("validator-ops", "gpu-infrastructure", "go", "python"),
        intros=(
            "I have run production infrastructure for {years}, lately for node operators.",
            "I am an SRE with {years} of on-call behind me.",
            "I make fleets of nodes boring to operate; {years} of doing that.",
        ),
        work=(
            Work(
                "I built Terraform and Ansible for 200 validator nodes across four clouds with zero-downtime "
                "key rotation.",
                ("validator-ops",),
            ),
            Work(
                "I wrote a Kubernetes operator that schedules Bittensor miners on bare-metal GPU nodes and "
                "restarts them on deregistration.",
                ("gpu-infrastructure",),
            ),
            Work("I set up OpenTelemetry tracing across an inference network's gateway, router and workers."),
            Work(
                "I made a client's Docker images reproducible with pinned digests and SBOMs, and signed them "
                "with cosign."
            ),
            Work("I wrote the incident process and runbooks for a node operator with twelve people on call."),
        ),
        approach=(
            "I automate the second time I do something.",
            "I prefer fewer moving parts to more features.",
            "I write postmortems without blame and with action items.",
        ),
        rate_usdc=(60, 160),
        repos=("validator-terraform", "miner-operator", "otel-inference", "repro-images"),
        weight=3,
    ),
    Archetype(
        key="technical-writer",
        headlines=(
            "Technical writer and developer advocate for decentralized AI",
            "Docs, tutorials and specs for protocols and SDKs",
            "DevRel for AI and crypto developer tools",
        ),
        core=("technical-writing", "community"),
        optional=("bittensor", "ethereum", "python", "ipfs"),
        intros=(
            "I have written developer documentation for {years}.",
            "I am a technical writer and developer advocate with {years} in crypto and ML.",
            "I turn protocols into docs developers actually finish; {years} of doing that.",
        ),
        work=(
            Work(
                "I wrote the quick-start and the miner guide for a Bittensor subnet, which cut support "
                "questions in its Discord by half.",
                ("bittensor",),
            ),
            Work(
                "I rebuilt an SDK's documentation site with tested code samples that run in CI.",
                ("python",),
            ),
            Work("I ran a developer community of 4,000 people with office hours, a hackathon and a newsletter."),
            Work(
                "I wrote a tutorial series on pinning and serving model weights from IPFS.",
                ("ipfs",),
            ),
            Work(
                "I edited a protocol's specification into something auditors could follow.",
                ("ethereum",),
            ),
        ),
        approach=(
            "I test every instruction I write on a clean machine.",
            "I interview the developers who get stuck, then fix the docs.",
            "I write short sentences.",
        ),
        rate_usdc=(40, 110),
        repos=("subnet-docs", "sdk-docs-tested", "ipfs-weights-tutorial", "devrel-playbook"),
        weight=2,
    ),
    Archetype(
        key="ui-ux",
        headlines=(
            "Product designer for wallets, marketplaces and AI tools",
            "UI/UX designer and front-end developer for web3 products",
            "Designs interfaces that make crypto and AI understandable",
        ),
        core=("ui-ux", "typescript"),
        optional=("community", "technical-writing", "ethereum"),
        intros=(
            "I have designed and built product interfaces for {years}.",
            "I am a product designer who codes; {years} on web3 and AI products.",
            "I design flows people finish without reading a manual; {years} of it.",
        ),
        work=(
            Work(
                "I redesigned a compute marketplace's job-submission flow and halved the drop-off between "
                "connecting a wallet and the first job."
            ),
            Work("I designed and built a React dashboard for validator operators with stake, rewards and alerts."),
            Work(
                "I ran usability tests with twelve miners and turned their confusion into a new onboarding guide.",
                ("community",),
            ),
            Work(
                "I designed a chat interface for a model hosted on IPFS, with clear states for slow peers.",
            ),
            Work(
                "I built a design system in Figma and Tailwind for a data marketplace.",
            ),
        ),
        approach=(
            "I test with real users early, even with paper sketches.",
            "I design the error states first.",
            "I hand over designs with working components, not only pictures.",
        ),
        rate_usdc=(50, 140),
        repos=("validator-dashboard", "job-flow-redesign", "ipfs-chat-ui", "market-design-system"),
        weight=2,
    ),
    Archetype(
        key="solana-cosmos",
        headlines=(
            "Rust smart contract developer on Solana and Cosmos",
            "Solana programs and Cosmos SDK modules",
            "Multi-chain Rust developer for payments and attestations",
        ),
        core=("rust", "solana"),
        optional=("cosmos-sdk", "typescript", "smart-contract-auditing"),
        intros=(
            "I have written Solana programs for {years}.",
            "I am a Rust developer who has shipped on Solana and Cosmos for {years}.",
            "I build on-chain programs in Rust; {years} of them in production.",
        ),
        work=(
            Work(
                "I wrote an Anchor program for streaming micropayments per inference request, with receipts "
                "verified on chain."
            ),
            Work(
                "I built a Cosmos SDK module that records compute attestations and pays providers via IBC.",
                ("cosmos-sdk",),
            ),
            Work(
                "I wrote the TypeScript client and wallet flow for a Solana program.",
                ("typescript",),
            ),
            Work(
                "I fuzzed a Solana program's account validation and found a missing signer check.",
                ("smart-contract-auditing",),
            ),
            Work(
                "I optimised compute units in a hot Solana instruction from 180k to 45k.",
            ),
        ),
        approach=(
            "I write account validation first and business logic second.",
            "I keep programs small and clients thin.",
            "I test against a local validator with realistic accounts.",
        ),
        rate_usdc=(80, 190),
        repos=("anchor-micropay", "cosmos-attest", "solana-ts-client", "program-fuzz"),
        weight=2,
    ),
    Archetype(
        key="synthetic-data",
        headlines=(
            "Synthetic data and annotation lead for low-resource languages",
            "Data quality and labelling specialist for ML teams",
            "Builds datasets: synthetic generation, labelling and QA",
        ),
        core=("synthetic-data", "data-labeling", "python"),
        optional=("llm-fine-tuning", "model-evaluation", "data-engineering"),
        intros=(
            "I have built training datasets for {years}.",
            "I make data that models learn from; {years} of labelling and generation work.",
            "I am a data quality lead with {years} across annotation and synthetic data.",
        ),
        work=(
            Work(
                "I led annotation of 300 hours of Swahili and Yoruba speech with native-speaker reviewers and "
                "double-pass quality control."
            ),
            Work(
                "I generated synthetic question-answer pairs with a teacher model and filtered them with a "
                "classifier and human spot checks.",
                ("llm-fine-tuning",),
            ),
            Work("I designed labelling guidelines and inter-annotator agreement checks for a medical text dataset."),
            Work(
                "I measured how much synthetic data helped a small model on held-out real data, and where it hurt.",
                ("model-evaluation",),
            ),
            Work(
                "I built the ingestion pipeline that de-duplicates and scores contributed samples.",
                ("data-engineering",),
            ),
        ),
        approach=(
            "I write guidelines with examples of the hard cases.",
            "I measure agreement between annotators before I trust any label.",
            "I pay attention to who is represented in the data and who is not.",
        ),
        rate_usdc=(40, 120),
        repos=("lowres-speech", "synthetic-qa-filter", "label-guidelines", "dedupe-score"),
        weight=2,
    ),
    Archetype(
        key="distributed-training",
        headlines=(
            "Distributed training researcher (DiLoCo, Gensyn, JAX)",
            "Trains models across the internet on heterogeneous GPUs",
            "Research engineer for decentralized and verifiable training",
        ),
        core=("pytorch", "jax", "gensyn"),
        optional=("gpu-infrastructure", "reinforcement-learning", "federated-learning"),
        intros=(
            "I have worked on distributed training for {years}.",
            "I am a research engineer who trains models over slow, unreliable networks; {years} so far.",
            "I study how to train large models when GPUs are scattered across the world; {years} of it.",
        ),
        work=(
            Work(
                "I reproduced DiLoCo with eight volunteer nodes on three continents and matched synchronous "
                "training with 500x less communication."
            ),
            Work(
                "I ran a training job on the Gensyn testnet and wrote up how its verification handled "
                "non-deterministic GPU kernels."
            ),
            Work("I wrote a JAX training loop with pjit sharding for a 1B-parameter model on TPU pods."),
            Work(
                "I trained an RL policy with PPO across preemptible GPUs with checkpointing every 10 minutes.",
                ("reinforcement-learning",),
            ),
            Work(
                "I compared FedAvg and DiLoCo for cross-organisation training of a language model.",
                ("federated-learning",),
            ),
        ),
        approach=(
            "I log everything and make training runs resumable from any step.",
            "I check results against a simple baseline before I claim anything.",
            "I write up negative results too.",
        ),
        rate_usdc=(100, 230),
        repos=("diloco-volunteer", "gensyn-notes", "jax-1b", "preemptible-ppo"),
        weight=2,
    ),
    Archetype(
        key="ritual-onchain-ai",
        headlines=(
            "On-chain AI developer (Ritual Infernet, callbacks, verifiable outputs)",
            "Brings models to smart contracts with Ritual",
            "Smart contracts that call models: Ritual and oracles",
        ),
        core=("ritual", "solidity", "python"),
        optional=("llm-serving", "oracles", "zkml"),
        intros=(
            "I have connected smart contracts to models for {years}.",
            "I build on-chain AI features with Ritual; {years} so far.",
            "I am a smart contract developer who has focused on on-chain AI for {years}.",
        ),
        work=(
            Work(
                "I built a DAO tool where a contract requests an LLM summary of each proposal through a Ritual "
                "Infernet node and stores it on chain."
            ),
            Work(
                "I ran an Infernet node with a containerised model and tuned its subscription payments.",
                ("llm-serving",),
            ),
            Work(
                "I wrote a contract that only accepts a model output together with an EZKL proof.",
                ("zkml",),
            ),
            Work(
                "I compared Ritual callbacks and a Chainlink Functions integration for latency and cost.",
                ("oracles",),
            ),
        ),
        approach=(
            "I keep the on-chain part as small as possible and make the rest verifiable.",
            "I write end-to-end tests on a local chain with a real node.",
            "I explain gas and latency trade-offs up front.",
        ),
        rate_usdc=(80, 190),
        repos=("infernet-dao-summaries", "proof-gated-output", "ritual-vs-functions"),
        weight=1,
    ),
    Archetype(
        key="indexing-analytics",
        headlines=(
            "On-chain data and analytics engineer (The Graph, Dune, subgraphs)",
            "Indexes and analyses networks: subgraphs and dashboards",
            "Analytics engineer for decentralized AI networks",
        ),
        core=("the-graph", "data-engineering", "typescript"),
        optional=("python", "bittensor", "ethereum"),
        intros=(
            "I have built indexers and analytics for on-chain data for {years}.",
            "I make on-chain activity queryable; {years} of subgraphs and pipelines.",
            "I am an analytics engineer with {years} on blockchain data.",
        ),
        work=(
            Work(
                "I built a pipeline that snapshots Bittensor metagraphs every block and serves emission "
                "analytics per subnet, validator and miner.",
                ("bittensor",),
            ),
            Work("I wrote subgraphs for a compute marketplace: jobs, providers, payments and disputes."),
            Work(
                "I measured stake concentration and weight-setting overlap between validators across subnets.",
                ("python",),
            ),
            Work(
                "I migrated a client's hosted subgraph to the decentralized network without downtime.",
                ("ethereum",),
            ),
        ),
        approach=(
            "I validate every metric against raw chain data before it goes on a dashboard.",
            "I keep schemas documented and versioned.",
            "I prefer boring SQL to clever pipelines.",
        ),
        rate_usdc=(60, 150),
        repos=("metagraph-snapshots", "compute-market-subgraph", "stake-concentration"),
        weight=2,
    ),
)


# Closing sentences any profile may use; they say how the person works with clients.
CLOSERS: tuple[str, ...] = (
    "I work async-first and send a short written update at the end of every week.",
    "I am happy to start with a small paid discovery task so we can see how we work together.",
    "I prefer fixed-scope milestones with clear acceptance criteria.",
    "I am most useful to teams that want the work documented as well as done.",
    "I can overlap four hours a day with most European and American time zones.",
    "I like long engagements where I can own a system, not just a ticket.",
    "I open-source what I can and credit the teams I work with.",
    "I answer messages within a working day and say early when something slips.",
    "I enjoy pairing with in-house engineers so the knowledge stays with the team.",
    "I speak English and two other languages and work comfortably with distributed teams.",
    "Outside client work, I mentor newcomers in a few open-source communities.",
    "I keep my tooling boring and my commit history readable.",
)
