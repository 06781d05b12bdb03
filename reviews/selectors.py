"""Reads about evaluations that encode rules."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Case, Count, QuerySet, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from cycles.models import AgencyRating, Cycle, CycleStatus, Enrolment, QuotaException
from cycles.rulebooks import Level, Scoring, small_unit_group_rule
from cycles.rulebooks.caps import Caps, PersonFacts
from cycles.rulebooks.quota import QuotaPosition, quota_position
from cycles.rulebooks.tracking import AnnualScore
from cycles.selectors import (
    WindowState,
    cohort_order,
    objection_window,
    quota_citation,
    quota_exception_refusal,
)
from officials.models import Official, PeerGroup
from tracking.selectors import annual_score_of, annual_scores

from .models import (
    EDITABLE_BY_OFFICIAL,
    Decision,
    DecisionState,
    Evaluation,
    EvaluationEvent,
    EvaluationStatus,
    Notice,
    NoticeEmailStatus,
    Objection,
    ObjectionStatus,
)


def rating_history(official: Official) -> QuerySet[Evaluation]:
    """An official's published levels across cycles, newest first (domain.md §3.10, Law 80/2025 Art. 26)."""
    return (
        Evaluation.objects.filter(enrolment__official=official, status=EvaluationStatus.PUBLISHED)
        .select_related("enrolment__cycle")
        .order_by("-enrolment__cycle__year")
    )


def current_evaluation(official: Official) -> Evaluation | None:
    """The official's evaluation in a cycle that is under way, if any."""
    return (
        Evaluation.objects.filter(
            enrolment__official=official, enrolment__cycle__status=CycleStatus.IN_PROGRESS
        )
        .select_related("enrolment__cycle", "enrolment__organisation")
        .order_by("-enrolment__cycle__year")
        .first()
    )


def honorific(official: Official, language: str | None = None) -> str:
    """How letters address a leader: "Ông" or "Bà" by gender, never the familiar "anh/chị" (issue #13); in the
    letter's own language when given."""
    from django.utils import translation

    from officials.models import Gender

    with translation.override(language or translation.get_language()):
        return gettext("Bà") if official.gender == Gender.FEMALE else gettext("Ông")


def latest_evaluation(official: Official) -> Evaluation | None:
    """The official's evaluation in a cycle people still work in: under way, or signed off and waiting for
    objections (the home page shows the result then, not "nothing to do")."""
    return (
        Evaluation.objects.filter(
            enrolment__official=official,
            enrolment__cycle__status__in=[CycleStatus.IN_PROGRESS, CycleStatus.SIGNED_OFF],
        )
        .select_related("enrolment__cycle", "enrolment__organisation")
        .order_by("-enrolment__cycle__year")
        .first()
    )


def result_visible_to_official(evaluation: Evaluation) -> bool:
    """The official sees their level only once it is published, never a proposal (domain.md §2)."""
    return evaluation.is_published


class ScoreSource(StrEnum):
    CONFIRMED = "confirmed"  # recorded by Home Affairs (periods tracked outside the portal), with its source
    PERIODS = "periods"  # the year computed from the confirmed periods (tracking.selectors)
    SELF = "self"  # the person's own annual total: only where the cycle does not track periods


@dataclass(frozen=True)
class CountedScore:
    value: Decimal | None
    source: ScoreSource
    note: str = ""
    annual: AnnualScore | None = None


_ANNUAL = "_tracked_annual"


def tracked_annual(evaluation: Evaluation) -> AnnualScore | None:
    """The person's year from their tracked periods (None when not tracked), computed once per evaluation object;
    cohort_standing fills it for the whole cohort in constant queries."""
    if not hasattr(evaluation, _ANNUAL):
        setattr(evaluation, _ANNUAL, annual_score_of(evaluation.enrolment))
    annual: AnnualScore | None = getattr(evaluation, _ANNUAL)
    return annual


def counted_score(evaluation: Evaluation) -> CountedScore | None:
    """The score the bands, the caps and the quota read, and where it comes from (None on a qualitative form):
    1. a score Home Affairs confirmed (periods tracked outside the portal), with its source;
    2. where the cycle tracks periods, the year from the confirmed periods (Law 80/2025 Art. 25; Decree 233/2026
       Art. 12(5); Decree 335/2025 Art. 21) — it replaces the typed annual total, which then counts for nothing;
    3. otherwise the person's own annual total."""
    if evaluation.enrolment.rulebook.scoring is not Scoring.POINTS:
        return None
    facts = getattr(evaluation, "cap_facts", None)
    if facts is not None and facts.points_total is not None:
        return CountedScore(facts.points_total, ScoreSource.CONFIRMED, facts.source)
    annual = tracked_annual(evaluation)
    if annual is not None:
        return CountedScore(annual.score, ScoreSource.PERIODS, annual.working, annual)
    return CountedScore(evaluation.points_total, ScoreSource.SELF)


