"""Demo data: an invented province with the 41-person cohort of domain.md §1, a finished 2023 cycle under
Decree 90/48 and an open 2026 cycle under the new decrees, and one login per role.

Every name here is invented. The province, "Hòa Lâm", does not exist.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.encryption import blind_index
from cycles.models import Cycle, CycleStatus, PhaseKind
from cycles.rulebooks import Framework, Level
from cycles.selectors import self_assessment_form
from cycles.services import agency_rating_set, cycle_create, cycle_start, phase_set
from national_db.models import SyncEntry, SyncState
from national_db.services import sync_entries_reconcile
from officials.models import Gender, Official, Organisation, OrganisationKind, PeerGroup, PersonnelType, Role
from officials.services import role_grant
from reviews.models import Decision, DecisionState, DisciplineForm, Evaluation, EvaluationStatus, SigningAs
from reviews.services import enrolment_create

from .demo_papers import demo_papers_2023, demo_papers_2026

PROVINCE = "Hòa Lâm"
COMMENTS_2023 = {
    Level.HTXSNV: "Lãnh đạo đơn vị hoàn thành vượt mức các chỉ tiêu; chủ động, sáng tạo, đoàn kết nội bộ tốt.",
    Level.HTTNV: "Hoàn thành tốt các nhiệm vụ được giao; cần đẩy mạnh hơn nữa cải cách hành chính.",
    Level.HTNV: "Hoàn thành nhiệm vụ; một số chỉ tiêu còn chậm tiến độ, cần khắc phục.",
    Level.KHTNV: "Không hoàn thành nhiều chỉ tiêu trọng tâm; cần kiểm điểm, làm rõ trách nhiệm.",
}
DEMO_PASSWORD = "hoalam-demo-2026"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Tư pháp", "STP"),
    ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNN"),
    ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Thanh tra tỉnh", "TTr"),
    ("Văn phòng UBND tỉnh", "VP"),
    ("Sở Ngoại vụ", "SNgV"),
    ("Ban Dân tộc", "BDT"),
    ("Ban Quản lý các khu công nghiệp", "BQLKCN"),
]
PUBLIC_SERVICE_UNITS = [
    ("Đài Phát thanh và Truyền hình tỉnh", "ĐPTTH"),
    ("Trường Cao đẳng Kỹ thuật tỉnh", "CĐKT"),
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh", "BQLDA"),
    ("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "TTXT"),
    ("Viện Quy hoạch xây dựng tỉnh", "VQH"),
]
# Districts existed until 30 June 2025; from 1 July 2025 their chairs lead communes (Law 72/2025).
LOCALITIES = [
    "Ngọc Sơn",
    "Bảo Lâm Thượng",
    "Vân Hồ Đông",
    "Thanh Khê Bắc",
    "Hoàng Su Tây",
    "Đồng Tâm",
    "Yên Phú Hạ",
    "Mường Khoa",
    "Lũng Cú Nam",
    "Xuân Hòa Thượng",
    "Quang Bình Đông",
]
OTHER_BODIES = [("Liên minh Hợp tác xã tỉnh", "LMHTX"), ("Quỹ Đầu tư phát triển tỉnh", "QĐTPT")]

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lò",
    "Hà",
    "Triệu",
    "Nông",
    "Vàng",
    "Sùng",
    "Ma",
    "Lục",
]
MALE = (
    ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh"],
    [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Tâm",
        "Thắng",
        "Tuấn",
        "Việt",
        "Kiên",
        "Trung",
        "Hiếu",
        "Lâm",
    ],
)
FEMALE = (["Thị", "Thu", "Ngọc", "Minh"], ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Hằng", "Yến", "Linh"])


def _names():
    """An endless supply of distinct invented names, every fifth one a woman's."""
    seen = set()
    for i in itertools.count():
        female = i % 5 == 2
        middles, givens = FEMALE if female else MALE
        name = f"{SURNAMES[(i * 7) % len(SURNAMES)]} {middles[(i * 3) % len(middles)]} {givens[(i * 11) % len(givens)]}"
        if name in seen:
            continue
        seen.add(name)
        yield name, Gender.FEMALE if female else Gender.MALE


@dataclass
class Person:
    official: Official
    level_2023: Level


def _head_title(department: Organisation) -> str:
    special = {"VP": "Chánh Văn phòng UBND tỉnh", "TTr": "Chánh Thanh tra tỉnh"}
    if department.abbreviation in special:
        return special[department.abbreviation]
    return f"{'Trưởng' if department.name.startswith('Ban') else 'Giám đốc'} {department.name}"


