from datetime import date, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from onewindow.core.identity import (
    InvalidIdentity,
    mask_id,
    mask_phone,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the GB 11643 example
        "441303198001010011",  # 惠阳区: unknown to python-stdnum's county table, still valid
        "440102198001010013",  # 东山区, abolished in 2005: people keep their numbers
        "11010519491231002x",  # lower-case check character
    ],
)
def test_it_accepts_valid_id_numbers(number):
    assert validate_resident_id(number) == number.upper()


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位错误"),
        ("11010519491231002", "应为 18 位"),
        ("110105194913320026", "出生日期无效"),
        ("99130319800101001X", "地区码无效"),
        ("1101051949123100XX", "格式错误"),
    ],
)
def test_it_says_precisely_what_is_wrong(number, reason):
    with pytest.raises(InvalidIdentity) as caught:
        validate_resident_id(number, field="applicant.id_number")
    assert reason in caught.value.message
    assert caught.value.field == "applicant.id_number"


def numbered(born, sequence=1):
    """A valid ID number of someone born on `born` (the right check digit)."""
    body = f"441303{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


TODAY = date(2026, 12, 4)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)
def test_any_number_with_the_right_check_digit_is_accepted(birth, sequence):
    number = numbered(birth, sequence)
    assert validate_resident_id(number, today=TODAY) == number


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)))
def test_a_birth_date_after_today_is_refused(birth):
    with pytest.raises(InvalidIdentity) as caught:
        validate_resident_id(numbered(birth), field="proxy.id_number", today=TODAY)
    assert caught.value.code == "birth_date_in_future"
    assert caught.value.message == "居民身份证号码中的出生日期晚于今天"
    assert caught.value.field == "proxy.id_number"


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(1899, 12, 31)))
def test_a_birth_date_before_1900_is_refused(birth):
    with pytest.raises(InvalidIdentity) as caught:
        validate_resident_id(numbered(birth), today=TODAY)
    assert caught.value.code == "birth_date_before_1900"
    assert caught.value.message == "居民身份证号码中的出生日期早于 1900 年"


def test_today_is_the_local_date_of_the_projects_clock():
    # 00:30 in Shanghai on New Year's Day is still 31 December in UTC: born "today" is fine.
    with time_machine.travel("2027-01-01 00:30 +0800", tick=False):
        assert validate_resident_id(numbered(date(2027, 1, 1))) == numbered(date(2027, 1, 1))
        with pytest.raises(InvalidIdentity, match="晚于今天"):
            validate_resident_id(numbered(date(2027, 1, 2)))


def test_credit_codes_and_phones():
    assert validate_credit_code("91110000600037341L") == "91110000600037341L"
    with pytest.raises(InvalidIdentity, match="校验位错误"):
        validate_credit_code("91110000600037341X")
    assert validate_phone("138 0013 8000") == "13800138000"
    assert validate_phone("0752-3301234") == "0752-3301234"
    with pytest.raises(InvalidIdentity):
        validate_phone("12345")


def test_masks_keep_enough_to_recognise_but_not_to_reuse():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
