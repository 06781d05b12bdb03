"""The chair's decisions and the sign-off (issue #5): caps and quota held by the server, everything locked at once."""

import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from audit.models import Action, AuditEvent
from cycles.models import AgencyRating, CycleStatus, QuotaException
from reviews import services
from reviews.errors import ReviewError, StaleFormError
from reviews.models import Decision, DecisionState, Evaluation, EvaluationStatus
from reviews.services import SignOffRefused

from ..factories import OfficialFactory, enrol, submitted

pytestmark = pytest.mark.django_db


def evaluation_of(official):
    return official.enrolments.get().evaluation


def decide(evaluation, chair, level="httnv", **kwargs):
    evaluation.refresh_from_db()
    return services.decision_record(
        evaluation=evaluation,
        level=level,
        not_rated=kwargs.pop("not_rated", False),
        comments=kwargs.pop("comments", "Hoàn thành tốt các chỉ tiêu; cần đẩy mạnh chuyển đổi số."),
        outlook=kwargs.pop("outlook", ""),
        departure_reason=kwargs.pop("departure_reason", ""),
        version=kwargs.pop("version", evaluation.version),
        by=chair,
    )


def sign_off(cast, **kwargs):
    return services.cycle_sign_off(
        cycle=cast.cycle,
        signing_as=kwargs.get("signing_as", "chair"),
        signer_name=kwargs.get("signer_name", "Chủ Tịch Thử"),
        by=cast.users["chair"],
    )


@pytest.fixture
def ready(cast):
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("85"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("80"))
    return a, b


def test_the_chair_records_a_decision_and_the_audit_keeps_before_and_after(cast, ready):
    a, _b = ready
    decision = decide(a, cast.users["chair"])
    a.refresh_from_db()
    assert a.status == EvaluationStatus.DECIDED and a.final_level == "httnv"
    assert decision.state == DecisionState.DRAFT
    event = AuditEvent.objects.get(action=Action.DECISION_RECORDED)
    assert event.before == {"level": "", "not_rated": False} and event.after["level"] == "httnv"
    assert event.acting_as == "chair"


def test_only_the_chair_decides(cast, ready):
    a, _b = ready
    for persona in ("home_affairs", "official_a", "office_staff"):
        with pytest.raises(PermissionDenied):
            decide(a, cast.users[persona])


def test_a_level_above_the_cap_is_refused_with_the_reason(cast, ready):
    a, _b = ready
    with pytest.raises(ReviewError, match="mức cao nhất được phép là Hoàn thành tốt nhiệm vụ.*Tổng điểm 85"):
        decide(a, cast.users["chair"], level="htxsnv")


def test_not_rated_is_recorded_as_such(cast, ready):
    a, _b = ready
    services.cap_facts_record(
        evaluation=a, values={"months_worked": D(4)}, version=None, by=cast.users["home_affairs"]
    )
    with pytest.raises(ReviewError, match="không xếp loại chất lượng"):
        decide(a, cast.users["chair"], level="htnv")
    decide(a, cast.users["chair"], level="", not_rated=True)
    a.refresh_from_db()
    assert a.final_not_rated and a.final_level == "" and a.final_label == "Không xếp loại chất lượng"


def test_comments_are_required_and_cadres_need_the_outlook(cast, ready):
    a, _b = ready
    with pytest.raises(ReviewError, match="nhận xét ưu, khuyết điểm"):
        decide(a, cast.users["chair"], comments="  ")
    a.enrolment.personnel_type = "can_bo"
    a.enrolment.save(update_fields=["personnel_type"])
    with pytest.raises(ReviewError, match="triển vọng phát triển"):
        decide(a, cast.users["chair"])


def test_a_stale_decision_from_a_second_browser_is_refused_not_lost(cast, ready):
    a, _b = ready
    a.refresh_from_db()
    loaded = a.version
    decide(a, cast.users["chair"], level="httnv", version=loaded)
    with pytest.raises(StaleFormError, match="vừa được ghi ở nơi khác"):
        decide(a, cast.users["chair"], level="htnv", version=loaded)
    a.refresh_from_db()
    assert a.final_level == "httnv"


