"""Every write to cycles, phases and cohorts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import local_text
from officials.models import Official, Organisation, PeerGroup, PersonnelType
from officials.permissions import require_home_affairs

from .errors import CycleError
from .models import (
    AgencyRating,
    Cycle,
    CycleCriterion,
    CycleStatus,
    Enrolment,
    FilledBy,
    Phase,
    PhaseKind,
    QuotaException,
)
from .rulebooks import Rulebook, rulebook_for
from .selectors import form_label, quota_exception_refusal, title_is_head

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def cycle_create(*, year: int, title: str, authority: Organisation, chair_name: str, framework: str) -> Cycle:
    if Cycle.objects.filter(authority=authority, year=year).exists():
        raise CycleError(_("Đã có kỳ đánh giá năm %(year)s của cơ quan này.") % {"year": year})
    cycle = Cycle.objects.create(
        year=year, title=title, authority=authority, chair_name=chair_name, framework=framework
    )
    cycle_criteria_seed(cycle=cycle)
    return cycle


def cycle_criteria_seed(*, cycle: Cycle) -> int:
    """Copy every form of the cycle's framework (per personnel type and leadership) into the cycle, so the
    province can adapt criteria and maxima without touching the national defaults. Idempotent."""
    rows = []
    for personnel_type, rulebook in _rulebooks_of(cycle):
        for is_leader in (True, False):
            order = 0
            for section in rulebook.form_sections(personnel_type=personnel_type, is_leader=is_leader):
                for criterion in section.criteria:
                    order += 1
                    rows.append(
                        CycleCriterion(
                            cycle=cycle,
                            rulebook_code=rulebook.code,
                            personnel_type=personnel_type,
                            is_leader=is_leader,
                            section_code=section.code,
                            section_title=str(section.title),
                            code=criterion.code,
                            title=str(criterion.title),
                            guidance=str(criterion.guidance),
                            max_points=criterion.max_points,
                            required=not criterion.optional,
                            filled_by=section.filled_by,
                            sort_order=order,
                        )
                    )
    with translation.override("vi"):
        created = CycleCriterion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _rulebooks_of(cycle: Cycle) -> list[tuple[PersonnelType, Rulebook]]:
    """(personnel type, rulebook) for every form the cycle may use: its framework's defaults and the rulebooks its
    enrolments took instead (Decree 233/2026 Art. 20(1))."""
    from .rulebooks import get_rulebook

    pairs = [
        (personnel_type, rulebook_for(cycle.framework, personnel_type)) for personnel_type in PersonnelType
    ]
    if cycle.pk:
        overrides = (
            Enrolment.objects.filter(cycle=cycle)
            .values_list("personnel_type", "rulebook_code")
            .distinct()
            .order_by()
        )
        for personnel_type, code in overrides:
            if (personnel_type, get_rulebook(code)) not in pairs:
                pairs.append((PersonnelType(personnel_type), get_rulebook(code)))
    return pairs


def _self_assessment_started(cycle: Cycle) -> bool:
    phase = Phase.objects.filter(cycle=cycle, kind=PhaseKind.SELF_ASSESSMENT, is_open=True).exists()
    return phase or Enrolment.objects.filter(cycle=cycle, evaluation__saved_at__isnull=False).exists()


def cycle_criterion_update(
    *, criterion: CycleCriterion, title: str, max_points: Decimal | None, by: User
) -> CycleCriterion:
    """Provinces add their own criteria and weights, but only before anyone starts filling the form."""
    require_home_affairs(by)
    _check_before_sign_off(criterion.cycle)
    if _self_assessment_started(criterion.cycle):
        raise CycleError(_("Giai đoạn tự đánh giá đã mở; không thể sửa tiêu chí nữa."))
    if (criterion.max_points is None) != (max_points is None):
        raise CycleError(_("Không thể đổi tiêu chí chấm điểm thành tiêu chí nhận xét hoặc ngược lại."))
    criterion.title = title
    criterion.max_points = max_points
    criterion.save(update_fields=["title", "max_points"])
    return criterion


def cycle_scoring_update(
    *,
    cycle: Cycle,
    band_htxsnv: Decimal,
    band_httnv: Decimal,
    band_htnv: Decimal,
    points_decimal_places: int,
    by: User,
) -> Cycle:
    """Provinces move the bands (Hải Phòng 212/2025); like the criteria, only before the phase opens."""
    require_home_affairs(by)
    _check_before_sign_off(cycle)
    if _self_assessment_started(cycle):
        raise CycleError(_("Giai đoạn tự đánh giá đã mở; không thể sửa ngưỡng điểm nữa."))
    if not (100 >= band_htxsnv > band_httnv > band_htnv >= 0):
        raise CycleError(_("Ngưỡng điểm phải giảm dần: HTXSNV > HTTNV > HTNV, trong khoảng 0–100."))
    if points_decimal_places not in (0, 1, 2):
        raise CycleError(_("Số chữ số thập phân của điểm là 0, 1 hoặc 2."))
    cycle.band_htxsnv, cycle.band_httnv, cycle.band_htnv = band_htxsnv, band_httnv, band_htnv
    cycle.points_decimal_places = points_decimal_places
    cycle.save(update_fields=["band_htxsnv", "band_httnv", "band_htnv", "points_decimal_places"])
    return cycle


def _check_points_forms_total_100(cycle: Cycle) -> None:
    # Decree 233/2026 Arts 10–11 (30 + 70 points; Decree 335 presumed alike): the scale is 100 points in all.
    # Law 80/2025 Art. 25(4) names the criteria but gives no points.
    totals = (
        CycleCriterion.objects.filter(cycle=cycle, filled_by=FilledBy.SELF, max_points__isnull=False)
        .values("rulebook_code", "personnel_type", "is_leader")
        .annotate(total=Sum("max_points"))
    )
    for row in totals:
        if row["total"] != 100:
            form = form_label(row["rulebook_code"], row["personnel_type"], row["is_leader"])
            raise CycleError(
                _("Tổng điểm tối đa của phiếu %(form)s là %(total)s, phải bằng 100.")
                % {"form": form, "total": row["total"]}
            )


def phase_open(*, phase: Phase, by: User) -> Phase:
    """Phases follow the cycle's order: every phase opens while the cycle is under way, except the objection
    window, which opens only after publication (domain.md §3.9) and before its deadline."""
    require_home_affairs(by)
    cycle = phase.cycle
    now = timezone.now()
    if phase.kind == PhaseKind.OBJECTIONS:
        if cycle.status != CycleStatus.SIGNED_OFF:
            raise CycleError(
                _("Thời gian nhận kiến nghị chỉ mở sau khi kết quả xếp loại được phê duyệt và công bố.")
            )
        if phase.deadline <= now:
            raise CycleError(
                _("Hạn nhận kiến nghị (%(deadline)s) đã qua; hãy đặt hạn mới trước khi mở.")
                % {"deadline": local_text(phase.deadline)}
            )
    elif cycle.status != CycleStatus.IN_PROGRESS:
        raise CycleError(_("Chỉ mở giai đoạn khi kỳ đánh giá đang diễn ra."))
    if phase.kind == PhaseKind.SELF_ASSESSMENT:
        _check_points_forms_total_100(cycle)
    Phase.objects.filter(pk=phase.pk).update(is_open=True, opened_at=now, closed_at=None)
    phase.is_open, phase.opened_at, phase.closed_at = True, now, None
    return phase


def phase_close(*, phase: Phase, by: User) -> Phase:
    """Home Affairs closes a phase by hand. Closing an objection window that has opened ends it early (it has then
    run its course); one that has not opened yet stays to open on its date."""
    from .selectors import objection_window

    require_home_affairs(by)
    if phase.cycle.status == CycleStatus.CLOSED:
        raise CycleError(_("Kỳ đánh giá đã kết thúc, không thể thay đổi."))
    closed_at = phase.closed_at
    if phase.kind == PhaseKind.OBJECTIONS and objection_window(phase.cycle, phase).is_open:
        closed_at = timezone.now()
    Phase.objects.filter(pk=phase.pk).update(is_open=False, closed_at=closed_at)
    phase.is_open, phase.closed_at = False, closed_at
    return phase


def phase_set(
    *, cycle: Cycle, kind: PhaseKind, starts_on: date, deadline: datetime, is_open: bool = False
) -> Phase:
    if cycle.status == CycleStatus.CLOSED:
        raise CycleError(_("Kỳ đánh giá đã kết thúc, không thể thay đổi."))
    if deadline.date() < starts_on:
        raise CycleError(_("Hạn chót phải sau ngày bắt đầu."))
    if is_open and kind == PhaseKind.SELF_ASSESSMENT:
        _check_points_forms_total_100(cycle)
    defaults: dict[str, object] = {"starts_on": starts_on, "deadline": deadline, "is_open": is_open}
    if is_open:
        defaults.update(opened_at=timezone.now(), closed_at=None)
    phase, _created = Phase.objects.update_or_create(cycle=cycle, kind=kind, defaults=defaults)
    return phase


@transaction.atomic
def enrolment_snapshot_create(
    *,
    cycle: Cycle,
    official: Official,
    peer_group: PeerGroup | None = None,
    agenda_order: int = 0,
    by: User | None = None,
) -> Enrolment:
    """Put a person in the cohort with a snapshot of their title, agency, group and type as of now.
    The portal enrols through `reviews.services.enrolment_create`, which also opens their evaluation."""
    if cycle.status not in (CycleStatus.SETUP, CycleStatus.IN_PROGRESS):
        raise CycleError(
            _("Chỉ bổ sung người được đánh giá khi kỳ đánh giá đang thiết lập hoặc đang diễn ra.")
        )
    peer_group = peer_group or official.peer_group
    if peer_group is None:
        raise CycleError(_("%(name)s chưa được xếp vào nhóm đối tượng.") % {"name": official.full_name})
    if Enrolment.objects.filter(cycle=cycle, official=official).exists():
        raise CycleError(_("%(name)s đã có trong danh sách kỳ này.") % {"name": official.full_name})
    organisation = official.organisation
    enrolment = Enrolment.objects.create(
        cycle=cycle,
        official=official,
        full_name=official.full_name,
        title=official.title,
        organisation=organisation,
        organisation_name=organisation.name,
        peer_group=peer_group,
        peer_group_name=peer_group.name,
        personnel_type=official.personnel_type,
        is_leader=official.is_leader,
        # Whether they head the agency is a fact of the enrolment, from the title (Decree 233 Art. 12(7)).
        is_head=title_is_head(official.title, official.is_leader),
        is_party_member=official.is_party_member,
        rulebook_code=rulebook_for(cycle.framework, official.personnel_type).code,
        agenda_order=agenda_order,
        enrolled_by=by,
    )
    return enrolment


def _self_assessment_opened(cycle: Cycle) -> bool:
    """Whether the self-assessment phase has opened (open now, or its deadline gone): an enrolment's rulebook is
    fixed from then, as the form follows it. Reads the cycle's own phases only (cycles sits below reviews)."""
    phases = Phase.objects.filter(cycle=cycle, kind=PhaseKind.SELF_ASSESSMENT)
    return phases.filter(is_open=True).exists() or phases.filter(deadline__lt=timezone.now()).exists()


