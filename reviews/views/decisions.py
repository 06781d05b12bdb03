"""The chair's decisions on one batch screen, and the sign-off."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import step_up_refusal
from common.types import AuthenticatedHttpRequest
from cycles.models import CycleStatus
from cycles.rulebooks import Level
from officials.permissions import roles_of

from .. import charts, services
from ..errors import ReviewError
from ..forms import (
    NOT_RATED,
)
from ..models import (
    Decision,
    DecisionState,
    SigningAs,
)
from ..permissions import (
    get_cycle_for_proposals,
    get_evaluation_for_user,
)
from ..selectors import (
    LevelSource,
    cohort_standing,
    cohort_states,
    group_distributions,
)
from ..services.decisions import DECIDABLE

# --- The chair's decisions on one batch screen, and the sign-off (issue #5) ---


def _decision_rows_context(request: AuthenticatedHttpRequest, cycle, **extra) -> HttpResponseBase:
    """Rows with each person's caps, proposal and current decision; the quota counted on the decisions."""
    standing = cohort_standing(cycle, LevelSource.FINAL)
    drafts = {
        decision.evaluation_id: decision
        for decision in Decision.objects.filter(
            evaluation__enrolment__cycle=cycle, state__in=[DecisionState.DRAFT, DecisionState.SIGNED]
        )
    }
    for row in standing.rows:
        row.decision = drafts.get(row.evaluation.pk)
    # Per peer group, the undecided people with a proposal: what "accept the group" would record (issue #13 item 6).
    acceptable: dict[int, list[Any]] = {}
    for row in standing.rows:
        evaluation = row.evaluation
        if (
            evaluation.status in DECIDABLE
            and not (evaluation.final_level or evaluation.final_not_rated)
            and (evaluation.proposed_level or evaluation.proposed_not_rated)
        ):
            acceptable.setdefault(row.enrolment.peer_group_id, []).append(row)
    # Issue #13 item 5: per group, the proposals beside the decisions, and the quota position on the decisions.
    level_rows: list[tuple[str, dict[str, int]]] = []
    for (group, proposed), (_same, decided) in zip(
        group_distributions(standing, proposed=True),
        group_distributions(standing, proposed=False),
        strict=True,
    ):
        level_rows.append((_("%(group)s – đề xuất") % {"group": group.name}, proposed))
        level_rows.append((_("%(group)s – quyết định") % {"group": group.name}, decided))
    return {
        "cycle": cycle,
        "standing": standing,
        "level_chart": charts.stacked_bars(level_rows),
        "level_title": _("Mức đề xuất và mức quyết định theo nhóm đối tượng"),
        "quota_chart": charts.quota_bars(
            [(group.name, group.position.htxsnv, group.position.allowed) for group in standing.groups]
        ),
        "quota_title": _("Tỷ lệ HTXSNV theo quyết định so với mức tối đa"),
        "groups": standing.groups,
        "can_decide": roles_of(request.user).is_chair and cycle.status == CycleStatus.IN_PROGRESS,
        "decision_choices": [
            ("", _("— Chưa quyết định —")),
            *((level.value, level.abbreviation) for level in Level),
            (NOT_RATED, _("Không xếp loại")),
        ],
        "check": services.sign_off_check(cycle, standing)
        if cycle.status == CycleStatus.IN_PROGRESS
        else None,
        "signing_choices": SigningAs.choices,
        "group_actions": [
            {"group": group, "rows": acceptable[group.peer_group_id]}
            for group in standing.groups
            if group.peer_group_id in acceptable
        ],
        **extra,
    }


@require_GET
def decision_board(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    context = _decision_rows_context(request, cycle)
    context["rows"] = context["standing"].rows
    context["states"] = cohort_states(cycle)
    return render(request, "reviews/decision_board.html", context)


@require_POST
def decision_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """One person's decision, posted from its row (htmx: the row, the quota meters and the sign-off panel come
    back; without JavaScript: a redirect with a message)."""
    evaluation = get_evaluation_for_user(request.user, pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    cycle = evaluation.enrolment.cycle
    choice = request.POST.get("decision", "")
    error = None
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.decision_record(
            evaluation=evaluation,
            level="" if choice == NOT_RATED else choice,
            not_rated=choice == NOT_RATED,
            comments=request.POST.get("comments", ""),
            outlook=request.POST.get("outlook", ""),
            departure_reason=request.POST.get("departure_reason", ""),
            version=version,
            by=request.user,
        )
    except ReviewError as exc:
        error = str(exc)
    if request.htmx:
        context = _decision_rows_context(request, cycle, error=error, posted=request.POST if error else None)
        context["row"] = next(r for r in context["standing"].rows if r.evaluation.pk == evaluation.pk)
        return render(request, "reviews/_decision_response.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Đã ghi quyết định về %(name)s.") % {"name": evaluation.enrolment.full_name}
        )
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)


@require_POST
def decisions_accept_group(
    request: AuthenticatedHttpRequest, cycle_pk: int, group_pk: int
) -> HttpResponseBase:
    """Accept Home Affairs' proposals for a whole peer group in one post; says who was recorded and who was
    refused, with the reason for each."""
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    versions = {}
    for key, value in request.POST.items():
        if key.startswith("version-"):
            try:
                versions[int(key.removeprefix("version-"))] = int(value)
            except ValueError:
                continue
    try:
        result = services.decisions_accept_group(
            cycle=cycle, peer_group_id=group_pk, versions=versions, by=request.user
        )
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:decision_board", cycle_pk=cycle.pk)
    if result.recorded:
        messages.success(
            request,
            _("Nhóm “%(group)s”: đã ghi %(n)d quyết định theo đề xuất: %(names)s.")
            % {"group": result.group_name, "n": len(result.recorded), "names": ", ".join(result.recorded)},
        )
    if result.refused:
        messages.error(
            request,
            _("Nhóm “%(group)s”: chưa ghi được %(n)d người: %(people)s.")
            % {
                "group": result.group_name,
                "n": len(result.refused),
                "people": "; ".join(f"{name} – {why}" for name, why in result.refused),
            },
        )
    if not result.recorded and not result.refused:
        messages.info(
            request, _("Nhóm “%(group)s”: không còn ai chờ quyết định.") % {"group": result.group_name}
        )
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)


@require_POST
def cycle_sign_off(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    # Issue #18: signing off asks for a fresh second factor.
    if (refused := step_up_refusal(request)) is not None:
        return refused
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Hãy đánh dấu xác nhận trước khi phê duyệt."))
        return redirect("reviews:decision_board", cycle_pk=cycle.pk)
    try:
        services.cycle_sign_off(
            cycle=cycle,
            signing_as=request.POST.get("signing_as", ""),
            signer_name=request.POST.get("signer_name", ""),
            by=request.user,
        )
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã phê duyệt kết quả; thông báo đang được gửi tới từng người."))
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)
