"""The personal identification number (issue #17): 12 digits, encrypted at rest, shown in full only to Home Affairs
and the person, masked in Home Affairs' lists, and never in another role's page, the audit trail, the logs or the
admin."""

import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.models import Action, AuditEvent
from national_db.services import sync_entries_reconcile, sync_send_pending
from officials.models import Official
from officials.services import OfficialsError, identification_number_set
from tests.test_access_matrix import MATRIX

from .conftest import KNOWN_NUMBER

pytestmark = pytest.mark.django_db
LAST_FOUR = KNOWN_NUMBER[-4:]


def set_number(cast, number=KNOWN_NUMBER, official=None):
    return identification_number_set(
        official=official or cast.official_a, number=number, by=cast.users["home_affairs"]
    )


def raw_column(official):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identification_number, identification_index FROM officials_official WHERE id = %s",
            [official.pk],
        )
        return cursor.fetchone()


@pytest.mark.parametrize(
    "typed", ["12345678901", "1234567890123", "00012345678a", "０００１２３４５６７８９"]
)
def test_anything_but_twelve_digits_is_refused_in_vietnamese(cast, typed):
    with pytest.raises(OfficialsError, match="phải gồm đúng 12 chữ số"):
        set_number(cast, typed)
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == ""


def test_spaces_and_dots_between_groups_are_dropped(cast):
    set_number(cast, "000 123.456 789")
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == KNOWN_NUMBER


def test_the_page_refuses_a_bad_number_with_the_message_and_keeps_the_old_one(cast, login):
    set_number(cast)
    client = login(cast.users["home_affairs"])
    url = reverse("officials:identification_number_edit", kwargs={"pk": cast.official_a.pk})
    response = client.post(url, {"identification_number": "98765"})
    assert response.status_code == 200
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số" in response.content.decode()
    assert 'value="98765"' in response.content.decode()  # nothing lost: the typing is kept to correct
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == KNOWN_NUMBER
    response = client.post(url, {"identification_number": "000 999 888 777"})
    assert response.status_code == 302
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == "000999888777"


def test_two_people_cannot_share_a_number(cast):
    set_number(cast)
    with pytest.raises(OfficialsError, match="đã được ghi cho một người khác"):
        set_number(cast, official=cast.official_b)


def test_the_database_holds_ciphertext_only(cast):
    set_number(cast)
    token, index = raw_column(cast.official_a)
    assert KNOWN_NUMBER not in token and LAST_FOUR not in token and KNOWN_NUMBER not in index
    assert not any(run in token for run in ("0001", "2345", "6789"))
    assert (
        Fernet(b"dGVzdC1vbmx5LW5vdC1zZWNyZXQta2V5LTAwMDAwMDA=").decrypt(token.encode()).decode()
        == KNOWN_NUMBER
    )
    # The same number encrypted twice gives two tokens (nothing to compare across rows but the keyed index).
    set_number(cast, "")
    set_number(cast)
    assert raw_column(cast.official_a)[0] != token and raw_column(cast.official_a)[1] == index


def test_rotation_reencrypts_with_the_newest_key(cast, settings):
    set_number(cast)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert (
        Official.objects.get(pk=cast.official_a.pk).identification_number == KNOWN_NUMBER
    )  # old key still opens
    call_command("field_keys_rotate")
    token, _index = raw_column(cast.official_a)
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == KNOWN_NUMBER
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == KNOWN_NUMBER


def test_the_audit_trail_says_it_changed_and_never_what_it_is(cast):
    set_number(cast)
    set_number(cast, "000999888777")
    set_number(cast, "")
    events = AuditEvent.objects.filter(action=Action.IDENTIFICATION_NUMBER_SET).order_by("pk")
    assert [event.after["identification_number"] for event in events] == ["set", "changed", "cleared"]
    dumped = json.dumps([[e.target, e.before, e.after, e.note] for e in AuditEvent.objects.all()])
    for secret in (KNOWN_NUMBER, LAST_FOUR, "000999888777", "8777"):
        assert secret not in dumped


def test_home_affairs_and_the_person_see_it_the_list_masks_it(cast, login):
    set_number(cast)
    detail = login(cast.users["home_affairs"]).get(
        reverse("officials:official_detail", kwargs={"pk": cast.official_a.pk})
    )
    assert KNOWN_NUMBER in detail.content.decode()
    listing = login(cast.users["home_affairs"]).get(reverse("officials:official_list")).content.decode()
    assert KNOWN_NUMBER not in listing and "••••••••" + LAST_FOUR in listing
    assert KNOWN_NUMBER in login(cast.users["official_a"]).get(reverse("home")).content.decode()


