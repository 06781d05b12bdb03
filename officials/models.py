"""People, organisations and peer groups, and the roles people hold in the portal.

Kinds of organisation and peer groups are data: a 2023 cycle has district chairs, a 2026 cycle has
commune chairs (two-tier local government from 1 July 2025, Law 72/2025).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.encryption import EncryptedTextField
from common.outbox import OutboxEmail

if TYPE_CHECKING:
    from django.core.mail import EmailMessage


class OrganisationKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Đơn vị sự nghiệp công lập")
    DISTRICT_COMMITTEE = "district_committee", _("UBND huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường")
    OTHER = "other", _("Tổ chức khác")


class Organisation(models.Model):
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    # The abbreviation printed in document numbers, e.g. "UBND" in "Số: 05/BB-UBND" (Decree 30/2020).
    abbreviation = models.CharField(_("chữ viết tắt trên văn bản"), max_length=20)
    kind = models.CharField(_("loại"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name_per_parent"),
            models.CheckConstraint(condition=~Q(abbreviation=""), name="organisation_abbreviation_not_empty"),
        ]

    def __str__(self):
        return self.name


class PeerGroup(models.Model):
    """A group of people with similar duties (nhóm đối tượng có nhiệm vụ tương đồng).

    The HTXSNV quota is counted within each group (Decree 90 Art. 2(6), added by 48/2023).
    """

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=255)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # "Among fewer than 5 units, at most one may be HTXSNV" (Decree 233/2026 Art. 7(7)(c), 7(8)) applies to groups
    # of units, never to people: the cohort's quota ignores this flag (reviews.selectors.group_quota).
    counts_units = models.BooleanField(_("nhóm các đơn vị"), default=False)

    class Meta:
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class PersonnelType(models.TextChoices):
    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    VIEN_CHUC = "vien_chuc", _("Viên chức")


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


# ASCII digits only: \d would also take full-width and other scripts' digits.
IDENTIFICATION_NUMBER_RE = re.compile(r"[0-9]{12}")


def identification_number_clean(value: str) -> str:
    """The personal identification number (số định danh cá nhân, the 12 digits of the citizen identity card; Law on
    Identification 2023 Art. 12) without the spaces or dots people type between groups. Raises a ValidationError
    whose message never repeats what was typed (it may reach a log)."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not IDENTIFICATION_NUMBER_RE.fullmatch(digits):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số (số căn cước công dân)."),
            code="identification_number",
        )
    return digits


def identification_number_masked(value: str) -> str:
    """What everyone else sees: the last four digits only, e.g. ••••••••1234."""
    return "••••••••" + value[-4:] if value else ""


class Official(models.Model):
    """A person who is (or was) rated. Current facts only; cycles keep their own snapshot."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    personnel_type = models.CharField(_("loại cán bộ"), max_length=16, choices=PersonnelType.choices)
    title = models.CharField(_("chức vụ hiện tại"), max_length=255)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan hiện tại"), on_delete=models.PROTECT, related_name="officials"
    )
    peer_group = models.ForeignKey(
        PeerGroup,
        verbose_name=_("nhóm đối tượng hiện tại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    is_leader = models.BooleanField(_("giữ chức vụ lãnh đạo, quản lý"), default=True)
    is_party_member = models.BooleanField(_("đảng viên"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )
    # Issue #17 (Decree 27/2026 Art. 5: each person's electronic dossier in the national database is keyed by it).
    # Encrypted at rest; shown in full only to Home Affairs and the person (officials.permissions
    # .may_see_identification_number), masked elsewhere; written only by officials.services.identification_number_set.
    identification_number = EncryptedTextField(_("số định danh cá nhân"), blank=True, editable=False)
    # HMAC of the number (common.encryption.blind_index): two people cannot share one, without decrypting to check.
    identification_index = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identification_index"],
                condition=~Q(identification_index=""),
                name="official_identification_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(identification_index="", identification_number="")
                | (~Q(identification_index="") & ~Q(identification_number="")),
                name="official_identification_number_with_index",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def identification_number_masked(self) -> str:
        return identification_number_masked(self.identification_number)


class Role(models.TextChoices):
    """Roles other than "official", which a user has by being linked to an Official."""

    HOME_AFFAIRS = "home_affairs", _("Chuyên viên Sở Nội vụ")
    UNIT_SECRETARY = "unit_secretary", _("Thư ký đơn vị")
    CHAIR = "chair", _("Chủ tịch UBND tỉnh")
    OFFICE_STAFF = "office_staff", _("Văn phòng UBND tỉnh")
    ADMINISTRATOR = "administrator", _("Quản trị")


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    # Only a unit secretary is bound to one organisation: they record that agency's meetings only.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)
    # Separation of duties (issue #18 item 3): who granted the role, and the second person who confirmed a
    # grant that lets its holder decide (officials.permissions.chair_grant_refusal). Empty granted_by: set up
    # outside the portal's pages (migration, the demo loader, tests).
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("ngày xác nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="unit_secretary") & Q(organisation__isnull=False))
                | (~Q(role="unit_secretary") & Q(organisation__isnull=True)),
                name="roleassignment_organisation_iff_unit_secretary",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in Role]), name="roleassignment_role_valid"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organisation__isnull=True),
                name="roleassignment_unique_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="roleassignment_unique_role_per_organisation",
            ),
        ]

    def __str__(self):
        if self.organisation_id:
            return f"{self.user} – {self.get_role_display()} ({self.organisation})"
        return f"{self.user} – {self.get_role_display()}"


class Invitation(OutboxEmail):
    """An invitation to choose a password (ASVS 5.0 6.4.1: no initial password by mail): the e-mail's outbox row
    (common/outbox.py, issue #16 item 2), written with the account or by the admin's action, so an invitation
    asked for while the broker is down is sent once it is back. The link is made when the e-mail is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")

    class Meta(OutboxEmail.Meta):
        verbose_name = _("thư mời đặt mật khẩu")
        verbose_name_plural = _("thư mời đặt mật khẩu")

    def __str__(self) -> str:
        return str(self.user)

    def outbox_message(self) -> EmailMessage:
        from .services import invitation_message

        return invitation_message(self)
