from django.contrib import admin

from .models import Cycle, Enrolment, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    # Opening a phase checks the forms (each points form totals 100): Home Affairs does it on the cycle page.
    readonly_fields = ["is_open"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "framework", "status"]
    list_filter = ["status", "framework"]
    inlines = [PhaseInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Read-only: the cohort is changed through the cycle's services, which snapshot the person."""

    list_display = ["full_name", "title", "organisation_name", "peer_group_name", "cycle"]
    list_filter = ["cycle", "peer_group"]
    search_fields = ["full_name"]
    list_select_related = ["cycle"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
