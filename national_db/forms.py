"""Forms of the sync log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SyncState


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *SyncState.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
