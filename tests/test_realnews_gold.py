"""The packs on the real-news evaluation set (tests/gold/realnews): 80 articles of the shared
corpus annotated by hand before the packs' output was looked at, 50 for development, 30 for
testing, a second development sample of 40 (dev2) annotated for dates and numbers only, a
third of 60 (ids.json's dev3): its first 30 articles annotated for attribution only
(dev3_attribution), its last 30 for dates only (dev3_dates), and a fourth of 60 (dev4), whose
first 30 are annotated for attribution only (dev4_attribution) and its last 30 for dates only
(dev4_dates), and a fifth of 60 (dev5), whose first 30 are annotated for attribution only
(dev5_attribution) and its last 30 for dates only (dev5_dates), and a sixth of 30 (dev6), all
annotated for attribution only (dev6_attribution). The texts come from the corpus at run time;
without it these tests are skipped.

The floors below are the figures the packs reached (development figures after fixes chosen on
the development part; test figures as measured, never used to choose a fix; dev5_attribution,
measured unseen at F1 0.910, speaker 0.830, content 0.913, is now tuned on too; dev6_attribution
as measured before any fix was chosen on it, and kept unseen): a drop fails.
`pytest -s` prints the tables.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from arabic_rules import Engine
from arabic_rules.scoring import evaluate, load_gold

HERE = Path(__file__).resolve().parent / "gold" / "realnews"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# label -> (F1, value-F1, speaker, content) floors, per split (None: not scored for the label)
FLOORS = {
    "dev": {"attribution": (0.97, None, 0.92, 0.92), "date": (0.995, 0.995, None, None),
            "number": (0.99, 0.99, None, None)},
    "dev2": {"date": (0.99, 0.99, None, None), "number": (0.99, 0.99, None, None)},
    "dev3_attribution": {"attribution": (0.96, None, 0.92, 0.95)},
    "dev3_dates": {"date": (0.99, 0.98, None, None)},
    "dev4_attribution": {"attribution": (0.95, None, 0.94, 0.94)},
    "dev4_dates": {"date": (0.99, 0.99, None, None)},
    "dev5_attribution": {"attribution": (0.93, None, 0.86, 0.92)},  # reached 0.940, 0.875, 0.923
    "dev5_dates": {"date": (0.99, 0.99, None, None)},
    "dev6_attribution": {"attribution": (0.87, None, 0.80, 0.92)},  # unseen: 0.886, 0.812, 0.937
    "test": {"attribution": (0.84, None, 0.81, 0.89), "date": (0.97, 0.91, None, None),
             "number": (0.98, 0.98, None, None)},
}

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@needs_corpus
@pytest.mark.parametrize("split", ["dev", "dev2", "dev3_attribution", "dev3_dates", "dev4_attribution",
                                   "dev4_dates", "dev5_attribution", "dev5_dates", "dev6_attribution", "test"])
def test_the_packs_on_real_news(engine, split):
    report = evaluate(engine, load_gold(HERE / f"{split}.jsonl", corpus=CORPUS))
    assert {s.label for s in report.labels} == set(FLOORS[split])  # dev2, dev3: the labels they annotate
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


def test_dev2_is_a_new_sample_that_declares_its_labels():
    """dev2 was drawn among articles not in dev or test, and each of its records says it is
    annotated for dates and numbers only (so attributions found there count neither way)."""
    ids = json.loads((HERE / "ids.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (HERE / "dev2.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(ids["dev2"]) == 40
    assert [r["id"] for r in records] == [e["id"] for e in ids["dev2"]]
    earlier = {e["id"] for part in ("dev", "test") for e in ids[part]}
    assert not earlier & {r["id"] for r in records}
    for r in records:
        assert r["split"] == "dev2" and r["labels"] == ["date", "number"], r["id"]
        assert {a["label"] for a in r["annotations"]} <= {"date", "number"}, r["id"]
        assert "text" not in r  # the stored form: offsets and CRCs, never the article


@pytest.mark.parametrize("name,sample,half,label", [("dev3_attribution", "dev3", slice(0, 30), "attribution"),
                                                     ("dev3_dates", "dev3", slice(30, 60), "date"),
                                                     ("dev4_attribution", "dev4", slice(0, 30), "attribution"),
                                                     ("dev4_dates", "dev4", slice(30, 60), "date"),
                                                     ("dev5_attribution", "dev5", slice(0, 30), "attribution"),
                                                     ("dev5_dates", "dev5", slice(30, 60), "date")])
def test_each_half_file_is_its_half_of_its_sample_and_declares_its_label(name, sample, half, label):
    """dev3, dev4 and dev5 (60 articles each, in no earlier sample) are annotated in halves: the
    first 30 for attribution, the last 30 for dates; each record declares that one label (what
    else is found there counts neither way)."""
    ids = json.loads((HERE / "ids.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids[sample]) == 60 and len(records) == 30
    assert [(r["id"], r["file"]) for r in records] == [(e["id"], e["file"]) for e in ids[sample][half]]
    parts = ("dev", "test", "dev2", "dev3", "dev4", "dev5")
    earlier = {e["id"] for part in parts[:parts.index(sample)] for e in ids[part]}
    assert not earlier & {r["id"] for r in records}
    for r in records:
        assert r["split"] == sample and r["labels"] == [label], r["id"]
        assert {a["label"] for a in r["annotations"]} <= {label}, r["id"]
        assert "text" not in r  # the stored form: offsets and CRCs, never the article


def test_dev6_attribution_is_the_whole_sixth_sample_and_declares_its_label():
    """dev6 (30 articles, in no earlier sample) is annotated for attribution only, all of it, in
    the order drawn; each record declares that one label and stores no article text."""
    ids = json.loads((HERE / "ids.json").read_text(encoding="utf-8"))
    lines = (HERE / "dev6_attribution.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(ids["dev6"]) == len(records) == 30
    assert [(r["id"], r["file"]) for r in records] == [(e["id"], e["file"]) for e in ids["dev6"]]
    earlier = {e["id"] for part in ("dev", "test", "dev2", "dev3", "dev4", "dev5") for e in ids[part]}
    assert not earlier & {r["id"] for r in records}
    for r in records:
        assert r["split"] == "dev6" and r["labels"] == ["attribution"], r["id"]
        assert {a["label"] for a in r["annotations"]} <= {"attribution"}, r["id"]
        assert "text" not in r  # the stored form: offsets and CRCs, never the article
