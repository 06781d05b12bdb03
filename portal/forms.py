from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action


class HistoryFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả hành động")), *Action.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
