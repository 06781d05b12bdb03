"""Every write to people and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from common.outbox import OutboxSkip, outbox_enqueue

from .models import Invitation, Official, Organisation, Role, RoleAssignment
from .permissions import roles_of
from .signals import role_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OfficialsError(Exception):
    """A rule refused the change; the message is for the user."""


def role_grant(
    *, user: User, role: Role, organisation: Organisation | None = None, by: User | None = None
) -> RoleAssignment:
    """Give `user` a role. `by` is the person granting it through the admin or a page (None for set-up by the
    demo loader and tests); the grant is audited and, when a person made it, mailed (issue #18 item 3)."""
    if role == Role.UNIT_SECRETARY and organisation is None:
        raise OfficialsError(_("Thư ký đơn vị phải gắn với một cơ quan."))
    if role != Role.UNIT_SECRETARY:
        organisation = None
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, organisation=organisation, defaults={"granted_by": by}
        )
        if role == Role.ADMINISTRATOR and not (user.is_staff and user.is_superuser):
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        if created:
            role_changed.send(sender=RoleAssignment, assignment=assignment, change="granted", by=by)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User | None = None) -> None:
    """Take a role away; audited and mailed like a grant. An administrator's admin access goes with the role."""
    user = assignment.user
    if assignment.role == Role.ADMINISTRATOR and (user.is_staff or user.is_superuser):
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    assignment.delete()
    role_changed.send(sender=RoleAssignment, assignment=assignment, change="revoked", by=by)


@transaction.atomic
def role_confirm(*, assignment: RoleAssignment, by: User) -> RoleAssignment:
    """A second person confirms a grant, so that a chair's role takes effect for deciding
    (`officials.permissions.chair_grant_refusal`). The confirmer is an administrator or Home Affairs user who is
    neither the holder nor the person who granted it."""
    roles = roles_of(by)
    if not (roles.is_administrator or roles.is_home_affairs):
        raise OfficialsError(_("Chỉ quản trị hoặc Sở Nội vụ được xác nhận việc giao vai trò."))
    if by.pk in (assignment.user_id, assignment.granted_by_id):
        raise OfficialsError(
            _("Việc giao vai trò phải do người thứ hai xác nhận, không phải người được giao hay người giao.")
        )
    if assignment.confirmed_by_id is not None:
        return assignment
    assignment.confirmed_by = by
    assignment.confirmed_at = timezone.now()
    assignment.save(update_fields=["confirmed_by", "confirmed_at"])
    role_changed.send(sender=RoleAssignment, assignment=assignment, change="confirmed", by=by)
    return assignment


def account_invite(*, user: User) -> Invitation:
    """E-mail a single-use link to choose a password (ASVS 5.0 6.4.1: no initial passwords by mail).

    An outbox row (common/outbox.py): written here, sent by the worker after the surrounding transaction
    commits; with the broker down the caller still answers and the reconciler sends it later.
    """
    if not user.email:
        raise OfficialsError(
            _("Tài khoản %(username)s chưa có địa chỉ thư điện tử.") % {"username": user.username}
        )
    invitation = Invitation.objects.create(user=user)
    outbox_enqueue(invitation)
    return invitation


def invitation_message(invitation: Invitation) -> EmailMessage:
    """The invitation's e-mail, with a password link made now (it lasts PASSWORD_RESET_TIMEOUT)."""
    user = invitation.user
    if not user.is_active or not user.email:
        raise OutboxSkip()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {"user": user, "link": settings.PORTAL_BASE_URL.rstrip("/") + path}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("officials/email/invitation_subject.txt", context).strip()
        body = render_to_string("officials/email/invitation_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def official_account_create(*, official: Official, username: str, email: str) -> User:
    """Give an official a login with no usable password, then invite them to choose one."""
    if official.user_id:
        raise OfficialsError(_("%(name)s đã có tài khoản.") % {"name": official.full_name})
    user = get_user_model().objects.create_user(username=username, email=email, password=None)
    official.user = user
    official.save(update_fields=["user"])
    account_invite(user=user)
    return user
