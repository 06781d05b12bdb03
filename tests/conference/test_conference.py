"""The conference (issue #5): its record, the secretary's screen that steps through the cohort with notes
that save themselves, and the chair's screen that follows it."""

from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conference import services
from conference.errors import StaleNoteError
from conference.models import Conference, ConferenceAttendance, ConferenceGuest, ConferenceNote
from conference.selectors import conference_agenda
from cycles.errors import CycleError
from cycles.models import Cycle, CycleStatus
from reviews.models import CapFacts, CommentMeeting, Evaluation

from ..factories import OfficialFactory, PeerGroupFactory, enrol, submitted

pytestmark = pytest.mark.django_db


def evaluation_of(official):
    return official.enrolments.get().evaluation


def make_conference(cast, **overrides):
    values = {
        "held_on": date(2026, 12, 10),
        "starts_at": time(8, 0),
        "venue": "Hội trường UBND tỉnh",
        "chaired_by_name": "Chủ Tịch Thử",
        "chaired_by_title": "Chủ tịch UBND tỉnh",
        "secretary_name": "Lê Thư Ký",
        "secretary_title": "Phó Giám đốc Sở Nội vụ",
        "agenda": "1. Khai mạc\n2. Thảo luận từng người\n3. Kết luận",
        **overrides,
    }
    return services.conference_set(cycle=cast.cycle, **values, by=cast.users["home_affairs"])


# --- Services and constraints ---


def test_home_affairs_sets_up_the_conference_and_saving_again_updates_it(cast):
    conference = make_conference(cast)
    again = make_conference(cast, venue="Phòng họp số 1")
    assert again.pk == conference.pk and again.venue == "Phòng họp số 1" and again.version == 2
    assert Conference.objects.count() == 1


def test_only_home_affairs_sets_up_the_conference(cast):
    with pytest.raises(PermissionDenied):
        services.conference_set(
            cycle=cast.cycle,
            held_on=date(2026, 12, 10),
            starts_at=time(8),
            venue="X",
            chaired_by_name="Y",
            secretary_name="Z",
            by=cast.users["chair"],
        )


@pytest.mark.parametrize("status", [CycleStatus.SIGNED_OFF, CycleStatus.CLOSED])
def test_a_signed_off_or_closed_cycle_refuses_conference_changes(cast, status):
    conference = make_conference(cast)
    Cycle.objects.filter(pk=cast.cycle.pk).update(status=status)
    cast.cycle.refresh_from_db()
    conference.refresh_from_db()
    with pytest.raises(CycleError, match="đã được phê duyệt"):
        make_conference(cast)
    with pytest.raises(CycleError, match="đã được phê duyệt"):
        services.conference_note_save(
            conference=conference,
            evaluation=evaluation_of(cast.official_a),
            text="x",
            version=0,
            by=cast.users["home_affairs"],
        )
    with pytest.raises(CycleError, match="đã được phê duyệt"):
        services.conference_guest_add(
            conference=conference, name="Mặt trận Tổ quốc", by=cast.users["home_affairs"]
        )


def test_venue_and_texts_have_limits_with_vietnamese_messages(cast):
    with pytest.raises(CycleError, match="Hãy nhập địa điểm"):
        make_conference(cast, venue="  ")
    with pytest.raises(CycleError, match="quá giới hạn 20000 ký tự"):
        make_conference(cast, agenda="x" * 20_001)


