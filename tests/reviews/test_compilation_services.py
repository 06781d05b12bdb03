"""Comment meetings, party opinions, cap facts and Home Affairs' proposal (issue #4), at the service layer."""

from datetime import date, time
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from cycles.models import AgencyRating, Cycle, Enrolment, PhaseKind, QuotaException
from cycles.rulebooks import Level
from reviews import services
from reviews.errors import ReviewError, StaleFormError
from reviews.models import CapFacts, CommentMeeting, EvaluationStatus, EventKind, PartyOpinion
from reviews.selectors import LevelSource, cohort_standing
from reviews.services import MeetingMinutes, Opinion

from ..factories import OfficialFactory, PeerGroupFactory, enrol, open_phase, submitted

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


def test_a_meeting_ends_after_it_starts_and_not_before_self_assessment_opened(cast):
    """Issue #14 item 5: the start and end times are checked, and a meeting dated before the self-assessment opened
    (once accepted ten months early) is refused, in Vietnamese, with nothing recorded."""
    evaluation = evaluation_of(cast.official_a)
    open_phase(cast.cycle, PhaseKind.SELF_ASSESSMENT)
    with pytest.raises(ReviewError, match="Giờ kết thúc \\(09:00\\) phải sau giờ bắt đầu \\(14:00\\)"):
        record_meeting(evaluation, cast.users["home_affairs"], starts_at=time(14, 0), ends_at=time(9, 0))
    with pytest.raises(ReviewError, match="trước ngày bắt đầu tự đánh giá \\(01/11/2026\\)"):
        record_meeting(evaluation, cast.users["home_affairs"], held_on=date(2026, 1, 15))
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()
    meeting = record_meeting(
        evaluation, cast.users["home_affairs"], starts_at=time(14, 0), ends_at=time(16, 30)
    )
    assert (meeting.starts_at, meeting.ends_at) == (time(14, 0), time(16, 30))


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


# --- The rules engine, exactly as the articles say (corrections, items 2–10) ---


def test_a_confirmed_score_finer_than_the_cycle_keeps_is_refused_not_rounded(cast):
    # Item 3: the cycle keeps 2 decimals; 89.995 would be rounded by the database to 90.00 (HTXSNV).
    Cycle.objects.filter(pk=cast.cycle.pk).update(points_decimal_places=2)
    evaluation = evaluation_of(cast.official_a)
    by = cast.users["home_affairs"]
    with pytest.raises(ReviewError, match="nhiều hơn 2 chữ số thập phân"):
        services.cap_facts_record(
            evaluation=evaluation, values={"points_total": D("89.995")}, version=None, by=by
        )
    assert not CapFacts.objects.filter(evaluation=evaluation).exists()
    Cycle.objects.filter(pk=cast.cycle.pk).update(points_decimal_places=1)
    evaluation = evaluation_of(cast.official_a)
    with pytest.raises(ReviewError, match="không tự làm tròn"):
        services.cap_facts_record(
            evaluation=evaluation, values={"points_total": D("89.95")}, version=None, by=by
        )
    facts = services.cap_facts_record(
        evaluation=evaluation, values={"points_total": D("89.9")}, version=None, by=by
    )
    assert facts.points_total == D("89.9")


def test_no_score_no_proposal_in_a_points_regime(cast):
    # Item 4: a points regime with no score gives no cap to hide behind: no level can be proposed.
    evaluation = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=None)
    with pytest.raises(ReviewError, match="Chưa có tổng điểm"):
        services.proposal_set(evaluation=evaluation, level="htxsnv", by=cast.users["home_affairs"])
    with pytest.raises(ReviewError, match="còn thiếu căn cứ"):
        services.proposal_set(evaluation=evaluation, level="khtnv", reason="x", by=cast.users["home_affairs"])


def test_a_head_whose_agency_is_not_rated_yet_cannot_be_proposed(cast):
    # Item 9: Decree 233 Art. 15(1)(a), rated after the unit; the cap no longer silently disappears.
    evaluation = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("85"))
    AgencyRating.objects.filter(cycle=cast.cycle, organisation=cast.official_a.organisation).delete()
    with pytest.raises(ReviewError, match="Điều 15 khoản 1 điểm a"):
        services.proposal_set(evaluation=evaluation, level="httnv", by=cast.users["home_affairs"])
    # A deputy of the same agency is not capped by it, nor waits for it.
    deputy = enrol(
        cast.cycle, OfficialFactory(title="Phó Giám đốc", organisation=cast.official_a.organisation)
    )
    assert deputy.is_head is False
    deputy_evaluation = submitted(deputy.evaluation, self_level="httnv", points=D("85"))
    services.proposal_set(evaluation=deputy_evaluation, level="httnv", by=cast.users["home_affairs"])


@pytest.mark.parametrize(
    ("title", "is_leader", "is_head"),
    [
        ("Giám đốc", True, True),
        ("Chủ tịch UBND xã Hòa Lâm", True, True),
        ("Hiệu trưởng Trường Cao đẳng", True, True),
        ("Phó Giám đốc", True, False),
        ("Phó Chủ tịch UBND tỉnh", True, False),
        ("Phó Giám đốc phụ trách Sở Công Thương", True, False),
        ("Chuyên viên", False, False),
    ],
)
def test_whether_someone_heads_the_agency_is_snapshot_from_the_title(cast, title, is_leader, is_head):
    # Item 5: a fact of the enrolment, not a default of the facts form.
    enrolment = enrol(cast.cycle, OfficialFactory(title=title, is_leader=is_leader))
    assert enrolment.is_head is is_head


