from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Bảo mật tài khoản")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (logins: sessions, new devices, accounts being tried; role mail)
