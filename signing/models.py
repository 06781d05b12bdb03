"""Digital signatures on issued papers (issue #17; Decree 30/2020 Art. 5, 13(7), 17(2), Phụ lục I; Decree 68/2024).

An issued `documents.Document` is version 0 (its own PDF, never changed). Each signature is an incremental update
of the latest version and is stored as the next version (`SignedVersion`), so every earlier version is kept and
each one's bytes are a prefix of the next. `SignatureEvent` says who signed which version, in which role, with which
certificate and when. `SigningCertificate` is the list Home Affairs (or the administrator) keeps of whose
certificate is whose: a signature by any other certificate is refused.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from officials.models import Organisation


class SignatureRole(models.TextChoices):
    # Decree 30/2020 Art. 13(7): the competent person signs (the chair, a vice-chair "KT.", the director).
    APPROVAL = "approval", _("Người có thẩm quyền ký")
    # Decree 30/2020 Art. 17(2): the records clerk (văn thư) adds the organisation's signature at issue.
    ORGANISATION = "organisation", _("Chữ ký số của cơ quan")


class SigningMethod(models.TextChoices):
    PLUGIN = "plugin", _("Ký bằng USB token qua phần mềm ký số")
    UPLOAD = "upload", _("Tải lên tệp đã ký")
    SERVER = "server", _("Ký trên máy chủ bằng khóa của cơ quan")


class CertificateHolder(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Cơ quan, tổ chức")


class SigningCertificate(models.Model):
    """A certificate registered to a person (their USB token) or an organisation (its seal's key)."""

    holder = models.CharField(_("loại chủ thể"), max_length=16, choices=CertificateHolder.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    # The name the person's papers print under the signature ("Chủ Tịch Thử"): an approval must come from the
    # certificate of the person the paper names.
    holder_name = models.CharField(_("họ tên hoặc tên cơ quan"), max_length=255)
    subject = models.CharField(_("chủ thể chứng thư"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    der = models.BinaryField()
    active = models.BooleanField(_("đang dùng"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        ordering = ["holder_name", "-not_after"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(holder="person") & Q(user__isnull=False) & Q(organisation__isnull=True))
                | (Q(holder="organisation") & Q(organisation__isnull=False) & Q(user__isnull=True)),
                name="signingcertificate_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} ({self.serial})"


def signed_version_path(instance: "SignedVersion", filename: str) -> str:
    # Outside the web root under a random name; only the access-checked views stream it.
    return f"signed/{instance.document_id}/{uuid.uuid4().hex}.pdf"


class SignedVersion(models.Model):
    """Version `number` (1, 2, …) of an issued paper: the previous version plus one signature. Never updated."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signed_versions")
    number = models.PositiveSmallIntegerField(_("phiên bản"))
    pdf = models.FileField(upload_to=signed_version_path, max_length=255)
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản đã ký")
        verbose_name_plural = _("phiên bản đã ký")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="signedversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="signedversion_number_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.document} – {self.number}"


class SignatureEvent(models.Model):
    """One signature added to an issued paper: the version it signed and the version it made."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    version = models.OneToOneField(SignedVersion, on_delete=models.PROTECT, related_name="signature")
    signed_over = models.PositiveSmallIntegerField(_("ký trên phiên bản"))
    role = models.CharField(_("vai trò"), max_length=16, choices=SignatureRole.choices)
    method = models.CharField(_("cách ký"), max_length=16, choices=SigningMethod.choices)
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="signatures")
    # The certificate as it was when it signed (the registered row may later be deactivated).
    subject = models.CharField(_("chủ thể chứng thư"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64)
    signer_name = models.CharField(_("người ký / cơ quan ký"), max_length=255)
    # The signer's claimed time, and the RFC 3161 timestamp's where there is one (PAdES B-T).
    signing_time = models.DateTimeField(_("thời gian ký"))
    timestamp_time = models.DateTimeField(_("thời gian dấu thời gian"), null=True, blank=True)
    field_name = models.CharField(max_length=64)
    # The signed revision: bytes [0, signed_bytes) of the new version, and the PDF revision number.
    signed_bytes = models.PositiveIntegerField()
    revision = models.PositiveSmallIntegerField()
    pdf_sha256 = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chữ ký số trên văn bản")
        verbose_name_plural = _("chữ ký số trên văn bản")
        ordering = ["document", "signed_over"]
        constraints = [
            # One approval and one organisation signature per paper, in that order (Decree 30/2020 Art. 17(2)).
            models.UniqueConstraint(fields=["document", "role"], name="signatureevent_one_per_role"),
            models.UniqueConstraint(
                fields=["document", "signed_over"], name="signatureevent_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(role="approval", signed_over=0) | Q(role="organisation", signed_over__gte=1),
                name="signatureevent_approval_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.signer_name}"


class VerificationRequest(models.Model):
    """A PDF checked on the public verification page: counted per address to limit the rate."""

    address = models.GenericIPAddressField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    matched = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lượt xác minh văn bản")
        verbose_name_plural = _("lượt xác minh văn bản")

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"
