"""Printed documents: the job that asks for one (the outbox), the issued snapshot, and the number register.

A job row is written in the same transaction as the request and is the only record that work is owed: the
Celery message is a hint, the reconciler re-sends it when it is lost (broker down, worker killed). A document
row is a snapshot: it keeps the PDF and the data it printed, so later edits never change an issued paper
(domain.md §6; Decree 30/2020 Art. 15 for the numbers).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cycles.models import Cycle
from officials.models import Organisation
from reviews.models import Evaluation


class DocumentKind(models.TextChoices):
    RATING_FORM = "rating_form", _("Phiếu đánh giá, xếp loại chất lượng")
    RATING_FORMS = "rating_forms", _("Phiếu đánh giá của cả danh sách")
    MEETING_MINUTES = "meeting_minutes", _("Biên bản họp nhận xét, đánh giá")
    REPORT = "report", _("Báo cáo của Sở Nội vụ")
    SUMMARY_TABLE = "summary_table", _("Danh sách tổng hợp")
    CONFERENCE_MINUTES = "conference_minutes", _("Biên bản hội nghị")
    NOTICE = "notice", _("Thông báo kết quả")
    CONFERENCE_PACK = "conference_pack", _("Tài liệu hội nghị")
    # The rest of the conference's set (issue #14 item 8), each numbered in its issuer's register.
    SUBMISSION = "submission", _("Tờ trình của Sở Nội vụ")
    RESULTS_DECISION = "results_decision", _("Quyết định phê duyệt kết quả")
    INVITATION = "invitation", _("Giấy mời dự hội nghị")
    ATTENDANCE_LIST = "attendance_list", _("Danh sách đại biểu dự hội nghị")
    RESULTS_NOTICE = "results_notice", _("Thông báo kết quả chung")
    OBJECTION_DECISION = "objection_decision", _("Quyết định giải quyết kiến nghị")
    # Periodic tracking (issue #12): forms, not administrative documents, so none takes a register number.
    TRACKING_PERIOD_FORM = "tracking_period_form", _("Phiếu theo dõi, đánh giá của kỳ")
    TRACKING_PERIOD_FORMS = "tracking_period_forms", _("Phiếu theo dõi, đánh giá của cả danh sách trong kỳ")
    TRACKING_YEAR_SUMMARY = "tracking_year_summary", _("Tổng hợp kết quả theo dõi, đánh giá năm")
    # Not a paper: the compilation table as an Excel workbook, built by the worker like a paper (issue #15).
    COMPILATION_WORKBOOK = "compilation_workbook", _("Bảng tổng hợp đề xuất (Excel)")


# The type part of "Số: 05/BB-UBND" (Decree 30/2020 Phụ lục III). Kinds not listed carry no number:
# a rating form is a form, not an administrative document, and the summary table is an annex.
REGISTER_CODES = {
    DocumentKind.MEETING_MINUTES: "BB",
    DocumentKind.CONFERENCE_MINUTES: "BB",
    DocumentKind.REPORT: "BC",
    DocumentKind.NOTICE: "TB",
    DocumentKind.RESULTS_NOTICE: "TB",
    DocumentKind.SUBMISSION: "TTr",
    DocumentKind.RESULTS_DECISION: "QĐ",
    DocumentKind.OBJECTION_DECISION: "QĐ",
    DocumentKind.INVITATION: "GM",
    # Decree 30/2020 Art. 7 lists no "danh sách" among administrative documents, so Phụ lục III gives it no type code.
    # The list is not part of the invitation (it is signed at the door, after the invitation went out) nor of the
    # minutes (it is printed before the conference), and numbering it in either register would take a GM or BB number
    # from a paper that is neither; so it keeps a register of its own, "DS" as provincial offices number their lists
    # ("Danh sách số 01/DS-UBND"), and cites the invitation it goes with once that is issued.
    DocumentKind.ATTENDANCE_LIST: "DS",
}
# Issue #14: a numbered paper is printed as a draft ("DỰ THẢO", no number) as often as wanted; issuing it is a
# separate act of the person who may sign, allowed once the paper is complete, and only then takes a number.
ISSUED_KINDS = tuple(REGISTER_CODES)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    # A long paper split into parts that several workers render at once (issue #15); assembled when all are done.
    PARTS = "parts", _("Đang tạo từng phần")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class DocumentJob(models.Model):
    """One request for a document. The outbox: it survives a broker outage and a worker kill."""

    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="document_jobs")
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="document_jobs"
    )
    # "evaluation:12" or "cycle:3": what the document is about, one key for versions and de-duplication.
    subject_key = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    # A numbered paper's issue (takes the next number) rather than its draft (no number, "DỰ THẢO" on every page).
    issue = models.BooleanField(_("ban hành"), default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # What was asked (issue #15: the request records only this; the worker takes the snapshot): the options typed
    # on the request form, whether the reader may see a decided level, the period or year, the draft an issue
    # comes from. `request_key` is their SHA-256 with the kind, subject and issue: the same request is one job.
    request = models.JSONField(default=dict, blank=True)
    request_key = models.CharField(max_length=64, blank=True, default="")
    # The data to print, taken by the worker, and its SHA-256: the same data is not rendered twice.
    data = models.JSONField(null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True, default="")
    # The worker found this very paper already asked for (same data) or issued: this job is that one.
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("trùng với")
    )
    # Whether the data shows a decided level not yet published; the official may not see such a paper.
    shows_decision = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    # A claim is a conditional UPDATE that sets a fresh token; the worker holding the token owns the job.
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu tạo văn bản")
        verbose_name_plural = _("yêu cầu tạo văn bản")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="documentjob_status_heartbeat")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in JobStatus]),
                name="documentjob_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in DocumentKind]), name="documentjob_kind_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="documentjob_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(claim_token__isnull=False),
                name="documentjob_running_is_claimed",
            ),
            # The same data for the same document is one job: asking again returns it, never renders twice.
            models.UniqueConstraint(
                fields=["kind", "subject_key", "checksum", "issue"],
                condition=~Q(status="failed") & ~Q(checksum="") & Q(same_as__isnull=True),
                name="documentjob_unique_live_per_checksum",
            ),
            # The same request waiting for its snapshot is one job (two clicks at once).
            models.UniqueConstraint(
                fields=["kind", "subject_key", "request_key", "issue"],
                condition=Q(status__in=["queued", "running"]) & Q(checksum="") & ~Q(request_key=""),
                name="documentjob_unique_pending_request",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def resolved(self) -> "DocumentJob":
        """The job that holds the file: this one, or the one it turned out to repeat."""
        return self.same_as if self.same_as_id and self.same_as is not None else self


def document_path(instance, filename):
    # Outside the web root under a random name; only the access-checked download view streams it.
    suffix = ".xlsx" if str(filename).endswith(".xlsx") else ".pdf"
    return f"documents/{instance.cycle_id}/{uuid.uuid4().hex}{suffix}"


def part_path(instance, filename):
    return f"documents/parts/{instance.job_id}/{uuid.uuid4().hex}.pdf"


class PartStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")


class DocumentPart(models.Model):
    """One slice of a long paper (a range of its laid-out parts: forms, the report, the table), rendered by any
    worker and claimed like a job (issue #15): a duplicate delivery renders nothing twice, a killed worker's part
    is taken over. The job is assembled from its parts' PDFs once every part is done; the parts are then deleted."""

    job = models.ForeignKey(DocumentJob, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    # Its slice of the paper: [template, data] of each laid-out part, so a worker loads only what it renders.
    items = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=PartStatus.choices, default=PartStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=part_path, max_length=255, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    # [level, label, page within the part] of every bookmark, to rebuild the whole paper's outline.
    bookmarks = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phần văn bản")
        verbose_name_plural = _("phần văn bản")
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="documentpart_unique_index"),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(claim_token__isnull=False),
                name="documentpart_running_is_claimed",
            ),
        ]

    def __str__(self):
        return f"{self.job_id}/{self.index}"


