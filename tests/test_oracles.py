"""Hand-checked examples for the independent oracles in tests/oracles.py (fast)."""

import datetime as dt
import random
import re

import pytest

from oracles import (
    DIGIT_SYSTEMS, WEEKDAYS, cardinal_words, ordinal_words, render_date, render_date_with_value,
)

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")


def norm(s: str) -> str:
    """Loose comparison: no diacritics, bare alif, ى → ي (the library's normalization)."""
    s = _DIACRITICS.sub("", s)
    return s.translate(str.maketrans("أإآٱى", "ااااي"))


@pytest.mark.parametrize("n, gender, case, expected", [
    (0, "m", "nom", "صفر"),
    (1, "m", "nom", "واحد"),
    (1, "f", "nom", "واحدة"),
    (2, "m", "nom", "اثنان"),
    (2, "m", "gen", "اثنين"),
    (2, "f", "nom", "اثنتان"),
    (2, "f", "acc", "اثنتين"),
    (3, "m", "nom", "ثلاثة"),
    (3, "f", "nom", "ثلاث"),
    (10, "m", "gen", "عشرة"),
    (10, "f", "gen", "عشر"),
    (11, "m", "nom", "أحد عشر"),
    (11, "f", "gen", "إحدى عشرة"),
    (12, "m", "nom", "اثنا عشر"),
    (12, "m", "acc", "اثني عشر"),
    (12, "f", "nom", "اثنتا عشرة"),
    (13, "m", "nom", "ثلاثة عشر"),
    (13, "f", "nom", "ثلاث عشرة"),
    (18, "f", "nom", "ثماني عشرة"),
    (20, "m", "nom", "عشرون"),
    (20, "m", "gen", "عشرين"),
    (21, "m", "nom", "واحد وعشرون"),
    (22, "m", "acc", "اثنين وعشرين"),
    (41, "m", "acc", "واحداً وأربعين"),
    (41, "m", "gen", "واحد وأربعين"),
    (21, "f", "nom", "إحدى وعشرون"),
    (25, "m", "nom", "خمسة وعشرون"),
    (25, "f", "gen", "خمس وعشرين"),
    (99, "m", "nom", "تسعة وتسعون"),
    (100, "m", "nom", "مائة"),
    (200, "m", "nom", "مائتان"),
    (200, "f", "gen", "مائتين"),
    (300, "m", "nom", "ثلاثمائة"),
    (600, "m", "nom", "ستمائة"),
    (105, "m", "nom", "مائة وخمسة"),
    (1000, "m", "nom", "ألف"),
    (2000, "m", "nom", "ألفان"),
    (2000, "m", "gen", "ألفين"),
    (3000, "f", "nom", "ثلاثة آلاف"),          # آلاف is the counted noun: masculine polarity
    (3500, "m", "nom", "ثلاثة آلاف وخمسمائة"),
    (11000, "m", "nom", "أحد عشر ألفاً"),
    (12000, "m", "gen", "اثني عشر ألفاً"),
    (25000, "m", "nom", "خمسة وعشرون ألفاً"),
    (100000, "m", "nom", "مائة ألف"),
    (200000, "m", "nom", "مائتا ألف"),
    (200000, "m", "gen", "مائتي ألف"),
    (250000, "m", "nom", "مائتان وخمسون ألفاً"),
    (1000000, "m", "nom", "مليون"),
    (2000000, "m", "nom", "مليونان"),
    (2000000, "m", "acc", "مليونين"),
    (5000000, "m", "nom", "خمسة ملايين"),
    (1500000, "m", "nom", "مليون وخمسمائة ألف"),
    (3000000000, "m", "nom", "ثلاثة مليارات"),
    (2500000000, "m", "nom", "ملياران وخمسمائة مليون"),
    (1234567, "m", "nom", "مليون ومائتان وأربعة وثلاثون ألفاً وخمسمائة وسبعة وستون"),
])
def test_cardinal_canonical(n, gender, case, expected):
    assert cardinal_words(n, gender=gender, case=case) == expected


