"""The pages of periodic tracking, one module per audience: the person's, the tracker's, Home Affairs'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import redirect

if TYPE_CHECKING:
    from django.http import HttpResponseRedirect

    from common.types import AuthenticatedHttpRequest

    from ..models import PeriodRecord


def back_to_period(request: AuthenticatedHttpRequest, record: PeriodRecord) -> HttpResponseRedirect:
    """After an action on a period: the person back to their form, the tracker back to the review screen."""
    if record.enrolment.official.user_id == request.user.pk:
        return redirect("tracking:person_period", pk=record.pk)
    return redirect("tracking:tracker_review", pk=record.pk)
