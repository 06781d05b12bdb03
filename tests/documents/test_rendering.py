"""The rating form rendered for real by WeasyPrint and read back with pypdf: the Vietnamese text is intact,
the fonts are the bundled ones, pages are numbered from page 2, and nothing outside our static files gets in."""

import io
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from fontTools.ttLib import TTFont

from documents import services
from documents.models import DocumentKind
from documents.rendering import DOCUMENT_ORIGIN, RefusedURL, pdf_from_html, static_path_for, url_fetcher
from documents.selectors import date_line, number_line
from reviews.models import Evaluation

from .conftest import fill, pdf_reader, pdf_text, run, sign_decision

pytestmark = pytest.mark.django_db


def _form(evaluation, by, **kwargs):
    job = services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=by, **kwargs)
    assert run(job) == "done", job.error
    return job.document


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_points_form_prints_every_line_with_max_self_points_justification_and_total(evaluation_a, cast):
    text = _flat(pdf_text(_form(evaluation_a, cast.users["home_affairs"])))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    # Decree 335's form, presumed Decree 233 Phụ lục II's with "công chức" (issue #14 item 3).
    assert "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in text
    assert "Họ và tên: Nguyễn Thị An" in text
    assert "Năng lực đổi mới, sáng tạo; dám nghĩ, dám làm, dám chịu trách nhiệm" in text
    assert "Giải trình: Hoàn thành đúng hạn, có sản phẩm cụ thể." in text
    # 85% of each maximum rounded to a half point: 8.5 × 4 + 12.5 × 2 + 13 ... the stored total is printed.
    assert f"Tổng cộng 100 {evaluation_a.points_total.normalize():f}".replace(".", ",") in text
    assert "Mức xếp loại theo tổng điểm tự chấm: Hoàn thành tốt nhiệm vụ." in text
    assert "II. CÔNG CHỨC TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text
    assert "X Hoàn thành tốt nhiệm vụ" in text.split("III. KẾT QUẢ XẾP LOẠI")[0]
    assert "CÔNG CHỨC TỰ XẾP LOẠI" in text and "CẤP CÓ THẨM QUYỀN XẾP LOẠI" in text
    assert "NGƯỜI TỰ ĐÁNH GIÁ" not in text
    # Signed on the day of submission, with leading zeros.
    assert "ngày 05 tháng 11 năm 2026" in text


def test_qualitative_decree_90_form_prints_free_text_blocks_manager_and_authority_parts(
    decree_90_evaluation, cast
):
    text = _flat(pdf_text(_form(decree_90_evaluation, cast.users["home_affairs"])))
    assert "Mẫu số 02" in text
    assert "UBND TỈNH HÒA LÂM" in text and "SỞ TƯ PHÁP" in text
    for heading in [
        "I. KẾT QUẢ TỰ ĐÁNH GIÁ",
        "1. Chính trị tư tưởng:",
        "4. Ý thức tổ chức kỷ luật:",
        "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ",
        "9. Năng lực tập hợp, đoàn kết:",
        "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG",
        "III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ",
        "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
    ]:
        assert heading in text, heading
    assert (
        "(Phần dành cho người đứng đầu đơn vị cấu thành hoặc người đứng đầu cơ quan, đơn vị nhận xét" in text
    )
    assert "NGƯỜI NHẬN XÉT, ĐÁNH GIÁ" in text
    assert "Điểm tối đa" not in text
    assert "Hòa Lâm, ngày 05 tháng 11 năm 2026" in text  # place from the province, leading zeros


def test_decided_level_is_printed_for_home_affairs_but_not_for_the_official_before_publication(
    evaluation_a, cast
):
    sign_decision(evaluation_a, level="htxsnv")
    Evaluation.objects.filter(pk=evaluation_a.pk).update(status="decided")
    evaluation_a.refresh_from_db()
    authority_part = "III. KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC CỦA CẤP CÓ THẨM QUYỀN"
    text = _flat(pdf_text(_form(evaluation_a, cast.users["home_affairs"])))
    assert "X Hoàn thành xuất sắc nhiệm vụ" in text.split(authority_part)[1]
    own = _form(evaluation_a, cast.users["official_a"], show_decision=False)
    own_text = _flat(pdf_text(own))
    assert "X Hoàn thành xuất sắc" not in own_text.split(authority_part)[1]
    assert own.shows_decision is False


