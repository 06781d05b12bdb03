import logging
import os

from celery import Celery
from celery.signals import worker_ready
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evaluation_portal.settings.local")

# DjangoTask gives every task `delay_on_commit` (enqueue once the surrounding transaction has committed).
app = Celery("evaluation_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id of whoever queued a task follows it into the worker's log lines (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)


@worker_ready.connect
def _worker_ready(sender: object = None, **kwargs: object) -> None:
    """A worker that starts (after a crash, a deploy, a broker outage that restarted it) writes its heartbeat and
    asks at once for whatever waited: outbox e-mails and document jobs (issue #16 item 6)."""
    from common.health import worker_heartbeat_start

    worker_heartbeat_start()
    for task in ("common.tasks.outbox_reconcile", "documents.tasks.documents_reconcile"):
        try:
            app.send_task(task)
        except Exception:  # the broker went again; beat's schedule sends them soon enough
            logging.getLogger(__name__).warning("could not ask for %s at start", task, exc_info=True)
