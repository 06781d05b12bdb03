"""The pages that bring the apps together: each role's home, the cycle's overview, the audit history."""

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from audit.selectors import cycle_history, evaluation_history, history_rows
from common.types import AuthenticatedHttpRequest
from cycles.models import CycleStatus, PhaseKind
from cycles.permissions import get_cycle_for_user
from cycles.selectors import cohort, current_phase, cycles_active, objection_window, phase_of, time_left
from national_db.selectors import deadline_warnings
from officials.permissions import roles_of
from reviews import charts
from reviews.permissions import evaluations_visible_to
from reviews.selectors import (
    cohort_states,
    cycle_close_blockers,
    group_level_history,
    latest_evaluation,
    notices_of,
    rating_history,
    repeated_khtnv,
)
from tracking.permissions import is_tracker
from tracking.selectors import enrolment_is_tracked, tracker_inbox, tracking_of

from . import health
from .dashboard import cycle_card, official_next_action
from .forms import HistoryFilterForm
from .history import describe
from .permissions import get_cycle_for_audit, get_evaluation_for_audit


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role lands on what it has to do next in the phase each cycle is in; a person with several roles sees
    each part."""
    roles = roles_of(request.user)
    context: dict[str, Any] = {"roles": roles}
    if roles.is_official and roles.official is not None:
        evaluation = latest_evaluation(roles.official)
        context["my_evaluation"] = evaluation
        if evaluation:
            cycle = evaluation.enrolment.cycle
            phase = phase_of(cycle, PhaseKind.SELF_ASSESSMENT)
            if cycle.status == CycleStatus.IN_PROGRESS:
                context["my_phase"] = phase
                context["my_time_left"] = time_left(phase.deadline) if phase else None
            else:
                context["my_window"] = objection_window(cycle)
            context["my_action"] = official_next_action(evaluation)
            enrolment = evaluation.enrolment
            context["my_tracked"] = enrolment_is_tracked(enrolment, tracking_of(enrolment.cycle))
        context["my_history"] = rating_history(roles.official)
        context["history_khtnv_years"] = repeated_khtnv(roles.official)
        context["my_notices"] = notices_of(roles.official)
        context["my_unread_notices"] = sum(1 for notice in context["my_notices"] if notice.is_unread)
    if roles.sees_whole_cohort or roles.is_office_staff or roles.is_unit_secretary:
        cards = []
        for cycle in cycles_active():
            card = cycle_card(cycle, roles)
            card.tracks = tracking_of(cycle) is not None
            cards.append(card)
        context["open_cycles"] = cards
    if roles.is_home_affairs:
        # Issue #17: results owed to the national database whose deadline is near or past (Decree 27/2026 Art. 19).
        context["sync_warnings"] = deadline_warnings()
    if is_tracker(request.user):
        context["tracker_waiting"] = tracker_inbox(request.user).count()
    if roles.is_unit_secretary:
        context["unit_evaluations"] = (
            evaluations_visible_to(request.user)
            .filter(
                enrolment__organisation_id__in=roles.secretary_organisation_ids,
                enrolment__cycle__status=CycleStatus.IN_PROGRESS,
            )
            .select_related("enrolment")
            .order_by("enrolment__full_name")
        )
    return render(request, "portal/home.html", context)


@require_GET
def cycle_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, pk)
    roles = roles_of(request.user)
    phases = list(cycle.phases.order_by("deadline"))
    objections_phase = next((phase for phase in phases if phase.kind == PhaseKind.OBJECTIONS), None)
    window = objection_window(cycle, objections_phase) if objections_phase else objection_window(cycle)
    # Issue #15: the cohort list one page at a time (a 41-person cohort fits on one); the counts above it are
    # aggregates over the whole cohort.
    page = Paginator(cohort(cycle), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "cycle": cycle,
        "cohort": page.object_list,
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number)),
        "show_status": roles.sees_whole_cohort,
        "can_edit_enrolments": roles.is_home_affairs,
        "phases": phases,
        "current_phase": current_phase(cycle, phases),
        "window": window,
        "is_closed": cycle.status == CycleStatus.CLOSED,
        "is_signed_off": cycle.status == CycleStatus.SIGNED_OFF,
    }
    if roles.sees_whole_cohort:
        context["states"] = cohort_states(cycle)
        # Issue #13 item 5: each peer group's published levels year over year (one query, one chart per group).
        context["group_history"] = [
            {
                "id": f"group-history-{group.peer_group_id}",
                "title": group.name,
                "chart": charts.stacked_bars(
                    [(str(year), counts) for year, counts in sorted(group.years.items())]
                ),
            }
            for group in group_level_history(cycle)
        ]
    if roles.is_home_affairs and cycle.status == CycleStatus.SIGNED_OFF:
        context["close_blockers"] = cycle_close_blockers(cycle)
    return render(request, "portal/cycle_detail.html", context)


# --- The audit trail's history pages: every event of one person's evaluation or of one cycle, newest first ---

PER_PAGE = 50


def _history_context(request, events_for) -> dict:
    """Filter by action, paginate, and turn each event into a row with its changed keys."""
    form = HistoryFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = Paginator(events_for(action or None), PER_PAGE).get_page(request.GET.get("page"))
    return {"filters": form, "action": action, "page": page, "rows": describe(history_rows(page.object_list))}


@require_GET
def evaluation_history_page(request, pk: int):
    evaluation = get_evaluation_for_audit(request.user, pk)
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        **_history_context(request, lambda action: evaluation_history(evaluation, action)),
    }
    return render(request, "portal/evaluation_history.html", context)


@require_GET
def cycle_history_page(request, pk: int):
    cycle = get_cycle_for_audit(request.user, pk)
    context = {
        "cycle": cycle,
        **_history_context(request, lambda action: cycle_history(cycle, action)),
    }
    return render(request, "portal/cycle_history.html", context)


@login_not_required
@require_GET
def healthz(request):
    """Liveness, for docker-compose and the load balancer: the process answers. Nothing else is checked (a
    database or Redis outage must not get the web container restarted); readiness is /readyz."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def readyz(request):
    """Readiness (issue #16 item 8): the database, the broker, the stored files, a worker's and beat's heartbeats.
    503 naming the check that failed, so the load balancer stops sending people here and the operator knows why."""
    checks = health.readiness()
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def _metrics_allowed(request) -> bool:
    token = settings.PORTAL_METRICS_TOKEN
    if token and secrets.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.PORTAL_METRICS_ALLOWED_IPS


@login_not_required
@require_GET
def metrics(request):
    """Prometheus metrics for the province's IT team: a bearer token (PORTAL_METRICS_TOKEN) or an allowed
    address (PORTAL_METRICS_ALLOWED_IPS); anyone else gets a 404, as if there were nothing here."""
    if not _metrics_allowed(request):
        raise Http404
    portal = CollectorRegistry(auto_describe=False)
    portal.register(health.PortalCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    body = generate_latest(requests) + generate_latest(portal)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
