"""Closing the cycle (issue #5, domain.md §3.10): refused with the list of what is unfinished, then everything
of the cycle is read-only: every service that writes refuses."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from conference import services as conference_services
from cycles import services as cycle_services
from cycles.errors import CycleError
from cycles.models import Cycle, CycleStatus, Phase, PhaseKind
from reviews import services
from reviews.errors import ReviewError
from reviews.models import Objection
from reviews.selectors import cycle_close_blockers
from reviews.services import CycleCloseRefused

from .test_objections import OBJECTION, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_mail_queue(monkeypatch):
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)


def close(cast, persona="home_affairs"):
    return services.cycle_close(cycle=cast.cycle, by=cast.users[persona])


def _mark_notices_emailed(cycle):
    """Send them as the worker does (the locmem backend stands in for SMTP)."""
    from reviews.models import Notice
    from reviews.services.notices import notice_email_send

    for pk in Notice.objects.filter(evaluation__enrolment__cycle=cycle).values_list("pk", flat=True):
        notice_email_send(notice_id=pk)


def closed(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a, b = publish(cast)
    Phase.objects.filter(cycle=cast.cycle, kind=PhaseKind.OBJECTIONS).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    _mark_notices_emailed(cast.cycle)
    close(cast)
    cast.cycle.refresh_from_db()
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


def test_close_is_refused_with_the_list_of_what_is_unfinished_then_allowed(
    cast, django_capture_on_commit_callbacks
):
    with pytest.raises(CycleCloseRefused) as refused:
        close(cast)
    assert refused.value.blockers == [
        "Kết quả xếp loại chưa được Chủ tịch phê duyệt.",
        "Chưa đặt thời hạn nhận kiến nghị.",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        a, _b = publish(cast)
    objection = services.objection_file(evaluation=a, text=OBJECTION, by=cast.users["official_a"])
    blockers = cycle_close_blockers(cast.cycle)
    assert "1 kiến nghị chưa được trả lời: Nguyễn Thị An." in blockers
    assert any(line.startswith("Thời hạn nhận kiến nghị chưa hết") for line in blockers)
    assert "2 thông báo kết quả chưa gửi được qua thư điện tử: Nguyễn Thị An, Trần Văn Bình." in blockers
    services.objection_answer(
        objection=objection, answer="Giữ nguyên.", outcome="kept", by=cast.users["chair"]
    )
    # Home Affairs closes the window early: that is enough, the deadline need not have passed.
    cycle_services.phase_close(
        phase=Phase.objects.get(cycle=cast.cycle, kind=PhaseKind.OBJECTIONS), by=cast.users["home_affairs"]
    )
    _mark_notices_emailed(cast.cycle)
    assert cycle_close_blockers(cast.cycle) == []
    close(cast)
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.CLOSED
    event = AuditEvent.objects.get(action=Action.CYCLE_CLOSED)
    assert event.before == {"status": "signed_off"} and event.after["status"] == "closed"
    assert event.acting_as == "home_affairs"
    assert not Phase.objects.filter(cycle=cast.cycle, is_open=True).exists()
    with pytest.raises(CycleCloseRefused, match="đã kết thúc"):
        close(cast)


def test_a_notice_with_no_address_does_not_hold_the_close(cast, django_capture_on_commit_callbacks):
    from reviews.models import Notice

    with django_capture_on_commit_callbacks(execute=True):
        publish(cast, window=False)
    Notice.objects.update(status="no_address")
    assert cycle_close_blockers(cast.cycle) == ["Chưa đặt thời hạn nhận kiến nghị."]


def test_only_home_affairs_closes(cast):
    for persona in ("chair", "office_staff", "official_a", "administrator"):
        with pytest.raises(PermissionDenied):
            close(cast, persona)
    assert Cycle.objects.get(pk=cast.cycle.pk).status == CycleStatus.IN_PROGRESS


def test_every_write_is_refused_after_closing(cast, django_capture_on_commit_callbacks):
    from reviews.models import Notice  # noqa: F401  (the notices exist in this build)

    a, b = closed(cast, django_capture_on_commit_callbacks)
    users = cast.users
    ha, chair, person = users["home_affairs"], users["chair"], users["official_a"]
    cycle = cast.cycle
    assert cycle.status == CycleStatus.CLOSED
    refused = {
        # The self-assessment and its evidence.
        "self_assessment_save": lambda: services.self_assessment_save(
            evaluation=a, answers={}, self_level="httnv", version=a.version, by=person
        ),
        "self_assessment_submit": lambda: services.self_assessment_submit(
            evaluation=a, version=a.version, by=person
        ),
        "self_assessment_withdraw": lambda: services.self_assessment_withdraw(evaluation=a, by=person),
        "evidence_attach": lambda: services.evidence_attach(
            evaluation=a, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), by=person
        ),
        "review_start": lambda: services.review_start(evaluation=a, by=ha),
        "self_assessment_return": lambda: services.self_assessment_return(evaluation=a, reason="Sửa", by=ha),
        "deadline_extend": lambda: services.deadline_extend(
            evaluation=a, until=timezone.now() + timedelta(days=30), by=ha
        ),
        # Meetings, party opinions, cap facts, proposals.
        "comment_meeting_record": lambda: services.comment_meeting_record(
            evaluation=a,
            minutes=services.MeetingMinutes(
                held_on=date(2026, 11, 10),
                place="Phòng họp",
                chaired_by="Chủ trì",
                minutes_by="Thư ký",
                invited_count=10,
                attended_count=9,
                conclusion="Kết luận",
            ),
            opinions=[],
            version=None,
            by=ha,
        ),
        "party_opinion_record": lambda: services.party_opinion_record(
            evaluation=a, body="Đảng ủy", given_on=date(2026, 11, 12), text="Đồng ý", version=None, by=ha
        ),
        "cap_facts_record": lambda: services.cap_facts_record(
            evaluation=a, values={"months_worked": D(12)}, version=None, by=ha
        ),
        "proposal_set": lambda: services.proposal_set(evaluation=a, level="htnv", reason="Lý do", by=ha),
        # Decisions, sign-off, objections, replacements.
        "decision_record": lambda: services.decision_record(
            evaluation=a, level="htnv", comments="Nhận xét", version=a.version, by=chair
        ),
        "cycle_sign_off": lambda: services.cycle_sign_off(
            cycle=cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=chair
        ),
        "objection_file": lambda: services.objection_file(evaluation=a, text=OBJECTION, by=person),
        "decision_replace": lambda: services.decision_replace(
            evaluation=a, level="htnv", reason="Sai sót", signing_as="chair", signer_name="X", by=chair
        ),
        # The cycle's settings: quota, the exception, agencies' ratings, phases, criteria, cohort, conference.
        "quota_settings_update": lambda: cycle_services.quota_settings_update(
            cycle=cycle, rate=D("0.15"), rounding="down", by=ha
        ),
        "quota_exception_set": lambda: cycle_services.quota_exception_set(
            cycle=cycle,
            peer_group=a.enrolment.peer_group,
            rate=D("0.25"),
            reason="Nổi trội",
            document="QĐ 1",
            by=ha,
        ),
        "agency_rating_set": lambda: cycle_services.agency_rating_set(
            cycle=cycle, organisation=a.enrolment.organisation, level="httnv", by=ha
        ),
        "phase_set": lambda: cycle_services.phase_set(
            cycle=cycle,
            kind=PhaseKind.OBJECTIONS,
            starts_on=timezone.localdate(),
            deadline=timezone.now() + timedelta(days=7),
            is_open=True,
        ),
        "phase_open": lambda: cycle_services.phase_open(
            phase=cycle.phases.get(kind=PhaseKind.OBJECTIONS), by=ha
        ),
        "cycle_criterion_update": lambda: cycle_services.cycle_criterion_update(
            criterion=cycle.criteria.first(),
            title="Tiêu chí mới",
            max_points=cycle.criteria.first().max_points,
            by=ha,
        ),
        "cycle_scoring_update": lambda: cycle_services.cycle_scoring_update(
            cycle=cycle,
            band_htxsnv=D(91),
            band_httnv=D(71),
            band_htnv=D(51),
            points_decimal_places=1,
            by=ha,
        ),
        "enrolment_create": lambda: services.enrolment_create(cycle=cycle, official=cast.official_a),
        "conference_set": lambda: conference_services.conference_set(
            cycle=cycle,
            held_on=date(2026, 12, 10),
            starts_at=time(8, 0),
            venue="Hội trường",
            chaired_by_name="Chủ Tịch Thử",
            secretary_name="Thư Ký Thử",
            by=ha,
        ),
    }
    before = AuditEvent.objects.count()
    accepted = []
    for name, call in refused.items():
        try:
            call()
        except (ReviewError, CycleError):
            continue
        accepted.append(name)
    assert accepted == [], "these writes went through on a closed cycle"
    assert AuditEvent.objects.count() == before
    assert not Objection.objects.exists()


def test_an_answer_is_refused_after_closing(cast, django_capture_on_commit_callbacks):
    a, _b = closed(cast, django_capture_on_commit_callbacks)
    # An answered objection cannot be reopened or answered again once the cycle is archived.
    objection = Objection.objects.create(
        evaluation=a,
        decision=a.decisions.get(state="signed"),
        text=OBJECTION,
        status="withdrawn",
        withdrawn_at=timezone.now(),
    )
    with pytest.raises(ReviewError, match="đã kết thúc"):
        services.objection_answer(
            objection=objection, answer="Giữ nguyên", outcome="kept", by=cast.users["chair"]
        )


# --- The page ---


def test_the_close_button_shows_what_is_unfinished(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.users["home_affairs"])
    url = reverse("reviews:cycle_close", kwargs={"pk": cast.cycle.pk})
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="close-blockers"' in html
    assert "Kết quả xếp loại chưa được Chủ tịch phê duyệt." in html
    with django_capture_on_commit_callbacks(execute=True):
        publish(cast)
    detail = client.get(reverse("portal:cycle_detail", kwargs={"pk": cast.cycle.pk})).content.decode()
    assert url in detail and reverse("portal:cycle_history", kwargs={"pk": cast.cycle.pk}) in detail
    cycle_services.phase_close(
        phase=Phase.objects.get(cycle=cast.cycle, kind=PhaseKind.OBJECTIONS), by=cast.users["home_affairs"]
    )
    _mark_notices_emailed(cast.cycle)
    response = client.post(url)
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cast.cycle.pk).status == CycleStatus.CLOSED
