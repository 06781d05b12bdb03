"""Every URL × every role: the status each must get. A URL missing from the matrix fails the test
(deny by default is only real if a new page cannot slip in unreviewed). ASVS 5.0 8.1.1 / 8.2.1 / 8.2.2."""

import pytest
import redis
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = [
    "anonymous",
    "official_a",
    "official_b",
    "home_affairs",
    "unit_secretary",
    "chair",
    "office_staff",
    "administrator",
    "outsider",
]

# Django's admin generates dozens of URLs; access to all of them is the admin site's is_staff check,
# covered by admin:index below and by test_only_the_administrator_reaches_the_admin_site.
EXEMPT_NAMESPACES = {"admin"}


def everyone(status, **overrides):
    return {persona: overrides.get(persona, status) for persona in PERSONAS}


def logged_in(status, **overrides):
    return everyone(status, anonymous=302, **overrides)


# name: (method, kwargs builder, {persona: status})
MATRIX = {
    "home": ("get", lambda c: {}, logged_in(200)),
    "healthz": ("get", lambda c: {}, everyone(200)),
    "login": ("get", lambda c: {}, everyone(302, anonymous=200)),
    "logout": ("post", lambda c: {}, everyone(302)),
    "password_change": ("get", lambda c: {}, logged_in(200)),
    "password_change_done": ("get", lambda c: {}, logged_in(200)),
    "password_reset_confirm": ("get", lambda c: {"uidb64": "MQ", "token": "bad-token"}, everyone(200)),
    "password_reset_complete": ("get", lambda c: {}, everyone(200)),
    "set_language": ("post", lambda c: {}, everyone(302)),
    "officials:official_list": ("get", lambda c: {}, logged_in(403, home_affairs=200)),
    "cycles:cycle_list": ("get", lambda c: {}, logged_in(403, home_affairs=200, chair=200, office_staff=200)),
    "portal:cycle_detail": (
        "get",
        lambda c: {"pk": c.cycle.pk},
        logged_in(404, home_affairs=200, chair=200, office_staff=200),
    ),
    # official_a's own file: nobody else outside Home Affairs and the chair learns it exists.
    "reviews:evaluation_detail": (
        "get",
        lambda c: {"pk": c.official_a.enrolments.get().evaluation.pk},
        logged_in(404, official_a=200, home_affairs=200, chair=200),
    ),
    # Spreadsheets: the proposals go to Home Affairs and the chair only; the facts are Home Affairs' to enter.
    # Office staff see the cycle (403), everyone else does not learn it exists (404).
    # Since issue #15 the export's link leads to the page that asks the worker for the workbook.
    "reviews:compilation_export": (
        "get",
        lambda c: {"cycle_pk": c.cycle.pk},
        logged_in(404, home_affairs=302, chair=302, office_staff=403),
    ),
    "documents:compilation_workbook_request": (
        "get",
        lambda c: {"pk": c.cycle.pk},
        logged_in(404, home_affairs=200, chair=200, office_staff=403),
    ),
    "reviews:facts_template": (
        "get",
        lambda c: {"cycle_pk": c.cycle.pk},
        logged_in(404, home_affairs=200, chair=403, office_staff=403),
    ),
    "reviews:facts_import": (
        "get",
        lambda c: {"cycle_pk": c.cycle.pk},
        logged_in(404, home_affairs=200, chair=403, office_staff=403),
    ),
}


def _evaluation_a(c):
    return {"pk": c.official_a.enrolments.get().evaluation.pk}


def _attachment_a(c):
    from django.core.files.base import ContentFile

    from reviews.models import EvidenceAttachment

    evaluation = c.official_a.enrolments.get().evaluation
    attachment = EvidenceAttachment(
        evaluation=evaluation, original_name="minh-chung.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("evidence", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": evaluation.pk, "attachment_pk": attachment.pk}


# Only the person fills their own form: those who may see it get 403, everyone else 404.
OWNER_ONLY = logged_in(404, official_a=None, home_affairs=403, chair=403)
HOME_AFFAIRS_ACTS = logged_in(404, official_a=403, home_affairs=302, chair=403)

MATRIX.update(
    {
        "reviews:self_assessment_edit": ("get", _evaluation_a, {**OWNER_ONLY, "official_a": 200}),
        "reviews:self_assessment_submit": ("get", _evaluation_a, {**OWNER_ONLY, "official_a": 200}),
        "reviews:self_assessment_withdraw": ("post", _evaluation_a, {**OWNER_ONLY, "official_a": 302}),
        "reviews:evidence_upload": ("post", _evaluation_a, {**OWNER_ONLY, "official_a": 302}),
        "reviews:evidence_delete": ("post", _attachment_a, {**OWNER_ONLY, "official_a": 302}),
        "reviews:evidence_download": (
            "get",
            _attachment_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200),
        ),
        "reviews:evaluation_return": ("post", _evaluation_a, HOME_AFFAIRS_ACTS),
        "reviews:evaluation_review_start": ("post", _evaluation_a, HOME_AFFAIRS_ACTS),
        "reviews:deadline_extend": ("post", _evaluation_a, HOME_AFFAIRS_ACTS),
        "reviews:progress_board": ("get", lambda c: {"pk": c.cycle.pk}, logged_in(403, home_affairs=200)),
        "reviews:reminders_send": ("post", lambda c: {"pk": c.cycle.pk}, logged_in(403, home_affairs=302)),
        "cycles:criteria_list": ("get", lambda c: {"pk": c.cycle.pk}, logged_in(403, home_affairs=200)),
        "cycles:criterion_update": (
            "post",
            lambda c: {"pk": c.cycle.pk, "criterion_pk": c.cycle.criteria.first().pk},
            logged_in(403, home_affairs=302),
        ),
        "cycles:scoring_update": ("post", lambda c: {"pk": c.cycle.pk}, logged_in(403, home_affairs=302)),
        "cycles:phase_toggle": (
            "post",
            lambda c: {"pk": c.cycle.pk, "phase_pk": c.cycle.phases.first().pk},
            logged_in(403, home_affairs=302),
        ),
    }
)


