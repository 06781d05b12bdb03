"""Helpers for the document tests: filled-in forms of both regimes, and reading a PDF back."""

import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from conference.models import Conference, ConferenceAttendance, ConferenceGuest, ConferenceNote
from cycles.models import QuotaException
from cycles.rulebooks import Framework
from cycles.selectors import self_assessment_form
from documents import services
from documents.models import DocumentJob
from officials.models import OrganisationKind
from reviews.models import (
    CommentMeeting,
    Decision,
    DecisionState,
    Evaluation,
    EvaluationStatus,
    MeetingOpinion,
    PartyOpinion,
    SigningAs,
)
from tests.factories import CycleFactory, OfficialFactory, OrganisationFactory, enrol, open_self_assessment

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMITTED_AT = datetime(2026, 11, 5, 9, 30, tzinfo=TZ)


def fill(
    evaluation: Evaluation,
    *,
    text="Hoàn thành đúng hạn, có sản phẩm cụ thể.",
    status=EvaluationStatus.SUBMITTED,
    level="httnv",
    **extra,
):
    """Answer every line of the person's form (fixture data, written directly as the demo does)."""
    answers, total = {}, None
    for part in self_assessment_form(evaluation.enrolment):
        for criterion in part.criteria:
            entry = {"text": text}
            if criterion.max_points is not None:
                points = (criterion.max_points * Decimal("0.85")).quantize(Decimal("0.5"))
                entry["points"] = str(points)
                total = (total or Decimal(0)) + points
            answers[criterion.code] = entry
    Evaluation.objects.filter(pk=evaluation.pk).update(
        answers=answers,
        points_total=total,
        status=status,
        submitted_at=SUBMITTED_AT,
        self_proposed_level=level,
        **extra,
    )
    evaluation.refresh_from_db()
    return evaluation


def run(job: DocumentJob):
    """What the worker does with the job, in this process: claim, render for real, store."""
    outcome = services.document_job_run(job_id=job.pk)
    job.refresh_from_db()
    return outcome


def pdf_reader(document) -> PdfReader:
    with document.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(document) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(document).pages)


@pytest.fixture
def evaluation_a(cast):
    """official_a: a department director, công chức, Decree 335 points form (the 2026 cycle)."""
    return fill(cast.official_a.enrolments.get().evaluation)


@pytest.fixture
def decree_90_evaluation(db):
    """A 2023 cycle under Decree 90/48: a qualitative công chức leader's form."""
    province = OrganisationFactory(name="UBND tỉnh Hòa Lâm", abbreviation="UBND", kind="provincial_committee")
    cycle = CycleFactory(year=2023, framework=Framework.DECREE_90, authority=province)
    open_self_assessment(cycle)
    department = OrganisationFactory(name="Sở Tư pháp", abbreviation="STP", parent=province)
    official = OfficialFactory(
        full_name="Lê Thị Hồng Nhung", organisation=department, title="Giám đốc Sở Tư pháp"
    )
    enrolment = enrol(cycle, official)
    return fill(enrolment.evaluation)


def make_meeting(evaluation, *, votes=True, held_on=date(2026, 11, 21)):
    meeting = CommentMeeting.objects.create(
        evaluation=evaluation,
        held_on=held_on,
        starts_at=time(14, 0),
        ends_at=time(16, 30),
        place="Phòng họp tầng 2",
        chaired_by="Đặng Văn Chủ",
        minutes_by="Lý Thị Ghi",
        invited_count=17,
        attended_count=16,
        attendees="Tập thể lãnh đạo; đại diện cấp ủy, Công đoàn, Đoàn Thanh niên.",
        absentees="Ông Vũ Văn Vắng (đi công tác).",
        summary="Trình bày báo cáo tự đánh giá.\nĐề nghị mức Hoàn thành tốt nhiệm vụ.",
        conclusion="Tập thể thống nhất với mức tự xếp loại.",
        meeting_level="httnv",
        votes_recorded=votes,
        votes_httnv=15 if votes else 0,
        votes_htnv=1 if votes else 0,
        minutes_adopted=True,
    )
    MeetingOpinion.objects.create(
        meeting=meeting,
        speaker="Bà Phó Giám Đốc",
        position="Phó Giám đốc",
        content="Đồng ý, cần đẩy mạnh cải cách.",
    )
    MeetingOpinion.objects.create(
        meeting=meeting, speaker="Ông Hoàng Công Đoàn", position="Chủ tịch Công đoàn", content="Gương mẫu."
    )
    return meeting


