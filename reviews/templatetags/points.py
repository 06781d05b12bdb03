from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value):
    """85.50 → "85,5" in Vietnamese, "85.5" in English: no trailing zeros, the locale's decimal mark."""
    if value in (None, ""):
        return ""
    value = Decimal(value).normalize()
    return number_format(value.quantize(Decimal(1)) if value == value.to_integral() else value)


@register.filter
def counted_score(evaluation):
    """The score the bands, caps and quota read, with its source (reviews.selectors.counted_score). On the
    compilation table the year's score from the periods is already on the evaluation (cohort_standing): no query."""
    from reviews.selectors import counted_score as counted

    return counted(evaluation)
