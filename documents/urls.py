from django.urls import path

from . import views
from .models import DocumentKind

app_name = "documents"
urlpatterns = [
    path("evaluations/<int:pk>/form/", views.rating_form_request, name="rating_form_request"),
    path("evaluations/<int:pk>/notice/", views.notice_request, name="notice_request"),
    path("evaluations/<int:pk>/minutes/", views.meeting_minutes_request, name="meeting_minutes_request"),
    path("cycles/<int:pk>/", views.cycle_documents, name="cycle_documents"),
    path("cycles/<int:pk>/report/", views.report_request, name="report_request"),
    path("cycles/<int:pk>/summary/", views.summary_table_request, name="summary_table_request"),
    path(
        "cycles/<int:pk>/conference-minutes/",
        views.conference_minutes_request,
        name="conference_minutes_request",
    ),
    path("cycles/<int:pk>/pack/", views.conference_pack_request, name="conference_pack_request"),
    path("cycles/<int:pk>/forms/", views.rating_forms_request, name="rating_forms_request"),
    # Periodic tracking (issue #12): a period record, an enrolment's year, a period of the whole cohort.
    path(
        "tracking/records/<int:pk>/form/",
        views.tracking_period_form_request,
        name="tracking_period_form_request",
    ),
    path(
        "tracking/enrolments/<int:pk>/summary/",
        views.tracking_year_summary_request,
        name="tracking_year_summary_request",
    ),
    path(
        "tracking/periods/<int:pk>/forms/",
        views.tracking_period_forms_request,
        name="tracking_period_forms_request",
    ),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/issue/", views.job_issue, name="job_issue"),
    path("<int:pk>/download/", views.document_download, name="document_download"),
]
# The rest of the conference's set (issue #14 item 8).
urlpatterns += [
    path(
        f"cycles/<int:pk>/{segment}/",
        views.cycle_paper_request,
        {"kind": kind},
        name=f"{kind.value}_request",
    )
    for segment, kind in (
        ("submission", DocumentKind.SUBMISSION),
        ("results-decision", DocumentKind.RESULTS_DECISION),
        ("invitation", DocumentKind.INVITATION),
        ("attendance-list", DocumentKind.ATTENDANCE_LIST),
        ("results-notice", DocumentKind.RESULTS_NOTICE),
    )
]
urlpatterns += [
    path(
        "objections/<int:pk>/decision/", views.objection_decision_request, name="objection_decision_request"
    ),
]
# The compilation table as an Excel workbook built by the worker (issue #15).
urlpatterns += [
    path(
        "cycle/<int:pk>/compilation-workbook/",
        views.compilation_workbook_request,
        name="compilation_workbook_request",
    ),
]
# The issued Home Affairs report attached to the conference record (issue #13 item 6).
urlpatterns += [
    path(
        "cycle/<int:pk>/conference-report/",
        views.conference_report_attach,
        name="conference_report_attach",
    ),
]
