import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic_rules import Engine
from arabic_rules.normalize import fold_char, normalize


@pytest.mark.parametrize("text,expected", [
    ("قالَ", "قال"),
    ("أكّد", "اكد"),
    ("إلى", "الي"),
    ("آذار", "اذار"),
    ("ٱلله", "الله"),
    ("ـــقال", "قال"),
    ("٣٫٥", "3.5"),
    ("٢٬٥٠٠", "2,500"),
    ("۱۲", "12"),
    ("مشيراً\u200f", "مشيرا"),
    ("ﻻ", "لا"),
    ("ascii only", "ascii only"),
    ("فی", "في"),
])
def test_folds(text, expected):
    assert normalize(text).text == expected


def test_text_that_needs_no_work_is_kept_as_is():
    n = normalize("plain text 123")
    assert n.text == "plain text 123" and n.bp_norm == ()


@pytest.mark.parametrize("text", [
    "قالَ الوزيرُ إنّ ٣٫٥ مليونَ",
    "ﻻ بأس ﷺ نعم",
    "ـــالوزيـــر\u200f قال",
    "\u200fبداية",
    "نهايةٌ\u064b",
])
def test_every_normalized_word_maps_back_to_its_original_word(text):
    n = normalize(text)
    for m in re.finditer(r"\w+", n.text):
        s, e = n.span(m.start(), m.end())
        assert 0 <= s < e <= len(text)
        assert normalize(text[s:e]).text.strip() .find(m.group()) >= 0


def test_marks_after_a_word_belong_to_it_and_expansions_are_whole():
    n = normalize("قالَ ﻻ")
    assert n.span(0, 3) == (0, 4)  # the fatha is part of the word
    assert n.span(4, 5) == (5, 6)  # first half of the lam-alef ligature: the whole character


# --- the Arabic decimal (U+066B) and thousands (U+066C) separators ------------------------------

@pytest.mark.parametrize("text,expected", [
    ("٣٫٥ مليون", "3.5 مليون"),
    ("۳٫۵", "3.5"),  # Persian digits
    ("3٫5", "3.5"),  # ASCII digits
    ("٣٫5", "3.5"),  # mixed scripts: both sides are digits once folded
    ("١٬٢٣٤٬٥٦٧٫٨٩", "1,234,567.89"),
    ("١٫٢٫٣", "1.2.3"),  # each separator is judged by its own neighbours
    ("٫٥", "٫5"),  # no digit before
    ("٣٫", "3٫"),  # no digit after
    ("٣٫ ٥", "3٫ 5"),
    ("٣ ٫٥", "3 ٫5"),
    ("٣٫٫٥", "3٫٫5"),
    ("الفصل ٫ الأول", "الفصل ٫ الاول"),
    ("ب٫ت", "ب٫ت"),
    ("a٬b", "a٬b"),
    ("٣\u064e٫٥", "3.5"),  # a deleted mark in between: the neighbours in the normalized view count
    ("٣٫\u200f٥", "3.5"),
])
def test_separators_fold_only_between_digits(text, expected):
    assert normalize(text).text == expected


def test_separator_fold_keeps_every_offset():
    text = "ارتفع الإنتاج إلى ٣٫٥ مليون برميل، و٢٬٥٠٠ طن"
    n = normalize(text)
    assert len(n.text) == len(text) and n.bp_norm == ()  # same length: no breakpoint
    for number, original in (("3.5", "٣٫٥"), ("2,500", "٢٬٥٠٠")):
        i = n.text.index(number)
        s, e = n.span(i, i + len(number))
        assert text[s:e] == original and (s, e) == (text.index(original), text.index(original) + len(original))


def test_separator_fold_next_to_deletions_maps_back_exactly():
    text = "قالَ إنّ ٣ّ٫٥ مليونَ"
    n = normalize(text)
    assert n.text == "قال ان 3.5 مليون"
    i = n.text.index("3.5")
    assert text[slice(*n.span(i, i + 3))] == "٣ّ٫٥"
    assert text[slice(*n.span(i + 1, i + 2))] == "٫"
    j = n.text.index("3.5 مليون")
    assert text[slice(*n.span(j, j + len("3.5 مليون")))] == "٣ّ٫٥ مليونَ"


def test_a_lone_separator_is_a_character_of_its_own():
    assert fold_char("\u066b") == "\u066b" and fold_char("\u066c") == "\u066c"


def test_ascii_text_skips_the_separator_fold():
    n = normalize("3.5 and 2,500")
    assert n.text is n.original


_DIGIT_FOLD = {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}


@given(st.text(alphabet="٣۵73٫٬., ب\u064e", max_size=30))
def test_separators_fold_exactly_where_both_neighbours_are_digits(text):
    """A reference: fold the digits, drop the mark, then look at each separator's neighbours."""
    plain = "".join(_DIGIT_FOLD.get(c, c) for c in text if c != "\u064e")
    expected = "".join(
        {"\u066b": ".", "\u066c": ","}[c] if c in "\u066b\u066c" and 0 < i < len(plain) - 1
        and plain[i - 1].isascii() and plain[i - 1].isdigit() and plain[i + 1].isascii() and plain[i + 1].isdigit()
        else c
        for i, c in enumerate(plain))
    n = normalize(text)
    assert n.text == expected
    for i, c in enumerate(n.text):  # every character maps back to one original character
        s, e = n.span(i, i + 1)
        assert e - s >= 1 and (c in ".," or _DIGIT_FOLD.get(text[s], text[s]) == c)


def test_engine_reads_a_decimal_with_the_arabic_separator():
    text = "ارتفع الإنتاج إلى ٣٫٥ مليون برميل"
    found = [m for m in Engine.default().extract(text) if m.label == "number"]
    assert [(m.text, m.value) for m in found] == [("٣٫٥ مليون", 3500000)]
    m = found[0]
    assert text[m.start:m.end] == m.text and m.start == text.index("٣٫٥")
    ascii_ = [(m.start, m.end, m.value) for m in Engine.default().extract(text.replace("٣٫٥", "3.5"))
              if m.label == "number"]
    assert ascii_ == [(m.start, m.end, m.value)]


def test_engine_reads_arabic_thousands_separators():
    text = "خصصت الحكومة ٢٬٤٠٠ وحدة سكنية"
    found = [(m.text, m.value) for m in Engine.default().extract(text) if m.label == "number"]
    assert found == [("٢٬٤٠٠", 2400)]


def test_a_rule_that_says_dot_matches_the_arabic_separator(rules_dir):
    path = rules_dir(dec="""
        rules:
          - name: t.decimal
            label: amount
            pattern: 'n:re"[0-9]+\\.[0-9]+" مليون'
            value: number(n)
        """)
    engine = Engine.from_paths([path])
    text = "ارتفع الإنتاج إلى ٣٫٥ مليون برميل"
    found = engine.extract(text)
    assert [(m.text, m.value, m.fields["n"].text) for m in found] == [("٣٫٥ مليون", 3.5, "٣٫٥")]
    assert engine.extract("ارتفع الإنتاج إلى ٣ ٫٥ مليون برميل") == []
