"""Forms of the window's delivery steps: hand-over, locker deposit. Shape only; actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.addresses import FIELDS
from onewindow.delivery.constants import CollectorKind, CompartmentSize


class HandOverForm(forms.Form):
    pickup_code = forms.CharField(max_length=12, label=_("领取码"))
    collector_kind = forms.ChoiceField(
        choices=CollectorKind.choices, initial=CollectorKind.APPLICANT, label=_("领取人身份")
    )
    collector_name = forms.CharField(max_length=60, required=False, label=_("领取人姓名"))
    # Room for the spaces typed between groups (core.identity drops them), as at intake.
    collector_id_number = forms.CharField(max_length=24, label=_("领取人身份证号码"))
    authorisation_reference = forms.CharField(
        max_length=100, required=False, label=_("授权委托书编号")
    )
    authorisation_scan = forms.FileField(required=False, label=_("授权委托书扫描件"))

    # Where an action's error detail (loc) goes on this form.
    FIELDS = {
        "pickup_code": "pickup_code",
        "collector.id_number": "collector_id_number",
        "collector.name": "collector_name",
        "collector.kind": "collector_kind",
        "collector.authorisation": "authorisation_reference",
        "collector.authorisation_reference": "authorisation_reference",
    }


class DepositForm(forms.Form):
    locker = forms.ModelChoiceField(queryset=None, label=_("取件柜"), empty_label=None)
    size = forms.ChoiceField(
        choices=[("", _("自动（最小可用）")), *CompartmentSize.choices],
        required=False,
        label=_("材料尺寸"),
    )
    compartment = forms.IntegerField(
        min_value=1, max_value=999, required=False, label=_("指定格口号")
    )

    FIELDS = {"size": "size", "compartment": "compartment"}

    def __init__(self, *args, lockers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locker"].queryset = lockers


class TransferForm(forms.Form):
    to_point = forms.CharField(max_length=20, label=_("转至"))
    reason = forms.CharField(max_length=200, label=_("转移原因"))

    FIELDS = {"to_point": "to_point", "reason": "reason"}


def place_errors(form, error):
    """Put an action error's per-field details next to the fields they name."""
    for detail in error.detail or []:
        key = ".".join(str(part) for part in detail.get("loc", []))
        field = form.FIELDS.get(key)
        if field:
            form.add_error(field, error.message)


class DeliveryForm(forms.Form):
    method = forms.CharField(max_length=16)
    recipient_name = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, required=False)
    province = forms.CharField(max_length=40, required=False)
    city = forms.CharField(max_length=40, required=False)
    district = forms.CharField(max_length=40, required=False)
    street = forms.CharField(max_length=400, required=False)
    postcode = forms.CharField(max_length=20, required=False)

    @classmethod
    def for_case(cls, case, delivery, *, masked=False):
        """The form filled with the current choice, or the applicant as the recipient. A reader
        who may not see the phone in full (`masked`) types it again to change the address."""
        initial = {"method": delivery.method if delivery else DeliveryMethod.WINDOW}
        address = getattr(delivery, "mail_address", None) if delivery else None
        if address is not None:
            initial.update({name: getattr(address, name) for name in FIELDS})
        else:
            initial.update({"recipient_name": case.applicant_name, "phone": case.applicant_phone})
        if masked:
            initial["phone"] = ""
        return cls(initial=initial)

    def address(self):
        return {name: self.cleaned_data.get(name, "") for name in FIELDS}

    def place(self, error):
        """Put an action error's per-field details next to the fields they name."""
        if error.code == "delivery_method_not_allowed":
            self.add_error("method", error.message)
        for line in error.detail or []:
            field = str((line.get("loc") or [""])[-1])
            if field in self.fields:
                self.add_error(field, line.get("msg", error.message))


def method_choices(item):
    """The delivery methods the item allows, with their labels, in the catalogue's order."""
    labels = dict(DeliveryMethod.choices)
    return [(value, labels[value]) for value in item.delivery_methods or [] if value in labels]
