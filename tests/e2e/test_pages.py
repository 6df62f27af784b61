"""Every main page in a real browser, at desktop and phone widths: a full-page
screenshot in var/screenshots/, an axe-core accessibility check with no serious or
critical violation, nothing wider than a 360 px phone, and no script error, console
error or Content-Security-Policy violation. Then the keyboard: a skip link first,
a visible focus indicator on every stop, and the main nav and forms used without
a mouse.

The pages show a small but realistic marketplace, built with the factories and the
real services: open, in-progress and completed projects, contributor profiles with
skills, applications, milestones at every stage of escrow, a withdrawal, reviews, a
dispute and the notifications all of this sent.

One marketplace, one server and one browser serve the whole module (``site``):
building them for each of the ~30 pages, as a ``django_db(transaction=True)`` test
would, made the module two to three times slower. So ``site`` commits the
marketplace once, after putting the database in the state a
``serialized_rollback`` test starts from, and restores that state after the
module; the tests themselves are plain ``django_db`` tests whose own writes (a
sign-in) roll back. The site runs under uvicorn, as conftest's ``asgi_server``
runs it (a signed-in page opens the notifications websocket, and a refused
websocket is a console error), but once for the module.

axe-core comes from npm (tests/e2e/package.json, installed by ``make test``).
Without npm the accessibility part skips, saying so; the other checks still run.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from marketplace import services
from marketplace.models import Application, ContributorProfile, Milestone, Project, Skill
from marketplace.services import MilestoneInput, SkillInput
from notifications.models import Notification
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    flush_channel_layers,
    free_listener,
    private_channel_layers,
    shared_sqlite_connection,
    sign_in,
    uvicorn_serving,
)
from tests.factories import UserFactory, token
from wallets import escrow, payouts
from wallets.models import Dispute

pytestmark = [
    pytest.mark.e2e,
    # Not transactional: the pages only read the marketplace ``site`` committed for
    # the module. serialized_rollback has the test database keep a copy of the
    # migrated data, which ``site`` restores before and after the module.
    pytest.mark.django_db(serialized_rollback=True),
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}
BLOCKING_IMPACTS = ("serious", "critical")

# Records CSP violations the page reports (they are also console errors in Chromium,
# but the event names the directive and the blocked resource).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


# --- the marketplace the pages show ---------------------------------------------------


def usdc(units: float) -> int:
    return int(units * 10**6)


@dataclass
class World:
    alice: User  # client: an open project, a project in progress with Bob, a completed one
    bob: User  # contributor hired by Alice, paid for one milestone, withdrew part of it
    carol: User  # contributor: applied to Alice's open project, hired by Dave
    dave: User  # client: a project in progress with Carol, in dispute
    erin: User  # a brand-new account
    mallory: User  # signed in, owns nothing
    moderator: User  # staff: arbitrates disputes
    open_project: Project
    busy_project: Project
    done_project: Project
    carol_application: Application
    bob_profile: ContributorProfile
    unfunded: Milestone
    dispute: Dispute


def _skills(*slugs: str) -> list[Skill]:
    found = {s.slug: s for s in Skill.objects.filter(slug__in=slugs)}
    return [found[slug] for slug in slugs]


def _profile(user: User, headline: str, bio: str, skills: list[tuple[str, int, int]], **kwargs: Any) -> None:
    """A profile through the service (so it is embedded for matching); ``skills``
    are (slug, level 1-5, years)."""
    by_slug = {s.slug: s for s in _skills(*(slug for slug, _, _ in skills))}
    services.profile_upsert(
        user=user,
        headline=headline,
        bio=bio,
        skills=[SkillInput(skill=by_slug[slug], level=level, years=years) for slug, level, years in skills],
        hourly_rate=usdc(kwargs.pop("rate", 90)),
        rate_token=token("USDC"),
        portfolio_links=kwargs.pop("links", ()),
        **kwargs,
    )


def _hire(project: Project, contributor: User, letter: str, amount: int) -> Application:
    application = services.application_submit(
        project=project, contributor=contributor, cover_letter=letter, proposed_amount=amount, estimated_days=30
    )
    return services.application_accept(application=application, actor=project.owner)


def build_world() -> World:
    usdc_token = token("USDC")
    alice = UserFactory(persona="pages-alice", display_name="Alice Nakamoto")
    bob = UserFactory(persona="pages-bob", display_name="Bob Builder")
    carol = UserFactory(persona="pages-carol", display_name="Carol Okafor")
    dave = UserFactory(persona="pages-dave", display_name="Dave Lindqvist")
    erin = UserFactory(persona="pages-erin", display_name="")
    mallory = UserFactory(persona="pages-mallory", display_name="Mallory")
    moderator = UserFactory(persona="pages-moderator", display_name="Mo Derator", is_staff=True)

    _profile(
        bob,
        "ML engineer running Bittensor validators",
        "I train and serve PyTorch models and have run validators on two subnets since 2023. "
        "I care about monitoring, reproducible scoring and clear write-ups.",
        [("bittensor", 5, 3), ("validator-ops", 4, 2), ("pytorch", 4, 5), ("mlops", 3, 2)],
        rate=95,
        hours_per_week=30,
        timezone_name="Europe/Berlin",
        links=["https://github.com/bob-builds/subnet-scoring"],
        github_handle="bob-builds",
    )
    _profile(
        carol,
        "ZK-ML researcher: proofs of inference with ezkl and Halo2",
        "PhD in applied cryptography. I turn ONNX models into circuits and keep proving times low.",
        [("zkml", 5, 4), ("zero-knowledge", 5, 6), ("rust", 4, 5), ("pytorch", 3, 3)],
        rate=140,
        hours_per_week=20,
        timezone_name="Africa/Lagos",
    )

    # Two more contributors, who have not applied: Alice's recommendations.
    for persona, name, headline, skills in [
        (
            "pages-dana",
            "Dana Ferreira",
            "Federated learning for hospitals, with differential privacy",
            [("federated-learning", 5, 4), ("differential-privacy", 4, 3), ("pytorch", 4, 6)],
        ),
        (
            "pages-hiro",
            "Hiro Tanaka",
            "MLOps engineer: training pipelines that do not fall over",
            [("mlops", 5, 7), ("pytorch", 4, 5), ("federated-learning", 2, 1)],
        ),
    ]:
        _profile(UserFactory(persona=persona, display_name=name), headline, "", skills, rate=110)

    # Alice's open project: milestones planned, two applicants.
    open_project = services.project_create(
        owner=alice,
        title="Federated fine-tuning across three hospitals",
        summary="Fine-tune a clinical language model with federated learning; no patient data leaves a site.",
        description="We need a **Flower** set-up with secure aggregation and differential privacy.\n\n"
        "- three sites, one GPU each\n- weekly rounds\n- a report on the privacy budget",
        category=Project.Category.TRAINING,
        budget_amount=usdc(12_000),
        budget_token=usdc_token,
        required_skills=_skills("federated-learning", "pytorch", "differential-privacy"),
        nice_to_have_skills=_skills("mlops"),
        deadline=timezone.localdate() + timedelta(days=90),
        milestones=[
            MilestoneInput(title="Pilot with one site", amount=usdc(3_000), description="One site, synthetic data."),
            MilestoneInput(title="All three sites", amount=usdc(6_000)),
            MilestoneInput(title="Privacy report", amount=usdc(3_000)),
        ],
    )
    carol_application = services.application_submit(
        project=open_project,
        contributor=carol,
        cover_letter="I built secure aggregation for a federated study across four clinics last year.\n\n"
        "I would start with the privacy budget and a threat model.",
        proposed_amount=usdc(11_500),
        estimated_days=75,
    )
    services.application_shortlist(application=carol_application, actor=alice)
    services.application_submit(
        project=open_project,
        contributor=bob,
        cover_letter="I can run the training side; I would pair with a privacy specialist.",
        proposed_amount=usdc(10_000),
        estimated_days=90,
    )

    # Alice's project in progress with Bob: a milestone paid, one in review, one
    # sent back with changes requested, one not funded yet.
    busy_project = services.project_create(
        owner=alice,
        title="Subnet validator with transparent scoring",
        summary="Run and harden a validator for a text-generation subnet, with public scoring reports.",
        description="Scoring must be reproducible from the published logs.",
        category=Project.Category.SUBNETS,
        budget_amount=usdc(5_000),
        budget_token=usdc_token,
        required_skills=_skills("bittensor", "validator-ops"),
        milestones=[
            MilestoneInput(title="Prototype", amount=usdc(1_000)),
            MilestoneInput(title="Scoring reports", amount=usdc(1_500)),
            MilestoneInput(title="Monitoring", amount=usdc(500)),
            MilestoneInput(title="Mainnet launch", amount=usdc(2_000)),
        ],
    )
    _hire(busy_project, bob, "I run validators on two subnets today.", usdc(5_000))
    payouts.faucet(user=alice, token=usdc_token, amount=usdc(10_000))
    paid, in_review, changes, unfunded = busy_project.milestones.order_by("order")
    for milestone in (paid, in_review, changes):
        escrow.milestone_fund(milestone=milestone, actor=alice)
        escrow.milestone_submit(
            milestone=milestone,
            actor=bob,
            note=f"“{milestone.title}” is done: code, tests and a short write-up are in the repository.",
            links=["https://github.com/bob-builds/subnet-scoring/pull/12"],
        )
    escrow.milestone_approve(milestone=paid, actor=alice, note="Clean work, thank you.")
    escrow.milestone_request_changes(
        milestone=changes, actor=alice, feedback="Please add an alert when the validator falls behind."
    )
    payouts.withdrawal_request(user=bob, token=usdc_token, amount=usdc(400), to_address=bob.address)

    # Dave's project with Carol, in dispute; and one completed with Bob, reviewed.
    payouts.faucet(user=dave, token=usdc_token, amount=usdc(10_000))
    zk_project = services.project_create(
        owner=dave,
        title="ZK proof of inference for a credit model",
        summary="Prove that a published model produced each score, without revealing the inputs.",
        description="ezkl or Halo2; proofs under a minute on a laptop.",
        category=Project.Category.ZKML,
        budget_amount=usdc(6_000),
        budget_token=usdc_token,
        required_skills=_skills("zkml", "zero-knowledge"),
        milestones=[MilestoneInput(title="Circuit for the model", amount=usdc(6_000))],
    )
    _hire(zk_project, carol, "I have shipped ezkl circuits for two lenders.", usdc(6_000))
    (circuit,) = zk_project.milestones.all()
    escrow.milestone_fund(milestone=circuit, actor=dave)
    escrow.milestone_submit(milestone=circuit, actor=carol, note="The circuit and its benchmarks.")
    dispute = escrow.milestone_dispute(
        milestone=circuit, actor=dave, reason="Proving takes eleven minutes, not under one as agreed."
    )

    # An open project Bob has not applied to: his "projects for you".
    services.project_create(
        owner=dave,
        title="Monitoring for a Bittensor miner fleet",
        summary="Dashboards and alerts for forty miners across three subnets.",
        description="Prometheus and Grafana preferred; alerts to a Matrix room.",
        category=Project.Category.SUBNETS,
        budget_amount=usdc(3_000),
        budget_token=usdc_token,
        required_skills=_skills("bittensor", "mlops"),
        deadline=timezone.localdate() + timedelta(days=45),
    )

    done_project = services.project_create(
        owner=dave,
        title="Chatbot served over IPFS",
        summary="A small assistant whose model and front end are pinned on IPFS.",
        description="Static front end, model weights on IPFS, inference in the browser.",
        category=Project.Category.INFERENCE,
        budget_amount=usdc(2_500),
        budget_token=usdc_token,
        required_skills=_skills("ipfs", "llm-serving"),
        milestones=[MilestoneInput(title="Everything", amount=usdc(2_500))],
    )
    _hire(done_project, bob, "I pin my own models on IPFS already.", usdc(2_500))
    (everything,) = done_project.milestones.all()
    escrow.milestone_fund(milestone=everything, actor=dave)
    escrow.milestone_submit(milestone=everything, actor=bob, note="Live at the gateway link.")
    escrow.milestone_approve(milestone=everything, actor=dave)
    services.project_complete(project=done_project, actor=dave)
    services.review_create(project=done_project, author=dave, rating=5, text="Fast, careful and well documented.")
    services.review_create(project=done_project, author=bob, rating=4, text="Clear brief, quick payments.")

    # Older notifications read, the newest few unread: the page shows both.
    for notification in Notification.objects.order_by("-created_at", "-id")[6:]:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])

    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        erin=erin,
        mallory=mallory,
        moderator=moderator,
        open_project=open_project,
        busy_project=busy_project,
        done_project=done_project,
        carol_application=carol_application,
        bob_profile=ContributorProfile.objects.get(user=bob),
        unfunded=unfunded,
        dispute=dispute,
    )


# --- one site for the module ----------------------------------------------------------


def restore_migrated_data() -> None:
    """Empty every table, then load what the migrations created (tokens, skills):
    what a ``serialized_rollback`` test does around itself."""
    connection = connections[DEFAULT_DB_ALIAS]
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database=DEFAULT_DB_ALIAS,
        inhibit_post_migrate=True,
        reset_sequences=False,  # the restored rows keep their ids: a sequence back at 1 would collide with them
    )
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@contextlib.contextmanager
def module_database(django_db_blocker: Any) -> Iterator[None]:
    """The database for the module's marketplace: from the migrated data at the
    start (a transactional test may have flushed it), and back to it at the end,
    for the tests that come after."""
    with django_db_blocker.unblock():
        restore_migrated_data()
        try:
            yield
        finally:
            restore_migrated_data()


@dataclass
class Site:
    url: str
    browser: Any
    world: World
    contexts: dict[str | None, Any] = field(default_factory=dict)

    def sign_in_everyone(self, viewers: set[str | None]) -> None:
        """A browser context per viewer (a World attribute; None: anonymous), kept
        for the module so that cached assets carry over from page to page. Their
        sessions are made here, committed, since a test's own writes roll back."""
        for viewer in viewers:
            context = self.browser.new_context(viewport=VIEWPORTS["desktop"])
            if viewer is not None:
                sign_in(context, getattr(self.world, viewer), self.url)
            context.add_init_script(CSP_LISTENER)
            self.contexts[viewer] = context


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The marketplace (``build_world``), served by uvicorn, and a Chromium: one of
    each for the module. Teardown runs in the reverse order: browser, server,
    settings, database."""
    from playwright.sync_api import sync_playwright

    listener, url = free_listener()
    origin = urlparse(url)
    layers, redis_prefixes = private_channel_layers("pages")
    with contextlib.ExitStack() as stack:
        stack.callback(listener.close)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        # Playwright's sync API keeps an event loop in this thread for the module.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        stack.enter_context(
            override_settings(
                SITE_DOMAIN=origin.netloc,
                SITE_SCHEME=origin.scheme,
                CSRF_TRUSTED_ORIGINS=[url],
                MATCHING_EMBEDDER="hashing",  # what tests/conftest.py sets for each test
                MATCHING_INDEX_DIR=str(tmp_path_factory.mktemp("pages-index")),
                MATCHING_WARM_UP=False,  # config.asgi would load the embedding model at import
                CHANNEL_LAYERS=layers,
            )
        )
        stack.enter_context(module_database(django_db_blocker))
        cache.clear()
        world = build_world()
        stack.enter_context(shared_sqlite_connection())
        stack.enter_context(uvicorn_serving(listener, name="uvicorn-pages"))
        stack.callback(flush_channel_layers, redis_prefixes)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        # While Playwright's loop runs in this thread, Django keeps a second set of
        # connections for it (thread-critical locals follow the running loop); they
        # are closed before the loop goes, or PostgreSQL could not drop the test database.
        stack.callback(connections.close_all)
        site = Site(url=url, browser=browser, world=world)
        site.sign_in_everyone({case.viewer for case in PAGES})
        yield site


# --- the pages ------------------------------------------------------------------------


def submit_an_invalid_project(page: Any, world: World) -> None:
    """A title only, a budget that is not a number, a deadline in the past: the form
    comes back with its errors."""
    page.locator("#id_title").fill("Decentralized inference")
    page.locator("#id_budget_amount").fill("a lot")
    page.locator("#id_deadline").fill("2020-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish project").click()
    expect(page.locator(".field--error").first).to_be_visible()


def review_a_withdrawal(page: Any, world: World) -> None:
    form = page.locator("#withdraw form")
    form.get_by_label("Amount").fill("250.5")
    with page.expect_navigation():
        form.get_by_role("button", name="Review the withdrawal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("withdraw", ignore_case=True)


@dataclass(frozen=True)
class PageCase:
    name: str
    viewer: str | None  # a World attribute, None: anonymous
    path: Callable[[World], str]
    status: int = 200
    then: Callable[[Any, World], None] | None = None  # steps after the page loaded


PAGES = [
    PageCase("home", None, lambda w: reverse("marketplace:home")),
    PageCase("home-signed-in", "bob", lambda w: reverse("marketplace:home")),
    PageCase("project-list", None, lambda w: reverse("marketplace:project_list")),
    PageCase("project-list-filtered", None, lambda w: reverse("marketplace:project_list") + "?q=zk&status=open"),
    PageCase("project-visitor", None, lambda w: w.open_project.get_absolute_url()),
    PageCase("project-owner-open", "alice", lambda w: w.open_project.get_absolute_url()),
    PageCase("project-owner-escrow", "alice", lambda w: w.busy_project.get_absolute_url()),
    PageCase("project-hired-contributor", "bob", lambda w: w.busy_project.get_absolute_url()),
    PageCase("project-completed", "bob", lambda w: w.done_project.get_absolute_url()),
    PageCase("project-new", "alice", lambda w: reverse("marketplace:project_create")),
    PageCase(
        "project-new-errors", "alice", lambda w: reverse("marketplace:project_create"), then=submit_an_invalid_project
    ),
    PageCase("contributor-list", None, lambda w: reverse("marketplace:contributor_list")),
    PageCase("contributor-detail", None, lambda w: w.bob_profile.get_absolute_url()),
    PageCase("user-page", None, lambda w: w.dave.get_absolute_url()),
    PageCase("dashboard-client", "alice", lambda w: reverse("marketplace:dashboard")),
    PageCase("dashboard-contributor", "bob", lambda w: reverse("marketplace:dashboard")),
    PageCase("profile-edit", "bob", lambda w: reverse("marketplace:profile_edit")),
    PageCase(
        "application-list",
        "alice",
        lambda w: reverse("marketplace:project_applications", args=[w.open_project.pk]),
    ),
    PageCase("application-detail", "alice", lambda w: w.carol_application.get_absolute_url()),
    PageCase("apply", "carol", lambda w: reverse("marketplace:application_create", args=[w.busy_project.pk])),
    PageCase("wallet", "bob", lambda w: reverse("wallets:wallet")),
    PageCase("withdraw-confirm", "bob", lambda w: reverse("wallets:wallet"), then=review_a_withdrawal),
    PageCase("milestone-fund", "alice", lambda w: reverse("wallets:milestone_fund", args=[w.unfunded.pk])),
    PageCase("dispute", "dave", lambda w: w.dispute.get_absolute_url()),
    PageCase("dispute-arbiter", "moderator", lambda w: w.dispute.get_absolute_url()),
    PageCase("notifications", "bob", lambda w: reverse("notifications:list")),
    PageCase("sign-in", None, lambda w: reverse("accounts:login")),
    PageCase("welcome", "erin", lambda w: reverse("accounts:welcome")),
    PageCase("not-found", None, lambda w: "/projects/999999/", status=404),
    PageCase("forbidden", "mallory", lambda w: reverse("wallets:milestone_fund", args=[w.unfunded.pk]), status=403),
]


# --- the checks -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_script() -> Path | None:
    """axe.min.js, or None when it is not installed (no npm, or npm could not reach
    its registry): the accessibility check then skips, saying so. CI sets
    WORKWALL_REQUIRE_AXE, so there a missing axe-core fails instead."""
    if AXE.exists():
        return AXE
    if os.environ.get("WORKWALL_REQUIRE_AXE"):
        pytest.fail(f"axe-core is not installed: run `make test`, or `npm ci` in {AXE.parents[2]}", pytrace=False)
    return None


def axe_violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol: page.add_script_tag() would add an
    # inline <script>, which the site's Content-Security-Policy rightly refuses.
    page.evaluate(axe.read_text())
    return list(page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"))


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} -> {targets}{more}")
    return "\n    ".join(lines)


def check_page(page: Any, url: str, world: World, case: PageCase, width: str, axe: Path | None) -> list[str]:
    """Open ``case`` in ``page`` at ``width``, save its screenshot and return what is
    wrong with it."""
    page.set_viewport_size(VIEWPORTS[width])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    response = page.goto(url)
    problems = []
    if response is None or response.status != case.status:
        problems.append(f"status {response and response.status}, expected {case.status}")
    if case.then is not None:
        case.then(page, world)
    if case.viewer is not None:
        # notifications.js has connected: the page is fully set up, without error.
        expect(page.locator("header [data-bell]")).to_have_attribute("data-socket", "open")

    # The one console error a 404 or 403 page may have is the browser's note of its status.
    expected = f"the server responded with a status of {case.status}"
    problems += [e for e in errors if case.status == 200 or expected not in e]
    problems += [f"CSP violation: {v}" for v in page.evaluate("window.__cspViolations")]
    if width == "phone":
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            wide = page.evaluate(WIDEST_ELEMENTS)
            problems.append(f"horizontal overflow: {scroll_width}px wide in a {inner_width}px window: {wide}")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{case.name}-{width}.png"), full_page=True)

    if axe is not None:
        blocking = [v for v in axe_violations(page, axe) if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            problems.append(f"axe-core violations:\n    {describe(blocking)}")
    return [f"[{width}] {problem}" for problem in problems]


# The elements that stick out on the right, for the failure message.
WIDEST_ELEMENTS = """
(() => {
  const classes = (el) => (typeof el.className === "string" ? el.className.trim().split(/\\s+/) : []);
  const name = (el) => [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...classes(el)].join(".");
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5) out.push(`${name(el)} (right ${Math.round(r.right)})`);
  }
  return out.slice(0, 8);
})()
"""


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_the_page_is_accessible_and_fits_desktop_and_phone(case: PageCase, site: Site, axe_script: Path | None) -> None:
    context = site.contexts[case.viewer]
    url = site.url + case.path(site.world)
    problems = []
    for width in VIEWPORTS:
        # A fresh page at each width, loaded as a phone would load it.
        page = context.new_page()
        try:
            problems += check_page(page, url, site.world, case, width, axe_script)
        finally:
            page.close()
    assert not problems, f"{case.name}:\n  " + "\n  ".join(problems)
    if axe_script is None:
        pytest.skip("axe-core is not installed (`make test` installs it with npm): no accessibility check")


# --- the keyboard ---------------------------------------------------------------------


# The focused element, read once its transitions (a focus ring fading in) are done.
FOCUSED = """
(() => {
  const el = document.activeElement;
  for (const animation of el.getAnimations()) animation.finish();
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    href: el.getAttribute("href"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < window.innerHeight,
  };
})()
"""


def press_tab(page: Any) -> dict[str, Any]:
    page.keyboard.press("Tab")
    focused: dict[str, Any] = page.evaluate(FOCUSED)
    assert focused["visible"], f"the focused element is off screen: {focused}"
    assert focused["outline"] or focused["shadow"], f"no visible focus indicator on {focused}"
    return focused


def tab_to(page: Any, matches: Callable[[dict[str, Any]], bool], limit: int = 40) -> dict[str, Any]:
    """Tab until ``matches`` the focused element, checking every stop on the way."""
    seen = []
    for _ in range(limit):
        focused = press_tab(page)
        if matches(focused):
            return focused
        seen.append(focused["text"] or focused["tag"])
    raise AssertionError(f"never reached the element; tabbed through: {seen}")


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_the_keyboard_reaches_a_skip_link_first_then_the_main_nav_and_forms(width: str, site: Site) -> None:
    context = site.browser.new_context(viewport=VIEWPORTS[width])  # its own: it signs in
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site.url + "/")

        # The first stop is the skip link, shown when focused; it moves focus to <main>.
        skip = press_tab(page)
        assert (skip["text"], skip["href"]) == ("Skip to content", "#main"), skip
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        for _ in range(5):  # and on into the page, every stop showing where focus is
            press_tab(page)

        # The main nav, from the top of the page.
        page.goto(site.url + "/")
        contributors = reverse("marketplace:contributor_list")
        tab_to(page, lambda f: f["text"] == "Contributors" and f["href"] == contributors)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Contributors")).to_have_attribute("aria-current", "page")

        # A search form: typed into and sent with Enter.
        page.goto(site.url + reverse("marketplace:project_list"))
        tab_to(page, lambda f: f["id"] == "id_q")
        page.keyboard.type("hospitals")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.search(r"[?&]q=hospitals", page.url)
        expect(page.get_by_role("link", name=site.world.open_project.title)).to_be_visible()

        # The development sign-in: an address typed, the button reached and pressed.
        page.goto(site.url + reverse("accounts:login") + "?next=" + reverse("marketplace:dashboard"))
        tab_to(page, lambda f: f["id"] == "id_address")
        page.keyboard.type(site.world.carol.address)
        tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Sign in with this address")
        with page.expect_navigation():
            page.keyboard.press("Space")
        assert page.url.endswith(reverse("marketplace:dashboard"))
        expect(page.locator("header")).to_contain_text(site.world.carol.display_name)
        assert errors == []
    finally:
        context.close()
