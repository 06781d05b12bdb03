"""Objections and replacement decisions (domain.md §3.9; issue #5).

A person may object to their published rating while the cycle's objection window is open; the chair answers.
A changed rating is never an overwrite: a new signed decision replaces the earlier one, which is kept and marked
replaced, and the notice is issued again. The same path serves a change made later because errors or dishonesty
were found. Like the decisions, every write here locks the cycle row first, so a replacement cannot race the
closing of the cycle or another replacement in the same peer group (the quota is a property of the whole set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import ActingAs, Action
from audit.services import audit_record
from common.dates import local_text
from common.outbox import OutboxSkip, outbox_enqueue, outbox_send
from cycles.models import Cycle, CycleStatus
from cycles.rulebooks import Level
from cycles.selectors import WindowState, objection_window

from ..errors import ReviewError
from ..models import (
    Decision,
    DecisionState,
    Evaluation,
    EvaluationEvent,
    EventKind,
    NoticeEmailStatus,
    Objection,
    ObjectionAnswerEmail,
    ObjectionOutcome,
    ObjectionStatus,
    SigningAs,
)
from ..selectors import honorific
from .decisions import cap_refusal, decision_content_check, require_deciding_chair, signature_check
from .notices import email_address_of

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

    from ..selectors import GroupQuota

OBJECTION_MIN_LENGTH = 20
OBJECTION_MAX_LENGTH = 10_000
ANSWER_MAX_LENGTH = 10_000


def _require_person(evaluation: Evaluation, by: User) -> None:
    # Only the person rated objects to their own rating (domain.md §2); the views already gave others a 404.
    if evaluation.enrolment.official.user_id != getattr(by, "pk", None):
        raise PermissionDenied


def _lock_cycle(evaluation: Evaluation) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=evaluation.enrolment.cycle_id)


def objection_window_refusal(evaluation: Evaluation, now: datetime | None = None) -> str | None:
    """Why this person may not file an objection now, or None. The one rule the service and the page share."""
    cycle = evaluation.enrolment.cycle
    if cycle.status == CycleStatus.CLOSED:
        return _("Kỳ đánh giá đã kết thúc và lưu trữ; không gửi kiến nghị được nữa.")
    if not evaluation.is_published or cycle.status != CycleStatus.SIGNED_OFF:
        return _("Chỉ gửi kiến nghị được sau khi kết quả xếp loại đã được phê duyệt và thông báo.")
    window = objection_window(cycle, now=now)
    if window.phase is None:
        return _("Chưa đến thời gian nhận kiến nghị: Sở Nội vụ chưa đặt thời hạn kiến nghị.")
    if window.state is WindowState.ENDED:
        if (now or timezone.now()) > window.phase.deadline:
            return _("Đã hết thời hạn gửi kiến nghị (%(deadline)s).") % {
                "deadline": local_text(window.phase.deadline)
            }
        return _("Thời gian nhận kiến nghị đã đóng.")
    if window.state is WindowState.NOT_YET:
        return _("Thời gian nhận kiến nghị chưa mở (từ ngày %(day)s).") % {
            "day": window.phase.starts_on.strftime("%d/%m/%Y")
        }
    return None


def objection_answered_refusal(
    evaluation: Evaluation, objections: list[Objection] | None = None
) -> str | None:
    """One objection per decision: once the chair has answered an objection to the decision still in force (the
    rating was kept), the person is not offered the form again; a new decision may be objected to afresh."""
    if objections is None:
        objections = list(Objection.objects.filter(evaluation=evaluation))
    in_force = Decision.objects.in_force().filter(evaluation=evaluation).values_list("pk", flat=True).first()
    if any(o.status == ObjectionStatus.ANSWERED and o.decision_id == in_force for o in objections):
        return _("Kiến nghị của bạn về kết quả này đã được trả lời; kết quả được giữ nguyên.")
    return None


def _clean_objection_text(text: str) -> str:
    text = (text or "").strip()
    if len(text) < OBJECTION_MIN_LENGTH:
        raise ReviewError(
            _("Hãy nêu rõ nội dung kiến nghị (ít nhất %(min)d ký tự).") % {"min": OBJECTION_MIN_LENGTH}
        )
    if len(text) > OBJECTION_MAX_LENGTH:
        raise ReviewError(
            _("Nội dung kiến nghị dài %(length)d ký tự, quá giới hạn %(max)d ký tự.")
            % {"length": len(text), "max": OBJECTION_MAX_LENGTH}
        )
    return text


def objection_file(*, evaluation: Evaluation, text: str, by: User) -> Objection:
    """The person objects to the decision in force on them, inside the cycle's objection window."""
    _require_person(evaluation, by)
    text = _clean_objection_text(text)
    with transaction.atomic():
        cycle = _lock_cycle(evaluation)
        current = Evaluation.objects.select_related("enrolment").get(pk=evaluation.pk)
        current.enrolment.cycle = cycle
        refusal = objection_window_refusal(current)
        if refusal:
            raise ReviewError(refusal)
        decision = Decision.objects.in_force().filter(evaluation=current).first()
        if decision is None:
            raise ReviewError(_("Chưa có quyết định xếp loại đã phê duyệt để kiến nghị."))
        answered = objection_answered_refusal(current)
        if answered:
            raise ReviewError(answered)
        if Objection.objects.filter(evaluation=current, status=ObjectionStatus.OPEN).exists():
            raise ReviewError(
                _("Bạn đang có một kiến nghị chờ trả lời; hãy chờ trả lời hoặc rút kiến nghị đó.")
            )
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    evaluation=current, decision=decision, text=text, filed_by=by
                )
        except IntegrityError:
            # The partial unique index settles two tabs filing at the same moment.
            raise ReviewError(_("Bạn đang có một kiến nghị chờ trả lời.")) from None
        audit_record(
            action=Action.OBJECTION_FILED,
            actor=by,
            acting_as=ActingAs.OFFICIAL,
            evaluation=current,
            target=str(current.enrolment),
            before=None,
            after={
                "objection": objection.pk,
                "decision": decision.pk,
                "status": objection.status,
                "text": text,
            },
        )
    return objection


