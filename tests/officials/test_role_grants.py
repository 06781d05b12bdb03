"""Separation of duties (issue #18 item 3)."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from officials.models import Role, RoleAssignment
from officials.services import OfficialsError, role_confirm, role_grant, role_revoke
from reviews import services
from reviews.errors import ReviewError
from tests.factories import UserFactory, submitted

pytestmark = pytest.mark.django_db


def _evaluation(cast):
    from decimal import Decimal as D

    return submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("86"))


def _decide(evaluation, by):
    return services.decision_record(
        evaluation=evaluation,
        level="httnv",
        not_rated=False,
        comments="Hoàn thành tốt.",
        outlook="",
        departure_reason="",
        version=evaluation.version,
        by=by,
    )


def test_an_administrator_who_grants_themselves_the_chair_role_cannot_decide(cast):
    admin = cast.users["administrator"]
    role_grant(user=admin, role=Role.CHAIR, by=admin)
    event = AuditEvent.objects.get(action=Action.ROLE_GRANTED, target="administrator: chair")
    assert event.actor_name == "administrator" and event.after["granted_by_id"] == admin.pk
    with pytest.raises(ReviewError, match="tự giao"):
        _decide(_evaluation(cast), admin)
    # Nobody can confirm a self-grant into effect: it stays refused.
    role_confirm(
        assignment=RoleAssignment.objects.get(user=admin, role=Role.CHAIR), by=cast.users["home_affairs"]
    )
    with pytest.raises(ReviewError, match="tự giao"):
        _decide(_evaluation(cast), admin)


def test_a_chair_granted_by_an_administrator_decides_only_after_a_second_person_confirms(cast):
    new_chair = UserFactory(username="new_chair")
    admin = cast.users["administrator"]
    assignment = role_grant(user=new_chair, role=Role.CHAIR, by=admin)
    evaluation = _evaluation(cast)
    with pytest.raises(ReviewError, match="người thứ hai"):
        _decide(evaluation, new_chair)
    with pytest.raises(OfficialsError):
        role_confirm(assignment=assignment, by=admin)  # the granter cannot confirm
    with pytest.raises(OfficialsError):
        role_confirm(assignment=assignment, by=cast.users["official_b"])  # nor someone without the standing
    role_confirm(assignment=assignment, by=cast.users["home_affairs"])
    assert AuditEvent.objects.filter(action=Action.ROLE_CONFIRMED, actor_name="home_affairs").exists()
    assert _decide(evaluation, new_chair).level == "httnv"


def test_revoking_a_role_is_audited_and_takes_admin_access_with_it(cast):
    admin = cast.users["administrator"]
    other_admin = UserFactory(username="other_admin")
    assignment = role_grant(user=other_admin, role=Role.ADMINISTRATOR, by=admin)
    other_admin.refresh_from_db()
    assert other_admin.is_superuser
    role_revoke(assignment=assignment, by=admin)
    other_admin.refresh_from_db()
    assert not other_admin.is_staff and not other_admin.is_superuser
    event = AuditEvent.objects.get(action=Action.ROLE_REVOKED)
    assert event.actor_name == "administrator" and event.target == "other_admin: administrator"


def test_role_changes_by_a_person_are_mailed_to_the_holder_and_home_affairs(
    cast, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from django.apps import apps

    from common.outbox import outbox_send

    cast.users["home_affairs"].email = "noivu@example.invalid"
    cast.users["home_affairs"].save()
    holder = UserFactory(username="holder", email="holder@example.invalid")
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: outbox_send(apps.get_model(label), pk))
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(user=holder, role=Role.OFFICE_STAFF, by=cast.users["administrator"])
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"holder@example.invalid", "noivu@example.invalid"}
    assert "Văn phòng UBND tỉnh" in mailoutbox[0].subject


def test_the_admin_grants_through_the_service_and_records_the_granter(cast, login):
    client = login(cast.users["administrator"])
    target = UserFactory(username="target")
    response = client.post(
        reverse("admin:officials_roleassignment_add"), {"user": target.pk, "role": "chair"}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.granted_by == cast.users["administrator"] and assignment.confirmed_by is None
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANTED, target="target: chair").exists()
    response = client.post(
        reverse("admin:officials_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.ROLE_REVOKED, target="target: chair").exists()


def test_the_administrator_cannot_set_another_persons_password(cast, login):
    client = login(cast.users["administrator"])
    chair = cast.users["chair"]
    url = reverse("admin:auth_user_password_change", args=[chair.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"password1": "mới-mật-khẩu-2026", "password2": "mới-mật-khẩu-2026"}).status_code
        == 403
    )
    chair.refresh_from_db()
    assert chair.check_password("mới-mật-khẩu-2026") is False


def test_an_account_created_in_the_admin_has_no_password_and_gets_an_invitation(cast, login, monkeypatch):
    from officials import admin as officials_admin

    invited = []
    monkeypatch.setattr(officials_admin, "account_invite", lambda *, user: invited.append(user.username))
    client = login(cast.users["administrator"])
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "moi", "first_name": "Mới", "last_name": "Người", "email": "moi@example.invalid"},
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="moi")
    assert not user.has_usable_password()
    assert invited == ["moi"]
