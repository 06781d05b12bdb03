"""Periodic tracking's services: every transition and refusal (issue #12). The arithmetic itself is tested from the
articles in tests/cycles/test_tracking_arithmetic.py; here: who may do what, when, and that nothing saved is lost."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action, AuditEvent
from cycles.rulebooks.tracking import period_lines
from reviews.selectors import ScoreSource, cohort_standing, counted_score, points_that_count
from reviews.services import cap_facts_record
from tracking import services
from tracking.errors import StalePeriodError, TrackingError
from tracking.models import PeriodConfirmation, PeriodRecord, PeriodStatus, TrackingPeriod
from tracking.selectors import annual_score_of, annual_scores, tracker_inbox, year_of

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

FULL = {
    line.code: str(line.max_points) if line.max_points is not None else "100"
    for line in period_lines(is_leader=True)
}


def staff_values(**changes):
    values = {
        line.code: (str(line.max_points) if line.max_points is not None else "90")
        for line in period_lines(is_leader=True)
    }
    values.update(changes)
    return values


@pytest.fixture
def tracked(cast):
    """The cast's 2026 cycle tracked quarterly; the chair's deputy tracks official_a; every period open for a week."""
    ha = cast.users["home_affairs"]
    tracking = services.tracking_set_up(cycle=cast.cycle, frequency="quarterly", by=ha)
    TrackingPeriod.objects.filter(cycle=cast.cycle).update(deadline=timezone.now() + timedelta(days=7))
    tracker = UserFactory(username="pho_chu_tich", first_name="Phó Chủ tịch Thử")
    enrolment = cast.official_a.enrolments.get()
    services.tracker_assign(enrolment=enrolment, tracker=tracker, title="Phó Chủ tịch UBND tỉnh", by=ha)
    cast.tracker = tracker
    cast.tracking = tracking
    cast.enrolment = enrolment
    return cast


def period(cast, number):
    return TrackingPeriod.objects.get(cycle=cast.cycle, number=number)


def record_of(cast, number=1):
    return services.period_record_get(enrolment=cast.enrolment, period=period(cast, number))


def fill_and_submit(cast, number=1, values=None):
    record = record_of(cast, number)
    me = cast.users["official_a"]
    record = services.period_self_save(
        record=record, values=values or staff_values(), version=record.version, by=me
    )
    return services.period_submit(record=record, version=record.version, by=me)


def confirm(cast, record, values=None, reasons=None):
    return services.period_confirm(
        record=record,
        values=values or record.self_values,
        reasons=reasons or {},
        version=record.version,
        by=cast.tracker,
    )


def test_setting_up_a_quarterly_cycle_creates_four_periods_with_deadlines(cast):
    services.tracking_set_up(cycle=cast.cycle, frequency="quarterly", by=cast.users["home_affairs"])
    periods = list(TrackingPeriod.objects.filter(cycle=cast.cycle))
    assert [p.label for p in periods] == ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"]
    assert [timezone.localtime(p.deadline).day for p in periods] == [25, 25, 25, 25]
    assert AuditEvent.objects.filter(action=Action.TRACKING_SET_UP).count() == 1


def test_only_home_affairs_sets_tracking_up_and_assigns_trackers(cast):
    with pytest.raises(PermissionDenied):
        services.tracking_set_up(cycle=cast.cycle, frequency="monthly", by=cast.users["chair"])


def test_the_frequency_is_fixed_once_someone_saved_a_period(tracked):
    fill_and_submit(tracked)
    with pytest.raises(TrackingError, match="không đổi được"):
        services.tracking_set_up(cycle=tracked.cycle, frequency="monthly", by=tracked.users["home_affairs"])


def test_nobody_tracks_themself(tracked):
    with pytest.raises(TrackingError, match="tự theo dõi"):
        services.tracker_assign(
            enrolment=tracked.enrolment, tracker=tracked.users["official_a"], by=tracked.users["home_affairs"]
        )


def test_a_draft_keeps_exact_decimals_and_refuses_more_than_the_cycle_keeps(tracked):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    record = services.period_self_save(
        record=record, values={"i_politics": "4,5"}, version=record.version, by=me
    )
    assert record.self_values == {"i_politics": "4.5"} and record.self_score is None
    tracked.cycle.points_decimal_places = 1
    tracked.cycle.save(update_fields=["points_decimal_places"])
    with pytest.raises(TrackingError, match="tối đa 1 chữ số"):
        services.period_self_save(record=record, values={"i_politics": "4.25"}, version=record.version, by=me)
    record.refresh_from_db()
    assert record.self_values == {"i_politics": "4.5"}  # nothing saved is lost


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("i_politics", "6", "từ 0 đến 5"),
        ("quantity", "101", "0 đến 100"),
        ("quality", "-5", "0 đến 100"),
        ("quantity", "abc", "không phải là số"),
    ],
)
def test_out_of_range_values_are_refused_with_the_line(tracked, code, typed, message):
    record = record_of(tracked)
    with pytest.raises(TrackingError, match=message):
        services.period_self_save(
            record=record, values={code: typed}, version=record.version, by=tracked.users["official_a"]
        )


def test_a_stale_tab_is_refused_and_the_saved_copy_stays(tracked):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    loaded = record.version  # both tabs opened this copy
    services.period_self_save(record=record, values={"i_politics": "5"}, version=loaded, by=me)
    with pytest.raises(StalePeriodError):
        services.period_self_save(record=record, values={"i_politics": "1"}, version=loaded, by=me)
    record.refresh_from_db()
    assert record.self_values == {"i_politics": "5"}


def test_someone_else_cannot_save_or_submit_my_period(tracked):
    record = record_of(tracked)
    with pytest.raises(PermissionDenied):
        services.period_self_save(
            record=record, values={}, version=record.version, by=tracked.users["official_b"]
        )


def test_submitting_needs_every_line(tracked):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    record = services.period_self_save(
        record=record, values={"i_politics": "5"}, version=record.version, by=me
    )
    with pytest.raises(TrackingError, match="tự chấm đủ"):
        services.period_submit(record=record, version=record.version, by=me)


def test_a_leader_scores_six_task_lines_and_the_self_score_is_computed(tracked):
    record = fill_and_submit(tracked)
    assert record.status == PeriodStatus.SUBMITTED
    assert record.self_score == D("93.00")  # 30 + 70 × 90 / 100


def test_the_tracker_confirms_with_a_change_and_its_reason_and_the_period_locks(tracked):
    record = fill_and_submit(tracked)
    values = dict(record.self_values, quality="70")
    with pytest.raises(TrackingError, match="ghi lý do"):
        confirm(tracked, record, values=values)
    confirmation = confirm(tracked, record, values=values, reasons={"quality": "Hai báo cáo phải làm lại."})
    record.refresh_from_db()
    # 30 + 70 × (90 × 5 + 70) / 6 / 100 = 30 + 60.666…; the cycle keeps one decimal, rounded down: 90.6
    assert tracked.cycle.points_decimal_places == 1
    assert confirmation.score == D("90.6") and record.confirmed_score == D("90.6")
    assert record.status == PeriodStatus.CONFIRMED and confirmation.reasons == {
        "quality": "Hai báo cáo phải làm lại."
    }
    with pytest.raises(TrackingError, match="đã được xác nhận"):
        services.period_self_save(
            record=record, values={}, version=record.version, by=tracked.users["official_a"]
        )
    with pytest.raises(TrackingError, match="điều chỉnh"):
        confirm(tracked, record)
    assert AuditEvent.objects.filter(action=Action.PERIOD_CONFIRMED).count() == 1


def test_only_the_assigned_tracker_confirms_and_never_their_own_period(tracked):
    record = fill_and_submit(tracked)
    for intruder in (tracked.users["chair"], tracked.users["home_affairs"], tracked.users["official_a"]):
        with pytest.raises(PermissionDenied):
            confirm(tracked, record) if intruder is None else services.period_confirm(
                record=record, values=record.self_values, version=record.version, by=intruder
            )


def test_a_correction_is_a_new_confirmation_and_both_are_kept(tracked):
    record = fill_and_submit(tracked)
    first = confirm(tracked, record)
    record.refresh_from_db()
    with pytest.raises(TrackingError, match="lý do điều chỉnh"):
        services.period_correct(
            record=record, values=record.self_values, correction_reason="", by=tracked.tracker
        )
    second = services.period_correct(
        record=record,
        values=dict(record.self_values, quantity="60"),
        correction_reason="Phát hiện sai số liệu sau khi xác nhận.",
        by=tracked.tracker,
    )
    record.refresh_from_db()
    assert second.replaces == first and second.number == 2
    assert PeriodConfirmation.objects.filter(record=record).count() == 2
    assert record.confirmed_score == second.score < first.score
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodConfirmation.objects.filter(pk=second.pk).update(replaces=None, correction_reason="")
        PeriodConfirmation.objects.create(
            record=record,
            number=2,
            values={},
            general=0,
            task_average=0,
            score=1,
            working="",
            confirmed_by=tracked.tracker,
            confirmed_by_name="x",
            confirmed_at=timezone.now(),
        )


def test_the_tracker_returns_a_period_with_a_reason(tracked):
    record = fill_and_submit(tracked)
    with pytest.raises(TrackingError, match="lý do"):
        services.period_return(record=record, reason=" ", version=record.version, by=tracked.tracker)
    record = services.period_return(
        record=record, reason="Thiếu minh chứng", version=record.version, by=tracked.tracker
    )
    assert record.status == PeriodStatus.DRAFT


def test_after_the_deadline_the_person_cannot_edit_and_the_tracker_scores_an_unsent_period(tracked):
    record = record_of(tracked, 2)
    TrackingPeriod.objects.filter(pk=record.period_id).update(deadline=timezone.now() - timedelta(minutes=1))
    assert services.periods_close_due() >= 1
    record.refresh_from_db()
    with pytest.raises(TrackingError, match="hết hạn"):
        services.period_self_save(
            record=record, values={}, version=record.version, by=tracked.users["official_a"]
        )
    assert record in tracker_inbox(tracked.tracker)
    confirmation = confirm(tracked, record, values=staff_values())
    assert confirmation.score == D("93.00")


def test_a_draft_before_the_deadline_cannot_be_confirmed(tracked):
    record = record_of(tracked)
    with pytest.raises(TrackingError, match="chưa gửi"):
        confirm(tracked, record, values=staff_values())


def test_months_not_worked_need_a_reason_and_leave_the_period_out(tracked):
    ha = tracked.users["home_affairs"]
    record = record_of(tracked, 2)
    with pytest.raises(TrackingError, match="lý do"):
        services.period_absence_set(record=record, months_worked=0, absence="", by=ha)
    with pytest.raises(TrackingError, match="từ 0 đến 3"):
        services.period_absence_set(record=record, months_worked=4, absence="maternity", by=ha)
    services.period_absence_set(record=record, months_worked=0, absence="maternity", by=ha)
    for number in (1, 3, 4):
        confirm(tracked, fill_and_submit(tracked, number))
    year = annual_score_of(tracked.enrolment)
    assert year.not_worked == ("Quý II/2026",) and year.score == D("93.00")


def test_a_transfer_in_carries_the_old_agencys_scores(tracked):
    ha = tracked.users["home_affairs"]
    for number, score in ((1, "70"), (2, "74")):
        services.period_carried_record(
            record=record_of(tracked, number), score=D(score), source="Sở Tư pháp, CV 12/STP", by=ha
        )
    for number in (3, 4):
        confirm(tracked, fill_and_submit(tracked, number))
    year = annual_score_of(tracked.enrolment)
    assert year.score == D("82.50")  # (70 + 74 + 93 + 93) / 4
    assert (
        PeriodRecord.objects.get(enrolment=tracked.enrolment, period__number=1).carried_from
        == "Sở Tư pháp, CV 12/STP"
    )


def test_the_year_from_the_periods_replaces_the_typed_total_as_the_input_to_the_bands(tracked):
    evaluation = tracked.enrolment.evaluation
    evaluation.__class__.objects.filter(pk=evaluation.pk).update(points_total=D("95"))
    evaluation.refresh_from_db()
    # Tracked, nothing confirmed yet: no score at all (the typed 95 counts for nothing).
    assert points_that_count(evaluation) is None
    for number in (1, 2, 3):
        confirm(tracked, fill_and_submit(tracked, number))
    TrackingPeriod.objects.filter(cycle=tracked.cycle, number=4).update(
        deadline=timezone.now() + timedelta(days=30)
    )
    evaluation = evaluation.__class__.objects.get(pk=evaluation.pk)
    counted = counted_score(evaluation)
    assert counted.source == ScoreSource.PERIODS and counted.value == D("93.00")
    assert counted.annual.pending == ("Quý IV/2026",)
    # The compilation's standing reads the same, for the whole cohort in constant queries.
    standing = cohort_standing(tracked.cycle)
    row = next(r for r in standing.rows if r.evaluation.pk == evaluation.pk)
    assert row.caps.max_level.value == "htxsnv"
    # Home Affairs' confirmed score (tracked outside the portal) wins, marked with its source.
    cap_facts_record(
        evaluation=evaluation,
        values={"points_total": D("80"), "source": "Phiếu theo dõi giấy của Văn phòng"},
        version=None,
        by=tracked.users["home_affairs"],
    )
    evaluation = evaluation.__class__.objects.get(pk=evaluation.pk)
    assert counted_score(evaluation).source == ScoreSource.CONFIRMED and points_that_count(evaluation) == D(
        "80"
    )


def test_annual_scores_for_a_cohort_take_constant_queries(tracked, django_assert_num_queries):
    from ..factories import OfficialFactory, enrol

    for _ in range(5):
        enrol(tracked.cycle, OfficialFactory())
    with django_assert_num_queries(4):
        scores = annual_scores(tracked.cycle)
    assert len(scores) == 7


def test_the_year_view_shows_every_period_and_the_working(tracked):
    confirm(tracked, fill_and_submit(tracked, 1))
    view = year_of(tracked.enrolment)
    assert [cell.status for cell in view.cells] == ["confirmed", "draft", "draft", "draft"]
    assert view.open_cell.period.number == 2
    # The quarters not yet due wait; the year so far is the one confirmed quarter, and says so.
    assert view.annual.score == D("93.0") and view.annual.pending == (
        "Quý II/2026",
        "Quý III/2026",
        "Quý IV/2026",
    )