def _demo_answers(enrolment, seed: int):
    """Plausible answers: about 80% of each maximum, and a sentence of justification."""
    answers, total = {}, None
    for part in self_assessment_form(enrolment):
        for criterion in part.criteria:
            entry = {"text": f"Đã thực hiện đầy đủ; có sản phẩm cụ thể ({criterion.title.lower()})."}
            if criterion.max_points is not None:
                points = (criterion.max_points * Decimal("0.8") + Decimal(seed % 3) / 2).quantize(
                    Decimal("0.5")
                )
                points = min(points, criterion.max_points)
                entry["points"] = str(points)
                total = (total or Decimal(0)) + points
            answers[criterion.code] = entry
    return answers, total


def _at(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


@transaction.atomic
def load_demo(*, papers: bool = True) -> dict[str, str]:
    """Create the demo province. Returns {username: description}. Does nothing if it exists already. With `papers`
    the cycles' conference papers are rendered too (demo_papers.py; some seconds each)."""
    User = get_user_model()
    if Organisation.objects.filter(name=f"UBND tỉnh {PROVINCE}").exists():
        return demo_logins()

    province = Organisation.objects.create(
        name=f"UBND tỉnh {PROVINCE}",
        short_name="UBND tỉnh",
        abbreviation="UBND",
        kind=OrganisationKind.PROVINCIAL_COMMITTEE,
    )

    def org(name, abbreviation, kind):
        return Organisation.objects.create(name=name, abbreviation=abbreviation, kind=kind, parent=province)

    groups = {
        code: PeerGroup.objects.create(code=code, name=name, sort_order=order)
        for order, (code, name) in enumerate(
            [
                ("vice_chairs", "Phó Chủ tịch UBND tỉnh"),
                ("directors", "Giám đốc sở và tương đương"),
                ("public_service_unit_heads", "Người đứng đầu đơn vị sự nghiệp công lập thuộc UBND tỉnh"),
                ("district_chairs", "Chủ tịch UBND huyện"),
                ("commune_chairs", "Chủ tịch UBND xã, phường"),
                ("other_heads", "Người đứng đầu tổ chức khác"),
            ],
            start=1,
        )
    }
    names = _names()
    people: list[Person] = []

    def person(title, organisation, group, personnel_type, level):
        full_name, gender = next(names)
        official = Official.objects.create(
            full_name=full_name,
            gender=gender,
            date_of_birth=date(1966 + len(people) % 14, 1 + len(people) % 12, 10),
            personnel_type=personnel_type,
            title=title,
            organisation=organisation,
            peer_group=groups[group],
            is_leader=True,
            is_party_member=True,
        )
        people.append(Person(official, level))
        return official

    # Levels for 2023 respect the quota in every group: HTXSNV ≤ 20% of HTTNV, rounded down.
    for level in [Level.HTTNV, Level.HTTNV, Level.HTTNV]:
        person("Phó Chủ tịch UBND tỉnh", province, "vice_chairs", PersonnelType.CAN_BO, level)
    director_levels = [Level.HTXSNV, Level.HTXSNV] + [Level.HTTNV] * 16 + [Level.HTNV] * 2
    departments = [org(name, abbr, OrganisationKind.DEPARTMENT) for name, abbr in DEPARTMENTS]
    for department, level in zip(departments, director_levels, strict=True):
        person(_head_title(department), department, "directors", PersonnelType.CONG_CHUC, level)
    for (name, abbr), level in zip(PUBLIC_SERVICE_UNITS, [Level.HTTNV] * 4 + [Level.HTNV], strict=True):
        unit = org(name, abbr, OrganisationKind.PUBLIC_SERVICE_UNIT)
        head = (
            "Hiệu trưởng"
            if name.startswith("Trường")
            else ("Viện trưởng" if name.startswith("Viện") else "Giám đốc")
        )
        person(f"{head} {name}", unit, "public_service_unit_heads", PersonnelType.VIEN_CHUC, level)
    district_levels = [Level.HTXSNV] + [Level.HTTNV] * 8 + [Level.HTNV, Level.KHTNV]
    districts = []
    for locality, level in zip(LOCALITIES, district_levels, strict=True):
        district = org(f"UBND huyện {locality}", "UBND", OrganisationKind.DISTRICT_COMMITTEE)
        districts.append(
            person(
                f"Chủ tịch UBND huyện {locality}", district, "district_chairs", PersonnelType.CAN_BO, level
            )
        )
    for (name, abbr), personnel_type in zip(
        OTHER_BODIES, [PersonnelType.CONG_CHUC, PersonnelType.VIEN_CHUC], strict=True
    ):
        body = org(name, abbr, OrganisationKind.OTHER)
        person(
            f"Giám đốc {name}" if name.startswith("Quỹ") else f"Chủ tịch {name}",
            body,
            "other_heads",
            personnel_type,
            Level.HTTNV,
        )
    assert len(people) == 41

    # --- 2023: finished, rated under Decree 90/48 --------------------------------------------------------
    cycle_2023 = cycle_create(
        year=2023,
        title="Đánh giá, xếp loại chất lượng năm 2023",
        authority=province,
        chair_name="Lục Văn Thành",
        framework=Framework.DECREE_90,
    )
    for kind, day in [
        (PhaseKind.SELF_ASSESSMENT, date(2023, 11, 30)),
        (PhaseKind.COMMENT_MEETING, date(2023, 12, 5)),
        (PhaseKind.PARTY_OPINION, date(2023, 12, 7)),
        (PhaseKind.COMPILATION, date(2023, 12, 9)),
        (PhaseKind.CONFERENCE, date(2023, 12, 12)),
        (PhaseKind.DECISION, date(2023, 12, 14)),
        (PhaseKind.OBJECTIONS, date(2023, 12, 29)),
    ]:
        phase_set(cycle=cycle_2023, kind=kind, starts_on=date(2023, 11, 15), deadline=_at(day))
    for order, item in enumerate(people, start=1):
        enrolment = enrolment_create(cycle=cycle_2023, official=item.official, agenda_order=order)
        # Fixture data: the finished cycle's end state is written directly, not replayed through every phase.
        Evaluation.objects.filter(enrolment=enrolment).update(
            status=EvaluationStatus.PUBLISHED,
            self_proposed_level=item.level_2023,
            proposed_level=item.level_2023,
            final_level=item.level_2023,
            submitted_at=_at(date(2023, 11, 28), 9),
        )
        Decision.objects.create(
            evaluation=enrolment.evaluation,
            level=item.level_2023,
            comments=COMMENTS_2023[item.level_2023],
            outlook="Có chiều hướng phát triển tốt; tiếp tục rèn luyện, phấn đấu."
            if enrolment.personnel_type == PersonnelType.CAN_BO
            else "",
            state=DecisionState.SIGNED,
            signing_as=SigningAs.CHAIR,
            signer_name="Lục Văn Thành",
            signed_at=_at(date(2023, 12, 14), 16),
        )
    if papers:
        # Issued before the cycle is closed, on their 2023 days: a closed cycle's papers would be issued late.
        demo_papers_2023(cycle_2023)
    Cycle.objects.filter(pk=cycle_2023.pk).update(status=CycleStatus.CLOSED)
    _demo_national_db(cycle_2023, [item.official for item in people])

    # --- Between the cycles: districts abolished, their chairs now lead communes; one director moved ----
    for official, locality in zip(districts, LOCALITIES, strict=True):
        commune = org(f"UBND xã {locality}", "UBND", OrganisationKind.COMMUNE_COMMITTEE)
        official.title = f"Chủ tịch UBND xã {locality}"
        official.organisation = commune
        official.peer_group = groups["commune_chairs"]
        official.save(update_fields=["title", "organisation", "peer_group"])
    moved = people[3 + 4].official  # the 2023 director of Sở Công Thương now directs Sở Xây dựng
    moved.title, moved.organisation = "Giám đốc Sở Xây dựng", departments[7]
    moved.save(update_fields=["title", "organisation"])
    people[3 + 7].official.title = "Phó Giám đốc phụ trách Sở Công Thương"
    people[3 + 7].official.organisation = departments[4]
    people[3 + 7].official.save(update_fields=["title", "organisation"])

    # --- 2026: open, under Decree 335 (công chức), 233 (viên chức) and, presumed, 366-QĐ/TW (cán bộ) ---
    cycle_2026 = cycle_create(
        year=2026,
        title="Đánh giá, xếp loại chất lượng năm 2026",
        authority=province,
        chair_name="Lục Văn Thành",
        framework=Framework.DECREES_2026,
    )
    phases = [
        (PhaseKind.SELF_ASSESSMENT, date(2026, 11, 30), True),
        (PhaseKind.COMMENT_MEETING, date(2026, 12, 4), False),
        (PhaseKind.PARTY_OPINION, date(2026, 12, 7), False),
        (PhaseKind.COMPILATION, date(2026, 12, 9), True),
        (PhaseKind.CONFERENCE, date(2026, 12, 11), False),
        (PhaseKind.DECISION, date(2026, 12, 14), False),
        (PhaseKind.OBJECTIONS, date(2026, 12, 31), False),
    ]
    # A demo loaded after the real dates still shows an open self-assessment phase: shift the calendar.
    shift = max(timedelta(0), timezone.localdate() + timedelta(days=7) - date(2026, 11, 30))
    for kind, day, is_open in phases:
        day = day + shift
        phase_set(
            cycle=cycle_2026, kind=kind, starts_on=date(2026, 11, 10), deadline=_at(day), is_open=is_open
        )
    statuses = itertools.cycle(
        [
            EvaluationStatus.SUBMITTED,
            EvaluationStatus.DRAFT,
            EvaluationStatus.NOT_STARTED,
            EvaluationStatus.DRAFT,
            EvaluationStatus.SUBMITTED,
            EvaluationStatus.RETURNED,
            EvaluationStatus.SUBMITTED,
            EvaluationStatus.DRAFT,
        ]
    )
    justice_director = people[3 + 3].official  # Giám đốc Sở Tư pháp, công chức: Decree 335 form in 2026
    college_head = people[3 + 20 + 1].official  # Hiệu trưởng, viên chức: Decree 233 form in 2026
    protected = {justice_director.pk, college_head.pk}
    outstanding: set[int] = (
        set()
    )  # two directors whose quarters score outstanding (their group goes over quota)
    for order, item in enumerate(people, start=1):
        enrolment = enrolment_create(cycle=cycle_2026, official=item.official, agenda_order=order)
        status = next(statuses)
        answers, total = (
            _demo_answers(enrolment, order) if status != EvaluationStatus.NOT_STARTED else ({}, None)
        )
        submitted = status in (EvaluationStatus.SUBMITTED, EvaluationStatus.RETURNED)
        self_level = Level.HTTNV if submitted else ""
        if (
            status == EvaluationStatus.SUBMITTED
            and enrolment.peer_group.code == "directors"
            and item.official.pk not in protected
            and len(outstanding) < 2
        ):
            outstanding.add(item.official.pk)
            self_level = Level.HTXSNV
        # Fixture data: the people's own forms part-way through the phase. Most of the cohort has no account (they
        # submit on paper), so their state is written directly; the two demo officials fill theirs in the portal.
        Evaluation.objects.filter(enrolment=enrolment).update(
            status=status,
            answers=answers,
            points_total=total,
            saved_at=_at(date(2026, 11, 19), 15) if answers else None,
            submitted_at=_at(date(2026, 11, 20), 10) if submitted else None,
            self_proposed_level=self_level,
            return_reason="Đề nghị bổ sung số liệu cụ thể về tiến độ giải ngân vốn đầu tư công quý IV."
            if status == EvaluationStatus.RETURNED
            else "",
        )
    cycle_start(cycle=cycle_2026)

    # --- One login per role ---------------------------------------------------------------------------
    def user(username, first, last, email=None):
        account = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=email or f"{username}@hoalam.invalid",
        )
        return account

    justice_director.user = user("canbo", justice_director.full_name, "")
    justice_director.save(update_fields=["user"])
    college_head.user = user("canbo2", college_head.full_name, "")
    college_head.save(update_fields=["user"])
    home_affairs = user("noivu", "Chuyên viên", "Sở Nội vụ")
    role_grant(user=home_affairs, role=Role.HOME_AFFAIRS)
    role_grant(
        user=user("thuky", "Thư ký", "Sở Tư pháp"),
        role=Role.UNIT_SECRETARY,
        organisation=justice_director.organisation,
    )
    role_grant(user=user("chutich", "Lục Văn Thành", ""), role=Role.CHAIR)
    role_grant(user=user("vanphong", "Chuyên viên", "Văn phòng UBND tỉnh"), role=Role.OFFICE_STAFF)
    role_grant(user=user("quantri", "Quản trị", "hệ thống"), role=Role.ADMINISTRATOR)
    # The vice-chairs are rated too, and each tracks the directors of the sectors in their charge.
    vice_chairs = []
    for number, item in enumerate(people[:3], start=1):
        account = user(f"phochutich{number if number > 1 else ''}", item.official.full_name, "")
        item.official.user = account
        item.official.save(update_fields=["user"])
        vice_chairs.append(account)
    chair = get_user_model().objects.get(username="chutich")
    _demo_tracking(cycle_2026, home_affairs, chair, vice_chairs, outstanding)
    _demo_compilation(cycle_2026, home_affairs, protected=protected, outstanding=outstanding)
    if papers:
        demo_papers_2026(cycle_2026)
    return demo_logins()


