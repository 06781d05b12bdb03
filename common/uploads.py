"""The one check of an uploaded file, for every app that takes one (evidence, signed scans, reports)."""

import logging
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .clamav import ScannerUnavailable, clamd_scan, scanner_configured

__all__ = ["FILE_SIGNATURES", "sniff_content_type", "upload_checked", "upload_quarantined", "upload_scanned"]

logger = logging.getLogger(__name__)

# Sent with `name` (the uploaded name), `path` (the quarantined copy) and `signature` when clamd finds malware;
# the audit trail records it (audit.receivers).
upload_quarantined = Signal()

# Checked by content, never by the name or the browser's claim (reliability notes §2.1, ASVS 5.0 5.2).
FILE_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in FILE_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def upload_checked(upload: UploadedFile, *, error: type[Exception], pdf_only: bool = False) -> str:
    """The one check of an uploaded file (evidence, signed scans, the conference report): not empty, within
    PORTAL_EVIDENCE_MAX_BYTES, and by its content a PDF, PNG or JPEG (only a PDF when `pdf_only`). Returns the
    content type; raises `error` with the message for the user."""
    limit = settings.PORTAL_EVIDENCE_MAX_BYTES
    assert upload.size is not None  # a file that came with the request always knows its size
    if upload.size > limit:
        raise error(
            _("Tệp “%(name)s” lớn quá %(mb)d MB.") % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise error(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if pdf_only and content_type != "application/pdf":
        raise error(_("Báo cáo phải là tệp PDF; “%(name)s” không phải PDF.") % {"name": upload.name})
    if content_type is None:
        raise error(_("Tệp “%(name)s” không phải PDF, PNG hay JPEG.") % {"name": upload.name})
    upload_scanned(upload, error=error)
    return content_type


def upload_scanned(upload: UploadedFile, *, error: type[Exception]) -> None:
    """Scan the upload with ClamAV when clamd is configured (PORTAL_CLAMD_SOCKET or PORTAL_CLAMD_HOST).

    Infected: a copy goes to MEDIA_ROOT/quarantine (never served; for the administrator to examine), the audit
    trail records it, and the upload is refused. clamd unreachable: refused too — once a scanner is configured
    an unscanned file is not accepted (fail closed, ASVS 5.0 5.2.x / OWASP File Upload Cheat Sheet).
    """
    if not scanner_configured():
        return
    upload.seek(0)
    try:
        result = clamd_scan(upload)
    except ScannerUnavailable:
        logger.exception("clamd could not scan %s", upload.name)
        raise error(
            _(
                "Chưa kiểm tra được virus cho tệp “%(name)s” (dịch vụ quét virus không phản hồi). Hãy thử lại sau."
            )
            % {"name": upload.name}
        ) from None
    finally:
        upload.seek(0)
    if not result.infected:
        return
    folder = Path(settings.MEDIA_ROOT) / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    # A random name: the uploaded name is the attacker's choice and never becomes a path.
    path = folder / f"{secrets.token_hex(16)}.bin"
    with path.open("wb") as copy:
        shutil.copyfileobj(upload, copy)
    upload.seek(0)
    upload_quarantined.send(sender=UploadedFile, name=upload.name, path=str(path), signature=result.signature)
    raise error(
        _("Tệp “%(name)s” chứa mã độc (%(signature)s) nên bị từ chối và đã được cách ly.")
        % {"name": upload.name, "signature": result.signature}
    )
