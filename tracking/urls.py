from django.urls import path

from .views import board, setup

app_name = "tracking"
# Home Affairs' side: the cycle's set-up, who tracks whom, a person's months not worked, the period board.
urlpatterns = [
    path("cycle/<int:pk>/setup/", setup.setup, name="setup"),
    path("cycle/<int:pk>/setup/deadlines/", setup.deadlines, name="deadlines"),
    path("cycle/<int:pk>/trackers/", setup.assignments, name="assignments"),
    path("cycle/<int:pk>/trackers/template/", setup.assignments_template, name="assignments_template"),
    path("cycle/<int:pk>/trackers/import/", setup.assignments_import, name="assignments_import"),
    path(
        "cycle/<int:pk>/person/<int:enrolment_pk>/period/<int:period_pk>/",
        setup.period_record_edit,
        name="period_record_edit",
    ),
    path("cycle/<int:pk>/board/", board.board, name="board"),
    path(
        "cycle/<int:pk>/board/period/<int:period_pk>/remind/", board.period_reminders, name="period_reminders"
    ),
]
