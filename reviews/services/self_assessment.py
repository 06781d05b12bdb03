"""Every write to evaluations: the self-assessment and what Home Affairs does to it.

Transitions are conditional UPDATEs on (status, version), so two tabs, two devices or an official racing
Home Affairs are settled by the database: the loser gets a clear message and keeps what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import local_text
from common.outbox import OutboxSkip, outbox_enqueue, outbox_send
from common.uploads import upload_checked
from cycles.models import CycleStatus, PhaseKind
from cycles.rulebooks import Level
from cycles.selectors import phase_of, self_assessment_deadline, self_assessment_form
from officials.permissions import require_home_affairs

from ..errors import ReviewError, StaleFormError
from ..models import (
    EDITABLE_BY_OFFICIAL,
    Evaluation,
    EvaluationStatus,
    EventKind,
    EvidenceAttachment,
    Reminder,
)
from ..selectors import honorific
from .events import event_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from cycles.models import Cycle

__all__ = [
    "MAX_REASON_LENGTH",
    "MAX_TEXT_LENGTH",
    "Answer",
    "clean_answers",
    "deadline_extend",
    "editing_refusal",
    "evidence_attach",
    "evidence_remove",
    "missing_items",
    "reminder_email_send",
    "reminder_message",
    "reminders_send",
    "review_start",
    "self_assessment_return",
    "self_assessment_save",
    "self_assessment_submit",
    "self_assessment_withdraw",
]

MAX_TEXT_LENGTH = 5000
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class Answer:
    text: str = ""
    points: Decimal | None = None


def _require_own(evaluation: Evaluation, by: User) -> None:
    # Defence in depth: the views already fetched the evaluation through the access helpers.
    if evaluation.enrolment.official.user_id != getattr(by, "pk", None):
        raise PermissionDenied


def editing_refusal(evaluation: Evaluation, now: datetime) -> str | None:
    """Why the self-assessment window is shut for this person now, or None while it is open.
    The one rule both the services and the pages use."""
    cycle = evaluation.enrolment.cycle
    phase = phase_of(cycle, PhaseKind.SELF_ASSESSMENT)
    if cycle.status != CycleStatus.IN_PROGRESS or phase is None or not phase.is_open:
        return _("Giai đoạn tự đánh giá chưa mở hoặc đã đóng; phiếu chỉ xem được, không sửa được.")
    deadline = self_assessment_deadline(evaluation.enrolment, phase)
    if now > deadline:
        return _("Đã quá hạn nộp tự đánh giá (%(deadline)s). Nếu cần, hãy đề nghị Sở Nội vụ gia hạn.") % {
            "deadline": local_text(deadline)
        }
    return None


def _check_phase_allows_editing(evaluation: Evaluation, now: datetime) -> None:
    refusal = editing_refusal(evaluation, now)
    if refusal:
        raise ReviewError(refusal)


def clean_answers(
    *, evaluation: Evaluation, answers: dict[str, Answer]
) -> tuple[dict[str, dict[str, Any]], Decimal | None]:
    """Keep only the form's own criteria, check every bound, and total the points (Decimal, never float)."""
    places = evaluation.enrolment.cycle.points_decimal_places
    cleaned: dict[str, dict[str, Any]] = {}
    total = None
    for part in self_assessment_form(evaluation.enrolment):
        for criterion in part.criteria:
            answer = answers.get(criterion.code, Answer())
            if len(answer.text) > MAX_TEXT_LENGTH:
                raise ReviewError(
                    _("Nội dung mục “%(item)s” dài quá %(max)d ký tự.")
                    % {"item": criterion.title, "max": MAX_TEXT_LENGTH}
                )
            entry = {"text": answer.text}
            if criterion.max_points is not None:
                total = total or Decimal(0)
                if answer.points is not None:
                    points = answer.points
                    if points < 0 or points > criterion.max_points:
                        raise ReviewError(
                            _("Điểm mục “%(item)s” phải từ 0 đến %(max)s.")
                            % {"item": criterion.title, "max": criterion.max_points}
                        )
                    if points != points.quantize(Decimal(1).scaleb(-places)):
                        raise ReviewError(
                            _("Điểm mục “%(item)s” chỉ được có tối đa %(places)d chữ số thập phân.")
                            % {"item": criterion.title, "places": places}
                        )
                    entry["points"] = str(points)
                    total += points
            cleaned[criterion.code] = entry
    return cleaned, total


