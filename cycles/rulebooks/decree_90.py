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
from .caps import CapReason, DisciplineCounting, PersonFacts
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

    def quota_citation(self, year: int) -> str:
        return quota_citation(year)

    code = "decree_90"
    name = _("Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP")
    citation = "Nghị định 90/2020/NĐ-CP; Nghị định 48/2023/NĐ-CP"
    # Decree 48/2023 amends Decree 90 from 15/9/2023, so every rating decided under this rulebook cites both.
    decision_basis = (
        "Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 năm 2020 của Chính phủ về đánh giá, xếp loại chất lượng cán bộ, "
        "công chức, viên chức",
        "Nghị định số 48/2023/NĐ-CP ngày 17 tháng 7 năm 2023 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định "
        "số 90/2020/NĐ-CP",
    )
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


D90 = "Nghị định 90/2020/NĐ-CP"
# Decree 90 Art. 2(3), original text: under 6 months → not rated (maternity leave excepted); absent 3 to under
# 6 months → rated, but not at HTTNV or above.
ART_2_3 = f"{D90}, Điều 2 khoản 3"
# Decree 90 Art. 2(5), added by Decree 48/2023 Art. 1(1).
ART_2_5_A = f"{D90}, Điều 2 khoản 5 điểm a (bổ sung bởi Nghị định 48/2023/NĐ-CP)"
ART_2_5_B = f"{D90}, Điều 2 khoản 5 điểm b (bổ sung bởi Nghị định 48/2023/NĐ-CP)"
ART_2_5_C = f"{D90}, Điều 2 khoản 5 điểm c (bổ sung bởi Nghị định 48/2023/NĐ-CP)"

# The level articles read the same for each type but are numbered apart: cán bộ Arts 4–7, công chức 8–11,
# viên chức 12–15 (HTXSNV, HTTNV, HTNV, KHTNV). For viên chức the leaders' conditions are clause 2 of each
# article (pháp điển 5.2.NĐ.8.12–15); the công chức clauses were read only in translation, the article is cited.
LEVEL_ARTICLES = {
    PersonnelType.CAN_BO: ("Điều 4", "Điều 5", "Điều 6", "Điều 7"),
    PersonnelType.CONG_CHUC: ("Điều 8 khoản 2", "Điều 9", "Điều 10", "Điều 11"),
    PersonnelType.VIEN_CHUC: ("Điều 12 khoản 2", "Điều 13 khoản 2", "Điều 14 khoản 2", "Điều 15 khoản 2"),
}


def level_article(facts: PersonFacts, level: Level) -> str:
    """The article of Decree 90 that sets the conditions of `level` for this person's type."""
    index = Level(level).rank
    if facts.personnel_type in LEVEL_ARTICLES:
        return f"{D90}, {LEVEL_ARTICLES[PersonnelType(facts.personnel_type)][index]}"
    return f"{D90}, " + ", ".join(articles[index] for articles in LEVEL_ARTICLES.values())


# The Party's HTXSNV rate that Decree 90 Art. 2(6) refers to: QĐ 124-QĐ/TW (2023) until QĐ 366-QĐ/TW of
# 30 August 2025 replaced it, so 366 governs from the 2025 rating.
def quota_citation(year: int) -> str:
    party = "Quy định 366-QĐ/TW, Điều 11" if year >= 2025 else "Quy định 124-QĐ/TW (tỷ lệ 20% số HTTNV)"
    return f"{D90}, Điều 2 khoản 6 (bổ sung bởi Nghị định 48/2023/NĐ-CP); {party}"


