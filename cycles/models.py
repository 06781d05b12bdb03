"""The yearly rating cycle, its phases and its cohort."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from officials.models import Official, Organisation, PeerGroup, PersonnelType

from .rulebooks import RULEBOOKS, Framework, Level, get_rulebook
from .rulebooks.base import Rulebook
from .rulebooks.quota import DEFAULT_RATE, OUTSTANDING_RATE_MAX, Rounding


class CycleStatus(models.TextChoices):
    SETUP = "setup", _("Đang thiết lập")
    IN_PROGRESS = "in_progress", _("Đang đánh giá")
    SIGNED_OFF = "signed_off", _("Đã phê duyệt kết quả")
    CLOSED = "closed", _("Đã kết thúc, lưu trữ")


# The one rule of "published": once the chair signs off, the results are published (domain.md §3.8).
PUBLISHED_CYCLE_STATES = (CycleStatus.SIGNED_OFF, CycleStatus.CLOSED)


class Publication(models.TextChoices):
    """Who sees the list of results once the chair signs off (domain.md §3.8: "publication inside the agency",
    electronic preferred). Each person always sees their own result."""

    PERSON_ONLY = "person", _("Chỉ người được đánh giá xem kết quả của mình")
    COHORT = "cohort", _("Những người trong danh sách đánh giá xem danh sách kết quả")
    ALL_USERS = "all", _("Mọi người dùng của cổng xem danh sách kết quả")


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
    # Point bands (inclusive lower bounds). National defaults: Decree 335/2025 Art. 20, Decree 233/2026
    # Art. 12; provinces move them (Hải Phòng 212/2025), so the cycle carries its own.
    band_htxsnv = models.DecimalField(_("ngưỡng HTXSNV (điểm)"), max_digits=5, decimal_places=2, default=90)
    band_httnv = models.DecimalField(_("ngưỡng HTTNV (điểm)"), max_digits=5, decimal_places=2, default=70)
    band_htnv = models.DecimalField(_("ngưỡng HTNV (điểm)"), max_digits=5, decimal_places=2, default=50)
    # The law does not say how finely points are given; 0 means whole points only.
    points_decimal_places = models.PositiveSmallIntegerField(_("số chữ số thập phân của điểm"), default=1)
    # The HTXSNV quota: a share of those rated HTTNV in each peer group (quota.py cites the articles).
    # The texts fix 20%; how to round is not written anywhere (legal-research.md §2), so both are settings.
    quota_rate = models.DecimalField(
        _("tỷ lệ HTXSNV tối đa so với số HTTNV"), max_digits=4, decimal_places=3, default=DEFAULT_RATE
    )
    quota_rounding = models.CharField(
        _("cách làm tròn chỉ tiêu"), max_length=8, choices=Rounding.choices, default=Rounding.DOWN
    )
    publication = models.CharField(
        _("công khai kết quả"), max_length=8, choices=Publication.choices, default=Publication.COHORT
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
            models.CheckConstraint(
                condition=Q(band_htxsnv__gt=F("band_httnv"))
                & Q(band_httnv__gt=F("band_htnv"))
                & Q(band_htnv__gte=0)
                & Q(band_htxsnv__lte=100),
                name="cycle_bands_ordered",
            ),
            models.CheckConstraint(
                condition=Q(points_decimal_places__lte=2), name="cycle_points_decimal_places_max_2"
            ),
            models.CheckConstraint(
                condition=Q(quota_rate__gt=0) & Q(quota_rate__lte=OUTSTANDING_RATE_MAX),
                name="cycle_quota_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(quota_rounding__in=[choice.value for choice in Rounding]),
                name="cycle_quota_rounding_valid",
            ),
            models.CheckConstraint(
                condition=Q(publication__in=[choice.value for choice in Publication]),
                name="cycle_publication_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.IN_PROGRESS

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_CYCLE_STATES

    @property
    def bands(self):
        from .rulebooks import Band, Level

        return (
            Band(Level.HTXSNV, self.band_htxsnv),
            Band(Level.HTTNV, self.band_httnv),
            Band(Level.HTNV, self.band_htnv),
        )


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
    # When the phase last opened and when Home Affairs closed it by hand. The objection window must have run its
    # course before the cycle closes (domain.md §3.9): its deadline passed, or it opened and was closed early.
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

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
    # người đứng đầu: capped by the agency's own level (Decree 233 Art. 12(7)). Taken from the title when the
    # person is enrolled (a deputy's title starts "Phó"); Home Affairs corrects it, never a default of the facts.
    is_head = models.BooleanField(_("là người đứng đầu cơ quan, đơn vị"), default=False)
    is_party_member = models.BooleanField(_("đảng viên"), default=True)
    rulebook_code = models.CharField(_("quy định áp dụng"), max_length=32)
    # Why the enrolment takes another rulebook than its framework's default (Decree 233/2026 Art. 20(1)).
    rulebook_reason = models.TextField(_("lý do áp dụng quy định khác"), blank=True)
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
    def rulebook(self) -> Rulebook:
        return get_rulebook(self.rulebook_code)


class FilledBy(models.TextChoices):
    SELF = "self", _("Người tự đánh giá")
    MANAGER = "manager", _("Người quản lý trực tiếp")
    AUTHORITY = "authority", _("Cấp có thẩm quyền")


class CycleCriterion(models.Model):
    """One line of the form for one kind of person in one cycle, copied from the rulebook when the cycle is
    set up so that Home Affairs can adapt it to the province before the self-assessment phase opens."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="criteria")
    rulebook_code = models.CharField(max_length=32)
    personnel_type = models.CharField(max_length=16, choices=PersonnelType.choices)
    is_leader = models.BooleanField()
    section_code = models.CharField(max_length=32)
    section_title = models.CharField(_("phần"), max_length=255)
    code = models.CharField(max_length=48)
    title = models.CharField(_("tiêu chí"), max_length=500)
    guidance = models.TextField(_("hướng dẫn"), blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2, null=True, blank=True)
    filled_by = models.CharField(max_length=16, choices=FilledBy.choices, default=FilledBy.SELF)
    required = models.BooleanField(_("bắt buộc"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí của kỳ")
        verbose_name_plural = _("tiêu chí của kỳ")
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "rulebook_code", "personnel_type", "is_leader", "code"],
                name="cyclecriterion_unique_code_per_form",
            ),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | (Q(max_points__gt=0) & Q(max_points__lte=100)),
                name="cyclecriterion_max_points_range",
            ),
        ]

    def __str__(self):
        return self.title


