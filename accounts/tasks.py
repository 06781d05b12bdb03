"""Security e-mails (issue #18 items 2, 3 and 8), sent by the worker after the transaction commits."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from officials.models import Role, RoleAssignment


def _send(subject: str, body: str, recipients: list[str]) -> bool:
    recipients = [address for address in recipients if address]
    if not recipients:
        return False
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def login_attempts_alert_send(user_id: int) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Có người đang thử đăng nhập vào tài khoản của bạn")
        body = _(
            "Cổng đánh giá, xếp loại chất lượng vừa ghi nhận lần đăng nhập không thành công vào tài khoản "
            "%(username)s. Nếu không phải bạn, hãy đổi mật khẩu và báo cho quản trị. Thư này được gửi "
            "nhiều nhất một lần mỗi giờ."
        ) % {"username": user.get_username()}
    return _send(subject, body, [user.email])


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def new_device_alert_send(user_id: int, user_agent: str, ip: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Đăng nhập từ thiết bị mới")
        body = _(
            "Tài khoản %(username)s vừa đăng nhập từ một thiết bị mới (địa chỉ %(ip)s, trình duyệt "
            "%(agent)s). Nếu không phải bạn, hãy đổi mật khẩu, kết thúc các phiên khác trên trang "
            "“Phiên đăng nhập” và báo cho quản trị."
        ) % {"username": user.get_username(), "ip": ip or "?", "agent": user_agent[:120] or "?"}
    return _send(subject, body, [user.email])


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def role_change_notify(holder_id: int, role: str, change: str, by_name: str) -> bool:
    """To the person and to every Home Affairs user (issue #18 item 3: a grant nobody hears of is the risk)."""
    holder = get_user_model().objects.filter(pk=holder_id).first()
    if holder is None:
        return False
    home_affairs = list(
        RoleAssignment.objects.filter(role=Role.HOME_AFFAIRS, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        role_label = str(Role(role).label) if role in Role.values else role
        changes = {
            "granted": _("được giao vai trò"),
            "revoked": _("bị thu hồi vai trò"),
            "confirmed": _("được xác nhận vai trò"),
        }
        subject = _("Thay đổi phân quyền: %(username)s %(change)s %(role)s") % {
            "username": holder.get_username(),
            "change": changes.get(change, change),
            "role": role_label,
        }
        body = _(
            "Tài khoản %(username)s %(change)s “%(role)s”, do %(by)s thực hiện. Nếu việc này không đúng, "
            "hãy báo ngay cho Sở Nội vụ và quản trị."
        ) % {
            "username": holder.get_username(),
            "change": changes.get(change, change),
            "role": role_label,
            "by": by_name,
        }
    return _send(subject, body, sorted({holder.email, *home_affairs}))