def test_sign_off_lists_what_is_missing(cast, ready):
    a, _b = ready
    decide(a, cast.users["chair"])
    with pytest.raises(SignOffRefused) as refused:
        sign_off(cast)
    assert refused.value.check.undecided == ["Trần Văn Bình"]
    assert Evaluation.objects.get(pk=a.pk).status == EvaluationStatus.DECIDED


def test_an_over_quota_set_is_refused_and_the_exception_with_its_reason_lets_it_through(cast):
    chair = cast.users["chair"]
    # 4 HTTNV and 1 HTXSNV in one group: 20% × 4 = 0.8 → 0 allowed; 25% × 4 = 1.
    people = [submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))]
    people.append(submitted(evaluation_of(cast.official_b), points=D("85")))
    for _ in range(3):
        # Deputies: no agency level needed before they are rated (Decree 233 Art. 15(1)(a) is for heads).
        people.append(
            submitted(enrol(cast.cycle, OfficialFactory(title="Phó Giám đốc")).evaluation, points=D("82"))
        )
    decide(people[0], chair, level="htxsnv")
    for evaluation in people[1:]:
        decide(evaluation, chair)
    with pytest.raises(SignOffRefused) as refused:
        sign_off(cast)
    assert "20% × 4 người HTTNV = 0,8 → tối đa 0 HTXSNV" in str(refused.value)
    # The refusal cites the article that sets the quota (công chức: Decree 335/2025 Art. 20(5)).
    assert "Nghị định 335/2025/NĐ-CP, Điều 20 khoản 5" in str(refused.value)
    QuotaException.objects.create(
        cycle=cast.cycle,
        peer_group=people[0].enrolment.peer_group,
        rate=D("0.25"),
        reason="Dẫn đầu cụm thi đua năm 2026",
        document="Quyết định 120/QĐ-UBND ngày 01/12/2026",
    )
    sign_off(cast)
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SIGNED_OFF


def test_sign_off_locks_everything_at_once(cast, ready):
    a, b = ready
    decide(a, cast.users["chair"])
    decide(b, cast.users["chair"], level="htnv")
    sign_off(cast, signing_as="vice_chair", signer_name="Phó Chủ Tịch Thử")
    assert set(Evaluation.objects.values_list("status", flat=True)) == {EvaluationStatus.PUBLISHED}
    assert set(Decision.objects.values_list("state", "signing_as", "signer_name")) == {
        ("signed", "vice_chair", "Phó Chủ Tịch Thử")
    }
    assert AuditEvent.objects.get(action=Action.CYCLE_SIGNED_OFF).acting_as == "vice_chair"
    with pytest.raises(ReviewError, match="đã được phê duyệt"):
        decide(a, cast.users["chair"], level="htnv")
    with pytest.raises(ReviewError):
        sign_off(cast)


