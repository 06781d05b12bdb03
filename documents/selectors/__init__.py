"""Reads for printed documents: the data each document prints, and the Decree 30/2020 wording pieces.

A document's data is a plain JSON dict taken when it is asked for. The PDF is rendered from that dict only
(never from the live rows), and the dict is kept with the issued PDF, so the paper can be explained later.
`wording` has the pieces every paper shares, `rating_forms` the forms, `papers` the numbered papers, the summary
table and the pack, `decision_papers` the rest of the conference's set (submission, decision, invitation, attendance
list, collective notice, decision on an objection), `jobs` the reads of the documents pages,
`tracking_forms` the papers of periodic tracking.
"""

from .decision_papers import (
    attendance_list_data,
    invitation_data,
    legal_basis,
    objection_decision_data,
    results_decision_data,
    results_notice_data,
    submission_data,
)
from .jobs import cohort_for_documents, cycle_tracking_periods, latest_documents, open_jobs
from .papers import (
    ReportSigning,
    conference_minutes_data,
    conference_pack_data,
    home_affairs_director_name,
    home_affairs_organisation,
    meeting_minutes_data,
    notice_data,
    report_data,
    summary_table_data,
)
from .rating_forms import (
    cohort_evaluations,
    decision_signature,
    form_criteria,
    rating_form_data,
    rating_form_shows_decision,
    rating_forms_data,
)
from .tracking_forms import (
    period_forms_data,
    period_record_form_data,
    tracking_totals_by_enrolment,
    tracking_totals_of,
    year_summary_data,
)
from .wording import (
    LetterheadData,
    blank_date_line,
    checksum_of,
    date_line,
    letterhead_for,
    number_line,
    signature_block,
)

__all__ = [
    "LetterheadData",
    "ReportSigning",
    "attendance_list_data",
    "invitation_data",
    "legal_basis",
    "objection_decision_data",
    "results_decision_data",
    "results_notice_data",
    "submission_data",
    "blank_date_line",
    "checksum_of",
    "cohort_evaluations",
    "cohort_for_documents",
    "cycle_tracking_periods",
    "conference_minutes_data",
    "conference_pack_data",
    "date_line",
    "decision_signature",
    "form_criteria",
    "home_affairs_director_name",
    "home_affairs_organisation",
    "latest_documents",
    "letterhead_for",
    "meeting_minutes_data",
    "notice_data",
    "number_line",
    "open_jobs",
    "period_forms_data",
    "period_record_form_data",
    "rating_form_data",
    "rating_form_shows_decision",
    "rating_forms_data",
    "report_data",
    "signature_block",
    "summary_table_data",
    "tracking_totals_by_enrolment",
    "tracking_totals_of",
    "year_summary_data",
]
