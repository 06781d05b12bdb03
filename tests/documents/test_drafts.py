"""Issue #14, item 2: draft versus issued. A draft prints any time with "DỰ THẢO" on every page and takes no number;
issuing is a separate act of the person who may sign, refused (with the reason) until the paper is complete, takes
the next number at issue, and is what asking again returns; replacing an issued paper needs an explicit re-issue."""

from datetime import date

import pytest
from django.urls import reverse

from conference.models import Conference
from documents import services
from documents.errors import DocumentError
from documents.models import Document, DocumentJob, DocumentKind, RegisterCounter
from reviews.models import CommentMeeting, Evaluation
from tests.factories import OfficialFactory, enrol

from .conftest import fill, make_meeting, pdf_reader, pdf_text, run, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _issue_day(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 15))


def _report(cast, remarks="", **kwargs):
    return services.document_request(
        kind=DocumentKind.REPORT,
        cycle=cast.cycle,
        by=cast.users["home_affairs"],
        options={"remarks": remarks, "signer_name": "Phan Văn Nội", "signing": "director"},
        **kwargs,
    )


def _pages_marked(document) -> list[bool]:
    return ["DỰ THẢO" in page.extract_text() for page in pdf_reader(document).pages]


def test_ten_drafts_then_one_issue_is_number_01(cast, compiled):
    for n in range(10):
        draft = _report(cast, remarks=f"Dự thảo lần {n + 1}.")
        assert run(draft) == "done", draft.error
        assert draft.document.is_draft and draft.document.number is None
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    # The last draft has "DỰ THẢO" on every page and a blank number.
    assert all(_pages_marked(draft.document)) and len(_pages_marked(draft.document)) >= 2
    assert "Số: 01" not in pdf_text(draft.document)

    issuing = services.document_issue(job=draft, by=cast.users["home_affairs"])
    assert issuing.issue and issuing.pk != draft.pk
    run(issuing)
    issued = issuing.document
    assert not issued.is_draft and issued.number_text == "01/BC-SNV" and issued.version == 1
    text = pdf_text(issued)
    assert "Số: 01/BC-SNV" in text and "Thử, ngày 15 tháng 12 năm 2026" in text
    assert not any(_pages_marked(issued))
    # Asking again (for a draft, or to issue) with the same data returns the issued paper.
    again = _report(cast, remarks="Dự thảo lần 10.")
    assert run(again) == "same" and again.resolved.pk == issuing.pk
    assert services.document_issue(job=draft, by=cast.users["home_affairs"]).pk == issuing.pk


def test_an_issued_paper_with_changed_data_needs_an_explicit_reissue(cast, compiled):
    first = services.document_issue(job=_report(cast, remarks="A."), by=cast.users["home_affairs"])
    run(first)
    draft = _report(cast, remarks="B.")
    run(draft)
    assert draft.document.is_draft
    with pytest.raises(DocumentError, match="sẽ thay thế văn bản số 01/BC-SNV"):
        services.document_issue(job=draft, by=cast.users["home_affairs"])
    second = services.document_issue(job=draft, by=cast.users["home_affairs"], reissue=True)
    run(second)
    assert second.document.number_text == "02/BC-SNV" and second.document.replaces == first.document
    assert "Thay thế văn bản số 01/BC-SNV ngày 15/12/2026" in pdf_text(second.document)


def test_a_draft_whose_data_changed_is_not_issued(cast, compiled):
    draft = _report(cast)
    run(draft)
    Evaluation.objects.filter(pk=compiled[1].pk).update(proposed_level="htnv")
    # The worker takes the data again (issue #15): changed since the draft, the issue fails with the reason.
    issuing = services.document_issue(job=draft, by=cast.users["home_affairs"])
    assert run(issuing) == "failed" and "Dữ liệu đã thay đổi từ khi in bản dự thảo" in issuing.error
    assert not Document.objects.filter(is_draft=False).exists()


def test_the_report_is_not_issued_while_someone_has_no_proposal(cast, compiled):
    fill(enrol(cast.cycle, OfficialFactory()).evaluation)
    draft = _report(cast)
    run(draft)
    assert draft.document.is_draft  # a draft is always allowed
    with pytest.raises(DocumentError, match="Còn 1 trong số 4 người chưa có đề xuất"):
        services.document_issue(job=draft, by=cast.users["home_affairs"])


