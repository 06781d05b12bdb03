from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cycles.permissions import get_cycle_for_user
from cycles.selectors import cohort

from . import services
from .errors import DocumentError
from .models import DocumentKind
from .permissions import (
    get_document_for_user,
    get_evaluation_for_cycle_documents,
    get_evaluation_for_printing,
    get_job_for_user,
)
from .selectors import latest_documents, open_jobs


def _request(request, *, fallback, **kwargs):
    try:
        job = services.document_request(by=request.user, **kwargs)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(*fallback)
    return redirect("documents:job_detail", pk=job.pk)


@require_POST
def rating_form_request(request, pk: int):
    evaluation, show_decision = get_evaluation_for_printing(request.user, pk)
    return _request(
        request,
        fallback=("reviews:evaluation_detail", evaluation.pk),
        kind=DocumentKind.RATING_FORM,
        evaluation=evaluation,
        show_decision=show_decision,
    )


@require_POST
def notice_request(request, pk: int):
    evaluation = get_evaluation_for_cycle_documents(request.user, pk)
    return _request(
        request,
        fallback=("documents:cycle_documents", evaluation.enrolment.cycle_id),
        kind=DocumentKind.NOTICE,
        evaluation=evaluation,
    )


@require_POST
def rating_forms_request(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk)
    return _request(
        request, fallback=("documents:cycle_documents", cycle.pk), kind=DocumentKind.RATING_FORMS, cycle=cycle
    )


@require_GET
def cycle_documents(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk)
    context = {
        "cycle": cycle,
        "cohort": cohort(cycle),
        "documents": latest_documents(cycle),
        "jobs": open_jobs(cycle),
    }
    return render(request, "documents/cycle_documents.html", context)


def _job_context(job):
    document = getattr(job, "document", None) if job.status == "done" else None
    return {"job": job, "document": document}


@require_GET
def job_detail(request, pk: int):
    job = get_job_for_user(request.user, pk)
    return render(request, "documents/job_detail.html", _job_context(job))


@require_GET
def job_progress(request, pk: int):
    """The progress bar alone, polled by htmx until the job is finished."""
    job = get_job_for_user(request.user, pk)
    return render(request, "documents/_job_progress.html", _job_context(job))


@require_POST
def job_retry(request, pk: int):
    job = get_job_for_user(request.user, pk)
    job = services.document_job_retry(job=job, by=request.user)
    messages.info(request, _("Đã gửi lại yêu cầu tạo văn bản."))
    return redirect("documents:job_detail", pk=job.pk)


@require_GET
def document_download(request, pk: int):
    document = get_document_for_user(request.user, pk)
    try:
        handle = document.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
    )
