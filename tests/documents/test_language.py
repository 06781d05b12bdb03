"""Issue #14, item 1: papers are Vietnamese always. The data is taken and the paper rendered under Vietnamese
whoever asks, and a change of the reader's language alone never makes a new version."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents import services
from documents.models import DocumentJob, DocumentKind

from .conftest import pdf_text, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    """The test client's English request leaves English active in this thread (LocaleMiddleware does not reset it):
    later tests would create their cycles' criteria in English. Put the default back."""
    yield
    translation.deactivate()


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_a_form_asked_from_an_english_session_reads_vietnamese_and_is_the_same_version(
    evaluation_a, cast, login
):
    client = _english(login(cast.users["home_affairs"]))
    # The portal itself is English for this reader …
    assert "Log out" in client.get(reverse("home")).content.decode()
    client.post(reverse("documents:rating_form_request", kwargs={"pk": evaluation_a.pk}))
    english_job = DocumentJob.objects.get()
    # … the paper is not: the same data asked in Vietnamese is the same job, not a new version.
    with translation.override("vi"):
        vietnamese_job = services.document_request(
            kind=DocumentKind.RATING_FORM, evaluation=evaluation_a, by=cast.users["home_affairs"]
        )
    assert vietnamese_job.pk == english_job.pk
    run(english_job)
    text = pdf_text(english_job.document)
    assert "PHIẾU XẾP LOẠI CHẤT LƯỢNG" in text and "FORM" not in text and "ASSESSMENT" not in text
    assert "Họ và tên" in text


def test_the_summary_table_asked_in_english_is_vietnamese(compiled, cast, login):
    client = _english(login(cast.users["home_affairs"]))
    client.post(reverse("documents:summary_table_request", kwargs={"pk": cast.cycle.pk}))
    job = DocumentJob.objects.get()
    with translation.override("en"):
        run(job)  # a worker whose own language is English
    assert job.data["title"] == "DANH SÁCH TỔNG HỢP"
    text = pdf_text(job.document)
    assert "DANH SÁCH TỔNG HỢP" in text and "SUMMARY TABLE" not in text
    assert "người" in text
