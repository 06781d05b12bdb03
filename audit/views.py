"""The history pages: every audit event of one person's evaluation or of one cycle, newest first."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import HistoryFilterForm
from .permissions import get_cycle_for_audit, get_evaluation_for_audit

PER_PAGE = 50


def _history_context(request, events_for) -> dict:
    """Filter by action, paginate, and turn each event into a row with its changed keys."""
    form = HistoryFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = Paginator(events_for(action or None), PER_PAGE).get_page(request.GET.get("page"))
    return {"filters": form, "action": action, "page": page, "rows": selectors.history_rows(page.object_list)}


@require_GET
def evaluation_history(request, pk: int):
    evaluation = get_evaluation_for_audit(request.user, pk)
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        **_history_context(request, lambda action: selectors.evaluation_history(evaluation, action)),
    }
    return render(request, "audit/evaluation_history.html", context)


@require_GET
def cycle_history(request, pk: int):
    cycle = get_cycle_for_audit(request.user, pk)
    context = {
        "cycle": cycle,
        **_history_context(request, lambda action: selectors.cycle_history(cycle, action)),
    }
    return render(request, "audit/cycle_history.html", context)
