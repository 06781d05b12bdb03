from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TotpEnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng xác thực"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorVerifyForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực (6 chữ số) hoặc một mã dự phòng"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
    remember = forms.BooleanField(
        label=_("Ghi nhớ thiết bị này trong 12 giờ"),
        required=False,
    )
