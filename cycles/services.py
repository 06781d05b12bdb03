"""Every write to cycles, phases and cohorts."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from officials.models import Official, Organisation, PeerGroup, PersonnelType
from officials.permissions import roles_of
from reviews.models import Evaluation

from .errors import CycleError, StaleNoteError
from .models import (
    Conference,
    ConferenceAttendance,
    ConferenceGuest,
    ConferenceNote,
    Cycle,
    CycleCriterion,
    CycleStatus,
    Enrolment,
    FilledBy,
    Phase,
    PhaseKind,
)
from .rulebooks import rulebook_for
from .selectors import form_label, quota_exception_refusal, title_is_head


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


def _rulebooks_of(cycle: Cycle):
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
    return phase or Evaluation.objects.filter(enrolment__cycle=cycle, saved_at__isnull=False).exists()


def cycle_criterion_update(
    *, criterion: CycleCriterion, title: str, max_points: Decimal | None
) -> CycleCriterion:
    """Provinces add their own criteria and weights, but only before anyone starts filling the form."""
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
    *, cycle: Cycle, band_htxsnv: Decimal, band_httnv: Decimal, band_htnv: Decimal, points_decimal_places: int
) -> Cycle:
    """Provinces move the bands (Hải Phòng 212/2025); like the criteria, only before the phase opens."""
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


def phase_open(*, phase: Phase) -> Phase:
    if phase.cycle.status != CycleStatus.IN_PROGRESS:
        raise CycleError(_("Chỉ mở giai đoạn khi kỳ đánh giá đang diễn ra."))
    if phase.kind == PhaseKind.SELF_ASSESSMENT:
        _check_points_forms_total_100(phase.cycle)
    Phase.objects.filter(pk=phase.pk).update(is_open=True)
    phase.is_open = True
    return phase


def phase_close(*, phase: Phase) -> Phase:
    Phase.objects.filter(pk=phase.pk).update(is_open=False)
    phase.is_open = False
    return phase


def phase_set(
    *, cycle: Cycle, kind: PhaseKind, starts_on, deadline: datetime, is_open: bool = False
) -> Phase:
    if cycle.status == CycleStatus.CLOSED:
        raise CycleError(_("Kỳ đánh giá đã kết thúc, không thể thay đổi."))
    if deadline.date() < starts_on:
        raise CycleError(_("Hạn chót phải sau ngày bắt đầu."))
    if is_open and kind == PhaseKind.SELF_ASSESSMENT:
        _check_points_forms_total_100(cycle)
    phase, _created = Phase.objects.update_or_create(
        cycle=cycle, kind=kind, defaults={"starts_on": starts_on, "deadline": deadline, "is_open": is_open}
    )
    return phase


@transaction.atomic
def enrolment_create(
    *, cycle: Cycle, official: Official, peer_group: PeerGroup | None = None, agenda_order: int = 0, by=None
) -> Enrolment:
    """Put a person in the cohort with a snapshot of their title, agency, group and type as of now,
    and open their (empty) evaluation."""
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
    Evaluation.objects.create(enrolment=enrolment)
    return enrolment


def _self_assessment_opened(cycle: Cycle) -> bool:
    """Whether the self-assessment phase has opened (open now, or its deadline gone): an enrolment's rulebook is
    fixed from then, as the form follows it. Reads the cycle's own phases only (cycles sits below reviews)."""
    phases = Phase.objects.filter(cycle=cycle, kind=PhaseKind.SELF_ASSESSMENT)
    return phases.filter(is_open=True).exists() or phases.filter(deadline__lt=timezone.now()).exists()


@transaction.atomic
def enrolment_rulebook_set(*, enrolment: Enrolment, rulebook_code: str, reason: str, by) -> Enrolment:
    """Home Affairs lets one enrolment take another rulebook than its framework's default, with the reason: a
    public service unit without its own regulation rates its public employees under Decree 90 for the 2026 rating
    (Decree 233/2026 Art. 20(1)). Only before the self-assessment opens: the form follows the rulebook."""
    from audit.models import ActingAs, Action
    from audit.services import audit_record

    from .rulebooks import alternative_rulebooks

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
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
def enrolment_head_set(*, enrolment: Enrolment, is_head: bool, reason: str, by) -> Enrolment:
    """Home Affairs corrects whether the person heads their agency, where the title misleads. It decides whether
    the agency's level caps them (Decree 233/2026 Art. 12(7)), so only until the sign-off (which checks every
    decision against the caps again), and with a reason."""
    from audit.models import ActingAs, Action
    from audit.services import audit_record

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
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