def _demo_tracking(cycle: Cycle, home_affairs, chair, vice_chairs: list, outstanding: set[int]) -> None:
    """The 2026 year tracked quarterly (Decree 233/2026 Art. 3(5)), written through the tracking services: Q1–Q3
    confirmed by each person's tracker — a few people late with Q3, one on maternity leave for Q2, one transferred in
    mid-year with Q1–Q2 carried from the old agency — and Q4 open. The two demo officials sent their own quarters
    before their trackers confirmed them (one with a line changed and its reason)."""
    from cycles.rulebooks.tracking import period_lines
    from officials.models import Gender
    from tracking.models import TrackingPeriod
    from tracking.services import (
        period_absence_set,
        period_carried_record,
        period_confirm,
        period_deadline_set,
        period_record_get,
        period_self_save,
        period_submit,
        tracker_assign,
        tracking_set_up,
    )

    tracking_set_up(cycle=cycle, frequency="quarterly", by=home_affairs)
    periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    # A demo loaded late in the year still has its last quarter open for the two demo officials to fill.
    last = periods[-1]
    if last.deadline < timezone.now() + timedelta(days=14):
        period_deadline_set(period=last, deadline=timezone.now() + timedelta(days=14), by=home_affairs)
    enrolments = list(
        cycle.enrolments.select_related("official__user", "peer_group").order_by("agenda_order")
    )
    # Who tracks whom (Decree 233 Art. 13(2); for directors the vice-chair in charge of the sector): the chair
    # tracks the vice-chairs and the heads of public service units and other bodies; the vice-chairs share the
    # directors and the commune chairs.
    trackers = {}
    for index, enrolment in enumerate(enrolments):
        account = enrolment.official.user
        if enrolment.peer_group.code in ("directors", "commune_chairs"):
            tracker = vice_chairs[0] if account and account.username == "canbo" else vice_chairs[index % 3]
            title = "Phó Chủ tịch UBND tỉnh phụ trách lĩnh vực"
        else:
            tracker, title = chair, "Chủ tịch UBND tỉnh"
        tracker_assign(enrolment=enrolment, tracker=tracker, title=title, by=home_affairs)
        trackers[enrolment.pk] = tracker

    def values(enrolment, index: int, quarter: int) -> dict[str, str]:
        lines = period_lines(is_leader=enrolment.is_leader)
        if enrolment.official_id in outstanding:
            general_cut, task = Decimal(0), Decimal(92 + (index + quarter) % 7)
        else:
            general_cut, task = (
                Decimal((index + quarter) % 4) / 2,
                Decimal(62 + (index * 7 + quarter * 5) % 22),
            )
        result = {}
        for line in lines:
            if line.max_points is None:
                result[line.code] = str(task)
            elif line.code == "iii_innovation":
                result[line.code] = str(line.max_points - general_cut)
            else:
                result[line.code] = str(line.max_points)
        return result

    late = {enrolments[i].pk for i in (30, 33, 36)}  # three commune chairs whose Q3 is still unconfirmed
    on_leave = next(
        e
        for e in enrolments
        if e.peer_group.code == "directors"
        and e.official.gender == Gender.FEMALE
        and e.official_id not in outstanding
        and not e.official.user_id
    )
    transferred = next(e for e in enrolments if e.title.startswith("Phó Giám đốc phụ trách"))
    for index, enrolment in enumerate(enrolments):
        tracker = trackers[enrolment.pk]
        for period in periods[:3]:
            record = period_record_get(enrolment=enrolment, period=period)
            if enrolment.pk == on_leave.pk and period.number == 2:
                period_absence_set(
                    record=record,
                    months_worked=0,
                    absence="maternity",
                    note="Nghỉ thai sản từ 01/4/2026",
                    by=home_affairs,
                )
                continue
            if enrolment.pk == transferred.pk and period.number <= 2:
                period_carried_record(
                    record=record,
                    score=Decimal("84.5") - period.number,
                    source="Sở Xây dựng, Công văn 45/SXD-VP ngày 05/7/2026",
                    by=home_affairs,
                )
                continue
            if enrolment.pk in late and period.number == 3:
                continue
            scores = values(enrolment, index, period.number)
            account = enrolment.official.user
            if account is not None and enrolment.peer_group.code not in ("vice_chairs",):
                # The person sends their own quarter while it is open, then the tracker confirms it.
                real_deadline = period.deadline
                period_deadline_set(
                    period=period, deadline=timezone.now() + timedelta(hours=1), by=home_affairs
                )
                record = period_self_save(
                    record=record,
                    values=scores,
                    comments={"quantity": "Hoàn thành các báo cáo, đề án theo kế hoạch quý."},
                    strengths="Chủ động tham mưu, hoàn thành đúng hạn các nhiệm vụ trọng tâm.",
                    shortcomings="Một số việc phối hợp liên ngành còn chậm.",
                    version=record.version,
                    by=account,
                )
                record = period_submit(record=record, version=record.version, by=account)
                period_deadline_set(period=period, deadline=real_deadline, by=home_affairs)
                confirmed, reasons = dict(scores), {}
                if period.number == 2:
                    confirmed["timeliness"] = str(Decimal(scores["timeliness"]) - 10)
                    reasons["timeliness"] = "Báo cáo tổng kết 6 tháng gửi chậm 05 ngày so với kế hoạch."
                period_confirm(
                    record=record,
                    values=confirmed,
                    reasons=reasons,
                    opinion="Hoàn thành tốt nhiệm vụ quý; cần bảo đảm tiến độ các báo cáo định kỳ.",
                    version=record.version,
                    by=tracker,
                )
            else:
                # Tracked on paper during the quarter: the tracker records and confirms the scores once it closed.
                period_confirm(
                    record=record,
                    values=scores,
                    opinion="Hoàn thành nhiệm vụ được giao trong quý.",
                    version=record.version,
                    by=tracker,
                )


