"""Issue #14, items 3 and 4: a known person is addressed "Ông"/"Bà" by their recorded gender; the chair signs the
form's authority part personally; the comment meeting's minutes name the agency, leave the times for the pen, keep
job titles out of the bold names and carry "Nơi nhận"; the conference minutes print each guest once, number their
items without a restart, and carry "Nơi nhận"."""

import re
from datetime import date

import pytest

from conference.models import ConferenceGuest
from documents import services
from documents.models import DocumentKind
from officials.models import Gender, Official
from reviews.models import CommentMeeting, SigningAs

from .conftest import fill, pdf_text, run, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _issue_day(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 15))


def _flat(text):
    return re.sub(r"\s+", " ", text)


def _paper(kind, by, **kwargs):
    job = services.document_request(kind=kind, by=by, **kwargs)
    assert run(job) == "done", job.error
    return _flat(pdf_text(job.document))


@pytest.fixture
def she(cast, compiled):
    """official_a, Nguyễn Thị An, recorded as a woman."""
    Official.objects.filter(pk=cast.official_a.pk).update(gender=Gender.FEMALE)
    return compiled[0]


def test_the_notice_addresses_the_person_by_gender(cast, she):
    sign_decision(fill(she, status="published", final_level="httnv"))
    text = _paper(DocumentKind.NOTICE, cast.users["chair"], evaluation=she)
    assert "Bà Nguyễn Thị An, Giám đốc" in text and "bà có quyền kiến nghị" in text
    assert "ông/bà" not in text.lower()
    b = fill(_b(cast), status="published", final_level="httnv")
    sign_decision(b)
    him = _paper(DocumentKind.NOTICE, cast.users["chair"], evaluation=b)
    assert "Ông Trần Văn Bình" in him and "ông/bà" not in him.lower()


def _b(cast):
    from reviews.models import Evaluation

    return Evaluation.objects.get(enrolment__official=cast.official_b)


def test_the_meeting_minutes_name_the_agency_times_signers_and_recipients(cast, she):
    CommentMeeting.objects.filter(evaluation=she).update(
        chaired_by="Đặng Văn Chủ – Phó Giám đốc Sở", minutes_by="Lý Thị Ghi, Chánh Văn phòng"
    )
    text = _paper(DocumentKind.MEETING_MINUTES, cast.users["home_affairs"], evaluation=she)
    agency = she.enrolment.organisation.name
    assert f"{agency} tổ chức cuộc họp" in text and "cơ quan tổ chức cuộc họp" not in text
    assert "đối với bà Nguyễn Thị An" in text and "1. Bà Nguyễn Thị An trình bày" in text
    assert "ông/bà" not in text.lower()
    # The start and end times (issue #14 item 5), as Decree 30/2020's minutes open and close.
    assert "Thời gian bắt đầu: 14 giờ 00 phút, kết thúc: 16 giờ 30 phút, ngày 21 tháng 11 năm 2026." in text
    assert "Địa điểm: Phòng họp tầng 2." in text
    assert "Cuộc họp kết thúc vào hồi 16 giờ 30 phút cùng ngày." in text
    # The job titles stand apart from the names that are signed.
    assert "THƯ KÝ CHỦ TỌA" in text or ("THƯ KÝ" in text and "CHỦ TỌA" in text)
    assert "Lý Thị Ghi Chánh Văn phòng" in text and "Đặng Văn Chủ Phó Giám đốc Sở" in text
    assert "Nơi nhận:" in text and "- Bà Nguyễn Thị An;" in text and "- Lưu: VT, hồ sơ đánh giá." in text


def test_the_conference_minutes_print_each_guest_once_number_items_and_carry_recipients(
    cast, she, conference
):
    ConferenceGuest.objects.create(conference=conference, name="Đại diện Ban Tổ chức Tỉnh ủy")
    ConferenceGuest.objects.create(
        conference=conference, name="Ông Lê Văn Khách", position="Phó Trưởng Ban Tổ chức Tỉnh ủy"
    )
    text = _paper(DocumentKind.CONFERENCE_MINUTES, cast.users["chair"], cycle=cast.cycle)
    assert text.count("Đại diện Ban Tổ chức Tỉnh ủy") == 1
    assert "Ông Lê Văn Khách, Phó Trưởng Ban Tổ chức Tỉnh ủy" in text
    assert "3. Ý kiến thảo luận đối với từng người" in text
    assert "3.1. Bà Nguyễn Thị An" in text and "3.2. Ông" in text
    assert "Vắng mặt: ông Trần Văn Bình" in text
    assert "ông/bà" not in text.lower()
    assert "Nơi nhận:" in text and "- Lưu: VT, NC." in text


def test_the_chair_signs_the_forms_authority_part_personally(cast, compiled):
    a, b = compiled[0], compiled[1]
    sign_decision(a, signing_as=SigningAs.CHAIR)
    sign_decision(b, signing_as=SigningAs.VICE_CHAIR, signer="Phó Chủ Tịch Thử")
    cast.cycle.__class__.objects.filter(pk=cast.cycle.pk).update(status="signed_off")
    chair = _paper(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=a)
    vice = _paper(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=b)
    assert "CHỦ TỊCH Chủ Tịch Thử" in chair and "TM. ỦY BAN NHÂN DÂN" not in chair
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Phó Chủ Tịch Thử" in vice and "TM. ỦY BAN NHÂN DÂN" not in vice
