from django.contrib import admin

from .models import SyncEntry


@admin.register(SyncEntry)
class SyncEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: every change goes through national_db.services (audited). No identification number here."""

    list_display = ["evaluation", "cycle", "state", "due_at", "attempts", "sent_at", "acknowledged_at"]
    list_filter = ["state", "cycle"]
    list_select_related = ["evaluation__enrolment", "cycle"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
