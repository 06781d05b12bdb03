"""Issue #15: a long paper (the conference pack, all forms) rendered in slices by any worker and assembled with its
whole outline; each slice claimed like a job, so a duplicate delivery renders nothing twice. Run in this process
(the worker's code, for real); the kills are in test_worker_documents.py."""

import pytest
from django.core.files.storage import default_storage

from documents import parts, services
from documents.models import DocumentJob, DocumentKind, DocumentPart, JobStatus, PartStatus

from .conftest import pdf_reader, pdf_text, run

pytestmark = pytest.mark.django_db


def _render_in_parts(job):
    assert run(job) == "split" and job.status == JobStatus.PARTS
    slices = list(job.parts.order_by("index"))
    for part in slices:
        assert parts.part_run(part_id=part.pk) == "done"
        assert parts.part_run(part_id=part.pk) == "skipped"  # a second delivery renders nothing
    assert run(job) == "done"
    return slices


def test_a_pack_rendered_in_parts_reads_back_whole_with_its_outline(cast, compiled, settings):
    settings.DOCUMENTS_PART_SIZE = 2  # report + table, then the forms two by two
    job = services.document_request(
        kind=DocumentKind.CONFERENCE_PACK, cycle=cast.cycle, by=cast.users["chair"]
    )
    slices = _render_in_parts(job)
    assert len(slices) == 3
    document = job.document
    reader = pdf_reader(document)
    assert document.page_count == len(reader.pages) == sum(part.page_count for part in job.parts.all())
    text = pdf_text(document)
    for evaluation in compiled:
        assert evaluation.enrolment.full_name in text
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Báo cáo của Sở Nội vụ", "Danh sách tổng hợp", "Phiếu đánh giá, xếp loại chất lượng"]
    # The forms of later slices nest under the parent entry printed by the first one.
    assert [item.title for item in outline[3]] == [
        f"{e.enrolment.full_name} – {e.enrolment.title}"
        for e in sorted(compiled, key=lambda e: (e.enrolment.agenda_order, e.enrolment.full_name))
    ]
    # Each entry points at its own first page, in order.
    starts = [reader.get_destination_page_number(item) for item in outline[3]]
    assert starts == sorted(starts) and len(set(starts)) == 3
    # Assembled: the slices' files are gone, their rows kept with one attempt each.
    parts_folder = f"documents/parts/{job.pk}"
    assert not default_storage.exists(parts_folder) or not default_storage.listdir(parts_folder)[1]
    assert all(p.status == PartStatus.DONE and p.attempts == 1 and not p.pdf for p in job.parts.all())


def test_all_forms_in_parts_are_the_same_pages_as_in_one_render(cast, compiled, settings):
    whole = services.document_request(
        kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=cast.users["chair"]
    )
    assert run(whole) == "done"
    pages = whole.document.page_count
    titles = [item.title for item in pdf_reader(whole.document).outline]
    # The same data again in slices of one form each (the first job set aside so that it is rendered anew).
    DocumentJob.objects.filter(pk=whole.pk).update(status=JobStatus.FAILED)
    settings.DOCUMENTS_PART_SIZE = 1
    sliced = services.document_request(
        kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=cast.users["home_affairs"]
    )
    assert len(_render_in_parts(sliced)) == 3
    assert sliced.document.page_count == pages
    assert [item.title for item in pdf_reader(sliced.document).outline] == titles
    assert DocumentPart.objects.filter(job=sliced, attempts=1).count() == 3
