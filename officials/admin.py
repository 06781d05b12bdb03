from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Official, Organisation, PeerGroup, RoleAssignment
from .services import OfficialsError, account_invite


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
    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = ["send_invitation"]

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
