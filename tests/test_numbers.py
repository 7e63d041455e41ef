"""The number pack: spans, values and kinds, and property tests against the independent oracle
in tests/oracles.py (not the pack's own lexicons)."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, strategies as st

from arabic_rules import Engine
from arabic_rules.numerals import parse_number_digits
from oracles import cardinal_words, ordinal_words

ENGINE = Engine.default()


def numbers(text: str):
    return [(m.text, m.value, m.attrs.get("kind")) for m in ENGINE.extract(text, labels={"number"})]


@pytest.mark.parametrize("text,expected", [
    ("وصل بخمسة آلاف جندي", [("خمسة آلاف", 5000, "cardinal")]),
    ("قتل 12 مدنياً و٣٢ جندياً", [("12", 12, "cardinal"), ("٣٢", 32, "cardinal")]),
    ("حدث ذلك لأول مرة", [("أول", 1, "ordinal")]),
    ("ناقشوا البندين الأول والثاني", [("الأول", 1, "ordinal"), ("الثاني", 2, "ordinal")]),
    ("وصل ثلاثة وأربعة من الوفود", [("ثلاثة", 3, "cardinal"), ("أربعة", 4, "cardinal")]),
    ("جاء ألف وألفان", [("ألف", 1000, "cardinal"), ("ألفان", 2000, "cardinal")]),
    ("بلغ الإنتاج 2.5 مليار برميل", [("2.5 مليار", 2500000000, "cardinal")]),
    ("تراجع بنسبة ٪١٢ و15 بالمئة", [("٪١٢", 12, "percent"), ("15 بالمئة", 15, "percent")]),
    ("فقد ثلثي قيمته", [("ثلثي", pytest.approx(2 / 3, abs=1e-3), "fraction")]),
    ("في تشرين الثاني وكانون الأول", []),
    ("لم يصب أحد، وخرج آلاف المتظاهرين وعشرات الجنود", []),
])
def test_spans_values_kinds(text, expected):
    assert numbers(text) == expected


def test_span_is_exact_in_the_original_text():
    text = "وبثَلاثَةِ آلافٍ"
    (m,) = ENGINE.extract(text, labels={"number"})
    assert text[m.start:m.end] == m.text == "ثَلاثَةِ آلافٍ" and m.value == 3000


@pytest.mark.parametrize("s,v", [("2,500", 2500), ("3٫5", 3.5), ("2,5", 2.5), ("1 200", 1200),
                                 ("-4", -4), ("1,250.75", 1250.75), ("x", None)])
def test_parse_number_digits(s, v):
    assert parse_number_digits(s) == v


FRAMES = ["أعلنت الوزارة أن {} شخصاً وصلوا إلى المخيم.", "بلغ العدد الإجمالي {} وفق التقرير.",
          "وصل {} من المتطوعين صباح اليوم."]


@given(n=st.one_of(st.integers(0, 10**12), st.integers(0, 10**4), st.integers(0, 10**6)),
       gender=st.sampled_from(["m", "f"]), case=st.sampled_from(["nom", "acc", "gen"]),
       seed=st.integers(0, 2**32), frame=st.sampled_from(FRAMES), proclitic=st.sampled_from(["", "ب", "و"]))
def test_cardinal_words_round_trip(n, gender, case, seed, frame, proclitic):
    words = cardinal_words(n, gender=gender, case=case, variant=random.Random(seed))
    text = frame.format(proclitic + words)
    found = ENGINE.extract(text, labels={"number"})
    assert [(m.text, m.value) for m in found] == [(words, n)], text


@given(n=st.integers(1, 100), gender=st.sampled_from(["m", "f"]), case=st.sampled_from(["nom", "acc", "gen"]),
       proclitic=st.sampled_from(["", "و", "ب"]))
def test_ordinal_words_round_trip(n, gender, case, proclitic):
    if n == 100 and proclitic == "ب":
        proclitic = ""  # بالمائة is the percent word
    words = ordinal_words(n, gender=gender, definite=True, case=case)
    text = f"احتفلت المدينة بالذكرى {proclitic}{words} للاستقلال."
    found = ENGINE.extract(text, labels={"number"})
    assert [(m.text, m.value, m.attrs["kind"]) for m in found] == [(words, n, "ordinal")], text


@pytest.mark.slow
@given(n=st.integers(0, 10**12), seed=st.integers(0, 2**32))
def test_cardinal_words_in_digits_and_words_agree(n, seed):
    """Digits in every script give the same value as the words."""
    digits = str(n).translate(str.maketrans("0123456789", random.Random(seed).choice(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"])))
    found = ENGINE.extract(f"وصل {digits} زائر", labels={"number"})
    assert [m.value for m in found] == [n]
