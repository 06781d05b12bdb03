"""Every transition and rule of the self-assessment (issue #3), at the service layer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cycles.errors import CycleError
from cycles.models import Phase
from cycles.services import cycle_criterion_update
from reviews import services
from reviews.errors import ReviewError, StaleFormError
from reviews.models import EvaluationStatus, EventKind
from reviews.selectors import level_for_points
from reviews.services import Answer

from ..factories import (
    CycleFactory,
    OfficialFactory,
    UserFactory,
    enrol,
    home_affairs_user,
    open_self_assessment,
)

pytestmark = pytest.mark.django_db

STAFF_POINTS = {
    "politics_ethics_discipline": 9,
    "competence_responsibility_service": 8,
    "innovation": 7,
    "quantity": 20,
    "quality": 20,
    "timeliness": 16,
}


@pytest.fixture
def person():
    user = UserFactory(username="dung")
    official = OfficialFactory(full_name="Vũ Văn Dũng", user=user, is_leader=False)
    cycle = CycleFactory()
    open_self_assessment(cycle, deadline=timezone.now() + timedelta(days=5))
    return enrol(cycle, official).evaluation, user


def full_answers(points=STAFF_POINTS, text="Hoàn thành đúng hạn 12/12 sản phẩm."):
    return {code: Answer(text=text, points=Decimal(str(value))) for code, value in points.items()} | {
        "strengths": Answer(text="Chủ động"),
        "weaknesses": Answer(text="Còn chậm báo cáo"),
    }


def save(evaluation, user, answers=None, level="httnv", **kwargs):
    return services.self_assessment_save(
        evaluation=evaluation,
        answers=answers if answers is not None else full_answers(),
        self_level=level,
        version=kwargs.pop("version", evaluation.version),
        by=user,
        **kwargs,
    )


def test_saving_a_draft_totals_the_points_and_bumps_the_version(person):
    evaluation, user = person
    saved = save(evaluation, user)
    assert saved.status == EvaluationStatus.DRAFT
    assert saved.points_total == Decimal(80)
    assert saved.version == 2
    assert saved.answers["quantity"] == {"text": "Hoàn thành đúng hạn 12/12 sản phẩm.", "points": "20"}
    assert level_for_points(saved).value == "httnv"


def test_a_second_tab_with_an_old_version_is_refused_and_the_newer_save_kept(person):
    evaluation, user = person
    first_tab_version = evaluation.version
    save(evaluation, user, answers=full_answers(text="bản ở tab 2"))
    with pytest.raises(StaleFormError) as refused:
        save(evaluation, user, answers=full_answers(text="bản ở tab 1"), version=first_tab_version)
    assert refused.value.current_version == 2
    evaluation.refresh_from_db()
    assert evaluation.answers["quantity"]["text"] == "bản ở tab 2"


@pytest.mark.parametrize(
    ("code", "points"), [("innovation", "-1"), ("innovation", "10.5"), ("quantity", "25.01")]
)
def test_points_outside_zero_to_the_maximum_are_refused(person, code, points):
    evaluation, user = person
    answers = full_answers() | {code: Answer(points=Decimal(points))}
    with pytest.raises(ReviewError, match="phải từ 0 đến"):
        save(evaluation, user, answers=answers)
    evaluation.refresh_from_db()
    assert evaluation.version == 1 and evaluation.answers == {}


def test_decimals_beyond_the_cycles_setting_are_refused(person):
    evaluation, user = person
    with pytest.raises(ReviewError, match="chữ số thập phân"):
        save(evaluation, user, answers=full_answers() | {"quality": Answer(points=Decimal("8.25"))})
    cycle = evaluation.enrolment.cycle
    cycle.points_decimal_places = 0
    cycle.save()
    with pytest.raises(ReviewError, match="chữ số thập phân"):
        save(evaluation, user, answers=full_answers() | {"quality": Answer(points=Decimal("8.5"))})


def test_over_long_text_is_refused_and_nothing_saved(person):
    evaluation, user = person
    save(evaluation, user)
    with pytest.raises(ReviewError, match="dài quá 5000"):
        save(
            evaluation.__class__.objects.get(pk=evaluation.pk),
            user,
            answers=full_answers() | {"strengths": Answer(text="x" * 5001)},
        )
    evaluation.refresh_from_db()
    assert evaluation.answers["strengths"]["text"] == "Chủ động"


def test_text_is_stored_exactly_as_typed(person):
    evaluation, user = person
    typed = '<script>alert("x")</script>\n  Dòng hai & "trích dẫn"'
    saved = save(evaluation, user, answers=full_answers() | {"strengths": Answer(text=typed)})
    assert saved.answers["strengths"]["text"] == typed


def test_submit_needs_every_item_and_a_level(person):
    evaluation, user = person
    save(evaluation, user, answers={"quantity": Answer(points=Decimal(20))}, level="")
    evaluation.refresh_from_db()
    with pytest.raises(ReviewError, match="Chưa điền đủ") as refused:
        services.self_assessment_submit(evaluation=evaluation, version=evaluation.version, by=user)
    assert "Tự xếp loại chất lượng" in str(refused.value) and "Chất lượng sản phẩm" in str(refused.value)


def test_submit_locks_the_form_and_a_second_submit_says_so(person):
    evaluation, user = person
    evaluation = save(evaluation, user)
    submitted = services.self_assessment_submit(evaluation=evaluation, version=evaluation.version, by=user)
    assert submitted.status == EvaluationStatus.SUBMITTED and submitted.submitted_at
    with pytest.raises(ReviewError, match="đã được nộp"):
        services.self_assessment_submit(evaluation=submitted, version=submitted.version, by=user)
    with pytest.raises(ReviewError, match="đã nộp"):
        save(submitted, user)


def test_withdraw_before_the_deadline_and_not_once_home_affairs_started(person):
    evaluation, user = person
    evaluation = save(evaluation, user)
    evaluation = services.self_assessment_submit(evaluation=evaluation, version=evaluation.version, by=user)
    withdrawn = services.self_assessment_withdraw(evaluation=evaluation, by=user)
    assert withdrawn.status == EvaluationStatus.DRAFT
    again = services.self_assessment_submit(evaluation=withdrawn, version=withdrawn.version, by=user)
    services.review_start(evaluation=again, by=home_affairs_user())
    with pytest.raises(ReviewError, match="chưa bắt đầu xem xét"):
        services.self_assessment_withdraw(evaluation=again, by=user)


def test_home_affairs_returns_with_a_reason_the_official_sees_and_can_resubmit(person):
    evaluation, user = person
    clerk = home_affairs_user("clerk")
    evaluation = save(evaluation, user)
    evaluation = services.self_assessment_submit(evaluation=evaluation, version=evaluation.version, by=user)
    with pytest.raises(ReviewError, match="lý do"):
        services.self_assessment_return(evaluation=evaluation, reason="   ", by=clerk)
    returned = services.self_assessment_return(
        evaluation=evaluation, reason="Bổ sung số liệu quý IV", by=clerk
    )
    assert returned.status == EvaluationStatus.RETURNED and returned.return_reason == "Bổ sung số liệu quý IV"
    assert returned.events.filter(kind=EventKind.RETURNED, note="Bổ sung số liệu quý IV").exists()
    edited = save(returned, user)
    assert edited.status == EvaluationStatus.RETURNED  # still flagged until resubmitted
    resubmitted = services.self_assessment_submit(evaluation=edited, version=edited.version, by=user)
    assert resubmitted.status == EvaluationStatus.SUBMITTED and resubmitted.return_reason == ""


def test_returning_a_draft_is_refused(person):
    evaluation, _user = person
    with pytest.raises(ReviewError):
        services.self_assessment_return(evaluation=evaluation, reason="x", by=home_affairs_user())


def test_after_the_deadline_the_form_is_read_only_unless_extended(person):
    evaluation, user = person
    Phase.objects.filter(cycle=evaluation.enrolment.cycle).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ReviewError, match="quá hạn"):
        save(evaluation, user)
    services.deadline_extend(
        evaluation=evaluation, until=timezone.now() + timedelta(days=2), by=home_affairs_user()
    )
    evaluation.refresh_from_db()
    assert save(evaluation, user).status == EvaluationStatus.DRAFT


def test_an_extension_must_be_later_than_the_common_deadline(person):
    evaluation, _user = person
    with pytest.raises(ReviewError, match="sau hạn chung"):
        services.deadline_extend(evaluation=evaluation, until=timezone.now(), by=home_affairs_user())


def test_a_closed_phase_refuses_every_change(person):
    evaluation, user = person
    Phase.objects.filter(cycle=evaluation.enrolment.cycle).update(is_open=False)
    with pytest.raises(ReviewError, match="chưa mở hoặc đã đóng"):
        save(evaluation, user)


def test_nobody_else_can_save_the_form(person):
    evaluation, _user = person
    with pytest.raises(PermissionDenied):
        save(evaluation, UserFactory())


def test_criteria_can_be_adjusted_before_the_phase_opens_but_not_after():
    cycle = CycleFactory()
    criterion = cycle.criteria.get(rulebook_code="decree_335", is_leader=False, code="quantity")
    clerk = home_affairs_user()
    cycle_criterion_update(
        criterion=criterion, title="Số lượng sản phẩm (theo QĐ của tỉnh)", max_points=Decimal(30), by=clerk
    )
    # The form now totals 105, so the phase cannot open until another item gives up 5 points.
    with pytest.raises(CycleError, match="phải bằng 100"):
        open_self_assessment(cycle)
    timeliness = cycle.criteria.get(rulebook_code="decree_335", is_leader=False, code="timeliness")
    cycle_criterion_update(criterion=timeliness, title=timeliness.title, max_points=Decimal(15), by=clerk)
    open_self_assessment(cycle)
    with pytest.raises(CycleError, match="đã mở"):
        cycle_criterion_update(criterion=criterion, title="x", max_points=Decimal(25), by=clerk)


def test_a_decree_90_form_is_free_text_and_service_attitude_is_optional():
    user = UserFactory()
    official = OfficialFactory(user=user, personnel_type="cong_chuc", is_leader=True)
    cycle = CycleFactory(year=2025, framework="decree_90_48")
    open_self_assessment(cycle, deadline=timezone.now() + timedelta(days=3))
    evaluation = enrol(cycle, official).evaluation
    codes = [
        "political_ideology",
        "ethics_lifestyle",
        "working_style",
        "discipline",
        "duties_results",
        "unit_results",
        "leadership_capacity",
        "capacity_to_unite",
        "strengths",
        "weaknesses",
    ]
    saved = services.self_assessment_save(
        evaluation=evaluation,
        answers={code: Answer(text="Tốt") for code in codes},
        self_level="htxsnv",
        version=evaluation.version,
        by=user,
    )
    assert saved.points_total is None and level_for_points(saved) is None
    submitted = services.self_assessment_submit(evaluation=saved, version=saved.version, by=user)
    assert submitted.status == EvaluationStatus.SUBMITTED


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_evidence_is_checked_by_content_not_by_name(person, settings):
    evaluation, user = person
    attachment = services.evidence_attach(
        evaluation=evaluation, upload=_upload("bao-cao.pdf", b"%PDF-1.7\n..."), by=user
    )
    assert attachment.content_type == "application/pdf"
    assert "bao-cao" not in attachment.file.name  # stored under a random name
    png = services.evidence_attach(
        evaluation=evaluation, upload=_upload("anh.pdf", b"\x89PNG\r\n\x1a\nxxxx"), by=user
    )
    assert png.content_type == "image/png"
    with pytest.raises(ReviewError, match="không phải PDF"):
        services.evidence_attach(
            evaluation=evaluation, upload=_upload("virus.pdf", b"MZ\x90\x00exe"), by=user
        )
    with pytest.raises(ReviewError, match="rỗng"):
        services.evidence_attach(evaluation=evaluation, upload=_upload("rong.pdf", b""), by=user)
    settings.PORTAL_EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ReviewError, match="lớn quá 1 MB"):
        services.evidence_attach(
            evaluation=evaluation, upload=_upload("to.pdf", b"%PDF-" + b"0" * 1024 * 1024), by=user
        )
    assert evaluation.attachments.count() == 2


def test_reminders_go_only_to_those_who_have_not_submitted(person, django_capture_on_commit_callbacks):
    evaluation, user = person
    other_user = UserFactory(username="xuan")
    done = enrol(evaluation.enrolment.cycle, OfficialFactory(user=other_user, is_leader=False)).evaluation
    done = save(done, other_user)
    services.self_assessment_submit(evaluation=done, version=done.version, by=other_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = services.reminders_send(cycle=evaluation.enrolment.cycle, by=home_affairs_user())
    assert count == 1 and len(callbacks) == 1


def test_the_services_home_affairs_uses_re_check_the_callers_role(person):
    """Defence in depth (README, "Services check their caller"): the views check first, the services again."""
    evaluation, user = person
    evaluation = save(evaluation, user)
    evaluation = services.self_assessment_submit(evaluation=evaluation, version=evaluation.version, by=user)
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.review_start(evaluation=evaluation, by=outsider)
    with pytest.raises(PermissionDenied):
        services.self_assessment_return(evaluation=evaluation, reason="Sửa", by=outsider)
    with pytest.raises(PermissionDenied):
        services.deadline_extend(evaluation=evaluation, until=timezone.now() + timedelta(days=9), by=user)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.deadline_extended_to is None
