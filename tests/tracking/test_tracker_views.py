"""The tracker's pages: the inbox grouped by period, the batch view, the review screen (confirm with a reason for
each changed line, return with a reason, correct a confirmed period by a new confirmation), next/previous through
the inbox; someone not assigned, the person themself and anyone else get 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tracking import services
from tracking.models import PeriodConfirmation, PeriodRecord, PeriodStatus, TrackingPeriod

from ..factories import OfficialFactory, enrol
from . import pages
from .pages import full_values, record_of, submitted_record

tracked = pages.tracked  # the fixture

pytestmark = pytest.mark.django_db


def review_url(record, name="tracking:tracker_review"):
    return reverse(name, kwargs={"pk": record.pk})


def confirm_data(record, values=None, **extra):
    data = {"version": str(record.version), "opinion": "Hoàn thành tốt."}
    for code, value in (values or record.self_values).items():
        data[f"value__{code}"] = value
    data.update(extra)
    return data


def test_inbox_groups_the_waiting_periods_by_period_with_counts(tracked, login):
    submitted_record(tracked, 1)
    submitted_record(tracked, 2)
    client = login(tracked.tracker)
    page = client.get(reverse("tracking:tracker_inbox")).content.decode()
    assert page.count('data-testid="inbox-group"') == 2
    assert "Quý I/2026" in page and "Quý II/2026" in page
    assert "Nguyễn Thị An" in page
    assert "1 đã gửi" in page


def test_inbox_and_batch_view_are_404_for_someone_tracking_nobody(tracked, login):
    for persona in ("official_a", "home_affairs", "chair", "outsider"):
        client = login(tracked.users[persona])
        assert client.get(reverse("tracking:tracker_inbox")).status_code == 404, persona
        assert client.get(reverse("tracking:tracker_people")).status_code == 404, persona


def test_batch_view_shows_each_person_by_period(tracked, login):
    record = submitted_record(tracked, 1)
    services.period_confirm(
        record=record, values=record.self_values, version=record.version, by=tracked.tracker
    )
    submitted_record(tracked, 2)
    client = login(tracked.tracker)
    page = client.get(reverse("tracking:tracker_people")).content.decode()
    assert page.count('data-testid="people-row"') == 1
    assert "Chờ xác nhận" in page
    assert "94,5" in page or "93" in page


def test_review_shows_the_self_scores_and_the_work_plan_read_only(tracked, login):
    record = submitted_record(tracked)
    services.period_tasks_save(
        record=record,
        tasks=[services.TaskLine(title="Đề án chuyển đổi số", quantity_planned=1)],
        version=record.version,
        by=tracked.tracker,
    )
    client = login(tracked.tracker)
    page = client.get(review_url(record)).content.decode()
    assert "Đề án chuyển đổi số" in page
    assert 'data-self="90"' in page
    assert "Xác nhận" in page


def test_confirm_unchanged_locks_the_period(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    response = client.post(review_url(record), confirm_data(record))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == PeriodStatus.CONFIRMED
    assert record.confirmed_score == Decimal("93.0")
    assert record.confirmations.get().opinion == "Hoàn thành tốt."


def test_a_changed_line_without_its_reason_is_refused_with_the_text_kept(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    response = client.post(review_url(record), confirm_data(record, full_values(quality="70")))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“c”: điểm khác điểm tự chấm, hãy ghi lý do." in page
    assert 'value="70"' in page
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED


def test_a_changed_line_with_its_reason_is_confirmed(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    data = confirm_data(record, full_values(quality="60"), reason__quality="Hai báo cáo phải sửa lại.")
    assert client.post(review_url(record), data).status_code == 302
    confirmation = PeriodConfirmation.objects.get(record=record)
    assert confirmation.reasons == {"quality": "Hai báo cáo phải sửa lại."}
    assert confirmation.score == Decimal("89.5")  # 30 + 70 × (90 + 90 + 60 + 90 + 90 + 90) / 6 / 100


@pytest.mark.parametrize(
    ("line", "typed", "message"),
    [
        ("iii_innovation", "11", "“III”: điểm phải từ 0 đến 10."),
        ("quantity", "100.5", "“a”: tỷ lệ phải từ 0 đến 100%."),
        ("i_politics", "4.25", "“I.1”: chỉ ghi tối đa 1 chữ số thập phân."),
        ("organising", "abc", "“đ”: không phải là số."),
        ("uniting", "", "“e”: chưa chấm."),
    ],
)
def test_bad_confirmed_values_are_refused_at_their_line(tracked, login, line, typed, message):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    values = full_values(**{line: typed})
    response = client.post(review_url(record), confirm_data(record, values, **{f"reason__{line}": "Lý do"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if typed:
        assert f'value="{typed}"' in page
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED


def test_confirming_a_draft_before_the_deadline_is_refused(tracked, login):
    record = record_of(tracked)
    record = services.period_self_save(
        record=record, values=full_values(), version=record.version, by=tracked.users["official_a"]
    )
    client = login(tracked.tracker)
    page = client.get(review_url(record)).content.decode()
    assert 'data-testid="not-yet"' in page
    response = client.post(review_url(record), confirm_data(record))
    assert "chưa gửi kết quả kỳ này" in response.content.decode()
    record.refresh_from_db()
    assert record.status == PeriodStatus.DRAFT


def test_a_stale_confirmation_is_409_and_keeps_the_typed_values(tracked, login):
    record = submitted_record(tracked)
    stale = confirm_data(record, full_values(quality="60"), reason__quality="Sửa lại.")
    services.period_withdraw(record=record, version=record.version, by=tracked.users["official_a"])
    record.refresh_from_db()
    services.period_submit(record=record, version=record.version, by=tracked.users["official_a"])
    client = login(tracked.tracker)
    response = client.post(review_url(record), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được lưu ở nơi khác" in page
    assert 'value="60"' in page and "Sửa lại." in page


def test_return_needs_a_reason_and_sends_the_period_back(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    response = client.post(
        review_url(record, "tracking:tracker_return"), {"version": record.version, "reason": ""}
    )
    assert "Hãy ghi lý do trả lại" in response.content.decode()
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED
    response = client.post(
        review_url(record, "tracking:tracker_return"),
        {"version": record.version, "reason": "Thiếu minh chứng."},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == PeriodStatus.DRAFT


def test_correction_is_a_new_confirmation_with_its_reason_and_the_history_shown(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.tracker)
    client.post(review_url(record), confirm_data(record))
    record.refresh_from_db()
    page = client.get(review_url(record)).content.decode()
    assert "Điều chỉnh" in page and 'name="correction_reason"' in page
    first = PeriodConfirmation.objects.get(record=record)
    values = dict(first.values)
    values["quantity"] = "80"
    response = client.post(review_url(record), confirm_data(record, values, correction_reason=""))
    assert "Hãy ghi lý do điều chỉnh" in response.content.decode()
    assert PeriodConfirmation.objects.filter(record=record).count() == 1
    response = client.post(
        review_url(record), confirm_data(record, values, correction_reason="Số liệu quý được cập nhật.")
    )
    assert response.status_code == 302
    assert PeriodConfirmation.objects.filter(record=record).count() == 2
    record.refresh_from_db()
    assert record.confirmed_score == Decimal("91.8")  # 30 + 70 × (80 + 90 × 5) / 6 / 100 = 91.833… → 91.8
    page = client.get(review_url(record)).content.decode()
    assert "Số liệu quý được cập nhật." in page
    assert "đã được thay thế" in page


def test_next_and_previous_go_through_the_inbox(tracked, login):
    other = OfficialFactory(full_name="Lê Văn Cường")
    enrolment = enrol(tracked.cycle, other)
    services.tracker_assign(enrolment=enrolment, tracker=tracked.tracker, by=tracked.users["home_affairs"])
    first = submitted_record(tracked)
    second = services.period_record_get(enrolment=enrolment, period=tracked.periods[0])
    PeriodRecord.objects.filter(pk=second.pk).update(status=PeriodStatus.SUBMITTED)
    client = login(tracked.tracker)
    # Oldest deadline first, then by name: Lê Văn Cường before Nguyễn Thị An.
    page = client.get(review_url(second)).content.decode()
    assert review_url(first) in page and "1/2" in page
    page = client.get(review_url(first)).content.decode()
    assert review_url(second) in page and "2/2" in page
    response = client.post(review_url(second), {**confirm_data(second, full_values()), "then": "next"})
    assert response.url == review_url(first)


def test_a_tracker_opens_a_period_never_opened_by_the_person(tracked, login):
    TrackingPeriod.objects.filter(pk=tracked.periods[0].pk).update(
        deadline=timezone.now() - timedelta(days=1)
    )
    client = login(tracked.tracker)
    url = reverse(
        "tracking:tracker_period_open",
        kwargs={"enrolment_pk": tracked.enrolment.pk, "period_pk": tracked.periods[0].pk},
    )
    response = client.get(url)
    record = PeriodRecord.objects.get(enrolment=tracked.enrolment, period=tracked.periods[0])
    assert response.url == review_url(record)


def test_not_assigned_own_and_others_get_404(tracked, login):
    record = submitted_record(tracked)
    # The person themself opening the tracker's screen of their own period.
    assert login(tracked.users["official_a"]).get(review_url(record)).status_code == 404
    for persona in ("official_b", "home_affairs", "chair", "outsider"):
        client = login(tracked.users[persona])
        assert client.get(review_url(record)).status_code == 404, persona
        assert client.post(review_url(record), confirm_data(record)).status_code == 404, persona
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED


def test_a_tracker_who_is_also_tracked_cannot_review_themself(tracked, login):
    """official_b tracks official_a; if official_b were (wrongly) assigned to themself, it is still a 404."""
    bob = tracked.users["official_b"]
    enrolment_b = tracked.official_b.enrolments.get()
    from tracking.models import TrackerAssignment

    TrackerAssignment.objects.create(enrolment=enrolment_b, tracker=bob, tracker_name="Bob")
    own = services.period_record_get(enrolment=enrolment_b, period=tracked.periods[0])
    assert login(bob).get(review_url(own)).status_code == 404


def test_return_is_post_only(tracked, login):
    record = submitted_record(tracked)
    assert login(tracked.tracker).get(review_url(record, "tracking:tracker_return")).status_code == 405


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _assign_more(tracked, count):
    for _ in range(count):
        enrolment = enrol(tracked.cycle, OfficialFactory())
        services.tracker_assign(
            enrolment=enrolment, tracker=tracked.tracker, by=tracked.users["home_affairs"]
        )
        for period in tracked.periods[:2]:
            record = services.period_record_get(enrolment=enrolment, period=period)
            PeriodRecord.objects.filter(pk=record.pk).update(status=PeriodStatus.SUBMITTED, self_score=90)


@pytest.mark.parametrize("name", ["tracking:tracker_inbox", "tracking:tracker_people"])
def test_tracker_lists_cost_the_same_for_3_or_30_people(tracked, login, name):
    client = login(tracked.tracker)
    submitted_record(tracked)
    _assign_more(tracked, 2)
    few = _queries(client, reverse(name))
    _assign_more(tracked, 27)
    assert _queries(client, reverse(name)) == few


def test_review_costs_the_same_whatever_the_queue_and_the_confirmations(tracked, login):
    client = login(tracked.tracker)
    record = submitted_record(tracked)
    _assign_more(tracked, 2)
    few = _queries(client, review_url(record))
    _assign_more(tracked, 20)
    assert _queries(client, review_url(record)) == few
