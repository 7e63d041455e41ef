"""Draw the real-news evaluation set: 80 articles of 400-3,000 characters from the three
collections of the shared corpus, with a fixed seed, split 50 for development and 30 for testing;
then a second development sample, `dev2`: 40 more articles by the same rules with another seed,
none of them among the first 80; then a third, `dev3`: 60 more articles with a third seed, none of
the first 120 (its first 30 annotated for attribution, its last 30 for dates); then a fourth,
`dev4`: 60 more with a fourth seed, none of the first 180, split the same way; then a fifth,
`dev5`: 60 more with a fifth seed, none of the first 240, split the same way; then a sixth,
`dev6`: 30 more with a sixth seed, none of the first 300, for attribution only.

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
SEED2 = 20261214  # dev2: drawn after dev had been tuned on, to see what generalizes
PER_FILE2 = {"news-ant-multisource-00.jsonl.gz": 14, "news-ant-v1.1-00.jsonl.gz": 13,
             "news-saudinewsnet-00.jsonl.gz": 13}
SEED3 = 20261221  # dev3: drawn once dev and dev2 had been tuned on
PER_FILE3 = {"news-ant-multisource-00.jsonl.gz": 20, "news-ant-v1.1-00.jsonl.gz": 20,
             "news-saudinewsnet-00.jsonl.gz": 20}
SEED4 = 20261228  # dev4: drawn once dev3 had been tuned on
PER_FILE4 = PER_FILE3
SEED5 = 20270104  # dev5: drawn once dev4 had been tuned on
PER_FILE5 = PER_FILE3
SEED6 = 20270111  # dev6: drawn once dev5 had been tuned on (attribution only)
PER_FILE6 = {"news-ant-multisource-00.jsonl.gz": 10, "news-ant-v1.1-00.jsonl.gz": 10,
             "news-saudinewsnet-00.jsonl.gz": 10}


def _eligible(corpus: Path, name: str) -> list[str]:
    with gzip.open(corpus / name, "rt", encoding="utf-8") as f:
        return [a["id"] for a in map(json.loads, f) if MIN_CHARS <= len(a["text"]) <= MAX_CHARS]


def draw(corpus: Path) -> dict:
    rng = random.Random(SEED)
    chosen = []
    for name, n in PER_FILE.items():
        chosen += [(name, i) for i in rng.sample(_eligible(corpus, name), n)]
    rng.shuffle(chosen)
    split = lambda part: [{"file": name, "id": i} for name, i in part]  # noqa: E731
    return {"seed": SEED, "dev": split(chosen[:DEV]), "test": split(chosen[DEV:DEV + TEST])}


def draw_more(corpus: Path, taken: set[str], seed: int, per_file: dict[str, int]) -> list[dict]:
    """More articles by the same rules, none of the ids in ``taken`` (those drawn before)."""
    rng = random.Random(seed)
    chosen = []
    for name, n in per_file.items():
        ids = [i for i in _eligible(corpus, name) if i not in taken]
        chosen += [(name, i) for i in rng.sample(ids, n)]
    rng.shuffle(chosen)
    return [{"file": name, "id": i} for name, i in chosen]


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parents[3] / "shared" / "corpus"
    ids = draw(corpus)
    ids["seed2"] = SEED2
    ids["dev2"] = draw_more(corpus, {e["id"] for part in ("dev", "test") for e in ids[part]}, SEED2, PER_FILE2)
    ids["seed3"] = SEED3
    ids["dev3"] = draw_more(corpus, {e["id"] for part in ("dev", "test", "dev2") for e in ids[part]}, SEED3, PER_FILE3)
    ids["seed4"] = SEED4
    ids["dev4"] = draw_more(corpus, {e["id"] for part in ("dev", "test", "dev2", "dev3") for e in ids[part]}, SEED4, PER_FILE4)
    ids["seed5"] = SEED5
    ids["dev5"] = draw_more(corpus, {e["id"] for part in ("dev", "test", "dev2", "dev3", "dev4") for e in ids[part]}, SEED5, PER_FILE5)
    ids["seed6"] = SEED6
    ids["dev6"] = draw_more(corpus, {e["id"] for part in ("dev", "test", "dev2", "dev3", "dev4", "dev5") for e in ids[part]}, SEED6, PER_FILE6)
    (here / "ids.json").write_text(json.dumps(ids, indent=1) + "\n", encoding="utf-8")
