"""Reads about cycles that encode rules; each is a fixed number of queries whatever the cohort size."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import overload

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import (
    PUBLISHED_CYCLE_STATES,
    Cycle,
    CycleCriterion,
    CycleStatus,
    Enrolment,
    FilledBy,
    Phase,
    PhaseKind,
)


def cycles_in_progress() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status=CycleStatus.IN_PROGRESS).select_related("authority")


def phase_of(cycle: Cycle, kind: PhaseKind) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, kind=kind).first()


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    """ "còn 8 ngày 3 giờ": Django's timeuntil falls back to English for Vietnamese in 5.2, so we say it ourselves."""
    remaining = deadline - (now or timezone.now())
    if remaining.total_seconds() <= 0:
        return gettext("đã hết hạn")
    days, hours, minutes = remaining.days, remaining.seconds // 3600, remaining.seconds % 3600 // 60
    if days:
        return gettext("còn %(days)d ngày %(hours)d giờ") % {"days": days, "hours": hours}
    return gettext("còn %(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}


class WindowState(StrEnum):
    UNSET = "unset"  # no objection phase: Home Affairs has not set the window
    NOT_YET = "not_yet"  # before publication, or before its first day
    OPEN = "open"
    ENDED = "ended"  # its deadline passed, or it opened and Home Affairs closed it


@dataclass(frozen=True)
class ObjectionWindow:
    state: WindowState
    phase: Phase | None

    @property
    def deadline(self) -> datetime | None:
        return self.phase.deadline if self.phase else None

    @property
    def is_open(self) -> bool:
        return self.state is WindowState.OPEN

    @property
    def has_run_its_course(self) -> bool:
        return self.state is WindowState.ENDED

    @property
    def label(self) -> str:
        return {
            WindowState.UNSET: gettext("chưa đặt thời hạn"),
            WindowState.NOT_YET: gettext("chưa mở"),
            WindowState.OPEN: gettext("đang mở"),
            WindowState.ENDED: gettext("đã kết thúc"),
        }[self.state]


def objection_window(
    cycle: Cycle, phase: Phase | None = None, now: datetime | None = None
) -> ObjectionWindow:
    """The one rule of the objection window (domain.md §3.9): it follows publication, never comes before it, and
    opens on its first day or when Home Affairs opens it; it ends at its deadline, or earlier when Home Affairs
    closes it after it opened. The cycle may close only once it has ended (reviews.selectors.cycle_close_blockers)."""
    if phase is None:
        phase = phase_of(cycle, PhaseKind.OBJECTIONS)
    if phase is None:
        return ObjectionWindow(WindowState.UNSET, None)
    if cycle.status == CycleStatus.CLOSED:
        return ObjectionWindow(WindowState.ENDED, phase)
    if cycle.status not in PUBLISHED_CYCLE_STATES:
        return ObjectionWindow(WindowState.NOT_YET, phase)
    now = now or timezone.now()
    if now > phase.deadline or (phase.closed_at is not None and not phase.is_open):
        return ObjectionWindow(WindowState.ENDED, phase)
    if phase.is_open or phase.starts_on <= timezone.localdate(now):
        return ObjectionWindow(WindowState.OPEN, phase)
    return ObjectionWindow(WindowState.NOT_YET, phase)


def cycles_active() -> QuerySet[Cycle]:
    """The cycles people still work in: under way, or signed off and not yet closed (results, objections)."""
    return Cycle.objects.filter(status__in=[CycleStatus.IN_PROGRESS, CycleStatus.SIGNED_OFF]).select_related(
        "authority"
    )


PHASE_ORDER = {kind.value: index for index, kind in enumerate(PhaseKind)}


def current_phase(
    cycle: Cycle, phases: list[Phase] | None = None, now: datetime | None = None
) -> Phase | None:
    """The phase the cycle is in, following its real order (domain.md §3): after the sign-off the objection window;
    before, the latest phase Home Affairs has open, or else the first whose deadline is still ahead."""
    if cycle.status in (CycleStatus.SETUP, CycleStatus.CLOSED):
        return None
    if phases is None:
        phases = list(Phase.objects.filter(cycle=cycle))
    ordered = sorted(phases, key=lambda phase: PHASE_ORDER.get(phase.kind, 99))
    if cycle.status == CycleStatus.SIGNED_OFF:
        return next((phase for phase in ordered if phase.kind == PhaseKind.OBJECTIONS), None)
    before_publication = [phase for phase in ordered if phase.kind != PhaseKind.OBJECTIONS]
    opened = [phase for phase in before_publication if phase.is_open]
    if opened:
        return opened[-1]
    now = now or timezone.now()
    ahead = [phase for phase in before_publication if phase.deadline >= now]
    if ahead:
        return ahead[0]
    return before_publication[-1] if before_publication else None


def next_deadline(cycle: Cycle) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, deadline__gte=timezone.now()).order_by("deadline").first()


def cohort_order(via: str = "") -> list[str]:
    """The order the cohort is listed, discussed and printed in everywhere: by peer group, then the order Home
    Affairs set, then name. `via` is the path to the enrolment ("enrolment__" from an evaluation)."""
    return [
        f"{via}{name}"
        for name in ("peer_group__sort_order", "peer_group_id", "agenda_order", "full_name", "pk")
    ]


def cohort(cycle: Cycle) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(cycle=cycle)
        .select_related("peer_group", "evaluation")
        .order_by(*cohort_order())
    )


@dataclass
class FormPart:
    code: str
    title: str
    criteria: list[CycleCriterion] = field(default_factory=list)

    @property
    def max_points(self) -> Decimal | None:
        points = [c.max_points for c in self.criteria if c.max_points is not None]
        return sum(points, Decimal(0)) if points else None


