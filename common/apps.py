from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Registered for its Celery tasks (the outbox's sender and reconciler, the worker heartbeat); no models."""

    name = "common"
