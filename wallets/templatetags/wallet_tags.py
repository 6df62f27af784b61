"""Template helpers of the money pages: ``{% money units token %}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wallets.models import Token

register = template.Library()


@register.simple_tag
def money(units: int | None, token: Token | None, signed: bool = False) -> SafeString | str:
    """Base units for people (``1,500.25 USDC``) with the exact value in the title.

    ``signed``: a ``+`` before money in and a minus sign before money out, coloured
    by the ``money--in`` and ``money--out`` classes.
    """
    if units is None or token is None:
        return ""
    units = int(units)
    text = token.humanize(abs(units)) if signed else token.humanize(units)
    css = "money"
    if signed and units > 0:
        text, css = f"+{text}", "money money--in"
    elif signed and units < 0:
        text, css = f"−{text}", "money money--out"
    return format_html('<span class="{}" title="{} {}">{}</span>', css, token.format(units), token.symbol, text)