def test_conference_minutes_are_issued_only_once_the_conference_was_held_and_closed(
    cast, conference, monkeypatch
):
    def draft_and_issue():
        job = services.document_request(
            kind=DocumentKind.CONFERENCE_MINUTES, cycle=cast.cycle, by=cast.users["chair"]
        )
        run(job)  # the draft read first: issuing is refused on what it printed
        return services.document_issue(job=job, by=cast.users["chair"])

    Conference.objects.filter(pk=conference.pk).update(closed_at=None)
    with pytest.raises(DocumentError, match="Hội nghị chưa kết thúc"):
        draft_and_issue()
    Conference.objects.filter(pk=conference.pk).update(closed_at=conference.closed_at)
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 1))
    with pytest.raises(DocumentError, match="Hội nghị chưa diễn ra"):
        draft_and_issue()
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 15))
    issuing = draft_and_issue()
    run(issuing)
    assert issuing.document.number_text == "01/BB-UBND"


def test_a_notice_is_issued_only_from_a_signed_decision(cast, compiled):
    a = fill(compiled[0], status="published", final_level="httnv")
    draft = services.document_request(kind=DocumentKind.NOTICE, evaluation=a, by=cast.users["chair"])
    run(draft)
    assert draft.document.is_draft and all(_pages_marked(draft.document))
    with pytest.raises(DocumentError, match="Quyết định xếp loại chưa được ký"):
        services.document_issue(job=draft, by=cast.users["chair"])


def test_meeting_minutes_are_issued_only_when_adopted_and_held_after_the_self_assessment(cast, compiled):
    a = compiled[0]
    CommentMeeting.objects.filter(evaluation=a).update(minutes_adopted=False)
    draft = services.document_request(
        kind=DocumentKind.MEETING_MINUTES, evaluation=a, by=cast.users["home_affairs"]
    )
    run(draft)
    with pytest.raises(DocumentError, match="chưa được thông qua"):
        services.document_issue(job=draft, by=cast.users["home_affairs"])
    # A meeting dated before the self-assessment was sent (5 November 2026) is a wrong date, not a paper to number.
    CommentMeeting.objects.filter(evaluation=a).update(minutes_adopted=True, held_on=date(2026, 1, 20))
    a = Evaluation.objects.get(pk=a.pk)
    draft = services.document_request(
        kind=DocumentKind.MEETING_MINUTES, evaluation=a, by=cast.users["home_affairs"]
    )
    run(draft)
    with pytest.raises(DocumentError, match="trước ngày nộp bản tự đánh giá"):
        services.document_issue(job=draft, by=cast.users["home_affairs"])


def test_the_register_stays_in_date_order(cast, compiled, monkeypatch):
    b = compiled[1]
    make_meeting(b, held_on=date(2026, 11, 10))
    sign_decision(fill(compiled[0], status="published", final_level="httnv"))
    for day, kind, subject in (
        (date(2026, 12, 15), DocumentKind.NOTICE, {"evaluation": compiled[0]}),
        (date(2026, 12, 16), DocumentKind.MEETING_MINUTES, {"evaluation": b}),
    ):
        monkeypatch.setattr(services, "_today", lambda day=day: day)
        run(services.document_request(kind=kind, by=cast.users["home_affairs"], issue=True, **subject))
    # The minutes of a meeting held on 10 November are dated the day they were issued, after the notice.
    numbered = Document.objects.filter(number__isnull=False).order_by("issued_on", "pk")
    assert [d.issued_on for d in numbered] == [date(2026, 12, 15), date(2026, 12, 16)]
    for register in {(d.issuer_id, d.symbol) for d in numbered}:
        docs = [d for d in numbered if (d.issuer_id, d.symbol) == register]
        assert [d.number for d in docs] == sorted(d.number for d in docs)


def test_who_issues_each_paper_from_the_drafts_page(cast, compiled, login):
    sign_decision(fill(compiled[0], status="published", final_level="httnv"))
    notice = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=compiled[0], by=cast.users["chair"]
    )
    report = _report(cast)
    run(notice), run(report)
    issue_url = reverse("documents:job_issue", kwargs={"pk": report.pk})
    # The report is Home Affairs' to issue: the chair reads the draft but may not issue it.
    chair = login(cast.users["chair"])
    page = chair.get(reverse("documents:job_detail", kwargs={"pk": report.pk})).content.decode()
    assert "Dự thảo – chưa có số" in page and issue_url not in page
    assert chair.post(issue_url).status_code == 403
    home_affairs = login(cast.users["home_affairs"])
    page = home_affairs.get(reverse("documents:job_detail", kwargs={"pk": report.pk})).content.decode()
    assert issue_url in page and "Ban hành (lấy số)" in page
    response = home_affairs.post(issue_url)
    issuing = DocumentJob.objects.get(issue=True)
    assert response.url == reverse("documents:job_detail", kwargs={"pk": issuing.pk})
    # The notice is the authority's: the chair's office issues it; Home Affairs may not.
    assert home_affairs.post(reverse("documents:job_issue", kwargs={"pk": notice.pk})).status_code == 403
    office = login(cast.users["office_staff"])
    office.post(reverse("documents:job_issue", kwargs={"pk": notice.pk}))
    assert DocumentJob.objects.filter(issue=True, kind=DocumentKind.NOTICE).count() == 1