class Document(models.Model):
    """An issued document: the PDF and the data it printed. Never updated after it is written."""

    job = models.OneToOneField(DocumentJob, on_delete=models.PROTECT, related_name="document")
    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="documents")
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    subject_key = models.CharField(max_length=64)
    # A draft of a numbered paper: no number, no version of its own (0), "DỰ THẢO" on every page; never replaces.
    is_draft = models.BooleanField(_("dự thảo"), default=False)
    version = models.PositiveIntegerField(_("lần in"))
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("thay thế"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    # Register documents only: "Số: 05/BB-UBND" is number 5, symbol "BB-UBND", of the issuer in that year.
    issuer = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, blank=True)
    issued_on = models.DateField(_("ngày ban hành"))
    data = models.JSONField()
    checksum = models.CharField(max_length=64)
    shows_decision = models.BooleanField(default=False)
    pdf = models.FileField(upload_to=document_path, max_length=255)
    pdf_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã tạo")
        verbose_name_plural = _("văn bản đã tạo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "version"],
                condition=Q(is_draft=False),
                name="document_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(is_draft=False) | (Q(number__isnull=True) & Q(version=0)),
                name="document_draft_has_no_number",
            ),
            # Decree 30/2020 Art. 15(1): a number and symbol are unique for the issuer in the year.
            models.UniqueConstraint(
                fields=["issuer", "year", "symbol", "number"],
                condition=Q(number__isnull=False),
                name="document_number_unique_per_issuer_year",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | (Q(issuer__isnull=False) & ~Q(symbol="")),
                name="document_number_has_issuer_and_symbol",
            ),
        ]

    def __str__(self):
        if self.is_draft:
            return f"{self.get_kind_display()} (dự thảo)"
        if self.number:
            return f"{self.get_kind_display()} số {self.number_text}"
        return f"{self.get_kind_display()} ({self.version})"

    @property
    def number_text(self) -> str:
        """ "05/BB-UBND": numbers below 10 take a leading zero (Decree 30/2020 Phụ lục I)."""
        return f"{self.number:02d}/{self.symbol}" if self.number else ""

    @property
    def filename(self) -> str:
        return self.data.get("filename") or f"van-ban-{self.pk}.pdf"