def test_the_database_requires_a_venue_and_remarks_before_closing(cast):
    conference = make_conference(cast)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Conference.objects.filter(pk=conference.pk).update(venue="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Conference.objects.filter(pk=conference.pk).update(closed_at=timezone.now(), concluding_remarks="")


def test_attendance_needs_a_reason_for_each_absent_person(cast):
    conference = make_conference(cast)
    a, b = cast.official_a.enrolments.get(), cast.official_b.enrolments.get()
    with pytest.raises(CycleError, match="Hãy ghi lý do vắng mặt của Trần Văn Bình"):
        services.conference_attendance_set(
            conference=conference,
            entries=[services.AttendanceEntry(a.pk, True), services.AttendanceEntry(b.pk, False, " ")],
            by=cast.users["home_affairs"],
        )
    assert not ConferenceAttendance.objects.exists()  # all or nothing
    services.conference_attendance_set(
        conference=conference,
        entries=[services.AttendanceEntry(a.pk, True), services.AttendanceEntry(b.pk, False, "Đi công tác")],
        by=cast.users["home_affairs"],
    )
    # Saving again updates the same rows.
    services.conference_attendance_set(
        conference=conference,
        entries=[services.AttendanceEntry(b.pk, True, "ignored when present")],
        by=cast.users["home_affairs"],
    )
    rows = {row.enrolment_id: row for row in ConferenceAttendance.objects.all()}
    assert len(rows) == 2 and rows[b.pk].present and rows[b.pk].absence_reason == ""


def test_the_database_refuses_an_absence_without_a_reason_and_a_second_row(cast):
    conference = make_conference(cast)
    enrolment = cast.official_a.enrolments.get()
    with transaction.atomic(), pytest.raises(IntegrityError):
        ConferenceAttendance.objects.create(conference=conference, enrolment=enrolment, present=False)
    ConferenceAttendance.objects.create(conference=conference, enrolment=enrolment)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ConferenceAttendance.objects.create(conference=conference, enrolment=enrolment)


def test_attendance_of_someone_outside_the_cohort_is_refused(cast):
    conference = make_conference(cast)
    with pytest.raises(CycleError, match="không có trong danh sách"):
        services.conference_attendance_set(
            conference=conference,
            entries=[services.AttendanceEntry(999_999, True)],
            by=cast.users["home_affairs"],
        )


def test_guests_are_added_in_order_and_removed(cast):
    conference = make_conference(cast)
    by = cast.users["home_affairs"]
    first = services.conference_guest_add(
        conference=conference, name="Đại diện Ban Tổ chức Tỉnh ủy", position="Ban Tổ chức Tỉnh ủy", by=by
    )
    services.conference_guest_add(conference=conference, name="Đại diện Ủy ban MTTQ tỉnh", by=by)
    assert [g.name for g in conference.guests.all()] == [
        "Đại diện Ban Tổ chức Tỉnh ủy",
        "Đại diện Ủy ban MTTQ tỉnh",
    ]
    services.conference_guest_remove(guest=first, by=by)
    assert conference.guests.count() == 1
    with transaction.atomic(), pytest.raises(IntegrityError):
        ConferenceGuest.objects.create(conference=conference, name="")


def test_the_report_must_be_a_pdf_by_its_content(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conference = make_conference(cast)
    by = cast.users["home_affairs"]
    fake = SimpleUploadedFile("bao-cao.pdf", b"PK\x03\x04 a zip pretending", content_type="application/pdf")
    with pytest.raises(CycleError, match="không phải PDF"):
        services.conference_report_attach(conference=conference, upload=fake, by=by)
    png = SimpleUploadedFile("bao-cao.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    with pytest.raises(CycleError, match="không phải PDF"):
        services.conference_report_attach(conference=conference, upload=png, by=by)
    empty = SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")
    with pytest.raises(CycleError, match="rỗng"):
        services.conference_report_attach(conference=conference, upload=empty, by=by)
    settings.PORTAL_EVIDENCE_MAX_BYTES = 20
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"x" * 30, content_type="application/pdf")
    with pytest.raises(CycleError, match="lớn quá"):
        services.conference_report_attach(conference=conference, upload=big, by=by)
    settings.PORTAL_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    good = SimpleUploadedFile(
        "Báo cáo 2026.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/octet-stream"
    )
    services.conference_report_attach(conference=conference, upload=good, by=by)
    conference.refresh_from_db()
    assert conference.report_name == "Báo cáo 2026.pdf"
    assert "Báo cáo" not in conference.report.name  # stored under a random name


def test_a_note_is_saved_then_a_stale_copy_is_refused_and_the_other_text_kept(cast):
    conference = make_conference(cast)
    evaluation = evaluation_of(cast.official_a)
    by = cast.users["home_affairs"]
    note = services.conference_note_save(
        conference=conference, evaluation=evaluation, text="Ý kiến 1", version=0, by=by
    )
    assert note.version == 1
    note = services.conference_note_save(
        conference=conference, evaluation=evaluation, text="Ý kiến 1, ý kiến 2", version=1, by=by
    )
    assert note.version == 2
    # A second tab still on version 1 (or a second "new" note) must not overwrite it silently.
    for stale_version in (1, 0):
        with pytest.raises(StaleNoteError) as caught:
            services.conference_note_save(
                conference=conference, evaluation=evaluation, text="Bản khác", version=stale_version, by=by
            )
        assert caught.value.current_text == "Ý kiến 1, ý kiến 2" and caught.value.current_version == 2
        assert "Nguyễn Thị An" in str(caught.value)
    assert ConferenceNote.objects.get().text == "Ý kiến 1, ý kiến 2"
    # The same text from a stale copy (an autosave raced a keypress) is no conflict.
    same = services.conference_note_save(
        conference=conference, evaluation=evaluation, text="Ý kiến 1, ý kiến 2", version=1, by=by
    )
    assert same.version == 2


def test_a_note_has_a_limit_and_belongs_to_someone_of_the_cycle(cast):
    conference = make_conference(cast)
    by = cast.users["home_affairs"]
    with pytest.raises(CycleError, match="quá giới hạn 20000"):
        services.conference_note_save(
            conference=conference,
            evaluation=evaluation_of(cast.official_a),
            text="x" * 20_001,
            version=0,
            by=by,
        )
    other_cycle = Cycle.objects.create(
        year=2025,
        title="2025",
        authority=cast.cycle.authority,
        chair_name="X",
        framework=cast.cycle.framework,
    )
    stranger = enrol(other_cycle, OfficialFactory()).evaluation
    with pytest.raises(CycleError, match="không có trong danh sách"):
        services.conference_note_save(conference=conference, evaluation=stranger, text="x", version=0, by=by)
    with pytest.raises(CycleError, match="không có trong danh sách"):
        services.conference_focus(conference=conference, evaluation=stranger, by=by)


def test_closing_needs_remarks_and_a_time_after_the_opening(cast):
    conference = make_conference(cast)
    by = cast.users["home_affairs"]
    closing = timezone.make_aware(datetime(2026, 12, 10, 11, 30))
    with pytest.raises(CycleError, match="Hãy nhập kết luận"):
        services.conference_close(conference=conference, concluding_remarks=" ", closed_at=closing, by=by)
    with pytest.raises(CycleError, match="sau giờ khai mạc"):
        services.conference_close(
            conference=conference,
            concluding_remarks="Kết luận",
            closed_at=timezone.make_aware(datetime(2026, 12, 10, 7, 0)),
            by=by,
        )
    services.conference_close(conference=conference, concluding_remarks="Kết luận", closed_at=closing, by=by)
    conference.refresh_from_db()
    assert conference.is_closed and conference.concluding_remarks == "Kết luận"


def test_the_agenda_runs_by_peer_group_then_agenda_order_then_name(cast):
    cycle = cast.cycle
    vice_chairs = PeerGroupFactory(code="vice_chairs", name="Phó Chủ tịch UBND tỉnh", sort_order=1)
    units = PeerGroupFactory(code="units", name="Người đứng đầu đơn vị sự nghiệp", sort_order=3)
    enrol(cycle, OfficialFactory(full_name="Zê Đơn Vị", peer_group=units))
    enrol(cycle, OfficialFactory(full_name="Ân Phó Chủ Tịch", peer_group=vice_chairs), agenda_order=2)
    enrol(cycle, OfficialFactory(full_name="Yên Phó Chủ Tịch", peer_group=vice_chairs), agenda_order=1)
    agenda = conference_agenda(cycle)
    names = [item.full_name for item in agenda.items]
    assert names == ["Yên Phó Chủ Tịch", "Ân Phó Chủ Tịch", "Nguyễn Thị An", "Trần Văn Bình", "Zê Đơn Vị"]
    position = agenda.position(evaluation_of(cast.official_a).pk)
    assert (position.number, position.total, position.number_in_group, position.group_total) == (3, 5, 1, 2)
    assert position.previous.full_name == "Ân Phó Chủ Tịch" and position.next.full_name == "Trần Văn Bình"
    assert agenda.position(agenda.items[0].evaluation_id).previous is None
    assert agenda.position(agenda.items[-1].evaluation_id).next is None


# --- Pages ---


def mode_url(cast, evaluation):
    return reverse("conference:conference_mode", kwargs={"pk": cast.cycle.pk, "evaluation_pk": evaluation.pk})


def note_url(cast, evaluation):
    return reverse("conference:conference_note", kwargs={"pk": cast.cycle.pk, "evaluation_pk": evaluation.pk})


def follow_url(cast):
    return reverse("conference:conference_follow", kwargs={"pk": cast.cycle.pk})


def test_the_mode_page_shows_the_person_their_standing_and_the_groups_quota(cast, login):
    make_conference(cast)
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    Evaluation.objects.filter(pk=a.pk).update(proposed_level="httnv", proposal_reason="Chưa đủ chỉ tiêu vượt")
    CapFacts.objects.create(evaluation=a, discipline_form="khien_trach", discipline_date=date(2026, 3, 2))
    page = login(cast.users["home_affairs"]).get(mode_url(cast, a)).content.decode()
    assert "1/2 – Giám đốc sở và tương đương" in page
    assert "Nguyễn Thị An" in page and "95" in page
    assert "≤ KHTNV" in page and "Chưa đủ chỉ tiêu vượt" in page
    assert (
        "Bị kỷ luật từ khiển trách trở lên trong năm đánh giá do vi phạm liên quan đến thực hiện nhiệm vụ."
        in page
    )
    assert 'id="quota-meters"' in page and "HTXSNV 0 / tối đa 0" in page
    assert "Alt</kbd> + <kbd>→" in page and "conference_mode.js" in page
    assert f'name="go" value="{evaluation_of(cast.official_b).pk}"' in page


def test_the_start_url_opens_the_person_on_screen_or_the_first(cast, login):
    conference = make_conference(cast)
    client = login(cast.users["home_affairs"])
    start = reverse("conference:conference_start", kwargs={"pk": cast.cycle.pk})
    assert client.get(start).url == mode_url(cast, evaluation_of(cast.official_a))
    services.conference_focus(
        conference=conference, evaluation=evaluation_of(cast.official_b), by=cast.users["home_affairs"]
    )
    assert client.get(start).url == mode_url(cast, evaluation_of(cast.official_b))


def test_without_a_conference_the_secretary_is_sent_to_set_it_up(cast, login):
    client = login(cast.users["home_affairs"])
    response = client.get(mode_url(cast, evaluation_of(cast.official_a)))
    assert response.status_code == 302 and response.url.endswith("/conference/")


def test_autosave_returns_the_saved_time_and_the_new_version(cast, login):
    make_conference(cast)
    a = evaluation_of(cast.official_a)
    client = login(cast.users["home_affairs"])
    response = client.post(
        note_url(cast, a),
        {"text": "Đồng chí A phát biểu", "version": 0, "autosave": "1"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Đã lưu lúc" in body
    assert 'name="version" value="1"' in body and 'hx-swap-oob="true"' in body
    assert ConferenceNote.objects.get(evaluation=a).text == "Đồng chí A phát biểu"


def test_a_stale_autosave_shows_the_other_text_and_keeps_the_typed_one(cast, login):
    conference = make_conference(cast)
    a = evaluation_of(cast.official_a)
    services.conference_note_save(
        conference=conference, evaluation=a, text="Bản của máy khác", version=0, by=cast.users["home_affairs"]
    )
    client = login(cast.users["home_affairs"])
    body = client.post(
        note_url(cast, a), {"text": "Bản của tôi", "version": 0, "autosave": "1"}
    ).content.decode()
    assert 'data-save="error"' in body and "Bản của máy khác" in body and 'id="note-conflict"' in body
    assert ConferenceNote.objects.get(evaluation=a).text == "Bản của máy khác"
    # The full form (no JavaScript) answers 409 with both texts.
    response = client.post(note_url(cast, a), {"text": "Bản của tôi", "version": 0})
    page = response.content.decode()
    assert response.status_code == 409 and "Bản của tôi" in page and "Bản của máy khác" in page


def test_moving_on_saves_the_note_and_puts_the_next_person_on_the_chairs_screen(cast, login):
    conference = make_conference(cast)
    a, b = evaluation_of(cast.official_a), evaluation_of(cast.official_b)
    client = login(cast.users["home_affairs"])
    response = client.post(note_url(cast, a), {"text": "Nhất trí HTTNV", "version": 0, "go": str(b.pk)})
    assert response.status_code == 302 and response.url == mode_url(cast, b)
    conference.refresh_from_db()
    assert conference.current_evaluation_id == b.pk
    assert ConferenceNote.objects.get(evaluation=a).text == "Nhất trí HTTNV"
    # The chair's screen (the htmx partial it polls) now shows the second person.
    chair = login(cast.users["chair"])
    partial = chair.get(follow_url(cast), headers={"HX-Request": "true"}).content.decode()
    assert "Trần Văn Bình" in partial and "2/2 – Giám đốc sở và tương đương" in partial
    assert "<html" not in partial and "Nhất trí HTTNV" not in partial


def test_the_jump_list_moves_to_anyone(cast, login):
    conference = make_conference(cast)
    a, b = evaluation_of(cast.official_a), evaluation_of(cast.official_b)
    client = login(cast.users["home_affairs"])
    response = client.post(note_url(cast, b), {"text": "", "version": 0, "go": "jump", "jump_to": str(a.pk)})
    assert response.url == mode_url(cast, a)
    conference.refresh_from_db()
    assert conference.current_evaluation_id == a.pk


def test_the_chair_reads_the_mode_page_without_a_notes_form_and_follows_the_screen(cast, login):
    conference = make_conference(cast)
    a = evaluation_of(cast.official_a)
    services.conference_note_save(
        conference=conference, evaluation=a, text="Ghi chép", version=0, by=cast.users["home_affairs"]
    )
    chair = login(cast.users["chair"])
    page = chair.get(mode_url(cast, a)).content.decode()
    assert "conference-note-form" not in page and "Ghi chép" in page
    follow = chair.get(follow_url(cast)).content.decode()
    assert 'hx-trigger="every 3s"' in follow and "chưa bắt đầu" in follow
    assert chair.post(note_url(cast, a), {"text": "x", "version": 1}).status_code == 403


def test_the_edit_page_records_attendance_and_keeps_the_input_when_a_reason_is_missing(cast, login):
    make_conference(cast)
    a, b = cast.official_a.enrolments.get(), cast.official_b.enrolments.get()
    client = login(cast.users["home_affairs"])
    url = reverse("conference:conference_attendance", kwargs={"pk": cast.cycle.pk})
    response = client.post(url, {f"present_{a.pk}": "on", f"reason_{b.pk}": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Hãy ghi lý do vắng mặt của Trần Văn Bình" in page
    response = client.post(url, {f"present_{a.pk}": "on", f"reason_{b.pk}": "Ốm"})
    assert response.status_code == 302
    page = client.get(reverse("conference:conference_edit", kwargs={"pk": cast.cycle.pk})).content.decode()
    assert "Điểm danh: 1/2 người có mặt" in page and 'value="Ốm"' in page


def test_the_report_is_downloaded_as_an_attachment(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conference = make_conference(cast)
    services.conference_report_attach(
        conference=conference,
        upload=SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.7\n%%EOF\n"),
        by=cast.users["home_affairs"],
    )
    response = login(cast.users["chair"]).get(
        reverse("conference:conference_report_download", kwargs={"pk": cast.cycle.pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_links_from_the_cycle_and_the_compilation(cast, login):
    for persona in ("home_affairs", "chair"):
        client = login(cast.users[persona])
        edit = reverse("conference:conference_edit", kwargs={"pk": cast.cycle.pk})
        assert (
            edit in client.get(reverse("portal:cycle_detail", kwargs={"pk": cast.cycle.pk})).content.decode()
        )
        compilation = reverse("reviews:compilation", kwargs={"cycle_pk": cast.cycle.pk})
        assert edit in client.get(compilation).content.decode()


# --- Query counts: the same for 41 or 400 people ---


def _grow(cycle, to):
    for _ in range(to - cycle.enrolments.count()):
        evaluation = enrol(cycle, OfficialFactory()).evaluation
        submitted(evaluation, points=D("80"))
        CommentMeeting.objects.create(
            evaluation=evaluation,
            held_on=date(2026, 11, 3),
            place="P",
            chaired_by="C",
            minutes_by="T",
            invited_count=5,
            attended_count=5,
            conclusion="OK",
        )
        CapFacts.objects.create(evaluation=evaluation, months_worked=12)


def _queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **kwargs).status_code == 200
    return len(captured)


@pytest.mark.parametrize("screen", ["mode", "follow_partial", "edit"])
def test_the_conference_screens_cost_the_same_queries_for_41_or_400(cast, login, screen):
    conference = make_conference(cast)
    a = evaluation_of(cast.official_a)
    services.conference_focus(conference=conference, evaluation=a, by=cast.users["home_affairs"])
    client = login(cast.users["home_affairs"] if screen != "follow_partial" else cast.users["chair"])
    url = {
        "mode": mode_url(cast, a),
        "follow_partial": follow_url(cast),
        "edit": reverse("conference:conference_edit", kwargs={"pk": cast.cycle.pk}),
    }[screen]
    headers = {"headers": {"HX-Request": "true"}} if screen == "follow_partial" else {}
    _grow(cast.cycle, 41)
    small = _queries(client, url, **headers)
    _grow(cast.cycle, 400)
    assert _queries(client, url, **headers) == small
    assert small <= 16


def test_the_demo_prepares_the_2026_conference_with_its_guests(client):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo", "--without-papers", stdout=StringIO())
    conference = Conference.objects.get(cycle__year=2026)
    assert conference.guests.count() == 3 and not conference.is_closed
    client.force_login(
        get_user_model().objects.get(username="noivu"), backend="django.contrib.auth.backends.ModelBackend"
    )
    start = client.get(reverse("conference:conference_start", kwargs={"pk": conference.cycle_id}))
    page = client.get(start.url).content.decode()
    assert f"1/{conference.cycle.enrolments.count()} – " in page


def test_stepping_past_someone_without_notes_leaves_no_empty_note(cast, login):
    make_conference(cast)
    a, b = evaluation_of(cast.official_a), evaluation_of(cast.official_b)
    client = login(cast.users["home_affairs"])
    assert client.post(note_url(cast, a), {"text": "", "version": 0, "go": str(b.pk)}).status_code == 302
    assert not ConferenceNote.objects.exists()
