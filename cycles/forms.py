from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from officials.models import Organisation, PeerGroup
from reviews.models import EvaluationStatus

from .rulebooks.quota import Rounding


class ProgressFilterForm(forms.Form):
    peer_group = forms.ModelChoiceField(
        label=_("Nhóm đối tượng"), queryset=PeerGroup.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan"), queryset=Organisation.objects.none(), required=False
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

    def apply(self, rows):
        data = self.cleaned_data
        if data.get("peer_group"):
            rows = rows.filter(peer_group=data["peer_group"])
        if data.get("organisation"):
            rows = rows.filter(organisation=data["organisation"])
        if data.get("status"):
            rows = rows.filter(evaluation__status=data["status"])
        return rows


class ScoringForm(forms.Form):
    band_htxsnv = forms.DecimalField(
        label=_("Từ bao nhiêu điểm là HTXSNV"), min_value=0, max_value=100, decimal_places=2
    )
    band_httnv = forms.DecimalField(
        label=_("Từ bao nhiêu điểm là HTTNV"), min_value=0, max_value=100, decimal_places=2
    )
    band_htnv = forms.DecimalField(
        label=_("Từ bao nhiêu điểm là HTNV"), min_value=0, max_value=100, decimal_places=2
    )
    points_decimal_places = forms.TypedChoiceField(
        label=_("Điểm được chấm lẻ đến"),
        coerce=int,
        choices=[(0, _("Điểm nguyên")), (1, _("0,1 điểm")), (2, _("0,01 điểm"))],
    )


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Tiêu chí"), max_length=500)
    max_points = forms.DecimalField(
        label=_("Điểm tối đa"), min_value=0, max_value=100, decimal_places=2, required=False
    )


class QuotaSettingsForm(forms.Form):
    rate_percent = forms.DecimalField(
        label=_("Tỷ lệ HTXSNV tối đa (phần trăm số người HTTNV)"),
        min_value=Decimal("0.1"),
        max_value=25,
        decimal_places=1,
        help_text=_("Văn bản quy định 20%; có thể đặt thấp hơn nếu tỉnh quy định chặt hơn."),
    )
    rounding = forms.ChoiceField(
        label=_("Làm tròn số người được HTXSNV"),
        choices=Rounding.choices,
        help_text=_(
            "Văn bản không quy định cách làm tròn; mặc định làm tròn xuống và luôn hiển thị phép tính."
        ),
    )


class QuotaExceptionForm(forms.Form):
    peer_group = forms.ModelChoiceField(label=_("Nhóm đối tượng"), queryset=PeerGroup.objects.none())
    rate_percent = forms.DecimalField(
        label=_("Tỷ lệ cho phép (%)"), min_value=Decimal("0.1"), max_value=25, decimal_places=1, initial=25
    )
    reason = forms.CharField(
        label=_("Lý do (thành tích nổi trội)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.CharField(label=_("Văn bản cho phép (số, ngày)"), max_length=255)

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer_group"].queryset = PeerGroup.objects.filter(enrolments__cycle=cycle).distinct()


# --- The conference (issue #5) ---

CONFERENCE_TEXT_MAX = 20_000


class ConferenceForm(forms.Form):
    held_on = forms.DateField(
        label=_("Ngày họp"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TimeField(
        label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue = forms.CharField(label=_("Địa điểm"), max_length=255)
    chaired_by_name = forms.CharField(label=_("Chủ trì: họ tên"), max_length=150)
    chaired_by_title = forms.CharField(label=_("Chủ trì: chức vụ"), max_length=255, required=False)
    secretary_name = forms.CharField(label=_("Thư ký: họ tên"), max_length=150)
    secretary_title = forms.CharField(label=_("Thư ký: chức vụ"), max_length=255, required=False)
    agenda = forms.CharField(
        label=_("Chương trình hội nghị"),
        max_length=CONFERENCE_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "conference-form"
        self.helper.layout = Layout(
            Row(
                Column("held_on", css_class="col-6 col-md-3"),
                Column("starts_at", css_class="col-6 col-md-3"),
                Column("venue", css_class="col-md-6"),
            ),
            Row(
                Column("chaired_by_name", css_class="col-md-6"),
                Column("chaired_by_title", css_class="col-md-6"),
            ),
            Row(
                Column("secretary_name", css_class="col-md-6"),
                Column("secretary_title", css_class="col-md-6"),
            ),
            "agenda",
            Submit("save", _("Lưu thông tin hội nghị")),
        )

    @classmethod
    def initial_for(cls, conference, cycle) -> dict:
        if conference is None:
            return {"chaired_by_name": cycle.chair_name, "chaired_by_title": _("Chủ tịch UBND tỉnh")}
        return {
            name: getattr(conference, name)
            for name in (
                "held_on",
                "starts_at",
                "venue",
                "chaired_by_name",
                "chaired_by_title",
                "secretary_name",
                "secretary_title",
                "agenda",
            )
        }


class ConferenceGuestForm(forms.Form):
    name = forms.CharField(label=_("Họ tên khách mời"), max_length=150)
    position = forms.CharField(label=_("Chức vụ, cơ quan"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template writes the <form> tag: its action is another URL.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-5"),
                Column("position", css_class="col-md-5"),
                Column(Submit("add", _("Thêm khách mời"), css_class="mt-md-4"), css_class="col-md-2"),
            )
        )


class ConferenceReportForm(forms.Form):
    report = forms.FileField(
        label=_("Báo cáo của Sở Nội vụ (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template writes the <form> tag: its action is another URL.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("report", Submit("upload", _("Tải báo cáo lên")))


class ConferenceCloseForm(forms.Form):
    concluding_remarks = forms.CharField(
        label=_("Kết luận của chủ trì"),
        max_length=CONFERENCE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    closed_at = forms.DateTimeField(
        label=_("Hội nghị kết thúc lúc"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template writes the <form> tag: its action is another URL.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "concluding_remarks",
            Row(Column("closed_at", css_class="col-md-4")),
            Submit("close", _("Ghi kết luận và giờ kết thúc")),
        )


class ConferenceNoteForm(forms.Form):
    text = forms.CharField(max_length=CONFERENCE_TEXT_MAX, required=False, strip=False)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class EnrolmentHeadForm(forms.Form):
    """Whether the person heads their agency (Decree 233/2026 Art. 12(7)), where the title misleads."""

    is_head = forms.BooleanField(label=_("Là người đứng đầu cơ quan, đơn vị"), required=False)
    reason = forms.CharField(
        label=_("Căn cứ (quyết định bổ nhiệm, giao phụ trách...)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("is_head", "reason", Submit("save_head", _("Lưu vị trí người đứng đầu")))


class EnrolmentRulebookForm(forms.Form):
    """Another rulebook than the framework's default (Decree 233/2026 Art. 20(1)), before the self-assessment."""

    rulebook_code = forms.ChoiceField(label=_("Quy định áp dụng"))
    reason = forms.CharField(
        label=_("Lý do áp dụng quy định khác"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rulebook_code"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "rulebook_code", "reason", Submit("save_rulebook", _("Lưu quy định áp dụng"))
        )
