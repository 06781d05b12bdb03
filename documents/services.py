"""Every write about documents: asking for one, the worker's claim and render, the number register,
retry and the reconciler.

The job row is the outbox (reliability notes §3.3–3.4): it is written in the request's transaction and the
Celery message is sent after commit; if the broker is down the row stays queued and the reconciler sends it
later. A worker claims a job with a conditional UPDATE that sets a fresh token, so a duplicate delivery finds
nothing to claim and renders nothing; a killed worker's claim is taken over once its heartbeat stops (or at
once when its process is gone from this machine), up to an attempts cap.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from conference.models import Conference
from cycles.models import Cycle, CycleStatus
from officials.models import Organisation
from reviews.models import Evaluation, Objection

from .errors import DocumentError
from .models import (
    ISSUED_KINDS,
    REGISTER_CODES,
    Document,
    DocumentJob,
    DocumentKind,
    JobStatus,
    RegisterCounter,
)
from .rendering import document_html, pdf_from_html
from .selectors import (
    ReportSigning,
    attendance_list_data,
    checksum_of,
    conference_minutes_data,
    conference_pack_data,
    date_line,
    invitation_data,
    letterhead_for,
    meeting_minutes_data,
    notice_data,
    number_line,
    objection_decision_data,
    period_forms_data,
    period_record_form_data,
    rating_form_data,
    rating_form_shows_decision,
    rating_forms_data,
    report_data,
    results_decision_data,
    results_notice_data,
    submission_data,
    summary_table_data,
    year_summary_data,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cycles.models import Enrolment
    from tracking.models import PeriodRecord, TrackingPeriod

logger = logging.getLogger(__name__)

# The papers printed from the conference's record: nothing to print before the conference is set up.
CONFERENCE_PAPERS = frozenset(
    {
        DocumentKind.CONFERENCE_MINUTES,
        DocumentKind.INVITATION,
        DocumentKind.ATTENDANCE_LIST,
    }
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- Asking for a document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    kind: str
    cycle: Cycle
    evaluation: Evaluation | None
    data: dict[str, Any]
    shows_decision: bool
    # What the document is about when it is neither a person's evaluation nor the whole cycle (a period).
    subject: str = ""

    @property
    def subject_key(self) -> str:
        if self.subject:
            return self.subject
        return f"evaluation:{self.evaluation.pk}" if self.evaluation else f"cycle:{self.cycle.pk}"


# The conference's set about the whole cycle (issue #14 item 8): what each prints, taken from the cycle alone.
CYCLE_PAPERS: dict[DocumentKind, Callable[..., dict[str, Any]]] = {
    DocumentKind.SUBMISSION: submission_data,
    DocumentKind.RESULTS_DECISION: results_decision_data,
    DocumentKind.INVITATION: invitation_data,
    DocumentKind.ATTENDANCE_LIST: attendance_list_data,
    DocumentKind.RESULTS_NOTICE: results_notice_data,
}


# Papers are Vietnamese whoever asks (issue #14): the data is taken and the paper rendered in this language, so the
# reader's language never reaches a paper nor its checksum.
PAPER_LANGUAGE = "vi"


def _prepare(*, kind: str, **kwargs: Any) -> _Prepared:
    """The data of a paper, always taken under Vietnamese (the requester's language is the page's, not the paper's)."""
    with translation.override(PAPER_LANGUAGE):
        return _prepare_data(kind=kind, **kwargs)


def _prepare_data(
    *,
    kind: str,
    evaluation: Evaluation | None,
    cycle: Cycle | None,
    show_decision: bool,
    options: dict[str, Any] | None = None,
    period_record: PeriodRecord | None = None,
    tracking_period: TrackingPeriod | None = None,
    enrolment: Enrolment | None = None,
    objection: Objection | None = None,
) -> _Prepared:
    options = options or {}
    if kind == DocumentKind.OBJECTION_DECISION:
        assert objection is not None, kind  # one objection of one person
        return _Prepared(
            kind,
            objection.evaluation.enrolment.cycle,
            objection.evaluation,
            objection_decision_data(objection=objection),
            True,
            subject=f"objection:{objection.pk}",
        )
    if kind in CYCLE_PAPERS:
        assert cycle is not None, kind  # a document about the whole cycle
        data = CYCLE_PAPERS[DocumentKind(kind)](cycle=cycle)
        # The invitation and the attendance list show no level; the others show decided (or proposed) levels.
        return _Prepared(
            kind, cycle, None, data, kind in (DocumentKind.RESULTS_DECISION, DocumentKind.RESULTS_NOTICE)
        )
    # Periodic tracking's papers (issue #12) show period scores, never a decided level.
    if kind == DocumentKind.TRACKING_PERIOD_FORM:
        assert period_record is not None, kind  # one person's period
        person = period_record.enrolment
        return _Prepared(
            kind,
            person.cycle,
            person.evaluation,
            period_record_form_data(record=period_record),
            False,
            subject=f"period_record:{period_record.pk}",
        )
    if kind == DocumentKind.TRACKING_YEAR_SUMMARY:
        assert enrolment is not None, kind  # one person's year
        return _Prepared(
            kind,
            enrolment.cycle,
            enrolment.evaluation,
            year_summary_data(enrolment=enrolment),
            False,
            subject=f"tracking_year:{enrolment.pk}",
        )
    if kind == DocumentKind.TRACKING_PERIOD_FORMS:
        assert tracking_period is not None, kind  # one period of the whole cohort
        return _Prepared(
            kind,
            tracking_period.cycle,
            None,
            period_forms_data(period=tracking_period),
            False,
            subject=f"tracking_period:{tracking_period.pk}",
        )
    if kind == DocumentKind.RATING_FORM:
        assert evaluation is not None, kind  # a document about one person
        shows = show_decision and rating_form_shows_decision(evaluation)
        data = rating_form_data(evaluation=evaluation, show_decision=shows)
        return _Prepared(kind, evaluation.enrolment.cycle, evaluation, data, shows)
    if kind == DocumentKind.NOTICE:
        assert evaluation is not None, kind  # a document about one person
        if not (evaluation.final_level or evaluation.final_not_rated):
            raise DocumentError(_("Chưa có quyết định xếp loại nên chưa thể ra thông báo kết quả."))
        return _Prepared(
            kind, evaluation.enrolment.cycle, evaluation, notice_data(evaluation=evaluation), True
        )
    if kind == DocumentKind.RATING_FORMS:
        assert cycle is not None, kind  # a document about the whole cycle
        data = rating_forms_data(cycle=cycle)
        if not data["forms"]:
            raise DocumentError(_("Kỳ đánh giá chưa có ai trong danh sách."))
        return _Prepared(kind, cycle, None, data, True)
    if kind == DocumentKind.MEETING_MINUTES:
        assert evaluation is not None, kind  # a document about one person
        return _Prepared(
            kind, evaluation.enrolment.cycle, evaluation, meeting_minutes_data(evaluation=evaluation), False
        )
    if kind == DocumentKind.REPORT:
        assert cycle is not None, kind  # a document about the whole cycle
        signing = options.get("signing") or ReportSigning.DIRECTOR
        data = report_data(
            cycle=cycle,
            remarks=options.get("remarks", ""),
            signer_name=options.get("signer_name", ""),
            signing=signing,
        )
        # What was typed on the request form, so that issuing the draft prepares the very same paper again.
        data["options"] = {
            "remarks": options.get("remarks", ""),
            "signer_name": options.get("signer_name", ""),
            "signing": signing,
        }
        return _Prepared(kind, cycle, None, data, False)
    if kind == DocumentKind.SUMMARY_TABLE:
        assert cycle is not None, kind  # a document about the whole cycle
        data = summary_table_data(cycle=cycle)
        return _Prepared(kind, cycle, None, data, data["signed_off"])
    if kind == DocumentKind.CONFERENCE_MINUTES:
        assert cycle is not None, kind  # a document about the whole cycle
        return _Prepared(kind, cycle, None, conference_minutes_data(cycle=cycle), False)
    if kind == DocumentKind.CONFERENCE_PACK:
        assert cycle is not None, kind  # a document about the whole cycle
        data = conference_pack_data(cycle=cycle)
        return _Prepared(kind, cycle, None, data, data["summary"]["signed_off"])
    raise DocumentError(_("Loại văn bản này chưa được hỗ trợ."))


def _subject_of(
    kind: str,
    *,
    evaluation: Evaluation | None,
    cycle: Cycle | None,
    period_record: PeriodRecord | None,
    tracking_period: TrackingPeriod | None,
    enrolment: Enrolment | None,
    objection: Objection | None = None,
) -> tuple[Cycle, Evaluation | None, str]:
    """The cycle, the evaluation and the subject key of a paper, without its data (the same keys as `_Prepared`)."""
    if objection is not None:
        return objection.evaluation.enrolment.cycle, objection.evaluation, f"objection:{objection.pk}"
    if period_record is not None:
        person = period_record.enrolment
        return person.cycle, person.evaluation, f"period_record:{period_record.pk}"
    if enrolment is not None:
        return enrolment.cycle, enrolment.evaluation, f"tracking_year:{enrolment.pk}"
    if tracking_period is not None:
        return tracking_period.cycle, None, f"tracking_period:{tracking_period.pk}"
    if evaluation is not None:
        return evaluation.enrolment.cycle, evaluation, f"evaluation:{evaluation.pk}"
    if cycle is None:
        raise DocumentError(_("Loại văn bản này chưa được hỗ trợ."))
    return cycle, None, f"cycle:{cycle.pk}"


def _request_refusal(kind: str, *, evaluation: Evaluation | None, cycle: Cycle) -> str:
    """What can be refused at once, cheaply, before any data is taken ("" when nothing): the worker checks the
    paper itself again on its data (`_prepare_data`, `issue_refusal`) and fails the job with the reason."""
    if (
        kind == DocumentKind.NOTICE
        and evaluation is not None
        and not (evaluation.final_level or evaluation.final_not_rated)
    ):
        return _("Chưa có quyết định xếp loại nên chưa thể ra thông báo kết quả.")
    if (
        kind == DocumentKind.MEETING_MINUTES
        and evaluation is not None
        and getattr(evaluation, "comment_meeting", None) is None
    ):
        return _("Chưa có biên bản họp nhận xét của người này.")
    if kind == DocumentKind.RATING_FORMS and not cycle.enrolments.exists():
        return _("Kỳ đánh giá chưa có ai trong danh sách.")
    if kind in CONFERENCE_PAPERS and not Conference.objects.filter(cycle=cycle).exists():
        return _("Chưa có thông tin hội nghị của kỳ đánh giá này.")
    return ""


def _reissue_refusal(issued: Document) -> str:
    return _(
        "Văn bản này đã ban hành số %(number)s ngày %(day)s từ dữ liệu khác. Ban hành bản này sẽ thay "
        "thế văn bản số %(number)s: hãy chọn “Ban hành lại (thay thế số %(number)s)”."
    ) % {"number": issued.number_text, "day": date_format(issued.issued_on, "d/m/Y")}


def document_request(
    *,
    kind: str,
    by: User | None,
    evaluation: Evaluation | None = None,
    cycle: Cycle | None = None,
    show_decision: bool = True,
    options: dict[str, Any] | None = None,
    period_record: PeriodRecord | None = None,
    tracking_period: TrackingPeriod | None = None,
    enrolment: Enrolment | None = None,
    objection: Objection | None = None,
    issue: bool = False,
    reissue: bool = False,
    expected_checksum: str = "",
) -> DocumentJob:
    """Record that a document is wanted and return its job at once; the worker takes the data and renders it.

    The request records only what is asked and for whom (issue #15: at 5,000 people taking the snapshot here took
    19 s and 27.8 MB): the kind, the subject, the requester, `options` (what was typed on the request form: the
    report's remarks and signer) and `show_decision` (False when the reader may not see a decided level yet: an
    official before publication). The same request still waiting is the same job. The worker then takes the data
    (`_snapshot_take`): if the same document was already made (or is being made) from the same data, or issued
    from it, the job becomes that one (`same_as`) and nothing is rendered again.

    A numbered paper (ISSUED_KINDS) is a draft unless `issue` (issue #14): the draft has "DỰ THẢO" on every page
    and no number; asking again for a paper already issued from the same data returns the issued one, and in a
    past cycle the issued paper is what any reprint returns. `issue` is the explicit act of the person who may
    sign (see `document_issue`): refused while the paper is incomplete, and refused when it would replace a
    paper issued from other data unless `reissue`; what needs the data is checked again by the worker.
    """
    subject_cycle, subject_evaluation, subject_key = _subject_of(
        kind,
        evaluation=evaluation,
        cycle=cycle,
        period_record=period_record,
        tracking_period=tracking_period,
        enrolment=enrolment,
        objection=objection,
    )
    issued = _issued(kind, subject_key) if kind in ISSUED_KINDS else None
    if issue:
        if kind not in ISSUED_KINDS:
            raise DocumentError(_("Loại văn bản này không có số nên không cần ban hành."))
        if issued is not None and expected_checksum and issued.checksum == expected_checksum:
            return issued.job
        if issued is not None and expected_checksum and not reissue:
            raise DocumentError(_reissue_refusal(issued))
    elif issued is not None and is_past_cycle(subject_cycle):
        # A reprint in a past cycle is the stored paper, whatever the data now says.
        return issued.job
    refusal = _request_refusal(kind, evaluation=subject_evaluation, cycle=subject_cycle)
    if refusal:
        raise DocumentError(refusal)
    asked: dict[str, Any] = {"show_decision": show_decision, "options": options or {}}
    for name, value in (
        ("period_record", period_record),
        ("tracking_period", tracking_period),
        ("enrolment", enrolment),
        ("objection", objection),
    ):
        if value is not None:
            asked[name] = value.pk
    if issue:
        asked.update(reissue=reissue, expected_checksum=expected_checksum)
    request_key = checksum_of({"kind": kind, "subject": subject_key, "issue": issue, "asked": asked})
    pending = _pending_job(kind, subject_key, request_key, issue)
    if pending is not None:
        return pending
    _check_request_rate(by, kind)
    try:
        with transaction.atomic():
            job = DocumentJob.objects.create(
                kind=kind,
                cycle=subject_cycle,
                evaluation=subject_evaluation,
                subject_key=subject_key,
                requested_by=by,
                request=asked,
                request_key=request_key,
                issue=issue,
                # Until the worker knows, the paper may show what only this reader may see (a form shows a
                # decided level only once there is one: a cheap look at the evaluation, as the data will say).
                shows_decision=show_decision
                and (
                    kind != DocumentKind.RATING_FORM
                    or (subject_evaluation is not None and rating_form_shows_decision(subject_evaluation))
                ),
            )
            transaction.on_commit(lambda: job_enqueue(job_id=job.pk), robust=True)
    except IntegrityError:
        # Someone made the very same request a moment ago (unique while it waits for its data).
        pending = _pending_job(kind, subject_key, request_key, issue)
        if pending is None:
            raise
        return pending
    return job


def _pending_job(kind: str, subject_key: str, request_key: str, issue: bool) -> DocumentJob | None:
    """The same request not finished yet: asking twice while it waits is one job."""
    return (
        DocumentJob.objects.filter(
            kind=kind,
            subject_key=subject_key,
            request_key=request_key,
            issue=issue,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PARTS],
        )
        .order_by("pk")
        .first()
    )