@transaction.atomic
def enrolment_rulebook_set(*, enrolment: Enrolment, rulebook_code: str, reason: str, by: User) -> Enrolment:
    """Home Affairs lets one enrolment take another rulebook than its framework's default, with the reason: a
    public service unit without its own regulation rates its public employees under Decree 90 for the 2026 rating
    (Decree 233/2026 Art. 20(1)). Only before the self-assessment opens: the form follows the rulebook."""
    from audit.models import ActingAs, Action
    from audit.services import audit_record

    from .rulebooks import alternative_rulebooks

    require_home_affairs(by)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    cycle = enrolment.cycle
    _check_before_sign_off(cycle)
    default = rulebook_for(cycle.framework, enrolment.personnel_type).code
    allowed = alternative_rulebooks(cycle.framework, enrolment.personnel_type)
    if rulebook_code != default and rulebook_code not in allowed:
        raise CycleError(_("Quy định này không áp dụng được cho người được đánh giá trong kỳ này."))
    reason = (reason or "").strip()
    if rulebook_code != default and not reason:
        raise CycleError(
            _(
                "Hãy ghi lý do áp dụng quy định khác (ví dụ: đơn vị chưa ban hành Quy chế đánh giá – %(article)s)."
            )
            % {"article": allowed[rulebook_code]}
        )
    if len(reason) > 2000:
        raise CycleError(_("Lý do dài quá %(max)d ký tự.") % {"max": 2000})
    if rulebook_code == enrolment.rulebook_code and reason == enrolment.rulebook_reason:
        return enrolment
    if _self_assessment_opened(cycle):
        raise CycleError(
            _("Giai đoạn tự đánh giá đã mở; không thể đổi quy định áp dụng cho %(name)s nữa.")
            % {"name": enrolment.full_name}
        )
    before = {"rulebook": enrolment.rulebook_code, "reason": enrolment.rulebook_reason}
    enrolment.rulebook_code = rulebook_code
    enrolment.rulebook_reason = reason if rulebook_code != default else ""
    enrolment.save(update_fields=["rulebook_code", "rulebook_reason"])
    # The cycle carries its own copy of every form it uses, the override's included.
    cycle_criteria_seed(cycle=cycle)
    audit_record(
        action=Action.ENROLMENT_RULEBOOK_SET,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        cycle=cycle,
        target=str(enrolment),
        before=before,
        after={
            "rulebook": enrolment.rulebook_code,
            "reason": enrolment.rulebook_reason,
            "article": allowed.get(rulebook_code, ""),
        },
    )
    return enrolment


