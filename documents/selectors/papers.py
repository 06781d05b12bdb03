"""The administrative papers of a cycle: the notice (TB), the comment meeting's minutes (BB), the Home Affairs
report (BC), the summary table, the conference minutes (BB) and the conference pack. Counts and quota come from
reviews.selectors.cohort_standing, the computation the proposal and decision screens show."""

from dataclasses import asdict, replace

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conference.models import Conference, ConferenceNote
from cycles.models import Cycle, Enrolment
from cycles.rulebooks import Level
from officials.models import Organisation, OrganisationKind
from reviews.models import Evaluation
from reviews.selectors import LevelSource, cohort_standing, decision_in_force, points_that_count

from ..errors import DocumentError
from ..models import Document, DocumentKind
from .rating_forms import cohort_evaluations, decision_signature, rating_forms_data
from .wording import (
    address_of,
    agenda_lines,
    clock_text,
    day_text,
    decimal_text,
    designation,
    expand_abbreviations,
    letterhead_for,
    level_abbreviation,
    long_date,
    number_line,
    percent_text,
    person_data,
    signature_block,
    slug,
    split_name_and_title,
)


def notice_data(*, evaluation: Evaluation) -> dict:
    """The notice of result to one person (domain.md §3.8): issued by the rating authority, numbered, from the
    decision in force. A decision that replaced an earlier one (after an objection) says which one it replaces."""
    enrolment = evaluation.enrolment
    cycle = enrolment.cycle
    letterhead = letterhead_for(cycle.authority)
    collective = letterhead.body_name.split("\n")[0]
    decision = decision_in_force(evaluation)
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
            "day": day_text(timezone.localtime(earlier.signed_at).date()) if earlier.signed_at else "",
            "level": str(earlier.label),
            "reason": f"; {_('lý do')}: {decision.replacement_reason}" if decision.replacement_reason else "",
        }
    # Issue #14 item 8: once the chair's decision approving the cohort's results is issued, the notice cites it.
    approving = _issued_paper(DocumentKind.RESULTS_DECISION, cycle)
    return {
        "kind": DocumentKind.NOTICE.value,
        "approving_decision": _("Quyết định số %(number)s ngày %(day)s của Chủ tịch %(authority)s")
        % {
            "number": approving.number_text,
            "day": day_text(approving.issued_on),
            "authority": expand_abbreviations(cycle.authority.name),
        }
        if approving
        else "",
        "filename": f"thong-bao-ket-qua-{cycle.year}-{slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead),
        "year": cycle.year,
        "issuer_name": expand_abbreviations(cycle.authority.name),
        "subject": _("Kết quả đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
        "person": person_data(enrolment),
        "designation": designation(enrolment),
        "level": level,
        "comments": comments,
        "replaces_decision": replaces,
        # Issue #14: a notice is issued only from a signed decision.
        "decision_signed": decision is not None,
        "signature": signature,
        "recipients": list(
            dict.fromkeys(
                [
                    f"{address_of(enrolment)} {enrolment.full_name} ({enrolment.title})",
                    enrolment.organisation_name,
                    _("Sở Nội vụ"),
                ]
            )
        ),
        "archive": _("Lưu: VT, NC"),
        "outline": _("Thông báo kết quả – %(name)s") % {"name": enrolment.full_name},
    }


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
            {
                "label": str(level.label),
                "count": count,
                "percent": percent_text(count, meeting.attended_count),
            }
            for level, count in ((Level(key), value) for key, value in meeting.votes.items())
        ]
    return {
        "kind": DocumentKind.MEETING_MINUTES.value,
        "filename": f"bien-ban-hop-nhan-xet-{cycle.year}-{slug(enrolment.full_name)}.pdf",
        "letterhead": asdict(letterhead),
        "issuer_id": enrolment.organisation_id,
        "dated_on": meeting.held_on.isoformat(),
        "year": cycle.year,
        "subject": _(
            "Họp nhận xét, đánh giá, xếp loại chất lượng năm %(year)d đối với %(address)s %(name)s, %(designation)s"
        )
        % {
            "year": cycle.year,
            "address": address_of(enrolment).lower(),
            "name": enrolment.full_name,
            "designation": designation(enrolment),
        },
        "person": person_data(enrolment),
        # The agency that held the meeting, by name (not "cơ quan tổ chức cuộc họp").
        "agency": expand_abbreviations(enrolment.organisation.name),
        "held_on": long_date(meeting.held_on),
        # Rows recorded before the times were asked for have none: left for the pen.
        "starts_at": clock_text(meeting.starts_at),
        "ends_at": clock_text(meeting.ends_at),
        "place": meeting.place,
        "chaired_by": meeting.chaired_by,
        "minutes_by": meeting.minutes_by,
        "chair": dict(zip(("name", "title"), split_name_and_title(meeting.chaired_by), strict=True)),
        "secretary": dict(zip(("name", "title"), split_name_and_title(meeting.minutes_by), strict=True)),
        "recipients": [
            f"{address_of(enrolment)} {enrolment.full_name}",
            _("Sở Nội vụ (để tổng hợp)"),
        ],
        "archive": _("Lưu: VT, hồ sơ đánh giá"),
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


class ReportSigning:
    """How the Home Affairs report is signed: by the director, or by a deputy "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    (a department is led by its head, so there is no "TM."; Decree 30/2020 Phụ lục I, part II, item 7)."""

    DIRECTOR = "director"
    DEPUTY = "deputy"
    choices = (
        (DIRECTOR, gettext_lazy("Giám đốc ký")),
        (DEPUTY, gettext_lazy("Phó Giám đốc ký thay (KT. GIÁM ĐỐC)")),
    )


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
                    **person_data(row.enrolment),
                    "self_level": level_abbreviation(evaluation.self_proposed_level),
                    "proposal": level_abbreviation(evaluation.proposed_level, evaluation.proposed_not_rated),
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
                        "percent": percent_text(group.counts.get(level.value, 0), group.total),
                    }
                    for level in Level
                ],
                "not_rated": group.not_rated,
                "not_rated_percent": percent_text(group.not_rated, group.total),
                "undecided": group.undecided,
                "quota": {
                    "arithmetic": group.position.arithmetic,
                    "htxsnv": group.position.htxsnv,
                    "allowed": group.position.allowed,
                    "within": group.within,
                    "over_by": group.position.over_by,
                },
                "exception": {
                    "rate": f"{decimal_text(exception.rate * 100)}%",
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
        "addressee": _("Chủ tịch %(authority)s") % {"authority": expand_abbreviations(cycle.authority.name)},
        "issuer_name": expand_abbreviations(issuer.name),
        "total": total,
        "totals": [
            {
                "label": str(level.label),
                "abbreviation": level.abbreviation,
                "count": totals[level.value],
                "percent": percent_text(totals[level.value], total),
            }
            for level in Level
        ],
        "not_rated": sum(g.not_rated for g in standing.groups),
        "undecided": sum(g.undecided for g in standing.groups),
        "groups": groups,
        "over_quota": [g.name for g in standing.over_quota],
        "remarks": remarks,
        "signature": signature,
        # The addressee is named in "Kính gửi"; Decree 30/2020 lists them first as "Như trên".
        "recipients": [_("Như trên"), _("Các Phó Chủ tịch UBND tỉnh")],
        "archive": _("Lưu: VT, CCVC"),
        "outline": _("Báo cáo của Sở Nội vụ"),
    }


