import pytest
from django.db import IntegrityError, transaction

from officials.models import Organisation, Role, RoleAssignment

from ..factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_unit_secretary_needs_an_organisation():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.UNIT_SECRETARY, organisation=None)


def test_other_roles_are_not_bound_to_an_organisation():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.CHAIR, organisation=OrganisationFactory())


def test_a_role_is_held_once():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.HOME_AFFAIRS)
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.HOME_AFFAIRS)


def test_a_secretary_may_serve_two_agencies_but_not_one_twice():
    user = UserFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    RoleAssignment.objects.create(user=user, role=Role.UNIT_SECRETARY, organisation=first)
    RoleAssignment.objects.create(user=user, role=Role.UNIT_SECRETARY, organisation=second)
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.UNIT_SECRETARY, organisation=first)


def test_an_unknown_role_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=UserFactory(), role="superhero")


def test_organisation_names_are_unique_under_one_parent():
    parent = OrganisationFactory()
    OrganisationFactory(name="Sở Tư pháp", parent=parent)
    OrganisationFactory(name="Sở Tư pháp", parent=OrganisationFactory())  # another province: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="Sở Tư pháp", parent=parent)


def test_an_organisation_needs_its_document_abbreviation():
    with pytest.raises(IntegrityError):
        Organisation.objects.create(name="Sở Không Tên", abbreviation="", kind="department")
