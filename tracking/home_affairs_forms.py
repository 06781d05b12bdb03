"""Home Affairs' forms of periodic tracking: the cycle's settings, the periods' deadlines, the tracker assignments
(on screen and from a spreadsheet), a person's months not worked and carried results, and the board's filters.
(The person's and the tracker's forms are in tracking/forms.py.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.widgets import PlainSelect
from cycles.models import Cycle, Enrolment
from officials.models import Organisation, PeerGroup

from .models import Absence, CycleTracking, TrackingPeriod
from .selectors import CellState

__all__ = [
    "AbsenceForm",
    "AssignmentsForm",
    "AssignmentsImportForm",
    "BoardFilterForm",
    "CarriedForm",
    "DeadlinesForm",
    "TrackingSettingsForm",
    "assignment_field_names",
]

SELECT = {"class": "form-select form-select-sm"}


class TrackingSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Monthly or quarterly, and the cycle's choices where the law is silent; each help text names the source of
    its default (cycles/rulebooks/tracking.py)."""

    class Meta:
        model = CycleTracking
        fields = ["frequency", "short_period", "missing_period", "rounding"]
        widgets = dict.fromkeys(
            ["frequency", "short_period", "missing_period", "rounding"], forms.RadioSelect
        )
        help_texts = {
            "frequency": _(
                "Nghị định 233/2026 Điều 3 khoản 5: theo dõi, đánh giá theo tháng hoặc theo quý, do cơ quan lựa chọn. "
                "Không đổi được sau khi đã có người nhập kết quả."
            ),
            "short_period": _(
                "Mặc định: tính như kỳ có làm việc — người nghỉ được đánh giá theo thời gian thực tế làm việc (Nghị "
                "định 233/2026 Điều 14 khoản 2, Điều 15 khoản 1 điểm c). Không tính là quy định riêng của ngành Hải "
                "quan (Công văn 21169/CHQ-TCCB năm 2026), không phải quy định chung."
            ),
            "missing_period": _(
                "Mặc định: chưa có điểm năm cho đến khi đủ kỳ — điểm năm được xác định trên cơ sở điểm các kỳ (Nghị "
                "định 233/2026 Điều 12 khoản 5); văn bản không quy định kỳ thiếu thì xử lý thế nào."
            ),
            "rounding": _(
                "Không văn bản nào quy định cách làm tròn; mặc định làm tròn xuống để không nâng điểm lên mức xếp "
                "loại cao hơn. Số chữ số thập phân là của kỳ đánh giá."
            ),
        }


def _aware(value: Any) -> Any:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class DeadlinesForm(forms.Form):
    """Each period's deadline, one field per period (`deadline_<pk>`)."""

    def __init__(self, *args: Any, periods: list[TrackingPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = periods
        for period in periods:
            self.fields[f"deadline_{period.pk}"] = forms.DateTimeField(
                label=period.label,
                initial=timezone.localtime(period.deadline).strftime("%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local", "class": "form-control form-control-sm"},
                    format="%Y-%m-%dT%H:%M",
                ),
            )

    def rows(self) -> list[tuple[TrackingPeriod, forms.BoundField]]:
        return [(period, self[f"deadline_{period.pk}"]) for period in self.periods]

    def changed_deadlines(self) -> list[tuple[TrackingPeriod, Any]]:
        changed = []
        for period in self.periods:
            value = _aware(self.cleaned_data[f"deadline_{period.pk}"])
            if value != period.deadline:
                changed.append((period, value))
        return changed


def assignment_field_names(enrolment: Enrolment) -> tuple[str, str]:
    return f"tracker_{enrolment.pk}", f"title_{enrolment.pk}"


def tracker_choices() -> QuerySet[Any]:
    """Anyone with an active account may track (the leader who assigns the person's work)."""
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class _TrackerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else str(obj.get_username())


class AssignmentsForm(forms.Form):
    """A tracker and their title for every person of the cohort, in one submission."""

    def __init__(self, *args: Any, enrolments: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        users = tracker_choices()
        for enrolment in enrolments:
            tracker_field, title_field = assignment_field_names(enrolment)
            assignment = getattr(enrolment, "tracker_assignment", None)
            self.fields[tracker_field] = _TrackerChoice(
                label=_("Người theo dõi của %(name)s") % {"name": enrolment.full_name},
                queryset=users,
                required=False,
                empty_label=_("— Chưa giao —"),
                initial=assignment.tracker_id if assignment else None,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[title_field] = forms.CharField(
                label=_("Chức vụ người theo dõi của %(name)s") % {"name": enrolment.full_name},
                max_length=255,
                required=False,
                initial=assignment.tracker_title if assignment else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self) -> list[tuple[Enrolment, forms.BoundField, forms.BoundField]]:
        return [
            (
                enrolment,
                self[assignment_field_names(enrolment)[0]],
                self[assignment_field_names(enrolment)[1]],
            )
            for enrolment in self.enrolments
        ]


class AssignmentsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )


class AbsenceForm(forms.Form):
    """Months of the period not worked and why (Decree 233/2026 Art. 14(2), 15(1)(c))."""

    months_worked = forms.IntegerField(
        label=_("Số tháng làm việc trong kỳ"),
        min_value=0,
        max_value=3,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    absence = forms.ChoiceField(
        label=_("Lý do không làm việc đủ kỳ"),
        choices=Absence.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: nghỉ thai sản từ 01/4/2026; chuyển đến từ Sở Xây dựng ngày 01/7/2026."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, period: TrackingPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The range per period (0–1 or 0–3) is the service's check, with its message.
        field = self.fields["months_worked"]
        field.widget.attrs["max"] = period.months
        field.help_text = _(
            "Từ 0 đến %(n)d; 0 là không làm việc trong kỳ (kỳ không được tính vào điểm năm)."
        ) % {"n": period.months}


class CarriedForm(forms.Form):
    """A period worked at the person's earlier agency, with the score that agency sent (Decree 233/2026
    Art. 15(1)(a))."""

    score = forms.DecimalField(
        label=_("Điểm của kỳ do cơ quan cũ gửi"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    source = forms.CharField(
        label=_("Cơ quan cũ và văn bản gửi kết quả"),
        max_length=255,
        help_text=_("Ví dụ: Sở Xây dựng, Công văn 45/SXD-VP ngày 05/7/2026."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class BoardFilterForm(forms.Form):
    peer_group = forms.ModelChoiceField(
        label=_("Nhóm đối tượng"), queryset=PeerGroup.objects.none(), required=False
    )
    # A thousand agencies at 5,000 people: options written in Python (issue #15).
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan"), queryset=Organisation.objects.none(), required=False, widget=PlainSelect
    )
    period = forms.ModelChoiceField(label=_("Kỳ"), queryset=TrackingPeriod.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *CellState.choices], required=False
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        peer_group = self.fields["peer_group"]
        organisation = self.fields["organisation"]
        period = self.fields["period"]
        assert isinstance(peer_group, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        assert isinstance(period, forms.ModelChoiceField)
        peer_group.queryset = (
            PeerGroup.objects.filter(enrolments__cycle=cycle).distinct().order_by("sort_order")
        )
        organisation.queryset = (
            Organisation.objects.filter(enrolments__cycle=cycle).distinct().order_by("name")
        )
        period.queryset = TrackingPeriod.objects.filter(cycle=cycle).order_by("number")
        peer_group.empty_label = organisation.empty_label = period.empty_label = str(_("Tất cả"))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
