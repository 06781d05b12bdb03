from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from officials.models import Organisation

from .models import CertificateHolder


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


class CertificateRegisterForm(forms.Form):
    """Home Affairs registers whose certificate a file is: a person's (their USB token) or an organisation's."""

    holder = forms.ChoiceField(label=_("Chứng thư của"), choices=CertificateHolder.choices)
    user = forms.ModelChoiceField(
        label=_("Người dùng (chứng thư cá nhân)"),
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .order_by("last_name", "first_name", "username"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan (chứng thư của cơ quan)"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    holder_name = forms.CharField(
        label=_("Họ tên hoặc tên cơ quan như in trên văn bản"),
        max_length=255,
        help_text=_("Chữ ký phê duyệt chỉ được nhận khi tên này trùng với tên in dưới chữ ký của văn bản."),
    )
    certificate = forms.FileField(label=_("Tệp chứng thư số (.cer, .crt, .pem)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Đăng ký chứng thư số")))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("holder") == CertificateHolder.PERSON and not data.get("user"):
            self.add_error("user", _("Chọn người dùng giữ chứng thư này."))
        if data.get("holder") == CertificateHolder.ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", _("Chọn cơ quan giữ chứng thư này."))
        return data
