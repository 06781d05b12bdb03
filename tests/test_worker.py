"""A real task through the real Redis broker to a real Celery worker process (no eager mode)."""

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from officials.services import official_account_create

from .factories import OfficialFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A Celery worker on the test database and a clean Redis database; its mail goes to files."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "evaluation_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "PORTAL_BASE_URL": "https://danhgia.example.invalid",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "evaluation_portal",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "1",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )
    yield mail_dir
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _wait_for_mail(mail_dir: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []
        if files:
            return files[0].read_text()
        time.sleep(0.25)
    raise AssertionError(f"the worker sent no e-mail within {timeout} s")


def test_an_invitation_is_sent_by_the_worker_and_its_link_sets_the_password(worker, client):
    official = OfficialFactory(full_name="Đỗ Thu Hằng")
    user = official_account_create(official=official, username="hang", email="hang@example.invalid")
    assert not user.has_usable_password()

    raw = _wait_for_mail(worker).split("\n" + "-" * 79)[0]
    message = email.message_from_bytes(raw.encode(), policy=email.policy.default)
    assert message["To"] == "hang@example.invalid"
    assert message["Subject"].strip() == "Mời đặt mật khẩu cho Cổng đánh giá, xếp loại chất lượng"
    body = message.get_content()
    assert "Tên đăng nhập: hang" in body
    link = re.search(r"https://danhgia\.example\.invalid(/password/set/\S+/)", body).group(1)

    # The link works once: it leads to the form, the new password is accepted, and login works.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Đặt mật khẩu" in form_page.content.decode()
    new_password = "sông Lô chảy qua phố núi"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert "không hợp lệ" in client.get(link, follow=True).content.decode()
