from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the portal: the database roles, backup and restore (issue #16). Commands only: no models, no pages."""

    name = "operations"
    verbose_name = _("Vận hành")
