"""Who may see which evaluation. Every user-scoped fetch of an evaluation goes through here.

An official reaches only their own file; a unit secretary the files of their own agency; Home Affairs and
the chair the whole cohort (domain.md §2). Anyone else gets 404, which does not reveal that the file exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cycles.models import Cycle
from cycles.permissions import get_cycle_for_user
from officials.permissions import roles_of

from .models import Evaluation

if TYPE_CHECKING:
    from common.types import AnyUser

    from .models import Notice


def evaluations_visible_to(user: AnyUser) -> QuerySet[Evaluation]:
    roles = roles_of(user)
    if roles.sees_whole_cohort:
        return Evaluation.objects.all()
    condition = Q(pk__in=[])
    if roles.is_official:
        condition |= Q(enrolment__official=roles.official)
    if roles.secretary_organisation_ids:
        condition |= Q(enrolment__organisation_id__in=roles.secretary_organisation_ids)
    return Evaluation.objects.filter(condition)


def get_evaluation_for_user(user: AnyUser, pk: int) -> Evaluation:
    queryset = evaluations_visible_to(user).select_related(
        "enrolment__cycle__authority",
        "enrolment__organisation",
        "enrolment__peer_group",
        "enrolment__official",
    )
    try:
        return queryset.get(pk=pk)
    except Evaluation.DoesNotExist:
        if Evaluation.objects.filter(pk=pk).exists():
            # Someone asked for a file that is not theirs: they get the same 404 as for a missing one,
            # and the audit trail keeps the attempt.
            from audit.models import Action
            from audit.services import audit_record

            audit_record(action=Action.ACCESS_REFUSED, actor=user, target=f"Evaluation {pk}", note="HTTP 404")
        raise Http404 from None


def is_own_evaluation(user: AnyUser, evaluation: Evaluation) -> bool:
    roles = roles_of(user)
    return roles.official is not None and evaluation.enrolment.official_id == roles.official.pk


def get_own_evaluation_for_user(user: AnyUser, pk: int) -> Evaluation:
    """Only the person rated fills their form. Others who may see it get 403, the rest 404."""
    evaluation = get_evaluation_for_user(user, pk)
    if not is_own_evaluation(user, evaluation):
        raise PermissionDenied
    return evaluation


def get_evaluation_for_home_affairs(user: AnyUser, pk: int) -> Evaluation:
    evaluation = get_evaluation_for_user(user, pk)
    if not roles_of(user).is_home_affairs:
        raise PermissionDenied
    return evaluation


def may_record_meeting(user: AnyUser, evaluation: Evaluation) -> bool:
    """Home Affairs for everyone; a unit secretary for the people of their own agency only, never for their
    own file (a director may also be their agency's secretary in the portal)."""
    roles = roles_of(user)
    if roles.official is not None and evaluation.enrolment.official_id == roles.official.pk:
        return False
    return roles.is_home_affairs or evaluation.enrolment.organisation_id in roles.secretary_organisation_ids


def may_read_party_opinion(user: AnyUser, evaluation: Evaluation) -> bool:
    """The party committee's opinion goes to the rating authority, not back to the person: those who record it
    and the chair read it; the official does not (their own meeting minutes they may read)."""
    return may_record_meeting(user, evaluation) or roles_of(user).is_chair


def get_evaluation_for_meeting(user: AnyUser, pk: int) -> Evaluation:
    """The meeting minutes and party opinion of a person: 404 for no business, 403 for readers who may not
    write them (the person themself, the chair)."""
    evaluation = get_evaluation_for_user(user, pk)
    if not may_record_meeting(user, evaluation):
        raise PermissionDenied
    return evaluation


def may_see_proposals(user: AnyUser) -> bool:
    """Nobody outside Home Affairs and the chair sees proposals before publication (domain.md §2)."""
    return roles_of(user).sees_whole_cohort


def get_own_notice_for_user(user: AnyUser, pk: int) -> Notice:
    """A notice of a result is the person's own: others who may see the evaluation get 403, the rest 404."""
    from .models import Notice

    notice = (
        Notice.objects.filter(pk=pk, evaluation__in=evaluations_visible_to(user))
        .select_related("evaluation__enrolment__official")
        .first()
    )
    if notice is None:
        raise Http404
    if not is_own_evaluation(user, notice.evaluation):
        raise PermissionDenied
    return notice


def may_see_published_list(user: AnyUser, cycle: Cycle) -> bool:
    """Who sees a cycle's list of results once it is signed off (domain.md §3.8, the cycle's publication setting):
    Home Affairs, the chair and office staff always; the cohort when the setting says "cohort"; every user of the
    portal when it says "all". With "person" each official sees only their own result, on their own page."""
    from cycles.models import Publication

    roles = roles_of(user)
    if not cycle.is_published or not user.is_authenticated:
        return False
    if roles.sees_whole_cohort or roles.is_office_staff or cycle.publication == Publication.ALL_USERS:
        return True
    if cycle.publication == Publication.COHORT and roles.official is not None:
        return cycle.enrolments.filter(official=roles.official).exists()
    return False


def get_cycle_for_published_list(user: AnyUser, cycle_pk: int) -> Cycle:
    """Home Affairs and the chair reach the list's page at any time (before the sign-off it says the results are
    not published yet and points to the compilation); everyone else gets 404 until they may see it."""
    from cycles.models import Cycle

    cycle = Cycle.objects.select_related("authority").filter(pk=cycle_pk).first()
    if cycle is None:
        raise Http404
    if roles_of(user).sees_whole_cohort or may_see_published_list(user, cycle):
        return cycle
    raise Http404


def get_cycle_for_proposals(user: AnyUser, cycle_pk: int) -> Cycle:
    """Home Affairs and the chair; office staff see the cycle but never a proposal before publication."""
    cycle = get_cycle_for_user(user, cycle_pk)
    if not may_see_proposals(user):
        raise PermissionDenied
    return cycle


def get_cycle_for_home_affairs(user: AnyUser, cycle_pk: int) -> Cycle:
    """Pages only Home Affairs works on (the progress board, spreadsheets, closing); others who see the cycle get 403."""
    cycle = get_cycle_for_user(user, cycle_pk)
    if not roles_of(user).is_home_affairs:
        raise PermissionDenied
    return cycle
