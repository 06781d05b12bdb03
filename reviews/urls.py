from django.urls import path

from .views import (
    closing,
    compilation,
    decisions,
    evaluation,
    objections,
    paper,
    results,
    self_assessment,
    spreadsheets,
)

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/", evaluation.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/self-assessment/", self_assessment.self_assessment_edit, name="self_assessment_edit"),
    path(
        "<int:pk>/self-assessment/submit/",
        self_assessment.self_assessment_submit,
        name="self_assessment_submit",
    ),
    path(
        "<int:pk>/self-assessment/withdraw/",
        self_assessment.self_assessment_withdraw,
        name="self_assessment_withdraw",
    ),
    path("<int:pk>/evidence/", self_assessment.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:attachment_pk>/", self_assessment.evidence_download, name="evidence_download"
    ),
    path(
        "<int:pk>/evidence/<int:attachment_pk>/delete/",
        self_assessment.evidence_delete,
        name="evidence_delete",
    ),
    path("<int:pk>/return/", self_assessment.evaluation_return, name="evaluation_return"),
    path("<int:pk>/review/", self_assessment.evaluation_review_start, name="evaluation_review_start"),
    path("<int:pk>/extension/", self_assessment.deadline_extend, name="deadline_extend"),
    path("cycle/<int:cycle_pk>/compilation/", compilation.compilation, name="compilation"),
    path("<int:pk>/proposal/", compilation.proposal_edit, name="proposal_edit"),
    path("<int:pk>/facts/", compilation.cap_facts_edit, name="cap_facts_edit"),
]
urlpatterns += [
    path("cycle/<int:cycle_pk>/compilation.xlsx", spreadsheets.compilation_export, name="compilation_export"),
    path("cycle/<int:cycle_pk>/facts-template.xlsx", spreadsheets.facts_template, name="facts_template"),
    path("cycle/<int:cycle_pk>/facts-import/", spreadsheets.facts_import, name="facts_import"),
]
# The comment meeting's minutes and the party committee's opinion.
urlpatterns += [
    path("<int:pk>/meeting/", compilation.meeting_edit, name="meeting_edit"),
    path("<int:pk>/meeting/scan/", compilation.meeting_scan_download, name="meeting_scan_download"),
    path("<int:pk>/party-opinion/", compilation.party_opinion_edit, name="party_opinion_edit"),
    path(
        "<int:pk>/party-opinion/scan/",
        compilation.party_opinion_scan_download,
        name="party_opinion_scan_download",
    ),
    path("cycle/<int:cycle_pk>/meetings/", compilation.meeting_list, name="meeting_list"),
]
urlpatterns += [
    path("cycle/<int:cycle_pk>/decisions/", decisions.decision_board, name="decision_board"),
    path(
        "cycle/<int:cycle_pk>/decisions/group/<int:group_pk>/accept/",
        decisions.decisions_accept_group,
        name="decisions_accept_group",
    ),
    path("cycle/<int:cycle_pk>/sign-off/", decisions.cycle_sign_off, name="cycle_sign_off"),
    path("<int:pk>/decision/", decisions.decision_record, name="decision_record"),
    path("<int:pk>/decision/edit/", decisions.decision_edit, name="decision_edit"),
]
# The person's notice of their result and the published list of results.
urlpatterns += [
    path("notice/<int:pk>/read/", results.notice_read, name="notice_read"),
    path("cycle/<int:cycle_pk>/results/", results.published_list, name="published_list"),
]
# Objections: the person files and withdraws; the chair answers, Home Affairs follows.
urlpatterns += [
    path("<int:pk>/objection/", objections.objection_file, name="objection_file"),
    path(
        "<int:pk>/objection/<int:objection_pk>/withdraw/",
        objections.objection_withdraw,
        name="objection_withdraw",
    ),
    path("cycle/<int:cycle_pk>/objections/", objections.objection_list, name="objection_list"),
    path("objection/<int:pk>/answer/", objections.objection_answer, name="objection_answer"),
]
# Home Affairs' progress board with its reminders, and closing the cycle.
urlpatterns += [
    path("cycle/<int:pk>/progress/", self_assessment.progress_board, name="progress_board"),
    path("cycle/<int:pk>/reminders/", self_assessment.reminders_send, name="reminders_send"),
    path("cycle/<int:pk>/close/", closing.cycle_close, name="cycle_close"),
]
# Home Affairs acting for people who do not use the portal (issue #13).
urlpatterns += [
    path("<int:pk>/paper/", paper.paper_entry, name="paper_entry"),
    path("<int:pk>/paper/scan/", paper.paper_scan_download, name="paper_scan_download"),
    path("<int:pk>/exemption/", paper.exemption_edit, name="exemption_edit"),
]
