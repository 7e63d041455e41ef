"""The number pack on what users of the peer tools type: the Arabic numeral and ordinal suites of
Duckling, Maha and Recognizers-Text (tests/peers/numbers.md says how tests/peers/numbers.jsonl was
made from them: their phrases and values, each in a carrier sentence of our own).

A case is right when a finding of label `number` overlapping the phrase in its sentence has the
phrase's value (within 1e-6). The floors are the fractions the packs reached; a drop fails.
`pytest -s` prints the table and the misses.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import pytest

from arabic_rules import Engine

DATA = Path(__file__).parent / "peers" / "numbers.jsonl"

# fraction of cases right, per kind (all sources) and per (source, kind), as reached
FLOORS = {"cardinal": 0.961, "ordinal": 0.961}
SOURCE_FLOORS = {
    ("duckling", "cardinal"): 1.0, ("duckling", "ordinal"): 1.0,
    ("maha", "cardinal"): 0.965, ("maha", "ordinal"): 0.972,
    ("recognizers", "cardinal"): 0.940, ("recognizers", "ordinal"): 0.777,
}


def load() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def right(engine: Engine, case: dict) -> tuple[bool, list]:
    start = case["text"].index(case["phrase"])
    end = start + len(case["phrase"])
    found = [m for m in engine.extract(case["text"], labels={"number"}) if m.start < end and start < m.end]
    ok = any(isinstance(m.value, (int, float)) and not isinstance(m.value, bool)
             and math.isclose(m.value, case["value"], rel_tol=1e-9, abs_tol=1e-6) for m in found)
    return ok, [(m.text, m.value) for m in found]


@pytest.fixture(scope="module")
def figures():
    engine = Engine.default()
    counts: dict = defaultdict(lambda: [0, 0])
    misses = []
    for case in load():
        ok, found = right(engine, case)
        for key in (case["kind"], (case["source"], case["kind"])):
            counts[key][0] += ok
            counts[key][1] += 1
        if not ok:
            misses.append(f"{case['source']} {case['kind']} {case['phrase']!r}={case['value']} found {found}")
    return counts, misses


def test_the_cases_are_well_formed():
    cases = load()
    assert len(cases) > 600
    seen = set()
    for c in cases:
        assert set(c) == {"source", "phrase", "value", "kind", "text"}, c
        assert c["source"] in {"duckling", "maha", "recognizers"} and c["kind"] in {"cardinal", "ordinal"}, c
        assert isinstance(c["value"], (int, float)) and c["phrase"] in c["text"], c
        key = (c["source"], c["kind"], c["phrase"])
        assert key not in seen, c
        seen.add(key)


def test_the_number_pack_on_the_peer_suites(figures):
    counts, misses = figures
    print()
    for key in sorted(counts, key=str):
        r, n = counts[key]
        print(f"  {key!s:28} {r:4}/{n:<4} {r / n:.3f}")
    for line in misses:
        print("   miss", line)
    for kind, floor in FLOORS.items():
        r, n = counts[kind]
        assert r / n >= floor, f"{kind}: {r}/{n} = {r / n:.3f} < {floor}"
    for key, floor in SOURCE_FLOORS.items():
        r, n = counts[key]
        assert r / n >= floor, f"{key}: {r}/{n} = {r / n:.3f} < {floor}"
