"""The sync log of issue #17: an entry per signed result with its deadline clock (Decree 27/2026 Art. 19; Decree
233/2026 Art. 18(1)(b)), the export read back and validated against its published JSON Schema, the warning on Home
Affairs' board, the manual upload flow, and a replaced decision sent again."""

import json
from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from cycles.models import PhaseKind
from national_db.adapters import SCHEMA_PATH, JsonFileAdapter
from national_db.deadlines import Urgency, sync_deadline, urgency
from national_db.models import SyncEntry, SyncState
from national_db.selectors import deadline_warnings
from national_db.services import (
    SyncError,
    sync_entries_reconcile,
    sync_entry_acknowledge,
    sync_entry_fail,
    sync_entry_resend,
    sync_send_pending,
)
from reviews import services
from reviews.models import Decision, DecisionState
from tests.factories import open_phase

from .conftest import KNOWN_NUMBER

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA = json.loads(SCHEMA_PATH.read_text())


def validate(document):
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())


def entry_of(official):
    return SyncEntry.objects.exclude(state=SyncState.SUPERSEDED).get(evaluation__enrolment__official=official)


# --- The deadline clock --------------------------------------------------------------------------


def test_a_civil_servants_clock_runs_one_day_from_the_signing_by_default():
    signed_at = datetime(2026, 12, 14, 16, 0, tzinfo=HANOI)
    deadline = sync_deadline(signed_at, "cong_chuc")
    assert deadline.due_at == signed_at + timedelta(days=1)
    assert "27/2026" in deadline.rule and "Điều 19" in deadline.rule


def test_the_other_reading_counts_three_working_days_and_a_public_employee_takes_the_earlier_rule(settings):
    settings.NATIONAL_DB_SYNC_DAYS = 3
    settings.NATIONAL_DB_SYNC_WORKING_DAYS = True
    friday = datetime(2026, 12, 11, 16, 0, tzinfo=HANOI)
    civil_servant = sync_deadline(friday, "cong_chuc")
    assert civil_servant.due_at == datetime(2026, 12, 16, 16, 0, tzinfo=HANOI)  # Mon, Tue, Wed
    public_employee = sync_deadline(friday, "vien_chuc")
    assert public_employee.due_at == civil_servant.due_at  # Wed 16th before Decree 233's five days (Wed 16th)
    settings.NATIONAL_DB_SYNC_DAYS = 5
    later = sync_deadline(friday, "vien_chuc")
    assert later.due_at == friday + timedelta(days=5)
    assert "233/2026" in later.rule and "Điều 18" in later.rule


def test_urgency_is_near_within_the_warning_hours_and_past_after_the_deadline(settings):
    settings.NATIONAL_DB_WARNING_HOURS = 24
    now = datetime(2026, 12, 15, 9, 0, tzinfo=HANOI)
    assert urgency(now + timedelta(hours=30), now) == Urgency.NONE
    assert urgency(now + timedelta(hours=23), now) == Urgency.NEAR
    assert urgency(now - timedelta(minutes=1), now) == Urgency.PAST


# --- Entries for signed results --------------------------------------------------------------------


def test_every_signed_result_gets_one_pending_entry_clocked_from_its_signing(signed):
    assert sync_entries_reconcile(cycle=signed.cycle) == 2
    assert sync_entries_reconcile(cycle=signed.cycle) == 0  # idempotent
    entry = entry_of(signed.official_a)
    decision = Decision.objects.in_force().get(evaluation=entry.evaluation)
    assert entry.state == SyncState.PENDING and entry.decision == decision
    assert entry.due_at == decision.signed_at + timedelta(days=1)


