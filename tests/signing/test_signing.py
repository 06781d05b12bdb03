"""Issue #17, signing: the chair approves an issued notice with a USB token through the plugin, the records clerk adds
the organisation's signature (on the server with the portal's PKCS#12 key, or by the plugin), each an incremental
update keeping the earlier signature valid, each version kept; every refusal says why in Vietnamese."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from signing import pdf
from signing.errors import SigningError
from signing.models import SignatureEvent, SignatureRole, SignedVersion, SigningMethod
from signing.selectors import signature_panel, verification_of, version_bytes
from signing.services import certificate_register, signed_pdf_receive

from .conftest import CHAIR_NAME, plugin_post, plugin_urls, token_signed

pytestmark = pytest.mark.django_db


def _approve_by_plugin(cast, login, notice, keys, ca):
    """The chair's browser hands the plugin the PDF's URL; the plugin fetches it, signs, posts it back."""
    client = login(cast.users["chair"])
    file_url, upload_url = plugin_urls(client, notice)
    fetched = client.__class__().get(file_url)  # the plugin has no session: the token is its credential
    assert fetched.status_code == 200
    data = b"".join(fetched.streaming_content)
    return plugin_post(client, upload_url, token_signed(data, keys["chair"], ca))


def test_the_chair_approves_then_the_portal_signs_for_the_organisation_and_both_stay_valid(
    cast, login, notice, keys, ca, trusted, registered, server_key
):
    response = _approve_by_plugin(cast, login, notice, keys, ca)
    assert response.status_code == 200 and response.json()["Status"] == 0

    clerk = login(cast.users["office_staff"])
    response = clerk.post(reverse("signing:organisation_sign", kwargs={"pk": notice.pk}))
    assert response.status_code == 302

    approval, organisation = SignatureEvent.objects.filter(document=notice).order_by("signed_over")
    assert (approval.role, approval.method, approval.signer_name) == (
        "approval",
        SigningMethod.PLUGIN,
        CHAIR_NAME,
    )
    assert (organisation.role, organisation.method) == ("organisation", SigningMethod.SERVER)
    assert organisation.fingerprint == registered["organisation"].fingerprint
    # Each version is the previous one plus one incremental update: every earlier version is kept, a prefix.
    v0, v1, v2 = (version_bytes(notice, number) for number in range(3))
    assert v1.startswith(v0) and v2.startswith(v1) and len(v0) < len(v1) < len(v2)
    assert [v.number for v in SignedVersion.objects.filter(document=notice)] == [1, 2]
    readings = pdf.read_signatures(v2)
    assert [r.ok for r in readings] == [True, True]
    assert readings[0].signed_bytes == len(v1) and readings[1].covers_whole_file
    assert [r.level for r in readings] == ["PAdES B-B", "PAdES B-B"]
    assert [row.state for row in signature_panel(notice)] == ["valid", "valid"]
    # Every signature is an audit event.
    events = AuditEvent.objects.filter(action=Action.DOCUMENT_SIGNED, target=f"document:{notice.pk}")
    assert sorted(e.after["role"] for e in events) == ["approval", "organisation"]


def test_a_pdf_reader_sees_two_signature_fields_with_signers_and_times(
    cast, login, notice, keys, ca, trusted, registered, server_key
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    login(cast.users["office_staff"]).post(reverse("signing:organisation_sign", kwargs={"pk": notice.pk}))
    reader = PdfReader(io.BytesIO(version_bytes(notice, 2)))
    fields = reader.get_fields()
    signatures = {name: f for name, f in fields.items() if f.get("/FT") == "/Sig"}
    assert set(signatures) == {"ChuKyNguoiCoThamQuyen", "ChuKyCoQuan"}
    organisation = signatures["ChuKyCoQuan"]["/V"]
    assert organisation["/Name"] == "UBND tỉnh Thử"
    assert organisation["/M"].startswith("D:20")  # the signing time in the signature dictionary
    assert organisation["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    # The visible stamps are on the notice's page, at the signature block (widget rectangles of real size).
    widgets = [a.get_object() for a in reader.pages[-1].get("/Annots", [])]
    rects = {w["/T"]: [float(v) for v in w["/Rect"]] for w in widgets if w.get("/FT") == "/Sig"}
    seal, person = rects["ChuKyCoQuan"], rects["ChuKyNguoiCoThamQuyen"]
    assert seal[2] - seal[0] >= 90 and person[2] - person[0] >= 140
    # Phụ lục I: the seal sits over the left part of the person's signature.
    assert seal[0] < person[0] < seal[2] < person[2]
    # pyHanko's reading, as a PDF reader's signature panel lists it: who, when, valid.
    approval, organisation = pdf.read_signatures(version_bytes(notice, 2))
    assert (approval.field_name, approval.certificate.common_name) == ("ChuKyNguoiCoThamQuyen", CHAIR_NAME)
    assert (organisation.field_name, organisation.certificate.common_name) == ("ChuKyCoQuan", "UBND tỉnh Thử")
    assert approval.signing_time <= organisation.signing_time and approval.ok and organisation.ok


def test_the_page_shows_each_signature_with_its_certificate_and_state(
    cast, login, notice, keys, ca, trusted, registered, server_key
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    page = login(cast.users["chair"]).get(reverse("signing:document_signatures", kwargs={"pk": notice.pk}))
    text = page.content.decode()
    assert CHAIR_NAME in text and "CA thử nghiệm Cổng đánh giá" in text and "Hợp lệ" in text
    assert "Còn chờ: văn thư ký số của cơ quan khi phát hành." in text
    # The issued paper's job page leads there.
    job_page = login(cast.users["chair"]).get(reverse("documents:job_detail", kwargs={"pk": notice.job_id}))
    assert reverse("signing:document_signatures", kwargs={"pk": notice.pk}) in job_page.content.decode()


def test_a_byte_changed_after_signing_fails_verification(
    cast, login, notice, keys, ca, trusted, registered, server_key
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    login(cast.users["office_staff"]).post(reverse("signing:organisation_sign", kwargs={"pk": notice.pk}))
    signed = version_bytes(notice, 2)
    assert verification_of(signed).unchanged

    tampered = bytearray(signed)
    tampered[len(version_bytes(notice, 0)) // 2] ^= 0x01
    result = verification_of(bytes(tampered))
    assert result.document is None and not result.unchanged
    assert [r.intact for r in result.readings] == [False, False]


def test_the_public_page_says_whose_paper_it_is_and_who_signed_it(
    cast, login, notice, keys, ca, trusted, registered, server_key, client
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    signed = version_bytes(notice, 1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.logout()
    response = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("tb.pdf", signed)})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Đây là văn bản do Cổng ban hành" in text and CHAIR_NAME in text and "Hợp lệ" in text

    extended = signed + b"\n% added after signing\n"
    response = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("tb.pdf", extended)})
    assert "đã bị thêm nội dung sau khi ký" in response.content.decode()


def test_the_public_page_refuses_a_non_pdf_an_oversized_file_and_a_flood(client, settings, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("signing:verify")
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"MZ not a pdf")})
    assert response.status_code == 400 and "Tệp không phải PDF." in response.content.decode()
    settings.SIGNING_UPLOAD_MAX_BYTES = 1024 * 1024
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (1024 * 1024))})
    assert response.status_code == 400 and "Tệp lớn quá 1 MB." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\nnot really a PDF")})
    assert response.status_code == 200 and "Không đọc được tệp PDF này." in response.content.decode()
    settings.SIGNING_VERIFY_PER_WINDOW = 2
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")})
    assert response.status_code == 429 and "quá nhiều tệp" in response.content.decode()


def test_the_public_page_needs_its_csrf_token(db):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong_person", "Văn bản phải do Chủ Tịch Thử ký; chứng thư số này là của Trần Văn Khác."),
        ("untrusted", "không được tin cậy"),
        ("different_document", "Tệp không phải là văn bản này"),
        ("not_pdf", "Tệp không phải PDF."),
        ("oversized", "Tệp lớn quá 1 MB."),
        ("unsigned", "Tệp phải có đúng một chữ ký số mới"),
    ],
)
def test_the_plugin_upload_refuses_with_the_reason(
    case, message, cast, login, notice, keys, ca, trusted, registered, settings
):
    client = login(cast.users["chair"])
    file_url, upload_url = plugin_urls(client, notice)
    original = version_bytes(notice, 0)
    if case == "wrong_person":
        data = token_signed(original, keys["other_person"], ca)
    elif case == "untrusted":
        certificate_register(
            by=cast.users["home_affairs"],
            certificate=keys["stranger"].pem,
            holder="person",
            holder_name=CHAIR_NAME,
            user=cast.users["chair"],
        )
        data = token_signed(original, keys["stranger"], ca)
    elif case == "different_document":
        # The same page written out again by another program: other bytes, not the issued paper.
        from pypdf import PdfWriter

        rewritten = io.BytesIO()
        PdfWriter(clone_from=PdfReader(io.BytesIO(original))).write(rewritten)
        data = token_signed(rewritten.getvalue(), keys["chair"], ca)
    elif case == "not_pdf":
        data = b"PK\x03\x04 a zip, not a PDF"
    elif case == "oversized":
        settings.SIGNING_UPLOAD_MAX_BYTES = 1024 * 1024
        data = original + b"\n" * (1024 * 1024)
    else:
        # An incremental update that changes the paper but signs nothing.
        from pyhanko.pdf_utils.generic import pdf_string
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(io.BytesIO(original))
        writer.root["/Lang"] = pdf_string("en")
        writer.update_root()
        updated = io.BytesIO()
        writer.write(updated)
        data = updated.getvalue()
    response = plugin_post(client, upload_url, data)
    assert response.status_code == 400
    assert response.json()["Status"] == 1 and message in response.json()["Message"]
    assert not SignedVersion.objects.filter(document=notice).exists()


def test_a_file_with_the_approval_stripped_is_refused_for_the_organisation(
    cast, login, notice, keys, ca, trusted, registered
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    # The clerk's software signed the paper as it was before the chair's signature: the approval is missing.
    stripped = token_signed(
        version_bytes(notice, 0), keys["organisation"], ca, field="ChuKyCoQuan", organisation=True
    )
    with pytest.raises(SigningError, match="ký trên phiên bản cũ của văn bản, thiếu chữ ký đã có trước đó"):
        signed_pdf_receive(
            document=notice,
            role=SignatureRole.ORGANISATION,
            data=stripped,
            by=cast.users["office_staff"],
            method=SigningMethod.UPLOAD,
        )


def test_the_organisation_signs_only_after_the_approval_and_only_its_clerk(
    cast, login, notice, keys, ca, trusted, registered
):
    data = token_signed(
        version_bytes(notice, 0), keys["organisation"], ca, field="ChuKyCoQuan", organisation=True
    )
    with pytest.raises(SigningError, match="Người có thẩm quyền phải ký trước"):
        signed_pdf_receive(
            document=notice, role="organisation", data=data, by=cast.users["office_staff"], method="upload"
        )
    _approve_by_plugin(cast, login, notice, keys, ca)
    with pytest.raises(SigningError, match="Chỉ văn thư của cơ quan ban hành ký số của cơ quan."):
        signed_pdf_receive(
            document=notice, role="organisation", data=data, by=cast.users["chair"], method="upload"
        )


def test_the_clerk_uploads_the_organisation_signature_by_hand(
    cast, login, notice, keys, ca, trusted, registered
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _approve_by_plugin(cast, login, notice, keys, ca)
    clerk = login(cast.users["office_staff"])
    download = clerk.get(reverse("signing:version_download", kwargs={"pk": notice.pk, "number": 1}))
    data = b"".join(download.streaming_content)
    signed = token_signed(data, keys["organisation"], ca, field="ChuKyCoQuan", organisation=True)
    response = clerk.post(
        reverse("signing:signed_upload", kwargs={"pk": notice.pk, "role": "organisation"}),
        {"file": SimpleUploadedFile("ky.pdf", signed, "application/pdf")},
        follow=True,
    )
    assert "Đã nhận chữ ký số và lưu phiên bản mới của văn bản." in response.content.decode()
    assert SignatureEvent.objects.get(document=notice, role="organisation").method == SigningMethod.UPLOAD
    assert "Văn bản điện tử đã có chữ ký của người có thẩm quyền" in response.content.decode()


def test_a_plugin_url_with_a_forged_token_is_not_found(cast, login, notice, trusted, registered):
    client = login(cast.users["chair"])
    file_url, upload_url = plugin_urls(client, notice)
    assert client.get(file_url.replace("/ky-so/plugin/", "/ky-so/plugin/x")).status_code == 404
    assert (
        plugin_post(client, upload_url.replace("/ky-so/plugin/", "/ky-so/plugin/x"), b"%PDF").status_code
        == 404
    )


def test_with_a_timestamp_server_the_signature_is_pades_b_t(
    cast, login, notice, keys, ca, trusted, registered, server_key, timestamp_server
):
    _approve_by_plugin(cast, login, notice, keys, ca)
    login(cast.users["office_staff"]).post(reverse("signing:organisation_sign", kwargs={"pk": notice.pk}))
    event = SignatureEvent.objects.get(document=notice, role="organisation")
    assert event.timestamp_time is not None
    reading = pdf.read_signatures(version_bytes(notice, 2))[-1]
    assert reading.level == "PAdES B-T" and reading.ok


def test_only_home_affairs_or_the_administrator_registers_certificates(cast, keys):
    with pytest.raises(SigningError, match="Chỉ Sở Nội vụ hoặc quản trị viên"):
        certificate_register(
            by=cast.users["chair"],
            certificate=keys["chair"].pem,
            holder="person",
            holder_name=CHAIR_NAME,
            user=cast.users["chair"],
        )
    with pytest.raises(SigningError, match="không phải chứng thư số"):
        certificate_register(
            by=cast.users["home_affairs"],
            certificate=b"junk",
            holder="person",
            holder_name="X",
            user=cast.users["chair"],
        )
    registered = certificate_register(
        by=cast.users["administrator"],
        certificate=keys["chair"].der,
        holder="person",
        holder_name=CHAIR_NAME,
        user=cast.users["chair"],
    )
    assert AuditEvent.objects.filter(
        action=Action.CERTIFICATE_REGISTERED, target=f"signing_certificate:{registered.pk}"
    )


def test_a_timestamp_server_that_does_not_answer_leaves_the_paper_unsigned_with_the_reason(
    cast, login, notice, keys, ca, trusted, registered, server_key, settings
):
    import socket

    _approve_by_plugin(cast, login, notice, keys, ca)
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        settings.SIGNING_TIMESTAMP_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    response = login(cast.users["office_staff"]).post(
        reverse("signing:organisation_sign", kwargs={"pk": notice.pk}), follow=True
    )
    assert "Máy chủ cấp dấu thời gian không trả lời; chưa ký." in response.content.decode()
    assert not SignatureEvent.objects.filter(document=notice, role="organisation").exists()


def test_a_withdrawn_certificate_signs_nothing_more(cast, notice, keys, ca, trusted, registered):
    from signing.services import certificate_withdraw

    certificate_withdraw(certificate=registered["chair"], by=cast.users["home_affairs"])
    data = token_signed(version_bytes(notice, 0), keys["chair"], ca)
    with pytest.raises(SigningError, match=r"Chỉ người ký văn bản \(Chủ Tịch Thử\) ký phê duyệt"):
        signed_pdf_receive(
            document=notice, role="approval", data=data, by=cast.users["chair"], method="upload"
        )
    assert AuditEvent.objects.filter(action=Action.CERTIFICATE_WITHDRAWN).count() == 1


def test_home_affairs_registers_and_withdraws_a_certificate_on_its_page(cast, login, keys):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from signing.models import SigningCertificate

    client = login(cast.users["home_affairs"])
    url = reverse("signing:certificate_list")
    response = client.post(
        url,
        {
            "holder": "person",
            "holder_name": "",
            "certificate": SimpleUploadedFile("c.cer", keys["chair"].der),
        },
    )
    assert "Chọn người dùng giữ chứng thư này." in response.content.decode()
    response = client.post(
        url,
        {
            "holder": "person",
            "user": cast.users["chair"].pk,
            "holder_name": CHAIR_NAME,
            "certificate": SimpleUploadedFile("c.cer", keys["chair"].der),
        },
        follow=True,
    )
    assert "Đã đăng ký chứng thư số." in response.content.decode()
    certificate = SigningCertificate.objects.get(user=cast.users["chair"])
    assert certificate.serial in response.content.decode()
    response = client.post(
        url,
        {
            "holder": "person",
            "user": cast.users["chair"].pk,
            "holder_name": CHAIR_NAME,
            "certificate": SimpleUploadedFile("c.cer", keys["chair"].pem),
        },
    )
    assert "Chứng thư số này đã được đăng ký." in response.content.decode()
    client.post(reverse("signing:certificate_withdraw", kwargs={"pk": certificate.pk}))
    certificate.refresh_from_db()
    assert not certificate.active
