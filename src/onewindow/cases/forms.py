"""Forms of the window (clerk) pages and the public progress query.

They check the shape of the input only. Whether an ID number's check digit is right, whether a
material may be missing, whether the case may move: the actions decide, and the views put the
action's message next to the field it names (`CaseActionError.detail[].loc`).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases.actions import ApplicantInput, MaterialInput, ProxyInput
from onewindow.cases.constants import ApplicantKind, MaterialStatus
from onewindow.cases.errors import CaseActionError
from onewindow.cases.uploads import check_upload
from onewindow.catalog.constants import MaterialForm, Requirement
from onewindow.core import workdays
from onewindow.core.identity import compact_identity


def _text(max_length, *, required=True, **attrs):
    return forms.CharField(
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


class ApplicantForm(forms.Form):
    """The applicant (a citizen or an enterprise) and an optional proxy (代办人)."""

    applicant_kind = forms.ChoiceField(
        choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN, widget=forms.RadioSelect
    )
    applicant_id_number = _text(
        24, spellcheck="false", autocapitalize="characters", **{"data-id-field": ""}
    )
    applicant_name = _text(120)
    applicant_phone = _text(20, inputmode="tel")
    applicant_email = _text(254, required=False, inputmode="email", spellcheck="false")
    applicant_language = forms.ChoiceField(
        choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE, required=False
    )
    legal_representative = _text(60, required=False)
    legal_representative_id_number = _text(
        24, required=False, spellcheck="false", autocapitalize="characters"
    )
    contact_name = _text(60, required=False)
    proxy_name = _text(60, required=False)
    proxy_id_number = _text(24, required=False, spellcheck="false", autocapitalize="characters")
    proxy_phone = _text(20, required=False, inputmode="tel")

    PROXY_FIELDS = ("proxy_name", "proxy_id_number", "proxy_phone")

    def clean(self):
        data = super().clean()
        for name in ("applicant_id_number", "legal_representative_id_number", "proxy_id_number"):
            if data.get(name):
                # As the action will store it (core.identity), so a form shown again agrees.
                data[name] = compact_identity(data[name])
        return data

    @property
    def has_proxy(self):
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any((data.get(name) or "").strip() for name in self.PROXY_FIELDS)

    def applicant_input(self):
        data = self.cleaned_data
        return ApplicantInput(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data.get("applicant_email", ""),
            language=data.get("applicant_language") or "",
            legal_representative=data.get("legal_representative", ""),
            legal_representative_id_number=data.get("legal_representative_id_number", ""),
            contact_name=data.get("contact_name", ""),
        )

    def proxy_input(self):
        if not self.has_proxy:
            return None
        data = self.cleaned_data
        return ProxyInput(
            name=data["proxy_name"], id_number=data["proxy_id_number"], phone=data["proxy_phone"]
        )


@dataclass
class ChecklistLine:
    """One material of the checklist with its bound fields, for the template."""

    material: object
    received: forms.BoundField
    form: forms.BoundField
    copies: forms.BoundField
    scan: forms.BoundField
    defect: forms.BoundField
    row: object = None  # the CaseMaterial when continuing an intake
    pending: str = ""  # the name of a scan kept from an earlier try of the form

    @property
    def errors(self):
        return [*self.received.errors, *self.scan.errors, *self.defect.errors, *self.copies.errors]


class ChecklistForm(forms.Form):
    """The materials checklist of one item version: received, form, copies, scan, defect reason.

    Field names are `m<material id>-<part>` so that a line's fields travel together.
    """

    def __init__(self, data=None, files=None, *, materials, rows=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.materials = list(materials)
        self.rows = rows or {}
        self.upload_error = None
        # {material id: file name} of the scans kept from earlier tries (cases.actions.pending).
        self.pending = {}
        for material in self.materials:
            row = self.rows.get(material.pk)
            received = row is not None and row.status == MaterialStatus.RECEIVED
            prefix = f"m{material.pk}"
            self.fields[f"{prefix}-received"] = forms.BooleanField(required=False, initial=received)
            self.fields[f"{prefix}-form"] = forms.ChoiceField(
                choices=MaterialForm.choices,
                initial=(row.form if row is not None and row.form else material.form),
            )
            self.fields[f"{prefix}-copies"] = forms.IntegerField(
                min_value=0,
                max_value=99,
                initial=(row.copies if row is not None and row.copies else material.copies),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"{prefix}-scan"] = forms.FileField(
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/*"}
                ),
            )
            self.fields[f"{prefix}-defect"] = forms.CharField(
                max_length=300,
                required=False,
                # The reason told last time is shown beside the line, not typed in again.
                initial="",
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    @property
    def has_tolerated(self):
        return any(m.requirement == Requirement.TOLERATED for m in self.materials)

    def lines(self):
        return [
            ChecklistLine(
                material=material,
                received=self[f"m{material.pk}-received"],
                form=self[f"m{material.pk}-form"],
                copies=self[f"m{material.pk}-copies"],
                scan=self[f"m{material.pk}-scan"],
                defect=self[f"m{material.pk}-defect"],
                row=self.rows.get(material.pk),
                pending=self.pending.get(material.pk, ""),
            )
            for material in self.materials
        ]

    def value(self, material, part):
        return self.cleaned_data.get(f"m{material.pk}-{part}")

    def received_ids(self):
        return {m.pk for m in self.materials if self.value(m, "received")}

    def add_material_error(self, material_id, part, message):
        self.add_error(f"m{material_id}-{part}", message)

    def checked_uploads(self):
        """{material id: CheckedUpload}; an upload that lies about its type is a field error and
        `upload_error` keeps the first CaseActionError (its status answers the request)."""
        uploads = {}
        for material in self.materials:
            name = f"m{material.pk}-scan"
            uploaded = self.cleaned_data.get(name)
            if not uploaded:
                continue
            try:
                uploads[material.pk] = check_upload(uploaded, field=name)
            except CaseActionError as error:
                self.upload_error = self.upload_error or error
                self.add_error(name, error.message)
        return uploads

    def material_inputs(self, uploads):
        return [
            MaterialInput(
                material_id=material.pk,
                received=bool(self.value(material, "received")),
                form=self.value(material, "form") or material.form,
                copies=self.value(material, "copies") or material.copies,
                defect=(self.value(material, "defect") or "").strip(),
                upload=uploads.get(material.pk),
            )
            for material in self.materials
        ]

    def defects(self):
        """{material id: reason} for the one-time notice: every reason the clerk wrote."""
        return {
            material.pk: self.value(material, "defect").strip()
            for material in self.materials
            if (self.value(material, "defect") or "").strip()
        }


class Outcome:
    ACCEPT = "accept"
    ACCEPT_TOLERATED = "accept_tolerated"
    NOTICE = "notice"
    NOT_ACCEPT = "not_accept"
    CHOICES = [
        (ACCEPT, _("受理")),
        (ACCEPT_TOLERATED, _("容缺受理")),
        (NOTICE, _("一次性告知")),
        (NOT_ACCEPT, _("不予受理")),
    ]


def default_supplement_due():
    return workdays.add_workdays(timezone.localdate(), settings.ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS)


class OutcomeForm(forms.Form):
    """Which button the clerk pressed, with the 容缺 supplement-by date or the refusal reason."""

    outcome = forms.ChoiceField(
        choices=Outcome.CHOICES,
        error_messages={"required": _("请选择办理结果")},
    )
    supplement_due = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    not_accept_reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplement_due"].initial = default_supplement_due

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.ACCEPT_TOLERATED and not data.get("supplement_due"):
            self.add_error(
                "supplement_due",
                _("容缺受理须设定补齐期限"),
            )
        if outcome == Outcome.NOT_ACCEPT and not (data.get("not_accept_reason") or "").strip():
            self.add_error("not_accept_reason", _("不予受理须说明理由"))
        return data


def check_outcome_against_checklist(outcome_form, checklist):
    """The window's rules for choosing between the outcome buttons (the action decides the rest).

    A received material with a problem written down needs a one-time notice, not acceptance.
    """
    outcome = outcome_form.cleaned_data.get("outcome")
    if outcome not in (Outcome.ACCEPT, Outcome.ACCEPT_TOLERATED):
        return
    for material in checklist.materials:
        if checklist.value(material, "received") and checklist.value(material, "defect"):
            checklist.add_material_error(
                material.pk,
                "defect",
                _("该材料有问题说明，需补正：请出具一次性告知书，或清除说明后受理"),
            )


# Where an action's `detail[].loc` points, as form field names.
APPLICANT_FIELDS = {
    "applicant.kind": "applicant_kind",
    "applicant.name": "applicant_name",
    "applicant.id_number": "applicant_id_number",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.language": "applicant_language",
    "applicant.legal_representative": "legal_representative",
    "applicant.legal_representative_id_number": "legal_representative_id_number",
    "applicant.contact_name": "contact_name",
    "proxy.name": "proxy_name",
    "proxy.id_number": "proxy_id_number",
    "proxy.phone": "proxy_phone",
}
OUTCOME_FIELDS = {"supplement_due": "supplement_due", "reason": "not_accept_reason"}


def place_action_errors(error, *, checklist, outcome, applicant=None):
    """Put an action's per-field details next to the fields they name."""
    for detail in error.detail or []:
        loc = [str(part) for part in detail.get("loc", [])]
        key = ".".join(loc)
        if loc[:1] == ["materials"] and len(loc) == 2 and loc[1].isdigit() and checklist:
            checklist.add_material_error(int(loc[1]), "received", _("必要材料未收取"))
        elif (
            loc[:1] in (["materials"], ["defects"]) and loc[1:2] and loc[1].isdigit() and checklist
        ):
            # A defect text the action refused (core.text).
            checklist.add_material_error(int(loc[1]), "defect", detail.get("msg", error.message))
        elif applicant is not None and key in APPLICANT_FIELDS:
            applicant.add_error(APPLICANT_FIELDS[key], detail.get("msg", error.message))
        elif key in OUTCOME_FIELDS:
            outcome.add_error(OUTCOME_FIELDS[key], detail.get("msg", error.message))


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ToleratedForm(forms.Form):
    material_ids = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material_ids"].choices = [(row.material_id, str(row)) for row in rows]
        self.fields["material_ids"].error_messages["required"] = _("请勾选已补齐的容缺材料")


class _NoEchoInput(forms.TextInput):
    """A text input that never renders the submitted value back (the progress query's secret)."""

    def format_value(self, value):
        return None


class ProgressQueryForm(forms.Form):
    """Case number and the last 4 characters of the applicant's ID number or phone."""

    number = forms.CharField(
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("请输入办件编号")},
    )
    secret = forms.CharField(
        min_length=4,
        max_length=4,
        widget=_NoEchoInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={
            "required": _("请输入证件号码或手机号码后 4 位"),
            "min_length": _("请输入 4 位"),
            "max_length": _("请输入 4 位"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the QR code the number is already there: start on the last four characters.
        filled = self.initial.get("number") or self.data.get("number")
        self.fields["secret" if filled else "number"].widget.attrs["autofocus"] = True

    def clean_number(self):
        return self.cleaned_data["number"].replace(" ", "")
