"""The rating form of one person and of the whole cohort (domain.md §5), with the authority's part from the
signed decision in force."""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cycles.models import Cycle, CycleCriterion, Enrolment, FilledBy
from cycles.rulebooks import Level, Scoring
from cycles.selectors import cohort_order
from officials.models import PersonnelType
from reviews.models import DECIDED_STATES, Decision, Evaluation, EvaluationStatus, SigningAs
from reviews.selectors import (
    ScoreSource,
    counted_score,
    decision_in_force,
    decisions_in_force,
    level_for_points,
)

from ..models import DocumentKind, Letterhead
from .tracking_forms import tracking_totals_by_enrolment, tracking_totals_of
from .wording import (
    LetterheadData,
    ascii_text,
    blank_date_line,
    date_line,
    decimal_text,
    letterhead_for,
    signature_block,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_FORM_NUMBER = re.compile(r"\s*\((Mẫu số [^)]+)\)\s*$")

# The 2026 annual forms, laid out as Decree 233/2026 Phụ lục II "Phiếu xếp loại chất lượng viên chức" (I. tổng hợp
# kết quả theo dõi, đánh giá; II. tự đánh giá, xếp loại; III. kết quả xếp loại của cấp có thẩm quyền; IV. ý kiến
# nhận xét và đề xuất phương án xử lý; two signatures side by side): by rulebook, the person the form is about and
# the title where it is not the rulebook's. Regulation 366's own form was not found (legal-research.md §5.5): presumed
# like Phụ lục II, titled for cán bộ, with the outlook line in the authority's part (issue #14 item 7). Decree 335's
# Phụ lục was not found either (legal-research.md §1.3, "appendix NOT FOUND"): Decree 335 (công chức) and Decree 233
# (viên chức) are the twin decrees of Law 80/2025 Art. 25 drafted together, so its form is presumed Phụ lục II's
# with "công chức" for "viên chức", title included (issue #14 item 3).
ANNEX_II: dict[str, tuple[str, StrOrPromise]] = {
    "decree_233": ("VIÊN CHỨC", ""),
    "decree_335": ("CÔNG CHỨC", gettext_lazy("PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")),
    "regulation_366": ("CÁN BỘ", ""),
}


def form_criteria(enrolment: Enrolment) -> list[CycleCriterion]:
    """Every line of the person's form as the cycle carries it, in order (one query)."""
    return list(
        CycleCriterion.objects.filter(
            cycle_id=enrolment.cycle_id,
            rulebook_code=enrolment.rulebook_code,
            personnel_type=enrolment.personnel_type,
            is_leader=enrolment.is_leader,
        ).order_by("sort_order")
    )


_LOOK_UP = object()


def decision_signature(decision: Decision, collective: str, *, personal: bool = False) -> dict:
    """How the decision's signer signs: a vice-chair "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020 Phụ lục I,
    part II, item 7); the chair "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" on the committee's papers (the notice), but
    "CHỦ TỊCH" alone on the rating form, where the chair rates personally (`personal`; issue #14)."""
    if decision.signing_as == SigningAs.VICE_CHAIR:
        return signature_block(
            head_title=_("Chủ tịch"), signer_title=_("Phó Chủ tịch"), name=decision.signer_name
        )
    if personal:
        return signature_block(head_title=_("Chủ tịch"), name=decision.signer_name)
    return signature_block(collective=collective, head_title=_("Chủ tịch"), name=decision.signer_name)


def _authority_part(evaluation, decision, letterhead_of_authority: LetterheadData) -> dict | None:
    """The authority's part of the form once the decision is signed: comments, outlook, level, signature."""
    if decision is None:
        return None
    signed_on = timezone.localtime(decision.signed_at).date()
    return {
        "level": str(decision.label),
        "texts": {"authority_comments": decision.comments, "development_outlook": decision.outlook},
        "date": date_line(letterhead_of_authority.place_name, signed_on),
        "signature": decision_signature(
            decision, letterhead_of_authority.body_name.split("\n")[0], personal=True
        ),
        # Why the authority departed from a cap it may weigh (Decree 233/2026 Art. 12(4)(d)): printed with the level.
        "departure_reason": decision.cap_departure_reason,
    }


def _authority_points(evaluation: Evaluation, tracking_totals, *, look_up: bool) -> dict:
    """The authority's column of the points table: the score that counts when it is not the person's own
    (reviews.selectors.counted_score): one Home Affairs confirmed (the total only), or the year from the confirmed
    periods (with its two parts from section I). Empty where only the person's own total exists."""
    points = {"general": "", "tasks": "", "total": "", "note": ""}
    if look_up:
        counted = counted_score(evaluation)
        if counted is None or counted.source == ScoreSource.SELF:
            return points
        if counted.source == ScoreSource.CONFIRMED:
            return {**points, "total": decimal_text(counted.value), "note": counted.note}
        points["total"] = decimal_text(counted.value)
    else:
        # The cohort's forms: the same order without a query per person (cap_facts is selected with the cohort).
        facts = getattr(evaluation, "cap_facts", None)
        if facts is not None and facts.points_total is not None:
            return {**points, "total": decimal_text(facts.points_total), "note": facts.source}
        if not tracking_totals:
            return points
        points["total"] = tracking_totals.get("score", "")
    if tracking_totals:
        points["general"] = tracking_totals.get("general", "")
        points["tasks"] = tracking_totals.get("tasks", "")
    return points


def _level_boxes(self_level: str, decided_level: str) -> list[dict]:
    """The four levels, each with a box ticked for the self-rated level (II) and the decided one (III)."""
    return [
        {
            "label": str(level.label),
            "self": level.value == self_level,
            "decided": level.value == decided_level,
        }
        for level in Level
    ]


def rating_form_data(
    *,
    evaluation: Evaluation,
    show_decision: bool,
    criteria=None,
    letterheads: dict | None = None,
    decision=_LOOK_UP,
    tracking_totals=_LOOK_UP,
    counted=_LOOK_UP,
) -> dict:
    """What the rating form of one person prints (Decree 90 Mẫu 01–03; Decree 233 Phụ lục II and the
    forms presumed like it): the self-assessment, the manager's part where the form has one, and the
    authority's part with the decided level once there is one and the reader may see it."""
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    rulebook = enrolment.rulebook
    criteria = form_criteria(enrolment) if criteria is None else criteria
    letterhead = letterhead_for(enrolment.organisation, letterheads)
    answers = evaluation.answers or {}
    annex_noun, annex_title = ANNEX_II.get(enrolment.rulebook_code, ("", ""))
    title = str(annex_title or rulebook.form_title(enrolment.personnel_type))
    form_number = ""
    if match := _FORM_NUMBER.search(title):
        form_number, title = match.group(1), title[: match.start()]

    # The law's own notes under a part's title ("Phần dành cho người đứng đầu …"), from the rulebook.
    notes = {
        section.code: str(section.note)
        for section in rulebook.form_sections(
            personnel_type=enrolment.personnel_type, is_leader=enrolment.is_leader
        )
    }
    sections: dict[str, dict] = {}
    number = 0
    for criterion in criteria:
        section = sections.setdefault(
            criterion.section_code,
            {
                "code": criterion.section_code,
                "title": criterion.section_title,
                "filled_by": criterion.filled_by,
                "note": notes.get(criterion.section_code, "")
                if criterion.filled_by == FilledBy.MANAGER
                else "",
                "items": [],
                "max_points": None,
                "points": None,
            },
        )
        answer = answers.get(criterion.code, {})
        if criterion.section_code != "self_review" and criterion.filled_by == FilledBy.SELF:
            number += 1
            item_number = number
        else:
            item_number = len(section["items"]) + 1
        item = {
            "number": item_number,
            "code": criterion.code,
            "title": criterion.title,
            "guidance": criterion.guidance,
            "text": answer.get("text", ""),
            "max_points": decimal_text(criterion.max_points),
            "points": decimal_text(answer.get("points")),
        }
        section["items"].append(item)
        if criterion.max_points is not None:
            section["max_points"] = (section["max_points"] or Decimal(0)) + criterion.max_points
            if answer.get("points") not in (None, ""):
                section["points"] = (section["points"] or Decimal(0)) + Decimal(str(answer["points"]))
    for section in sections.values():
        section["max_points"] = decimal_text(section["max_points"])
        section["points"] = decimal_text(section["points"])

    is_points = rulebook.scoring == Scoring.POINTS
    self_sections = [s for s in sections.values() if s["filled_by"] == FilledBy.SELF]
    points_level = ""
    if is_points and (level := level_for_points(evaluation)) is not None:
        points_level = str(level.label)
    decided = evaluation.status in DECIDED_STATES and show_decision
    authority = None
    if decided:
        if decision is _LOOK_UP:
            decision = decision_in_force(evaluation)
        authority = _authority_part(evaluation, decision, letterhead_for(cycle.authority, letterheads))
    authority_section = next((s for s in sections.values() if s["filled_by"] == FilledBy.AUTHORITY), None)
    if authority and authority_section:
        for item in authority_section["items"]:
            item["text"] = authority["texts"].get(item["code"], "") or item["text"]
        outlook = authority["texts"]["development_outlook"]
        for item in authority_section["items"]:
            if item["code"] == "development_outlook":
                item["text"] = outlook or item["text"]
    if (
        authority_section
        and enrolment.personnel_type == PersonnelType.CAN_BO
        and "development_outlook" not in {item["code"] for item in authority_section["items"]}
        and (is_points or (authority and authority["texts"]["development_outlook"]))
    ):
        # The points forms carry no outlook line; the cán bộ's form has one (Regulation 366, presumed; issue #14):
        # printed blank until the signed decision fills it. A Decree 90 form without the line prints a decision's.
        authority_section["items"].append(
            {
                "number": len(authority_section["items"]) + 1,
                "code": "development_outlook",
                "title": "Nhận định chiều hướng, triển vọng phát triển của cán bộ",
                "guidance": "",
                "text": authority["texts"]["development_outlook"] if authority else "",
                "max_points": "",
                "points": "",
            }
        )
    submitted_on = evaluation.submitted_at and timezone.localtime(evaluation.submitted_at).date()
    if tracking_totals is _LOOK_UP:
        tracking_totals = tracking_totals_of(enrolment)
    authority_points = (
        _authority_points(evaluation, tracking_totals, look_up=counted is _LOOK_UP)
        if is_points
        else {"general": "", "tasks": "", "total": "", "note": ""}
    )
    for section in self_sections:
        section["authority_points"] = authority_points.get(section["code"], "")
    # The boxes of Phụ lục II: the decided level ticked only once the decision is signed (a draft leaves III empty).
    signed_level = str(decision.level) if authority and decision is not None else ""
    # A signed result outside the four levels ("Không xếp loại chất lượng") is written out under the boxes.
    unboxed_level = (
        authority["level"] if authority and signed_level not in {level.value for level in Level} else ""
    )
    # A self-assessment not yet sent is never printed as if final (issue #14): marked on every page.
    unsubmitted = evaluation.status in (
        EvaluationStatus.NOT_STARTED,
        EvaluationStatus.DRAFT,
        EvaluationStatus.RETURNED,
    )
    return {
        "kind": DocumentKind.RATING_FORM.value,
        "draft_mark": _("DỰ THẢO – CHƯA NỘP") if unsubmitted else "",
        "filename": f"phieu-danh-gia-{cycle.year}-{slugify(ascii_text(enrolment.full_name))}.pdf",
        "letterhead": asdict(letterhead),
        "form_number": form_number,
        "title": title.strip(),
        "year": cycle.year,
        "rulebook": str(rulebook.name),
        # "VIÊN CHỨC", "CÔNG CHỨC", "CÁN BỘ" where the form is laid out as Decree 233/2026 Phụ lục II; "" for Decree 90.
        "annex_ii_noun": annex_noun,
        "outlook": authority["texts"]["development_outlook"] if authority else "",
        "authority_points": authority_points,
        "level_boxes": _level_boxes(evaluation.self_proposed_level or "", signed_level),
        "unboxed_level": unboxed_level,
        "authority_comments": authority["texts"]["authority_comments"] if authority else "",
        "is_points": is_points,
        "person": {
            "full_name": enrolment.full_name,
            "title": enrolment.title,
            "organisation": enrolment.organisation_name,
        },
        "self_sections": [s for s in self_sections if s["code"] != "self_review"],
        "self_review": sections.get("self_review"),
        "manager_section": next((s for s in sections.values() if s["filled_by"] == FilledBy.MANAGER), None),
        "authority_section": authority_section,
        "points_total": decimal_text(evaluation.points_total),
        "points_max": decimal_text(
            sum((c.max_points for c in criteria if c.max_points and c.filled_by == FilledBy.SELF), Decimal(0))
            if is_points
            else None
        ),
        "points_level": points_level,
        "levels": [str(level.label) for level in Level],
        "self_level": str(Level(evaluation.self_proposed_level).label)
        if evaluation.self_proposed_level
        else "",
        "self_signed": date_line(letterhead.place_name, submitted_on) if submitted_on else blank_date_line(),
        "blank_date": blank_date_line(),
        # The level once decided; the comments, date and TM./KT. signature once the decision is signed.
        "decided_level": (authority["level"] if authority else str(evaluation.final_label))
        if decided
        else "",
        "decided_by": cycle.chair_name if decided else "",
        "departure_reason": authority["departure_reason"] if authority else "",
        "authority_date": authority["date"] if authority else "",
        "authority_signature": authority["signature"] if authority else None,
        "is_can_bo": enrolment.personnel_type == "can_bo",
        # Decree 233 Phụ lục II "I. Tổng hợp kết quả theo dõi, đánh giá": only when the person is tracked by period.
        "tracking_summary": tracking_totals,
        "outline": f"{enrolment.full_name} – {enrolment.title}",
    }


def rating_form_shows_decision(evaluation: Evaluation) -> bool:
    return evaluation.status in DECIDED_STATES


def cohort_evaluations(cycle: Cycle):
    """Every evaluation of the cycle in agenda order, with what the forms print (fixed number of queries)."""
    return (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .select_related(
            "enrolment__cycle__authority__parent",
            "enrolment__organisation__parent",
            "enrolment__peer_group",
            "enrolment__official",
            "cap_facts",
        )
        .order_by(*cohort_order("enrolment__"))
    )


def rating_forms_data(*, cycle: Cycle) -> dict:
    """Every person's form in one document, in agenda order (the conference pack's annex)."""
    evaluations = list(cohort_evaluations(cycle))
    criteria: dict[tuple, list] = {}
    for row in CycleCriterion.objects.filter(cycle=cycle).order_by("sort_order"):
        criteria.setdefault((row.rulebook_code, row.personnel_type, row.is_leader), []).append(row)
    letterheads = {row.organisation_id: row for row in Letterhead.objects.all()}
    decisions = decisions_in_force(cycle)
    totals = tracking_totals_by_enrolment(cycle, [evaluation.enrolment for evaluation in evaluations])
    forms = []
    for evaluation in evaluations:
        enrolment = evaluation.enrolment
        key = (enrolment.rulebook_code, enrolment.personnel_type, enrolment.is_leader)
        forms.append(
            rating_form_data(
                evaluation=evaluation,
                show_decision=True,
                criteria=criteria.get(key, []),
                letterheads=letterheads,
                decision=decisions.get(evaluation.pk),
                tracking_totals=totals.get(enrolment.pk),
                counted=None,
            )
        )
    return {
        "kind": DocumentKind.RATING_FORMS.value,
        "filename": f"phieu-danh-gia-{cycle.year}-ca-danh-sach.pdf",
        "forms": forms,
    }
