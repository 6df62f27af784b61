"""Template helpers of the money pages: ``{% money units token %}`` and
``{{ units|exact_amount:token }}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wallets.models import Token

register = template.Library()


@register.simple_tag
def money(units: int | None, token: Token | None, signed: bool = False, exact: bool = False) -> SafeString | str:
    """Base units for people (``1,500.25 USDC``) with the exact value in the title.

    ``signed``: a ``+`` before money in and a minus sign before money out, coloured
    by the ``money--in`` and ``money--out`` classes. ``exact``: every significant
    decimal in the text too (``1.009 USDC``, not ``1 USDC``), for the pages that
    move money.
    """
    if units is None or token is None:
        return ""
    units = int(units)
    shown = abs(units) if signed else units
    text = token.humanize_exact(shown) if exact else token.humanize(shown)
    css = "money"
    if signed and units > 0:
        text, css = f"+{text}", "money money--in"
    elif signed and units < 0:
        text, css = f"−{text}", "money money--out"
    return format_html('<span class="{}" title="{} {}">{}</span>', css, token.format(units), token.symbol, text)


@register.filter
def exact_amount(units: int | None, token: Token | None) -> str:
    """``{{ units|exact_amount:token }}``: the exact amount as text (``1.009 USDC``),
    for a button or a sentence that states what moves."""
    if units is None or not isinstance(token, Token):
        return ""
    return token.humanize_exact(int(units))
