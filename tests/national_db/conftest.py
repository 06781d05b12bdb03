"""A signed-off cycle for the national database tests: both people decided and signed; official_a has a number."""

from decimal import Decimal as D

import pytest

from officials.services import identification_number_set
from reviews import services
from tests.factories import submitted

KNOWN_NUMBER = "000123456789"


@pytest.fixture
def export_dir(settings, tmp_path):
    settings.NATIONAL_DB_EXPORT_DIR = tmp_path / "national_db"
    return settings.NATIONAL_DB_EXPORT_DIR


@pytest.fixture
def signed(cast, export_dir):
    """Both people of the cast decided (a HTTNV, b HTNV) and signed off by the chair."""
    chair = cast.users["chair"]
    identification_number_set(official=cast.official_a, number=KNOWN_NUMBER, by=cast.users["home_affairs"])
    for official, level, points in ((cast.official_a, "httnv", D("85")), (cast.official_b, "htnv", D("60"))):
        evaluation = submitted(official.enrolments.get().evaluation, points=points)
        services.decision_record(
            evaluation=evaluation,
            level=level,
            comments="Hoàn thành nhiệm vụ được giao.",
            version=evaluation.version,
            by=chair,
        )
    services.cycle_sign_off(cycle=cast.cycle, signing_as="chair", signer_name="Chủ Tịch Thử", by=chair)
    return cast
