"""What the portal keeps about a person's logins (issue #18 items 2 and 8; ASVS 5.0 7.4 / 6.3.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.outbox import OutboxEmail

if TYPE_CHECKING:
    from django.core.mail import EmailMessage


class SessionRecord(models.Model):
    """One login session as the person sees it on "Phiên đăng nhập": where and in what browser it started.

    Keyed by the session key of Django's database session store; a record whose session has expired or was
    ended is simply not shown (accounts.selectors.active_sessions)."""

    session_key = models.CharField(primary_key=True, max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("đăng nhập lúc"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("hoạt động gần nhất"), default=timezone.now)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class KnownDevice(models.Model):
    """A browser the person has logged in from, recognised by a random token in a long-lived cookie (only its
    SHA-256 is stored). A login without a known token is a login from a new device."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices")
    token_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token_hash"], name="knowndevice_unique_token_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.first_seen_at:%Y-%m-%d}"


class LoginAlert(models.Model):
    """When the owner was last told that their account is being tried (at most once per
    PORTAL_LOGIN_ALERT_INTERVAL; a conditional UPDATE settles concurrent failures)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    mailed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} {self.mailed_at:%Y-%m-%d %H:%M}"


class SecurityEmailKind(models.TextChoices):
    LOGIN_ATTEMPTS = "login_attempts", _("Có người thử đăng nhập")
    NEW_DEVICE = "new_device", _("Đăng nhập từ thiết bị mới")
    ROLE_CHANGE = "role_change", _("Thay đổi phân quyền")


class SecurityEmail(OutboxEmail):
    """A security e-mail (issue #18 items 2, 3 and 8) as an outbox row (common/outbox.py, issue #16 item 2): written
    where the event happens, sent after the commit, never lost to a broker outage nor sent twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_emails"
    )
    kind = models.CharField(max_length=16, choices=SecurityEmailKind.choices)
    # What the message says besides the account: the browser and address, or the role, the change and who made it.
    details = models.JSONField(default=dict, blank=True)

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thư cảnh báo an ninh")
        verbose_name_plural = _("thư cảnh báo an ninh")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}"

    def outbox_message(self) -> EmailMessage:
        from .services import security_email_message

        return security_email_message(self)