# Invented names for the people who chair, minute and speak at the agencies' comment meetings.
SPEAKERS = [
    (
        "Hoàng Văn Dũng",
        "Phó Giám đốc",
        "Thống nhất với báo cáo tự đánh giá; đề nghị làm rõ thêm kết quả chuyển đổi số.",
    ),
    ("Lò Thị Mai", "Chủ tịch Công đoàn", "Đồng chí gương mẫu, quan tâm đời sống người lao động."),
    (
        "Nông Văn Tú",
        "Bí thư Chi đoàn",
        "Đề nghị tiếp tục tạo điều kiện cho đoàn viên tham gia nhiệm vụ chuyên môn.",
    ),
]
MEETING_CHAIRS = ["Đinh Quang Hải", "Ma Thị Thu", "Sầm Văn Khánh", "Hà Thị Ngọc"]
MEETING_SECRETARIES = ["Ngô Thị Lan", "Tẩy Văn Phúc", "Lương Thị Hoa", "Mông Văn Sơn"]


def _demo_compilation(cycle: Cycle, home_affairs, protected: set[int], outstanding: set[int]) -> None:
    """The 2026 cohort part-way through compilation, written through the services as Home Affairs would: meetings
    and party opinions for those who submitted, a few facts that cap a rating, agencies' own levels and Home
    Affairs' first proposals, with one peer group over its HTXSNV quota so the meter has something to say. The
    two demo officials keep their forms editable."""
    from reviews.selectors import agency_level_of, caps_for
    from reviews.services import (
        MeetingMinutes,
        Opinion,
        cap_facts_record,
        comment_meeting_record,
        party_opinion_record,
        proposal_set,
    )

    evaluations = list(
        Evaluation.objects.filter(enrolment__cycle=cycle, status=EvaluationStatus.SUBMITTED)
        .exclude(enrolment__official_id__in=protected)
        .select_related("enrolment__organisation", "enrolment__peer_group", "enrolment__cycle")
        .order_by("enrolment__agenda_order")
    )
    for index, evaluation in enumerate(evaluations):
        enrolment = evaluation.enrolment
        if index % 5 != 4:  # one in five still waits for its minutes
            votes = {"httnv": 15, "htnv": 1} if index % 2 == 0 else None
            comment_meeting_record(
                evaluation=evaluation,
                minutes=MeetingMinutes(
                    held_on=date(2026, 11, 21),
                    starts_at=time(14, 0),
                    ends_at=time(16, 30),
                    place=f"Phòng họp {enrolment.organisation_name}",
                    chaired_by=f"{MEETING_CHAIRS[index % 4]} – Phó Thủ trưởng cơ quan",
                    minutes_by=f"{MEETING_SECRETARIES[index % 4]} – Chánh Văn phòng",
                    invited_count=17,
                    attended_count=16,
                    attendees="Tập thể lãnh đạo; đại diện cấp ủy, Công đoàn, Đoàn Thanh niên; trưởng các phòng.",
                    absentees="01 đồng chí đi công tác.",
                    summary="Trình bày báo cáo tự đánh giá, tự xếp loại Hoàn thành tốt nhiệm vụ.",
                    conclusion="Tập thể thống nhất với báo cáo tự đánh giá và mức tự xếp loại.",
                    meeting_level=Level.HTTNV,
                    votes_recorded=votes is not None,
                    votes=votes,
                    minutes_adopted=index % 7 != 3,
                ),
                opinions=[
                    Opinion(speaker=name, position=title, content=text) for name, title, text in SPEAKERS
                ],
                version=None,
                by=home_affairs,
            )
        if enrolment.is_party_member and index % 4 != 3:
            party_opinion_record(
                evaluation=evaluation,
                body=f"Đảng ủy {enrolment.organisation_name}",
                given_on=date(2026, 11, 22),
                text="Đồng chí giữ vững phẩm chất chính trị, đạo đức, lối sống; đồng ý mức tự xếp loại.",
                version=None,
                by=home_affairs,
            )
    # Facts that cap: one reprimand in the year for a violation in the course of duties, one who joined in the summer.
    if len(evaluations) > 6:
        cap_facts_record(
            evaluation=evaluations[2],
            values={
                "discipline_form": DisciplineForm.KHIEN_TRACH,
                "discipline_date": date(2026, 6, 15),
                "discipline_source": "Quyết định 215/QĐ-UBND ngày 15/6/2026",
                "months_worked": Decimal(12),
            },
            version=None,
            by=home_affairs,
        )
        cap_facts_record(
            evaluation=evaluations[5],
            values={"months_worked": Decimal(5), "source": "Quyết định bổ nhiệm ngày 01/8/2026"},
            version=None,
            by=home_affairs,
        )
    # Heads are rated after their agencies (Decree 233/2026 Art. 15(1)(a)): every head proposed below has one. The
    # two directors whose periods scored outstanding lead agencies rated HTXSNV.
    outstanding = {
        e.enrolment.organisation_id for e in evaluations[:12] if e.enrolment.official_id in outstanding
    }
    for evaluation in evaluations[:12]:
        organisation = evaluation.enrolment.organisation
        agency_rating_set(
            cycle=cycle,
            organisation=organisation,
            level=Level.HTXSNV if organisation.pk in outstanding else Level.HTTNV,
            source="Kết quả xếp loại cơ quan năm 2026",
            by=home_affairs,
        )
    for evaluation in evaluations[:12]:
        evaluation = Evaluation.objects.select_related("enrolment__cycle").get(pk=evaluation.pk)
        caps = caps_for(evaluation, agency_level_of(evaluation))
        wanted = Level(evaluation.self_proposed_level or Level.HTTNV)
        if caps.not_rated:
            proposal_set(
                evaluation=evaluation,
                not_rated=True,
                reason="Công tác chưa đủ 06 tháng trong năm.",
                by=home_affairs,
            )
        elif caps.missing:
            continue  # the year's periods are not all confirmed yet: nothing to propose from
        elif not caps.allows(wanted):
            assert caps.max_level is not None
            reason = " ".join(str(r.text) for r in caps.binding())
            proposal_set(evaluation=evaluation, level=caps.max_level, reason=reason, by=home_affairs)
        else:
            proposal_set(
                evaluation=evaluation,
                level=wanted,
                reason="" if wanted == evaluation.self_proposed_level else "Theo kết quả theo dõi các quý.",
                by=home_affairs,
            )
    _demo_conference(cycle, home_affairs)


