"""The chair's decisions and the sign-off (domain.md §3.7; issue #5).

The law holds at the server: a level above a person's cap is refused with the reason; the whole set must respect
each peer group's quota before sign-off; sign-off locks every rating of the cycle at once. Decisions and the sign-off
lock the cycle row, so a decision cannot slip in after the sign-off checked the set, and two browsers deciding the
same person are settled by the evaluation's version (the second is refused, never silently lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import ActingAs, Action
from audit.services import audit_record
from cycles.models import Cycle, CycleStatus
from cycles.rulebooks import Level
from cycles.selectors import cohort_order
from officials.models import PersonnelType
from officials.permissions import chair_grant_refusal, require_chair

from ..errors import ReviewError, StaleFormError
from ..models import (
    Decision,
    DecisionState,
    Evaluation,
    EvaluationEvent,
    EvaluationStatus,
    EventKind,
    SigningAs,
)
from .self_assessment import MAX_REASON_LENGTH

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import User

    from cycles.rulebooks.caps import Caps

    from ..selectors import CohortStanding, GroupQuota

MAX_COMMENTS_LENGTH = 10000
DECIDABLE = (
    EvaluationStatus.SUBMITTED,
    EvaluationStatus.IN_REVIEW,
    EvaluationStatus.PROPOSED,
    EvaluationStatus.DECIDED,
)


def require_deciding_chair(by: User) -> None:
    """The chair, whose role took effect for deciding: not self-granted, confirmed by a second person
    (separation of duties, issue #18 item 3; the rule is `officials.permissions.chair_grant_refusal`)."""
    require_chair(by)
    refusal = chair_grant_refusal(by)
    if refusal is not None:
        raise ReviewError(refusal)


def cap_refusal(
    evaluation: Evaluation, level: str, not_rated: bool, caps: Caps | None = None, departure_reason: str = ""
) -> str | None:
    """Why this level (or "not rated") is not allowed for the person; `caps` when the caller already has them.
    `departure_reason` lets the authority go above a cap the law lets it weigh (Decree 233 Art. 12(4)(d))."""
    from ..selectors import agency_level_of, caps_for

    if caps is None:
        caps = caps_for(evaluation, agency_level_of(evaluation))
    why = " ".join(f"{reason.text} ({reason.citation})" for reason in caps.binding())
    name = evaluation.enrolment.full_name
    if caps.not_rated and not not_rated:
        return _("%(name)s thuộc trường hợp không xếp loại chất lượng: %(why)s") % {"name": name, "why": why}
    if level and caps.missing:
        # No score in a points regime; a head whose agency is not rated yet (Decree 233 Art. 15(1)(a)).
        return _("Chưa thể xếp loại %(name)s: còn thiếu căn cứ. %(why)s") % {"name": name, "why": why}
    if level and not caps.allows(Level(level)):
        if caps.allows_departing(Level(level)):
            if departure_reason:
                return None
            return _(
                "Xếp %(name)s ở mức %(level)s là khác mức giới hạn mặc định %(cap)s: hãy ghi lý do (lý do được in "
                "trên phiếu). %(why)s"
            ) % {"name": name, "level": Level(level).label, "cap": caps.cap_label, "why": why}
        return _("Không thể xếp %(name)s ở mức %(level)s: mức cao nhất được phép là %(cap)s. %(why)s") % {
            "name": name,
            "level": Level(level).label,
            "cap": caps.cap_label,
            "why": why,
        }
    return None


def decision_content_check(
    *, evaluation: Evaluation, level: str, not_rated: bool, comments: str, outlook: str
) -> tuple[str, str]:
    """What every decision needs, first or replacing one: a level or "not rated", comments within the limit, and
    for cán bộ the outlook. Returns the comments and outlook stripped; raises ReviewError with the message."""
    if bool(level) == bool(not_rated):
        raise ReviewError(_("Chọn một mức xếp loại hoặc “không xếp loại”."))
    if level and level not in Level.values:
        raise ReviewError(_("Mức xếp loại không hợp lệ."))
    comments, outlook = (comments or "").strip(), (outlook or "").strip()
    if not comments:
        raise ReviewError(_("Hãy ghi nhận xét ưu, khuyết điểm."))
    if len(comments) > MAX_COMMENTS_LENGTH or len(outlook) > MAX_COMMENTS_LENGTH:
        raise ReviewError(_("Nhận xét dài quá %(max)d ký tự.") % {"max": MAX_COMMENTS_LENGTH})
    # Mẫu 01 (Decree 90) and the authority's part for cán bộ: "nhận định chiều hướng, triển vọng phát triển".
    if evaluation.enrolment.personnel_type == PersonnelType.CAN_BO and not outlook:
        raise ReviewError(_("Với cán bộ, hãy ghi nhận định chiều hướng, triển vọng phát triển."))
    return comments, outlook


def _decision_values(evaluation: Evaluation) -> dict[str, Any]:
    return {"level": evaluation.final_level, "not_rated": evaluation.final_not_rated}


def decision_record(
    *,
    evaluation: Evaluation,
    level: str = "",
    not_rated: bool = False,
    comments: str,
    outlook: str = "",
    departure_reason: str = "",
    version: int,
    by: User,
) -> Decision:
    """Record (or change, before sign-off) the chair's decision on one person. Above a cap the authority may
    weigh (Decree 233 Art. 12(4)(d)) it needs `departure_reason`, which prints on the rating form."""
    require_deciding_chair(by)
    comments, outlook = decision_content_check(
        evaluation=evaluation, level=level, not_rated=not_rated, comments=comments, outlook=outlook
    )
    departure_reason = (departure_reason or "").strip()
    if len(departure_reason) > MAX_REASON_LENGTH:
        raise ReviewError(_("Lý do dài quá %(max)d ký tự.") % {"max": MAX_REASON_LENGTH})
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=evaluation.enrolment.cycle_id)
        if cycle.status != CycleStatus.IN_PROGRESS:
            raise ReviewError(
                _("Kết quả đã được phê duyệt; mọi thay đổi phải là một quyết định mới (sau kiến nghị).")
            )
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status not in DECIDABLE:
            raise ReviewError(_("Chỉ quyết định được khi người được đánh giá đã nộp tự đánh giá."))
        if current.version != version:
            raise StaleFormError(
                _(
                    "Quyết định về %(name)s vừa được ghi ở nơi khác (%(level)s). Hãy xem lại trước khi ghi đè; "
                    "nội dung bạn nhập vẫn còn."
                )
                % {"name": evaluation.enrolment.full_name, "level": current.final_label or "—"},
                current_version=current.version,
            )
        from ..selectors import agency_level_of, caps_for

        caps = caps_for(current, agency_level_of(current))
        refusal = cap_refusal(current, level, not_rated, caps=caps, departure_reason=departure_reason)
        if refusal:
            raise ReviewError(refusal)
        # Kept only where the level does depart from a departable cap.
        if not (level and caps.departed_from(Level(level))):
            departure_reason = ""
        before = _decision_values(current)
        decision = Decision.objects.filter(evaluation=current, state=DecisionState.DRAFT).first() or Decision(
            evaluation=current
        )
        decision.level, decision.not_rated = level, not_rated
        decision.comments, decision.outlook, decision.recorded_by = comments, outlook, by
        decision.cap_departure_reason = departure_reason
        decision.save()
        Evaluation.objects.filter(pk=current.pk).update(
            final_level=level,
            final_not_rated=not_rated,
            final_cap_departure_reason=departure_reason,
            status=EvaluationStatus.DECIDED,
            version=F("version") + 1,
        )
        EvaluationEvent.objects.create(evaluation=current, kind=EventKind.DECIDED, by=by)
        audit_record(
            action=Action.DECISION_RECORDED,
            actor=by,
            acting_as=ActingAs.CHAIR,
            evaluation=current,
            target=str(current.enrolment),
            before=before,
            after={
                "level": level,
                "not_rated": not_rated,
                "comments": comments,
                "outlook": outlook,
                "departure_reason": departure_reason,
            },
        )
    return decision