def _form_job_a(c):
    """A job for official_a's form (no decided level on it), asked for by Home Affairs."""
    from documents.models import DocumentKind
    from documents.services import document_request

    evaluation = c.official_a.enrolments.get().evaluation
    return document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=c.users["home_affairs"])


def _job_a(c):
    return {"pk": _form_job_a(c).pk}


def _document_a(c):
    from documents.services import document_job_run

    job = _form_job_a(c)
    document_job_run(job_id=job.pk)
    return {"pk": job.document.pk}


def _cycle(c):
    return {"pk": c.cycle.pk}


def _enrolment_a(c):
    return {"pk": c.cycle.pk, "enrolment_pk": c.official_a.enrolments.get().pk}


# Documents print what the data shows: an official only their own form, Home Affairs, the chair and office
# staff everything of the cycle; anyone else 404.
PRINTERS = {"home_affairs": 302, "chair": 302, "office_staff": 302}
MATRIX.update(
    {
        "documents:rating_form_request": ("post", _evaluation_a, logged_in(404, official_a=302, **PRINTERS)),
        # official_a's result is not decided yet: the printers are sent back to the cycle's document page.
        "documents:notice_request": ("post", _evaluation_a, logged_in(404, **PRINTERS)),
        "documents:rating_forms_request": ("post", _cycle, logged_in(404, **PRINTERS)),
        "documents:cycle_documents": (
            "get",
            _cycle,
            logged_in(404, home_affairs=200, chair=200, office_staff=200),
        ),
        "documents:job_detail": (
            "get",
            _job_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200, office_staff=200),
        ),
        "documents:job_progress": (
            "get",
            _job_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200, office_staff=200),
        ),
        "documents:job_retry": ("post", _job_a, logged_in(404, official_a=302, **PRINTERS)),
        "documents:document_download": (
            "get",
            _document_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200, office_staff=200),
        ),
    }
)


