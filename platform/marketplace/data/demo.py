"""The demo data plan: who exists, what they posted, who applied, who reviewed whom.

``build_plan()`` is pure and deterministic: it draws from the hand-written pools in
``demo_people``, ``demo_profiles`` and ``demo_projects`` with one fixed
``random.Random`` seed and touches no database. Times are offsets in days before
"now" (or after "today" for deadlines), so the command turns them into dates when
it runs. ``manage.py seed_demo`` writes the plan through the marketplace services.

Stable keys: a user's wallet address is derived from their key
(:func:`demo_address`); a project is identified by its owner and title.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from eth_account import Account
from eth_utils.crypto import keccak

from marketplace.data.demo_people import CLIENTS, MODERATOR_KEY, MODERATOR_NAME, REGIONS, Client, Region
from marketplace.data.demo_profiles import ARCHETYPES, CLOSERS, Archetype, Work
from marketplace.data.demo_projects import PROJECTS, ProjectSpec
from marketplace.data.skills import SKILLS
from wallets.amounts import humanize_units, parse_amount

SEED = 20_240_611
CONTRIBUTOR_COUNT = 200
TOKEN_DECIMALS = {"USDC": 6, "WALL": 18}
SKILL_NAMES = {slug: name for name, slug, _category, _description in SKILLS}

# The longest anyone can credibly claim to have used a skill (years), so that
# "7 years of Bittensor" never appears.
YEARS_CAP = {
    "bittensor": 4,
    "subnet-design": 3,
    "validator-ops": 5,
    "gensyn": 2,
    "ritual": 2,
    "akash": 4,
    "render-network": 4,
    "ocean-protocol": 5,
    "autonolas": 3,
    "fetch-ai": 5,
    "llm-fine-tuning": 3,
    "rag": 3,
    "llm-serving": 3,
    "ai-agents": 3,
    "zkml": 3,
    "model-evaluation": 6,
    "vector-search": 6,
    "zero-knowledge": 7,
    "substrate": 6,
    "solana": 5,
    "cosmos-sdk": 6,
    "the-graph": 5,
    "filecoin": 5,
    "arweave": 5,
    "libp2p": 8,
    "ipfs": 9,
    "tokenomics": 7,
    "solidity": 8,
    "smart-contract-auditing": 7,
    "ethereum": 9,
    "web3-py": 7,
    "oracles": 7,
    "federated-learning": 7,
    "jax": 6,
    "synthetic-data": 6,
}
DEFAULT_YEARS_CAP = 15

# Skills whose names are proper nouns stay capitalised inside a sentence.
# fmt: off
_PROPER_SKILLS = frozenset({
    "bittensor", "gensyn", "ritual", "akash", "render-network", "ocean-protocol", "autonolas", "fetch-ai",
    "pytorch", "jax", "solidity", "rust", "substrate", "solana", "cosmos-sdk", "ethereum", "web3-py", "ipfs",
    "libp2p", "filecoin", "arweave", "kubernetes", "go", "python", "typescript", "the-graph", "devops",
})
# fmt: on

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


# --- plan types -------------------------------------------------------------------


@dataclass(frozen=True)
class UserPlan:
    key: str
    display_name: str
    joined_days_ago: float
    is_staff: bool = False

    @property
    def address(self) -> str:
        return demo_address(self.key)


@dataclass(frozen=True)
class SkillPlan:
    slug: str
    level: int
    years: int


@dataclass(frozen=True)
class ProfilePlan:
    user_key: str
    archetype: str
    headline: str
    bio: str
    skills: tuple[SkillPlan, ...]
    hourly_rate: int | None
    rate_token: str | None
    availability: str
    hours_per_week: int
    timezone: str
    github_handle: str
    portfolio_links: tuple[str, ...]
    created_days_ago: float
    updated_days_ago: float
    past_work: tuple[str, ...]

    @property
    def skill_slugs(self) -> frozenset[str]:
        return frozenset(s.slug for s in self.skills)


@dataclass(frozen=True)
class MilestonePlan:
    title: str
    amount: int
    due_in_days: int


@dataclass(frozen=True)
class ApplicationPlan:
    """``outcome``: submitted, shortlisted, withdrawn, or accepted (the one the owner chooses)."""

    contributor_key: str
    cover_letter: str
    proposed_amount: int
    estimated_days: int
    days_after_publish: float
    outcome: str


@dataclass(frozen=True)
class ReviewPlan:
    """``by_owner``: the client reviews the contributor (else the other way round)."""

    by_owner: bool
    rating: int
    text: str
    days_after_publish: float


@dataclass(frozen=True)
class ProjectPlan:
    owner_key: str
    title: str
    summary: str
    description: str
    category: str
    required_skills: tuple[str, ...]
    nice_to_have_skills: tuple[str, ...]
    token: str
    budget_amount: int
    deadline_in_days: int
    milestones: tuple[MilestonePlan, ...]
    status: str
    published_days_ago: float
    applications: tuple[ApplicationPlan, ...]
    decided_days_after_publish: float | None
    closed_days_after_publish: float | None
    reviews: tuple[ReviewPlan, ...]


@dataclass(frozen=True)
class DemoPlan:
    users: tuple[UserPlan, ...]
    profiles: tuple[ProfilePlan, ...]
    projects: tuple[ProjectPlan, ...]


# --- helpers ----------------------------------------------------------------------


@cache
def demo_address(key: str) -> str:
    """The EIP-55 address of the demo user ``key`` (its private key is keccak of a
    public string: these wallets are for demonstration only)."""
    return str(Account.from_key(keccak(text=f"workwall-demo:{key}")).address)


def first_name(display_name: str) -> str:
    parts = [p for p in display_name.split() if p not in {"Dr.", "Prof."}]
    return parts[0] if parts else display_name


def years_text(years: int) -> str:
    if years == 1:
        return "a year"
    word = _NUMBER_WORDS[years] if years < len(_NUMBER_WORDS) else str(years)
    return f"{word} years"


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name
    written in capitals (IPFS, LoRA, EZKL)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


_TRANSLITERATE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "ı": "i", "ß": "ss"})


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATE))
    return re.sub(r"[^a-z0-9]+", "", folded.encode("ascii", "ignore").decode())


def word_count(text: str) -> int:
    return len(re.findall(r"[\w'’.-]+", text))


def skill_phrase(slug: str) -> str:
    """A skill's name as it reads inside a sentence ("validator operations", "PyTorch")."""
    name = SKILL_NAMES[slug]
    return name if slug in _PROPER_SKILLS else lower_first(name)


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _weighted_counts(weights: list[int], total: int) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    raw = [w * total / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


# --- people -------------------------------------------------------------------------


def _names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, Region]]:
    regions = list(REGIONS)
    weights = [r.weight for r in regions]
    names: list[tuple[str, Region]] = []
    while len(names) < count:
        region = rng.choices(regions, weights=weights)[0]
        name = f"{rng.choice(region.first_names)} {rng.choice(region.last_names)}"
        if name in taken:
            continue
        taken.add(name)
        names.append((name, region))
    return names