def quota_settings_update(*, cycle: Cycle, rate: Decimal, rounding: str, by=None) -> Cycle:
    """The base rate is 20% in every text (quota.py cites them); a province may be stricter, never looser than 25%
    (the outstanding-results ceiling, Decree 233/2026 Art. 12(6)(b), Decree 335/2025 Art. 20(5))."""
    from .rulebooks.quota import OUTSTANDING_RATE_MAX, Rounding

    _check_before_sign_off(cycle)
    if not (Decimal(0) < rate <= OUTSTANDING_RATE_MAX):
        raise CycleError(_("Tỷ lệ phải lớn hơn 0% và không quá 25%."))
    if rounding not in Rounding.values:
        raise CycleError(_("Cách làm tròn không hợp lệ."))
    Cycle.objects.filter(pk=cycle.pk).update(quota_rate=rate, quota_rounding=rounding)
    cycle.refresh_from_db()
    return cycle


def quota_exception_set(
    *, cycle: Cycle, peer_group: PeerGroup, rate: Decimal, reason: str, document: str, by=None
):
    """With outstanding results the competent level may allow up to 25% of those at HTTNV (Decree 90 Art. 2(6)
    with the Party's rule; Decree 335/2025 Art. 20(5); Decree 233/2026 Art. 12(6)(b), which needs the unit itself
    recognised HTXSNV). Recorded with the reason and the deciding document, per peer group."""
    from .models import AgencyRating, QuotaException
    from .rulebooks.quota import OUTSTANDING_RATE_MAX

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


def quota_exception_remove(*, exception, by=None) -> None:
    _check_before_sign_off(exception.cycle)
    exception.delete()


def agency_rating_set(*, cycle: Cycle, organisation: Organisation, level: str, source: str = "", by=None):
    """An agency's own level for the year (input to Decree 233/2026 Art. 12(7)); an empty level removes it."""
    from .models import AgencyRating
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


# --- The conference (domain.md §3.6, issue #5): Home Affairs acts as its secretary. ---

CONFERENCE_TEXT_MAX = 20_000
CONFERENCE_LINE_MAX = 255


def _require_conference_secretary(by) -> None:
    # Defence in depth: the views already let only Home Affairs reach these forms.
    if not roles_of(by).is_home_affairs:
        raise PermissionDenied


def _check_conference_editable(cycle: Cycle) -> None:
    if cycle.status not in EDITABLE_FOR_RATING:
        raise CycleError(
            _("Kết quả của kỳ đánh giá đã được phê duyệt; không sửa thông tin hội nghị được nữa.")
        )


