"""Every write of periodic tracking: setting a cycle up for it, assigning trackers, the person's period (self-score,
work plan and results, submission), the tracker's confirmation and its corrections, months not worked, results
carried from an earlier agency, and closing periods at their deadline.

Who may do what (Decree 233/2026 Art. 13): the person fills their own period; the tracker assigned to them (the leader
who assigns their work) confirms, returns or corrects it; Home Affairs sets the cycle up, assigns trackers and records
months not worked and carried results. Every service re-checks its caller, as the views do first."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import ActingAs, Action
from audit.services import audit_record
from common.outbox import OutboxSkip, outbox_enqueue, outbox_send
from common.uploads import upload_checked
from cycles.models import Cycle, CycleStatus, Enrolment
from cycles.rulebooks.tracking import (
    Frequency,
    MissingPeriod,
    PeriodLine,
    ScoreError,
    ScoreRounding,
    ShortPeriod,
    decimals_of,
    line_value_checked,
    period_lines,
    period_score,
)
from officials.permissions import require_home_affairs

from .errors import StalePeriodError, TrackingError
from .models import (
    Absence,
    CycleTracking,
    PeriodConfirmation,
    PeriodEvidence,
    PeriodRecord,
    PeriodReminder,
    PeriodStatus,
    PeriodTask,
    ReminderKind,
    ReminderStatus,
    TrackerAssignment,
    TrackingPeriod,
    period_dates,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

__all__ = [
    "DEFAULT_DEADLINE_DAY",
    "AssignmentLine",
    "AssignmentsImportResult",
    "AssignmentsRefused",
    "ImportRowError",
    "TaskLine",
    "period_absence_set",
    "period_carried_record",
    "period_confirm",
    "period_correct",
    "period_deadline_set",
    "period_evidence_attach",
    "period_evidence_remove",
    "period_person_refusal",
    "period_record_get",
    "period_return",
    "period_self_save",
    "period_submit",
    "period_tasks_import",
    "period_tasks_save",
    "period_withdraw",
    "period_reminder_message",
    "period_reminder_send",
    "period_reminders_due",
    "period_reminders_request",
    "periods_close_due",
    "tracker_assign",
    "tracker_assignments_import",
    "tracker_assignments_set",
    "tracking_set_up",
]

# The 25th of the period's last month: Khánh Hòa's monthly reports are due before the 25th, the Customs' quarterly
# files on the 23rd (reference/periodic-tracking.md); no national text fixes a day. Home Affairs moves each one.
DEFAULT_DEADLINE_DAY = 25
DEADLINE_TIME = time(17, 0)
TEXT_MAX = 4000
TASKS_MAX = 60
EDITABLE_CYCLE = (CycleStatus.SETUP, CycleStatus.IN_PROGRESS)


def _check_cycle_open(cycle: Cycle) -> None:
    if cycle.status not in EDITABLE_CYCLE:
        raise TrackingError(
            _("Kết quả của kỳ đánh giá đã được phê duyệt; kết quả theo dõi không thay đổi được nữa.")
        )


def _text(value: str, label: str, *, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise TrackingError(
            _("“%(field)s” dài %(length)d ký tự, quá giới hạn %(max)d ký tự.")
            % {"field": label, "length": len(value), "max": limit}
        )
    return value


# --- Set-up (Home Affairs) ---


def _default_deadline(year: int, frequency: Frequency, number: int) -> datetime:
    _first, last = period_dates(year, frequency, number)
    day = min(DEFAULT_DEADLINE_DAY, calendar.monthrange(last.year, last.month)[1])
    return timezone.make_aware(datetime.combine(date(last.year, last.month, day), DEADLINE_TIME))


@transaction.atomic
def tracking_set_up(
    *,
    cycle: Cycle,
    frequency: str,
    by: User,
    short_period: str = ShortPeriod.COUNTS,
    missing_period: str = MissingPeriod.BLOCKS,
    rounding: str = ScoreRounding.DOWN,
) -> CycleTracking:
    """The cycle tracks its year monthly or quarterly (Decree 233 Art. 3(5) leaves the choice to the agency): its
    settings and its periods, each with a default deadline. The frequency is fixed once anyone has saved a period."""
    require_home_affairs(by)
    _check_cycle_open(cycle)
    for value, enum in (
        (frequency, Frequency),
        (short_period, ShortPeriod),
        (missing_period, MissingPeriod),
        (rounding, ScoreRounding),
    ):
        if value not in {member.value for member in enum}:
            raise TrackingError(_("Lựa chọn không hợp lệ."))
    tracking = CycleTracking.objects.select_for_update().filter(cycle=cycle).first()
    started = PeriodRecord.objects.filter(period__cycle=cycle).exists()
    if tracking is not None and tracking.frequency != frequency and started:
        raise TrackingError(
            _("Đã có người nhập kết quả theo dõi; không đổi được kỳ theo dõi (tháng/quý) nữa.")
        )
    values = {
        "frequency": frequency,
        "short_period": short_period,
        "missing_period": missing_period,
        "rounding": rounding,
    }
    if tracking is None:
        tracking = CycleTracking.objects.create(cycle=cycle, **values)
    else:
        for name, value in values.items():
            setattr(tracking, name, value)
        tracking.save(update_fields=list(values))
    if not started:
        TrackingPeriod.objects.filter(cycle=cycle).exclude(frequency=frequency).delete()
    count = 12 if frequency == Frequency.MONTHLY else 4
    existing = set(TrackingPeriod.objects.filter(cycle=cycle).values_list("number", flat=True))
    TrackingPeriod.objects.bulk_create(
        [
            TrackingPeriod(
                cycle=cycle,
                number=number,
                frequency=frequency,
                starts_on=period_dates(cycle.year, Frequency(frequency), number)[0],
                ends_on=period_dates(cycle.year, Frequency(frequency), number)[1],
                deadline=_default_deadline(cycle.year, Frequency(frequency), number),
            )
            for number in range(1, count + 1)
            if number not in existing
        ]
    )
    audit_record(
        action=Action.TRACKING_SET_UP,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        cycle=cycle,
        target=str(cycle),
        after=values,
    )
    return tracking


def period_deadline_set(*, period: TrackingPeriod, deadline: datetime, by: User) -> TrackingPeriod:
    require_home_affairs(by)
    _check_cycle_open(period.cycle)
    if timezone.is_naive(deadline):
        raise TrackingError(_("Hạn gửi không hợp lệ."))
    if deadline.date() < period.starts_on:
        raise TrackingError(_("Hạn gửi phải sau ngày bắt đầu của kỳ."))
    reopened = period.closed_at is not None and deadline > timezone.now()
    TrackingPeriod.objects.filter(pk=period.pk).update(
        deadline=deadline, closed_at=None if reopened else period.closed_at
    )
    period.refresh_from_db()
    return period


@transaction.atomic
def tracker_assign(*, enrolment: Enrolment, tracker: User, title: str = "", by: User) -> TrackerAssignment:
    """The leader who assigns the person's work tracks and scores their periods (Decree 233 Art. 13(2)). Never the
    person themself."""
    require_home_affairs(by)
    _check_cycle_open(enrolment.cycle)
    if not tracker.is_active:
        raise TrackerAssignmentError(_("Tài khoản này đã bị khóa."))
    if enrolment.official.user_id == tracker.pk:
        raise TrackerAssignmentError(
            _("%(name)s không thể tự theo dõi, đánh giá chính mình.") % {"name": enrolment.full_name}
        )
    name = (tracker.get_full_name() or tracker.get_username())[:150]
    title = _text(title, _("chức vụ người theo dõi"), limit=255)
    earlier = TrackerAssignment.objects.filter(enrolment=enrolment).first()
    before = (
        {"tracker_name": earlier.tracker_name, "tracker_title": earlier.tracker_title} if earlier else None
    )
    assignment, _created = TrackerAssignment.objects.update_or_create(
        enrolment=enrolment,
        defaults={"tracker": tracker, "tracker_name": name, "tracker_title": title, "assigned_by": by},
    )
    audit_record(
        action=Action.TRACKER_ASSIGNED,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        cycle=enrolment.cycle,
        target=enrolment.full_name,
        before=before,
        after={"tracker_name": name, "tracker_title": title},
    )
    return assignment


class TrackerAssignmentError(TrackingError):
    pass


# --- The person's period ---


def period_record_get(*, enrolment: Enrolment, period: TrackingPeriod) -> PeriodRecord:
    """The person's record of a period, created empty (the whole period worked) the first time it is needed."""
    if period.cycle_id != enrolment.cycle_id:
        raise TrackingError(_("Kỳ theo dõi không thuộc kỳ đánh giá của người này."))
    record, _created = PeriodRecord.objects.get_or_create(
        enrolment=enrolment, period=period, defaults={"months_worked": period.months}
    )
    return record