# Papers of a whole cohort: long renders that go to their own queue, so that one person's own form (on the default
# queue with the e-mails) is never stuck behind a pack (issue #18 item 6). Production runs a worker per queue
# (docker-compose: worker, worker-bulk); `make run` and the tests' workers consume both.
BULK_KINDS = (DocumentKind.RATING_FORMS, DocumentKind.CONFERENCE_PACK, DocumentKind.TRACKING_PERIOD_FORMS)
QUEUE_PAPERS = "celery"
QUEUE_BULK = "documents_bulk"


def queue_for(kind: str) -> str:
    return QUEUE_BULK if kind in BULK_KINDS else QUEUE_PAPERS


def _check_request_rate(by: User | None, kind: str) -> None:
    """At most DOCUMENTS_REQUESTS_PER_WINDOW new jobs of one kind per person per DOCUMENTS_REQUEST_WINDOW_MINUTES
    (issue #18 item 6: one person flooding the printers). Asking again for the same data costs nothing: it returns
    the existing job before this check."""
    if by is None:
        return
    window = timedelta(minutes=settings.DOCUMENTS_REQUEST_WINDOW_MINUTES)
    recent = DocumentJob.objects.filter(
        requested_by=by, kind=kind, created_at__gte=timezone.now() - window, same_as__isnull=True
    ).count()
    if recent >= settings.DOCUMENTS_REQUESTS_PER_WINDOW:
        raise DocumentError(
            _(
                "Bạn đã yêu cầu %(n)d văn bản loại “%(kind)s” trong %(minutes)d phút vừa qua. Hãy đợi các văn bản "
                "đang tạo xong rồi yêu cầu tiếp."
            )
            % {
                "n": recent,
                "kind": DocumentKind(kind).label,
                "minutes": settings.DOCUMENTS_REQUEST_WINDOW_MINUTES,
            }
        )


