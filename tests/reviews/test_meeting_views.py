"""The pages that record the comment meeting's minutes and the party committee's opinion (issue #4):
who reaches them, what bad input looks like, and that nothing typed is lost."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import PhaseKind
from officials.models import Role
from officials.services import role_grant
from reviews import services
from reviews.models import CommentMeeting, Evaluation, PartyOpinion
from reviews.services import MeetingMinutes, Opinion

from ..factories import OfficialFactory, UserFactory, enrol, open_phase, submitted

pytestmark = pytest.mark.django_db

CONCLUSION = "Tập thể thống nhất đề nghị mức Hoàn thành tốt nhiệm vụ; cần đẩy nhanh giải ngân."


def evaluation_of(official):
    return official.enrolments.get().evaluation


def url(name, evaluation):
    return reverse(f"reviews:{name}", kwargs={"pk": evaluation.pk})


def meeting_post(version="", opinions=None, **overrides):
    opinions = opinions if opinions is not None else [("Ông Phạm Văn Em", "Chủ tịch Công đoàn", "Đồng ý.")]
    data = {
        "version": version,
        "held_on": "2026-11-10",
        "starts_at": "14:00",
        "ends_at": "16:30",
        "place": "Phòng họp tầng 2",
        "chaired_by": "Phó Giám đốc Lê Văn Cường",
        "minutes_by": "Chánh Văn phòng Hà Thị Dịu",
        "invited_count": "15",
        "attended_count": "14",
        "attendees": "Ban Giám đốc\nTrưởng các phòng",
        "absentees": "Bà Ngô Thị Gấm (công tác)",
        "summary": "Hoàn thành 100% chỉ tiêu; tự xếp loại HTTNV.",
        "conclusion": CONCLUSION,
        "meeting_level": "httnv",
        "minutes_adopted": "1",
        "opinions-TOTAL_FORMS": str(max(len(opinions), 3)),
        "opinions-INITIAL_FORMS": "0",
        "opinions-MIN_NUM_FORMS": "0",
        "opinions-MAX_NUM_FORMS": "100",
    }
    for index, (speaker, position, content) in enumerate(opinions):
        data[f"opinions-{index}-speaker"] = speaker
        data[f"opinions-{index}-position"] = position
        data[f"opinions-{index}-content"] = content
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def record_directly(evaluation, by, version=None, **overrides):
    values = {
        "held_on": date(2026, 11, 10),
        "place": "Hội trường",
        "chaired_by": "Giám đốc",
        "minutes_by": "Văn phòng",
        "invited_count": 10,
        "attended_count": 9,
        "conclusion": "Bản của Sở Nội vụ.",
        "minutes_adopted": True,
    }
    return services.comment_meeting_record(
        evaluation=evaluation,
        minutes=MeetingMinutes(**(values | overrides)),
        opinions=[Opinion("Bà Lý Thị Hoa", "Đồng ý.")],
        version=version,
        by=by,
    )


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed minutes\n", content_type="application/pdf")


@pytest.fixture
def meeting_phase(cast):
    return open_phase(cast.cycle, PhaseKind.COMMENT_MEETING)


# --- Recording through the page ---


def test_secretary_records_their_agencys_meeting_with_every_opinion(cast, login, meeting_phase):
    evaluation = submitted(evaluation_of(cast.official_b), points=None)
    client = login(cast.users["unit_secretary"])
    page = client.get(url("meeting_edit", evaluation))
    assert page.status_code == 200
    assert "Trần Văn Bình" in page.text and "Hoàn thành tốt nhiệm vụ" in page.text  # self-proposed level
    opinions = [
        ("Ông Phạm Văn Em", "Chủ tịch Công đoàn", "Đồng ý với báo cáo."),
        ("Bà Lý Thị Hoa", "", "Đề nghị nêu rõ hạn chế."),
        ("Ông Đỗ Minh Khôi", "Bí thư Đoàn", "Nhất trí."),
        ("Bà Vũ Thị Lan", "Trưởng phòng", "Thêm dòng thứ tư bằng nút Thêm ý kiến."),
    ]
    data = meeting_post(
        opinions=opinions,
        votes_recorded="on",
        votes_htxsnv="2",
        votes_httnv="12",
        votes_htnv="0",
        votes_khtnv="0",
        scan=pdf(),
    )
    response = client.post(url("meeting_edit", evaluation), data)
    assert response.status_code == 302 and response.url == url("evaluation_detail", evaluation)
    meeting = CommentMeeting.objects.get(evaluation=evaluation)
    assert meeting.recorded_by == cast.users["unit_secretary"] and meeting.minutes_adopted
    assert meeting.votes_httnv == 12 and meeting.signed_scan_name == "bien-ban.pdf"
    assert [o.speaker for o in meeting.opinions.all()] == [o[0] for o in opinions]

    detail = client.get(response.url)
    assert "Đã lưu biên bản họp nhận xét của Trần Văn Bình." in detail.text
    assert CONCLUSION in detail.text and "14/15" in detail.text and "Sửa biên bản" in detail.text


def test_without_a_vote_the_tallies_are_ignored(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    client.post(url("meeting_edit", evaluation), meeting_post(votes_httnv="99"))
    meeting = CommentMeeting.objects.get(evaluation=evaluation)
    assert not meeting.votes_recorded and meeting.votes_httnv == 0


def test_secretary_gets_404_for_another_agencys_meeting_and_scans(cast, login, meeting_phase):
    other = evaluation_of(cast.official_a)
    record_directly(other, cast.users["home_affairs"])
    client = login(cast.users["unit_secretary"])
    for name in (
        "meeting_edit",
        "meeting_scan_download",
        "party_opinion_edit",
        "party_opinion_scan_download",
    ):
        assert client.get(url(name, other)).status_code == 404, name
    assert client.post(url("meeting_edit", other), meeting_post()).status_code == 404
    assert CommentMeeting.objects.get(evaluation=other).place == "Hội trường"


def test_closed_phase_shows_the_reason_and_keeps_the_input(cast, login):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    assert "chưa mở hoặc đã đóng" in client.get(url("meeting_edit", evaluation)).text
    response = client.post(url("meeting_edit", evaluation), meeting_post(scan=pdf()))
    assert response.status_code == 200
    assert "Giai đoạn “Họp nhận xét, đánh giá tại cơ quan” chưa mở hoặc đã đóng." in response.text
    assert CONCLUSION in response.text and "Ông Phạm Văn Em" in response.text
    assert "hãy chọn lại tệp" in response.text
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()


def test_votes_beyond_the_attendance_are_refused_and_nothing_is_saved(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    data = meeting_post(votes_recorded="on", votes_htxsnv="5", votes_httnv="10")
    response = client.post(url("meeting_edit", evaluation), data)
    assert response.status_code == 200
    assert "Tổng số phiếu (15) nhiều hơn số người có mặt (14)" in response.text
    assert CONCLUSION in response.text
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()


def test_the_start_and_end_times_are_required_and_in_order(cast, login, meeting_phase):
    """Issue #14 item 5: the minutes print when the meeting began and ended; the form asks for both, in order."""
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    response = client.post(url("meeting_edit", evaluation), meeting_post(starts_at="", ends_at=None))
    assert response.status_code == 200 and response.text.count("Trường này là bắt buộc.") >= 2
    response = client.post(url("meeting_edit", evaluation), meeting_post(starts_at="16:30", ends_at="14:00"))
    assert "Giờ kết thúc (14:00) phải sau giờ bắt đầu (16:30) của cuộc họp." in response.text
    assert CONCLUSION in response.text
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()


