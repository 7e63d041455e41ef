"""The date pack against the hand-annotated gold set (tests/gold/dates.yaml): precision and recall
of matches with the right span and value (and `resolved`, `calendar`, `mod`, `flags` where the
gold gives them) must both reach 0.95."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from arabic_rules import Engine

GOLD = Path(__file__).parent / "gold" / "dates.yaml"
ATTRS = ("resolved", "calendar", "mod", "flags")


def _span(text: str, exp: dict) -> tuple[int, int]:
    start, nth = -1, exp.get("nth", 1)
    for _ in range(nth):
        start = text.index(exp["text"], start + 1)
    return start, start + len(exp["text"])


def _right(m, exp: dict) -> bool:
    if m.value != exp["value"]:
        return False
    for k in ATTRS:
        if k in exp and m.attrs.get(k) != exp[k]:
            return False
    return True


def evaluate(engine: Engine, gold_path: Path = GOLD) -> tuple[float, float, list[str]]:
    data = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    ref = data["ref_date"]
    ref = ref if isinstance(ref, dt.date) else dt.date.fromisoformat(ref)
    tp = n_found = n_gold = 0
    errors: list[str] = []
    for item in data["items"]:
        text = item["text"]
        found = engine.extract(text, ref_date=ref, labels={"date"})
        gold = {_span(text, e): e for e in item["expect"]}
        n_found += len(found)
        n_gold += len(gold)
        for m in found:
            exp = gold.get((m.start, m.end))
            if exp is not None and _right(m, exp):
                tp += 1
            else:
                want = f" want {exp}" if exp else " (not in gold)"
                errors.append(f"{text}\n    got [{m.text}] {m.value} {m.attrs}{want}")
        spans = {(m.start, m.end) for m in found}
        errors.extend(f"{text}\n    missed {e}" for s, e in gold.items() if s not in spans)
    p = tp / n_found if n_found else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, errors


@pytest.mark.skipif(not GOLD.exists(), reason="gold set not merged")
def test_gold_precision_and_recall():
    p, r, errors = evaluate(Engine.default())
    print(f"\ndates gold: precision {p:.3f} recall {r:.3f}")
    for e in errors:
        print("  " + e)
    assert p >= 0.95 and r >= 0.95, f"precision {p:.3f} recall {r:.3f}; first errors:\n" + "\n".join(errors[:15])
