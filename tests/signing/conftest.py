"""The signing tests' own CA, certificates and timestamp server, and a real issued notice to sign.

Nothing is mocked: the notice is rendered by WeasyPrint and issued through the documents service, the signatures
are real PAdES signatures made with pyHanko, and the timestamp server is a real RFC 3161 responder over HTTP on
127.0.0.1 (pyHanko's DummyTimeStamper answering the requests).
"""

import asyncio
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from django.urls import reverse
from pyhanko.sign import signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents import services as document_services
from documents.models import DocumentKind
from signing import pdf
from signing.models import CertificateHolder, SigningCertificate
from signing.services import certificate_register
from signing.test_ca import Issued, TestCA, demo_seal_png
from tests.documents.conftest import compiled, home_affairs_org, run, sign_decision  # noqa: F401

CHAIR_NAME = "Chủ Tịch Thử"  # the name tests.documents.conftest.sign_decision prints under the notice


@pytest.fixture(scope="session")
def ca():
    return TestCA()


@pytest.fixture(scope="session")
def keys(ca):
    """Every certificate the tests sign with, issued once per session."""
    return {
        "chair": ca.issue(CHAIR_NAME, serial="CCCD:001000000001"),
        "other_person": ca.issue("Trần Văn Khác", serial="CCCD:001000000002"),
        "organisation": ca.issue("UBND tỉnh Thử", organisation="UBND tỉnh Thử"),
        "tsa": ca.issue("Máy chủ dấu thời gian thử", timestamping=True),
        "stranger": TestCA("CA lạ").issue(CHAIR_NAME),  # the right name, but not a root we trust
    }


@pytest.fixture
def trusted(settings, tmp_path, ca):
    """The test CA is the one configured root."""
    root = tmp_path / "roots.pem"
    root.write_bytes(ca.root.pem)
    settings.SIGNING_TRUST_ROOTS = [str(root)]
    return root


@pytest.fixture
def seal(settings, tmp_path):
    path = tmp_path / "seal.png"
    path.write_bytes(demo_seal_png("UBND tỉnh\nThử"))
    settings.SIGNING_SEAL_IMAGE = str(path)
    return path


@pytest.fixture
def server_key(settings, tmp_path, keys, ca, seal):
    """The portal holds the organisation's key as a PKCS#12 file and signs for it on the server."""
    path = tmp_path / "organisation.p12"
    path.write_bytes(keys["organisation"].pkcs12(b"mat-khau-thu", chain=[ca.root.certificate]))
    settings.SIGNING_ORGANISATION_SIGNS_ON_SERVER = True
    settings.SIGNING_ORGANISATION_PKCS12 = str(path)
    settings.SIGNING_ORGANISATION_PKCS12_PASSPHRASE = "mat-khau-thu"
    return path


def simple_signer(issued: Issued, ca: TestCA) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(issued.der),
        signing_key=asn1_keys.PrivateKeyInfo.load(issued.key_der()),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(ca.root.der)]),
    )


def token_signed(
    data: bytes, issued: Issued, ca: TestCA, *, field="ChuKyNguoiCoThamQuyen", organisation=False
):
    """What the USB token's plugin does with the PDF it fetched: one PAdES signature as an incremental update."""
    person, seal_place = pdf.stamp_places(data, CHAIR_NAME)
    place = seal_place if organisation else person
    return pdf.sign_pdf(
        data,
        signer=simple_signer(issued, ca),
        field_name=field,
        place=place,
        style=pdf.stamp_style(place, ["Người ký: thử nghiệm"]),
        signer_line=issued.certificate.subject.rfc4514_string(),
        reason="Thử nghiệm",
    )


@pytest.fixture
def registered(cast, keys):
    """The chair's and the organisation's certificates on the portal's list; another person's too."""
    home_affairs = cast.users["home_affairs"]
    return {
        "chair": certificate_register(
            by=home_affairs,
            certificate=keys["chair"].pem,
            holder=CertificateHolder.PERSON,
            holder_name=CHAIR_NAME,
            user=cast.users["chair"],
        ),
        "other_person": certificate_register(
            by=home_affairs,
            certificate=keys["other_person"].der,
            holder=CertificateHolder.PERSON,
            holder_name="Trần Văn Khác",
            user=cast.users["home_affairs"],
        ),
        "organisation": certificate_register(
            by=home_affairs,
            certificate=keys["organisation"].pem,
            holder=CertificateHolder.ORGANISATION,
            holder_name="UBND tỉnh Thử",
            organisation=cast.cycle.authority,
        ),
    }


def issue_notice(cast, evaluation):
    sign_decision(evaluation, signer=CHAIR_NAME)
    draft = document_services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation, by=cast.users["chair"]
    )
    run(draft)
    issuing = document_services.document_issue(job=draft, by=cast.users["chair"])
    run(issuing)
    return issuing.document


@pytest.fixture
def notice(cast, compiled, monkeypatch):  # noqa: F811
    """official_a's notice of result, issued (number 01/TB-…), rendered for real."""
    monkeypatch.setattr(document_services, "_today", lambda: date(2026, 12, 15))
    return issue_notice(cast, compiled[0])


def plugin_urls(client, document):
    """The URLs the page hands the plugin (FileName, FileUploadHandler), read from the page as the JS does."""
    import re

    page = client.get(reverse("signing:document_signatures", kwargs={"pk": document.pk})).content.decode()
    file_url = re.search(r'data-file="([^"]+)"', page).group(1)
    upload_url = re.search(r'data-upload="([^"]+)"', page).group(1)
    from urllib.parse import urlsplit

    return urlsplit(file_url).path, urlsplit(upload_url).path


def plugin_post(client, upload_url, data: bytes, name="signed.pdf"):
    """What the plugin posts back: the signed file as multipart, without the browser's session or CSRF token."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    plugin = Client(enforce_csrf_checks=True)
    return plugin.post(upload_url, {"uploadfile": SimpleUploadedFile(name, data, "application/pdf")})


class _TimestampHandler(BaseHTTPRequestHandler):
    stamper: timestamps.DummyTimeStamper

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = tsp.TimeStampReq.load(body)
        response = asyncio.run(self.stamper.async_request_tsa_response(request))
        payload = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def timestamp_server(settings, keys, ca):
    """An RFC 3161 timestamp server on 127.0.0.1, signing with the test TSA certificate."""
    handler = type(
        "Handler",
        (_TimestampHandler,),
        {
            "stamper": timestamps.DummyTimeStamper(
                tsa_cert=asn1_x509.Certificate.load(keys["tsa"].der),
                tsa_key=asn1_keys.PrivateKeyInfo.load(keys["tsa"].key_der()),
                certs_to_embed=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(ca.root.der)]),
            )
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIGNING_TIMESTAMP_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    yield server
    server.shutdown()
    server.server_close()


__all__ = ["SigningCertificate"]
