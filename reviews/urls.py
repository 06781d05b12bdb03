from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/self-assessment/", views.self_assessment_edit, name="self_assessment_edit"),
    path("<int:pk>/self-assessment/submit/", views.self_assessment_submit, name="self_assessment_submit"),
    path(
        "<int:pk>/self-assessment/withdraw/", views.self_assessment_withdraw, name="self_assessment_withdraw"
    ),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:attachment_pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/evidence/<int:attachment_pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("<int:pk>/return/", views.evaluation_return, name="evaluation_return"),
    path("<int:pk>/review/", views.evaluation_review_start, name="evaluation_review_start"),
    path("<int:pk>/extension/", views.deadline_extend, name="deadline_extend"),
    path("cycle/<int:cycle_pk>/compilation/", views.compilation, name="compilation"),
    path("<int:pk>/proposal/", views.proposal_edit, name="proposal_edit"),
    path("<int:pk>/facts/", views.cap_facts_edit, name="cap_facts_edit"),
]
urlpatterns += [
    path("cycle/<int:cycle_pk>/compilation.xlsx", views.compilation_export, name="compilation_export"),
    path("cycle/<int:cycle_pk>/facts-template.xlsx", views.facts_template, name="facts_template"),
    path("cycle/<int:cycle_pk>/facts-import/", views.facts_import, name="facts_import"),
]
# The comment meeting's minutes and the party committee's opinion.
urlpatterns += [
    path("<int:pk>/meeting/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/meeting/scan/", views.meeting_scan_download, name="meeting_scan_download"),
    path("<int:pk>/party-opinion/", views.party_opinion_edit, name="party_opinion_edit"),
    path(
        "<int:pk>/party-opinion/scan/", views.party_opinion_scan_download, name="party_opinion_scan_download"
    ),
    path("cycle/<int:cycle_pk>/meetings/", views.meeting_list, name="meeting_list"),
]
urlpatterns += [
    path("cycle/<int:cycle_pk>/decisions/", views.decision_board, name="decision_board"),
    path("cycle/<int:cycle_pk>/sign-off/", views.cycle_sign_off, name="cycle_sign_off"),
    path("<int:pk>/decision/", views.decision_record, name="decision_record"),
]
# Objections: the person files and withdraws; the chair answers, Home Affairs follows.
urlpatterns += [
    path("<int:pk>/objection/", views.objection_file, name="objection_file"),
    path(
        "<int:pk>/objection/<int:objection_pk>/withdraw/", views.objection_withdraw, name="objection_withdraw"
    ),
    path("cycle/<int:cycle_pk>/objections/", views.objection_list, name="objection_list"),
    path("objection/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
]
