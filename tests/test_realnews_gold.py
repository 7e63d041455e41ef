"""The packs on the real-news evaluation set (tests/gold/realnews): 80 articles of the shared
corpus annotated by hand before the packs' output was looked at, 50 for development, 30 for
testing. The texts come from the corpus at run time; without it these tests are skipped.

The floors below are the figures the packs reached (development figures after fixes chosen on
the development part; test figures as measured, never used to choose a fix): a drop fails.
`pytest -s` prints the tables.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from arabic_rules import Engine
from arabic_rules.scoring import evaluate, load_gold

HERE = Path(__file__).resolve().parent / "gold" / "realnews"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# label -> (F1, value-F1, speaker, content) floors, per split (None: not scored for the label)
FLOORS = {
    "dev": {"attribution": (0.81, None, 0.69, 0.89), "date": (0.99, 0.99, None, None),
            "number": (0.98, 0.98, None, None)},
    "test": {"attribution": (0.82, None, 0.73, 0.86), "date": (0.94, 0.82, None, None),
             "number": (0.98, 0.98, None, None)},
}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_packs_on_real_news(engine, split):
    report = evaluate(engine, load_gold(HERE / f"{split}.jsonl", corpus=CORPUS))
    print(f"\n{split}:")
    for label, floors in FLOORS[split].items():
        s = report.label(label)
        figures = (s.f1, s.value_f1, s.speaker, s.content)
        print(f"  {label:12} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} "
              + " ".join(f"{n}={v:.3f}" for n, v in zip(("value-F1", "speaker", "content"), figures[1:])
                         if v is not None))
        for name, got, floor in zip(("F1", "value-F1", "speaker", "content"), figures, floors):
            if floor is not None:
                assert got >= floor, f"{split} {label} {name} {got:.3f} < {floor}"
