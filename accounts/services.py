"""Every write of the account's security pages (issue #18 item 8), and the security e-mails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from common.outbox import OutboxSkip, OutboxStatus, outbox_enqueue
from officials.models import Role, RoleAssignment

from .models import SecurityEmail, SecurityEmailKind, SessionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from common.types import AnyUser


@transaction.atomic
def sessions_end_others(*, user: AnyUser, keep_session_key: str) -> int:
    """End every other session of this person (ASVS 5.0 7.4.5); returns how many were ended."""
    others = list(
        SessionRecord.objects.filter(user__pk=user.pk or 0)
        .exclude(session_key=keep_session_key)
        .values_list("session_key", flat=True)
    )
    ended, _detail = Session.objects.filter(session_key__in=others).delete()
    SessionRecord.objects.filter(session_key__in=others).delete()
    audit_record(action=Action.SESSIONS_ENDED, actor=user, target=user.get_username(), after={"ended": ended})
    return ended


# --- Security e-mails (issue #18 items 2, 3 and 8), each an outbox row (common/outbox.py, issue #16 item 2) ---


def security_email_queue(*, user: User, kind: str, details: dict[str, str] | None = None) -> SecurityEmail:
    """Write the e-mail's row in the caller's transaction; it is sent after the commit, whatever the broker does."""
    row = SecurityEmail.objects.create(user=user, kind=kind, details=details or {})
    outbox_enqueue(row)
    return row


def security_email_message(row: SecurityEmail) -> EmailMessage:
    """The e-mail of a security event, in the portal's language; nothing for an inactive or address-less account."""
    user = row.user
    if not user.is_active and row.kind != SecurityEmailKind.ROLE_CHANGE:
        raise OutboxSkip()
    if row.kind == SecurityEmailKind.LOGIN_ATTEMPTS:
        subject, body = _login_attempts_text(user)
        recipients = [user.email]
    elif row.kind == SecurityEmailKind.NEW_DEVICE:
        subject, body = _new_device_text(user, row.details.get("agent", ""), row.details.get("ip", ""))
        recipients = [user.email]
    else:
        subject, body, recipients = _role_change_text(user, **row.details)
    recipients = [address for address in recipients if address]
    if not recipients:
        raise OutboxSkip(OutboxStatus.NO_ADDRESS)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _login_attempts_text(user: User) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Có người đang thử đăng nhập vào tài khoản của bạn")
        body = _(
            "Cổng đánh giá, xếp loại chất lượng vừa ghi nhận lần đăng nhập không thành công vào tài khoản "
            "%(username)s. Nếu không phải bạn, hãy đổi mật khẩu và báo cho quản trị. Thư này được gửi "
            "nhiều nhất một lần mỗi giờ."
        ) % {"username": user.get_username()}
    return subject, body


def _new_device_text(user: User, agent: str, ip: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Đăng nhập từ thiết bị mới")
        body = _(
            "Tài khoản %(username)s vừa đăng nhập từ một thiết bị mới (địa chỉ %(ip)s, trình duyệt "
            "%(agent)s). Nếu không phải bạn, hãy đổi mật khẩu, kết thúc các phiên khác trên trang "
            "“Phiên đăng nhập” và báo cho quản trị."
        ) % {"username": user.get_username(), "ip": ip or "?", "agent": agent[:120] or "?"}
    return subject, body


def _role_change_text(holder: User, role: str, change: str, by_name: str) -> tuple[str, str, list[str]]:
    """To the person and to every Home Affairs user (issue #18 item 3: a grant nobody hears of is the risk)."""
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
    return subject, body, sorted({holder.email, *home_affairs})
