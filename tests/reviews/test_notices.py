"""Notices of results (issue #5): one per signed decision, an e-mail sent by the worker, retried on transient
errors and never twice."""

import smtplib
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from common.outbox import outbox_reconcile
from common.tasks import outbox_send
from reviews import services
from reviews.models import Decision, DecisionState, Notice, NoticeEmailStatus, NoticeKind

from ..factories import submitted

pytestmark = pytest.mark.django_db

COMMENTS_A = "Điều hành quyết liệt; cần cải thiện tiến độ giải ngân."
COMMENTS_B = "Tham mưu kịp thời; cần chú trọng công tác cán bộ."


def evaluation_of(official):
    return official.enrolments.get().evaluation


def decide(evaluation, chair, level="httnv", comments=COMMENTS_A):
    evaluation.refresh_from_db()
    return services.decision_record(
        evaluation=evaluation, level=level, comments=comments, version=evaluation.version, by=chair
    )


@pytest.fixture
def queued(monkeypatch):
    """The e-mail task's enqueueing, recorded instead of sent to the broker (the worker test covers Redis)."""
    ids = []
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: ids.append(pk))
    return ids


def notice_email_send(pk):
    return services.notice_email_send(notice_id=pk)


@pytest.fixture
def signed_off(cast, queued, django_capture_on_commit_callbacks):
    """Both people decided and the cycle signed off, with the after-commit work run as in production."""
    chair = cast.users["chair"]
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    decide(a, chair, "httnv", COMMENTS_A)
    decide(b, chair, "htnv", COMMENTS_B)
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_sign_off(
            cycle=cast.cycle, signing_as="vice_chair", signer_name="Phó Chủ Tịch Thử", by=chair
        )
    return cast


def notice_of(official):
    return Notice.objects.get(evaluation__enrolment__official=official)


def test_sign_off_gives_each_person_one_notice_and_queues_their_email(signed_off, queued):
    notices = Notice.objects.order_by("pk")
    assert notices.count() == 2
    assert {notice.kind for notice in notices} == {NoticeKind.RESULT}
    assert all(notice.decision.state == DecisionState.SIGNED for notice in notices)
    assert sorted(queued) == [notice.pk for notice in notices]
    assert AuditEvent.objects.filter(action=Action.NOTICE_SENT, after__channel="portal").count() == 2


def test_issuing_again_creates_no_second_notice_and_queues_nothing(signed_off, queued):
    assert services.notices_issue_for_cycle(cycle_pk=signed_off.cycle.pk) == 0
    assert Notice.objects.count() == 2
    assert len(queued) == 2


