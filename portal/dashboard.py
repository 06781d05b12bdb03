"""What each role sees on its home page for one cycle: the phase it is in and its deadline, the counts that matter,
the next action as a button, the results once published (issue #13). Reads only; the rules come from the apps
below (the cohort's states, the objection window, the current phase)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from cycles.models import Cycle, CycleStatus, Phase, PhaseKind
from cycles.rulebooks import Level
from cycles.selectors import ObjectionWindow, WindowState, current_phase, objection_window
from officials.permissions import PortalRoles
from reviews.models import Evaluation, EvaluationStatus, Objection, ObjectionStatus
from reviews.selectors import CohortState, CohortStates, cohort_states


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str
    primary: bool = True


@dataclass
class LevelCount:
    code: str
    label: str
    count: int


@dataclass
class CycleCard:
    cycle: Cycle
    phase: Phase | None
    window: ObjectionWindow
    states: CohortStates | None = None
    actions: list[NextAction] = field(default_factory=list)
    note: str = ""
    results: list[LevelCount] = field(default_factory=list)
    open_objections: int = 0
    tracks: bool = False

    @property
    def phase_label(self) -> str:
        if self.cycle.status == CycleStatus.SIGNED_OFF:
            return _("Đã công bố kết quả – thời gian nhận kiến nghị: %(state)s") % {
                "state": self.window.label
            }
        return self.phase.get_kind_display() if self.phase else self.cycle.get_status_display()

    @property
    def deadline(self) -> datetime | None:
        return self.phase.deadline if self.phase else None


def published_levels(cycle: Cycle) -> list[LevelCount]:
    """The cycle's published results per level (and not rated), in the levels' order: one query."""
    rows = (
        Evaluation.objects.filter(enrolment__cycle=cycle, status=EvaluationStatus.PUBLISHED)
        .values("final_level", "final_not_rated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {("not_rated" if row["final_not_rated"] else row["final_level"]): row["n"] for row in rows}
    result = [LevelCount(level.value, level.abbreviation, counts.get(level.value, 0)) for level in Level]
    if counts.get("not_rated"):
        result.append(LevelCount("not_rated", _("Không xếp loại"), counts["not_rated"]))
    return result


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _home_affairs_actions(card: CycleCard, states: CohortStates) -> None:
    cycle, pk = card.cycle, card.cycle.pk
    if cycle.status == CycleStatus.SIGNED_OFF:
        if card.window.state in (WindowState.UNSET, WindowState.NOT_YET):
            card.note = _("Mở thời gian nhận kiến nghị trên trang kỳ đánh giá (hoặc chờ đến ngày mở).")
            card.actions.append(NextAction(_("Mở thời gian nhận kiến nghị"), _url("portal:cycle_detail", pk)))
        elif card.window.is_open:
            card.actions.append(NextAction(_("Theo dõi kiến nghị"), _url("reviews:objection_list", pk)))
        else:
            card.actions.append(NextAction(_("Kết thúc kỳ đánh giá"), _url("portal:cycle_detail", pk)))
        return
    kind = card.phase.kind if card.phase else PhaseKind.SELF_ASSESSMENT
    if kind == PhaseKind.SELF_ASSESSMENT or states.not_submitted:
        card.note = _("%(n)d người chưa nộp phiếu (trên cổng hoặc bản giấy).") % {"n": states.not_submitted}
        card.actions.append(NextAction(_("Bảng tiến độ tự đánh giá"), _url("reviews:progress_board", pk)))
    if kind in (PhaseKind.COMMENT_MEETING, PhaseKind.PARTY_OPINION):
        card.actions.append(NextAction(_("Họp nhận xét và ý kiến cấp ủy"), _url("reviews:meeting_list", pk)))
    if kind == PhaseKind.COMPILATION:
        card.actions.append(NextAction(_("Tổng hợp, đề xuất xếp loại"), _url("reviews:compilation", pk)))
    if kind in (PhaseKind.CONFERENCE, PhaseKind.DECISION):
        card.actions.append(
            NextAction(_("Hội nghị đánh giá, xếp loại"), _url("conference:conference_edit", pk))
        )


def _chair_actions(card: CycleCard, states: CohortStates) -> None:
    cycle, pk = card.cycle, card.cycle.pk
    if cycle.status == CycleStatus.SIGNED_OFF:
        if card.open_objections:
            card.note = _("%(n)d kiến nghị chờ trả lời.") % {"n": card.open_objections}
            card.actions.append(NextAction(_("Trả lời kiến nghị"), _url("reviews:objection_list", pk)))
        card.actions.append(
            NextAction(
                _("In, công bố kết quả"), _url("documents:cycle_documents", pk), not card.open_objections
            )
        )
        card.actions.append(NextAction(_("Danh sách kết quả"), _url("reviews:published_list", pk), False))
        return
    kind = card.phase.kind if card.phase else None
    if kind in (PhaseKind.CONFERENCE, PhaseKind.DECISION):
        card.note = _("%(n)d người chưa có quyết định.") % {"n": states.undecided}
        card.actions.append(NextAction(_("Quyết định xếp loại"), _url("reviews:decision_board", pk)))
        card.actions.append(NextAction(_("Hội nghị"), _url("conference:conference_edit", pk), False))
    else:
        card.actions.append(NextAction(_("Xem tổng hợp, đề xuất"), _url("reviews:compilation", pk)))


def _office_actions(card: CycleCard) -> None:
    if card.cycle.status == CycleStatus.SIGNED_OFF:
        card.note = _("Kết quả đã được phê duyệt: in phiếu, thông báo và danh sách tổng hợp.")
        card.actions.append(NextAction(_("In văn bản"), _url("documents:cycle_documents", card.cycle.pk)))
    else:
        card.actions.append(
            NextAction(_("Văn bản in"), _url("documents:cycle_documents", card.cycle.pk), False)
        )


def cycle_card(cycle: Cycle, roles: PortalRoles) -> CycleCard:
    """One cycle as the home page shows it to Home Affairs, the chair or office staff. A fixed number of queries."""
    phases = list(Phase.objects.filter(cycle=cycle))
    objections_phase = next((phase for phase in phases if phase.kind == PhaseKind.OBJECTIONS), None)
    card = CycleCard(
        cycle=cycle,
        phase=current_phase(cycle, phases),
        window=objection_window(cycle, objections_phase) if objections_phase else objection_window(cycle),
    )
    if cycle.status == CycleStatus.SIGNED_OFF:
        card.results = published_levels(cycle)
    if roles.sees_whole_cohort:
        states = cohort_states(cycle)
        card.states = states
        if cycle.status == CycleStatus.SIGNED_OFF:
            card.open_objections = Objection.objects.filter(
                evaluation__enrolment__cycle=cycle, status=ObjectionStatus.OPEN
            ).count()
        if roles.is_home_affairs:
            _home_affairs_actions(card, states)
        if roles.is_chair:
            _chair_actions(card, states)
    elif roles.is_office_staff:
        _office_actions(card)
    return card


def official_next_action(evaluation: Evaluation) -> NextAction:
    """The person's one button: fill the form, read it, or read the result."""
    url = _url("reviews:evaluation_detail", evaluation.pk)
    if evaluation.status == EvaluationStatus.PUBLISHED:
        return NextAction(_("Xem kết quả xếp loại"), url)
    if evaluation.status in (EvaluationStatus.NOT_STARTED, EvaluationStatus.DRAFT, EvaluationStatus.RETURNED):
        return NextAction(_("Mở phiếu đánh giá"), url)
    return NextAction(_("Xem phiếu đánh giá"), url)


__all__ = ["CohortState", "CycleCard", "NextAction", "cycle_card", "official_next_action", "published_levels"]
