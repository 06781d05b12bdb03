"""A throw-away certificate authority for the tests and the demo, never for production.

Builds a root CA and leaf certificates (a person, an organisation, a timestamp authority) with `cryptography`, and
writes what pyHanko reads: PEM for the trust root, PKCS#12 for a key the portal holds. Real deployments use the
special-use certificates of the Government Cipher Committee (Decree 68/2024); their roots are configured in
SIGNING_TRUST_ROOTS.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Issued", "TestCA"]


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def pkcs12(self, passphrase: bytes, *, chain: list[x509.Certificate]) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name=b"signer",
            key=self.key,
            cert=self.certificate,
            cas=chain,
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )

    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def _name(common_name: str, organisation: str = "", serial: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attributes)


class TestCA:
    """A root CA that issues leaf certificates valid from a day ago for `days`."""

    __test__ = False  # not a pytest test class

    def __init__(self, name: str = "CA thử nghiệm Cổng đánh giá", *, days: int = 3650) -> None:
        self.days = days
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name, "Thử nghiệm – không dùng thật")
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        self.root = Issued(certificate, key)

    def issue(
        self,
        common_name: str,
        *,
        organisation: str = "",
        serial: str = "",
        timestamping: bool = False,
        days: int | None = None,
        valid_from: datetime | None = None,
    ) -> Issued:
        # pyHanko's test timestamp authority signs with RSA only; every other key is P-256.
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if timestamping
            else ec.generate_private_key(ec.SECP256R1())
        )
        start = valid_from or datetime.now(UTC) - timedelta(days=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation, serial))
            .issuer_name(self.root.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days if days is not None else self.days // 2))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not timestamping,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        return Issued(builder.sign(self.root.key, hashes.SHA256()), key)


def demo_seal_png(name: str) -> bytes:
    """An invented red seal (two rings, a star, the name across) for the demo and the tests: never a real seal."""
    import io
    import math

    from PIL import Image, ImageDraw, ImageFont

    from .pdf import FONT

    size = 360
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (218, 30, 40, 255)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=14)
    draw.ellipse((48, 48, size - 48, size - 48), outline=red, width=5)
    centre = size / 2
    points = [
        (
            centre + (70 if i % 2 == 0 else 28) * math.sin(math.pi * i / 5),
            centre - 40 - (70 if i % 2 == 0 else 28) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill=red)
    font = ImageFont.truetype(str(FONT), 30)
    for row, text in enumerate(name.upper().split("\n")):
        width = draw.textlength(text, font=font)
        draw.text((centre - width / 2, centre + 50 + 36 * row), text, font=font, fill=red)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
