"""Precision and recall of the number pack on the annotated gold set tests/gold/numbers.yaml.

A prediction is correct when its text equals a gold text (after stripping leading proclitic
letters و ف ب ل ك that the gold text does not have) and its value matches (floats within 1e-3).
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from arabic_rules import Engine

GOLD = Path(__file__).parent / "gold" / "numbers.yaml"
PROCLITICS = "وفبلك"


def _same(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-3)
    except (TypeError, ValueError):
        return a == b


def _strip(pred: str, gold: str) -> str:
    """Drop leading proclitic letters of ``pred`` that are not part of ``gold``."""
    while pred and pred != gold and pred[0] in PROCLITICS and not gold.startswith(pred[0]):
        pred = pred[1:]
    return pred


def score(engine: Engine, gold_path: Path = GOLD) -> tuple[float, float, list[str]]:
    data = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    ref = data.get("ref_date")
    tp = n_pred = n_gold = 0
    errors: list[str] = []
    for item in data["items"]:
        gold = [dict(g) for g in item["expect"]]
        preds = engine.extract(item["text"], ref_date=ref, labels={"number"})
        n_gold += len(gold)
        n_pred += len(preds)
        left = list(gold)
        for m in preds:
            hit = next((g for g in left if _strip(m.text, g["text"]) == g["text"] and _same(m.value, g["value"])), None)
            if hit is None:
                errors.append(f"FP {m.text!r}={m.value} ({m.rule}) in {item['text']}")
            else:
                tp += 1
                left.remove(hit)
        errors.extend(f"FN {g['text']!r}={g['value']} in {item['text']}" for g in left)
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, errors


@pytest.fixture(scope="module")
def figures():
    return score(Engine.default())


def test_gold_precision_and_recall(figures):
    p, r, errors = figures
    print(f"\nnumbers gold: precision {p:.3f}, recall {r:.3f}")
    for e in errors:
        print("  ", e)
    assert p >= 0.97 and r >= 0.97, "\n".join(errors)


def test_gold_kinds(figures):
    """Kinds are right for every gold number the pack finds with the right text."""
    data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    engine = Engine.default()
    wrong = []
    for item in data["items"]:
        for m in engine.extract(item["text"], labels={"number"}):
            for g in item["expect"]:
                if _strip(m.text, g["text"]) == g["text"] and _same(m.value, g["value"]) and "kind" in g:
                    if m.attrs.get("kind") != g["kind"]:
                        wrong.append(f"{m.text}: {m.attrs.get('kind')} != {g['kind']}")
    assert wrong == []
