"""The demo's printed papers (issue #14 item 8): the finished 2023 cycle with its conference's set issued on the days
it would have been — invitation and attendance list, Home Affairs' submission, the chair's decision approving the
results, the collective notice, and the decision on one objection — each numbered in its 2023 register; the open
2026 cycle with the same papers as drafts ("DỰ THẢO", no number).

Rendered here, in order, because each issued paper cites the one before it (the decision cites the submission, the
notice the decision); a paper's data is taken when it is asked for. Every name is invented (portal/demo.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from conference.models import Conference, ConferenceAttendance, ConferenceGuest
from cycles.models import Cycle
from documents.models import DocumentKind
from documents.services import document_job_run, document_request, papers_dated
from reviews.models import Evaluation, Objection, ObjectionOutcome, ObjectionStatus

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

CONFERENCE_GUESTS = (
    ("Đại diện Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
    ("Đại diện Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Đại diện Liên đoàn Lao động tỉnh", "Liên đoàn Lao động tỉnh"),
)
AGENDA = (
    "1. Tuyên bố lý do, giới thiệu đại biểu\n"
    "2. Sở Nội vụ báo cáo kết quả tổng hợp, đề xuất xếp loại\n"
    "3. Thảo luận từng người theo nhóm đối tượng\n"
    "4. Chủ tịch UBND tỉnh kết luận"
)
# The conference's set about the whole cycle, in the order it is made.
CYCLE_SET = (
    DocumentKind.INVITATION,
    DocumentKind.ATTENDANCE_LIST,
    DocumentKind.SUBMISSION,
    DocumentKind.RESULTS_DECISION,
    DocumentKind.RESULTS_NOTICE,
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _paper(kind: str, *, issue: bool, **subject: Any) -> None:
    job = document_request(kind=kind, by=None, issue=issue, **subject)
    document_job_run(job_id=job.pk)


def demo_papers_2023(cycle: Cycle) -> None:
    """The finished cycle's conference (written directly, as the rest of 2023) and its papers, issued on their days."""
    conference = Conference.objects.create(
        cycle=cycle,
        held_on=date(2023, 12, 12),
        starts_at=time(8, 0),
        venue="Hội trường tầng 3, trụ sở UBND tỉnh",
        chaired_by_name=cycle.chair_name,
        chaired_by_title="Chủ tịch UBND tỉnh",
        secretary_name="Vi Thị Hằng",
        secretary_title="Phó Giám đốc Sở Nội vụ",
        agenda=AGENDA,
        concluding_remarks="Thống nhất kết quả đề xuất của Sở Nội vụ; giao Sở Nội vụ hoàn thiện hồ sơ trình phê duyệt.",
        closed_at=_at(date(2023, 12, 12), 11),
    )
    ConferenceGuest.objects.bulk_create(
        ConferenceGuest(conference=conference, name=name, position=position, sort_order=order)
        for order, (name, position) in enumerate(CONFERENCE_GUESTS)
    )
    evaluations = list(Evaluation.objects.filter(enrolment__cycle=cycle).order_by("enrolment__agenda_order"))
    ConferenceAttendance.objects.bulk_create(
        ConferenceAttendance(conference=conference, enrolment_id=e.enrolment_id) for e in evaluations
    )
    for kind, day in zip(
        CYCLE_SET,
        (date(2023, 12, 4), date(2023, 12, 4), date(2023, 12, 13), date(2023, 12, 14), date(2023, 12, 15)),
        strict=True,
    ):
        with papers_dated(day):
            _paper(kind, issue=True, cycle=cycle)
    # One objection, answered by the chair keeping the result, and the decision on it.
    objecting = evaluations[9]
    objection = Objection.objects.create(
        evaluation=objecting,
        decision=objecting.decisions.get(),
        text="Đề nghị xem xét lại mức xếp loại vì đơn vị đã hoàn thành vượt mức các chỉ tiêu được giao.",
    )
    Objection.objects.filter(pk=objection.pk).update(
        filed_at=_at(date(2023, 12, 18), 9),
        status=ObjectionStatus.ANSWERED,
        answer="Tỷ lệ hoàn thành xuất sắc nhiệm vụ của nhóm đã ở mức tối đa cho phép; giữ nguyên kết quả đã phê duyệt.",
        answered_at=_at(date(2023, 12, 21), 15),
        outcome=ObjectionOutcome.KEPT,
    )
    objection.refresh_from_db()
    with papers_dated(date(2023, 12, 22)):
        _paper(DocumentKind.OBJECTION_DECISION, issue=True, objection=objection)


def demo_papers_2026(cycle: Cycle) -> None:
    """The open cycle's set as drafts: printable any time, none issued (the cycle is part-way through compilation)."""
    for kind in CYCLE_SET:
        _paper(kind, issue=False, cycle=cycle)
