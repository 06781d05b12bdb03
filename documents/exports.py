"""The compilation table as an Excel workbook, built by the worker (issue #15).

At 5,000 people the synchronous export took 74 s and gunicorn's 60 s timeout killed it. It is now a document job
like a paper: the request records what and for whom, the worker builds the workbook with its progress on the job's
bar, and stores it as a `Document` (a file with its SHA-256, versioned, audited) that the job page offers for
download. Not a paper: no draft, no number, and the workbook is always "as of now" (its data is when it was taken).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone, translation

from reviews.selectors import LevelSource, cohort_standing
from reviews.spreadsheets.export import compilation_workbook

from .models import Document, DocumentJob

XLSX_SUFFIX = ".xlsx"


def workbook_snapshot(job: DocumentJob) -> dict[str, Any]:
    """What the job records of the workbook: its name and when its data is taken (each export is "as of now", so
    two exports are two versions; asking twice while the first waits is still one job, by its request)."""
    return {
        "filename": f"tong-hop-de-xuat-{job.cycle.year}{XLSX_SUFFIX}",
        "taken_at": timezone.now().isoformat(),
    }


def workbook_render_and_store(job: DocumentJob, report: Callable[[int], None]) -> Document:
    """Build the workbook from the proposals' standing now and store it; progress 10 → 90 % by rows written."""
    from .services import _today, document_store

    report(10)

    def on_progress(done: int, total: int) -> None:
        report(10 + int(80 * done / max(total, 1)))

    # The clerk's workbook reads in the portal's source language like the papers (issue #14).
    with translation.override("vi"):
        standing = cohort_standing(job.cycle, LevelSource.PROPOSED)
        content = compilation_workbook(cycle=job.cycle, standing=standing, on_progress=on_progress)
    report(95)
    previous = (
        Document.objects.filter(kind=job.kind, subject_key=job.subject_key, is_draft=False)
        .order_by("-version")
        .first()
    )
    assert job.data is not None
    return document_store(
        job,
        data=job.data,
        previous=previous,
        pdf=content,
        pages=len(standing.rows),
        numbered=(None, "", None, "", _today()),
        filename=job.data["filename"],
    )
