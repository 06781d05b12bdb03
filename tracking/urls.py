from django.urls import path

from .views import board, evidence, person, setup, tracker, workplan

app_name = "tracking"
# The person's year and their period's form.
urlpatterns = [
    path("mine/", person.person_mine, name="person_mine"),
    path("person/<int:enrolment_pk>/", person.person_year, name="person_year"),
    path(
        "person/<int:enrolment_pk>/period/<int:period_pk>/",
        person.person_period_open,
        name="person_period_open",
    ),
    path("period/<int:pk>/", person.person_period, name="person_period"),
    path("period/<int:pk>/submit/", person.person_period_submit, name="person_period_submit"),
    path("period/<int:pk>/withdraw/", person.person_period_withdraw, name="person_period_withdraw"),
]
# The tracker's inbox, the people they track, and the review of one person's period.
urlpatterns += [
    path("tracker/", tracker.tracker_inbox_view, name="tracker_inbox"),
    path("tracker/people/", tracker.tracker_people, name="tracker_people"),
    path(
        "tracker/person/<int:enrolment_pk>/period/<int:period_pk>/",
        tracker.tracker_period_open,
        name="tracker_period_open",
    ),
    path("tracker/period/<int:pk>/", tracker.tracker_review, name="tracker_review"),
    path("tracker/period/<int:pk>/return/", tracker.tracker_return, name="tracker_return"),
]
# The period's work plan as a workbook: the template and its import.
urlpatterns += [
    path("period/<int:pk>/workplan.xlsx", workplan.workplan_template_download, name="workplan_template"),
    path("period/<int:pk>/workplan/import/", workplan.workplan_import, name="workplan_import"),
]
# Home Affairs' side: the cycle's set-up, who tracks whom, a person's months not worked, the period board.
urlpatterns += [
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
# Evidence files of a period.
urlpatterns += [
    path("period/<int:pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("period/<int:pk>/evidence/<int:evidence_pk>/", evidence.evidence_download, name="evidence_download"),
    path(
        "period/<int:pk>/evidence/<int:evidence_pk>/delete/", evidence.evidence_delete, name="evidence_delete"
    ),
]
