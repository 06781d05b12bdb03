"""Evidence files of a period (issue #12: "the results (done, on time, quality achieved, with evidence files)"):
checked by content, only the person while drafting and their tracker before confirming attach or remove them, and
they download only through the access-checked view."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracking import services
from tracking.errors import TrackingError
from tracking.models import PeriodEvidence

from .test_services import confirm, fill_and_submit, record_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 bao cao quy"


def pdf(name="bao-cao.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_person_attaches_a_pdf_and_a_disguised_file_is_refused(tracked):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    evidence = services.period_evidence_attach(record=record, upload=pdf(), by=me)
    assert evidence.content_type == "application/pdf" and evidence.original_name == "bao-cao.pdf"
    with pytest.raises(TrackingError, match="không phải PDF"):
        services.period_evidence_attach(
            record=record, upload=pdf("virus.pdf", b"MZ\x90\x00 not a pdf"), by=me
        )
    assert PeriodEvidence.objects.count() == 1


def test_nobody_else_attaches_and_a_confirmed_period_takes_no_more_files(tracked):
    record = record_of(tracked)
    for outsider in (tracked.users["official_b"], tracked.users["home_affairs"]):
        with pytest.raises(PermissionDenied):
            services.period_evidence_attach(record=record, upload=pdf(), by=outsider)
    record = fill_and_submit(tracked)
    services.period_evidence_attach(
        record=record, upload=pdf(), by=tracked.tracker
    )  # the tracker, before confirming
    confirm(tracked, record)
    record.refresh_from_db()
    with pytest.raises(TrackingError, match="đã được xác nhận"):
        services.period_evidence_attach(record=record, upload=pdf(), by=tracked.tracker)


def test_download_only_through_the_access_check(tracked, login):
    record = record_of(tracked)
    evidence = services.period_evidence_attach(record=record, upload=pdf(), by=tracked.users["official_a"])
    url = reverse("tracking:evidence_download", kwargs={"pk": record.pk, "evidence_pk": evidence.pk})
    response = login(tracked.users["official_a"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="bao-cao.pdf"' in response["Content-Disposition"]
    assert login(tracked.users["official_b"]).get(url).status_code == 404


def test_removing_a_file_deletes_it_after_commit(tracked, django_capture_on_commit_callbacks):
    record = record_of(tracked)
    me = tracked.users["official_a"]
    evidence = services.period_evidence_attach(record=record, upload=pdf(), by=me)
    storage, name = evidence.file.storage, evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.period_evidence_remove(evidence=evidence, by=me)
    assert not PeriodEvidence.objects.exists() and not storage.exists(name)
