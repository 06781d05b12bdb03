from celery import shared_task

from common.tasks import TRANSIENT_DB_ERRORS

from . import services


# acks_late and reject_on_worker_lost are global settings; repeated here because this task depends on them:
# a worker killed mid-render gives the message back, and the claim makes the second delivery safe.
# A dropped database connection (issue #16 item 4) is retried with backoff: the retry finds the job still
# claimed, and takes it over once its heartbeat is stale (DOCUMENTS_STALE_AFTER_SECONDS), as after a kill.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def document_render(job_id: int) -> str:
    return services.document_job_run(job_id=job_id)


# One slice of a long paper (documents/parts.py): claimed and redelivered exactly like a whole job, and retried
# like it after a dropped database connection.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def document_part_render(part_id: int) -> str:
    from .parts import part_run

    return part_run(part_id=part_id)


@shared_task(ignore_result=True, autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True, max_retries=3)
def documents_reconcile() -> int:
    return services.document_jobs_reconcile()
