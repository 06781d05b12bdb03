"""How long a signed rating result may take to reach the national database, and whether its clock is near or past.

Pure functions, no database. The periods are settings because the law's texts disagree (settings/base.py):

- Decree 27/2026/NĐ-CP Art. 19 (every cadre, civil servant and public employee): `NATIONAL_DB_SYNC_DAYS`
  (default 1, the stricter of the readings; 3 working days in other summaries, `NATIONAL_DB_SYNC_WORKING_DAYS`);
- Decree 233/2026 Art. 18(1)(b) (public employees): `NATIONAL_DB_SYNC_DAYS_PUBLIC_EMPLOYEES` (5 days).

A result bound by both is due at the earlier of the two. Working days skip Saturdays and Sundays only: public
holidays are not known to the portal (a deadline that falls over Tết is shown a few days early, never late).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from officials.models import PersonnelType


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    rule: str


class Urgency(StrEnum):
    NONE = "none"
    NEAR = "near"
    PAST = "past"


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`, at the same local time."""
    current = timezone.localtime(start)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def decree_27_deadline(signed_at: datetime) -> Deadline:
    days = settings.NATIONAL_DB_SYNC_DAYS
    if settings.NATIONAL_DB_SYNC_WORKING_DAYS:
        return Deadline(add_working_days(signed_at, days), f"NĐ 27/2026/NĐ-CP Điều 19: {days} ngày làm việc")
    return Deadline(signed_at + timedelta(days=days), f"NĐ 27/2026/NĐ-CP Điều 19: {days} ngày")


def decree_233_deadline(signed_at: datetime) -> Deadline:
    days = settings.NATIONAL_DB_SYNC_DAYS_PUBLIC_EMPLOYEES
    return Deadline(
        signed_at + timedelta(days=days), f"NĐ 233/2026/NĐ-CP Điều 18 khoản 1 điểm b: {days} ngày"
    )


def sync_deadline(signed_at: datetime, personnel_type: str) -> Deadline:
    """The earliest deadline that binds this result; the clock starts at the decision's signing."""
    deadlines = [decree_27_deadline(signed_at)]
    if personnel_type == PersonnelType.VIEN_CHUC:
        deadlines.append(decree_233_deadline(signed_at))
    return min(deadlines, key=lambda deadline: deadline.due_at)


def urgency(due_at: datetime, now: datetime | None = None) -> Urgency:
    """PAST once the deadline has gone by; NEAR within `NATIONAL_DB_WARNING_HOURS` of it."""
    now = now or timezone.now()
    if now >= due_at:
        return Urgency.PAST
    if due_at - now <= timedelta(hours=settings.NATIONAL_DB_WARNING_HOURS):
        return Urgency.NEAR
    return Urgency.NONE
