"""Template helpers: ``{{ text|markdown }}``, ``{% amount units token %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from marketplace.markdown import render_markdown
from wallets.models import Token

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render user Markdown as sanitised HTML (see marketplace.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitised by nh3 above)


@register.simple_tag
def amount(units: int | None, token: Token | None) -> str:
    """Base units of ``token`` for people: ``1,500.25 USDC``; empty when unknown."""
    if units is None or token is None:
        return ""
    return token.humanize(units)