class RegisterCounter(models.Model):
    """The last number given in one register: one issuer, one year, one document type (BB, BC, TB, QĐ).

    Numbers start at 01 each year and are taken under a row lock at issue, never at draft (Decree 30/2020
    Art. 15); a render that fails rolls the number back with its transaction, so none is lost or reused.
    """

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="register_counters")
    year = models.PositiveSmallIntegerField()
    type_code = models.CharField(max_length=8)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "type_code"], name="registercounter_unique"),
        ]

    def __str__(self):
        return f"{self.issuer} {self.year} {self.type_code}: {self.last_number}"


class Letterhead(models.Model):
    """How an organisation is printed in a document's header, and the place name of its date line.

    Optional: without a row the names are derived from the organisation (see selectors.wording.letterhead_for).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="letterhead")
    parent_body = models.CharField(
        _("cơ quan chủ quản (dòng trên)"), max_length=255, blank=True, help_text=_("Ví dụ: UBND TỈNH HÒA LÂM")
    )
    body_name = models.CharField(
        _("tên cơ quan ban hành"), max_length=255, blank=True, help_text=_("Ví dụ: SỞ NỘI VỤ")
    )
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True, help_text=_("Ví dụ: Hòa Lâm"))

    class Meta:
        verbose_name = _("tiêu đề văn bản của cơ quan")
        verbose_name_plural = _("tiêu đề văn bản của cơ quan")

    def __str__(self):
        return str(self.organisation)
