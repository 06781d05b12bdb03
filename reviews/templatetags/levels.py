from django import template

from cycles.rulebooks import Level

register = template.Library()


@register.filter
def level_abbr(value):
    """ "httnv" → "HTTNV"; empty stays empty."""
    return Level(value).abbreviation if value else ""


@register.filter
def level_label(value):
    """ "httnv" → "Hoàn thành tốt nhiệm vụ" in the user's language."""
    return Level(value).label if value else ""
