"""The pure helpers, with plain inputs and hypothesis: the webhook signature (any change to the
body, the timestamp or the secret breaks it) and the address rules."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.cases.errors import CaseActionError
from onewindow.delivery.addresses import clean_address, regions
from onewindow.delivery.webhook_signing import refusal, sign, signed_headers
from tests.delivery.mail.conftest import ADDRESS

NOW = 1_764_576_000


@given(body=st.binary(max_size=300), secret=st.text(min_size=1, max_size=40))
def test_a_signed_body_verifies(body, secret):
    headers = signed_headers(secret, body, now=NOW)

    assert (
        refusal(
            secret,
            timestamp=headers["X-Courier-Timestamp"],
            signature=headers["X-Courier-Signature"],
            body=body,
            tolerance=300,
            now=NOW + 299,
        )
        is None
    )


@given(
    body=st.binary(min_size=1, max_size=300),
    position=st.integers(min_value=0),
    bit=st.integers(0, 7),
)
def test_any_changed_byte_breaks_the_signature(body, position, bit):
    signature = sign("secret", NOW, body)
    changed = bytearray(body)
    changed[position % len(body)] ^= 1 << bit

    assert (
        refusal(
            "secret",
            timestamp=str(NOW),
            signature=signature,
            body=bytes(changed),
            tolerance=300,
            now=NOW,
        )
        == "bad_signature"
    )


def test_the_timestamp_is_part_of_the_signature_and_must_be_fresh():
    body = b'{"event_id": "1"}'
    signature = sign("secret", NOW, body)
    check = {"signature": signature, "body": body, "tolerance": 300}

    assert refusal("secret", timestamp=str(NOW + 1), now=NOW, **check) == "bad_signature"
    assert refusal("secret", timestamp=str(NOW), now=NOW + 301, **check) == "stale_timestamp"
    assert refusal("secret", timestamp=str(NOW), now=NOW - 301, **check) == "stale_timestamp"
    assert refusal("other", timestamp=str(NOW), now=NOW, **check) == "bad_signature"
    assert refusal("secret", timestamp="", now=NOW, **check) == "missing_signature"
    assert refusal("secret", timestamp=str(NOW), now=NOW, **{**check, "signature": "签名"}) == (
        "bad_signature"
    )


def test_the_region_table_has_every_provincial_division_and_guangdong_and_huizhou_in_full():
    table = regions()
    assert len(table["provinces"]) == len(set(table["provinces"])) == 34
    assert len(table["cities"]["广东省"]) == 21
    assert {"惠城区", "惠阳区", "惠东县", "博罗县", "龙门县"} <= set(table["districts"]["惠州市"])


@given(phone=st.text(alphabet="0123456789 -", max_size=14))
def test_a_phone_is_accepted_exactly_when_it_is_a_mainland_mobile_number(phone):
    digits = phone.replace(" ", "").replace("-", "")
    try:
        address = clean_address({**ADDRESS, "phone": phone})
    except CaseActionError as error:
        assert not re.fullmatch(r"1[3-9]\d{9}", digits)
        assert [line["loc"] for line in error.detail] == [["phone"]]
    else:
        assert address.phone == digits and re.fullmatch(r"1[3-9]\d{9}", digits)


@pytest.mark.parametrize("province", regions()["provinces"])
def test_every_province_is_known_by_its_full_and_its_short_name(province):
    short = re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", province)
    city = province if province in regions()["municipalities"] else "测试市"
    if province == "广东省":
        city = "惠州市"
    for name in (province, short):
        address = clean_address({**ADDRESS, "province": name, "city": city, "district": "惠阳区"})
        assert address.province == province
