from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

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
