import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evaluation_portal.settings.local")

# DjangoTask gives every task `delay_on_commit` (enqueue once the surrounding transaction has committed).
app = Celery("evaluation_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
