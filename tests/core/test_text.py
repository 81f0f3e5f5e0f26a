"""core.text: the characters no name or text field may store, said precisely."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.text import BLANK_LOOKING, InvalidText, clean_name, clean_text


@pytest.mark.parametrize(
    "name",
    ["李明", "阿依古丽·买买提", "惠州市惠阳区某某餐饮有限公司", "O'Brien-Smith", "\ue000明"],
)
def test_ordinary_names_pass_unchanged(name):
    assert clean_name(f"  {name} ", field="applicant.name", label="姓名") == name


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("\u200b\u200b", "no_visible_character", "姓名没有可见的文字"),
        ("\u3164", "no_visible_character", "姓名没有可见的文字"),  # Hangul filler
        ("李\u200b明", "invisible_character", "姓名不能含有不可见字符（U+200B）"),
        ("\ufeff李明", "invisible_character", "姓名不能含有不可见字符（U+FEFF）"),
        ("李明\x1b[2J", "control_character", "姓名不能含有终端转义序列（U+001B）"),
        ("李\x07明", "control_character", "姓名不能含有控制字符（U+0007）"),
        ("李\x9b明", "control_character", "姓名不能含有控制字符（U+009B）"),  # C1 CSI
        ("李明\n王五", "control_character", "姓名不能含有控制字符（U+000A）"),
        ("李明\u2028", "control_character", "姓名不能含有控制字符（U+2028）"),
        ("李明\u202egnp.exe", "bidi_control", "姓名不能含有改变文字方向的控制字符（U+202E）"),
        ("\u2066李明\u2069", "bidi_control", "姓名不能含有改变文字方向的控制字符（U+2066）"),
        ("李\ud800明", "invalid_character", "姓名含有无效字符（U+D800）"),
    ],
)
def test_a_name_is_refused_with_a_code_and_the_character(value, code, message):
    with pytest.raises(InvalidText) as caught:
        clean_name(value, field="applicant.name", label="姓名")

    assert (caught.value.field, caught.value.code, caught.value.message) == (
        "applicant.name",
        code,
        message,
    )


def test_white_space_alone_is_empty_and_the_caller_decides_if_that_is_allowed():
    assert clean_name("  \u3000 ", field="f", label="姓名") == ""
    assert clean_text("", field="f", label="原因") == ""


def test_free_text_keeps_line_breaks_and_zero_width_joiners_when_multiline():
    text = "第一行\r\n\t第二行 👩\u200d👩\u200d👧"
    assert clean_text(text, field="reason", label="原因", multiline=True) == text.strip()
    with pytest.raises(InvalidText, match=r"U\+000A"):
        clean_text("一\n二", field="street", label="地址")
    with pytest.raises(InvalidText, match=r"U\+001B"):
        clean_text("一\x1b]0;title\x07", field="reason", label="原因", multiline=True)
    with pytest.raises(InvalidText, match=r"U\+202D"):
        clean_text("一\u202d二", field="reason", label="原因", multiline=True)


def test_the_message_is_in_the_readers_language():
    with translation.override("en"), pytest.raises(InvalidText) as caught:
        clean_name("\u200b", field="f", label="Name")

    assert caught.value.message == "Name has no visible characters"


# Hangul fillers are letters (Lo) that draw nothing: refused on purpose, so not drawn here.
LETTERS_AND_DIGITS = st.characters(
    categories=["Lo", "Lu", "Ll", "Nd"], exclude_characters="".join(BLANK_LOOKING)
)


@given(st.text(alphabet=LETTERS_AND_DIGITS, min_size=1))
def test_any_text_of_letters_and_digits_is_kept(value):
    assert clean_name(value, field="f", label="姓名") == value.strip()
