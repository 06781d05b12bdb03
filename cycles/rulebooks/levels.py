from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The four quality levels, the same in every regime (Law 80/2025 Art. 26(1); Decree 90 Art. 4–7;
    Decree 335/2025 Art. 20; Decree 233/2026 Art. 12). Declared best first."""

    HTXSNV = "htxsnv", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "httnv", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "htnv", _("Hoàn thành nhiệm vụ")
    KHTNV = "khtnv", _("Không hoàn thành nhiệm vụ")

    @property
    def abbreviation(self) -> str:
        return self.value.upper()

    @property
    def rank(self) -> int:
        """0 for the best level; a larger rank is a lower level."""
        return list(Level).index(self)
