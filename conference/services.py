"""Every write to the conference (domain.md §3.6): Home Affairs acts as its secretary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.uploads import upload_checked
from cycles.models import Cycle, Enrolment
from cycles.services import EDITABLE_FOR_RATING
from officials.permissions import roles_of
from reviews.models import Evaluation

from .errors import ConferenceError, StaleNoteError
from .models import Conference, ConferenceAttendance, ConferenceGuest, ConferenceNote

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

CONFERENCE_TEXT_MAX = 20_000
CONFERENCE_LINE_MAX = 255


def _require_conference_secretary(by: User) -> None:
    # Defence in depth: the views already let only Home Affairs reach these forms.
    if not roles_of(by).is_home_affairs:
        raise PermissionDenied


def _check_conference_editable(cycle: Cycle) -> None:
    if cycle.status not in EDITABLE_FOR_RATING:
        raise ConferenceError(
            _("Kết quả của kỳ đánh giá đã được phê duyệt; không sửa thông tin hội nghị được nữa.")
        )


def _clean_text(value: str, label: str, *, limit: int = CONFERENCE_TEXT_MAX, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ConferenceError(_("Hãy nhập %(field)s.") % {"field": label})
    if len(value) > limit:
        raise ConferenceError(
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
    by: User,
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
        raise ConferenceError(
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
def conference_attendance_set(*, conference: Conference, entries: list[AttendanceEntry], by: User) -> int:
    """Record who of the cohort is present and why the others are absent, all or nothing."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    names = dict(Enrolment.objects.filter(cycle_id=conference.cycle_id).values_list("pk", "full_name"))
    rows = []
    for entry in entries:
        if entry.enrolment_id not in names:
            raise ConferenceError(_("Người này không có trong danh sách đánh giá của kỳ."))
        reason = "" if entry.present else (entry.absence_reason or "").strip()
        if not entry.present and not reason:
            raise ConferenceError(
                _("Hãy ghi lý do vắng mặt của %(name)s.") % {"name": names[entry.enrolment_id]}
            )
        if len(reason) > 500:
            raise ConferenceError(
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
def conference_guest_add(
    *, conference: Conference, name: str, position: str = "", by: User
) -> ConferenceGuest:
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    name = _clean_text(name, _("họ tên khách mời"), limit=150, required=True)
    position = _clean_text(position, _("chức vụ, cơ quan của khách mời"), limit=CONFERENCE_LINE_MAX)
    last = conference.guests.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return ConferenceGuest.objects.create(
        conference=conference, name=name, position=position, sort_order=(last or 0) + 1
    )


def conference_guest_remove(*, guest: ConferenceGuest, by: User) -> None:
    _require_conference_secretary(by)
    _check_conference_editable(guest.conference.cycle)
    guest.delete()


def conference_report_attach(*, conference: Conference, upload: UploadedFile, by: User) -> Conference:
    """The Home Affairs report to the chair, as the signed PDF. Checked by content, never by name."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    upload_checked(upload, error=ConferenceError, pdf_only=True)
    old = conference.report.name if conference.report else ""
    with transaction.atomic():
        conference.report.save("report", upload, save=False)
        conference.report_name = (upload.name or "")[:255]
        conference.updated_by = by
        conference.save(update_fields=["report", "report_name", "updated_by", "updated_at"])
        if old:
            # The replaced file goes only once the new one is committed.
            storage = conference.report.storage
            transaction.on_commit(lambda: storage.delete(old))
    return conference


def _evaluation_in_conference(conference: Conference, evaluation: Evaluation) -> None:
    if evaluation.enrolment.cycle_id != conference.cycle_id:
        raise ConferenceError(_("Người này không có trong danh sách đánh giá của kỳ."))


def conference_note_save(
    *, conference: Conference, evaluation: Evaluation, text: str, version: int, by: User
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
            saved: int = created  # rows written: get_or_create's flag here, update()'s count below
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


def conference_focus(*, conference: Conference, evaluation: Evaluation, by: User) -> Conference:
    """Put a person on screen: the chair's screen follows `current_evaluation`."""
    _require_conference_secretary(by)
    _evaluation_in_conference(conference, evaluation)
    now = timezone.now()
    Conference.objects.filter(pk=conference.pk).update(current_evaluation=evaluation, focused_at=now)
    conference.current_evaluation, conference.focused_at = evaluation, now
    return conference


@transaction.atomic
def conference_close(
    *, conference: Conference, concluding_remarks: str, closed_at: datetime, by: User
) -> Conference:
    """The chair's concluding remarks and the closing time; may be corrected until the results are signed off."""
    _require_conference_secretary(by)
    _check_conference_editable(conference.cycle)
    remarks = _clean_text(concluding_remarks, _("kết luận của chủ trì"), required=True)
    if timezone.is_naive(closed_at):
        raise ConferenceError(_("Giờ kết thúc không hợp lệ."))
    opened = timezone.make_aware(datetime.combine(conference.held_on, conference.starts_at))
    if closed_at <= opened:
        raise ConferenceError(
            _("Giờ kết thúc phải sau giờ khai mạc (%(start)s).")
            % {"start": date_format(timezone.localtime(opened), "H:i d/m/Y")}
        )
    conference.concluding_remarks, conference.closed_at, conference.updated_by = remarks, closed_at, by
    conference.version += 1
    conference.save(update_fields=["concluding_remarks", "closed_at", "updated_by", "updated_at", "version"])
    return conference