def test_sending_writes_a_json_file_valid_against_the_schema_and_fails_a_person_without_a_number(
    signed, export_dir
):
    sync_entries_reconcile(cycle=signed.cycle)
    assert sync_send_pending(cycle=signed.cycle) == 1
    a, b = entry_of(signed.official_a), entry_of(signed.official_b)
    assert (a.state, a.attempts) == (SyncState.SENT, 1) and a.sent_at is not None
    assert b.state == SyncState.FAILED and "số định danh" in b.failure_reason
    (path,) = export_dir.iterdir()
    assert a.reference == path.name
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    document = json.loads(path.read_text())
    validate(document)
    (record,) = document["records"]
    assert record["identification_number"] == KNOWN_NUMBER
    assert record["full_name"] == "Nguyễn Thị An" and record["year"] == signed.cycle.year
    assert record["result"] == {
        "not_rated": False,
        "level": "httnv",
        "level_name": "Hoàn thành tốt nhiệm vụ",
        "not_rated_reason": None,
    }
    assert record["decision"]["signer"] == "Chủ Tịch Thử"
    assert record["decision"]["date"] == timezone.localdate(a.decision.signed_at).isoformat()
    assert record["replaces_entry_id"] is None
    audit = AuditEvent.objects.get(action=Action.NATIONAL_DB_SENT)
    assert audit.after["sent"] == [a.pk] and audit.after["failed"] == [b.pk]
    # Nothing pending is left: a second run sends nothing twice.
    assert sync_send_pending(cycle=signed.cycle) == 0


def test_the_schema_refuses_a_record_that_is_not_twelve_digits(signed, export_dir):
    sync_entries_reconcile(cycle=signed.cycle)
    sync_send_pending(cycle=signed.cycle)
    document = json.loads(next(export_dir.iterdir()).read_text())
    document["records"][0]["identification_number"] = "12345678901"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_the_downloads_carry_the_cycles_results_and_are_audited(signed, login):
    sync_entries_reconcile(cycle=signed.cycle)
    client = login(signed.users["home_affairs"])
    response = client.get(reverse("national_db:export_json", kwargs={"cycle_pk": signed.cycle.pk}))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    validate(document)
    assert [record["identification_number"] for record in document["records"]] == [KNOWN_NUMBER]
    response = client.get(reverse("national_db:export_xlsx", kwargs={"cycle_pk": signed.cycle.pk}))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số định danh cá nhân"
    assert rows[1][0] == KNOWN_NUMBER and rows[1][1] == "Nguyễn Thị An"  # text: the leading zeros are kept
    formats = [
        event.after["format"] for event in AuditEvent.objects.filter(action=Action.NATIONAL_DB_EXPORTED)
    ]
    assert sorted(formats) == ["json", "xlsx"]


def test_the_manual_upload_flow_acknowledges_fails_with_a_reason_and_sends_again(signed):
    home_affairs = signed.users["home_affairs"]
    sync_entries_reconcile(cycle=signed.cycle)
    sync_send_pending(cycle=signed.cycle)
    entry = entry_of(signed.official_a)
    with pytest.raises(SyncError):
        sync_entry_fail(entry=entry, reason="  ", by=home_affairs)
    failed = sync_entry_fail(
        entry=entry, reason="Hệ thống quốc gia báo sai định dạng ngày sinh.", by=home_affairs
    )
    assert failed.state == SyncState.FAILED and failed.failure_reason.startswith("Hệ thống quốc gia")
    with pytest.raises(SyncError):
        sync_entry_acknowledge(entry=failed, by=home_affairs)
    again = sync_entry_resend(entry=failed, by=home_affairs)
    assert again.state == SyncState.PENDING
    sync_send_pending(cycle=signed.cycle)
    again.refresh_from_db()
    assert (again.state, again.attempts) == (SyncState.SENT, 2)
    acknowledged = sync_entry_acknowledge(entry=again, by=home_affairs)
    assert acknowledged.state == SyncState.ACKNOWLEDGED and acknowledged.acknowledged_at is not None
    actions = list(AuditEvent.objects.filter(evaluation=entry.evaluation).values_list("action", flat=True))
    assert {Action.NATIONAL_DB_FAILED, Action.NATIONAL_DB_RESENT, Action.NATIONAL_DB_ACKNOWLEDGED} <= set(
        actions
    )


