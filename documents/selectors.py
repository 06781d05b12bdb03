"""Reads for printed documents: the data each document prints, and the Decree 30/2020 wording pieces.

A document's data is a plain JSON dict taken when it is asked for. The PDF is rendered from that dict only
(never from the live rows), and the dict is kept with the issued PDF, so the paper can be explained later.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cycles.models import Cycle, CycleCriterion, Enrolment, FilledBy
from cycles.rulebooks import Level, Scoring
from officials.models import Organisation
from reviews.models import DECIDED_STATES, Evaluation

from .models import Document, DocumentJob, DocumentKind, JobStatus, Letterhead

# How bodies are written out in a header: Decree 30/2020 Phụ lục I wants the issuing body's name in full;
# the parent body line may keep the common abbreviation ("UBND TỈNH HÒA LÂM").
_ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}
_PLACE_PREFIX = re.compile(r"^(UBND|Ủy ban nhân dân)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\s+", re.I)
_FORM_NUMBER = re.compile(r"\s*\((Mẫu số [^)]+)\)\s*$")


def checksum_of(data: dict) -> str:
    """SHA-256 of the canonical JSON of a document's data: the same data is the same document."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def date_line(place: str, day: date) -> str:
    """ "Hòa Lâm, ngày 05 tháng 01 năm 2027": days and months below 10 take a leading zero
    (Decree 30/2020 Phụ lục I, part II, item 4)."""
    return _("%(place)s, ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "place": place,
        "day": day.day,
        "month": day.month,
        "year": day.year,
    }


def blank_date_line() -> str:
    """The date line of a signature that has not been given yet, left for the pen."""
    return _("……, ngày …… tháng …… năm ……")


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/BB-UBND". Before issue the number is left blank ("Số:      /BB-UBND")."""
    if number is None:
        return _("Số:      /%(symbol)s") % {"symbol": symbol}
    return _("Số: %(number)02d/%(symbol)s") % {"number": number, "symbol": symbol}


@dataclass(frozen=True)
class LetterheadData:
    parent_body: str
    body_name: str
    place_name: str


def _expand(name: str) -> str:
    for short, full in _ABBREVIATIONS.items():
        name = re.sub(rf"\b{short}\b", full, name)
    return name


def _split_collective(name: str) -> str:
    """ "ỦY BAN NHÂN DÂN / TỈNH HÒA LÂM" on two lines, as every People's Committee prints it; the first line
    is also the collective a chair signs for ("TM. ỦY BAN NHÂN DÂN")."""
    for collective in _ABBREVIATIONS.values():
        prefix = collective.upper() + " "
        if name.startswith(prefix):
            return prefix.strip() + "\n" + name[len(prefix) :]
    return name


def _root(organisation: Organisation) -> Organisation:
    seen = set()
    while organisation.parent_id and organisation.pk not in seen:
        seen.add(organisation.pk)
        organisation = organisation.parent
    return organisation


def letterhead_for(organisation: Organisation, rows: dict | None = None) -> LetterheadData:
    """The header lines and place name of an organisation: its Letterhead row, else derived from its names.
    `rows` ({organisation_id: Letterhead}) saves the query when many documents are prepared at once."""
    if rows is None:
        row = Letterhead.objects.filter(organisation=organisation).first()
    else:
        row = rows.get(organisation.pk)
    parent = organisation.parent
    derived = LetterheadData(
        parent_body=parent.name.upper() if parent else "",
        body_name=_split_collective(_expand(organisation.name).upper()),
        place_name=_PLACE_PREFIX.sub("", _root(organisation).name),
    )
    if row is None:
        return derived
    return LetterheadData(
        parent_body=row.parent_body or derived.parent_body,
        body_name=row.body_name or derived.body_name,
        place_name=row.place_name or derived.place_name,
    )


def signature_block(*, collective: str = "", head_title: str, signer_title: str = "", name: str = "") -> dict:
    """The signature of an administrative document (Decree 30/2020 Phụ lục I, part II, item 7).

    The head signs for the collective: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH". A deputy signs for the head:
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (signer_title set). The name goes under the space left for the signature.
    """
    if signer_title:
        lines = [f"KT. {head_title.upper()}", signer_title.upper()]
    elif collective:
        lines = [f"TM. {collective.upper()}", head_title.upper()]
    else:
        lines = [head_title.upper()]
    return {"lines": lines, "name": name}


