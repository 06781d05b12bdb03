"""How a moment is written for people: local time, Vietnamese order."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

__all__ = ["local_text"]


def local_text(moment: datetime) -> str:
    """ "14:05 26/11/2026" in the portal's time zone."""
    return date_format(timezone.localtime(moment), "H:i d/m/Y")
