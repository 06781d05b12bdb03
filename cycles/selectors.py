"""Reads about cycles that encode rules; each is a fixed number of queries whatever the cohort size."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from reviews.models import Evaluation, EvaluationStatus

from .models import Cycle, CycleCriterion, CycleStatus, Enrolment, FilledBy, Phase, PhaseKind


def cycles_in_progress():
    return Cycle.objects.filter(status=CycleStatus.IN_PROGRESS).select_related("authority")


def phase_of(cycle: Cycle, kind: PhaseKind) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, kind=kind).first()


def time_left(deadline, now=None) -> str:
    """ "còn 8 ngày 3 giờ": Django's timeuntil falls back to English for Vietnamese in 5.2, so we say it ourselves."""
    remaining = deadline - (now or timezone.now())
    if remaining.total_seconds() <= 0:
        return gettext("đã hết hạn")
    days, hours, minutes = remaining.days, remaining.seconds // 3600, remaining.seconds % 3600 // 60
    if days:
        return gettext("còn %(days)d ngày %(hours)d giờ") % {"days": days, "hours": hours}
    return gettext("còn %(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}


def next_deadline(cycle: Cycle) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, deadline__gte=timezone.now()).order_by("deadline").first()


@dataclass
class GroupProgress:
    peer_group_id: int
    name: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def cycle_progress(cycle: Cycle) -> tuple[dict[str, int], list[GroupProgress]]:
    """Counts of evaluations per status, for the whole cohort and per peer group: one query."""
    rows = (
        Enrolment.objects.filter(cycle=cycle)
        .values("peer_group_id", "peer_group__name", "peer_group__sort_order", "evaluation__status")
        .annotate(n=Count("pk"))
        .order_by("peer_group__sort_order", "peer_group__name")
    )
    totals = {status.value: 0 for status in EvaluationStatus}
    groups: dict[int, GroupProgress] = {}
    for row in rows:
        group = groups.setdefault(
            row["peer_group_id"], GroupProgress(row["peer_group_id"], row["peer_group__name"])
        )
        status = row["evaluation__status"]
        group.by_status[status] = group.by_status.get(status, 0) + row["n"]
        group.total += row["n"]
        totals[status] = totals.get(status, 0) + row["n"]
    return totals, list(groups.values())


def cohort(cycle: Cycle):
    return (
        Enrolment.objects.filter(cycle=cycle)
        .select_related("peer_group", "evaluation")
        .order_by("peer_group__sort_order", "agenda_order", "full_name")
    )


@dataclass
class FormPart:
    code: str
    title: str
    criteria: list = field(default_factory=list)

    @property
    def max_points(self):
        points = [c.max_points for c in self.criteria if c.max_points is not None]
        return sum(points) if points else None


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


def self_assessment_deadline(enrolment: Enrolment, phase: Phase | None):
    """The person's own deadline: the phase's, or a later one Home Affairs granted them."""
    if phase is None:
        return None
    extended = enrolment.evaluation.deadline_extended_to
    return max(phase.deadline, extended) if extended else phase.deadline


def criteria_by_form(cycle: Cycle) -> list[tuple[str, list[CycleCriterion]]]:
    """Every form of the cycle with its lines, labelled "Nghị định 335 – Công chức – lãnh đạo" (one query)."""
    forms: dict[tuple, list] = {}
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


# --- The conference (issue #5) ---


@dataclass(frozen=True)
class AgendaItem:
    evaluation_id: int
    full_name: str
    title: str
    organisation_name: str
    peer_group_id: int
    peer_group_name: str


@dataclass(frozen=True)
class AgendaPosition:
    """Where one person stands in the conference's running order: "12/41 – Giám đốc sở và tương đương"."""

    item: AgendaItem
    number: int
    total: int
    number_in_group: int
    group_total: int
    previous: AgendaItem | None
    next: AgendaItem | None


@dataclass
class ConferenceAgenda:
    items: list[AgendaItem]

    def __len__(self):
        return len(self.items)

    @property
    def first(self) -> AgendaItem | None:
        return self.items[0] if self.items else None

    def position(self, evaluation_id: int) -> AgendaPosition | None:
        for index, item in enumerate(self.items):
            if item.evaluation_id == evaluation_id:
                group = [other for other in self.items if other.peer_group_id == item.peer_group_id]
                return AgendaPosition(
                    item=item,
                    number=index + 1,
                    total=len(self.items),
                    number_in_group=group.index(item) + 1,
                    group_total=len(group),
                    previous=self.items[index - 1] if index > 0 else None,
                    next=self.items[index + 1] if index + 1 < len(self.items) else None,
                )
        return None


