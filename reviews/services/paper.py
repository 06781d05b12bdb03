"""Home Affairs acting for people who do not use the portal (issue #13).

Many leaders never log in: Home Affairs enters the paper form they signed, marked as entered on paper with the
signed scan, and records who is not rated this year (did not submit, under six months' work...) with the reason and
the article, so that the cycle can reach its sign-off. Both are audited with the before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ActingAs, Action
from audit.services import audit_record
from common.uploads import upload_checked
from cycles.models import CycleStatus
from cycles.rulebooks import Level
from officials.permissions import require_home_affairs

from ..errors import ReviewError, StaleFormError
from ..models import EDITABLE_BY_OFFICIAL, Evaluation, EvaluationStatus, EventKind, ExemptionKind
from .events import event_record
from .self_assessment import MAX_REASON_LENGTH, Answer, clean_answers, missing_items

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

__all__ = [
    "PAPER_ENTERABLE",
    "evaluation_exempt",
    "evaluation_exemption_lift",
    "self_assessment_enter_on_paper",
]

# A person who has not submitted online; a form they submitted in the portal is theirs, not re-entered.
PAPER_ENTERABLE = EDITABLE_BY_OFFICIAL
# Not rated: decided on before the chair decides anything about the person.
EXEMPTABLE = (*EDITABLE_BY_OFFICIAL, EvaluationStatus.SUBMITTED, EvaluationStatus.IN_REVIEW)


def _check_cycle_open(evaluation: Evaluation) -> None:
    if evaluation.enrolment.cycle.status != CycleStatus.IN_PROGRESS:
        raise ReviewError(_("Kỳ đánh giá không còn ở giai đoạn đánh giá; không nhập thay được nữa."))


def self_assessment_enter_on_paper(
    *,
    evaluation: Evaluation,
    answers: dict[str, Answer],
    self_level: str,
    scan: UploadedFile,
    version: int,
    by: User,
) -> Evaluation:
    """Home Affairs types in the form the person filled and signed on paper and attaches the signed scan; the form
    counts as submitted on the day it is entered. Not bound by the self-assessment deadline: paper forms arrive
    by post, and the cycle's own order (sign-off) is the limit."""
    require_home_affairs(by)
    _check_cycle_open(evaluation)
    if evaluation.status not in PAPER_ENTERABLE:
        raise ReviewError(_("Người này đã nộp phiếu; không nhập thay phiếu giấy được."))
    if self_level not in Level.values:
        raise ReviewError(_("Hãy chọn mức tự xếp loại ghi trên phiếu giấy."))
    if scan is None:
        raise ReviewError(_("Hãy đính kèm bản scan phiếu giấy có chữ ký."))
    upload_checked(scan, error=ReviewError)
    cleaned, total = clean_answers(evaluation=evaluation, answers=answers)
    # The same completeness rule as a submission online.
    evaluation.answers, evaluation.self_proposed_level = cleaned, self_level
    missing = missing_items(evaluation)
    if missing:
        raise ReviewError(_("Chưa điền đủ: %(items)s.") % {"items": "; ".join(str(item) for item in missing)})
    before = {"status": evaluation.status, "entered_on_paper": False}
    now = timezone.now()
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status not in PAPER_ENTERABLE:
            raise ReviewError(_("Người này đã nộp phiếu; không nhập thay phiếu giấy được."))
        if current.version != version:
            raise StaleFormError(
                _("Phiếu vừa thay đổi ở nơi khác; hãy tải lại trang rồi nhập lại."),
                current_version=current.version,
            )
        current.answers, current.self_proposed_level, current.points_total = cleaned, self_level, total
        current.status, current.submitted_at, current.saved_at = EvaluationStatus.SUBMITTED, now, now
        current.return_reason = ""
        current.entered_on_paper, current.paper_entered_by = True, by
        current.paper_scan_name = (scan.name or "")[:255]
        current.paper_scan.save(scan.name or "scan", scan, save=False)
        current.version = F("version") + 1
        current.save(
            update_fields=[
                "answers",
                "self_proposed_level",
                "points_total",
                "status",
                "submitted_at",
                "saved_at",
                "return_reason",
                "entered_on_paper",
                "paper_entered_by",
                "paper_scan",
                "paper_scan_name",
                "version",
            ]
        )
        event_record(current, EventKind.SUBMITTED, by, note=_("Sở Nội vụ nhập từ phiếu giấy có chữ ký."))
        audit_record(
            action=Action.SELF_ASSESSMENT_ENTERED_ON_PAPER,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=current,
            target=str(current.enrolment),
            before=before,
            after={
                "status": EvaluationStatus.SUBMITTED,
                "entered_on_paper": True,
                "self_level": self_level,
                "points_total": str(total) if total is not None else None,
                "scan": current.paper_scan_name,
            },
        )
    evaluation.refresh_from_db()
    return evaluation


