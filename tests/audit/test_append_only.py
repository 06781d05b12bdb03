"""The audit trail cannot be rewritten: the database refuses UPDATE and DELETE, through the ORM or raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(cast):
    return audit_record(
        action=Action.PROPOSAL_SET,
        actor=cast.users["home_affairs"],
        before={"level": ""},
        after={"level": "httnv"},
    )


def test_an_event_records_who_acting_as_what_and_when_in_utc(event):
    assert event.actor_name == "home_affairs" and event.acting_as == "home_affairs"
    assert event.at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET note = 'rewritten' WHERE id = %s",
        'UPDATE audit_auditevent SET after = \'{"level": "htxsnv"}\' WHERE id = %s',
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_update_or_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.note == "" and event.after == {"level": "httnv"}


def test_the_orm_cannot_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_failed_logins_are_recorded(client, cast, password):
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-123"})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None and event.actor_name == "alice" and event.acting_as == "anonymous"


def test_refused_access_is_recorded(cast, login):
    client = login(cast.users["office_staff"])
    url = reverse("reviews:compilation", kwargs={"cycle_pk": cast.cycle.pk})
    assert client.get(url).status_code == 403
    event = AuditEvent.objects.get(action=Action.ACCESS_REFUSED)
    assert event.actor == cast.users["office_staff"] and url in event.target


def test_asking_for_someone_elses_file_is_a_plain_404_and_is_recorded(cast, login):
    client = login(cast.users["official_b"])
    evaluation = cast.official_a.enrolments.get().evaluation
    assert client.get(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk})).status_code == 404
    assert client.get(reverse("reviews:evaluation_detail", kwargs={"pk": 999_999})).status_code == 404
    (event,) = AuditEvent.objects.filter(action=Action.ACCESS_REFUSED)
    assert event.actor == cast.users["official_b"] and event.target == f"Evaluation {evaluation.pk}"


def test_proposals_and_cap_facts_leave_before_and_after(cast):
    from decimal import Decimal

    from reviews import services
    from tests.factories import submitted

    evaluation = submitted(
        cast.official_a.enrolments.get().evaluation, self_level="httnv", points=Decimal(80)
    )
    by = cast.users["home_affairs"]
    services.cap_facts_record(
        evaluation=evaluation, values={"months_worked": Decimal(12)}, version=None, by=by
    )
    services.proposal_set(evaluation=evaluation, level="httnv", by=by)
    services.proposal_set(evaluation=evaluation, level="htnv", reason="Chậm tiến độ", by=by)
    facts, first, second = AuditEvent.objects.filter(evaluation=evaluation).order_by("pk")
    assert facts.action == Action.CAP_FACTS_RECORDED and facts.after["months_worked"] == "12.0"
    assert (first.before["proposal"], first.after["proposal"]) == ("", "httnv")
    assert (second.before["proposal"], second.after["proposal"], second.after["reason"]) == (
        "httnv",
        "htnv",
        "Chậm tiến độ",
    )