def _demo_national_db(cycle: Cycle, officials: list[Official]) -> None:
    """Issue #17: invented identification numbers (all start 000, so none is a real person's) for all but the last
    two people, and the 2023 results on their way to the national database: most acknowledged, a few still awaiting
    acknowledgement, one refused, and the two without a number pending (so Home Affairs' board warns)."""
    for index, official in enumerate(officials[:-2], start=1):
        number = f"000{index:09d}"
        # Fixture data, written directly: the service would want a Home Affairs user, created further down.
        official.identification_number, official.identification_index = number, blind_index(number)
        official.save(update_fields=["identification_number", "identification_index"])
    sync_entries_reconcile(cycle=cycle)
    entries = list(SyncEntry.objects.filter(cycle=cycle).order_by("evaluation__enrolment__agenda_order"))
    sent_at = _at(date(2023, 12, 15), 9)
    for index, entry in enumerate(entries[:-2]):
        entry.attempts, entry.sent_at, entry.reference = (
            1,
            sent_at,
            "ket-qua-xep-loai-20231215-090000-demo.json",
        )
        if index == 5:
            entry.state, entry.failed_at = SyncState.FAILED, sent_at + timedelta(hours=2)
            entry.failure_reason = "CSDL quốc gia báo: ngày sinh không khớp hồ sơ điện tử."
        elif index >= len(entries) - 5:
            entry.state = SyncState.SENT
        else:
            entry.state, entry.acknowledged_at = SyncState.ACKNOWLEDGED, sent_at + timedelta(hours=3)
    SyncEntry.objects.bulk_update(
        entries,
        ["state", "attempts", "sent_at", "reference", "failed_at", "failure_reason", "acknowledged_at"],
    )