def _issued(kind: str, subject_key: str) -> Document | None:
    """The paper in force for a subject: its newest issued (non-draft) version."""
    return (
        Document.objects.filter(kind=kind, subject_key=subject_key, is_draft=False)
        .select_related("job")
        .order_by("-version")
        .first()
    )


def issued_document_of(job: DocumentJob) -> Document | None:
    """For a draft's job page: the paper issued for the same subject, if any."""
    return _issued(job.kind, job.subject_key)


def issue_refusal(kind: str, data: dict[str, Any], *, evaluation: Evaluation | None = None) -> str:
    """Why a numbered paper may not be issued yet ("" when it may): a paper takes a number only when it is
    complete (issue #14). Read from the paper's own data, so the reason is about what would be printed."""
    if kind == DocumentKind.CONFERENCE_MINUTES:
        if not data.get("closed_at"):
            return _("Hội nghị chưa kết thúc (chưa ghi giờ kết thúc) nên chưa thể ban hành biên bản.")
        if data.get("dated_on") and date.fromisoformat(data["dated_on"]) > _today():
            return _("Hội nghị chưa diễn ra nên chưa thể ban hành biên bản.")
        if not data.get("present_count"):
            return _("Chưa điểm danh người dự hội nghị nên chưa thể ban hành biên bản.")
    elif kind == DocumentKind.REPORT:
        missing = data.get("undecided", 0)
        if missing:
            return _(
                "Còn %(missing)d trong số %(total)d người chưa có đề xuất mức xếp loại nên chưa thể ban hành báo cáo."
            ) % {"missing": missing, "total": data.get("total", 0)}
    elif kind == DocumentKind.SUBMISSION:
        # As the report: Home Affairs proposes the results once every person has a proposal.
        if data.get("missing"):
            return _(
                "Còn %(missing)d trong số %(total)d người chưa có đề xuất mức xếp loại nên chưa thể ban hành tờ trình."
            ) % {"missing": data["missing"], "total": data.get("total", 0)}
    elif kind == DocumentKind.RESULTS_DECISION:
        if data.get("unsigned"):
            return _(
                "Còn %(missing)d trong số %(total)d người chưa có quyết định xếp loại được ký nên chưa thể ban hành "
                "quyết định phê duyệt kết quả."
            ) % {"missing": data["unsigned"], "total": data.get("total", 0)}
    elif kind in (DocumentKind.INVITATION, DocumentKind.ATTENDANCE_LIST):
        if not data.get("when_where"):
            return _("Hội nghị chưa có ngày, giờ và địa điểm nên chưa thể ban hành.")
    elif kind == DocumentKind.RESULTS_NOTICE:
        if not (data.get("decision_ref") or {}).get("number"):
            return _(
                "Quyết định phê duyệt kết quả chưa ban hành nên chưa thể ban hành thông báo kết quả chung: hãy ban "
                "hành quyết định trước."
            )
        if data.get("missing"):
            return _(
                "Còn %(missing)d người chưa có quyết định xếp loại được ký nên chưa thể ban hành thông báo."
            ) % {"missing": data["missing"]}
    elif kind == DocumentKind.OBJECTION_DECISION:
        if not data.get("answered"):
            return _(
                "Kiến nghị chưa được người có thẩm quyền trả lời nên chưa thể ban hành quyết định giải quyết kiến nghị."
            )
    elif kind == DocumentKind.NOTICE:
        if not data.get("decision_signed"):
            return _("Quyết định xếp loại chưa được ký nên chưa thể ban hành thông báo.")
    elif kind == DocumentKind.MEETING_MINUTES:
        if not data.get("adopted"):
            return _("Biên bản chưa được thông qua tại cuộc họp nên chưa thể ban hành.")
        if not data.get("attended_count"):
            return _("Biên bản chưa ghi số người có mặt nên chưa thể ban hành.")
        submitted = evaluation.submitted_at if evaluation is not None else None
        held = date.fromisoformat(data["dated_on"]) if data.get("dated_on") else None
        if submitted is None:
            return _(
                "Người được đánh giá chưa nộp bản tự đánh giá nên chưa thể ban hành biên bản họp nhận xét."
            )
        if held is not None and held < timezone.localtime(submitted).date():
            return _(
                "Cuộc họp ghi ngày %(held)s, trước ngày nộp bản tự đánh giá (%(submitted)s): hãy sửa ngày họp."
            ) % {
                "held": date_format(held, "d/m/Y"),
                "submitted": date_format(timezone.localtime(submitted).date(), "d/m/Y"),
            }
    return ""


