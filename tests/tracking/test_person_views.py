"""The person's tracking pages: their year, the period form with its autosave, submit and withdraw; every bad input
refused with its Vietnamese message at the line and the typed text kept; two tabs; read-only after the deadline or
the confirmation; someone else's period is a 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tracking import services
from tracking.models import PeriodRecord, PeriodStatus, TrackingPeriod

from ..factories import OfficialFactory, enrol
from . import pages
from .pages import form_data, full_values, record_of, submitted_record

tracked = pages.tracked  # the fixture

pytestmark = pytest.mark.django_db


def period_url(record, name="tracking:person_period"):
    return reverse(name, kwargs={"pk": record.pk})


def year_url(cast):
    return reverse("tracking:person_year", kwargs={"enrolment_pk": cast.enrolment.pk})


def test_my_tracking_leads_to_my_year(tracked, login):
    client = login(tracked.users["official_a"])
    response = client.get(reverse("tracking:person_mine"))
    assert response.status_code == 302
    assert response.url == year_url(tracked)


def test_someone_not_tracked_is_told_so(tracked, login):
    client = login(tracked.users["outsider"])
    response = client.get(reverse("tracking:person_mine"))
    assert response.status_code == 200
    assert "không có kỳ theo dõi" in response.content.decode()


def test_year_page_shows_every_period_the_tracker_and_the_years_working(tracked, login):
    record = submitted_record(tracked)
    services.period_confirm(
        record=record, values=record.self_values, version=record.version, by=tracked.tracker
    )
    client = login(tracked.users["official_a"])
    page = client.get(year_url(tracked)).content.decode()
    assert page.count('data-testid="period-row"') == 4
    assert "Phó Chủ tịch Thử" in page
    assert "Đã xác nhận" in page
    assert "Quý I/2026" in page
    assert 'data-testid="trend-chart"' in page
    assert "style=" not in page  # strict CSP: no inline style, the chart uses SVG attributes
    assert '<div class="visually-hidden"><table>' in page  # the chart's numbers for screen readers


def test_the_evaluation_page_links_to_the_tracking_page(tracked, login):
    client = login(tracked.users["official_a"])
    evaluation = tracked.enrolment.evaluation
    page = client.get(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert year_url(tracked) in page


def test_opening_a_period_creates_the_empty_record_once(tracked, login):
    client = login(tracked.users["official_a"])
    url = reverse(
        "tracking:person_period_open",
        kwargs={"enrolment_pk": tracked.enrolment.pk, "period_pk": tracked.periods[0].pk},
    )
    first = client.get(url)
    second = client.get(url)
    assert first.url == second.url
    assert PeriodRecord.objects.filter(enrolment=tracked.enrolment).count() == 1


def test_save_keeps_values_comments_and_tasks(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    data = form_data(
        record,
        **{
            "tasks-0-title": "Báo cáo quý",
            "tasks-0-quantity_planned": "2",
            "tasks-0-due_on": "2026-03-20",
            "tasks-0-quantity_done": "2",
            "tasks-0-done_on": "2026-03-18",
        },
    )
    response = client.post(period_url(record), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.self_values["i_politics"] == "5"
    assert record.self_comments["quantity"] == "Giải trình quantity"
    assert record.self_score == Decimal("93.00")  # 30 + 70 × 90 / 100
    assert [task.title for task in record.tasks.all()] == ["Báo cáo quý"]


def test_autosave_answers_with_the_time_and_the_new_version(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    response = client.post(period_url(record), {**form_data(record), "autosave": "1"})
    body = response.content.decode()
    assert "Đã lưu lúc" in body
    record.refresh_from_db()
    assert f'value="{record.version}"' in body


def test_forged_fields_change_nothing_but_the_persons_own(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    data = form_data(
        record,
        status="confirmed",
        confirmed_score="100",
        self_score="100",
        value__not_a_line="7",
        months_worked="0",
    )
    assert client.post(period_url(record), data).status_code == 302
    record.refresh_from_db()
    assert record.status == PeriodStatus.DRAFT
    assert record.confirmed_score is None
    assert record.self_score == Decimal("93.00")
    assert record.months_worked == 3
    assert "not_a_line" not in record.self_values


@pytest.mark.parametrize(
    ("line", "typed", "message"),
    [
        ("i_politics", "6", "“I.1”: điểm phải từ 0 đến 5."),
        ("ii_competence", "2.6", "“II.1”: điểm phải từ 0 đến 2.5."),
        ("quantity", "101", "“a”: tỷ lệ phải từ 0 đến 100%."),
        ("timeliness", "-1", "“b”: tỷ lệ phải từ 0 đến 100%."),
        ("i_discipline", "4.55", "“I.2”: chỉ ghi tối đa 1 chữ số thập phân."),
        ("quality", "chín mươi", "“c”: không phải là số."),
    ],
)
def test_bad_input_is_refused_at_its_line_with_the_text_kept(tracked, login, line, typed, message):
    record = record_of(tracked)
    record = services.period_self_save(
        record=record, values={"i_politics": "4"}, version=record.version, by=tracked.users["official_a"]
    )
    client = login(tracked.users["official_a"])
    response = client.post(period_url(record), form_data(record, full_values(**{line: typed})))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page  # the typed text is kept
    assert "Giải trình quantity" in page
    record.refresh_from_db()
    assert record.self_values == {"i_politics": "4"}  # nothing saved is lost, nothing half-saved


def test_autosave_of_bad_input_says_which_line(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    response = client.post(
        period_url(record), {**form_data(record, full_values(uniting="120")), "autosave": "1"}
    )
    body = response.content.decode()
    assert "Chưa lưu" in body
    assert "“e”: tỷ lệ phải từ 0 đến 100%." in body


def test_a_second_tab_gets_409_with_its_text_kept_and_the_saved_copy_shown(tracked, login):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    stale_version = record.version
    services.period_self_save(record=record, values={"i_politics": "3"}, version=record.version, by=me)
    client = login(me)
    response = client.post(period_url(record), form_data(record, full_values(), version=str(stale_version)))
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được lưu ở nơi khác" in page
    assert 'data-testid="saved-copy"' in page
    assert "Giải trình quantity" in page  # the text typed in this tab
    record.refresh_from_db()
    assert record.self_values == {"i_politics": "3"}
    assert f'name="version" value="{record.version}"' in page  # the next save knowingly replaces it


def test_submit_page_lists_the_missing_lines_and_submit_refuses_them(tracked, login):
    record = record_of(tracked)
    record = services.period_self_save(
        record=record, values={"i_politics": "4"}, version=record.version, by=tracked.users["official_a"]
    )
    client = login(tracked.users["official_a"])
    page = client.get(period_url(record, "tracking:person_period_submit")).content.decode()
    assert 'data-testid="submit-missing"' in page
    assert "I.2." in page
    response = client.post(period_url(record, "tracking:person_period_submit"), {"version": record.version})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == PeriodStatus.DRAFT


def test_submit_then_withdraw(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    client.post(period_url(record), form_data(record))
    record.refresh_from_db()
    response = client.post(period_url(record, "tracking:person_period_submit"), {"version": record.version})
    assert response.url == year_url(tracked)
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED
    page = client.get(period_url(record)).content.decode()
    assert 'data-testid="read-only"' in page
    assert 'id="period-form"' not in page
    client.post(period_url(record, "tracking:person_period_withdraw"), {"version": record.version})
    record.refresh_from_db()
    assert record.status == PeriodStatus.DRAFT


def test_after_the_deadline_the_form_is_read_only_and_a_save_is_refused(tracked, login):
    record = record_of(tracked)
    TrackingPeriod.objects.filter(pk=record.period_id).update(deadline=timezone.now() - timedelta(minutes=1))
    client = login(tracked.users["official_a"])
    page = client.get(period_url(record)).content.decode()
    assert "Đã hết hạn gửi kết quả Quý I/2026" in page
    assert 'id="period-form"' not in page
    response = client.post(period_url(record), form_data(record))
    assert response.status_code == 200
    assert "Đã hết hạn gửi kết quả" in response.content.decode()
    record.refresh_from_db()
    assert record.self_values == {}


def test_once_confirmed_the_form_is_read_only_with_the_confirmed_score(tracked, login):
    record = submitted_record(tracked)
    services.period_confirm(
        record=record, values=record.self_values, opinion="Tốt.", version=record.version, by=tracked.tracker
    )
    client = login(tracked.users["official_a"])
    page = client.get(period_url(record)).content.decode()
    assert "đã được xác nhận" in page
    assert 'data-testid="confirmation"' in page
    assert "Tốt." in page
    response = client.post(period_url(record), form_data(record))
    assert "đã được xác nhận" in response.content.decode()


def test_returned_period_shows_the_trackers_reason(tracked, login):
    record = submitted_record(tracked)
    services.period_return(
        record=record, reason="Bổ sung số liệu.", version=record.version, by=tracked.tracker
    )
    client = login(tracked.users["official_a"])
    page = client.get(period_url(record)).content.decode()
    assert "Bổ sung số liệu." in page


@pytest.mark.parametrize("name", ["tracking:person_period", "tracking:person_period_submit"])
def test_someone_elses_period_is_404(tracked, login, name):
    record = record_of(tracked)
    for persona in ("official_b", "home_affairs", "chair", "outsider"):
        client = login(tracked.users[persona])
        assert client.get(period_url(record, name)).status_code == 404, persona
    assert login(tracked.tracker).get(period_url(record, name)).status_code == 404


def test_someone_elses_year_is_404(tracked, login):
    client = login(tracked.users["official_b"])
    assert client.get(year_url(tracked)).status_code == 404
    open_url = reverse(
        "tracking:person_period_open",
        kwargs={"enrolment_pk": tracked.enrolment.pk, "period_pk": tracked.periods[0].pk},
    )
    assert client.get(open_url).status_code == 404
    assert not PeriodRecord.objects.exists()


def test_state_changes_are_post_only(tracked, login):
    record = submitted_record(tracked)
    client = login(tracked.users["official_a"])
    assert client.get(period_url(record, "tracking:person_period_withdraw")).status_code == 405
    record.refresh_from_db()
    assert record.status == PeriodStatus.SUBMITTED


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_year_page_queries_do_not_grow_with_the_periods_or_the_cohort(tracked, login):
    client = login(tracked.users["official_a"])
    submitted_record(tracked, 1)
    few = _queries(client, year_url(tracked))
    for number in (2, 3, 4):
        submitted_record(tracked, number)
    for _ in range(20):
        enrol(tracked.cycle, OfficialFactory())
    assert _queries(client, year_url(tracked)) == few


def test_period_form_queries_do_not_grow_with_the_tasks(tracked, login):
    record = record_of(tracked)
    client = login(tracked.users["official_a"])
    client.post(period_url(record), form_data(record, **{"tasks-0-title": "Một"}))
    few = _queries(client, period_url(record))
    record.refresh_from_db()
    data = form_data(record, **{"tasks-TOTAL_FORMS": "12"})
    for index in range(12):
        data[f"tasks-{index}-title"] = f"Nhiệm vụ {index}"
    client.post(period_url(record), data)
    assert _queries(client, period_url(record)) == few