def _github_handle(rng: random.Random, name: str, archetype: Archetype, taken: set[str]) -> str:
    parts = [ascii_slug(p) for p in name.split()]
    parts = [p for p in parts if p]
    first, last = parts[0], "".join(parts[1:]) or parts[0]
    suffix = rng.choice(("dev", "ml", "eth", "labs", "codes", "xyz", "io", "ai"))
    candidates = [
        f"{first}{last}",
        f"{first}-{last}",
        f"{first[0]}{last}",
        f"{last}{first[0]}",
        f"{first}-{suffix}",
        f"{first}{last[:3]}-{archetype.key.split('-')[0]}",
    ]
    rng.shuffle(candidates)
    for candidate in [*candidates, *(f"{first}{last}{n}" for n in range(2, 100))]:
        handle = candidate[:39].strip("-")
        if handle not in taken:
            taken.add(handle)
            return handle
    raise AssertionError("no free GitHub handle")  # pragma: no cover - 100 numbered fallbacks


_TOOLS_SENTENCES = (
    "Day to day I work with {skills}.",
    "My everyday tools are {skills}.",
    "Most of my work involves {skills}.",
    "The skills I lean on most: {skills}.",
    "",
)


def _seniority(rng: random.Random) -> str:
    return rng.choices(("junior", "mid", "senior"), weights=(25, 45, 30))[0]


