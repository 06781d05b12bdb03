"""Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: the qualitative regime.

Applies to every personnel type for rating years up to 2025, and to viên chức for 2026 where the unit
has not yet issued its own rules (Decree 233/2026 Art. 20(1)). Forms: Mẫu số 01 (cán bộ), 02 (công chức),
03 (viên chức), reconstructed in legal-research.md §5.1–5.3.
"""

from django.utils.translation import gettext_lazy as _

from officials.models import PersonnelType

from .base import Criterion, FormSection, Rulebook, Scoring

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
    code = "decree_90"
    name = _("Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP")
    citation = "Nghị định 90/2020/NĐ-CP; Nghị định 48/2023/NĐ-CP"
    scoring = Scoring.QUALITATIVE

    FORM_TITLES = {
        PersonnelType.CAN_BO: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ (Mẫu số 01)"),
        PersonnelType.CONG_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC (Mẫu số 02)"),
        PersonnelType.VIEN_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC (Mẫu số 03)"),
    }

    def form_title(self, personnel_type: str) -> str:
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