def document_issue(*, job: DocumentJob, by: User | None, reissue: bool = False) -> DocumentJob:
    """Issue the paper a draft shows: the same inputs asked again as an issue. Refused at once if the draft's own
    paper is incomplete or would replace an issued paper without `reissue`; the worker then takes the data again and
    fails the job (with the reason) if it changed since the draft was printed (print a new draft and read it first)
    or the paper is incomplete. Returns the issuing job; the worker takes the number at render."""
    job = job.resolved
    if job.kind not in ISSUED_KINDS:
        raise DocumentError(_("Loại văn bản này không có số nên không cần ban hành."))
    if job.data is not None:
        refusal = issue_refusal(job.kind, job.data, evaluation=job.evaluation)
        if refusal:
            raise DocumentError(refusal)
    cohort_paper = job.evaluation_id is None
    objection = None
    if job.kind == DocumentKind.OBJECTION_DECISION:
        objection = Objection.objects.get(pk=job.subject_key.removeprefix("objection:"))
    return document_request(
        kind=job.kind,
        by=by,
        evaluation=None if cohort_paper or objection else job.evaluation,
        cycle=job.cycle if cohort_paper else None,
        objection=objection,
        options=(job.request or {}).get("options") or (job.data or {}).get("options"),
        issue=True,
        reissue=reissue,
        expected_checksum=job.checksum,
    )


def _same_job(
    kind: str, subject_key: str, checksum: str, issue: bool = False, *, other_than: int | None = None
) -> DocumentJob | None:
    jobs = DocumentJob.objects.filter(
        kind=kind, subject_key=subject_key, checksum=checksum, issue=issue, same_as__isnull=True
    ).exclude(status=JobStatus.FAILED)
    if other_than is not None:
        jobs = jobs.exclude(pk=other_than)
    return jobs.first()


def job_enqueue(*, job_id: int) -> bool:
    """Send the job to the worker. A broker outage is logged, not raised: the row stays queued and the
    reconciler sends it again (the job row is the outbox)."""
    from .tasks import document_render

    kind = DocumentJob.objects.filter(pk=job_id).values_list("kind", flat=True).first() or ""
    try:
        document_render.apply_async(
            (job_id,),
            queue=queue_for(kind),
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        )
    except Exception:
        logger.warning("document job %s: broker unreachable, left for the reconciler", job_id, exc_info=True)
        return False
    DocumentJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def document_job_retry(*, job: DocumentJob, by: User) -> DocumentJob:
    """Ask again for a job that failed: same data, attempts counted afresh."""
    if job.status != JobStatus.FAILED:
        return job
    try:
        with transaction.atomic():
            updated = DocumentJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
                status=JobStatus.QUEUED, attempts=0, progress=0, error="", claim_token=None, enqueued_at=None
            )
            if updated:
                transaction.on_commit(lambda: job_enqueue(job_id=job.pk), robust=True)
    except IntegrityError:
        # The same document was asked for again meanwhile; follow that job.
        if job.checksum:
            return _same_job(job.kind, job.subject_key, job.checksum, job.issue, other_than=job.pk) or job
        return _pending_job(job.kind, job.subject_key, job.request_key, job.issue) or job
    job.refresh_from_db()
    return job


