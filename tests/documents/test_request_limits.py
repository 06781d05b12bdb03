"""One person cannot flood the printers (issue #18 item 6): new jobs of one kind per person are limited per window
with a clear message, asking again for the same data costs nothing, and a cohort's pack goes to its own queue so a
person's own form is never stuck behind it."""

import pytest

from documents import services
from documents.errors import DocumentError
from documents.models import DocumentJob, DocumentKind

from .conftest import fill, run

pytestmark = pytest.mark.django_db


def test_new_requests_of_one_kind_are_limited_per_person(evaluation_a, cast, settings):
    settings.DOCUMENTS_REQUESTS_PER_WINDOW = 3
    office = cast.users["home_affairs"]
    for number in range(2):
        fill(evaluation_a, text=f"Lần sửa thứ {number}")  # changed data: a new job each time
        run(services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=office))
    # Asking again for the same data is the existing job (the worker finds it the same, issue #15): it renders
    # nothing and does not count against the limit.
    again = services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=office)
    assert run(again) == "same" and again.resolved.pk == DocumentJob.objects.exclude(pk=again.pk).first().pk
    fill(evaluation_a, text="Lần sửa thứ ba")
    run(services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=office))
    assert DocumentJob.objects.filter(same_as__isnull=True).count() == 3
    fill(evaluation_a, text="Lần sửa thứ tư")
    with pytest.raises(
        DocumentError, match="3 văn bản loại “Phiếu đánh giá, xếp loại chất lượng” trong 10 phút"
    ):
        services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=office)
    assert DocumentJob.objects.count() == 4
    # Another kind, or another person, is not held back.
    services.document_request(kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=office)
    services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=cast.users["chair"])


def test_a_cohorts_pack_goes_to_its_own_queue():
    assert services.queue_for(DocumentKind.CONFERENCE_PACK) == services.QUEUE_BULK
    assert services.queue_for(DocumentKind.RATING_FORMS) == services.QUEUE_BULK
    assert services.queue_for(DocumentKind.TRACKING_PERIOD_FORMS) == services.QUEUE_BULK
    assert services.queue_for(DocumentKind.RATING_FORM) == services.QUEUE_PAPERS == "celery"
    assert services.queue_for(DocumentKind.NOTICE) == "celery"


def test_the_job_is_sent_to_the_queue_of_its_kind(evaluation_a, cast, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "documents.tasks.document_render.apply_async", lambda args, **options: sent.append(options["queue"])
    )
    job = services.document_request(
        kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=cast.users["home_affairs"]
    )
    services.job_enqueue(job_id=job.pk)
    form = services.document_request(
        kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=cast.users["home_affairs"]
    )
    services.job_enqueue(job_id=form.pk)
    assert sent == ["documents_bulk", "celery"]