def _cycle_with_home_affairs(c):
    """The report needs its issuer: the department named like "Sở Nội vụ" under the cycle's authority."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Sở Nội vụ", abbreviation="SNV", parent=c.cycle.authority)
    return {"pk": c.cycle.pk}


def _meeting_a(c):
    from datetime import date

    from reviews.models import CommentMeeting

    evaluation = c.official_a.enrolments.get().evaluation
    CommentMeeting.objects.create(
        evaluation=evaluation,
        held_on=date(2026, 11, 10),
        place="Phòng họp",
        chaired_by="Chủ trì",
        minutes_by="Thư ký",
        invited_count=10,
        attended_count=9,
        conclusion="Kết luận",
    )
    return {"pk": evaluation.pk}


# The papers that show everyone's proposals (report, summary table, conference minutes, pack): Home Affairs and
# the chair; office staff see the cycle but get 403 until the results are signed off; nobody else learns of it.
# The meeting minutes: the printers, and the secretary of the person's own agency (official_b's, not a's).
COHORT_PAPERS = logged_in(404, home_affairs=302, chair=302, office_staff=403)
MATRIX.update(
    {
        "documents:meeting_minutes_request": ("post", _meeting_a, logged_in(404, **PRINTERS)),
        "documents:report_request": (
            "get",
            _cycle_with_home_affairs,
            logged_in(404, home_affairs=200, chair=200, office_staff=403),
        ),
        "documents:summary_table_request": ("post", _cycle_with_home_affairs, COHORT_PAPERS),
        "documents:conference_minutes_request": ("post", _cycle, COHORT_PAPERS),
        "documents:conference_pack_request": ("post", _cycle_with_home_affairs, COHORT_PAPERS),
    }
)


def _paper_tracking_a(c):
    """The cycle tracked quarterly, with official_b as official_a's tracker: in these rows official_b plays the
    tracker (a persona of its own is not needed: a tracker is a role bound to the people assigned, per cycle)."""
    from tracking.models import TrackingPeriod
    from tracking.services import period_record_get, tracker_assign, tracking_set_up

    home_affairs = c.users["home_affairs"]
    tracking_set_up(cycle=c.cycle, frequency="quarterly", by=home_affairs)
    enrolment = c.official_a.enrolments.get()
    tracker_assign(enrolment=enrolment, tracker=c.users["official_b"], by=home_affairs)
    period = TrackingPeriod.objects.get(cycle=c.cycle, number=1)
    return enrolment, period, period_record_get(enrolment=enrolment, period=period)


# Periodic tracking's papers: one person's (their period form, their year) for the person, their tracker, Home
# Affairs and the chair; office staff see the cycle but get 403 until the sign-off; anyone else 404. Every form of
# a period for the whole cohort: as the cohort papers.
TRACKING_PERSON_PAPERS = logged_in(
    404, official_a=302, official_b=302, home_affairs=302, chair=302, office_staff=403
)
MATRIX.update(
    {
        "documents:tracking_period_form_request": (
            "post",
            lambda c: {"pk": _paper_tracking_a(c)[2].pk},
            TRACKING_PERSON_PAPERS,
        ),
        "documents:tracking_year_summary_request": (
            "post",
            lambda c: {"pk": _paper_tracking_a(c)[0].pk},
            TRACKING_PERSON_PAPERS,
        ),
        "documents:tracking_period_forms_request": (
            "post",
            lambda c: {"pk": _paper_tracking_a(c)[1].pk},
            COHORT_PAPERS,
        ),
    }
)


def _quota_exception(c):
    from cycles.models import QuotaException

    enrolment = c.official_a.enrolments.get()
    exception = QuotaException.objects.create(
        cycle=c.cycle,
        peer_group=enrolment.peer_group,
        rate="0.25",
        reason="Nổi trội",
        document="QĐ 1/QĐ-UBND",
    )
    return {"pk": c.cycle.pk, "exception_pk": exception.pk}


# Proposals: Home Affairs writes, the chair reads, office staff see the cycle but not the proposals (403),
# nobody else learns the cycle exists (404).
PROPOSALS_READ = logged_in(404, home_affairs=200, chair=200, office_staff=403)
HOME_AFFAIRS_EDITS = logged_in(404, official_a=403, home_affairs=200, chair=403)

MATRIX.update(
    {
        "reviews:compilation": ("get", lambda c: {"cycle_pk": c.cycle.pk}, PROPOSALS_READ),
        "reviews:proposal_edit": ("get", _evaluation_a, HOME_AFFAIRS_EDITS),
        "reviews:cap_facts_edit": ("get", _evaluation_a, HOME_AFFAIRS_EDITS),
        "cycles:quota_settings": ("get", _cycle, logged_in(403, home_affairs=200)),
        "cycles:quota_exception_delete": ("post", _quota_exception, logged_in(403, home_affairs=302)),
        "cycles:agency_ratings": ("get", _cycle, logged_in(403, home_affairs=200)),
        "cycles:enrolment_edit": ("get", _enrolment_a, logged_in(403, home_affairs=200)),
    }
)


def _meeting_scan_a(c):
    from datetime import date

    from django.core.files.base import ContentFile

    from reviews.models import CommentMeeting

    evaluation = c.official_a.enrolments.get().evaluation
    meeting = CommentMeeting(
        evaluation=evaluation,
        held_on=date(2026, 11, 10),
        place="Phòng họp",
        chaired_by="Chủ trì",
        minutes_by="Thư ký",
        invited_count=10,
        attended_count=9,
        conclusion="Kết luận",
        signed_scan_name="bien-ban.pdf",
    )
    meeting.signed_scan.save("scan", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": evaluation.pk}


def _party_scan_a(c):
    from datetime import date

    from django.core.files.base import ContentFile

    from reviews.models import PartyOpinion

    evaluation = c.official_a.enrolments.get().evaluation
    opinion = PartyOpinion(
        evaluation=evaluation,
        body="Đảng ủy",
        given_on=date(2026, 11, 12),
        text="Đồng ý.",
        signed_scan_name="y.pdf",
    )
    opinion.signed_scan.save("scan", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": evaluation.pk}


# Meeting minutes and party opinions: Home Affairs and the secretary of the person's own agency record them
# (official_a's agency has no secretary in the cast, so the secretary gets 404); the person and the chair may
# see the file but not write it (403). The person may download their own minutes, not the party opinion.
MEETING_RECORDERS = logged_in(404, official_a=403, home_affairs=200, chair=403)
MATRIX.update(
    {
        "reviews:meeting_edit": ("get", _evaluation_a, MEETING_RECORDERS),
        "reviews:party_opinion_edit": ("get", _evaluation_a, MEETING_RECORDERS),
        "reviews:meeting_scan_download": (
            "get",
            _meeting_scan_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200),
        ),
        "reviews:party_opinion_scan_download": (
            "get",
            _party_scan_a,
            logged_in(404, official_a=403, home_affairs=200, chair=200),
        ),
        "reviews:meeting_list": (
            "get",
            lambda c: {"cycle_pk": c.cycle.pk},
            logged_in(404, home_affairs=200, unit_secretary=200),
        ),
    }
)


def _conference(c):
    from datetime import date, time

    from conference.models import Conference

    conference, _created = Conference.objects.get_or_create(
        cycle=c.cycle,
        defaults={
            "held_on": date(2026, 12, 10),
            "starts_at": time(8, 0),
            "venue": "Hội trường UBND tỉnh",
            "chaired_by_name": "Chủ Tịch Thử",
            "secretary_name": "Thư Ký Thử",
        },
    )
    return conference


def _conference_person(c):
    _conference(c)
    return {"pk": c.cycle.pk, "evaluation_pk": c.official_a.enrolments.get().evaluation.pk}


def _conference_guest(c):
    guest = _conference(c).guests.create(name="Ban Tổ chức Tỉnh ủy")
    return {"pk": c.cycle.pk, "guest_pk": guest.pk}


def _conference_report(c):
    from django.core.files.base import ContentFile

    conference = _conference(c)
    conference.report_name = "bao-cao.pdf"
    conference.report.save("report", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": c.cycle.pk}


def _with_conference(c):
    _conference(c)
    return {"pk": c.cycle.pk}


# The conference: Home Affairs runs it as the secretary; the chair reads every page and follows the screen
# but writes nothing (403); office staff see the cycle, not the proposals on these screens (403); anyone else 404.
CONFERENCE_READ = logged_in(404, home_affairs=200, chair=200, office_staff=403)
CONFERENCE_WRITE = logged_in(404, home_affairs=302, chair=403, office_staff=403)
MATRIX.update(
    {
        "conference:conference_edit": ("get", _cycle, CONFERENCE_READ),
        "conference:conference_attendance": (
            "post",
            _with_conference,
            {**CONFERENCE_WRITE, "home_affairs": 200},
        ),
        "conference:conference_guest_add": (
            "post",
            _with_conference,
            {**CONFERENCE_WRITE, "home_affairs": 200},
        ),
        "conference:conference_guest_delete": ("post", _conference_guest, CONFERENCE_WRITE),
        "conference:conference_report_upload": (
            "post",
            _with_conference,
            {**CONFERENCE_WRITE, "home_affairs": 200},
        ),
        "conference:conference_report_download": ("get", _conference_report, CONFERENCE_READ),
        # The issued report attached from the documents side: with none issued yet Home Affairs is sent back with a
        # message (302); the chair reads the conference but does not edit it (403), like the upload.
        "documents:conference_report_attach": (
            "post",
            _with_conference,
            {**CONFERENCE_WRITE, "home_affairs": 302},
        ),
        "conference:conference_close": ("post", _with_conference, {**CONFERENCE_WRITE, "home_affairs": 200}),
        "conference:conference_start": (
            "get",
            _with_conference,
            {**CONFERENCE_READ, "home_affairs": 302, "chair": 302},
        ),
        "conference:conference_mode": ("get", _conference_person, CONFERENCE_READ),
        "conference:conference_note": ("post", _conference_person, {**CONFERENCE_WRITE, "home_affairs": 200}),
        "conference:conference_focus": ("post", _conference_person, CONFERENCE_WRITE),
        "conference:conference_follow": ("get", _with_conference, CONFERENCE_READ),
    }
)


# Decisions: the chair writes, Home Affairs reads; office staff see the cycle but not the decisions.
MATRIX.update(
    {
        "reviews:decision_board": ("get", lambda c: {"cycle_pk": c.cycle.pk}, PROPOSALS_READ),
        # Issue #15: one row of the board with its form, loaded on the row's button.
        "reviews:decision_edit": (
            "get",
            _evaluation_a,
            logged_in(404, official_a=403, home_affairs=403, chair=200),
        ),
        "reviews:decision_record": (
            "post",
            _evaluation_a,
            logged_in(404, official_a=403, home_affairs=403, chair=302),
        ),
        "reviews:cycle_sign_off": (
            "post",
            lambda c: {"cycle_pk": c.cycle.pk},
            logged_in(404, home_affairs=403, chair=302, office_staff=403),
        ),
    }
)


def _certificate(c):
    from signing.services import certificate_register
    from signing.test_ca import TestCA

    return certificate_register(
        by=c.users["home_affairs"],
        certificate=TestCA().issue("Chủ Tịch Thử").pem,
        holder="person",
        holder_name="Chủ Tịch Thử",
        user=c.users["chair"],
    )


def _notice_a(c):
    """A notice of a (signed) result to official_a; the cast's cycle itself stays in progress."""
    from django.utils import timezone

    from reviews.models import Decision, Notice

    evaluation = c.official_a.enrolments.get().evaluation
    decision = Decision.objects.create(
        evaluation=evaluation,
        level="httnv",
        comments="Nhận xét",
        state="signed",
        signing_as="chair",
        signer_name="Chủ Tịch Thử",
        signed_at=timezone.now(),
    )
    return {"pk": Notice.objects.create(evaluation=evaluation, decision=decision, kind="result").pk}


