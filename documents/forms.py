from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import ReportSigning


class ReportRequestForm(forms.Form):
    """What Home Affairs adds to the report: its remarks and who signs. Kept in the issued paper's data."""

    remarks = forms.CharField(
        label=_("Nhận xét, kiến nghị của Sở Nội vụ"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
        help_text=_("Mỗi dòng được in thành một đoạn ở mục IV của báo cáo."),
    )
    signing = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=ReportSigning.choices, initial=ReportSigning.DIRECTOR
    )
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Tạo báo cáo (PDF)")))
