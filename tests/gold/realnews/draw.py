"""Draw the real-news evaluation set: 80 articles of 400-3,000 characters from the three
collections of the shared corpus, with a fixed seed, split 50 for development and 30 for testing.

    python tests/gold/realnews/draw.py [CORPUS_DIR]   # writes tests/gold/realnews/ids.json

The articles' text is never stored here: only their corpus ids (the tests and `arules score
--corpus` read the texts from the corpus at run time).
"""
from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

SEED = 20261207
PER_FILE = {"news-ant-multisource-00.jsonl.gz": 27, "news-ant-v1.1-00.jsonl.gz": 27,
            "news-saudinewsnet-00.jsonl.gz": 26}
MIN_CHARS, MAX_CHARS = 400, 3000
DEV, TEST = 50, 30


def draw(corpus: Path) -> dict:
    rng = random.Random(SEED)
    chosen = []
    for name, n in PER_FILE.items():
        with gzip.open(corpus / name, "rt", encoding="utf-8") as f:
            ids = [a["id"] for a in map(json.loads, f) if MIN_CHARS <= len(a["text"]) <= MAX_CHARS]
        chosen += [(name, i) for i in rng.sample(ids, n)]
    rng.shuffle(chosen)
    split = lambda part: [{"file": name, "id": i} for name, i in part]  # noqa: E731
    return {"seed": SEED, "dev": split(chosen[:DEV]), "test": split(chosen[DEV:DEV + TEST])}


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parents[3] / "shared" / "corpus"
    (here / "ids.json").write_text(json.dumps(draw(corpus), indent=1) + "\n", encoding="utf-8")