def _decree_90_cap_rules(facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
    # Art. 2(3): only maternity leave excuses the months rule (sick leave is excused only from 2026, Decree 233
    # Art. 14(2)).
    if facts.months_at_work is not None and facts.months_at_work < 6 and not facts.on_maternity_leave:
        yield CapReason(None, _("Công tác dưới 6 tháng trong năm: không xếp loại chất lượng."), ART_2_3)
    if facts.months_absent is not None and 3 <= facts.months_absent < 6:
        yield CapReason(
            Level.HTNV,
            _("Nghỉ từ 3 đến dưới 6 tháng trong năm: không xếp loại từ Hoàn thành tốt nhiệm vụ trở lên."),
            ART_2_3,
        )
    if facts.disciplined_in_year:
        if facts.discipline_counting == DisciplineCounting.ALREADY_RATED_KHTNV:
            pass  # Art. 2(5)(b): the later decision does not count again.
        elif facts.discipline_counting == DisciplineCounting.COUNTED_IN_OTHER_YEAR:
            pass  # Art. 2(5)(c): Party and administrative discipline for one act count in one year only.
        else:
            # Art. 2(5)(a): any discipline in the rating year, whatever the violation (Decree 90 has no
            # "connected with duties" condition, nor 233 Art. 14(3)(c)'s former-organisation rule).
            yield CapReason(
                Level.KHTNV,
                _("Bị kỷ luật trong năm đánh giá: xếp loại Không hoàn thành nhiệm vụ."),
                ART_2_5_A,
            )
    if facts.degradation_concluded:
        yield CapReason(
            Level.KHTNV,
            _("Có kết luận suy thoái tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa."),
            level_article(facts, Level.KHTNV),
        )
    if not facts.is_leader:
        return
    if facts.corruption_in_unit:
        yield CapReason(
            Level.KHTNV,
            _(
                "Để cơ quan, đơn vị thuộc phạm vi phụ trách xảy ra tham ô, tham nhũng, lãng phí và bị xử lý theo quy định."
            ),
            level_article(facts, Level.KHTNV),
        )
    met = facts.targets_met_pct
    if met is not None:
        if met < 50:
            yield CapReason(
                Level.KHTNV,
                _("Tỷ lệ chỉ tiêu, nhiệm vụ hoàn thành dưới 50%."),
                level_article(facts, Level.KHTNV),
            )
        elif met <= 70:
            # HTNV needs more than 70% of targets; nothing between 50% and 70% reaches it.
            yield CapReason(
                Level.KHTNV,
                _("Tỷ lệ chỉ tiêu hoàn thành không quá 70% (mức Hoàn thành nhiệm vụ cần trên 70%)."),
                level_article(facts, Level.HTNV),
            )
        elif met < 100:
            yield CapReason(
                Level.HTNV,
                _("Tỷ lệ chỉ tiêu hoàn thành chưa đạt 100% (mức Hoàn thành tốt cần hoàn thành tất cả)."),
                level_article(facts, Level.HTTNV),
            )
    exceeded = facts.targets_exceeded_pct
    if exceeded is not None and exceeded < 50:
        yield CapReason(
            Level.HTTNV,
            _("Tỷ lệ chỉ tiêu vượt mức dưới 50% (mức xuất sắc cần từ 50% trở lên)."),
            level_article(facts, Level.HTXSNV),
        )
    htnv_share, httnv_share = facts.subordinates_htnv_or_above_pct, facts.subordinates_httnv_or_above_pct
    if htnv_share is not None and htnv_share < 70:
        yield CapReason(
            Level.KHTNV,
            _(
                "Dưới 70% đơn vị trực thuộc đạt Hoàn thành nhiệm vụ trở lên (mức Hoàn thành nhiệm vụ cần ít nhất 70%)."
            ),
            level_article(facts, Level.HTNV),
        )
    elif htnv_share is not None and htnv_share < 100:
        # HTTNV needs 100% of the units under direct charge at HTNV or above (Arts 5, 9, 13; copied word for
        # word in Hải Phòng QĐ 212/2025 Art. 7(2)(d)): below 100% the highest level is HTNV.
        yield CapReason(
            Level.HTNV,
            _(
                "Chưa đạt 100% đơn vị trực thuộc Hoàn thành nhiệm vụ trở lên (mức Hoàn thành tốt nhiệm vụ cần 100%)."
            ),
            level_article(facts, Level.HTTNV),
        )
    if httnv_share is not None and httnv_share < 70:
        # HTXSNV needs, besides 100% at HTNV or above, at least 70% at HTTNV or above (Arts 4, 8, 12).
        yield CapReason(
            Level.HTTNV,
            _("Dưới 70% đơn vị trực thuộc Hoàn thành tốt nhiệm vụ trở lên (mức xuất sắc cần ít nhất 70%)."),
            level_article(facts, Level.HTXSNV),
        )
