"""Reads that encode the signing rules: a paper's versions, what its signatures say, and what an uploaded PDF is."""

from dataclasses import dataclass
from datetime import datetime

from documents.models import Document

from . import pdf
from .models import SignatureEvent, SignatureRole, SignedVersion
from .permissions import signer_name_of


def _read(field_file: object) -> bytes:
    with field_file.open("rb") as handle:  # type: ignore[attr-defined]
        return bytes(handle.read())


def version_bytes(document: Document, number: int) -> bytes:
    """Version 0 is the issued PDF itself; 1, 2 … the signed versions."""
    if number == 0:
        return _read(document.pdf)
    return _read(SignedVersion.objects.get(document=document, number=number).pdf)


def latest_version_number(document: Document) -> int:
    last = document.signed_versions.order_by("-number").values_list("number", flat=True).first()
    return last or 0


def next_role(document: Document) -> str | None:
    """Decree 30/2020: the person approves first, then the organisation signs at issue; then nothing is owed."""
    roles = set(document.signatures.values_list("role", flat=True))
    if SignatureRole.APPROVAL not in roles:
        return SignatureRole.APPROVAL
    if SignatureRole.ORGANISATION not in roles:
        return SignatureRole.ORGANISATION
    return None


@dataclass(frozen=True)
class SignatureRow:
    """One line of a paper's signature panel: the record and what validating the stored file says now."""

    event: SignatureEvent
    reading: pdf.SignatureReading | None

    @property
    def state(self) -> str:
        """valid / invalid / changed (the document was changed after this signature)."""
        if self.reading is None or not (self.reading.intact and self.reading.valid):
            return "invalid" if self.reading is None or self.reading.intact else "changed"
        if self.reading.changed_after:
            return "changed"
        return "valid" if self.reading.trusted else "invalid"


def signature_panel(document: Document) -> list[SignatureRow]:
    """The paper's signatures, each read from the latest stored version with pyHanko. Trust is judged at the
    moment the portal received the signature (a certificate that expired since still signed validly then)."""
    events = list(document.signatures.select_related("version").order_by("signed_over"))
    if not events:
        return []
    data = version_bytes(document, latest_version_number(document))
    rows = []
    for event in events:
        try:
            readings = pdf.read_signatures(data, moment=event.created_at)
        except pdf.PdfUnreadable:
            readings = []
        match = next((r for r in readings if r.certificate.fingerprint == event.fingerprint), None)
        rows.append(SignatureRow(event=event, reading=match))
    return rows


@dataclass(frozen=True)
class Verification:
    """What the public verification page says about an uploaded PDF."""

    document: Document | None  # one we issued (a stored version, or a stored version with bytes added after)
    version: int | None
    exact: bool  # byte for byte a version we stored
    readings: list[pdf.SignatureReading]
    unreadable: bool = False

    @property
    def unchanged(self) -> bool:
        return self.document is not None and self.exact and all(r.ok for r in self.readings)


def _stored_version_with_sha256(digest: str) -> tuple[Document, int] | None:
    version = SignedVersion.objects.select_related("document").filter(pdf_sha256=digest).first()
    if version is not None:
        return version.document, version.number
    document = Document.objects.filter(pdf_sha256=digest, is_draft=False).first()
    return (document, 0) if document is not None else None


def verification_of(data: bytes, *, now: datetime | None = None) -> Verification:
    """Is this one of our papers, unchanged, and who signed it? A byte-for-byte match of a stored version's
    SHA-256; else a signature whose signed revision is a stored version (the file has bytes added after it)."""
    try:
        readings = pdf.read_signatures(data, moment=now)
    except pdf.PdfUnreadable:
        return Verification(document=None, version=None, exact=False, readings=[], unreadable=True)
    found = _stored_version_with_sha256(pdf.sha256(data))
    if found is not None:
        return Verification(document=found[0], version=found[1], exact=True, readings=readings)
    for reading in reversed(readings):
        found = _stored_version_with_sha256(pdf.sha256(data[: reading.signed_bytes]))
        if found is not None:
            return Verification(document=found[0], version=found[1], exact=False, readings=readings)
    return Verification(document=None, version=None, exact=False, readings=readings)


__all__ = [
    "SignatureRow",
    "Verification",
    "latest_version_number",
    "next_role",
    "signature_panel",
    "signer_name_of",
    "verification_of",
    "version_bytes",
]