def test_home_affairs_corrects_the_head_with_a_reason_and_it_is_audited(cast):
    from audit.models import Action, AuditEvent
    from cycles.errors import CycleError
    from cycles.services import enrolment_head_set

    enrolment = cast.official_a.enrolments.get()
    with pytest.raises(PermissionDenied):
        enrolment_head_set(enrolment=enrolment, is_head=False, reason="x", by=cast.users["chair"])
    with pytest.raises(CycleError, match="Hãy ghi căn cứ"):
        enrolment_head_set(enrolment=enrolment, is_head=False, reason="", by=cast.users["home_affairs"])
    enrolment_head_set(
        enrolment=enrolment,
        is_head=False,
        reason="QĐ 5/QĐ-UBND giao phụ trách",
        by=cast.users["home_affairs"],
    )
    enrolment.refresh_from_db()
    assert enrolment.is_head is False
    event = AuditEvent.objects.get(action=Action.ENROLMENT_HEAD_SET)
    assert event.after == {"is_head": False} and "QĐ 5" in event.note


@pytest.mark.parametrize(
    ("framework", "personnel_type", "sick", "expected_not_rated"),
    [
        # Item 2: Decree 90 Art. 2(3) excuses only maternity leave; Decree 233 Art. 14(2) sick leave too.
        ("decree_90_48", "vien_chuc", True, True),
        ("decree_90_48", "vien_chuc", False, True),
        ("decrees_2026", "vien_chuc", True, False),
        ("decrees_2026", "vien_chuc", False, True),
    ],
)
def test_sick_leave_excuses_the_months_rule_only_from_2026(
    cast, framework, personnel_type, sick, expected_not_rated
):
    from reviews.selectors import caps_for

    Cycle.objects.filter(pk=cast.cycle.pk).update(framework=framework)
    cast.cycle.refresh_from_db()
    official = OfficialFactory(title="Phó Giám đốc", personnel_type=personnel_type)
    evaluation = submitted(enrol(cast.cycle, official).evaluation, points=D("80"))
    services.cap_facts_record(
        evaluation=evaluation,
        values={"months_worked": D(5), "on_sick_leave": sick},
        version=None,
        by=cast.users["home_affairs"],
    )
    evaluation.refresh_from_db()
    assert caps_for(evaluation).not_rated is expected_not_rated


def test_the_fewer_than_five_units_rule_never_applies_to_a_group_of_people(cast):
    # Item 10: 233 Art. 7(7)(c) is for units; the cohort's groups are people, whatever the group's flag.
    group = cast.official_a.enrolments.get().peer_group
    group.counts_units = True
    group.save()
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("85"))
    services.proposal_set(evaluation=a, level="htxsnv", by=cast.users["home_affairs"])
    services.proposal_set(evaluation=b, level="httnv", by=cast.users["home_affairs"])
    (only,) = cohort_standing(cast.cycle, LevelSource.PROPOSED).groups
    assert only.position.allowed == 0 and not only.within
    assert "Điều 20 khoản 5" in only.citation


def test_units_quota_has_the_units_rule_only_where_the_regime_has_it(cast):
    from reviews.selectors import units_quota

    levels = ["htxsnv"] + ["httnv"] * 3
    assert units_quota(cast.cycle, levels).allowed == 1  # Decree 233 Art. 7(7)(c)
    Cycle.objects.filter(pk=cast.cycle.pk).update(framework="decree_90_48")
    cast.cycle.refresh_from_db()
    assert units_quota(cast.cycle, levels).allowed == 0  # Decree 90 has no such rule


def test_the_outstanding_exception_for_public_employees_needs_the_unit_at_htxsnv(cast):
    # Item 8: Decree 233 Art. 12(6)(b).
    from cycles.errors import CycleError
    from cycles.services import quota_exception_set
    from officials.models import PersonnelType

    group = PeerGroupFactory(code="psu_heads", name="Người đứng đầu ĐVSNCL")
    official = OfficialFactory(personnel_type=PersonnelType.VIEN_CHUC, title="Giám đốc", peer_group=group)
    enrolment = enrol(cast.cycle, official)
    assert enrolment.rulebook_code == "decree_233"
    AgencyRating.objects.create(cycle=cast.cycle, organisation=official.organisation, level="httnv")
    with pytest.raises(CycleError, match="Điều 12 khoản 6 điểm b"):
        quota_exception_set(
            cycle=cast.cycle,
            peer_group=group,
            rate=D("0.25"),
            reason="Nổi trội",
            document="QĐ 1/QĐ-UBND",
            by=cast.users["home_affairs"],
        )
    AgencyRating.objects.filter(organisation=official.organisation).update(level="htxsnv")
    exception = quota_exception_set(
        cycle=cast.cycle,
        peer_group=group,
        rate=D("0.25"),
        reason="Nổi trội",
        document="QĐ 1/QĐ-UBND",
        by=cast.users["home_affairs"],
    )
    assert exception.rate == D("0.25")
    # If the unit's level falls afterwards, the exception no longer raises the rate and the standing says why.
    AgencyRating.objects.filter(organisation=official.organisation).update(level="httnv")
    groups = {g.peer_group_id: g for g in cohort_standing(cast.cycle).groups}
    assert (
        groups[group.pk].position.rate == D("0.20")
        and "Điều 12 khoản 6 điểm b" in groups[group.pk].exception_refusal
    )