def points_that_count(evaluation: Evaluation) -> Decimal | None:
    """The score that counts (counted_score), as a number."""
    counted = counted_score(evaluation)
    return counted.value if counted is not None else None


def level_for_points(evaluation: Evaluation) -> Level | None:
    """The level the person's own total maps to with the cycle's bands (None on a qualitative form or no total)."""
    if evaluation.points_total is None:
        return None
    return evaluation.enrolment.rulebook.level_for_score(
        evaluation.points_total, evaluation.enrolment.cycle.bands
    )


# --- Caps and quota: the one piece of code the proposal screen, the chair's screen and the reports share. ---


def person_facts(evaluation: Evaluation, agency_level: str | None = None) -> PersonFacts:
    """The rulebook's input for one person: the enrolment's snapshot (leader, head, type), the recorded cap facts,
    the agency's own level, and the points total (the confirmed score where Home Affairs entered one, else the
    person's own)."""
    enrolment = evaluation.enrolment
    facts = getattr(evaluation, "cap_facts", None)
    points = points_that_count(evaluation)
    snapshot: dict[str, Any] = {
        "is_leader": enrolment.is_leader,
        # Whether the person heads their agency is a fact of the enrolment, never a default (issue: item 5).
        "is_head": enrolment.is_head,
        "personnel_type": enrolment.personnel_type,
        "points_total": points,
        "agency_level": Level(agency_level) if agency_level else None,
    }
    if facts is None:
        return PersonFacts(**snapshot)
    return PersonFacts(
        **snapshot,
        disciplined_in_year=bool(facts.discipline_form),
        discipline_unrelated_to_duties=facts.discipline_unrelated_to_duties,
        discipline_counting=facts.discipline_counting,
        months_worked=facts.months_worked,
        on_maternity_leave=facts.on_maternity_leave,
        on_sick_leave=facts.on_sick_leave,
        months_absent=facts.months_absent,
        degradation_concluded=facts.degradation_concluded,
        corruption_in_unit=facts.corruption_in_unit,
        corruption_self_remedied=facts.corruption_self_remedied,
        targets_met_pct=facts.targets_met_pct,
        targets_exceeded_pct=facts.targets_exceeded_pct,
        subordinates_htnv_or_above_pct=facts.subordinates_htnv_or_above_pct,
        subordinates_httnv_or_above_pct=facts.subordinates_httnv_or_above_pct,
        confidence_vote_low_pct=facts.confidence_vote_low_pct,
    )


def caps_for(evaluation: Evaluation, agency_level: str | None = None) -> Caps:
    enrolment = evaluation.enrolment
    return enrolment.rulebook.caps(person_facts(evaluation, agency_level), enrolment.cycle.bands)


def agency_level_of(evaluation: Evaluation) -> str | None:
    enrolment = evaluation.enrolment
    return (
        AgencyRating.objects.filter(cycle_id=enrolment.cycle_id, organisation_id=enrolment.organisation_id)
        .values_list("level", flat=True)
        .first()
    )


class LevelSource(StrEnum):
    """Whose levels the quota is counted on: Home Affairs' proposals or the chair's decisions."""

    PROPOSED = "proposed_level"
    FINAL = "final_level"


@dataclass
class GroupQuota:
    peer_group_id: int
    name: str
    counts_units: bool
    position: QuotaPosition
    exception: QuotaException | None = None
    # The articles that set this group's quota, and why its exception may not apply (Decree 233 Art. 12(6)(b)).
    citation: str = ""
    exception_refusal: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    not_rated: int = 0
    undecided: int = 0
    # Not rated this year by Home Affairs' record (EXEMPT): neither decided nor waiting for a decision.
    exempt: int = 0
    # Whose levels are counted: proposals ("Chưa đề xuất") or decisions ("Chưa quyết định").
    source: str = "proposed_level"

    @property
    def within(self) -> bool:
        return self.position.within

    @property
    def meter_max(self) -> int:
        """The quota meter's scale: the allowance, or the count when it is over."""
        return max(self.position.allowed, self.position.htxsnv, 1)


@dataclass
class StandingRow:
    evaluation: Evaluation
    caps: Caps
    level: str
    not_rated: bool = False
    # The written reason for going above a cap the authority may depart from (Decree 233 Art. 12(4)(d)).
    departure_reason: str = ""
    warnings: list[str] = field(default_factory=list)
    # Earlier years rated KHTNV (published), for the "repeated KHTNV" flag (domain.md §4).
    khtnv_years: list[int] = field(default_factory=list)
    # What a refused post asked for, shown back in the row's select instead of the stored proposal.
    posted_choice: str | None = None

    @property
    def enrolment(self) -> Enrolment:
        return self.evaluation.enrolment

    @property
    def shown_choice(self) -> str:
        """The proposal as the table's select shows it ("not_rated" or a level); a refused post overrides it."""
        if self.posted_choice is not None:
            return self.posted_choice
        return "not_rated" if self.evaluation.proposed_not_rated else self.evaluation.proposed_level

    @property
    def above_cap(self) -> bool:
        if not self.level:
            return False
        level = Level(self.level)
        if self.caps.allows(level):
            return False
        return not (self.departure_reason and self.caps.allows_departing(level))


