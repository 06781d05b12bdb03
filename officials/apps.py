from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficialsConfig(AppConfig):
    name = "officials"
    verbose_name = _("Cán bộ và tổ chức")

    def ready(self) -> None:
        from django.core import checks

        from common.encryption import encryption_keys_check

        checks.register(encryption_keys_check, checks.Tags.security, deploy=True)
