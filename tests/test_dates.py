"""Dates: round trips through the independent renderer (tests/oracles.py) and relative
expressions against random reference dates, checked with `datetime` arithmetic."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, strategies as st

from arabic_rules import Engine
from oracles import STYLES, SYSTEMS, WEEKDAYS, render_date_with_value

ENGINE = Engine.default()
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
refs = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2080, 12, 31))


def only_date(text: str, ref: dt.date | None = None):
    found = ENGINE.extract(text, ref_date=ref, labels={"date"})
    assert len(found) == 1, (text, [(m.text, m.value) for m in found])
    return found[0]


@given(d=dates, system=st.sampled_from(SYSTEMS), style=st.sampled_from(STYLES), seed=st.integers(0, 10**6))
def test_rendered_dates_come_back(d, system, style, seed):
    expr, value = render_date_with_value(d, system=system, style=style, rng=random.Random(seed))
    # a frame without a verb: a past verb («أعلنت») would send a yearless date after the
    # reference back a year (arabic_rules/tense.py), which is not what this round trip tests
    text = f"تقرير اللجنة في {expr} عن نتائج أعمالها"
    m = only_date(text, ref=dt.date(d.year, 6, 15))
    assert m.text == expr and m.value == value
    if style != "my":
        assert m.attrs["resolved"] == d.isoformat()
    assert "flags" not in m.attrs


@given(d=dates, seed=st.integers(0, 10**6))
def test_without_ref_date_the_year_stays_unknown(d, seed):
    expr, value = render_date_with_value(d, style="dm", rng=random.Random(seed))
    m = only_date(f"وصل الوفد في {expr} إلى المدينة")
    assert m.value == value and "resolved" not in m.attrs


@pytest.mark.parametrize("text, value, resolved", [
    ("وعقد المؤتمر مطلع آذار في العاصمة", "XXXX-03", "2021-03"),
    ("يبدأ الموسم في تموز المقبل", "2022-07", "2022-07"),
    ("وصل الوفد في حزيران الماضي", "2021-06", "2021-06"),
])
def test_a_month_without_a_year_resolves_to_a_month_of_the_reference(text, value, resolved):
    m = only_date(text, ref=dt.date(2021, 12, 13))
    assert m.value == value and m.attrs["resolved"] == resolved
    assert "resolved" not in only_date(text).attrs


@given(h=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2070, 12, 31)))
def test_hijri_dates_resolve_to_their_gregorian_day(h):
    from hijridate import Gregorian

    hd = Gregorian(h.year, h.month, h.day).to_hijri()
    names = ENGINE.pack.lexicons["hmonth"]
    name = next(f for f, v in names.items() if v == hd.month)
    m = only_date(f"صدر البيان في {hd.day} {name} {hd.year} هـ في العاصمة")
    assert m.value == f"{hd.year:04d}-{hd.month:02d}-{hd.day:02d}"
    assert m.attrs["calendar"] == "hijri" and m.attrs["resolved"] == h.isoformat()


@given(ref=refs, offset=st.sampled_from([("أمس", -1), ("أول أمس", -2), ("اليوم", 0), ("غداً", 1), ("بعد غد", 2)]))
def test_deictic_days_are_ref_plus_offset(ref, offset):
    word, days = offset
    m = only_date(f"أكد المتحدث {word} أن المفاوضات مستمرة", ref)
    assert m.value == (ref + dt.timedelta(days=days)).isoformat()


@given(ref=refs, wd=st.integers(0, 6), rel=st.sampled_from(["", "الماضي", "المقبل"]))
def test_weekdays_agree_with_datetime(ref, wd, rel):
    m = only_date(f"اجتمع المجلس {WEEKDAYS[wd]} {rel} في مقره".replace("  ", " "), ref)
    got = dt.date.fromisoformat(m.value)
    assert got.weekday() == wd
    if rel == "المقبل":
        assert 0 < (got - ref).days <= 7
    elif rel == "الماضي":
        assert 0 < (ref - got).days <= 7
    else:
        assert 0 <= (ref - got).days < 7


@given(ref=refs, d=dates, rel=st.sampled_from([("الماضي", -1), ("المقبل", 1), ("الجاري", 0)]))
def test_day_month_with_deictic_word_follows_its_definition(ref, d, rel):
    word, sign = rel
    if (d.month, d.day) == (2, 29):
        d = d.replace(day=28)
    m = only_date(f"انعقدت الجلسة في {d.day} {['', 'يناير', 'فبراير', 'مارس', 'أبريل', 'مايو', 'يونيو', 'يوليو', 'أغسطس', 'سبتمبر', 'أكتوبر', 'نوفمبر', 'ديسمبر'][d.month]} {word} بالعاصمة", ref)
    got = dt.date.fromisoformat(m.value)
    assert (got.month, got.day) == (d.month, d.day)
    if sign < 0:
        assert got < ref and got.replace(year=got.year + 1) >= ref
    elif sign > 0:
        assert got > ref and got.replace(year=got.year - 1) <= ref
    else:
        assert got.year == ref.year


@given(ref=refs, unit=st.sampled_from(["الأسبوع", "الشهر", "العام"]), rel=st.sampled_from([("الماضي", -1), ("المقبل", 1), ("الجاري", 0)]))
def test_relative_units_agree_with_datetime(ref, unit, rel):
    word, n = rel
    m = only_date(f"ارتفعت الأسعار {unit} {word} بشكل واضح", ref)
    if unit == "الأسبوع":
        y, w, _ = (ref + dt.timedelta(weeks=n)).isocalendar()
        assert m.value == f"{y:04d}-W{w:02d}"
    elif unit == "الشهر":
        k = ref.year * 12 + ref.month - 1 + n
        assert m.value == f"{k // 12:04d}-{k % 12 + 1:02d}"
    else:
        assert m.value == f"{ref.year + n:04d}"


REF = dt.date(2021, 12, 13)


@pytest.mark.parametrize("text, span, value, attrs", [
    ("وقعت الحادثة في 15 تشرين الأول/ نوفمبر 2020 ليلاً", "15 تشرين الأول/ نوفمبر 2020", "2020-10-15", {"flags": ["month_mismatch"]}),
    ("بدأت الاحتجاجات في أواخر 2017 واستمرت", "أواخر 2017", "2017", {"mod": "late"}),
    ("لم تمطر بهذه الغزارة منذ 2003 في المنطقة", "2003", "2003", {}),
    ("تُعرض اللوحات بين 2015 و2018 في المتحف", "بين 2015 و2018", "2015/2018", {}),
    ("يقام السوق 3-5 آذار في الساحة", "3-5 آذار", "XXXX-03-03/XXXX-03-05", {"resolved": "2021-03-03/2021-03-05"}),
    ("أرسل المكتب رسالة مؤرخة December 9, 2021 إلى الوزارة", "December 9, 2021", "2021-12-09", {}),
    ("تُصرف المنح في ٩-١٢-٢٠٢١ للطلاب", "٩-١٢-٢٠٢١", "2021-12-09", {}),
    ("يحتفل الأهالي في الأول من شوال بالعيد", "الأول من شوال", "XXXX-10-01", {"resolved": "2022-05-02", "calendar": "hijri"}),
    ("تتوقف الرحلات مطلع الشهر المقبل مؤقتاً", "مطلع الشهر المقبل", "2022-01", {"mod": "start"}),
])
def test_issue_examples(text, span, value, attrs):
    m = only_date(text, REF)
    assert (m.text, m.value) == (span, value)
    for k, v in attrs.items():
        assert m.attrs[k] == v


@pytest.mark.parametrize("text", [
    "مارس الوزير ضغوطاً على النواب",
    "استمرت المفاوضات ثلاثة أشهر دون اتفاق",
    "ستُعلن القرارات خلال الأيام المقبلة",
    "تحسنت الأوضاع مؤخراً في الإقليم",
    "وزّع المتطوعون 2016 وجبة على المحتاجين",
    "قالت الفنانة أيار يوسف إن العرض تأجل",
])
def test_not_dates(text):
    assert ENGINE.extract(text, ref_date=REF, labels={"date"}) == []
