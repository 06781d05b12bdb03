"""Forms of the sync log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SyncState
from .services import MAX_REASON_LENGTH


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *SyncState.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class FailureForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do lỗi"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-control form-control-sm"}),
    )
