from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import step_up_refusal
from common.types import AuthenticatedHttpRequest
from cycles.permissions import get_cycle_for_user

from . import services
from .errors import DocumentError
from .forms import ReportRequestForm
from .models import DocumentKind
from .permissions import (
    get_cycle_for_cohort_papers,
    get_cycle_for_convening_papers,
    get_cycle_for_workbook,
    get_document_for_user,
    get_enrolment_for_tracking_print,
    get_evaluation_for_cycle_documents,
    get_evaluation_for_meeting_minutes,
    get_evaluation_for_printing,
    get_job_for_user,
    get_objection_for_decision,
    get_period_for_cohort_tracking_print,
    get_record_for_tracking_print,
    may_issue,
    may_print_cohort_papers,
)
from .selectors import (
    cohort_for_documents,
    cycle_tracking_periods,
    home_affairs_director_name,
    home_affairs_organisation,
    latest_documents,
    open_jobs,
)


def _request(request: AuthenticatedHttpRequest, *, fallback, **kwargs) -> HttpResponseBase:
    try:
        job = services.document_request(by=request.user, **kwargs)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(*fallback)
    return redirect("documents:job_detail", pk=job.pk)


@require_POST
def rating_form_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation, show_decision = get_evaluation_for_printing(request.user, pk)
    return _request(
        request,
        fallback=("reviews:evaluation_detail", evaluation.pk),
        kind=DocumentKind.RATING_FORM,
        evaluation=evaluation,
        show_decision=show_decision,
    )


@require_POST
def notice_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_cycle_documents(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", evaluation.enrolment.cycle_id),
        kind=DocumentKind.NOTICE,
        evaluation=evaluation,
    )


@require_POST
def rating_forms_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_user(request.user, pk)
    return _request(
        request, fallback=("documents:cycle_documents", cycle.pk), kind=DocumentKind.RATING_FORMS, cycle=cycle
    )


@require_POST
def meeting_minutes_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_meeting_minutes(request.user, pk)
    return _request(
        request,
        fallback=("reviews:evaluation_detail", evaluation.pk),
        kind=DocumentKind.MEETING_MINUTES,
        evaluation=evaluation,
    )


@require_http_methods(["GET", "POST"])
def report_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The Home Affairs report: a form for the remarks and the signer, then the job."""
    cycle = get_cycle_for_cohort_papers(request.user, pk)
    if request.method == "POST":
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            return _request(
                request,
                fallback=("documents:cycle_documents", cycle.pk),
                kind=DocumentKind.REPORT,
                cycle=cycle,
                options=form.cleaned_data,
            )
    else:
        try:
            signer = home_affairs_director_name(cycle, home_affairs_organisation(cycle))
        except DocumentError as exc:
            messages.error(request, str(exc))
            return redirect("documents:cycle_documents", cycle.pk)
        form = ReportRequestForm(initial={"signer_name": signer})
    return render(request, "documents/report_request.html", {"cycle": cycle, "form": form})


@require_POST
def summary_table_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_cohort_papers(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", cycle.pk),
        kind=DocumentKind.SUMMARY_TABLE,
        cycle=cycle,
    )


@require_POST
def conference_minutes_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_cohort_papers(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", cycle.pk),
        kind=DocumentKind.CONFERENCE_MINUTES,
        cycle=cycle,
    )


@require_POST
def cycle_paper_request(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """A paper of the conference's set about the whole cycle (issue #14 item 8): the submission, the decision approving
    the results and the collective notice as the cohort papers; the invitation and attendance list for every cycle
    printer. Asking prints a draft; the draft's page issues it."""
    if kind in (DocumentKind.INVITATION, DocumentKind.ATTENDANCE_LIST):
        cycle = get_cycle_for_convening_papers(request.user, pk)
    else:
        cycle = get_cycle_for_cohort_papers(request.user, pk)
    return _request(request, fallback=("documents:cycle_documents", cycle.pk), kind=kind, cycle=cycle)


@require_POST
def objection_decision_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The decision on one objection (issue #14 item 8), from the objection on the person's evaluation page."""
    objection = get_objection_for_decision(request.user, pk)
    return _request(
        request,
        fallback=("reviews:evaluation_detail", objection.evaluation_id),
        kind=DocumentKind.OBJECTION_DECISION,
        objection=objection,
    )


@require_POST
def conference_pack_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_cohort_papers(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", cycle.pk),
        kind=DocumentKind.CONFERENCE_PACK,
        cycle=cycle,
    )


@require_http_methods(["GET", "POST"])
def compilation_workbook_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The compilation table as an Excel workbook, built by the worker (issue #15): the page says what it is, the
    POST asks for it and shows the job's progress until the download appears."""
    cycle = get_cycle_for_workbook(request.user, pk)
    if request.method == "POST":
        return _request(
            request,
            fallback=("documents:compilation_workbook_request", cycle.pk),
            kind=DocumentKind.COMPILATION_WORKBOOK,
            cycle=cycle,
        )
    return render(request, "documents/compilation_workbook_request.html", {"cycle": cycle})


def _back(request):
    """Where a refused tracking paper sends the user back to: the page they came from (the person's or the
    tracker's tracking page, which another app owns), else home."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return (referer,)
    return ("home",)


@require_POST
def tracking_period_form_request(request, pk: int):
    """One person's period form (Decree 335 Mẫu 01A/01B): the person, their tracker, Home Affairs, the chair."""
    record = get_record_for_tracking_print(request.user, pk)
    return _request(
        request, fallback=_back(request), kind=DocumentKind.TRACKING_PERIOD_FORM, period_record=record
    )


@require_POST
def tracking_year_summary_request(request, pk: int):
    """The summary of one person's year from their periods."""
    enrolment = get_enrolment_for_tracking_print(request.user, pk)
    return _request(
        request, fallback=_back(request), kind=DocumentKind.TRACKING_YEAR_SUMMARY, enrolment=enrolment
    )


@require_POST
def tracking_period_forms_request(request, pk: int):
    """Every tracked person's form of one period, as one PDF with a bookmark per person."""
    period = get_period_for_cohort_tracking_print(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", period.cycle_id),
        kind=DocumentKind.TRACKING_PERIOD_FORMS,
        tracking_period=period,
    )


@require_GET
def cycle_documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_user(request.user, pk)
    context = {
        "cycle": cycle,
        "tracking_periods": cycle_tracking_periods(cycle),
        "cohort": cohort_for_documents(cycle),
        "may_print_cohort_papers": may_print_cohort_papers(request.user, cycle),
        "documents": latest_documents(cycle),
        "jobs": open_jobs(cycle),
    }
    return render(request, "documents/cycle_documents.html", context)


def _job_context(job, user=None):
    document = getattr(job, "document", None) if job.status == "done" else None
    context = {"job": job, "document": document}
    if document is not None and document.is_draft:
        # A draft's page offers to issue it (to those who may) and says what issuing would replace.
        issued = services.issued_document_of(job)
        context.update(
            issued=issued,
            may_issue=user is not None and may_issue(user, job),
            refusal=services.issue_refusal(job.kind, job.data, evaluation=job.evaluation),
        )
    return context


@require_GET
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    job = get_job_for_user(request.user, pk)
    if job.same_as_id:
        # The worker found this very paper already made or issued: show that one (same subject, same data).
        return redirect("documents:job_detail", pk=job.same_as_id)
    return render(request, "documents/job_detail.html", _job_context(job, request.user))


@require_GET
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The progress bar alone, polled by htmx until the job is finished."""
    job = get_job_for_user(request.user, pk)
    if job.same_as_id:
        job = get_job_for_user(request.user, job.same_as_id)
    return render(request, "documents/_job_progress.html", _job_context(job, request.user))


@require_POST
def job_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Issue the paper a draft shows (issue #14): an explicit act of the person who may sign; the number is taken
    when the worker renders the issued paper. `reissue` confirms replacing a paper issued from other data."""
    job = get_job_for_user(request.user, pk)
    if not may_issue(request.user, job):
        raise PermissionDenied
    # Issue #18: issuing (a number, a paper to sign) re-asks for the second factor when the last code is old.
    back = reverse("documents:job_detail", kwargs={"pk": job.pk})
    if (refused := step_up_refusal(request, back=back)) is not None:
        return refused
    try:
        issuing = services.document_issue(
            job=job, by=request.user, reissue=request.POST.get("reissue") == "1"
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("documents:job_detail", pk=job.pk)
    return redirect("documents:job_detail", pk=issuing.pk)


@require_POST
def job_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    job = get_job_for_user(request.user, pk)
    job = services.document_job_retry(job=job, by=request.user)
    messages.info(request, _("Đã gửi lại yêu cầu tạo văn bản."))
    return redirect("documents:job_detail", pk=job.pk)


@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    document = get_document_for_user(request.user, pk)
    try:
        handle = document.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if document.kind == DocumentKind.COMPILATION_WORKBOOK:
        from common.spreadsheets import XLSX_CONTENT_TYPE

        response = FileResponse(
            handle, as_attachment=True, filename=document.filename, content_type=XLSX_CONTENT_TYPE
        )
        # Proposals before publication: no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
    )


@require_POST
def conference_report_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Home Affairs attaches the issued report to the conference record in one click (issue #13 item 6)."""
    from conference.errors import ConferenceError
    from conference.permissions import get_cycle_for_conference

    cycle = get_cycle_for_conference(request.user, pk, write=True)
    try:
        report = services.conference_report_from_issued(cycle=cycle, by=request.user)
    except (DocumentError, ConferenceError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã đính kèm %(paper)s vào hồ sơ hội nghị.") % {"paper": report})
    return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#report")