def evaluation_exempt(
    *, evaluation: Evaluation, kind: str, reason: str, article: str, by: User
) -> Evaluation:
    """Home Affairs records that the person is not rated this year, with the reason and the article (Decree 90
    Art. 2(3): under 6 months' work; Decree 233/2026 Art. 14(1)–(2); or one who did not submit). The person then
    needs no decision, and the sign-off accepts them (decisions.sign_off_check)."""
    require_home_affairs(by)
    _check_cycle_open(evaluation)
    if kind not in ExemptionKind.values:
        raise ReviewError(_("Hãy chọn trường hợp không đánh giá, xếp loại."))
    reason, article = (reason or "").strip(), (article or "").strip()
    if not reason or not article:
        raise ReviewError(_("Hãy ghi lý do và căn cứ (điều, khoản) của việc không đánh giá, xếp loại."))
    if len(reason) > MAX_REASON_LENGTH or len(article) > 255:
        raise ReviewError(_("Lý do dài quá %(max)d ký tự.") % {"max": MAX_REASON_LENGTH})
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status not in EXEMPTABLE:
            raise ReviewError(
                _(
                    "Đã có đề xuất hoặc quyết định về người này; hãy dùng quyết định “không xếp loại” của Chủ tịch."
                )
            )
        before = {"status": current.status}
        Evaluation.objects.filter(pk=current.pk).update(
            status=EvaluationStatus.EXEMPT,
            exemption_kind=kind,
            exemption_reason=reason,
            exemption_article=article,
            version=F("version") + 1,
        )
        event_record(
            current, EventKind.EXEMPTED, by, note=f"{ExemptionKind(kind).label}: {reason} ({article})"
        )
        audit_record(
            action=Action.EVALUATION_EXEMPTED,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=current,
            target=str(current.enrolment),
            before=before,
            after={"status": EvaluationStatus.EXEMPT, "kind": kind, "reason": reason, "article": article},
        )
    evaluation.refresh_from_db()
    return evaluation


def evaluation_exemption_lift(*, evaluation: Evaluation, by: User) -> Evaluation:
    """Home Affairs takes back a "not rated" recorded by mistake: the person returns to where they were (a form
    entered or submitted before counts as submitted again)."""
    require_home_affairs(by)
    _check_cycle_open(evaluation)
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status != EvaluationStatus.EXEMPT:
            raise ReviewError(_("Người này không ở trường hợp không đánh giá, xếp loại."))
        if current.submitted_at is not None:
            status = EvaluationStatus.SUBMITTED
        else:
            status = EvaluationStatus.DRAFT if current.saved_at else EvaluationStatus.NOT_STARTED
        before = {
            "status": EvaluationStatus.EXEMPT,
            "kind": current.exemption_kind,
            "reason": current.exemption_reason,
            "article": current.exemption_article,
        }
        Evaluation.objects.filter(pk=current.pk).update(
            status=status,
            exemption_kind="",
            exemption_reason="",
            exemption_article="",
            version=F("version") + 1,
        )
        event_record(current, EventKind.EXEMPTION_LIFTED, by)
        audit_record(
            action=Action.EVALUATION_EXEMPTED,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=current,
            target=str(current.enrolment),
            before=before,
            after={"status": status},
        )
    evaluation.refresh_from_db()
    return evaluation
