"""The sync log: one entry per signed rating result on its way to the national database of cadres, civil servants
and public employees (Decree 27/2026/NĐ-CP; Decree 233/2026 Art. 18(1)(b)).

An entry follows one decision in force. When a new decision replaces it (domain.md §3.9) the entry is marked
superseded and a new pending entry carries the new decision: both are kept, like the decisions themselves.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cycles.models import Cycle
from reviews.models import Decision, Evaluation


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, chờ xác nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã được xác nhận")
    FAILED = "failed", _("Gửi lỗi")
    SUPERSEDED = "superseded", _("Đã thay bằng quyết định mới")


# States whose result still has to reach the database (the deadline clock runs for these).
OPEN_STATES = (SyncState.PENDING, SyncState.SENT, SyncState.FAILED)


class SyncEntry(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="sync_entries")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="sync_entries")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="sync_entry")
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=SyncState.choices, default=SyncState.PENDING
    )
    # The deadline clock starts when the decision is signed (national_db/deadlines.py says how long it runs).
    due_at = models.DateTimeField(_("hạn đồng bộ"))
    due_rule = models.CharField(_("căn cứ thời hạn"), max_length=255)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("ngày xác nhận"), null=True, blank=True)
    failed_at = models.DateTimeField(_("ngày lỗi"), null=True, blank=True)
    failure_reason = models.TextField(_("lý do lỗi"), blank=True)
    # The batch file or reference the adapter reported for the last send (no personal data in it).
    reference = models.CharField(_("mã lô gửi"), max_length=255, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        verbose_name = _("kết quả đồng bộ CSDL quốc gia")
        verbose_name_plural = _("kết quả đồng bộ CSDL quốc gia")
        ordering = ["due_at", "pk"]
        constraints = [
            # One live entry per person and cycle; the superseded ones are the history.
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=~Q(state="superseded"),
                name="syncentry_one_live_per_evaluation",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in SyncState]), name="syncentry_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure_reason=""), name="syncentry_failed_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "state"])]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.state}"
