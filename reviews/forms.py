"""Forms of the reviews app. The self-assessment form is built from the cycle's criteria for this person."""

from decimal import Decimal

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Reverse, Right, StrIndex
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.widgets import PlainSelect
from cycles.rulebooks import Level
from cycles.selectors import cohort_order
from officials.models import Organisation, PeerGroup

from .models import CapFacts, EvaluationStatus, ExemptionKind
from .services import (
    CAP_FACT_FIELDS,
    MAX_LINE_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TEXT_LENGTH,
    Answer,
    MeetingMinutes,
    Opinion,
)


def text_field_name(code: str) -> str:
    return f"text__{code}"


def points_field_name(code: str) -> str:
    return f"points__{code}"


class SelfAssessmentForm(forms.Form):
    """Only the person's own fields exist here: status, proposals and final levels cannot be posted in."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    self_level = forms.ChoiceField(
        label=_("Tự xếp loại chất lượng"),
        choices=[("", _("— Chưa chọn —")), *Level.choices],
        required=False,
    )

    def __init__(self, *args, parts, decimal_places: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts
        step = Decimal(1).scaleb(-decimal_places) if decimal_places else Decimal(1)
        for part in parts:
            for criterion in part.criteria:
                if criterion.max_points is not None:
                    self.fields[points_field_name(criterion.code)] = forms.DecimalField(
                        label=_("Điểm tự chấm"),
                        required=False,
                        min_value=0,
                        max_value=criterion.max_points,
                        max_digits=5,
                        decimal_places=decimal_places,
                        error_messages={
                            "min_value": _("Điểm không được âm."),
                            "max_value": _("Điểm tối đa của mục này là %(limit_value)s."),
                            "invalid": _("Nhập một số, ví dụ 8.5."),
                            "max_decimal_places": _("Điểm chỉ được có tối đa %(max)s chữ số thập phân."),
                            "max_whole_digits": _("Điểm không hợp lệ."),
                            "max_digits": _("Điểm không hợp lệ."),
                        },
                        widget=forms.NumberInput(
                            attrs={
                                "step": str(step),
                                "min": "0",
                                "max": str(criterion.max_points),
                                "data-points": "",
                                "inputmode": "decimal",
                            }
                        ),
                    )
                self.fields[text_field_name(criterion.code)] = forms.CharField(
                    # Criteria are cycle data copied from the rulebook: national texts translate, provincial ones stay as typed.
                    label=_("Giải trình") if criterion.max_points is not None else gettext(criterion.title),
                    required=False,
                    max_length=MAX_TEXT_LENGTH,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT_LENGTH}),
                )

    @classmethod
    def initial_for(cls, evaluation) -> dict:
        initial = {"version": evaluation.version, "self_level": evaluation.self_proposed_level}
        for code, entry in evaluation.answers.items():
            initial[text_field_name(code)] = entry.get("text", "")
            if entry.get("points") not in (None, ""):
                initial[points_field_name(code)] = Decimal(entry["points"])
        return initial

    def answers(self) -> dict[str, Answer]:
        data = self.cleaned_data
        result = {}
        for part in self.parts:
            for criterion in part.criteria:
                result[criterion.code] = Answer(
                    text=data.get(text_field_name(criterion.code), "") or "",
                    points=data.get(points_field_name(criterion.code)),
                )
        return result

    def rows(self):
        """(part, [(criterion, points field or None, text field)]) for the template, in form order."""
        for part in self.parts:
            yield (
                part,
                [
                    (
                        criterion,
                        self[points_field_name(criterion.code)] if criterion.max_points is not None else None,
                        self[text_field_name(criterion.code)],
                    )
                    for criterion in part.criteria
                ],
            )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp minh chứng (PDF, PNG, JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=MAX_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Gia hạn đến"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


# --- Home Affairs' compilation and proposal (issue #4) ---

NOT_RATED = "not_rated"
NO_PROPOSAL = "none"


def _level_order(field: str) -> Case:
    """A level column as its rank (HTXSNV first), no level last: for sorting in SQL."""
    return Case(
        *(When(**{field: level.value}, then=Value(level.rank)) for level in Level),
        default=Value(len(Level)),
        output_field=IntegerField(),
    )


def _given_name() -> Case:
    # Vietnamese names are sorted by the given name, the last word (then the whole name).
    name = F("enrolment__full_name")
    return Case(
        When(enrolment__full_name__contains=" ", then=Right(name, StrIndex(Reverse(name), Value(" ")) - 1)),
        default=name,
    )


class CompilationFilterForm(forms.Form):
    """Filters and sorting of the compilation table and the decision board, in SQL (issue #15): the page shows
    one page of the result whatever the cohort size. Only "with warnings" needs each person's caps, so it alone
    is applied in Python, on what the SQL filters left."""

    SORTS = {
        "agenda": (_("Thứ tự hội nghị"), lambda: []),
        "name": (_("Họ tên"), lambda: [_given_name(), "enrolment__full_name"]),
        "organisation": (_("Cơ quan"), lambda: ["enrolment__organisation_name"]),
        "proposed": (_("Mức đề xuất"), lambda: [_level_order("proposed_level")]),
        "self": (_("Mức tự xếp loại"), lambda: [_level_order("self_proposed_level")]),
        "points": (_("Tổng điểm (cao trước)"), lambda: [F("points_total").desc(nulls_last=True)]),
        "warnings": (_("Nhiều cảnh báo trước"), lambda: []),
    }

    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    peer_group = forms.TypedChoiceField(
        label=_("Nhóm đối tượng"), coerce=int, required=False, empty_value=None, widget=PlainSelect
    )
    organisation = forms.TypedChoiceField(
        label=_("Cơ quan"), coerce=int, required=False, empty_value=None, widget=PlainSelect
    )
    proposed = forms.ChoiceField(
        label=_("Mức đề xuất"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            *Level.choices,
            (NOT_RATED, _("Không xếp loại")),
            (NO_PROPOSAL, _("Chưa đề xuất")),
        ],
    )
    warnings_only = forms.BooleanField(label=_("Chỉ hồ sơ có cảnh báo"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"), required=False, choices=[(key, label) for key, (label, _key) in SORTS.items()]
    )

    def __init__(self, *args, groups, organisations, **kwargs):
        """`groups`: (id, name) of the cohort's peer groups; `organisations`: (id, name) of its agencies."""
        super().__init__(*args, **kwargs)
        self.fields["peer_group"].choices = [("", _("Tất cả")), *groups]
        self.fields["organisation"].choices = [("", _("Tất cả")), *organisations]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = {
                "warnings_only": "form-check-input",
                "q": "form-control form-control-sm",
            }.get(name, "form-select form-select-sm")
        self.fields["q"].widget.attrs["type"] = "search"

    @property
    def needs_caps(self) -> bool:
        """Whether the filter or sort reads each person's warnings (computed in Python from the caps)."""
        data = self.cleaned_data if self.is_valid() else {}
        return bool(data.get("warnings_only")) or data.get("sort") == "warnings"

    def filter(self, queryset):
        """The SQL filters and order on a `standing_queryset`; the cohort's order breaks ties."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(enrolment__full_name__icontains=data["q"].strip())
        if data.get("peer_group"):
            queryset = queryset.filter(enrolment__peer_group_id=data["peer_group"])
        if data.get("organisation"):
            queryset = queryset.filter(enrolment__organisation_id=data["organisation"])
        wanted = data.get("proposed")
        if wanted == NOT_RATED:
            queryset = queryset.filter(proposed_not_rated=True)
        elif wanted == NO_PROPOSAL:
            queryset = queryset.filter(proposed_level="", proposed_not_rated=False)
        elif wanted:
            queryset = queryset.filter(proposed_level=wanted)
        order = self.SORTS.get(data.get("sort") or "agenda", self.SORTS["agenda"])[1]()
        return queryset.order_by(*order, *cohort_order("enrolment__"))

    def apply(self, rows):
        """The Python part on standing rows: "with warnings" and the sort by their number."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("warnings_only"):
            rows = [r for r in rows if r.warnings]
        if data.get("sort") == "warnings":
            rows = sorted(rows, key=lambda row: -len(row.warnings))
        return list(rows)


class ProposalForm(forms.Form):
    proposal = forms.ChoiceField(
        label=_("Mức đề xuất"),
        required=False,
        choices=[("", _("— Chưa đề xuất —")), *Level.choices, (NOT_RATED, _("Không xếp loại"))],
    )
    reason = forms.CharField(
        label=_("Lý do đề xuất"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi mức đề xuất khác mức tự xếp loại."),
    )
    comments = forms.CharField(
        label=_("Dự thảo nhận xét ưu, khuyết điểm"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Chủ tịch thấy sẵn dự thảo này khi quyết định và có thể sửa."),
    )

    @property
    def level(self) -> str:
        value = self.cleaned_data.get("proposal") or ""
        return "" if value == NOT_RATED else value

    @property
    def not_rated(self) -> bool:
        return self.cleaned_data.get("proposal") == NOT_RATED


class CapFactsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CapFacts
        # The one list of the facts that cap a rating, in the order the form shows them.
        fields = list(CAP_FACT_FIELDS)
        widgets = {"discipline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"points_total": _("Điểm năm được xác nhận (theo dõi ngoài cổng)")}
        help_texts = {
            "months_absent": _("Nghỉ từ 3 đến dưới 6 tháng: không xếp loại từ HTTNV trở lên (Nghị định 90)."),
            "months_worked": _(
                "Dưới 6 tháng: không xếp loại chất lượng, trừ nghỉ thai sản (Nghị định 90 Điều 2 khoản 3); từ năm "
                "2026 trừ cả nghỉ ốm (Nghị định 233 Điều 14 khoản 2)."
            ),
            "on_sick_leave": _("Chỉ được tính từ kỳ đánh giá năm 2026 (Nghị định 233 Điều 14 khoản 2)."),
            "points_total": _(
                "Chỉ ghi khi các kỳ được theo dõi, đánh giá ngoài cổng: điểm trung bình cả năm đã được xác nhận, "
                "đúng số chữ số thập phân của kỳ, ghi nguồn bên cạnh. Để trống thì dùng điểm năm tính từ các kỳ "
                "theo dõi trên cổng (kỳ đánh giá không theo dõi theo kỳ: điểm tự chấm)."
            ),
            "targets_met_pct": _("Người lãnh đạo theo Nghị định 90 và Quy định 366-QĐ/TW."),
            "discipline_unrelated_to_duties": _(
                "Nghị định 233 Điều 12 khoản 4 điểm c: chỉ vi phạm liên quan đến thực hiện nhiệm vụ mới xếp "
                "Không hoàn thành nhiệm vụ; không đánh dấu thì giới hạn vẫn áp dụng."
            ),
            "discipline_counting": _(
                "Nghị định 90 Điều 2 khoản 5 điểm b, c; Nghị định 233 Điều 14 khoản 3 điểm a–c."
            ),
            "corruption_self_remedied": _(
                "Nghị định 233 Điều 12 khoản 4 điểm d: mức Không hoàn thành nhiệm vụ vẫn là mặc định; cấp có thẩm "
                "quyền xếp khác phải ghi lý do."
            ),
            "confidence_vote_low_pct": _(
                "Quy định 366-QĐ/TW Điều 11: trên 50% là Không hoàn thành nhiệm vụ."
            ),
        }


class FactsImportForm(forms.Form):
    """The filled cap-facts template; what is in it is checked by the import service, row by row."""

    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("Hãy chọn tệp Excel để nhập.")},
    )


# --- The comment meeting's minutes and the party committee's opinion (issue #4) ---

SCAN_ACCEPT = "application/pdf,image/png,image/jpeg"
# A PositiveSmallIntegerField's ceiling; no agency meeting comes near it.
MAX_HEADCOUNT = 32767
YES_NO = [("1", _("Có")), ("0", _("Không"))]


def _scan_field(label):
    # The service checks the content (PDF, PNG or JPEG by signature) and the size; this only hints the picker.
    return forms.FileField(label=label, required=False, widget=forms.FileInput(attrs={"accept": SCAN_ACCEPT}))


def _scan_help() -> str:
    return gettext("PDF, PNG hoặc JPEG, tối đa %(mb)d MB. Để trống nếu giữ bản đã tải lên.") % {
        "mb": settings.PORTAL_EVIDENCE_MAX_BYTES // (1024 * 1024)
    }


def _line(label, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_LINE_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": MAX_LINE_LENGTH}),
    )


def _note(label, rows=3, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_NOTE_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_NOTE_LENGTH}),
    )