@transaction.atomic
def enrolment_head_set(*, enrolment: Enrolment, is_head: bool, reason: str, by: User) -> Enrolment:
    """Home Affairs corrects whether the person heads their agency, where the title misleads. It decides whether
    the agency's level caps them (Decree 233/2026 Art. 12(7)), so only until the sign-off (which checks every
    decision against the caps again), and with a reason."""
    from audit.models import ActingAs, Action
    from audit.services import audit_record

    require_home_affairs(by)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    _check_before_sign_off(enrolment.cycle)
    if enrolment.is_head == is_head:
        return enrolment
    reason = (reason or "").strip()
    if not reason:
        raise CycleError(
            _("Hãy ghi căn cứ sửa vị trí người đứng đầu (quyết định bổ nhiệm, giao phụ trách...).")
        )
    enrolment.is_head = is_head
    enrolment.save(update_fields=["is_head"])
    audit_record(
        action=Action.ENROLMENT_HEAD_SET,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        cycle=enrolment.cycle,
        target=str(enrolment),
        before={"is_head": not is_head},
        after={"is_head": is_head},
        note=reason[:2000],
    )
    return enrolment


def cycle_start(*, cycle: Cycle) -> Cycle:
    """Set-up is over: the cohort is fixed enough to begin the self-assessment phase."""
    updated = Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.SETUP).update(
        status=CycleStatus.IN_PROGRESS
    )
    cycle.refresh_from_db(fields=["status"])
    if not updated and cycle.status != CycleStatus.IN_PROGRESS:
        raise CycleError(_("Kỳ đánh giá không ở giai đoạn thiết lập."))
    return cycle


