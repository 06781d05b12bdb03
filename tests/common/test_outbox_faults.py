"""Fault tests of the e-mail outbox (issue #16 items 2, 3, 6 and 8): a real worker, a real beat, a real Redis of
the test's own (port 6392) that is killed and started again, real PostgreSQL, a real SMTP conversation.
Each test counts what was lost and what was sent twice, and prints how long recovery took."""

import email
import email.policy
import os
import signal
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail  # noqa: F401  (the locmem outbox stays empty: the worker sends)
from django.urls import reverse

from officials.models import Invitation
from reviews.models import Reminder

from .conftest import wait_for
from .smtp_sink import SmtpSink

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SENT = "sent"


def _mail_files(folder):
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for raw in path.read_text().split("\n" + "-" * 79 + "\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.encode(), policy=email.policy.default))
    return messages


def _heartbeats_fresh(client):
    response = client.get(reverse("readyz"))
    return response.status_code == 200


def test_with_redis_down_the_buttons_answer_and_the_mail_goes_out_once_redis_is_back(
    ops_worker, start_beat, private_redis, cast, login, tmp_path
):
    mail_dir = tmp_path / "mail"
    ops_worker(
        "mail",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(mail_dir),
    )
    start_beat()
    home_affairs = login(cast.users["home_affairs"])
    # Ready once a worker and beat have written their heartbeats (item 8).
    wait_for(lambda: _heartbeats_fresh(home_affairs), "readiness never turned healthy")

    private_redis.stop()
    down = home_affairs.get(reverse("readyz"))
    assert down.status_code == 503 and down.json()["checks"]["broker"] != "ok"
    assert down.json()["checks"]["database"] == "ok"

    started = time.monotonic()
    response = home_affairs.post(reverse("reviews:reminders_send", kwargs={"pk": cast.cycle.pk}), follow=True)
    assert response.status_code == 200 and "Đã xếp 2 thư nhắc vào hàng gửi" in response.content.decode()
    newcomer = get_user_model().objects.create_user("tran.moi", "tran.moi@example.invalid", password=None)
    admin = login(cast.users["administrator"])
    invited = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_invitation", "_selected_action": [newcomer.pk]},
        follow=True,
    )
    assert invited.status_code == 200 and "Đã xếp 1 thư mời vào hàng gửi" in invited.content.decode()
    answered_in = time.monotonic() - started
    assert Reminder.objects.filter(status="pending").count() == 2
    assert Invitation.objects.get(user=newcomer).status == "pending"

    private_redis.start()
    back = time.monotonic()
    recovery = wait_for(
        lambda: (
            Reminder.objects.filter(status=SENT).count() == 2
            and Invitation.objects.filter(user=newcomer, status=SENT).exists()
        ),
        "the e-mails held by the outage were not sent",
        timeout=120,
    )
    time.sleep(3)  # any duplicate delivery would land now
    print(
        f"\nboth pages answered in {answered_in:.1f} s with Redis down; mail out {recovery:.1f} s after it came back"
    )
    messages = _mail_files(mail_dir)
    recipients = sorted(message["To"] for message in messages)
    assert recipients == sorted(["alice@example.invalid", "bob@example.invalid", "tran.moi@example.invalid"])
    assert len({message["Message-ID"] for message in messages}) == 3
    # Issue #16 item 6: under 30 s once the cause is gone (asserted with room for a loaded machine).
    assert time.monotonic() - back < 60
    assert wait_for(lambda: _heartbeats_fresh(home_affairs), "readiness did not come back", timeout=60) >= 0


def test_a_killed_workers_email_is_sent_again_soon_with_the_same_message_id(
    ops_worker, start_beat, cast, settings, tmp_path
):
    sink = SmtpSink()
    smtp = {
        "DJANGO_EMAIL_BACKEND": "common.mail.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(sink.port),
    }
    sink.hang.set()
    first = ops_worker("first", **smtp)
    start_beat()
    reminder = Reminder.objects.create(
        evaluation=cast.official_a.enrolments.get().evaluation, requested_by=cast.users["home_affairs"]
    )
    from common.outbox import _publish

    _publish("reviews.Reminder", reminder.pk)
    wait_for(lambda: Reminder.objects.get(pk=reminder.pk).status == "sending", "the worker never claimed it")
    wait_for(lambda: sink.connections >= 1, "the worker never reached the mail server")
    os.killpg(first.pid, signal.SIGKILL)  # mid-send: connected, waiting for the greeting
    killed = time.monotonic()
    sink.hang.clear()
    ops_worker("second", **smtp)
    recovery = wait_for(
        lambda: Reminder.objects.get(pk=reminder.pk).status == SENT, "the claim was never taken again", 120
    )
    time.sleep(3)
    print(f"\nkilled worker's e-mail sent {recovery:.1f} s after the kill")
    reminder.refresh_from_db()
    assert len(sink.messages) == 1
    message = email.message_from_bytes(sink.messages[0], policy=email.policy.default)
    assert message["Message-ID"] == reminder.message_id == f"<reviews.reminder.{reminder.pk}@localhost>"
    assert reminder.attempts == 2 and reminder.accepted_reply == "250 2.0.0 Ok: queued as Q1"
    # Issue #16 items 3 and 6: seconds (stale claim + one reconcile tick), not the 15-minute task limit.
    assert time.monotonic() - killed < 90
    assert settings.OUTBOX_STALE_CLAIM_SECONDS + 10 <= 30
    sink.close()