def missing_items(evaluation: Evaluation) -> list[str]:
    """What must still be filled before the form can be submitted."""
    missing = []
    for part in self_assessment_form(evaluation.enrolment):
        for criterion in part.criteria:
            entry = evaluation.answers.get(criterion.code, {})
            if criterion.max_points is not None:
                if entry.get("points") in (None, ""):
                    missing.append(criterion.title)
            elif criterion.required and not entry.get("text", "").strip():
                missing.append(criterion.title)
    if not evaluation.self_proposed_level:
        missing.append(_("Tự xếp loại chất lượng"))
    return missing


def self_assessment_save(
    *,
    evaluation: Evaluation,
    answers: dict[str, Answer],
    self_level: str,
    version: int,
    by: User,
    autosave: bool = False,
) -> Evaluation:
    _require_own(evaluation, by)
    now = timezone.now()
    _check_phase_allows_editing(evaluation, now)
    if evaluation.status not in EDITABLE_BY_OFFICIAL:
        raise ReviewError(_("Phiếu đã nộp nên không sửa được. Nếu còn hạn, hãy rút lại phiếu để sửa."))
    if self_level and self_level not in Level.values:
        raise ReviewError(_("Mức tự xếp loại không hợp lệ."))
    cleaned, total = clean_answers(evaluation=evaluation, answers=answers)
    new_status = (
        EvaluationStatus.DRAFT if evaluation.status == EvaluationStatus.NOT_STARTED else evaluation.status
    )
    with transaction.atomic():
        updated = Evaluation.objects.filter(
            pk=evaluation.pk, version=version, status__in=EDITABLE_BY_OFFICIAL
        ).update(
            answers=cleaned,
            self_proposed_level=self_level,
            points_total=total,
            status=new_status,
            saved_at=now,
            version=F("version") + 1,
        )
        if not updated:
            current = Evaluation.objects.get(pk=evaluation.pk)
            if current.status not in EDITABLE_BY_OFFICIAL:
                raise ReviewError(
                    _("Phiếu đã nộp nên không sửa được. Nếu còn hạn, hãy rút lại phiếu để sửa.")
                )
            raise StaleFormError(
                _(
                    "Phiếu vừa được lưu ở nơi khác (tab hoặc máy khác) lúc %(when)s. Nội dung bạn đang gõ vẫn "
                    "còn nguyên bên dưới: hãy đối chiếu với bản đã lưu rồi bấm Lưu để giữ bản này."
                )
                % {"when": local_text(current.saved_at or current.updated_at)},
                current_version=current.version,
            )
        if not autosave:
            event_record(evaluation, EventKind.SAVED, by)
    evaluation.refresh_from_db()
    return evaluation


