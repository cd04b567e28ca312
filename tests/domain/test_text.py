from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.text import clean_line, clean_note, is_visible, length_problem, text_type_problem


def test_control_bidi_and_zero_width_characters_are_removed_from_a_line():
    assert clean_line("山田\x00太郎\x1b[31m\x07") == "山田太郎[31m"
    assert clean_line("\u202e株式会社\u200bみらい\ufeff") == "株式会社みらい"
    assert clean_line("東京都\r\n港区\t芝公園") == "東京都 港区 芝公園"


def test_a_lone_surrogate_is_removed_and_a_real_astral_character_kept():
    assert clean_line("𠮷野\udcff") == "𠮷野"


def test_a_variation_selector_is_kept():
    assert clean_line("葛\U000e0100城") == "葛\U000e0100城"


def test_a_note_keeps_its_line_breaks_and_tabs():
    assert clean_note("一行目\r\n\t二行目\x00\r三行目\u202e") == "一行目\n\t二行目\n三行目"


def test_a_name_of_invisible_characters_only_is_empty():
    assert clean_line("\u200b\u200d\u2060 \u202e") == ""
    assert not is_visible("\u3000 ")


def test_a_length_problem_names_the_field_and_the_limit():
    assert length_problem("あ" * 101, 100, "会社名") == "会社名は100文字以内で入力してください（101文字）。"
    assert length_problem("あ" * 100, 100, "会社名") is None


@given(st.text())
def test_what_cleaning_leaves_can_be_encoded_and_has_no_control_character(value):
    for cleaned in (clean_line(value), clean_note(value)):
        cleaned.encode("utf-8")
        assert not any(ord(ch) < 0x20 and ch not in "\t\n" or 0x7f <= ord(ch) <= 0x9f for ch in cleaned)
    assert "\n" not in clean_line(value)


def test_the_other_invisible_format_characters_and_noncharacters_are_removed():
    assert clean_line("株式\u00ad会社\u180eみらい\u206a\ufff9\ufffe\uffff") == "株式会社みらい"


def test_a_value_that_is_not_text_is_named_and_none_is_empty_text():
    assert text_type_problem(b"\xe5\xb1\xb1", "会社名") == "会社名は文字で入力してください。"
    assert text_type_problem(123, "会社名") == "会社名は文字で入力してください。"
    assert text_type_problem(None, "会社名") is None
    assert text_type_problem("", "会社名") is None
