"""Tamper evidence (issue #16 item 5): each audit event is chained to the one before by SHA-256; `audit_verify`
names the first broken link and exits non-zero."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit.chain import GENESIS, link_hash, values_of
from audit.models import Action, AuditChainHead, AuditEvent
from audit.selectors import audit_chain_status
from audit.services import audit_record


def _record(n: int, **extra) -> AuditEvent:
    return audit_record(action=Action.LOGIN_FAILED, actor_name=f"user{n}", target=f"user{n}", **extra)


def _as_superuser_without_triggers(sql: str, params: list) -> None:
    """What the owner or a superuser can still do: set the append-only trigger aside and rewrite a row."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_or_delete")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_update_or_delete")


@pytest.mark.django_db
def test_each_event_is_chained_to_the_one_before():
    first = _record(
        1, ip="::ffff:10.1.2.3", after={"điểm": 85.0, "list": (1, 2), "nested": {"b": 1, "a": None}}
    )
    second = _record(2, before={"x": 0.1}, note="Ghi chú tiếng Việt")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.chain_hash == link_hash(GENESIS, values_of(first))
    assert second.chain_hash == link_hash(first.chain_hash, values_of(second))
    status = audit_chain_status()
    assert status.ok and status.length == 2 and status.head_hash == second.chain_hash
    head = AuditChainHead.objects.get()
    assert (head.last_hash, head.last_event_id, head.length) == (second.chain_hash, second.pk, 2)


@pytest.mark.django_db
def test_verify_is_green_on_an_untouched_chain(capsys):
    for n in range(5):
        _record(n)
    call_command("audit_verify")
    assert "OK: 5" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_rewritten_event_is_reported_as_the_first_broken_link():
    events = [_record(n) for n in range(5)]
    tampered = events[2]
    _as_superuser_without_triggers(
        "UPDATE audit_auditevent SET note = 'rewritten' WHERE id = %s", [tampered.pk]
    )
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    message = str(refused.value)
    tampered.refresh_from_db()
    expected = link_hash(events[1].chain_hash, values_of(tampered))
    assert f"id={tampered.pk}" in message and "sau 2 sự kiện" in message
    assert expected in message and tampered.chain_hash in message
    assert audit_chain_status().broken.event_id == tampered.pk


@pytest.mark.django_db
def test_a_rewritten_event_with_its_own_hash_recomputed_breaks_the_next_link():
    events = [_record(n) for n in range(4)]
    victim = events[1]
    victim.note = "rewritten"
    forged = link_hash(events[0].chain_hash, values_of(victim))
    _as_superuser_without_triggers(
        "UPDATE audit_auditevent SET note = 'rewritten', chain_hash = %s WHERE id = %s", [forged, victim.pk]
    )
    assert audit_chain_status().broken.event_id == events[2].pk


@pytest.mark.django_db
def test_a_deleted_event_breaks_the_link_of_the_next_one():
    events = [_record(n) for n in range(4)]
    _as_superuser_without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    broken = audit_chain_status().broken
    assert broken is not None and broken.event_id == events[2].pk


@pytest.mark.django_db
def test_deleting_the_last_events_shows_at_the_head():
    events = [_record(n) for n in range(3)]
    _as_superuser_without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    status = audit_chain_status()
    assert status.broken is None and status.head_mismatch and not status.ok
    with pytest.raises(CommandError, match="Đầu chuỗi"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_chain_one_after_the_other():
    start, errors = threading.Barrier(6), []

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(8):
                with transaction.atomic():
                    _record(worker * 100 + n)
                    # Hold the transaction open a moment, as a service does after its audit event.
                    connection.cursor().execute("SELECT pg_sleep(0.005)")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    status = audit_chain_status()
    assert status.ok and status.length == 48 == AuditEvent.objects.count()


@pytest.mark.django_db
def test_the_metrics_show_the_newest_hourly_walk_of_the_chain(client, settings):
    """Issue #16 item 8: unknown until the beat task walked the chain, then ok, then broken once a row is rewritten."""
    from django.urls import reverse

    from audit.tasks import audit_chain_check

    settings.PORTAL_METRICS_ALLOWED_IPS = ["127.0.0.1"]

    def state() -> str:
        text = client.get(reverse("metrics")).content.decode()
        return next(
            s for s in ("ok", "broken", "unknown") if f'portal_audit_chain_status{{state="{s}"}} 1.0' in text
        )

    events = [_record(n) for n in range(3)]
    assert state() == "unknown"
    assert audit_chain_check() is True
    assert state() == "ok"
    _as_superuser_without_triggers(
        "UPDATE audit_auditevent SET note = 'rewritten' WHERE id = %s", [events[1].pk]
    )
    assert audit_chain_check() is False
    assert state() == "broken"
