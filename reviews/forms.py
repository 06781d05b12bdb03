"""Forms of the reviews app. The self-assessment form is built from the cycle's criteria for this person."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cycles.rulebooks import Level

from .services import MAX_REASON_LENGTH, MAX_TEXT_LENGTH, Answer


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


class FactsImportForm(forms.Form):
    """The filled cap-facts template; what is in it is checked by the import service, row by row."""

    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("Hãy chọn tệp Excel để nhập.")},
    )