def _headcount(label, required=True):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_HEADCOUNT,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )


VOTE_FIELDS = {
    Level.HTXSNV: "votes_htxsnv",
    Level.HTTNV: "votes_httnv",
    Level.HTNV: "votes_htnv",
    Level.KHTNV: "votes_khtnv",
}


class CommentMeetingForm(forms.Form):
    """The minutes of the person's comment meeting (domain.md §3.3). Rules (attendance, votes, dates, the
    phase) are the service's; the form only reads and normalises what was typed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    held_on = forms.DateField(
        label=_("Ngày họp"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TimeField(
        label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Giờ kết thúc"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = _line(_("Địa điểm"))
    chaired_by = _line(_("Chủ trì (họ tên, chức vụ)"))
    minutes_by = _line(_("Thư ký (người ghi biên bản)"))
    invited_count = _headcount(_("Số người được triệu tập"))
    attended_count = _headcount(_("Số người có mặt"))
    attendees = _note(_("Thành phần, họ tên người dự"), help_text=_("Mỗi người một dòng, kèm chức vụ."))
    absentees = _note(_("Vắng mặt (họ tên, lý do)"), rows=2)
    summary = _note(_("Tóm tắt báo cáo tự đánh giá và mức tự xếp loại của người được đánh giá"), rows=4)
    conclusion = _note(_("Kết luận của cuộc họp"), rows=4, required=True)
    meeting_level = forms.ChoiceField(
        label=_("Mức cuộc họp đề nghị"),
        required=False,
        choices=[("", _("— Cuộc họp không đề nghị mức —")), *Level.choices],
    )
    votes_recorded = forms.BooleanField(
        label=_("Có biểu quyết/bỏ phiếu"),
        required=False,
        help_text=_("Pháp luật không bắt buộc biểu quyết; chỉ đánh dấu nếu cuộc họp có bỏ phiếu."),
    )
    votes_htxsnv = _headcount(_("Số phiếu HTXSNV"), required=False)
    votes_httnv = _headcount(_("Số phiếu HTTNV"), required=False)
    votes_htnv = _headcount(_("Số phiếu HTNV"), required=False)
    votes_khtnv = _headcount(_("Số phiếu KHTNV"), required=False)
    minutes_adopted = forms.TypedChoiceField(
        label=_("Biên bản được thông qua tại cuộc họp"),
        choices=YES_NO,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    scan = _scan_field(_("Bản scan biên bản có chữ ký"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _scan_help()
        self.helper = FormHelper()
        # The <form> tag, the opinions formset and the buttons are the template's: the formset sits between
        # the summary and the conclusion, in the order the minutes are written.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Fieldset(
                _("Cuộc họp"),
                Row(
                    Column("held_on", css_class="col-md-4"),
                    Column("starts_at", css_class="col-6 col-md-4"),
                    Column("ends_at", css_class="col-6 col-md-4"),
                ),
                "place",
                Row(Column("chaired_by", css_class="col-md-6"), Column("minutes_by", css_class="col-md-6")),
            ),
            Fieldset(
                _("Thành phần"),
                Row(
                    Column("invited_count", css_class="col-6 col-md-3"),
                    Column("attended_count", css_class="col-6 col-md-3"),
                ),
                "attendees",
                "absentees",
            ),
            Fieldset(_("Báo cáo của người được đánh giá"), "summary"),
            HTML('{% include "reviews/_meeting_opinions.html" %}'),
            Fieldset(
                _("Kết luận"),
                "conclusion",
                Row(Column("meeting_level", css_class="col-md-6")),
                "votes_recorded",
                Div(
                    *[Column(name, css_class="col-6 col-md-3") for name in VOTE_FIELDS.values()],
                    css_class="row",
                    css_id="meeting-votes",
                ),
                InlineRadios("minutes_adopted"),
            ),
            Fieldset(_("Bản scan"), "scan"),
        )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        if meeting is None:
            return {}
        initial = {
            name: getattr(meeting, name)
            for name in cls.base_fields
            if name not in ("scan", "minutes_adopted") and hasattr(meeting, name)
        }
        initial["minutes_adopted"] = "1" if meeting.minutes_adopted else "0"
        return initial

    def minutes(self) -> MeetingMinutes:
        data = self.cleaned_data
        return MeetingMinutes(
            held_on=data["held_on"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            chaired_by=data["chaired_by"],
            minutes_by=data["minutes_by"],
            invited_count=data["invited_count"],
            attended_count=data["attended_count"],
            conclusion=data["conclusion"],
            attendees=data["attendees"],
            absentees=data["absentees"],
            summary=data["summary"],
            meeting_level=data["meeting_level"],
            votes_recorded=data["votes_recorded"],
            votes={level.value: data.get(name) or 0 for level, name in VOTE_FIELDS.items()},
            minutes_adopted=data["minutes_adopted"],
        )


class OpinionForm(forms.Form):
    """One opinion spoken at the meeting. Every field is optional so that blank rows are simply skipped."""

    speaker = _line(_("Người phát biểu"), required=False)
    position = _line(_("Chức vụ"), required=False)
    content = _note(_("Nội dung ý kiến"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("speaker", css_class="col-md-6"), Column("position", css_class="col-md-6")),
            "content",
        )

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in ("speaker", "position", "content")) and not (
            data.get("speaker") and data.get("content")
        ):
            raise forms.ValidationError(_("Mỗi ý kiến cần có người phát biểu và nội dung."))
        return data

    def opinion(self) -> Opinion | None:
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("speaker"):
            return None
        return Opinion(speaker=data["speaker"], position=data.get("position", ""), content=data["content"])


# extra rows are blank ones; static/js/meeting_minutes.js adds more from the formset's empty form.
OpinionFormSet = forms.formset_factory(OpinionForm, extra=3, max_num=100, absolute_max=100, validate_max=True)


def opinion_formset(data=None, meeting=None) -> forms.BaseFormSet:
    initial = None
    if data is None and meeting is not None:
        initial = [
            {"speaker": o.speaker, "position": o.position, "content": o.content}
            for o in meeting.opinions.all()
        ]
    return OpinionFormSet(data, initial=initial, prefix="opinions")


def opinions_of(formset) -> list[Opinion]:
    return [opinion for form in formset.forms if (opinion := form.opinion()) is not None]


class PartyOpinionForm(forms.Form):
    """The party committee's written opinion on the person (domain.md §3.4)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    body = _line(_("Cấp ủy cho ý kiến"))
    given_on = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = _note(_("Nội dung ý kiến"), rows=6, required=True)
    scan = _scan_field(_("Bản scan có chữ ký"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _scan_help()
        self.helper = FormHelper()
        self.helper.form_id = "party-opinion-form"
        self.helper.layout = Layout(
            "version",
            Row(Column("body", css_class="col-md-8"), Column("given_on", css_class="col-md-4")),
            "text",
            "scan",
            Div(Submit("save", _("Lưu ý kiến cấp ủy")), css_class="border-top pt-3"),
        )

    @classmethod
    def initial_for(cls, opinion) -> dict:
        if opinion is None:
            return {}
        return {
            "version": opinion.version,
            "body": opinion.body,
            "given_on": opinion.given_on,
            "text": opinion.text,
        }


class MeetingListFilterForm(forms.Form):
    """Home Affairs narrows the list to one agency; the choices are the agencies of the cycle's cohort."""

    organisation = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Tất cả")), *organisations]
        self.fields["organisation"].widget.attrs["class"] = "form-select form-select-sm"


# --- Objections (issue #5) ---


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung kiến nghị"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Nêu rõ điểm không đồng ý với kết quả xếp loại và căn cứ (từ 20 đến 10.000 ký tự)."),
    )


