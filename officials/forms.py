"""Forms of the officials app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class IdentificationNumberForm(forms.Form):
    """Home Affairs types the 12 digits (spaces between groups are fine); empty clears it. Never prefilled: the page
    shows the number beside the form, and a browser must not keep it in a form cache (autocomplete off)."""

    identification_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        required=False,
        max_length=20,
        help_text=_("12 chữ số của căn cước công dân. Để trống để xóa."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_identification_number(self) -> Any:
        # The 12-digit rule lives in officials.models.identification_number_clean, applied by the service.
        return self.cleaned_data["identification_number"].strip()