def self_assessment_submit(*, evaluation: Evaluation, version: int, by: User) -> Evaluation:
    _require_own(evaluation, by)
    if evaluation.status == EvaluationStatus.SUBMITTED:
        raise ReviewError(
            _("Phiếu đã được nộp lúc %(when)s; không cần nộp lại.")
            % {"when": local_text(evaluation.submitted_at)}  # type: ignore[arg-type]  # set when submitted
        )
    now = timezone.now()
    _check_phase_allows_editing(evaluation, now)
    if evaluation.status not in EDITABLE_BY_OFFICIAL:
        raise ReviewError(_("Phiếu đang được xem xét nên không nộp lại được."))
    missing = missing_items(evaluation)
    if missing:
        raise ReviewError(_("Chưa điền đủ: %(items)s.") % {"items": "; ".join(str(item) for item in missing)})
    with transaction.atomic():
        updated = Evaluation.objects.filter(
            pk=evaluation.pk, version=version, status__in=EDITABLE_BY_OFFICIAL
        ).update(
            status=EvaluationStatus.SUBMITTED, submitted_at=now, return_reason="", version=F("version") + 1
        )
        if not updated:
            raise StaleFormError(
                _("Phiếu đã thay đổi ở nơi khác sau khi bạn mở trang này. Hãy xem lại rồi nộp."),
                current_version=Evaluation.objects.get(pk=evaluation.pk).version,
            )
        event_record(evaluation, EventKind.SUBMITTED, by)
    evaluation.refresh_from_db()
    return evaluation


def self_assessment_withdraw(*, evaluation: Evaluation, by: User) -> Evaluation:
    """Take a submitted form back to edit it: allowed before the deadline while Home Affairs has not started."""
    _require_own(evaluation, by)
    _check_phase_allows_editing(evaluation, timezone.now())
    with transaction.atomic():
        updated = Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.SUBMITTED).update(
            status=EvaluationStatus.DRAFT, version=F("version") + 1
        )
        if not updated:
            raise ReviewError(_("Chỉ rút lại được phiếu đã nộp mà Sở Nội vụ chưa bắt đầu xem xét."))
        event_record(evaluation, EventKind.WITHDRAWN, by)
    evaluation.refresh_from_db()
    return evaluation


def review_start(*, evaluation: Evaluation, by: User) -> Evaluation:
    """Home Affairs opens a submitted form; from then on the official can no longer withdraw it."""
    require_home_affairs(by)
    with transaction.atomic():
        updated = Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.SUBMITTED).update(
            status=EvaluationStatus.IN_REVIEW, version=F("version") + 1
        )
        if updated:
            event_record(evaluation, EventKind.REVIEW_STARTED, by)
    evaluation.refresh_from_db()
    if evaluation.status != EvaluationStatus.IN_REVIEW:
        raise ReviewError(_("Chỉ xem xét được phiếu đã nộp."))
    return evaluation


def self_assessment_return(*, evaluation: Evaluation, reason: str, by: User) -> Evaluation:
    require_home_affairs(by)
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Hãy ghi lý do trả lại để người được đánh giá biết cần sửa gì."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ReviewError(_("Lý do trả lại dài quá %(max)d ký tự.") % {"max": MAX_REASON_LENGTH})
    with transaction.atomic():
        updated = Evaluation.objects.filter(
            pk=evaluation.pk, status__in=[EvaluationStatus.SUBMITTED, EvaluationStatus.IN_REVIEW]
        ).update(status=EvaluationStatus.RETURNED, return_reason=reason, version=F("version") + 1)
        if not updated:
            raise ReviewError(_("Chỉ trả lại được phiếu đã nộp và chưa có đề xuất xếp loại."))
        event_record(evaluation, EventKind.RETURNED, by, note=reason)
    evaluation.refresh_from_db()
    return evaluation


def deadline_extend(*, evaluation: Evaluation, until: datetime, by: User) -> Evaluation:
    require_home_affairs(by)
    if evaluation.enrolment.cycle.status == CycleStatus.CLOSED:  # archived: read-only (domain.md §3.10)
        raise ReviewError(_("Kỳ đánh giá đã kết thúc; hồ sơ chỉ xem được."))
    phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
    if phase is None:
        raise ReviewError(_("Kỳ đánh giá chưa có giai đoạn tự đánh giá."))
    if until <= phase.deadline:
        raise ReviewError(
            _("Ngày gia hạn phải sau hạn chung %(deadline)s.") % {"deadline": local_text(phase.deadline)}
        )
    Evaluation.objects.filter(pk=evaluation.pk).update(deadline_extended_to=until)
    event_record(evaluation, EventKind.EXTENDED, by, note=local_text(until))
    evaluation.refresh_from_db()
    return evaluation


