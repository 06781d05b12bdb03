"""The audit trail: who did what, acting as what, when (UTC), with the state before and after.

Append-only, and not only by convention: migration 0001 installs database triggers that refuse every UPDATE and
DELETE on the table, so neither the portal's code nor raw SQL through the portal's database user can rewrite
history (issue #5; ASVS 5.0 16.4.2). The application's database role holds only SELECT and INSERT on the table and
owns nothing, so it cannot truncate, drop or switch off the triggers either (`manage.py db_roles`, issue #16 item 5);
each event's `chain_hash` links it to the one before (`audit/chain.py`), so a rewrite by the owner shows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActingAs(models.TextChoices):
    OFFICIAL = "official", _("Người được đánh giá")
    HOME_AFFAIRS = "home_affairs", _("Sở Nội vụ")
    UNIT_SECRETARY = "unit_secretary", _("Thư ký đơn vị")
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch (ký thay Chủ tịch)")
    TRACKER = "tracker", _("Người theo dõi, đánh giá")
    OFFICE_STAFF = "office_staff", _("Văn phòng UBND")
    ADMINISTRATOR = "administrator", _("Quản trị")
    SYSTEM = "system", _("Hệ thống")
    ANONYMOUS = "anonymous", _("Chưa đăng nhập")


class Action(models.TextChoices):
    # In the log these read as events ("Objection filed"); the same Vietnamese words label buttons elsewhere, so the
    # log's labels carry their own translation context.
    PROPOSAL_SET = "proposal.set", pgettext_lazy("audit action", "Đề xuất mức xếp loại")
    CAP_FACTS_RECORDED = (
        "cap_facts.recorded",
        pgettext_lazy("audit action", "Ghi căn cứ giới hạn mức xếp loại"),
    )
    DECISION_RECORDED = "decision.recorded", pgettext_lazy("audit action", "Ghi quyết định xếp loại")
    CYCLE_SIGNED_OFF = "cycle.signed_off", pgettext_lazy("audit action", "Phê duyệt kết quả")
    DECISION_REPLACED = (
        "decision.replaced",
        pgettext_lazy("audit action", "Quyết định mới thay thế quyết định trước"),
    )
    OBJECTION_FILED = "objection.filed", pgettext_lazy("audit action", "Gửi kiến nghị")
    OBJECTION_ANSWERED = "objection.answered", pgettext_lazy("audit action", "Trả lời kiến nghị")
    OBJECTION_WITHDRAWN = "objection.withdrawn", pgettext_lazy("audit action", "Rút kiến nghị")
    NOTICE_SENT = "notice.sent", pgettext_lazy("audit action", "Gửi thông báo kết quả")
    DOCUMENT_ISSUED = "document.issued", pgettext_lazy("audit action", "Ban hành văn bản")
    ENROLMENT_RULEBOOK_SET = (
        "enrolment.rulebook_set",
        pgettext_lazy("audit action", "Đổi quy định áp dụng cho người được đánh giá"),
    )
    ENROLMENT_HEAD_SET = (
        "enrolment.head_set",
        pgettext_lazy("audit action", "Sửa vị trí người đứng đầu của người được đánh giá"),
    )
    SELF_ASSESSMENT_ENTERED_ON_PAPER = (
        "self_assessment.paper",
        pgettext_lazy("audit action", "Sở Nội vụ nhập phiếu tự đánh giá bản giấy"),
    )
    EVALUATION_EXEMPTED = (
        "evaluation.exempted",
        pgettext_lazy("audit action", "Ghi trường hợp không đánh giá, xếp loại"),
    )
    CYCLE_CLOSED = "cycle.closed", pgettext_lazy("audit action", "Kết thúc kỳ đánh giá")
    LOGIN_FAILED = "login.failed", pgettext_lazy("audit action", "Đăng nhập không thành công")
    ACCESS_REFUSED = "access.refused", pgettext_lazy("audit action", "Bị từ chối truy cập")
    TRACKING_SET_UP = "tracking.set_up", pgettext_lazy("audit action", "Thiết lập theo dõi theo kỳ")
    TRACKER_ASSIGNED = "tracker.assigned", pgettext_lazy("audit action", "Giao người theo dõi, đánh giá")
    PERIOD_SUBMITTED = "period.submitted", pgettext_lazy("audit action", "Gửi kết quả kỳ theo dõi")
    PERIOD_RETURNED = "period.returned", pgettext_lazy("audit action", "Trả lại kết quả kỳ theo dõi")
    PERIOD_CONFIRMED = "period.confirmed", pgettext_lazy("audit action", "Xác nhận kết quả kỳ theo dõi")
    PERIOD_CORRECTED = "period.corrected", pgettext_lazy("audit action", "Điều chỉnh kết quả kỳ đã xác nhận")
    PERIOD_ABSENCE_SET = (
        "period.absence_set",
        pgettext_lazy("audit action", "Ghi thời gian không làm việc trong kỳ"),
    )
    # Issue #18: role changes (separation of duties), quarantined uploads, the second factor and sessions.
    ROLE_GRANTED = "role.granted", pgettext_lazy("audit action", "Giao vai trò")
    ROLE_REVOKED = "role.revoked", pgettext_lazy("audit action", "Thu hồi vai trò")
    ROLE_CONFIRMED = "role.confirmed", pgettext_lazy("audit action", "Xác nhận việc giao vai trò")
    UPLOAD_QUARANTINED = "upload.quarantined", pgettext_lazy("audit action", "Cách ly tệp nhiễm mã độc")
    SECOND_FACTOR_ENROLLED = (
        "second_factor.enrolled",
        pgettext_lazy("audit action", "Đăng ký xác thực hai lớp"),
    )
    SESSIONS_ENDED = "sessions.ended", pgettext_lazy("audit action", "Kết thúc các phiên đăng nhập khác")
    # Issue #17: the identification number (recorded as set or changed, never its digits) and the national database.
    IDENTIFICATION_NUMBER_SET = (
        "official.identification_set",
        pgettext_lazy("audit action", "Ghi số định danh cá nhân"),
    )
    NATIONAL_DB_SENT = "national_db.sent", pgettext_lazy("audit action", "Gửi kết quả lên CSDL quốc gia")
    NATIONAL_DB_ACKNOWLEDGED = (
        "national_db.acknowledged",
        pgettext_lazy("audit action", "CSDL quốc gia xác nhận đã nhận kết quả"),
    )
    NATIONAL_DB_FAILED = (
        "national_db.failed",
        pgettext_lazy("audit action", "Gửi kết quả lên CSDL quốc gia lỗi"),
    )
    NATIONAL_DB_RESENT = (
        "national_db.resent",
        pgettext_lazy("audit action", "Gửi lại kết quả lên CSDL quốc gia"),
    )
    NATIONAL_DB_EXPORTED = (
        "national_db.exported",
        pgettext_lazy("audit action", "Tải tệp kết quả gửi CSDL quốc gia"),
    )
    # Issue #17: a digital signature added to an issued paper, a signing certificate registered or withdrawn.
    DOCUMENT_SIGNED = "document.signed", pgettext_lazy("audit action", "Ký số văn bản")
    CERTIFICATE_REGISTERED = (
        "certificate.registered",
        pgettext_lazy("audit action", "Đăng ký chứng thư số"),
    )
    CERTIFICATE_WITHDRAWN = "certificate.withdrawn", pgettext_lazy("audit action", "Ngừng dùng chứng thư số")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("thời điểm (UTC)"), default=timezone.now, db_index=True)
    # No foreign-key constraints: deleting a user or anything else must never need to touch this table.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    acting_as = models.CharField(_("với vai trò"), max_length=16, choices=ActingAs.choices)
    action = models.CharField(_("hành động"), max_length=32, choices=Action.choices)
    cycle = models.ForeignKey(
        "cycles.Cycle",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    evaluation = models.ForeignKey(
        "reviews.Evaluation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    target = models.CharField(_("đối tượng"), max_length=255, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # SHA-256 of the previous event's chain_hash and this event's fields (audit/chain.py), set by audit_record.
    chain_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("sự kiện kiểm tra")
        verbose_name_plural = _("nhật ký kiểm tra")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["evaluation", "-at"]), models.Index(fields=["cycle", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=[choice.value for choice in Action]),
                name="auditevent_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(acting_as__in=[choice.value for choice in ActingAs]),
                name="auditevent_acting_as_valid",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target}"


class AuditChainHead(models.Model):
    """The end of the hash chain: one row, locked by every audit_record so concurrent events chain one after the
    other. The events themselves cannot be locked for that: the application role may not UPDATE them, and
    SELECT ... FOR UPDATE needs that privilege."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký kiểm tra")
        verbose_name_plural = _("đầu chuỗi nhật ký kiểm tra")

    def __str__(self):
        return f"{self.length}: {self.last_hash}"


class AuditChainCheck(models.Model):
    """One walk of the hash chain (issue #16 item 8): the beat task `audit.tasks.audit_chain_check` records one an
    hour, and the metrics read the newest (a walk takes ~3 s per 20,000 events: too heavy for every scrape)."""

    checked_at = models.DateTimeField(_("lúc kiểm tra"), auto_now_add=True, db_index=True)
    ok = models.BooleanField(_("chuỗi nguyên vẹn"))
    length = models.BigIntegerField(_("số sự kiện"))
    broken_event_id = models.BigIntegerField(_("sự kiện đầu tiên bị sửa"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần kiểm tra chuỗi nhật ký")
        verbose_name_plural = _("các lần kiểm tra chuỗi nhật ký")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'broken'}"
