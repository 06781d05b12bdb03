"""The printed papers of periodic tracking (issue #12): the period form of one person (Decree 335/2025 Mẫu 01A for staff,
01B for leaders, "Phiếu theo dõi, đánh giá công chức (Kỳ theo dõi, đánh giá: …)"; the same form titled "… viên chức"
under Decree 233/2026), the summary of a person's year from their periods, every form of one period for the whole
cohort, and section "I. Tổng hợp kết quả theo dõi, đánh giá" of the annual form (Decree 233 Phụ lục II).

A period not confirmed yet prints as a draft ("DỰ THẢO" on every page). A period form is a form, not an administrative
document: it takes no register number (Decree 30/2020 Art. 15 numbers documents, not forms). The arithmetic is the
rulebook's (cycles/rulebooks/tracking.py); this module only lays it out, with its working, in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cycles.models import Cycle, Enrolment
from cycles.rulebooks.tracking import (
    AnnualScore,
    PeriodInput,
    PeriodLine,
    ScoreError,
    TrackingRules,
    annual_score,
    period_lines,
    period_score,
    quantize,
)
from cycles.selectors import cohort_order
from tracking.models import (
    CycleTracking,
    PeriodConfirmation,
    PeriodRecord,
    PeriodStatus,
    PeriodTask,
    TrackerAssignment,
    TrackingPeriod,
)
from tracking.selectors import enrolment_is_tracked, tracking_of

from ..errors import DocumentError
from ..models import DocumentKind, Letterhead
from .wording import blank_date_line, date_line, day_text, decimal_text, letterhead_for, person_data, slug

__all__ = [
    "period_form_data",
    "period_forms_data",
    "period_record_form_data",
    "tracking_totals_by_enrolment",
    "tracking_totals_of",
    "year_summary_data",
]

Data = dict[str, Any]

# The three groups of general criteria, 10 points each (Decree 233 Phụ lục I; Decree 335 Mẫu 01A/01B, part I).
GENERAL_GROUPS: tuple[tuple[str, str], ...] = (
    ("I", "Phẩm chất chính trị, phẩm chất đạo đức và ý thức kỷ luật, kỷ cương trong thực thi nhiệm vụ"),
    (
        "II",
        "Năng lực chuyên môn, nghiệp vụ theo yêu cầu của vị trí việc làm; khả năng đáp ứng yêu cầu nhiệm vụ; "
        "tinh thần trách nhiệm; thái độ phục vụ Nhân dân, doanh nghiệp và khả năng phối hợp",
    ),
    ("III", "Năng lực đổi mới, sáng tạo; dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung"),
)

# Who the form is about, by the person's rulebook: Decree 335 rates công chức (Mẫu 01A/01B), Decree 233 viên chức
# (its Phụ lục II has no period form; the same structure under its own title), Regulation 366 cán bộ.
PERSON_NOUN = {"decree_335": "CÔNG CHỨC", "decree_233": "VIÊN CHỨC", "regulation_366": "CÁN BỘ"}
PERSON_NOUN_BY_TYPE = {"cong_chuc": "CÔNG CHỨC", "vien_chuc": "VIÊN CHỨC", "can_bo": "CÁN BỘ"}


def _num(value: Decimal | str | None) -> str:
    return decimal_text(value)


def _values(raw: dict[str, str] | None) -> dict[str, Decimal]:
    return {code: Decimal(text) for code, text in (raw or {}).items() if text not in (None, "")}


def _form_title(enrolment: Enrolment) -> str:
    noun = PERSON_NOUN.get(enrolment.rulebook_code) or PERSON_NOUN_BY_TYPE.get(enrolment.personnel_type, "")
    return f"PHIẾU THEO DÕI, ĐÁNH GIÁ {noun}".strip()


def _form_number(enrolment: Enrolment) -> str:
    # Only Decree 335 numbers its period forms: 01A for staff, 01B for leaders.
    if enrolment.rulebook_code != "decree_335":
        return ""
    return "Mẫu số 01B" if enrolment.is_leader else "Mẫu số 01A"


def _in_force(record: PeriodRecord | None) -> PeriodConfirmation | None:
    """The confirmation in force: the newest (a correction replaces, never overwrites, the one before)."""
    if record is None or record.status != PeriodStatus.CONFIRMED:
        return None
    confirmations = sorted(record.confirmations.all(), key=lambda c: c.number)
    return confirmations[-1] if confirmations else None


def _score_working(values: dict[str, Decimal], *, is_leader: bool, rules: TrackingRules) -> tuple[str, str]:
    """The score and its working when every line is scored, else ("", "")."""
    try:
        score = period_score(values, is_leader=is_leader, rules=rules)
    except ScoreError:
        return "", ""
    return _num(score.total), score.working


def _general_groups(
    lines: Sequence[PeriodLine],
    own: dict[str, Decimal],
    confirmed: dict[str, Decimal],
    reasons: dict[str, str],
    comments: dict[str, str],
) -> list[Data]:
    def total(values: dict[str, Decimal], group_lines: Sequence[PeriodLine]) -> str:
        scored = [values[line.code] for line in group_lines if line.code in values]
        return _num(sum(scored, Decimal(0))) if len(scored) == len(group_lines) else ""

    groups = []
    for roman, title in GENERAL_GROUPS:
        group_lines = [
            line for line in lines if line.number.split(".")[0] == roman and not line.is_percentage
        ]
        rows = [
            {
                "number": line.number.split(".", 1)[1] if "." in line.number else "",
                "title": str(line.title),
                "max": _num(line.max_points),
                "self": _num(own.get(line.code)),
                "confirmed": _num(confirmed.get(line.code)),
                "reason": reasons.get(line.code, ""),
                "comment": comments.get(line.code, ""),
            }
            for line in group_lines
        ]
        single = len(rows) == 1 and rows[0]["number"] == ""
        groups.append(
            {
                "number": roman,
                "title": title,
                "max": _num(sum((line.max_points or Decimal(0) for line in group_lines), Decimal(0))),
                "self": total(own, group_lines),
                "confirmed": total(confirmed, group_lines),
                # Group III is one line: its scores, reason and comment print on the group's own row.
                "reason": rows[0]["reason"] if single else "",
                "comment": rows[0]["comment"] if single else "",
                "lines": [] if single else rows,
            }
        )
    return groups


def _task_points(values: dict[str, Decimal], lines: Sequence[PeriodLine]) -> str:
    percentages = [values[line.code] for line in lines if line.is_percentage and line.code in values]
    if not percentages or len(percentages) != len([line for line in lines if line.is_percentage]):
        return ""
    exact = Decimal(70) * (sum(percentages, Decimal(0)) / len(percentages)) / Decimal(100)
    shown = exact.quantize(Decimal("0.01")) if exact != exact.quantize(Decimal("0.01")) else exact
    return ("≈ " if shown != exact else "") + _num(shown)


def _work_plan(tasks: Iterable[PeriodTask]) -> list[Data]:
    rows = []
    for number, task in enumerate(tasks, start=1):
        on_time = task.on_time
        rows.append(
            {
                "number": number,
                "title": task.title,
                "planned": "" if task.quantity_planned is None else str(task.quantity_planned),
                "done": "" if task.quantity_done is None else str(task.quantity_done),
                "quality_required": task.quality_required,
                "quality_achieved": task.quality_achieved,
                "due": day_text(task.due_on),
                "done_on": day_text(task.done_on),
                "on_time": "" if on_time is None else ("Đúng hạn" if on_time else "Chậm"),
            }
        )
    return rows


def _records_query() -> Any:
    return PeriodRecord.objects.select_related("period").prefetch_related(
        Prefetch("confirmations", queryset=PeriodConfirmation.objects.order_by("number")),
        Prefetch("tasks", queryset=PeriodTask.objects.order_by("sort_order", "pk")),
    )


def _enrolments_query() -> Any:
    return Enrolment.objects.select_related(
        "cycle__authority", "organisation__parent__parent", "tracker_assignment", "official"
    )


def _tracking_or_error(cycle: Cycle) -> CycleTracking:
    tracking = tracking_of(cycle)
    if tracking is None:
        raise DocumentError(_("Kỳ đánh giá này không theo dõi, đánh giá theo tháng, quý."))
    return tracking


def period_form_data(
    *,
    enrolment: Enrolment,
    period: TrackingPeriod,
    record: PeriodRecord | None,
    tracking: CycleTracking,
    letterheads: dict[int, Letterhead] | None = None,
) -> Data:
    """What the period form of one person prints (Decree 335 Mẫu 01A/01B). `record` None: nothing entered yet (a
    blank draft, as the cohort's pack prints it for someone who has not started)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _period_form_data(enrolment, period, record, tracking, letterheads)


def _period_form_data(
    enrolment: Enrolment,
    period: TrackingPeriod,
    record: PeriodRecord | None,
    tracking: CycleTracking,
    letterheads: dict[int, Letterhead] | None,
) -> Data:
    rules = tracking.rules()
    lines = period_lines(is_leader=enrolment.is_leader)
    confirmation = _in_force(record)
    own = _values(record.self_values if record else None)
    confirmed = _values(confirmation.values if confirmation else None)
    reasons: dict[str, str] = dict(confirmation.reasons) if confirmation else {}
    comments: dict[str, str] = dict(record.self_comments) if record else {}
    letterhead = letterhead_for(enrolment.organisation, letterheads)
    assignment: TrackerAssignment | None = getattr(enrolment, "tracker_assignment", None)
    self_score, self_working = _score_working(own, is_leader=enrolment.is_leader, rules=rules)
    confirmed_score, confirmed_working = "", ""
    if confirmation is not None:
        if confirmed:
            confirmed_score, confirmed_working = _score_working(
                confirmed, is_leader=enrolment.is_leader, rules=rules
            )
        else:
            # Results carried from an earlier agency (Decree 233 Art. 15(1)(a)): only the total came with them.
            confirmed_score, confirmed_working = _num(confirmation.score), confirmation.working
    months_worked = record.months_worked if record else period.months
    absence = ""
    if record is not None and months_worked < period.months:
        absence = _("Làm việc %(worked)d/%(months)d tháng của kỳ (%(reason)s%(note)s).") % {
            "worked": months_worked,
            "months": period.months,
            "reason": record.get_absence_display().lower(),
            "note": f": {record.absence_note}" if record.absence_note else "",
        }
    corrections = []
    if record is not None:
        for item in record.confirmations.all():
            if item.replaces_id is not None:
                corrections.append(
                    _("Điều chỉnh lần %(n)d ngày %(day)s: %(reason)s")
                    % {
                        "n": item.number - 1,
                        "day": day_text(timezone.localtime(item.confirmed_at).date()),
                        "reason": item.correction_reason,
                    }
                )
    submitted = record.submitted_at if record else None
    confirmed_on = timezone.localtime(confirmation.confirmed_at).date() if confirmation else None
    status = record.get_status_display() if record else str(PeriodStatus.DRAFT.label)
    return {
        "kind": DocumentKind.TRACKING_PERIOD_FORM.value,
        "filename": f"phieu-theo-doi-{period.short_label.lower()}-{period.starts_on.year}-"
        f"{slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead),
        "form_number": _form_number(enrolment),
        "title": _form_title(enrolment),
        "period_label": period.label,
        "period_dates": _("từ ngày %(start)s đến ngày %(end)s")
        % {"start": day_text(period.starts_on), "end": day_text(period.ends_on)},
        "person": person_data(enrolment),
        "is_leader": enrolment.is_leader,
        # Not confirmed yet: a draft on every page (issue #14 will separate drafts from issued papers further).
        "draft": confirmation is None,
        "status": status,
        "absence": absence,
        "not_worked": record is not None and months_worked == 0,
        "carried_from": record.carried_from if record else "",
        "general_groups": _general_groups(lines, own, confirmed, reasons, comments),
        "general_total": {
            "max": "30",
            "self": _sum_text(own, [line for line in lines if not line.is_percentage]),
            "confirmed": _sum_text(confirmed, [line for line in lines if not line.is_percentage]),
        },
        "task_lines": [
            {
                "number": line.number,
                "title": str(line.title),
                "self": _num(own.get(line.code)),
                "confirmed": _num(confirmed.get(line.code)),
                "reason": reasons.get(line.code, ""),
                "comment": comments.get(line.code, ""),
            }
            for line in lines
            if line.is_percentage
        ],
        "task_count": len([line for line in lines if line.is_percentage]),
        "task_points": {"self": _task_points(own, lines), "confirmed": _task_points(confirmed, lines)},
        "work_plan": _work_plan(record.tasks.all()) if record else [],
        "self_score": self_score,
        "self_working": self_working,
        "confirmed_score": confirmed_score,
        "confirmed_working": confirmed_working,
        "corrections": corrections,
        "strengths": record.strengths if record else "",
        "shortcomings": record.shortcomings if record else "",
        "opinion": confirmation.opinion if confirmation else "",
        "person_date": date_line(letterhead.place_name, timezone.localtime(submitted).date())
        if submitted
        else blank_date_line(),
        "tracker_date": date_line(letterhead.place_name, confirmed_on) if confirmed_on else blank_date_line(),
        "tracker_title": assignment.tracker_title if assignment else "",
        "tracker_name": (confirmation.confirmed_by_name if confirmation and confirmed else "")
        or (assignment.tracker_name if assignment else ""),
        "outline": f"{enrolment.full_name} – {period.label}",
    }


def _sum_text(values: dict[str, Decimal], lines: Sequence[PeriodLine]) -> str:
    if not all(line.code in values for line in lines):
        return ""
    return _num(sum((values[line.code] for line in lines), Decimal(0)))


def period_forms_data(*, period: TrackingPeriod) -> Data:
    """Every tracked person's form of one period, in agenda order, as one PDF ("all forms of Quý III")."""
    tracking = _tracking_or_error(period.cycle)
    with translation.override(settings.LANGUAGE_CODE):
        enrolments = [
            enrolment
            for enrolment in _enrolments_query().filter(cycle_id=period.cycle_id).order_by(*cohort_order())
            if enrolment_is_tracked(enrolment, tracking)
        ]
        if not enrolments:
            raise DocumentError(_("Kỳ đánh giá chưa có ai được theo dõi, đánh giá theo kỳ."))
        records = {record.enrolment_id: record for record in _records_query().filter(period=period)}
        letterheads = {row.organisation_id: row for row in Letterhead.objects.all()}
        forms = [
            _period_form_data(enrolment, period, records.get(enrolment.pk), tracking, letterheads)
            for enrolment in enrolments
        ]
        return {
            "kind": DocumentKind.TRACKING_PERIOD_FORMS.value,
            "filename": f"phieu-theo-doi-{period.short_label.lower()}-{period.starts_on.year}-ca-danh-sach.pdf",
            "period_label": period.label,
            "forms": forms,
            "outline": _("Phiếu theo dõi, đánh giá %(period)s") % {"period": period.label},
        }


# --- The year -----------------------------------------------------------------------------------------------


def _inputs(periods: Sequence[TrackingPeriod], records: dict[int, PeriodRecord]) -> list[PeriodInput]:
    now = timezone.now()
    inputs = []
    for period in periods:
        record = records.get(period.pk)
        confirmed = record is not None and record.status == PeriodStatus.CONFIRMED
        inputs.append(
            PeriodInput(
                label=period.label,
                months_in_period=period.months,
                months_worked=record.months_worked if record is not None else period.months,
                score=record.confirmed_score if confirmed and record is not None else None,
                due=period.deadline <= now,
            )
        )
    return inputs


def _average(values: Sequence[Decimal], rules: TrackingRules) -> tuple[str, str]:
    """The average brought to the cycle's places by its rounding, and its working in the rulebook's style:
    "(63 + 59,5) / 2 = 61,25 → 61,2"."""
    if not values:
        return "", ""
    exact = sum(values, Decimal(0)) / len(values)
    total = quantize(exact, rules)
    shown = " + ".join(_num(quantize_exact(value)) for value in values)
    exact_text = _num(quantize_exact(exact)) + ("…" if quantize_exact(exact) != exact else "")
    return _num(total), f"({shown}) / {len(values)} = {exact_text} → {_num(total)}"


def quantize_exact(value: Decimal) -> Decimal:
    """A part of a period's score shown to six places at most ("60,666666"), never rounded up."""
    places = Decimal("0.000001")
    return value if value == value.quantize(places) else value.quantize(places, rounding=ROUND_DOWN)


def _totals(
    enrolment: Enrolment,
    periods: Sequence[TrackingPeriod],
    records: dict[int, PeriodRecord],
    rules: TrackingRules,
) -> Data:
    """Section I of the annual form (Decree 233 Phụ lục II): the general criteria (max 30) and the task results
    (max 70), each the average over the periods the year counts of the confirmed points of that part, and the
    year's score from the periods with its working (cycles/rulebooks/tracking.annual_score)."""
    year = annual_score(_inputs(periods, records), rules)
    general: list[Decimal] = []
    tasks: list[Decimal] = []
    carried: list[str] = []
    by_label = {period.label: period for period in periods}
    for label in year.counted:
        record = records[by_label[label].pk]
        confirmation = _in_force(record)
        values = _values(confirmation.values if confirmation else None)
        if not values:
            carried.append(label)
            continue
        score = period_score(values, is_leader=enrolment.is_leader, rules=rules)
        general.append(score.general)
        tasks.append(score.task_points_exact)
    general_text, general_working = _average(general, rules)
    tasks_text, tasks_working = _average(tasks, rules)
    return {
        "general": general_text,
        "general_working": general_working,
        "tasks": tasks_text,
        "tasks_working": tasks_working,
        "score": _num(year.score) if year.score is not None else "",
        "score_working": year.working,
        "notes": _year_notes(year, carried),
    }


def _year_notes(year: AnnualScore, carried: Sequence[str] = ()) -> list[str]:
    notes = []
    if year.counted:
        notes.append(_("Các kỳ được tính: %(p)s.") % {"p": ", ".join(year.counted)})
    if carried:
        notes.append(
            _("Kết quả chuyển từ cơ quan cũ chỉ có tổng điểm, không tách theo tiêu chí: %(p)s.")
            % {"p": ", ".join(carried)}
        )
    if year.pending:
        notes.append(_("Chưa đến hạn: %(p)s.") % {"p": ", ".join(year.pending)})
    if year.missing:
        notes.append(_("Đã đến hạn nhưng chưa được xác nhận: %(p)s.") % {"p": ", ".join(year.missing)})
    if year.not_worked:
        notes.append(_("Không làm việc trong kỳ (không tính): %(p)s.") % {"p": ", ".join(year.not_worked)})
    if year.excluded_short:
        notes.append(
            _("Làm việc từ 01 tháng trở xuống (không tính): %(p)s.") % {"p": ", ".join(year.excluded_short)}
        )
    return notes


def tracking_totals_of(enrolment: Enrolment) -> Data | None:
    """Section I of one person's annual form, or None when they are not tracked."""
    tracking = tracking_of(enrolment.cycle)
    if tracking is None or not enrolment_is_tracked(enrolment, tracking):
        return None
    periods = list(TrackingPeriod.objects.filter(cycle_id=enrolment.cycle_id).order_by("number"))
    records = {record.period_id: record for record in _records_query().filter(enrolment=enrolment)}
    with translation.override(settings.LANGUAGE_CODE):
        return _totals(enrolment, periods, records, tracking.rules())


def tracking_totals_by_enrolment(cycle: Cycle, enrolments: Iterable[Enrolment]) -> dict[int, Data]:
    """Section I of every tracked person's annual form (the cohort's forms), in a fixed number of queries."""
    tracking = tracking_of(cycle)
    if tracking is None:
        return {}
    tracked = [enrolment for enrolment in enrolments if enrolment_is_tracked(enrolment, tracking)]
    if not tracked:
        return {}
    periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    by_person: dict[int, dict[int, PeriodRecord]] = {}
    for record in _records_query().filter(period__cycle=cycle):
        by_person.setdefault(record.enrolment_id, {})[record.period_id] = record
    rules = tracking.rules()
    with translation.override(settings.LANGUAGE_CODE):
        return {
            enrolment.pk: _totals(enrolment, periods, by_person.get(enrolment.pk, {}), rules)
            for enrolment in tracked
        }


def year_summary_data(*, enrolment: Enrolment) -> Data:
    """The summary of one person's year: every period with the months worked and why, the self and confirmed
    scores, whether it counts, and the year's score with its arithmetic (what was counted, pending, missing, not
    worked). A draft while the year is not complete."""
    tracking = tracking_of(enrolment.cycle)
    if tracking is None or not enrolment_is_tracked(enrolment, tracking):
        raise DocumentError(_("Người này không được theo dõi, đánh giá theo kỳ."))
    periods = list(TrackingPeriod.objects.filter(cycle_id=enrolment.cycle_id).order_by("number"))
    records = {record.period_id: record for record in _records_query().filter(enrolment=enrolment)}
    rules = tracking.rules()
    with translation.override(settings.LANGUAGE_CODE):
        year = annual_score(_inputs(periods, records), rules)
        totals = _totals(enrolment, periods, records, rules)
        letterhead = letterhead_for(enrolment.organisation)
        assignment: TrackerAssignment | None = getattr(enrolment, "tracker_assignment", None)
        rows = []
        for number, period in enumerate(periods, start=1):
            record = records.get(period.pk)
            months_worked = record.months_worked if record else period.months
            reason = ""
            if record is not None and months_worked < period.months:
                reason = record.get_absence_display()
                if record.absence_note:
                    reason += f": {record.absence_note}"
            if record is not None and record.carried_from:
                reason = (reason + "; " if reason else "") + _("Kết quả chuyển từ %(source)s") % {
                    "source": record.carried_from
                }
            rows.append(
                {
                    "number": number,
                    "label": period.label,
                    "dates": f"{day_text(period.starts_on)} – {day_text(period.ends_on)}",
                    "months": f"{months_worked}/{period.months}",
                    "reason": reason,
                    "status": ""
                    if months_worked == 0
                    else (record.get_status_display() if record else str(PeriodStatus.DRAFT.label)),
                    "self": _num(record.self_score) if record else "",
                    "confirmed": _num(record.confirmed_score)
                    if record and record.status == PeriodStatus.CONFIRMED
                    else "",
                    "counts": _counts_text(period.label, year),
                }
            )
        return {
            "kind": DocumentKind.TRACKING_YEAR_SUMMARY.value,
            "filename": f"tong-hop-theo-doi-{enrolment.cycle.year}-{slug(enrolment.full_name)}.pdf",
            "letterhead": asdict(letterhead),
            "title": _("BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ"),
            "subject": _("Năm %(year)d") % {"year": enrolment.cycle.year},
            "person": person_data(enrolment),
            "rulebook": str(enrolment.rulebook.name),
            "frequency": tracking.get_frequency_display(),
            "rows": rows,
            "score": _num(year.score) if year.score is not None else "",
            "working": year.working,
            "notes": _year_notes(year),
            "totals": totals,
            "rules": [
                str(tracking._meta.get_field("short_period").verbose_name).capitalize()
                + ": "
                + tracking.get_short_period_display(),
                str(tracking._meta.get_field("missing_period").verbose_name).capitalize()
                + ": "
                + tracking.get_missing_period_display(),
                _("Làm tròn: %(rule)s; %(places)d chữ số thập phân.")
                % {"rule": tracking.get_rounding_display().lower(), "places": rules.decimal_places},
            ],
            # Provisional while a period is still to come or still to be confirmed.
            "draft": year.score is None or bool(year.pending),
            "person_date": blank_date_line(),
            "tracker_date": blank_date_line(),
            "tracker_title": assignment.tracker_title if assignment else "",
            "tracker_name": assignment.tracker_name if assignment else "",
            "outline": _("Tổng hợp kết quả theo dõi, đánh giá năm %(year)d – %(name)s")
            % {"year": enrolment.cycle.year, "name": enrolment.full_name},
        }


def _counts_text(label: str, year: AnnualScore) -> str:
    if label in year.counted:
        return _("Được tính")
    if label in year.not_worked:
        return _("Không làm việc")
    if label in year.excluded_short:
        return _("Không tính (≤ 01 tháng)")
    if label in year.missing:
        return _("Thiếu (chưa xác nhận)")
    if label in year.pending:
        return _("Chưa đến hạn")
    return ""


def period_record_form_data(*, record: PeriodRecord) -> Data:
    """The form of one person's period, read afresh with everything it prints (five queries)."""
    tracking = _tracking_or_error(record.period.cycle)
    fresh = _records_query().get(pk=record.pk)
    enrolment = _enrolments_query().get(pk=record.enrolment_id)
    return period_form_data(enrolment=enrolment, period=fresh.period, record=fresh, tracking=tracking)
