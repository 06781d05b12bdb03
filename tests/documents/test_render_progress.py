"""Issue #14 item 6: real progress during a render, and no write transaction held while WeasyPrint works (on the
embedded SQLite set-up that transaction locked the whole database, so the progress polls, which save the session,
failed with HTTP 400 after the 20 s timeout)."""

import pytest
from django.db import connection

from documents import services
from documents.models import DocumentKind, RegisterCounter

from .conftest import fill, run, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch):
    """What the render saw: the transaction depth while WeasyPrint ran, and the progress reported."""
    seen: dict = {"depth_at_start": None, "depth_in_render": [], "progress": []}
    real_run, real_pdf, real_report = (
        services._document_job_run,
        services.pdf_from_html,
        services._Heartbeat.report,
    )

    def job_run(*, job_id):
        seen["depth_at_start"] = len(connection.atomic_blocks)
        return real_run(job_id=job_id)

    def pdf_from_html(parts, **kwargs):
        seen["depth_in_render"].append(len(connection.atomic_blocks))
        return real_pdf(parts, **kwargs)

    def report(self, progress):
        seen["progress"].append(progress)
        return real_report(self, progress)

    monkeypatch.setattr(services, "_document_job_run", job_run)
    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)
    monkeypatch.setattr(services._Heartbeat, "report", report)
    return seen


def test_an_issued_paper_is_rendered_outside_any_transaction_and_numbered_after(cast, evaluation_a, spy):
    fill(evaluation_a, status="published", final_level="httnv")
    sign_decision(evaluation_a)
    job = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation_a, by=cast.users["chair"], issue=True
    )
    assert run(job) == "done", job.error
    # No transaction of the worker's own around the layout (the test's own outer ones aside).
    assert spy["depth_in_render"] == [spy["depth_at_start"]]
    assert job.document.number == 1
    assert RegisterCounter.objects.get().last_number == 1


def test_a_number_taken_meanwhile_is_not_printed_twice(cast, evaluation_a, spy, monkeypatch):
    """Another issue takes 01 while this paper is being laid out: this one is rendered again as 02."""
    fill(evaluation_a, status="published", final_level="httnv")
    sign_decision(evaluation_a)
    job = services.document_request(
        kind=DocumentKind.NOTICE, evaluation=evaluation_a, by=cast.users["chair"], issue=True
    )
    calls = {"n": 0}
    real = services.pdf_from_html

    def meanwhile(parts, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            from django.db import transaction

            with transaction.atomic():
                services.register_number_take(issuer=cast.cycle.authority, year=2026, type_code="TB")
        return real(parts, **kwargs)

    monkeypatch.setattr(services, "pdf_from_html", meanwhile)
    assert run(job) == "done", job.error
    assert calls["n"] == 2 and job.document.number == 2
    assert "Số: 02/TB-UBND" in job.document.data["number_line"]


def test_progress_is_reported_per_part_not_0_then_100(cast, compiled, spy):
    job = services.document_request(kind=DocumentKind.RATING_FORMS, cycle=cast.cycle, by=cast.users["chair"])
    assert run(job) == "done", job.error
    steps = spy["progress"]
    # 10 % once the data is ready, one step per person's form, 95 % once the PDF is written.
    assert steps[0] == 10 and steps[-1] == 95
    assert len(steps) == 2 + len(job.data["forms"]) and steps == sorted(steps)
    assert len(set(steps)) == len(steps)
