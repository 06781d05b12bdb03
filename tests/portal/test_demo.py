"""The demo province that `make run` loads: the cohort of domain.md §1 and two cycles under two laws."""

import math
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cycles.models import Cycle, CycleStatus, Enrolment
from portal.demo import DEMO_PASSWORD
from reviews.models import Evaluation, EvaluationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", "--without-papers", stdout=StringIO())


def test_the_demo_cohort_is_the_41_people_of_the_2023_conference(demo):
    cycle_2023 = Cycle.objects.get(year=2023)
    groups = Counter(Enrolment.objects.filter(cycle=cycle_2023).values_list("peer_group__code", flat=True))
    assert groups == {
        "vice_chairs": 3,
        "directors": 20,
        "public_service_unit_heads": 5,
        "district_chairs": 11,
        "other_heads": 2,
    }
    assert cycle_2023.framework == "decree_90_48" and cycle_2023.status == CycleStatus.CLOSED
    assert set(Enrolment.objects.filter(cycle=cycle_2023).values_list("rulebook_code", flat=True)) == {
        "decree_90"
    }


def test_the_2026_cycle_is_open_under_the_new_decrees_with_communes_instead_of_districts(demo):
    cycle_2026 = Cycle.objects.get(year=2026)
    assert cycle_2026.status == CycleStatus.IN_PROGRESS
    enrolments = Enrolment.objects.filter(cycle=cycle_2026)
    assert enrolments.count() == 41
    assert not enrolments.filter(peer_group__code="district_chairs").exists()
    assert enrolments.filter(peer_group__code="commune_chairs").count() == 11
    assert set(enrolments.values_list("rulebook_code", flat=True)) == {
        "decree_335",
        "decree_233",
        "regulation_366",
    }
    # The 2023 snapshot still says "huyện" for the same people.
    moved = enrolments.filter(peer_group__code="commune_chairs").first().official
    assert moved.enrolments.get(cycle__year=2023).title.startswith("Chủ tịch UBND huyện")


def test_the_2023_results_respect_the_quota_in_every_group(demo):
    # Decree 90 Art. 2(6) as amended by 48/2023: HTXSNV ≤ 20% of those at HTTNV, per peer group (rounded down).
    levels = Counter(
        Evaluation.objects.filter(enrolment__cycle__year=2023).values_list(
            "enrolment__peer_group__code", "final_level"
        )
    )
    groups = {group for group, _level in levels}
    for group in groups:
        assert levels[(group, "htxsnv")] <= math.floor(0.2 * levels[(group, "httnv")]), group
    assert (
        Evaluation.objects.filter(enrolment__cycle__year=2023)
        .exclude(status=EvaluationStatus.PUBLISHED)
        .count()
        == 0
    )


