"""A real cycle runs through (issue #13): the objection window follows publication, Home Affairs enters paper forms
and records who is not rated, the sign-off accepts them, and a kept objection is not offered again."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from common.outbox import outbox_send
from cycles import services as cycle_services
from cycles.errors import CycleError
from cycles.models import CycleStatus, Phase, PhaseKind
from cycles.selectors import WindowState, objection_window, self_assessment_form
from reviews import services
from reviews.errors import ReviewError
from reviews.models import EvaluationStatus
from reviews.selectors import cohort_states, cycle_close_blockers

from ..factories import submitted
from .test_objections import OBJECTION

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def no_mail_queue(monkeypatch):
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)


def evaluation_of(official):
    return official.enrolments.get().evaluation


def full_answers(evaluation):
    answers = {}
    for part in self_assessment_form(evaluation.enrolment):
        for criterion in part.criteria:
            points = (criterion.max_points * D("0.8")).quantize(D("1")) if criterion.max_points else None
            answers[criterion.code] = services.Answer(text="Theo phiếu giấy.", points=points)
    return answers


def scan(name="phieu.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def enter_on_paper(cast, evaluation):
    return services.self_assessment_enter_on_paper(
        evaluation=evaluation,
        answers=full_answers(evaluation),
        self_level="httnv",
        scan=scan(),
        version=evaluation.version,
        by=cast.users["home_affairs"],
    )


def exempt(cast, evaluation):
    return services.evaluation_exempt(
        evaluation=evaluation,
        kind="not_submitted",
        reason="Không nộp phiếu tự đánh giá dù đã được nhắc ba lần.",
        article="Nghị định 90/2020/NĐ-CP, Điều 2 khoản 3",
        by=cast.users["home_affairs"],
    )


def decide(cast, evaluation, level="httnv"):
    evaluation.refresh_from_db()
    return services.decision_record(
        evaluation=evaluation,
        level=level,
        comments="Hoàn thành tốt nhiệm vụ được giao.",
        version=evaluation.version,
        by=cast.users["chair"],
    )


def sign_off(cast):
    return services.cycle_sign_off(
        cycle=cast.cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=cast.users["chair"]
    )


def objection_phase(cast, *, starts_in_days=0, days=7):
    return cycle_services.phase_set(
        cycle=cast.cycle,
        kind=PhaseKind.OBJECTIONS,
        starts_on=timezone.localdate() + timedelta(days=starts_in_days),
        deadline=timezone.now() + timedelta(days=starts_in_days + days),
    )


# --- Paper forms and "not rated" ---


def test_home_affairs_enters_a_paper_form_marked_with_its_scan_and_audited(cast):
    a = evaluation_of(cast.official_a)
    a = enter_on_paper(cast, a)
    assert a.status == EvaluationStatus.SUBMITTED and a.entered_on_paper
    assert a.paper_scan and a.paper_scan_name == "phieu.pdf" and a.points_total is not None
    event = AuditEvent.objects.get(action=Action.SELF_ASSESSMENT_ENTERED_ON_PAPER)
    assert event.after["entered_on_paper"] is True and event.acting_as == "home_affairs"
    assert cohort_states(cast.cycle).by_state == {"paper": 1, "not_started": 1}


def test_paper_entry_needs_home_affairs_a_real_scan_and_a_complete_form(cast):
    a = evaluation_of(cast.official_a)
    for persona in ("chair", "official_a", "office_staff"):
        with pytest.raises(PermissionDenied):
            services.self_assessment_enter_on_paper(
                evaluation=a,
                answers=full_answers(a),
                self_level="httnv",
                scan=scan(),
                version=a.version,
                by=cast.users[persona],
            )
    with pytest.raises(ReviewError):
        services.self_assessment_enter_on_paper(
            evaluation=a,
            answers=full_answers(a),
            self_level="httnv",
            scan=scan("x.pdf", b"not a pdf at all"),
            version=a.version,
            by=cast.users["home_affairs"],
        )
    with pytest.raises(ReviewError, match="Chưa điền đủ"):
        services.self_assessment_enter_on_paper(
            evaluation=a,
            answers={},
            self_level="httnv",
            scan=scan(),
            version=a.version,
            by=cast.users["home_affairs"],
        )
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    with pytest.raises(ReviewError, match="đã nộp"):
        enter_on_paper(cast, b)


def test_not_rated_needs_reason_and_article_and_the_sign_off_accepts_it(cast):
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = evaluation_of(cast.official_b)
    with pytest.raises(ReviewError, match="lý do và căn cứ"):
        services.evaluation_exempt(
            evaluation=b, kind="not_submitted", reason="", article="", by=cast.users["home_affairs"]
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_exempt(
            evaluation=b, kind="not_submitted", reason="x", article="y", by=cast.users["chair"]
        )
    b = exempt(cast, b)
    assert b.status == EvaluationStatus.EXEMPT
    assert AuditEvent.objects.filter(action=Action.EVALUATION_EXEMPTED).count() == 1
    decide(cast, a)
    assert services.sign_off_check(cast.cycle).ready
    sign_off(cast)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == EvaluationStatus.PUBLISHED and b.status == EvaluationStatus.EXEMPT
    assert cohort_states(cast.cycle).by_state == {"published": 1, "exempt": 1}


def test_an_exemption_recorded_by_mistake_is_lifted(cast):
    b = exempt(cast, evaluation_of(cast.official_b))
    b = services.evaluation_exemption_lift(evaluation=b, by=cast.users["home_affairs"])
    assert b.status == EvaluationStatus.NOT_STARTED and b.exemption_kind == ""


def test_paper_and_exemption_pages_for_home_affairs_only(cast, login):
    a = evaluation_of(cast.official_a)
    client = login(cast.users["home_affairs"])
    page = client.get(reverse("reviews:paper_entry", args=[a.pk]))
    assert page.status_code == 200 and "Nhập phiếu tự đánh giá bản giấy" in page.content.decode()
    data = {"version": a.version, "self_level": "httnv", "scan": scan()}
    for code, answer in full_answers(a).items():
        data[f"text__{code}"] = answer.text
        if answer.points is not None:
            data[f"points__{code}"] = str(answer.points)
    response = client.post(reverse("reviews:paper_entry", args=[a.pk]), data)
    assert response.status_code == 302
    detail = client.get(reverse("reviews:evaluation_detail", args=[a.pk])).content.decode()
    assert 'data-testid="paper-marker"' in detail
    scan_response = client.get(reverse("reviews:paper_scan_download", args=[a.pk]))
    assert scan_response.status_code == 200
    b = evaluation_of(cast.official_b)
    response = client.post(
        reverse("reviews:exemption_edit", args=[b.pk]),
        {
            "kind": "under_six_months",
            "reason": "Nghỉ hưu từ tháng 5.",
            "article": "Nghị định 233/2026/NĐ-CP, Điều 14",
        },
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == EvaluationStatus.EXEMPT
    chair = login(cast.users["chair"])
    assert chair.get(reverse("reviews:paper_entry", args=[a.pk])).status_code == 403


# --- The objection window follows publication ---


def test_the_objection_window_cannot_open_before_publication_and_opens_after(cast):
    phase = objection_phase(cast)
    with pytest.raises(CycleError, match="sau khi kết quả"):
        cycle_services.phase_open(phase=phase, by=cast.users["home_affairs"])
    assert objection_window(cast.cycle).state is WindowState.NOT_YET
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    decide(cast, a)
    decide(cast, b)
    sign_off(cast)
    cast.cycle.refresh_from_db()
    # Its first day has come: it is open after publication without anyone pressing a button.
    assert objection_window(cast.cycle).is_open
    phase = cycle_services.phase_open(phase=Phase.objects.get(pk=phase.pk), by=cast.users["home_affairs"])
    assert phase.is_open and phase.opened_at is not None


def test_the_window_opens_by_its_date_and_the_cycle_closes_only_after_it(cast):
    objection_phase(cast, starts_in_days=3)
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = exempt(cast, evaluation_of(cast.official_b))
    decide(cast, a)
    sign_off(cast)
    cast.cycle.refresh_from_db()
    a.refresh_from_db()
    assert objection_window(cast.cycle).state is WindowState.NOT_YET
    with pytest.raises(ReviewError, match="chưa mở"):
        services.objection_file(evaluation=a, text=OBJECTION, by=cast.users["official_a"])
    assert any("chưa mở" in line for line in cycle_close_blockers(cast.cycle))
    later = timezone.now() + timedelta(days=4)
    assert objection_window(cast.cycle, now=later).is_open
    assert any("chưa hết" in line for line in cycle_close_blockers(cast.cycle, now=later))
    after = timezone.now() + timedelta(days=11)
    assert objection_window(cast.cycle, now=after).has_run_its_course
    from reviews.models import Notice

    Notice.objects.update(status="no_address")
    assert cycle_close_blockers(cast.cycle, now=after) == []
    assert b.status == EvaluationStatus.EXEMPT


def test_home_affairs_ends_an_open_window_early_but_not_one_never_opened(cast):
    phase = objection_phase(cast, starts_in_days=3)
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    decide(cast, a)
    decide(cast, b)
    sign_off(cast)
    from reviews.models import Notice

    Notice.objects.update(status="no_address")
    ha = cast.users["home_affairs"]
    # Closing a window that never opened does not take away the right to object.
    cycle_services.phase_close(phase=Phase.objects.get(pk=phase.pk), by=ha)
    cast.cycle.refresh_from_db()
    assert objection_window(cast.cycle).state is WindowState.NOT_YET
    with pytest.raises(services.CycleCloseRefused):
        services.cycle_close(cycle=cast.cycle, by=ha)
    cycle_services.phase_open(phase=Phase.objects.get(pk=phase.pk), by=ha)
    cycle_services.phase_close(phase=Phase.objects.get(pk=phase.pk), by=ha)
    assert objection_window(cast.cycle).has_run_its_course
    services.cycle_close(cycle=cast.cycle, by=ha)
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.CLOSED


def test_a_kept_objection_is_emailed_not_offered_again_and_the_page_shows_the_window(
    cast, login, monkeypatch, django_capture_on_commit_callbacks
):
    objection_phase(cast)
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    decide(cast, a)
    decide(cast, b)
    sign_off(cast)
    a.refresh_from_db()
    client = login(cast.users["official_a"])
    page = client.get(reverse("reviews:evaluation_detail", args=[a.pk])).content.decode()
    assert "Thời gian nhận kiến nghị" in page and "đang mở" in page
    objection = services.objection_file(evaluation=a, text=OBJECTION, by=cast.users["official_a"])
    sent = []
    monkeypatch.setattr(
        "common.outbox._publish",
        lambda label, pk: sent.append(outbox_send(apps.get_model(label), pk)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_answer(
            objection=objection, answer="Giữ nguyên kết quả.", outcome="kept", by=cast.users["chair"]
        )
    # The e-mail the filing promised, once, addressing the leader by gender.
    assert sent == [True]
    assert len(mail.outbox) == 1 and "Giữ nguyên kết quả." in mail.outbox[0].body
    assert mail.outbox[0].body.startswith(("Kính gửi Ông", "Kính gửi Bà"))
    objection.refresh_from_db()
    assert objection.answer_email.status == "sent" and objection.answer_email.sent_at is not None
    assert services.objection_answer_email_send(objection_id=objection.pk) is False
    page = client.get(reverse("reviews:evaluation_detail", args=[a.pk])).content.decode()
    assert 'action="' + reverse("reviews:objection_file", args=[a.pk]) not in page
    assert "đã được trả lời" in page
    with pytest.raises(ReviewError, match="đã được trả lời"):
        services.objection_file(evaluation=a, text=OBJECTION, by=cast.users["official_a"])