class QuotaException(models.Model):
    """The outstanding-results exception: the competent authority allows one peer group up to 25% of those at
    HTTNV (Decree 90 Art. 2(6), added by 48/2023, with the Party's rule of the year: QĐ 124-QĐ/TW for the 2023–2024
    ratings, QĐ 366-QĐ/TW Art. 11 from 2025; Decree 335/2025 Art. 20(5); Decree 233/2026 Art. 12(6)(b), only for
    a unit itself recognised HTXSNV). Never without the reason and the deciding document."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="quota_exceptions")
    peer_group = models.ForeignKey(
        PeerGroup, verbose_name=_("nhóm đối tượng"), on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(_("tỷ lệ cho phép"), max_digits=4, decimal_places=3)
    reason = models.TextField(_("lý do (thành tích nổi trội)"))
    document = models.CharField(_("văn bản cho phép (số, ngày)"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngoại lệ tỷ lệ HTXSNV")
        verbose_name_plural = _("ngoại lệ tỷ lệ HTXSNV")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "peer_group"], name="quotaexception_one_per_group"),
            models.CheckConstraint(
                condition=Q(rate__gt=0) & Q(rate__lte=OUTSTANDING_RATE_MAX), name="quotaexception_rate_max_25"
            ),
            models.CheckConstraint(
                condition=~Q(reason="") & ~Q(document=""), name="quotaexception_reason_and_document"
            ),
        ]

    def __str__(self):
        return f"{self.cycle} – {self.peer_group}"


class AgencyRating(models.Model):
    """An agency's own rating for the cycle's year, decided elsewhere and entered here because a head may not
    be rated above their agency (Decree 233/2026 Art. 12(7); presumed for Decree 335, domain.md §4)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="agency_ratings")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.CharField(_("mức xếp loại của cơ quan, đơn vị"), max_length=8, choices=Level.choices)
    source = models.CharField(_("căn cứ (văn bản, ngày)"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("xếp loại cơ quan, đơn vị")
        verbose_name_plural = _("xếp loại cơ quan, đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation"], name="agencyrating_one_per_cycle"),
            models.CheckConstraint(
                condition=Q(level__in=[choice.value for choice in Level]), name="agencyrating_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.cycle.year}: {self.level}"


# The conference's models live in conference/; this upload path stays here because migration 0005 names it.
def conference_report_path(instance, filename):
    import uuid

    # A random name outside the web root, like the evidence; the original name is kept in the row.
    return f"conference/{instance.cycle_id}/{uuid.uuid4().hex}"
