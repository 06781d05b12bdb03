"""Long papers rendered in parts by several workers at once (issue #15).

The conference pack and "all forms" of a cohort (RATING_FORMS, TRACKING_PERIOD_FORMS) are hundreds to thousands of
separately laid-out parts (one per person, plus the report and the table). One worker rendered a 400-person pack in
about two minutes and needed memory for all of it. Here the worker that takes the job's data splits the paper into
`DocumentPart` rows of DOCUMENTS_PART_SIZE laid-out parts each (the job waits in PARTS) and sends one message per
part; any worker claims a part exactly like a job (a conditional UPDATE with a fresh token, a heartbeat, taken over
when its worker dies), renders it and stores its PDF with its bookmarks. The worker that finishes the last part sends
the job again: it is claimed once more and assembled with pypdf into one PDF whose outline is rebuilt from every
part's bookmarks, then stored like any paper (`services.document_store`: version, audit, the file only with its row).

Celery's own group/chord would need a result backend the project does not run (results are ignored); the rows do
the counting, so a part that is lost, killed or delivered twice is settled by the same claim and reconciler as a job.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from .models import Document, DocumentJob, DocumentKind, DocumentPart, JobStatus, PartStatus
from .rendering import document_html, pdf_with_bookmarks
from .services import (
    PAPER_LANGUAGE,
    ClaimLost,
    _Heartbeat,
    _parts,
    _pause_for_tests,
    _RegisterMoved,
    _replaces_text,
    claimable_now,
    document_store,
    row_claim,
)

logger = logging.getLogger(__name__)

PARTED_KINDS = (DocumentKind.RATING_FORMS, DocumentKind.CONFERENCE_PACK, DocumentKind.TRACKING_PERIOD_FORMS)


def part_size() -> int:
    """Laid-out parts (one person's form, the report, the table) per slice: a worker's memory is bounded by it."""
    return max(1, int(getattr(settings, "DOCUMENTS_PART_SIZE", 25)))


def parts_wanted(job: DocumentJob) -> bool:
    """Whether the job is rendered in parts: a long paper of a cohort, or one already split."""
    if job.kind not in PARTED_KINDS or job.data is None:
        return False
    return job.status == JobStatus.PARTS or len(_parts(job.kind, job.data)) > part_size()


def _previous(job: DocumentJob) -> Document | None:
    return (
        Document.objects.filter(kind=job.kind, subject_key=job.subject_key, is_draft=False)
        .order_by("-version")
        .first()
    )


def _laid_out(job: DocumentJob, previous: Document | None) -> list[list[Any]]:
    """[template, data] of every laid-out part, with the "replaces" line a paper of its own prints."""
    assert job.data is not None
    replaces = _replaces_text(previous)
    return [
        [template, part if job.kind == DocumentKind.CONFERENCE_PACK else {**part, "replaces_text": replaces}]
        for template, part in _parts(job.kind, job.data)
    ]


def parts_run(job: DocumentJob) -> str:
    """The claimed job of a long paper: assemble it (claimed once every slice is done) or split it (any other claim:
    the first, a retry, or a take-over before the slices were written)."""
    if getattr(job, "assembling", False):
        return parts_join(job)
    return parts_split(job)


def parts_split(job: DocumentJob) -> str:
    previous = _previous(job)
    laid_out = _laid_out(job, previous)
    size = part_size()
    with transaction.atomic():
        moved = DocumentJob.objects.filter(
            pk=job.pk, claim_token=job.claim_token, status=JobStatus.RUNNING
        ).update(
            status=JobStatus.PARTS,
            progress=10,
            # Which version the parts print "replaces" against: checked again when the paper is stored.
            request={**(job.request or {}), "previous": previous.pk if previous else None},
        )
        if not moved:
            raise ClaimLost
        _parts_discard(job)  # the slices of an earlier attempt (retried, or taken over before it was split)
        parts = DocumentPart.objects.bulk_create(
            DocumentPart(job=job, index=index, items=laid_out[start : start + size])
            for index, start in enumerate(range(0, len(laid_out), size))
        )
        part_ids = [part.pk for part in parts]
        transaction.on_commit(lambda: [part_enqueue(part_id=pk) for pk in part_ids], robust=True)
    return "split"


def part_enqueue(*, part_id: int) -> bool:
    """Send a part to the bulk queue; a broker outage leaves it for the reconciler (the part row is the outbox)."""
    from .tasks import document_part_render

    try:
        document_part_render.apply_async(
            (part_id,),
            queue="documents_bulk",
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        )
    except Exception:
        logger.warning(
            "document part %s: broker unreachable, left for the reconciler", part_id, exc_info=True
        )
        return False
    DocumentPart.objects.filter(pk=part_id).update(enqueued_at=timezone.now())
    return True


def part_run(*, part_id: int) -> str:
    """A worker's part: claim it, render its slice, store the slice's PDF, and send the job for assembly when it
    was the last part. Returns what happened, for the log."""
    part = DocumentPart.objects.filter(pk=part_id).select_related("job").first()
    if part is None or part.status == PartStatus.DONE or part.job.status != JobStatus.PARTS:
        return "skipped"
    claimable = claimable_now(part)
    if claimable is None or not row_claim(DocumentPart, part.pk, claimable):
        return "skipped"
    part.refresh_from_db()
    heartbeat = _Heartbeat(part.pk, part.claim_token, model=DocumentPart)
    heartbeat.start()
    try:
        with translation.override(PAPER_LANGUAGE):
            html = [document_html(template, data) for template, data in part.items]

            def on_part(done: int) -> None:
                heartbeat.report(1)
                _pause_for_tests()

            pdf, pages, bookmarks = pdf_with_bookmarks(html, on_part=on_part)
        return _part_store(part, pdf, pages, bookmarks)
    except Exception:
        logger.exception("document part %s failed", part.pk)
        # Given back to the queue for another try (the attempts cap fails the job after DOCUMENTS_MAX_ATTEMPTS).
        DocumentPart.objects.filter(
            pk=part.pk, claim_token=part.claim_token, status=PartStatus.RUNNING
        ).update(status=PartStatus.QUEUED, enqueued_at=None)
        return "failed"
    finally:
        heartbeat.stop()


def _part_store(part: DocumentPart, pdf: bytes, pages: int, bookmarks: list[list[int | str]]) -> str:
    part.pdf.save("part.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            stored = DocumentPart.objects.filter(
                pk=part.pk, claim_token=part.claim_token, status=PartStatus.RUNNING
            ).update(
                status=PartStatus.DONE,
                pdf=part.pdf.name,
                page_count=pages,
                bookmarks=bookmarks,
                finished_at=timezone.now(),
            )
            if not stored:
                raise ClaimLost
            total = DocumentPart.objects.filter(job_id=part.job_id).count()
            done = DocumentPart.objects.filter(job_id=part.job_id, status=PartStatus.DONE).count()
            # Laying the parts out is most of the work (10 → 85 %), assembling the rest.
            DocumentJob.objects.filter(pk=part.job_id, status=JobStatus.PARTS).update(
                progress=10 + 75 * done // total, heartbeat_at=timezone.now()
            )
            if done == total:
                from .services import job_enqueue

                transaction.on_commit(lambda: job_enqueue(job_id=part.job_id), robust=True)
    except BaseException:
        # Not stored (taken over, or the database failed): the slice's file goes with it.
        part.pdf.delete(save=False)
        raise
    return "done"


def parts_join(job: DocumentJob) -> str:
    """Assemble the parts into one PDF with the whole outline and store it as the paper."""
    from pypdf import PdfReader, PdfWriter

    parts = list(job.parts.order_by("index"))
    previous_pk = (job.request or {}).get("previous")
    previous = Document.objects.filter(pk=previous_pk).first() if previous_pk else None
    if getattr(_previous(job), "pk", None) != previous_pk:
        # Another version was stored while the parts were rendered: they print the wrong "replaces" line.
        return _split_again(job)
    writer = PdfWriter()
    open_at: dict[int, Any] = {}  # the last outline entry of each level, the parent of the next deeper one
    offset = 0
    for part in parts:
        with part.pdf.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        writer.append(reader, import_outline=False)
        for level, label, page in part.bookmarks:
            parent = next((open_at[k] for k in range(int(level) - 1, 0, -1) if k in open_at), None)
            open_at[int(level)] = writer.add_outline_item(
                title=str(label), page_number=offset + int(page), parent=parent
            )
            for deeper in [k for k in open_at if k > int(level)]:
                del open_at[deeper]
        offset += len(reader.pages)
    assert job.data is not None
    title = job.data.get("outline") or job.data.get("filename", "")
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = dict(job.data)
    data["replaces_text"] = _replaces_text(previous)
    try:
        document_store(
            job,
            data=data,
            previous=previous,
            pdf=buffer.getvalue(),
            pages=offset,
            numbered=(None, "", None, "", _issued_on(job)),
        )
    except _RegisterMoved:
        return _split_again(job)
    _parts_discard(job, keep_rows=True)
    return "done"


def _issued_on(job: DocumentJob) -> Any:
    from datetime import date

    from .services import _today

    assert job.data is not None
    return date.fromisoformat(job.data["dated_on"]) if job.data.get("dated_on") else _today()


def _split_again(job: DocumentJob) -> str:
    return parts_split(job)


def _parts_discard(job: DocumentJob, *, keep_rows: bool = False) -> None:
    """Remove the slices' files; the rows too unless `keep_rows` (once assembled they stay as the record of who
    rendered what, how many attempts each slice took)."""
    for part in job.parts.exclude(pdf=""):
        part.pdf.delete(save=False)
    if keep_rows:
        job.parts.update(pdf="", items=[])
    else:
        job.parts.all().delete()


def parts_reconcile() -> int:
    """Send again every part that may have no message (never sent, sent long ago and not taken, running under a
    dead claim) and every split job whose parts are all done but which was not assembled. Returns how many."""
    from datetime import timedelta

    from .services import _setting, job_enqueue

    now = timezone.now()
    resend_before = now - timedelta(seconds=_setting("DOCUMENTS_RESEND_AFTER_SECONDS", 120))
    stale_before = now - timedelta(seconds=_setting("DOCUMENTS_STALE_AFTER_SECONDS", 60))
    parts = DocumentPart.objects.filter(job__status=JobStatus.PARTS).filter(
        Q(status=PartStatus.QUEUED, enqueued_at__isnull=True)
        | Q(status=PartStatus.QUEUED, enqueued_at__lt=resend_before)
        | Q(status=PartStatus.RUNNING, heartbeat_at__lt=stale_before)
    )
    sent = sum(part_enqueue(part_id=pk) for pk in list(parts.values_list("pk", flat=True)[:500]))
    assembled = (
        DocumentJob.objects.filter(status=JobStatus.PARTS, heartbeat_at__lt=resend_before)
        .exclude(parts__status__in=[PartStatus.QUEUED, PartStatus.RUNNING])
        .values_list("pk", flat=True)
    )
    for job_id in list(assembled[:100]):
        sent += job_enqueue(job_id=job_id)
        DocumentJob.objects.filter(pk=job_id).update(heartbeat_at=now)
    return sent
