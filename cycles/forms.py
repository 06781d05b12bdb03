from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from officials.models import PeerGroup

from .rulebooks.quota import Rounding


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