def demo_logins() -> dict[str, str]:
    roles = {
        "canbo": "Cán bộ được đánh giá (Giám đốc Sở Tư pháp, công chức – phiếu theo Nghị định 335)",
        "canbo2": "Cán bộ được đánh giá (Hiệu trưởng, viên chức – phiếu theo Nghị định 233)",
        "phochutich": "Phó Chủ tịch UBND tỉnh: người theo dõi, đánh giá hằng quý các giám đốc sở (và được đánh giá)",
        "noivu": "Chuyên viên Sở Nội vụ",
        "thuky": "Thư ký đơn vị (Sở Tư pháp)",
        "chutich": "Chủ tịch UBND tỉnh",
        "vanphong": "Văn phòng UBND tỉnh",
        "quantri": "Quản trị",
    }
    existing = set(get_user_model().objects.filter(username__in=roles).values_list("username", flat=True))
    return {username: role for username, role in roles.items() if username in existing}


def _demo_conference(cycle: Cycle, home_affairs) -> None:
    """The 2026 conference as Home Affairs prepares it: date, venue, agenda and the usual guests (issue #5)."""
    from conference.services import conference_guest_add, conference_set

    conference = conference_set(
        cycle=cycle,
        held_on=date(2026, 12, 10),
        starts_at=time(8, 0),
        venue="Hội trường tầng 3, trụ sở UBND tỉnh",
        chaired_by_name=cycle.chair_name,
        chaired_by_title="Chủ tịch UBND tỉnh",
        secretary_name="Vi Thị Hằng",
        secretary_title="Phó Giám đốc Sở Nội vụ",
        agenda=(
            "1. Tuyên bố lý do, giới thiệu đại biểu\n"
            "2. Sở Nội vụ báo cáo kết quả tổng hợp, đề xuất xếp loại\n"
            "3. Thảo luận từng người theo nhóm đối tượng\n"
            "4. Chủ tịch UBND tỉnh kết luận"
        ),
        by=home_affairs,
    )
    for name, position in (
        ("Đại diện Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
        ("Đại diện Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("Đại diện Liên đoàn Lao động tỉnh", "Liên đoàn Lao động tỉnh"),
    ):
        conference_guest_add(conference=conference, name=name, position=position, by=home_affairs)


# DEMO ONLY (issue #17): a throw-away CA, the chair's and the province's certificates, the province's key as
# PKCS#12 for signing on the server, and an invented seal, under var/signing-demo/ (settings.local points there).
DEMO_SIGNING_PASSPHRASE = "hoalam-demo-ky-so"


def demo_signing_set(folder) -> dict[str, str]:
    """Write the demo CA and keys once; register the chair's and the province's certificates (again after the
    database was reset). Returns the files."""
    from signing import pdf
    from signing.models import CertificateHolder, SigningCertificate
    from signing.services import certificate_register
    from signing.test_ca import TestCA, demo_seal_png

    folder.mkdir(parents=True, exist_ok=True)
    names = ("ca.pem", "organisation.p12", "organisation.pem", "chutich.p12", "chutich.pem", "seal.png")
    files = {name: folder / name for name in names}
    province = Organisation.objects.get(name=f"UBND tỉnh {PROVINCE}")
    chair = get_user_model().objects.get(username="chutich")
    if not all(path.exists() for path in files.values()):
        ca = TestCA(f"CA thử nghiệm – demo {PROVINCE}")
        chair_key = ca.issue("Lục Văn Thành", serial="DEMO-CHUTICH")
        province_key = ca.issue(province.name, organisation=province.name)
        passphrase = DEMO_SIGNING_PASSPHRASE.encode()
        files["ca.pem"].write_bytes(ca.root.pem)
        files["organisation.p12"].write_bytes(province_key.pkcs12(passphrase, chain=[ca.root.certificate]))
        files["organisation.pem"].write_bytes(province_key.pem)
        files["chutich.p12"].write_bytes(chair_key.pkcs12(passphrase, chain=[ca.root.certificate]))
        files["chutich.pem"].write_bytes(chair_key.pem)
        files["seal.png"].write_bytes(demo_seal_png(f"UBND tỉnh\n{PROVINCE}"))
    registrar = get_user_model().objects.get(username="noivu")
    for certificate_file, holder, name, owner in (
        ("chutich.pem", CertificateHolder.PERSON, "Lục Văn Thành", {"user": chair}),
        ("organisation.pem", CertificateHolder.ORGANISATION, province.name, {"organisation": province}),
    ):
        data = files[certificate_file].read_bytes()
        fingerprint = pdf.certificate_facts(pdf.load_certificate(data)).fingerprint
        if not SigningCertificate.objects.filter(fingerprint=fingerprint).exists():
            SigningCertificate.objects.filter(holder_name=name).update(active=False)
            certificate_register(by=registrar, certificate=data, holder=holder, holder_name=name, **owner)
    return {name: str(path) for name, path in files.items()}