def evidence_attach(*, evaluation: Evaluation, upload: UploadedFile, by: User) -> EvidenceAttachment:
    _require_own(evaluation, by)
    _check_phase_allows_editing(evaluation, timezone.now())
    if evaluation.status not in EDITABLE_BY_OFFICIAL:
        raise ReviewError(_("Phiếu đã nộp nên không thêm minh chứng được. Nếu còn hạn, hãy rút lại phiếu."))
    content_type = upload_checked(upload, error=ReviewError)
    if evaluation.attachments.count() >= settings.PORTAL_EVIDENCE_MAX_FILES:
        raise ReviewError(
            _("Mỗi phiếu đính kèm tối đa %(n)d tệp.") % {"n": settings.PORTAL_EVIDENCE_MAX_FILES}
        )
    with transaction.atomic():
        attachment = EvidenceAttachment(
            evaluation=evaluation,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size,  # type: ignore[misc]  # upload_checked() has read it
            uploaded_by=by,
        )
        attachment.file.save("evidence", upload, save=False)
        attachment.save()
        event_record(evaluation, EventKind.ATTACHED, by, note=attachment.original_name)
    return attachment


def evidence_remove(*, attachment: EvidenceAttachment, by: User) -> None:
    evaluation = attachment.evaluation
    _require_own(evaluation, by)
    _check_phase_allows_editing(evaluation, timezone.now())
    if evaluation.status not in EDITABLE_BY_OFFICIAL:
        raise ReviewError(_("Phiếu đã nộp nên không xóa minh chứng được."))
    with transaction.atomic():
        name = attachment.original_name
        attachment.file.delete(save=False)
        attachment.delete()
        event_record(evaluation, EventKind.DETACHED, by, note=name)


def reminders_send(*, cycle: Cycle, by: User) -> int:
    """Queue a reminder e-mail to everyone in the cycle who has not submitted and has an address: one outbox row each,
    written here and sent by the worker after the commit (common/outbox.py: a broker outage leaves them pending for
    the reconciler, the request still answers)."""
    require_home_affairs(by)
    pending = list(
        Evaluation.objects.filter(
            enrolment__cycle=cycle,
            status__in=EDITABLE_BY_OFFICIAL,
            enrolment__official__user__isnull=False,
        )
        .exclude(enrolment__official__user__email="")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        reminders = Reminder.objects.bulk_create(
            [Reminder(evaluation_id=pk, requested_by=by) for pk in pending]
        )
        for reminder in reminders:
            outbox_enqueue(reminder)
    return len(reminders)


def reminder_message(reminder: Reminder) -> EmailMessage:
    """The reminder's e-mail (common/outbox.py sends it); nothing when the person submitted meanwhile or has no
    address any more."""
    evaluation = reminder.evaluation
    user = evaluation.enrolment.official.user
    if evaluation.status not in EDITABLE_BY_OFFICIAL or user is None or not user.is_active or not user.email:
        raise OutboxSkip()
    phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
    official = evaluation.enrolment.official
    context = {
        "enrolment": evaluation.enrolment,
        "honorific": honorific(official, settings.LANGUAGE_CODE),
        "you": honorific(official, settings.LANGUAGE_CODE).lower(),
        "deadline": self_assessment_deadline(evaluation.enrolment, phase),
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("reviews:self_assessment_edit", args=[evaluation.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reviews/email/reminder_subject.txt", context).strip()
        body = render_to_string("reviews/email/reminder_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def reminder_email_send(*, reminder_id: int) -> bool:
    """Send one reminder once. False when there is nothing to send: already sent or being sent by another delivery,
    or the person submitted meanwhile or has no address (the reminder is then skipped)."""
    return outbox_send(Reminder, reminder_id)