def test_a_person_without_an_email_address_still_gets_the_notice_in_the_portal(
    cast, queued, django_capture_on_commit_callbacks
):
    cast.users["official_b"].email = ""
    cast.users["official_b"].save(update_fields=["email"])
    chair = cast.users["chair"]
    decide(submitted(evaluation_of(cast.official_a), points=D("85")), chair)
    decide(submitted(evaluation_of(cast.official_b), points=D("80")), chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_sign_off(cycle=cast.cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=chair)
    assert notice_of(cast.official_b).status == NoticeEmailStatus.NO_ADDRESS
    assert queued == [notice_of(cast.official_a).pk]


def test_the_email_is_sent_once_even_when_the_task_runs_twice(signed_off):
    notice = notice_of(signed_off.official_a)
    assert notice_email_send(notice.pk) is True
    assert notice_email_send(notice.pk) is False
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.status == NoticeEmailStatus.SENT and notice.attempts == 1
    assert notice.sent_at is not None and notice.email_to == "alice@example.invalid"
    sent = AuditEvent.objects.filter(action=Action.NOTICE_SENT, after__channel="email")
    assert sent.count() == 1 and sent.get().acting_as == "system"


def test_the_email_gives_the_level_and_a_link_never_the_comments(signed_off, settings):
    settings.PORTAL_BASE_URL = "https://danhgia.example.invalid/"
    notice = notice_of(signed_off.official_a)
    notice_email_send(notice.pk)
    message = mail.outbox[0]
    assert message.to == ["alice@example.invalid"]
    assert message.subject == "Thông báo kết quả đánh giá, xếp loại chất lượng năm 2026"
    # Leaders are addressed by gender (issue #13), not "anh/chị".
    assert "Kính gửi Ông Nguyễn Thị An" in message.body or "Kính gửi Bà Nguyễn Thị An" in message.body
    assert "Hoàn thành tốt nhiệm vụ" in message.body
    assert "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH Phó Chủ Tịch Thử" in message.body
    link = f"https://danhgia.example.invalid/evaluations/{notice.evaluation_id}/"
    assert link in message.body
    html, content_type = message.alternatives[0]
    assert content_type == "text/html" and f'href="{link}"' in html
    for text in (message.body, html):
        assert COMMENTS_A not in text and COMMENTS_B not in text and "Trần Văn Bình" not in text


def test_a_duplicate_delivery_while_the_first_is_sending_does_nothing(signed_off):
    notice = notice_of(signed_off.official_a)
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeEmailStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert notice_email_send(notice.pk) is False
    assert mail.outbox == []


def test_a_claim_left_by_a_killed_worker_is_taken_again_after_a_short_window(signed_off, settings, queued):
    notice = notice_of(signed_off.official_a)
    # Issue #16 item 3: seconds, not the 15-minute task limit.
    assert settings.OUTBOX_STALE_CLAIM_SECONDS < 60
    just_now = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS - 5)
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeEmailStatus.SENDING, claimed_at=just_now, attempts=1
    )
    queued.clear()
    assert outbox_reconcile() == 0 and notice_email_send(notice.pk) is False
    a_while_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS + 1)
    Notice.objects.filter(pk=notice.pk).update(claimed_at=a_while_ago)
    assert outbox_reconcile() == 1 and queued == [notice.pk]
    assert notice_email_send(notice.pk) is True
    notice.refresh_from_db()
    assert len(mail.outbox) == 1 and notice.attempts == 2


def test_each_email_has_a_message_id_of_its_row_and_the_row_keeps_what_was_accepted(signed_off, settings):
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "danhgia.example.invalid"
    notice = notice_of(signed_off.official_a)
    assert notice_email_send(notice.pk) is True
    notice.refresh_from_db()
    expected = f"<reviews.notice.{notice.pk}@danhgia.example.invalid>"
    assert mail.outbox[0].extra_headers["Message-ID"] == expected
    assert expected in mail.outbox[0].message().as_string()
    assert notice.message_id == expected and notice.sent_at is not None
    assert "locmem.EmailBackend: 1 accepted" in notice.accepted_reply
    event = AuditEvent.objects.filter(action=Action.NOTICE_SENT, after__channel="email").latest("pk")
    assert event.after["message_id"] == expected


def test_a_notice_lost_at_enqueue_time_is_queued_again(signed_off, queued, settings):
    notice = notice_of(signed_off.official_a)
    queued.clear()
    assert outbox_reconcile() == 0  # just created: its own enqueue is still on its way
    earlier = timezone.now() - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS + 1)
    Notice.objects.filter(pk=notice.pk).update(queued_at=earlier)
    assert outbox_reconcile() == 1 and queued == [notice.pk]


class FlakyBackend(LocmemBackend):
    """The mail server of the tests: fails the first `failures` sends with `error`, then accepts."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.reviews.test_notices.FlakyBackend"
    FlakyBackend.calls = 0

    def _set(failures, error=None):
        FlakyBackend.failures = failures
        FlakyBackend.error = error or smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    return _set


def test_a_transient_smtp_failure_is_retried_and_the_mail_goes_once(signed_off, flaky):
    flaky(2)
    notice = notice_of(signed_off.official_a)
    outbox_send.apply(args=["reviews.Notice", notice.pk])
    notice.refresh_from_db()
    assert len(mail.outbox) == 1
    assert notice.status == NoticeEmailStatus.SENT and notice.attempts == 3
    assert notice.last_error == ""


def test_retries_stop_after_five_and_the_failure_is_kept(signed_off, flaky):
    flaky(100, smtplib.SMTPResponseException(421, b"Service not available, try later"))
    notice = notice_of(signed_off.official_a)
    result = outbox_send.apply(args=["reviews.Notice", notice.pk])
    # Five retries by Celery, each a transient failure; the sixth attempt is the last and fails the row.
    assert result.result is False
    notice.refresh_from_db()
    assert mail.outbox == [] and FlakyBackend.calls == 6
    assert notice.status == NoticeEmailStatus.FAILED and notice.attempts == 6
    assert "Service not available" in notice.last_error


def test_a_permanent_refusal_is_not_retried(signed_off, flaky):
    flaky(100, smtplib.SMTPRecipientsRefused({"alice@example.invalid": (550, b"No such user")}))
    notice = notice_of(signed_off.official_a)
    assert outbox_send.apply(args=["reviews.Notice", notice.pk]).result is False
    notice.refresh_from_db()
    assert FlakyBackend.calls == 1
    assert notice.status == NoticeEmailStatus.FAILED and "No such user" in notice.last_error


def _replace(decision, chair, level="htxsnv"):
    """A new decision replacing a signed one, as an objection's answer will make it."""
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(state=DecisionState.REPLACED)
        return Decision.objects.create(
            evaluation=decision.evaluation,
            level=level,
            comments="Xem xét lại theo kiến nghị.",
            state=DecisionState.SIGNED,
            signing_as="chair",
            signer_name="Chủ Tịch Thử",
            signed_at=timezone.now(),
            replaces=decision,
            replacement_reason="Kiến nghị được chấp nhận",
            recorded_by=chair,
        )


