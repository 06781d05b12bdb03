"""Bad input at the self-assessment pages: each gets a clear Vietnamese message or a 404, nothing saved is lost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles.models import Phase
from reviews.models import Evaluation, EvaluationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(cast, login):
    Phase.objects.filter(cycle=cast.cycle).update(deadline=timezone.now() + timedelta(days=3))
    client = login(cast.users["official_a"])
    evaluation = cast.official_a.enrolments.get().evaluation
    return client, evaluation


def edit_url(evaluation):
    return reverse("reviews:self_assessment_edit", kwargs={"pk": evaluation.pk})


def form_data(evaluation, **extra):
    data = {"version": evaluation.version, "self_level": "httnv"}
    for code, points in [
        ("politics_ethics_discipline", "9"),
        ("competence_responsibility_service", "8.5"),
        ("innovation", "7"),
        ("quantity", "14"),
        ("quality", "13"),
        ("timeliness", "9"),
        ("unit_results", "13"),
        ("organising_capacity", "8"),
        ("capacity_to_unite", "4"),
    ]:
        data[f"points__{code}"] = points
        data[f"text__{code}"] = f"Giải trình {code}"
    data["text__strengths"] = "Ưu điểm"
    data["text__weaknesses"] = "Khuyết điểm"
    return data | extra


def test_the_form_saves_and_says_when(own):
    client, evaluation = own
    response = client.post(edit_url(evaluation), form_data(evaluation), follow=True)
    assert "Đã lưu lúc" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and str(evaluation.points_total) == "85.50"


def test_autosave_answers_with_a_small_partial_and_the_new_version(own):
    client, evaluation = own
    response = client.post(edit_url(evaluation), form_data(evaluation, autosave="1"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "Đã lưu lúc" in page and "<html" not in page
    assert 'name="version" value="2"' in page and 'hx-swap-oob="true"' in page


def test_forged_status_and_levels_in_the_post_are_ignored(own):
    client, evaluation = own
    client.post(
        edit_url(evaluation),
        form_data(
            evaluation, status="published", final_level="htxsnv", proposed_level="htxsnv", points_total="100"
        ),
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.final_level == "" and evaluation.proposed_level == ""
    assert str(evaluation.points_total) == "85.50"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points__innovation", "-1", "Điểm không được âm"),
        ("points__innovation", "11", "Điểm tối đa của mục này là 10"),
        ("points__quality", "8.25", "chữ số thập phân"),
        ("points__quality", "mười", "Nhập một số, ví dụ 8.5"),
        ("text__strengths", "x" * 5001, "5000"),
        ("self_level", "super", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_values_get_a_vietnamese_message_and_keep_the_typed_text(own, field, value, message):
    client, evaluation = own
    client.post(edit_url(evaluation), form_data(evaluation))
    evaluation.refresh_from_db()
    response = client.post(
        edit_url(evaluation), form_data(evaluation, **{field: value, "text__weaknesses": "mới gõ"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "Chưa lưu" in page
    assert "mới gõ" in page  # what was typed is still in the form
    evaluation.refresh_from_db()
    assert evaluation.answers["weaknesses"]["text"] == "Khuyết điểm"  # and the saved copy is untouched


def test_a_stale_tab_gets_409_keeps_its_text_and_shows_the_saved_copy(own):
    client, evaluation = own
    stale = form_data(evaluation, text__strengths="viết ở tab cũ")
    client.post(edit_url(evaluation), form_data(evaluation, text__strengths="viết ở tab mới"))
    response = client.post(edit_url(evaluation), stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "vừa được lưu ở nơi khác" in page
    assert "viết ở tab cũ" in page and "viết ở tab mới" in page
    assert 'name="version" value="2"' in page  # saving again now is a deliberate choice
    evaluation.refresh_from_db()
    assert evaluation.answers["strengths"]["text"] == "viết ở tab mới"


def test_submit_asks_for_confirmation_then_locks(own):
    client, evaluation = own
    client.post(edit_url(evaluation), form_data(evaluation))
    evaluation.refresh_from_db()
    submit_url = reverse("reviews:self_assessment_submit", kwargs={"pk": evaluation.pk})
    confirm = client.get(submit_url).content.decode()
    assert "Xác nhận nộp phiếu" in confirm
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.DRAFT
    response = client.post(submit_url, {"version": evaluation.version}, follow=True)
    assert "Đã nộp phiếu" in response.content.decode()
    again = client.post(submit_url, {"version": evaluation.version}, follow=True)
    assert "Phiếu đã được nộp" in again.content.decode()
    locked = client.post(edit_url(evaluation), form_data(evaluation))
    assert "Phiếu đã nộp" in locked.content.decode()


def test_the_level_mismatch_is_said_before_submitting(own):
    client, evaluation = own
    client.post(edit_url(evaluation), form_data(evaluation, self_level="htxsnv"))
    page = client.get(
        reverse("reviews:self_assessment_submit", kwargs={"pk": evaluation.pk})
    ).content.decode()
    assert "khác với mức tương ứng tổng điểm" in page


def test_a_closed_phase_shows_the_form_read_only(own, cast):
    client, evaluation = own
    Phase.objects.filter(cycle=cast.cycle).update(is_open=False)
    page = client.get(edit_url(evaluation)).content.decode()
    assert "phiếu chỉ xem được" in page and 'id="self-assessment-form"' not in page
    response = client.post(edit_url(evaluation), form_data(evaluation))
    assert "chưa mở hoặc đã đóng" in response.content.decode()


def test_someone_elses_form_is_404_for_every_action(cast, login):
    client = login(cast.users["official_b"])
    evaluation = cast.official_a.enrolments.get().evaluation
    for name in [
        "self_assessment_edit",
        "self_assessment_submit",
        "self_assessment_withdraw",
        "evidence_upload",
    ]:
        url = reverse(f"reviews:{name}", kwargs={"pk": evaluation.pk})
        assert client.post(url, form_data(evaluation)).status_code == 404, name
    assert Evaluation.objects.get(pk=evaluation.pk).version == 1


def test_free_text_is_escaped_on_every_page(own, cast, login):
    client, evaluation = own
    payload = "<img src=x onerror=alert(1)>"
    client.post(edit_url(evaluation), form_data(evaluation, text__strengths=payload))
    for url in [edit_url(evaluation), reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk})]:
        page = client.get(url).content.decode()
        assert payload not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    clerk = login(cast.users["home_affairs"])
    assert (
        payload
        not in clerk.get(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk})).content.decode()
    )


def test_a_criterion_title_typed_by_home_affairs_is_escaped(own, cast):
    client, evaluation = own
    cast.cycle.criteria.filter(code="strengths").update(title='<script>alert("x")</script>')
    page = client.get(edit_url(evaluation)).content.decode()
    assert '<script>alert("x")</script>' not in page


def test_a_wrong_file_type_is_refused_with_a_message(own):
    client, evaluation = own
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("minh-chung.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(
        reverse("reviews:evidence_upload", kwargs={"pk": evaluation.pk}), {"file": upload}, follow=True
    )
    assert "không phải PDF, PNG hay JPEG" in response.content.decode()
    assert evaluation.attachments.count() == 0


def test_evidence_downloads_as_an_attachment_to_those_who_may_see_it(own, cast, login):
    client, evaluation = own
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("reviews:evidence_upload", kwargs={"pk": evaluation.pk}),
        {"file": SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 test", content_type="text/html")},
    )
    attachment = evaluation.attachments.get()
    url = reverse("reviews:evidence_download", kwargs={"pk": evaluation.pk, "attachment_pk": attachment.pk})
    response = login(cast.users["home_affairs"]).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert login(cast.users["official_b"]).get(url).status_code == 404


def test_home_affairs_returns_and_the_official_sees_the_reason(own, cast, login):
    client, evaluation = own
    client.post(edit_url(evaluation), form_data(evaluation))
    evaluation.refresh_from_db()
    client.post(
        reverse("reviews:self_assessment_submit", kwargs={"pk": evaluation.pk}),
        {"version": evaluation.version},
    )
    clerk = login(cast.users["home_affairs"])
    clerk.post(
        reverse("reviews:evaluation_return", kwargs={"pk": evaluation.pk}), {"reason": "Thiếu số liệu quý IV"}
    )
    official = login(cast.users["official_a"])
    page = official.get(edit_url(evaluation)).content.decode()
    assert "Thiếu số liệu quý IV" in page and "Trả lại để chỉnh sửa" in page
