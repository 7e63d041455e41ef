import re

import pytest

from arabic_rules.normalize import normalize


@pytest.mark.parametrize("text,expected", [
    ("قالَ", "قال"),
    ("أكّد", "اكد"),
    ("إلى", "الي"),
    ("آذار", "اذار"),
    ("ٱلله", "الله"),
    ("ـــقال", "قال"),
    ("٣٫٥", "3٫5"),
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
