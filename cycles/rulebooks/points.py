"""What the 100-point regimes share: Decree 335/2025 (công chức), Decree 233/2026 (viên chức) and,
presumed, Party regulation 366-QĐ/TW for elected cán bộ.

30 points of general criteria + 70 points of task results (Law 80/2025 Art. 25(4); Decree 233 Art. 10–11
and Phụ lục I). The split inside each part is not fixed nationally (Decree 233 Art. 12(5) leaves it to the
unit's rules), so the maxima below are defaults a cycle copies and Home Affairs may adjust.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .base import Band, Criterion, FormSection, Rulebook, Scoring
from .caps import CapReason, PersonFacts
from .levels import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

D = Decimal

# Decree 335 Art. 20 / Decree 233 Art. 12: ≥ 90, 70 to < 90, 50 to < 70, < 50.
NATIONAL_BANDS = (
    Band(Level.HTXSNV, D(90)),
    Band(Level.HTTNV, D(70)),
    Band(Level.HTNV, D(50)),
)

GENERAL = FormSection(
    "general",
    _("1. Tiêu chí chung"),
    criteria=(
        Criterion(
            "politics_ethics_discipline",
            _("Phẩm chất chính trị, phẩm chất đạo đức, ý thức kỷ luật, kỷ cương"),
            D(10),
        ),
        Criterion(
            "competence_responsibility_service",
            _("Năng lực chuyên môn, nghiệp vụ, tinh thần trách nhiệm, thái độ phục vụ, phối hợp"),
            D(10),
        ),
        Criterion(
            "innovation",
            _("Năng lực đổi mới, sáng tạo; dám nghĩ, dám làm, dám chịu trách nhiệm"),
            D(10),
        ),
    ),
)

# Non-leaders: quantity, quality, timeliness of assigned products (Decree 335 Art. 14; 233 Art. 11).
TASKS_STAFF = FormSection(
    "tasks",
    _("2. Kết quả thực hiện nhiệm vụ"),
    criteria=(
        Criterion("quantity", _("Số lượng sản phẩm, công việc hoàn thành"), D(25)),
        Criterion("quality", _("Chất lượng sản phẩm, công việc"), D(25)),
        Criterion("timeliness", _("Tiến độ thực hiện"), D(20)),
    ),
)

# Leaders add the agency's results, organising capacity and capacity to unite (Law 80 Art. 25(4);
# Decree 233 Art. 11(2)).
TASKS_LEADER = FormSection(
    "tasks",
    _("2. Kết quả thực hiện nhiệm vụ"),
    criteria=(
        Criterion("quantity", _("Số lượng sản phẩm, công việc hoàn thành"), D(15)),
        Criterion("quality", _("Chất lượng sản phẩm, công việc"), D(15)),
        Criterion("timeliness", _("Tiến độ thực hiện"), D(10)),
        Criterion(
            "unit_results", _("Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao phụ trách"), D(15)
        ),
        Criterion("organising_capacity", _("Khả năng tổ chức triển khai thực hiện nhiệm vụ"), D(10)),
        Criterion("capacity_to_unite", _("Năng lực tập hợp, đoàn kết"), D(5)),
    ),
)

SELF_REVIEW = FormSection(
    "self_review",
    _("II. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"),
    criteria=(Criterion("strengths", _("Ưu điểm")), Criterion("weaknesses", _("Hạn chế, khuyết điểm"))),
    note=_("Tự xếp loại chất lượng ở một trong bốn mức."),
)

AUTHORITY = FormSection(
    "authority",
    _("III–IV. KẾT QUẢ XẾP LOẠI VÀ Ý KIẾN NHẬN XÉT CỦA CẤP CÓ THẨM QUYỀN"),
    criteria=(
        Criterion(
            "authority_comments", _("Ý kiến nhận xét của cấp có thẩm quyền và đề xuất phương án xử lý")
        ),
    ),
    filled_by="authority",
)


class PointsRulebook(Rulebook):
    scoring = Scoring.POINTS
    default_bands = NATIONAL_BANDS
    form_name: StrOrPromise = ""
    # The article on levels, and whether the "head not above the agency" rule is in the text or presumed.
    levels_article = ""
    head_cap_article = "Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7"
    # Under 6 months' work in the year: not rated, sick or maternity leave apart.
    months_article = "Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2"

    def cap_rules(self, facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
        if facts.months_at_work is not None and facts.months_at_work < 6 and not facts.on_maternity_leave:
            yield CapReason(
                None,
                _("Thời gian làm việc trong năm chưa đủ 06 tháng: không xếp loại chất lượng."),
                self.months_article,
            )
        if facts.points_total is not None:
            level = self.level_for_score(facts.points_total, bands)
            yield CapReason(
                level,
                _("Tổng điểm %(score)s: %(level)s.")
                # The reader's decimal mark: "89,5" in Vietnamese.
                % {
                    "score": number_format(Decimal(f"{facts.points_total.normalize():f}")),
                    "level": level.label,
                },
                self.levels_article,
            )
        if facts.degradation_concluded:
            yield CapReason(
                Level.KHTNV,
                _(
                    "Có kết luận suy thoái tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa."
                ),
                self.levels_article,
            )
        if facts.disciplined_in_year:
            yield CapReason(
                Level.KHTNV, _("Bị kỷ luật từ khiển trách trở lên trong năm đánh giá."), self.levels_article
            )
        if facts.is_leader and facts.corruption_in_unit:
            yield CapReason(
                Level.KHTNV,
                _(
                    "Cơ quan, đơn vị do mình trực tiếp phụ trách xảy ra tham ô, tham nhũng, lãng phí và bị xử lý."
                ),
                self.levels_article,
            )
        if facts.is_head and facts.agency_level is not None:
            yield CapReason(
                facts.agency_level,
                _("Người đứng đầu không được xếp loại cao hơn mức của cơ quan, đơn vị (%(level)s).")
                % {"level": facts.agency_level.label},
                self.head_cap_article,
            )

    def form_title(self, personnel_type: str) -> StrOrPromise:
        return self.form_name

    def form_sections(self, *, personnel_type: str, is_leader: bool) -> tuple[FormSection, ...]:
        return (GENERAL, TASKS_LEADER if is_leader else TASKS_STAFF, SELF_REVIEW, AUTHORITY)