def objection_withdraw(*, objection: Objection, by: User) -> Objection:
    """The person takes back an objection the chair has not answered yet."""
    evaluation = objection.evaluation
    _require_person(evaluation, by)
    with transaction.atomic():
        cycle = _lock_cycle(evaluation)
        if cycle.status == CycleStatus.CLOSED:
            raise ReviewError(_("Kỳ đánh giá đã kết thúc và lưu trữ; không thay đổi được nữa."))
        now = timezone.now()
        updated = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.WITHDRAWN, withdrawn_at=now
        )
        if not updated:
            raise ReviewError(_("Chỉ rút được kiến nghị đang chờ trả lời."))
        audit_record(
            action=Action.OBJECTION_WITHDRAWN,
            actor=by,
            acting_as=ActingAs.OFFICIAL,
            evaluation=evaluation,
            target=str(evaluation.enrolment),
            before={"objection": objection.pk, "status": ObjectionStatus.OPEN},
            after={"objection": objection.pk, "status": ObjectionStatus.WITHDRAWN},
        )
    objection.refresh_from_db()
    return objection


def _decision_values(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision.pk,
        "level": decision.level,
        "not_rated": decision.not_rated,
        "comments": decision.comments,
        "outlook": decision.outlook,
        "state": decision.state,
    }


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Hãy ghi lý do thay đổi kết quả (căn cứ của quyết định mới)."))
    if len(reason) > ANSWER_MAX_LENGTH:
        raise ReviewError(_("Lý do thay thế dài quá %(max)d ký tự.") % {"max": ANSWER_MAX_LENGTH})
    return reason


def _quota_excess(cycle: Cycle, peer_group_id: int) -> tuple[int, GroupQuota]:
    from ..selectors import LevelSource, cohort_standing

    # The whole set, counted as decided: the same reading as the sign-off check.
    standing = cohort_standing(cycle, LevelSource.FINAL)
    group = next(g for g in standing.groups if g.peer_group_id == peer_group_id)
    return group.position.over_by, group