# --- Quota settings, the outstanding-results exception and agencies' own ratings (issue #4) ---

EDITABLE_FOR_RATING = (CycleStatus.SETUP, CycleStatus.IN_PROGRESS)


def _check_before_sign_off(cycle: Cycle) -> None:
    if cycle.status not in EDITABLE_FOR_RATING:
        raise CycleError(_("Kết quả của kỳ đánh giá đã được phê duyệt; không thay đổi được nữa."))


def quota_settings_update(*, cycle: Cycle, rate: Decimal, rounding: str, by: User) -> Cycle:
    """The base rate is 20% in every text (quota.py cites them); a province may be stricter, never looser than 25%
    (the outstanding-results ceiling, Decree 233/2026 Art. 12(6)(b), Decree 335/2025 Art. 20(5))."""
    from .rulebooks.quota import OUTSTANDING_RATE_MAX, Rounding

    require_home_affairs(by)

    _check_before_sign_off(cycle)
    if not (Decimal(0) < rate <= OUTSTANDING_RATE_MAX):
        raise CycleError(_("Tỷ lệ phải lớn hơn 0% và không quá 25%."))
    if rounding not in Rounding.values:
        raise CycleError(_("Cách làm tròn không hợp lệ."))
    Cycle.objects.filter(pk=cycle.pk).update(quota_rate=rate, quota_rounding=rounding)
    cycle.refresh_from_db()
    return cycle