def test_cardinal_variants_stay_valid():
    rng = random.Random(7)
    seen = set()
    for _ in range(300):
        seen.add(cardinal_words(3500, gender="m", case="nom", variant=rng))
    seen = {norm(s) for s in seen}
    assert norm("ثلاثة آلاف وخمسمائة") in seen
    assert norm("ثلاثة آلاف وخمسمئة") in seen
    assert norm("ثلاثة آلاف وخمس مئة") in seen
    assert seen <= {norm(x) for x in ("ثلاثة آلاف وخمسمائة", "ثلاثة آلاف وخمسمئة",
                                       "ثلاثة آلاف وخمس مئة", "ثلاثة آلاف وخمس مائة")}
    eights = {norm(cardinal_words(800, variant=rng)) for _ in range(300)}
    assert norm("ثمانمائة") in eights and norm("ثمان مئة") in eights
    assert eights <= {norm(a + sep + b) for a in ("ثمان", "ثماني") for sep in ("", " ") for b in ("مائة", "مئة")}


def test_cardinal_structure_properties():
    rng = random.Random(11)
    for _ in range(2000):
        n = rng.randrange(1, 10**12)
        s = cardinal_words(n, gender=rng.choice("mf"), case=rng.choice(["nom", "acc", "gen"]), variant=rng)
        assert "  " not in s and s == s.strip()
        assert "و " not in s + " " or " و " not in s          # و always attached to the next word
        assert "واحد ألف" not in s and "اثنان ألف" not in s and "واحد مليون" not in s


def test_cardinal_bounds():
    assert cardinal_words(10**12) == "تريليون"
    with pytest.raises(ValueError):
        cardinal_words(-1)
    with pytest.raises(ValueError):
        cardinal_words(3, gender="x")


@pytest.mark.parametrize("n, gender, definite, case, expected", [
    (1, "m", True, "nom", "الأول"),
    (1, "f", True, "nom", "الأولى"),
    (1, "m", False, "nom", "أول"),
    (2, "m", True, "gen", "الثاني"),
    (2, "f", True, "nom", "الثانية"),
    (3, "m", False, "nom", "ثالث"),
    (3, "m", False, "acc", "ثالثاً"),
    (10, "m", True, "nom", "العاشر"),
    (10, "f", True, "nom", "العاشرة"),
    (11, "m", True, "nom", "الحادي عشر"),
    (11, "f", True, "gen", "الحادية عشرة"),
    (12, "m", True, "acc", "الثاني عشر"),
    (19, "f", True, "nom", "التاسعة عشرة"),
    (20, "m", True, "nom", "العشرون"),
    (20, "f", True, "gen", "العشرين"),
    (21, "m", True, "nom", "الحادي والعشرون"),
    (22, "f", True, "gen", "الثانية والعشرين"),
    (31, "m", True, "gen", "الحادي والثلاثين"),
    (100, "m", True, "nom", "المائة"),
])
def test_ordinal(n, gender, definite, case, expected):
    assert ordinal_words(n, gender=gender, definite=definite, case=case) == expected


def test_ordinal_bounds():
    for bad in (0, 101):
        with pytest.raises(ValueError):
            ordinal_words(bad)


def test_render_date_examples():
    d = dt.date(2021, 12, 9)
    rng = random.Random(1)
    t, v = render_date_with_value(d, system="levantine", style="dm", rng=rng)
    assert v == "XXXX-12-09" and "كانون الأول" in t
    t, v = render_date_with_value(d, system="egyptian", style="my", rng=rng)
    assert v == "2021-12" and "ديسمبر" in t
    t, v = render_date_with_value(d, system="morocco", style="dmy", rng=rng)
    assert v == "2021-12-09" and "دجنبر" in t
    t, v = render_date_with_value(dt.date(2021, 7, 26), system="maghreb", style="dmy", rng=rng)
    assert "جويلية" in t
    t, v = render_date_with_value(d, system="double_paren", style="dm", rng=rng)
    assert re.search(r"\((ديسمبر|كانون الأول)\)$", t)
    t, v = render_date_with_value(d, system="egyptian", style="ordinal_dmy", rng=random.Random(0))
    assert "التاسع من ديسمبر" in t


