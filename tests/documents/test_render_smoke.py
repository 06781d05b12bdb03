from pathlib import Path

from documents import services
from documents.models import DocumentKind

from .conftest import run

ART = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_smoke(evaluation_a, decree_90_evaluation, cast):
    ART.mkdir(exist_ok=True)
    for name, evaluation in [("form-335", evaluation_a), ("form-90", decree_90_evaluation)]:
        job = services.document_request(
            kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=cast.users["home_affairs"]
        )
        assert run(job) == "done", job.error
        with job.document.pdf.open("rb") as f:
            (ART / f"{name}.pdf").write_bytes(f.read())
