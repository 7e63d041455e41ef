"""The date pack on what users of the peer tools type: the Arabic date cases of Duckling (its AR
time corpus), Maha (its time parser tests) and Recognizers-Text (its Arabic DateParser and
DatePeriodParser specs), in tests/peers/dates.jsonl.

Each line is one fact of a suite: {"source", "phrase", "ref_date" (the suite's reference date),
"value"} and, where the suite resolves a phrase that leaves the direction open (a bare weekday,
a date without a year) in one direction, "prefer" (past or future). A case is right when a
finding of label date overlapping the phrase has the value (its attrs["resolved"] if present,
else its value); a value of null means no date may be found. Values are in the pack's form:
a day is YYYY-MM-DD, a week YYYY-Www (ISO), a month YYYY-MM, a year YYYY, an interval start/end
with the end as written; a count of days from now is the day («قبل يومين»), of weeks, months or
years the ISO week, month or year («قبل أسبوع»، «قبل شهر»، «بعد عامين»: the grain of the unit, as
../shared/ANNOTATION.md reads «قبل عام»; the suites give the day for weeks, written here as the
week that day falls in); a part of a month («أوائل آذار») is the
month; a Hijri day its Gregorian day, a Hijri month or year the Hijri one.

The suites' phrases are used, never their sentences; cases whose resolution does not fit their
phrase (translation slips in the Arabic specs), times of day and durations are left out.

Two scores per source: `suite`, with each case's prefer (how the peer resolves it), and `news`,
the default (what `arules check` does without --prefer). Both must stay at least where they are
(`pytest -s` prints them)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from arabic_rules import Engine

CASES = Path(__file__).parent / "peers" / "dates.jsonl"
# the fraction right reached, per source: (suite prefer, news default)
REACHED = {
    "duckling": (0.625, 0.578),
    "maha": (0.790, 0.774),
    "recognizers": (0.549, 0.450),
    "all": (0.671, 0.620),
}

ENGINE = Engine.default()


def _rows() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def right(case: dict, prefer: str | None) -> bool:
    found = ENGINE.extract(case["phrase"], ref_date=case["ref_date"], labels={"date"}, prefer=prefer)
    if case["value"] is None:
        return not found
    # the date resolved, or the value as written: a Hijri month is both (1442-09, and its
    # Gregorian days as `resolved`, as ANNOTATION.md wants); a peer may expect either
    return any(case["value"] in (m.attrs.get("resolved"), m.value) for m in found)


def scores() -> dict[str, tuple[float, float]]:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in _rows():
        suite, news = right(case, case.get("prefer")), right(case, None)
        for key in (case["source"], "all"):
            tally[key][0] += suite
            tally[key][1] += news
            tally[key][2] += 1
    return {k: (s / n, d / n) for k, (s, d, n) in tally.items()}


def test_cases_are_well_formed():
    rows = _rows()
    assert {r["source"] for r in rows} == {"duckling", "maha", "recognizers"}
    for r in rows:
        assert set(r) <= {"source", "phrase", "ref_date", "value", "prefer"}, r
        assert r["phrase"].strip() == r["phrase"] and r["phrase"], r
        assert r.get("prefer") in (None, "past", "future"), r


def test_peer_suites_stay_where_they_are():
    got = scores()
    print()
    for source, (suite, news) in sorted(got.items()):
        print(f"peers dates {source:12} suite {suite:.3f}  news {news:.3f}")
    for source, (suite, news) in REACHED.items():
        assert got[source][0] >= suite - 1e-9, f"{source}: {got[source][0]:.3f} right with prefer, was {suite}"
        assert got[source][1] >= news - 1e-9, f"{source}: {got[source][1]:.3f} right by default, was {news}"


REF = "2021-12-13"  # a Monday


@pytest.mark.parametrize("prefer,weekday,month", [
    (None, "2021-12-10", "2021-04-02"),       # the news default: the last Friday; the reference year
    ("past", "2021-12-10", "2021-04-02"),
    ("future", "2021-12-17", "2022-04-02"),
    ("nearest", "2021-12-10", "2022-04-02"),  # 3 days back; April 2022 is nearer than April 2021
])
def test_prefer_resolves_weekdays_and_yearless_dates(prefer, weekday, month):
    found = ENGINE.extract("اجتمعت اللجنة الجمعة، وتعود في 2 نيسان", ref_date=REF, labels={"date"}, prefer=prefer)
    assert [m.attrs.get("resolved") for m in found] == [weekday, month]
    assert found[1].value == "XXXX-04-02"  # the value stays as written


def test_prefer_leaves_fixed_dates_alone():
    for prefer in (None, "past", "future", "nearest"):
        found = ENGINE.extract("سافر الوفد الجمعة الماضية وعاد في 2 نيسان 2021", ref_date=REF, labels={"date"},
                               prefer=prefer)
        assert [m.attrs.get("resolved") for m in found] == ["2021-12-10", "2021-04-02"]


def test_prefer_today_counts_for_past_and_future():
    for prefer in ("past", "future", "nearest"):
        found = ENGINE.extract("الاثنين", ref_date=REF, prefer=prefer)
        assert found[0].value == REF


def test_prefer_is_checked():
    with pytest.raises(ValueError, match="past', 'future' or 'nearest"):
        ENGINE.extract("الجمعة", ref_date=REF, prefer="later")
    with pytest.raises(ValueError):
        list(ENGINE.extract_many(["الجمعة"], prefer="Past"))


def test_extract_many_passes_prefer():
    docs = [("a", "اجتمعت اللجنة الجمعة", REF)]
    (_, found), = ENGINE.extract_many(docs, prefer="future", jobs=2)
    assert found[0].value == "2021-12-17"


def test_cli_prefer(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("اجتمعت اللجنة الجمعة في مقرها\n", encoding="utf-8")
    run = [sys.executable, "-m", "arabic_rules", "check", str(f), "--labels", "date", "--format", "jsonl",
           "--ref-date", REF]
    out = subprocess.run(run + ["--prefer", "future"], capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["value"] == "2021-12-17"
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["value"] == "2021-12-10"
    bad = subprocess.run(run + ["--prefer", "later"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--prefer" in bad.stderr