def self_assessment_form(enrolment: Enrolment) -> list[FormPart]:
    """The parts of the form the person fills themself, as the cycle carries them (one query)."""
    parts: dict[str, FormPart] = {}
    rows = CycleCriterion.objects.filter(
        cycle_id=enrolment.cycle_id,
        rulebook_code=enrolment.rulebook_code,
        personnel_type=enrolment.personnel_type,
        is_leader=enrolment.is_leader,
        filled_by=FilledBy.SELF,
    ).order_by("sort_order")
    for row in rows:
        parts.setdefault(row.section_code, FormPart(row.section_code, row.section_title)).criteria.append(row)
    return list(parts.values())


@overload
def self_assessment_deadline(enrolment: Enrolment, phase: Phase) -> datetime: ...
@overload
def self_assessment_deadline(enrolment: Enrolment, phase: None) -> None: ...
@overload
def self_assessment_deadline(enrolment: Enrolment, phase: Phase | None) -> datetime | None: ...
def self_assessment_deadline(enrolment: Enrolment, phase: Phase | None) -> datetime | None:
    """The person's own deadline: the phase's, or a later one Home Affairs granted them."""
    if phase is None:
        return None
    extended = enrolment.evaluation.deadline_extended_to
    return max(phase.deadline, extended) if extended else phase.deadline


def criteria_by_form(cycle: Cycle) -> list[tuple[str, list[CycleCriterion]]]:
    """Every form of the cycle with its lines, labelled "Nghị định 335 – Công chức – lãnh đạo" (one query)."""
    forms: dict[tuple[str, str, bool], list[CycleCriterion]] = {}
    for row in CycleCriterion.objects.filter(cycle=cycle).order_by(
        "rulebook_code", "personnel_type", "-is_leader", "sort_order"
    ):
        forms.setdefault((row.rulebook_code, row.personnel_type, row.is_leader), []).append(row)
    return [(form_label(*key), rows) for key, rows in forms.items()]


def form_label(rulebook_code: str, personnel_type: str, is_leader: bool) -> str:
    """How a form of the cycle is named to Home Affairs: "Nghị định 335/2025/NĐ-CP – Công chức – lãnh đạo, quản lý"."""
    from officials.models import PersonnelType

    from .rulebooks import get_rulebook

    who = gettext("lãnh đạo, quản lý") if is_leader else gettext("không giữ chức vụ")
    return f"{get_rulebook(rulebook_code).name} – {PersonnelType(personnel_type).label} – {who}"


# --- Rules about the cohort's snapshot and the quota's citations (the rules engine's corrections) ---


def title_is_head(title: str, is_leader: bool = True) -> bool:
    """Whether a leader's title makes them the head (người đứng đầu) of their agency: a deputy's title starts
    with "Phó" ("Phó Giám đốc", "Phó Chủ tịch", "Phó Giám đốc phụ trách"). The enrolment snapshots it; Home
    Affairs corrects it where a title misleads."""
    return is_leader and not title.strip().lower().startswith("phó")


def quota_citation(cycle: Cycle, enrolments: Iterable[Enrolment]) -> str:
    """The articles that limit HTXSNV for a group of people, from their rulebooks (Decree 90 Art. 2(6) with the
    Party's rate of the year; Decree 335 Art. 20(5); Decree 233 Art. 12(6); QĐ 366-QĐ/TW Art. 11)."""
    citations = []
    for enrolment in enrolments:
        citation = enrolment.rulebook.quota_citation(cycle.year)
        if citation not in citations:
            citations.append(citation)
    return "; ".join(citations)


def cycle_quota_citations(cycle: Cycle) -> list[str]:
    """Every article that sets the HTXSNV quota in this cycle: one per rulebook its enrolments (or, before anyone
    is enrolled, its framework) use, with the Party's rate of the year for Decree 90."""
    from officials.models import PersonnelType

    from .rulebooks import get_rulebook, rulebook_for

    codes = list(
        Enrolment.objects.filter(cycle=cycle).values_list("rulebook_code", flat=True).distinct().order_by()
    )
    rulebooks = [get_rulebook(code) for code in codes] or [
        rulebook_for(cycle.framework, personnel_type) for personnel_type in PersonnelType
    ]
    citations = []
    for rulebook in rulebooks:
        citation = rulebook.quota_citation(cycle.year)
        if citation not in citations:
            citations.append(citation)
    return citations


def quota_exception_refusal(
    cycle: Cycle, enrolments: Iterable[Enrolment], agency_levels: dict[int, str]
) -> str | None:
    """Why the outstanding-results exception may not raise the rate of a group: under Decree 233/2026 Art. 12(6)(b)
    the unit itself must be recognised HTXSNV. `agency_levels` maps organisation id to its level this year."""
    from .rulebooks import Level

    needing = [e for e in enrolments if e.rulebook.quota_exception_needs_unit_htxsnv]
    short = sorted(
        {e.organisation_name for e in needing if agency_levels.get(e.organisation_id) != Level.HTXSNV}
    )
    if not short:
        return None
    return gettext(
        "Ngoại lệ tỷ lệ HTXSNV (tối đa 25%%) đối với viên chức chỉ áp dụng khi chính đơn vị được công nhận Hoàn "
        "thành xuất sắc nhiệm vụ; chưa đạt: %(units)s (%(article)s)."
    ) % {"units": ", ".join(short), "article": needing[0].rulebook.quota_exception_needs_unit_htxsnv}
