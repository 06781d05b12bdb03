from django.urls import path

from . import views

app_name = "conference"
# The conference (issue #5): set-up, the secretary's screen, the chair's screen.
urlpatterns = [
    path("<int:pk>/conference/", views.conference_edit, name="conference_edit"),
    path("<int:pk>/conference/attendance/", views.conference_attendance, name="conference_attendance"),
    path("<int:pk>/conference/guests/", views.conference_guest_add, name="conference_guest_add"),
    path(
        "<int:pk>/conference/guests/<int:guest_pk>/delete/",
        views.conference_guest_delete,
        name="conference_guest_delete",
    ),
    path("<int:pk>/conference/report/", views.conference_report_upload, name="conference_report_upload"),
    path(
        "<int:pk>/conference/report/download/",
        views.conference_report_download,
        name="conference_report_download",
    ),
    path("<int:pk>/conference/close/", views.conference_close, name="conference_close"),
    path("<int:pk>/conference/mode/", views.conference_start, name="conference_start"),
    path("<int:pk>/conference/mode/<int:evaluation_pk>/", views.conference_mode, name="conference_mode"),
    path("<int:pk>/conference/mode/<int:evaluation_pk>/note/", views.conference_note, name="conference_note"),
    path(
        "<int:pk>/conference/mode/<int:evaluation_pk>/focus/",
        views.conference_focus,
        name="conference_focus",
    ),
    path("<int:pk>/conference/follow/", views.conference_follow, name="conference_follow"),
]
