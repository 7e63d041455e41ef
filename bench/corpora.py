"""`python -m bench.corpora [CORPUS_DIR]`: real corpora end to end, measured side by side.

1. `arules check FILE.jsonl.gz --id-field id --date-field date --format jsonl` over a whole file
   of the corpus against `Engine.extract(text, ref_date)` on each article alone: how many
   documents get exactly the same findings, and the two speeds (CPU time).
2. Linear time for every input shape: each shape at 1 and 10 MB, the ratio of the times.
3. One big string (17 MB of articles joined by single newlines) through `extract` against the
   same articles one by one: speed ratio and attributions found.
4. Peak RSS of `arules check` on a file without line breaks (articles joined by spaces, repeated
   up to --nobreak-mb), read as one document.

CPU time of this process (or of the child, for `arules check`), so another program's load does
not change the ratios. The corpus is read at run time from CORPUS_DIR (default: the environment
variable ARULES_CORPUS, else ../shared/corpus from the current directory) and never copied.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from arabic_rules import Engine, parse_ref_date
from arabic_rules.corpus import default_corpus

HERE = Path(__file__).resolve().parent
MB = 1 << 20


def corpus_dir(arg: str | None) -> Path:
    path = Path(arg) if arg else default_corpus()
    if not path.is_dir():
        sys.exit(f"bench.corpora: no corpus folder at {path}; pass one or set ARULES_CORPUS")
    return path


def articles(path: Path, limit_chars: int | None = None) -> list[dict]:
    out, n = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            out.append(a)
            n += len(a["text"])
            if limit_chars is not None and n >= limit_chars:
                break
    return out


def cpu() -> float:
    return time.process_time()


# The child runs under a small wrapper whose only child it is: the wrapper's RUSAGE_CHILDREN is
# then the child's own (a child forked straight from this big process would count its pages).
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], 'wb'), stderr=subprocess.PIPE)\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, time.perf_counter() - t, ru.ru_maxrss, ru.ru_utime + ru.ru_stime)\n"
    "sys.stderr.write(r.stderr.decode(errors='replace')[-500:])\n"
)


def child_run(argv: list[str], out_path: str) -> dict:
    """Run ``argv`` with its stdout into ``out_path``: its CPU seconds, wall seconds, peak RSS."""
    p = subprocess.run([sys.executable, "-c", _WRAPPER, out_path, *argv], capture_output=True, text=True)
    rc, wall, rss_kb, cpu_s = p.stdout.split()
    if rc != "0":
        raise SystemExit(f"bench.corpora: {' '.join(argv)} failed ({rc}): {p.stderr}")
    return {"cpu_seconds": float(cpu_s), "wall_seconds": float(wall), "peak_rss_mb": int(rss_kb) / 1024}


def same_findings(engine: Engine, corpus: Path, name: str) -> dict:
    path = corpus / name
    with tempfile.NamedTemporaryFile("w+", encoding="utf-8", suffix=".jsonl") as out:
        run = child_run([sys.executable, "-m", "arabic_rules", "check", str(path), "--id-field", "id",
                         "--date-field", "date", "--format", "jsonl"], out.name)
        got: dict = {}
        for line in out:
            r = json.loads(line)
            doc = r.pop("doc")
            for k in ("file", "line", "col", "record"):
                r.pop(k)
            got.setdefault(doc, []).append(r)
    docs = articles(path)
    t = cpu()
    expected = {a["id"]: [m.to_dict() for m in engine.extract(a["text"], parse_ref_date(a["date"]))] for a in docs}
    api_cpu = cpu() - t
    same = sum(json.loads(json.dumps(v, ensure_ascii=False, default=str)) == got.get(k, []) for k, v in expected.items())
    chars = sum(len(a["text"]) for a in docs)
    return {"file": name, "documents": len(docs), "identical": same, "characters": chars,
            "check_cpu_seconds": run["cpu_seconds"], "api_cpu_seconds": api_cpu,
            "check_peak_rss_mb": run["peak_rss_mb"]}


def _news(texts: list[str], size: int, joiner: str) -> str:
    out, n = [], 0
    while n < size:
        for t in texts:
            out.append(t)
            n += len(t) + 1
            if n >= size:
                break
    return joiner.join(out)[:size]


def shapes(texts: list[str]) -> dict:
    def quotes(n):
        return _news(texts, n, "\n").replace("قال", 'قال "').replace("أكد", "« أكد")

    return {
        "single-newline paragraphs": lambda n: _news(texts, n, "\n"),
        "one huge line": lambda n: _news(texts, n, " ").replace("\n", " "),
        "many unmatched quotes": quotes,
        "cue words only": lambda n: ("قال " * (n // 4 + 1))[:n],
        "no whitespace": lambda n: ("قال:«" * (n // 5 + 1))[:n],
    }


def linear(engine: Engine, texts: list[str], small_mb: float, big_mb: float, repeat: int) -> dict:
    """Each shape at both sizes (the big text is the small one repeated, so that only the length
    changes, not what the text holds), the best of ``repeat`` runs each, interleaved (a busy
    moment of the machine does not fall on one size only)."""
    out = {}
    for name, make in shapes(texts).items():
        small = make(int(small_mb * MB))  # the big text is the small one repeated: the same density
        joiner = " " if name in ("one huge line", "no whitespace", "cue words only") else "\n"
        sized = [small, joiner.join([small] * round(big_mb / small_mb))]
        times = [float("inf")] * 2
        for _ in range(repeat):
            for i, text in enumerate(sized):
                t = cpu()
                engine.extract(text)
                times[i] = min(times[i], cpu() - t)
        out[name] = {"small_seconds": times[0], "big_seconds": times[1], "ratio": times[1] / times[0],
                     "size_ratio": big_mb / small_mb}
    return out


def big_string(engine: Engine, texts: list[str], mb: float) -> dict:
    docs, n = [], 0
    for t in texts:
        docs.append(t)
        n += len(t)
        if n >= mb * MB:
            break
    t = cpu()
    one_by_one = sum(len(engine.extract(d, labels={"attribution"})) for d in docs)
    split = cpu() - t
    whole_text = "\n".join(docs)
    t = cpu()
    whole = len(engine.extract(whole_text, labels={"attribution"}))
    joined = cpu() - t
    return {"characters": len(whole_text), "articles": len(docs), "split_seconds": split,
            "joined_seconds": joined, "speed_ratio": split / joined,
            "attributions_split": one_by_one, "attributions_joined": whole}


def nobreak_rss(texts: list[str], mb: float) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("ARULES_BENCH_TMP")) as d:
        path = Path(d) / "nobreak.txt"
        unit = _news(texts, 4 * MB, " ").replace("\n", " ").encode("utf-8") + b" "
        with open(path, "wb") as f:
            written = 0
            while written < mb * MB:
                f.write(unit)
                written += len(unit)
        run = child_run([sys.executable, "-m", "arabic_rules", "check", str(path), "--format", "jsonl"], os.devnull)
        return {"bytes": written, **run, "mb_per_cpu_second": written / MB / run["cpu_seconds"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpora", description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--file", default="news-ant-v1.1-00.jsonl.gz", help="the corpus file checked whole")
    ap.add_argument("--linear-mb", default="1,10", help="the two sizes of each shape, in MB of characters")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each shape and size (the best counts)")
    ap.add_argument("--skip", default="", help="comma-separated steps to skip: same,linear,string,nobreak")
    ap.add_argument("--string-mb", type=float, default=17.0, help="size of the one big string")
    ap.add_argument("--nobreak-mb", type=float, default=1024.0, help="size of the file without line breaks (0: skip)")
    ap.add_argument("--out", default=str(HERE / "results" / "corpora.json"))
    args = ap.parse_args(argv)
    corpus = corpus_dir(args.corpus)
    engine = Engine.default()
    texts = [a["text"] for a in articles(corpus / "news-ant-multisource-00.jsonl.gz", 40 * MB)]
    small, big = (float(x) for x in args.linear_mb.split(","))
    result = {"machine": {"python": platform.python_version(), "cores": os.cpu_count(),
                          "cpu": platform.processor() or platform.machine()},
              "corpus": str(corpus), "date": time.strftime("%Y-%m-%d")}
    skip = set(args.skip.split(","))
    if "same" not in skip:
        print("1. corpus file checked whole vs each article alone ...", flush=True)
        result["same_findings"] = same_findings(engine, corpus, args.file)
        print(json.dumps(result["same_findings"]), flush=True)
    if "linear" not in skip:
        print("2. linear time per shape ...", flush=True)
        result["linear"] = linear(engine, texts, small, big, args.repeat)
        print(json.dumps(result["linear"]), flush=True)
    if "string" not in skip:
        print("3. one big string vs its articles ...", flush=True)
        result["big_string"] = big_string(engine, texts, args.string_mb)
        print(json.dumps(result["big_string"]), flush=True)
    if args.nobreak_mb and "nobreak" not in skip:
        print(f"4. {args.nobreak_mb:g} MB without line breaks ...", flush=True)
        result["nobreak"] = nobreak_rss(texts, args.nobreak_mb)
        print(json.dumps(result["nobreak"]), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
