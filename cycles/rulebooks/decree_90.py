"""Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: the qualitative regime.

Applies to every personnel type for rating years up to 2025, and to viên chức for 2026 where the unit
has not yet issued its own rules (Decree 233/2026 Art. 20(1)). Forms: Mẫu số 01 (cán bộ), 02 (công chức),
03 (viên chức), reconstructed in legal-research.md §5.1–5.3.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from officials.models import PersonnelType

from .base import Criterion, FormSection, Rulebook, Scoring
from .caps import CapReason, PersonFacts
from .levels import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .base import Band

# Decree 90 Art. 3(1)–(4): the general criteria, the same for everyone.
GENERAL_CRITERIA = (
    Criterion("political_ideology", _("Chính trị tư tưởng")),
    Criterion("ethics_lifestyle", _("Đạo đức, lối sống")),
    Criterion("working_style", _("Tác phong, lề lối làm việc")),
    Criterion("discipline", _("Ý thức tổ chức kỷ luật")),
)
DUTIES = Criterion(
    "duties_results",
    _("Kết quả thực hiện chức trách, nhiệm vụ được giao"),
    guidance=_("Xác định rõ nội dung công việc thực hiện; tỷ lệ hoàn thành, chất lượng, tiến độ công việc."),
)
# Decree 90 Art. 3(5)(b): only for positions that deal directly with citizens and businesses.
SERVICE_ATTITUDE = Criterion(
    "service_attitude",
    _("Thái độ phục vụ nhân dân, doanh nghiệp"),
    guidance=_(
        "Đối với những vị trí tiếp xúc trực tiếp hoặc trực tiếp giải quyết công việc của người dân và "
        "doanh nghiệp."
    ),
    optional=True,
)
# Decree 90 Art. 3(5)(a) and the forms' leaders-only part.
LEADER_CRITERIA = (
    Criterion(
        "unit_results",
        _("Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách"),
    ),
    Criterion("leadership_capacity", _("Năng lực lãnh đạo, quản lý")),
    Criterion("capacity_to_unite", _("Năng lực tập hợp, đoàn kết")),
)

SELF_REVIEW = FormSection(
    "self_review",
    _("II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG"),
    criteria=(
        Criterion("strengths", _("Ưu điểm")),
        Criterion("weaknesses", _("Khuyết điểm")),
    ),
    note=_("Tự xếp loại chất lượng ở một trong bốn mức."),
)


class Decree90(Rulebook):
    def cap_rules(self, facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
        return _decree_90_cap_rules(facts, bands)

    code = "decree_90"
    name = _("Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP")
    citation = "Nghị định 90/2020/NĐ-CP; Nghị định 48/2023/NĐ-CP"
    scoring = Scoring.QUALITATIVE

    FORM_TITLES = {
        PersonnelType.CAN_BO: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ (Mẫu số 01)"),
        PersonnelType.CONG_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC (Mẫu số 02)"),
        PersonnelType.VIEN_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC (Mẫu số 03)"),
    }

    def form_title(self, personnel_type: str) -> StrOrPromise:
        return self.FORM_TITLES[PersonnelType(personnel_type)]

    def form_sections(self, *, personnel_type: str, is_leader: bool) -> tuple[FormSection, ...]:
        personnel_type = PersonnelType(personnel_type)
        if personnel_type is PersonnelType.CAN_BO:
            # Mẫu 01: items 1–8 in one part; cán bộ in the chair's cohort all lead.
            self_assessment = FormSection(
                "self_assessment",
                _("I. KẾT QUẢ TỰ ĐÁNH GIÁ"),
                criteria=(*GENERAL_CRITERIA, DUTIES, *(LEADER_CRITERIA if is_leader else ())),
            )
            authority = FormSection(
                "authority",
                _(
                    "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ (Phần dành cho cấp có thẩm quyền đánh giá)"
                ),
                criteria=(
                    Criterion("authority_comments", _("Nhận xét ưu, khuyết điểm")),
                    Criterion(
                        "development_outlook", _("Nhận định chiều hướng, triển vọng phát triển của cán bộ")
                    ),
                ),
                filled_by="authority",
            )
            return (self_assessment, SELF_REVIEW, authority)

        # Mẫu 02 / 03: items 1–6 for everyone, 7–9 in the part reserved for leaders and managers.
        criteria = (*GENERAL_CRITERIA, DUTIES, SERVICE_ATTITUDE)
        sections = [FormSection("self_assessment", _("I. KẾT QUẢ TỰ ĐÁNH GIÁ"), criteria=criteria)]
        if is_leader:
            leaders_title = (
                _("PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ")
                if personnel_type is PersonnelType.CONG_CHUC
                else _("PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ")
            )
            sections.append(FormSection("leadership", leaders_title, criteria=LEADER_CRITERIA))
        sections.append(SELF_REVIEW)
        sections.append(
            FormSection(
                "manager",
                _("III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ"),
                criteria=(Criterion("manager_comments", _("Nhận xét, đánh giá")),),
                filled_by="manager",
                note=_(
                    "Phần dành cho người đứng đầu đơn vị cấu thành hoặc người đứng đầu cơ quan, đơn vị nhận xét, "
                    "đánh giá cấp phó."
                ),
            )
        )
        authority_title = (
            _(
                "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC (Phần dành cho cấp có thẩm quyền đánh giá)"
            )
            if personnel_type is PersonnelType.CONG_CHUC
            else _(
                "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC (Phần dành cho cấp có thẩm quyền đánh giá)"
            )
        )
        sections.append(
            FormSection(
                "authority",
                authority_title,
                criteria=(Criterion("authority_comments", _("Nhận xét ưu, khuyết điểm")),),
                filled_by="authority",
            )
        )
        return tuple(sections)


ART_2 = "Nghị định 90/2020/NĐ-CP, Điều 2 (sửa đổi bởi Nghị định 48/2023/NĐ-CP)"
ART_2_5_A = "Nghị định 90/2020/NĐ-CP, Điều 2 khoản 5 điểm a (sửa đổi bởi Nghị định 48/2023/NĐ-CP)"
# The level articles differ by type (cán bộ 4–7, công chức 8–11, viên chức 12–15) but read the same.
LEVEL_ARTICLES = "Nghị định 90/2020/NĐ-CP, Điều 4–7, 8–11, 12–15"


def _decree_90_cap_rules(facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
    if facts.months_at_work is not None and facts.months_at_work < 6 and not facts.on_maternity_leave:
        yield CapReason(None, _("Công tác dưới 6 tháng trong năm: không xếp loại chất lượng."), ART_2)
    if facts.months_absent is not None and 3 <= facts.months_absent < 6:
        yield CapReason(
            Level.HTNV,
            _("Nghỉ từ 3 đến dưới 6 tháng trong năm: không xếp loại từ Hoàn thành tốt nhiệm vụ trở lên."),
            ART_2,
        )
    if facts.disciplined_in_year:
        yield CapReason(
            Level.KHTNV, _("Bị kỷ luật trong năm đánh giá: xếp loại Không hoàn thành nhiệm vụ."), ART_2_5_A
        )
    if facts.degradation_concluded:
        yield CapReason(
            Level.KHTNV,
            _("Có kết luận suy thoái tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa."),
            LEVEL_ARTICLES,
        )
    if not facts.is_leader:
        return
    if facts.corruption_in_unit:
        yield CapReason(
            Level.KHTNV,
            _(
                "Để cơ quan, đơn vị thuộc phạm vi phụ trách xảy ra tham ô, tham nhũng, lãng phí và bị xử lý theo quy định."
            ),
            LEVEL_ARTICLES,
        )
    met = facts.targets_met_pct
    if met is not None:
        if met < 50:
            yield CapReason(Level.KHTNV, _("Tỷ lệ chỉ tiêu, nhiệm vụ hoàn thành dưới 50%."), LEVEL_ARTICLES)
        elif met <= 70:
            # HTNV needs more than 70% of targets; nothing between 50% and 70% reaches it.
            yield CapReason(
                Level.KHTNV,
                _("Tỷ lệ chỉ tiêu hoàn thành không quá 70% (mức Hoàn thành nhiệm vụ cần trên 70%)."),
                LEVEL_ARTICLES,
            )
        elif met < 100:
            yield CapReason(
                Level.HTNV,
                _("Tỷ lệ chỉ tiêu hoàn thành chưa đạt 100% (mức Hoàn thành tốt cần hoàn thành tất cả)."),
                LEVEL_ARTICLES,
            )
    exceeded = facts.targets_exceeded_pct
    if exceeded is not None and exceeded < 50:
        yield CapReason(
            Level.HTTNV,
            _("Tỷ lệ chỉ tiêu vượt mức dưới 50% (mức xuất sắc cần từ 50% trở lên)."),
            LEVEL_ARTICLES,
        )
    htnv_share, httnv_share = facts.subordinates_htnv_or_above_pct, facts.subordinates_httnv_or_above_pct
    if htnv_share is not None and htnv_share < 70:
        yield CapReason(
            Level.KHTNV, _("Dưới 70% đơn vị trực thuộc đạt Hoàn thành nhiệm vụ trở lên."), LEVEL_ARTICLES
        )
    elif (htnv_share is not None and htnv_share < 100) or (httnv_share is not None and httnv_share < 70):
        yield CapReason(
            Level.HTTNV,
            _(
                "Đơn vị trực thuộc chưa đạt 100% Hoàn thành nhiệm vụ trở lên với ít nhất 70% Hoàn thành tốt trở lên."
            ),
            LEVEL_ARTICLES,
        )