def _require_person(record: PeriodRecord, by: User) -> None:
    # Defence in depth: the views fetched the record through the access helpers.
    if record.enrolment.official.user_id != getattr(by, "pk", None):
        raise PermissionDenied


def _require_tracker(record: PeriodRecord, by: User) -> None:
    assignment = TrackerAssignment.objects.filter(enrolment_id=record.enrolment_id).first()
    if assignment is None or assignment.tracker_id != by.pk or record.enrolment.official.user_id == by.pk:
        raise PermissionDenied


def period_is_open(period: TrackingPeriod, now: datetime | None = None) -> bool:
    """The person may change their part until the period's deadline (or until Home Affairs closes it)."""
    return period.closed_at is None and period.deadline > (now or timezone.now())


def _check_person_may_edit(record: PeriodRecord) -> None:
    _check_cycle_open(record.period.cycle)
    if record.status == PeriodStatus.CONFIRMED:
        raise TrackingError(_("Kết quả kỳ này đã được xác nhận; không sửa được nữa."))
    if record.status == PeriodStatus.SUBMITTED:
        raise TrackingError(_("Kết quả kỳ này đã gửi; hãy rút lại trước khi sửa."))
    if not period_is_open(record.period):
        raise TrackingError(
            _("Đã hết hạn gửi kết quả %(period)s; không sửa được nữa. Hãy liên hệ người theo dõi, đánh giá.")
            % {"period": record.period.label}
        )