def conference_agenda(cycle: Cycle) -> ConferenceAgenda:
    """The cohort in the order the conference discusses it: by peer group, then the order Home Affairs set,
    then name (the same order as the compilation table). One query."""
    rows = (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .order_by(
            "enrolment__peer_group__sort_order",
            "enrolment__peer_group_id",
            "enrolment__agenda_order",
            "enrolment__full_name",
            "pk",
        )
        .values_list(
            "pk",
            "enrolment__full_name",
            "enrolment__title",
            "enrolment__organisation_name",
            "enrolment__peer_group_id",
            "enrolment__peer_group_name",
        )
    )
    return ConferenceAgenda([AgendaItem(*row) for row in rows])


# --- Closing the cycle (domain.md §3.10, issue #5) ---


def _unsent_notices(cycle: Cycle):
    """Notices of the decisions in force that have not gone out by e-mail yet. One with no address to send to
    is not waiting for anything (the person reads it in the portal)."""
    from reviews.models import DecisionState, Notice, NoticeEmailStatus

    return Notice.objects.filter(
        evaluation__enrolment__cycle=cycle, decision__state=DecisionState.SIGNED, emailed_at__isnull=True
    ).exclude(email_status=NoticeEmailStatus.NO_ADDRESS)


def cycle_close_blockers(cycle: Cycle, now=None) -> list[str]:
    """What still stands between the cycle and its closing, one sentence each; empty means it may be closed.
    Everything is read-only afterwards, so nothing may be left unfinished (domain.md §3.10)."""
    from reviews.models import Objection, ObjectionStatus

    if cycle.status == CycleStatus.CLOSED:
        return [gettext("Kỳ đánh giá đã kết thúc.")]
    blockers = []
    if cycle.status != CycleStatus.SIGNED_OFF:
        blockers.append(gettext("Kết quả xếp loại chưa được Chủ tịch phê duyệt."))
    open_objections = list(
        Objection.objects.filter(evaluation__enrolment__cycle=cycle, status=ObjectionStatus.OPEN)
        .order_by("filed_at")
        .values_list("evaluation__enrolment__full_name", flat=True)
    )
    if open_objections:
        blockers.append(
            ngettext(
                "%(count)d kiến nghị chưa được trả lời: %(names)s.",
                "%(count)d kiến nghị chưa được trả lời: %(names)s.",
                len(open_objections),
            )
            % {"count": len(open_objections), "names": ", ".join(open_objections)}
        )
    phase = phase_of(cycle, PhaseKind.OBJECTIONS)
    if phase is None:
        # Closing without ever opening the window would take away the right to object (domain.md §3.9).
        blockers.append(gettext("Chưa đặt thời hạn nhận kiến nghị."))
    elif phase.is_open and phase.deadline > (now or timezone.now()):
        blockers.append(
            gettext("Thời hạn nhận kiến nghị chưa hết (đến %(deadline)s) và giai đoạn kiến nghị đang mở.")
            % {"deadline": date_format(timezone.localtime(phase.deadline), "H:i d/m/Y")}
        )
    names = list(
        _unsent_notices(cycle)
        .order_by("evaluation__enrolment__full_name")
        .values_list("evaluation__enrolment__full_name", flat=True)
    )
    if names:
        blockers.append(
            ngettext(
                "%(count)d thông báo kết quả chưa gửi được qua thư điện tử: %(names)s.",
                "%(count)d thông báo kết quả chưa gửi được qua thư điện tử: %(names)s.",
                len(names),
            )
            % {"count": len(names), "names": ", ".join(names)}
        )
    return blockers


# --- Rules about the cohort's snapshot and the quota's citations (the rules engine's corrections) ---


def title_is_head(title: str, is_leader: bool = True) -> bool:
    """Whether a leader's title makes them the head (người đứng đầu) of their agency: a deputy's title starts
    with "Phó" ("Phó Giám đốc", "Phó Chủ tịch", "Phó Giám đốc phụ trách"). The enrolment snapshots it; Home
    Affairs corrects it where a title misleads."""
    return is_leader and not title.strip().lower().startswith("phó")


def quota_citation(cycle: Cycle, enrolments) -> str:
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


def quota_exception_refusal(cycle: Cycle, enrolments, agency_levels: dict) -> str | None:
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
