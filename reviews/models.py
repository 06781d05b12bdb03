"""The evaluation of one enrolled person in one cycle, from self-assessment to published result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cycles.models import Enrolment
from cycles.rulebooks import Level

LEVEL_VALUES = [choice.value for choice in Level]


class EvaluationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    DRAFT = "draft", _("Đang soạn tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để chỉnh sửa")
    IN_REVIEW = "in_review", _("Sở Nội vụ đang xem xét")
    PROPOSED = "proposed", _("Đã đề xuất mức xếp loại")
    DECIDED = "decided", _("Đã quyết định")
    PUBLISHED = "published", _("Đã công bố")


# The official may still change their form in these states.
EDITABLE_BY_OFFICIAL = (EvaluationStatus.NOT_STARTED, EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)
DECIDED_STATES = (EvaluationStatus.DECIDED, EvaluationStatus.PUBLISHED)


class Evaluation(models.Model):
    # One enrolment is one official in one cycle, so this is "one evaluation per official per cycle".
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="evaluation")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.NOT_STARTED
    )
    self_proposed_level = models.CharField(
        _("mức tự xếp loại"), max_length=8, choices=Level.choices, blank=True
    )
    proposed_level = models.CharField(
        _("mức Sở Nội vụ đề xuất"), max_length=8, choices=Level.choices, blank=True
    )
    final_level = models.CharField(_("mức xếp loại"), max_length=8, choices=Level.choices, blank=True)
    # The official's own answers, keyed by criterion code: {"code": {"text": "...", "points": "8.5"}}.
    answers = models.JSONField(default=dict, blank=True)
    points_total = models.DecimalField(
        _("tổng điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Optimistic locking: every save of the official's form bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(_("lưu lần cuối"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    # A personal extension of the self-assessment deadline, granted by Home Affairs.
    deadline_extended_to = models.DateTimeField(_("gia hạn đến"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in EvaluationStatus]),
                name="evaluation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(self_proposed_level="") | Q(self_proposed_level__in=LEVEL_VALUES),
                name="evaluation_self_proposed_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(proposed_level="") | Q(proposed_level__in=LEVEL_VALUES),
                name="evaluation_proposed_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(final_level="") | Q(final_level__in=LEVEL_VALUES),
                name="evaluation_final_level_valid",
            ),
            # A decided or published evaluation has a level, and nothing else has one.
            models.CheckConstraint(
                condition=(Q(status__in=[s.value for s in DECIDED_STATES]) & ~Q(final_level=""))
                | (~Q(status__in=[s.value for s in DECIDED_STATES]) & Q(final_level="")),
                name="evaluation_final_level_iff_decided",
            ),
            # Anything past the draft stage was submitted at some moment.
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "draft"]) | Q(submitted_at__isnull=False),
                name="evaluation_submitted_at_after_submission",
            ),
        ]

    def __str__(self):
        return str(self.enrolment)

    @property
    def final_level_enum(self) -> Level | None:
        return Level(self.final_level) if self.final_level else None


class EventKind(models.TextChoices):
    SAVED = "saved", _("Lưu bản nháp")
    SUBMITTED = "submitted", _("Nộp phiếu")
    WITHDRAWN = "withdrawn", _("Rút lại để sửa")
    RETURNED = "returned", _("Sở Nội vụ trả lại")
    REVIEW_STARTED = "review_started", _("Sở Nội vụ bắt đầu xem xét")
    EXTENDED = "extended", _("Gia hạn nộp")
    ATTACHED = "attached", _("Đính kèm minh chứng")
    DETACHED = "detached", _("Xóa minh chứng")
    REMINDED = "reminded", _("Gửi nhắc nhở")


class EvaluationEvent(models.Model):
    """What happened to an evaluation, shown to the official as its history. Only ever inserted."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.at:%Y-%m-%d %H:%M}"


def evidence_path(instance, filename):
    import uuid

    # Stored under a random name outside the web root; the original name is kept in the row only.
    return f"evidence/{instance.evaluation.enrolment.cycle_id}/{uuid.uuid4().hex}"


class EvidenceAttachment(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="evidence_content_type_allowed",
            )
        ]

    def __str__(self):
        return self.original_name
