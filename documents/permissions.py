"""Who may ask for and download which document: the same people who may see the data it prints.

An official prints only their own form (and never a decided level before it is published); Home Affairs and
the chair print everything; office staff print and download the cycle's documents (domain.md §2). Anyone
else gets 404, so a document's existence does not leak.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from cycles.models import PUBLISHED_CYCLE_STATES, Enrolment
from cycles.permissions import get_cycle_for_user
from officials.permissions import roles_of
from reviews.models import Evaluation, EvaluationStatus, Objection
from reviews.permissions import may_record_meeting
from tracking.models import PeriodRecord, TrackerAssignment, TrackingPeriod

from .models import Document, DocumentJob, DocumentKind

# Papers that show everyone's proposals or the conference's discussion: Home Affairs and the chair before
# publication (domain.md §2), office staff once the chair has signed off.
COHORT_PAPERS = (
    DocumentKind.REPORT,
    DocumentKind.SUMMARY_TABLE,
    DocumentKind.CONFERENCE_MINUTES,
    DocumentKind.CONFERENCE_PACK,
    DocumentKind.SUBMISSION,
    DocumentKind.RESULTS_DECISION,
    DocumentKind.RESULTS_NOTICE,
)
# The papers convening the conference (issue #14 item 8) show no level: every cycle printer, the chair's office first
# (it sends the invitations), asks for them any time.
CONVENING_PAPERS = (DocumentKind.INVITATION, DocumentKind.ATTENDANCE_LIST)
# The authority's papers: the chair signs them, the chair's office registers them (Decree 30/2020 Art. 15).
AUTHORITY_PAPERS = (
    DocumentKind.CONFERENCE_MINUTES,
    DocumentKind.NOTICE,
    DocumentKind.RESULTS_DECISION,
    DocumentKind.RESULTS_NOTICE,
    DocumentKind.OBJECTION_DECISION,
    *CONVENING_PAPERS,
)
# Periodic tracking's papers (issue #12). One person's: the person, their tracker, Home Affairs and the chair; office
# staff once the results are signed off. The whole cohort's forms of a period: as the cohort papers.
TRACKING_PERSON_PAPERS = (DocumentKind.TRACKING_PERIOD_FORM, DocumentKind.TRACKING_YEAR_SUMMARY)
TRACKING_PAPERS = (*TRACKING_PERSON_PAPERS, DocumentKind.TRACKING_PERIOD_FORMS)
# The compilation workbook lists every proposal with its reasons: Home Affairs and the chair only (domain.md §2).
PROPOSALS_ONLY = (DocumentKind.COMPILATION_WORKBOOK,)


def prints_for_cycles(user) -> bool:
    roles = roles_of(user)
    return roles.sees_whole_cohort or roles.is_office_staff


def may_print_cohort_papers(user, cycle) -> bool:
    roles = roles_of(user)
    return roles.sees_whole_cohort or (roles.is_office_staff and cycle.status in PUBLISHED_CYCLE_STATES)


def may_print_meeting_minutes(user, evaluation: Evaluation) -> bool:
    """Those who print for the cycle, and the secretary of the person's own agency (who recorded them)."""
    return prints_for_cycles(user) or may_record_meeting(user, evaluation)


def _visible(user, model):
    roles = roles_of(user)
    if roles.sees_whole_cohort:
        return model.objects.all()
    allowed = Q(pk__in=[])
    if roles.is_office_staff:
        allowed |= (
            ~Q(kind__in=(*COHORT_PAPERS, *TRACKING_PAPERS)) | Q(cycle__status__in=PUBLISHED_CYCLE_STATES)
        ) & ~Q(kind__in=PROPOSALS_ONLY)
    if user.is_authenticated:
        # The person's own tracking papers, and those of the people assigned to them as tracker.
        allowed |= Q(kind__in=TRACKING_PERSON_PAPERS) & (
            Q(evaluation__enrolment__official__user_id=user.pk)
            | Q(evaluation__enrolment__tracker_assignment__tracker_id=user.pk)
        )
    if roles.secretary_organisation_ids:
        allowed |= Q(
            kind=DocumentKind.MEETING_MINUTES,
            evaluation__enrolment__organisation_id__in=roles.secretary_organisation_ids,
        ) & ~Q(evaluation__enrolment__official=roles.official)
    if roles.is_official:
        # Their own form only; a paper showing a decided level only once the result is published.
        allowed |= (Q(shows_decision=False) | Q(evaluation__status=EvaluationStatus.PUBLISHED)) & Q(
            kind=DocumentKind.RATING_FORM, evaluation__enrolment__official=roles.official
        )
    return model.objects.filter(allowed)


def documents_visible_to(user):
    return _visible(user, Document)


def jobs_visible_to(user):
    return _visible(user, DocumentJob)


def get_job_for_user(user, pk: int) -> DocumentJob:
    return get_object_or_404(jobs_visible_to(user).select_related("cycle", "evaluation__enrolment"), pk=pk)


def get_document_for_user(user, pk: int) -> Document:
    return get_object_or_404(documents_visible_to(user), pk=pk)