_SENIORITY_YEARS = {"junior": (1, 2), "mid": (2, 5), "senior": (4, 10)}
_SENIORITY_LEVELS = {"junior": (2, 3), "mid": (3, 4), "senior": (4, 5)}
_SENIORITY_RATE = {"junior": (0.0, 0.45), "mid": (0.3, 0.75), "senior": (0.6, 1.0)}


def _skill_plan(rng: random.Random, slug: str, seniority: str, *, primary: bool, secondary: bool) -> SkillPlan:
    low, high = _SENIORITY_LEVELS[seniority]
    level = high if primary else rng.randint(low, high)
    if secondary:
        level = max(1, level - rng.randint(1, 2))
    y_low, y_high = _SENIORITY_YEARS[seniority]
    years = rng.randint(y_low, y_high)
    if secondary:
        years = max(1, years - rng.randint(0, 2))
    return SkillPlan(slug=slug, level=level, years=min(years, YEARS_CAP.get(slug, DEFAULT_YEARS_CAP)))


def _profile(
    rng: random.Random,
    *,
    key: str,
    name: str,
    region: Region,
    archetype: Archetype,
    used_combos: set[tuple[object, ...]],
    handles: set[str],
) -> ProfilePlan:
    seniority = _seniority(rng)
    # Distinct bios within an archetype: never the same intro, work, approach and closer
    # twice; and a length that reads like a real profile (60-150 words).
    while True:
        intro = rng.randrange(len(archetype.intros))
        n_works = 3 if rng.random() < 0.35 and len(archetype.work) >= 4 else 2
        works = tuple(sorted(rng.sample(range(len(archetype.work)), n_works)))
        approach = rng.randrange(len(archetype.approach))
        closer = rng.randrange(len(CLOSERS))
        tools = rng.randrange(len(_TOOLS_SENTENCES))
        combo = (archetype.key, intro, works, approach, closer)
        if combo in used_combos:
            continue
        chosen_work: list[Work] = [archetype.work[i] for i in works]
        rng.shuffle(chosen_work)

        skills: list[SkillPlan] = []
        for index, slug in enumerate(archetype.core):
            skills.append(_skill_plan(rng, slug, seniority, primary=index == 0, secondary=False))
        extra = [s for w in chosen_work for s in w.skills]
        optional_pool = [s for s in archetype.optional if s not in extra]
        extra += rng.sample(optional_pool, k=min(len(optional_pool), rng.choice((0, 1, 1, 2, 2, 3))))
        for slug in extra:
            if slug not in {s.slug for s in skills}:
                skills.append(_skill_plan(rng, slug, seniority, primary=False, secondary=True))

        by_level = sorted(skills, key=lambda s: -s.level)[:4]
        bio = " ".join(
            sentence
            for sentence in (
                archetype.intros[intro].format(years=years_text(skills[0].years)),
                *(w.text for w in chosen_work),
                _TOOLS_SENTENCES[tools].format(skills=join_words([skill_phrase(s.slug) for s in by_level])),
                archetype.approach[approach],
                CLOSERS[closer],
            )
            if sentence
        )
        if 60 <= word_count(bio) <= 150:
            used_combos.add(combo)
            break

    lo, hi = archetype.rate_usdc
    f_lo, f_hi = _SENIORITY_RATE[seniority]
    usdc_rate = _round_to(lo + (hi - lo) * rng.uniform(f_lo, f_hi), 5)
    rate_kind = rng.choices(("USDC", "WALL", None), weights=(82, 13, 5))[0]
    if rate_kind == "USDC":
        hourly_rate: int | None = parse_amount(str(usdc_rate), TOKEN_DECIMALS["USDC"])
    elif rate_kind == "WALL":
        hourly_rate = parse_amount(str(_round_to(usdc_rate * 25, 50)), TOKEN_DECIMALS["WALL"])
    else:
        hourly_rate = None

    availability = rng.choices(("available", "limited", "unavailable"), weights=(62, 26, 12))[0]
    hours = {
        "available": rng.choice((20, 25, 30, 35, 40, 40)),
        "limited": rng.choice((5, 8, 10, 12, 15)),
        "unavailable": rng.choice((0, 0, 5)),
    }[availability]

    handle = _github_handle(rng, name, archetype, handles)
    repos = rng.sample(archetype.repos, k=min(len(archetype.repos), rng.choice((0, 1, 1, 2, 2, 3))))
    created = rng.uniform(60, 420)
    return ProfilePlan(
        user_key=key,
        archetype=archetype.key,
        headline=rng.choice(archetype.headlines),
        bio=bio,
        skills=tuple(skills),
        hourly_rate=hourly_rate,
        rate_token=rate_kind,
        availability=availability,
        hours_per_week=hours,
        timezone=rng.choice(region.timezones),
        github_handle=handle,
        portfolio_links=tuple(f"https://github.com/{handle}/{repo}" for repo in repos),
        created_days_ago=created,
        updated_days_ago=rng.uniform(0.5, 59),
        past_work=tuple(w.text for w in chosen_work),
    )