@dataclass
class GroupAcceptance:
    """What accepting a peer group's proposals did, person by person: nothing is half-applied silently."""

    group_name: str
    recorded: list[str] = field(default_factory=list)
    # (name, why) for each person whose proposal could not become the decision.
    refused: list[tuple[str, str]] = field(default_factory=list)
    # Already decided before the action: left as they are.
    unchanged: int = 0


def decisions_accept_group(
    *, cycle: Cycle, peer_group_id: int, versions: dict[int, int], by: User
) -> GroupAcceptance:
    """The chair accepts Home Affairs' proposals (level and drafted comments) for every undecided person of one
    peer group (issue #13 item 6). Each decision goes through `decision_record`, so caps, the cán bộ outlook and
    a concurrent edit are checked person by person; `versions` are the evaluations' versions the board showed.
    The quota is checked on the group first: if accepting every HTXSNV proposal would exceed the allowance, those
    proposals are refused (the chair chooses among them one by one) and the others are recorded."""
    from ..selectors import LevelSource, cohort_standing, group_quota

    require_deciding_chair(by)
    if cycle.status != CycleStatus.IN_PROGRESS:
        raise ReviewError(
            _("Kết quả đã được phê duyệt; mọi thay đổi phải là một quyết định mới (sau kiến nghị).")
        )
    standing = cohort_standing(cycle, LevelSource.FINAL)
    group = next((g for g in standing.groups if g.peer_group_id == peer_group_id), None)
    if group is None:
        raise ReviewError(_("Nhóm đối tượng không có trong kỳ đánh giá này."))
    rows = [row for row in standing.rows if row.enrolment.peer_group_id == peer_group_id]
    result = GroupAcceptance(group_name=group.name)
    pending = []
    for row in rows:
        evaluation = row.evaluation
        if evaluation.status == EvaluationStatus.EXEMPT:
            continue
        if evaluation.final_level or evaluation.final_not_rated:
            result.unchanged += 1
        elif evaluation.status not in DECIDABLE:
            result.refused.append((row.enrolment.full_name, _("chưa nộp tự đánh giá")))
        elif not (evaluation.proposed_level or evaluation.proposed_not_rated):
            result.refused.append((row.enrolment.full_name, _("Sở Nội vụ chưa đề xuất mức")))
        else:
            pending.append(row)
    # The quota holds on the set (Decree 90 Art. 3(2); quota.py): count the group as it would stand.
    pending_pks = {row.evaluation.pk for row in pending}
    levels = [
        row.evaluation.proposed_level if row.evaluation.pk in pending_pks else row.evaluation.final_level
        for row in rows
        if row.evaluation.status != EvaluationStatus.EXEMPT
    ]
    exception = group.exception if group.exception_refusal is None else None
    after = group_quota(cycle, rows[0].enrolment.peer_group, levels, exception).position
    if not after.within:
        quota_reason = _(
            "nhận cả nhóm thì vượt tỷ lệ HTXSNV (%(htxsnv)d, tối đa %(allowed)d): hãy chọn từng người"
        ) % {"htxsnv": after.htxsnv, "allowed": after.allowed}
        for row in [r for r in pending if r.evaluation.proposed_level == Level.HTXSNV]:
            pending.remove(row)
            result.refused.append((row.enrolment.full_name, quota_reason))
    for row in pending:
        evaluation = row.evaluation
        try:
            decision_record(
                evaluation=evaluation,
                level=evaluation.proposed_level,
                not_rated=evaluation.proposed_not_rated,
                comments=evaluation.proposal_comments,
                # The proposal's reason carries a weighed departure from a cap; kept only where it departs.
                departure_reason=evaluation.proposal_reason,
                version=versions.get(evaluation.pk, evaluation.version),
                by=by,
            )
        except ReviewError as exc:
            result.refused.append((row.enrolment.full_name, str(exc)))
        else:
            result.recorded.append(row.enrolment.full_name)
    return result


