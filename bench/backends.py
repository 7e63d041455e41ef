"""`python -m bench.backends [CORPUS_DIR] [--mb 3] [--repeat 3] [--python]`: the back ends side by side.

On the same documents, in one run, interleaved, best of ``--repeat``, CPU time of this process:
the `re.finditer(r"\\w+")` floor, `Engine.extract` with each back end (values built), and
where the native back end's time goes (normalize, the one native call per document, the rest).
With ``--python``, also the reference executor, and whether the two find the same: every
finding (`Match.to_dict`) of every document.

The corpus is read at run time from CORPUS_DIR (default: $ARULES_CORPUS, else ../shared/corpus)
and never copied.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path

from arabic_rules import Engine
from bench.suite import best_of, nbytes, take
from arabic_rules.corpus import default_corpus
from arabic_rules.native import available
from arabic_rules.normalize import normalize

WORD = re.compile(r"\w+")


def floor(docs: list[str]) -> int:
    return sum(1 for d in docs for _ in WORD.finditer(d))


def extract_all(engine: Engine, docs: list[str]) -> int:
    return sum(len(engine.extract(d)) for d in docs)


def native_split(engine: Engine, docs: list[str]) -> dict[str, float]:
    """CPU seconds of the native back end's stages over ``docs``: normalizing, the one call per
    document (`Core.extract`, the text handed over included), and everything else (fields,
    overlaps, values, finishers, `Match` objects)."""
    t0 = time.process_time()
    texts = [normalize(d).text for d in docs]
    t1 = time.process_time()
    for t in texts:
        engine._core.extract(t)
    t2 = time.process_time()
    extract_all(engine, docs)
    t3 = time.process_time()
    return {"normalize": t1 - t0, "native call": t2 - t1, "rest": (t3 - t2) - (t2 - t0)}


def findings(engine: Engine, docs: list[str]) -> list[Counter]:
    return [Counter(json.dumps(m.to_dict(), ensure_ascii=False, sort_keys=True) for m in engine.extract(d))
            for d in docs]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", help="corpus folder or file (default: $ARULES_CORPUS, else ../shared/corpus)")
    ap.add_argument("--mb", type=float, default=3.0, help="MB of documents (UTF-8) to run on")
    ap.add_argument("--repeat", type=int, default=3, help="runs per contender, the best counts")
    ap.add_argument("--python", action="store_true", help="also the reference executor (slow: ~0.1 MB/s)")
    ap.add_argument("--backends", default="native",
                    help="back ends to time, comma-separated: native, python (default native)")
    opts = ap.parse_args(argv)
    path = Path(opts.corpus) if opts.corpus else default_corpus()
    if not path.exists():
        sys.exit(f"bench.backends: no corpus at {path}; pass one or set ARULES_CORPUS")
    if not available():
        sys.exit("bench.backends: the native core is not built (pip install -e .)")
    docs = take(path, opts.mb)
    mb = nbytes(docs) / 1e6
    base = Engine.default()
    names = [n.strip() for n in opts.backends.split(",") if n.strip()] + (["python"] if opts.python else [])
    unknown = set(names) - {"native", "python"}
    if unknown or not names:
        sys.exit(f"bench.backends: --backends takes native, python (got {opts.backends!r})")
    engines = {name: Engine(base.pack, backend=name) for name in dict.fromkeys(names)}
    for e in engines.values():
        e.extract(docs[0])  # (lazy parts built before the clock runs)
    fns = {"floor": lambda: floor(docs)}
    fns.update({name: (lambda e=e: extract_all(e, docs)) for name, e in engines.items()})
    secs = best_of(fns, opts.repeat)
    print(f"{mb:.2f} MB, {len(docs)} documents; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; CPU time, best of {opts.repeat}")
    for name, s in secs.items():
        print(f"  {name:8s} {mb / s:7.2f} MB/s   {secs['floor'] / s:7.4f} x floor")
    if "native" in engines:
        if "python" in engines:
            print(f"  native / python speed: {secs['python'] / secs['native']:.2f}")
        split = native_split(engines["native"], docs)
        print("  native back end, CPU s per MB: " + ", ".join(f"{k} {v / mb:.3f}" for k, v in split.items()))
    if len(engines) < 2:
        return
    ref = findings(engines["native"], docs)
    total = sum(sum(c.values()) for c in ref)
    got = findings(engines["python"], docs)
    same = sum(sum((a & b).values()) for a, b in zip(ref, got))
    docs_differ = sum(a != b for a, b in zip(ref, got))
    print(f"  python vs native: {same}/{total} findings identical ({100 * same / max(1, total):.3f}%), "
          f"{docs_differ} documents differ")


if __name__ == "__main__":
    main()
