from django import forms
from django.utils.translation import gettext_lazy as _

from officials.models import Organisation, PeerGroup
from reviews.models import EvaluationStatus


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
