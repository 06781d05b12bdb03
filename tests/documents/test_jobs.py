"""The job row as the outbox, de-duplication by checksum, snapshots and versions, the claim."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentJob, DocumentKind, JobStatus
from documents.tasks import document_render
from reviews.models import Evaluation

from .conftest import fill, pdf_text, run

pytestmark = pytest.mark.django_db


def _ask(evaluation, user, **kwargs):
    return services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=user, **kwargs)


def test_asking_records_a_queued_job_and_enqueues_only_after_commit(
    evaluation_a, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _ask(evaluation_a, cast.users["home_affairs"])
    # Only what was asked and for whom (issue #15): the worker takes the data.
    assert job.status == JobStatus.QUEUED and job.attempts == 0 and job.checksum == "" and job.data is None
    assert job.subject_key == f"evaluation:{evaluation_a.pk}" and job.request["show_decision"] is True
    assert len(callbacks) == 1  # the message goes out after the commit, never before
    assert Document.objects.count() == 0  # nothing rendered in the request


def test_the_same_data_returns_the_existing_file_instead_of_rendering_again(evaluation_a, cast):
    first = _ask(evaluation_a, cast.users["home_affairs"])
    assert run(first) == "done"
    again = _ask(evaluation_a, cast.users["chair"])
    # The worker takes the data, finds it the same and renders nothing: the job is the first one.
    assert run(again) == "same" and again.resolved.pk == first.pk and again.status == JobStatus.DONE
    assert Document.objects.count() == 1 and first.document.data["person"]["full_name"] == "Nguyễn Thị An"


def test_changed_data_is_a_new_version_that_says_what_it_replaces(evaluation_a, cast):
    first = _ask(evaluation_a, cast.users["home_affairs"])
    run(first)
    fill(evaluation_a, text="Bổ sung: giải ngân đạt 98% kế hoạch vốn.")
    second = _ask(evaluation_a, cast.users["home_affairs"])
    assert second.pk != first.pk
    run(second)
    assert second.document.version == 2 and second.document.replaces == first.document
    assert "Bản in lần 2, thay thế bản in lần 1 ngày" in pdf_text(second.document)
    assert "thay thế" not in pdf_text(first.document)


def test_an_issued_document_stays_byte_identical_when_the_data_changes(evaluation_a, cast):
    job = _ask(evaluation_a, cast.users["home_affairs"])
    run(job)
    document = job.document
    with document.pdf.open("rb") as handle:
        before = handle.read()
    data_before = dict(document.data)
    fill(evaluation_a, text="Nội dung đã sửa sau khi in.")
    Evaluation.objects.filter(pk=evaluation_a.pk).update(status="decided", final_level="htnv")
    _ask(evaluation_a, cast.users["home_affairs"])  # a new job, not run: the old paper must not move
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        assert handle.read() == before
    assert document.data == data_before
    assert "Nội dung đã sửa" not in pdf_text(document)


def test_a_duplicate_delivery_renders_once(evaluation_a, cast):
    job = _ask(evaluation_a, cast.users["home_affairs"])
    assert document_render.run(job.pk) == "done"
    assert document_render.run(job.pk) == "skipped"
    assert Document.objects.filter(job=job).count() == 1
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_live_claim_is_not_taken_but_a_stale_one_is(evaluation_a, cast, settings):
    job = _ask(evaluation_a, cast.users["home_affairs"])
    claimed = services.job_claim(job_id=job.pk)
    assert claimed is not None and claimed.status == JobStatus.RUNNING
    assert services.job_claim(job_id=job.pk) is None  # alive (heartbeat fresh, this very process)
    DocumentJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.DOCUMENTS_STALE_AFTER_SECONDS + 1)
    )
    assert run(job) == "done"
    assert job.attempts == 2 and job.claim_token != claimed.claim_token


def test_a_claim_of_a_process_that_no_longer_exists_is_taken_at_once(evaluation_a, cast):
    import socket
    import subprocess
    import sys

    job = _ask(evaluation_a, cast.users["home_affairs"])
    services.job_claim(job_id=job.pk)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    DocumentJob.objects.filter(pk=job.pk).update(claimed_by=f"{socket.gethostname()}:{gone.pid}")
    assert run(job) == "done"


def test_attempts_are_capped(evaluation_a, cast, settings):
    job = _ask(evaluation_a, cast.users["home_affairs"])
    stale = timezone.now() - timedelta(seconds=settings.DOCUMENTS_STALE_AFTER_SECONDS + 1)
    for _ in range(settings.DOCUMENTS_MAX_ATTEMPTS):
        assert services.job_claim(job_id=job.pk) is not None
        DocumentJob.objects.filter(pk=job.pk).update(heartbeat_at=stale)
    assert run(job) == "skipped"
    assert job.status == JobStatus.FAILED and "Đã thử tạo văn bản 3 lần" in job.error
    assert not Document.objects.exists()


def test_a_failed_render_says_why_in_vietnamese_and_can_be_retried(evaluation_a, cast, settings, tmp_path):
    job = _ask(evaluation_a, cast.users["home_affairs"])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    assert run(job) == "failed"
    assert job.status == JobStatus.FAILED and job.error.startswith("Không tạo được tệp PDF")
    settings.MEDIA_ROOT = tmp_path / "media"
    retried = services.document_job_retry(job=job, by=cast.users["home_affairs"])
    assert retried.pk == job.pk and retried.status == JobStatus.QUEUED and retried.attempts == 0
    assert run(job) == "done" and job.document.page_count >= 1


def test_the_reconciler_sends_jobs_that_never_left_and_leaves_fresh_ones(evaluation_a, cast, settings):
    never_sent = _ask(evaluation_a, cast.users["home_affairs"])  # on_commit never ran: enqueued_at is None
    assert never_sent.enqueued_at is None
    fresh = _ask(cast.official_b.enrolments.get().evaluation, cast.users["home_affairs"])
    DocumentJob.objects.filter(pk=fresh.pk).update(enqueued_at=timezone.now())
    redis_url = settings.CELERY_BROKER_URL
    assert redis_url.startswith("redis://")
    assert services.document_jobs_reconcile() == 1
    never_sent.refresh_from_db()
    assert never_sent.enqueued_at is not None
    call_command("documents_reconcile")  # the management command does the same (nothing left now)
