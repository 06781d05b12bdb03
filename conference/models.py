"""The conference (domain.md §3.6): the day the chair's cohort is discussed person by person."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cycles.models import Cycle, Enrolment, conference_report_path
from reviews.models import Evaluation


class Conference(models.Model):
    """Hội nghị đánh giá, xếp loại chất lượng: details, the Home Affairs report, who is on screen now, the
    chair's concluding remarks. Attendance, guests and per-person notes hang off it."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="conference")
    held_on = models.DateField(_("ngày họp"))
    starts_at = models.TimeField(_("giờ bắt đầu"))
    venue = models.CharField(_("địa điểm"), max_length=255)
    chaired_by_name = models.CharField(_("chủ trì (họ tên)"), max_length=150)
    chaired_by_title = models.CharField(_("chủ trì (chức vụ)"), max_length=255, blank=True)
    secretary_name = models.CharField(_("thư ký (họ tên)"), max_length=150)
    secretary_title = models.CharField(_("thư ký (chức vụ)"), max_length=255, blank=True)
    agenda = models.TextField(_("chương trình hội nghị"), blank=True)
    concluding_remarks = models.TextField(_("kết luận của chủ trì"), blank=True)
    closed_at = models.DateTimeField(_("giờ kết thúc"), null=True, blank=True)
    report = models.FileField(
        _("báo cáo của Sở Nội vụ"), upload_to=conference_report_path, max_length=255, blank=True
    )
    report_name = models.CharField(max_length=255, blank=True)
    # The person on the screen now: the chair's screen follows it.
    current_evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    focused_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "cycles_conference"  # kept from when the conference lived in cycles/
        verbose_name = _("hội nghị đánh giá, xếp loại")
        verbose_name_plural = _("hội nghị đánh giá, xếp loại")
        constraints = [
            models.CheckConstraint(
                condition=~Q(venue="") & ~Q(chaired_by_name="") & ~Q(secretary_name=""),
                name="conference_venue_chair_secretary_not_empty",
            ),
            # Closing the conference is the chair concluding it: no closing time without the remarks.
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(concluding_remarks=""),
                name="conference_closed_with_remarks",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="conference_version_positive"),
        ]

    def __str__(self):
        return f"{self.cycle} – {self.held_on:%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ConferenceAttendance(models.Model):
    """Whether one person of the cohort attended, and why not."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"), default=True)
    absence_reason = models.CharField(_("lý do vắng mặt"), max_length=500, blank=True)

    class Meta:
        db_table = "cycles_conferenceattendance"  # kept from when the conference lived in cycles/
        verbose_name = _("điểm danh hội nghị")
        verbose_name_plural = _("điểm danh hội nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "enrolment"], name="conferenceattendance_one_per_person"
            ),
            # The minutes say why someone was absent; a present person has no absence reason.
            models.CheckConstraint(
                condition=(Q(present=True) & Q(absence_reason=""))
                | (Q(present=False) & ~Q(absence_reason="")),
                name="conferenceattendance_absent_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.conference} – {self.enrolment_id}"


class ConferenceGuest(models.Model):
    """An invited guest: the Party Organisation Commission, the Fatherland Front, the Labour Federation..."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("họ tên"), max_length=150)
    position = models.CharField(_("chức vụ, cơ quan"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "cycles_conferenceguest"  # kept from when the conference lived in cycles/
        verbose_name = _("khách mời hội nghị")
        verbose_name_plural = _("khách mời hội nghị")
        ordering = ["sort_order", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="conferenceguest_name_not_empty")]

    def __str__(self):
        return self.name


class ConferenceNote(models.Model):
    """The secretary's notes of the discussion about one person, typed during the conference.
    Versioned: two secretaries (or two tabs) typing about the same person never overwrite each other silently."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="notes")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến thảo luận"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "cycles_conferencenote"  # kept from when the conference lived in cycles/
        verbose_name = _("ghi chép thảo luận")
        verbose_name_plural = _("ghi chép thảo luận")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "evaluation"], name="conferencenote_one_per_person"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="conferencenote_version_positive"),
        ]

    def __str__(self):
        return f"{self.conference} – {self.evaluation_id}"