def test_only_the_bundled_fonts_are_embedded_and_every_glyph_is_there(decree_90_evaluation, cast):
    document = _form(decree_90_evaluation, cast.users["home_affairs"])
    bundled = {
        TTFont(finders.find(f"fonts/LiberationSerif-{style}.ttf"))["name"].getDebugName(4)
        for style in ("Regular", "Bold", "Italic", "BoldItalic")
    }
    embedded = set()
    for page in pdf_reader(document).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            # "Portal Serif" exists only as @font-face over static/fonts/; a system fallback (DejaVu, Noto…)
            # would appear under its own name.
            assert re.fullmatch(r"/[A-Z]{6}\+Portal-Serif(-Bold)?(-Italic)?", str(font["/BaseFont"])), font
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            assert program["name"].getDebugName(5) == "Version 2.1.5"
            embedded.add(program["name"].getDebugName(4))
    assert (
        embedded <= bundled
        and {"Liberation Serif", "Liberation Serif Bold", "Liberation Serif Italic"} <= embedded
    )
    # A missing glyph is drawn as .notdef and comes back as U+FFFD or is dropped: the text must round-trip.
    text = pdf_text(document)
    assert "\ufffd" not in text
    assert "Ý thức tổ chức kỷ luật" in text and "Đạo đức, lối sống" in text and "PHẦN DÀNH RIÊNG" in text


def test_page_numbers_are_centred_at_the_top_from_page_two_only(decree_90_evaluation, cast):
    long_text = "\n".join(
        f"Đoạn {i}: Tham mưu ban hành văn bản, giải quyết hồ sơ đúng hạn, ứng dụng chuyển đổi số."
        for i in range(40)
    )
    fill(decree_90_evaluation, text=long_text)
    reader = pdf_reader(_form(decree_90_evaluation, cast.users["home_affairs"]))
    assert len(reader.pages) >= 4
    height = float(reader.pages[0].mediabox.height)
    for index, page in enumerate(reader.pages, start=1):
        found = []

        def visitor(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append((text.strip(), tm[5] * cm[3] + cm[5] if cm else tm[5]))

        page.extract_text(visitor_text=visitor)
        top = [t for t, y in found if y > height - 20 * 72 / 25.4]  # inside the 20 mm top margin
        if index == 1:
            assert top == [], top
        else:
            assert top == [str(index)], (index, top)


def _images(reader) -> list:
    """Every image XObject of the PDF, also inside form XObjects (the SVG pen lines are forms)."""
    found, seen = [], set()

    def walk(resources):
        for ref in (resources or {}).get("/XObject", {}).values():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                found.append(obj)
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def test_user_text_cannot_pull_in_a_local_file_or_a_url(evaluation_a, cast):
    hostile = (
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"> url(file:///etc/passwd) root:x:0:0'
    )
    fill(evaluation_a, text=hostile)
    document = _form(evaluation_a, cast.users["home_affairs"])
    reader = pdf_reader(document)
    assert reader.attachments == {}
    # No image at all: the only external objects are the forms that draw the bundled pen lines (issue #14).
    assert _images(reader) == []
    text = _flat(pdf_text(document))
    # Escaped, printed as the words the person typed.
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0:" not in text.replace("root:x:0:0 ", "")


def test_the_fetcher_serves_bundled_static_files_only():
    assert static_path_for(f"{DOCUMENT_ORIGIN}/static/fonts/LiberationSerif-Regular.ttf") == __import__(
        "pathlib"
    ).Path(finders.find("fonts/LiberationSerif-Regular.ttf"))
    fetcher = url_fetcher()
    response = fetcher.fetch(f"{DOCUMENT_ORIGIN}/static/css/print.css")
    assert b"@font-face" in response.read()
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/static/css/print.css",
        f"{DOCUMENT_ORIGIN}/static/../../../../etc/passwd",
        f"{DOCUMENT_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{DOCUMENT_ORIGIN}/media/evidence/secret.pdf",
        f"{DOCUMENT_ORIGIN}/static/js/self_assessment.js",
        "data:text/plain,hello",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_raw_html_with_local_and_remote_references_renders_without_them():
    # The renderer itself, given markup that escaped nothing: still nothing is fetched or attached.
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/passwd"><link rel="attachment" '
        'href="file:///etc/passwd"></head><body><p>Xin chào</p><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"><div style="background: url(file:///etc/passwd)">x</div></body></html>'
    )
    pdf, pages = pdf_from_html([html])
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    assert reader.attachments == {}
    assert b"root:" not in pdf
    assert pages == 1 and not reader.pages[0]["/Resources"].get("/XObject")


