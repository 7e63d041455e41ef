"""Turn full annotations (one JSON file per article, with the article's text or its corpus id,
as annotators write them) into the stored form of `dev.jsonl` / `test.jsonl`: no article text,
each span's text replaced by its CRC-32 (`arabic_rules.scoring.strip_texts`).

    python tests/gold/realnews/store.py ANNOTATIONS_DIR [CORPUS_DIR]

Files are named ``NAME-NN.json`` (``dev-NN.json``, ``test-NN.json``, ``dev2-NN.json``,
``dev3_dates-NN.json``, ``dev4_attribution-NN.json``, ``dev4_dates-NN.json``,
``dev5_attribution-NN.json``,
``dev5_dates-NN.json``, ``dev6_attribution-NN.json``) and are written to
``NAME.jsonl``; each holds {"key", "id", "ref_date", "annotations"} and, for a record annotated for
some labels only, "labels" (dev2: dates and numbers; dev3_dates, dev4_dates, dev5_dates: dates;
dev3_attribution, dev4_attribution, dev5_attribution, dev6_attribution: attribution). The split and the corpus file come from
`ids.json`; only the sets that have files in ANNOTATIONS_DIR are written.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from arabic_rules.scoring import strip_texts

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "test", "dev2", "dev3", "dev4", "dev5", "dev6")


def main(annotations: Path, corpus: Path) -> None:
    ids = json.loads((HERE / "ids.json").read_text(encoding="utf-8"))
    where = {e["id"]: (split, e["file"]) for split in SPLITS for e in ids.get(split, [])}
    texts: dict[str, str] = {}
    for name in sorted({f for _, f in where.values()}):
        with gzip.open(corpus / name, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if a["id"] in where:
                    texts[a["id"]] = a["text"]
    out: dict[str, list[str]] = {}  # output name (the files' prefix) -> stored lines
    for path in sorted(annotations.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        split, file = where[record["id"]]
        full = {"id": record["id"], "split": split, "ref_date": record["ref_date"], "text": texts[record["id"]]}
        if record.get("labels") is not None:
            full["labels"] = record["labels"]
        full["annotations"] = record["annotations"]
        name = path.stem.rsplit("-", 1)[0]  # dev3_dates-07 -> dev3_dates.jsonl
        out.setdefault(name, []).append(json.dumps(strip_texts(full, file=file), ensure_ascii=False))
    for name, lines in out.items():  # a set without files here keeps its stored file
        (HERE / f"{name}.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
        print(f"{name}: {len(lines)} articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else HERE.parents[3] / "shared" / "corpus")