def summary_table_data(*, cycle: Cycle) -> dict:
    """The summary table of the cohort (landscape): one row per person grouped by peer group, with a subtotal
    row per group; the decided level once the cycle is signed off. Counts from cohort_standing."""
    proposed = cohort_standing(cycle, LevelSource.PROPOSED)
    signed_off = cycle.is_published
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
            points = points_that_count(evaluation)
            meeting_view = ""
            if meeting is not None:
                meeting_view = level_abbreviation(meeting.meeting_level)
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
                    "self_level": level_abbreviation(evaluation.self_proposed_level),
                    "points": decimal_text(points),
                    "meeting": meeting_view.strip(),
                    "party": party.text if party else "",
                    "proposal": level_abbreviation(evaluation.proposed_level, evaluation.proposed_not_rated),
                    "decided": level_abbreviation(evaluation.final_level, evaluation.final_not_rated)
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
        % {"number": report.number_text, "day": day_text(report.issued_on)}
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


def _issued_paper(kind: str, cycle: Cycle) -> Document | None:
    return (
        Document.objects.filter(cycle=cycle, kind=kind, subject_key=f"cycle:{cycle.pk}", number__isnull=False)
        .order_by("-version")
        .first()
    )


def _issued_report(cycle: Cycle) -> Document | None:
    return _issued_paper(DocumentKind.REPORT, cycle)


def _as_draft(data: dict, issuer: Organisation, type_code: str) -> dict:
    """A numbered paper not yet issued, as a pack carries it: no number, no date (both are given at issue), "DỰ THẢO"
    on its pages; nothing taken from today, so the pack's data does not change with the calendar."""
    return {
        **data,
        "number_line": number_line(None, f"{type_code}-{issuer.abbreviation}"),
        "date_line": _("%(place)s, ngày …… tháng …… năm ……") % {"place": letterhead_for(issuer).place_name},
        "draft_mark": _("DỰ THẢO"),
    }


