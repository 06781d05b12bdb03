"""Who holds which role. Every other app's access helpers start from `roles_of(user)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

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


def require_chair(user: AnyUser) -> PortalRoles:
    """The chair (or a vice-chair signing for the chair) decides; everyone else is refused."""
    roles = roles_of(user)
    if not roles.is_chair:
        raise PermissionDenied
    return roles
