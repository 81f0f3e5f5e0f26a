from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.constants import Channel, DeliveryMethod, SpecialProcedure
from onewindow.catalog.models import ServiceItem


class ServiceItemForm(forms.ModelForm):
    """Admin form: the JSON list fields become check boxes; cross-field rules give Chinese messages."""

    channels = forms.MultipleChoiceField(
        label=_("办理渠道"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    delivery_methods = forms.MultipleChoiceField(
        label=_("送达方式"), choices=DeliveryMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    special_procedures = forms.MultipleChoiceField(
        label=_("特别程序"),
        choices=SpecialProcedure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceItem
        fields = [
            "code",
            "name",
            "item_type",
            "window_class",
            "construction_stage",
            "lead_department",
            "legal_limit_days",
            "promised_limit_days",
            "is_on_the_spot",
            "max_visits",
            "result_validity_years",
            "needs_signature",
            "result_document",
            "channels",
            "is_fully_online",
            "delivery_methods",
            "special_procedures",
            "fee_yuan",
            "fee_basis",
            "keywords",
            "conditions",
            "legal_basis",
            "notes",
        ]

    def clean(self):
        data = super().clean()
        legal, promised = data.get("legal_limit_days"), data.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            self.add_error("promised_limit_days", _("承诺时限不得超过法定时限。"))
        if data.get("is_on_the_spot") and promised not in (None, 0):
            self.add_error("promised_limit_days", _("即办件的承诺时限应为 0 个工作日。"))
        if data.get("is_fully_online") and "online" not in (data.get("channels") or []):
            self.add_error("channels", _("全程网办事项必须开放网上办理渠道。"))
        return data
