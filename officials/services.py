"""Every write to people and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Official, Organisation, Role, RoleAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OfficialsError(Exception):
    """A rule refused the change; the message is for the user."""


def role_grant(*, user: User, role: Role, organisation: Organisation | None = None) -> RoleAssignment:
    if role == Role.UNIT_SECRETARY and organisation is None:
        raise OfficialsError(_("Thư ký đơn vị phải gắn với một cơ quan."))
    if role != Role.UNIT_SECRETARY:
        organisation = None
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if role == Role.ADMINISTRATOR and not (user.is_staff and user.is_superuser):
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return assignment


def account_invite(*, user: User) -> None:
    """E-mail a single-use link to choose a password (ASVS 5.0 6.4.1: no initial passwords by mail).

    Sent by the worker after the surrounding transaction commits.
    """
    from .tasks import account_invitation_send

    if not user.email:
        raise OfficialsError(
            _("Tài khoản %(username)s chưa có địa chỉ thư điện tử.") % {"username": user.username}
        )
    # celery-types 0.26 does not know DjangoTask.delay_on_commit (Celery 5.4+).
    account_invitation_send.delay_on_commit(user.pk)  # type: ignore[attr-defined]


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
