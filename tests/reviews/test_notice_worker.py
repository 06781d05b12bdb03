"""The notice of a result through the real Redis broker to a real Celery worker (no eager mode): the sign-off's
e-mails go out, and a notice enqueued again is still sent exactly once."""

import email
import email.policy
import re
import time
from decimal import Decimal as D

import pytest
import redis
from django.conf import settings

from common.tasks import outbox_send
from reviews import services
from reviews.models import Notice, NoticeEmailStatus

from ..factories import submitted

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"{what} within {timeout} s")


def _messages(mail_dir):
    """Every message the worker wrote (the file backend separates messages with a line of 79 dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for raw in path.read_text().split("\n" + "-" * 79 + "\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.encode(), policy=email.policy.default))
    return messages


def _queue_drained():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def test_the_worker_sends_each_notice_once_even_when_it_is_enqueued_again(mail_worker, cast, tmp_path):
    chair = cast.users["chair"]
    for official, level in ((cast.official_a, "httnv"), (cast.official_b, "htnv")):
        evaluation = submitted(official.enrolments.get().evaluation, points=D("80"))
        services.decision_record(
            evaluation=evaluation,
            level=level,
            comments="Hoàn thành các chỉ tiêu được giao.",
            version=evaluation.version,
            by=chair,
        )
    # The sign-off commits, then issues the notices, which enqueue their e-mails after their own commit.
    services.cycle_sign_off(cycle=cast.cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=chair)
    notice_a = Notice.objects.get(evaluation__enrolment__official=cast.official_a)
    # A duplicate delivery, twice over (a broker redelivery, the requeue task, an impatient operator).
    outbox_send.delay("reviews.Notice", notice_a.pk)
    outbox_send.delay("reviews.Notice", notice_a.pk)

    _wait(
        lambda: Notice.objects.filter(status=NoticeEmailStatus.SENT).count() == 2,
        "both notices were not sent",
    )
    _wait(_queue_drained, "the duplicates were not consumed")
    time.sleep(1)  # the last task may have been acknowledged a moment before it returned

    messages = _messages(mail_worker)
    assert sorted(message["To"] for message in messages) == ["alice@example.invalid", "bob@example.invalid"]
    to_alice = next(message for message in messages if message["To"] == "alice@example.invalid")
    assert to_alice["Subject"].strip() == "Thông báo kết quả đánh giá, xếp loại chất lượng năm 2026"
    body = to_alice.get_body(preferencelist=("plain",)).get_content()
    assert "Hoàn thành tốt nhiệm vụ" in body
    assert f"https://danhgia.example.invalid/evaluations/{notice_a.evaluation_id}/" in body
    notice_a.refresh_from_db()
    assert notice_a.attempts == 1 and notice_a.sent_at is not None
    # The worker did run the task four times: two sends, and two deliveries that found nothing to do.
    log = (tmp_path / "worker-mail.log").read_text()
    assert len(re.findall(r"outbox_send\[[\w-]+\] succeeded in [\d.]+s: True", log)) == 2
    assert len(re.findall(r"outbox_send\[[\w-]+\] succeeded in [\d.]+s: False", log)) == 2
