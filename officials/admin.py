from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Official, Organisation, PeerGroup, RoleAssignment
from .services import OfficialsError, account_invite, role_confirm, role_grant, role_revoke


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "abbreviation"]


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "counts_units"]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "organisation", "peer_group", "personnel_type", "user"]
    list_filter = ["personnel_type", "peer_group"]
    search_fields = ["full_name", "title", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "peer_group", "user"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and removals go through role_grant / role_revoke: audited, mailed, and recorded with who granted
    (issue #18 item 3). A grant is never edited into another one; remove it and grant anew."""

    list_display = ["user", "role", "organisation", "created_at", "granted_by", "confirmed_by"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation", "granted_by", "confirmed_by"]
    readonly_fields = ["created_at", "granted_by", "confirmed_by", "confirmed_at"]
    actions = ["confirm_grants"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "user", "role", "organisation"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            granted = role_grant(user=obj.user, role=obj.role, organisation=obj.organisation, by=request.user)
        except OfficialsError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = granted.pk

    def delete_model(self, request, obj):
        role_revoke(assignment=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user"):
            role_revoke(assignment=assignment, by=request.user)

    @admin.action(description=_("Xác nhận việc giao vai trò (người thứ hai)"))
    def confirm_grants(self, request, queryset):
        for assignment in queryset.select_related("user"):
            try:
                role_confirm(assignment=assignment, by=request.user)
            except OfficialsError as error:
                self.message_user(request, f"{assignment}: {error}", messages.WARNING)


User = get_user_model()
admin.site.unregister(User)


class InvitedUserCreationForm(forms.ModelForm):
    """A new account has no password the administrator knows: its owner chooses one from the invitation."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Administrators never set or know another person's password (issue #18 item 3): no set-password form,
    and accounts are created without one; the owner sets it from the invitation."""

    actions = ["send_invitation"]
    add_form = InvitedUserCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "email")}),
    )

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.email:
            account_invite(user=obj)

    @admin.action(description=_("Gửi thư mời đặt mật khẩu"))
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                account_invite(user=user)
                sent += 1
            except OfficialsError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, _("Đã xếp %(n)d thư mời vào hàng gửi.") % {"n": sent})


admin.site.site_header = _("Cổng đánh giá, xếp loại chất lượng – Quản trị")
admin.site.site_title = _("Quản trị")
