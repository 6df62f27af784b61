"""User Markdown is rendered, and nothing executable survives."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from marketplace.markdown import render_markdown


def test_it_renders_common_markdown() -> None:
    html = render_markdown("## Deliverables\n\n- a **validator**\n- `docs`\n\n| a | b |\n|---|---|\n| 1 | 2 |")

    assert "<h2>Deliverables</h2>" in html
    assert "<strong>validator</strong>" in html
    assert "<code>docs</code>" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://ok.example "t" onmouseover="alert(1)")',
    ],
)
def test_it_neutralises_scripts_and_handlers(attack: str) -> None:
    tags = _tags(render_markdown(attack))

    # Text that merely looks like HTML is escaped; what matters is which real
    # elements and attributes come out.
    assert {name for name, _ in tags} <= {"p", "a"}
    for _, attrs in tags:
        assert not any(key.startswith("on") for key in attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript")


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def test_links_are_kept_with_nofollow() -> None:
    html = render_markdown("[repo](https://github.com/opentensor/bittensor)")

    assert 'href="https://github.com/opentensor/bittensor"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