# --- project descriptions -------------------------------------------------------------

_CONTEXT_HEADINGS = ("Background", "Context", "Where we are", "The problem")
_DELIVERABLE_HEADINGS = ("Deliverables", "What you will deliver", "Scope", "What we need")
_LOOKING_HEADINGS = ("About you", "You bring", "Who we are looking for", "Requirements")
_MILESTONE_HEADINGS = ("Milestones", "Milestones and budget", "Plan and payments")
_ABOUT_HEADINGS = ("About us", "How we work", "Working with us", "Logistics")
_WORKING_STYLE = (
    "We pay per milestone in {token} and review each delivery within three working days.",
    "We work in English, mostly async, with one 30-minute call a week.",
    "You will work with our CTO and one in-house engineer, who will review your pull requests.",
    "Everything you build will be open source under Apache-2.0, and we are happy for you to write about it.",
    "We are a small team across three time zones; written updates matter more to us than meetings.",
    "Milestones are paid in {token} through WorkWall escrow as soon as we approve them.",
    "Tell us in your application which part you would do first and why.",
    "We expect to extend the engagement if the first milestones go well.",
)


def _description(rng: random.Random, spec: ProjectSpec, client: Client, milestones: tuple[MilestonePlan, ...]) -> str:
    def bullets(items: tuple[str, ...]) -> str:
        return "\n".join(f"- {item}" for item in items)

    decimals = TOKEN_DECIMALS[spec.token]
    plan = "\n".join(
        f"{n}. **{m.title}**: {humanize_units(m.amount, decimals)} {spec.token}, due in about {_weeks(m.due_in_days)}"
        for n, m in enumerate(milestones, start=1)
    )
    style = rng.choice(_WORKING_STYLE).format(token=spec.token)
    return (
        f"## {rng.choice(_CONTEXT_HEADINGS)}\n\n{spec.context}\n\n"
        f"## {rng.choice(_DELIVERABLE_HEADINGS)}\n\n{bullets(spec.deliverables)}\n\n"
        f"## {rng.choice(_LOOKING_HEADINGS)}\n\n{bullets(spec.looking_for)}\n\n"
        f"## {rng.choice(_MILESTONE_HEADINGS)}\n\n{plan}\n\n"
        f"## {rng.choice(_ABOUT_HEADINGS)}\n\n{client.about} {style}\n"
    )


def _weeks(days: int) -> str:
    weeks = max(1, round(days / 7))
    if weeks == 1:
        return "one week"
    return f"{_NUMBER_WORDS[weeks] if weeks < len(_NUMBER_WORDS) else weeks} weeks"


