"""The evaluation of one enrolled person in one cycle, from self-assessment to published result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.outbox import OutboxEmail, OutboxStatus
from cycles.models import Enrolment
from cycles.rulebooks import Level
from cycles.rulebooks.caps import DisciplineCounting

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from django_stubs_ext import StrOrPromise

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
    # Home Affairs recorded that the person is not rated this year (did not submit, under 6 months' work...).
    EXEMPT = "exempt", _("Không đánh giá, xếp loại")


class ExemptionKind(models.TextChoices):
    """Why a person of the cohort is not rated this year, recorded by Home Affairs with the article."""

    NOT_SUBMITTED = "not_submitted", _("Không nộp phiếu tự đánh giá")
    UNDER_SIX_MONTHS = "under_six_months", _("Công tác dưới 6 tháng trong năm")
    OTHER = "other", _("Trường hợp khác")


# The official may still change their form in these states.
EDITABLE_BY_OFFICIAL = (EvaluationStatus.NOT_STARTED, EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)
DECIDED_STATES = (EvaluationStatus.DECIDED, EvaluationStatus.PUBLISHED)


def paper_scan_path(instance: Evaluation, filename: str) -> str:
    import uuid

    # Like the evidence: a random name outside the web root, the original name kept in the row.
    return f"paper/{instance.enrolment.cycle_id}/{uuid.uuid4().hex}"


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
    # The chair's decision "not rated" (under 6 months' work): decided, but with no level.
    final_not_rated = models.BooleanField(_("quyết định không xếp loại"), default=False)
    # The decision's reason for departing from a departable cap (copied from the decision for the sign-off check).
    final_cap_departure_reason = models.TextField(_("lý do xếp loại khác mức giới hạn"), blank=True)
    # Home Affairs' proposal (domain.md §3.5): a level, or "not rated" for under 6 months' work.
    proposed_not_rated = models.BooleanField(_("đề xuất không xếp loại"), default=False)
    proposal_reason = models.TextField(_("lý do đề xuất"), blank=True)
    proposed_at = models.DateTimeField(_("ngày đề xuất"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    # A form filled on paper and entered by Home Affairs on the person's behalf, with the signed scan.
    entered_on_paper = models.BooleanField(_("nhập từ phiếu giấy"), default=False)
    paper_scan = models.FileField(
        _("bản scan phiếu có chữ ký"), upload_to=paper_scan_path, max_length=255, blank=True
    )
    paper_scan_name = models.CharField(max_length=255, blank=True)
    paper_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Not rated this year (status EXEMPT): why, and the article that says so.
    exemption_kind = models.CharField(
        _("trường hợp"), max_length=20, choices=ExemptionKind.choices, blank=True
    )
    exemption_reason = models.TextField(_("lý do không đánh giá, xếp loại"), blank=True)
    exemption_article = models.CharField(_("căn cứ (điều, khoản)"), max_length=255, blank=True)
    # Home Affairs' draft of the authority's comments, offered to the chair with the proposal (issue #13).
    proposal_comments = models.TextField(_("dự thảo nhận xét ưu, khuyết điểm"), blank=True)

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
            # A decided or published evaluation has a level or is "not rated", and nothing else has either.
            models.CheckConstraint(
                condition=(
                    Q(status__in=[s.value for s in DECIDED_STATES])
                    & (
                        (~Q(final_level="") & Q(final_not_rated=False))
                        | (Q(final_level="") & Q(final_not_rated=True))
                    )
                )
                | (
                    ~Q(status__in=[s.value for s in DECIDED_STATES])
                    & Q(final_level="")
                    & Q(final_not_rated=False)
                ),
                name="evaluation_final_level_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(proposed_not_rated=False) | Q(proposed_level=""),
                name="evaluation_proposal_level_or_not_rated",
            ),
            # Anything past the draft stage was submitted at some moment.
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "draft", "exempt"]) | Q(submitted_at__isnull=False),
                name="evaluation_submitted_at_after_submission",
            ),
            # Not rated always says why and under which article; nobody else carries an exemption.
            models.CheckConstraint(
                condition=(
                    Q(status="exempt")
                    & ~Q(exemption_kind="")
                    & ~Q(exemption_reason="")
                    & ~Q(exemption_article="")
                )
                | (~Q(status="exempt") & Q(exemption_kind="")),
                name="evaluation_exempt_has_reason",
            ),
            # A paper form carries its signed scan.
            models.CheckConstraint(
                condition=Q(entered_on_paper=False) | ~Q(paper_scan=""),
                name="evaluation_paper_has_scan",
            ),
        ]

    def __str__(self):
        return str(self.enrolment)

    @property
    def is_published(self) -> bool:
        """The one rule of a published result: the chair signed off and the person may now read it."""
        return self.status == EvaluationStatus.PUBLISHED

    @property
    def status_for_person(self) -> StrOrPromise:
        """What the person rated is told of their file's state: before publication a proposal or a decision is
        not theirs to know of (domain.md §2), so both read as "under review"."""
        if self.status in (EvaluationStatus.PROPOSED, EvaluationStatus.DECIDED):
            return EvaluationStatus.IN_REVIEW.label
        return self.get_status_display()

    @property
    def status_for_person_code(self) -> str:
        if self.status in (EvaluationStatus.PROPOSED, EvaluationStatus.DECIDED):
            return EvaluationStatus.IN_REVIEW.value
        return self.status

    @property
    def final_label(self) -> StrOrPromise:
        """The decided result as words: a level, or "not rated"."""
        if self.final_not_rated:
            return str(_("Không xếp loại chất lượng"))
        return Level(self.final_level).label if self.final_level else ""

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
    MEETING_RECORDED = "meeting_recorded", _("Ghi biên bản họp nhận xét")
    PARTY_OPINION_RECORDED = "party_opinion", _("Ghi ý kiến cấp ủy")
    FACTS_RECORDED = "facts_recorded", _("Ghi căn cứ giới hạn mức xếp loại")
    PROPOSED = "proposed", _("Sở Nội vụ đề xuất mức xếp loại")
    DECIDED = "decided", _("Chủ tịch quyết định mức xếp loại")
    SIGNED_OFF = "signed_off", _("Phê duyệt và thông báo kết quả")
    EXEMPTED = "exempted", _("Ghi trường hợp không đánh giá, xếp loại")
    EXEMPTION_LIFTED = "exemption_lifted", _("Bỏ ghi trường hợp không đánh giá, xếp loại")


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


def scan_path(instance, filename):
    import uuid

    return f"scans/{instance.evaluation.enrolment.cycle_id}/{uuid.uuid4().hex}"


class CommentMeeting(models.Model):
    """The comment meeting of the person's own agency (domain.md §3.3): every opinion is minuted and the
    minutes are adopted at the meeting; a vote is not required by law, so tallies are optional."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="comment_meeting")
    held_on = models.DateField(_("ngày họp"))
    # Issue #14 item 5: the minutes say when the meeting began and ended. Null only on rows recorded before the
    # fields existed; the form requires both and the service checks the end comes after the start.
    starts_at = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    ends_at = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255)
    chaired_by = models.CharField(_("chủ trì"), max_length=255)
    minutes_by = models.CharField(_("thư ký (người ghi biên bản)"), max_length=255)
    invited_count = models.PositiveSmallIntegerField(_("số người được triệu tập"))
    attended_count = models.PositiveSmallIntegerField(_("số người có mặt"))
    attendees = models.TextField(_("thành phần, họ tên người dự"), blank=True)
    absentees = models.TextField(_("vắng mặt (họ tên, lý do)"), blank=True)
    summary = models.TextField(_("tóm tắt báo cáo tự đánh giá của người được đánh giá"), blank=True)
    conclusion = models.TextField(_("kết luận của cuộc họp"))
    # The meeting's view of the level, if it formed one.
    meeting_level = models.CharField(
        _("mức cuộc họp đề nghị"), max_length=8, choices=Level.choices, blank=True
    )
    votes_recorded = models.BooleanField(_("có biểu quyết/bỏ phiếu"), default=False)
    votes_htxsnv = models.PositiveSmallIntegerField(_("số phiếu HTXSNV"), default=0)
    votes_httnv = models.PositiveSmallIntegerField(_("số phiếu HTTNV"), default=0)
    votes_htnv = models.PositiveSmallIntegerField(_("số phiếu HTNV"), default=0)
    votes_khtnv = models.PositiveSmallIntegerField(_("số phiếu KHTNV"), default=0)
    minutes_adopted = models.BooleanField(_("biên bản được thông qua tại cuộc họp"), default=False)
    signed_scan = models.FileField(
        _("bản scan biên bản có chữ ký"), upload_to=scan_path, max_length=255, blank=True
    )
    signed_scan_name = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Two people (the unit secretary and Home Affairs) may edit the same minutes.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("biên bản họp nhận xét")
        verbose_name_plural = _("biên bản họp nhận xét")
        constraints = [
            models.CheckConstraint(
                condition=Q(attended_count__lte=F("invited_count")), name="meeting_attendance_within_invited"
            ),
            # Nobody votes twice: the tallies together cannot exceed the attendance.
            models.CheckConstraint(
                condition=Q(
                    attended_count__gte=F("votes_htxsnv")
                    + F("votes_httnv")
                    + F("votes_htnv")
                    + F("votes_khtnv")
                ),
                name="meeting_votes_within_attendance",
            ),
            models.CheckConstraint(
                condition=Q(meeting_level="") | Q(meeting_level__in=LEVEL_VALUES), name="meeting_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} – {self.held_on}"

    @property
    def votes(self) -> dict[str, int]:
        return {
            Level.HTXSNV: self.votes_htxsnv,
            Level.HTTNV: self.votes_httnv,
            Level.HTNV: self.votes_htnv,
            Level.KHTNV: self.votes_khtnv,
        }


class MeetingOpinion(models.Model):
    meeting = models.ForeignKey(CommentMeeting, on_delete=models.CASCADE, related_name="opinions")
    speaker = models.CharField(_("người phát biểu"), max_length=255)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    content = models.TextField(_("nội dung ý kiến"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.speaker


class PartyOpinion(models.Model):
    """The written opinion of the party committee where the person works (domain.md §3.4)."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="party_opinion")
    body = models.CharField(_("cấp ủy cho ý kiến"), max_length=255)
    given_on = models.DateField(_("ngày"))
    text = models.TextField(_("nội dung ý kiến"))
    signed_scan = models.FileField(_("bản scan có chữ ký"), upload_to=scan_path, max_length=255, blank=True)
    signed_scan_name = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("ý kiến của cấp ủy")
        verbose_name_plural = _("ý kiến của cấp ủy")

    def __str__(self):
        return f"{self.evaluation} – {self.body}"


class DisciplineForm(models.TextChoices):
    """Every form counts: the decrees cap at KHTNV from a reprimand up (Decree 90 Art. 2(5)(a), added by
    48/2023; Decree 233/2026 Art. 12(4)(c), 14(3))."""

    KHIEN_TRACH = "khien_trach", _("Khiển trách")
    CANH_CAO = "canh_cao", _("Cảnh cáo")
    HA_BAC_LUONG = "ha_bac_luong", _("Hạ bậc lương")
    GIANG_CHUC = "giang_chuc", _("Giáng chức")
    CACH_CHUC = "cach_chuc", _("Cách chức")
    BAI_NHIEM = "bai_nhiem", _("Bãi nhiệm")
    BUOC_THOI_VIEC = "buoc_thoi_viec", _("Buộc thôi việc")
    KHAI_TRU = "khai_tru", _("Khai trừ (kỷ luật đảng)")


class CapFacts(models.Model):
    """The facts that cap one person's rating in one cycle, each with where it comes from (issue #4).
    The rulebook turns them into the highest level allowed; nothing here decides a level by itself."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="cap_facts")
    discipline_form = models.CharField(
        _("hình thức kỷ luật trong năm"), max_length=16, choices=DisciplineForm.choices, blank=True
    )
    discipline_date = models.DateField(_("ngày quyết định kỷ luật"), null=True, blank=True)
    discipline_source = models.CharField(_("quyết định kỷ luật (số, cơ quan)"), max_length=255, blank=True)
    # Decree 233/2026 Art. 12(4)(c): the cap is for a violation connected with the performance of duties. The cap
    # stays the default: Home Affairs ticks this, with the decision as its source, only when it is not connected.
    discipline_unrelated_to_duties = models.BooleanField(
        _("vi phạm không liên quan đến thực hiện nhiệm vụ"), default=False
    )
    # Which year the discipline counts in (Decree 90 Art. 2(5)(b)–(c); Decree 233/2026 Art. 14(3)(a)–(c)).
    discipline_counting = models.CharField(
        _("năm tính kỷ luật"), max_length=24, choices=DisciplineCounting.choices, blank=True
    )
    months_worked = models.DecimalField(
        _("số tháng công tác trong năm"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    months_absent = models.DecimalField(
        _("số tháng nghỉ (không kể thai sản)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # Recorded apart: Decree 90 Art. 2(3) excuses only maternity leave; Decree 233/2026 Art. 14(2) sick leave too.
    on_maternity_leave = models.BooleanField(_("nghỉ thai sản theo chế độ bảo hiểm xã hội"), default=False)
    on_sick_leave = models.BooleanField(_("nghỉ ốm theo chế độ bảo hiểm xã hội"), default=False)
    degradation_concluded = models.BooleanField(_("có kết luận suy thoái"), default=False)
    degradation_source = models.CharField(_("văn bản kết luận suy thoái"), max_length=255, blank=True)
    corruption_in_unit = models.BooleanField(
        _("đơn vị trực tiếp phụ trách để xảy ra tham nhũng, lãng phí"), default=False
    )
    corruption_source = models.CharField(_("văn bản xử lý tham nhũng, lãng phí"), max_length=255, blank=True)
    # Decree 233/2026 Art. 12(4)(d), second paragraph: the authority may weigh a manager who did all of this.
    corruption_self_remedied = models.BooleanField(
        _("người quản lý đã chủ động phát hiện, báo cáo, chỉ đạo xử lý và khắc phục xong hậu quả"),
        default=False,
    )
    targets_met_pct = models.DecimalField(
        _("tỷ lệ chỉ tiêu hoàn thành (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    targets_exceeded_pct = models.DecimalField(
        _("tỷ lệ chỉ tiêu vượt mức (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    subordinates_htnv_or_above_pct = models.DecimalField(
        _("tỷ lệ đơn vị trực thuộc từ HTNV trở lên (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    subordinates_httnv_or_above_pct = models.DecimalField(
        _("tỷ lệ đơn vị trực thuộc từ HTTNV trở lên (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    # QĐ 366-QĐ/TW Art. 11: more than half low-confidence votes at a confidence vote held in the year.
    confidence_vote_low_pct = models.DecimalField(
        _("tỷ lệ phiếu tín nhiệm thấp khi lấy phiếu tín nhiệm (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    # The confirmed annual score (the average of the period scores) where it differs from the self-scored total.
    points_total = models.DecimalField(
        _("tổng điểm được xác nhận"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("nguồn số liệu (báo cáo, văn bản)"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("căn cứ giới hạn mức xếp loại")
        verbose_name_plural = _("căn cứ giới hạn mức xếp loại")
        constraints = [
            models.CheckConstraint(
                condition=Q(months_worked__isnull=True)
                | (Q(months_worked__gte=0) & Q(months_worked__lte=12)),
                name="capfacts_months_worked_range",
            ),
            models.CheckConstraint(
                condition=Q(months_absent__isnull=True)
                | (Q(months_absent__gte=0) & Q(months_absent__lte=12)),
                name="capfacts_months_absent_range",
            ),
            models.CheckConstraint(
                condition=Q(discipline_form="") | Q(discipline_date__isnull=False),
                name="capfacts_discipline_has_date",
            ),
            models.CheckConstraint(
                condition=Q(points_total__isnull=True) | (Q(points_total__gte=0) & Q(points_total__lte=100)),
                name="capfacts_points_range",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | (Q(**{f"{name}__gte": 0}) & Q(**{f"{name}__lte": 100})),
                    name=f"capfacts_{name}_range",
                )
                for name in (
                    "targets_met_pct",
                    "targets_exceeded_pct",
                    "subordinates_htnv_or_above_pct",
                    "subordinates_httnv_or_above_pct",
                    "confidence_vote_low_pct",
                )
            ],
        ]

    def __str__(self):
        return str(self.evaluation)


class DecisionState(models.TextChoices):
    DRAFT = "draft", _("Đang quyết định (chưa phê duyệt)")
    SIGNED = "signed", _("Đã phê duyệt")
    REPLACED = "replaced", _("Đã được thay thế")


class SigningAs(models.TextChoices):
    """Decree 30/2020 Appendix I: the chair signs "TM." for the committee; a vice-chair signs "KT." for the chair."""

    CHAIR = "chair", _("TM. ỦY BAN NHÂN DÂN – CHỦ TỊCH")
    VICE_CHAIR = "vice_chair", _("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH")


class DecisionQuerySet(models.QuerySet):
    def in_force(self) -> DecisionQuerySet:
        """The decisions people are bound by: signed (at sign-off, or replacing an earlier one). A replaced one is
        history and a draft is not yet a decision (domain.md §3.7, §3.9)."""
        return self.filter(state=DecisionState.SIGNED)


class Decision(models.Model):
    """The competent authority's decision on one person (domain.md §3.7): a level or "not rated", the comments on
    strengths and weaknesses, and for cán bộ the outlook. Drafts become signed at the cycle's sign-off, all at once.
    A later change (after an objection, or errors found) is a new decision that replaces this one; both are kept
    (domain.md §3.9)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="decisions")
    level = models.CharField(_("mức xếp loại"), max_length=8, choices=Level.choices, blank=True)
    not_rated = models.BooleanField(_("không xếp loại"), default=False)
    comments = models.TextField(_("nhận xét ưu, khuyết điểm"))
    outlook = models.TextField(_("nhận định chiều hướng, triển vọng phát triển"), blank=True)
    state = models.CharField(max_length=8, choices=DecisionState.choices, default=DecisionState.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    signing_as = models.CharField(_("thẩm quyền ký"), max_length=12, choices=SigningAs.choices, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("ngày phê duyệt"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    replacement_reason = models.TextField(_("lý do thay thế"), blank=True)
    # Where the authority departs from a cap the law lets it weigh (Decree 233/2026 Art. 12(4)(d)): why. Printed
    # on the rating form.
    cap_departure_reason = models.TextField(_("lý do xếp loại khác mức giới hạn"), blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyết định xếp loại")
        verbose_name_plural = _("quyết định xếp loại")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(state="draft"), name="decision_one_draft_per_evaluation"
            ),
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(state="signed"),
                name="decision_one_in_force_per_evaluation",
            ),
            models.CheckConstraint(
                condition=(~Q(level="") & Q(not_rated=False)) | (Q(level="") & Q(not_rated=True)),
                name="decision_level_or_not_rated",
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(level__in=LEVEL_VALUES), name="decision_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in DecisionState]), name="decision_state_valid"
            ),
            models.CheckConstraint(condition=~Q(comments=""), name="decision_has_comments"),
            # Signed (or since replaced) means it carries who signed and when.
            models.CheckConstraint(
                condition=Q(state="draft")
                | (Q(signed_at__isnull=False) & ~Q(signing_as="") & ~Q(signer_name="")),
                name="decision_signed_has_signer",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} – {self.level or 'not rated'} ({self.state})"

    @property
    def label(self) -> StrOrPromise:
        return str(_("Không xếp loại chất lượng")) if self.not_rated else Level(self.level).label


# --- Objections (domain.md §3.9, issue #5) ---


# Every e-mail's outbox row has the one status of common/outbox.py (issue #16 item 2).
NoticeEmailStatus = OutboxStatus
ReminderStatus = OutboxStatus


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Đang chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    WITHDRAWN = "withdrawn", _("Đã rút")


class ObjectionOutcome(models.TextChoices):
    KEPT = "kept", _("Giữ nguyên kết quả")
    CHANGED = "changed", _("Thay đổi kết quả (quyết định mới thay thế)")


class Objection(models.Model):
    """A person's objection (kiến nghị) to their published rating, and the chair's answer. A changed rating is
    a new decision that replaces the one objected to; both are kept (domain.md §3.9)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="objections")
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("quyết định bị kiến nghị"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.TextField(_("nội dung kiến nghị"))
    filed_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    withdrawn_at = models.DateTimeField(_("ngày rút"), null=True, blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả giải quyết"), max_length=8, choices=ObjectionOutcome.choices, blank=True
    )
    new_decision = models.OneToOneField(
        Decision,
        verbose_name=_("quyết định mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_objection",
    )

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ObjectionStatus]),
                name="objection_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[choice.value for choice in ObjectionOutcome]),
                name="objection_outcome_valid",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="objection_has_text"),
            # Answered means it carries the answer, when and the outcome; nothing else has an answer.
            models.CheckConstraint(
                condition=(
                    Q(status="answered") & ~Q(answer="") & Q(answered_at__isnull=False) & ~Q(outcome="")
                )
                | (~Q(status="answered") & Q(answered_at__isnull=True) & Q(outcome="")),
                name="objection_answered_has_answer",
            ),
            # A changed rating is a new decision, and only a changed one points to one.
            models.CheckConstraint(
                condition=(Q(outcome="changed") & Q(new_decision__isnull=False))
                | (~Q(outcome="changed") & Q(new_decision__isnull=True)),
                name="objection_changed_has_new_decision",
            ),
            models.CheckConstraint(
                condition=(Q(status="withdrawn") & Q(withdrawn_at__isnull=False))
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="objection_withdrawn_has_time",
            ),
            # One objection at a time per person: the chair answers it before another is filed.
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(status="open"), name="objection_one_open_per_evaluation"
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} – {self.get_status_display()}"


class ObjectionAnswerEmail(OutboxEmail):
    """The answer to a kept objection by e-mail (a changed rating sends its new notice instead): the e-mail's
    outbox row (common/outbox.py), one per objection."""

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="answer_email")

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thư trả lời kiến nghị")
        verbose_name_plural = _("thư trả lời kiến nghị")

    def __str__(self) -> str:
        return str(self.objection)

    def outbox_message(self) -> EmailMessage:
        from .services.objections import objection_answer_message

        return objection_answer_message(self.objection)


# --- Notices of results (domain.md §3.8, issue #5) ---


class NoticeKind(models.TextChoices):
    RESULT = "result", _("Thông báo kết quả xếp loại")
    REPLACED_RESULT = "replaced", _("Thông báo kết quả mới (thay thế kết quả đã thông báo)")


class Notice(OutboxEmail):
    """The notice of one signed decision to the person rated: in the portal, and by e-mail. One per decision, so a
    decision that replaces another after an objection gets a notice of its own. The row is the e-mail's outbox
    (common/outbox.py): claimed with a conditional UPDATE, so a duplicate delivery of the task never sends twice."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="notices")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="notice")
    kind = models.CharField(_("loại thông báo"), max_length=12, choices=NoticeKind.choices)
    created_at = models.DateTimeField(_("ngày thông báo"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã xem lúc"), null=True, blank=True)

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thông báo kết quả")
        verbose_name_plural = _("thông báo kết quả")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *OutboxEmail.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in NoticeKind]), name="notice_kind_valid"
            ),
            # A claim (sending, sent or failed) is an attempt, made at a known moment.
            models.CheckConstraint(
                condition=Q(status__in=["pending", "no_address"])
                | (Q(attempts__gte=1) & Q(claimed_at__isnull=False)),
                name="notice_claim_counts_an_attempt",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(read_at__gte=F("created_at")),
                name="notice_read_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} – {self.get_kind_display()}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def outbox_message(self) -> EmailMessage:
        from .services.notices import notice_email_message

        return notice_email_message(self)

    def outbox_sent(self) -> None:
        from .services.notices import notice_email_recorded

        notice_email_recorded(self)


class Reminder(OutboxEmail):
    """A reminder e-mail Home Affairs asked for, to one person who has not submitted. The row is the outbox: written
    in the request's transaction, claimed by the worker with a conditional UPDATE, so a duplicate delivery of the task
    sends nothing twice, and one skipped when the person submitted in the meantime."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="reminders")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thư nhắc")
        verbose_name_plural = _("thư nhắc")

    def __str__(self):
        return f"{self.evaluation} – {self.requested_at:%d/%m/%Y %H:%M}"

    def outbox_message(self) -> EmailMessage:
        from .services.self_assessment import reminder_message

        return reminder_message(self)

    def outbox_sent(self) -> None:
        from .services.events import event_record

        event_record(self.evaluation, EventKind.REMINDED, self.requested_by)
