"""The rest of the conference's set (issue #14 item 8): the Home Affairs submission (Tờ trình, TTr) with the draft
decision attached, the chair's decision approving the results (Quyết định, QĐ) with the list as its annex, the
invitation convening the conference (Giấy mời, GM), the attendance list with a signature column (DS), the collective
notice of results (TB) and the decision on an objection (QĐ).

Each is a numbered paper printed through the same pipeline as the others (services._render_once gives the number and
date at issue); what each prints is taken here, and what makes each complete enough to issue is in
services.issue_refusal, read from the fields named below (`missing`, `unsigned`, `decision_ref`, `answered`, …).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from cycles.models import Cycle, Enrolment
from cycles.rulebooks import Level, get_rulebook
from reviews.models import EvaluationStatus, ExemptionKind
from reviews.selectors import decisions_in_force

from ..errors import DocumentError
from ..models import Document, DocumentKind
from .papers import home_affairs_director_name, home_affairs_organisation
from .rating_forms import cohort_evaluations, decision_signature
from .wording import (
    address_of,
    agenda_lines,
    clock_text,
    day_text,
    designation,
    expand_abbreviations,
    letterhead_for,
    long_date,
    number_line,
    percent_text,
    signature_block,
    slug,
)

if TYPE_CHECKING:
    from reviews.models import Decision, Evaluation, Objection


def local_government_law(year: int) -> list[str]:
    """The Law on Local Government in force for a rating year's decisions. Law 72/2025/QH15 (16/6/2025, in force
    1/7/2025; legal-research.md §0) replaced the 2015 law as amended in 2019, so from the 2025 rating on it is cited."""
    if year >= 2025:
        return ["Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"]
    return [
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        "22 tháng 11 năm 2019",
    ]


def legal_basis(cycle: Cycle) -> list[str]:
    """The "Căn cứ" lines of a decision of the cycle: the local government law of its year, then each rulebook's
    texts for the people in the cohort (Decree 90 for 2023; Law 80 and Decree 335, Decree 233, Regulation 366 for
    2026), each text once, the higher and older text first (`_citation_order`)."""
    codes = (
        Enrolment.objects.filter(cycle=cycle)
        .order_by("rulebook_code")
        .values_list("rulebook_code", flat=True)
        .distinct()
    )
    lines = local_government_law(cycle.year)
    for code in codes:
        lines.extend(get_rulebook(code).decision_basis)
    return sorted(dict.fromkeys(lines), key=_citation_order)


_FORCE = ("Luật", "Nghị định", "Quy định")
_CITED_DAY = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


def _citation_order(line: str) -> tuple[int, date]:
    """Laws, then decrees, then the Party's regulations, each by date: the higher text first, then the older, as
    provincial decisions list their bases (practice: Decree 30/2020 prescribes the "Căn cứ" lines, not their order)."""
    force = next((rank for rank, kind in enumerate(_FORCE) if line.startswith(kind)), len(_FORCE))
    found = _CITED_DAY.search(line)
    day = date(int(found[3]), int(found[2]), int(found[1])) if found else date.max
    return force, day


def issued_paper(kind: str, subject_key: str) -> Document | None:
    """The paper in force of a kind for a subject: its newest issued (numbered) version."""
    return (
        Document.objects.filter(kind=kind, subject_key=subject_key, number__isnull=False)
        .order_by("-version")
        .first()
    )


def paper_reference(document: Document | None) -> dict[str, str]:
    """How another paper cites an issued one: its number and day ("05/QĐ-UBND", "15/12/2026"); empty before issue."""
    if document is None:
        return {"number": "", "day": ""}
    return {"number": document.number_text, "day": day_text(document.issued_on)}


def _authority_title(cycle: Cycle) -> str:
    """ "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA LÂM": who decides, printed above the "Căn cứ" lines of a chair's decision
    (Decree 30/2020 Phụ lục III, Mẫu 1.2)."""
    return _("Chủ tịch %(authority)s") % {"authority": expand_abbreviations(cycle.authority.name)}


def _cohort_signature(cycle: Cycle, decisions: list[Decision], collective: str = "") -> dict[str, Any]:
    """Who signs a paper about the whole cohort's results: as most individual decisions were signed — the chair
    "CHỦ TỊCH" (for the committee "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" with `collective`), or a vice-chair "KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH" (issue #14 item 4; Decree 30/2020 Phụ lục I, part II, item 7); the chair before any is signed."""
    if not decisions:
        return signature_block(collective=collective, head_title=_("Chủ tịch"), name=cycle.chair_name)
    signing, _count = Counter((d.signing_as, d.signer_name) for d in decisions).most_common(1)[0]
    decision = next(d for d in decisions if (d.signing_as, d.signer_name) == signing)
    return decision_signature(decision, collective, personal=not collective)


def _level_text(evaluation: Evaluation, decision: Decision | None, proposed: bool) -> tuple[str, str]:
    """The level printed for one person (label, level value or "not_rated"); ("", "") when there is none yet. A person
    Home Affairs recorded as not rated this year (reviews.services.evaluation_exempt) needs no proposal nor decision."""
    if evaluation.status == EvaluationStatus.EXEMPT:
        return _("Không đánh giá, xếp loại (%(reason)s)") % {
            "reason": ExemptionKind(evaluation.exemption_kind).label if evaluation.exemption_kind else ""
        }, "exempt"
    if proposed:
        if evaluation.proposed_not_rated:
            return _("Không xếp loại chất lượng"), "not_rated"
        if evaluation.proposed_level:
            return str(Level(evaluation.proposed_level).label), evaluation.proposed_level
        return "", ""
    if decision is None:
        return "", ""
    return str(decision.label), "not_rated" if decision.not_rated else decision.level


def results_list(cycle: Cycle, *, proposed: bool = False) -> dict[str, Any]:
    """The cohort by peer group with each person's level: the decisions in force (the decision's annex, the collective
    notice), or Home Affairs' proposals (the draft decision attached to the submission). `missing` counts the people
    without one. Three queries whatever the cohort size."""
    decisions = {} if proposed else decisions_in_force(cycle)
    groups: dict[int, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    number = missing = 0
    for evaluation in cohort_evaluations(cycle):
        enrolment = evaluation.enrolment
        label, value = _level_text(evaluation, decisions.get(evaluation.pk), proposed)
        number += 1
        missing += not value
        counts[value] += 1
        group = groups.setdefault(
            enrolment.peer_group_id,
            {"name": enrolment.peer_group.name if enrolment.peer_group else "", "people": []},
        )
        group["people"].append(
            {
                "number": number,
                "address": address_of(enrolment),
                "full_name": enrolment.full_name,
                "designation": designation(enrolment),
                "level": label,
            }
        )
    totals = [
        {
            "label": str(level.label),
            "count": counts[level.value],
            "percent": percent_text(counts[level.value], number),
        }
        for level in Level
    ]
    return {
        "groups": list(groups.values()),
        "total": number,
        "totals": totals,
        "not_rated": counts["not_rated"],
        "exempt": counts["exempt"],
        "missing": missing,
        "decisions": list(decisions.values()),
    }


def _results_subject(cycle: Cycle) -> str:
    return _(
        "Về việc phê duyệt kết quả đánh giá, xếp loại chất lượng năm %(year)d đối với cán bộ, công chức, viên chức "
        "thuộc thẩm quyền đánh giá của Chủ tịch Ủy ban nhân dân tỉnh"
    ) % {"year": cycle.year}


def results_decision_data(*, cycle: Cycle, proposed: bool = False) -> dict[str, Any]:
    """The chair's decision approving the cohort's results (Decree 30/2020 Phụ lục III, Mẫu 1.2: a decision that decides
    directly, with its annex): "Căn cứ" the laws of the year and the Home Affairs submission once issued; Điều 1 approves the results of
    the list annexed; Điều 2 effect; Điều 3 who executes. Issued only once every decision is signed (`unsigned`).
    With `proposed` it is the draft Home Affairs attaches to its submission, from the proposals."""
    results = results_list(cycle, proposed=proposed)
    decisions = results.pop("decisions")
    submission = paper_reference(issued_paper(DocumentKind.SUBMISSION, f"cycle:{cycle.pk}"))
    home_affairs = home_affairs_organisation(cycle)
    authority = expand_abbreviations(cycle.authority.name)
    return {
        "kind": DocumentKind.RESULTS_DECISION.value,
        "filename": f"quyet-dinh-phe-duyet-ket-qua-{cycle.year}.pdf",
        "letterhead": asdict(letterhead_for(cycle.authority)),
        "issuer_id": cycle.authority_id,
        "year": cycle.year,
        "subject": _results_subject(cycle),
        "authority_title": _authority_title(cycle),
        "basis": legal_basis(cycle),
        "submission": submission,
        "home_affairs": expand_abbreviations(home_affairs.name),
        **results,
        "unsigned": 0 if proposed else results["missing"],
        "signature": _cohort_signature(cycle, decisions),
        "executors": _(
            "Chánh Văn phòng %(authority)s, Giám đốc %(home_affairs)s, Thủ trưởng các cơ quan, đơn vị có liên quan và "
            "các cá nhân có tên tại Điều 1"
        )
        % {"authority": authority, "home_affairs": expand_abbreviations(home_affairs.name)},
        "recipients": [_("Như Điều 3"), _("Ban Tổ chức Tỉnh ủy"), _("Chủ tịch, các Phó Chủ tịch UBND tỉnh")],
        "archive": _("Lưu: VT, NC"),
        "outline": _("Quyết định phê duyệt kết quả đánh giá, xếp loại chất lượng năm %(year)d")
        % {"year": cycle.year},
    }


def submission_data(*, cycle: Cycle) -> dict[str, Any]:
    """Home Affairs' submission (Tờ trình) to the chair proposing the results, with the draft decision attached
    (Decree 30/2020 Phụ lục III, Mẫu 1.4: a document of a named type). Issued once every person has a proposal (`missing`), as the
    report (services.issue_refusal)."""
    issuer = home_affairs_organisation(cycle)
    letterhead = letterhead_for(issuer)
    draft = results_decision_data(cycle=cycle, proposed=True)
    authority_letterhead = letterhead_for(cycle.authority)
    # The attachment is a draft by nature: no number, no date, "DỰ THẢO" on its pages (issue #14).
    symbol = f"QĐ-{cycle.authority.abbreviation}"
    draft.update(
        number_line=number_line(None, symbol),
        number_text="\u00a0" * 6 + f"/{symbol}",
        issued_day="…/…/……",
        # The submission it goes with is numbered when issued: left for the pen in the draft it attaches.
        submission={"number": "\u00a0" * 6 + f"/TTr-{issuer.abbreviation}", "day": "…/…/……"},
        date_line=_("%(place)s, ngày …… tháng …… năm ……") % {"place": authority_letterhead.place_name},
        draft_mark=_("DỰ THẢO"),
        outline=_("Dự thảo Quyết định (kèm theo Tờ trình)"),
        signature={**draft["signature"], "name": cycle.chair_name},
    )
    report = paper_reference(issued_paper(DocumentKind.REPORT, f"cycle:{cycle.pk}"))
    conference = Conference.objects.filter(cycle=cycle).first()
    return {
        "kind": DocumentKind.SUBMISSION.value,
        "filename": f"to-trinh-ket-qua-danh-gia-{cycle.year}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": issuer.pk,
        "year": cycle.year,
        "subject": _results_subject(cycle),
        "addressee": _authority_title(cycle),
        "issuer_name": expand_abbreviations(issuer.name),
        "basis": legal_basis(cycle),
        "report": report,
        "conference_day": long_date(conference.held_on) if conference and conference.is_closed else "",
        "total": draft["total"],
        "totals": draft["totals"],
        "not_rated": draft["not_rated"],
        "exempt": draft["exempt"],
        "missing": draft["missing"],
        "signature": signature_block(
            head_title=_("Giám đốc"), name=home_affairs_director_name(cycle, issuer)
        ),
        "recipients": [_("Như trên")],
        "archive": _("Lưu: VT, CCVC"),
        "outline": _("Tờ trình của Sở Nội vụ"),
        "draft_decision": draft,
    }


def _conference_of(cycle: Cycle) -> Conference:
    conference = Conference.objects.filter(cycle=cycle).prefetch_related("guests").first()
    if conference is None:
        raise DocumentError(_("Chưa có thông tin hội nghị của kỳ đánh giá này."))
    return conference


def _conference_subject(cycle: Cycle) -> str:
    return _(
        "Hội nghị đánh giá, xếp loại chất lượng năm %(year)d đối với cán bộ, công chức, viên chức thuộc thẩm quyền "
        "đánh giá của Chủ tịch Ủy ban nhân dân tỉnh"
    ) % {"year": cycle.year}


def _weekday(day: date) -> str:
    names = [_("thứ Hai"), _("thứ Ba"), _("thứ Tư"), _("thứ Năm"), _("thứ Sáu"), _("thứ Bảy"), _("Chủ nhật")]
    return names[day.weekday()]


def invitation_data(*, cycle: Cycle) -> dict[str, Any]:
    """The invitation convening the conference (Giấy mời, Decree 30/2020 Art. 7; Phụ lục III, Mẫu 1.7): who is
    invited (the guests, and the cohort by the attached list), who chairs, when, where and the agenda, from conference.Conference. Issued
    once the day, the time and the place are set (`when_where`)."""
    conference = _conference_of(cycle)
    authority = expand_abbreviations(cycle.authority.name)
    # "Đại diện Ban Tổ chức Tỉnh ủy" already names the body it represents: its position would say it twice.
    guests = [
        {
            "who": g.name.strip(),
            "designation": "" if g.name.strip().startswith("Đại diện") else g.position.strip(),
        }
        for g in conference.guests.all()
        if g.name.strip()
    ]
    return {
        "kind": DocumentKind.INVITATION.value,
        "filename": f"giay-moi-hoi-nghi-danh-gia-{cycle.year}.pdf",
        "letterhead": asdict(letterhead_for(cycle.authority)),
        "issuer_id": cycle.authority_id,
        "year": cycle.year,
        "issuer_name": authority,
        "subject": _conference_subject(cycle),
        # The guests by name; the people rated, one line for all, by the list that goes with the invitation (the
        # attendance list below), as an invitation to many is written.
        "invitees": list({(i["who"], i["designation"]): i for i in guests}.values()),
        "cohort_total": Enrolment.objects.filter(cycle=cycle).count(),
        "chair": ", ".join(p for p in (conference.chaired_by_name, conference.chaired_by_title) if p),
        "starts_at": clock_text(conference.starts_at),
        "held_on": f"{_weekday(conference.held_on)}, {long_date(conference.held_on)}",
        "venue": conference.venue,
        "when_where": bool(conference.held_on and conference.starts_at and conference.venue.strip()),
        "agenda": agenda_lines(conference.agenda),
        "signature": signature_block(
            collective=_("Ủy ban nhân dân"), head_title=_("Chủ tịch"), name=cycle.chair_name
        ),
        "recipients": [_("Như trên"), _("Sở Nội vụ (chuẩn bị tài liệu)")],
        "archive": _("Lưu: VT, NC"),
        "outline": _("Giấy mời dự hội nghị"),
    }


def attendance_list_data(*, cycle: Cycle) -> dict[str, Any]:
    """The list the participants sign at the conference (Danh sách đại biểu dự hội nghị: STT, họ tên, chức vụ/đơn
    vị, ký tên): the chair and secretary, the guests, then the cohort in agenda order; cites the invitation once it is
    issued. Issued, like the invitation, once the day, time and place are set."""
    conference = _conference_of(cycle)
    rows = [
        {
            "name": conference.chaired_by_name,
            "designation": conference.chaired_by_title,
            "role": _("Chủ trì"),
        },
        *(
            {"name": g.name.strip(), "designation": g.position.strip(), "role": _("Khách mời")}
            for g in conference.guests.all()
            if g.name.strip()
        ),
        *(
            {"name": e.enrolment.full_name, "designation": designation(e.enrolment), "role": ""}
            for e in cohort_evaluations(cycle)
        ),
        {"name": conference.secretary_name, "designation": conference.secretary_title, "role": _("Thư ký")},
    ]
    # Each person once (a guest entered twice, the chair also typed as a guest), in the order above.
    unique = list(
        {(row["name"].lower(), row["designation"].lower()): row for row in reversed(rows)}.values()
    )[::-1]
    return {
        "kind": DocumentKind.ATTENDANCE_LIST.value,
        "filename": f"danh-sach-dai-bieu-hoi-nghi-{cycle.year}.pdf",
        "letterhead": asdict(letterhead_for(cycle.authority)),
        "issuer_id": cycle.authority_id,
        "year": cycle.year,
        "subject": _conference_subject(cycle),
        "when": _("%(time)s, %(day)s, tại %(venue)s")
        % {
            "time": clock_text(conference.starts_at),
            "day": long_date(conference.held_on),
            "venue": conference.venue,
        },
        "when_where": bool(conference.held_on and conference.starts_at and conference.venue.strip()),
        "invitation": paper_reference(issued_paper(DocumentKind.INVITATION, f"cycle:{cycle.pk}")),
        "rows": [{"number": index, **row} for index, row in enumerate(unique, start=1)],
        "outline": _("Danh sách đại biểu dự hội nghị"),
    }


def results_notice_data(*, cycle: Cycle) -> dict[str, Any]:
    """The collective notice of results to the whole cohort (Thông báo, Decree 30/2020 Phụ lục III, Mẫu 1.4): each
    person's level from the decisions in force, citing the chair's decision. Issued only once that decision is
    issued (`decision_ref`)."""
    results = results_list(cycle)
    decisions = results.pop("decisions")
    decision = paper_reference(issued_paper(DocumentKind.RESULTS_DECISION, f"cycle:{cycle.pk}"))
    letterhead = letterhead_for(cycle.authority)
    collective = letterhead.body_name.split("\n")[0]
    signature = _cohort_signature(cycle, decisions, collective)
    return {
        "kind": DocumentKind.RESULTS_NOTICE.value,
        "filename": f"thong-bao-ket-qua-{cycle.year}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": cycle.authority_id,
        "year": cycle.year,
        "issuer_name": expand_abbreviations(cycle.authority.name),
        "subject": _(
            "Kết quả đánh giá, xếp loại chất lượng năm %(year)d đối với cán bộ, công chức, viên chức thuộc thẩm quyền "
            "đánh giá của Chủ tịch Ủy ban nhân dân tỉnh"
        )
        % {"year": cycle.year},
        "decision_ref": decision,
        **results,
        "signature": signature,
        "recipients": [
            _("Các cá nhân có tên trong danh sách"),
            _("Cơ quan, đơn vị nơi người được đánh giá công tác"),
            _("Sở Nội vụ"),
        ],
        "archive": _("Lưu: VT, NC"),
        "outline": _("Thông báo kết quả đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
    }


def objection_decision_data(*, objection: Objection) -> dict[str, Any]:
    """The chair's decision on one person's objection to their rating (Quyết định giải quyết kiến nghị; domain.md
    §3.9; Decree 30/2020 Phụ lục III, Mẫu 1.2): "Căn cứ" the laws and the approving decision, the objection and its
    day; Điều 1 keeps the result or replaces it with the new decision's level, with the answer as the reasons. Issued
    only once the chair has answered the objection (`answered`)."""
    from reviews.models import ObjectionOutcome, ObjectionStatus

    evaluation = objection.evaluation
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    address = address_of(enrolment)
    objected = objection.decision
    new = objection.new_decision
    if new is not None:
        signature = decision_signature(new, "", personal=True)
    else:
        signature = signature_block(head_title=_("Chủ tịch"), name=cycle.chair_name)
    approving = paper_reference(issued_paper(DocumentKind.RESULTS_DECISION, f"cycle:{cycle.pk}"))
    person = {"address": address, "full_name": enrolment.full_name, "designation": designation(enrolment)}
    return {
        "kind": DocumentKind.OBJECTION_DECISION.value,
        "filename": f"quyet-dinh-giai-quyet-kien-nghi-{cycle.year}-{slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead_for(cycle.authority)),
        "issuer_id": cycle.authority_id,
        "year": cycle.year,
        "subject": _(
            "Về việc giải quyết kiến nghị của %(address)s %(name)s về kết quả đánh giá, xếp loại chất lượng năm %(year)d"
        )
        % {"address": address.lower(), "name": enrolment.full_name, "year": cycle.year},
        "authority_title": _authority_title(cycle),
        "basis": legal_basis(cycle),
        "approving": approving,
        "person": person,
        "filed_on": long_date(timezone.localtime(objection.filed_at).date()),
        "objection_text": objection.text,
        "answered": objection.status == ObjectionStatus.ANSWERED,
        "kept": objection.outcome == ObjectionOutcome.KEPT,
        "old_level": str(objected.label),
        "new_level": str(new.label) if new is not None else "",
        "answer": objection.answer,
        "organisation": expand_abbreviations(enrolment.organisation_name),
        "authority": expand_abbreviations(cycle.authority.name),
        "signature": signature,
        "recipients": [
            _("Như Điều 3"),
            _("Chủ tịch, các Phó Chủ tịch UBND tỉnh"),
        ],
        "archive": _("Lưu: VT, NC"),
        "outline": _("Quyết định giải quyết kiến nghị – %(name)s") % {"name": enrolment.full_name},
    }