# Notices and the published list. A notice is its person's to mark read (Home Affairs and the chair, who see the
# file, get 403). Before the sign-off the list exists only for Home Affairs and the chair ("not yet published");
# who sees it afterwards follows the cycle's setting (tests/reviews/test_publication.py).
MATRIX.update(
    {
        "reviews:notice_read": (
            "post",
            _notice_a,
            logged_in(404, official_a=302, home_affairs=403, chair=403),
        ),
        "reviews:published_list": (
            "get",
            lambda c: {"cycle_pk": c.cycle.pk},
            logged_in(404, home_affairs=200, chair=200),
        ),
    }
)


def _objection_a(c):
    """An open objection of official_a's to a signed decision (the cast's cycle itself stays in progress)."""
    from django.utils import timezone

    from reviews.models import Decision, Objection

    evaluation = c.official_a.enrolments.get().evaluation
    decision = Decision.objects.create(
        evaluation=evaluation,
        level="httnv",
        comments="Nhận xét",
        state="signed",
        signing_as="chair",
        signer_name="Chủ Tịch Thử",
        signed_at=timezone.now(),
    )
    return Objection.objects.create(
        evaluation=evaluation, decision=decision, text="Đề nghị xem xét lại kết quả."
    )


def _objection_withdraw_a(c):
    return {"pk": c.official_a.enrolments.get().evaluation.pk, "objection_pk": _objection_a(c).pk}


