"""A real task through the real Redis broker to a real Celery worker process (no eager mode)."""

import email
import email.policy
import re
import time
from pathlib import Path

import pytest
from django.urls import reverse

from officials.services import official_account_create

from ..factories import OfficialFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for_mail(mail_dir: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []
        if files:
            return files[0].read_text()
        time.sleep(0.25)
    raise AssertionError(f"the worker sent no e-mail within {timeout} s")


def test_an_invitation_is_sent_by_the_worker_and_its_link_sets_the_password(mail_worker, client):
    official = OfficialFactory(full_name="Đỗ Thu Hằng")
    user = official_account_create(official=official, username="hang", email="hang@example.invalid")
    assert not user.has_usable_password()

    raw = _wait_for_mail(mail_worker).split("\n" + "-" * 79)[0]
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
