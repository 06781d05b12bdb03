"""Every write of the signing app: registering certificates and adding a signature to an issued paper.

One way in for a signature, whoever made it (the USB token plugin, a file uploaded by hand, the portal's own key):
`signed_pdf_receive` checks the file and stores it as the next version. Decree 30/2020 Art. 5(1): an electronic
paper signed by the competent person and carrying the organisation's signature is an original; Art. 13(7) the
person signs, Art. 17(2) the organisation signs at issue — in that order.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.sign import signers

from audit.models import Action
from audit.services import audit_record
from documents.models import Document
from officials.models import Organisation

from . import pdf
from .errors import SigningError
from .keys import server_signer
from .models import (
    CertificateHolder,
    SignatureEvent,
    SignatureRole,
    SignedVersion,
    SigningCertificate,
    SigningMethod,
)
from .permissions import may_register_certificates, may_sign, same_name, signer_name_of
from .selectors import latest_version_number, next_role, version_bytes

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELD_NAMES: dict[str, str] = {
    SignatureRole.APPROVAL: "ChuKyNguoiCoThamQuyen",
    SignatureRole.ORGANISATION: "ChuKyCoQuan",
}


def certificate_register(
    *,
    by: User,
    certificate: bytes,
    holder: str,
    holder_name: str,
    user: User | None = None,
    organisation: Organisation | None = None,
) -> SigningCertificate:
    """Register whose certificate this is (PEM or DER). Home Affairs or the administrator."""
    if not may_register_certificates(by):
        raise SigningError(_("Chỉ Sở Nội vụ hoặc quản trị viên đăng ký chứng thư số."))
    try:
        parsed = pdf.load_certificate(certificate)
        facts = pdf.certificate_facts(parsed)
    except (ValueError, TypeError) as exc:
        raise SigningError(_("Tệp không phải chứng thư số X.509 (PEM hoặc DER).")) from exc
    if SigningCertificate.objects.filter(fingerprint=facts.fingerprint).exists():
        raise SigningError(_("Chứng thư số này đã được đăng ký."))
    with transaction.atomic():
        registered = SigningCertificate.objects.create(
            holder=holder,
            user=user if holder == CertificateHolder.PERSON else None,
            organisation=organisation if holder == CertificateHolder.ORGANISATION else None,
            holder_name=holder_name.strip() or facts.common_name,
            subject=facts.subject[:500],
            issuer=facts.issuer[:500],
            serial=facts.serial,
            fingerprint=facts.fingerprint,
            not_before=facts.not_before,
            not_after=facts.not_after,
            der=parsed.dump(),
            registered_by=by,
        )
        audit_record(
            action=Action.CERTIFICATE_REGISTERED,
            actor=by,
            target=f"signing_certificate:{registered.pk}",
            after={
                "holder": registered.holder_name,
                "serial": facts.serial,
                "fingerprint": facts.fingerprint,
            },
        )
    return registered


def certificate_withdraw(*, certificate: SigningCertificate, by: User) -> SigningCertificate:
    """A lost token or a person who left: the certificate signs nothing more (its past signatures stay)."""
    if not may_register_certificates(by):
        raise SigningError(_("Chỉ Sở Nội vụ hoặc quản trị viên đăng ký chứng thư số."))
    with transaction.atomic():
        updated = SigningCertificate.objects.filter(pk=certificate.pk, active=True).update(active=False)
        if updated:
            audit_record(
                action=Action.CERTIFICATE_WITHDRAWN,
                actor=by,
                target=f"signing_certificate:{certificate.pk}",
                before={"holder": certificate.holder_name, "serial": certificate.serial},
            )
    certificate.refresh_from_db()
    return certificate


def _file_refusal(data: bytes) -> str | None:
    limit = settings.SIGNING_UPLOAD_MAX_BYTES
    if len(data) > limit:
        return _("Tệp lớn quá %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
    if not data:
        return _("Tệp rỗng.")
    if not data.startswith(b"%PDF-"):
        return _("Tệp không phải PDF.")
    return None


def _prefix_refusal(document: Document, data: bytes, current: int) -> str | None:
    """The file must be the latest stored version with bytes added after it (an incremental update)."""
    latest = version_bytes(document, current)
    if data.startswith(latest) and len(data) > len(latest):
        return None
    for number in range(current - 1, -1, -1):
        if data.startswith(version_bytes(document, number)):
            return _(
                "Tệp được ký trên phiên bản cũ của văn bản, thiếu chữ ký đã có trước đó. Hãy tải phiên bản mới "
                "nhất và ký lại."
            )
    return _("Tệp không phải là văn bản này (nội dung khác với bản đã ban hành).")


def _new_signature(data: bytes, signatures_before: int) -> pdf.SignatureReading:
    try:
        readings = pdf.read_signatures(data)
    except pdf.PdfUnreadable as exc:
        raise SigningError(_("Không đọc được chữ ký trong tệp PDF.")) from exc
    if len(readings) != signatures_before + 1:
        raise SigningError(
            _("Tệp phải có đúng một chữ ký số mới; tệp này có %(count)d chữ ký mới.")
            % {"count": len(readings) - signatures_before}
        )
    if any(not reading.ok for reading in readings[:-1]):
        raise SigningError(_("Chữ ký số có trước trên văn bản không còn hợp lệ trong tệp này."))
    new = readings[-1]
    if not (new.intact and new.valid) or not new.covers_whole_file:
        raise SigningError(_("Chữ ký số mới không hợp lệ hoặc không bao trùm toàn bộ tệp."))
    if not new.trusted:
        raise SigningError(
            _(
                "Chứng thư số của chữ ký mới không được tin cậy: không do tổ chức cấp chứng thư đã cấu hình cấp, "
                "hoặc không còn hiệu lực vào thời điểm ký."
            )
        )
    return new


def _expected_certificate(document: Document, role: str, reading: pdf.SignatureReading) -> SigningCertificate:
    certificate = SigningCertificate.objects.filter(
        fingerprint=reading.certificate.fingerprint, active=True
    ).first()
    if certificate is None:
        raise SigningError(
            _("Chứng thư số “%(subject)s” chưa được đăng ký trên cổng hoặc đã ngừng dùng.")
            % {"subject": reading.certificate.subject}
        )
    if role == SignatureRole.APPROVAL:
        expected = signer_name_of(document)
        if certificate.holder != CertificateHolder.PERSON or not same_name(certificate.holder_name, expected):
            raise SigningError(
                _("Văn bản phải do %(expected)s ký; chứng thư số này là của %(holder)s.")
                % {"expected": expected, "holder": certificate.holder_name}
            )
    elif (
        certificate.holder != CertificateHolder.ORGANISATION
        or certificate.organisation_id != document.issuer_id
    ):
        raise SigningError(
            _("Chữ ký của cơ quan phải bằng chứng thư số của %(issuer)s; chứng thư số này là của %(holder)s.")
            % {"issuer": document.issuer, "holder": certificate.holder_name}
        )
    return certificate


def _role_refusal(document: Document, role: str, by: User) -> str | None:
    owed = next_role(document)
    if owed is None:
        return _("Văn bản đã có đủ chữ ký số.")
    if role != owed:
        return _("Người có thẩm quyền phải ký trước, sau đó văn thư mới ký số của cơ quan.")
    if not may_sign(by, document, role):
        if role == SignatureRole.APPROVAL:
            return _(
                "Chỉ người ký văn bản (%(name)s) ký phê duyệt, bằng chứng thư số đã đăng ký của mình."
            ) % {"name": signer_name_of(document)}
        return _("Chỉ văn thư của cơ quan ban hành ký số của cơ quan.")
    return None


def signed_pdf_receive(
    *, document: Document, role: str, data: bytes, by: User, method: str
) -> SignatureEvent:
    """Take a signed PDF (from the plugin, an upload or the portal's key): the same paper with exactly one new,
    valid signature, by the expected person's or organisation's certificate; stored as the next version."""
    if (refusal := _file_refusal(data)) is not None:
        raise SigningError(refusal)
    with transaction.atomic():
        # One signature at a time per paper: the paper's row is the lock.
        document = Document.objects.select_for_update().get(pk=document.pk)
        if (refusal := _role_refusal(document, role, by)) is not None:
            raise SigningError(refusal)
        current = latest_version_number(document)
        if (refusal := _prefix_refusal(document, data, current)) is not None:
            raise SigningError(refusal)
        reading = _new_signature(data, signatures_before=document.signatures.count())
        certificate = _expected_certificate(document, role, reading)
        if role == SignatureRole.APPROVAL and certificate.user_id != by.pk:
            raise SigningError(_("Chỉ người có chứng thư số này mới được gửi chữ ký phê duyệt của mình."))
        return _store(document, role, data, reading, certificate, by=by, method=method, signed_over=current)


def _store(
    document: Document,
    role: str,
    data: bytes,
    reading: pdf.SignatureReading,
    certificate: SigningCertificate,
    *,
    by: User,
    method: str,
    signed_over: int,
) -> SignatureEvent:
    digest = pdf.sha256(data)
    version = SignedVersion(document=document, number=signed_over + 1, pdf_sha256=digest, size=len(data))
    version.pdf.save("signed.pdf", ContentFile(data), save=False)
    version.save()
    facts = reading.certificate
    event = SignatureEvent.objects.create(
        document=document,
        version=version,
        signed_over=signed_over,
        role=role,
        method=method,
        certificate=certificate,
        subject=facts.subject[:500],
        issuer=facts.issuer[:500],
        serial=facts.serial,
        fingerprint=facts.fingerprint,
        signer_name=certificate.holder_name,
        signing_time=reading.signing_time or timezone.now(),
        timestamp_time=reading.timestamp_time,
        field_name=reading.field_name[:64],
        signed_bytes=reading.signed_bytes,
        revision=reading.revision,
        pdf_sha256=digest,
        by=by,
    )
    audit_record(
        action=Action.DOCUMENT_SIGNED,
        actor=by,
        cycle=document.cycle,
        evaluation=document.evaluation,
        target=f"document:{document.pk}",
        after={
            "role": role,
            "method": method,
            "version": version.number,
            "signer": certificate.holder_name,
            "certificate": facts.fingerprint,
            "sha256": digest,
            "level": reading.level,
        },
    )
    return event


def signature_lines(document: Document, role: str, signer: str, now: datetime) -> list[str]:
    """What a visible stamp says: who (and, for the organisation, only its name) and when, ISO 8601 +07:00."""
    when = pdf.iso_time(now)
    if role == SignatureRole.ORGANISATION:
        return [signer, when]
    return [_("Người ký: %(name)s") % {"name": signer}, _("Thời gian ký: %(time)s") % {"time": when}]


REASONS: dict[str, object] = {
    SignatureRole.APPROVAL: gettext_lazy("Phê duyệt văn bản (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 7)"),
    SignatureRole.ORGANISATION: gettext_lazy(
        "Ký số của cơ quan khi phát hành (Nghị định 30/2020/NĐ-CP, Điều 17 khoản 2)"
    ),
}


def signature_make(
    *, document: Document, role: str, signer: signers.Signer, signer_name: str, seal: bytes = b""
) -> bytes:
    """The latest version with one more signature, its visible stamp where Phụ lục I places it: what the plugin
    makes on the signer's computer, made here with a key the portal holds."""
    data = version_bytes(document, latest_version_number(document))
    person, organisation = pdf.stamp_places(data, signer_name_of(document))
    place = organisation if role == SignatureRole.ORGANISATION else person
    lines = signature_lines(document, role, signer_name, timezone.now())
    try:
        return pdf.sign_pdf(
            data,
            signer=signer,
            field_name=FIELD_NAMES[role],
            place=place,
            style=pdf.stamp_style(place, lines, seal=seal),
            signer_line=signer_name,
            reason=str(REASONS[role]),
        )
    except pdf.TimestampUnavailable as exc:
        raise SigningError(
            _("Máy chủ cấp dấu thời gian không trả lời; chưa ký. Hãy thử lại sau hoặc báo quản trị viên.")
        ) from exc


def organisation_sign_on_server(*, document: Document, by: User) -> SignatureEvent:
    """The records clerk has the portal add the organisation's signature with the key it holds (where the province
    chose that: SIGNING_ORGANISATION_SIGNS_ON_SERVER), its seal at the signature block (Phụ lục I)."""
    if not settings.SIGNING_ORGANISATION_SIGNS_ON_SERVER:
        raise SigningError(_("Tỉnh không dùng ký số của cơ quan trên máy chủ; hãy ký bằng USB token."))
    if (refusal := _role_refusal(document, SignatureRole.ORGANISATION, by)) is not None:
        raise SigningError(refusal)
    signed = signature_make(
        document=document,
        role=SignatureRole.ORGANISATION,
        signer=server_signer(),
        signer_name=str(document.issuer) if document.issuer else "",
        seal=_seal_bytes(settings.SIGNING_SEAL_IMAGE),
    )
    return signed_pdf_receive(
        document=document, role=SignatureRole.ORGANISATION, data=signed, by=by, method=SigningMethod.SERVER
    )


def _seal_bytes(path: str) -> bytes:
    seal = Path(path) if path else None
    if seal is None or not seal.is_file():
        raise SigningError(_("Chưa cấu hình hình ảnh con dấu của cơ quan (SIGNING_SEAL_IMAGE)."))
    return seal.read_bytes()
