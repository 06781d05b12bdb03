"""The audit history in words (issue #13 item 7): field names and stored values of the audit trail become the
labels a reader knows ("Trạng thái: Đang chờ trả lời → Đã trả lời" instead of "status: open → answered"), from the
models' verbose names and choices; "document:6" becomes the document's kind and number.

The audit app sits below every other app and stores raw keys; this top layer, which knows every model, translates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, TextChoices
from django.utils.translation import gettext_lazy as _

from audit.models import Action, AuditEvent
from audit.selectors import HistoryRow
from cycles.models import CycleStatus
from cycles.rulebooks import Level
from documents.models import DocumentKind
from officials.models import Role
from reviews.models import (
    CapFacts,
    Decision,
    EvaluationStatus,
    ExemptionKind,
    NoticeKind,
    ObjectionOutcome,
    ObjectionStatus,
    SigningAs,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

EMPTY = "∅"

# Keys of the audit's before/after that no model field names the same way.
FIELD_LABELS: dict[str, Promise] = {
    "status": _("Trạng thái"),
    "reason": _("Lý do"),
    "level": _("Mức xếp loại"),
    "self_level": _("Mức tự xếp loại"),
    "proposal": _("Mức đề xuất"),
    "comments": _("Nhận xét ưu, khuyết điểm"),
    "outlook": _("Chiều hướng, triển vọng phát triển"),
    "not_rated": _("Không xếp loại"),
    "departure_reason": _("Lý do xếp loại khác mức giới hạn"),
    "kind": _("Loại"),
    "number": _("Số văn bản"),
    "version": _("Phiên bản"),
    "pages": _("Số trang"),
    "sha256": _("Mã kiểm tra (SHA-256)"),
    "objection": _("Kiến nghị"),
    "decision": _("Quyết định"),
    "new_decision": _("Quyết định mới"),
    "replaces": _("Thay thế quyết định"),
    "notice": _("Thông báo"),
    "outcome": _("Kết quả giải quyết"),
    "answer": _("Nội dung trả lời"),
    "text": _("Nội dung"),
    "signing_as": _("Thẩm quyền ký"),
    "signer": _("Người ký"),
    "decisions": _("Số quyết định"),
    "phases_closed": _("Giai đoạn đã đóng"),
    "article": _("Căn cứ"),
    "rulebook": _("Quy định áp dụng"),
    "is_head": _("Người đứng đầu"),
    "entered_on_paper": _("Nhập từ phiếu giấy"),
    "points_total": _("Tổng điểm"),
    "scan": _("Bản scan"),
    "channel": _("Kênh gửi"),
    "to": _("Gửi tới"),
    "attempt": _("Lần gửi"),
    "role": _("Vai trò"),
    "user": _("Người dùng"),
    "ended": _("Số phiên đã kết thúc"),
    "tracker_name": _("Người theo dõi"),
    "tracker_title": _("Chức vụ người theo dõi"),
}
# A key that means something else in one action.
FIELD_LABELS_BY_ACTION: dict[tuple[str, str], Promise] = {
    (Action.PROPOSAL_SET, "comments"): _("Dự thảo nhận xét ưu, khuyết điểm"),
    (Action.PROPOSAL_SET, "reason"): _("Lý do đề xuất"),
}
# Values that are choices: the same key means different choices in different actions ("kind", "status").
CHOICES: dict[str, type[TextChoices]] = {
    "level": Level,
    "self_level": Level,
    "proposal": Level,
    "outcome": ObjectionOutcome,
    "signing_as": SigningAs,
    "role": Role,
}
CHOICES_BY_ACTION: dict[tuple[str, str], type[TextChoices]] = {
    (Action.DOCUMENT_ISSUED, "kind"): DocumentKind,
    (Action.EVALUATION_EXEMPTED, "kind"): ExemptionKind,
    (Action.NOTICE_SENT, "kind"): NoticeKind,
    (Action.OBJECTION_FILED, "status"): ObjectionStatus,
    (Action.OBJECTION_ANSWERED, "status"): ObjectionStatus,
    (Action.OBJECTION_WITHDRAWN, "status"): ObjectionStatus,
    (Action.CYCLE_SIGNED_OFF, "status"): CycleStatus,
    (Action.CYCLE_CLOSED, "status"): CycleStatus,
}
# References to rows, shown as "#12" after their label.
REFERENCES = {"objection", "decision", "new_decision", "replaces", "notice"}
# Models whose verbose names label the remaining keys (cap facts, decision fields).
LABELLED_MODELS: tuple[type[Model], ...] = (CapFacts, Decision)


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str

    @property
    def created(self) -> bool:
        return self.before == EMPTY


@dataclass
class DescribedRow:
    row: HistoryRow
    lines: list[Line]
    target: str

    @property
    def event(self) -> AuditEvent:
        return self.row.event

    @property
    def actor_label(self) -> str:
        return self.row.actor_label


def field_label(key: str, action: str = "") -> str:
    if (action, key) in FIELD_LABELS_BY_ACTION:
        return str(FIELD_LABELS_BY_ACTION[(action, key)])
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    for model in LABELLED_MODELS:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        label = str(getattr(field, "verbose_name", key))
        return label[:1].upper() + label[1:]
    return key.replace("_", " ")


def value_label(action: str, key: str, value: str) -> str:
    if value == EMPTY:
        return value
    if value in ("✓", "✗"):
        return str(_("có")) if value == "✓" else str(_("không"))
    choices = CHOICES_BY_ACTION.get((action, key)) or CHOICES.get(key)
    if key == "status" and choices is None:
        choices = EvaluationStatus
    if key == "proposal" and value == "not_rated":
        return str(_("Không xếp loại"))
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key in REFERENCES:
        return f"#{value}"
    return value


def target_label(row: HistoryRow) -> str:
    event = row.event
    target = event.target or ""
    if target.startswith("document:") and isinstance(event.after, dict):
        kind = event.after.get("kind", "")
        label = str(DocumentKind(kind).label) if kind in DocumentKind.values else str(_("Văn bản"))
        number = event.after.get("number")
        return f"{label} {_('số')} {number}" if number else f"{label} #{target.removeprefix('document:')}"
    return target


def describe(rows: list[HistoryRow]) -> list[DescribedRow]:
    described = []
    for row in rows:
        action = row.event.action
        lines = [
            Line(
                label=field_label(change.key, action) if change.key else "",
                before=value_label(action, change.key, change.before),
                after=value_label(action, change.key, change.after),
            )
            for change in row.changes
        ]
        described.append(DescribedRow(row=row, lines=lines, target=target_label(row)))
    return described