@dataclass
class CohortStanding:
    rows: list[StandingRow]
    groups: list[GroupQuota]

    @property
    def over_quota(self) -> list[GroupQuota]:
        return [group for group in self.groups if not group.within]

    @property
    def above_cap(self) -> list[StandingRow]:
        return [row for row in self.rows if row.above_cap]


def standing_queryset(cycle: Cycle) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .select_related(
            "enrolment__cycle",
            "enrolment__peer_group",
            "enrolment__organisation",
            "cap_facts",
            "comment_meeting",
            "party_opinion",
        )
        .order_by(*cohort_order("enrolment__"))
    )


def group_quota(
    cycle: Cycle, peer_group: PeerGroup, levels: list[str], exception: QuotaException | None = None
) -> GroupQuota:
    rate = exception.rate if exception else cycle.quota_rate
    # The cohort is people: "fewer than 5 units → at most one" (Decree 233/2026 Art. 7(7)(c), 7(8)) is a rule for
    # groups of units and never applies here, whatever the group's flag (see units_quota for units).
    position = quota_position(levels, rate=rate, rounding=cycle.quota_rounding)
    return GroupQuota(
        peer_group_id=peer_group.pk,
        name=peer_group.name,
        counts_units=peer_group.counts_units,
        position=position,
        exception=exception,
        counts={level.value: sum(1 for value in levels if value == level.value) for level in Level},
        total=len(levels),
    )


def units_quota(cycle: Cycle, levels: list[str], rate: Decimal | None = None) -> QuotaPosition:
    """The HTXSNV quota of a group of units rated under the cycle's authority (agencies' own levels): with the
    "fewer than 5 units → at most one" rule only where the cycle's regime has it (Decree 233/2026 Art. 7(7)(c);
    Decree 90/2020 has none)."""
    return quota_position(
        levels,
        rate=rate or cycle.quota_rate,
        rounding=cycle.quota_rounding,
        small_unit_rule=small_unit_group_rule(cycle.framework),
    )


def cohort_tally(cycle: Cycle) -> list[dict[str, Any]]:
    """How many people of the cohort are in each combination of peer group, rulebook, status, proposal and
    decision: one aggregate query whatever the cohort size. The quota meters, the charts' distributions and the
    sign-off's counts are read from it, so a page that shows 50 rows still counts the whole cohort."""
    return list(
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .values(
            "enrolment__peer_group_id",
            "enrolment__peer_group__name",
            "enrolment__peer_group__sort_order",
            "enrolment__peer_group__counts_units",
            "enrolment__rulebook_code",
            "status",
            "proposed_level",
            "proposed_not_rated",
            "final_level",
            "final_not_rated",
        )
        .annotate(n=Count("pk"))
        .order_by("enrolment__peer_group__sort_order", "enrolment__peer_group_id", "enrolment__rulebook_code")
    )


_TALLY_KEYS = (
    "enrolment__peer_group_id",
    "enrolment__peer_group__name",
    "enrolment__peer_group__sort_order",
    "enrolment__peer_group__counts_units",
    "enrolment__rulebook_code",
    "status",
    "proposed_level",
    "proposed_not_rated",
    "final_level",
    "final_not_rated",
)