def quota_exception_set(
    *, cycle: Cycle, peer_group: PeerGroup, rate: Decimal, reason: str, document: str, by: User
) -> QuotaException:
    """With outstanding results the competent level may allow up to 25% of those at HTTNV (Decree 90 Art. 2(6)
    with the Party's rule; Decree 335/2025 Art. 20(5); Decree 233/2026 Art. 12(6)(b), which needs the unit itself
    recognised HTXSNV). Recorded with the reason and the deciding document, per peer group."""
    from .rulebooks.quota import OUTSTANDING_RATE_MAX

    require_home_affairs(by)

    _check_before_sign_off(cycle)
    reason, document = (reason or "").strip(), (document or "").strip()
    if not reason or not document:
        raise CycleError(_("Ngoại lệ cần ghi rõ lý do (thành tích nổi trội) và văn bản cho phép."))
    if not (cycle.quota_rate < rate <= OUTSTANDING_RATE_MAX):
        raise CycleError(
            _("Tỷ lệ ngoại lệ phải cao hơn tỷ lệ chung (%(base)s%%) và không quá 25%%.")
            % {"base": f"{(cycle.quota_rate * 100).normalize():f}"}
        )
    members = list(cycle.enrolments.filter(peer_group=peer_group))
    if not members:
        raise CycleError(_("Nhóm đối tượng này không có ai trong kỳ đánh giá."))
    agency_levels = dict(AgencyRating.objects.filter(cycle=cycle).values_list("organisation_id", "level"))
    refusal = quota_exception_refusal(cycle, members, agency_levels)
    if refusal:
        raise CycleError(refusal)
    exception, _created = QuotaException.objects.update_or_create(
        cycle=cycle,
        peer_group=peer_group,
        defaults={"rate": rate, "reason": reason[:2000], "document": document[:255], "granted_by": by},
    )
    return exception


def quota_exception_remove(*, exception: QuotaException, by: User) -> None:
    require_home_affairs(by)
    _check_before_sign_off(exception.cycle)
    exception.delete()


@transaction.atomic
def agency_ratings_set(*, cycle: Cycle, ratings: dict[int, tuple[str, str]], by: User) -> int:
    """Every agency's own level from one form, all or nothing: {organisation id: (level, source)}. Only the rows
    that changed are written (and audited by agency_rating_set); returns how many."""
    require_home_affairs(by)
    current = {r.organisation_id: (r.level, r.source) for r in AgencyRating.objects.filter(cycle=cycle)}
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=ratings)}
    saved = 0
    for organisation_id, (level, source) in ratings.items():
        if current.get(organisation_id, ("", "")) == (level, (source or "").strip()):
            continue
        agency_rating_set(
            cycle=cycle, organisation=organisations[organisation_id], level=level, source=source, by=by
        )
        saved += 1
    return saved


def agency_rating_set(
    *, cycle: Cycle, organisation: Organisation, level: str, source: str = "", by: User
) -> AgencyRating | None:
    """An agency's own level for the year (input to Decree 233/2026 Art. 12(7)); an empty level removes it."""
    require_home_affairs(by)
    from .rulebooks import Level

    _check_before_sign_off(cycle)
    if not cycle.enrolments.filter(organisation=organisation).exists():
        raise CycleError(_("Cơ quan này không có người được đánh giá trong kỳ."))
    if not level:
        AgencyRating.objects.filter(cycle=cycle, organisation=organisation).delete()
        return None
    if level not in Level.values:
        raise CycleError(_("Mức xếp loại không hợp lệ."))
    rating, _created = AgencyRating.objects.update_or_create(
        cycle=cycle,
        organisation=organisation,
        defaults={"level": level, "source": (source or "").strip()[:255], "recorded_by": by},
    )
    return rating