def _replace(
    *,
    cycle: Cycle,
    evaluation: Evaluation,
    level: str,
    not_rated: bool,
    comments: str | None,
    outlook: str | None,
    reason: str,
    signing_as: str,
    signer_name: str,
    by: User,
) -> Decision:
    """The one code path of a changed rating. Runs inside the caller's transaction with the cycle row locked;
    a refusal raised here rolls the whole change back."""
    if cycle.status == CycleStatus.CLOSED:
        raise ReviewError(_("Kỳ đánh giá đã kết thúc và lưu trữ; không thay đổi được kết quả nữa."))
    if cycle.status != CycleStatus.SIGNED_OFF:
        raise ReviewError(
            _(
                "Kết quả chưa được phê duyệt: hãy sửa quyết định trên bảng quyết định, không cần quyết định mới."
            )
        )
    current = Evaluation.objects.select_for_update().select_related("enrolment").get(pk=evaluation.pk)
    current.enrolment.cycle = cycle
    if not current.is_published:
        raise ReviewError(_("Chỉ thay thế được quyết định đã phê duyệt và công bố."))
    old = Decision.objects.select_for_update().in_force().filter(evaluation=current).first()
    if old is None:
        raise ReviewError(_("Không có quyết định đang có hiệu lực để thay thế."))
    comments, outlook = decision_content_check(
        evaluation=current,
        level=level,
        not_rated=not_rated,
        comments=old.comments if comments is None else comments,
        outlook=old.outlook if outlook is None else outlook,
    )
    if (level, not_rated, comments, outlook) == (old.level, old.not_rated, old.comments, old.outlook):
        raise ReviewError(_("Quyết định mới không khác quyết định đang có hiệu lực; hãy chọn “giữ nguyên”."))
    from ..selectors import agency_level_of, caps_for

    caps = caps_for(current, agency_level_of(current))
    # The replacement's written reason also serves as the reason for departing from a cap the authority may weigh
    # (Decree 233/2026 Art. 12(4)(d)).
    refusal = cap_refusal(current, level, not_rated, caps=caps, departure_reason=reason)
    if refusal:
        raise ReviewError(refusal)
    departure = reason if level and caps.departed_from(Level(level)) else ""
    excess_before, _group = _quota_excess(cycle, current.enrolment.peer_group_id)
    now = timezone.now()
    # The old one first: the database allows one signed decision per person.
    Decision.objects.filter(pk=old.pk).update(state=DecisionState.REPLACED)
    before = _decision_values(old)
    old.state = DecisionState.REPLACED
    new = Decision.objects.create(
        evaluation=current,
        level=level,
        not_rated=not_rated,
        comments=comments,
        outlook=outlook,
        state=DecisionState.SIGNED,
        recorded_by=by,
        signing_as=signing_as,
        signer_name=signer_name,
        signed_at=now,
        replaces=old,
        replacement_reason=reason,
        cap_departure_reason=departure,
    )
    Evaluation.objects.filter(pk=current.pk).update(
        final_level=level,
        final_not_rated=not_rated,
        final_cap_departure_reason=departure,
        version=F("version") + 1,
    )
    # Decree 90 Art. 2(6) as amended by 48/2023, Decree 233/2026 Art. 12(6): the quota holds on the group as
    # decided. Counted on the would-be set (the change is applied, then checked, and undone by the raise).
    # Lowering someone from HTTNV can shrink the allowance too, so a downgrade is checked like an upgrade.
    excess_after, group = _quota_excess(cycle, current.enrolment.peer_group_id)
    if excess_after > excess_before:
        raise ReviewError(
            _(
                "Không thể thay đổi: nhóm “%(group)s” sẽ vượt tỷ lệ HTXSNV (%(htxsnv)d HTXSNV, tối đa %(allowed)d; "
                "%(arithmetic)s)."
            )
            % {
                "group": group.name,
                "htxsnv": group.position.htxsnv,
                "allowed": group.position.allowed,
                "arithmetic": group.position.arithmetic,
            }
        )
    EvaluationEvent.objects.create(evaluation=current, kind=EventKind.DECIDED, by=by, note=reason)
    audit_record(
        action=Action.DECISION_REPLACED,
        actor=by,
        acting_as=ActingAs.VICE_CHAIR if signing_as == SigningAs.VICE_CHAIR else ActingAs.CHAIR,
        cycle=cycle,
        evaluation=current,
        target=str(current.enrolment),
        before=before,
        after=_decision_values(new)
        | {"replaces": old.pk, "reason": reason, "signing_as": signing_as, "signer": signer_name},
    )
    transaction.on_commit(lambda: _reissue_notice(new.pk))
    return new


def _reissue_notice(decision_pk: int) -> None:
    """The person gets a new notice for the decision now in force (the notices module issues it)."""
    from .notices import notice_issue_for_decision

    notice_issue_for_decision(decision=Decision.objects.get(pk=decision_pk))


def decision_replace(
    *,
    evaluation: Evaluation,
    level: str = "",
    not_rated: bool = False,
    comments: str | None = None,
    outlook: str | None = None,
    reason: str,
    signing_as: str,
    signer_name: str,
    by: User,
) -> Decision:
    """A new decision replacing the one in force, for errors or dishonesty found after the sign-off
    (domain.md §3.9). An open objection is answered instead, so the answer and the new decision stay linked."""
    require_deciding_chair(by)
    reason = _clean_reason(reason)
    signer_name = signature_check(signing_as, signer_name)
    with transaction.atomic():
        cycle = _lock_cycle(evaluation)
        if Objection.objects.filter(evaluation=evaluation, status=ObjectionStatus.OPEN).exists():
            raise ReviewError(
                _("Người này đang có kiến nghị chờ trả lời: hãy thay đổi kết quả khi trả lời kiến nghị.")
            )
        return _replace(
            cycle=cycle,
            evaluation=evaluation,
            level=level,
            not_rated=not_rated,
            comments=comments,
            outlook=outlook,
            reason=reason,
            signing_as=signing_as,
            signer_name=signer_name,
            by=by,
        )


