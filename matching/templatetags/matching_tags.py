"""Template helpers for match reasons."""

from __future__ import annotations

from django import template

register = template.Library()

FACTOR_LABELS = {
    "similarity": "Meaning of the texts",
    "required_skills": "Required skills",
    "nice_to_have": "Nice-to-have skills",
    "skill_level": "Skill level",
    "availability": "Availability",
    "rate_fit": "Rate vs budget",
    "reputation": "Reputation",
    "recency": "Recently active",
}


@register.filter
def factor_label(name: str) -> str:
    """A factor's name for people (``required_skills`` -> ``Required skills``)."""
    return FACTOR_LABELS.get(name, name.replace("_", " ").capitalize())
