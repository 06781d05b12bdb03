"""The beat task through the real Redis broker to a real Celery worker: every signed result gets its entry and the
pending ones are written by the default adapter; delivered twice, it sends nothing twice."""

import json
import time

import pytest

from national_db.models import SyncEntry, SyncState
from national_db.tasks import national_db_sync

from .conftest import KNOWN_NUMBER

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(condition, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout} s")


def test_the_worker_registers_and_sends_the_signed_results_once(start_worker, signed, tmp_path):
    export_dir = tmp_path / "worker-export"
    start_worker("natdb", NATIONAL_DB_EXPORT_DIR=str(export_dir))
    national_db_sync.delay()
    national_db_sync.delay()  # a duplicate delivery (beat and an impatient operator)
    _wait(
        lambda: SyncEntry.objects.filter(state=SyncState.SENT).count() == 1,
        "official_a's result was not sent",
    )
    _wait(
        lambda: SyncEntry.objects.filter(state=SyncState.FAILED).count() == 1,
        "official_b (no number) not failed",
    )
    time.sleep(3)  # let the duplicate run to its end
    (path,) = export_dir.iterdir()
    records = json.loads(path.read_text())["records"]
    assert [record["identification_number"] for record in records] == [KNOWN_NUMBER]
    assert SyncEntry.objects.get(state=SyncState.SENT).attempts == 1
