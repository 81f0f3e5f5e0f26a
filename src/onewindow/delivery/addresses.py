"""Checking a mail address (收件地址) before anything is sent: recipient, mobile phone, province /
city / district / street and an optional postcode.

The region table in data/regions.json is deliberately compact: every provincial-level division,
and in full only the cities of Guangdong and the districts of Huizhou, where this platform's
applicants mostly live. Elsewhere a city or district is "plausible" when its name ends the way
such names end (市/州/盟/地区, 区/县/市/旗). Short names are completed: 广东 → 广东省, 惠阳 → 惠阳区.

Pure: no ORM. Every bad field is reported at once, each with a message naming it.
"""

import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases.errors import CaseActionError
from onewindow.core.identity import MOBILE, compact_phone, to_half_width
from onewindow.core.text import InvalidText, clean_name, clean_text

REGIONS_FILE = Path(__file__).parent / "data" / "regions.json"
POSTCODE = re.compile(r"[0-9]{6}")
FIELDS = ("recipient_name", "phone", "province", "city", "district", "street", "postcode")
MAX_LENGTHS = {"recipient_name": 60, "street": 200}
PROVINCE_SUFFIXES = ("省", "市", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区")


@dataclass(frozen=True)
class MailAddressInput:
    recipient_name: str
    phone: str
    province: str
    city: str
    district: str
    street: str
    postcode: str = ""

    def as_dict(self):
        return asdict(self)


@cache
def regions():
    return json.loads(REGIONS_FILE.read_text(encoding="utf-8"))


def _complete(value, names, suffixes):
    """The full name for `value` among `names`: itself, or itself plus one of the suffixes."""
    if value in names:
        return value
    for suffix in suffixes:
        if value + suffix in names:
            return value + suffix
    return None


MISSING = {
    "recipient_name": gettext_lazy("须填写收件人姓名"),
    "phone": gettext_lazy("须填写收件人手机号码"),
    "province": gettext_lazy("须填写省（自治区、直辖市）"),
    "city": gettext_lazy("须填写市（地区、州、盟）"),
    "district": gettext_lazy("须填写区（县）"),
    "street": gettext_lazy("须填写详细地址（街道、门牌号）"),
}
TOO_LONG = gettext_lazy("%(label)s不能超过 %(limit)s 个字")
# The field names in core.text's messages (lazy: translated when the message is made).
TEXT_LABELS = {
    "recipient_name": gettext_lazy("收件人姓名"),
    "phone": gettext_lazy("收件人手机号码"),
    "province": gettext_lazy("省（自治区、直辖市）"),
    "city": gettext_lazy("市（地区、州、盟）"),
    "district": gettext_lazy("区（县）"),
    "street": gettext_lazy("详细地址"),
    "postcode": gettext_lazy("邮政编码"),
}


def _province(value):
    table = regions()
    return _complete(value, table["provinces"], PROVINCE_SUFFIXES)


def _city(province, value):
    table = regions()
    if province in table["free_form"]:
        return value, None
    if province in table["municipalities"]:
        if _complete(value, [province], ("市",)):
            return province, None
        return None, _("%(province)s是直辖市，城市一栏应填写“%(province)s”") % {
            "province": province
        }
    listed = table["cities"].get(province)
    if listed is not None:
        city = _complete(value, listed, ("市",))
        if city is None:
            return None, _("%(province)s没有“%(value)s”") % {"province": province, "value": value}
        return city, None
    if value.endswith(tuple(table["city_suffixes"])) and len(value) >= 2:
        return value, None
    return None, _("“%(value)s”不像地级行政区名称（应以市、州、盟或地区结尾）") % {"value": value}


def _district(province, city, value):
    table = regions()
    if province in table["free_form"]:
        return value, None
    listed = table["districts"].get(city)
    if listed is not None:
        district = _complete(value, listed, ("区", "县"))
        if district is None:
            return None, _("%(city)s没有“%(value)s”") % {"city": city, "value": value}
        return district, None
    suffixes = table["district_suffixes"]
    if city in table["cities_without_districts"]:
        # These cities have towns and sub-districts right below them.
        suffixes = table["town_suffixes"]
    if value.endswith(tuple(suffixes)) and len(value) >= 2:
        return value, None
    return None, _("“%(value)s”不像%(city)s下辖的区县名称（应以%(suffixes)s结尾）") % {
        "value": value,
        "city": city,
        "suffixes": _("、").join(suffixes),
    }


def clean_address(data):
    """A MailAddressInput from a dict (or object with those attributes) of strings; raises
    CaseActionError 422 `invalid_input` listing every bad field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        data = {name: getattr(data, name, "") for name in FIELDS}
    errors = []

    def bad(field, message, code="invalid"):
        errors.append((field, str(message), code))

    values = {}
    for name in FIELDS:
        try:
            # Control characters and bidi overrides are refused before white space is folded.
            checked = (clean_name if name == "recipient_name" else clean_text)(
                str(data.get(name) or ""), field=name, label=TEXT_LABELS[name]
            )
        except InvalidText as refused:
            bad(name, refused.message, refused.code)
            checked = ""
        values[name] = re.sub(r"\s+", " ", checked)
    # Stored as ASCII (core.identity): a full-width number would not be dialled by the courier's
    # system, nor match the applicant's phone.
    values["phone"] = compact_phone(values["phone"])
    values["postcode"] = to_half_width(values["postcode"]).replace(" ", "")

    refused = {field for field, _message, _code in errors}
    for field, message in MISSING.items():
        if not values[field] and field not in refused:
            bad(field, message)
    for field, limit in MAX_LENGTHS.items():
        if len(values[field]) > limit:
            bad(field, TOO_LONG % {"label": TEXT_LABELS[field], "limit": limit})
    if values["phone"] and not MOBILE.fullmatch(values["phone"]):
        bad(
            "phone",
            _("手机号码应为以 13–19 开头的 11 位数字"),
        )
    if values["postcode"] and not POSTCODE.fullmatch(values["postcode"]):
        bad("postcode", _("邮政编码应为 6 位数字"))
    if values["province"]:
        province = _province(values["province"])
        if province is None:
            bad(
                "province",
                _("没有“%(province)s”这个省级行政区") % {"province": values["province"]},
            )
        else:
            values["province"] = province
            if values["city"]:
                city, message = _city(province, values["city"])
                if message:
                    bad("city", message)
                else:
                    values["city"] = city
                    if values["district"]:
                        district, message = _district(province, city, values["district"])
                        if message:
                            bad("district", message)
                        else:
                            values["district"] = district
    if errors:
        errors.sort(key=lambda error: FIELDS.index(error[0]))
        raise CaseActionError(
            "invalid_input",
            _("；").join(message for _field, message, _code in errors),
            status=422,
            detail=[
                {"type": code, "loc": [field], "msg": message} for field, message, code in errors
            ],
        )
    return MailAddressInput(**values)
