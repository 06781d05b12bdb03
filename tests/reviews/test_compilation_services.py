"""Comment meetings, party opinions, cap facts and Home Affairs' proposal (issue #4), at the service layer."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from cycles.models import AgencyRating, Cycle, Enrolment, PhaseKind, QuotaException
from cycles.rulebooks import Level
from reviews import services
from reviews.errors import ReviewError, StaleFormError
from reviews.models import CommentMeeting, EvaluationStatus, EventKind, PartyOpinion
from reviews.selectors import LevelSource, cohort_standing
from reviews.services import MeetingMinutes, Opinion

from ..factories import PeerGroupFactory, open_phase, submitted

pytestmark = pytest.mark.django_db


def evaluation_of(official):
    return official.enrolments.get().evaluation


def minutes(**overrides):
    values = {
        "held_on": date(2026, 11, 10),
        "place": "Phòng họp tầng 2",
        "chaired_by": "Phó Giám đốc Lê Văn Cường",
        "minutes_by": "Chánh Văn phòng Hà Thị Dịu",
        "invited_count": 15,
        "attended_count": 14,
        "conclusion": "Tập thể thống nhất đề nghị mức Hoàn thành tốt nhiệm vụ.",
        "meeting_level": "httnv",
        "minutes_adopted": True,
    }
    return MeetingMinutes(**(values | overrides))


def record_meeting(evaluation, by, version=None, opinions=None, **overrides):
    return services.comment_meeting_record(
        evaluation=evaluation,
        minutes=minutes(**overrides),
        opinions=opinions
        if opinions is not None
        else [Opinion("Ông Phạm Văn Em", "Đồng ý với báo cáo.", "Chủ tịch Công đoàn")],
        version=version,
        by=by,
    )


def test_home_affairs_records_a_meeting_with_its_opinions(cast):
    evaluation = evaluation_of(cast.official_a)
    meeting = record_meeting(evaluation, cast.users["home_affairs"])
    assert meeting.version == 1 and meeting.opinions.count() == 1
    assert evaluation.events.filter(kind=EventKind.MEETING_RECORDED).exists()


def test_votes_cannot_exceed_attendance(cast):
    evaluation = evaluation_of(cast.official_a)
    with pytest.raises(ReviewError, match="Tổng số phiếu \\(15\\) nhiều hơn số người có mặt \\(14\\)"):
        record_meeting(
            evaluation,
            cast.users["home_affairs"],
            votes_recorded=True,
            votes={"htxsnv": 5, "httnv": 10},
        )
    meeting = record_meeting(
        evaluation, cast.users["home_affairs"], votes_recorded=True, votes={"htxsnv": 4, "httnv": 10}
    )
    assert meeting.votes[Level.HTTNV] == 10


def test_the_database_refuses_votes_beyond_attendance_too(cast):
    meeting = record_meeting(evaluation_of(cast.official_a), cast.users["home_affairs"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentMeeting.objects.filter(pk=meeting.pk).update(votes_httnv=15)


def test_attendance_cannot_exceed_the_invited(cast):
    with pytest.raises(ReviewError, match="không thể nhiều hơn số người được triệu tập"):
        record_meeting(evaluation_of(cast.official_a), cast.users["home_affairs"], attended_count=16)


def test_unit_secretary_records_only_their_own_agency_and_only_while_the_phase_is_open(cast):
    secretary = cast.users["unit_secretary"]
    with pytest.raises(PermissionDenied):
        record_meeting(evaluation_of(cast.official_a), secretary)
    with pytest.raises(ReviewError, match="chưa mở hoặc đã đóng"):
        record_meeting(evaluation_of(cast.official_b), secretary)
    open_phase(cast.cycle, PhaseKind.COMMENT_MEETING)
    assert record_meeting(evaluation_of(cast.official_b), secretary).recorded_by == secretary


def test_a_stale_meeting_form_is_refused_and_names_the_time(cast):
    evaluation = evaluation_of(cast.official_a)
    record_meeting(evaluation, cast.users["home_affairs"])
    record_meeting(evaluation, cast.users["home_affairs"], version=1, place="Hội trường")
    with pytest.raises(StaleFormError):
        record_meeting(evaluation, cast.users["home_affairs"], version=1, place="Phòng 3")
    assert CommentMeeting.objects.get(evaluation=evaluation).place == "Hội trường"


def test_a_scan_must_be_a_pdf_or_an_image(cast):
    evaluation = evaluation_of(cast.official_a)
    with pytest.raises(ReviewError, match="không phải PDF, PNG hay JPEG"):
        services.comment_meeting_record(
            evaluation=evaluation,
            minutes=minutes(),
            opinions=[],
            scan=SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf"),
            version=None,
            by=cast.users["home_affairs"],
        )
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()
    meeting = services.comment_meeting_record(
        evaluation=evaluation,
        minutes=minutes(),
        opinions=[],
        scan=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 signed"),
        version=None,
        by=cast.users["home_affairs"],
    )
    assert meeting.signed_scan_name == "bien-ban.pdf"


def test_party_opinion_is_recorded_once_and_then_corrected(cast):
    evaluation = evaluation_of(cast.official_a)
    by = cast.users["home_affairs"]
    opinion = services.party_opinion_record(
        evaluation=evaluation,
        body="Đảng ủy Sở",
        given_on=date(2026, 11, 12),
        text="Đồng ý.",
        version=None,
        by=by,
    )
    with pytest.raises(ReviewError):
        services.party_opinion_record(
            evaluation=evaluation,
            body="Đảng ủy Sở",
            given_on=date(2026, 11, 12),
            text="X",
            version=None,
            by=by,
        )
    services.party_opinion_record(
        evaluation=evaluation,
        body="Đảng ủy Sở",
        given_on=date(2026, 11, 12),
        text="Sửa.",
        version=opinion.version,
        by=by,
    )
    assert PartyOpinion.objects.get(evaluation=evaluation).text == "Sửa."


def test_discipline_outside_the_rating_year_is_refused(cast):
    evaluation = evaluation_of(cast.official_a)
    with pytest.raises(ReviewError, match="không thuộc năm đánh giá 2026"):
        services.cap_facts_record(
            evaluation=evaluation,
            values={"discipline_form": "khien_trach", "discipline_date": date(2025, 12, 30)},
            version=None,
            by=cast.users["home_affairs"],
        )


def test_only_home_affairs_records_cap_facts(cast):
    with pytest.raises(PermissionDenied):
        services.cap_facts_record(
            evaluation=evaluation_of(cast.official_b),
            values={"months_worked": D(12)},
            version=None,
            by=cast.users["unit_secretary"],
        )


def test_a_proposal_above_the_cap_is_refused_with_the_article(cast):
    evaluation = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    by = cast.users["home_affairs"]
    services.cap_facts_record(
        evaluation=evaluation,
        values={
            "discipline_form": "khien_trach",
            "discipline_date": date(2026, 5, 4),
            "discipline_source": "QĐ 12/QĐ-UBND",
        },
        version=None,
        by=by,
    )
    with pytest.raises(ReviewError) as refused:
        services.proposal_set(evaluation=evaluation, level="httnv", reason="Theo kết quả", by=by)
    assert "Không hoàn thành nhiệm vụ" in str(refused.value) and "Điều" in str(refused.value)
    evaluation = services.proposal_set(evaluation=evaluation, level="khtnv", reason="Bị kỷ luật", by=by)
    assert evaluation.status == EvaluationStatus.PROPOSED and evaluation.proposed_level == "khtnv"


def test_a_head_is_not_proposed_above_their_agency(cast):
    evaluation = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    AgencyRating.objects.filter(cycle=cast.cycle, organisation=cast.official_a.organisation).update(
        level="httnv"
    )
    with pytest.raises(ReviewError, match="Điều 12 khoản 7"):
        services.proposal_set(evaluation=evaluation, level="htxsnv", by=cast.users["home_affairs"])


def test_points_cap_the_proposal_at_their_band(cast):
    evaluation = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("89.5"))
    with pytest.raises(ReviewError, match="Tổng điểm 89,5"):
        services.proposal_set(evaluation=evaluation, level="htxsnv", by=cast.users["home_affairs"])


def test_not_rated_when_worked_under_six_months(cast):
    evaluation = submitted(evaluation_of(cast.official_a), points=D("80"))
    by = cast.users["home_affairs"]
    services.cap_facts_record(evaluation=evaluation, values={"months_worked": D(5)}, version=None, by=by)
    with pytest.raises(ReviewError, match="chưa đủ 06 tháng"):
        services.proposal_set(evaluation=evaluation, level="htnv", reason="x", by=by)
    evaluation = services.proposal_set(evaluation=evaluation, not_rated=True, by=by)
    assert evaluation.proposed_not_rated and evaluation.proposed_level == ""


def test_a_different_level_from_the_self_proposed_one_needs_a_reason(cast):
    evaluation = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("80"))
    with pytest.raises(ReviewError, match="hãy ghi lý do"):
        services.proposal_set(evaluation=evaluation, level="htnv", by=cast.users["home_affairs"])
    services.proposal_set(evaluation=evaluation, level="httnv", by=cast.users["home_affairs"])


def test_no_proposal_before_the_self_assessment_is_submitted(cast):
    with pytest.raises(ReviewError, match="đã nộp tự đánh giá"):
        services.proposal_set(
            evaluation=evaluation_of(cast.official_a), level="httnv", by=cast.users["home_affairs"]
        )


def test_only_home_affairs_proposes(cast):
    evaluation = submitted(evaluation_of(cast.official_a), points=D("80"))
    for persona in ("chair", "unit_secretary", "official_a"):
        with pytest.raises(PermissionDenied):
            services.proposal_set(evaluation=evaluation, level="httnv", by=cast.users[persona])


def test_the_quota_meter_counts_the_whole_group_with_the_cycles_rounding(cast):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("85"))
    assert a.enrolment.peer_group_id == b.enrolment.peer_group_id
    by = cast.users["home_affairs"]
    services.proposal_set(evaluation=a, level="htxsnv", by=by)

    def group():
        (only,) = cohort_standing(cast.cycle, LevelSource.PROPOSED).groups
        return only

    assert (group().position.htxsnv, group().position.allowed, group().within) == (1, 0, False)
    services.proposal_set(evaluation=b, level="httnv", by=by)
    # 20% × 1 HTTNV = 0.2 → 0 when rounding down (the default), 1 when the cycle rounds up.
    assert (group().position.httnv, group().position.allowed) == (1, 0)
    assert len(cohort_standing(cast.cycle, LevelSource.PROPOSED).over_quota) == 1
    Cycle.objects.filter(pk=cast.cycle.pk).update(quota_rounding="up")
    cast.cycle.refresh_from_db()
    assert group().within and group().position.allowed == 1


def test_the_outstanding_exception_raises_the_rate_for_its_group_only(cast):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    communes = PeerGroupFactory(code="communes", name="Chủ tịch UBND xã, phường")
    Enrolment.objects.filter(official=cast.official_b).update(peer_group=communes)
    QuotaException.objects.create(
        cycle=cast.cycle,
        peer_group=a.enrolment.peer_group,
        rate=D("0.25"),
        reason="Dẫn đầu khối thi đua",
        document="QĐ 99/QĐ-UBND",
    )
    groups = {g.peer_group_id: g for g in cohort_standing(cast.cycle).groups}
    assert groups[a.enrolment.peer_group_id].position.rate == D("0.25")
    assert groups[cast.official_b.enrolments.get().peer_group_id].position.rate == D("0.20")


def test_a_secretary_who_is_also_rated_cannot_record_their_own_meeting(cast):
    from officials.models import Role
    from officials.services import role_grant

    bob = cast.users["official_b"]
    role_grant(user=bob, role=Role.UNIT_SECRETARY, organisation=cast.official_b.organisation)
    open_phase(cast.cycle, PhaseKind.COMMENT_MEETING)
    with pytest.raises(PermissionDenied):
        record_meeting(evaluation_of(cast.official_b), bob)
