"""Who holds which role. Every other app's access helpers start from `roles_of(user)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Official, Role, RoleAssignment

if TYPE_CHECKING:
    from common.types import AnyUser


@dataclass(frozen=True)
class PortalRoles:
    official: Official | None = None
    roles: frozenset[str] = frozenset()
    secretary_organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_official(self) -> bool:
        return self.official is not None

    @property
    def is_home_affairs(self) -> bool:
        return Role.HOME_AFFAIRS in self.roles

    @property
    def is_unit_secretary(self) -> bool:
        return Role.UNIT_SECRETARY in self.roles

    @property
    def is_chair(self) -> bool:
        return Role.CHAIR in self.roles

    @property
    def is_office_staff(self) -> bool:
        return Role.OFFICE_STAFF in self.roles

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def sees_whole_cohort(self) -> bool:
        """Home Affairs and the chair work on every person's file before publication (domain.md §2)."""
        return self.is_home_affairs or self.is_chair

    @property
    def has_any_role(self) -> bool:
        return self.is_official or bool(self.roles)


NO_ROLES = PortalRoles()


def roles_of(user: AnyUser | None) -> PortalRoles:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached: PortalRoles | None = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    official = Official.objects.filter(user=user).select_related("organisation").first()
    assignments = list(RoleAssignment.objects.filter(user=user).values_list("role", "organisation_id"))
    roles = PortalRoles(
        official=official,
        roles=frozenset(role for role, _org in assignments),
        secretary_organisation_ids=frozenset(
            org for role, org in assignments if role == Role.UNIT_SECRETARY and org is not None
        ),
    )
    user._portal_roles = roles  # type: ignore[attr-defined]  # a per-request cache on the user object
    return roles


def require_home_affairs(user: AnyUser) -> PortalRoles:
    roles = roles_of(user)
    if not roles.is_home_affairs:
        raise PermissionDenied
    return roles


def chair_grant_refusal(user: AnyUser) -> str | None:
    """Why this chair may not decide yet, or None (issue #18 item 3, separation of duties).

    The rule: a chair's role granted through the portal (the admin) takes effect for decisions, sign-off and
    replacements only once a second person — an administrator or Home Affairs user who is neither its holder
    nor its granter — has confirmed it; a role the holder granted themselves never does. Roles set up outside
    the portal's pages (`granted_by` empty: migrations, the demo loader) stand as they are.
    """
    assignment: tuple[int | None, int | None] | None = (
        RoleAssignment.objects.filter(user__pk=user.pk or 0, role=Role.CHAIR)
        .values_list("granted_by_id", "confirmed_by_id")
        .first()
    )
    if assignment is None:
        return None
    granted_by, confirmed_by = assignment
    if granted_by == user.pk:
        return _("Tài khoản tự giao cho mình vai trò Chủ tịch nên không được ghi quyết định hay phê duyệt.")
    if granted_by is not None and confirmed_by is None:
        return _(
            "Vai trò Chủ tịch của tài khoản này chưa được người thứ hai (quản trị khác hoặc Sở Nội vụ) xác nhận."
        )
    return None


def may_see_identification_number(user: AnyUser, official: Official) -> bool:
    """Issue #17: the personal identification number in full is for Home Affairs, who enter it and send results to
    the national database, and for the person themself; everyone else sees it masked (••••••••1234) or not at all."""
    roles = roles_of(user)
    if roles.is_home_affairs:
        return True
    return roles.official is not None and roles.official.pk == official.pk


def require_chair(user: AnyUser) -> PortalRoles:
    """The chair (or a vice-chair signing for the chair) decides; everyone else is refused."""
    roles = roles_of(user)
    if not roles.is_chair:
        raise PermissionDenied
    return roles