@dataclass
class SignOffCheck:
    """What stands between the cycle and its sign-off; empty lists mean it may be signed."""

    undecided: list[str] = field(default_factory=list)
    above_cap: list[str] = field(default_factory=list)
    over_quota: list[str] = field(default_factory=list)
    # How many undecided people `undecided` leaves out (the board names only the first few; issue #15).
    undecided_more: int = 0
    # The board's overview leaves the caps of every decided person to the sign-off itself.
    caps_checked: bool = True

    @property
    def ready(self) -> bool:
        return not (self.undecided or self.above_cap or self.over_quota)

    @property
    def undecided_count(self) -> int:
        return len(self.undecided) + self.undecided_more

    def messages(self) -> list[str]:
        lines = []
        if self.undecided_more:
            lines.append(
                ngettext(
                    "%(count)d người chưa có quyết định: %(names)s và %(more)d người khác.",
                    "%(count)d người chưa có quyết định: %(names)s và %(more)d người khác.",
                    self.undecided_count,
                )
                % {
                    "count": self.undecided_count,
                    "names": ", ".join(self.undecided),
                    "more": self.undecided_more,
                }
            )
        elif self.undecided:
            lines.append(_("Chưa có quyết định: %(names)s.") % {"names": ", ".join(self.undecided)})
        lines.extend(self.above_cap)
        lines.extend(self.over_quota)
        return lines


