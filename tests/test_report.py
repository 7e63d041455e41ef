"""The text view of findings (report.py) and the run summary (stats.py), on sentences written
for these tests."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

from arabic_rules import Engine
from arabic_rules import report
from arabic_rules.report import located, plain_line, text_line
from arabic_rules.stats import Stats, month_of

REF = dt.date(2021, 12, 13)

LONG = ("أوضح مدير المستشفى أن الفرق الطبية تعمل ليلاً ونهاراً منذ بداية الأزمة لاستقبال "
        "المرضى القادمين من القرى المجاورة دون انقطاع.")
INFERRED = "قال مدير المدرسة إن الامتحانات ستبدأ قريباً. وأضاف أن الطلاب مستعدون جيداً."
NEGATED = "لم يقل الوزير إن الأسعار سترتفع."
GREGORIAN = "افتتح المحافظ الجسر الجديد في 4 آذار."
HIJRI = "ولد الشاعر في 12 ربيع الأول 1420 هـ."
HIJRI_YEAR = "هاجرت العائلة في عام 1435 هـ."
HIJRI_MONTH = "انتهت الحرب في شهر شعبان."
NUMBERS = "اشترت الشركة 250 سيارة، ونمت مبيعاتها بنسبة 7%."
ALL = [LONG, INFERRED, NEGATED, GREGORIAN, HIJRI, HIJRI_YEAR, HIJRI_MONTH, NUMBERS]


@pytest.fixture(scope="module")
def engine():
    return Engine.default()


def views(engine, sentence, ref=REF, label=None):
    """(record, plain line) of each finding of a one-line sentence."""
    out = []
    for m in engine.extract(sentence, ref_date=ref):
        if label is None or m.label == label:
            r = located(m, "f.txt", 1, m.start + 1)
            out.append((r, plain_line(r, sentence)))
    return out


def rich_text(record, line_text) -> str:
    buf = io.StringIO()
    Console(file=buf, highlight=False, soft_wrap=True).print(text_line(record, line_text))
    return buf.getvalue()


def test_attribution_shows_speaker_cue_and_shortened_content(engine):
    [(r, line)] = views(engine, LONG, label="attribution")
    head, context = line.split("\n")
    assert head.startswith("f.txt:1:1  attribution ")
    assert "speaker=مدير المستشفى" in head and "cue=أوضح" in head
    assert head.endswith("  [attribution.verb_speaker_that]")
    content = head.split("content=")[1].split("  [")[0]
    assert len(r["value"]["content"]) > 80 and len(content) <= 80
    assert content.endswith("…") and r["value"]["content"].startswith(content[:-1])
    assert "(inferred)" not in head
    assert context.startswith("    أوضح مدير المستشفى")


def test_inferred_speaker_and_negation_are_marked(engine):
    lines = [line for _, line in views(engine, INFERRED, label="attribution")]
    assert len(lines) == 2
    assert "(inferred)" not in lines[0]
    assert "speaker=مدير المدرسة (inferred)" in lines[1] and "cue=أضاف" in lines[1]
    assert "content=أن الطلاب مستعدون جيداً" in lines[1]
    [(_, line)] = views(engine, NEGATED, label="attribution")
    assert "cue=قال (negated)" in line


def test_unknown_speaker_is_a_question_mark():
    record = {"file": "f.txt", "line": 1, "col": 1, "label": "attribution", "rule": "r", "text": "x",
              "value": {"lemma": "l", "direct": True, "speaker": None, "content": "c\n\td"}, "attrs": {}}
    assert plain_line(record, "x").split("\n")[0] == "f.txt:1:1  attribution speaker=?  cue=l  content=c d  [r]"


def test_date_shows_its_resolved_date(engine):
    [(_, line)] = views(engine, GREGORIAN, label="date")
    assert "date        XXXX-03-04 → 2021-03-04  [date.day_month]" in line
    [(_, line)] = views(engine, GREGORIAN, ref=None, label="date")
    assert "XXXX-03-04  [" in line and "→" not in line


def test_hijri_date_shows_its_gregorian_date(engine):
    [(r, line)] = views(engine, HIJRI, label="date")
    assert r["attrs"]["calendar"] == "hijri"
    assert "1420-03-12 AH = 1999-06-26" in line
    # a year alone: the Gregorian days it spans; an unknown year: nothing to convert
    [(_, line)] = views(engine, HIJRI_YEAR, label="date")
    assert "1435 AH = 2013-11-04/2014-10-24" in line
    [(_, line)] = views(engine, HIJRI_MONTH, ref=None, label="date")
    assert "XXXX-08 AH  [" in line and "=" not in line.split("[")[0]


@pytest.mark.parametrize("value, gregorian", [
    ("1445-09-15", "2024-03-25"),
    ("1445-09", "2024-03-11/2024-04-09"),
    ("1445-09-01/1445-10-05", "2024-03-11/2024-04-14"),
    ("XXXX-09-15", None),
    ("1445-XX-03", None),
    ("1445-09-31", None),  # no such day
    ("1200", None),  # before the conversion table
])
def test_hijri_to_gregorian(value, gregorian):
    assert report.hijri_to_gregorian(value) == gregorian


def test_number_shows_its_kind(engine):
    lines = [line for _, line in views(engine, NUMBERS, label="number")]
    assert "number      250 (cardinal)  [number.digits]" in lines[0]
    assert "7 (percent)" in lines[1]


def test_corpus_record_location(engine):
    [m] = engine.extract(GREGORIAN, ref_date=REF, labels={"date"})
    r = located(m, "news.jsonl", 3, m.start + 1, doc="AFP-17", record=12)
    assert list(r)[:5] == ["file", "line", "col", "doc", "record"]
    assert plain_line(r, GREGORIAN).startswith("news.jsonl#12 (AFP-17):3:31  date ")
    assert plain_line({**r, "doc": None}, GREGORIAN).startswith("news.jsonl#12:3:31  date ")
    for default_id in ("news.jsonl:12", "news.jsonl#12"):  # an id that only repeats file and number
        assert plain_line({**r, "doc": default_id}, GREGORIAN).startswith("news.jsonl#12:3:31  date ")
    assert plain_line({**r, "doc": 7}, GREGORIAN).startswith("news.jsonl#12 (7):3:31  date ")
    only_doc = located(m, "news.jsonl", 3, 31, doc="AFP-17")
    assert "record" not in only_doc and plain_line(only_doc, GREGORIAN).startswith("news.jsonl (AFP-17):3:31")
    assert set(located(m, "f.txt", 1, 31)) == {"file", "line", "col", *m.to_dict()}


@pytest.mark.parametrize("sentence", ALL)
def test_rich_prints_the_plain_line(engine, sentence):
    for r, line in views(engine, sentence):
        assert rich_text(r, sentence) == line + "\n"


def test_control_characters_do_not_split_rich_from_plain(engine):
    line = "\t" + GREGORIAN.replace(" في", "\r في\x07\x0b")
    [m] = engine.extract(line, ref_date=REF, labels={"date"})
    r = located(m, "f\tx.txt", 1, m.start + 1)
    plain = plain_line(r, line)
    assert rich_text(r, line) == plain + "\n"
    assert not any(c in plain for c in "\t\r\x07\x0b") and plain.count("\n") == 1


def test_a_label_without_a_view_keeps_the_generic_value():
    record = {"file": "f", "line": 2, "col": 5, "label": "money", "rule": "m.r", "text": "abc",
              "value": {"amount": 5, "currency": "USD"}, "attrs": {}}
    assert plain_line(record, "xxxxabcx") == "f:2:5  money       amount=5, currency=USD  [m.r]\n    xxxxabcx"


# --- stats ----------------------------------------------------------------------------------

def collect(engine, sentences=ALL, ref=REF) -> Stats:
    stats = Stats()
    for s in sentences:
        stats.add_document()
        for m in engine.extract(s, ref_date=ref):
            stats.add(located(m, "f.txt", 1, m.start + 1))
    return stats


def test_stats_counts(engine):
    stats = collect(engine)
    d = stats.to_dict()
    assert d["documents"] == 8
    assert d["labels"] == {"attribution": 4, "date": 4, "number": 2}
    assert d["findings"] == 10 == sum(d["rules"].values())
    assert d["rules"]["attribution.verb_speaker_that"] == 3
    assert d["speakers"] == {"مدير المدرسة": 2, "الوزير": 1, "مدير المستشفى": 1}
    assert d["cues"] == {"قال": 2, "أضاف": 1, "أوضح": 1}
    # a Hijri date counts in the Gregorian month it resolves to (a Hijri month without a year
    # resolves to its days around the reference date); a Hijri year alone has none
    assert d["months"] == {"1999-06": 1, "2021-03": 1, "2022-03": 1}
    assert d["dates_without_month"] == 1
    json.dumps(d, ensure_ascii=False)


def test_stats_month_of():
    def rec(value, **attrs):
        return {"label": "date", "value": value, "attrs": attrs}

    assert month_of(rec("2021-12-09")) == "2021-12"
    assert month_of(rec("2021-12")) == "2021-12"
    assert month_of(rec("XXXX-12-09", resolved="2021-12-09")) == "2021-12"
    assert month_of(rec("2021-12-30/2022-01-02")) == "2021-12"
    assert month_of(rec("1445-09", calendar="hijri")) is None
    assert month_of(rec("1445-09-15", calendar="hijri", resolved="2024-03-25")) == "2024-03"
    for value in ("2021", "XXXX-12-09", "2021-W50", "XXXX-XX-XX", "2021-XX-03", None):
        assert month_of(rec(value)) is None


def test_stats_top_and_months_are_bounded():
    stats = Stats(top=3, months=2, rules=2)
    for i in range(6):
        for _ in range(i + 1):
            stats.add({"label": "attribution", "rule": f"r{i}",
                       "value": {"speaker": f"s{i}", "lemma": f"l{i}", "content": None}, "attrs": {}})
    for month, n in (("2020-05", 4), ("2019-01", 3), ("2022-07", 1)):
        for _ in range(n):
            stats.add({"label": "date", "rule": "d", "value": f"{month}-01", "attrs": {}})
    d = stats.to_dict()
    assert list(d["speakers"]) == ["s5", "s4", "s3"] and list(d["cues"]) == ["l5", "l4", "l3"]
    assert d["months"] == {"2019-01": 3, "2020-05": 4, "2022-07": 1}
    assert stats.top_months() == [("2019-01", 3), ("2020-05", 4)]  # the busiest, in calendar order
    buf = io.StringIO()
    stats.render(Console(file=buf, width=120))
    out = buf.getvalue()
    assert "(5 more rules)" in out and "2022-07" not in out


def test_stats_render(engine):
    buf = io.StringIO()
    collect(engine).render(Console(file=buf, width=120))
    out = buf.getvalue()
    assert "10 finding(s) in 8 document(s)" in out
    for title in ("Findings by label", "Findings by rule", "Top 10 speakers", "Top 10 cue verbs", "Dates by month"):
        assert title in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()}
    assert rows["attribution"] == ["4", "40.0"] and rows["number"] == ["2", "20.0"]
    assert rows["attribution.verb_speaker_that"] == ["3", "30.0"]
    assert rows["1999-06"] == ["1"] and rows["2021-03"] == ["1"]
    assert "مدير المدرسة" in out and "2" in next(x for x in out.splitlines() if "مدير المدرسة" in x)
    assert "قال" in out


def test_stats_render_on_stderr_and_empty(engine, capsys):
    Stats().render(Console(stderr=True))
    collect(engine, [INFERRED]).render(Console(stderr=True, width=100))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 finding(s) in 0 document(s)" in captured.err and "Findings by" in captured.err


def test_stats_merge_and_update(engine):
    a, b = collect(engine, ALL[:3]), collect(engine, ALL[3:])
    a.merge(b)
    assert a.to_dict() == collect(engine).to_dict()
    c = Stats()
    c.update(located(m, "f", 1, 1) for m in engine.extract(NUMBERS))
    assert c.to_dict()["labels"] == {"number": 2}