def test_the_database_holds_one_draft_and_one_signed_decision_per_person(cast, ready):
    a, _b = ready
    decide(a, cast.users["chair"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(evaluation=a, level="htnv", comments="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(evaluation=a, level="htnv", comments="x", state="signed")


@pytest.mark.django_db(transaction=True)
def test_two_browsers_deciding_at_once_lose_nothing(cast, ready):
    """Two chair sessions decide two different people at the same moment, and a third races the same person:
    both different-person decisions land; of the two on the same person exactly one lands, the other is told."""
    a, b = ready
    a.refresh_from_db()
    b.refresh_from_db()
    chair = cast.users["chair"]
    barrier = threading.Barrier(3)
    outcomes = []

    def run(evaluation, level, version):
        try:
            barrier.wait()
            services.decision_record(
                evaluation=evaluation, level=level, comments="Nhận xét", version=version, by=chair
            )
            outcomes.append(("ok", evaluation.pk, level))
        except StaleFormError:
            outcomes.append(("stale", evaluation.pk, level))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(Evaluation.objects.get(pk=a.pk), "httnv", a.version)),
        threading.Thread(target=run, args=(Evaluation.objects.get(pk=a.pk), "htnv", a.version)),
        threading.Thread(target=run, args=(Evaluation.objects.get(pk=b.pk), "httnv", b.version)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    on_a = sorted(kind for kind, pk, _level in outcomes if pk == a.pk)
    assert on_a == ["ok", "stale"]
    assert ("ok", b.pk, "httnv") in outcomes
    landed = next(level for kind, pk, level in outcomes if pk == a.pk and kind == "ok")
    assert Evaluation.objects.get(pk=a.pk).final_level == landed
    assert Decision.objects.filter(evaluation__in=[a, b], state="draft").count() == 2


# --- The batch screen ---


def board_url(cast):
    from django.urls import reverse

    return reverse("reviews:decision_board", kwargs={"cycle_pk": cast.cycle.pk})


def test_the_board_preselects_the_proposal_and_posts_a_row_with_live_meters(cast, ready, login):
    from django.urls import reverse

    a, _b = ready
    services.proposal_set(evaluation=a, level="httnv", by=cast.users["home_affairs"])
    client = login(cast.users["chair"])
    page = client.get(board_url(cast)).content.decode()
    assert "Chưa có quyết định: Nguyễn Thị An, Trần Văn Bình." in page
    # Issue #15: the row's form is loaded when its button is pressed, with the proposal chosen.
    assert reverse("reviews:decision_edit", kwargs={"pk": a.pk}) in page
    assert "<select" not in page.split('id="decision-row-', 1)[1].split("</tr>", 1)[0]
    row = client.get(reverse("reviews:decision_edit", kwargs={"pk": a.pk}), headers={"HX-Request": "true"})
    assert '<option value="httnv" selected>HTTNV</option>' in row.content.decode()
    a.refresh_from_db()
    response = client.post(
        reverse("reviews:decision_record", kwargs={"pk": a.pk}),
        {"decision": "httnv", "comments": "Hoàn thành tốt", "version": a.version},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert f'id="decision-row-{a.pk}"' in body and "Sửa quyết định" in body
    assert 'id="quota-meters"' in body and 'id="sign-off-status"' in body
    assert "Chưa có quyết định: Trần Văn Bình." in body


def test_a_refused_decision_keeps_what_the_chair_typed(cast, ready, login):
    from django.urls import reverse

    a, _b = ready
    a.refresh_from_db()
    response = login(cast.users["chair"]).post(
        reverse("reviews:decision_record", kwargs={"pk": a.pk}),
        {"decision": "htxsnv", "comments": "Xuất sắc vượt bậc", "version": a.version},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "mức cao nhất được phép" in body and "Xuất sắc vượt bậc" in body


def test_home_affairs_reads_the_board_without_forms_and_cannot_sign_off(cast, ready, login):
    from django.urls import reverse

    client = login(cast.users["home_affairs"])
    page = client.get(board_url(cast)).content.decode()
    assert 'name="decision"' not in page and 'name="signer_name"' not in page
    response = client.post(
        reverse("reviews:cycle_sign_off", kwargs={"cycle_pk": cast.cycle.pk}),
        {"confirm": "yes", "signing_as": "chair", "signer_name": "X"},
    )
    assert response.status_code == 403


def test_the_sign_off_page_flow(cast, ready, login):
    from django.urls import reverse

    a, b = ready
    decide(a, cast.users["chair"])
    decide(b, cast.users["chair"])
    client = login(cast.users["chair"])
    url = reverse("reviews:cycle_sign_off", kwargs={"cycle_pk": cast.cycle.pk})
    response = client.post(url, {"signing_as": "chair", "signer_name": "Chủ Tịch Thử"}, follow=True)
    assert "Hãy đánh dấu xác nhận" in response.content.decode()
    response = client.post(
        url, {"confirm": "yes", "signing_as": "chair", "signer_name": "Chủ Tịch Thử"}, follow=True
    )
    assert "Đã phê duyệt kết quả" in response.content.decode()
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SIGNED_OFF


def test_the_board_costs_the_same_queries_for_41_or_400(cast, login):
    from django.test.utils import CaptureQueriesContext

    from .test_compilation_views import _grow

    client = login(cast.users["chair"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(board_url(cast)).status_code == 200
        return len(captured)

    _grow(cast.cycle, 41)
    small = count()
    _grow(cast.cycle, 400)
    assert count() == small


def test_the_board_with_everyone_decided_costs_the_same_queries_for_41_or_400(cast, login):
    from django.test.utils import CaptureQueriesContext

    from .test_compilation_views import _grow

    client = login(cast.users["chair"])

    def decide_all():
        Evaluation.objects.filter(enrolment__cycle=cast.cycle).exclude(
            status=EvaluationStatus.DECIDED
        ).update(status=EvaluationStatus.DECIDED, final_level="htnv", submitted_at=cast.cycle.created_at)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(board_url(cast)).status_code == 200
        return len(captured)

    _grow(cast.cycle, 41)
    decide_all()
    small = count()
    _grow(cast.cycle, 400)
    decide_all()
    assert count() == small


# --- The rules engine, exactly as the articles say (corrections, items 4, 6, 9) ---


def test_no_score_no_decision_in_a_points_regime(cast):
    # Item 4: before, no score meant no cap and HTXSNV was accepted.
    evaluation = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=None)
    with pytest.raises(ReviewError, match="Chưa có tổng điểm"):
        decide(evaluation, cast.users["chair"], level="htxsnv")
    assert Evaluation.objects.get(pk=evaluation.pk).final_level == ""


def test_a_head_whose_agency_has_no_rating_cannot_be_decided_nor_signed_off(cast, ready):
    # Item 9: Decree 233 Art. 15(1)(a); presumed for Decree 335, and the citation says so.
    a, b = ready
    decide(a, cast.users["chair"])
    decide(b, cast.users["chair"])
    AgencyRating.objects.filter(cycle=cast.cycle, organisation=cast.official_a.organisation).delete()
    with pytest.raises(ReviewError, match="Điều 15 khoản 1 điểm a"):
        decide(a, cast.users["chair"], level="htnv")
    with pytest.raises(SignOffRefused, match="áp dụng tương tự"):
        sign_off(cast)


def test_departing_from_the_corruption_cap_needs_a_reason_that_is_kept(cast, ready):
    # Item 6: Decree 233 Art. 12(4)(d), applied by analogy to công chức (Decree 335, "áp dụng tương tự").
    a, _b = ready
    services.cap_facts_record(
        evaluation=a,
        values={
            "corruption_in_unit": True,
            "corruption_source": "KL 3/KL-TTr",
            "corruption_self_remedied": True,
        },
        version=None,
        by=cast.users["home_affairs"],
    )
    with pytest.raises(ReviewError, match="hãy ghi lý do"):
        decide(a, cast.users["chair"], level="httnv")
    reason = "Tự phát hiện, báo cáo và chỉ đạo thu hồi toàn bộ số tiền sai phạm."
    decision = decide(a, cast.users["chair"], level="httnv", departure_reason=reason)
    assert decision.cap_departure_reason == reason
    assert Evaluation.objects.get(pk=a.pk).final_cap_departure_reason == reason
    # Without the self-remedy, KHTNV is a hard cap: no reason lets it through.
    services.cap_facts_record(
        evaluation=a,
        values={
            "corruption_in_unit": True,
            "corruption_source": "KL 3/KL-TTr",
            "corruption_self_remedied": False,
        },
        version=None,
        by=cast.users["home_affairs"],
    )
    with pytest.raises(ReviewError, match="mức cao nhất được phép"):
        decide(a, cast.users["chair"], level="httnv", departure_reason=reason)


def test_a_departure_signs_off_and_a_level_within_the_cap_keeps_no_departure(cast, ready):
    a, b = ready
    services.cap_facts_record(
        evaluation=a,
        values={"corruption_in_unit": True, "corruption_source": "KL 3", "corruption_self_remedied": True},
        version=None,
        by=cast.users["home_affairs"],
    )
    decide(a, cast.users["chair"], level="htnv", departure_reason="Đã khắc phục xong hậu quả.")
    decide(b, cast.users["chair"], departure_reason="Không cần")
    assert Decision.objects.get(evaluation=b).cap_departure_reason == ""
    sign_off(cast)
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SIGNED_OFF
