"""The delivery choice on the window's case page: a method and, for mail, the address. The form
only carries the text; do_choose_delivery checks it and its per-field errors are put back next
to the fields."""

from django import forms

from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.addresses import FIELDS


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
    def for_case(cls, case, delivery):
        """The form filled with the current choice, or the applicant as the recipient."""
        initial = {"method": delivery.method if delivery else DeliveryMethod.WINDOW}
        address = getattr(delivery, "mail_address", None) if delivery else None
        if address is not None:
            initial.update({name: getattr(address, name) for name in FIELDS})
        else:
            initial.update({"recipient_name": case.applicant_name, "phone": case.applicant_phone})
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
