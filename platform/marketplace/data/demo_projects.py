"""Projects of the demo data, written by hand like real client posts.

Each project has a context paragraph, concrete deliverables and what the client
looks for in a contributor; ``marketplace.data.demo`` assembles them into a
Markdown description with the client's "about us" line. Budgets are decimal
strings in token units (turned into base units with ``parse_amount``); milestone
shares are percentages of the budget and add up to at most 100.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectSpec:
    client: str
    title: str
    summary: str
    category: str
    required: tuple[str, ...]
    nice: tuple[str, ...]
    token: str
    budget: str
    deadline_days: int
    milestones: tuple[tuple[str, int], ...]
    context: str
    deliverables: tuple[str, ...]
    looking_for: tuple[str, ...]
    status: str = "open"


PROJECTS: tuple[ProjectSpec, ...] = (
    # --- Subnets and validators -------------------------------------------------
    ProjectSpec(
        client="subnet-forge",
        title="Validator with execution-based scoring for our text-to-SQL Bittensor subnet",
        summary=(
            "We need a validator that scores miners by running their SQL against sandboxed databases and "
            "comparing results, not strings. Testnet first, then mainnet on our subnet."
        ),
        category="subnets",
        required=("bittensor", "validator-ops", "python"),
        nice=("subnet-design", "devops"),
        token="USDC",
        budget="14000",
        deadline_days=56,
        milestones=(
            ("Sandboxed execution scorer on testnet", 40),
            ("Mainnet validator with weight setting", 35),
            ("Monitoring, runbook and handover", 25),
        ),
        context=(
            "Our subnet rewards miners for turning natural-language questions into SQL. The current validator "
            "compares generated queries to reference queries as strings, which punishes correct answers written "
            "differently and rewards miners who memorise our public examples. We want execution-based scoring: "
            "run each query against a fresh copy of the schema and compare result sets."
        ),
        deliverables=(
            "A scorer that runs miner SQL in disposable Postgres containers with time and memory limits",
            "A rotating pool of 30+ synthetic schemas so miners cannot memorise answers",
            "Validator code that sets weights every tempo, with retries and commit-reveal",
            "Prometheus metrics and a Grafana dashboard for scores, latency and chain calls",
            "A runbook for operators and a short design note on the scoring rule",
        ),
        looking_for=(
            "You have run a Bittensor validator on mainnet and can explain tempo, weights and vtrust",
            "You are comfortable sandboxing untrusted code",
            "You write Python that other operators can maintain",
        ),
    ),
    ProjectSpec(
        client="tensor-collective",
        title="Cut SDXL miner latency below two seconds on A6000 cards",
        summary=(
            "Our image-generation miners lose rank on latency. Optimise the SDXL pipeline (compilation, "
            "quantisation, batching) so median latency drops below 2 s without hurting the validator's score."
        ),
        category="subnets",
        required=("bittensor", "computer-vision", "pytorch"),
        nice=("gpu-infrastructure", "llm-serving"),
        token="USDC",
        budget="9000",
        deadline_days=35,
        milestones=(("Profiling report and baseline benchmark", 30), ("Optimised pipeline deployed to the pool", 70)),
        context=(
            "Tensor Collective runs 40 miners on an image-generation subnet. Validators reward prompt adherence "
            "and speed, and we are consistently slower than the top miners: our median generation takes 5.8 s "
            "on an RTX A6000. We suspect we are leaving a lot on the table with an uncompiled UNet and naive "
            "batching."
        ),
        deliverables=(
            "A reproducible benchmark of the current pipeline with per-stage timings",
            "An optimised pipeline (torch.compile or TensorRT, attention kernels, scheduler choice)",
            "Evidence that validator scores do not drop, measured on a local replica of the validator",
            "A Docker image our members can pull, with a one-page upgrade guide",
        ),
        looking_for=(
            "You have optimised diffusion inference before and can show numbers",
            "You know how Bittensor validators score image subnets",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="meridian-research",
        title="Incentive-mechanism review of a protein-structure prediction subnet before launch",
        summary=(
            "Review the scoring and emission design of a new protein-folding subnet: find ways miners could "
            "game it, simulate the main strategies and recommend fixes before mainnet registration."
        ),
        category="subnets",
        required=("subnet-design", "mechanism-design", "bittensor"),
        nice=("python", "model-evaluation"),
        token="USDC",
        budget="12000",
        deadline_days=42,
        milestones=(
            ("Threat model of the scoring rule", 35),
            ("Simulation of miner strategies", 35),
            ("Final report", 30),
        ),
        context=(
            "A team we advise is launching a subnet where miners predict protein structures and validators "
            "score them against experimentally solved structures released after the prediction deadline. "
            "The idea is sound, but the reward function has not been reviewed by anyone outside the team, and "
            "we have seen subnets lose months to weight copying and sybil miners."
        ),
        deliverables=(
            "A written threat model: copying, sybils, validator collusion, data leakage",
            "An agent-based simulation of at least four miner strategies against the proposed rule",
            "Concrete changes to the scoring rule and emission split, with their trade-offs",
            "A 45-minute walkthrough call with the subnet team",
        ),
        looking_for=(
            "You have designed or reviewed a Bittensor subnet's incentives",
            "You can back arguments with simulations, not only intuition",
        ),
    ),
    ProjectSpec(
        client="nodeharbor",
        title="Unified monitoring for validators on six Bittensor subnets",
        summary=(
            "Build Prometheus exporters, Grafana dashboards and alerting for our validators across six subnets: "
            "stake, vtrust, weight-setting success, miner response rates and host health."
        ),
        category="subnets",
        required=("validator-ops", "devops", "bittensor"),
        nice=("kubernetes", "go"),
        token="USDC",
        budget="7500",
        deadline_days=30,
        milestones=(("Exporters and dashboards", 60), ("Alerting and on-call runbook", 40)),
        context=(
            "NodeHarbor operates validators for clients on six subnets. Each subnet's validator has its own logs "
            "and quirks, and today we find out about missed weight-setting epochs from clients. We want one "
            "place to see every validator's health and to be paged before it costs anyone emissions."
        ),
        deliverables=(
            "A Prometheus exporter for metagraph data per hotkey (stake, trust, vtrust, incentive, last update)",
            "Log-derived metrics for weight-setting attempts, failures and miner query success rates",
            "Grafana dashboards per subnet and one fleet overview",
            "Alert rules with sensible thresholds, routed to PagerDuty and Telegram",
            "An on-call runbook covering the ten most common failures",
        ),
        looking_for=(
            "You have operated validators and know what breaks",
            "You have written Prometheus exporters and alert rules that people trust",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="tensor-collective",
        title="Port our text-generation miner to vLLM with speculative decoding",
        summary=(
            "Replace our Hugging Face generate loop with vLLM, add speculative decoding with a small draft model "
            "and keep output quality identical on the subnet's reward model."
        ),
        category="subnets",
        required=("llm-serving", "bittensor", "python"),
        nice=("gpu-infrastructure", "model-evaluation"),
        token="WALL",
        budget="180000",
        deadline_days=28,
        milestones=(("vLLM port with parity tests", 50), ("Speculative decoding and rollout", 50)),
        context=(
            "Our members run a chat-style miner on consumer and datacentre GPUs. It is built on transformers' "
            "generate with static batching, and throughput is poor when validators send bursts of queries. "
            "We want to move to vLLM and try speculative decoding, but only if the reward model scores stay "
            "the same."
        ),
        deliverables=(
            "A vLLM-based miner with continuous batching, behind the same axon interface",
            "Speculative decoding with a draft model, switchable by configuration",
            "A parity test that scores 1,000 prompts with the subnet's reward model before and after",
            "Throughput and latency benchmarks on an RTX 4090 and an A100",
        ),
        looking_for=(
            "You have deployed vLLM in production",
            "You understand how miners are scored on text subnets",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="subnet-forge",
        title="Commit-reveal weights and anti-copying defences for a forecasting subnet",
        summary=(
            "Implement commit-reveal weight setting and delayed scoring on our time-series forecasting subnet so "
            "validators and miners can no longer profit from copying others."
        ),
        category="subnets",
        required=("subnet-design", "bittensor", "python"),
        nice=("mechanism-design",),
        token="USDC",
        budget="11000",
        deadline_days=45,
        milestones=(("Design note and testnet implementation", 45), ("Mainnet rollout and analysis", 55)),
        context=(
            "Our forecasting subnet pays miners for predicting energy prices 24 hours ahead. We see validators "
            "copying the weights of the largest validator and miners resubmitting each other's forecasts. "
            "Commit-reveal is now available on the chain; we want it used properly, along with a scoring change "
            "that only rewards forecasts committed before the target window opens."
        ),
        deliverables=(
            "A short design note on the attack and the defence",
            "Commit-reveal weight setting in our validator, with configuration for the reveal period",
            "Miner-side commitments of forecasts (hash on chain, reveal after the window)",
            "An analysis of copying before and after, from metagraph snapshots",
        ),
        looking_for=(
            "You have worked with Bittensor's commit-reveal or similar schemes",
            "You can reason about incentives as well as write the code",
        ),
    ),
    ProjectSpec(
        client="kairos-labs",
        title="Design and launch a Bittensor subnet for energy price forecasting",
        summary=(
            "We want to launch a subnet where miners forecast day-ahead electricity prices in five markets. "
            "Help us design the scoring, write the validator and miner templates, and run it on testnet."
        ),
        category="subnets",
        required=("subnet-design", "bittensor", "python"),
        nice=("mechanism-design", "data-engineering", "technical-writing"),
        token="WALL",
        budget="650000",
        deadline_days=90,
        milestones=(
            ("Incentive design and specification", 25),
            ("Validator and miner templates", 40),
            ("Testnet launch with ten external miners", 35),
        ),
        context=(
            "Kairos Labs sells price forecasts to energy traders. We want an open network of forecasters to "
            "compete with our in-house models, and Bittensor gives us the incentive layer. Ground truth is "
            "public (exchange settlement prices), which makes scoring clean, but the reveal timing and the "
            "scoring rule need care."
        ),
        deliverables=(
            "A specification: markets, horizons, scoring rule (CRPS or pinball loss), reveal timing",
            "A validator that fetches settlement prices, scores forecasts and sets weights",
            "A miner template with a simple baseline model",
            "A testnet deployment and a guide that lets an outside miner join in an hour",
        ),
        looking_for=(
            "You have launched or co-designed a subnet",
            "You know proper scoring rules for probabilistic forecasts",
        ),
        status="draft",
    ),
    ProjectSpec(
        client="ledgerleaf",
        title="Documentation and quick-start for a subnet SDK",
        summary=(
            "Write the quick-start, miner and validator guides and API reference for an open-source SDK that "
            "helps teams build Bittensor subnets. Every code sample must run in CI."
        ),
        category="subnets",
        required=("technical-writing", "bittensor"),
        nice=("python", "community"),
        token="USDC",
        budget="6000",
        deadline_days=40,
        milestones=(("Quick-start and concepts", 40), ("Miner and validator guides", 35), ("API reference", 25)),
        context=(
            "Our SDK wraps the boilerplate of subnet development: synapses, scoring loops, weight setting and "
            "local testing. Developers like it once they get it running, but our docs are a README and a few "
            "notebooks. New teams ask the same questions in Discord every week."
        ),
        deliverables=(
            "A 15-minute quick-start from an empty machine to a local subnet",
            "Guides for writing a miner and a validator, with the reasoning behind each step",
            "An API reference generated from docstrings, with examples",
            "Code samples tested in CI on every release",
        ),
        looking_for=(
            "You have written developer docs people praise",
            "You have at least run a miner or a validator yourself",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="subnet-forge",
        title="Developer relations lead for a subnet launch (three months)",
        summary=(
            "Own community and developer relations for the launch of our new subnet: miner onboarding, "
            "office hours, docs feedback and a launch-week hackathon."
        ),
        category="subnets",
        required=("community", "technical-writing"),
        nice=("bittensor",),
        token="USDC",
        budget="15000",
        deadline_days=100,
        milestones=(("Onboarding programme", 30), ("Launch-week hackathon", 40), ("Retrospective and playbook", 30)),
        context=(
            "We are launching a data-labelling subnet next quarter. The mechanism and code are nearly done; what "
            "we lack is someone who can bring miners in, answer their questions and turn their feedback into "
            "better docs and tooling."
        ),
        deliverables=(
            "An onboarding programme for the first 50 miners, with weekly office hours",
            "A launch-week hackathon with judging criteria and prizes",
            "A feedback loop from Discord questions to documentation fixes",
            "A written playbook we can reuse for the next launch",
        ),
        looking_for=(
            "You have grown a developer community in crypto or ML",
            "You write clearly and enjoy teaching",
        ),
    ),
    # --- Decentralized inference ---------------------------------------------------
    ProjectSpec(
        client="interplanetary-chat",
        title="Serve our open chatbot from IPFS with inference on community GPUs",
        summary=(
            "Host our chat front end on IPFS and route prompts to community-run inference nodes with health "
            "checks and fallbacks, so the assistant has no single server to take down."
        ),
        category="inference",
        required=("ipfs", "llm-serving", "typescript"),
        nice=("libp2p", "ui-ux"),
        token="USDC",
        budget="18000",
        deadline_days=70,
        milestones=(
            ("Front end on IPFS with ENS name", 25),
            ("Node registry and routing", 45),
            ("Load test and launch", 30),
        ),
        context=(
            "Interplanetary Chat is an open assistant built on a fine-tuned Mistral model. Today it runs on one "
            "rented server. We want the front end served from IPFS (pinned by several providers, reachable via "
            "an ENS name and public gateways) and prompts routed to a set of volunteer inference nodes that "
            "register themselves and are health-checked."
        ),
        deliverables=(
            "A static front end built for IPFS, with CIDs published on each release",
            "A lightweight registry where inference nodes announce themselves and their models",
            "Client-side routing with health checks, latency-based selection and fallback",
            "A node package (Docker) that serves the model with vLLM or llama.cpp",
            "A load test with 200 concurrent chats and a launch checklist",
        ),
        looking_for=(
            "You have shipped a dapp or static site on IPFS",
            "You have served LLMs and know what breaks under load",
        ),
    ),
    ProjectSpec(
        client="akashic",
        title="Deploy Llama 3 70B on Akash with vLLM and automatic failover",
        summary=(
            "Run Llama 3 70B on leased A100s on Akash behind an OpenAI-compatible endpoint, with a router that "
            "fails over when a provider disappears and costs tracked per thousand tokens."
        ),
        category="inference",
        required=("akash", "llm-serving", "kubernetes"),
        nice=("gpu-infrastructure", "devops"),
        token="USDC",
        budget="16000",
        deadline_days=45,
        milestones=(
            ("Single-lease deployment with benchmarks", 35),
            ("Multi-provider router and failover", 40),
            ("Cost dashboard and handover", 25),
        ),
        context=(
            "We are an Akash provider, and customers keep asking how to run a large model reliably on the "
            "network. We want a reference deployment of Llama 3 70B that we can show and offer as a template: "
            "vLLM with tensor parallelism on leased A100s, an OpenAI-compatible API and a router that tolerates "
            "providers going away."
        ),
        deliverables=(
            "SDL files and images for vLLM with tensor parallelism on 2 or 4 A100s",
            "A router with health checks, retries and failover across at least three providers",
            "Benchmarks: tokens per second, p50/p95 latency, cost per thousand tokens",
            "A Grafana dashboard and an open-source template repository",
        ),
        looking_for=(
            "You have deployed GPU workloads on Akash",
            "You have run vLLM at scale and can tune it",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="pixelmint",
        title="Stable Diffusion XL inference API on Render Network nodes",
        summary=(
            "Move our SDXL and ControlNet generation from a cloud GPU to Render Network nodes, with a job queue, "
            "priority tiers and a simple API our studio tools can call."
        ),
        category="inference",
        required=("render-network", "computer-vision", "python"),
        nice=("gpu-infrastructure", "devops"),
        token="WALL",
        budget="220000",
        deadline_days=50,
        milestones=(("Proof of concept on Render", 40), ("Queue, API and priority tiers", 60)),
        context=(
            "PixelMint renders about 20,000 images a week for generative art drops. Cloud GPUs cost us more than "
            "anything else, and our demand is spiky. Render Network's node operators have idle capacity between "
            "rendering jobs; we want to use it for SDXL inference with ControlNet and an upscaler."
        ),
        deliverables=(
            "SDXL, ControlNet and upscaler running on Render nodes, with reproducible seeds",
            "A job queue with standard and priority tiers and retries on node failure",
            "An HTTP API with job submission, status and webhooks",
            "A cost comparison with our current cloud setup over one real drop",
        ),
        looking_for=(
            "You have used Render Network or similar decentralized GPU networks",
            "You know diffusion pipelines well",
        ),
    ),
    ProjectSpec(
        client="polymodel",
        title="Proposal summaries on chain with Ritual Infernet",
        summary=(
            "Let our governance contract request an LLM summary of each new proposal through a Ritual Infernet "
            "node and store it on chain, with the model and prompt pinned by hash."
        ),
        category="inference",
        required=("ritual", "solidity", "python"),
        nice=("llm-serving", "ipfs"),
        token="USDC",
        budget="8000",
        deadline_days=40,
        milestones=(("Infernet container and node", 45), ("Consumer contract and tests", 55)),
        context=(
            "Proposals in our DAO are long and technical, and most token holders vote without reading them. We "
            "want neutral, reproducible summaries produced by a known model, requested by the governance "
            "contract itself, so nobody on the team can edit them."
        ),
        deliverables=(
            "An Infernet container that summarises a proposal fetched by CID",
            "A consumer contract that requests a summary when a proposal is created and stores it",
            "Model, prompt and parameters pinned by hash and recorded with each summary",
            "Foundry tests on a local chain with a running node",
        ),
        looking_for=(
            "You have built with Ritual Infernet or similar on-chain AI callbacks",
            "You write careful Solidity",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="swarmnet",
        title="Serve Mixtral across volunteer consumer GPUs, Petals-style",
        summary=(
            "Extend our peer-to-peer serving network so Mixtral 8x7B can be split across volunteers' RTX cards, "
            "with layer assignment, rebalancing when peers leave and honest benchmarks over home connections."
        ),
        category="inference",
        required=("llm-serving", "libp2p", "pytorch"),
        nice=("rust", "gpu-infrastructure"),
        token="WALL",
        budget="420000",
        deadline_days=90,
        milestones=(
            ("Layer assignment and routing", 35),
            ("Rebalancing on peer churn", 35),
            ("Benchmarks over real home networks", 30),
        ),
        context=(
            "SwarmNet serves dense models by splitting layers across volunteers. Mixture-of-experts models are "
            "a different beast: experts are large, routing is sparse, and naive placement sends every token "
            "across the world. We want Mixtral served with sensible expert placement and graceful handling of "
            "peers that come and go."
        ),
        deliverables=(
            "An expert and layer placement algorithm that accounts for peer bandwidth and VRAM",
            "Routing of activations over libp2p streams with timeouts and retries",
            "Rebalancing when peers join or leave, without dropping in-flight generations",
            "A benchmark report from at least 20 peers on residential connections",
        ),
        looking_for=(
            "You understand transformer internals and MoE routing",
            "You have built peer-to-peer systems that survive churn",
        ),
    ),
    ProjectSpec(
        client="quanta-dao",
        title="Independent latency and cost benchmark of decentralized inference providers",
        summary=(
            "Benchmark five decentralized inference networks against two centralised APIs on latency, "
            "throughput, cost and reliability over four weeks, and publish the method and raw data."
        ),
        category="inference",
        required=("llm-serving", "model-evaluation", "python"),
        nice=("technical-writing",),
        token="USDC",
        budget="10000",
        deadline_days=60,
        milestones=(("Method and harness", 30), ("Four-week measurement", 40), ("Public report", 30)),
        context=(
            "Quanta DAO funds public goods for decentralized ML. Everyone claims their network is fast and "
            "cheap, and nobody publishes comparable numbers. We want a neutral, reproducible benchmark that "
            "others can re-run."
        ),
        deliverables=(
            "An open-source harness that sends identical workloads to every provider",
            "Four weeks of measurements at different times of day",
            "Latency (TTFT, p50/p95), throughput, error rates and cost per million tokens",
            "A public report with the method, caveats and raw data",
        ),
        looking_for=(
            "You have benchmarked LLM serving before and know its pitfalls",
            "You are comfortable publishing results that may upset someone",
        ),
    ),
    ProjectSpec(
        client="interplanetary-chat",
        title="In-browser WebGPU inference of a small model loaded from IPFS",
        summary=(
            "Run a 1-3B parameter model in the browser with WebGPU, loading verified weights by CID from IPFS "
            "gateways, as an offline fallback for our assistant."
        ),
        category="inference",
        required=("typescript", "ipfs", "llm-serving"),
        nice=("ui-ux",),
        token="USDC",
        budget="9500",
        deadline_days=45,
        milestones=(("WebGPU prototype", 50), ("CID loading, caching and UI", 50)),
        context=(
            "When no inference node is reachable, our assistant is useless. Small models now run acceptably in "
            "the browser with WebGPU. We want a fallback mode where the browser fetches quantised weights by CID, "
            "verifies them, caches them and answers locally."
        ),
        deliverables=(
            "A WebGPU inference module (WebLLM, transformers.js or similar) for a 1-3B model",
            "Weight loading from several IPFS gateways with CID verification and resumable downloads",
            "Caching in the Origin Private File System",
            "UI states for download progress, unsupported browsers and local mode",
        ),
        looking_for=(
            "You have shipped WebGPU or WebAssembly ML in a browser",
            "You know how IPFS content addressing works",
        ),
        status="draft",
    ),
    # --- Federated and distributed training ----------------------------------------
    ProjectSpec(
        client="helix-health",
        title="Federated learning for chest X-ray triage across six hospitals",
        summary=(
            "Train a chest X-ray triage model across six hospitals with Flower, without moving images. "
            "Differential privacy and secure aggregation are required by our ethics board."
        ),
        category="training",
        required=("federated-learning", "pytorch", "differential-privacy"),
        nice=("kubernetes", "mpc"),
        token="USDC",
        budget="48000",
        deadline_days=120,
        milestones=(
            ("Pilot across two sites", 25),
            ("DP-SGD and secure aggregation", 35),
            ("Rollout to six sites", 25),
            ("Evaluation and ethics report", 15),
        ),
        context=(
            "Six hospitals in our consortium want a model that flags urgent findings on chest X-rays so "
            "radiologists read them first. Images cannot leave each hospital. Sites differ in scanners, patient "
            "populations and label quality, and our ethics board requires formal privacy guarantees, not just "
            "'the data stays on site'."
        ),
        deliverables=(
            "A Flower-based federated training setup, packaged for hospital IT to install",
            "DP-SGD with a documented privacy budget and secure aggregation of updates",
            "Handling of non-IID data across sites (FedProx or personalised layers)",
            "Per-site and pooled evaluation against a centralised baseline",
            "A report for the ethics board on privacy guarantees and residual risks",
        ),
        looking_for=(
            "You have run federated learning with real institutions, ideally in healthcare",
            "You can explain differential privacy to a clinician",
            "You are patient with hospital IT processes",
        ),
    ),
    ProjectSpec(
        client="lexlingua",
        title="LoRA fine-tuning of Llama 3 on Portuguese legal contracts, on decentralized GPUs",
        summary=(
            "Fine-tune Llama 3 8B with QLoRA on our Portuguese contract corpus using GPUs leased on Akash, and "
            "deliver adapters, an evaluation report and scripts we can re-run."
        ),
        category="training",
        required=("llm-fine-tuning", "pytorch", "akash"),
        nice=("model-evaluation", "synthetic-data"),
        token="USDC",
        budget="13000",
        deadline_days=50,
        milestones=(("Data preparation and evaluation set", 30), ("Training runs on Akash", 45), ("Report", 25)),
        context=(
            "LexLingua helps law firms in Portugal and Brazil review contracts. Our prompts on a general model "
            "miss clauses that are obvious to a Portuguese lawyer. We have 40,000 anonymised contracts with clause "
            "annotations and want a fine-tuned open model we control. We prefer decentralized GPUs for cost and "
            "to avoid a single cloud vendor."
        ),
        deliverables=(
            "A cleaned training set and a held-out evaluation set agreed with our lawyers",
            "QLoRA training on Akash GPUs with SDL files and scripts we can re-run",
            "Adapters for Llama 3 8B and a merged, quantised model for serving",
            "An evaluation report comparing the base model, prompting and the fine-tune",
        ),
        looking_for=(
            "You have fine-tuned LLMs with LoRA or QLoRA and evaluated them honestly",
            "Experience with Akash or other decentralized compute",
            "Portuguese is a plus, not a requirement",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="commonweights",
        title="Pilot verifiable training of a small model on Gensyn",
        summary=(
            "Train a 350M-parameter language model on the Gensyn testnet, document how verification behaves "
            "with our training code, and compare cost and time with our volunteer cluster."
        ),
        category="training",
        required=("gensyn", "pytorch"),
        nice=("jax", "gpu-infrastructure"),
        token="WALL",
        budget="300000",
        deadline_days=75,
        milestones=(("Training code adapted to Gensyn", 40), ("Training run and verification analysis", 60)),
        context=(
            "CommonWeights trains open models on volunteered compute and publishes everything. Verification is "
            "our weak spot: we trust volunteers. Gensyn promises verifiable training on untrusted hardware, and "
            "we want to know what that means in practice for a real training job."
        ),
        deliverables=(
            "Our training code adapted to run on Gensyn, with deterministic settings where needed",
            "A full training run of a 350M model with logs and checkpoints",
            "An analysis of verification: what was checked, overhead, failure cases",
            "A comparison with the same run on our volunteer cluster",
        ),
        looking_for=(
            "You have run distributed training and care about determinism",
            "You have tried Gensyn or similar verifiable compute",
        ),
    ),
    ProjectSpec(
        client="atlas-fl",
        title="Federated fraud detection across four credit unions",
        summary=(
            "Build a federated gradient-boosting or neural model for card fraud across four credit unions, "
            "with secure aggregation, drift monitoring and a clear data-protection story."
        ),
        category="training",
        required=("federated-learning", "python", "mlops"),
        nice=("mpc", "differential-privacy"),
        token="USDC",
        budget="32000",
        deadline_days=100,
        milestones=(
            ("Feasibility and data-protection assessment", 20),
            ("Federated training with two unions", 40),
            ("Production rollout and monitoring", 40),
        ),
        context=(
            "Each of our four credit unions sees a fraction of the fraud patterns. Pooling transaction data is "
            "out of the question legally, but the unions agreed to train a shared model if no raw data or "
            "individual updates leave their premises."
        ),
        deliverables=(
            "A data-protection assessment with the unions' DPOs",
            "Federated training (Flower or NVFlare) with secure aggregation",
            "Per-union evaluation against each union's current rules engine",
            "Monitoring of drift and participation per round",
        ),
        looking_for=(
            "You have built federated learning in a regulated industry",
            "You can work with compliance teams and not around them",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="commonweights",
        title="Low-communication training (DiLoCo) across volunteer GPUs",
        summary=(
            "Implement DiLoCo-style training so volunteers on three continents can train one language model "
            "together over home internet, and measure how close it gets to synchronous training."
        ),
        category="training",
        required=("pytorch", "gpu-infrastructure"),
        nice=("jax", "libp2p", "federated-learning"),
        token="WALL",
        budget="380000",
        deadline_days=80,
        milestones=(("Implementation and local tests", 35), ("Volunteer run", 40), ("Write-up", 25)),
        context=(
            "Data-parallel training needs fast interconnects that our volunteers do not have. DiLoCo and related "
            "methods synchronise rarely and still train well. We want it implemented in our stack, tested with "
            "real volunteers and written up honestly."
        ),
        deliverables=(
            "A DiLoCo implementation with configurable inner steps and outer optimiser",
            "Fault tolerance for volunteers dropping out between synchronisations",
            "A training run with at least eight volunteer nodes",
            "A write-up comparing loss curves with synchronous training on the same budget",
        ),
        looking_for=(
            "You have implemented distributed training from the paper up",
            "You enjoy debugging over unreliable networks",
        ),
    ),
    ProjectSpec(
        client="meridian-research",
        title="Reward model from community preference data for a chat subnet",
        summary=(
            "Train and evaluate a reward model on 60,000 community preference pairs for use by validators on a "
            "chat subnet, with analysis of how easily miners could overfit it."
        ),
        category="training",
        required=("reinforcement-learning", "llm-fine-tuning", "model-evaluation"),
        nice=("bittensor",),
        token="USDC",
        budget="17000",
        deadline_days=60,
        milestones=(("Data audit and baseline", 30), ("Reward model training", 40), ("Overoptimisation study", 30)),
        context=(
            "Validators on a chat subnet we study use an off-the-shelf reward model, and miners have learned "
            "its quirks: long, flattering answers score best. The community collected 60,000 preference pairs. "
            "We want a better reward model and an honest look at how quickly miners could game it."
        ),
        deliverables=(
            "An audit of the preference data (agreement, length bias, duplicates)",
            "A reward model trained on the data, with held-out accuracy",
            "A best-of-n overoptimisation study against the new and the old model",
            "Recommendations for validators on using and rotating reward models",
        ),
        looking_for=(
            "You have trained reward models or run RLHF",
            "You are sceptical of your own metrics",
        ),
    ),
    ProjectSpec(
        client="sentinel-audits",
        title="Fine-tune a small model to review Solidity code for common vulnerabilities",
        summary=(
            "Fine-tune a 7B code model with QLoRA to flag reentrancy, access-control and rounding bugs in "
            "Solidity, using our past audit findings, and measure it against a large general model."
        ),
        category="training",
        required=("llm-fine-tuning", "solidity", "model-evaluation"),
        nice=("synthetic-data", "smart-contract-auditing"),
        token="USDC",
        budget="15000",
        deadline_days=55,
        milestones=(("Dataset from audit findings", 35), ("Fine-tuning", 35), ("Evaluation against baselines", 30)),
        context=(
            "Sentinel has 900 past findings with vulnerable code and fixes. Large general models catch some "
            "bugs but drown auditors in false positives. We want a small model that runs on our own hardware "
            "and is good at a narrow set of bug classes."
        ),
        deliverables=(
            "A training set built from our findings, plus synthetic variants of rare bug classes",
            "A QLoRA fine-tune of an open 7B code model",
            "An evaluation on held-out contracts: precision, recall and auditor time saved",
            "A short guide for running the model in our review tooling",
        ),
        looking_for=(
            "You have fine-tuned code models",
            "You can read Solidity and know the bug classes",
        ),
    ),
    # --- ZK proofs and verifiable ML -------------------------------------------------
    ProjectSpec(
        client="cortex-credit",
        title="ZK proof of inference with EZKL for our credit-scoring model",
        summary=(
            "Prove on chain that a loan decision came from our published credit model, using EZKL and a Solidity "
            "verifier, without revealing applicants' inputs."
        ),
        category="zkml",
        required=("zkml", "zero-knowledge", "solidity"),
        nice=("pytorch", "ethereum"),
        token="USDC",
        budget="26000",
        deadline_days=75,
        milestones=(
            ("Model export and circuit feasibility", 30),
            ("Proof generation service", 40),
            ("On-chain verifier and integration", 30),
        ),
        context=(
            "Cortex Credit's lending pools decide loans with a small gradient-boosted model. Lenders want "
            "assurance that every decision came from the model we published, and applicants' data must stay "
            "private. Zero-knowledge proofs of inference look like the right tool, but we have never built one."
        ),
        deliverables=(
            "The model exported to ONNX and compiled with EZKL, with accuracy loss measured",
            "A proving service that generates a proof per decision in under a minute",
            "A Solidity verifier deployed on Base, with gas costs measured",
            "Integration with our pool contract so loans require a valid proof",
        ),
        looking_for=(
            "You have shipped EZKL or another zkML stack end to end",
            "You can explain what the proof does and does not guarantee",
        ),
    ),
    ProjectSpec(
        client="gridlock-games",
        title="Prove that our AI opponent's moves came from the committed model",
        summary=(
            "Use zkML to prove that each move of our on-chain game's AI opponent was computed by the model we "
            "committed to at season start, so players can trust it is not tuned against them."
        ),
        category="zkml",
        required=("zkml", "zero-knowledge"),
        nice=("rust", "solidity"),
        token="WALL",
        budget="260000",
        deadline_days=60,
        milestones=(("Circuit for the policy network", 50), ("Verifier and game integration", 50)),
        context=(
            "Gridlock's strategy game has an AI opponent driven by a small policy network. Players suspect we "
            "tweak it to make them lose. We want to commit to the weights at the start of each season and attach "
            "a proof to each move."
        ),
        deliverables=(
            "A weight commitment published at season start",
            "A circuit proving a move was produced by the committed weights from the public game state",
            "A verifier contract and integration with our move-submission flow",
            "Proving time and cost measurements at our expected move rate",
        ),
        looking_for=(
            "You have built zkML circuits for neural networks",
            "You care about proving costs in a consumer product",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="proofworks",
        title="Benchmark EZKL, RISC Zero and Halo2 for small neural networks",
        summary=(
            "Benchmark three zkML approaches on five reference models (MLP to small CNN and transformer block): "
            "proving time, memory, proof size, verifier gas and accuracy loss."
        ),
        category="zkml",
        required=("zkml", "zero-knowledge", "rust"),
        nice=("pytorch", "technical-writing"),
        token="USDC",
        budget="14000",
        deadline_days=50,
        milestones=(("Harness and reference models", 35), ("Benchmarks", 40), ("Published report", 25)),
        context=(
            "Clients ask us which zkML stack to use, and public comparisons are out of date or use toy models. "
            "We want a careful benchmark on models that look like what people deploy, with everything needed to "
            "reproduce it."
        ),
        deliverables=(
            "Five reference models with fixed weights and inputs",
            "Implementations in EZKL, RISC Zero and a hand-written Halo2 circuit where feasible",
            "Measurements on the same machine: time, memory, proof size, verifier gas, accuracy",
            "A public report and repository",
        ),
        looking_for=(
            "You have used at least two of the three stacks",
            "You write reproducible benchmarks",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="proofworks",
        title="Optimise a Halo2 circuit for a transformer attention block",
        summary=(
            "Our Halo2 circuit for one attention block uses 2^24 rows. Bring it down with better lookups, "
            "fixed-point scaling and softmax approximation, keeping accuracy within 0.5%."
        ),
        category="zkml",
        required=("zero-knowledge", "rust", "cryptography"),
        nice=("zkml",),
        token="USDC",
        budget="22000",
        deadline_days=60,
        milestones=(("Profiling and optimisation plan", 25), ("Optimised circuit", 55), ("Write-up", 20)),
        context=(
            "We are building proofs of inference for small transformers. The attention block dominates proving "
            "cost: softmax and the matrix multiplications with naive gadgets. We believe a specialist could cut "
            "it by 4x or more."
        ),
        deliverables=(
            "A profile of the current circuit by gadget",
            "Optimised chips for fixed-point matmul, softmax and layer norm",
            "Accuracy tests against the float model on 10,000 inputs",
            "A write-up of each optimisation and its effect",
        ),
        looking_for=(
            "You have written and optimised Halo2 chips",
            "You are careful about soundness while optimising",
        ),
    ),
    ProjectSpec(
        client="proofworks",
        title="Private LLM inference in confidential-computing GPUs with remote attestation",
        summary=(
            "Run an open LLM inside an H100 confidential VM and build the client that verifies remote "
            "attestation before sending a prompt, for customers who will not trust our servers."
        ),
        category="zkml",
        required=("tee", "llm-serving", "cryptography"),
        nice=("rust", "kubernetes"),
        token="USDC",
        budget="24000",
        deadline_days=70,
        milestones=(("Confidential VM with the model", 40), ("Attestation-verifying client", 40), ("Threat model", 20)),
        context=(
            "Zero-knowledge proofs for large models are years away from practical. Our insurance clients still "
            "need private inference now. Confidential GPUs with attestation are the pragmatic answer, if the "
            "client actually checks the attestation."
        ),
        deliverables=(
            "An open model served with vLLM inside an H100 confidential VM",
            "Attestation reports bound to the model hash and serving code",
            "A client library that verifies attestation before encrypting and sending prompts",
            "A threat model that is honest about what hardware trust implies",
        ),
        looking_for=(
            "You have built on SGX, SEV or NVIDIA confidential computing",
            "You know how remote attestation can go wrong",
        ),
    ),
    ProjectSpec(
        client="cortex-credit",
        title="FHE prototype: score encrypted loan applications with Concrete ML",
        summary=(
            "Prototype credit scoring on encrypted applicant data with Concrete ML, so our scoring server never "
            "sees plaintext, and report accuracy and latency."
        ),
        category="zkml",
        required=("fhe", "python", "cryptography"),
        nice=("differential-privacy",),
        token="USDC",
        budget="11000",
        deadline_days=45,
        milestones=(("FHE model and accuracy study", 60), ("Demo service", 40)),
        context=(
            "Some of our partner lenders cannot send applicant data to us at all. Fully homomorphic encryption "
            "could let them send encrypted features and get an encrypted score back. We want to know whether it "
            "is practical with our model."
        ),
        deliverables=(
            "Our tree model compiled with Concrete ML, with accuracy at several bit widths",
            "Latency and cost measurements on a standard server",
            "A small client and server demo with key handling",
            "A recommendation: go, no-go or what would need to change",
        ),
        looking_for=(
            "You have worked with FHE libraries on real models",
            "You give straight answers about feasibility",
        ),
    ),
    ProjectSpec(
        client="polymodel",
        title="Merkle commitments to model weights with Noir membership proofs",
        summary=(
            "Let model publishers commit to weights as a Poseidon Merkle root in our registry and prove in Noir "
            "that a served model belongs to a registered version."
        ),
        category="zkml",
        required=("zero-knowledge", "cryptography"),
        nice=("substrate", "rust"),
        token="WALL",
        budget="200000",
        deadline_days=55,
        milestones=(("Commitment format and tooling", 40), ("Noir circuits and verifier", 60)),
        context=(
            "Our registry stores hashes of model files, but users cannot check that a served model is the "
            "registered one without downloading everything. We want chunked Merkle commitments and small proofs "
            "of membership."
        ),
        deliverables=(
            "A commitment format for weights (chunking, Poseidon Merkle tree) and a CLI",
            "Noir circuits proving membership of chunks in a committed model",
            "A verifier usable from our Substrate chain",
            "Benchmarks for 7B and 70B models",
        ),
        looking_for=(
            "You have written Noir or Circom circuits",
            "Bonus: you know Substrate",
        ),
    ),
    # --- Autonomous agents --------------------------------------------------------
    ProjectSpec(
        client="agora-agents",
        title="Olas agent service for DAO treasury rebalancing",
        summary=(
            "Build an Olas agent service, run by four operators, that keeps our DAO treasury within target "
            "allocations across Aave and Compound, with spending limits enforced on chain."
        ),
        category="agents",
        required=("autonolas", "ai-agents", "solidity"),
        nice=("python", "ethereum"),
        token="USDC",
        budget="28000",
        deadline_days=80,
        milestones=(
            ("FSM design and specification", 20),
            ("Agent service on testnet", 45),
            ("Mainnet with four operators", 35),
        ),
        context=(
            "Agora manages treasuries for three DAOs. Rebalancing is manual, slow and depends on one person's "
            "multisig key. We want an autonomous service, run by several independent operators who must agree "
            "on each action, with hard limits enforced by contracts rather than by the agent's code."
        ),
        deliverables=(
            "An FSM specification of the service's rounds and failure modes",
            "The Olas service with strategy, safety checks and transaction settlement",
            "A Safe module that enforces allow-listed protocols and daily limits",
            "A testnet run, then mainnet with four operators, and an operator guide",
        ),
        looking_for=(
            "You have shipped an Olas or similar multi-operator agent service",
            "You think about what happens when an operator misbehaves",
        ),
    ),
    ProjectSpec(
        client="bytebridge",
        title="Negotiating freight agents with Fetch.ai uAgents",
        summary=(
            "Build buyer and carrier agents on Fetch.ai uAgents that negotiate freight bookings within limits "
            "set by humans and settle deposits on chain."
        ),
        category="agents",
        required=("fetch-ai", "ai-agents", "python"),
        nice=("solidity",),
        token="WALL",
        budget="240000",
        deadline_days=60,
        milestones=(("Agent protocols and simulation", 50), ("Pilot with two carriers", 50)),
        context=(
            "Small shippers spend hours on the phone finding trucks. We want software agents to do the "
            "back-and-forth: shippers' agents publish loads and constraints, carriers' agents bid, and a deal "
            "closes when both sides' limits are met."
        ),
        deliverables=(
            "uAgents for shippers and carriers with a negotiation protocol",
            "Human-set limits (price, dates, cargo) enforced outside the language model",
            "Deposit settlement on chain when a deal closes",
            "A simulation with 50 agents and a pilot with two real carriers",
        ),
        looking_for=(
            "You have built with Fetch.ai or other agent frameworks",
            "You have designed negotiation or auction logic",
        ),
    ),
    ProjectSpec(
        client="ledgerleaf",
        title="Issue-triage agent that proposes fixes and pays bounties from a Safe",
        summary=(
            "A LangGraph agent that labels and triages GitHub issues in our SDK repositories, drafts fixes, and "
            "pays contributors' bounties from a Safe after a maintainer approves."
        ),
        category="agents",
        required=("ai-agents", "python", "web3-py"),
        nice=("typescript", "rag"),
        token="USDC",
        budget="12000",
        deadline_days=45,
        milestones=(("Triage and labelling", 40), ("Fix drafts", 30), ("Bounty payouts", 30)),
        context=(
            "Our maintainers spend a day a week on triage. Most issues are duplicates, questions or small bugs. "
            "We also pay bounties in USDC, which means manual transactions. We want an agent that handles the "
            "routine, never merges anything and never pays without a human signature."
        ),
        deliverables=(
            "A triage agent that labels, links duplicates and answers questions from the docs",
            "Draft pull requests for small bugs, clearly marked as agent-written",
            "Bounty payouts proposed as Safe transactions for a maintainer to sign",
            "Logs of every tool call and an evaluation on 100 past issues",
        ),
        looking_for=(
            "You have built tool-using agents that run unattended",
            "You know how Safe transactions work",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="agora-agents",
        title="Forum-reading agent that drafts DAO governance digests",
        summary=(
            "An agent that reads our DAOs' forums and Snapshot every day and drafts a weekly digest with "
            "citations, for a human editor to approve."
        ),
        category="agents",
        required=("ai-agents", "rag"),
        nice=("python", "technical-writing"),
        token="USDC",
        budget="7000",
        deadline_days=35,
        milestones=(("Ingestion and retrieval", 50), ("Digest drafting and editor flow", 50)),
        context=(
            "Delegates in our DAOs cannot keep up with forum threads. A weekly digest helps, but writing it takes "
            "an editor a full day. We want an agent to draft it with citations to every claim so the editor only "
            "checks and edits."
        ),
        deliverables=(
            "Daily ingestion of Discourse forums and Snapshot proposals",
            "Retrieval with citations to the exact post",
            "Weekly digest drafts in our template",
            "An editor view to accept, edit or reject each section",
        ),
        looking_for=(
            "You have built RAG systems with faithful citations",
            "You write well yourself",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="sentinel-audits",
        title="Red-team on-chain trading agents for prompt injection",
        summary=(
            "Attack three LLM trading agents that hold funds: prompt injection through token metadata, "
            "social posts and tool outputs. Report findings with reproductions and mitigations."
        ),
        category="agents",
        required=("model-evaluation", "ai-agents"),
        nice=("smart-contract-auditing", "solidity"),
        token="USDC",
        budget="16000",
        deadline_days=40,
        milestones=(("Attack plan and harness", 30), ("Red-team campaign", 50), ("Report", 20)),
        context=(
            "Our clients deploy agents that read untrusted text (token names, tweets, web pages) and can move "
            "money. Classic smart contract audits do not cover that. We want a structured red-team of three such "
            "agents on a fork of mainnet."
        ),
        deliverables=(
            "A harness that replays agents on a mainnet fork with injected content",
            "An attack campaign across metadata, social and tool-output channels",
            "Findings ranked by impact, each with a reproduction",
            "Mitigations: allow-lists, spending caps, output checks",
        ),
        looking_for=(
            "You have red-teamed LLM applications",
            "You understand how agents sign transactions",
        ),
    ),
    ProjectSpec(
        client="agora-agents",
        title="Evaluation harness for our agents: 200 scripted tasks on a mainnet fork",
        summary=(
            "Build an evaluation harness with 200 scripted tasks for our DAO-operations agents, run on a "
            "mainnet fork in CI, so we catch planning regressions before release."
        ),
        category="agents",
        required=("ai-agents", "model-evaluation", "python"),
        nice=("ethereum",),
        token="USDC",
        budget="9000",
        deadline_days=40,
        milestones=(("Task suite", 50), ("CI integration and reports", 50)),
        context=(
            "Every time we change a prompt or a model, something breaks in a way nobody notices for a week. We "
            "need a regression suite: realistic tasks, deterministic environments, pass/fail criteria and a "
            "report in CI."
        ),
        deliverables=(
            "200 tasks across treasury, governance and payments",
            "Deterministic environments on an Anvil mainnet fork",
            "Scoring with hard checks on chain state, plus LLM-judged checks where needed",
            "CI integration with a diff report between runs",
        ),
        looking_for=(
            "You have built agent evaluations before",
            "You like making flaky things deterministic",
        ),
    ),
    ProjectSpec(
        client="bytebridge",
        title="Pay-per-call API for agents with signed receipts",
        summary=(
            "Let AI agents pay for our API per request with pre-funded credits and EIP-712 signed receipts, "
            "settled in batches on an L2."
        ),
        category="agents",
        required=("solidity", "typescript", "ethereum"),
        nice=("ai-agents",),
        token="USDC",
        budget="13500",
        deadline_days=50,
        milestones=(("Credits contract and receipts", 50), ("SDK and batch settlement", 50)),
        context=(
            "Agents want to buy services without a human setting up a subscription. We want a simple flow: an "
            "agent deposits USDC, every request carries a signed receipt, and we settle receipts in batches."
        ),
        deliverables=(
            "A credits contract with deposits, withdrawals and batch settlement",
            "EIP-712 receipt format and verification in our gateway",
            "A TypeScript SDK for agents",
            "Tests, gas measurements and a short security review",
        ),
        looking_for=(
            "You have shipped payment contracts",
            "You know EIP-712 well",
        ),
        status="cancelled",
    ),
    # --- Data markets and storage ----------------------------------------------------
    ProjectSpec(
        client="open-data-dao",
        title="Contribution pipeline and rewards for a speech data DAO",
        summary=(
            "Build the pipeline that receives speech recordings from contributors, validates and de-duplicates "
            "them, routes them to reviewers and computes each contributor's rewards."
        ),
        category="data",
        required=("data-engineering", "data-labeling", "python"),
        nice=("filecoin", "the-graph"),
        token="USDC",
        budget="21000",
        deadline_days=75,
        milestones=(
            ("Ingestion and validation", 35),
            ("Review workflow", 30),
            ("Reward accounting", 35),
        ),
        context=(
            "OpenVoice collects speech in Quechua, Wolof, Tagalog and eleven other languages. Contributors are "
            "paid from dataset licence revenue. Today uploads land in a bucket and a volunteer checks them by "
            "hand. We need a real pipeline before we scale to thousands of contributors."
        ),
        deliverables=(
            "Upload ingestion with format checks, loudness and silence detection",
            "Near-duplicate detection across contributors",
            "A review queue for native-speaker reviewers with agreement tracking",
            "Reward accounting per contributor, exportable for on-chain payouts",
            "Dataset snapshots with manifests stored on Filecoin",
        ),
        looking_for=(
            "You have built data pipelines with quality checks",
            "You have worked with audio data or crowdsourcing",
        ),
    ),
    ProjectSpec(
        client="terrascope",
        title="Ocean compute-to-data for our agricultural satellite imagery",
        summary=(
            "Publish our imagery as an Ocean Protocol data asset with compute-to-data, so researchers can train "
            "models on it without downloading it, and pay per job."
        ),
        category="data",
        required=("ocean-protocol", "data-engineering", "python"),
        nice=("computer-vision", "kubernetes"),
        token="USDC",
        budget="17500",
        deadline_days=60,
        milestones=(("C2D environment", 45), ("Asset publishing and allowed algorithms", 30), ("Pilot with a lab", 25)),
        context=(
            "TerraScope's imagery is licensed per customer, and we cannot let raw tiles leave our storage. "
            "Researchers keep asking to train crop models on it. Ocean's compute-to-data seems to fit: "
            "approved algorithms run next to the data and only results leave."
        ),
        deliverables=(
            "A compute-to-data environment on our Kubernetes cluster",
            "Our imagery published as data assets with pricing",
            "A set of approved training algorithms (crop classification, yield estimation)",
            "A pilot with one university lab, with feedback and fixes",
        ),
        looking_for=(
            "You have deployed Ocean compute-to-data",
            "You understand geospatial data formats",
        ),
    ),
    ProjectSpec(
        client="fieldnotes",
        title="RAG assistant over IPFS-pinned agronomy documents with CID citations",
        summary=(
            "Build a retrieval-augmented assistant over 15,000 agronomy papers and field reports pinned on IPFS. "
            "Every answer must cite the CID and page of its sources."
        ),
        category="data",
        required=("rag", "vector-search", "ipfs"),
        nice=("llm-serving", "typescript"),
        token="USDC",
        budget="19000",
        deadline_days=65,
        milestones=(
            ("Ingestion and chunking", 30),
            ("Retrieval with evaluation", 40),
            ("Assistant with citations", 30),
        ),
        context=(
            "FieldNotes publishes agronomy research on IPFS so it stays available in regions with poor access. "
            "Agronomists want to ask questions in plain language and get answers they can verify. Citations must "
            "point to content-addressed sources so anyone can check them, even offline with a local node."
        ),
        deliverables=(
            "Ingestion from IPFS of PDFs and scanned reports, with OCR where needed",
            "Hybrid retrieval (BM25 and embeddings) with a labelled evaluation set",
            "An assistant that answers with CID and page citations",
            "A small web interface and an API",
        ),
        looking_for=(
            "You have built RAG with measured retrieval quality",
            "You know how IPFS content addressing works",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="meridian-research",
        title="Subgraph and dashboard for subnet emissions and stake flows",
        summary=(
            "Index Bittensor metagraph snapshots and stake movements into a queryable store and build a public "
            "dashboard of emissions per subnet, validator and miner."
        ),
        category="data",
        required=("the-graph", "data-engineering", "bittensor"),
        nice=("typescript", "python"),
        token="WALL",
        budget="150000",
        deadline_days=50,
        milestones=(("Indexer and schema", 50), ("Dashboard", 50)),
        context=(
            "We study concentration and incentives across subnets, and every study starts with days of scraping. "
            "We want a reusable indexer and a public dashboard other researchers can use."
        ),
        deliverables=(
            "An indexer for metagraph snapshots per block range and stake events",
            "A documented schema and query API",
            "A dashboard of emissions, stake concentration and weight overlap",
            "Validation of the numbers against raw chain data",
        ),
        looking_for=(
            "You have built blockchain indexers",
            "You know Bittensor's data model",
        ),
    ),
    ProjectSpec(
        client="open-data-dao",
        title="Synthetic speech-text pairs for Swahili and Yoruba with quality filters",
        summary=(
            "Generate and filter synthetic transcripts and prompts in Swahili and Yoruba to complement our "
            "recorded data, and measure whether they improve an ASR model."
        ),
        category="data",
        required=("synthetic-data", "data-labeling"),
        nice=("llm-fine-tuning", "model-evaluation"),
        token="USDC",
        budget="8500",
        deadline_days=45,
        milestones=(("Generation and filtering", 50), ("Native-speaker review and ablation", 50)),
        context=(
            "Our recorded speech covers everyday topics poorly: readers stick to a few prompt lists. We want "
            "varied, natural prompts and transcripts in Swahili and Yoruba, checked by native speakers."
        ),
        deliverables=(
            "10,000 generated prompts per language with topic diversity targets",
            "Automatic filters for fluency and duplication",
            "Native-speaker review of a sample with agreement statistics",
            "An ablation showing the effect on our ASR baseline",
        ),
        looking_for=(
            "You have built synthetic datasets and measured their effect",
            "Experience with African languages is a strong plus",
        ),
    ),
    ProjectSpec(
        client="polymodel",
        title="Permanent archive of model cards and evaluation results on Arweave",
        summary=(
            "Archive every registered model's card, licence and evaluation results on Arweave, linked from our "
            "registry, with a simple verifier for the archived content."
        ),
        category="data",
        required=("arweave", "typescript"),
        nice=("data-engineering",),
        token="WALL",
        budget="90000",
        deadline_days=40,
        milestones=(("Archiving pipeline", 60), ("Verifier and registry links", 40)),
        context=(
            "Model cards and evaluation results vanish when projects move or shut down. Our registry should "
            "point to a permanent copy."
        ),
        deliverables=(
            "A pipeline that archives model cards, licences and eval results to Arweave",
            "Transaction IDs recorded in our registry",
            "A small verifier that checks content against the registry",
            "Backfill of 1,200 existing models",
        ),
        looking_for=(
            "You have built on Arweave",
            "You like tidy data pipelines",
        ),
    ),
    ProjectSpec(
        client="commonweights",
        title="Training-data provenance manifests stored on Filecoin",
        summary=(
            "Produce signed provenance manifests for our training datasets (source, licence, hash of every "
            "shard) and store them with the shards on Filecoin with automated deal renewal."
        ),
        category="data",
        required=("filecoin", "data-engineering"),
        nice=("ipfs", "cryptography"),
        token="USDC",
        budget="10000",
        deadline_days=50,
        milestones=(("Manifest format and signing", 40), ("Filecoin storage and renewal", 60)),
        context=(
            "We publish everything about our models, but the training data's provenance lives in spreadsheets. "
            "We want manifests anyone can verify, stored with the data itself."
        ),
        deliverables=(
            "A manifest format: source, licence, collection date, hash per shard",
            "Signing of manifests by our release key",
            "Storage deals for shards and manifests with retrieval checks",
            "Automated deal renewal and alerts",
        ),
        looking_for=(
            "You have made Filecoin storage deals in production",
            "You care about data provenance",
        ),
    ),
    ProjectSpec(
        client="quanta-dao",
        title="Semantic search over five years of DAO governance proposals",
        summary=(
            "Embed and index governance proposals from 40 DAOs so researchers can search by meaning, filter by "
            "DAO and outcome, and find similar past proposals."
        ),
        category="data",
        required=("vector-search", "python"),
        nice=("rag", "the-graph"),
        token="USDC",
        budget="6500",
        deadline_days=35,
        milestones=(("Collection and embeddings", 50), ("Search API and UI", 50)),
        context=(
            "Governance researchers read proposals one DAO at a time. We want one searchable corpus: every "
            "proposal from 40 DAOs since 2020, with outcome and vote data."
        ),
        deliverables=(
            "Collection from Snapshot, Tally and forums",
            "Embeddings with a model chosen on a small relevance set",
            "An HNSW index with filters by DAO, date and outcome",
            "A search API and a minimal UI",
        ),
        looking_for=(
            "You have built semantic search and evaluated it",
            "You know governance data sources",
        ),
    ),
    ProjectSpec(
        client="terrascope",
        title="Annotation of 5,000 field images for crop-disease detection",
        summary=(
            "Organise annotation of 5,000 drone images for six crop diseases with agronomist reviewers, "
            "including guidelines, quality control and agreement statistics."
        ),
        category="data",
        required=("data-labeling", "computer-vision"),
        nice=("synthetic-data",),
        token="USDC",
        budget="7000",
        deadline_days=40,
        milestones=(("Guidelines and pilot batch", 30), ("Full annotation with QC", 70)),
        context=(
            "We want to add disease detection to our imagery product and need labelled training data. "
            "Annotators must be supervised by agronomists; some diseases look alike, especially early blight "
            "and nutrient deficiency on maize leaves. We have the images and the agronomists, but no process."
        ),
        deliverables=(
            "Labelling guidelines with hard examples",
            "A pilot of 300 images to calibrate annotators",
            "Annotation of 5,000 images with double review",
            "Agreement statistics per class",
        ),
        looking_for=(
            "You have run annotation projects with domain experts",
            "You can write guidelines that non-experts can follow",
        ),
        status="draft",
    ),
    # --- Smart contracts and tokenomics ------------------------------------------------
    ProjectSpec(
        client="verity-oracle",
        title="Tokenomics of an inference market: staking, slashing and fee burns",
        summary=(
            "Model the token economy of our inference market (providers stake, users pay fees, bad answers are "
            "slashed) and recommend parameters that survive bear markets and attacks."
        ),
        category="smart_contracts",
        required=("tokenomics", "mechanism-design"),
        nice=("python", "technical-writing"),
        token="USDC",
        budget="20000",
        deadline_days=60,
        milestones=(("Model and assumptions", 35), ("Scenario analysis", 40), ("Recommendations", 25)),
        context=(
            "Verity is adding a market where model providers answer inference requests and stake our token as "
            "collateral. Wrong or late answers are slashed; fees are partly burned. We have a spreadsheet and a "
            "lot of opinions. We need a real model."
        ),
        deliverables=(
            "A simulation (cadCAD or similar) of providers, users and attackers",
            "Scenarios: growth, bear market, provider cartel, slashing griefing",
            "Recommended parameters: minimum stake, slashing rates, burn share",
            "A readable write-up for our community",
        ),
        looking_for=(
            "You have designed token economies that are live today",
            "You can code your models, not only draw them",
        ),
    ),
    ProjectSpec(
        client="akashic",
        title="Escrow contracts for GPU compute jobs with arbiter disputes",
        summary=(
            "Solidity escrow for compute jobs: customers fund, providers claim on completion, disputes go to an "
            "arbiter multisig. Foundry tests and an external review included."
        ),
        category="smart_contracts",
        required=("solidity", "ethereum"),
        nice=("smart-contract-auditing", "the-graph"),
        token="USDC",
        budget="15000",
        deadline_days=45,
        milestones=(("Contracts and tests", 60), ("Subgraph and review fixes", 40)),
        context=(
            "We want to sell GPU time to customers who do not use the Akash token, paid in USDC with escrow. "
            "Simple cases should need no human; disputes should be rare and fair."
        ),
        deliverables=(
            "Escrow contracts with funding, claims, timeouts and disputes",
            "Foundry unit and invariant tests",
            "A subgraph for job and payment history",
            "Fixes from an external review",
        ),
        looking_for=(
            "You have shipped escrow or payment contracts",
            "You write invariant tests",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="verity-oracle",
        title="Oracle network for model outputs with commit-reveal and slashing",
        summary=(
            "Extend our oracle nodes to answer model-inference requests: nodes run the model, commit and reveal "
            "outputs, and disagreeing nodes can be challenged and slashed."
        ),
        category="smart_contracts",
        required=("oracles", "solidity", "go"),
        nice=("mechanism-design", "llm-serving"),
        token="USDC",
        budget="35000",
        deadline_days=90,
        milestones=(
            ("Protocol specification", 20),
            ("Node software", 35),
            ("Contracts", 30),
            ("Testnet with ten nodes", 15),
        ),
        context=(
            "Contracts increasingly want model outputs: classifications, scores, summaries. Our oracle network "
            "handles price feeds today. Model outputs are harder: they are large, sometimes non-deterministic, "
            "and cheap to copy from other nodes."
        ),
        deliverables=(
            "A protocol spec: request format, determinism settings, commit-reveal, aggregation",
            "Node software in Go that runs models in containers",
            "Contracts for requests, commitments, reveals, challenges and slashing",
            "A testnet with ten nodes and a report",
        ),
        looking_for=(
            "You have built oracle networks",
            "You understand non-determinism in model inference",
        ),
    ),
    ProjectSpec(
        client="polymodel",
        title="Substrate pallet for an on-chain model registry",
        summary=(
            "Write a FRAME pallet that registers models (hash, licence, versions, publisher) with deposits, "
            "ownership transfer and deprecation, with benchmarks and a migration."
        ),
        category="smart_contracts",
        required=("substrate", "rust"),
        nice=("cryptography",),
        token="WALL",
        budget="350000",
        deadline_days=60,
        milestones=(("Pallet with tests", 55), ("Benchmarks, migration and runtime integration", 45)),
        context=(
            "PolyModel's chain keeps a registry of open models. The current version is a generic key-value "
            "store, which makes every client parse things differently. We want a proper pallet."
        ),
        deliverables=(
            "A pallet with register, update version, transfer, deprecate and storage deposits",
            "Unit tests and a mock runtime",
            "Benchmarked weights",
            "A storage migration from the current format",
        ),
        looking_for=(
            "You have written production FRAME pallets",
            "You have run runtime upgrades",
        ),
        status="in_progress",
    ),
    ProjectSpec(
        client="bytebridge",
        title="Solana program for streaming micropayments per inference request",
        summary=(
            "An Anchor program where users pre-fund a stream and inference providers claim per request with "
            "signed receipts, plus a TypeScript client."
        ),
        category="smart_contracts",
        required=("solana", "rust"),
        nice=("typescript", "smart-contract-auditing"),
        token="USDC",
        budget="14000",
        deadline_days=50,
        milestones=(("Program and tests", 60), ("Client and devnet pilot", 40)),
        context=(
            "Providers on our network want to be paid per request, and users do not want a transaction per "
            "request. A pre-funded stream with receipts claimed in batches fits Solana well."
        ),
        deliverables=(
            "An Anchor program: open stream, claim with receipts, close and refund",
            "Tests on a local validator",
            "A TypeScript client",
            "A devnet pilot with two providers",
        ),
        looking_for=(
            "You have shipped Anchor programs",
            "You care about account validation",
        ),
    ),
    ProjectSpec(
        client="sentinel-audits",
        title="Audit of staking and rewards contracts for a GPU marketplace",
        summary=(
            "Two-week audit of about 1,800 lines of Solidity: provider staking, reward distribution and "
            "slashing. Findings with proofs of concept and a fix review."
        ),
        category="smart_contracts",
        required=("smart-contract-auditing", "solidity"),
        nice=("mechanism-design",),
        token="USDC",
        budget="30000",
        deadline_days=30,
        milestones=(("Audit report", 80), ("Fix review", 20)),
        context=(
            "A client of ours is launching a GPU marketplace with staking. We need an extra senior auditor for "
            "a two-week engagement alongside our team."
        ),
        deliverables=(
            "Review of staking, rewards and slashing contracts",
            "Findings with severity, impact and a Foundry proof of concept",
            "Invariant tests for reward accounting",
            "Review of the fixes",
        ),
        looking_for=(
            "You have a public audit record",
            "You have reviewed staking and reward accounting before",
        ),
    ),
    ProjectSpec(
        client="kairos-labs",
        title="Cosmos SDK module for compute attestations",
        summary=(
            "A Cosmos SDK module that records signed attestations of completed compute jobs and pays providers "
            "over IBC."
        ),
        category="smart_contracts",
        required=("cosmos-sdk", "go"),
        nice=("cryptography",),
        token="WALL",
        budget="280000",
        deadline_days=70,
        milestones=(("Module and keeper", 60), ("IBC payments and testnet", 40)),
        context=(
            "Our forecasting chain pays compute providers for model runs. We want attestations recorded on chain "
            "in a standard module rather than ad-hoc transactions, so that explorers, indexers and auditors can "
            "read them without our help."
        ),
        deliverables=(
            "A module with messages, keeper and queries for attestations",
            "Signature verification for provider keys",
            "Payments to providers over IBC",
            "A testnet deployment",
        ),
        looking_for=(
            "You have written Cosmos SDK modules",
            "You have worked with IBC transfers in production",
        ),
        status="cancelled",
    ),
    ProjectSpec(
        client="open-data-dao",
        title="Bonding curve and fee design for dataset tokens",
        summary=(
            "Review our bonding curve for dataset access tokens and design a fee that funds dataset maintenance "
            "and pays contributors, with simulations."
        ),
        category="smart_contracts",
        required=("mechanism-design", "tokenomics"),
        nice=("solidity",),
        token="USDC",
        budget="9000",
        deadline_days=40,
        milestones=(("Review and simulations", 60), ("Recommendation and parameters", 40)),
        context=(
            "Each dataset in our DAO has an access token on a bonding curve. Early buyers profit from later "
            "ones, and dataset maintenance is unfunded. We want a design that rewards contributors and keeps "
            "datasets alive."
        ),
        deliverables=(
            "A review of the current curve and its incentives",
            "Simulations of alternative curves and fees",
            "Recommended parameters and a short specification",
        ),
        looking_for=(
            "You have designed bonding curves or AMM fees",
            "You can explain your design to a non-technical DAO",
        ),
    ),
    # --- Infrastructure and DevOps ---------------------------------------------------
    ProjectSpec(
        client="swarmnet",
        title="libp2p gossip protocol for announcing and fetching model shards",
        summary=(
            "Design a gossipsub-based protocol for peers to announce the model shards they hold and fetch "
            "missing ones with bitswap, tested on a 300-node network."
        ),
        category="infrastructure",
        required=("libp2p", "go"),
        nice=("ipfs", "rust"),
        token="WALL",
        budget="320000",
        deadline_days=70,
        milestones=(("Protocol design", 25), ("Implementation", 45), ("300-node test", 30)),
        context=(
            "Peers in SwarmNet hold different slices of large models. Today a central tracker knows who holds "
            "what. We want it decentralised: peers gossip their shard inventories and fetch missing shards from "
            "each other."
        ),
        deliverables=(
            "A protocol design: topics, message formats, validation and rate limits",
            "An implementation in go-libp2p with gossipsub and bitswap",
            "Peer scoring to limit spam and lying peers",
            "A test on a 300-node network with churn, and metrics",
        ),
        looking_for=(
            "You have built on libp2p and tuned gossipsub",
            "You have tested peer-to-peer systems at scale",
        ),
    ),
    ProjectSpec(
        client="commonweights",
        title="IPFS cluster for pinning 60 TB of open model weights",
        summary=(
            "Set up an IPFS Cluster across our partners' nodes to pin every released checkpoint, with CAR "
            "imports, replication targets and CID verification."
        ),
        category="infrastructure",
        required=("ipfs", "devops"),
        nice=("filecoin", "kubernetes"),
        token="USDC",
        budget="12500",
        deadline_days=45,
        milestones=(("Cluster and import tooling", 60), ("Monitoring and runbook", 40)),
        context=(
            "We publish checkpoints that are tens of gigabytes each. Hosting them on one cloud bucket is fragile "
            "and expensive. Partners have offered storage nodes; we want them in one cluster, so that every "
            "release is available from at least three independent operators."
        ),
        deliverables=(
            "An IPFS Cluster with replication targets across five partners",
            "Import tooling for large checkpoints as CAR files",
            "Periodic CID verification and repair",
            "Monitoring and a runbook",
        ),
        looking_for=(
            "You have run IPFS at multi-terabyte scale",
            "You are comfortable coordinating with several partner operators",
        ),
    ),
    ProjectSpec(
        client="nodeharbor",
        title="Kubernetes operator for Bittensor miners on bare-metal GPUs",
        summary=(
            "A Kubernetes operator that schedules miners on our bare-metal GPU nodes, handles registration, "
            "restarts on deregistration and rolls out new miner versions safely."
        ),
        category="infrastructure",
        required=("kubernetes", "go", "gpu-infrastructure"),
        nice=("bittensor", "validator-ops"),
        token="USDC",
        budget="19000",
        deadline_days=60,
        milestones=(("CRDs and scheduling", 40), ("Registration lifecycle", 35), ("Rollouts and docs", 25)),
        context=(
            "We run miners for clients on 60 bare-metal GPU servers. Scheduling, registration and upgrades are "
            "scripts and spreadsheets. We want a proper operator."
        ),
        deliverables=(
            "CRDs describing miners, subnets and hotkeys",
            "GPU-aware scheduling with the NVIDIA device plugin",
            "Lifecycle handling: registration, deregistration, restarts",
            "Canary rollouts and documentation",
        ),
        looking_for=(
            "You have written Kubernetes operators",
            "You have run GPU workloads on bare metal",
        ),
    ),
    ProjectSpec(
        client="swarmnet",
        title="OpenTelemetry tracing across our decentralized inference network",
        summary=(
            "Trace requests end to end across gateway, router and volunteer workers with OpenTelemetry, and "
            "build dashboards that show where latency comes from."
        ),
        category="infrastructure",
        required=("devops", "go"),
        nice=("kubernetes", "llm-serving"),
        token="USDC",
        budget="8000",
        deadline_days=35,
        milestones=(("Instrumentation", 60), ("Dashboards", 40)),
        context=(
            "When a generation is slow we cannot tell whether the gateway, the router or a volunteer is to "
            "blame. We want traces that follow each request across the network, sampled sensibly so that "
            "volunteers' bandwidth is not spent on telemetry."
        ),
        deliverables=(
            "OpenTelemetry instrumentation of gateway, router and worker",
            "Trace context propagated over our libp2p streams",
            "A collector and dashboards for latency breakdowns",
        ),
        looking_for=(
            "You have instrumented distributed systems with OpenTelemetry",
            "You know how to keep tracing overhead low",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="lexlingua",
        title="Automate Filecoin storage deals for training checkpoints",
        summary=(
            "Archive our training checkpoints to Filecoin automatically after each run, with retrieval tests and "
            "deal renewal."
        ),
        category="infrastructure",
        required=("filecoin", "python"),
        nice=("ipfs",),
        token="USDC",
        budget="5000",
        deadline_days=30,
        milestones=(("Deal automation", 70), ("Retrieval tests", 30)),
        context=(
            "We keep every checkpoint for legal traceability, and cloud storage bills grow every month. We want "
            "cold copies on Filecoin with proof that we can get them back. A typical run leaves twelve checkpoints "
            "of about 16 GB each, and our clients may ask us to reproduce any model we delivered in the last "
            "five years."
        ),
        deliverables=(
            "A post-training hook that packs and stores checkpoints",
            "Deal tracking and renewal",
            "Monthly retrieval tests with alerts",
        ),
        looking_for=(
            "You have automated Filecoin deals",
            "You write small, well-tested Python tools",
        ),
    ),
    ProjectSpec(
        client="subnet-forge",
        title="Reproducible, signed Docker images for our validators",
        summary=(
            "Make our validator images reproducible with pinned dependencies and digests, produce SBOMs, and "
            "sign releases with cosign so operators can verify what they run."
        ),
        category="infrastructure",
        required=("devops", "python"),
        nice=("kubernetes",),
        token="USDC",
        budget="4500",
        deadline_days=25,
        milestones=(("Reproducible builds", 60), ("SBOMs and signing", 40)),
        context=(
            "Operators run our validator image with their keys on the same machine. They deserve to know "
            "exactly what is in it. Today two builds of the same commit produce different images, dependencies "
            "float, and nobody can tell whether an image on Docker Hub matches the code on GitHub."
        ),
        deliverables=(
            "Pinned dependencies and base-image digests",
            "Bit-for-bit reproducible builds in CI",
            "SBOMs and cosign signatures on releases",
            "Verification instructions for operators",
        ),
        looking_for=(
            "You have made builds reproducible before",
            "You know Docker build caching and supply-chain tooling (SBOMs, cosign)",
        ),
    ),
    ProjectSpec(
        client="akashic",
        title="Provision eight H100 servers as an Akash GPU provider",
        summary=(
            "Set up our new H100 servers as an Akash provider: Kubernetes, NVIDIA operator, persistent storage, "
            "pricing script and monitoring."
        ),
        category="infrastructure",
        required=("akash", "kubernetes", "gpu-infrastructure"),
        nice=("devops",),
        token="USDC",
        budget="11000",
        deadline_days=30,
        milestones=(("Cluster and provider", 60), ("Pricing, monitoring and handover", 40)),
        context=(
            "We bought eight H100 servers for our Lisbon data centre. We want them on Akash as soon as possible, "
            "set up the way our São Paulo cluster should have been."
        ),
        deliverables=(
            "A Kubernetes cluster with the NVIDIA GPU operator",
            "The Akash provider with persistent storage and attributes",
            "A pricing script based on GPU model and demand",
            "Monitoring and a handover session",
        ),
        looking_for=(
            "You have set up an Akash provider",
            "You have run GPU servers on bare metal",
        ),
    ),
    ProjectSpec(
        client="interplanetary-chat",
        title="Design our chat interface for slow and unreliable peers",
        summary=(
            "Design the interface of our IPFS-hosted assistant so that slow peers, failovers and local mode "
            "feel understandable, and build it as components."
        ),
        category="infrastructure",
        required=("ui-ux", "typescript"),
        nice=("ipfs",),
        token="USDC",
        budget="7000",
        deadline_days=40,
        milestones=(("Research and designs", 50), ("Components", 50)),
        context=(
            "Our assistant is served by volunteers, and sometimes a reply takes 20 seconds or switches node "
            "mid-answer. Users think it is broken. We want an interface that is honest about what is happening, "
            "without turning every conversation into a network diagnostics screen."
        ),
        deliverables=(
            "Interviews with ten users",
            "Designs for connecting, slow, failover and offline states",
            "React components with tests",
        ),
        looking_for=(
            "You have designed for unreliable networks",
            "You build the components you design, in React and TypeScript",
        ),
    ),
    # --- Research --------------------------------------------------------------------
    ProjectSpec(
        client="quanta-dao",
        title="Survey: verifiable inference with zkML, opML and TEEs compared",
        summary=(
            "Write a clear, referenced survey of how to verify model inference today (zkML, optimistic ML, "
            "TEEs), with costs, trust assumptions and when to use which."
        ),
        category="research",
        required=("zkml", "technical-writing"),
        nice=("tee", "zero-knowledge"),
        token="USDC",
        budget="8000",
        deadline_days=45,
        milestones=(("Outline and sources", 30), ("Draft", 40), ("Final survey", 30)),
        context=(
            "Builders ask us which verification approach to use, and the answers are scattered across papers, "
            "blog posts and marketing. We want one document we can point them to."
        ),
        deliverables=(
            "A survey of 8,000-12,000 words with references",
            "A comparison table of costs, latency and trust assumptions",
            "Decision guidance with worked examples",
        ),
        looking_for=(
            "You understand zkML and TEEs technically",
            "You write clearly for engineers",
        ),
        status="completed",
    ),
    ProjectSpec(
        client="meridian-research",
        title="Sybil resistance for incentivised federated learning",
        summary=(
            "Study how sybil participants can poison or free-ride in incentivised federated learning, and "
            "evaluate defences with experiments on two datasets."
        ),
        category="research",
        required=("federated-learning", "mechanism-design"),
        nice=("differential-privacy", "pytorch"),
        token="USDC",
        budget="18000",
        deadline_days=90,
        milestones=(("Literature and threat model", 30), ("Experiments", 50), ("Paper draft", 20)),
        context=(
            "Several networks pay participants for federated model updates. Paying for updates invites sybils "
            "and free-riders. The literature on robust aggregation rarely considers payments."
        ),
        deliverables=(
            "A threat model of sybil and free-riding strategies under payments",
            "Experiments with robust aggregation and contribution scoring",
            "A draft paper suitable for a workshop",
        ),
        looking_for=(
            "You have research experience in federated learning",
            "You understand incentive design",
        ),
    ),
    ProjectSpec(
        client="meridian-research",
        title="Measuring centralisation in Bittensor weight-setting",
        summary=(
            "Quantify how concentrated validator influence is across subnets, how often validators copy each "
            "other's weights, and how that changed after dTAO."
        ),
        category="research",
        required=("bittensor", "data-engineering", "python"),
        nice=("mechanism-design", "technical-writing"),
        token="WALL",
        budget="160000",
        deadline_days=60,
        milestones=(("Data collection", 35), ("Analysis", 40), ("Report", 25)),
        context=(
            "Claims about Bittensor's decentralisation are rarely backed by data. We want a careful measurement "
            "of validator influence and weight copying over the past year."
        ),
        deliverables=(
            "A dataset of weights and stake per validator and subnet over time",
            "Metrics of concentration and copying with definitions",
            "Before/after analysis around dTAO",
            "A public report",
        ),
        looking_for=(
            "You know Bittensor's internals",
            "You have done careful data analysis before",
        ),
    ),
    ProjectSpec(
        client="quanta-dao",
        title="Calibrating LLM judges used by subnet validators",
        summary=(
            "Measure how well LLM-as-judge scoring used by validators agrees with expert ratings, how easily "
            "miners can game it, and publish a calibration method."
        ),
        category="research",
        required=("model-evaluation", "python"),
        nice=("bittensor", "llm-fine-tuning"),
        token="USDC",
        budget="11500",
        deadline_days=55,
        milestones=(("Expert ratings", 40), ("Analysis and method", 60)),
        context=(
            "Many subnets score miners with an LLM judge. If the judge is biased, emissions reward the bias. We "
            "want to know how bad it is and how to fix it: which biases matter, how quickly miners find them, "
            "and what a validator can do about it without a human in the loop."
        ),
        deliverables=(
            "1,500 expert ratings on outputs from three subnets",
            "Agreement and bias analysis (length, style, position)",
            "A calibration method validators can adopt",
            "A public write-up",
        ),
        looking_for=(
            "You have evaluated LLM judges",
            "You can organise expert raters and measure their agreement",
        ),
    ),
    ProjectSpec(
        client="akashic",
        title="Economic study: decentralized GPU pricing versus hyperscalers",
        summary=(
            "Compare effective prices of GPU compute on Akash, Render and other networks with AWS, GCP and "
            "specialised clouds, including reliability and hidden costs."
        ),
        category="research",
        required=("tokenomics", "data-engineering"),
        nice=("akash", "technical-writing"),
        token="USDC",
        budget="7500",
        deadline_days=40,
        milestones=(("Data collection", 50), ("Report", 50)),
        context=(
            "Everyone says decentralized GPUs are cheaper. Effective cost depends on availability, preemption, "
            "egress and engineering time. We want a fair study we can share with customers, even if some of its "
            "conclusions are inconvenient for us as a provider."
        ),
        deliverables=(
            "Price data over eight weeks from at least six sources",
            "A model of effective cost including failures and engineering time",
            "A public report with method and data",
        ),
        looking_for=(
            "You have done pricing or market analysis",
            "You are comfortable with both cloud billing and token economics",
        ),
    ),
    ProjectSpec(
        client="helix-health",
        title="Differential privacy budget review for our federated analytics",
        summary=(
            "Review how we spend our differential privacy budget across federated analytics queries and "
            "recommend accounting and limits our ethics board can approve."
        ),
        category="research",
        required=("differential-privacy", "federated-learning"),
        nice=("technical-writing",),
        token="USDC",
        budget="9500",
        deadline_days=40,
        milestones=(("Review", 60), ("Recommendations", 40)),
        context=(
            "Beyond model training, our researchers run federated statistics queries. Each query spends privacy "
            "budget, and nobody tracks the total. Our ethics board has asked for a proper accounting."
        ),
        deliverables=(
            "A review of the current queries and mechanisms",
            "A privacy accounting method (RDP or zCDP) across queries",
            "Recommended budgets and a policy for the ethics board",
        ),
        looking_for=(
            "You have applied differential privacy in practice",
            "You can write for an ethics board, not only for engineers",
        ),
    ),
    ProjectSpec(
        client="gridlock-games",
        title="Reinforcement-learning opponents that stay beatable",
        summary=(
            "Train reinforcement-learning agents for our strategy game at several skill levels that feel human, "
            "with a small enough network to prove its moves with zkML later."
        ),
        category="research",
        required=("reinforcement-learning", "pytorch"),
        nice=("zkml",),
        token="WALL",
        budget="210000",
        deadline_days=75,
        milestones=(("Environment and baseline", 30), ("Training at skill levels", 50), ("Playtests", 20)),
        context=(
            "Our current AI opponent is either trivial or unbeatable. We want agents at five skill levels that "
            "make human-like mistakes, and small networks so we can prove their moves."
        ),
        deliverables=(
            "A fast simulation environment of our game",
            "Agents at five skill levels with networks under 100k parameters",
            "Playtests with 30 players and ratings",
        ),
        looking_for=(
            "You have trained RL agents for games",
            "You care about how the opponent feels to play against",
        ),
    ),
)