def _milestones(spec: ProjectSpec, budget: int) -> tuple[MilestonePlan, ...]:
    plans: list[MilestonePlan] = []
    cumulative = 0
    for title, percent in spec.milestones:
        cumulative += percent
        plans.append(
            MilestonePlan(
                title=title,
                amount=budget * percent // 100,
                due_in_days=max(7, spec.deadline_days * cumulative // 100),
            )
        )
    return tuple(plans)


# --- applications and reviews -----------------------------------------------------------

_OPENINGS = (
    "Hi {owner}, I read your post “{title}” and it is very close to work I have done recently.",
    "Hello {owner}! “{title}” is exactly the kind of project I look for.",
    "Hi {owner}, I would like to take on “{title}”.",
    "Dear {owner}, I am applying for “{title}”.",
    "Hi {owner} — your brief is unusually clear, thank you. I would like to help with “{title}”.",
    "Hello {owner}, this project lines up with what I have been doing for the past year.",
)
_EVIDENCE = (
    "Most relevant to you: {work}",
    "{work}",
    "A recent example: {work}",
    "Relevant experience: {work}",
)
_PLANS = (
    "I would start with “{milestone}” and can have it ready for review in about {first_days} days.",
    "My plan is to deliver “{deliverable}” first, then follow your milestones in order.",
    "For “{milestone}” I would first write a short design note so we agree on the approach before I build.",
    "I would begin with “{deliverable}”, because everything else depends on it.",
)
_SKILL_LINES = (
    "I work with {skills} every day.",
    "My strongest skills here are {skills}.",
    "You listed {skills}; those are the core of my work.",
)
_QUESTIONS = (
    "One question up front: is there a staging environment I can use from day one?",
    "Could you share what you have tried so far and what did not work?",
    "Who will review the milestones on your side?",
    "Is the deadline firm, or is there room if we find the scope needs to grow?",
    "Do you have an existing repository, or should I start a new one?",
    "",
    "",
)
_CLOSINGS = (
    "Happy to jump on a call this week.",
    "Thanks for reading,\n{me}",
    "Looking forward to hearing from you.\n\n{me}",
    "I can start on Monday.",
    "Best,\n{me}",
)

_CLIENT_REVIEWS = (
    (5, "{me} delivered {milestone} ahead of schedule and documented everything. Would hire again without hesitation."),
    (5, "Clear weekly updates, no surprises, and excellent {skill} work. {me} understood our problem quickly."),
    (5, "Outstanding. {me} pushed back on parts of our brief for good reasons, and the result is better for it."),
    (4, "Solid work on {milestone}. The last milestone slipped by a few days, but {me} told us early."),
    (4, "Good {skill} skills and a pleasant collaboration. Documentation could have been a little more detailed."),
    (5, "{me} was a pleasure to work with: careful, fast and honest about trade-offs. The handover was exemplary."),
    (3, "The result works, but we needed more back-and-forth than expected on {milestone}."),
)
_CONTRIBUTOR_REVIEWS = (
    (5, "{owner} wrote a precise brief and answered questions within hours. Payments were on time."),
    (5, "Great client: clear acceptance criteria for each milestone and fast reviews."),
    (4, "The scope shifted a little mid-way, but {owner} was fair about adjusting it."),
    (5, "Well-organised team that knows what it wants. I would gladly work with {owner} again."),
    (4, "Good project and friendly people. Reviews sometimes took a few days longer than agreed."),
)


def _cover_letter(
    rng: random.Random, spec: ProjectSpec, client: Client, profile: ProfilePlan, me: str, days: int
) -> str:
    matched = [skill_phrase(s) for s in spec.required + spec.nice if s in profile.skill_slugs][:3]
    skills_text = join_words(matched) if matched else skill_phrase(profile.skills[0].slug)
    milestone = spec.milestones[0][0]
    parts = [
        rng.choice(_OPENINGS).format(owner=first_name(client.display_name), title=spec.title),
        rng.choice(_EVIDENCE).format(work=rng.choice(profile.past_work)),
        rng.choice(_SKILL_LINES).format(skills=skills_text),
        rng.choice(_PLANS).format(
            milestone=milestone,
            first_days=max(3, days * spec.milestones[0][1] // 100),
            deliverable=rng.choice(spec.deliverables),
        ),
        rng.choice(_QUESTIONS),
    ]
    body = " ".join(p for p in parts if p)
    return f"{body}\n\n{rng.choice(_CLOSINGS).format(me=me)}"


def _pick_applicants(
    rng: random.Random,
    spec: ProjectSpec,
    count: int,
    profiles: list[ProfilePlan],
    load: dict[str, int],
    owner_key: str,
) -> list[ProfilePlan]:
    """The ``count`` contributors most likely to apply: the best skill matches, with
    some randomness, skipping the unavailable and people who already applied a lot."""
    required, nice = set(spec.required), set(spec.nice)
    scored: list[tuple[float, ProfilePlan]] = []
    for profile in profiles:
        if profile.user_key == owner_key or profile.availability == "unavailable" or load[profile.user_key] >= 5:
            continue
        skills = profile.skill_slugs
        covered = len(required & skills)
        if covered == 0:
            continue
        score = 3 * covered / len(required) + 0.5 * len(nice & skills) + rng.random()
        scored.append((score, profile))
    scored.sort(key=lambda item: (-item[0], item[1].user_key))
    pool = [p for _, p in scored[: max(count * 2, 8)]]
    chosen = rng.sample(pool, k=min(count, len(pool)))
    # Best match first: for projects that went ahead, the owner accepts the first.
    chosen.sort(key=lambda p: -len(required & p.skill_slugs) - 0.5 * len(nice & p.skill_slugs))
    return chosen


def _bid(rng: random.Random, spec: ProjectSpec, budget: int) -> int:
    step = 50 if spec.token == "USDC" else 1000
    budget_tokens = int(spec.budget)
    tokens = _round_to(budget_tokens * rng.uniform(0.78, 1.04), step)
    return min(parse_amount(str(tokens), TOKEN_DECIMALS[spec.token]), budget * 104 // 100)


_AGE_DAYS = {
    "open": (0.5, 45),
    "in_progress": (22, 50),
    "completed": (42, 60),
    "cancelled": (20, 55),
    "draft": (0.5, 20),
}
_APPLICANTS = {
    "open": (0, 1, 2, 2, 3, 3, 4, 4, 5, 6),
    "in_progress": (2, 3, 3, 4, 5),
    "completed": (2, 3, 3, 4),
    "cancelled": (1, 2, 3),
    "draft": (0,),
}


def _project_plan(
    rng: random.Random,
    spec: ProjectSpec,
    client: Client,
    profiles: list[ProfilePlan],
    names: dict[str, str],
    load: dict[str, int],
) -> ProjectPlan:
    budget = parse_amount(spec.budget, TOKEN_DECIMALS[spec.token])
    milestones = _milestones(spec, budget)
    age = rng.uniform(*_AGE_DAYS[spec.status])
    count = rng.choice(_APPLICANTS[spec.status])
    applicants = _pick_applicants(rng, spec, count, profiles, load, client.key)

    # Applications arrive over the first days after publishing, and always in the past.
    window = max(0.2, min(age * 0.6, 12.0))
    offsets = sorted(rng.uniform(0.05, window) for _ in applicants)
    went_ahead = spec.status in ("in_progress", "completed")
    applications: list[ApplicationPlan] = []
    for index, (profile, offset) in enumerate(zip(applicants, offsets, strict=True)):
        load[profile.user_key] += 1
        days = max(7, int(spec.deadline_days * rng.uniform(0.55, 0.95)))
        if went_ahead and index == 0:
            outcome = "accepted"
        elif spec.status == "open":
            outcome = rng.choices(("submitted", "shortlisted", "withdrawn"), weights=(72, 22, 6))[0]
        else:
            outcome = rng.choices(("submitted", "shortlisted"), weights=(80, 20))[0]
        applications.append(
            ApplicationPlan(
                contributor_key=profile.user_key,
                cover_letter=_cover_letter(rng, spec, client, profile, first_name(names[profile.user_key]), days),
                proposed_amount=_bid(rng, spec, budget),
                estimated_days=days,
                days_after_publish=offset,
                outcome=outcome,
            )
        )

    last_application = offsets[-1] if offsets else 0.0
    decided = closed = None
    if went_ahead and applications:
        decided = min(age - 0.5, last_application + rng.uniform(0.5, 3))
    if spec.status == "completed" and decided is not None:
        closed = min(age - 1.5, decided + rng.uniform(18, 35))
    if spec.status == "cancelled":
        closed = min(age - 0.2, last_application + rng.uniform(2, 6))

    reviews: list[ReviewPlan] = []
    if spec.status == "completed" and applications and closed is not None:
        contributor = applications[0].contributor_key
        contributor_skills = _profile_by_key(profiles, contributor).skill_slugs
        skill = next((SKILL_NAMES[s] for s in spec.required if s in contributor_skills), SKILL_NAMES[spec.required[0]])
        rating, template = rng.choice(_CLIENT_REVIEWS)
        reviews.append(
            ReviewPlan(
                by_owner=True,
                rating=rating,
                text=template.format(
                    me=first_name(names[contributor]),
                    milestone=f"“{spec.milestones[-1][0]}”",
                    skill=skill,
                ),
                days_after_publish=min(age - 0.1, closed + rng.uniform(0.2, 1.2)),
            )
        )
        rating, template = rng.choice(_CONTRIBUTOR_REVIEWS)
        reviews.append(
            ReviewPlan(
                by_owner=False,
                rating=rating,
                text=template.format(owner=first_name(client.display_name)),
                days_after_publish=min(age - 0.05, closed + rng.uniform(0.5, 1.4)),
            )
        )

    return ProjectPlan(
        owner_key=client.key,
        title=spec.title,
        summary=spec.summary,
        description=_description(rng, spec, client, milestones),
        category=spec.category,
        required_skills=spec.required,
        nice_to_have_skills=spec.nice,
        token=spec.token,
        budget_amount=budget,
        deadline_in_days=spec.deadline_days,
        milestones=milestones,
        status=spec.status,
        published_days_ago=age,
        applications=tuple(applications),
        decided_days_after_publish=decided,
        closed_days_after_publish=closed,
        reviews=tuple(reviews),
    )


def _profile_by_key(profiles: list[ProfilePlan], key: str) -> ProfilePlan:
    return next(p for p in profiles if p.user_key == key)


# --- the plan ---------------------------------------------------------------------------


def build_plan() -> DemoPlan:
    """The whole demo data set, deterministically (same output on every call)."""
    rng = random.Random(SEED)  # noqa: S311 - demo content, not cryptography
    clients = {c.key: c for c in CLIENTS}
    users: list[UserPlan] = [UserPlan(MODERATOR_KEY, MODERATOR_NAME, joined_days_ago=540, is_staff=True)]
    users += [UserPlan(c.key, c.display_name, joined_days_ago=rng.uniform(70, 500)) for c in CLIENTS]

    taken = {MODERATOR_NAME, *(c.display_name for c in CLIENTS)}
    people = _names(rng, CONTRIBUTOR_COUNT, taken)
    counts = _weighted_counts([a.weight for a in ARCHETYPES], CONTRIBUTOR_COUNT)
    archetypes = [a for a, n in zip(ARCHETYPES, counts, strict=True) for _ in range(n)]
    rng.shuffle(archetypes)

    profiles: list[ProfilePlan] = []
    used_combos: set[tuple[object, ...]] = set()
    handles: set[str] = set()
    names: dict[str, str] = {}
    for (name, region), archetype in zip(people, archetypes, strict=True):
        # The key is the name: stable as long as the name pools are.
        key = f"contributor:{name}"
        names[key] = name
        profile = _profile(
            rng, key=key, name=name, region=region, archetype=archetype, used_combos=used_combos, handles=handles
        )
        profiles.append(profile)
        users.append(UserPlan(key, name, joined_days_ago=profile.created_days_ago + rng.uniform(0.01, 2)))

    load = {p.user_key: 0 for p in profiles}
    projects = [_project_plan(rng, spec, clients[spec.client], profiles, names, load) for spec in PROJECTS]
    return DemoPlan(users=tuple(users), profiles=tuple(profiles), projects=tuple(projects))
