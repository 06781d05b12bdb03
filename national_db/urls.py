from django.urls import path

from . import views

app_name = "national_db"
urlpatterns = [
    path("cycles/<int:cycle_pk>/", views.sync_list, name="sync_list"),
    path("cycles/<int:cycle_pk>/send/", views.sync_send, name="sync_send"),
    path("cycles/<int:cycle_pk>/export.json", views.export_json, name="export_json"),
    path("cycles/<int:cycle_pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("entries/<int:pk>/acknowledge/", views.entry_acknowledge, name="entry_acknowledge"),
    path("entries/<int:pk>/fail/", views.entry_fail, name="entry_fail"),
    path("entries/<int:pk>/resend/", views.entry_resend, name="entry_resend"),
]