# --- The worker's side ----------------------------------------------------------------------------------


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim_is_dead(job: Any, now: datetime) -> bool:
    """A running job whose worker is gone: no heartbeat for a while, or its process no longer exists on
    this machine (a killed pool child; the redelivered message then needs no waiting)."""
    if job.heartbeat_at and job.heartbeat_at < now - timedelta(
        seconds=_setting("DOCUMENTS_STALE_AFTER_SECONDS", 60)
    ):
        return True
    host, _sep, pid = job.claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def job_claim(*, job_id: int) -> DocumentJob | None:
    """Take the job for this worker, or None if it is not ours to do (done, failed, or alive elsewhere).
    A paper rendered in parts is taken again, without counting an attempt, to be assembled once every part is done."""
    job = DocumentJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return None
    if job.status == JobStatus.PARTS:
        if job.parts.exclude(status=JobStatus.DONE).exists():
            return None  # parts still being rendered: the last one sends the job again
        claimed = row_claim(
            DocumentJob,
            job_id,
            Q(status=JobStatus.PARTS, claim_token=job.claim_token),
            progress=85,
            attempt=False,
        )
    else:
        claimable = claimable_now(job)
        claimed = claimable is not None and row_claim(DocumentJob, job_id, claimable)
    if claimed:
        assembling = job.status == JobStatus.PARTS
        job.refresh_from_db()
        # Claimed to assemble its slices (documents/parts.py), not to take its data and split it again.
        job.assembling = assembling  # type: ignore[attr-defined]
        return job
    return None


def claimable_now(row: Any) -> Q | None:
    """What a claim of this job or part must still find: queued, or running under a dead claim; None if alive."""
    if row.status == JobStatus.QUEUED:
        return Q(status=JobStatus.QUEUED)
    if row.status == JobStatus.RUNNING and _claim_is_dead(row, timezone.now()):
        return Q(status=JobStatus.RUNNING, claim_token=row.claim_token)
    return None


def row_claim(model: Any, pk: int, claimable: Q, *, progress: int = 5, attempt: bool = True) -> bool:
    """The conditional UPDATE that takes a job (or a part) for this worker with a fresh token; a duplicate delivery
    finds nothing to claim. After DOCUMENTS_MAX_ATTEMPTS claims (each attempt killed its worker) the job fails."""
    now = timezone.now()
    max_attempts = _setting("DOCUMENTS_MAX_ATTEMPTS", 3)
    fields: dict[str, Any] = {
        "status": JobStatus.RUNNING,
        "claim_token": uuid.uuid4(),
        "claimed_by": worker_identity(),
        "heartbeat_at": now,
    }
    if attempt:
        fields["attempts"] = F("attempts") + 1
    if model is DocumentJob:
        fields.update(progress=progress, error="")
    attempts_left = Q(attempts__lt=max_attempts) if attempt else Q()
    if model.objects.filter(claimable, attempts_left, pk=pk).update(**fields):
        return True
    # Tried too often (each attempt killed its worker): stop, say so, let a person retry.
    job_ids = [pk] if model is DocumentJob else model.objects.filter(pk=pk).values_list("job_id", flat=True)
    if model.objects.filter(claimable, pk=pk, attempts__gte=max_attempts).exists():
        DocumentJob.objects.filter(pk__in=list(job_ids)).exclude(status=JobStatus.DONE).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=_("Đã thử tạo văn bản %(n)d lần nhưng không xong (máy xử lý bị dừng giữa chừng).")
            % {"n": max_attempts},
        )
    return False


