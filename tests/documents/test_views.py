"""The pages: asking from the evaluation page, the job page and its progress partial, the download, the
cycle's document list; access as the data printed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Document, DocumentJob, JobStatus
from tests.factories import OfficialFactory, enrol

from .conftest import fill, pdf_reader, run

pytestmark = pytest.mark.django_db


def test_the_official_prints_their_own_form_from_the_evaluation_page(evaluation_a, cast, login):
    client = login(cast.users["official_a"])
    page = client.get(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation_a.pk})).content.decode()
    action = reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk})
    assert f'action="{action}"' in page and "In phiếu (PDF)" in page
    response = client.post(action)
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "documents:job_detail", kwargs={"pk": job.pk}
    )
    assert job.requested_by == cast.users["official_a"] and job.status == JobStatus.QUEUED

    waiting = client.get(response.url).content.decode()
    assert "Đang chờ máy xử lý" in waiting and 'hx-trigger="every 1s"' in waiting and "<progress" in waiting
    run(job)
    done = client.get(reverse("documents:job_progress", kwargs={"pk": job.pk})).content.decode()
    assert "hx-trigger" not in done  # polling stops
    download = reverse("documents:document_download", kwargs={"pk": job.document.pk})
    assert download in done
    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert "phieu-danh-gia-2026-nguyen-thi-an.pdf" in pdf["Content-Disposition"]


def test_a_failed_job_shows_the_error_and_a_retry_button(evaluation_a, cast, login, settings, tmp_path):
    client = login(cast.users["home_affairs"])
    client.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk}))
    job = DocumentJob.objects.get()
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    run(job)
    page = client.get(reverse("documents:job_detail", kwargs={"pk": job.pk})).content.decode()
    assert "Không tạo được tệp PDF" in page and "Thử lại" in page
    assert reverse("documents:job_retry", kwargs={"pk": job.pk}) in page
    settings.MEDIA_ROOT = tmp_path / "media"
    assert client.post(reverse("documents:job_retry", kwargs={"pk": job.pk})).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_an_official_never_gets_a_paper_showing_an_unpublished_decision(evaluation_a, cast, login):
    fill(evaluation_a, status="decided", final_level="htxsnv")
    home_affairs = login(cast.users["home_affairs"])
    home_affairs.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk}))
    decided_job = DocumentJob.objects.get()
    run(decided_job)
    assert decided_job.shows_decision

    official = login(cast.users["official_a"])
    for name, pk in [
        ("documents:job_detail", decided_job.pk),
        ("documents:document_download", decided_job.document.pk),
    ]:
        assert official.get(reverse(name, kwargs={"pk": pk})).status_code == 404
    official.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk}))
    own_job = DocumentJob.objects.exclude(pk=decided_job.pk).get()
    run(own_job)
    assert not own_job.shows_decision and "Hoàn thành xuất sắc" not in str(own_job.data.get("decided_level"))


def test_other_people_cannot_print_or_download_someone_elses_form(evaluation_a, cast, login):
    login(cast.users["home_affairs"]).post(
        reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk})
    )
    job = DocumentJob.objects.get()
    run(job)
    for persona in ["official_b", "unit_secretary", "administrator", "outsider"]:
        client = login(cast.users[persona])
        assert (
            client.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk})).status_code
            == 404
        )
        assert (
            client.get(reverse("documents:document_download", kwargs={"pk": job.document.pk})).status_code
            == 404
        )
        assert client.get(reverse("documents:job_detail", kwargs={"pk": job.pk})).status_code == 404
    assert DocumentJob.objects.count() == 1


def test_office_staff_print_every_form_of_the_cycle_in_one_pdf_with_an_outline(cast, login):
    for official in (cast.official_a, cast.official_b):
        fill(official.enrolments.get().evaluation)
    client = login(cast.users["office_staff"])
    response = client.post(reverse("documents:rating_forms_request", kwargs={"pk": cast.cycle.pk}))
    job = DocumentJob.objects.get()
    assert response.url == reverse("documents:job_detail", kwargs={"pk": job.pk})
    run(job)
    reader = pdf_reader(job.document)
    outline = [item.title for item in reader.outline]
    assert outline == ["Nguyễn Thị An – Giám đốc", "Trần Văn Bình – Giám đốc"]
    # Each form has its own first page: no number on either, numbers from each form's page 2.
    assert job.document.page_count == len(reader.pages) >= 4


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_cycle_documents_page_costs_the_same_queries_for_41_or_400_people(cast, login):
    client = login(cast.users["office_staff"])
    url = reverse("documents:cycle_documents", kwargs={"pk": cast.cycle.pk})

    def grow(to):
        for _ in range(to - cast.cycle.enrolments.count()):
            enrol(cast.cycle, OfficialFactory())

    def add_documents(n):
        # Documents and open jobs listed too: a few of each, made for real.
        from documents.models import DocumentKind
        from documents.services import document_request

        for enrolment in cast.cycle.enrolments.filter(evaluation__documents__isnull=True)[:n]:
            job = document_request(
                kind=DocumentKind.RATING_FORM, evaluation=enrolment.evaluation, by=cast.users["office_staff"]
            )
            run(job)

    grow(41)
    add_documents(2)
    small = _queries(client, url)
    grow(400)
    add_documents(3)
    assert Document.objects.count() == 5
    assert _queries(client, url) == small