def test_an_unsubmitted_self_assessment_never_prints_as_final(cast, evaluation_a):
    draft_person = cast.official_b.enrolments.get().evaluation
    fill(draft_person, status="draft")
    job = services.document_request(
        kind=DocumentKind.RATING_FORM, evaluation=draft_person, by=cast.users["home_affairs"]
    )
    run(job)
    assert all("CHƯA NỘP" in page.extract_text() for page in pdf_reader(job.document).pages)
    submitted = services.document_request(
        kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=cast.users["home_affairs"]
    )
    run(submitted)
    assert "DỰ THẢO" not in pdf_text(submitted.document) and "CHƯA NỘP" not in pdf_text(submitted.document)


def test_a_past_cycles_paper_issued_now_is_marked_late_and_a_reprint_is_the_stored_paper(
    cast, decree_90_evaluation
):
    """Issue #14 item 5: a 2023 notice never issued in 2023 is issued now, marked as late, in the 2026 register;
    asking for it again, even after its data changed, returns the stored paper."""
    evaluation = fill(decree_90_evaluation, status="published", final_level="httnv")
    sign_decision(evaluation)
    cycle = evaluation.enrolment.cycle
    cycle.__class__.objects.filter(pk=cycle.pk).update(status="closed")
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    issuing = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation, by=cast.users["chair"], issue=True
    )
    run(issuing)
    document = issuing.document
    assert document.year == 2026 and document.number == 1 and document.issued_on == date(2026, 12, 15)
    text = " ".join(pdf_text(document).split())
    assert "Văn bản ban hành muộn: thuộc kỳ đánh giá năm 2023, ban hành ngày 15/12/2026" in text
    assert "vào sổ văn bản đi năm 2026" in text
    Evaluation.objects.filter(pk=evaluation.pk).update(final_level="htnv")
    again = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=Evaluation.objects.get(pk=evaluation.pk), by=cast.users["chair"]
    )
    assert again.pk == issuing.pk


def test_issuing_asks_again_for_the_second_factor_when_the_code_is_old(cast, compiled, login, settings):
    """Issue #18 item 1: issuing takes a number and makes a paper to sign — a step-up like the sign-off."""
    import time

    from accounts.second_factor import VERIFIED_AT_SESSION_KEY

    settings.PORTAL_SECOND_FACTOR_ENFORCED = True
    report = _report(cast)
    run(report)
    client = login(cast.users["home_affairs"])
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time()) - (settings.PORTAL_STEP_UP_MINUTES * 60 + 5)
    session.save()
    issue_url = reverse("documents:job_issue", kwargs={"pk": report.pk})
    refused = client.post(issue_url)
    assert refused.status_code == 302 and "step_up=1" in refused.url
    assert not DocumentJob.objects.filter(issue=True).exists()
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time())
    session.save()
    client.post(issue_url)
    assert DocumentJob.objects.filter(issue=True).count() == 1


def test_home_affairs_attaches_the_issued_report_to_the_conference_in_one_click(cast, compiled, login):
    """Issue #13 item 6: the conference takes the report the portal issued, not a download uploaded again."""
    from datetime import date, time

    from conference.models import Conference
    from conference.services import conference_set

    ha = cast.users["home_affairs"]
    conference_set(
        cycle=cast.cycle,
        held_on=date(cast.cycle.year, 12, 10),
        starts_at=time(8, 0),
        venue="Hội trường",
        chaired_by_name="Chủ Tịch Thử",
        secretary_name="Thư Ký Thử",
        by=ha,
    )
    url = reverse("documents:conference_report_attach", kwargs={"pk": cast.cycle.pk})
    client = login(ha)
    refused = client.post(url, follow=True)
    assert "Chưa có báo cáo ban hành" in refused.content.decode()
    assert not Conference.objects.get().report
    report = _report(cast)
    run(report)
    run(services.document_issue(job=report, by=ha))
    client.post(url)
    conference = Conference.objects.get()
    assert conference.report and conference.report_name.startswith("Bao-cao-so-01")
    assert conference.report.read(5) == b"%PDF-"
