"""A few dozen documents for the cluster tests (Spark, Dask): articles of the shared news corpus
when it is here, else documents put together from the examples written in the shipped packs, and
what `Engine.extract` finds in each of them (the answer the clusters must give)."""
from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

from arabic_rules import Engine, parse_ref_date
from arabic_rules.corpus import default_corpus
from arabic_rules.report import flat

PER_FILE = 12  # articles from the start of each corpus file (3 files: 36 documents)


def corpus_folder() -> Path | None:
    """The shared corpus folder, looked for from the repository root (where CI runs pytest)."""
    here = Path(__file__).resolve().parents[1] / default_corpus()  # ($ARULES_CORPUS if set: absolute)
    return here if here.is_dir() and any(here.glob("*.jsonl.gz")) else None


def documents() -> list[dict]:
    """Documents as ``{"id", "text", "date"}`` records (dates as the source wrote them)."""
    folder = corpus_folder()
    if folder is not None:
        return _from_corpus(folder)
    return _generated()


def _from_corpus(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in itertools.islice(f, PER_FILE):
                record = json.loads(line)
                out.append({"id": record["id"], "text": record["text"], "date": record.get("date") or None})
    return out


def _generated(n: int = 36, per_doc: int = 6) -> list[dict]:
    """Documents of ``per_doc`` example texts of the shipped packs each, joined as paragraphs,
    with dates in the forms corpora use (and one document without a date)."""
    from arabic_rules.loader import load
    from arabic_rules.resources import data_dir

    texts = [ex.text for rule in load([data_dir("patterns")]).rules for ex in rule.examples]
    dates = ["2021-12-13", "Tue, 20 Feb 2018 10:21:00 GMT", "2015-07-21 02:51:32", None]
    return [{"id": f"gen:{i}", "text": "\n".join(texts[(i * per_doc + k) % len(texts)] for k in range(per_doc)),
             "date": dates[i % len(dates)]} for i in range(n)]


def expected(engine: Engine, docs: list[dict], labels=None, ref_date=None, dated: bool = True) -> dict:
    """Per document id, the flat rows of `Engine.extract` on its text alone, in order."""
    return {d["id"]: [flat(m, d["id"]) for m in engine.extract(
        d["text"], (parse_ref_date(d["date"]) if dated else None) or ref_date, labels)] for d in docs}


def by_document(rows, ids) -> dict:
    """Flat rows (dicts) grouped per document id, in the order they came; every id of ``ids``
    present (with no rows when it has no findings)."""
    out: dict = {i: [] for i in ids}
    for row in rows:
        out.setdefault(row["doc"], []).append(row)
    return out