def test_more_present_than_invited_is_refused(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    response = login(cast.users["unit_secretary"]).post(
        url("meeting_edit", evaluation), meeting_post(attended_count="16")
    )
    assert "Số người có mặt (16) không thể nhiều hơn số người được triệu tập (15)." in response.text
    assert not CommentMeeting.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("bien-ban.pdf", b"MZ\x90\x00 a program"), ("bien-ban.docx", b"PK\x03\x04 word")],
)
def test_a_scan_that_is_not_a_pdf_or_image_is_refused(cast, login, meeting_phase, name, content):
    evaluation = evaluation_of(cast.official_b)
    data = meeting_post(scan=SimpleUploadedFile(name, content, content_type="application/pdf"))
    response = login(cast.users["unit_secretary"]).post(url("meeting_edit", evaluation), data)
    assert response.status_code == 200
    assert f"Tệp “{name}” không phải PDF, PNG hay JPEG." in response.text
    assert CONCLUSION in response.text and "hãy chọn lại tệp" in response.text
    assert not CommentMeeting.objects.filter(evaluation=evaluation).exists()


def test_an_empty_scan_is_refused(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    data = meeting_post(scan=SimpleUploadedFile("bien-ban.pdf", b"", content_type="application/pdf"))
    response = login(cast.users["unit_secretary"]).post(url("meeting_edit", evaluation), data)
    assert "Chưa lưu: có ô nhập chưa hợp lệ" in response.text and CONCLUSION in response.text
    assert not CommentMeeting.objects.exists()


def test_oversized_text_gets_a_message_in_vietnamese(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    response = client.post(url("meeting_edit", evaluation), meeting_post(conclusion="x" * 20001))
    assert "Chưa lưu: có ô nhập chưa hợp lệ" in response.text
    assert "20000" in response.text  # the field's own message names the limit
    response = client.post(url("meeting_edit", evaluation), meeting_post(place="p" * 256))
    assert "Chưa lưu" in response.text
    assert not CommentMeeting.objects.exists()


def test_an_opinion_needs_a_speaker_and_its_content(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    data = meeting_post(opinions=[("Ông Phạm Văn Em", "Chủ tịch Công đoàn", "")])
    response = login(cast.users["unit_secretary"]).post(url("meeting_edit", evaluation), data)
    assert "Mỗi ý kiến cần có người phát biểu và nội dung." in response.text
    assert "Ông Phạm Văn Em" in response.text
    assert not CommentMeeting.objects.exists()


def test_a_stale_form_keeps_the_typed_text_and_shows_the_saved_copy(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    record_directly(evaluation, cast.users["home_affairs"])  # version 1, loaded in two tabs
    record_directly(evaluation, cast.users["home_affairs"], version=1, place="Phòng họp số 3")  # tab 1 saves
    client = login(cast.users["unit_secretary"])
    typed = "Nội dung tab thứ hai, chưa được lưu."
    response = client.post(url("meeting_edit", evaluation), meeting_post(version="1", conclusion=typed))
    assert response.status_code == 409
    assert "Biên bản họp vừa được người khác lưu lúc" in response.text
    assert typed in response.text and "Phòng họp số 3" in response.text  # theirs and the saved copy
    assert 'name="version" value="2"' in response.text
    assert CommentMeeting.objects.get(evaluation=evaluation).conclusion == "Bản của Sở Nội vụ."
    # Having compared, the second save knowingly replaces the newer copy.
    response = client.post(url("meeting_edit", evaluation), meeting_post(version="2", conclusion=typed))
    assert response.status_code == 302
    assert CommentMeeting.objects.get(evaluation=evaluation).conclusion == typed


def test_editing_an_existing_meeting_starts_from_its_opinions_and_version(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    record_directly(evaluation, cast.users["home_affairs"])
    page = login(cast.users["unit_secretary"]).get(url("meeting_edit", evaluation))
    assert 'name="version" value="1"' in page.text and "Bà Lý Thị Hoa" in page.text
    assert 'name="opinions-TOTAL_FORMS" value="4"' in page.text  # the one opinion + three blank rows


def test_the_official_gets_403_on_their_own_meeting_pages(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["official_b"])
    assert client.get(url("meeting_edit", evaluation)).status_code == 403
    assert client.post(url("meeting_edit", evaluation), meeting_post()).status_code == 403
    assert client.get(url("party_opinion_edit", evaluation)).status_code == 403
    assert not CommentMeeting.objects.exists()


def test_the_official_sees_their_minutes_but_not_the_party_opinion_nor_the_proposal(cast, login):
    evaluation = evaluation_of(cast.official_b)
    record_directly(evaluation, cast.users["home_affairs"])
    services.party_opinion_record(
        evaluation=evaluation,
        body="Đảng ủy Sở",
        given_on=date(2026, 11, 12),
        text="Ý KIẾN MẬT",
        version=None,
        by=cast.users["home_affairs"],
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(proposed_level="htxsnv")
    page = login(cast.users["official_b"]).get(url("evaluation_detail", evaluation))
    assert "Bản của Sở Nội vụ." in page.text and "Bà Lý Thị Hoa" in page.text
    assert "Ý KIẾN MẬT" not in page.text and "Mức Sở Nội vụ đề xuất" not in page.text
    assert url("meeting_edit", evaluation) not in page.text
    assert url("party_opinion_edit", evaluation) not in page.text


def test_the_chair_reads_the_card_but_cannot_edit(cast, login):
    evaluation = evaluation_of(cast.official_a)
    record_directly(evaluation, cast.users["home_affairs"], votes_recorded=True, votes={"httnv": 9})
    client = login(cast.users["chair"])
    assert client.get(url("meeting_edit", evaluation)).status_code == 403
    assert client.get(url("party_opinion_edit", evaluation)).status_code == 403
    page = client.get(url("evaluation_detail", evaluation))
    assert "Họp nhận xét và ý kiến cấp ủy" in page.text and "Bản của Sở Nội vụ." in page.text
    assert "9/10" in page.text and "Hoàn thành tốt nhiệm vụ: <strong>9</strong>" in page.text
    assert "Chưa có ý kiến cấp ủy." in page.text
    assert url("meeting_edit", evaluation) not in page.text
    assert url("party_opinion_edit", evaluation) not in page.text


def test_home_affairs_records_anyones_meeting_even_after_the_phase(cast, login):
    # No comment-meeting phase is open: Home Affairs catches up from paper until the decision.
    client = login(cast.users["home_affairs"])
    for official in (cast.official_a, cast.official_b):
        evaluation = evaluation_of(official)
        assert client.post(url("meeting_edit", evaluation), meeting_post()).status_code == 302
    assert CommentMeeting.objects.count() == 2


def test_the_evaluation_page_card_costs_the_same_queries_whatever_the_number_of_opinions(cast, login):
    evaluation = evaluation_of(cast.official_a)
    client = login(cast.users["home_affairs"])
    record_directly(evaluation, cast.users["home_affairs"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("evaluation_detail", evaluation)).status_code == 200
        return len(captured)

    one = count()
    services.comment_meeting_record(
        evaluation=evaluation,
        minutes=MeetingMinutes(
            held_on=date(2026, 11, 10),
            place="P",
            chaired_by="C",
            minutes_by="M",
            invited_count=30,
            attended_count=30,
            conclusion="K",
        ),
        opinions=[Opinion(f"Người {i}", "Ý kiến.") for i in range(20)],
        version=1,
        by=cast.users["home_affairs"],
    )
    assert count() == one


# --- Scans ---


def test_the_meeting_scan_streams_as_an_attachment_to_those_who_may_read_it(cast, login, meeting_phase):
    evaluation = evaluation_of(cast.official_b)
    login(cast.users["unit_secretary"]).post(url("meeting_edit", evaluation), meeting_post(scan=pdf()))
    for persona in ("unit_secretary", "home_affairs", "chair", "official_b"):
        response = login(cast.users[persona]).get(url("meeting_scan_download", evaluation))
        assert response.status_code == 200, persona
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="bien-ban.pdf"' in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for persona in ("official_a", "office_staff", "outsider"):
        assert login(cast.users[persona]).get(url("meeting_scan_download", evaluation)).status_code == 404


def test_no_scan_yet_is_404(cast, login):
    evaluation = evaluation_of(cast.official_a)
    client = login(cast.users["home_affairs"])
    assert client.get(url("meeting_scan_download", evaluation)).status_code == 404
    record_directly(evaluation, cast.users["home_affairs"])
    assert client.get(url("meeting_scan_download", evaluation)).status_code == 404


# --- Party opinion ---


def party_post(version="", **overrides):
    data = {"version": version, "body": "Đảng ủy Sở Tư pháp", "given_on": "2026-11-12", "text": "Đồng ý."}
    return data | overrides


def test_secretary_records_the_party_opinion_and_its_scan(cast, login):
    open_phase(cast.cycle, PhaseKind.PARTY_OPINION)
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    assert client.get(url("party_opinion_edit", evaluation)).status_code == 200
    response = client.post(url("party_opinion_edit", evaluation), party_post(scan=pdf("y-kien.pdf")))
    assert response.status_code == 302
    opinion = PartyOpinion.objects.get(evaluation=evaluation)
    assert opinion.signed_scan_name == "y-kien.pdf"
    scan = client.get(url("party_opinion_scan_download", evaluation))
    assert scan.status_code == 200 and scan["Content-Disposition"].startswith("attachment")
    # The person themself may see their file but not the party committee's opinion.
    assert (
        login(cast.users["official_b"]).get(url("party_opinion_scan_download", evaluation)).status_code == 403
    )
    assert "Đồng ý." in login(cast.users["chair"]).get(url("evaluation_detail", evaluation)).text


def test_party_opinion_closed_phase_and_stale_form_keep_the_input(cast, login):
    evaluation = evaluation_of(cast.official_b)
    client = login(cast.users["unit_secretary"])
    response = client.post(url("party_opinion_edit", evaluation), party_post(text="Ý kiến đang gõ"))
    assert response.status_code == 200 and "chưa mở hoặc đã đóng" in response.text
    assert "Ý kiến đang gõ" in response.text and not PartyOpinion.objects.exists()

    open_phase(cast.cycle, PhaseKind.PARTY_OPINION)
    services.party_opinion_record(
        evaluation=evaluation,
        body="Đảng ủy",
        given_on=date(2026, 11, 12),
        text="Bản đã lưu",
        version=None,
        by=cast.users["home_affairs"],
    )
    # This tab was loaded before anyone had saved: the first save elsewhere makes it stale.
    response = client.post(url("party_opinion_edit", evaluation), party_post(text="Ý kiến đang gõ"))
    assert response.status_code == 409 and "Ý kiến cấp ủy vừa được người khác lưu lúc" in response.text
    assert "Ý kiến đang gõ" in response.text and "Bản đã lưu" in response.text
    response = client.post(url("party_opinion_edit", evaluation), party_post(version="1"))
    assert response.status_code == 302
    response = client.post(url("party_opinion_edit", evaluation), party_post(version="1", text="Tab cũ"))
    assert response.status_code == 409 and "Tab cũ" in response.text and 'value="2"' in response.text


def test_party_opinion_in_the_future_is_refused(cast, login):
    evaluation = evaluation_of(cast.official_a)
    response = login(cast.users["home_affairs"]).post(
        url("party_opinion_edit", evaluation), party_post(given_on="2099-01-01")
    )
    assert "Ngày cho ý kiến không thể ở tương lai." in response.text


# --- The secretary's list ---


def test_meeting_list_shows_a_secretary_only_their_own_agencys_people(cast, login):
    record_directly(evaluation_of(cast.official_b), cast.users["home_affairs"])
    page = login(cast.users["unit_secretary"]).get(
        reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk})
    )
    assert page.status_code == 200
    assert "Trần Văn Bình" in page.text and "Nguyễn Thị An" not in page.text
    assert "Sửa biên bản" in page.text and "Đã có biên bản họp: 1/1" in page.text
    assert 'data-testid="meeting-filters"' not in page.text


def test_meeting_list_lets_home_affairs_filter_by_agency(cast, login):
    client = login(cast.users["home_affairs"])
    list_url = reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk})
    page = client.get(list_url)
    assert "Trần Văn Bình" in page.text and "Nguyễn Thị An" in page.text
    page = client.get(list_url, {"organisation": cast.official_a.organisation_id})
    assert "Nguyễn Thị An" in page.text and "Trần Văn Bình" not in page.text
    assert client.get(list_url, {"organisation": "rubbish"}).status_code == 200


@pytest.mark.parametrize("persona", ["official_a", "official_b", "chair", "office_staff", "outsider"])
def test_meeting_list_is_404_without_a_secretary_or_home_affairs_role(cast, login, persona):
    list_url = reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk})
    assert login(cast.users[persona]).get(list_url).status_code == 404


def test_a_secretary_of_two_agencies_sees_both(cast, login):
    user = UserFactory(username="two_hats")
    for official in (cast.official_a, cast.official_b):
        role_grant(user=user, role=Role.UNIT_SECRETARY, organisation=official.organisation)
    page = login(user).get(reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk}))
    assert "Trần Văn Bình" in page.text and "Nguyễn Thị An" in page.text


@pytest.mark.parametrize("persona", ["unit_secretary", "home_affairs"])
def test_meeting_list_query_count_does_not_grow_with_the_cohort(cast, login, persona):
    agency = cast.official_b.organisation
    client = login(cast.users[persona])
    list_url = reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk})

    def grow(to):
        while cast.cycle.enrolments.count() < to:
            official = OfficialFactory(organisation=agency)
            enrol(cast.cycle, official)
            evaluation = evaluation_of(official)
            if official.pk % 2:
                record_directly(evaluation, cast.users["home_affairs"])
                services.party_opinion_record(
                    evaluation=evaluation,
                    body="Đảng ủy",
                    given_on=date(2026, 11, 12),
                    text="Đồng ý.",
                    version=None,
                    by=cast.users["home_affairs"],
                )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url).status_code == 200
        return len(captured)

    grow(6)
    small = count()
    grow(30)
    assert count() == small


def test_home_links_the_secretary_to_their_meeting_list(cast, login):
    page = login(cast.users["unit_secretary"]).get(reverse("home"))
    assert reverse("reviews:meeting_list", kwargs={"cycle_pk": cast.cycle.pk}) in page.text
