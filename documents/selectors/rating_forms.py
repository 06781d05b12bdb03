"""The rating form of one person and of the whole cohort (domain.md §5), with the authority's part from the
signed decision in force."""

import re
from dataclasses import asdict
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cycles.models import Cycle, CycleCriterion, Enrolment, FilledBy
from cycles.rulebooks import Level, Scoring
from cycles.selectors import cohort_order
from officials.models import PersonnelType
from reviews.models import DECIDED_STATES, Decision, Evaluation, EvaluationStatus, SigningAs
from reviews.selectors import decision_in_force, decisions_in_force, level_for_points

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

_FORM_NUMBER = re.compile(r"\s*\((Mẫu số [^)]+)\)\s*$")


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


def rating_form_data(
    *,
    evaluation: Evaluation,
    show_decision: bool,
    criteria=None,
    letterheads: dict | None = None,
    decision=_LOOK_UP,
    tracking_totals=_LOOK_UP,
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
    title = str(rulebook.form_title(enrolment.personnel_type))
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
        codes = {item["code"] for item in authority_section["items"]}
        if (
            outlook
            and enrolment.personnel_type == PersonnelType.CAN_BO
            and "development_outlook" not in codes
        ):
            # The points forms carry no outlook line; the decision on a cán bộ has one (domain.md §5): print it.
            authority_section["items"].append(
                {
                    "number": len(authority_section["items"]) + 1,
                    "code": "development_outlook",
                    "title": _("Nhận định chiều hướng, triển vọng phát triển của cán bộ"),
                    "guidance": "",
                    "text": outlook,
                    "max_points": "",
                    "points": "",
                }
            )
    submitted_on = evaluation.submitted_at and timezone.localtime(evaluation.submitted_at).date()
    if tracking_totals is _LOOK_UP:
        tracking_totals = tracking_totals_of(enrolment)
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
            )
        )
    return {
        "kind": DocumentKind.RATING_FORMS.value,
        "filename": f"phieu-danh-gia-{cycle.year}-ca-danh-sach.pdf",
        "forms": forms,
    }
