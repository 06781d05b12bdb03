"""Reads for printed documents: the data each document prints, and the Decree 30/2020 wording pieces.

A document's data is a plain JSON dict taken when it is asked for. The PDF is rendered from that dict only
(never from the live rows), and the dict is kept with the issued PDF, so the paper can be explained later.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cycles.models import Conference, Cycle, CycleCriterion, CycleStatus, Enrolment, FilledBy
from cycles.rulebooks import Level, Scoring
from officials.models import Organisation, OrganisationKind
from reviews.models import DECIDED_STATES, Decision, DecisionState, Evaluation, SigningAs
from reviews.selectors import LevelSource, cohort_standing

from .errors import DocumentError
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
        # No-break spaces: HTML would collapse ordinary ones and leave no room for the number by hand.
        return _("Số:%(blank)s/%(symbol)s") % {"blank": "\u00a0" * 8, "symbol": symbol}
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


_LOOK_UP = object()


def decision_signature(decision: Decision, collective: str) -> dict:
    """How the decision's signer signs: the chair "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", a vice-chair
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020 Phụ lục I, part II, item 7)."""
    if decision.signing_as == SigningAs.VICE_CHAIR:
        return signature_block(
            head_title=_("Chủ tịch"), signer_title=_("Phó Chủ tịch"), name=decision.signer_name
        )
    return signature_block(collective=collective, head_title=_("Chủ tịch"), name=decision.signer_name)


def signed_decision(evaluation: Evaluation) -> Decision | None:
    """The decision in force (signed at the cycle's sign-off, or the one that replaced it)."""
    return (
        Decision.objects.filter(evaluation=evaluation, state=DecisionState.SIGNED)
        .select_related("replaces")
        .first()
    )


def _authority_part(evaluation, decision, letterhead_of_authority: LetterheadData) -> dict | None:
    """The authority's part of the form once the decision is signed: comments, outlook, level, signature."""
    if decision is None:
        return None
    signed_on = timezone.localtime(decision.signed_at).date()
    return {
        "level": str(decision.label),
        "texts": {"authority_comments": decision.comments, "development_outlook": decision.outlook},
        "date": date_line(letterhead_of_authority.place_name, signed_on),
        "signature": decision_signature(decision, letterhead_of_authority.body_name.split("\n")[0]),
    }


def rating_form_data(
    *,
    evaluation: Evaluation,
    show_decision: bool,
    criteria=None,
    letterheads: dict | None = None,
    decision=_LOOK_UP,
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
    authority = None
    if decided:
        if decision is _LOOK_UP:
            decision = signed_decision(evaluation)
        authority = _authority_part(evaluation, decision, letterhead_for(cycle.authority, letterheads))
    authority_section = next((s for s in sections.values() if s["filled_by"] == FilledBy.AUTHORITY), None)
    if authority and authority_section:
        for item in authority_section["items"]:
            item["text"] = authority["texts"].get(item["code"], "") or item["text"]
        outlook = authority["texts"]["development_outlook"]
        codes = {item["code"] for item in authority_section["items"]}
        if outlook and enrolment.personnel_type == "can_bo" and "development_outlook" not in codes:
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
        "authority_section": authority_section,
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
        # The level once decided; the comments, date and TM./KT. signature once the decision is signed.
        "decided_level": (authority["level"] if authority else str(evaluation.final_label))
        if decided
        else "",
        "decided_by": cycle.chair_name if decided else "",
        "authority_date": authority["date"] if authority else "",
        "authority_signature": authority["signature"] if authority else None,
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
        .select_related(
            "enrolment__cycle__authority__parent", "enrolment__organisation__parent", "enrolment__peer_group"
        )
        .order_by("enrolment__peer_group__sort_order", "enrolment__agenda_order", "enrolment__full_name")
    )


def rating_forms_data(*, cycle: Cycle) -> dict:
    """Every person's form in one document, in agenda order (the conference pack's annex)."""
    evaluations = list(cohort_evaluations(cycle))
    criteria: dict[tuple, list] = {}
    for row in CycleCriterion.objects.filter(cycle=cycle).order_by("sort_order"):
        criteria.setdefault((row.rulebook_code, row.personnel_type, row.is_leader), []).append(row)
    letterheads = {row.organisation_id: row for row in Letterhead.objects.all()}
    decisions = {
        decision.evaluation_id: decision
        for decision in Decision.objects.filter(
            evaluation__enrolment__cycle=cycle, state=DecisionState.SIGNED
        ).select_related("replaces")
    }
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
            )
        )
    return {
        "kind": DocumentKind.RATING_FORMS.value,
        "filename": f"phieu-danh-gia-{cycle.year}-ca-danh-sach.pdf",
        "forms": forms,
    }