def sign_off_check(cycle: Cycle, standing: CohortStanding | None = None) -> SignOffCheck:
    """The same check the sign-off makes, for the page to show before the chair presses the button. Pass the
    decisions' `standing` when the caller has it; the caps come from it, so the check is a fixed number of queries."""
    from ..selectors import LevelSource, cohort_standing

    if standing is None:
        standing = cohort_standing(cycle, LevelSource.FINAL)
    check = SignOffCheck()
    for row in standing.rows:
        evaluation = row.evaluation
        if evaluation.status == EvaluationStatus.EXEMPT:
            # Not rated this year, recorded by Home Affairs with the reason and article: nothing to decide.
            continue
        if evaluation.status not in (EvaluationStatus.DECIDED, EvaluationStatus.PUBLISHED):
            check.undecided.append(evaluation.enrolment.full_name)
            continue
        refusal = cap_refusal(
            evaluation,
            evaluation.final_level,
            evaluation.final_not_rated,
            caps=row.caps,
            departure_reason=evaluation.final_cap_departure_reason,
        )
        if refusal:
            check.above_cap.append(refusal)
    check.over_quota = _over_quota_lines(standing.groups)
    return check


def sign_off_overview(cycle: Cycle, groups: list[GroupQuota], limit: int = 20) -> SignOffCheck:
    """What the decision board shows before the sign-off, in work that does not grow with the cohort (issue #15):
    the undecided people counted in SQL and the first `limit` named, and the groups over the quota (`groups`
    counted on the decisions by an aggregate). Every decided person's caps are checked by `sign_off_check` when
    the chair signs off; each decision was already checked against the caps when it was recorded."""
    undecided = (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .exclude(status__in=[EvaluationStatus.EXEMPT, EvaluationStatus.DECIDED, EvaluationStatus.PUBLISHED])
        .order_by(*cohort_order("enrolment__"))
    )
    names = list(undecided.values_list("enrolment__full_name", flat=True)[:limit])
    more = undecided.count() - len(names) if len(names) == limit else 0
    check = SignOffCheck(undecided=names, undecided_more=more, caps_checked=False)
    check.over_quota = _over_quota_lines(groups)
    return check