def _decimal_text(value) -> str:
    """ "85,5": Vietnamese decimal comma, no trailing zeros."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")


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


def rating_form_data(
    *, evaluation: Evaluation, show_decision: bool, criteria=None, letterheads: dict | None = None
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
            "max_points": _decimal_text(criterion.max_points),
            "points": _decimal_text(answer.get("points")),
        }
        section["items"].append(item)
        if criterion.max_points is not None:
            section["max_points"] = (section["max_points"] or Decimal(0)) + criterion.max_points
            if answer.get("points") not in (None, ""):
                section["points"] = (section["points"] or Decimal(0)) + Decimal(str(answer["points"]))
    for section in sections.values():
        section["max_points"] = _decimal_text(section["max_points"])
        section["points"] = _decimal_text(section["points"])

    is_points = rulebook.scoring == Scoring.POINTS
    self_sections = [s for s in sections.values() if s["filled_by"] == FilledBy.SELF]
    points_level = ""
    if is_points and evaluation.points_total is not None:
        points_level = str(rulebook.level_for_score(evaluation.points_total, cycle.bands).label)
    decided = evaluation.status in DECIDED_STATES and show_decision
    submitted_on = evaluation.submitted_at and timezone.localtime(evaluation.submitted_at).date()
    return {
        "kind": DocumentKind.RATING_FORM.value,
        "filename": f"phieu-danh-gia-{cycle.year}-{slugify(_ascii(enrolment.full_name))}.pdf",
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
        "authority_section": next(
            (s for s in sections.values() if s["filled_by"] == FilledBy.AUTHORITY), None
        ),
        "points_total": _decimal_text(evaluation.points_total),
        "points_max": _decimal_text(
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
        "decided_level": str(Level(evaluation.final_level).label) if decided else "",
        "decided_by": cycle.chair_name if decided else "",
        "is_can_bo": enrolment.personnel_type == "can_bo",
        "outline": f"{enrolment.full_name} – {enrolment.title}",
    }


def _ascii(text: str) -> str:
    """slugify keeps only ASCII: spell Vietnamese letters without their marks first ("Đ" is not a mark)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def rating_form_shows_decision(evaluation: Evaluation) -> bool:
    return evaluation.status in DECIDED_STATES


def cohort_evaluations(cycle: Cycle):
    """Every evaluation of the cycle in agenda order, with what the forms print (fixed number of queries)."""
    return (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .select_related("enrolment__cycle", "enrolment__organisation__parent", "enrolment__peer_group")
        .order_by("enrolment__peer_group__sort_order", "enrolment__agenda_order", "enrolment__full_name")
    )


def rating_forms_data(*, cycle: Cycle) -> dict:
    """Every person's form in one document, in agenda order (the conference pack's annex)."""
    evaluations = list(cohort_evaluations(cycle))
    criteria: dict[tuple, list] = {}
    for row in CycleCriterion.objects.filter(cycle=cycle).order_by("sort_order"):
        criteria.setdefault((row.rulebook_code, row.personnel_type, row.is_leader), []).append(row)
    letterheads = {row.organisation_id: row for row in Letterhead.objects.all()}
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
            )
        )
    return {
        "kind": DocumentKind.RATING_FORMS.value,
        "filename": f"phieu-danh-gia-{cycle.year}-ca-danh-sach.pdf",
        "forms": forms,
    }


def notice_data(*, evaluation: Evaluation) -> dict:
    """The notice of result to one person (domain.md §3.8): issued by the rating authority, numbered."""
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    letterhead = letterhead_for(cycle.authority)
    return {
        "kind": DocumentKind.NOTICE.value,
        "filename": f"thong-bao-ket-qua-{cycle.year}-{slugify(_ascii(enrolment.full_name))}.pdf",
        "letterhead": asdict(letterhead),
        "year": cycle.year,
        "issuer_name": _expand(cycle.authority.name),
        "subject": _("Kết quả đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
        "person": {
            "full_name": enrolment.full_name,
            "title": enrolment.title,
            "organisation": enrolment.organisation_name,
        },
        # "Giám đốc Sở Tư pháp", not "Giám đốc Sở Tư pháp, Sở Tư pháp".
        "designation": enrolment.title
        if enrolment.organisation_name.lower() in enrolment.title.lower()
        else f"{enrolment.title}, {enrolment.organisation_name}",
        "level": str(Level(evaluation.final_level).label) if evaluation.final_level else "",
        "signature": signature_block(
            collective=letterhead.body_name.split("\n")[0], head_title=_("Chủ tịch"), name=cycle.chair_name
        ),
        "recipients": list(
            dict.fromkeys(
                [f"{enrolment.full_name} ({enrolment.title})", enrolment.organisation_name, _("Sở Nội vụ")]
            )
        ),
        "archive": _("Lưu: VT, NC"),
        "outline": _("Thông báo kết quả – %(name)s") % {"name": enrolment.full_name},
    }


# --- Jobs and documents ------------------------------------------------------------------------------


def latest_documents(cycle: Cycle):
    """The newest version of every document of the cycle (two queries whatever the cohort size)."""
    return (
        Document.objects.filter(cycle=cycle, replaced_by__isnull=True)
        .select_related("evaluation__enrolment", "replaces")
        .order_by("kind", "evaluation__enrolment__agenda_order", "-version")
    )


def open_jobs(cycle: Cycle):
    return (
        DocumentJob.objects.filter(
            cycle=cycle, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]
        )
        .select_related("evaluation__enrolment")
        .order_by("-created_at")[:50]
    )