def objection_answer(
    *,
    objection: Objection,
    answer: str,
    outcome: str,
    level: str = "",
    not_rated: bool = False,
    comments: str | None = None,
    outlook: str | None = None,
    reason: str = "",
    signing_as: str = "",
    signer_name: str = "",
    by: User,
) -> Objection:
    """The chair answers: the rating is kept, or changed by a new decision that replaces the one objected to."""
    require_deciding_chair(by)
    answer = (answer or "").strip()
    if not answer:
        raise ReviewError(_("Hãy ghi nội dung trả lời kiến nghị."))
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ReviewError(_("Nội dung trả lời dài quá %(max)d ký tự.") % {"max": ANSWER_MAX_LENGTH})
    if outcome not in ObjectionOutcome.values:
        raise ReviewError(_("Hãy chọn kết quả giải quyết: giữ nguyên hoặc thay đổi."))
    if outcome == ObjectionOutcome.CHANGED:
        # The answer is the reason unless the chair gives a separate one for the decision.
        reason = _clean_reason(reason or answer)
        signer_name = signature_check(signing_as, signer_name)
    evaluation = objection.evaluation
    with transaction.atomic():
        cycle = _lock_cycle(evaluation)
        if cycle.status == CycleStatus.CLOSED:
            raise ReviewError(_("Kỳ đánh giá đã kết thúc và lưu trữ; không thay đổi được nữa."))
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.OPEN:
            raise ReviewError(
                _("Kiến nghị này không còn chờ trả lời (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        new_decision = None
        if outcome == ObjectionOutcome.CHANGED:
            new_decision = _replace(
                cycle=cycle,
                evaluation=evaluation,
                level=level,
                not_rated=not_rated,
                comments=comments,
                outlook=outlook,
                reason=reason,
                signing_as=signing_as,
                signer_name=signer_name,
                by=by,
            )
        locked.status, locked.answer, locked.outcome = ObjectionStatus.ANSWERED, answer, outcome
        locked.answered_by, locked.answered_at, locked.new_decision = by, timezone.now(), new_decision
        update_fields = ["status", "answer", "outcome", "answered_by", "answered_at", "new_decision"]
        locked.save(update_fields=update_fields)
        if outcome == ObjectionOutcome.KEPT:
            # The filing promised an answer by e-mail; a changed rating sends its new notice instead.
            address = email_address_of(evaluation.enrolment.official)
            answer_email = ObjectionAnswerEmail.objects.create(
                objection=locked,
                status=NoticeEmailStatus.PENDING if address else NoticeEmailStatus.NO_ADDRESS,
            )
            if address:
                outbox_enqueue(answer_email)
        audit_record(
            action=Action.OBJECTION_ANSWERED,
            actor=by,
            acting_as=ActingAs.CHAIR,
            cycle=cycle,
            evaluation=evaluation,
            target=str(evaluation.enrolment),
            before={"objection": locked.pk, "status": ObjectionStatus.OPEN},
            after={
                "objection": locked.pk,
                "status": ObjectionStatus.ANSWERED,
                "outcome": outcome,
                "answer": answer,
                "new_decision": new_decision.pk if new_decision else None,
            },
        )
    return locked


def objection_answer_message(objection: Objection) -> EmailMessage:
    """The answer to a kept objection by e-mail (common/outbox.py sends it)."""
    official = objection.evaluation.enrolment.official
    address = email_address_of(official)
    if not address:
        raise OutboxSkip(NoticeEmailStatus.NO_ADDRESS)
    enrolment = objection.evaluation.enrolment
    context = {
        "objection": objection,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "honorific": honorific(official, settings.LANGUAGE_CODE),
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("reviews:evaluation_detail", args=[objection.evaluation_id]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("reviews/email/objection_answer_subject.txt", context).split())
        body = render_to_string("reviews/email/objection_answer_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def objection_answer_email_send(*, objection_id: int) -> bool:
    """Send the answer to a kept objection once (common.outbox.outbox_send). False when there is nothing to send."""
    pk = ObjectionAnswerEmail.objects.filter(objection_id=objection_id).values_list("pk", flat=True).first()
    return pk is not None and outbox_send(ObjectionAnswerEmail, pk)


__all__ = [
    "objection_answer_email_send",
    "objection_answer_message",
    "OBJECTION_MAX_LENGTH",
    "OBJECTION_MIN_LENGTH",
    "decision_replace",
    "objection_answer",
    "objection_file",
    "objection_window_refusal",
    "objection_withdraw",
]