class ObjectionAnswerForm(forms.Form):
    """The chair's answer; the fields of the new decision matter only when the outcome is "changed"."""

    answer = forms.CharField(
        label=_("Nội dung trả lời"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(
        label=_("Kết quả giải quyết"),
        choices=[
            ("kept", _("Giữ nguyên kết quả")),
            ("changed", _("Thay đổi kết quả (quyết định mới thay thế)")),
        ],
        widget=forms.RadioSelect,
    )
    decision = forms.ChoiceField(
        label=_("Mức xếp loại mới"),
        required=False,
        choices=[("", _("— Chọn khi thay đổi —")), *Level.choices, (NOT_RATED, _("Không xếp loại"))],
    )
    comments = forms.CharField(
        label=_("Nhận xét ưu, khuyết điểm"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Để trống để giữ nhận xét của quyết định trước."),
    )
    outlook = forms.CharField(
        label=_("Nhận định chiều hướng, triển vọng phát triển"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Với cán bộ. Để trống để giữ nhận định của quyết định trước."),
    )
    reason = forms.CharField(
        label=_("Lý do thay thế"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Để trống thì nội dung trả lời được ghi làm lý do của quyết định mới."),
    )
    signing_as = forms.ChoiceField(label=_("Thẩm quyền ký"), required=False, choices=[])
    signer_name = forms.CharField(label=_("Người ký"), required=False, max_length=150)

    def __init__(self, *args, **kwargs):
        from .models import SigningAs

        super().__init__(*args, **kwargs)
        self.fields["signing_as"].choices = SigningAs.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "answer",
            InlineRadios("outcome"),
            Fieldset(
                gettext("Quyết định mới (khi thay đổi kết quả)"),
                Row(
                    Column("decision", css_class="col-md-4"),
                    Column("signing_as", css_class="col-md-4"),
                    Column("signer_name", css_class="col-md-4"),
                ),
                "comments",
                "outlook",
                "reason",
            ),
            Submit("submit", gettext("Ghi trả lời")),
        )

    @property
    def level(self) -> str:
        value = self.cleaned_data.get("decision") or ""
        return "" if value == NOT_RATED else value

    @property
    def not_rated(self) -> bool:
        return self.cleaned_data.get("decision") == NOT_RATED

    def text_or_none(self, name: str) -> str | None:
        # Blank keeps the earlier decision's text (the service copies it).
        value = (self.cleaned_data.get(name) or "").strip()
        return value or None


class ProgressFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    peer_group = forms.ModelChoiceField(
        label=_("Nhóm đối tượng"), queryset=PeerGroup.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan"), queryset=Organisation.objects.none(), required=False, widget=PlainSelect
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *EvaluationStatus.choices], required=False
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer_group"].queryset = PeerGroup.objects.filter(enrolments__cycle=cycle).distinct()
        self.fields["organisation"].queryset = Organisation.objects.filter(enrolments__cycle=cycle).distinct()
        self.fields["peer_group"].empty_label = _("Tất cả")
        self.fields["organisation"].empty_label = _("Tất cả")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})

    def apply(self, rows):
        data = self.cleaned_data
        if data.get("q"):
            rows = rows.filter(full_name__icontains=data["q"].strip())
        if data.get("peer_group"):
            rows = rows.filter(peer_group=data["peer_group"])
        if data.get("organisation"):
            rows = rows.filter(organisation=data["organisation"])
        if data.get("status"):
            rows = rows.filter(evaluation__status=data["status"])
        return rows


# --- Home Affairs acting for people who do not use the portal (issue #13) ---


class PaperEntryForm(SelfAssessmentForm):
    """The person's paper form typed in by Home Affairs: the same fields as online, the level they chose on paper,
    and the signed scan."""

    scan = forms.FileField(
        label=_("Bản scan phiếu giấy có chữ ký (PDF, PNG, JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_level"].required = True
        self.fields["self_level"].label = _("Mức tự xếp loại ghi trên phiếu giấy")


class ExemptionForm(forms.Form):
    """Not rated this year: the case, the reason and the article."""

    kind = forms.ChoiceField(label=_("Trường hợp"), choices=ExemptionKind.choices)
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )
    article = forms.CharField(
        label=_("Căn cứ (điều, khoản)"),
        max_length=255,
        help_text=_(
            "Ví dụ: Nghị định 90/2020/NĐ-CP, Điều 2 khoản 3; Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2; "
            "văn bản hướng dẫn của tỉnh."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