def test_there_is_one_login_per_role_and_loading_twice_changes_nothing(demo, client):
    users = get_user_model().objects
    assert set(users.values_list("username", flat=True)) == {
        "canbo",
        "canbo2",
        "noivu",
        "thuky",
        "chutich",
        "vanphong",
        "quantri",
        "phochutich",
        "phochutich2",
        "phochutich3",
    }
    call_command("load_demo", stdout=StringIO())
    assert Enrolment.objects.count() == 82
    response = client.post(reverse("login"), {"username": "canbo", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")


def test_the_2026_demo_is_part_way_through_compilation(demo):
    from reviews.models import CommentMeeting, PartyOpinion
    from reviews.selectors import LevelSource, cohort_standing

    cycle_2026 = Cycle.objects.get(year=2026)
    standing = cohort_standing(cycle_2026, LevelSource.PROPOSED)
    assert CommentMeeting.objects.filter(evaluation__enrolment__cycle=cycle_2026).exists()
    assert PartyOpinion.objects.filter(evaluation__enrolment__cycle=cycle_2026).exists()
    assert any(row.caps.not_rated and row.evaluation.proposed_not_rated for row in standing.rows)
    # Every demo proposal respects its cap; one group is over its quota for the meter to show.
    assert standing.above_cap == []
    assert [group.name for group in standing.over_quota] == ["Giám đốc sở và tương đương"]
    # The two demo officials can still edit their own forms.
    for username in ("canbo", "canbo2"):
        evaluation = Evaluation.objects.get(
            enrolment__cycle=cycle_2026, enrolment__official__user__username=username
        )
        assert evaluation.status in (
            EvaluationStatus.NOT_STARTED,
            EvaluationStatus.DRAFT,
            EvaluationStatus.SUBMITTED,
        )


def test_the_2026_demo_is_tracked_quarterly_and_the_years_scores_come_from_the_periods(demo):
    """Issue #12: Q1–Q3 confirmed for most, a few late, one on maternity leave, one transferred in, Q4 open."""
    from reviews.selectors import LevelSource, ScoreSource, cohort_standing, counted_score
    from tracking.models import PeriodRecord, PeriodStatus, TrackingPeriod
    from tracking.selectors import annual_scores

    cycle_2026 = Cycle.objects.get(year=2026)
    assert TrackingPeriod.objects.filter(cycle=cycle_2026).count() == 4
    scores = annual_scores(cycle_2026)
    assert len(scores) == 41
    assert sum(1 for year in scores.values() if year.missing) == 3  # late with Q3
    assert sum(1 for year in scores.values() if year.not_worked) == 1  # maternity leave in Q2
    assert PeriodRecord.objects.filter(enrolment__cycle=cycle_2026).exclude(carried_from="").count() == 2
    assert all(year.pending == ("Quý IV/2026",) for year in scores.values())
    assert not PeriodRecord.objects.filter(period__number=4).exclude(status=PeriodStatus.DRAFT).exists()
    standing = cohort_standing(cycle_2026, LevelSource.PROPOSED)
    proposed = [row for row in standing.rows if row.evaluation.proposed_level]
    assert proposed and all(counted_score(row.evaluation).source == ScoreSource.PERIODS for row in proposed)
    # The demo official sent their own quarters; the tracker changed one line with its reason.
    canbo = PeriodRecord.objects.filter(enrolment__official__user__username="canbo", period__number=2).get()
    (confirmation,) = canbo.confirmations.all()
    assert canbo.self_values["timeliness"] != confirmation.values["timeliness"] and confirmation.reasons


def test_the_demo_shows_the_2023_conference_set_issued_and_the_2026_set_as_drafts():
    """Issue #14 item 8: the finished cycle's papers are issued on their 2023 days, each in its 2023 register and each
    citing the one before it; the open cycle's are drafts without numbers."""
    from documents.models import Document, DocumentKind

    from ..documents.conftest import pdf_text

    call_command("load_demo", stdout=StringIO())
    issued = {
        d.kind: d for d in Document.objects.filter(cycle__year=2023, is_draft=False).select_related("issuer")
    }
    assert {kind: (d.number_text, d.issued_on) for kind, d in issued.items()} == {
        DocumentKind.INVITATION: ("01/GM-UBND", date(2023, 12, 4)),
        DocumentKind.ATTENDANCE_LIST: ("01/DS-UBND", date(2023, 12, 4)),
        DocumentKind.SUBMISSION: ("01/TTr-SNV", date(2023, 12, 13)),
        DocumentKind.RESULTS_DECISION: ("01/QĐ-UBND", date(2023, 12, 14)),
        DocumentKind.RESULTS_NOTICE: ("01/TB-UBND", date(2023, 12, 15)),
        DocumentKind.OBJECTION_DECISION: ("02/QĐ-UBND", date(2023, 12, 22)),
    }
    decision = " ".join(pdf_text(issued[DocumentKind.RESULTS_DECISION]).split())
    assert "Tờ trình số 01/TTr-SNV ngày 13/12/2023" in decision and "Nghị định số 90/2020/NĐ-CP" in decision
    assert "Văn bản ban hành muộn" not in decision
    notice = " ".join(pdf_text(issued[DocumentKind.RESULTS_NOTICE]).split())
    assert "Căn cứ Quyết định số 01/QĐ-UBND ngày 14/12/2023" in notice
    drafts = Document.objects.filter(cycle__year=2026, kind__in=list(issued))
    assert drafts.count() == 5 and all(d.is_draft and d.number is None for d in drafts)


def test_the_demo_numbers_are_invented_and_the_2023_results_are_on_their_way_to_the_national_database(demo):
    """Issue #17: every demo number starts 000 (no real person's), two people have none, and the 2023 results
    are synced: most acknowledged, some awaiting, one refused with its reason, the two without a number pending."""
    from collections import Counter

    from national_db.models import SyncEntry, SyncState
    from officials.models import Official

    numbers = [official.identification_number for official in Official.objects.all()]
    assert sum(1 for number in numbers if not number) == 2
    assert all(number.startswith("000") and len(number) == 12 for number in numbers if number)
    states = Counter(SyncEntry.objects.filter(cycle__year=2023).values_list("state", flat=True))
    assert states[SyncState.ACKNOWLEDGED] > 30 and states[SyncState.PENDING] == 2
    assert states[SyncState.FAILED] == 1 and states[SyncState.SENT] >= 1
    assert SyncEntry.objects.get(state=SyncState.FAILED).failure_reason


def test_the_demo_registers_the_chairs_and_the_provinces_certificates_from_its_test_ca(demo, settings):
    """Issue #17, demo only: a throw-away CA whose root local settings trust, the chair's and the province's
    certificates registered to them, and the province's PKCS#12 key for signing on the server."""
    from pyhanko.sign import signers

    from portal.demo import DEMO_SIGNING_PASSPHRASE
    from signing import pdf
    from signing.models import SigningCertificate

    registered = {c.holder_name: c for c in SigningCertificate.objects.filter(active=True)}
    assert registered["Lục Văn Thành"].user.username == "chutich"
    assert registered["UBND tỉnh Hòa Lâm"].organisation.name == "UBND tỉnh Hòa Lâm"
    folder = settings.SIGNING_DEMO_DIR
    root = pdf.load_certificate((folder / "ca.pem").read_bytes())
    key = signers.SimpleSigner.load_pkcs12(
        str(folder / "organisation.p12"), passphrase=DEMO_SIGNING_PASSPHRASE.encode()
    )
    assert pdf.certificate_facts(key.signing_cert).fingerprint == registered["UBND tỉnh Hòa Lâm"].fingerprint
    assert key.signing_cert.issuer == root.subject
