"""Every write Home Affairs and unit secretaries make between the self-assessment and the conference: comment
meetings, party opinions, the facts that cap a rating (also imported from a spreadsheet) and the proposal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import ActingAs, Action
from audit.services import audit_record
from common.dates import local_text
from common.uploads import upload_checked
from cycles.models import CycleStatus, PhaseKind
from cycles.rulebooks import Level
from cycles.rulebooks.caps import DisciplineCounting
from cycles.selectors import phase_of

from ..errors import ReviewError, StaleFormError
from ..models import Evaluation, EvaluationStatus, EventKind
from .events import event_record
from .self_assessment import MAX_REASON_LENGTH

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django_stubs_ext import StrOrPromise

    from cycles.models import Cycle

    from ..models import CapFacts, CommentMeeting, PartyOpinion
    from ..spreadsheets.facts_import import ParsedRow, RowError

# --- Comment meetings, party opinions, cap facts and Home Affairs' proposal (issue #4) ---

__all__ = [
    "CAP_FACT_FIELDS",
    "MAX_LINE_LENGTH",
    "MAX_NOTE_LENGTH",
    "MeetingMinutes",
    "Opinion",
    "cap_facts_clean",
    "cap_facts_import",
    "cap_facts_record",
    "comment_meeting_record",
    "party_opinion_record",
    "phase_refusal",
    "proposal_set",
]

MAX_NOTE_LENGTH = 20000
# The same limit as the chair's comments the draft becomes (decisions.MAX_COMMENTS_LENGTH).
MAX_COMMENTS_LENGTH = 10000
MAX_LINE_LENGTH = 255
# Stages at which the files before the conference may still change.
BEFORE_DECISION = (
    EvaluationStatus.NOT_STARTED,
    EvaluationStatus.DRAFT,
    EvaluationStatus.SUBMITTED,
    EvaluationStatus.RETURNED,
    EvaluationStatus.IN_REVIEW,
    EvaluationStatus.PROPOSED,
)


def phase_refusal(evaluation: Evaluation, kind: PhaseKind, by: User) -> str | None:
    """Why `by` may not record this stage now. Home Affairs catches up on paper until the decision; a unit
    secretary only while the phase is open."""
    from officials.permissions import roles_of

    cycle = evaluation.enrolment.cycle
    if cycle.status != CycleStatus.IN_PROGRESS:
        return _("Kỳ đánh giá không còn ở giai đoạn đánh giá; hồ sơ chỉ xem được.")
    if evaluation.status not in BEFORE_DECISION:
        return _("Đã có quyết định xếp loại; hồ sơ trước hội nghị không sửa được nữa.")
    phase = phase_of(cycle, kind)
    if roles_of(by).is_home_affairs:
        if phase is not None and not phase.is_open and kind == PhaseKind.COMPILATION:
            return _("Giai đoạn “%(phase)s” chưa mở hoặc đã đóng.") % {"phase": phase.get_kind_display()}
        return None
    if phase is None or not phase.is_open:
        return _("Giai đoạn “%(phase)s” chưa mở hoặc đã đóng. Liên hệ Sở Nội vụ nếu cần bổ sung.") % {
            "phase": PhaseKind(kind).label
        }
    return None


def _check_may_record(evaluation: Evaluation, kind: PhaseKind, by: User) -> None:
    from ..permissions import may_record_meeting

    if not may_record_meeting(by, evaluation):
        raise PermissionDenied
    refusal = phase_refusal(evaluation, kind, by)
    if refusal:
        raise ReviewError(refusal)


def _check_text(value: str, label: StrOrPromise, limit: int = MAX_NOTE_LENGTH) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ReviewError(_("“%(field)s” dài quá %(max)d ký tự.") % {"field": label, "max": limit})
    return value


def _check_scan(upload: UploadedFile) -> str:
    upload_checked(upload, error=ReviewError)
    return (upload.name or "")[:255]


def _stale(model_label: str, current: CommentMeeting | PartyOpinion | CapFacts) -> StaleFormError:
    return StaleFormError(
        _(
            "%(what)s vừa được người khác lưu lúc %(when)s. Nội dung bạn nhập vẫn còn bên dưới: hãy đối chiếu "
            "rồi lưu lại."
        )
        % {"what": model_label, "when": local_text(current.updated_at)},
        current_version=current.version,
    )


@dataclass(frozen=True)
class MeetingMinutes:
    held_on: date
    place: str
    chaired_by: str
    minutes_by: str
    invited_count: int
    attended_count: int
    conclusion: str
    attendees: str = ""
    absentees: str = ""
    summary: str = ""
    meeting_level: str = ""
    votes_recorded: bool = False
    votes: dict[str, int] | None = None
    minutes_adopted: bool = False
    starts_at: time | None = None
    ends_at: time | None = None


@dataclass(frozen=True)
class Opinion:
    speaker: str
    content: str
    position: str = ""


def comment_meeting_record(
    *,
    evaluation: Evaluation,
    minutes: MeetingMinutes,
    opinions: list[Opinion],
    scan: UploadedFile | None = None,
    version: int | None,
    by: User,
) -> CommentMeeting:
    """Record (or correct) the minutes of the person's comment meeting. `version` is the one the form was
    loaded with (None for a first record), so the secretary and Home Affairs cannot overwrite each other."""
    from ..models import CommentMeeting, MeetingOpinion

    _check_may_record(evaluation, PhaseKind.COMMENT_MEETING, by)
    cycle = evaluation.enrolment.cycle
    if minutes.held_on > timezone.localdate():
        raise ReviewError(_("Ngày họp không thể ở tương lai."))
    if minutes.held_on.year not in (cycle.year, cycle.year + 1):
        raise ReviewError(
            _("Ngày họp phải trong năm đánh giá %(year)d (hoặc đầu năm sau).") % {"year": cycle.year}
        )
    if minutes.starts_at and minutes.ends_at and minutes.ends_at <= minutes.starts_at:
        raise ReviewError(
            _("Giờ kết thúc (%(end)s) phải sau giờ bắt đầu (%(start)s) của cuộc họp.")
            % {"end": minutes.ends_at.strftime("%H:%M"), "start": minutes.starts_at.strftime("%H:%M")}
        )
    self_assessment = phase_of(cycle, PhaseKind.SELF_ASSESSMENT)
    opened = self_assessment.starts_on if self_assessment else None
    if opened and minutes.held_on < opened:
        # The meeting comments on the self-assessment (domain.md §3.3; Decree 233 Art. 15(2)): it is not held before
        # self-assessment opened (issue #14 item 5: a date ten months early was accepted).
        raise ReviewError(
            _("Ngày họp (%(held)s) trước ngày bắt đầu tự đánh giá (%(opened)s): hãy sửa ngày họp.")
            % {"held": date_format(minutes.held_on, "d/m/Y"), "opened": date_format(opened, "d/m/Y")}
        )
    if minutes.attended_count > minutes.invited_count:
        raise ReviewError(
            _("Số người có mặt (%(attended)d) không thể nhiều hơn số người được triệu tập (%(invited)d).")
            % {"attended": minutes.attended_count, "invited": minutes.invited_count}
        )
    if minutes.meeting_level and minutes.meeting_level not in Level.values:
        raise ReviewError(_("Mức xếp loại không hợp lệ."))
    votes = {level.value: 0 for level in Level}
    if minutes.votes_recorded:
        votes.update({key: int(value or 0) for key, value in (minutes.votes or {}).items() if key in votes})
        if any(value < 0 for value in votes.values()):
            raise ReviewError(_("Số phiếu không thể âm."))
        if sum(votes.values()) > minutes.attended_count:
            raise ReviewError(
                _(
                    "Tổng số phiếu (%(votes)d) nhiều hơn số người có mặt (%(attended)d): mỗi người chỉ một phiếu."
                )
                % {"votes": sum(votes.values()), "attended": minutes.attended_count}
            )
    fields = {
        "held_on": minutes.held_on,
        "starts_at": minutes.starts_at,
        "ends_at": minutes.ends_at,
        "place": _check_text(minutes.place, _("Địa điểm"), MAX_LINE_LENGTH),
        "chaired_by": _check_text(minutes.chaired_by, _("Chủ trì"), MAX_LINE_LENGTH),
        "minutes_by": _check_text(minutes.minutes_by, _("Thư ký"), MAX_LINE_LENGTH),
        "invited_count": minutes.invited_count,
        "attended_count": minutes.attended_count,
        "attendees": _check_text(minutes.attendees, _("Thành phần")),
        "absentees": _check_text(minutes.absentees, _("Vắng mặt")),
        "summary": _check_text(minutes.summary, _("Tóm tắt báo cáo")),
        "conclusion": _check_text(minutes.conclusion, _("Kết luận")),
        "meeting_level": minutes.meeting_level,
        "votes_recorded": minutes.votes_recorded,
        "votes_htxsnv": votes[Level.HTXSNV],
        "votes_httnv": votes[Level.HTTNV],
        "votes_htnv": votes[Level.HTNV],
        "votes_khtnv": votes[Level.KHTNV],
        "minutes_adopted": minutes.minutes_adopted,
        "recorded_by": by,
    }
    if not fields["conclusion"]:
        raise ReviewError(_("Hãy ghi kết luận của cuộc họp."))
    cleaned_opinions = [
        Opinion(
            speaker=_check_text(o.speaker, _("Người phát biểu"), MAX_LINE_LENGTH),
            position=_check_text(o.position, _("Chức vụ"), MAX_LINE_LENGTH),
            content=_check_text(o.content, _("Nội dung ý kiến")),
        )
        for o in opinions
        if (o.speaker or "").strip() or (o.content or "").strip()
    ]
    for opinion in cleaned_opinions:
        if not opinion.speaker or not opinion.content:
            raise ReviewError(_("Mỗi ý kiến cần có người phát biểu và nội dung."))
    scan_name = _check_scan(scan) if scan else ""
    with transaction.atomic():
        existing = CommentMeeting.objects.select_for_update().filter(evaluation=evaluation).first()
        if existing is None:
            if version is not None:
                raise ReviewError(_("Biên bản đã bị xóa ở nơi khác; hãy tải lại trang."))
            meeting = CommentMeeting.objects.create(evaluation=evaluation, **fields)
        else:
            if version is None or existing.version != version:
                raise _stale(_("Biên bản họp"), existing)
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.version = F("version") + 1
            existing.save()
            meeting = existing
            meeting.opinions.all().delete()
        MeetingOpinion.objects.bulk_create(
            MeetingOpinion(
                meeting=meeting, speaker=o.speaker, position=o.position, content=o.content, sort_order=i
            )
            for i, o in enumerate(cleaned_opinions)
        )
        if scan is not None:
            if meeting.signed_scan:
                meeting.signed_scan.delete(save=False)
            meeting.signed_scan.save("scan", scan, save=False)
            meeting.signed_scan_name = scan_name
            meeting.save(update_fields=["signed_scan", "signed_scan_name"])
        event_record(
            evaluation,
            EventKind.MEETING_RECORDED,
            by,
            note=ngettext(
                "Họp ngày %(date)s, %(n)d ý kiến", "Họp ngày %(date)s, %(n)d ý kiến", len(cleaned_opinions)
            )
            % {"date": date_format(minutes.held_on, "d/m/Y"), "n": len(cleaned_opinions)},
        )
    meeting.refresh_from_db()
    return meeting


def party_opinion_record(
    *,
    evaluation: Evaluation,
    body: str,
    given_on: date,
    text: str,
    scan: UploadedFile | None = None,
    version: int | None,
    by: User,
) -> PartyOpinion:
    from ..models import PartyOpinion

    _check_may_record(evaluation, PhaseKind.PARTY_OPINION, by)
    body = _check_text(body, _("Cấp ủy"), MAX_LINE_LENGTH)
    text = _check_text(text, _("Nội dung ý kiến"))
    if not body or not text:
        raise ReviewError(_("Hãy ghi tên cấp ủy và nội dung ý kiến."))
    if given_on > timezone.localdate():
        raise ReviewError(_("Ngày cho ý kiến không thể ở tương lai."))
    scan_name = _check_scan(scan) if scan else ""
    with transaction.atomic():
        opinion = PartyOpinion.objects.select_for_update().filter(evaluation=evaluation).first()
        if opinion is None:
            if version is not None:
                raise ReviewError(_("Ý kiến cấp ủy đã bị xóa ở nơi khác; hãy tải lại trang."))
            opinion = PartyOpinion(evaluation=evaluation)
        elif version is None or opinion.version != version:
            raise _stale(_("Ý kiến cấp ủy"), opinion)
        else:
            opinion.version = F("version") + 1
        opinion.body, opinion.given_on, opinion.text, opinion.recorded_by = body, given_on, text, by
        if scan is not None:
            if opinion.signed_scan:
                opinion.signed_scan.delete(save=False)
            opinion.signed_scan.save("scan", scan, save=False)
            opinion.signed_scan_name = scan_name
        opinion.save()
        # No note: the official reads their history, and the party's opinion is not theirs to read.
        event_record(evaluation, EventKind.PARTY_OPINION_RECORDED, by)
    opinion.refresh_from_db()
    return opinion


CAP_FACT_FIELDS = (
    "months_worked",
    "months_absent",
    "on_maternity_leave",
    "on_sick_leave",
    "discipline_form",
    "discipline_date",
    "discipline_source",
    "discipline_unrelated_to_duties",
    "discipline_counting",
    "degradation_concluded",
    "degradation_source",
    "corruption_in_unit",
    "corruption_source",
    "corruption_self_remedied",
    "targets_met_pct",
    "targets_exceeded_pct",
    "subordinates_htnv_or_above_pct",
    "subordinates_httnv_or_above_pct",
    "confidence_vote_low_pct",
    "points_total",
    "source",
)


def cap_facts_clean(*, evaluation: Evaluation, values: dict[str, Any]) -> dict[str, Any]:
    """Check one person's facts against each other and the cycle; shared by the form and the spreadsheet import."""
    from ..models import CapFacts, DisciplineForm

    cycle = evaluation.enrolment.cycle
    unknown = set(values) - set(CAP_FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown cap facts: {sorted(unknown)}")
    cleaned = dict(values)
    form = cleaned.get("discipline_form") or ""
    if form and form not in DisciplineForm.values:
        raise ReviewError(_("Hình thức kỷ luật không hợp lệ."))
    if form and not cleaned.get("discipline_date"):
        raise ReviewError(_("Hãy ghi ngày quyết định kỷ luật."))
    if form and cleaned["discipline_date"].year != cycle.year:
        # Decree 90 Art. 2(5)(a) (added by 48/2023) and Decree 233 Art. 14(3)(a): the discipline counts in the
        # year it takes effect; a decision from another year belongs to that year's rating (the exceptions of
        # 90 Art. 2(5)(b)–(c) and 233 Art. 14(3)(a)–(c) are recorded as discipline_counting).
        raise ReviewError(
            _("Quyết định kỷ luật ngày %(date)s không thuộc năm đánh giá %(year)d.")
            % {"date": date_format(cleaned["discipline_date"], "d/m/Y"), "year": cycle.year}
        )
    if not form:
        cleaned["discipline_date"] = None
    for name in ("months_worked", "months_absent"):
        value = cleaned.get(name)
        if value is not None and not (0 <= value <= 12):
            raise ReviewError(_("Số tháng phải từ 0 đến 12."))
    worked, absent = cleaned.get("months_worked"), cleaned.get("months_absent")
    if worked is not None and absent is not None and worked + absent > 12:
        raise ReviewError(_("Số tháng công tác cộng số tháng nghỉ vượt quá 12."))
    for name in (
        "targets_met_pct",
        "targets_exceeded_pct",
        "subordinates_htnv_or_above_pct",
        "subordinates_httnv_or_above_pct",
        "confidence_vote_low_pct",
    ):
        value = cleaned.get(name)
        if value is not None and not (0 <= value <= 100):
            raise ReviewError(_("Tỷ lệ phần trăm phải từ 0 đến 100."))
    htnv, httnv = (
        cleaned.get("subordinates_htnv_or_above_pct"),
        cleaned.get("subordinates_httnv_or_above_pct"),
    )
    if htnv is not None and httnv is not None and httnv > htnv:
        raise ReviewError(
            _("Tỷ lệ đơn vị trực thuộc từ HTTNV trở lên không thể lớn hơn tỷ lệ từ HTNV trở lên.")
        )
    points = cleaned.get("points_total")
    if points is not None and not (0 <= points <= 100):
        raise ReviewError(_("Tổng điểm phải từ 0 đến 100."))
    places = cycle.points_decimal_places
    if points is not None and points != points.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        # The cycle keeps `places` decimals; 89.995 must not become 90.00 (HTXSNV) behind the user's back, as the
        # database column would round it. Refused, as the form and the import refuse it.
        raise ReviewError(
            _(
                "Tổng điểm %(score)s có nhiều hơn %(places)d chữ số thập phân mà kỳ đánh giá cho phép; hãy nhập "
                "đúng điểm đã xác nhận, hệ thống không tự làm tròn."
            )
            % {"score": number_format(points), "places": places}
        )
    if cleaned.get("discipline_counting") and cleaned["discipline_counting"] not in DisciplineCounting.values:
        raise ReviewError(_("Trường hợp tính năm kỷ luật không hợp lệ."))
    if (cleaned.get("discipline_counting") or cleaned.get("discipline_unrelated_to_duties")) and not form:
        raise ReviewError(_("Chỉ ghi năm tính kỷ luật, tính chất vi phạm khi có hình thức kỷ luật."))
    if cleaned.get("corruption_self_remedied") and not cleaned.get("corruption_in_unit"):
        raise ReviewError(
            _("Chỉ ghi việc chủ động phát hiện, khắc phục khi có vụ việc tham nhũng, lãng phí được xử lý.")
        )
    if cleaned.get("degradation_concluded") and not (cleaned.get("degradation_source") or "").strip():
        raise ReviewError(_("Hãy ghi văn bản kết luận suy thoái (căn cứ)."))
    if cleaned.get("corruption_in_unit") and not (cleaned.get("corruption_source") or "").strip():
        raise ReviewError(_("Hãy ghi văn bản xử lý vụ việc tham nhũng, lãng phí (căn cứ)."))
    for name in ("discipline_source", "degradation_source", "corruption_source", "source"):
        label = str(getattr(CapFacts._meta.get_field(name), "verbose_name", name))
        cleaned[name] = _check_text(cleaned.get(name) or "", label, MAX_LINE_LENGTH)
    return cleaned


def cap_facts_record(
    *, evaluation: Evaluation, values: dict[str, Any], version: int | None, by: User
) -> CapFacts:
    """Home Affairs records the facts that cap a person's rating. A proposal the new facts no longer allow
    stays, flagged, for Home Affairs to revisit (it is never silently changed)."""
    from officials.permissions import roles_of

    from ..models import CapFacts

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
    refusal = phase_refusal(evaluation, PhaseKind.COMPILATION, by)
    if refusal:
        raise ReviewError(refusal)
    cleaned = cap_facts_clean(evaluation=evaluation, values=values)
    with transaction.atomic():
        facts = CapFacts.objects.select_for_update().filter(evaluation=evaluation).first()
        if facts is None:
            facts = CapFacts(evaluation=evaluation)
        elif version is not None and facts.version != version:
            raise _stale(_("Căn cứ giới hạn mức xếp loại"), facts)
        else:
            facts.version = F("version") + 1
        before = _facts_summary(facts) if facts.pk else ""
        before_values = _facts_values(facts) if facts.pk else None
        for name, value in cleaned.items():
            setattr(facts, name, value)
        facts.recorded_by = by
        facts.save()
        facts.refresh_from_db()
        event_record(
            evaluation, EventKind.FACTS_RECORDED, by, note=_change_note(before, _facts_summary(facts))
        )
        audit_record(
            action=Action.CAP_FACTS_RECORDED,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=evaluation,
            target=str(evaluation.enrolment),
            before=before_values,
            after=_facts_values(facts),
        )
    return facts


def _facts_summary(facts: CapFacts) -> str:
    parts = []
    for name in CAP_FACT_FIELDS:
        value = getattr(facts, name)
        if value not in (None, "", False):
            parts.append(f"{name}={value}")
    return ", ".join(parts)


def _facts_values(facts: CapFacts) -> dict[str, Any]:
    """The facts as JSON for the audit trail (decimals and dates as text)."""
    return {
        name: (None if getattr(facts, name) is None else str(getattr(facts, name)))
        for name in CAP_FACT_FIELDS
    }


def _change_note(before: str, after: str) -> str:
    return f"{before or '∅'} → {after or '∅'}"


def proposal_set(
    *,
    evaluation: Evaluation,
    level: str = "",
    not_rated: bool = False,
    reason: str = "",
    comments: str | None = None,
    by: User,
) -> Evaluation:
    """Home Affairs proposes a level (or "not rated"). A level above what the law allows this person is refused
    with the reasons and articles; the quota is shown on the whole group, never checked person by person.
    `comments` is Home Affairs' draft of the authority's comments, offered to the chair on the decision board
    (issue #13 item 6); None leaves the stored draft as it is."""
    from officials.permissions import roles_of

    from ..selectors import agency_level_of, caps_for

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
    refusal = phase_refusal(evaluation, PhaseKind.COMPILATION, by)
    if refusal:
        raise ReviewError(refusal)
    if evaluation.status not in (
        EvaluationStatus.SUBMITTED,
        EvaluationStatus.IN_REVIEW,
        EvaluationStatus.PROPOSED,
    ):
        raise ReviewError(_("Chỉ đề xuất được khi người được đánh giá đã nộp tự đánh giá."))
    if level and level not in Level.values:
        raise ReviewError(_("Mức xếp loại không hợp lệ."))
    if level and not_rated:
        raise ReviewError(_("Chọn một mức xếp loại hoặc “không xếp loại”, không chọn cả hai."))
    reason = _check_text(reason, _("Lý do đề xuất"), MAX_REASON_LENGTH)
    if comments is None:
        comments = evaluation.proposal_comments
    comments = _check_text(comments, _("Dự thảo nhận xét ưu, khuyết điểm"), MAX_COMMENTS_LENGTH)
    caps = caps_for(evaluation, agency_level_of(evaluation))
    if level:
        why = " ".join(f"{r.text} ({r.citation})" for r in caps.binding())
        if caps.not_rated:
            raise ReviewError(_("Không đề xuất mức được: %(why)s") % {"why": why})
        if caps.missing:
            # No score in a points regime; a head whose agency has no rating yet (Decree 233 Art. 15(1)(a)).
            raise ReviewError(_("Chưa thể đề xuất mức xếp loại: còn thiếu căn cứ. %(why)s") % {"why": why})
        if not caps.allows(Level(level)):
            if not caps.allows_departing(Level(level)):
                raise ReviewError(
                    _("Không thể đề xuất %(level)s: mức cao nhất được phép là %(cap)s. %(why)s")
                    % {"level": Level(level).label, "cap": caps.cap_label, "why": why}
                )
            if not reason:
                # Decree 233 Art. 12(4)(d): the authority may weigh it, but the departure needs its reason.
                raise ReviewError(
                    _(
                        "Đề xuất %(level)s là khác mức giới hạn mặc định %(cap)s: hãy ghi lý do cân nhắc. %(why)s"
                    )
                    % {"level": Level(level).label, "cap": caps.cap_label, "why": why}
                )
        if level != evaluation.self_proposed_level and not reason:
            raise ReviewError(_("Mức đề xuất khác mức tự xếp loại: hãy ghi lý do."))
    if not_rated and not reason and not caps.not_rated:
        raise ReviewError(_("Hãy ghi lý do đề xuất không xếp loại."))
    new_status = EvaluationStatus.PROPOSED if (level or not_rated) else EvaluationStatus.IN_REVIEW
    before = evaluation.proposed_level or ("not_rated" if evaluation.proposed_not_rated else "")
    after = level or ("not_rated" if not_rated else "")
    with transaction.atomic():
        updated = Evaluation.objects.filter(
            pk=evaluation.pk,
            status__in=[EvaluationStatus.SUBMITTED, EvaluationStatus.IN_REVIEW, EvaluationStatus.PROPOSED],
        ).update(
            proposed_level=level,
            proposed_not_rated=not_rated,
            proposal_reason=reason,
            proposal_comments=comments,
            proposed_at=timezone.now() if after else None,
            proposed_by=by if after else None,
            status=new_status,
            version=F("version") + 1,
        )
        if not updated:
            raise ReviewError(_("Hồ sơ vừa thay đổi trạng thái; hãy tải lại trang."))
        audit_record(
            action=Action.PROPOSAL_SET,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=evaluation,
            target=str(evaluation.enrolment),
            before={
                "proposal": before,
                "reason": evaluation.proposal_reason,
                "comments": evaluation.proposal_comments,
            },
            after={"proposal": after, "reason": reason, "comments": comments},
        )
        event_record(
            evaluation,
            EventKind.PROPOSED,
            by,
            note=_change_note(before.upper(), after.upper()) + (f" – {reason}" if reason else ""),
        )
    evaluation.refresh_from_db()
    return evaluation


# --- Cap facts from a spreadsheet (issue #4) ---


@dataclass(frozen=True)
class ImportResult:
    recorded: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()  # in row order

    @property
    def ok(self) -> bool:
        return not self.errors


def cap_facts_import(*, cycle: Cycle, data: bytes, by: User) -> ImportResult:
    """Home Affairs records many people's cap facts from the portal's template. All or nothing: if any row has
    an error nothing is written and every error comes back with its row; otherwise each changed person is
    recorded through `cap_facts_record` (one event each) inside one transaction. Unchanged rows are skipped,
    so a re-import of the same file writes nothing twice."""
    from officials.permissions import roles_of

    from ..spreadsheets.facts_import import RowError, current_facts, facts_rows_parse

    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
    if cycle.status != CycleStatus.IN_PROGRESS:
        raise ReviewError(_("Kỳ đánh giá không còn ở giai đoạn đánh giá; không nhập được căn cứ."))
    phase = phase_of(cycle, PhaseKind.COMPILATION)
    if phase is not None and not phase.is_open:
        raise ReviewError(
            _("Giai đoạn “%(phase)s” chưa mở hoặc đã đóng.") % {"phase": phase.get_kind_display()}
        )
    rows, errors = facts_rows_parse(cycle=cycle, data=data)
    errors = list(errors)
    for parsed in rows:
        refusal = phase_refusal(parsed.evaluation, PhaseKind.COMPILATION, by)
        if refusal:
            errors.append(RowError(parsed.row_number, "", refusal))
    if errors:
        return ImportResult(errors=tuple(sorted(errors, key=lambda e: e.row_number or 0)))
    changed = [parsed for parsed in rows if parsed.values != current_facts(parsed.evaluation)]
    row: ParsedRow | None = None
    try:
        with transaction.atomic():
            for row in changed:
                cap_facts_record(
                    evaluation=row.evaluation,
                    values=row.values,
                    # The version read into the template: someone saving this person since then wins, and
                    # the whole import is refused rather than overwriting them.
                    version=row.version or None,
                    by=by,
                )
    except StaleFormError:
        assert row is not None  # raised while recording a row
        message = _("Căn cứ của %(name)s vừa được lưu trên cổng; chưa dòng nào được nhập. Hãy tải mẫu mới.")
        return ImportResult(
            errors=(RowError(row.row_number, "", message % {"name": row.evaluation.enrolment.full_name}),)
        )
    except ReviewError as exc:
        assert row is not None
        return ImportResult(errors=(RowError(row.row_number, "", str(exc)),))
    return ImportResult(recorded=len(changed), unchanged=len(rows) - len(changed))
