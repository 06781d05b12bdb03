"""Helpers for the document tests: filled-in forms of both regimes, and reading a PDF back."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from cycles.rulebooks import Framework
from cycles.selectors import self_assessment_form
from documents import services
from documents.models import DocumentJob
from reviews.models import Evaluation, EvaluationStatus
from tests.factories import CycleFactory, OfficialFactory, OrganisationFactory, enrol, open_self_assessment

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMITTED_AT = datetime(2026, 11, 5, 9, 30, tzinfo=TZ)


def fill(
    evaluation: Evaluation,
    *,
    text="Hoàn thành đúng hạn, có sản phẩm cụ thể.",
    status=EvaluationStatus.SUBMITTED,
    level="httnv",
    **extra,
):
    """Answer every line of the person's form (fixture data, written directly as the demo does)."""
    answers, total = {}, None
    for part in self_assessment_form(evaluation.enrolment):
        for criterion in part.criteria:
            entry = {"text": text}
            if criterion.max_points is not None:
                points = (criterion.max_points * Decimal("0.85")).quantize(Decimal("0.5"))
                entry["points"] = str(points)
                total = (total or Decimal(0)) + points
            answers[criterion.code] = entry
    Evaluation.objects.filter(pk=evaluation.pk).update(
        answers=answers,
        points_total=total,
        status=status,
        submitted_at=SUBMITTED_AT,
        self_proposed_level=level,
        **extra,
    )
    evaluation.refresh_from_db()
    return evaluation


def run(job: DocumentJob):
    """What the worker does with the job, in this process: claim, render for real, store."""
    outcome = services.document_job_run(job_id=job.pk)
    job.refresh_from_db()
    return outcome


def pdf_reader(document) -> PdfReader:
    with document.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(document) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(document).pages)


@pytest.fixture
def evaluation_a(cast):
    """official_a: a department director, công chức, Decree 335 points form (the 2026 cycle)."""
    return fill(cast.official_a.enrolments.get().evaluation)


@pytest.fixture
def decree_90_evaluation(db):
    """A 2023 cycle under Decree 90/48: a qualitative công chức leader's form."""
    province = OrganisationFactory(name="UBND tỉnh Hòa Lâm", abbreviation="UBND", kind="provincial_committee")
    cycle = CycleFactory(year=2023, framework=Framework.DECREE_90, authority=province)
    open_self_assessment(cycle)
    department = OrganisationFactory(name="Sở Tư pháp", abbreviation="STP", parent=province)
    official = OfficialFactory(
        full_name="Lê Thị Hồng Nhung", organisation=department, title="Giám đốc Sở Tư pháp"
    )
    enrolment = enrol(cycle, official)
    return fill(enrolment.evaluation)
