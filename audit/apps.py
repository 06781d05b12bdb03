from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký kiểm tra")

    def ready(self):
        from . import receivers  # noqa: F401  (failed logins are recorded)