def test_only_home_affairs_marks_entries(signed):
    sync_entries_reconcile(cycle=signed.cycle)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sync_entry_resend(entry=entry_of(signed.official_a), by=signed.users["chair"])


def test_a_replaced_decision_is_sent_again_and_the_old_entry_is_superseded(
    signed, export_dir, django_capture_on_commit_callbacks
):
    sync_entries_reconcile(cycle=signed.cycle)
    sync_send_pending(cycle=signed.cycle)
    old = entry_of(signed.official_a)
    sync_entry_acknowledge(entry=old, by=signed.users["home_affairs"])
    open_phase(signed.cycle, PhaseKind.OBJECTIONS)
    evaluation = old.evaluation
    with django_capture_on_commit_callbacks(execute=True):
        new_decision = services.decision_replace(
            evaluation=evaluation,
            level="htnv",
            reason="Phát hiện kê khai không trung thực (Kết luận thanh tra số 12/KL-TTr).",
            signing_as="chair",
            signer_name="Chủ Tịch Thử",
            by=signed.users["chair"],
        )
    old.refresh_from_db()
    new = entry_of(signed.official_a)
    assert old.state == SyncState.SUPERSEDED and old.superseded_by == new
    assert new.state == SyncState.PENDING and new.decision == new_decision
    assert new.due_at == new_decision.signed_at + timedelta(days=1)
    assert Decision.objects.get(pk=old.decision_id).state == DecisionState.REPLACED
    assert AuditEvent.objects.filter(action=Action.NATIONAL_DB_RESENT, evaluation=evaluation).exists()
    for path in export_dir.iterdir():
        path.unlink()
    sync_send_pending(cycle=signed.cycle)
    (path,) = export_dir.iterdir()
    document = json.loads(path.read_text())
    validate(document)
    (record,) = document["records"]
    assert record["result"]["level"] == "htnv" and record["replaces_entry_id"] == old.pk


def test_the_command_runs_the_adapter_for_pending_entries(signed, export_dir, capsys):
    call_command("national_db_export")
    assert "created=2 sent=1" in capsys.readouterr().out
    assert len(list(export_dir.iterdir())) == 1


def test_a_custom_adapter_slots_in(signed, tmp_path):
    """The adapter is an interface: any object with `send(records)` takes the default's place."""
    sync_entries_reconcile(cycle=signed.cycle)

    class Refusing(JsonFileAdapter):
        name = "refusing"

        def send(self, records):
            outcome = super().send(records)
            outcome.refused = {records[0].entry_id: "Mã lỗi 42: trùng hồ sơ"}
            return outcome

    assert sync_send_pending(cycle=signed.cycle, adapter=Refusing(directory=tmp_path)) == 0
    assert entry_of(signed.official_a).failure_reason == "Mã lỗi 42: trùng hồ sơ"


# --- The warning on Home Affairs' board ------------------------------------------------------------


def test_the_board_warns_when_a_deadline_is_near_or_past(signed, login, settings):
    settings.NATIONAL_DB_WARNING_HOURS = 24
    sync_entries_reconcile(cycle=signed.cycle)
    now = timezone.now()
    SyncEntry.objects.filter(evaluation__enrolment__official=signed.official_a).update(
        due_at=now - timedelta(hours=1)
    )
    SyncEntry.objects.filter(evaluation__enrolment__official=signed.official_b).update(
        due_at=now + timedelta(hours=5)
    )
    (warning,) = deadline_warnings(now)
    assert (warning.cycle, warning.near, warning.past) == (signed.cycle, 1, 1)
    # A day later both are past; once acknowledged, no warning.
    (later,) = deadline_warnings(now + timedelta(days=1))
    assert (later.near, later.past) == (0, 2)
    page = login(signed.users["home_affairs"]).get(reverse("home")).content.decode()
    assert 'data-testid="sync-warning"' in page
    assert "1 kết quả đã quá hạn đồng bộ" in page and "1 kết quả sắp đến hạn" in page
    sync_list = login(signed.users["home_affairs"]).get(
        reverse("national_db:sync_list", kwargs={"cycle_pk": signed.cycle.pk})
    )
    assert 'data-urgency="past"' in sync_list.content.decode()
    SyncEntry.objects.update(state=SyncState.ACKNOWLEDGED)
    assert deadline_warnings(now) == []
    page = login(signed.users["home_affairs"]).get(reverse("home")).content.decode()
    assert 'data-testid="sync-warning"' not in page