def _lines_of(record: PeriodRecord) -> tuple[PeriodLine, ...]:
    return period_lines(is_leader=record.enrolment.is_leader)


def _values_checked(
    record: PeriodRecord, raw: Mapping[str, str | Decimal | None], *, complete: bool
) -> dict[str, Decimal]:
    """Each typed value as an exact decimal within its line's range and the cycle's decimal places; every line when
    `complete`. Unknown lines are ignored (a forged field changes nothing)."""
    places = record.period.cycle.points_decimal_places
    values: dict[str, Decimal] = {}
    errors: list[str] = []
    for line in _lines_of(record):
        typed = raw.get(line.code)
        if typed is None or (isinstance(typed, str) and not typed.strip()):
            if complete:
                errors.append(_("“%(line)s”: chưa chấm.") % {"line": line.number})
            continue
        try:
            number = typed if isinstance(typed, Decimal) else Decimal(str(typed).strip().replace(",", "."))
            values[line.code] = line_value_checked(line, number, decimal_places=places)
        except (InvalidOperation, ValueError) as exc:
            errors.append(
                str(exc)
                if isinstance(exc, ScoreError)
                else _("“%(line)s”: không phải là số.") % {"line": line.number}
            )
    if errors:
        raise TrackingError(" ".join(errors))
    return values


def _rules_of(record: PeriodRecord) -> CycleTracking:
    tracking = CycleTracking.objects.select_related("cycle").filter(cycle_id=record.period.cycle_id).first()
    if tracking is None:
        raise TrackingError(_("Kỳ đánh giá này không theo dõi theo tháng, quý."))
    return tracking


