"""Shared set-up of the tracking pages' tests: the cast's 2026 cycle tracked quarterly, a vice-chair (a plain user
with no other role) tracking official_a, every period open for a week."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cycles.rulebooks.tracking import period_lines
from tracking import services
from tracking.models import TrackingPeriod

from ..factories import UserFactory


def full_values(**changes):
    """Every line of a leader's form filled: the general maxima and 90% on each task line."""
    values = {
        line.code: (f"{line.max_points.normalize():f}" if line.max_points is not None else "90")
        for line in period_lines(is_leader=True)
    }
    values.update(changes)
    return values


def form_data(record, values=None, **extra):
    """What the period form posts: the version, a value and a comment per line, no task row."""
    data = {
        "version": str(record.version),
        "strengths": "Chủ động",
        "shortcomings": "",
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "60",
    }
    for code, value in (values if values is not None else full_values()).items():
        data[f"value__{code}"] = value
        data[f"comment__{code}"] = f"Giải trình {code}"
    data.update(extra)
    return data


@pytest.fixture
def tracked(cast):
    ha = cast.users["home_affairs"]
    cast.tracking = services.tracking_set_up(cycle=cast.cycle, frequency="quarterly", by=ha)
    TrackingPeriod.objects.filter(cycle=cast.cycle).update(deadline=timezone.now() + timedelta(days=7))
    cast.tracker = UserFactory(username="pho_chu_tich", first_name="Phó Chủ tịch Thử")
    cast.enrolment = cast.official_a.enrolments.get()
    services.tracker_assign(
        enrolment=cast.enrolment, tracker=cast.tracker, title="Phó Chủ tịch UBND tỉnh", by=ha
    )
    cast.periods = list(TrackingPeriod.objects.filter(cycle=cast.cycle).order_by("number"))
    return cast


def record_of(cast, number=1):
    return services.period_record_get(enrolment=cast.enrolment, period=cast.periods[number - 1])


def submitted_record(cast, number=1, values=None):
    record = record_of(cast, number)
    me = cast.users["official_a"]
    record = services.period_self_save(
        record=record, values=values or full_values(), version=record.version, by=me
    )
    return services.period_submit(record=record, version=record.version, by=me)