def sign_decision(
    evaluation, *, level="httnv", signing_as=SigningAs.CHAIR, signer="Chủ Tịch Thử", replaces=None
):
    Evaluation.objects.filter(pk=evaluation.pk).update(status="published", final_level=level)
    decision = Decision.objects.create(
        evaluation=evaluation,
        level=level,
        comments="Ưu điểm: quyết liệt. Khuyết điểm: giải ngân chậm.",
        state=DecisionState.SIGNED,
        signing_as=signing_as,
        signer_name=signer,
        signed_at=datetime(2026, 12, 14, 16, 0, tzinfo=TZ),
        replaces=replaces,
        replacement_reason="Chấp nhận kiến nghị" if replaces else "",
    )
    evaluation.refresh_from_db()
    return decision


@pytest.fixture
def home_affairs_org(cast):
    return OrganisationFactory(
        name="Sở Nội vụ", abbreviation="SNV", kind=OrganisationKind.DEPARTMENT, parent=cast.cycle.authority
    )


@pytest.fixture
def compiled(cast, home_affairs_org):
    """Both officials submitted and proposed (official_a HTXSNV with a 25% exception for the group, official_b
    HTTNV), official_a's meeting minuted with votes, a party opinion, and a third person in Home Affairs."""
    a = fill(cast.official_a.enrolments.get().evaluation, level="htxsnv")
    b = fill(cast.official_b.enrolments.get().evaluation, level="httnv")
    director = OfficialFactory(
        full_name="Phan Văn Nội", organisation=home_affairs_org, title="Giám đốc Sở Nội vụ"
    )
    c = fill(enrol(cast.cycle, director).evaluation, level="httnv")
    Evaluation.objects.filter(pk=a.pk).update(proposed_level="htxsnv", proposal_reason="Thành tích nổi trội.")
    Evaluation.objects.filter(pk=b.pk).update(proposed_level="httnv", proposal_reason="Hoàn thành tốt.")
    Evaluation.objects.filter(pk=c.pk).update(proposed_level="httnv")
    QuotaException.objects.create(
        cycle=cast.cycle,
        peer_group=a.enrolment.peer_group,
        rate=Decimal("0.25"),
        reason="Ngành dẫn đầu cả nước",
        document="Văn bản số 12/UBND-NC ngày 01/12/2026",
    )
    make_meeting(a)
    PartyOpinion.objects.create(
        evaluation=a, body="Đảng ủy Sở", given_on=date(2026, 11, 22), text="Đồng ý mức đề xuất."
    )
    return [Evaluation.objects.get(pk=e.pk) for e in (a, b, c)]


@pytest.fixture
def conference(cast, compiled):
    conference = Conference.objects.create(
        cycle=cast.cycle,
        held_on=date(2026, 12, 10),
        starts_at=time(8, 0),
        venue="Hội trường tầng 3",
        chaired_by_name="Chủ Tịch Thử",
        chaired_by_title="Chủ tịch UBND tỉnh",
        secretary_name="Trịnh Thư Ký",
        secretary_title="Chuyên viên Sở Nội vụ",
        agenda="1. Khai mạc\n2. Sở Nội vụ báo cáo\n3. Thảo luận",
        concluding_remarks="Thống nhất đề xuất của Sở Nội vụ.\nGiao Sở Nội vụ hoàn thiện hồ sơ.",
        closed_at=datetime(2026, 12, 10, 11, 30, tzinfo=TZ),
    )
    a, b, c = compiled
    ConferenceAttendance.objects.create(conference=conference, enrolment=a.enrolment)
    ConferenceAttendance.objects.create(conference=conference, enrolment=c.enrolment)
    ConferenceAttendance.objects.create(
        conference=conference, enrolment=b.enrolment, present=False, absence_reason="Đi công tác nước ngoài"
    )
    ConferenceGuest.objects.create(conference=conference, name="Đại diện Ban Tổ chức Tỉnh ủy")
    ConferenceNote.objects.create(conference=conference, evaluation=b, text="Ý kiến về bà/ông Bình.")
    ConferenceNote.objects.create(conference=conference, evaluation=a, text="Ý kiến về bà An: đồng ý HTXSNV.")
    return conference