def _clean_text(value: str, label: str, *, limit: int = CONFERENCE_TEXT_MAX, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CycleError(_("Hãy nhập %(field)s.") % {"field": label})
    if len(value) > limit:
        raise CycleError(
            _("Nội dung “%(field)s” dài %(length)d ký tự, quá giới hạn %(max)d ký tự.")
            % {"field": label, "length": len(value), "max": limit}
        )
    return value


@transaction.atomic
def conference_set(
    *,
    cycle: Cycle,
    held_on: date,
    starts_at: time,
    venue: str,
    chaired_by_name: str,
    chaired_by_title: str = "",
    secretary_name: str,
    secretary_title: str = "",
    agenda: str = "",
    by,
) -> Conference:
    """Create or update the conference's details. Saving twice with the same values changes nothing else."""
    _require_conference_secretary(by)
    _check_conference_editable(cycle)
    line = CONFERENCE_LINE_MAX
    values = {
        "held_on": held_on,
        "starts_at": starts_at,
        "venue": _clean_text(venue, _("địa điểm"), limit=line, required=True),
        "chaired_by_name": _clean_text(chaired_by_name, _("họ tên người chủ trì"), limit=150, required=True),
        "chaired_by_title": _clean_text(chaired_by_title, _("chức vụ người chủ trì"), limit=line),
        "secretary_name": _clean_text(secretary_name, _("họ tên thư ký"), limit=150, required=True),
        "secretary_title": _clean_text(secretary_title, _("chức vụ thư ký"), limit=line),
        "agenda": _clean_text(agenda, _("chương trình hội nghị")),
    }
    if held_on.year not in (cycle.year, cycle.year + 1):
        raise CycleError(
            _("Ngày họp phải thuộc năm %(year)s hoặc đầu năm sau (trường hợp đặc biệt).")
            % {"year": cycle.year}
        )
    conference = Conference.objects.select_for_update().filter(cycle=cycle).first()
    if conference is None:
        return Conference.objects.create(cycle=cycle, updated_by=by, **values)
    for name, value in values.items():
        setattr(conference, name, value)
    conference.updated_by = by
    conference.version += 1
    conference.save(update_fields=[*values, "updated_by", "updated_at", "version"])
    return conference


@dataclass(frozen=True)
class AttendanceEntry:
    enrolment_id: int
    present: bool
    absence_reason: str = ""


@transaction.atomic
def conference_attendance_set(*, conference: Conference, entries: list[AttendanceEntry], by) -> int:
    """Record who of the cohort is present and why the others are absent, all or nothing."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    names = dict(Enrolment.objects.filter(cycle_id=conference.cycle_id).values_list("pk", "full_name"))
    rows = []
    for entry in entries:
        if entry.enrolment_id not in names:
            raise CycleError(_("Người này không có trong danh sách đánh giá của kỳ."))
        reason = "" if entry.present else (entry.absence_reason or "").strip()
        if not entry.present and not reason:
            raise CycleError(_("Hãy ghi lý do vắng mặt của %(name)s.") % {"name": names[entry.enrolment_id]})
        if len(reason) > 500:
            raise CycleError(
                _("Lý do vắng mặt của %(name)s dài quá 500 ký tự.") % {"name": names[entry.enrolment_id]}
            )
        rows.append(
            ConferenceAttendance(
                conference=conference,
                enrolment_id=entry.enrolment_id,
                present=entry.present,
                absence_reason=reason,
            )
        )
    ConferenceAttendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["conference", "enrolment"],
        update_fields=["present", "absence_reason"],
    )
    return len(rows)


@transaction.atomic
def conference_guest_add(*, conference: Conference, name: str, position: str = "", by) -> ConferenceGuest:
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    name = _clean_text(name, _("họ tên khách mời"), limit=150, required=True)
    position = _clean_text(position, _("chức vụ, cơ quan của khách mời"), limit=CONFERENCE_LINE_MAX)
    last = conference.guests.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return ConferenceGuest.objects.create(
        conference=conference, name=name, position=position, sort_order=(last or 0) + 1
    )


def conference_guest_remove(*, guest: ConferenceGuest, by) -> None:
    _require_conference_secretary(by)
    _check_conference_editable(guest.conference.cycle)
    guest.delete()


def conference_report_attach(*, conference: Conference, upload, by) -> Conference:
    """The Home Affairs report to the chair, as the signed PDF. Checked by content, never by name."""
    from reviews.services.self_assessment import upload_checked

    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    upload_checked(upload, error=CycleError, pdf_only=True)
    old = conference.report.name if conference.report else ""
    with transaction.atomic():
        conference.report.save("report", upload, save=False)
        conference.report_name = upload.name[:255]
        conference.updated_by = by
        conference.save(update_fields=["report", "report_name", "updated_by", "updated_at"])
        if old:
            # The replaced file goes only once the new one is committed.
            storage = conference.report.storage
            transaction.on_commit(lambda: storage.delete(old))
    return conference


def _evaluation_in_conference(conference: Conference, evaluation: Evaluation) -> None:
    if evaluation.enrolment.cycle_id != conference.cycle_id:
        raise CycleError(_("Người này không có trong danh sách đánh giá của kỳ."))


def conference_note_save(
    *, conference: Conference, evaluation: Evaluation, text: str, version: int, by
) -> ConferenceNote | None:
    """Save the discussion notes about one person. `version` is the copy the secretary started from (0 for
    none yet): a conditional update, so a save from a stale copy is refused and the other text returned."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    _evaluation_in_conference(conference, evaluation)
    text = _clean_text(text, _("Ghi chép thảo luận"))
    now = timezone.now()
    with transaction.atomic():
        if version == 0 and not text:
            # Stepping past someone nobody spoke about leaves no empty note behind.
            note = ConferenceNote.objects.filter(conference=conference, evaluation=evaluation).first()
            if note is None:
                return None
        if version == 0:
            note, created = ConferenceNote.objects.get_or_create(
                conference=conference, evaluation=evaluation, defaults={"text": text, "updated_by": by}
            )
            saved = created
        else:
            saved = ConferenceNote.objects.filter(
                conference=conference, evaluation=evaluation, version=version
            ).update(text=text, version=F("version") + 1, updated_at=now, updated_by=by)
            note = ConferenceNote.objects.filter(conference=conference, evaluation=evaluation).first()
        if not saved:
            # An autosave already carried this very text (a keypress raced the timer): nothing is lost.
            if note is not None and note.text == text:
                return note
            raise StaleNoteError(
                _(
                    "Ghi chép về %(name)s vừa được lưu ở nơi khác lúc %(when)s. Nội dung bạn gõ vẫn còn nguyên; "
                    "bản đã lưu ở nơi khác hiện bên dưới: hãy gộp lại rồi lưu để thay bản đó."
                )
                % {
                    "name": evaluation.enrolment.full_name,
                    "when": date_format(timezone.localtime(note.updated_at), "H:i:s") if note else "—",
                },
                current_text=note.text if note else "",
                current_version=note.version if note else 0,
            )
    return note


def conference_focus(*, conference: Conference, evaluation: Evaluation, by) -> Conference:
    """Put a person on screen: the chair's screen follows `current_evaluation`."""
    _require_conference_secretary(by)
    _evaluation_in_conference(conference, evaluation)
    now = timezone.now()
    Conference.objects.filter(pk=conference.pk).update(current_evaluation=evaluation, focused_at=now)
    conference.current_evaluation, conference.focused_at = evaluation, now
    return conference


@transaction.atomic
def conference_close(
    *, conference: Conference, concluding_remarks: str, closed_at: datetime, by
) -> Conference:
    """The chair's concluding remarks and the closing time; may be corrected until the results are signed off."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    remarks = _clean_text(concluding_remarks, _("kết luận của chủ trì"), required=True)
    if timezone.is_naive(closed_at):
        raise CycleError(_("Giờ kết thúc không hợp lệ."))
    opened = timezone.make_aware(datetime.combine(conference.held_on, conference.starts_at))
    if closed_at <= opened:
        raise CycleError(
            _("Giờ kết thúc phải sau giờ khai mạc (%(start)s).")
            % {"start": date_format(timezone.localtime(opened), "H:i d/m/Y")}
        )
    conference.concluding_remarks, conference.closed_at, conference.updated_by = remarks, closed_at, by
    conference.version += 1
    conference.save(update_fields=["concluding_remarks", "closed_at", "updated_by", "updated_at", "version"])
    return conference


# --- Closing the cycle (domain.md §3.10, issue #5) ---


class CycleCloseRefused(CycleError):
    def __init__(self, blockers: list[str]):
        super().__init__(_("Chưa thể kết thúc kỳ đánh giá: ") + " ".join(blockers))
        self.blockers = blockers


def cycle_close(*, cycle: Cycle, by) -> Cycle:
    """Home Affairs closes and archives the cycle once nothing is unfinished; everything is read-only afterwards.
    Home Affairs, not the chair: it runs the cycle from set-up to archive (domain.md §2), the chair decided and
    signed. The cycle row is locked, so no objection or new decision slips in between the check and the close."""
    from audit.models import ActingAs, Action
    from audit.services import audit_record

    from .selectors import cycle_close_blockers

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        blockers = cycle_close_blockers(locked)
        if blockers:
            raise CycleCloseRefused(blockers)
        phases_closed = Phase.objects.filter(cycle=locked, is_open=True).update(is_open=False)
        Cycle.objects.filter(pk=locked.pk).update(status=CycleStatus.CLOSED)
        audit_record(
            action=Action.CYCLE_CLOSED,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            cycle=locked,
            target=str(locked),
            before={"status": locked.status},
            after={"status": CycleStatus.CLOSED, "phases_closed": phases_closed},
        )
    cycle.refresh_from_db()
    return cycle
