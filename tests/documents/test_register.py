"""The number register (Decree 30/2020 Art. 15): per issuer, year and type; 01, 02, … at issue; never reused,
also when two transactions issue at the same moment."""

import threading

import pytest
from django.db import connection, transaction

from documents import services
from documents.errors import DocumentError
from documents.models import Document, DocumentKind, RegisterCounter
from documents.services import register_number_take
from reviews.models import Decision, DecisionState
from tests.factories import OfficialFactory, OrganisationFactory, enrol

from .conftest import fill, pdf_text, run, sign_decision


def _decide(evaluation, level="httnv"):
    """Decided and signed (a notice is issued only from a signed decision)."""
    evaluation = fill(evaluation, status="published", final_level=level)
    Decision.objects.filter(evaluation=evaluation, state=DecisionState.SIGNED).update(
        state=DecisionState.REPLACED
    )
    sign_decision(evaluation, level=level)
    return evaluation


def _notice(evaluation, by, **kwargs):
    """The notice as issued (the explicit act, issue #14)."""
    return services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation, by=by, issue=True, **kwargs
    )


@pytest.mark.django_db
def test_notices_are_numbered_consecutively_per_issuer_year_and_type(cast):
    numbers = []
    for official in (cast.official_a, cast.official_b):
        evaluation = _decide(official.enrolments.get().evaluation)
        job = _notice(evaluation, cast.users["chair"])
        assert run(job) == "done", job.error
        numbers.append(job.document.number_text)
        assert f"Số: {job.document.number_text}" in pdf_text(job.document)
    assert numbers == ["01/TB-UBND", "02/TB-UBND"]
    # Another register (another type) starts at 01 of its own.
    with transaction.atomic():
        assert register_number_take(issuer=cast.cycle.authority, year=2026, type_code="BB") == 1
    other = OrganisationFactory()
    with transaction.atomic():
        assert register_number_take(issuer=other, year=2026, type_code="TB") == 1


@pytest.mark.django_db
def test_reissuing_a_notice_takes_a_new_number_and_cites_the_one_it_replaces(cast):
    evaluation = _decide(cast.official_a.enrolments.get().evaluation, "httnv")
    first = _notice(evaluation, cast.users["chair"])
    run(first)
    # Asking again with unchanged data is the same paper, same number: as an issue, and as a draft too.
    for again in (
        _notice(evaluation, cast.users["chair"]),
        services.document_request(kind=DocumentKind.NOTICE, evaluation=evaluation, by=cast.users["chair"]),
    ):
        assert run(again) == "same" and again.resolved.pk == first.pk
    # A new decision (domain.md §3.9: keep both, never overwrite) is a new notice that replaces the first.
    _decide(evaluation, "htnv")
    refused = _notice(evaluation, cast.users["chair"])
    assert run(refused) == "failed" and "sẽ thay thế văn bản số 01/TB-UBND" in refused.error
    second = _notice(evaluation, cast.users["chair"], reissue=True)
    run(second)
    assert second.document.number == 2 and second.document.replaces == first.document
    text = pdf_text(second.document)
    assert "Thay thế văn bản số 01/TB-UBND ngày" in text
    assert Document.objects.get(pk=first.document.pk).number == 1


@pytest.mark.django_db
def test_a_notice_needs_a_decision(cast):
    with pytest.raises(DocumentError, match="Chưa có quyết định xếp loại"):
        services.document_request(
            kind=DocumentKind.NOTICE,
            evaluation=cast.official_a.enrolments.get().evaluation,
            by=cast.users["chair"],
        )


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(cast, settings, tmp_path):
    evaluation = _decide(cast.official_a.enrolments.get().evaluation)
    job = _notice(evaluation, cast.users["chair"])
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    assert run(job) == "failed"
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    settings.MEDIA_ROOT = tmp_path / "media"
    services.document_job_retry(job=job, by=cast.users["chair"])
    run(job)
    assert job.document.number == 1


@pytest.mark.django_db(transaction=True)
def test_two_transactions_issuing_at_once_never_get_the_same_number():
    issuer = OrganisationFactory(name="UBND tỉnh Hòa Lâm", abbreviation="UBND")
    taken, errors = [], []
    start = threading.Barrier(8)

    def issue():
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    number = register_number_take(issuer=issuer, year=2027, type_code="BB")
                    # Hold the lock a moment, as a render would, so the others really queue behind it.
                    connection.cursor().execute("select pg_sleep(0.01)")
                    taken.append(number)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 41))
    assert RegisterCounter.objects.get(issuer=issuer, year=2027, type_code="BB").last_number == 40


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_does_not_burn_a_number():
    issuer = OrganisationFactory()
    with transaction.atomic():
        assert register_number_take(issuer=issuer, year=2027, type_code="TB") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        register_number_take(issuer=issuer, year=2027, type_code="TB")
        raise RuntimeError("render failed")
    with transaction.atomic():
        assert register_number_take(issuer=issuer, year=2027, type_code="TB") == 2


@pytest.mark.django_db(transaction=True)
def test_taking_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        register_number_take(issuer=OrganisationFactory(), year=2027, type_code="TB")


@pytest.mark.django_db
def test_the_database_refuses_a_second_document_with_the_same_number(cast):
    from django.db import IntegrityError

    evaluation = _decide(cast.official_a.enrolments.get().evaluation)
    job = _notice(evaluation, cast.users["chair"])
    run(job)
    other = _decide(enrol(cast.cycle, OfficialFactory()).evaluation)
    job_b = _notice(other, cast.users["chair"])
    run(job_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=job_b.document.pk).update(number=job.document.number)
