"""Every write to people and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from common.encryption import blind_index
from common.outbox import OutboxSkip, outbox_enqueue

from .models import Invitation, Official, Organisation, Role, RoleAssignment, identification_number_clean
from .permissions import require_home_affairs, roles_of
from .signals import identification_number_changed, role_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .spreadsheets import RowError


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


@sensitive_variables("number", "digits")
def identification_number_set(*, official: Official, number: str, by: User) -> Official:
    """Home Affairs enters (or corrects, or clears with "") a person's identification number (issue #17).

    Validated (12 digits), stored encrypted with its blind index, refused when another person already has it. The
    audit trail (audit.receivers) says that it was set, changed or cleared — never the digits (nor the last four)."""
    require_home_affairs(by)
    try:
        digits = identification_number_clean(number) if number.strip() else ""
    except ValidationError as error:
        raise OfficialsError(error.messages[0]) from None
    index = blind_index(digits) if digits else ""
    with transaction.atomic():
        current = Official.objects.select_for_update().get(pk=official.pk)
        if current.identification_index == index:
            return current
        if index and Official.objects.filter(identification_index=index).exclude(pk=current.pk).exists():
            raise OfficialsError(_("Số định danh cá nhân này đã được ghi cho một người khác."))
        had = bool(current.identification_index)
        current.identification_number = digits
        current.identification_index = index
        current.save(update_fields=["identification_number", "identification_index"])
        change = ("changed" if had else "set") if digits else "cleared"
        identification_number_changed.send(sender=Official, official=current, change=change, by=by)
    official.identification_number = digits
    official.identification_index = index
    return current


@dataclass(frozen=True)
class IdentificationImportResult:
    recorded: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def identification_numbers_import(*, data: bytes, by: User) -> IdentificationImportResult:
    """The filled identification template (issue #17): every row checked first, then every number written through
    identification_number_set in one transaction. Any error, and nothing is imported; the errors are listed by row."""
    from .selectors import officials_directory
    from .spreadsheets import RowError, WorkbookRefused, identification_parse

    require_home_affairs(by)
    try:
        rows, errors = identification_parse(
            data, {official.pk: official for official in officials_directory()}
        )
    except WorkbookRefused as refused:
        raise OfficialsError(str(refused)) from None
    if errors:
        return IdentificationImportResult(errors=tuple(errors))
    recorded = 0
    try:
        with transaction.atomic():
            for row in rows:
                before = row.official.identification_index
                current = identification_number_set(official=row.official, number=row.number, by=by)
                recorded += current.identification_index != before
    except OfficialsError as refused:
        return IdentificationImportResult(errors=(RowError(row.row_number, "", str(refused)),))
    return IdentificationImportResult(recorded=recorded, unchanged=len(rows) - recorded)
