"""Objections (issue #5, domain.md §3.9): filed by the person in the window, answered by the chair; a changed
rating is a new signed decision replacing the old one, both kept, the caps and the group's quota still hold."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from cycles.models import CycleStatus, Phase, PhaseKind
from reviews import services
from reviews.errors import ReviewError
from reviews.models import Decision, DecisionState, Evaluation, Objection, ObjectionStatus

from ..factories import open_phase, submitted

pytestmark = pytest.mark.django_db

OBJECTION = "Tôi đề nghị xem xét lại vì đã hoàn thành vượt 100% chỉ tiêu được giao trong năm."


def evaluation_of(official):
    return official.enrolments.get().evaluation


def publish(cast, *, a_points=D("85"), b_points=D("80"), a_level="httnv", b_level="httnv", window=True):
    """Both people submitted, decided and signed off; the objection window open for a week."""
    chair = cast.users["chair"]
    a = submitted(evaluation_of(cast.official_a), points=a_points)
    b = submitted(evaluation_of(cast.official_b), points=b_points)
    for evaluation, level in ((a, a_level), (b, b_level)):
        evaluation.refresh_from_db()
        services.decision_record(
            evaluation=evaluation,
            level=level,
            comments="Hoàn thành tốt nhiệm vụ được giao.",
            version=evaluation.version,
            by=chair,
        )
    services.cycle_sign_off(cycle=cast.cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=chair)
    if window:
        open_phase(cast.cycle, PhaseKind.OBJECTIONS)
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


def file(cast, evaluation, text=OBJECTION):
    return services.objection_file(evaluation=evaluation, text=text, by=cast.users["official_a"])


def answer_changed(cast, objection, level, **kwargs):
    return services.objection_answer(
        objection=objection,
        answer=kwargs.pop("answer", "Chấp nhận kiến nghị: số liệu chỉ tiêu đã được xác nhận lại."),
        outcome="changed",
        level=level,
        signing_as="chair",
        signer_name="Chủ Tịch Thử",
        by=cast.users["chair"],
        **kwargs,
    )


@pytest.fixture(autouse=True)
def no_mail_queue(monkeypatch):
    # The e-mail of a notice goes through Celery; these tests look at the notice row only.
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)


def test_the_whole_objection_flow_keeps_both_decisions_and_reissues_the_notice(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a, _b = publish(cast, a_points=D("86"), a_level="htnv")
    old = Decision.objects.get(evaluation=a, state=DecisionState.SIGNED)
    objection = file(cast, a)
    assert objection.status == ObjectionStatus.OPEN and objection.decision == old
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer_changed(cast, objection, "httnv", reason="Số liệu chỉ tiêu được xác nhận lại.")
    old.refresh_from_db()
    new = answered.new_decision
    assert old.state == DecisionState.REPLACED
    assert new.state == DecisionState.SIGNED and new.replaces == old and new.level == "httnv"
    assert new.replacement_reason == "Số liệu chỉ tiêu được xác nhận lại."
    assert new.comments == old.comments  # carried over when the chair does not rewrite them
    assert answered.status == ObjectionStatus.ANSWERED and answered.outcome == "changed"
    a.refresh_from_db()
    assert a.final_level == "httnv" and a.status == "published"
    assert Decision.objects.filter(evaluation=a).count() == 2
    actions = list(AuditEvent.objects.filter(evaluation=a).values_list("action", flat=True))
    for action in (Action.OBJECTION_FILED, Action.DECISION_REPLACED, Action.OBJECTION_ANSWERED):
        assert action in actions
    replaced = AuditEvent.objects.get(action=Action.DECISION_REPLACED)
    assert replaced.before["level"] == "htnv" and replaced.after["level"] == "httnv"
    assert replaced.after["replaces"] == old.pk
    from reviews.models import Notice

    notice = Notice.objects.get(decision=new)
    assert notice.kind == "replaced"
    assert Notice.objects.filter(decision=old).exists()  # the first notice is kept


def test_the_official_sees_the_new_level_and_the_answer(cast, login):
    a, _b = publish(cast, a_points=D("86"), a_level="htnv")
    answer_changed(cast, file(cast, a), "httnv")
    page = login(cast.users["official_a"]).get(reverse("reviews:evaluation_detail", kwargs={"pk": a.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hoàn thành tốt nhiệm vụ" in html
    assert "Chấp nhận kiến nghị" in html


def test_kept_just_answers(cast):
    a, _b = publish(cast)
    objection = services.objection_answer(
        objection=file(cast, a),
        answer="Kết quả đã căn cứ đầy đủ hồ sơ; giữ nguyên.",
        outcome="kept",
        by=cast.users["chair"],
    )
    assert objection.status == ObjectionStatus.ANSWERED and objection.new_decision is None
    assert Decision.objects.get(evaluation=a).state == DecisionState.SIGNED
    assert AuditEvent.objects.get(action=Action.OBJECTION_ANSWERED).after["outcome"] == "kept"
    with pytest.raises(ReviewError, match="không còn chờ trả lời"):
        services.objection_answer(
            objection=objection, answer="Lần nữa", outcome="kept", by=cast.users["chair"]
        )


def test_no_objection_before_publication(cast):
    a = submitted(evaluation_of(cast.official_a))
    open_phase(cast.cycle, PhaseKind.OBJECTIONS)
    with pytest.raises(ReviewError, match="sau khi kết quả xếp loại đã được phê duyệt"):
        file(cast, a)


def test_no_objection_outside_the_window(cast):
    a, _b = publish(cast, window=False)
    with pytest.raises(ReviewError, match="chưa đặt thời hạn kiến nghị"):
        file(cast, a)
    phase = open_phase(cast.cycle, PhaseKind.OBJECTIONS)
    # Home Affairs ends the window early (issue #13: a window that opened and was closed has run its course).
    from cycles.services import phase_close

    phase_close(phase=phase, by=cast.users["home_affairs"])
    with pytest.raises(ReviewError, match="đã đóng"):
        file(cast, a)
    Phase.objects.filter(pk=phase.pk).update(is_open=True, deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ReviewError, match="Đã hết thời hạn gửi kiến nghị"):
        file(cast, a)
    assert not Objection.objects.exists()


def test_the_text_must_say_something_and_not_too_much(cast):
    a, _b = publish(cast)
    with pytest.raises(ReviewError, match="ít nhất 20 ký tự"):
        file(cast, a, text="  Không đồng ý  ")
    with pytest.raises(ReviewError, match="quá giới hạn 10000"):
        file(cast, a, text="x" * 10_001)


def test_only_the_person_files_and_someone_elses_evaluation_is_404(cast, login):
    a, b = publish(cast)
    for persona in ("official_b", "chair", "home_affairs"):
        with pytest.raises(PermissionDenied):
            services.objection_file(evaluation=a, text=OBJECTION, by=cast.users[persona])
    client = login(cast.users["official_a"])
    response = client.post(reverse("reviews:objection_file", kwargs={"pk": b.pk}), {"text": OBJECTION})
    assert response.status_code == 404
    assert not Objection.objects.exists()


def test_one_open_objection_at_a_time_held_by_the_database(cast):
    a, _b = publish(cast)
    objection = file(cast, a)
    with pytest.raises(ReviewError, match="đang có một kiến nghị"):
        file(cast, a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.create(evaluation=a, decision=objection.decision, text=OBJECTION)
    services.objection_withdraw(objection=objection, by=cast.users["official_a"])
    assert file(cast, a).status == ObjectionStatus.OPEN


def test_the_database_requires_an_answer_and_a_new_decision_for_a_change(cast):
    a, _b = publish(cast)
    objection = file(cast, a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(status="answered")
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(
            status="answered", answer="Đồng ý", answered_at=timezone.now(), outcome="changed"
        )


def test_withdrawing(cast):
    a, _b = publish(cast)
    objection = file(cast, a)
    with pytest.raises(PermissionDenied):
        services.objection_withdraw(objection=objection, by=cast.users["official_b"])
    withdrawn = services.objection_withdraw(objection=objection, by=cast.users["official_a"])
    assert withdrawn.status == ObjectionStatus.WITHDRAWN and withdrawn.withdrawn_at
    assert AuditEvent.objects.get(action=Action.OBJECTION_WITHDRAWN).after["status"] == "withdrawn"
    with pytest.raises(ReviewError, match="Chỉ rút được"):
        services.objection_withdraw(objection=objection, by=cast.users["official_a"])


def test_a_change_above_the_cap_is_refused_and_nothing_changes(cast):
    a, _b = publish(cast, a_points=D("85"))
    objection = file(cast, a)
    with pytest.raises(ReviewError, match="mức cao nhất được phép"):
        answer_changed(cast, objection, "htxsnv")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
    assert Decision.objects.get(evaluation=a).state == DecisionState.SIGNED


def test_a_change_over_the_quota_is_refused_and_rolled_back(cast):
    # 2 people at HTTNV in one group: 20% × 1 HTTNV left = 0 allowed, so nobody can become HTXSNV.
    a, _b = publish(cast, a_points=D("95"))
    objection = file(cast, a)
    with pytest.raises(ReviewError, match="vượt tỷ lệ HTXSNV"):
        answer_changed(cast, objection, "htxsnv")
    a.refresh_from_db()
    assert a.final_level == "httnv"
    assert list(Decision.objects.filter(evaluation=a).values_list("state", flat=True)) == ["signed"]
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.OPEN
    assert not AuditEvent.objects.filter(action=Action.DECISION_REPLACED).exists()


def test_only_the_chair_answers_and_replaces(cast):
    a, _b = publish(cast)
    objection = file(cast, a)
    for persona in ("home_affairs", "official_a", "office_staff"):
        with pytest.raises(PermissionDenied):
            services.objection_answer(objection=objection, answer="x", outcome="kept", by=cast.users[persona])
        with pytest.raises(PermissionDenied):
            services.decision_replace(
                evaluation=a,
                level="htnv",
                reason="Sai sót",
                signing_as="chair",
                signer_name="X",
                by=cast.users[persona],
            )


def test_a_later_replacement_for_errors_found_shares_the_path(cast, django_capture_on_commit_callbacks):
    a, _b = publish(cast, window=False)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.decision_replace(
            evaluation=a,
            level="htnv",
            reason="Phát hiện kê khai không trung thực (Kết luận thanh tra số 12/KL-TTr).",
            signing_as="vice_chair",
            signer_name="Phó Chủ Tịch Thử",
            by=cast.users["chair"],
        )
    assert new.replaces.state == DecisionState.REPLACED and new.signing_as == "vice_chair"
    assert Evaluation.objects.get(pk=a.pk).final_level == "htnv"
    assert AuditEvent.objects.get(action=Action.DECISION_REPLACED).acting_as == "vice_chair"
    with pytest.raises(ReviewError, match="lý do"):
        services.decision_replace(
            evaluation=a,
            level="httnv",
            reason=" ",
            signing_as="chair",
            signer_name="X",
            by=cast.users["chair"],
        )


def test_an_open_objection_is_answered_rather_than_bypassed(cast):
    a, _b = publish(cast)
    file(cast, a)
    with pytest.raises(ReviewError, match="chờ trả lời"):
        services.decision_replace(
            evaluation=a,
            level="htnv",
            reason="Sai sót",
            signing_as="chair",
            signer_name="X",
            by=cast.users["chair"],
        )


def test_no_replacement_before_sign_off(cast):
    a = submitted(evaluation_of(cast.official_a))
    assert cast.cycle.status == CycleStatus.IN_PROGRESS
    with pytest.raises(ReviewError, match="chưa được phê duyệt"):
        services.decision_replace(
            evaluation=a,
            level="htnv",
            reason="Sai sót",
            signing_as="chair",
            signer_name="X",
            by=cast.users["chair"],
        )


# --- Pages ---


def test_the_official_files_and_withdraws_from_their_page(cast, login):
    a, _b = publish(cast)
    client = login(cast.users["official_a"])
    detail = reverse("reviews:evaluation_detail", kwargs={"pk": a.pk})
    page = client.get(detail).content.decode()
    assert (
        'data-testid="objections"' in page and reverse("reviews:objection_file", kwargs={"pk": a.pk}) in page
    )
    response = client.post(reverse("reviews:objection_file", kwargs={"pk": a.pk}), {"text": "ngắn"})
    assert response.status_code == 200 and "ít nhất 20 ký tự" in response.content.decode()
    response = client.post(reverse("reviews:objection_file", kwargs={"pk": a.pk}), {"text": OBJECTION})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert OBJECTION in client.get(detail).content.decode()
    response = client.post(
        reverse("reviews:objection_withdraw", kwargs={"pk": a.pk, "objection_pk": objection.pk})
    )
    assert response.status_code == 302
    assert Objection.objects.get().status == ObjectionStatus.WITHDRAWN


def test_the_chair_answers_from_the_list(cast, login):
    a, _b = publish(cast, a_points=D("86"), a_level="htnv")
    objection = file(cast, a)
    client = login(cast.users["chair"])
    listing = client.get(
        reverse("reviews:objection_list", kwargs={"cycle_pk": cast.cycle.pk})
    ).content.decode()
    assert "Nguyễn Thị An" in listing
    url = reverse("reviews:objection_answer", kwargs={"pk": objection.pk})
    page = client.get(url).content.decode()
    assert OBJECTION in page and "Giám đốc sở và tương đương" in page
    response = client.post(
        url,
        {
            "answer": "Chấp nhận kiến nghị.",
            "outcome": "changed",
            "decision": "httnv",
            "comments": "Hoàn thành tốt nhiệm vụ, vượt chỉ tiêu.",
            "outlook": "",
            "reason": "",
            "signing_as": "chair",
            "signer_name": "Chủ Tịch Thử",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.final_level == "httnv"
    response = client.post(
        url, {"answer": "Lần hai", "outcome": "kept", "signing_as": "chair", "signer_name": "Chủ Tịch Thử"}
    )
    assert response.status_code == 200 and "không còn chờ trả lời" in response.content.decode()
