"""Reminders before a period's deadline (issue #12): one outbox row per person (or tracker), kind and period,
written once whatever the number of beat runs, claimed before sending so a duplicate delivery sends nothing twice,
skipped when the person sent the period meanwhile. No score in any mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracking import services
from tracking.models import PeriodReminder, ReminderKind, ReminderStatus, TrackingPeriod

from .test_services import fill_and_submit

pytestmark = pytest.mark.django_db


def _q1_due_in(cast, days):
    TrackingPeriod.objects.filter(cycle=cast.cycle).update(deadline=timezone.now() + timedelta(days=30))
    TrackingPeriod.objects.filter(cycle=cast.cycle, number=1).update(
        deadline=timezone.now() + timedelta(days=days)
    )
    return TrackingPeriod.objects.get(cycle=cast.cycle, number=1)


def test_nobody_is_reminded_before_the_lead_time(tracked):
    _q1_due_in(tracked, 10)
    assert services.period_reminders_due() == []
    assert not PeriodReminder.objects.exists()


def test_two_beat_runs_and_two_deliveries_send_one_mail(tracked, settings):
    settings.TRACKING_REMINDER_DAYS = 3
    period = _q1_due_in(tracked, 2)
    first = services.period_reminders_due()
    second = services.period_reminders_due()
    reminders = PeriodReminder.objects.filter(period=period, kind=ReminderKind.PERSON_DUE)
    # Both officials of the cast have not sent Q1: one row each, written once.
    assert reminders.count() == 2 and sorted(first) == sorted(second)
    mine = reminders.get(enrolment=tracked.enrolment)
    assert services.period_reminder_send(reminder_id=mine.pk) is True
    assert services.period_reminder_send(reminder_id=mine.pk) is False  # the duplicate delivery
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tracked.users["official_a"].email]
    assert "Kính gửi Nguyễn Thị An" in message.body and "Quý I/2026" in message.subject
    assert "điểm" not in message.body.lower()
    mine.refresh_from_db()
    assert mine.status == ReminderStatus.SENT and mine.sent_at is not None


def test_a_person_who_sent_meanwhile_is_skipped(tracked):
    period = _q1_due_in(tracked, 1)
    services.period_reminders_due()
    reminder = PeriodReminder.objects.get(period=period, enrolment=tracked.enrolment)
    fill_and_submit(tracked, 1)
    assert services.period_reminder_send(reminder_id=reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SKIPPED and mail.outbox == []


def test_a_person_who_already_sent_is_never_queued(tracked):
    period = _q1_due_in(tracked, 1)
    fill_and_submit(tracked, 1)
    services.period_reminders_due()
    assert not PeriodReminder.objects.filter(period=period, enrolment=tracked.enrolment).exists()


def test_the_tracker_is_reminded_once_of_the_periods_waiting_without_scores(tracked):
    period = _q1_due_in(tracked, 1)
    fill_and_submit(tracked, 1)
    services.period_reminders_due()
    services.period_reminders_due()
    reminder = PeriodReminder.objects.get(period=period, kind=ReminderKind.TRACKER_WAITING)
    assert reminder.tracker == tracked.tracker
    assert services.period_reminder_send(reminder_id=reminder.pk) is True
    body = mail.outbox[0].body
    assert "Nguyễn Thị An" in body and "Phó Chủ tịch Thử" in body
    assert "93" not in body  # the self-score stays out of the mail


def test_the_tracker_who_confirmed_meanwhile_is_skipped(tracked):
    period = _q1_due_in(tracked, 1)
    record = fill_and_submit(tracked, 1)
    services.period_reminders_due()
    services.period_confirm(
        record=record, values=record.self_values, version=record.version, by=tracked.tracker
    )
    reminder = PeriodReminder.objects.get(period=period, kind=ReminderKind.TRACKER_WAITING)
    assert services.period_reminder_send(reminder_id=reminder.pk) is False
    assert mail.outbox == []


def test_the_database_refuses_a_second_reminder_of_the_same_kind(tracked):
    period = _q1_due_in(tracked, 1)
    PeriodReminder.objects.create(period=period, kind=ReminderKind.PERSON_DUE, enrolment=tracked.enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodReminder.objects.create(
            period=period, kind=ReminderKind.PERSON_DUE, enrolment=tracked.enrolment
        )


def test_home_affairs_button_reminds_those_not_reminded_yet(tracked):
    period = _q1_due_in(tracked, 20)
    ha = tracked.users["home_affairs"]
    assert services.period_reminders_request(period=period, by=ha) == 2
    assert services.period_reminders_request(period=period, by=ha) == 0


def test_a_closed_period_is_not_reminded(tracked):
    period = _q1_due_in(tracked, 1)
    services.period_reminders_due()
    reminder = PeriodReminder.objects.get(period=period, enrolment=tracked.enrolment)
    TrackingPeriod.objects.filter(pk=period.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    services.periods_close_due()
    assert services.period_reminder_send(reminder_id=reminder.pk) is False
    with pytest.raises(services.TrackingError, match="hết hạn"):
        services.period_reminders_request(
            period=TrackingPeriod.objects.get(pk=period.pk), by=tracked.users["home_affairs"]
        )


def test_the_beat_tasks_call_the_services(tracked):
    from tracking import tasks

    _q1_due_in(tracked, 1)
    assert tasks.period_reminders_queue() == 2
    TrackingPeriod.objects.filter(cycle=tracked.cycle, number=1).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.periods_close() == 1
