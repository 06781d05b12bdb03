from celery import shared_task

from . import services


# acks_late and reject_on_worker_lost are global settings; repeated here because this task depends on them:
# a worker killed mid-render gives the message back, and the claim makes the second delivery safe.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def document_render(job_id: int) -> str:
    return services.document_job_run(job_id=job_id)


# One slice of a long paper (documents/parts.py): claimed and redelivered exactly like a whole job.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def document_part_render(part_id: int) -> str:
    from .parts import part_run

    return part_run(part_id=part_id)


@shared_task(ignore_result=True)
def documents_reconcile() -> int:
    return services.document_jobs_reconcile()