def _subtotal_text(group) -> str:
    parts = [f"{level.abbreviation}: {group.counts.get(level.value, 0)}" for level in Level]
    if group.not_rated:
        parts.append(f"{_('KXL')}: {group.not_rated}")
    if group.undecided:
        parts.append(_("chưa có: %(n)d") % {"n": group.undecided})
    return (
        ngettext("%(total)d người", "%(total)d người", group.total) % {"total": group.total}
        + " – "
        + "; ".join(parts)
    )


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

    evaluations = list(cohort_evaluations(cycle))
    notes = {n.evaluation_id: n.text for n in ConferenceNote.objects.filter(conference=conference)}
    attendance = {row.enrolment_id: row for row in conference.attendance_rows}
    present = [e for e in evaluations if e.enrolment_id in attendance and attendance[e.enrolment_id].present]
    absent = [
        {
            "address": address_of(e.enrolment),
            "name": e.enrolment.full_name,
            "designation": designation(e.enrolment),
            "reason": attendance[e.enrolment_id].absence_reason,
        }
        for e in evaluations
        if e.enrolment_id in attendance and not attendance[e.enrolment_id].present
    ]
    report = _issued_report(cycle)
    if report is not None:
        report_text = _("Báo cáo số %(number)s ngày %(day)s của %(issuer)s") % {
            "number": report.number_text,
            "day": day_text(report.issued_on),
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
        "starts_at": clock_text(conference.starts_at),
        "held_on": long_date(conference.held_on),
        "venue": conference.venue,
        "chair": {"name": conference.chaired_by_name, "title": conference.chaired_by_title},
        "secretary": {"name": conference.secretary_name, "title": conference.secretary_title},
        # Each guest once (the same person entered twice is printed once), the position only when it adds something.
        "guests": list(
            {
                (g.name.strip().lower(), g.position.strip().lower()): {
                    "name": g.name.strip(),
                    "position": g.position.strip()
                    if g.position.strip() and g.position.strip().lower() not in g.name.lower()
                    else "",
                }
                for g in conference.guests.all()
            }.values()
        ),
        "recipients": [
            _("Chủ tịch, các Phó Chủ tịch %(authority)s")
            % {"authority": expand_abbreviations(cycle.authority.name)},
            _("Sở Nội vụ"),
            _("Người dự hội nghị"),
        ],
        "archive": _("Lưu: VT, NC"),
        "cohort_total": len(evaluations),
        "present_count": len(present),
        "absent": absent,
        "unrecorded_count": len(evaluations) - len(present) - len(absent),
        "agenda": agenda_lines(conference.agenda),
        "report_text": report_text,
        "discussion": [
            {
                "address": address_of(e.enrolment),
                "name": e.enrolment.full_name,
                "designation": designation(e.enrolment),
                "text": notes.get(e.pk, ""),
            }
            for e in evaluations
        ],
        "concluding_remarks": conference.concluding_remarks,
        "closed_at": clock_text(closed.time() if closed else None),
        "outline": _("Biên bản hội nghị"),
    }


def conference_pack_data(*, cycle: Cycle) -> dict:
    """The report, the summary table and every person's form, for the conference, in one PDF. The report is
    the one Home Affairs issued (its number, date and remarks, as printed); before one is issued, a draft with
    the number left blank. The pack itself takes no number: it is a bundle of papers, not a document."""
    from .decision_papers import attendance_list_data, invitation_data

    issued = _issued_report(cycle)
    if issued is not None:
        report = dict(issued.data)
    else:
        issuer = home_affairs_organisation(cycle)
        report = _as_draft(
            report_data(cycle=cycle, signer_name=home_affairs_director_name(cycle, issuer)), issuer, "BC"
        )
    # The conference's own papers (issue #14 item 8), once it is set: as issued, else as drafts.
    convening = {}
    if Conference.objects.filter(cycle=cycle).exists():
        for key, kind, build, code in (
            ("invitation", DocumentKind.INVITATION, invitation_data, "GM"),
            ("attendance", DocumentKind.ATTENDANCE_LIST, attendance_list_data, "DS"),
        ):
            paper = _issued_paper(kind, cycle)
            convening[key] = (
                dict(paper.data) if paper else _as_draft(build(cycle=cycle), cycle.authority, code)
            )
    forms = rating_forms_data(cycle=cycle)["forms"]
    if not forms:
        raise DocumentError(_("Kỳ đánh giá chưa có ai trong danh sách."))
    return {
        "kind": DocumentKind.CONFERENCE_PACK.value,
        "filename": f"tai-lieu-hoi-nghi-{cycle.year}.pdf",
        **convening,
        "report": report,
        "summary": summary_table_data(cycle=cycle),
        "forms": forms,
        "outline": _("Tài liệu hội nghị đánh giá, xếp loại chất lượng năm %(year)d") % {"year": cycle.year},
    }
