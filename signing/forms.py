from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class SignedFileForm(forms.Form):
    """The signed PDF, uploaded by hand when the signing plugin is not there."""

    file = forms.FileField(label=_("Tệp PDF đã ký số"))

    def __init__(self, *args: object, submit: str = "", action: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", submit or _("Gửi tệp đã ký")))


class VerifyForm(forms.Form):
    """The public verification page: any PDF, checked against the papers the portal issued."""

    file = forms.FileField(label=_("Tệp PDF cần xác minh"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Xác minh")))