def _bump(record: PeriodRecord, version: int, **changes: object) -> None:
    """A conditional update on the version the caller started from: a stale tab or a tracker's action in between
    is refused and nothing saved is lost."""
    updated = PeriodRecord.objects.filter(pk=record.pk, version=version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        current = PeriodRecord.objects.get(pk=record.pk)
        raise StalePeriodError(
            _(
                "Kết quả %(period)s vừa được lưu ở nơi khác (%(status)s). Nội dung bạn nhập vẫn còn nguyên bên dưới; "
                "hãy xem bản đã lưu rồi lưu lại."
            )
            % {"period": record.period.label, "status": current.get_status_display()},
            current_version=current.version,
        )


def period_self_save(
    *,
    record: PeriodRecord,
    values: Mapping[str, str | Decimal | None],
    comments: Mapping[str, str] | None = None,
    strengths: str = "",
    shortcomings: str = "",
    version: int,
    by: User,
) -> PeriodRecord:
    """Save the person's self-score (every line may be left for later while drafting) and their comments."""
    _require_person(record, by)
    _check_person_may_edit(record)
    checked = _values_checked(record, values, complete=False)
    lines = {line.code for line in _lines_of(record)}
    kept_comments = {
        code: _text(text, code, limit=TEXT_MAX)
        for code, text in (comments or {}).items()
        if code in lines and text
    }
    self_score = None
    if len(checked) == len(lines):
        self_score = period_score(
            checked, is_leader=record.enrolment.is_leader, rules=_rules_of(record).rules()
        ).total
    with transaction.atomic():
        _bump(
            record,
            version,
            self_values={code: f"{value}" for code, value in checked.items()},
            self_comments=kept_comments,
            strengths=_text(strengths, _("Ưu điểm")),
            shortcomings=_text(shortcomings, _("Hạn chế, khuyết điểm")),
            self_score=self_score,
            saved_at=timezone.now(),
        )
    record.refresh_from_db()
    return record


@dataclass(frozen=True)
class TaskLine:
    title: str
    quantity_planned: int | None = None
    quality_required: str = ""
    due_on: date | None = None
    quantity_done: int | None = None
    done_on: date | None = None
    quality_achieved: str = ""


def period_tasks_save(
    *, record: PeriodRecord, tasks: Sequence[TaskLine], version: int, by: User, imported: bool = False
) -> PeriodRecord:
    """The period's work plan and results, all lines at once. The person while drafting; the tracker, who assigns the
    work (Decree 233 Art. 13(1)), until they confirm."""
    is_tracker = TrackerAssignment.objects.filter(enrolment_id=record.enrolment_id, tracker_id=by.pk).exists()
    if is_tracker and record.enrolment.official.user_id != by.pk:
        _check_cycle_open(record.period.cycle)
        if record.status == PeriodStatus.CONFIRMED:
            raise TrackingError(_("Kết quả kỳ này đã được xác nhận; không sửa được nữa."))
    else:
        _require_person(record, by)
        _check_person_may_edit(record)
    if len(tasks) > TASKS_MAX:
        raise TrackingError(_("Mỗi kỳ tối đa %(n)d nhiệm vụ.") % {"n": TASKS_MAX})
    rows = []
    for order, task in enumerate(tasks, 1):
        title = _text(task.title, _("Nhiệm vụ, sản phẩm"), limit=500)
        if not title:
            raise TrackingError(_("Dòng %(n)d: hãy ghi tên nhiệm vụ, sản phẩm.") % {"n": order})
        if (
            task.quantity_done is not None
            and task.quantity_planned is not None
            and task.quantity_done > 10 * max(task.quantity_planned, 1)
        ):
            raise TrackingError(_("Dòng %(n)d: số lượng hoàn thành không hợp lý.") % {"n": order})
        period = record.period
        for day in (task.due_on, task.done_on):
            if day is not None and not (
                period.starts_on - timedelta(days=366) <= day <= period.ends_on + timedelta(days=366)
            ):
                raise TrackingError(_("Dòng %(n)d: ngày không hợp lệ.") % {"n": order})
        rows.append(
            PeriodTask(
                record=record,
                sort_order=order,
                title=title,
                quantity_planned=task.quantity_planned,
                quality_required=_text(task.quality_required, _("Yêu cầu chất lượng"), limit=500),
                due_on=task.due_on,
                quantity_done=task.quantity_done,
                done_on=task.done_on,
                quality_achieved=_text(task.quality_achieved, _("Chất lượng đạt được"), limit=500),
                imported=imported,
            )
        )
    with transaction.atomic():
        _bump(record, version)
        record.tasks.all().delete()
        PeriodTask.objects.bulk_create(rows)
    record.refresh_from_db()
    return record


def period_submit(*, record: PeriodRecord, version: int, by: User) -> PeriodRecord:
    """Send the period to the tracker: every line scored."""
    _require_person(record, by)
    _check_person_may_edit(record)
    missing = [line.number for line in _lines_of(record) if line.code not in record.self_values]
    if missing:
        raise TrackingError(
            _("Hãy tự chấm đủ các dòng trước khi gửi: %(lines)s.") % {"lines": ", ".join(missing)}
        )
    with transaction.atomic():
        _bump(record, version, status=PeriodStatus.SUBMITTED, submitted_at=timezone.now())
        _audit(
            record,
            Action.PERIOD_SUBMITTED,
            by,
            ActingAs.OFFICIAL,
            after={"self_score": f"{record.self_score}"},
        )
    record.refresh_from_db()
    return record


def period_withdraw(*, record: PeriodRecord, version: int, by: User) -> PeriodRecord:
    """Take a sent period back to change it, while the tracker has not confirmed it and the period is open."""
    _require_person(record, by)
    _check_cycle_open(record.period.cycle)
    if record.status != PeriodStatus.SUBMITTED:
        raise TrackingError(_("Chỉ rút lại được kết quả đã gửi mà chưa được xác nhận."))
    if not period_is_open(record.period):
        raise TrackingError(_("Đã hết hạn gửi kết quả %(period)s.") % {"period": record.period.label})
    _bump(record, version, status=PeriodStatus.DRAFT, submitted_at=None)
    record.refresh_from_db()
    return record


def _audit(
    record: PeriodRecord,
    action: Action,
    by: User,
    acting_as: ActingAs,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
    note: str = "",
) -> None:
    enrolment = record.enrolment
    audit_record(
        action=action,
        actor=by,
        acting_as=acting_as,
        cycle=enrolment.cycle,
        evaluation=getattr(enrolment, "evaluation", None),
        target=f"{enrolment.full_name} – {record.period.label}",
        before=before,
        after={"period": record.period.label, **(after or {})},
        note=note,
    )


# --- The tracker ---


def period_return(*, record: PeriodRecord, reason: str, version: int, by: User) -> PeriodRecord:
    """The tracker sends a period back to the person to complete, with the reason (the period stays open to them
    until its deadline)."""
    _require_tracker(record, by)
    _check_cycle_open(record.period.cycle)
    reason = _text(reason, _("Lý do trả lại"), limit=2000)
    if not reason:
        raise TrackingError(_("Hãy ghi lý do trả lại để người được theo dõi biết cần bổ sung gì."))
    if record.status != PeriodStatus.SUBMITTED:
        raise TrackingError(_("Chỉ trả lại được kết quả đã gửi mà chưa được xác nhận."))
    with transaction.atomic():
        _bump(record, version, status=PeriodStatus.DRAFT, submitted_at=None)
        _audit(record, Action.PERIOD_RETURNED, by, ActingAs.TRACKER, note=reason)
    record.refresh_from_db()
    return record


def _confirmation_checked(
    record: PeriodRecord,
    values: Mapping[str, str | Decimal | None],
    reasons: Mapping[str, str],
    compare_to: dict[str, str],
) -> tuple[dict[str, Decimal], dict[str, str]]:
    checked = _values_checked(record, values, complete=True)
    kept_reasons: dict[str, str] = {}
    missing: list[str] = []
    for line in _lines_of(record):
        earlier = compare_to.get(line.code)
        reason = _text((reasons or {}).get(line.code, ""), line.number, limit=2000)
        if earlier is not None and Decimal(earlier) != checked[line.code]:
            if not reason:
                missing.append(line.number)
            kept_reasons[line.code] = reason
    if missing:
        raise TrackingError(
            _("Điểm xác nhận khác điểm tự chấm ở dòng %(lines)s: hãy ghi lý do cho từng dòng.")
            % {"lines": ", ".join(missing)}
        )
    return checked, kept_reasons


def _confirmation_create(
    record: PeriodRecord,
    checked: dict[str, Decimal],
    reasons: dict[str, str],
    opinion: str,
    by: User,
    *,
    replaces: PeriodConfirmation | None = None,
    correction_reason: str = "",
) -> PeriodConfirmation:
    score = period_score(checked, is_leader=record.enrolment.is_leader, rules=_rules_of(record).rules())
    now = timezone.now()
    return PeriodConfirmation.objects.create(
        record=record,
        number=(replaces.number + 1) if replaces else 1,
        values={code: f"{value}" for code, value in checked.items()},
        reasons=reasons,
        opinion=_text(opinion, _("Ý kiến của người theo dõi, đánh giá")),
        general=score.general,
        task_average=score.task_average_pct.quantize(Decimal("0.0001")),
        score=score.total,
        working=score.working[:500],
        confirmed_by=by,
        confirmed_by_name=(by.get_full_name() or by.get_username())[:150],
        confirmed_at=now,
        replaces=replaces,
        correction_reason=correction_reason,
    )


def period_confirm(
    *,
    record: PeriodRecord,
    values: Mapping[str, str | Decimal | None],
    reasons: Mapping[str, str] | None = None,
    opinion: str = "",
    version: int,
    by: User,
) -> PeriodConfirmation:
    """The tracker confirms and scores the period (Decree 233 Art. 3(5)); a score different from the person's own
    needs its reason. The period is then locked: a later change is a correction, a new confirmation."""
    _require_tracker(record, by)
    _check_cycle_open(record.period.cycle)
    if record.status == PeriodStatus.CONFIRMED:
        raise TrackingError(
            _("Kết quả kỳ này đã được xác nhận; muốn thay đổi hãy điều chỉnh (ghi rõ lý do).")
        )
    if record.status == PeriodStatus.DRAFT and period_is_open(record.period):
        raise TrackingError(_("Người được theo dõi chưa gửi kết quả kỳ này và kỳ chưa hết hạn."))
    checked, kept = _confirmation_checked(record, values, reasons or {}, record.self_values)
    with transaction.atomic():
        confirmation = _confirmation_create(record, checked, kept, opinion, by)
        _bump(
            record,
            version,
            status=PeriodStatus.CONFIRMED,
            confirmed_score=confirmation.score,
            confirmed_at=confirmation.confirmed_at,
        )
        _audit(
            record,
            Action.PERIOD_CONFIRMED,
            by,
            ActingAs.TRACKER,
            before={"self_score": f"{record.self_score}" if record.self_score is not None else None},
            after={"score": f"{confirmation.score}", "changed_lines": sorted(kept)},
        )
    record.refresh_from_db()
    return confirmation


def period_correct(
    *,
    record: PeriodRecord,
    values: Mapping[str, str | Decimal | None],
    reasons: Mapping[str, str] | None = None,
    opinion: str = "",
    correction_reason: str,
    by: User,
) -> PeriodConfirmation:
    """A confirmed period changed by a new confirmation that replaces the one in force (both kept, never
    overwritten), with the reason for the correction."""
    _require_tracker(record, by)
    _check_cycle_open(record.period.cycle)
    correction_reason = _text(correction_reason, _("Lý do điều chỉnh"), limit=2000)
    if not correction_reason:
        raise TrackingError(_("Hãy ghi lý do điều chỉnh kết quả đã xác nhận."))
    with transaction.atomic():
        locked = PeriodRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status != PeriodStatus.CONFIRMED:
            raise TrackingError(_("Chỉ điều chỉnh được kết quả đã xác nhận."))
        current = PeriodConfirmation.objects.filter(record=locked, replaced_by__isnull=True).get()
        checked, kept = _confirmation_checked(locked, values, reasons or {}, {})
        confirmation = _confirmation_create(
            locked, checked, kept, opinion, by, replaces=current, correction_reason=correction_reason
        )
        PeriodRecord.objects.filter(pk=locked.pk).update(
            confirmed_score=confirmation.score,
            confirmed_at=confirmation.confirmed_at,
            version=F("version") + 1,
        )
        _audit(
            locked,
            Action.PERIOD_CORRECTED,
            by,
            ActingAs.TRACKER,
            before={"score": f"{current.score}"},
            after={"score": f"{confirmation.score}"},
            note=correction_reason,
        )
    record.refresh_from_db()
    return confirmation


# --- Home Affairs: months not worked, results carried from an earlier agency ---


def period_absence_set(
    *, record: PeriodRecord, months_worked: int, absence: str, note: str = "", by: User
) -> PeriodRecord:
    """Months of the period not worked and why (Decree 233 Art. 14(2), 15(1)(c): maternity or sick leave, unpaid
    leave, a transfer): the year averages the periods actually worked."""
    require_home_affairs(by)
    _check_cycle_open(record.period.cycle)
    if absence not in Absence.values:
        raise TrackingError(_("Lý do không hợp lệ."))
    if not 0 <= months_worked <= record.period.months:
        raise TrackingError(
            _("Số tháng làm việc trong kỳ phải từ 0 đến %(n)d.") % {"n": record.period.months}
        )
    if months_worked < record.period.months and not absence:
        raise TrackingError(_("Hãy chọn lý do không làm việc đủ kỳ."))
    before = {"months_worked": record.months_worked, "absence": record.absence}
    with transaction.atomic():
        PeriodRecord.objects.filter(pk=record.pk).update(
            months_worked=months_worked,
            absence=absence,
            absence_note=_text(note, _("Ghi chú"), limit=500),
            version=F("version") + 1,
        )
        _audit(
            record,
            Action.PERIOD_ABSENCE_SET,
            by,
            ActingAs.HOME_AFFAIRS,
            before=before,
            after={"months_worked": months_worked, "absence": absence},
        )
    record.refresh_from_db()
    return record


def period_carried_record(
    *, record: PeriodRecord, score: Decimal, source: str, by: User
) -> PeriodConfirmation:
    """A period worked at the person's earlier agency: its confirmed score as that agency sent it (Decree 233
    Art. 15(1)(a): "to compute the average"), with the document it came in."""
    require_home_affairs(by)
    _check_cycle_open(record.period.cycle)
    source = _text(source, _("Nguồn"), limit=255)
    if not source:
        raise TrackingError(_("Hãy ghi cơ quan cũ và văn bản gửi kết quả."))
    places = record.period.cycle.points_decimal_places
    if not (Decimal(0) <= score <= Decimal(100)):
        raise TrackingError(_("Điểm phải từ 0 đến 100."))
    if decimals_of(score) > places:
        raise TrackingError(_("Điểm chỉ ghi tối đa %(places)d chữ số thập phân.") % {"places": places})
    if record.status == PeriodStatus.CONFIRMED:
        raise TrackingError(_("Kết quả kỳ này đã được xác nhận."))
    now = timezone.now()
    with transaction.atomic():
        confirmation = PeriodConfirmation.objects.create(
            record=record,
            values={},
            opinion=_("Kết quả do %(source)s gửi (Nghị định 233/2026, Điều 15 khoản 1 điểm a).")
            % {"source": source},
            general=Decimal(0),
            task_average=Decimal(0),
            score=score,
            working=_("Kết quả chuyển từ cơ quan cũ: %(score)s") % {"score": score},
            confirmed_by=by,
            confirmed_by_name=(by.get_full_name() or by.get_username())[:150],
            confirmed_at=now,
        )
        PeriodRecord.objects.filter(pk=record.pk).update(
            status=PeriodStatus.CONFIRMED,
            carried_from=source,
            confirmed_score=score,
            confirmed_at=now,
            version=F("version") + 1,
        )
        _audit(
            record,
            Action.PERIOD_CONFIRMED,
            by,
            ActingAs.HOME_AFFAIRS,
            after={"score": f"{score}", "carried_from": source},
        )
    record.refresh_from_db()
    return confirmation


def periods_close_due(*, now: datetime | None = None) -> int:
    """Close every period whose deadline has passed (beat, every few minutes): the people's parts lock by
    themselves; trackers may still confirm. Returns how many closed."""
    now = now or timezone.now()
    return TrackingPeriod.objects.filter(closed_at__isnull=True, deadline__lte=now).update(closed_at=now)


def period_person_refusal(record: PeriodRecord) -> str | None:
    """Why the person may not change their part of the period now (the message the save would raise), or None:
    the pages show the form read-only with this message instead of letting a save fail."""
    try:
        _check_person_may_edit(record)
    except TrackingError as exc:
        return str(exc)
    return None


def period_tasks_import(*, record: PeriodRecord, data: bytes, version: int, by: User) -> PeriodRecord:
    """The work plan from a workbook (agencies that keep their task lists elsewhere), all or nothing: every row is
    read first; any refused row refuses the file, with the rows named."""
    from .workplan import workplan_parse

    lines, errors = workplan_parse(data)
    if errors:
        raise TrackingError(" ".join(errors))
    if not lines:
        raise TrackingError(_("Tệp không có nhiệm vụ nào."))
    return period_tasks_save(record=record, tasks=lines, version=version, by=by, imported=True)


# --- Home Affairs: many tracker assignments at once, from the set-up page or a spreadsheet ---


@dataclass(frozen=True)
class AssignmentLine:
    enrolment: Enrolment
    tracker: User
    title: str = ""
    row_number: int | None = None  # the spreadsheet's row, for the error report


class AssignmentsRefused(TrackingError):
    """One or more assignments were refused: nothing was saved. `errors` pairs each line with its message."""

    def __init__(self, errors: list[tuple[AssignmentLine, str]]):
        super().__init__(" ".join(message for _line, message in errors))
        self.errors = errors


def tracker_assignments_set(*, cycle: Cycle, lines: Sequence[AssignmentLine], by: User) -> int:
    """Assign many trackers in one go, each through tracker_assign: all or nothing. Lines that change nothing are
    skipped. Returns how many assignments changed."""
    require_home_affairs(by)
    current = {
        assignment.enrolment_id: (assignment.tracker_id, assignment.tracker_title)
        for assignment in TrackerAssignment.objects.filter(enrolment__cycle=cycle)
    }
    errors: list[tuple[AssignmentLine, str]] = []
    changed = 0
    with transaction.atomic():
        for line in lines:
            if line.enrolment.cycle_id != cycle.pk:
                errors.append((line, _("Người này không thuộc kỳ đánh giá.")))
                continue
            if current.get(line.enrolment.pk) == (line.tracker.pk, line.title.strip()):
                continue
            try:
                tracker_assign(enrolment=line.enrolment, tracker=line.tracker, title=line.title, by=by)
            except TrackingError as exc:
                errors.append((line, str(exc)))
            else:
                changed += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise AssignmentsRefused(errors)
    return changed


@dataclass(frozen=True)
class ImportRowError:
    row_number: int | None
    column: str
    message: str


@dataclass(frozen=True)
class AssignmentsImportResult:
    recorded: int = 0
    unchanged: int = 0
    errors: tuple[ImportRowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def tracker_assignments_import(*, cycle: Cycle, data: bytes, by: User) -> AssignmentsImportResult:
    """The filled assignments template: every row checked first, then every assignment written through
    tracker_assign in one transaction. Any error, and nothing is imported; the errors are listed by row."""
    from .spreadsheets import assignments_parse

    require_home_affairs(by)
    _check_cycle_open(cycle)
    rows, errors = assignments_parse(cycle=cycle, data=data)
    if errors:
        return AssignmentsImportResult(
            errors=tuple(ImportRowError(e.row_number, e.column, e.message) for e in errors)
        )
    lines = [AssignmentLine(row.enrolment, row.tracker, row.title, row.row_number) for row in rows]
    try:
        changed = tracker_assignments_set(cycle=cycle, lines=lines, by=by)
    except AssignmentsRefused as refused:
        return AssignmentsImportResult(
            errors=tuple(ImportRowError(line.row_number, "", message) for line, message in refused.errors)
        )
    return AssignmentsImportResult(recorded=changed, unchanged=len(lines) - changed)


# --- Reminders before each period's deadline (beat), without duplicates ---


def _tracked_rulebook_codes() -> list[str]:
    from cycles.rulebooks import RULEBOOKS

    return [code for code, rulebook in RULEBOOKS.items() if getattr(rulebook, "tracks_periods", False)]


def _people_not_sent(period: TrackingPeriod) -> list[int]:
    """Enrolment ids of the people of the period's cycle, tracked, with an active account and an address, who have
    not sent the period (no record, or a draft) and worked in it."""
    done = PeriodRecord.objects.filter(period=period).filter(
        Q(status__in=(PeriodStatus.SUBMITTED, PeriodStatus.CONFIRMED)) | Q(months_worked=0)
    )
    return list(
        Enrolment.objects.filter(
            cycle_id=period.cycle_id,
            rulebook_code__in=_tracked_rulebook_codes(),
            official__user__is_active=True,
        )
        .exclude(official__user__email="")
        .exclude(pk__in=done.values("enrolment_id"))
        .values_list("pk", flat=True)
    )


def _trackers_waiting(period: TrackingPeriod) -> list[int]:
    """User ids of the trackers with a period sent to them and not yet confirmed."""
    return list(
        TrackerAssignment.objects.filter(
            enrolment__period_records__period=period,
            enrolment__period_records__status=PeriodStatus.SUBMITTED,
            tracker__is_active=True,
        )
        .exclude(tracker__email="")
        .values_list("tracker_id", flat=True)
        .distinct()
    )


def _reminders_write(period: TrackingPeriod, requested_by: User | None) -> int:
    """One outbox row per person who has not sent and per tracker with periods waiting; a row that exists already
    (unique per addressee, kind and period) is not written again. Returns how many rows are new."""
    people = _people_not_sent(period)
    trackers = _trackers_waiting(period)
    existing_people = set(
        PeriodReminder.objects.filter(period=period, kind=ReminderKind.PERSON_DUE).values_list(
            "enrolment_id", flat=True
        )
    )
    existing_trackers = set(
        PeriodReminder.objects.filter(period=period, kind=ReminderKind.TRACKER_WAITING).values_list(
            "tracker_id", flat=True
        )
    )
    rows = [
        PeriodReminder(
            period=period, kind=ReminderKind.PERSON_DUE, enrolment_id=pk, requested_by=requested_by
        )
        for pk in people
        if pk not in existing_people
    ] + [
        PeriodReminder(
            period=period, kind=ReminderKind.TRACKER_WAITING, tracker_id=pk, requested_by=requested_by
        )
        for pk in trackers
        if pk not in existing_trackers
    ]
    # A concurrent writer (beat and the button at once) meets the unique constraint: its row is simply not added.
    PeriodReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _enqueue(ids: Sequence[int]) -> None:
    # After the commit; a broker outage leaves the rows pending for the reconciler (common/outbox.py).
    for reminder in PeriodReminder.objects.filter(pk__in=ids):
        outbox_enqueue(reminder)


def period_reminders_due(*, now: datetime | None = None) -> list[int]:
    """For beat: the reminders due now, written once each and enqueued after the commit (those lost with the
    broker or held by a killed worker are the outbox reconciler's, common/outbox.py). A person is reminded once the
    period's deadline is TRACKING_REMINDER_DAYS away; a tracker from then until as long after the deadline, as
    soon as a period waits for them. Returns the ids enqueued."""
    now = now or timezone.now()
    lead = timedelta(days=settings.TRACKING_REMINDER_DAYS)
    open_cycles = {"cycle__status__in": EDITABLE_CYCLE, "cycle__tracking__isnull": False}
    with transaction.atomic():
        for period in TrackingPeriod.objects.filter(
            closed_at__isnull=True, deadline__gt=now, deadline__lte=now + lead, **open_cycles
        ):
            _reminders_write(period, None)
        # After the deadline the people are not reminded any more; their trackers still are, for as long.
        for period in TrackingPeriod.objects.filter(
            deadline__gt=now - lead, deadline__lte=now, **open_cycles
        ):
            PeriodReminder.objects.bulk_create(
                [
                    PeriodReminder(period=period, kind=ReminderKind.TRACKER_WAITING, tracker_id=pk)
                    for pk in _trackers_waiting(period)
                ],
                ignore_conflicts=True,
            )
        ids = list(
            PeriodReminder.objects.filter(status=ReminderStatus.PENDING, claimed_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _enqueue(ids)
    return ids


def period_reminders_request(*, period: TrackingPeriod, by: User) -> int:
    """Home Affairs' button on the board: remind now, for this period, everyone who has not sent it and every
    tracker with periods waiting — except those already reminded of it. Returns how many reminders were queued."""
    require_home_affairs(by)
    _check_cycle_open(period.cycle)
    if period.closed_at is not None or period.deadline <= timezone.now():
        raise TrackingError(
            _("Đã hết hạn gửi kết quả %(period)s; không nhắc người được theo dõi nữa.")
            % {"period": period.label}
        )
    with transaction.atomic():
        count = _reminders_write(period, by)
        ids = list(
            PeriodReminder.objects.filter(period=period, status=ReminderStatus.PENDING).values_list(
                "pk", flat=True
            )
        )
        _enqueue(ids)
    return count


def _absolute(name: str, args: Sequence[object]) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = reverse("home")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def period_reminder_send(*, reminder_id: int) -> bool:
    """Send one reminder once (common.outbox.outbox_send). False when there is nothing to send: already sent or
    being sent by another delivery, or nothing is waiting any more, or no address (the reminder is skipped)."""
    return outbox_send(PeriodReminder, reminder_id)


def period_reminder_message(reminder: PeriodReminder) -> EmailMessage:
    """The reminder's e-mail; nothing when nothing waits any more (the person sent the period, the tracker
    confirmed it) or there is no address. The e-mail names the period and its deadline, never a score."""
    now = timezone.now()
    period = reminder.period
    context: dict[str, object] = {"period": period, "deadline": timezone.localtime(period.deadline)}
    user: User | None
    if reminder.kind == ReminderKind.PERSON_DUE:
        assert reminder.enrolment is not None
        user = reminder.enrolment.official.user
        still_due = (
            period.closed_at is None
            and period.deadline > now
            and reminder.enrolment.pk in _people_not_sent(period)
        )
        context |= {
            "name": reminder.enrolment.full_name,
            "link": _absolute("tracking:person_year", [reminder.enrolment.pk]),
        }
        template = "tracking/email/period_reminder_person"
    else:
        user = reminder.tracker
        waiting = list(
            PeriodRecord.objects.filter(
                period=period,
                status=PeriodStatus.SUBMITTED,
                enrolment__tracker_assignment__tracker_id=reminder.tracker_id,
            )
            .order_by("enrolment__full_name")
            .values_list("enrolment__full_name", flat=True)
        )
        still_due = bool(waiting)
        context |= {
            "name": (user.get_full_name() or user.get_username()) if user else "",
            "people": waiting,
            "link": _absolute("tracking:tracker_inbox", []),
        }
        template = "tracking/email/period_reminder_tracker"
    if not still_due or user is None or not user.is_active or not user.email:
        raise OutboxSkip()
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


# --- Evidence files of a period ---

EVIDENCE_MAX_FILES = 20


def _require_person_or_tracker_before_confirmation(record: PeriodRecord, by: User) -> None:
    """The person while they may change their part; their tracker until they confirm."""
    if record.enrolment.official.user_id == by.pk:
        _check_person_may_edit(record)
        return
    _require_tracker(record, by)
    _check_cycle_open(record.period.cycle)
    if record.status == PeriodStatus.CONFIRMED:
        raise TrackingError(_("Kết quả kỳ này đã được xác nhận; không sửa được nữa."))


def period_evidence_attach(*, record: PeriodRecord, upload: UploadedFile, by: User) -> PeriodEvidence:
    """A file backing the period's results: PDF, PNG or JPEG by content, within the portal's size limit."""
    _require_person_or_tracker_before_confirmation(record, by)
    content_type = upload_checked(upload, error=TrackingError)
    if record.evidence.count() >= EVIDENCE_MAX_FILES:
        raise TrackingError(_("Mỗi kỳ đính kèm tối đa %(n)d tệp.") % {"n": EVIDENCE_MAX_FILES})
    with transaction.atomic():
        evidence = PeriodEvidence(
            record=record,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        evidence.file.save("evidence", upload, save=False)
        evidence.save()
    return evidence


def period_evidence_remove(*, evidence: PeriodEvidence, by: User) -> None:
    _require_person_or_tracker_before_confirmation(evidence.record, by)
    storage, name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        evidence.delete()
        # The file goes once the row's deletion is committed.
        transaction.on_commit(lambda: storage.delete(name))