def _tally_of(evaluations: list[Evaluation]) -> list[dict[str, Any]]:
    """`cohort_tally` counted from evaluations already loaded (with their peer group): no query."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for e in evaluations:
        group = e.enrolment.peer_group
        counts[
            (group.pk, group.name, group.sort_order, group.counts_units, e.enrolment.rulebook_code, e.status)
            + (e.proposed_level, e.proposed_not_rated, e.final_level, e.final_not_rated)
        ] += 1
    ordered = sorted(counts.items(), key=lambda item: (item[0][2], item[0][0], item[0][4]))
    return [{**dict(zip(_TALLY_KEYS, key, strict=True)), "n": n} for key, n in ordered]


def group_quotas(
    cycle: Cycle, source: LevelSource = LevelSource.PROPOSED, tally: list[dict[str, Any]] | None = None
) -> list[GroupQuota]:
    """The quota of every peer group of the cohort, counted on the proposals or on the decisions, in the cohort's
    order: from `cohort_tally` (one query) plus the quota exceptions (one). The check is on the whole group
    (quota.py), never on the rows a page shows."""
    tally = cohort_tally(cycle) if tally is None else tally
    exceptions = {e.peer_group_id: e for e in QuotaException.objects.filter(cycle=cycle)}
    not_rated_field = "proposed_not_rated" if source is LevelSource.PROPOSED else "final_not_rated"
    by_group: dict[int, list[dict[str, Any]]] = {}
    for row in tally:
        by_group.setdefault(row["enrolment__peer_group_id"], []).append(row)
    groups = []
    for group_id, rows in by_group.items():
        peer_group = PeerGroup(
            pk=group_id,
            name=rows[0]["enrolment__peer_group__name"],
            counts_units=rows[0]["enrolment__peer_group__counts_units"],
        )
        levels = [row[source.value] for row in rows for _n in range(row["n"])]
        # The rulebooks of the group's people: what quota_citation reads of each enrolment.
        rulebooks = [
            Enrolment(rulebook_code=code)
            for code in dict.fromkeys(r["enrolment__rulebook_code"] for r in rows)
        ]
        exception = exceptions.get(group_id)
        refusal = None
        if exception is not None:
            # Only a group with a recorded exception needs its members' agencies (Decree 233 Art. 12(6)(b)).
            members = Enrolment.objects.filter(cycle=cycle, peer_group_id=group_id)
            agency_levels = dict(
                AgencyRating.objects.filter(cycle=cycle).values_list("organisation_id", "level")
            )
            refusal = quota_exception_refusal(cycle, members, agency_levels)
        # An exception the law does not allow (the unit is not HTXSNV) does not raise the rate; it is reported.
        quota = group_quota(cycle, peer_group, levels, None if refusal else exception)
        quota.exception, quota.exception_refusal = exception, refusal
        quota.citation = quota_citation(cycle, rulebooks)
        quota.not_rated = sum(row["n"] for row in rows if row[not_rated_field])
        quota.exempt = sum(row["n"] for row in rows if row["status"] == EvaluationStatus.EXEMPT)
        quota.undecided = sum(1 for level in levels if not level) - quota.not_rated - quota.exempt
        quota.source = source.value
        groups.append(quota)
    return groups


def standing_rows(
    cycle: Cycle, source: LevelSource, evaluations: list[Evaluation], *, whole_cohort: bool = False
) -> list[StandingRow]:
    """Each person's caps and warnings for these evaluations (from `standing_queryset`: one page of a table, one
    row after a click, or the whole cohort): four queries whatever their number."""
    enrolment_ids = None if whole_cohort else [evaluation.enrolment_id for evaluation in evaluations]
    annuals = annual_scores(cycle, enrolment_ids)
    for evaluation in evaluations:
        setattr(evaluation, _ANNUAL, annuals.get(evaluation.enrolment_id) if annuals is not None else None)
    agency_ratings = AgencyRating.objects.filter(cycle=cycle)
    if not whole_cohort:
        agency_ratings = agency_ratings.filter(
            organisation_id__in={evaluation.enrolment.organisation_id for evaluation in evaluations}
        )
    agency_levels = dict(agency_ratings.values_list("organisation_id", "level"))
    not_rated_field = "proposed_not_rated" if source is LevelSource.PROPOSED else "final_not_rated"
    rows = []
    for evaluation in evaluations:
        enrolment = evaluation.enrolment
        enrolment.cycle = cycle
        caps = enrolment.rulebook.caps(
            person_facts(evaluation, agency_levels.get(enrolment.organisation_id)), cycle.bands
        )
        departure = (
            evaluation.proposal_reason
            if source is LevelSource.PROPOSED
            else evaluation.final_cap_departure_reason
        )
        rows.append(
            StandingRow(
                evaluation=evaluation,
                caps=caps,
                level=getattr(evaluation, source.value),
                not_rated=getattr(evaluation, not_rated_field),
                departure_reason=departure,
            )
        )
    earlier_khtnv = khtnv_years_for(row.enrolment.official_id for row in rows)
    for row in rows:
        row.khtnv_years = [y for y in earlier_khtnv.get(row.enrolment.official_id, []) if y < cycle.year]
        row.warnings = standing_warnings(row)
    return rows


def cohort_standing(
    cycle: Cycle, source: LevelSource = LevelSource.PROPOSED, evaluations: Iterable[Evaluation] | None = None
) -> CohortStanding:
    """Every person's caps and the quota of every peer group, counted on the proposals or on the decisions.
    A fixed number of queries whatever the cohort size, but work for every person: pages show `standing_rows` of
    one page and `group_quotas` instead. `evaluations` may narrow the rows returned, but the quota is always
    counted on the whole group (the check is on the set, quota.py)."""
    everyone = list(standing_queryset(cycle))
    rows = standing_rows(cycle, source, everyone, whole_cohort=True)
    groups = group_quotas(cycle, source, _tally_of(everyone))
    if evaluations is not None:
        wanted = {evaluation.pk for evaluation in evaluations}
        rows = [row for row in rows if row.evaluation.pk in wanted]
    return CohortStanding(rows=rows, groups=groups)


def standing_warnings(row: StandingRow) -> list[str]:
    """What Home Affairs should look at in one person's file before the conference; the chair sees the same list.
    The quota belongs to the group, so it is shown on the group's meter, not repeated on every row."""
    evaluation = row.evaluation
    enrolment = row.enrolment
    warnings = []
    if evaluation.status in (EvaluationStatus.NOT_STARTED, EvaluationStatus.DRAFT, EvaluationStatus.RETURNED):
        warnings.append(gettext("Chưa nộp tự đánh giá."))
    meeting = getattr(evaluation, "comment_meeting", None)
    if meeting is None:
        warnings.append(gettext("Chưa có biên bản họp nhận xét."))
    else:
        if not meeting.minutes_adopted:
            warnings.append(gettext("Biên bản họp chưa được thông qua tại cuộc họp."))
        if not meeting.signed_scan:
            warnings.append(gettext("Chưa đính kèm bản scan biên bản có chữ ký."))
    if enrolment.is_party_member and getattr(evaluation, "party_opinion", None) is None:
        warnings.append(gettext("Chưa có ý kiến của cấp ủy."))
    if row.khtnv_years:
        # Two consecutive years of KHTNV: the authority decides the consequence (Law 80/2025 Art. 27(1)(c)).
        warnings.append(
            gettext("Đã bị xếp loại Không hoàn thành nhiệm vụ năm %(years)s.")
            % {"years": ", ".join(str(year) for year in row.khtnv_years)}
        )
    if row.caps.not_rated and not row.not_rated and row.level:
        warnings.append(gettext("Thuộc trường hợp không xếp loại nhưng đã đề xuất mức."))
    elif row.above_cap and row.caps.missing:
        warnings.append(
            gettext("Đã có mức %(level)s nhưng còn thiếu căn cứ: %(why)s")
            % {
                "level": Level(row.level).abbreviation,
                "why": " ".join(f"{r.text} ({r.citation})" for r in row.caps.missing),
            }
        )
    elif row.above_cap:
        warnings.append(
            gettext("Mức %(level)s cao hơn mức tối đa cho phép (%(cap)s).")
            % {
                "level": Level(row.level).abbreviation,
                "cap": row.caps.max_level.abbreviation if row.caps.max_level else "—",
            }
        )
    return warnings