def _over_quota_lines(groups: list[GroupQuota]) -> list[str]:
    lines = []
    for group in groups:
        if not group.within:
            lines.append(
                _(
                    "Nhóm “%(group)s” vượt tỷ lệ: %(htxsnv)d HTXSNV, tối đa %(allowed)d (%(arithmetic)s; %(article)s)."
                )
                % {
                    "group": group.name,
                    "htxsnv": group.position.htxsnv,
                    "allowed": group.position.allowed,
                    "arithmetic": group.position.arithmetic,
                    "article": group.citation,
                }
            )
        if group.exception_refusal:
            lines.append(group.exception_refusal)
    return lines


class SignOffRefused(ReviewError):
    def __init__(self, check: SignOffCheck) -> None:
        super().__init__(_("Chưa thể phê duyệt: ") + " ".join(check.messages()))
        self.check = check


def signature_check(signing_as: str, signer_name: str) -> str:
    """Who signs for the authority: TM. (the chair) or KT. (a vice-chair for the chair), with a name. Returns the
    name as it will print; raises ReviewError with the message."""
    if signing_as not in SigningAs.values:
        raise ReviewError(_("Hãy chọn thẩm quyền ký (TM. hoặc KT.)."))
    signer_name = (signer_name or "").strip()[:150]
    if not signer_name:
        raise ReviewError(_("Hãy ghi họ tên người ký."))
    return signer_name


def cycle_sign_off(*, cycle: Cycle, signing_as: str, signer_name: str, by: User) -> Cycle:
    """Lock every rating of the cycle at once: all decided, none above its cap, every group within its quota."""
    require_deciding_chair(by)
    signer_name = signature_check(signing_as, signer_name)
    now = timezone.now()
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status != CycleStatus.IN_PROGRESS:
            raise ReviewError(_("Kỳ đánh giá đã được phê duyệt hoặc chưa bắt đầu."))
        check = sign_off_check(locked)
        if not check.ready:
            raise SignOffRefused(check)
        evaluations = Evaluation.objects.filter(enrolment__cycle=locked)
        signed = Decision.objects.filter(evaluation__in=evaluations, state=DecisionState.DRAFT).update(
            state=DecisionState.SIGNED, signing_as=signing_as, signer_name=signer_name, signed_at=now
        )
        # Those not rated (EXEMPT) keep their state: they have no decision to publish.
        evaluations.filter(status=EvaluationStatus.DECIDED).update(
            status=EvaluationStatus.PUBLISHED, version=F("version") + 1
        )
        Cycle.objects.filter(pk=locked.pk).update(status=CycleStatus.SIGNED_OFF)
        EvaluationEvent.objects.bulk_create(
            EvaluationEvent(evaluation_id=pk, kind=EventKind.SIGNED_OFF, by=by)
            for pk in evaluations.values_list("pk", flat=True)
        )
        audit_record(
            action=Action.CYCLE_SIGNED_OFF,
            actor=by,
            acting_as=ActingAs.VICE_CHAIR if signing_as == SigningAs.VICE_CHAIR else ActingAs.CHAIR,
            cycle=locked,
            target=str(locked),
            before={"status": CycleStatus.IN_PROGRESS},
            after={
                "status": CycleStatus.SIGNED_OFF,
                "decisions": signed,
                "signing_as": signing_as,
                "signer": signer_name,
            },
        )
        # Robust: the sign-off has committed whatever happens here, and issuing notices can be run again.
        transaction.on_commit(lambda: _after_sign_off(locked.pk), robust=True)
    cycle.refresh_from_db()
    return cycle


def _after_sign_off(cycle_pk: int) -> None:
    """Notices to every person (issue #5's notification part hooks in here)."""
    from .notices import notices_issue_for_cycle

    notices_issue_for_cycle(cycle_pk=cycle_pk)


__all__ = [
    "MAX_COMMENTS_LENGTH",
    "MAX_REASON_LENGTH",
    "SignOffCheck",
    "SignOffRefused",
    "cycle_sign_off",
    "decision_record",
    "sign_off_check",
    "sign_off_overview",
    "require_deciding_chair",
    "signature_check",
]
