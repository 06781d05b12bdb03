"""Every write to evaluations, one module per stage: enrolling the cohort (`cohort.py`), the self-assessment
(`self_assessment.py`), what Home Affairs and unit secretaries record before the conference (`compilation.py`), the
chair's decisions and the sign-off (`decisions.py`), notices of results (`notices.py`), objections (`objections.py`)
and closing the cycle (`closing.py`). `events.py` writes the evaluation's own history.

These are the public names; a module's private helpers stay in it."""

from .closing import (
    CycleCloseRefused,
    cycle_close,
)
from .cohort import (
    enrolment_create,
)
from .compilation import (
    CAP_FACT_FIELDS,
    MAX_LINE_LENGTH,
    MAX_NOTE_LENGTH,
    MeetingMinutes,
    Opinion,
    cap_facts_clean,
    cap_facts_import,
    cap_facts_record,
    comment_meeting_record,
    party_opinion_record,
    phase_refusal,
    proposal_set,
)
from .decisions import (
    MAX_COMMENTS_LENGTH,
    GroupAcceptance,
    SignOffRefused,
    cap_refusal,
    cycle_sign_off,
    decision_content_check,
    decision_record,
    decisions_accept_group,
    sign_off_check,
    sign_off_overview,
    signature_check,
)
from .events import (
    event_record,
)
from .notices import (
    notice_email_send,
    notice_issue_for_decision,
    notice_mark_read,
    notices_issue_for_cycle,
)
from .objections import (
    decision_replace,
    objection_answer,
    objection_answer_email_send,
    objection_answered_refusal,
    objection_file,
    objection_window_refusal,
    objection_withdraw,
)
from .paper import (
    PAPER_ENTERABLE,
    evaluation_exempt,
    evaluation_exemption_lift,
    self_assessment_enter_on_paper,
)
from .self_assessment import (
    MAX_REASON_LENGTH,
    MAX_TEXT_LENGTH,
    Answer,
    clean_answers,
    deadline_extend,
    editing_refusal,
    evidence_attach,
    evidence_remove,
    missing_items,
    reminder_email_send,
    reminders_send,
    review_start,
    self_assessment_return,
    self_assessment_save,
    self_assessment_submit,
    self_assessment_withdraw,
)

__all__ = [
    "CycleCloseRefused",
    "cycle_close",
    "enrolment_create",
    "CAP_FACT_FIELDS",
    "MAX_LINE_LENGTH",
    "MAX_NOTE_LENGTH",
    "MeetingMinutes",
    "Opinion",
    "cap_facts_clean",
    "cap_facts_import",
    "cap_facts_record",
    "comment_meeting_record",
    "party_opinion_record",
    "phase_refusal",
    "proposal_set",
    "MAX_COMMENTS_LENGTH",
    "GroupAcceptance",
    "SignOffRefused",
    "cap_refusal",
    "cycle_sign_off",
    "decision_content_check",
    "decision_record",
    "decisions_accept_group",
    "sign_off_check",
    "sign_off_overview",
    "signature_check",
    "event_record",
    "notice_email_send",
    "notice_issue_for_decision",
    "notice_mark_read",
    "notices_issue_for_cycle",
    "decision_replace",
    "objection_answer",
    "objection_file",
    "objection_window_refusal",
    "objection_withdraw",
    "PAPER_ENTERABLE",
    "evaluation_exempt",
    "evaluation_exemption_lift",
    "self_assessment_enter_on_paper",
    "objection_answered_refusal",
    "objection_answer_email_send",
    "MAX_REASON_LENGTH",
    "MAX_TEXT_LENGTH",
    "Answer",
    "clean_answers",
    "deadline_extend",
    "editing_refusal",
    "evidence_attach",
    "evidence_remove",
    "missing_items",
    "reminder_email_send",
    "reminders_send",
    "review_start",
    "self_assessment_return",
    "self_assessment_save",
    "self_assessment_submit",
    "self_assessment_withdraw",
]
