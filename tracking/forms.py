"""Forms of periodic tracking: the person's period (a value and a comment per line of Mẫu 01A/01B, strengths,
shortcomings, the work plan), the tracker's confirmation, correction and return.

Each line's value is checked here by the rulebook's own `line_value_checked` (the check the services run again),
so a refusal is shown at its line with the typed text kept. The fields are text, not numbers: "8,5" is as good
as "8.5", and "8.555" is refused with the cycle's places rather than rounded by the browser."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cycles.rulebooks.tracking import PeriodLine, ScoreError, line_value_checked

from .models import PeriodRecord
from .services import TASKS_MAX, TEXT_MAX, TaskLine

REASON_MAX = 2000


def value_field_name(code: str) -> str:
    return f"value__{code}"


def comment_field_name(code: str) -> str:
    return f"comment__{code}"


def reason_field_name(code: str) -> str:
    return f"reason__{code}"


def _value_field(line: PeriodLine, *, required: bool) -> forms.CharField:
    top = line.max_points if line.max_points is not None else Decimal(100)
    return forms.CharField(
        label=_("Tỷ lệ (%)") if line.is_percentage else _("Điểm"),
        required=required,
        max_length=20,
        error_messages={"required": gettext("“%(line)s”: chưa chấm.") % {"line": line.number}},
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "data-line": line.code,
                "data-max": f"{top.normalize():f}",
                "data-percentage": "1" if line.is_percentage else "",
                "class": "period-value",
            }
        ),
    )


def _parse(line: PeriodLine, typed: str, places: int) -> Decimal:
    """The typed text as an exact decimal within the line's range, or a ScoreError naming the line."""
    try:
        number = Decimal(typed.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ScoreError(gettext("“%(line)s”: không phải là số.") % {"line": line.number}) from exc
    return line_value_checked(line, number, decimal_places=places)


class PeriodSelfForm(forms.Form):
    """Only the person's own fields: status, confirmed scores and the version of somebody else cannot be posted in
    (unknown fields are ignored)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    strengths = forms.CharField(
        label=_("Ưu điểm"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )
    shortcomings = forms.CharField(
        label=_("Hạn chế, khuyết điểm"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )

    def __init__(self, *args: Any, lines: Sequence[PeriodLine], decimal_places: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = tuple(lines)
        self.decimal_places = decimal_places
        for line in self.lines:
            self.fields[value_field_name(line.code)] = _value_field(line, required=False)
            self.fields[comment_field_name(line.code)] = forms.CharField(
                label=_("Nhận xét, giải trình"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
            )

    @staticmethod
    def initial_for(record: PeriodRecord) -> dict[str, object]:
        initial: dict[str, object] = {
            "version": record.version,
            "strengths": record.strengths,
            "shortcomings": record.shortcomings,
        }
        for code, value in (record.self_values or {}).items():
            initial[value_field_name(code)] = value
        for code, text in (record.self_comments or {}).items():
            initial[comment_field_name(code)] = text
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for line in self.lines:
            name = value_field_name(line.code)
            typed = data.get(name) or ""
            if typed.strip():
                try:
                    _parse(line, typed, self.decimal_places)
                except ScoreError as exc:
                    self.add_error(name, str(exc))
        return data

    def values(self) -> dict[str, str]:
        """The typed values of the lines filled in; blank lines are left for later."""
        return {
            line.code: self.cleaned_data[value_field_name(line.code)].strip().replace(",", ".")
            for line in self.lines
            if (self.cleaned_data.get(value_field_name(line.code)) or "").strip()
        }

    def comments(self) -> dict[str, str]:
        return {line.code: self.cleaned_data.get(comment_field_name(line.code)) or "" for line in self.lines}

    def rows(self) -> Iterator[tuple[PeriodLine, forms.BoundField, forms.BoundField]]:
        for line in self.lines:
            yield line, self[value_field_name(line.code)], self[comment_field_name(line.code)]

    def line_errors(self) -> list[str]:
        return [
            str(error) for line in self.lines for error in self.errors.get(value_field_name(line.code), [])
        ]


class TaskForm(forms.Form):
    """One task or product of the work plan and what became of it. A blank row is skipped."""

    title = forms.CharField(label=_("Nhiệm vụ, sản phẩm"), required=False, max_length=500)
    quantity_planned = forms.IntegerField(label=_("Số lượng giao"), required=False, min_value=0)
    quality_required = forms.CharField(label=_("Yêu cầu chất lượng"), required=False, max_length=500)
    due_on = forms.DateField(
        label=_("Thời hạn"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    quantity_done = forms.IntegerField(label=_("Số lượng hoàn thành"), required=False, min_value=0)
    done_on = forms.DateField(
        label=_("Ngày hoàn thành"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    quality_achieved = forms.CharField(label=_("Chất lượng đạt được"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "title",
            Row(
                Column("quantity_planned", css_class="col-6 col-md-2"),
                Column("due_on", css_class="col-6 col-md-3"),
                Column("quality_required", css_class="col-12 col-md-7"),
            ),
            Row(
                Column("quantity_done", css_class="col-6 col-md-2"),
                Column("done_on", css_class="col-6 col-md-3"),
                Column("quality_achieved", css_class="col-12 col-md-7"),
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(value not in (None, "") for name, value in data.items() if name != "title")
        if filled and not (data.get("title") or "").strip():
            self.add_error("title", gettext("Hãy ghi tên nhiệm vụ, sản phẩm."))
        return data

    def task_line(self) -> TaskLine | None:
        data = getattr(self, "cleaned_data", None) or {}
        title = (data.get("title") or "").strip()
        if not title:
            return None
        return TaskLine(
            title=title,
            quantity_planned=data.get("quantity_planned"),
            quality_required=data.get("quality_required") or "",
            due_on=data.get("due_on"),
            quantity_done=data.get("quantity_done"),
            done_on=data.get("done_on"),
            quality_achieved=data.get("quality_achieved") or "",
        )


# One blank row to start; static/js/tracking_period.js adds more from the formset's empty form.
TaskFormSet = forms.formset_factory(
    TaskForm, extra=1, max_num=TASKS_MAX, absolute_max=TASKS_MAX, validate_max=True
)


def task_formset(
    data: Mapping[str, Any] | None = None, record: PeriodRecord | None = None
) -> forms.BaseFormSet[TaskForm]:
    initial = None
    if data is None and record is not None:
        initial = [
            {
                "title": task.title,
                "quantity_planned": task.quantity_planned,
                "quality_required": task.quality_required,
                "due_on": task.due_on,
                "quantity_done": task.quantity_done,
                "done_on": task.done_on,
                "quality_achieved": task.quality_achieved,
            }
            for task in record.tasks.all()
        ]
    return TaskFormSet(data, initial=initial, prefix="tasks")


def task_lines(formset: forms.BaseFormSet[TaskForm]) -> list[TaskLine]:
    return [line for form in formset.forms if (line := form.task_line()) is not None]


class PeriodConfirmForm(forms.Form):
    """The tracker's scores of a person's period: every line, prefilled with the person's own; a line that differs
    from what it is compared with (the self-score) needs its reason. For a correction, the reason for the
    correction too."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    opinion = forms.CharField(
        label=_("Ý kiến của người theo dõi, đánh giá"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )

    def __init__(
        self,
        *args: Any,
        lines: Sequence[PeriodLine],
        decimal_places: int,
        compare_to: Mapping[str, str],
        correction: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = tuple(lines)
        self.decimal_places = decimal_places
        self.compare_to = dict(compare_to)
        self.correction = correction
        for line in self.lines:
            field = _value_field(line, required=True)
            if line.code in self.compare_to:
                field.widget.attrs["data-self"] = self.compare_to[line.code]
            self.fields[value_field_name(line.code)] = field
            self.fields[reason_field_name(line.code)] = forms.CharField(
                label=_("Lý do thay đổi"),
                required=False,
                max_length=REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 1, "maxlength": REASON_MAX, "class": "period-reason"}),
            )
        if correction:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Lý do điều chỉnh"),
                max_length=REASON_MAX,
                error_messages={"required": _("Hãy ghi lý do điều chỉnh kết quả đã xác nhận.")},
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
            )

    @staticmethod
    def initial_for(record: PeriodRecord, values: Mapping[str, str], opinion: str = "") -> dict[str, object]:
        initial: dict[str, object] = {"version": record.version, "opinion": opinion}
        for code, value in values.items():
            initial[value_field_name(code)] = value
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for line in self.lines:
            name = value_field_name(line.code)
            typed = data.get(name) or ""
            if not typed.strip():
                continue
            try:
                value = _parse(line, typed, self.decimal_places)
            except ScoreError as exc:
                self.add_error(name, str(exc))
                continue
            earlier = self.compare_to.get(line.code)
            reason = (data.get(reason_field_name(line.code)) or "").strip()
            if earlier is not None and Decimal(earlier) != value and not reason:
                self.add_error(
                    reason_field_name(line.code),
                    gettext("“%(line)s”: điểm khác điểm tự chấm, hãy ghi lý do.") % {"line": line.number},
                )
        return data

    def values(self) -> dict[str, str]:
        return {
            line.code: (self.cleaned_data.get(value_field_name(line.code)) or "").strip().replace(",", ".")
            for line in self.lines
        }

    def reasons(self) -> dict[str, str]:
        return {
            line.code: self.cleaned_data.get(reason_field_name(line.code)) or ""
            for line in self.lines
            if self.cleaned_data.get(reason_field_name(line.code))
        }

    def rows(self) -> Iterator[tuple[PeriodLine, str | None, forms.BoundField, forms.BoundField]]:
        for line in self.lines:
            yield (
                line,
                self.compare_to.get(line.code),
                self[value_field_name(line.code)],
                self[reason_field_name(line.code)],
            )


class PeriodReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=REASON_MAX,
        error_messages={"required": _("Hãy ghi lý do trả lại để người được theo dõi biết cần bổ sung gì.")},
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
    )


class PeriodVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