def test_a_decision_replacing_another_gets_a_notice_of_its_own(
    signed_off, queued, django_capture_on_commit_callbacks
):
    first = notice_of(signed_off.official_a)
    new_decision = _replace(first.decision, signed_off.users["chair"])
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_issue_for_decision(decision=new_decision)
    assert notice.kind == NoticeKind.REPLACED_RESULT and notice.pk != first.pk
    assert queued == [notice.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notice_issue_for_decision(decision=new_decision).pk == notice.pk
    assert Notice.objects.filter(evaluation=first.evaluation).count() == 2
    assert len(queued) == 1


def test_the_replacing_notice_says_so_in_its_email(signed_off, queued):
    new_decision = _replace(notice_of(signed_off.official_a).decision, signed_off.users["chair"], "htnv")
    notice = services.notice_issue_for_decision(decision=new_decision)
    notice_email_send(notice.pk)
    assert mail.outbox[0].subject.startswith("Thông báo kết quả mới")
    assert "thay thế kết quả đã thông báo trước đây" in mail.outbox[0].body


def test_only_a_signed_decision_is_notified(cast):
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    draft = decide(a, cast.users["chair"])
    with pytest.raises(ValueError):
        services.notice_issue_for_decision(decision=draft)


def test_one_notice_per_decision_is_held_by_the_database(signed_off):
    notice = notice_of(signed_off.official_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(evaluation=notice.evaluation, decision=notice.decision, kind=NoticeKind.RESULT)


@pytest.mark.parametrize(
    "values",
    [
        {"status": "sent"},  # sent without when
        {"sent_at": "2026-12-20T10:00Z"},  # a time without being sent
        {"status": "sending"},  # a claim without an attempt
        {"kind": "other"},
        {"status": "lost"},
        {"read_at": "2020-01-01T00:00Z"},  # read before it existed
    ],
)
def test_the_notice_constraints_hold(signed_off, values):
    notice = notice_of(signed_off.official_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(**values)


def test_the_person_marks_their_own_notice_read_and_nobody_else_can(signed_off):
    notice = notice_of(signed_off.official_a)
    for persona in ("official_b", "home_affairs", "chair"):
        with pytest.raises(PermissionDenied):
            services.notice_mark_read(notice=notice, by=signed_off.users[persona])
    read = services.notice_mark_read(notice=notice, by=signed_off.users["official_a"])
    first_read = read.read_at
    assert first_read is not None
    assert services.notice_mark_read(notice=notice, by=signed_off.users["official_a"]).read_at == first_read


def test_the_read_button_is_a_post_for_the_person_only(signed_off, login):
    notice = notice_of(signed_off.official_a)
    url = reverse("reviews:notice_read", kwargs={"pk": notice.pk})
    assert login(signed_off.users["official_b"]).post(url).status_code == 404
    assert login(signed_off.users["home_affairs"]).post(url).status_code == 403
    client = login(signed_off.users["official_a"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("reviews:evaluation_detail", kwargs={"pk": notice.evaluation_id})
    notice.refresh_from_db()
    assert notice.read_at is not None
