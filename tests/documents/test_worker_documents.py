"""The outbox against the real Redis and a real Celery worker process (no eager mode, nothing mocked):
a worker killed mid-render, the whole worker killed, and the broker down when the document is asked for."""

import os
import signal
import time

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentJob, DocumentKind, JobStatus
from tests.factories import OfficialFactory, enrol
from tests.worker import TIMINGS

from .conftest import fill

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(job, condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.1)
    raise AssertionError(
        f"job {job.pk} stuck at {job.status} ({job.progress}%, attempts {job.attempts}): {job.error}"
    )


def _big_job(cast, people=20):
    """All forms of a cohort with long texts: several seconds of rendering, time to kill it midway."""
    long_text = "\n".join(f"Ý {i}: tham mưu, giải quyết hồ sơ đúng hạn; chuyển đổi số." for i in range(25))
    for official in (cast.official_a, cast.official_b):
        fill(official.enrolments.get().evaluation, text=long_text)
    for _ in range(people - 2):
        fill(enrol(cast.cycle, OfficialFactory()).evaluation, text=long_text)
    return services.document_request(
        kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=cast.users["office_staff"]
    )


def test_a_render_killed_mid_way_is_redelivered_and_rendered_once(cast, start_worker):
    start_worker()
    job = _big_job(cast)  # enqueued after commit, to the real Redis
    job = _wait(job, lambda j: j.status == JobStatus.RUNNING)
    host, _, pid = job.claimed_by.rpartition(":")
    time.sleep(1.0)  # well into the render
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.RUNNING
    os.kill(int(pid), signal.SIGKILL)  # the pool child rendering it (OOM killer, kill -9)

    # acks_late + reject_on_worker_lost give the message back; the claim of a dead process is taken over.
    job = _wait(job, lambda j: j.status == JobStatus.DONE)
    assert job.attempts == 2
    assert Document.objects.filter(job=job).count() == 1
    assert Document.objects.get(job=job).page_count >= 40


def test_a_whole_worker_killed_is_recovered_by_the_reconciler(cast, start_worker):
    first = start_worker("first")
    job = _big_job(cast)
    job = _wait(job, lambda j: j.status == JobStatus.RUNNING)
    time.sleep(0.5)
    os.killpg(first.pid, signal.SIGKILL)  # parent and child at once: the message stays unacknowledged
    first.wait()
    start_worker("second")
    # The heartbeat has stopped; after DOCUMENTS_STALE_AFTER_SECONDS the reconciler sends the job again.
    time.sleep(int(TIMINGS["DOCUMENTS_STALE_AFTER_SECONDS"]) + 1)
    assert services.document_jobs_reconcile() == 1
    job = _wait(job, lambda j: j.status == JobStatus.DONE)
    assert job.attempts == 2 and Document.objects.filter(job=job).count() == 1


def _point_celery_at(url):
    from evaluation_portal.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def dead_broker():
    """Point this process's Celery app at a port where nothing listens, as when Redis is down."""
    _point_celery_at("redis://127.0.0.1:9/0")
    yield
    _point_celery_at(settings.CELERY_BROKER_URL)


def test_asking_while_the_broker_is_down_records_the_job_and_the_reconciler_sends_it_later(
    cast, login, dead_broker, start_worker
):
    evaluation = fill(cast.official_a.enrolments.get().evaluation)
    client = login(cast.users["official_a"])
    started = time.monotonic()
    response = client.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation.pk}))
    assert response.status_code == 302 and time.monotonic() - started < 5
    job = DocumentJob.objects.get()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is None  # recorded, not sent
    assert services.document_jobs_reconcile() == 0  # still down: nothing sent, nothing lost

    # Redis is back and a worker runs: the reconciler sends the job and it is rendered.
    _point_celery_at(settings.CELERY_BROKER_URL)
    start_worker()
    assert services.document_jobs_reconcile() == 1
    job = _wait(job, lambda j: j.status == JobStatus.DONE)
    assert job.attempts == 1 and Document.objects.filter(job=job).count() == 1


def test_a_job_delivered_three_times_to_a_real_worker_is_rendered_once(cast, start_worker):
    start_worker()
    evaluation = fill(cast.official_a.enrolments.get().evaluation)
    job = services.document_request(
        kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=cast.users["chair"]
    )
    # The after-commit message plus two more, as a reconciler racing a slow worker or a broker redelivery would.
    assert services.job_enqueue(job_id=job.pk) and services.job_enqueue(job_id=job.pk)
    job = _wait(job, lambda j: j.status == JobStatus.DONE)
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + 30
    while queue.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # the last delivery is being skipped
    job.refresh_from_db()
    assert job.attempts == 1 and Document.objects.filter(job=job).count() == 1
