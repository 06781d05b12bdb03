"""The chair's decisions on one batch screen, and the sign-off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import step_up_refusal
from common.types import AuthenticatedHttpRequest
from cycles.models import CycleStatus
from cycles.rulebooks import Level
from cycles.selectors import cohort_order
from officials.permissions import roles_of

from .. import charts, services
from ..errors import ReviewError
from ..forms import (
    NOT_RATED,
)
from ..models import (
    Decision,
    DecisionState,
    Evaluation,
    SigningAs,
)
from ..permissions import (
    get_cycle_for_proposals,
    get_evaluation_for_user,
)
from ..selectors import (
    LevelSource,
    cohort_states,
    cohort_tally,
    group_quotas,
    tally_distributions,
)
from ..services.decisions import DECIDABLE
from .compilation import cohort_page, one_standing_row

# --- The chair's decisions on one batch screen, and the sign-off (issue #5) ---


def _row_context(request: AuthenticatedHttpRequest, cycle, table_rows, **extra) -> dict:
    """What rows of the board need besides themselves: each one's decision (draft or signed), the choices."""
    drafts = {
        decision.evaluation_id: decision
        for decision in Decision.objects.filter(
            evaluation_id__in=[row.evaluation.pk for row in table_rows],
            state__in=[DecisionState.DRAFT, DecisionState.SIGNED],
        )
    }
    for row in table_rows:
        row.decision = drafts.get(row.evaluation.pk)
    return {
        "cycle": cycle,
        "can_decide": roles_of(request.user).is_chair and cycle.status == CycleStatus.IN_PROGRESS,
        "decision_choices": [
            ("", _("— Chưa quyết định —")),
            *((level.value, level.abbreviation) for level in Level),
            (NOT_RATED, _("Không xếp loại")),
        ],
        **extra,
    }


def _group_actions(cycle, groups) -> list[dict]:
    """Per peer group, the undecided people with a proposal: what "accept the group" would record (issue #13
    item 6). One query of plain values; the board names the first few and sends every version in one field."""
    acceptable: dict[int, list[tuple]] = {}
    for group_id, *values in (
        Evaluation.objects.filter(
            enrolment__cycle=cycle, status__in=DECIDABLE, final_level="", final_not_rated=False
        )
        .filter(Q(proposed_not_rated=True) | ~Q(proposed_level=""))
        .order_by(*cohort_order("enrolment__"))
        .values_list(
            "enrolment__peer_group_id",
            "pk",
            "version",
            "enrolment__full_name",
            "proposed_level",
            "proposed_not_rated",
            "proposal_comments",
        )
    ):
        acceptable.setdefault(group_id, []).append(values)
    return [
        {
            "group": group,
            "count": len(acceptable[group.peer_group_id]),
            "versions": ",".join(
                f"{pk}:{version}" for pk, version, *_rest in acceptable[group.peer_group_id]
            ),
            "named": [
                {"name": name, "level": level, "not_rated": not_rated, "comments": bool(comments)}
                for _pk, _version, name, level, not_rated, comments in acceptable[group.peer_group_id][
                    :GROUP_NAMES
                ]
            ],
            "more": max(len(acceptable[group.peer_group_id]) - GROUP_NAMES, 0),
        }
        for group in groups
        if group.peer_group_id in acceptable
    ]


# How many names the board shows per group to accept (the rest are counted).
GROUP_NAMES = 10


def _board_context(
    request: AuthenticatedHttpRequest, cycle, table_rows, tally=None, groups=None, **extra
) -> dict:
    """The rows, and over the whole cohort from aggregates: the quota counted on the decisions, the proposals
    beside the decisions per group (issue #13 item 5), the sign-off overview."""
    tally = cohort_tally(cycle) if tally is None else tally
    groups = group_quotas(cycle, LevelSource.FINAL, tally) if groups is None else groups
    level_rows: list[tuple[str, dict[str, int]]] = []
    for (group, proposed), (_same, decided) in zip(
        tally_distributions(tally, groups, proposed=True),
        tally_distributions(tally, groups, proposed=False),
        strict=True,
    ):
        level_rows.append((_("%(group)s – đề xuất") % {"group": group.name}, proposed))
        level_rows.append((_("%(group)s – quyết định") % {"group": group.name}, decided))
    in_progress = cycle.status == CycleStatus.IN_PROGRESS
    return _row_context(
        request,
        cycle,
        table_rows,
        groups=groups,
        level_chart=charts.stacked_bars(level_rows),
        level_title=_("Mức đề xuất và mức quyết định theo nhóm đối tượng"),
        quota_chart=charts.quota_bars(
            [(group.name, group.position.htxsnv, group.position.allowed) for group in groups]
        ),
        quota_title=_("Tỷ lệ HTXSNV theo quyết định so với mức tối đa"),
        check=services.sign_off_overview(cycle, groups) if in_progress else None,
        signing_choices=SigningAs.choices,
        **extra,
    )


@require_GET
def decision_board(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """The chair's board: one page of the cohort (filters in the URL), each row's form loaded on a click."""
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    tally = cohort_tally(cycle)
    groups = group_quotas(cycle, LevelSource.FINAL, tally)
    table = cohort_page(request, cycle, LevelSource.FINAL, groups)
    context = _board_context(request, cycle, table.rows, tally, groups, **table.context())
    context["states"] = cohort_states(cycle)
    if context["can_decide"]:
        context["group_actions"] = _group_actions(cycle, context["groups"])
    return render(request, "reviews/decision_board.html", context)


@require_GET
def decision_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """One row of the board with its decision form (htmx, on the row's button), or the row as shown
    (`?show=row`, the form's "cancel"); without JavaScript a page with that one row."""
    evaluation = get_evaluation_for_user(request.user, pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    cycle = evaluation.enrolment.cycle
    row = one_standing_row(evaluation, LevelSource.FINAL)
    context = _row_context(request, cycle, [row], row=row, editing=request.GET.get("show") != "row")
    template = "reviews/_decision_row.html" if request.htmx else "reviews/decision_edit.html"
    return render(request, template, context)


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
        row = one_standing_row(evaluation, LevelSource.FINAL)
        context = _board_context(
            request,
            cycle,
            [row],
            row=row,
            error=error,
            posted=request.POST if error else None,
            editing=bool(error),
        )
        return render(request, "reviews/_decision_response.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Đã ghi quyết định về %(name)s.") % {"name": evaluation.enrolment.full_name}
        )
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)


def _posted_versions(post) -> dict[int, int]:
    """The versions the board showed: one "pk:version,…" field, or (an older page) one field per person."""
    pairs = [item.split(":", 1) for item in post.get("versions", "").split(",") if ":" in item]
    pairs += [
        [key.removeprefix("version-"), value] for key, value in post.items() if key.startswith("version-")
    ]
    versions = {}
    for pk, version in pairs:
        try:
            versions[int(pk)] = int(version)
        except ValueError:
            continue
    return versions


@require_POST
def decisions_accept_group(
    request: AuthenticatedHttpRequest, cycle_pk: int, group_pk: int
) -> HttpResponseBase:
    """Accept Home Affairs' proposals for a whole peer group in one post; says who was recorded and who was
    refused, with the reason for each."""
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    versions = _posted_versions(request.POST)
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