def _designation(enrolment) -> str:
    """Title and agency as one phrase: "Giám đốc Sở Tư pháp", not "Giám đốc Sở Tư pháp, Sở Tư pháp"; and
    "Phó Chủ tịch UBND tỉnh Hòa Lâm", not "Phó Chủ tịch UBND tỉnh, UBND tỉnh Hòa Lâm"."""
    title, organisation = enrolment.title.strip(), enrolment.organisation_name.strip()
    if organisation.lower() in title.lower():
        return title
    title_words, organisation_words = title.split(), organisation.split()
    for size in range(min(len(title_words), len(organisation_words)), 1, -1):
        if [w.lower() for w in title_words[-size:]] == [w.lower() for w in organisation_words[:size]]:
            return " ".join(title_words + organisation_words[size:])
    return f"{title}, {organisation}"


def _person(enrolment) -> dict:
    return {
        "full_name": enrolment.full_name,
        "title": enrolment.title,
        "organisation": enrolment.organisation_name,
        "designation": _designation(enrolment),
    }


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _slug(text: str) -> str:
    return slugify(_ascii(text))


def notice_data(*, evaluation: Evaluation) -> dict:
    """The notice of result to one person (domain.md §3.8): issued by the rating authority, numbered, from the
    decision in force. A decision that replaced an earlier one (after an objection) says which one it replaces."""
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    letterhead = letterhead_for(cycle.authority)
    collective = letterhead.body_name.split("\n")[0]
    decision = signed_decision(evaluation)
    if decision is not None:
        level = str(decision.label)
        signature = decision_signature(decision, collective)
        comments = decision.comments
    else:
        # Decided but not yet signed off (or fixture data without a decision row): the chair signs for the body.
        level = str(evaluation.final_label)
        signature = signature_block(collective=collective, head_title=_("Chủ tịch"), name=cycle.chair_name)
        comments = ""
    replaces = ""
    if decision is not None and decision.replaces is not None:
        earlier = decision.replaces
        replaces = _(
            "Kết quả này thay thế kết quả xếp loại đã phê duyệt ngày %(day)s (%(level)s)%(reason)s."
        ) % {
            "day": _day(timezone.localtime(earlier.signed_at).date()) if earlier.signed_at else "",
            "level": str(earlier.label),
            "reason": f"; {_('lý do')}: {decision.replacement_reason}" if decision.replacement_reason else "",
        }
    return {
        "kind": DocumentKind.NOTICE.value,
        "filename": f"thong-bao-ket-qua-{cycle.year}-{_slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead),
        "year": cycle.year,
        "issuer_name": _expand(cycle.authority.name),
        "subject": _("Kết quả đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
        "person": _person(enrolment),
        "designation": _designation(enrolment),
        "level": level,
        "comments": comments,
        "replaces_decision": replaces,
        "signature": signature,
        "recipients": list(
            dict.fromkeys(
                [f"{enrolment.full_name} ({enrolment.title})", enrolment.organisation_name, _("Sở Nội vụ")]
            )
        ),
        "archive": _("Lưu: VT, NC"),
        "outline": _("Thông báo kết quả – %(name)s") % {"name": enrolment.full_name},
    }


# --- Minutes of the comment meeting (domain.md §3.3) -----------------------------------------------------


def meeting_minutes_data(*, evaluation: Evaluation) -> dict:
    """The minutes of the person's own agency's comment meeting, issued by that agency (its letterhead and its
    register: "Số: 03/BB-STP"), dated the day of the meeting, signed by the secretary and the chair of it."""
    meeting = getattr(evaluation, "comment_meeting", None)
    if meeting is None:
        raise DocumentError(_("Chưa có biên bản họp nhận xét của người này."))
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    letterhead = letterhead_for(enrolment.organisation)
    if enrolment.organisation.parent_id is None and enrolment.organisation_id != cycle.authority_id:
        # An agency entered without its parent body: its place name is the province's, not its own name.
        letterhead = replace(letterhead, place_name=letterhead_for(cycle.authority).place_name)
    votes = []
    if meeting.votes_recorded:
        votes = [
            {"label": str(level.label), "count": count, "percent": _percent(count, meeting.attended_count)}
            for level, count in ((Level(key), value) for key, value in meeting.votes.items())
        ]
    return {
        "kind": DocumentKind.MEETING_MINUTES.value,
        "filename": f"bien-ban-hop-nhan-xet-{cycle.year}-{_slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": enrolment.organisation_id,
        "dated_on": meeting.held_on.isoformat(),
        "year": cycle.year,
        "subject": _(
            "Họp nhận xét, đánh giá, xếp loại chất lượng năm %(year)d đối với ông/bà %(name)s, %(designation)s"
        )
        % {"year": cycle.year, "name": enrolment.full_name, "designation": _designation(enrolment)},
        "person": _person(enrolment),
        "held_on": _long_date(meeting.held_on),
        "place": meeting.place,
        "chaired_by": meeting.chaired_by,
        "minutes_by": meeting.minutes_by,
        "invited_count": meeting.invited_count,
        "attended_count": meeting.attended_count,
        "absent_count": meeting.invited_count - meeting.attended_count,
        "attendees": meeting.attendees,
        "absentees": meeting.absentees,
        "summary": meeting.summary,
        "self_level": str(Level(evaluation.self_proposed_level).label)
        if evaluation.self_proposed_level
        else "",
        "opinions": [
            {
                # "Ông/bà Phó Giám đốc (Phó Giám đốc)" says it twice: the position only when it adds something.
                "who": o.speaker
                if not o.position or o.position.lower() in o.speaker.lower()
                else f"{o.speaker} ({o.position})",
                "content": o.content,
            }
            for o in meeting.opinions.all()
        ],
        "votes": votes,
        "conclusion": meeting.conclusion,
        "meeting_level": str(Level(meeting.meeting_level).label) if meeting.meeting_level else "",
        "adopted": meeting.minutes_adopted,
        "outline": _("Biên bản họp nhận xét – %(name)s") % {"name": enrolment.full_name},
    }


def _long_date(day: date) -> str:
    return _("ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "day": day.day,
        "month": day.month,
        "year": day.year,
    }


def _percent(part: int, whole: int) -> str:
    """ "33,3%": one decimal, Vietnamese decimal comma; empty when there is nothing to divide by."""
    if not whole:
        return ""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    return f"{_decimal_text(value)}%"


# --- Home Affairs: the report to the chair and the summary table (domain.md §3.5) -----------------------


class ReportSigning:
    """How the Home Affairs report is signed: by the director, or by a deputy "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    (a department is led by its head, so there is no "TM."; Decree 30/2020 Phụ lục I, part II, item 7)."""

    DIRECTOR = "director"
    DEPUTY = "deputy"
    choices = ((DIRECTOR, _lazy("Giám đốc ký")), (DEPUTY, _lazy("Phó Giám đốc ký thay (KT. GIÁM ĐỐC)")))


def home_affairs_organisation(cycle: Cycle) -> Organisation:
    """The issuing body of the report: the department named settings.DOCUMENTS_HOME_AFFAIRS_NAME ("Sở Nội vụ")
    under the cycle's authority (any department of that name if none is under it)."""
    name = getattr(settings, "DOCUMENTS_HOME_AFFAIRS_NAME", "Sở Nội vụ")
    candidates = Organisation.objects.filter(
        kind=OrganisationKind.DEPARTMENT, name__iexact=name
    ).select_related("parent")
    found = candidates.filter(parent=cycle.authority).first() or candidates.first()
    if found is None:
        raise DocumentError(
            _("Chưa có cơ quan “%(name)s” trong danh mục cơ quan, nên chưa thể ra báo cáo.") % {"name": name}
        )
    return found


def home_affairs_director_name(cycle: Cycle, organisation: Organisation) -> str:
    """The default signer of the report: the head of Home Affairs when they are in the cohort."""
    enrolment = (
        Enrolment.objects.filter(cycle=cycle, organisation=organisation, title__istartswith="Giám đốc")
        .order_by("agenda_order")
        .first()
    )
    return enrolment.full_name if enrolment else ""


def _level_abbreviation(value: str, not_rated: bool = False) -> str:
    if not_rated:
        return _("KXL")
    return Level(value).abbreviation if value else ""


def report_data(*, cycle: Cycle, remarks: str = "", signer_name: str = "", signing: str = "director") -> dict:
    """The Home Affairs report to the chair: per peer group the count and share of each proposed level, the
    quota position with its arithmetic and any exception, every person with the proposal and its reason, and
    Home Affairs' remarks. The counts and the quota come from cohort_standing, the one computation the
    proposal and decision screens show."""
    issuer = home_affairs_organisation(cycle)
    letterhead = letterhead_for(issuer)
    standing = cohort_standing(cycle, LevelSource.PROPOSED)
    groups = []
    rows_by_group: dict[int, list] = {}
    for row in standing.rows:
        rows_by_group.setdefault(row.enrolment.peer_group_id, []).append(row)
    number = 0
    for group in standing.groups:
        people = []
        for row in rows_by_group.get(group.peer_group_id, []):
            number += 1
            evaluation = row.evaluation
            people.append(
                {
                    "number": number,
                    **_person(row.enrolment),
                    "self_level": _level_abbreviation(evaluation.self_proposed_level),
                    "proposal": _level_abbreviation(evaluation.proposed_level, evaluation.proposed_not_rated),
                    "reason": evaluation.proposal_reason,
                }
            )
        exception = group.exception
        groups.append(
            {
                "name": group.name,
                "total": group.total,
                "levels": [
                    {
                        "abbreviation": level.abbreviation,
                        "label": str(level.label),
                        "count": group.counts.get(level.value, 0),
                        "percent": _percent(group.counts.get(level.value, 0), group.total),
                    }
                    for level in Level
                ],
                "not_rated": group.not_rated,
                "not_rated_percent": _percent(group.not_rated, group.total),
                "undecided": group.undecided,
                "quota": {
                    "arithmetic": group.position.arithmetic,
                    "htxsnv": group.position.htxsnv,
                    "allowed": group.position.allowed,
                    "within": group.within,
                    "over_by": group.position.over_by,
                },
                "exception": {
                    "rate": f"{_decimal_text(exception.rate * 100)}%",
                    "reason": exception.reason,
                    "document": exception.document,
                }
                if exception
                else None,
                "people": people,
            }
        )
    total = len(standing.rows)
    totals = {level.value: sum(g.counts.get(level.value, 0) for g in standing.groups) for level in Level}
    if signing == ReportSigning.DEPUTY:
        signature = signature_block(
            head_title=_("Giám đốc"), signer_title=_("Phó Giám đốc"), name=signer_name
        )
    else:
        signature = signature_block(head_title=_("Giám đốc"), name=signer_name)
    return {
        "kind": DocumentKind.REPORT.value,
        "filename": f"bao-cao-ket-qua-danh-gia-{cycle.year}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": issuer.pk,
        "year": cycle.year,
        "subject": _(
            "Kết quả đánh giá, xếp loại chất lượng năm %(year)d đối với cán bộ, công chức, viên chức "
            "thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân tỉnh"
        )
        % {"year": cycle.year},
        "addressee": _("Chủ tịch %(authority)s") % {"authority": _expand(cycle.authority.name)},
        "issuer_name": _expand(issuer.name),
        "total": total,
        "totals": [
            {
                "label": str(level.label),
                "abbreviation": level.abbreviation,
                "count": totals[level.value],
                "percent": _percent(totals[level.value], total),
            }
            for level in Level
        ],
        "not_rated": sum(g.not_rated for g in standing.groups),
        "undecided": sum(g.undecided for g in standing.groups),
        "groups": groups,
        "over_quota": [g.name for g in standing.over_quota],
        "remarks": remarks,
        "signature": signature,
        "recipients": [_("Chủ tịch UBND tỉnh (để báo cáo)"), _("Các Phó Chủ tịch UBND tỉnh")],
        "archive": _("Lưu: VT, CCVC"),
        "outline": _("Báo cáo của Sở Nội vụ"),
    }


def summary_table_data(*, cycle: Cycle) -> dict:
    """The summary table of the cohort (landscape): one row per person grouped by peer group, with a subtotal
    row per group; the decided level once the cycle is signed off. Counts from cohort_standing."""
    proposed = cohort_standing(cycle, LevelSource.PROPOSED)
    signed_off = cycle.status in (CycleStatus.SIGNED_OFF, CycleStatus.CLOSED)
    decided_groups = (
        {g.peer_group_id: g for g in cohort_standing(cycle, LevelSource.FINAL).groups} if signed_off else {}
    )
    rows_by_group: dict[int, list] = {}
    for row in proposed.rows:
        rows_by_group.setdefault(row.enrolment.peer_group_id, []).append(row)
    groups = []
    number = 0
    for group in proposed.groups:
        rows = []
        for row in rows_by_group.get(group.peer_group_id, []):
            number += 1
            evaluation = row.evaluation
            enrolment = row.enrolment
            meeting = getattr(evaluation, "comment_meeting", None)
            party = getattr(evaluation, "party_opinion", None)
            facts = getattr(evaluation, "cap_facts", None)
            points = (
                facts.points_total if facts and facts.points_total is not None else evaluation.points_total
            )
            meeting_view = ""
            if meeting is not None:
                meeting_view = _level_abbreviation(meeting.meeting_level)
                if meeting.votes_recorded:
                    meeting_view += (
                        " ("
                        + ", ".join(f"{Level(k).abbreviation}: {v}" for k, v in meeting.votes.items() if v)
                        + ")"
                    )
                if not meeting.minutes_adopted:
                    meeting_view += " – " + _("BB chưa thông qua")
            rows.append(
                {
                    "number": number,
                    "full_name": enrolment.full_name,
                    "title": enrolment.title,
                    "organisation": enrolment.organisation_name,
                    "self_level": _level_abbreviation(evaluation.self_proposed_level),
                    "points": _decimal_text(points),
                    "meeting": meeting_view.strip(),
                    "party": party.text if party else "",
                    "proposal": _level_abbreviation(evaluation.proposed_level, evaluation.proposed_not_rated),
                    "decided": _level_abbreviation(evaluation.final_level, evaluation.final_not_rated)
                    if signed_off
                    else "",
                    "notes": evaluation.proposal_reason,
                }
            )
        decided = decided_groups.get(group.peer_group_id)
        groups.append(
            {
                "name": group.name,
                "rows": rows,
                "subtotal": _subtotal_text(group),
                "decided_subtotal": _subtotal_text(decided) if decided else "",
                "quota": group.position.arithmetic,
            }
        )
    report = _issued_report(cycle)
    annex_of = (
        _("(Kèm theo Báo cáo số %(number)s ngày %(day)s của Sở Nội vụ)")
        % {"number": report.number_text, "day": _day(report.issued_on)}
        if report
        else _("(Kèm theo Báo cáo của Sở Nội vụ)")
    )
    return {
        "kind": DocumentKind.SUMMARY_TABLE.value,
        "annex_of": annex_of,
        "filename": f"danh-sach-tong-hop-{cycle.year}.pdf",
        "letterhead": asdict(letterhead_for(home_affairs_organisation(cycle))),
        "year": cycle.year,
        "title": _("DANH SÁCH TỔNG HỢP"),
        "subject": _(
            "Kết quả tự đánh giá, nhận xét, đề xuất xếp loại chất lượng năm %(year)d của cán bộ, công chức, "
            "viên chức thuộc thẩm quyền đánh giá của Chủ tịch Ủy ban nhân dân tỉnh"
        )
        % {"year": cycle.year},
        "signed_off": signed_off,
        "groups": groups,
        "legend": "; ".join(f"{level.abbreviation}: {level.label}" for level in Level)
        + "; "
        + _("KXL: Không xếp loại chất lượng"),
        "outline": _("Danh sách tổng hợp"),
    }


def _issued_report(cycle: Cycle) -> Document | None:
    return (
        Document.objects.filter(cycle=cycle, kind=DocumentKind.REPORT, number__isnull=False)
        .order_by("-version")
        .first()
    )


def _subtotal_text(group) -> str:
    parts = [f"{level.abbreviation}: {group.counts.get(level.value, 0)}" for level in Level]
    if group.not_rated:
        parts.append(f"{_('KXL')}: {group.not_rated}")
    if group.undecided:
        parts.append(_("chưa có: %(n)d") % {"n": group.undecided})
    return _("%(total)d người") % {"total": group.total} + " – " + "; ".join(parts)


# --- The conference minutes (domain.md §3.6) ---------------------------------------------------------------


def conference_minutes_data(*, cycle: Cycle) -> dict:
    """The minutes of the conference, issued by the rating authority ("Số: 02/BB-UBND"), dated the day it met:
    time and venue, chair and secretary, attendance with absence reasons, guests, agenda, the Home Affairs
    report it heard, the discussion of each person in agenda order, the chair's conclusion, the closing time."""
    conference = (
        Conference.objects.filter(cycle=cycle)
        .prefetch_related("guests", Prefetch("attendance", to_attr="attendance_rows"))
        .first()
    )
    if conference is None:
        raise DocumentError(_("Chưa có thông tin hội nghị của kỳ đánh giá này."))
    from cycles.models import ConferenceNote

    evaluations = list(cohort_evaluations(cycle))
    notes = {n.evaluation_id: n.text for n in ConferenceNote.objects.filter(conference=conference)}
    attendance = {row.enrolment_id: row for row in conference.attendance_rows}
    present = [e for e in evaluations if e.enrolment_id in attendance and attendance[e.enrolment_id].present]
    absent = [
        {
            "name": e.enrolment.full_name,
            "designation": _designation(e.enrolment),
            "reason": attendance[e.enrolment_id].absence_reason,
        }
        for e in evaluations
        if e.enrolment_id in attendance and not attendance[e.enrolment_id].present
    ]
    report = _issued_report(cycle)
    if report is not None:
        report_text = _("Báo cáo số %(number)s ngày %(day)s của %(issuer)s") % {
            "number": report.number_text,
            "day": _day(report.issued_on),
            "issuer": report.data.get("issuer_name", ""),
        }
    else:
        report_text = _("Báo cáo của Sở Nội vụ")
    letterhead = letterhead_for(cycle.authority)
    closed = timezone.localtime(conference.closed_at) if conference.closed_at else None
    return {
        "kind": DocumentKind.CONFERENCE_MINUTES.value,
        "filename": f"bien-ban-hoi-nghi-danh-gia-{cycle.year}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": cycle.authority_id,
        "dated_on": conference.held_on.isoformat(),
        "year": cycle.year,
        "subject": _(
            "Hội nghị đánh giá, xếp loại chất lượng năm %(year)d đối với cán bộ, công chức, viên chức "
            "thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân tỉnh"
        )
        % {"year": cycle.year},
        "starts_at": _("%(hour)d giờ %(minute)02d phút")
        % {
            "hour": conference.starts_at.hour,
            "minute": conference.starts_at.minute,
        },
        "held_on": _long_date(conference.held_on),
        "venue": conference.venue,
        "chair": {"name": conference.chaired_by_name, "title": conference.chaired_by_title},
        "secretary": {"name": conference.secretary_name, "title": conference.secretary_title},
        "guests": [{"name": g.name, "position": g.position} for g in conference.guests.all()],
        "cohort_total": len(evaluations),
        "present_count": len(present),
        "absent": absent,
        "unrecorded_count": len(evaluations) - len(present) - len(absent),
        "agenda": [line.strip() for line in conference.agenda.splitlines() if line.strip()],
        "report_text": report_text,
        "discussion": [
            {
                "name": e.enrolment.full_name,
                "designation": _designation(e.enrolment),
                "text": notes.get(e.pk, ""),
            }
            for e in evaluations
        ],
        "concluding_remarks": conference.concluding_remarks,
        "closed_at": _("%(hour)d giờ %(minute)02d phút") % {"hour": closed.hour, "minute": closed.minute}
        if closed
        else "",
        "outline": _("Biên bản hội nghị"),
    }


# --- The conference pack (issue #6 (7)) --------------------------------------------------------------------


def conference_pack_data(*, cycle: Cycle) -> dict:
    """The report, the summary table and every person's form, for the conference, in one PDF. The report is
    the one Home Affairs issued (its number, date and remarks, as printed); before one is issued, a draft with
    the number left blank. The pack itself takes no number: it is a bundle of papers, not a document."""
    issued = _issued_report(cycle)
    if issued is not None:
        report = dict(issued.data)
    else:
        issuer = home_affairs_organisation(cycle)
        report = report_data(cycle=cycle, signer_name=home_affairs_director_name(cycle, issuer))
        report["number_line"] = number_line(None, f"BC-{issuer.abbreviation}")
        # A draft leaves the day for the clerk: "Hòa Lâm, ngày      tháng 12 năm 2026".
        today = timezone.localdate()
        report["date_line"] = _("%(place)s, ngày%(blank)stháng %(month)02d năm %(year)d") % {
            "blank": "\u00a0" * 6,
            "place": letterhead_for(issuer).place_name,
            "month": today.month,
            "year": today.year,
        }
    forms = rating_forms_data(cycle=cycle)["forms"]
    if not forms:
        raise DocumentError(_("Kỳ đánh giá chưa có ai trong danh sách."))
    return {
        "kind": DocumentKind.CONFERENCE_PACK.value,
        "filename": f"tai-lieu-hoi-nghi-{cycle.year}.pdf",
        "report": report,
        "summary": summary_table_data(cycle=cycle),
        "forms": forms,
        "outline": _("Tài liệu hội nghị đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
    }


# --- Jobs and documents ------------------------------------------------------------------------------


def cohort_for_documents(cycle: Cycle):
    """The cohort with what the per-person buttons need (whether minutes exist): one query."""
    return (
        Enrolment.objects.filter(cycle=cycle)
        .select_related("peer_group", "evaluation", "evaluation__comment_meeting")
        .order_by("peer_group__sort_order", "agenda_order", "full_name")
    )


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
