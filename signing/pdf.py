"""PDF signatures with pyHanko: sign (PAdES, one incremental update each), read and validate what a PDF carries.

Nothing here touches the database: the services decide who may sign what; this module only does the bytes.
Decree 30/2020 Art. 5(1), 13(7), 17(2) and Phụ lục I: the competent person's signature and then the organisation's,
each a PAdES signature (B-T with an RFC 3161 timestamp where SIGNING_TIMESTAMP_URL is set, B-B otherwise).
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PyPdfError

__all__ = [
    "VIETNAM",
    "CertificateFacts",
    "PdfUnreadable",
    "SignatureReading",
    "StampPlace",
    "TimestampUnavailable",
    "certificate_facts",
    "iso_time",
    "read_signatures",
    "sha256",
    "sign_pdf",
    "stamp_places",
    "trust_roots",
]

logger = logging.getLogger(__name__)

# Phụ lục I: the signing time in the Vietnam time zone, ISO 8601.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Regular.ttf"


# The height under the seal for the organisation's name and the signing time, in points.
SEAL_TEXT = 22


class PdfUnreadable(Exception):
    """The bytes are not a PDF that pyHanko can read."""


class TimestampUnavailable(Exception):
    """SIGNING_TIMESTAMP_URL is set but its server did not answer with a timestamp."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iso_time(moment: datetime) -> str:
    """ "2026-12-15T10:22:33+07:00" (Phụ lục I: day, month, year, hours, minutes, seconds, Vietnam time zone)."""
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    serial: str  # the certificate's serial number, hex
    fingerprint: str  # SHA-256 of the DER certificate, hex
    common_name: str
    not_before: datetime
    not_after: datetime


def certificate_facts(certificate: asn1_x509.Certificate) -> CertificateFacts:
    return CertificateFacts(
        subject=certificate.subject.human_friendly,
        issuer=certificate.issuer.human_friendly,
        serial=format(certificate.serial_number, "x"),
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        common_name=str(certificate.subject.native.get("common_name", "")),
        not_before=certificate.not_valid_before,
        not_after=certificate.not_valid_after,
    )


def load_certificate(data: bytes) -> asn1_x509.Certificate:
    """A certificate from PEM or DER bytes (raises ValueError when it is neither)."""
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The roots a signer's certificate must chain to: every certificate in the files of SIGNING_TRUST_ROOTS."""
    roots: list[asn1_x509.Certificate] = []
    for name in settings.SIGNING_TRUST_ROOTS:
        path = Path(name)
        if not path.is_file():
            logger.warning("SIGNING_TRUST_ROOTS names %s, which does not exist", path)
            continue
        data = path.read_bytes()
        if pem.detect(data):
            roots.extend(asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True))
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def validation_context(moment: datetime | None = None) -> ValidationContext:
    """Validated against the configured roots only; revocation is checked (soft-fail) when fetching is allowed."""
    return ValidationContext(
        trust_roots=trust_roots(),
        allow_fetching=settings.SIGNING_FETCH_REVOCATION,
        revocation_mode="soft-fail",
        moment=moment,
    )


@dataclass(frozen=True)
class SignatureReading:
    """One signature as a PDF reader's signature panel shows it."""

    field_name: str
    certificate: CertificateFacts
    signing_time: datetime | None  # what the signer's software claims (CMS signingTime)
    timestamp_time: datetime | None  # the RFC 3161 timestamp, when there is one (PAdES B-T)
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks
    trusted: bool  # the certificate chains to a configured root and was valid then
    changed_after: bool  # a later revision changes more than signatures and form fields
    covers_whole_file: bool  # nothing was added after this signature
    signed_bytes: int  # the length of the signed revision: bytes [0, signed_bytes) are what was signed
    revision: int  # the file revision the signature was added in

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamp_time else "PAdES B-B"

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.changed_after


def _reader(data: bytes) -> PdfFileReader:
    if not data.startswith(b"%PDF-"):
        raise PdfUnreadable("not a PDF")
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise PdfUnreadable(str(exc)) from exc


def _reading(signature: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReading:
    status = validate_pdf_signature(signature, context)
    offset, first, second_offset, second = (int(value) for value in signature.byte_range)
    modification = status.modification_level
    timestamp = status.timestamp_validity
    return SignatureReading(
        field_name=str(signature.field_name),
        certificate=certificate_facts(signature.signer_cert),
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp.timestamp if timestamp is not None and timestamp.intact else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        changed_after=bool(
            not status.docmdp_ok
            or (modification is not None and modification.value > ModificationLevel.FORM_FILLING.value)
        ),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_bytes=second_offset + second,
        revision=int(signature.signed_revision),
    )


def read_signatures(data: bytes, *, moment: datetime | None = None) -> list[SignatureReading]:
    """Every signature of the PDF, oldest first, each validated (at `moment`, default now)."""
    reader = _reader(data)
    try:
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError) as exc:
        raise PdfUnreadable(str(exc)) from exc
    context = validation_context(moment)
    readings = []
    for signature in embedded:
        try:
            readings.append(_reading(signature, context))
        except (PdfError, ValueError, KeyError, SigningError) as exc:
            raise PdfUnreadable(str(exc)) from exc
    return sorted(readings, key=lambda reading: reading.signed_bytes)


