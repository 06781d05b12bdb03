from django.urls import path

from . import views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:pk>/progress/", views.progress_board, name="progress_board"),
    path("<int:pk>/reminders/", views.reminders_send, name="reminders_send"),
    path("<int:pk>/criteria/", views.criteria_list, name="criteria_list"),
    path("<int:pk>/criteria/<int:criterion_pk>/", views.criterion_update, name="criterion_update"),
    path("<int:pk>/scoring/", views.scoring_update, name="scoring_update"),
    path("<int:pk>/phases/<int:phase_pk>/", views.phase_toggle, name="phase_toggle"),
    path("<int:pk>/quota/", views.quota_settings, name="quota_settings"),
    path(
        "<int:pk>/quota/<int:exception_pk>/delete/",
        views.quota_exception_delete,
        name="quota_exception_delete",
    ),
    path("<int:pk>/agency-ratings/", views.agency_ratings, name="agency_ratings"),
    path("<int:pk>/enrolments/<int:enrolment_pk>/", views.enrolment_edit, name="enrolment_edit"),
]
# The conference (issue #5): set-up, the secretary's screen, the chair's screen.
urlpatterns += [
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
# Closing the cycle (issue #5).
urlpatterns += [
    path("<int:pk>/close/", views.cycle_close, name="cycle_close"),
]