# Objections: the person files and withdraws their own (those who see the file get 403); the chair answers and
# Home Affairs follows the list; office staff see the cycle only. Closing the cycle is Home Affairs' (a refusal
# re-renders the list of what is unfinished, 200). The audit history is for Home Affairs and the chair: the person
# themself gets 403 on their own file, office staff 403 on the cycle, the administrator and everyone else 404.
MATRIX.update(
    {
        "reviews:objection_file": ("post", _evaluation_a, {**OWNER_ONLY, "official_a": 200}),
        "reviews:objection_withdraw": ("post", _objection_withdraw_a, {**OWNER_ONLY, "official_a": 302}),
        "reviews:objection_list": ("get", lambda c: {"cycle_pk": c.cycle.pk}, PROPOSALS_READ),
        "reviews:objection_answer": (
            "get",
            lambda c: {"pk": _objection_a(c).pk},
            logged_in(404, official_a=403, home_affairs=403, chair=200),
        ),
        "reviews:cycle_close": (
            "post",
            _cycle,
            logged_in(404, home_affairs=200, chair=403, office_staff=403),
        ),
        "portal:evaluation_history": (
            "get",
            _evaluation_a,
            logged_in(404, official_a=403, home_affairs=200, chair=200),
        ),
        "portal:cycle_history": ("get", _cycle, PROPOSALS_READ),
    }
)

# The rest of the conference's set (issue #14 item 8). The submission, the decision approving the results and the
# collective notice show everyone's levels: as the cohort papers. The invitation and the attendance list show none:
# every cycle printer (the chair's office sends them). The decision on an objection: Home Affairs and the chair, who
# see the objections; the person and everyone else get 404.
MATRIX.update(
    {
        "documents:submission_request": ("post", _cycle_with_home_affairs, COHORT_PAPERS),
        "documents:results_decision_request": ("post", _cycle_with_home_affairs, COHORT_PAPERS),
        "documents:results_notice_request": ("post", _cycle_with_home_affairs, COHORT_PAPERS),
        "documents:invitation_request": ("post", _with_conference, logged_in(404, **PRINTERS)),
        "documents:attendance_list_request": ("post", _with_conference, logged_in(404, **PRINTERS)),
        "documents:objection_decision_request": (
            "post",
            lambda c: {"pk": _objection_a(c).pk},
            logged_in(404, home_affairs=302, chair=302),
        ),
    }
)


def _tracked_a(c):
    """Periodic tracking of the cast's cycle, quarterly, every period open; the chair tracks official_a (Decree
    233/2026 Art. 13(2): for a department director the chair or a vice-chair). Returns official_a's enrolment."""
    from datetime import timedelta

    from django.utils import timezone

    from tracking.models import TrackingPeriod
    from tracking.services import tracker_assign, tracking_set_up

    tracking_set_up(cycle=c.cycle, frequency="quarterly", by=c.users["home_affairs"])
    TrackingPeriod.objects.filter(cycle=c.cycle).update(deadline=timezone.now() + timedelta(days=7))
    enrolment = c.official_a.enrolments.get()
    tracker_assign(enrolment=enrolment, tracker=c.users["chair"], by=c.users["home_affairs"])
    return enrolment


def _tracked_enrolment_a(c):
    return {"enrolment_pk": _tracked_a(c).pk}


def _tracked_period_a(c):
    enrolment = _tracked_a(c)
    return {"enrolment_pk": enrolment.pk, "period_pk": c.cycle.tracking_periods.get(number=1).pk}


def _period_record_a(c, *, submitted=False):
    from cycles.rulebooks.tracking import period_lines
    from tracking.services import period_record_get, period_self_save, period_submit

    enrolment = _tracked_a(c)
    record = period_record_get(enrolment=enrolment, period=c.cycle.tracking_periods.get(number=1))
    if submitted:
        values = {line.code: "90" if line.is_percentage else "2" for line in period_lines(is_leader=True)}
        me = c.users["official_a"]
        record = period_self_save(record=record, values=values, version=record.version, by=me)
        record = period_submit(record=record, version=record.version, by=me)
    return record


def _record_a(c):
    return {"pk": _period_record_a(c).pk}


def _submitted_record_a(c):
    return {"pk": _period_record_a(c, submitted=True).pk}