@dataclass(frozen=True)
class StampPlace:
    """Where a visible signature goes: a page (0-based) and a box in PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[int, int, int, int]


def _signer_name_position(data: bytes, name: str) -> tuple[int, float, float] | None:
    """The last page showing the signer's name, and where the name starts on it (PDF points)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except (PyPdfError, ValueError) as exc:
        raise PdfUnreadable(str(exc)) from exc
    for index in range(len(pages) - 1, -1, -1):
        found: list[tuple[float, float]] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            _font: Any,
            _size: Any,
            found: list[tuple[float, float]] = found,
        ) -> None:
            if name and text.strip() == name:
                found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

        pages[index].extract_text(visitor_text=visit)
        if found:
            x, y = found[-1]
            return index, x, y
    return None


def stamp_places(data: bytes, signer_name: str) -> tuple[StampPlace, StampPlace]:
    """The two stamps of Phụ lục I at the signature block: the person's signature in the space above their
    printed name, and the organisation's seal over about a third of it, on its left. Without the name (a paper
    that prints none) both go to the bottom right of the last page."""
    position = _signer_name_position(data, signer_name)
    if position is None:
        page, x, y = -1, 360.0, 90.0
    else:
        page, x, y = position
    # The name is centred under the titles; the space to sign is the ~70 points above it. The seal, at its real
    # size (SIGNING_SEAL_SIZE_MM), covers the left third of the person's stamp, centred on it vertically, with the
    # organisation's name and the time in the SEAL_TEXT points under it, below the printed name.
    centre = int(x + 3 * len(signer_name))
    person = (centre - 75, int(y) + 12, centre + 75, int(y) + 64)
    side = round(settings.SIGNING_SEAL_SIZE_MM * 72 / 25.4)
    width = max(side, 100)
    right = person[0] + 50 + (width - side) // 2
    middle = (person[1] + person[3]) // 2
    organisation = (right - width, middle - side // 2 - SEAL_TEXT, right, middle + side - side // 2)
    return StampPlace(page, person), StampPlace(page, organisation)


def _stamp_image(lines: list[str], *, width: int, height: int, seal: bytes = b"", border: bool) -> PdfImage:
    """The stamp drawn at 4× its size in points: the seal (if any) at the top, the lines under it. Text drawn
    with the bundled Liberation Serif, which has every Vietnamese letter."""
    scale = 4
    image = Image.new("RGBA", (width * scale, height * scale), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    colour = (200, 20, 30, 255) if seal else (20, 50, 140, 255)
    font_size = 7 * scale if seal else 8 * scale
    font = ImageFont.truetype(str(FONT), font_size)
    text_top = 4 * scale
    if seal:
        side = (height - SEAL_TEXT) * scale
        mark = Image.open(io.BytesIO(seal)).convert("RGBA").resize((side, side))
        image.alpha_composite(mark, ((width * scale - side) // 2, 0))
        text_top = side + scale
    if border:
        draw.rectangle((0, 0, width * scale - 1, height * scale - 1), outline=colour, width=scale)
        text_top = (height * scale - len(lines) * (font_size + 2 * scale)) // 2
    for row, line in enumerate(lines):
        text_width = draw.textlength(line, font=font)
        x = (width * scale - text_width) / 2
        draw.text((max(x, scale * 2), text_top + row * (font_size + 2 * scale)), line, font=font, fill=colour)
    return PdfImage(image)


def stamp_style(place: StampPlace, lines: list[str], *, seal: bytes = b"") -> StaticStampStyle:
    """The visible signature: the person's a framed box with who and when; the organisation's its red seal with
    its name and the signing time under it (Phụ lục I)."""
    x1, y1, x2, y2 = place.box
    image = _stamp_image(lines, width=x2 - x1, height=y2 - y1, seal=seal, border=not seal)
    return StaticStampStyle(background=image, border_width=0, background_opacity=1.0)


def timestamper() -> timestamps.TimeStamper | None:
    """PAdES B-T when a timestamp server is configured (SIGNING_TIMESTAMP_URL), B-B otherwise."""
    url = settings.SIGNING_TIMESTAMP_URL
    return timestamps.HTTPTimeStamper(url, timeout=settings.SIGNING_TIMESTAMP_TIMEOUT) if url else None


def sign_pdf(
    data: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    place: StampPlace,
    style: StaticStampStyle,
    signer_line: str,
    reason: str,
    location: str = "",
) -> bytes:
    """Add one PAdES signature as an incremental update: the bytes given stay a prefix of the result, so every
    earlier signature stays valid."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    pages = int(writer.root["/Pages"]["/Count"])
    spec = fields.SigFieldSpec(
        sig_field_name=field_name, on_page=place.page % pages, box=place.box, empty_field_appearance=False
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=signer_line,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper(), stamp_style=style, new_field_spec=spec
    )
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output)
    except timestamps.TimestampRequestError as exc:
        raise TimestampUnavailable(str(exc)) from exc
    return output.getvalue()
