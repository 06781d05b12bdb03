"""Periodic tracking (Law 80/2025 Art. 25; Decree 233/2026 Art. 3(5)–(6), 12(5), 13; Decree 335/2025 Art. 14, 21):
each month or quarter the leader who assigns a person's work records, confirms and scores it, and the year's score
is computed from those periods. The arithmetic and what the law leaves open are in `cycles/rulebooks/tracking.py`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.outbox import OutboxEmail, OutboxStatus
from cycles.models import Cycle, Enrolment
from cycles.rulebooks.tracking import Frequency, MissingPeriod, ScoreRounding, ShortPeriod, TrackingRules

if TYPE_CHECKING:
    from django.core.mail import EmailMessage


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class CycleTracking(models.Model):
    """The cycle's tracking: whether it tracks periods at all (the row exists), monthly or quarterly, and its choices
    where the law is silent (each default cites its source in cycles/rulebooks/tracking.py)."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="tracking")
    frequency = models.CharField(
        _("kỳ theo dõi"),
        max_length=10,
        choices=[(Frequency.QUARTERLY.value, _("Theo quý")), (Frequency.MONTHLY.value, _("Theo tháng"))],
        default=Frequency.QUARTERLY,
    )
    short_period = models.CharField(
        _("kỳ làm việc từ 01 tháng trở xuống"),
        max_length=10,
        choices=[
            (ShortPeriod.COUNTS.value, _("Tính như kỳ có làm việc (Nghị định 233/2026, Điều 14 khoản 2)")),
            (ShortPeriod.EXCLUDED.value, _("Không tính vào điểm năm (theo quy định riêng của ngành)")),
        ],
        default=ShortPeriod.COUNTS,
    )
    missing_period = models.CharField(
        _("kỳ đã đến hạn mà chưa được xác nhận"),
        max_length=10,
        choices=[
            (MissingPeriod.BLOCKS.value, _("Chưa có điểm năm cho đến khi được xác nhận (Điều 12 khoản 5)")),
            (MissingPeriod.EXCLUDED.value, _("Bỏ qua kỳ đó khi tính trung bình")),
        ],
        default=MissingPeriod.BLOCKS,
    )
    rounding = models.CharField(
        _("làm tròn điểm"),
        max_length=10,
        choices=[
            (ScoreRounding.DOWN.value, _("Làm tròn xuống (không văn bản nào quy định)")),
            (ScoreRounding.HALF_UP.value, _("Làm tròn theo quy tắc thông thường")),
        ],
        default=ScoreRounding.DOWN,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cách theo dõi của kỳ đánh giá")
        verbose_name_plural = _("cách theo dõi của kỳ đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=_values(Frequency)), name="tracking_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(short_period__in=_values(ShortPeriod)), name="tracking_short_valid"
            ),
            models.CheckConstraint(
                condition=Q(missing_period__in=_values(MissingPeriod)), name="tracking_missing_valid"
            ),
            models.CheckConstraint(
                condition=Q(rounding__in=_values(ScoreRounding)), name="tracking_rounding_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} – {self.get_frequency_display()}"

    def rules(self) -> TrackingRules:
        return TrackingRules(
            frequency=Frequency(self.frequency),
            short_period=ShortPeriod(self.short_period),
            missing_period=MissingPeriod(self.missing_period),
            rounding=ScoreRounding(self.rounding),
            decimal_places=self.cycle.points_decimal_places,
        )


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class TrackingPeriod(models.Model):
    """One month or quarter of the cycle's year, with the deadline by which the person sends their results."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="tracking_periods")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    frequency = models.CharField(max_length=10, choices=[(f.value, f.value) for f in Frequency])
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    deadline = models.DateTimeField(_("hạn gửi kết quả"))
    # Set when the deadline passes (beat) or Home Affairs closes it: the person can no longer change their part.
    closed_at = models.DateTimeField(_("đã khóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ theo dõi")
        verbose_name_plural = _("kỳ theo dõi")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="trackingperiod_one_number_per_cycle"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="trackingperiod_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(frequency="quarterly") & Q(number__gte=1) & Q(number__lte=4))
                | (Q(frequency="monthly") & Q(number__gte=1) & Q(number__lte=12)),
                name="trackingperiod_number_in_year",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.frequency == Frequency.QUARTERLY:
            return str(_("Quý %(n)s/%(year)s") % {"n": ROMAN[self.number], "year": self.starts_on.year})
        return str(_("Tháng %(n)s/%(year)s") % {"n": self.number, "year": self.starts_on.year})

    @property
    def short_label(self) -> str:
        return f"Q{self.number}" if self.frequency == Frequency.QUARTERLY else f"T{self.number}"

    @property
    def months(self) -> int:
        return 3 if self.frequency == Frequency.QUARTERLY else 1


class TrackerAssignment(models.Model):
    """Who tracks and scores a person's periods: the leader who assigns their work (Decree 233 Art. 13(2): the head of
    the managing body for the head of a public service unit; for a department director the chair or the vice-chair in
    charge of the sector). Home Affairs assigns them for the cycle."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="tracker_assignment")
    tracker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tracked_assignments"
    )
    tracker_name = models.CharField(_("họ tên người theo dõi"), max_length=150)
    tracker_title = models.CharField(_("chức vụ người theo dõi"), max_length=255, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người theo dõi, đánh giá")
        verbose_name_plural = _("người theo dõi, đánh giá")

    def __str__(self) -> str:
        return f"{self.enrolment} ← {self.tracker_name}"


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")


class Absence(models.TextChoices):
    NONE = "", _("Làm việc cả kỳ")
    MATERNITY = "maternity", _("Nghỉ thai sản")
    SICK = "sick", _("Nghỉ ốm")
    UNPAID = "unpaid", _("Nghỉ việc riêng không hưởng lương")
    TRANSFER_IN = "transfer_in", _("Chuyển đến trong kỳ")
    TRANSFER_OUT = "transfer_out", _("Chuyển đi trong kỳ")
    OTHER = "other", _("Khác")


class PeriodRecord(models.Model):
    """One person's period: their work plan and results, their self-score on every line, and, once their tracker
    confirms it, the confirmed score (the confirmation in force is the newest of `confirmations`)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="period_records")
    period = models.ForeignKey(TrackingPeriod, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)
    months_worked = models.PositiveSmallIntegerField(_("số tháng làm việc trong kỳ"))
    absence = models.CharField(
        _("lý do không làm việc đủ kỳ"), max_length=12, choices=Absence.choices, blank=True
    )
    absence_note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # Decree 233 Art. 15(1)(a): on a transfer the old agency sends its period results "to compute the average".
    carried_from = models.CharField(_("kết quả chuyển từ cơ quan cũ"), max_length=255, blank=True)
    self_values = models.JSONField(default=dict, blank=True)  # {line code: "decimal"}
    self_comments = models.JSONField(default=dict, blank=True)  # {line code: text}
    strengths = models.TextField(_("ưu điểm"), blank=True)
    shortcomings = models.TextField(_("hạn chế, khuyết điểm"), blank=True)
    self_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("kết quả theo dõi của kỳ")
        verbose_name_plural = _("kết quả theo dõi của kỳ")
        ordering = ["period__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "period"], name="periodrecord_one_per_person_period"
            ),
            models.CheckConstraint(
                condition=Q(months_worked__lte=3), name="periodrecord_months_at_most_three"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in PeriodStatus]),
                name="periodrecord_status_valid",
            ),
            # Confirmed means a confirmed score, and only then.
            models.CheckConstraint(
                condition=(
                    Q(status="confirmed") & Q(confirmed_score__isnull=False) & Q(confirmed_at__isnull=False)
                )
                | (~Q(status="confirmed") & Q(confirmed_score__isnull=True)),
                name="periodrecord_confirmed_iff_score",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_score__isnull=True)
                | (Q(confirmed_score__gte=0) & Q(confirmed_score__lte=100)),
                name="periodrecord_confirmed_score_0_100",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="periodrecord_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.full_name} – {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status == PeriodStatus.CONFIRMED


class PeriodTask(models.Model):
    """A task or product assigned for the period (Decree 233 Art. 13(1): quantity, quality and deadline, matched to the
    job position) and what became of it."""

    record = models.ForeignKey(PeriodRecord, on_delete=models.CASCADE, related_name="tasks")
    sort_order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("nhiệm vụ, sản phẩm"), max_length=500)
    quantity_planned = models.PositiveIntegerField(_("số lượng giao"), null=True, blank=True)
    quality_required = models.CharField(_("yêu cầu chất lượng"), max_length=500, blank=True)
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    quantity_done = models.PositiveIntegerField(_("số lượng hoàn thành"), null=True, blank=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    quality_achieved = models.CharField(_("chất lượng đạt được"), max_length=500, blank=True)
    imported = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("nhiệm vụ của kỳ")
        verbose_name_plural = _("nhiệm vụ của kỳ")
        ordering = ["sort_order", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="periodtask_title_not_empty")]

    def __str__(self) -> str:
        return self.title

    @property
    def on_time(self) -> bool | None:
        if self.done_on is None or self.due_on is None:
            return None
        return self.done_on <= self.due_on


class PeriodConfirmation(models.Model):
    """The tracker's confirmed scores of a period: immutable. A correction is a new confirmation that replaces the
    earlier one (both kept), never an edit."""

    record = models.ForeignKey(PeriodRecord, on_delete=models.PROTECT, related_name="confirmations")
    number = models.PositiveSmallIntegerField(default=1)
    values = models.JSONField()  # {line code: "decimal"}
    reasons = models.JSONField(default=dict, blank=True)  # {line code: why it differs from the self-score}
    opinion = models.TextField(_("ý kiến của người theo dõi, đánh giá"), blank=True)
    general = models.DecimalField(max_digits=6, decimal_places=2)
    task_average = models.DecimalField(max_digits=9, decimal_places=4)
    score = models.DecimalField(max_digits=6, decimal_places=2)
    working = models.CharField(max_length=500)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by_name = models.CharField(max_length=150)
    confirmed_at = models.DateTimeField()
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    correction_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("xác nhận kết quả kỳ")
        verbose_name_plural = _("xác nhận kết quả kỳ")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="periodconfirmation_number_per_record"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="periodconfirmation_score_0_100"
            ),
            # A correction says why.
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(correction_reason=""),
                name="periodconfirmation_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} #{self.number}: {self.score}"


class ReminderKind(models.TextChoices):
    # To the person: their period is not sent yet and its deadline is near.
    PERSON_DUE = "person_due", _("Nhắc người được theo dõi gửi kết quả kỳ")
    # To the tracker: periods of the people assigned to them wait for confirmation.
    TRACKER_WAITING = "tracker_waiting", _("Nhắc người theo dõi xác nhận kết quả kỳ")


# Every e-mail's outbox row has the one status of common/outbox.py (issue #16 item 2).
ReminderStatus = OutboxStatus


class PeriodReminder(OutboxEmail):
    """A reminder e-mail before a period's deadline: to one person who has not sent their period, or to one
    tracker with periods waiting. The row is the outbox (common/outbox.py): at most one per (person or tracker,
    kind, period) by a unique constraint, written in a transaction, sent after the commit, claimed by a
    conditional UPDATE so that a duplicate delivery sends nothing twice."""

    period = models.ForeignKey(TrackingPeriod, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    # The person's record of the period is (enrolment, period): the enrolment names it before it exists.
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="period_reminders"
    )
    tracker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thư nhắc kỳ theo dõi")
        verbose_name_plural = _("thư nhắc kỳ theo dõi")
        constraints = [
            *OutboxEmail.Meta.constraints,
            models.UniqueConstraint(
                fields=["enrolment", "kind", "period"],
                condition=Q(enrolment__isnull=False),
                name="periodreminder_one_per_person_kind_period",
            ),
            models.UniqueConstraint(
                fields=["tracker", "kind", "period"],
                condition=Q(tracker__isnull=False),
                name="periodreminder_one_per_tracker_kind_period",
            ),
            # A person's reminder names the person, a tracker's the tracker, never both.
            models.CheckConstraint(
                condition=(Q(kind="person_due") & Q(enrolment__isnull=False) & Q(tracker__isnull=True))
                | (Q(kind="tracker_waiting") & Q(tracker__isnull=False) & Q(enrolment__isnull=True)),
                name="periodreminder_kind_names_its_addressee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} – {self.get_kind_display()}"

    def outbox_message(self) -> EmailMessage:
        from .services import period_reminder_message

        return period_reminder_message(self)


def period_dates(year: int, frequency: Frequency, number: int) -> tuple[date, date]:
    """The first and last day of a month or quarter of the year."""
    import calendar

    first_month = number if frequency == Frequency.MONTHLY else 3 * (number - 1) + 1
    last_month = first_month if frequency == Frequency.MONTHLY else first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


__all__ = [
    "Absence",
    "CycleTracking",
    "PeriodConfirmation",
    "PeriodEvidence",
    "PeriodRecord",
    "PeriodStatus",
    "PeriodReminder",
    "PeriodTask",
    "ReminderKind",
    "ReminderStatus",
    "TrackerAssignment",
    "TrackingPeriod",
    "period_dates",
]


def period_evidence_path(instance: PeriodEvidence, filename: str) -> str:
    import uuid

    # A random name outside the web root, like the annual form's evidence; the original name is kept in the row.
    return f"tracking/{instance.record.period.cycle_id}/{uuid.uuid4().hex}"


class PeriodEvidence(models.Model):
    """A file that backs the period's results (a report, a decision, a screenshot): PDF, PNG or JPEG, checked by
    content (common.uploads), streamed only through the access-checked download."""

    record = models.ForeignKey(PeriodRecord, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=period_evidence_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng của kỳ")
        verbose_name_plural = _("minh chứng của kỳ")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="periodevidence_content_type_allowed",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
