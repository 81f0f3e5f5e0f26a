"""Full-width digits and letters, as a Chinese input method types them, are the same characters as
their ASCII forms (core.identity): ID numbers, credit codes and phones are checked and stored in
ASCII. Superscripts, circled digits and other scripts' digits stay refused: only the full-width
block is folded, not NFKC."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.identity import (
    InvalidIdentity,
    compact_identity,
    to_half_width,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

CITIZEN_ID = "11010519491231002X"
ENTERPRISE_CODE = "91110000600037341L"
PHONE_MESSAGE = "电话号码格式错误"


def full_width(text):
    """`text` as a full-width input method types it (ASCII 0x21–0x7E → U+FF01–FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def test_the_full_width_block_becomes_ascii():
    assert to_half_width("０１２３４５６７８９ＡＺａｚ\u3000－") == "0123456789AZaz -"


@pytest.mark.parametrize("text", ["²³", "١٢٣", "①", "𝟏", "ⅩⅠ", "１²"])
def test_nothing_else_is_folded_as_nfkc_would(text):
    # NFKC would make each of these ASCII digits or letters; only the full-width part changes.
    assert to_half_width(text) == text.replace("１", "1")


def test_an_id_number_typed_full_width_is_stored_in_ascii():
    assert validate_resident_id(full_width(CITIZEN_ID.lower())) == CITIZEN_ID
    assert validate_resident_id("１１０１０５\u3000１９４９１２３１\u3000００２ｘ") == CITIZEN_ID


def test_a_credit_code_typed_full_width_is_stored_in_ascii():
    assert validate_credit_code(full_width(ENTERPRISE_CODE)) == ENTERPRISE_CODE
    assert validate_credit_code(full_width(ENTERPRISE_CODE.lower())) == ENTERPRISE_CODE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８－００１３－８０００", "13800138000"),
        ("１３８\u3000００１３\u3000８０００", "13800138000"),
        ("０７５２－２２３３４４５", "0752-2233445"),  # a landline keeps its one hyphen
        ("0752 2233445", "07522233445"),
    ],
)
def test_a_phone_typed_full_width_or_in_groups_is_stored_in_ascii(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "13٨00138000",  # Arabic-Indic eight
        "1³800138000",  # superscript three
        "١٣٨٠٠١٣٨٠٠٠",  # all Arabic-Indic
        "１３８００１３８００００",  # 12 digits
    ],
)
def test_a_phone_with_other_digits_is_refused(typed):
    with pytest.raises(InvalidIdentity) as caught:
        validate_phone(typed, field="applicant.phone")
    assert (caught.value.field, caught.value.message) == ("applicant.phone", PHONE_MESSAGE)


@pytest.mark.parametrize(
    "number", ["1101051949123100²X", "11010519491231002Ⅹ", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"]
)
def test_an_id_number_with_other_characters_is_refused(number):
    with pytest.raises(InvalidIdentity) as caught:
        validate_resident_id(number)
    assert caught.value.message == "居民身份证号码格式错误"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9111000060003734ﬀ", "统一社会信用代码应为 18 位"),
        ("91110000600037341ℒ", "统一社会信用代码格式错误"),
        ("9111000060003734²L", "统一社会信用代码格式错误"),
    ],
)
def test_a_credit_code_with_other_characters_is_refused(code, message):
    # "ﬀ".upper() is "FF": the ligature would have passed as two letters.
    with pytest.raises(InvalidIdentity) as caught:
        validate_credit_code(code)
    assert caught.value.message == message


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYabcxyz -", max_size=24))
def test_full_width_and_ascii_compact_alike(text):
    assert compact_identity(full_width(text)) == compact_identity(text)
    assert compact_identity(text).isascii()
