from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalDbConfig(AppConfig):
    name = "national_db"
    verbose_name = _("Đồng bộ CSDL quốc gia về CBCCVC")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (a decision that replaces another is re-sent)
