# Jobs and issued documents are not edited by hand (an issued document is a snapshot); the administrator
# only sets how each organisation is printed in a document's header.
from django.contrib import admin

from .models import Letterhead


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ["organisation", "parent_body", "body_name", "place_name"]
    search_fields = ["organisation__name"]
