"""Who reads the audit trail's history pages.

Home Affairs and the chair: they run and decide the cycle, and the history shows proposals and decisions before
publication, which nobody else may see (domain.md §2). The administrator manages accounts and settings, not
ratings, so the history is not theirs to read either; office staff see the cycle (403), the rest get 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from cycles.permissions import get_cycle_for_user
from officials.permissions import roles_of
from reviews.permissions import get_evaluation_for_user

if TYPE_CHECKING:
    from common.types import AnyUser
    from cycles.models import Cycle
    from reviews.models import Evaluation


def may_read_audit(user: AnyUser) -> bool:
    return roles_of(user).sees_whole_cohort


def get_cycle_for_audit(user: AnyUser, pk: int) -> Cycle:
    cycle = get_cycle_for_user(user, pk)
    if not may_read_audit(user):
        raise PermissionDenied
    return cycle


def get_evaluation_for_audit(user: AnyUser, pk: int) -> Evaluation:
    evaluation = get_evaluation_for_user(user, pk)
    if not may_read_audit(user):
        raise PermissionDenied
    return evaluation
