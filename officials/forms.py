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


# A workbook of a few hundred rows is far below this; anything bigger is not the portal's template.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class IdentificationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload
