"""The yearly rating cycle, its phases and its cohort."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from officials.models import Official, Organisation, PeerGroup, PersonnelType

from .rulebooks import RULEBOOKS, Framework, get_rulebook


class CycleStatus(models.TextChoices):
    SETUP = "setup", _("Đang thiết lập")
    IN_PROGRESS = "in_progress", _("Đang đánh giá")
    SIGNED_OFF = "signed_off", _("Đã phê duyệt kết quả")
    CLOSED = "closed", _("Đã kết thúc, lưu trữ")


class Cycle(models.Model):
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    title = models.CharField(_("tiêu đề"), max_length=255)
    # The rating authority: the provincial People's Committee, whose chair decides (domain.md §1).
    authority = models.ForeignKey(
        Organisation,
        verbose_name=_("cấp có thẩm quyền đánh giá"),
        on_delete=models.PROTECT,
        related_name="rated_cycles",
    )
    chair_name = models.CharField(_("họ tên Chủ tịch"), max_length=150)
    framework = models.CharField(_("văn bản áp dụng"), max_length=32, choices=Framework.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.SETUP
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="cycle_unique_year_per_authority"),
            models.CheckConstraint(condition=Q(year__gte=2020) & Q(year__lte=2100), name="cycle_year_sane"),
            models.CheckConstraint(
                condition=Q(framework__in=[choice.value for choice in Framework]),
                name="cycle_framework_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in CycleStatus]), name="cycle_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.IN_PROGRESS


class PhaseKind(models.TextChoices):
    """The phases of domain.md §3, in order."""

    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    COMMENT_MEETING = "comment_meeting", _("Họp nhận xét, đánh giá tại cơ quan")
    PARTY_OPINION = "party_opinion", _("Ý kiến của cấp ủy")
    COMPILATION = "compilation", _("Sở Nội vụ tổng hợp, đề xuất")
    CONFERENCE = "conference", _("Hội nghị đánh giá, xếp loại")
    DECISION = "decision", _("Quyết định xếp loại")
    OBJECTIONS = "objections", _("Kiến nghị")


class Phase(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("giai đoạn"), max_length=32, choices=PhaseKind.choices)
    starts_on = models.DateField(_("từ ngày"))
    deadline = models.DateTimeField(_("hạn chót"))
    # Home Affairs opens and closes each phase by hand; the deadline is enforced on top of that.
    is_open = models.BooleanField(_("đang mở"), default=False)

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["deadline"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="phase_unique_kind_per_cycle"),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in PhaseKind]), name="phase_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.cycle} – {self.get_kind_display()}"


class Enrolment(models.Model):
    """One person in one cycle's cohort, with a snapshot of who they were in that cycle.

    Later transfers or promotions change the Official, never this row (domain.md §3.1).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="enrolments")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="enrolments")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    title = models.CharField(_("chức vụ"), max_length=255)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="enrolments"
    )
    organisation_name = models.CharField(_("tên cơ quan"), max_length=255)
    peer_group = models.ForeignKey(
        PeerGroup, verbose_name=_("nhóm đối tượng"), on_delete=models.PROTECT, related_name="enrolments"
    )
    peer_group_name = models.CharField(_("tên nhóm đối tượng"), max_length=255)
    personnel_type = models.CharField(_("loại cán bộ"), max_length=16, choices=PersonnelType.choices)
    is_leader = models.BooleanField(_("giữ chức vụ lãnh đạo, quản lý"), default=True)
    is_party_member = models.BooleanField(_("đảng viên"), default=True)
    rulebook_code = models.CharField(_("quy định áp dụng"), max_length=32)
    agenda_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("người được đánh giá")
        verbose_name_plural = _("danh sách người được đánh giá")
        ordering = ["peer_group__sort_order", "agenda_order", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "official"], name="enrolment_unique_official_per_cycle"),
            models.CheckConstraint(
                condition=Q(personnel_type__in=[choice.value for choice in PersonnelType]),
                name="enrolment_personnel_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(rulebook_code__in=list(RULEBOOKS)), name="enrolment_rulebook_known"
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="enrolment_full_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.cycle.year})"

    @property
    def rulebook(self):
        return get_rulebook(self.rulebook_code)