# --- Published results, notices and the rating history's flag (domain.md §3.8, §4 "After a poor rating") ---


def published_results(cycle: Cycle) -> QuerySet[Evaluation]:
    """The signed results of a cycle in agenda order, everything the list prints coming from the enrolment's
    snapshot: one query whatever the size of the cohort."""
    return (
        Evaluation.objects.filter(enrolment__cycle=cycle, status=EvaluationStatus.PUBLISHED)
        .select_related("enrolment")
        .order_by(*cohort_order("enrolment__"))
    )


def decision_in_force(evaluation: Evaluation) -> Decision | None:
    """The signed decision the person is bound by (a replaced one is history), with its notice."""
    return (
        Decision.objects.in_force().filter(evaluation=evaluation).select_related("notice", "replaces").first()
    )


def decisions_in_force(cycle: Cycle) -> dict[int, Decision]:
    """Every decision in force in a cycle by evaluation id: one query."""
    decisions = (
        Decision.objects.in_force().filter(evaluation__enrolment__cycle=cycle).select_related("replaces")
    )
    return {decision.evaluation_id: decision for decision in decisions}


def notices_of(official: Official, limit: int = 10) -> list[Notice]:
    """The official's notices of results, newest first."""
    from .models import Notice

    return list(
        Notice.objects.filter(evaluation__enrolment__official=official).select_related(
            "evaluation__enrolment__cycle", "decision"
        )[:limit]
    )


