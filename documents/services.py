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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from cycles.models import Cycle, CycleStatus
from officials.models import Organisation
from reviews.models import Evaluation

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
    from reviews.models import Objection
    from tracking.models import PeriodRecord, TrackingPeriod

logger = logging.getLogger(__name__)


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
    """Record that a document is wanted and return its job at once; the worker renders it.

    The data to print is taken now. If the same document was already made (or is being made) from the same
    data, that job is returned instead and nothing is rendered again. `show_decision` is False when the
    reader may not see a decided level yet (an official before publication). `options` are what the requester
    typed on the request form (the report's remarks and signer); they become part of the snapshot.

    A numbered paper (ISSUED_KINDS) is a draft unless `issue` (issue #14): the draft has "DỰ THẢO" on every page
    and no number; asking again for a paper already issued from the same data returns the issued one, and in a
    past cycle the issued paper is what any reprint returns. `issue` is the explicit act of the person who may
    sign (see `document_issue`): refused while the paper is incomplete, and refused when it would replace a
    paper issued from other data unless `reissue`.
    """
    request = _prepare(
        kind=kind,
        evaluation=evaluation,
        cycle=cycle,
        show_decision=show_decision,
        options=options,
        period_record=period_record,
        tracking_period=tracking_period,
        enrolment=enrolment,
        objection=objection,
    )
    checksum = checksum_of(request.data)
    if expected_checksum and checksum != expected_checksum:
        raise DocumentError(
            _(
                "Dữ liệu đã thay đổi từ khi in bản dự thảo này. Hãy in lại bản dự thảo, đọc lại rồi mới ban hành."
            )
        )
    issued = _issued(request.kind, request.subject_key) if request.kind in ISSUED_KINDS else None
    if issue:
        if request.kind not in ISSUED_KINDS:
            raise DocumentError(_("Loại văn bản này không có số nên không cần ban hành."))
        refusal = issue_refusal(request.kind, request.data, evaluation=request.evaluation)
        if refusal:
            raise DocumentError(refusal)
        if issued is not None and issued.checksum == checksum:
            return issued.job
        if issued is not None and not reissue:
            raise DocumentError(
                _(
                    "Văn bản này đã ban hành số %(number)s ngày %(day)s từ dữ liệu khác. Ban hành bản này sẽ thay "
                    "thế văn bản số %(number)s: hãy chọn “Ban hành lại (thay thế số %(number)s)”."
                )
                % {"number": issued.number_text, "day": date_format(issued.issued_on, "d/m/Y")}
            )
    elif issued is not None and (issued.checksum == checksum or is_past_cycle(request.cycle)):
        # Asking again: the issued paper (in a past cycle the stored paper, whatever the data now says).
        return issued.job
    existing = _same_job(request.kind, request.subject_key, checksum, issue)
    if existing is not None:
        return existing
    _check_request_rate(by, request.kind)
    try:
        with transaction.atomic():
            job = DocumentJob.objects.create(
                kind=request.kind,
                cycle=request.cycle,
                evaluation=request.evaluation,
                subject_key=request.subject_key,
                requested_by=by,
                data=request.data,
                checksum=checksum,
                issue=issue,
                shows_decision=request.shows_decision,
            )
            transaction.on_commit(lambda: job_enqueue(job_id=job.pk), robust=True)
    except IntegrityError:
        # Someone asked for the very same document a moment ago (unique per kind, subject and checksum).
        existing = _same_job(request.kind, request.subject_key, checksum, issue)
        if existing is None:
            raise
        return existing
    return job


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
        requested_by=by, kind=kind, created_at__gte=timezone.now() - window
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
    """Issue the paper a draft shows: the same inputs prepared again, refused if the data changed since the draft
    was printed (print a new draft and read it first), if the paper is incomplete, or if it would replace an
    issued paper without `reissue`. Returns the issuing job; the worker takes the number at render."""
    if job.kind not in ISSUED_KINDS:
        raise DocumentError(_("Loại văn bản này không có số nên không cần ban hành."))
    cohort_paper = job.evaluation_id is None
    objection = None
    if job.kind == DocumentKind.OBJECTION_DECISION:
        from reviews.models import Objection

        objection = Objection.objects.get(pk=job.subject_key.removeprefix("objection:"))
    issuing = document_request(
        kind=job.kind,
        by=by,
        evaluation=None if cohort_paper or objection else job.evaluation,
        cycle=job.cycle if cohort_paper else None,
        objection=objection,
        options=job.data.get("options"),
        issue=True,
        reissue=reissue,
        expected_checksum=job.checksum,
    )
    return issuing


def _same_job(kind: str, subject_key: str, checksum: str, issue: bool = False) -> DocumentJob | None:
    return (
        DocumentJob.objects.filter(kind=kind, subject_key=subject_key, checksum=checksum, issue=issue)
        .exclude(status=JobStatus.FAILED)
        .first()
    )


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
        return _same_job(job.kind, job.subject_key, job.checksum, job.issue) or job
    job.refresh_from_db()
    return job


# --- The worker's side ----------------------------------------------------------------------------------


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim_is_dead(job: DocumentJob, now: datetime) -> bool:
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
    """Take the job for this worker, or None if it is not ours to do (done, failed, or alive elsewhere)."""
    now = timezone.now()
    job = DocumentJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return None
    if job.status == JobStatus.QUEUED:
        claimable = Q(status=JobStatus.QUEUED)
    elif _claim_is_dead(job, now):
        claimable = Q(status=JobStatus.RUNNING, claim_token=job.claim_token)
    else:
        return None
    max_attempts = _setting("DOCUMENTS_MAX_ATTEMPTS", 3)
    token = uuid.uuid4()
    claimed = DocumentJob.objects.filter(claimable, pk=job_id, attempts__lt=max_attempts).update(
        status=JobStatus.RUNNING,
        claim_token=token,
        claimed_by=worker_identity(),
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=5,
        error="",
    )
    if claimed:
        job.refresh_from_db()
        return job
    # Tried too often (each attempt killed its worker): stop, say so, let a person retry.
    DocumentJob.objects.filter(claimable, pk=job_id, attempts__gte=max_attempts).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=_("Đã thử tạo văn bản %(n)d lần nhưng không xong (máy xử lý bị dừng giữa chừng).")
        % {"n": max_attempts},
    )
    return None


class _Heartbeat(threading.Thread):
    """Tells the database the claim is alive and how far the render is, from its own connection: every few
    seconds, and at once when the render reports progress (each part laid out, the PDF written)."""

    def __init__(self, job_id: int, token: uuid.UUID | None) -> None:
        super().__init__(daemon=True, name=f"document-heartbeat-{job_id}")
        self.job_id, self.token = job_id, token
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
                DocumentJob.objects.filter(
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
    issuer_id = job.data.get("issuer_id")
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
        _render_and_store(job, heartbeat)
    except ClaimLost:
        return "lost"
    except Exception as exc:
        logger.exception("document job %s failed", job.pk)
        DocumentJob.objects.filter(pk=job.pk, claim_token=job.claim_token, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "Không tạo được tệp PDF (%(error)s). Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống."
            )
            % {"error": type(exc).__name__},
        )
        return "failed"
    finally:
        heartbeat.stop()
    return "done"


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


def _render_once(job: DocumentJob, heartbeat: _Heartbeat) -> Document:
    data = dict(job.data)
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

    with transaction.atomic():
        # Versions of one subject are made one at a time: lock the newest; it must be the one printed against.
        newest = (
            None
            if draft
            else Document.objects.select_for_update()
            .filter(kind=job.kind, subject_key=job.subject_key, is_draft=False)
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
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        try:
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
    return sent


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