def test_the_number_is_absent_from_every_page_of_those_who_must_not_see_it(cast, client):
    """Walk every GET URL of the access matrix as every role but Home Affairs and the person themself."""
    set_number(cast)
    personas = [
        "anonymous",
        "official_b",
        "unit_secretary",
        "chair",
        "office_staff",
        "administrator",
        "outsider",
    ]
    walked = 0
    for name, (method, kwargs_of, _expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        url = reverse(name, kwargs=kwargs_of(cast))
        for persona in personas:
            client.logout()
            if persona != "anonymous":
                client.force_login(cast.users[persona], backend="django.contrib.auth.backends.ModelBackend")
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert KNOWN_NUMBER.encode() not in body, f"{name} as {persona}"
            walked += 1
    assert walked > 300


@pytest.mark.parametrize("page", ["admin:officials_official_changelist", "admin:officials_official_change"])
def test_the_admin_neither_lists_nor_edits_it(cast, login, page):
    set_number(cast)
    kwargs = {"object_id": cast.official_a.pk} if page.endswith("change") else {}
    response = login(cast.users["administrator"]).get(reverse(page, kwargs=kwargs))
    assert response.status_code == 200
    assert KNOWN_NUMBER not in response.content.decode() and "••••" not in response.content.decode()


def test_the_logs_never_hold_it(signed, login, caplog):
    """Through setting it (valid and not), the pages, the export and a send: no log line carries the number."""
    caplog.set_level(logging.DEBUG)
    client = login(signed.users["home_affairs"])
    url = reverse("officials:identification_number_edit", kwargs={"pk": signed.official_b.pk})
    client.post(url, {"identification_number": "000555666777"})
    client.post(url, {"identification_number": "0005556667"})
    client.post(url, {"identification_number": KNOWN_NUMBER})  # someone else's: refused
    client.get(reverse("officials:official_detail", kwargs={"pk": signed.official_a.pk}))
    sync_entries_reconcile(cycle=signed.cycle)
    sync_send_pending(cycle=signed.cycle)
    client.get(reverse("national_db:export_json", kwargs={"cycle_pk": signed.cycle.pk}))
    client.get(reverse("national_db:sync_list", kwargs={"cycle_pk": signed.cycle.pk}))
    assert caplog.records  # the logging was on and caught something
    for secret in (KNOWN_NUMBER, "000555666777", "0005556667"):
        assert secret not in caplog.text


def test_the_number_is_never_in_a_url(signed, login):
    sync_entries_reconcile(cycle=signed.cycle)
    client = login(signed.users["home_affairs"])
    for page in (
        reverse("officials:official_list"),
        reverse("officials:official_detail", kwargs={"pk": signed.official_a.pk}),
        reverse("national_db:sync_list", kwargs={"cycle_pk": signed.cycle.pk}),
    ):
        body = client.get(page).content.decode()
        for attribute in ('href="', 'action="'):
            for chunk in body.split(attribute)[1:]:
                assert KNOWN_NUMBER not in chunk.split('"', 1)[0]


# --- The workbook import, where Home Affairs keeps the list of officials ---------------------------


def _filled(client, numbers):
    """The portal's template with `numbers` ({official pk: cell value}) typed into the number column."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheet_bytes = client.get(reverse("officials:identification_template")).content
    workbook = load_workbook(BytesIO(sheet_bytes))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in numbers:
            row[4].value = numbers[row[0].value]
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "so-dinh-danh.xlsx"
    return buffer


def test_the_template_lists_the_officials_without_their_numbers(cast, login):
    set_number(cast)
    client = login(cast.users["home_affairs"])
    response = client.get(reverse("officials:identification_template"))
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][4] == "Số định danh cá nhân"
    assert {row[1] for row in rows[1:]} == {"Nguyễn Thị An", "Trần Văn Bình"}
    assert all(row[4] is None for row in rows[1:])


def test_an_import_records_every_number_and_audits_each_person(cast, login):
    client = login(cast.users["home_affairs"])
    upload = _filled(client, {cast.official_a.pk: "000 123 456 789", cast.official_b.pk: "000111222333"})
    response = client.post(reverse("officials:identification_import"), {"file": upload})
    assert response.status_code == 302
    assert Official.objects.get(pk=cast.official_a.pk).identification_number == KNOWN_NUMBER
    assert Official.objects.get(pk=cast.official_b.pk).identification_number == "000111222333"
    assert AuditEvent.objects.filter(action=Action.IDENTIFICATION_NUMBER_SET).count() == 2


def test_one_bad_row_imports_nothing_and_says_which_row_without_repeating_the_digits(cast, login):
    client = login(cast.users["home_affairs"])
    upload = _filled(client, {cast.official_a.pk: KNOWN_NUMBER, cast.official_b.pk: 123456789})
    response = client.post(reverse("officials:identification_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in page
    assert "phải gồm đúng 12 chữ số" in page and "các số 0 ở đầu bị mất" in page
    assert "123456789" not in page and KNOWN_NUMBER not in page
    assert not Official.objects.exclude(identification_number="").exists()
    upload = _filled(client, {cast.official_a.pk: KNOWN_NUMBER, cast.official_b.pk: KNOWN_NUMBER})
    page = client.post(reverse("officials:identification_import"), {"file": upload}).content.decode()
    assert "Trùng số với dòng" in page
    assert not Official.objects.exclude(identification_number="").exists()
