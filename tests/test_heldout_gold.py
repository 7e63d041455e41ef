"""Precision and recall of the number and date packs on the held-out gold sets
(tests/gold/heldout_numbers.yaml, tests/gold/heldout_dates.yaml), written after the packs by
someone who had not read their rules, so the figures say how the packs generalize.

The scoring is the one of the main gold tests (imported, not copied).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arabic_rules import Engine

from test_dates_gold import evaluate as evaluate_dates
from test_numbers_gold import score as score_numbers

GOLD = Path(__file__).parent / "gold"
NUMBERS = GOLD / "heldout_numbers.yaml"
DATES = GOLD / "heldout_dates.yaml"

# Figures with the right value (precision, recall):
#   numbers  BEFORE p=0.935 r=0.959   AFTER p=1.000 r=0.992
#   dates    BEFORE p=0.960 r=0.960   AFTER p=1.000 r=1.000
MIN_NUMBERS = 0.99
MIN_DATES = 0.99


@pytest.mark.parametrize("path", [NUMBERS, DATES], ids=["numbers", "dates"])
def test_heldout_structure(path):
    """Enough items and negatives; every expected span is in its item, none overlap."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert str(data["ref_date"]) == "2021-12-13"
    items = data["items"]
    assert len(items) >= 80
    assert sum(1 for it in items if not it["expect"]) >= 15
    assert len({it["text"] for it in items}) == len(items), "duplicate item text"
    for it in items:
        spans = []
        for exp in it["expect"]:
            pos = -1
            for _ in range(exp.get("nth", 1)):
                pos = it["text"].find(exp["text"], pos + 1)
                assert pos >= 0, f"{exp['text']!r} not in {it['text']!r}"
            spans.append((pos, pos + len(exp["text"])))
        spans.sort()
        assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:])), it["text"]


@pytest.fixture(scope="module")
def engine():
    return Engine.default()


def test_heldout_numbers(engine):
    p, r, errors = score_numbers(engine, NUMBERS)
    print(f"\nheld-out numbers: precision {p:.3f}, recall {r:.3f}")
    for e in errors:
        print("  ", e)
    assert p >= MIN_NUMBERS and r >= MIN_NUMBERS, "\n".join(errors)


def test_heldout_dates(engine):
    p, r, errors = evaluate_dates(engine, DATES)
    print(f"\nheld-out dates: precision {p:.3f}, recall {r:.3f}")
    for e in errors:
        print("  " + e)
    assert p >= MIN_DATES and r >= MIN_DATES, "\n".join(errors)