def test_number_and_date_lines_follow_decree_30():
    assert date_line("Hòa Lâm", date(2027, 1, 5)) == "Hòa Lâm, ngày 05 tháng 01 năm 2027"
    assert date_line("Hòa Lâm", date(2026, 12, 20)) == "Hòa Lâm, ngày 20 tháng 12 năm 2026"
    assert number_line(5, "BB-UBND") == "Số: 05/BB-UBND"
    assert number_line(123, "TB-UBND") == "Số: 123/TB-UBND"


def test_the_date_line_of_an_issued_notice_is_the_issue_day(evaluation_a, cast):
    Evaluation.objects.filter(pk=evaluation_a.pk).update(status="published", final_level="httnv")
    evaluation_a.refresh_from_db()
    sign_decision(evaluation_a)
    job = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation_a, by=cast.users["office_staff"], issue=True
    )
    assert run(job) == "done", job.error
    text = _flat(pdf_text(job.document))
    today = timezone.localdate()
    assert "Số: 01/TB-UBND" in text
    assert f"ngày {today:%d} tháng {today:%m} năm {today:%Y}" in text
    assert "THÔNG BÁO" in text and "Kết quả đánh giá, xếp loại chất lượng năm 2026" in text
    assert "Kết quả xếp loại chất lượng năm 2026: Hoàn thành tốt nhiệm vụ." in text
    assert "Ông Nguyễn Thị An, Giám đốc, Sở số" in text  # the factory's official is recorded male
    assert "ỦY BAN NHÂN DÂN\nTỈNH THỬ" in pdf_text(job.document)
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Chủ Tịch Thử" in text
    assert "Nơi nhận:" in text and "- Lưu: VT, NC." in text


def test_the_fetcher_serves_collected_files_in_production(settings, tmp_path):
    # With the manifest storage, {% static %} names hashed copies that exist only in STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    (settings.STATIC_ROOT / "css").mkdir(parents=True)
    (settings.STATIC_ROOT / "css" / "print.0123abcd.css").write_text("@page { size: A4 }")
    (tmp_path / "secret.css").write_text("not ours")
    assert (
        static_path_for(f"{DOCUMENT_ORIGIN}/static/css/print.0123abcd.css").read_text()
        == "@page { size: A4 }"
    )
    with pytest.raises(RefusedURL):
        static_path_for(f"{DOCUMENT_ORIGIN}/static/../secret.css")


def test_the_authoritys_reason_for_departing_from_a_cap_prints_with_the_level(evaluation_a, cast):
    # Decree 233/2026 Art. 12(4)(d): the departure from the default cap needs a reason, and it prints.
    from reviews.models import Decision

    Evaluation.objects.filter(pk=evaluation_a.pk).update(
        status="published", final_level="httnv", final_cap_departure_reason="Đã tự phát hiện và khắc phục."
    )
    Decision.objects.create(
        evaluation=evaluation_a,
        level="httnv",
        comments="Hoàn thành tốt.",
        state="signed",
        signing_as="chair",
        signer_name="Chủ Tịch Thử",
        signed_at=timezone.now(),
        cap_departure_reason="Đã tự phát hiện và khắc phục.",
    )
    evaluation_a.refresh_from_db()
    text = _flat(pdf_text(_form(evaluation_a, cast.users["home_affairs"])))
    assert "Lý do xếp loại khác mức giới hạn (Nghị định 233/2026/NĐ-CP, Điều 12 khoản 4 điểm d)" in text
    assert "Đã tự phát hiện và khắc phục." in text


def test_blank_lines_for_the_pen_cost_bytes_not_megabytes(decree_90_evaluation, cast):
    """Issue #14 item 6: a qualitative (Decree 90) form left blank is mostly lines for the pen. Drawn as a "dotted"
    border WeasyPrint wrote each dot as its own path (~380 KB for a 3-page form); one stretched SVG line each is
    a few hundred bytes."""
    Evaluation.objects.filter(pk=decree_90_evaluation.pk).update(answers={})
    decree_90_evaluation.refresh_from_db()
    job = services.document_request(
        kind=DocumentKind.RATING_FORM, evaluation=decree_90_evaluation, by=cast.users["home_affairs"]
    )
    assert run(job) == "done", job.error
    html = job.document.data  # the lines are there: the form prints them for every unanswered item
    assert html["self_sections"] and not any(
        item["text"] for s in html["self_sections"] for item in s["items"]
    )
    assert job.document.size < 120_000, job.document.size