def test_the_sync_list_filters_by_state_and_counts(signed, login):
    sync_entries_reconcile(cycle=signed.cycle)
    client = login(signed.users["home_affairs"])
    client.post(reverse("national_db:sync_send", kwargs={"cycle_pk": signed.cycle.pk}))
    url = reverse("national_db:sync_list", kwargs={"cycle_pk": signed.cycle.pk})
    response = client.get(url, {"state": "failed"})
    rows = response.content.decode().count('data-testid="sync-row"')
    assert rows == 1 and 'data-state="failed"' in response.content.decode()
    assert response.context["counts"][1][2] == 1  # sent: 1


def _signed_people(cycle, count, home_affairs):
    """`count` more people with a signed decision and a number, their entries registered (fixture rows)."""
    from officials.services import identification_number_set
    from tests.factories import OfficialFactory, enrol

    start = cycle.enrolments.count()
    for index in range(count):
        official = OfficialFactory()
        evaluation = enrol(cycle, official).evaluation
        identification_number_set(official=official, number=f"000{start + index:09d}", by=home_affairs)
        Decision.objects.create(
            evaluation=evaluation,
            level="httnv",
            comments="Hoàn thành tốt nhiệm vụ.",
            state=DecisionState.SIGNED,
            signing_as="chair",
            signer_name="Chủ Tịch Thử",
            signed_at=timezone.now(),
        )
    sync_entries_reconcile(cycle=cycle)


@pytest.mark.parametrize(
    "page", ["national_db:sync_list", "national_db:export_json", "national_db:export_xlsx"]
)
def test_the_sync_pages_cost_the_same_queries_for_5_or_40_people(cast, login, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.users["home_affairs"])
    url = reverse(page, kwargs={"cycle_pk": cast.cycle.pk})
    counts = []
    for more in (5, 35):
        _signed_people(cast.cycle, more, cast.users["home_affairs"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_board_warning_costs_one_query(signed, django_assert_num_queries):
    sync_entries_reconcile(cycle=signed.cycle)
    with django_assert_num_queries(1):
        deadline_warnings(timezone.now() + timedelta(days=2))


def test_the_pages_mark_failed_with_a_reason_send_again_and_acknowledge(signed, login):
    sync_entries_reconcile(cycle=signed.cycle)
    client = login(signed.users["home_affairs"])
    client.post(reverse("national_db:sync_send", kwargs={"cycle_pk": signed.cycle.pk}))
    entry = entry_of(signed.official_a)
    url = reverse("national_db:entry_fail", kwargs={"pk": entry.pk})
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Hãy ghi lý do gửi lỗi." in response.content.decode()
    assert entry_of(signed.official_a).state == SyncState.SENT
    client.post(url, {"reason": "Tệp bị từ chối: sai mã đơn vị."})
    assert entry_of(signed.official_a).failure_reason == "Tệp bị từ chối: sai mã đơn vị."
    client.post(reverse("national_db:entry_resend", kwargs={"pk": entry.pk}))
    client.post(reverse("national_db:sync_send", kwargs={"cycle_pk": signed.cycle.pk}))
    response = client.post(reverse("national_db:entry_acknowledge", kwargs={"pk": entry.pk}), follow=True)
    assert "đã nhận kết quả của Nguyễn Thị An" in response.content.decode()
    assert entry_of(signed.official_a).state == SyncState.ACKNOWLEDGED
