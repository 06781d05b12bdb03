from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký kiểm tra")

    def ready(self):
        from . import receivers  # noqa: F401  (failed logins are recorded)
        from .triggers import sqlite_triggers_ensure

        post_migrate.connect(sqlite_triggers_ensure, sender=self, dispatch_uid="audit_sqlite_triggers")