class _Heartbeat(threading.Thread):
    """Tells the database the claim is alive and how far the render is, from its own connection: every few
    seconds, and at once when the render reports progress (each part laid out, the PDF written)."""

    def __init__(self, job_id: int, token: uuid.UUID | None, model: type[models.Model] | None = None) -> None:
        super().__init__(daemon=True, name=f"document-heartbeat-{job_id}")
        self.job_id, self.token = job_id, token
        # A job, or one part of a long paper (documents/parts.py): both are claimed and kept alive the same way.
        self.model: Any = model or DocumentJob
        self.progress: int | None = None
        self._stop_event = threading.Event()
        self._wake = threading.Event()

    def report(self, progress: int) -> None:
        """The render got this far (per cent): written by the thread now, not at the next beat."""
        self.progress = max(self.progress or 0, min(progress, 99))
        self._wake.set()

    def run(self) -> None:
        every = _setting("DOCUMENTS_HEARTBEAT_SECONDS", 5)
        try:
            while not self._stop_event.is_set():
                self._wake.wait(every)
                self._wake.clear()
                if self._stop_event.is_set():
                    break
                fields: dict[str, datetime | int] = {"heartbeat_at": timezone.now()}
                if self.progress is not None:
                    fields["progress"] = self.progress
                self.model.objects.filter(
                    pk=self.job_id, claim_token=self.token, status=JobStatus.RUNNING
                ).update(**fields)
        except Exception:
            logger.exception("document job %s: heartbeat stopped", self.job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()
        self.join(timeout=10)


class ClaimLost(Exception):
    """Another worker took the job over while this one was rendering; this render is thrown away."""


TEMPLATES = {
    DocumentKind.RATING_FORM: "documents/rating_form.html",
    DocumentKind.RATING_FORMS: "documents/rating_form.html",
    DocumentKind.NOTICE: "documents/notice.html",
    DocumentKind.MEETING_MINUTES: "documents/meeting_minutes.html",
    DocumentKind.REPORT: "documents/report.html",
    DocumentKind.SUMMARY_TABLE: "documents/summary_table.html",
    DocumentKind.CONFERENCE_MINUTES: "documents/conference_minutes.html",
    DocumentKind.TRACKING_PERIOD_FORM: "documents/tracking_period_form.html",
    DocumentKind.TRACKING_PERIOD_FORMS: "documents/tracking_period_forms.html",
    DocumentKind.TRACKING_YEAR_SUMMARY: "documents/tracking_year_summary.html",
    DocumentKind.SUBMISSION: "documents/submission.html",
    DocumentKind.RESULTS_DECISION: "documents/results_decision.html",
    DocumentKind.INVITATION: "documents/invitation.html",
    DocumentKind.ATTENDANCE_LIST: "documents/attendance_list.html",
    DocumentKind.RESULTS_NOTICE: "documents/results_notice.html",
    DocumentKind.OBJECTION_DECISION: "documents/objection_decision.html",
}


def _parts(kind: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The separately laid-out parts of a document (each with its own page 1 and page numbers), in order."""
    if kind == DocumentKind.RATING_FORMS:
        return [(TEMPLATES[DocumentKind.RATING_FORM], form) for form in data["forms"]]
    if kind == DocumentKind.TRACKING_PERIOD_FORMS:
        # Each person's form is laid out on its own (its own first page, page numbers and bookmark).
        return [(TEMPLATES[DocumentKind.TRACKING_PERIOD_FORMS], form) for form in data["forms"]]
    if kind == DocumentKind.SUBMISSION:
        # The submission, then the draft decision it proposes, laid out on its own (its own page 1, "DỰ THẢO").
        return [
            (TEMPLATES[DocumentKind.SUBMISSION], data),
            (TEMPLATES[DocumentKind.RESULTS_DECISION], data["draft_decision"]),
        ]
    if kind == DocumentKind.CONFERENCE_PACK:
        forms = data["forms"]
        # The invitation (agenda, time, place) first and the attendance list to sign last, once the conference is set.
        convening = (
            [(TEMPLATES[DocumentKind.INVITATION], data["invitation"])] if data.get("invitation") else []
        )
        roll = (
            [(TEMPLATES[DocumentKind.ATTENDANCE_LIST], data["attendance"])] if data.get("attendance") else []
        )
        return [
            *convening,
            (TEMPLATES[DocumentKind.REPORT], data["report"]),
            (TEMPLATES[DocumentKind.SUMMARY_TABLE], data["summary"]),
            # The first form carries the "Phiếu đánh giá" parent entry; every form nests under it.
            *(
                (
                    TEMPLATES[DocumentKind.RATING_FORM],
                    {**form, "outline_level": 2, "outline_parent": index == 0},
                )
                for index, form in enumerate(forms)
            ),
            *roll,
        ]
    return [(TEMPLATES[DocumentKind(kind)], data)]


def _issuer_of(job: DocumentJob) -> Organisation:
    """Who issues a numbered document: the person's own agency for its meeting minutes, Home Affairs for its
    report, the rating authority for the conference minutes and the notices."""
    issuer_id = (job.data or {}).get("issuer_id")
    if issuer_id:
        return Organisation.objects.get(pk=issuer_id)
    return job.cycle.authority


def document_job_run(*, job_id: int) -> str:
    """The worker's whole job: claim, render, store, finish. Returns what happened, for the log."""
    with translation.override(PAPER_LANGUAGE):
        return _document_job_run(job_id=job_id)


def _document_job_run(*, job_id: int) -> str:
    job = job_claim(job_id=job_id)
    if job is None:
        return "skipped"
    heartbeat = _Heartbeat(job.pk, job.claim_token)
    heartbeat.start()
    try:
        if job.data is None:
            outcome = _snapshot_take(job)
            if outcome:
                return outcome
        from .exports import workbook_render_and_store
        from .parts import parts_run, parts_wanted

        if job.kind == DocumentKind.COMPILATION_WORKBOOK:
            workbook_render_and_store(job, heartbeat.report)
        elif parts_wanted(job):
            return parts_run(job)
        else:
            _render_and_store(job, heartbeat)
    except ClaimLost:
        return "lost"
    except DocumentError as exc:
        # A refusal found on the data (issue #15: checked by the worker, which takes the data): said in Vietnamese.
        _job_fail(job, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("document job %s failed", job.pk)
        _job_fail(
            job,
            _("Không tạo được tệp PDF (%(error)s). Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.")
            % {"error": type(exc).__name__},
        )
        return "failed"
    finally:
        heartbeat.stop()
    return "done"


def _job_fail(job: DocumentJob, error: str) -> None:
    DocumentJob.objects.filter(
        pk=job.pk, claim_token=job.claim_token, status__in=[JobStatus.RUNNING, JobStatus.PARTS]
    ).update(status=JobStatus.FAILED, finished_at=timezone.now(), error=error)


def _job_same_as(job: DocumentJob, target: DocumentJob) -> str:
    """This job repeats `target` (same data, or the paper issued from it): it becomes that job, renders nothing."""
    claimed = DocumentJob.objects.filter(
        pk=job.pk, claim_token=job.claim_token, status=JobStatus.RUNNING
    ).update(status=JobStatus.DONE, same_as=target.resolved, progress=100, finished_at=timezone.now())
    if not claimed:
        raise ClaimLost
    return "same"


def _asked_row(model: Any, pk: int | None) -> Any:
    return model.objects.get(pk=pk) if pk else None


def _snapshot_take(job: DocumentJob) -> str:
    """Take the data to print (the worker's part of a request, issue #15) and decide what the job is: a new paper
    to render ("" — the data is stored on the job), the same as an existing job or issued paper ("same"), or a
    refusal (DocumentError, the job fails with the reason). Everything `document_request` did before it returned."""
    from cycles.models import Enrolment
    from tracking.models import PeriodRecord, TrackingPeriod

    asked = job.request or {}
    if job.kind == DocumentKind.COMPILATION_WORKBOOK:
        from .exports import workbook_snapshot

        data: dict[str, Any] = workbook_snapshot(job)
        shows_decision = True
    else:
        prepared = _prepare(
            kind=job.kind,
            evaluation=job.evaluation,
            cycle=job.cycle if job.evaluation_id is None else None,
            show_decision=asked.get("show_decision", True),
            options=asked.get("options"),
            period_record=_asked_row(PeriodRecord, asked.get("period_record")),
            tracking_period=_asked_row(TrackingPeriod, asked.get("tracking_period")),
            enrolment=_asked_row(Enrolment, asked.get("enrolment")),
            objection=_asked_row(Objection, asked.get("objection")),
        )
        data, shows_decision = prepared.data, prepared.shows_decision
    checksum = checksum_of(data)
    expected = asked.get("expected_checksum", "")
    if expected and checksum != expected:
        raise DocumentError(
            _(
                "Dữ liệu đã thay đổi từ khi in bản dự thảo này. Hãy in lại bản dự thảo, đọc lại rồi mới ban hành."
            )
        )
    issued = _issued(job.kind, job.subject_key) if job.kind in ISSUED_KINDS else None
    if job.issue:
        refusal = issue_refusal(job.kind, data, evaluation=job.evaluation)
        if refusal:
            raise DocumentError(refusal)
        if issued is not None and issued.checksum == checksum:
            return _job_same_as(job, issued.job)
        if issued is not None and not asked.get("reissue"):
            raise DocumentError(_reissue_refusal(issued))
    elif issued is not None and (issued.checksum == checksum or is_past_cycle(job.cycle)):
        # Asking again: the issued paper (in a past cycle the stored paper, whatever the data now says).
        return _job_same_as(job, issued.job)
    same = _same_job(job.kind, job.subject_key, checksum, job.issue, other_than=job.pk)
    if same is not None:
        return _job_same_as(job, same)
    try:
        with transaction.atomic():
            stored = DocumentJob.objects.filter(
                pk=job.pk, claim_token=job.claim_token, status=JobStatus.RUNNING
            ).update(data=data, checksum=checksum, shows_decision=shows_decision)
    except IntegrityError:
        # The same data was taken for another request a moment ago: that job renders it.
        same = _same_job(job.kind, job.subject_key, checksum, job.issue, other_than=job.pk)
        if same is None:
            raise
        return _job_same_as(job, same)
    if not stored:
        raise ClaimLost
    job.data, job.checksum, job.shows_decision = data, checksum, shows_decision
    return ""


def register_number_take(*, issuer: Organisation, year: int, type_code: str) -> int:
    """The next number of a register, under a row lock held until the caller's transaction ends.

    Call inside the transaction that stores the issued document: if anything fails the number goes back, so
    numbers run 01, 02, … with no gap and none given twice (Decree 30/2020 Art. 15(1)).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("register_number_take must run inside the issuing transaction")
    # Create the counter if it is the register's first number of the year; a concurrent creator is harmless.
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(issuer=issuer, year=year, type_code=type_code)], ignore_conflicts=True
    )
    counter = RegisterCounter.objects.select_for_update().get(issuer=issuer, year=year, type_code=type_code)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _replaces_text(previous: Document | None) -> str:
    if previous is None:
        return ""
    day = date_format(previous.issued_on, "d/m/Y")
    if previous.number:
        return _("Thay thế văn bản số %(number)s ngày %(day)s.") % {
            "number": previous.number_text,
            "day": day,
        }
    return _("Bản in lần %(version)d, thay thế bản in lần %(previous)d ngày %(day)s.") % {
        "version": previous.version + 1,
        "previous": previous.version,
        "day": day,
    }


_ISSUE_DAY: ContextVar[date | None] = ContextVar("documents_issue_day", default=None)


def _today() -> date:
    """The day a paper is issued (one place, so tests can set the calendar)."""
    return _ISSUE_DAY.get() or timezone.localdate()


@contextmanager
def papers_dated(day: date) -> Iterator[None]:
    """Issue papers as of `day`, for loading the history of a cycle that finished before the portal kept it (the
    demo's 2023 cycle): its papers were issued then, in that year's registers. Never used for a request: a paper is
    dated the day it takes its number (Decree 30/2020 Art. 15)."""
    token = _ISSUE_DAY.set(day)
    try:
        yield
    finally:
        _ISSUE_DAY.reset(token)


def is_past_cycle(cycle: Cycle, day: date | None = None) -> bool:
    """A cycle whose papers are history: closed, or more than a year behind (its papers are issued by January)."""
    day = day or _today()
    return cycle.status == CycleStatus.CLOSED or day.year > cycle.year + 1


class _RegisterMoved(Exception):
    """Another paper took the number (or the version) this render printed; render again with the next one."""


def _render_and_store(job: DocumentJob, heartbeat: _Heartbeat) -> Document:
    """Render outside any transaction, then store in a short one (issue #14).

    The render takes seconds to minutes. Holding a write transaction that long blocked every other writer on
    SQLite (the embedded default: one writer at a time), so the progress polls, which save the session, failed
    after the 20 s timeout with HTTP 400. Now the number and version the paper will carry are read without a lock,
    the paper rendered with them, and the short storing transaction takes the number under the register's row
    lock: if another issue took it meanwhile, the transaction rolls back (nothing is stored, no number is lost)
    and the paper is rendered again with the next number. Numbers still run 01, 02, … with no gap and none twice.
    """
    for _attempt in range(5):
        try:
            return _render_once(job, heartbeat)
        except _RegisterMoved:
            continue
    raise RuntimeError("the register kept moving while the paper was rendered")


def _pause_for_tests() -> None:
    """A pause after each laid-out part, for the fault tests only (0 in every other setting): on a loaded machine
    their kill must still land mid-render (issue #16 item 10)."""
    pause = float(getattr(settings, "DOCUMENTS_TEST_PART_PAUSE_SECONDS", 0) or 0)
    if pause:
        time.sleep(pause)


def _render_once(job: DocumentJob, heartbeat: _Heartbeat) -> Document:
    data = dict(job.data or {})
    today = _today()
    numbered = job.kind in REGISTER_CODES
    draft = numbered and not job.issue
    # A numbered paper is dated the day it takes its number, so the register runs in date order (Decree 30/2020
    # Art. 15); the minutes say the meeting's own day in their text. Other papers: their day, else today.
    own_day = date.fromisoformat(data["dated_on"]) if data.get("dated_on") else today
    issued_on = today if numbered else own_day

    # What the paper will carry, read without a lock (checked again when it is stored).
    previous = (
        None
        if draft
        else Document.objects.filter(kind=job.kind, subject_key=job.subject_key, is_draft=False)
        .order_by("-version")
        .first()
    )
    number, symbol, issuer, type_code = None, "", None, ""
    if numbered:
        issuer = _issuer_of(job)
        type_code = REGISTER_CODES[DocumentKind(job.kind)]
        symbol = f"{type_code}-{issuer.abbreviation}"
        # The place printed is the snapshot's (the letterhead the data was taken with).
        place = (data.get("letterhead") or {}).get("place_name") or letterhead_for(issuer).place_name
        if draft:
            # A draft takes no number and no date: both are given when the paper is issued.
            data["number_line"] = number_line(None, symbol)
            data["number_text"] = "\u00a0" * 6 + f"/{symbol}"
            data["date_line"] = _("%(place)s, ngày …… tháng …… năm ……") % {"place": place}
            data["issued_day"] = "…/…/……"
            data["draft_mark"] = _("DỰ THẢO")
        else:
            counter = RegisterCounter.objects.filter(
                issuer=issuer, year=issued_on.year, type_code=type_code
            ).first()
            number = (counter.last_number if counter else 0) + 1
            data["number_line"] = number_line(number, symbol)
            # For an annex's "Kèm theo Quyết định số 05/QĐ-UBND ngày 15/12/2026".
            data["number_text"] = f"{number:02d}/{symbol}"
            data["date_line"] = date_line(place, issued_on)
            data["issued_day"] = date_format(issued_on, "d/m/Y")
            if is_past_cycle(job.cycle, issued_on):
                # Never issued in its own year: said on the paper, and registered in the year it is issued.
                data["late_text"] = _(
                    "Văn bản ban hành muộn: thuộc kỳ đánh giá năm %(year)d, ban hành ngày %(day)s, "
                    "vào sổ văn bản đi năm %(register)d."
                ) % {
                    "year": job.cycle.year,
                    "day": date_format(issued_on, "d/m/Y"),
                    "register": issued_on.year,
                }
    data["replaces_text"] = _replaces_text(previous)

    parts = _parts(job.kind, data)
    heartbeat.report(10)

    def on_part(done: int) -> None:
        # Laying the parts out is most of the work (10 → 85 %); writing the PDF the rest.
        heartbeat.report(10 + int(75 * done / len(parts)))
        _pause_for_tests()

    # The "replaces" line belongs to this document; the pack's parts keep what they printed themselves.
    html = [
        document_html(
            template,
            part
            if job.kind == DocumentKind.CONFERENCE_PACK or (job.kind == DocumentKind.SUBMISSION and index)
            else {**part, "replaces_text": data["replaces_text"]},
        )
        for index, (template, part) in enumerate(parts)
    ]
    pdf, pages = pdf_from_html(html, on_part=on_part, title=data.get("outline") or data.get("filename", ""))
    heartbeat.report(95)
    return document_store(
        job,
        data=data,
        previous=previous,
        pdf=pdf,
        pages=pages,
        numbered=(number, symbol, issuer, type_code, issued_on),
    )


def subject_lock(kind: str, subject_key: str) -> None:
    """Versions of one paper are stored one at a time (issue #16 item 1): two renders of the same subject (the
    report asked twice with different remarks while the worker was stopped) both read version 1 as the newest;
    locking that row let the second one, once the first committed, still see version 1 (its query's snapshot
    predates version 2) and fail on `replaces_id`. A transaction-scoped advisory lock on the subject is taken
    before the newest version is read, so the second render reads version 2 and renders again against it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{kind}|{subject_key}"])


def document_store(
    job: DocumentJob,
    *,
    data: dict[str, Any],
    previous: Document | None,
    pdf: bytes,
    pages: int,
    numbered: tuple[int | None, str, Organisation | None, str, date],
    filename: str = "document.pdf",
) -> Document:
    """Store a rendered paper in one short transaction: its version against the newest (under the subject's lock),
    its number from the register, the audit event, the job done. The file is written in the transaction and
    removed if the transaction does not commit, so a failed store leaves no file without a row."""
    number, symbol, issuer, type_code, issued_on = numbered
    draft = job.kind in REGISTER_CODES and not job.issue
    document: Document | None = None
    try:
        with transaction.atomic():
            subject_lock(job.kind, job.subject_key)
            newest = (
                None
                if draft
                else Document.objects.filter(kind=job.kind, subject_key=job.subject_key, is_draft=False)
                .order_by("-version")
                .first()
            )
            if getattr(newest, "pk", None) != getattr(previous, "pk", None):
                raise _RegisterMoved
            if number is not None:
                assert issuer is not None
                # The number is taken at issue, under the register's row lock (Decree 30/2020 Art. 15(2)).
                if register_number_take(issuer=issuer, year=issued_on.year, type_code=type_code) != number:
                    raise _RegisterMoved
            document = Document(
                job=job,
                kind=job.kind,
                cycle=job.cycle,
                evaluation=job.evaluation,
                subject_key=job.subject_key,
                is_draft=draft,
                version=0 if draft else ((previous.version + 1) if previous else 1),
                replaces=previous,
                issuer=issuer,
                year=issued_on.year if number else job.cycle.year,
                number=number,
                symbol=symbol,
                issued_on=issued_on,
                data=data,
                checksum=job.checksum,
                shows_decision=job.shows_decision,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                page_count=pages,
            )
            document.pdf.save(filename, ContentFile(pdf), save=False)
            document.save()
            # Issue #5/#6: every document issued is an audit event, in the issuing transaction.
            audit_record(
                action=Action.DOCUMENT_ISSUED,
                actor=job.requested_by,
                cycle=job.cycle,
                evaluation=job.evaluation,
                target=f"document:{document.pk}",
                after={
                    "kind": document.kind,
                    "number": document.number_text,
                    "version": document.version,
                    "draft": draft,
                    "pages": pages,
                    "sha256": document.pdf_sha256,
                },
            )
            finished = DocumentJob.objects.filter(
                pk=job.pk, claim_token=job.claim_token, status=JobStatus.RUNNING
            ).update(status=JobStatus.DONE, progress=100, finished_at=timezone.now())
            if not finished:
                # Taken over meanwhile: roll back this document (and its number) and leave the job to the other.
                raise ClaimLost
    except BaseException:
        # Also when the commit itself fails: the row is not there, so neither may the file be.
        if document is not None and document.pdf.name:
            document.pdf.delete(save=False)
        raise
    return document


# --- The reconciler ------------------------------------------------------------------------------------


def document_jobs_reconcile() -> int:
    """Send again every job that may have no message: queued and never sent (broker down), queued and sent
    a while ago without being taken, or running with a dead claim. Duplicates are harmless (the claim).
    Runs from beat every minute and as `manage.py documents_reconcile`. Returns how many were sent."""
    now = timezone.now()
    resend_before = now - timedelta(seconds=_setting("DOCUMENTS_RESEND_AFTER_SECONDS", 120))
    stale_before = now - timedelta(seconds=_setting("DOCUMENTS_STALE_AFTER_SECONDS", 60))
    candidates = DocumentJob.objects.filter(
        Q(status=JobStatus.QUEUED, enqueued_at__isnull=True)
        | Q(status=JobStatus.QUEUED, enqueued_at__lt=resend_before)
        | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
    ).values_list("pk", flat=True)
    sent = 0
    for job_id in list(candidates[:500]):
        sent += job_enqueue(job_id=job_id)
    from .parts import parts_reconcile

    return sent + parts_reconcile()


def conference_report_from_issued(*, cycle: Cycle, by: User) -> Document:
    """Attach the Home Affairs report the portal itself issued to the conference record (issue #13 item 6), instead
    of asking Home Affairs to download it and upload it again. Refused while no report has been issued."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conference.models import Conference
    from conference.services import conference_report_attach

    report = _issued(DocumentKind.REPORT, f"cycle:{cycle.pk}")
    if report is None:
        raise DocumentError(
            _(
                "Chưa có báo cáo ban hành (có số) cho kỳ này: hãy ban hành báo cáo trên trang văn bản của kỳ trước."
            )
        )
    conference = Conference.objects.filter(cycle=cycle).first()
    if conference is None:
        raise DocumentError(_("Hãy ghi thông tin hội nghị trước khi đính kèm báo cáo."))
    with report.pdf.open("rb") as handle:
        name = f"Bao-cao-so-{report.number_text.replace('/', '-')}.pdf"
        upload = SimpleUploadedFile(name, handle.read(), content_type="application/pdf")
    conference_report_attach(conference=conference, upload=upload, by=by)
    return report
