# Certificates are registered from their file through certificate_register (audited); a registered certificate is
# never edited, only withdrawn. Versions and signature events are records, read-only.
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .errors import SigningError
from .models import SignatureEvent, SigningCertificate
from .services import certificate_register, certificate_withdraw


class CertificateRegisterForm(forms.ModelForm):  # type: ignore[type-arg]
    certificate_file = forms.FileField(label=_("Tệp chứng thư số (.cer, .crt, .pem)"))

    class Meta:
        model = SigningCertificate
        fields = ["holder", "user", "organisation", "holder_name"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["holder_name", "holder", "user", "organisation", "serial", "not_after", "active"]
    list_filter = ["holder", "active"]
    search_fields = ["holder_name", "subject", "serial", "fingerprint"]
    actions = ["withdraw"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CertificateRegisterForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [field.name for field in SigningCertificate._meta.fields if field.name != "der"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        try:
            registered = certificate_register(
                by=request.user,  # type: ignore[arg-type]
                certificate=form.cleaned_data["certificate_file"].read(),
                holder=obj.holder,
                holder_name=obj.holder_name,
                user=obj.user,
                organisation=obj.organisation,
            )
        except SigningError as exc:
            messages.error(request, str(exc))
            return
        obj.pk = registered.pk

    @admin.action(description=_("Ngừng dùng chứng thư số"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[SigningCertificate]) -> None:
        for certificate in queryset:
            certificate_withdraw(certificate=certificate, by=request.user)  # type: ignore[arg-type]


@admin.register(SignatureEvent)
class SignatureEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["document", "role", "signer_name", "signing_time", "method"]
    list_filter = ["role", "method"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