def _evidence_a(c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracking.services import period_evidence_attach

    record = _period_record_a(c)
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")
    evidence = period_evidence_attach(record=record, upload=upload, by=c.users["official_a"])
    return {"pk": record.pk, "evidence_pk": evidence.pk}


def _tracking_mine(c):
    _tracked_a(c)
    return {}


# Periodic tracking (issue #12): a person's periods are theirs alone (even Home Affairs and the chair, who may see
# them elsewhere, get 404 on the person's form); a period's tracker (here the chair) reviews it, nobody else — not
# the person themself. Someone tracking nobody has no inbox (404). "My tracking" sends each person tracked (both
# officials of the cast) to their own year and tells everyone else they have none.
PERSON_ONLY = logged_in(404)
TRACKER_ONLY = logged_in(404)
MATRIX.update(
    {
        "tracking:person_mine": ("get", _tracking_mine, logged_in(200, official_a=302, official_b=302)),
        "tracking:person_year": ("get", _tracked_enrolment_a, {**PERSON_ONLY, "official_a": 200}),
        "tracking:person_period_open": ("get", _tracked_period_a, {**PERSON_ONLY, "official_a": 302}),
        "tracking:person_period": ("get", _record_a, {**PERSON_ONLY, "official_a": 200}),
        "tracking:person_period_submit": ("get", _record_a, {**PERSON_ONLY, "official_a": 200}),
        "tracking:person_period_withdraw": ("post", _submitted_record_a, {**PERSON_ONLY, "official_a": 302}),
        "tracking:tracker_inbox": ("get", _tracking_mine, {**TRACKER_ONLY, "chair": 200}),
        "tracking:tracker_people": ("get", _tracking_mine, {**TRACKER_ONLY, "chair": 200}),
        "tracking:tracker_period_open": ("get", _tracked_period_a, {**TRACKER_ONLY, "chair": 302}),
        "tracking:tracker_review": ("get", _submitted_record_a, {**TRACKER_ONLY, "chair": 200}),
        # An empty return is refused on the page itself (200); the reason is required.
        "tracking:tracker_return": ("post", _submitted_record_a, {**TRACKER_ONLY, "chair": 200}),
        # The work plan's workbook: whoever may see the period downloads it (the person, the tracker, Home Affairs,
        # the chair); only the person and the tracker import one (a post without a file goes back with a message).
        "tracking:workplan_template": (
            "get",
            _record_a,
            {**PERSON_ONLY, "official_a": 200, "chair": 200, "home_affairs": 200},
        ),
        "tracking:workplan_import": (
            "post",
            _record_a,
            {**PERSON_ONLY, "official_a": 302, "chair": 302, "home_affairs": 403},
        ),
        # Evidence: a post without a file goes back to the page with a message (302) for those who may attach; the
        # service refuses the rest (Home Affairs sees the period but attaches nothing: 403).
        "tracking:evidence_upload": (
            "post",
            _record_a,
            {**PERSON_ONLY, "official_a": 302, "chair": 302, "home_affairs": 302},
        ),
        "tracking:evidence_download": (
            "get",
            _evidence_a,
            {**PERSON_ONLY, "official_a": 200, "chair": 200, "home_affairs": 200},
        ),
        "tracking:evidence_delete": (
            "post",
            _evidence_a,
            {**PERSON_ONLY, "official_a": 302, "chair": 302, "home_affairs": 403},
        ),
    }
)

# The account's own security pages (issue #18): everyone logged in; with the second factor off in the test
# settings nobody in the cast has a device, so "verify" sends to enrolment and renewing codes is refused.
MATRIX.update(
    {
        "accounts:second_factor_enrol": ("get", lambda c: {}, logged_in(200)),
        "accounts:second_factor_verify": ("get", lambda c: {}, logged_in(302)),
        "accounts:recovery_codes_renew": ("post", lambda c: {}, everyone(302)),
        "accounts:session_list": ("get", lambda c: {}, logged_in(200)),
        "accounts:sessions_end_others": ("post", lambda c: {}, everyone(302)),
    }
)


def _tracked_cycle(c):
    """The cast's cycle tracked quarterly (issue #12), every period open for a week."""
    from datetime import timedelta

    from django.utils import timezone

    from tracking.models import TrackingPeriod
    from tracking.services import tracking_set_up

    tracking_set_up(cycle=c.cycle, frequency="quarterly", by=c.users["home_affairs"])
    TrackingPeriod.objects.filter(cycle=c.cycle).update(deadline=timezone.now() + timedelta(days=7))
    return {"pk": c.cycle.pk}


def _tracked_period(c):
    _tracked_cycle(c)
    return {"pk": c.cycle.pk, "period_pk": c.cycle.tracking_periods.get(number=1).pk}


def _tracked_record_a(c):
    return {**_tracked_period(c), "enrolment_pk": c.official_a.enrolments.get().pk}


# Periodic tracking, Home Affairs' side: the set-up, the assignments and a person's months not worked are Home
# Affairs' (those who see the cycle get 403, everyone else 404); the chair reads the period board; reminders are
# Home Affairs'. The person's and the tracker's pages are listed with their own branch.
TRACKING_SETUP = logged_in(404, home_affairs=200, chair=403, office_staff=403)
MATRIX.update(
    {
        "tracking:setup": ("get", _cycle, TRACKING_SETUP),
        # An empty post is refused on the page itself (200) with what to fix.
        "tracking:deadlines": ("post", _tracked_cycle, TRACKING_SETUP),
        "tracking:assignments": ("get", _tracked_cycle, TRACKING_SETUP),
        "tracking:assignments_template": ("get", _cycle, TRACKING_SETUP),
        "tracking:assignments_import": ("get", _cycle, TRACKING_SETUP),
        "tracking:period_record_edit": ("get", _tracked_record_a, TRACKING_SETUP),
        "tracking:board": (
            "get",
            _tracked_cycle,
            logged_in(404, home_affairs=200, chair=200, office_staff=403),
        ),
        "tracking:period_reminders": (
            "post",
            _tracked_period,
            logged_in(404, home_affairs=302, chair=403, office_staff=403),
        ),
    }
)


def _paper_scan_a(c):
    from django.core.files.base import ContentFile

    evaluation = c.official_a.enrolments.get().evaluation
    evaluation.paper_scan_name = "phieu-giay.pdf"
    evaluation.paper_scan.save("scan", ContentFile(b"%PDF-1.4\n"), save=False)
    evaluation.save(update_fields=["paper_scan", "paper_scan_name"])
    return {"pk": evaluation.pk}


# Issue #13: Home Affairs enters paper forms and records who is not rated; the signed scan is read by Home Affairs,
# the chair and the person.
MATRIX.update(
    {
        "reviews:paper_entry": (
            "get",
            lambda c: {"pk": c.official_a.enrolments.get().evaluation.pk},
            logged_in(404, official_a=403, home_affairs=200, chair=403),
        ),
        "reviews:paper_scan_download": (
            "get",
            _paper_scan_a,
            logged_in(404, official_a=200, home_affairs=200, chair=200),
        ),
        "reviews:exemption_edit": (
            "get",
            lambda c: {"pk": c.official_a.enrolments.get().evaluation.pk},
            logged_in(404, official_a=403, home_affairs=200, chair=403),
        ),
    }
)
# Issue #13 item 6: the chair accepts a peer group's proposals in one post.
MATRIX.update(
    {
        "reviews:decisions_accept_group": (
            "post",
            lambda c: {"cycle_pk": c.cycle.pk, "group_pk": c.official_a.peer_group_id},
            logged_in(404, home_affairs=403, chair=302, office_staff=403),
        ),
    }
)


def _no_heartbeats(c):
    """Readiness depends on the background processes: with none running it is 503 for everyone alike."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(
        "portal:heartbeat:worker", "portal:heartbeat:beat"
    )
    return {}


# Issue #16 item 8: readiness is open (it says only which dependency failed); metrics need a token or an address.
MATRIX.update(
    {
        "readyz": ("get", _no_heartbeats, everyone(503)),
        "metrics": ("get", lambda c: {}, everyone(404)),
    }
)
ADMIN_MATRIX = {"admin:index": logged_in(302, administrator=200)}


def _notice_a(c):
    """An issued notice for official_a (a small real PDF, stored directly: the matrix is about access, the signing
    tests render and sign real ones)."""
    import io

    from django.core.files.base import ContentFile
    from pypdf import PdfWriter

    from documents.models import Document, DocumentJob, DocumentKind

    existing = Document.objects.filter(kind=DocumentKind.NOTICE, number=1, cycle=c.cycle).first()
    if existing is not None:  # asked again by another URL within one test
        return existing
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    evaluation = c.official_a.enrolments.get().evaluation
    data = {"signature": {"lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "name": "Chủ Tịch Thử"}}
    job = DocumentJob.objects.create(
        kind=DocumentKind.NOTICE,
        cycle=c.cycle,
        evaluation=evaluation,
        subject_key=f"evaluation:{evaluation.pk}",
        issue=True,
        data=data,
        checksum="0" * 64,
        status="done",
    )
    document = Document(
        job=job,
        kind=DocumentKind.NOTICE,
        cycle=c.cycle,
        evaluation=evaluation,
        subject_key=job.subject_key,
        version=1,
        issuer=c.cycle.authority,
        year=2026,
        number=1,
        symbol="TB-UBND",
        issued_on="2026-12-15",
        data=data,
        checksum=job.checksum,
        pdf_sha256="0" * 64,
        size=len(buffer.getvalue()),
        page_count=1,
    )
    document.pdf.save("tb.pdf", ContentFile(buffer.getvalue()), save=True)
    return document


# Issue #17, signatures: an issued notice's signatures are seen by whoever may download it (Home Affairs, the chair,
# office staff); signing is then refused with a message (302 back to the page) to those not owed it. The plugin's
# URLs answer only to a valid signed token (404 otherwise, whoever asks); the verification page is public.
SEES_NOTICE = logged_in(404, home_affairs=200, chair=200, office_staff=200)
SIGNS_BACK = logged_in(404, home_affairs=302, chair=302, office_staff=302)
MATRIX.update(
    {
        "signing:document_signatures": ("get", lambda c: {"pk": _notice_a(c).pk}, SEES_NOTICE),
        "signing:version_download": ("get", lambda c: {"pk": _notice_a(c).pk, "number": 0}, SEES_NOTICE),
        "signing:signed_upload": ("post", lambda c: {"pk": _notice_a(c).pk, "role": "approval"}, SIGNS_BACK),
        "signing:organisation_sign": ("post", lambda c: {"pk": _notice_a(c).pk}, SIGNS_BACK),
        "signing:plugin_file": ("get", lambda c: {"token": "forged"}, everyone(404)),
        "signing:plugin_upload": ("post", lambda c: {"token": "forged"}, everyone(404)),
        "signing:verify": ("get", lambda c: {}, everyone(200)),
        # Home Affairs keeps the list of whose certificate is whose (the administrator too).
        "signing:certificate_list": (
            "get",
            lambda c: {},
            logged_in(403, home_affairs=200, administrator=200),
        ),
        "signing:certificate_withdraw": (
            "post",
            lambda c: {"pk": _certificate(c).pk},
            logged_in(403, home_affairs=302, administrator=302),
        ),
    }
)


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _minutes_draft_a(c):
    """A draft of official_a's meeting minutes (issue #14), asked for by Home Affairs."""
    from documents.models import DocumentKind
    from documents.services import document_request
    from reviews.models import Evaluation

    evaluation = Evaluation.objects.get(pk=_meeting_a(c)["pk"])
    job = document_request(
        kind=DocumentKind.MEETING_MINUTES, evaluation=evaluation, by=c.users["home_affairs"]
    )
    return {"pk": job.pk}


# Issuing a draft (issue #14): those who see the job and may sign it. The meeting minutes are issued by those who
# record the meeting (Home Affairs here: sent back with the reason the unadopted minutes cannot be issued); the
# chair and office staff see the draft but do not issue an agency's minutes.
MATRIX.update(
    {
        "documents:job_issue": (
            "post",
            _minutes_draft_a,
            logged_in(404, home_affairs=302, chair=403, office_staff=403),
        ),
    }
)


def _official_a(c):
    return {"pk": c.official_a.pk}


def _sync_entry_a(c):
    """A signed decision for official_a and its sync entry (issue #17)."""
    from django.utils import timezone

    from national_db.services import sync_entries_reconcile
    from reviews.models import Decision, DecisionState

    evaluation = c.official_a.enrolments.get().evaluation
    Decision.objects.create(
        evaluation=evaluation,
        level="httnv",
        comments="Hoàn thành tốt nhiệm vụ.",
        state=DecisionState.SIGNED,
        signing_as="chair",
        signer_name="Chủ Tịch Thử",
        signed_at=timezone.now(),
    )
    sync_entries_reconcile(cycle=c.cycle)
    return {"pk": evaluation.sync_entries.get().pk}


def _sync_cycle(c):
    return {"cycle_pk": c.cycle.pk}


# Issue #17: the official's page with the identification number, and the national database's sync log: Home
# Affairs only (everyone else 403, as for the list of officials; the log names no one to them).
HOME_AFFAIRS_ONLY_GET = logged_in(403, home_affairs=200)
HOME_AFFAIRS_ONLY_POST = logged_in(403, home_affairs=302)
MATRIX.update(
    {
        "officials:official_detail": ("get", _official_a, HOME_AFFAIRS_ONLY_GET),
        "officials:identification_template": ("get", lambda c: {}, HOME_AFFAIRS_ONLY_GET),
        "officials:identification_import": ("get", lambda c: {}, HOME_AFFAIRS_ONLY_GET),
        # An empty number clears it: a valid post that redirects.
        "officials:identification_number_edit": ("post", _official_a, HOME_AFFAIRS_ONLY_POST),
        "national_db:sync_list": ("get", _sync_cycle, HOME_AFFAIRS_ONLY_GET),
        "national_db:sync_send": ("post", _sync_cycle, HOME_AFFAIRS_ONLY_POST),
        "national_db:export_json": ("get", _sync_cycle, HOME_AFFAIRS_ONLY_GET),
        "national_db:export_xlsx": ("get", _sync_cycle, HOME_AFFAIRS_ONLY_GET),
        "national_db:entry_acknowledge": ("post", _sync_entry_a, HOME_AFFAIRS_ONLY_POST),
        "national_db:entry_fail": ("post", _sync_entry_a, HOME_AFFAIRS_ONLY_POST),
        "national_db:entry_resend": ("post", _sync_entry_a, HOME_AFFAIRS_ONLY_POST),
    }
)


def test_every_url_is_in_the_matrix():
    names = {
        name for name in _names(get_resolver().url_patterns) if name.split(":")[0] not in EXEMPT_NAMESPACES
    }
    assert names - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - names == set(), "the matrix lists URLs that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(name, persona, cast, client):
    method, kwargs, expected = MATRIX[name]
    if persona != "anonymous":
        client.force_login(cast.users[persona], backend="django.contrib.auth.backends.ModelBackend")
    response = getattr(client, method)(reverse(name, kwargs=kwargs(cast)))
    assert response.status_code == expected[persona], f"{name} as {persona}"
    if (
        response.status_code == 302
        and persona == "anonymous"
        and expected[persona] == 302
        and method == "get"
    ):
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_administrator_reaches_the_admin_site(persona, cast, client):
    if persona != "anonymous":
        client.force_login(cast.users[persona], backend="django.contrib.auth.backends.ModelBackend")
    for name, expected in ADMIN_MATRIX.items():
        assert client.get(reverse(name)).status_code == expected[persona]
    # A model page too, not only the index.
    changelist = client.get(reverse("admin:officials_official_changelist"))
    assert changelist.status_code == (200 if persona == "administrator" else 302)


def test_a_secretary_reaches_the_files_of_their_own_agency_only(cast, login):
    client = login(cast.users["unit_secretary"])
    own_agency = cast.official_b.enrolments.get().evaluation
    other_agency = cast.official_a.enrolments.get().evaluation
    assert client.get(reverse("reviews:evaluation_detail", kwargs={"pk": own_agency.pk})).status_code == 200
    assert client.get(reverse("reviews:evaluation_detail", kwargs={"pk": other_agency.pk})).status_code == 404


def test_a_missing_evaluation_is_404_even_for_home_affairs(cast, login):
    client = login(cast.users["home_affairs"])
    assert client.get(reverse("reviews:evaluation_detail", kwargs={"pk": 999_999})).status_code == 404
