"""The one check of an uploaded file, for every app that takes one (evidence, signed scans, reports)."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

__all__ = ["FILE_SIGNATURES", "sniff_content_type", "upload_checked"]

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
    return content_type
