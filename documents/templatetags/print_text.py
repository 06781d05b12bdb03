"""Filters for printed documents."""

from django import template

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    """The lines of what someone typed, each to be printed as its own indented paragraph (Decree 30/2020:
    every paragraph starts with a first-line indent, which `white-space: pre-line` would give only the first)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