def get_evaluation_for_printing(user, pk: int) -> tuple[Evaluation, bool]:
    """The evaluation whose form the user may print, and whether the paper may show a decided level."""
    roles = roles_of(user)
    queryset = Evaluation.objects.select_related(
        "enrolment__cycle__authority", "enrolment__organisation__parent__parent", "enrolment__official"
    )
    if prints_for_cycles(user):
        return get_object_or_404(queryset, pk=pk), True
    if roles.is_official:
        evaluation = get_object_or_404(queryset, pk=pk, enrolment__official=roles.official)
        return evaluation, evaluation.is_published
    raise Http404


def get_evaluation_for_meeting_minutes(user, pk: int) -> Evaluation:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related(
            "enrolment__cycle__authority", "enrolment__organisation__parent", "comment_meeting"
        ),
        pk=pk,
    )
    if not may_print_meeting_minutes(user, evaluation):
        raise Http404
    return evaluation


def get_cycle_for_workbook(user, pk: int):
    """The compilation workbook: 404 for those who do not see the cycle, 403 for those who see it but not the
    proposals (office staff)."""
    cycle = get_cycle_for_user(user, pk)
    if not roles_of(user).sees_whole_cohort:
        raise PermissionDenied
    return cycle


def get_cycle_for_cohort_papers(user, pk: int):
    """The report, the summary table, the conference minutes and the pack: 404 for those who do not see the
    cycle, 403 for office staff before the results are signed off."""
    cycle = get_cycle_for_user(user, pk)
    if not may_print_cohort_papers(user, cycle):
        raise PermissionDenied
    return cycle


def get_cycle_for_convening_papers(user, pk: int):
    """The invitation and the attendance list: every cycle printer (Home Affairs, the chair, the chair's office); 404
    for anyone else."""
    if not prints_for_cycles(user):
        raise Http404
    return get_cycle_for_user(user, pk)


def get_objection_for_decision(user, pk: int) -> Objection:
    """The decision on an objection: Home Affairs and the chair, who see the objections (reviews.views.objections);
    404 for anyone else, so an objection's existence does not leak."""
    if not roles_of(user).sees_whole_cohort:
        raise Http404
    return get_object_or_404(
        Objection.objects.select_related(
            "evaluation__enrolment__cycle__authority",
            "evaluation__enrolment__organisation",
            "decision",
            "new_decision",
        ),
        pk=pk,
    )


def get_evaluation_for_cycle_documents(user, pk: int) -> Evaluation:
    """Documents about a person other than their own form (the notice): cycle printers only."""
    if not prints_for_cycles(user):
        raise Http404
    return get_object_or_404(
        Evaluation.objects.select_related("enrolment__cycle__authority", "enrolment__organisation"), pk=pk
    )


def _check_tracking_print(user, enrolment: Enrolment) -> None:
    """One person's tracking papers: the person, their tracker, Home Affairs and the chair; office staff once the
    cycle is signed off (403 before: they see the cycle, not the scores); anyone else 404."""
    roles = roles_of(user)
    if roles.sees_whole_cohort:
        return
    if user.is_authenticated and (
        enrolment.official.user_id == user.pk
        or TrackerAssignment.objects.filter(enrolment=enrolment, tracker_id=user.pk).exists()
    ):
        return
    if roles.is_office_staff:
        if enrolment.cycle.status in PUBLISHED_CYCLE_STATES:
            return
        raise PermissionDenied
    raise Http404


def get_record_for_tracking_print(user, pk: int) -> PeriodRecord:
    record = get_object_or_404(
        PeriodRecord.objects.select_related("enrolment__cycle", "enrolment__official", "period__cycle"), pk=pk
    )
    _check_tracking_print(user, record.enrolment)
    return record


def get_enrolment_for_tracking_print(user, pk: int) -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("cycle", "official"), pk=pk)
    _check_tracking_print(user, enrolment)
    return enrolment


def get_period_for_cohort_tracking_print(user, pk: int) -> TrackingPeriod:
    """Every form of one period: as the cohort papers (404 for those who do not see the cycle, 403 for office
    staff before the sign-off)."""
    period = get_object_or_404(TrackingPeriod.objects.select_related("cycle"), pk=pk)
    get_cycle_for_cohort_papers(user, period.cycle_id)
    return period


def may_issue(user, job: DocumentJob) -> bool:
    """Who issues a numbered paper (gives it its number; issue #14) — the person who may sign it, or the office that
    registers it for them:
    - the Home Affairs report and submission: Home Affairs (its director signs them);
    - the authority's papers (the conference minutes, the notices of result, the decisions, the invitation and the
      attendance list): the chair, or the chair's office (office staff) who registers what the chair signed;
    - the comment meeting's minutes: those who record that meeting (the person's own agency's secretary, or Home
      Affairs for everyone), never the person themself.
    """
    roles = roles_of(user)
    if job.kind in (DocumentKind.REPORT, DocumentKind.SUBMISSION):
        return roles.is_home_affairs
    if job.kind in AUTHORITY_PAPERS:
        return roles.is_chair or roles.is_office_staff
    if job.kind == DocumentKind.MEETING_MINUTES and job.evaluation is not None:
        return may_record_meeting(user, job.evaluation)
    return False
