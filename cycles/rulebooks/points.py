"""What the 100-point regimes share: Decree 335/2025 (công chức), Decree 233/2026 (viên chức) and,
presumed, Party regulation 366-QĐ/TW for elected cán bộ.

30 points of general criteria + 70 points of task results (Decree 233/2026 Arts 10–11 and Phụ lục I; Law 80/2025
Art. 25(4) names the criteria but gives no points). The split inside each part is not fixed nationally (Decree 233
Art. 12(5) leaves it to the unit's rules), so the maxima below are defaults a cycle copies and Home Affairs may
adjust.
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
    """The 100-point regimes. Each subclass names its articles; where a rule was found only in Decree 233 and is
    presumed for the regime, its citation says "áp dụng tương tự"."""

    scoring = Scoring.POINTS
    default_bands = NATIONAL_BANDS
    # The year is scored from monthly or quarterly periods (Law 80/2025 Art. 25; Decree 233 Art. 3(5)–(6), 12(5);
    # Decree 335 Art. 14, 21): cycles/rulebooks/tracking.py.
    tracks_periods = True
    form_name: StrOrPromise = ""
    levels_article = ""
    score_article = ""  # KHTNV under 50 points, and the bands
    degradation_article = ""
    discipline_article = ""
    corruption_article = ""
    # Where the competent authority may weigh a manager who found, reported and remedied the corruption or waste
    # (Decree 233 Art. 12(4)(d), second paragraph); empty where the regime has no such paragraph.
    corruption_mitigation_article = ""
    # Decree 233 Art. 12(4)(c): only a violation connected with the performance of duties caps at KHTNV.
    discipline_needs_duty_link = True
    # Which year a discipline counts in: the exceptions the regime has, each with its article.
    discipline_counting_articles: dict[str, str] = {}
    head_cap_article = "Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7"
    # Public employees are rated after their unit (Decree 233 Art. 15(1)(a)): without the unit's level a head
    # cannot be rated, as the cap of Art. 12(7) cannot be known.
    rated_after_unit_article = "Nghị định 233/2026/NĐ-CP, Điều 15 khoản 1 điểm a; Điều 12 khoản 7"
    # Under 6 months' work in the year: not rated, sick or maternity leave apart.
    months_article = "Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2"
    # Sick leave and maternity leave under social insurance both excuse the months rule (Decree 233 Art. 14(2)).
    sick_leave_excused = True
    quota_article = ""

    def quota_citation(self, year: int) -> str:
        return self.quota_article

    def cap_rules(self, facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
        excused = facts.on_maternity_leave or (self.sick_leave_excused and facts.on_sick_leave)
        if facts.months_at_work is not None and facts.months_at_work < 6 and not excused:
            yield CapReason(
                None,
                _("Thời gian làm việc trong năm chưa đủ 06 tháng: không xếp loại chất lượng."),
                self.months_article,
            )
        if facts.points_total is None:
            # No score, no level: the level is read from the year's score (Decree 233 Art. 12(1)–(4)(a), (5)).
            yield CapReason(
                None,
                _(
                    "Chưa có tổng điểm theo dõi, đánh giá của năm: chưa thể đề xuất hay quyết định mức xếp loại."
                ),
                self.score_article,
                missing=True,
            )
        else:
            level = self.level_for_score(facts.points_total, bands)
            yield CapReason(
                level,
                _("Tổng điểm %(score)s: %(level)s.")
                # The reader's decimal mark: "89,5" in Vietnamese.
                % {
                    "score": number_format(Decimal(f"{facts.points_total.normalize():f}")),
                    "level": level.label,
                },
                self.score_article,
            )
        if facts.degradation_concluded:
            yield CapReason(
                Level.KHTNV,
                _(
                    "Có kết luận suy thoái tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa."
                ),
                self.degradation_article,
            )
        # A discipline caps unless the regime counts it in another year (Decree 233 Art. 14(3)) or, where the
        # regime needs it, the violation is not connected with the performance of duties (233 Art. 12(4)(c)).
        counts_here = facts.discipline_counting not in self.discipline_counting_articles
        duty_link_holds = not facts.discipline_unrelated_to_duties or not self.discipline_needs_duty_link
        if facts.disciplined_in_year and counts_here and duty_link_holds:
            yield CapReason(
                Level.KHTNV,
                _(
                    "Bị kỷ luật từ khiển trách trở lên trong năm đánh giá do vi phạm liên quan đến thực hiện nhiệm vụ."
                )
                if self.discipline_needs_duty_link
                else _("Bị kỷ luật từ khiển trách trở lên trong năm đánh giá."),
                self.discipline_article,
            )
        if facts.is_leader and facts.corruption_in_unit:
            departable = bool(self.corruption_mitigation_article) and facts.corruption_self_remedied
            yield CapReason(
                Level.KHTNV,
                _(
                    "Cơ quan, đơn vị do mình trực tiếp phụ trách xảy ra tham ô, tham nhũng, lãng phí và bị xử lý; "
                    "đã chủ động phát hiện, báo cáo, xử lý và khắc phục: cấp có thẩm quyền cân nhắc, "
                    "xếp loại khác phải ghi lý do."
                )
                if departable
                else _(
                    "Cơ quan, đơn vị do mình trực tiếp phụ trách xảy ra tham ô, tham nhũng, lãng phí và bị xử lý."
                ),
                self.corruption_mitigation_article if departable else self.corruption_article,
                departable=departable,
            )
        if facts.is_head:
            if facts.agency_level is None:
                yield CapReason(
                    None,
                    _(
                        "Cơ quan, đơn vị chưa có kết quả xếp loại năm nay: người đứng đầu được xếp loại sau đơn vị "
                        "và không cao hơn mức của đơn vị."
                    ),
                    self.rated_after_unit_article,
                    missing=True,
                )
            else:
                yield CapReason(
                    facts.agency_level,
                    _("Người đứng đầu không được xếp loại cao hơn mức của cơ quan, đơn vị (%(level)s).")
                    % {"level": facts.agency_level.label},
                    self.head_cap_article,
                )
        yield from self.leader_rules(facts)

    def leader_rules(self, facts: PersonFacts) -> Iterable[CapReason]:
        return ()

    def form_title(self, personnel_type: str) -> StrOrPromise:
        return self.form_name

    def form_sections(self, *, personnel_type: str, is_leader: bool) -> tuple[FormSection, ...]:
        return (GENERAL, TASKS_LEADER if is_leader else TASKS_STAFF, SELF_REVIEW, AUTHORITY)