def khtnv_years_for(official_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each official, the years of their published KHTNV ratings, oldest first (one query)."""
    years: dict[int, list[int]] = {}
    rows = (
        Evaluation.objects.filter(
            enrolment__official_id__in=list(official_ids),
            status=EvaluationStatus.PUBLISHED,
            final_level=Level.KHTNV,
        )
        .values_list("enrolment__official_id", "enrolment__cycle__year")
        .order_by("enrolment__cycle__year")
    )
    for official_id, year in rows:
        years.setdefault(official_id, []).append(year)
    return years


def consecutive_khtnv_years(years: Iterable[int]) -> list[int]:
    """The years that belong to a run of two or more consecutive years rated KHTNV. Under the 2019 amendments to
    the laws on cadres, civil servants and public employees two consecutive KHTNV years meant dismissal; Law
    80/2025 Art. 27(1)(c) leaves the consequence to the authority, so the portal only flags it."""
    distinct = sorted(set(years))
    flagged = {year for year in distinct if year + 1 in distinct or year - 1 in distinct}
    return sorted(flagged)


def repeated_khtnv_for(official_ids: Iterable[int]) -> set[int]:
    """The officials among these rated KHTNV in two or more consecutive years, in one query: for the compilation
    and decision tables."""
    return {
        official_id
        for official_id, years in khtnv_years_for(official_ids).items()
        if consecutive_khtnv_years(years)
    }


def repeated_khtnv(official: Official) -> list[int]:
    """The years of repeated KHTNV in this official's history; empty when there is nothing to flag."""
    return consecutive_khtnv_years(khtnv_years_for([official.pk]).get(official.pk, []))


def evaluation_events(evaluation: Evaluation, *, authority: bool, limit: int = 50) -> list[EvaluationEvent]:
    """The evaluation's history for its page. The person does not see the proposal's and the decision's entries:
    before publication nobody outside Home Affairs and the chair sees a proposal (domain.md §2), and afterwards
    the result card shows what the authority decided, not Home Affairs' reasons."""
    from .models import EventKind

    events = evaluation.events.select_related("by")
    if not authority:
        events = events.exclude(kind__in=[EventKind.PROPOSED, EventKind.DECIDED])
    return list(events[:limit])


# --- The states of a cohort: the one count every page shows (home, progress board, cycle page, decision board) ---


class CohortState(StrEnum):
    """Where each person of a cohort stands: exactly one state each, so the counts add up to the cohort. It is the
    evaluation's status, except that a form Home Affairs entered from paper counts apart while it waits."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    PAPER = "paper"
    IN_REVIEW = "in_review"
    PROPOSED = "proposed"
    DECIDED = "decided"
    PUBLISHED = "published"
    EXEMPT = "exempt"

    @property
    def label(self) -> str:
        return {
            CohortState.NOT_STARTED: gettext("Chưa bắt đầu"),
            CohortState.DRAFT: gettext("Đang soạn"),
            CohortState.RETURNED: gettext("Trả lại để sửa"),
            CohortState.SUBMITTED: gettext("Đã nộp trên cổng"),
            CohortState.PAPER: gettext("Đã nộp bản giấy"),
            CohortState.IN_REVIEW: gettext("Đang xem xét"),
            CohortState.PROPOSED: gettext("Đã đề xuất"),
            CohortState.DECIDED: gettext("Đã quyết định"),
            CohortState.PUBLISHED: gettext("Đã công bố"),
            CohortState.EXEMPT: gettext("Không đánh giá"),
        }[self]


# Who has not handed in a form yet (online or on paper), and who has a decision.
NOT_SUBMITTED_STATES = (CohortState.NOT_STARTED, CohortState.DRAFT, CohortState.RETURNED)
DECIDED_COHORT_STATES = (CohortState.DECIDED, CohortState.PUBLISHED)


def cohort_state(status: str, entered_on_paper: bool) -> CohortState:
    if status == EvaluationStatus.SUBMITTED and entered_on_paper:
        return CohortState.PAPER
    return CohortState(status)


@dataclass
class StateCount:
    state: CohortState
    count: int

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def code(self) -> str:
        return self.state.value


@dataclass
class GroupStates:
    peer_group_id: int
    name: str
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)


@dataclass
class CohortStates:
    total: int
    by_state: dict[str, int]
    groups: list[GroupStates]

    @property
    def shown(self) -> list[StateCount]:
        """The states someone of this cohort is in, in the cycle's order (no column of zeros)."""
        return [StateCount(state, self.by_state[state]) for state in CohortState if self.by_state.get(state)]

    def count(self, *states: CohortState) -> int:
        return sum(self.by_state.get(state, 0) for state in states)

    @property
    def not_submitted(self) -> int:
        return self.count(*NOT_SUBMITTED_STATES)

    @property
    def handed_in(self) -> int:
        """Everyone whose form is in (online or on paper) or who is not rated: the self-assessment is done."""
        return self.total - self.not_submitted

    @property
    def decided(self) -> int:
        return self.count(*DECIDED_COHORT_STATES)

    @property
    def undecided(self) -> int:
        return self.total - self.decided - self.count(CohortState.EXEMPT)


def cohort_states(cycle: Cycle) -> CohortStates:
    """How many people of the cohort are in each state, in all and per peer group: one query. Each person is in
    exactly one state, so every row adds up to its group's size and the groups to the cohort."""
    rows = (
        Enrolment.objects.filter(cycle=cycle)
        .values(
            "peer_group_id",
            "peer_group__name",
            "peer_group__sort_order",
            "evaluation__status",
            "evaluation__entered_on_paper",
        )
        .annotate(n=Count("pk"))
        .order_by("peer_group__sort_order", "peer_group_id")
    )
    by_state: dict[str, int] = {}
    groups: dict[int, GroupStates] = {}
    for row in rows:
        status = row["evaluation__status"] or EvaluationStatus.NOT_STARTED
        state = cohort_state(status, bool(row["evaluation__entered_on_paper"]))
        group = groups.setdefault(
            row["peer_group_id"], GroupStates(row["peer_group_id"], row["peer_group__name"])
        )
        group.by_state[state] = group.by_state.get(state, 0) + row["n"]
        group.total += row["n"]
        by_state[state] = by_state.get(state, 0) + row["n"]
    states = CohortStates(total=sum(by_state.values()), by_state=by_state, groups=list(groups.values()))
    for group in states.groups:
        group.cells = [group.by_state.get(item.state, 0) for item in states.shown]
    return states


def cohort_progress_version(cycle: Cycle, states: CohortStates) -> str:
    """A short fingerprint of where the cohort's forms stand (issue #15): the counts per state (`states`, already
    counted) and, in one aggregate query, every form's version and its last save and submission. The progress
    board's 30 s poll sends it back; the same fingerprint means nothing changed, so nothing is sent."""
    import hashlib

    from django.db.models import Max, Sum

    latest = Evaluation.objects.filter(enrolment__cycle=cycle).aggregate(
        versions=Sum("version"), saved=Max("saved_at"), submitted=Max("submitted_at")
    )
    raw = repr((sorted(states.by_state.items()), states.total, sorted(latest.items())))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def unreachable_by_email(cycle: Cycle) -> list[str]:
    """The people who have not handed in a form and whom no reminder reaches (no account, or no address): Home
    Affairs calls them or enters their paper form. One query."""
    from django.db.models import Q

    return list(
        Evaluation.objects.filter(enrolment__cycle=cycle, status__in=EDITABLE_BY_OFFICIAL)
        .filter(
            Q(enrolment__official__user__isnull=True)
            | Q(enrolment__official__user__email="")
            | Q(enrolment__official__user__is_active=False)
        )
        .order_by(*cohort_order("enrolment__"))
        .values_list("enrolment__full_name", flat=True)
    )


# --- Closing the cycle (domain.md §3.10, issue #5) ---


def _unsent_notices(cycle: Cycle) -> QuerySet[Notice]:
    """Notices of the decisions in force that have not gone out by e-mail yet. One with no address to send to
    is not waiting for anything (the person reads it in the portal)."""
    return Notice.objects.filter(
        evaluation__enrolment__cycle=cycle, decision__state=DecisionState.SIGNED, sent_at__isnull=True
    ).exclude(status=NoticeEmailStatus.NO_ADDRESS)


def cycle_close_blockers(cycle: Cycle, now: datetime | None = None) -> list[str]:
    """What still stands between the cycle and its closing, one sentence each; empty means it may be closed.
    Everything is read-only afterwards, so nothing may be left unfinished (domain.md §3.10)."""
    if cycle.status == CycleStatus.CLOSED:
        return [gettext("Kỳ đánh giá đã kết thúc.")]
    blockers = []
    if cycle.status != CycleStatus.SIGNED_OFF:
        blockers.append(gettext("Kết quả xếp loại chưa được Chủ tịch phê duyệt."))
    open_objections = list(
        Objection.objects.filter(evaluation__enrolment__cycle=cycle, status=ObjectionStatus.OPEN)
        .order_by("filed_at")
        .values_list("evaluation__enrolment__full_name", flat=True)
    )
    if open_objections:
        blockers.append(
            ngettext(
                "%(count)d kiến nghị chưa được trả lời: %(names)s.",
                "%(count)d kiến nghị chưa được trả lời: %(names)s.",
                len(open_objections),
            )
            % {"count": len(open_objections), "names": ", ".join(open_objections)}
        )
    window = objection_window(cycle, now=now)
    if window.state is WindowState.UNSET:
        # Closing without ever opening the window would take away the right to object (domain.md §3.9).
        blockers.append(gettext("Chưa đặt thời hạn nhận kiến nghị."))
    elif window.state is WindowState.NOT_YET and window.phase is not None:
        blockers.append(
            gettext(
                "Thời gian nhận kiến nghị chưa mở (mở từ ngày %(day)s hoặc khi Sở Nội vụ mở, sau khi công bố kết quả)."
            )
            % {"day": date_format(window.phase.starts_on, "d/m/Y")}
        )
    elif window.state is WindowState.OPEN and window.phase is not None:
        blockers.append(
            gettext("Thời hạn nhận kiến nghị chưa hết (đến %(deadline)s) và giai đoạn kiến nghị đang mở.")
            % {"deadline": date_format(timezone.localtime(window.phase.deadline), "H:i d/m/Y")}
        )
    names = list(
        _unsent_notices(cycle)
        .order_by("evaluation__enrolment__full_name")
        .values_list("evaluation__enrolment__full_name", flat=True)
    )
    if names:
        blockers.append(
            ngettext(
                "%(count)d thông báo kết quả chưa gửi được qua thư điện tử: %(names)s.",
                "%(count)d thông báo kết quả chưa gửi được qua thư điện tử: %(names)s.",
                len(names),
            )
            % {"count": len(names), "names": ", ".join(names)}
        )
    return blockers


def objections_of_cycle(cycle: Cycle) -> QuerySet[Objection]:
    """Every objection of the cycle, open ones first (the chair answers those), then the newest."""
    return (
        Objection.objects.filter(evaluation__enrolment__cycle=cycle)
        .select_related("evaluation__enrolment", "decision", "new_decision")
        .order_by(Case(When(status=ObjectionStatus.OPEN, then=0), default=1), "-filed_at", "-pk")
    )


# --- Counts the charts draw (issue #13 item 5): one query each, whatever the cohort size ---


def distribution_key(row: StandingRow, proposed: bool) -> str:
    """The distribution key of one standing row: its proposed or decided level, "not_rated", "exempt" or
    "undecided" (the keys of reviews/charts.py)."""
    evaluation = row.evaluation
    return _distribution_key(
        {
            "status": evaluation.status,
            "proposed_level": evaluation.proposed_level,
            "proposed_not_rated": evaluation.proposed_not_rated,
            "final_level": evaluation.final_level,
            "final_not_rated": evaluation.final_not_rated,
        },
        proposed,
    )


def _distribution_key(values: dict[str, Any], proposed: bool) -> str:
    if values["status"] == EvaluationStatus.EXEMPT:
        return "exempt"
    prefix = "proposed" if proposed else "final"
    if values[f"{prefix}_not_rated"]:
        return "not_rated"
    level: str = values[f"{prefix}_level"]
    return level or "undecided"


def group_distributions(standing: CohortStanding, proposed: bool) -> list[tuple[GroupQuota, dict[str, int]]]:
    """Per peer group (in the standing's order), the number of people per distribution key; no query."""
    counts: dict[int, dict[str, int]] = {group.peer_group_id: {} for group in standing.groups}
    for row in standing.rows:
        bucket = counts.setdefault(row.enrolment.peer_group_id, {})
        key = distribution_key(row, proposed)
        bucket[key] = bucket.get(key, 0) + 1
    return [(group, counts[group.peer_group_id]) for group in standing.groups]


def tally_distributions(
    tally: list[dict[str, Any]], groups: list[GroupQuota], proposed: bool
) -> list[tuple[GroupQuota, dict[str, int]]]:
    """The same counts as `group_distributions`, from `cohort_tally`'s aggregate: no query, no row per person."""
    counts: dict[int, dict[str, int]] = {group.peer_group_id: {} for group in groups}
    for row in tally:
        bucket = counts.setdefault(row["enrolment__peer_group_id"], {})
        key = _distribution_key(row, proposed)
        bucket[key] = bucket.get(key, 0) + row["n"]
    return [(group, counts[group.peer_group_id]) for group in groups]


@dataclass
class GroupYears:
    peer_group_id: int
    name: str
    years: dict[int, dict[str, int]] = field(default_factory=dict)


def group_level_history(cycle: Cycle) -> list[GroupYears]:
    """Published levels per peer group of this cycle's cohort, year by year up to the cycle's year (results are
    public once published; proposals and undecided levels never show here). One query."""
    rows = (
        Evaluation.objects.filter(
            status=EvaluationStatus.PUBLISHED,
            enrolment__cycle__year__lte=cycle.year,
            enrolment__peer_group_id__in=Enrolment.objects.filter(cycle=cycle).values("peer_group_id"),
        )
        .values(
            "enrolment__peer_group_id",
            "enrolment__peer_group__name",
            "enrolment__peer_group__sort_order",
            "enrolment__cycle__year",
            "final_level",
            "final_not_rated",
        )
        .annotate(n=Count("pk"))
        .order_by("enrolment__peer_group__sort_order", "enrolment__peer_group_id", "enrolment__cycle__year")
    )
    groups: dict[int, GroupYears] = {}
    for row in rows:
        group = groups.setdefault(
            row["enrolment__peer_group_id"],
            GroupYears(row["enrolment__peer_group_id"], row["enrolment__peer_group__name"]),
        )
        year = group.years.setdefault(row["enrolment__cycle__year"], {})
        key = "not_rated" if row["final_not_rated"] or not row["final_level"] else row["final_level"]
        year[key] = year.get(key, 0) + row["n"]
    return list(groups.values())


def submissions_per_day(cycle: Cycle) -> dict[date, int]:
    """How many forms of the cohort were handed in each day (online or entered from paper), by the local date of
    `submitted_at`. One query."""
    from django.db.models.functions import TruncDate

    rows = (
        Evaluation.objects.filter(enrolment__cycle=cycle, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return {row["day"]: row["n"] for row in rows}
