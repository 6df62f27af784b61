"""The pages keep to the Content-Security-Policy (no inline script, style or event
handler, in the templates or in what they render) and to CSRF on every form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from marketplace.models import Project
from tests.factories import ApplicationFactory, MilestoneFactory, ProjectFactory, ReviewFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def offences(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("on* handler", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def test_no_template_on_disk_breaks_the_policy() -> None:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    problems = {str(f.relative_to(TEMPLATES)): offences(f.read_text()) for f in files}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_checker_catches_what_it_should() -> None:
    assert offences('<script>alert(1)</script><p style="color:red" onclick="x()"><a href="javascript:x">')
    assert not offences('<script src="/static/js/app.js"></script><p class="x">')


@pytest.fixture
def pages(client_alice: User, contributor_bob: User, contributor_carol: User) -> list[tuple[User | None, str]]:
    """Every main page, with the persona that sees the most of it."""
    project = ProjectFactory(owner=client_alice)
    MilestoneFactory(project=project)
    application = ApplicationFactory(project=project, contributor=contributor_bob)
    done = ProjectFactory(owner=client_alice, status=Project.Status.COMPLETED, contributor=contributor_carol)
    ReviewFactory(project=done)
    return [
        (None, reverse("marketplace:home")),
        (None, reverse("marketplace:project_list")),
        (None, reverse("marketplace:project_list") + "?budget_min=bad"),
        (None, project.get_absolute_url()),
        (client_alice, project.get_absolute_url()),
        (contributor_carol, done.get_absolute_url()),
        (client_alice, reverse("marketplace:project_create")),
        (client_alice, reverse("marketplace:project_edit", args=[project.pk])),
        (client_alice, reverse("marketplace:project_cancel", args=[project.pk])),
        (client_alice, reverse("marketplace:project_applications", args=[project.pk])),
        (client_alice, application.get_absolute_url()),
        (client_alice, reverse("marketplace:application_accept", args=[application.pk])),
        (contributor_carol, reverse("marketplace:application_create", args=[project.pk])),
        (None, reverse("marketplace:contributor_list")),
        (None, contributor_bob.profile.get_absolute_url()),
        (None, client_alice.get_absolute_url()),
        (contributor_bob, reverse("marketplace:profile_edit")),
        (contributor_bob, reverse("marketplace:dashboard")),
        (None, reverse("accounts:login")),
        (None, "/missing/"),
    ]


def test_every_main_page_renders_within_the_policy(browser_as: Any, pages: list[tuple[User | None, str]]) -> None:
    for user, url in pages:
        response = browser_as(user).get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        html = response.content.decode()
        assert offences(html) == [], url
        assert "Content-Security-Policy" in response.headers, url
        assert '<html lang="en">' in html, url
        assert 'href="#main"' in html, url
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.DOTALL | re.IGNORECASE):
            assert "csrfmiddlewaretoken" in form, (url, form[:120])


def test_every_input_of_a_form_page_has_a_label(browser_as: Any, pages: list[tuple[User | None, str]]) -> None:
    for user, url in pages:
        html = browser_as(user).get(url).content.decode()
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if re.search(r'type="(hidden|submit|button)"', tag):
                continue
            match = re.search(r'\bid="([^"]+)"', tag)
            assert match, (url, tag)
            assert match.group(1) in labelled, (url, tag)