def test_render_date_properties():
    rng = random.Random(5)
    for _ in range(500):
        d = dt.date(rng.randrange(1950, 2040), rng.randrange(1, 13), rng.randrange(1, 29))
        text, value = render_date_with_value(d, rng=rng)
        assert text == text.strip() and "  " not in text
        # the real weekday only
        for i, w in enumerate(WEEKDAYS):
            if text.startswith(w) or text.startswith("يوم " + w):
                assert i == d.weekday()
        # year digits, whatever the system
        ascii_text = text
        for sysd in DIGIT_SYSTEMS.values():
            ascii_text = ascii_text.translate(str.maketrans(sysd, "0123456789"))
        if value[:4] != "XXXX":
            assert str(d.year) in ascii_text
        assert value in (d.isoformat(), f"XXXX-{d.month:02d}-{d.day:02d}", f"{d.year}-{d.month:02d}")
    assert isinstance(render_date(dt.date(2020, 2, 29), rng=rng), str)


# --------------------------------------------------------------------------------------------
# sanity of the gold sets (tests/gold/*.yaml): loads, spans are substrings, values well formed

from pathlib import Path

import yaml

GOLD = Path(__file__).parent / "gold"
_ISO_PART = re.compile(r"^(\d{4}|XXXX)(-(\d{2}|XX)(-(\d{2}|XX))?)?$|^\d{4}-W\d{2}$")


def _load(name):
    data = yaml.safe_load((GOLD / name).read_text(encoding="utf-8"))
    assert data["ref_date"] == dt.date(2021, 12, 13)
    return data["items"]


def _span_ok(item, exp):
    text, span, nth = item["text"], exp["text"], exp.get("nth", 1)
    pos = -1
    for _ in range(nth):
        pos = text.find(span, pos + 1)
        assert pos >= 0, f"{span!r} (nth={nth}) not in {text!r}"
    assert span == span.strip(), f"untrimmed span {span!r}"
    return pos


@pytest.mark.parametrize("name", ["numbers.yaml", "dates.yaml"])
def test_gold_structure(name):
    items = _load(name)
    assert len(items) >= 170
    assert sum(1 for it in items if not it["expect"]) >= 30
    texts = [it["text"] for it in items]
    assert len(texts) == len(set(texts)), "duplicate item text"
    for it in items:
        assert set(it) <= {"text", "expect", "note"}
        spans = []
        for exp in it["expect"]:
            start = _span_ok(it, exp)
            spans.append((start, start + len(exp["text"])))
        spans.sort()
        for (a, b), (c, d) in zip(spans, spans[1:]):
            assert b <= c, f"overlapping expectations in {it['text']!r}"


def test_gold_numbers_values():
    for it in _load("numbers.yaml"):
        for exp in it["expect"]:
            assert set(exp) <= {"text", "value", "kind", "nth"}
            assert exp["kind"] in {"cardinal", "ordinal", "fraction", "percent"}
            assert isinstance(exp["value"], (int, float)) and not isinstance(exp["value"], bool)
            if exp["kind"] == "ordinal":
                assert isinstance(exp["value"], int) and exp["value"] >= 1
            if exp["kind"] == "fraction":
                assert 0 < exp["value"] < 1


def test_gold_dates_values():
    weekday_of = {w: i for i, w in enumerate(WEEKDAYS)}
    for it in _load("dates.yaml"):
        for exp in it["expect"]:
            assert set(exp) <= {"text", "value", "resolved", "calendar", "mod", "flags", "nth"}
            value = exp["value"]
            assert isinstance(value, str), f"quote the value of {exp['text']!r}"
            for part in value.split("/"):
                assert _ISO_PART.match(part), value
            assert exp.get("calendar", "gregorian") in {"gregorian", "hijri"}
            assert exp.get("mod") in {None, "early", "mid", "late", "start", "end"}
            assert set(exp.get("flags", [])) <= {"month_mismatch"}
            if "resolved" in exp:
                res = exp["resolved"]
                assert isinstance(res, str)
                days = [dt.date.fromisoformat(p) for p in res.split("/")]
                if exp.get("calendar") != "hijri" and "X" not in value and "W" not in value:
                    assert res == value
                # a weekday named in the span must be the real weekday of the resolved date
                for w, i in weekday_of.items():
                    if re.search(r"(^|\s)" + w + r"($|\s)", exp["text"]):
                        assert days[0].weekday() == i, (exp["text"], res)
            if exp.get("calendar") == "hijri" and "resolved" in exp and "X" not in value:
                try:
                    from hijridate import Hijri
                except ImportError:
                    continue
                y, m, d = map(int, value.split("-"))
                assert Hijri(y, m, d).to_gregorian().isoformat() == exp["resolved"]
