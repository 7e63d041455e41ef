"""The throughput suite behind `python -m bench`: the engine side by side with the ``\\w+`` floor,
the naive per-rule loop and dateparser, on the same text in the same run. It lives outside the
package (the library imports none of it) and reads the corpus given, or ``$ARULES_CORPUS``.

Ratios measured in one run hold on a shared, noisy machine where absolute times do not, so every
comparison here times its contenders on the same documents, interleaved, best of ``repeat``.
Nothing here is needed to use the library; matplotlib, psutil and dateparser are optional.
"""
from __future__ import annotations

import gzip
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Callable, Iterable, Iterator

from arabic_rules.corpus import default_corpus

_MB = 1_000_000
_FLOOR = re.compile(r"\w+")

BARS = {  # name: (what, threshold) - from issue 7; `ok` in the result says whether a run met it
    "floor_ratio": ("engine MB/s / \\w+ floor MB/s (one core)", 0.25),
    "naive_speedup": ("engine speed / naive per-rule loop", 5.0),
    "dateparser_speedup": ("engine (dates) speed / dateparser search_dates", 100.0),
    "size_linearity": ("100 MB throughput / 10 MB throughput (>= 0.85)", 0.85),
    "rules_x10_cost": ("time with 10x rules / time with 1x (<= 1.5)", 1.5),
    "jobs2_speedup": ("--jobs 2 / --jobs 1 throughput", 1.7),
    "stream_rss_mb": ("peak RSS of `arules check` on the corpus as one file, MB (< 250)", 250.0),
    "stream_1gb_rss_mb": ("peak RSS of `arules check` on a 1 GB file, MB (< 250)", 250.0),
    "cold_start_ratio": ("`arules check` 1 KB / `import regex, yaml, lark, rich` (<= 2)", 2.0),
}
_LOWER_IS_BETTER = {"rules_x10_cost", "stream_rss_mb", "stream_1gb_rss_mb", "cold_start_ratio"}


@dataclass(frozen=True)
class Options:
    """What to run. The defaults are the full suite on the real corpus (several minutes)."""

    corpus: Path = field(default_factory=default_corpus)
    out_dir: Path = Path("bench/results")
    sample_mb: float = 20.0  # text for the side-by-side comparisons
    sizes_mb: tuple[float, ...] = (1.0, 10.0, 100.0)
    repeat: int = 3
    dateparser_docs: int = 40
    jobs: tuple[int, ...] = (1, 2)
    stream: bool = True  # arules check on the whole corpus as one file
    stream_gb: float = 1.0  # and on a file of this many GB made by concatenation (0: skip)
    progress: bool = True


# --- corpus -------------------------------------------------------------------------------------

def corpus_files(path: Path) -> list[Path]:
    """The corpus files under ``path``: JSON Lines (.jsonl, .jsonl.gz) and plain text (.txt)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such corpus; pass a .jsonl(.gz) or .txt file or a directory of them")
    files = sorted(p for p in path.rglob("*") if p.is_file() and _kind(p) is not None)
    if not files:
        raise FileNotFoundError(f"{path}: no .jsonl, .jsonl.gz or .txt files in it")
    # a directory's sample file duplicates its collections: use it only when it is all there is
    full = [p for p in files if not p.name.startswith("sample")]
    return full or files


def _kind(p: Path) -> str | None:
    name = p.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".json.gz", ".ndjson")):
        return "jsonl"
    if name.endswith((".txt", ".txt.gz")):
        return "text"
    return None


def _open_text(p: Path):
    return gzip.open(p, "rt", encoding="utf-8") if p.name.endswith(".gz") else open(p, encoding="utf-8")


def _docs_of(p: Path) -> Iterator[str]:
    if _kind(p) == "jsonl":
        with _open_text(p) as f:
            for line in f:
                if line.strip():
                    text = json.loads(line).get("text")
                    if isinstance(text, str) and text:
                        yield text
    else:  # plain text: one document per blank-line-separated block of about 64 KB at most
        with _open_text(p) as f:
            buf: list[str] = []
            size = 0
            for line in f:
                buf.append(line)
                size += len(line)
                if size > 65536 and not line.strip():
                    yield "".join(buf)
                    buf, size = [], 0
            if buf:
                yield "".join(buf)


def iter_docs(path: Path) -> Iterator[str]:
    """Documents of a corpus, round-robin over its files so any prefix mixes every collection."""
    streams = [_docs_of(p) for p in corpus_files(path)]
    while streams:
        alive = []
        for s in streams:
            doc = next(s, None)
            if doc is not None:
                yield doc
                alive.append(s)
        streams = alive


def take(path: Path, mb: float, docs: Iterable[str] | None = None) -> list[str]:
    """The first ``mb`` MB (UTF-8) of documents, cycling the corpus if it is smaller."""
    want = mb * _MB
    out: list[str] = []
    size = 0
    source = docs if docs is not None else iter_docs(path)
    pool: list[str] = []
    for doc in source:
        pool.append(doc)
        out.append(doc)
        size += len(doc.encode("utf-8"))
        if size >= want:
            return out
    for doc in cycle(pool or [""]):  # a small corpus: repeat it
        if not doc:
            break
        out.append(doc)
        size += len(doc.encode("utf-8"))
        if size >= want:
            break
    return out


def nbytes(docs: list[str]) -> int:
    return sum(len(d.encode("utf-8")) for d in docs)


# --- timing ---------------------------------------------------------------------------------------

def best_of(fns: dict[str, Callable[[], object]], repeat: int, clock=None) -> dict[str, float]:
    """Seconds per contender, best of ``repeat``, the contenders interleaved in each round.

    The clock is this process's CPU time (`time.process_time`) unless told otherwise: on a shared
    machine wall time also counts the other programs' turns; CPU time counts only ours."""
    clock = clock or time.process_time
    best = {k: float("inf") for k in fns}
    for _ in range(max(1, repeat)):
        for k, fn in fns.items():
            t0 = clock()
            fn()
            best[k] = min(best[k], clock() - t0)
    return best


def floor_pass(docs: list[str]) -> int:
    """Touch every word in Python: the least any word-level extractor does."""
    n = 0
    for d in docs:
        for _ in _FLOOR.finditer(d):
            n += 1
    return n


def engine_pass(engine, docs: list[str], labels=None, progress=None) -> dict[str, int]:
    """``engine.extract`` on every document (values built); matches counted per label."""
    counts: dict[str, int] = {}
    for d in docs:
        for m in engine.extract(d, labels=labels):
            counts[m.label] = counts.get(m.label, 0) + 1
        if progress is not None:
            progress(len(d.encode("utf-8")))
    return counts


def naive_pass(engine, docs: list[str]) -> int:
    """What a user would write: normalize, then every rule's program rendered as one regex
    (`ir.to_regex`, lexicons as character tries) with finditer (the rules whose look backs
    Python's `re` cannot compile, which take any width, are left out)."""
    from arabic_rules import ir
    from arabic_rules.compiler import word_set_regex
    from arabic_rules.normalize import normalize

    tries = {name: word_set_regex(ws) for name, ws in engine.pack.word_sets.items()}
    memo: dict = {}  # (the rules share their macros' nodes)
    regexes = []
    for r in engine.rules:
        try:
            regexes.append(re.compile(ir.to_regex(r.program, tries, memo)))
        except re.error:
            continue
    n = 0
    for d in docs:
        text = normalize(d).text
        for rx in regexes:
            for _ in rx.finditer(text):
                n += 1
    return n


# --- parallel -----------------------------------------------------------------------------------

_WORKER_ENGINE = None


def _worker_init(paths: list[str], include_default: bool) -> None:
    global _WORKER_ENGINE
    from arabic_rules.engine import Engine

    _WORKER_ENGINE = Engine.from_paths(paths, include_default=include_default)


def _worker_run(chunk: list[str]) -> dict[str, int]:
    return engine_pass(_WORKER_ENGINE, chunk)


def parallel_pass(docs: list[str], jobs: int, paths=(), include_default=True) -> dict[str, int]:
    """The engine over ``docs`` in ``jobs`` processes (chunks of about 1 MB); counts per label.

    ``jobs == 1`` runs in this process (no pickling), the fair baseline."""
    if jobs <= 1:
        from arabic_rules.engine import Engine

        return engine_pass(Engine.from_paths(list(paths), include_default=include_default), docs)
    import multiprocessing as mp

    chunks, cur, size = [], [], 0
    for d in docs:
        cur.append(d)
        size += len(d)
        if size >= 500_000:
            chunks.append(cur)
            cur, size = [], 0
    if cur:
        chunks.append(cur)
    counts: dict[str, int] = {}
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ctx.Pool(jobs, initializer=_worker_init, initargs=(list(paths), include_default))
    try:
        for part in pool.imap_unordered(_worker_run, chunks):
            for k, v in part.items():
                counts[k] = counts.get(k, 0) + v
        pool.close()
    finally:
        pool.terminate()
        pool.join()  # reaped, so their CPU time shows in RUSAGE_CHILDREN
    return counts


# --- synthetic rules (rule count x10) -----------------------------------------------------------

_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def synthetic_pack(directory: Path, n_rules: int, real_words: list[str], seed: int = 7) -> Path:
    """Write ``n_rules`` extra rules with their own lexicons into ``directory``/synthetic.yaml.

    Each lexicon has 20 invented words (they grow the prefilter) and, in one rule of three, a
    frequent word of the corpus (so the extra rules are also verified in the text, as real ones
    are). Patterns have the shapes of the shipped ones: a cue, a few words, punctuation, digits."""
    import random

    rng = random.Random(seed)
    shapes = ["cue:@{lex} w:_{{1,4}} (\":\" | \"،\")",
              "cue:@{lex} n:re\"[0-9]{{1,4}}\" _?",
              "(و | ف)? ~ cue:@{lex} _{{0,3}} \"«\""]
    lines = ["# Generated by the bench suite: extra rules for the rule-count scaling run.", "lexicons:"]
    rules = ["rules:"]
    for k in range(n_rules):
        forms = {"".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 7))) for _ in range(20)}
        if k % 3 == 0 and real_words:
            forms.add(real_words[k % len(real_words)])
        lines.append(f"  syn{k}: [{', '.join(sorted(forms))}]")
        pattern = shapes[k % len(shapes)].format(lex=f"syn{k}")
        rules.append(f"  - name: synthetic.r{k}\n    label: synthetic\n    pattern: '{pattern}'")
    path = Path(directory) / "synthetic.yaml"
    path.write_text("\n".join(lines + rules) + "\n", encoding="utf-8")
    return path


def frequent_words(docs: list[str], skip: int = 50, n: int = 200) -> list[str]:
    """Words of ranks ``skip`` .. ``skip + n`` by frequency (common, but not the very commonest)."""
    from collections import Counter

    from arabic_rules.normalize import normalize

    c = Counter()
    for d in docs[:300]:
        c.update(w for w in _FLOOR.findall(normalize(d).text) if not w.isascii() and len(w) > 2)
    return [w for w, _ in c.most_common(skip + n)[skip:]]


# --- subprocess measurements --------------------------------------------------------------------

_RSS_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t0 = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "dt = time.perf_counter() - t0\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, dt, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, r.stderr.decode(errors='replace')[-500:].replace(chr(10), ' '))\n"
)


def _child_env() -> dict[str, str]:
    """The environment for child processes: they import this very package (worktree or site)."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_measured(argv: list[str]) -> dict:
    """Run ``argv`` as the only child of a small wrapper: wall time and the child's peak RSS."""
    out = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, *argv], capture_output=True, text=True,
                         env=_child_env(), check=True).stdout.split(maxsplit=4)
    rc, secs, rss_kb, cpu = int(out[0]), float(out[1]), int(out[2]), float(out[3])
    return {"returncode": rc, "seconds": secs, "cpu_seconds": cpu, "peak_rss_mb": rss_kb / 1024,
            "stderr": out[4] if len(out) > 4 else ""}


def arules_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "arabic_rules", *args]


def write_concatenated(path: Path, target: Path, min_bytes: int = 0) -> int:
    """Every document of the corpus into one text file, blank-line separated (repeated until
    ``min_bytes``); returns the bytes written."""
    written = 0
    with open(target, "w", encoding="utf-8") as f:
        while True:
            for doc in iter_docs(path):
                data = doc.rstrip() + "\n\n"
                f.write(data)
                written += len(data.encode("utf-8"))
                if min_bytes and written >= min_bytes:
                    return written
            if written >= min_bytes:
                return written


def _grow(src: Path, target: Path, min_bytes: int) -> int:
    """``target`` = ``src`` repeated until it holds at least ``min_bytes`` (concatenation)."""
    written = 0
    with open(target, "wb") as out:
        while written < min_bytes:
            with open(src, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
            written += src.stat().st_size
    return written


def cold_start(repeat: int, sample: str) -> dict:
    """`arules check` on a 1 KB file (cache warm) against the bare import of the dependencies."""
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "1kb.txt"
        text = sample.encode("utf-8")[:1000].decode("utf-8", "ignore")
        small.write_text(text, encoding="utf-8")
        check = arules_argv("check", str(small), "--format", "jsonl")
        imports = [sys.executable, "-c", "import regex, yaml, lark, rich"]
        # as installed, with bytecode: a tree run in place under PYTHONDONTWRITEBYTECODE would
        # compile every module at every start (a fifth of the time), which no install does
        env = {k: v for k, v in _child_env().items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run(check, env=env, capture_output=True, check=False)  # warm the caches
        times: dict[str, list[float]] = {"check": [], "imports": []}
        for _ in range(max(3, repeat * 2)):
            for k, argv in (("check", check), ("imports", imports)):
                t0 = time.perf_counter()
                subprocess.run(argv, env=env, capture_output=True, check=False)
                times[k].append(time.perf_counter() - t0)
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    return {"check_s": med["check"], "imports_s": med["imports"], "ratio": med["check"] / med["imports"],
            "runs": times}


# --- machine ----------------------------------------------------------------------------------

def machine_info() -> dict:
    """CPU model, cores, Python and package versions: what a figure depends on."""
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("arabic_rules", "regex", "lark", "pyyaml", "rich", "hijridate", "dateparser", "matplotlib",
                "psutil", "pyahocorasick"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None, "packages": versions}


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its reaped children (pool workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak RSS of this process in MB (psutil is not needed: getrusage has it)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


# --- the suite ----------------------------------------------------------------------------------

@dataclass
class Result:
    machine: dict
    corpus: dict
    throughput: dict = field(default_factory=dict)
    comparisons: dict = field(default_factory=dict)
    scaling: dict = field(default_factory=dict)
    streaming: dict = field(default_factory=dict)
    cold_start: dict = field(default_factory=dict)
    bars: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Progress:
    """A rich progress bar over bytes (or nothing when turned off)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TransferSpeedColumn(),
                                TimeElapsedColumn(), transient=True)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def task(self, description: str, total: float):
        """A callback that advances a new bar by n bytes (None when there is no bar)."""
        if self.bar is None:
            return None
        tid = self.bar.add_task(description, total=total)
        return lambda n: self.bar.advance(tid, n)

    def say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text)
        else:
            print(text, file=sys.stderr)


def run(opts: Options) -> Result:
    """Run the whole suite; write ``bench.json`` and ``scaling.png`` into ``opts.out_dir``."""
    from arabic_rules import calendars, numerals, speech  # noqa: F401  (register the value builders)
    from arabic_rules.engine import Engine

    out_dir = Path(opts.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = Engine.default()
    res = Result(machine_info(), {"path": str(opts.corpus), "files": [str(p) for p in corpus_files(opts.corpus)]})
    res.corpus["rules"] = len(engine.rules)
    res.corpus["labels"] = sorted(engine.labels)
    biggest = max([opts.sample_mb, *opts.sizes_mb])
    with _Progress(opts.progress) as ui:
        ui.say(f"reading {biggest:g} MB of {opts.corpus} ...")
        all_docs = take(opts.corpus, biggest)
        sample = take(opts.corpus, opts.sample_mb, all_docs)
        sample_bytes = nbytes(sample)
        res.corpus.update(sample_docs=len(sample), sample_bytes=sample_bytes)

        # 1. throughput with matches per label, one pass with a progress bar
        tick = ui.task("engine", sample_bytes)
        t0, w0 = time.process_time(), time.perf_counter()
        counts = engine_pass(engine, sample, progress=tick)
        secs, wall = time.process_time() - t0, time.perf_counter() - w0
        res.throughput = {"cpu_seconds": secs, "wall_seconds": wall, "seconds": secs, "mb_per_s": sample_bytes / _MB / secs, "docs_per_s": len(sample) / secs,
                          "matches": counts, "matches_per_s": {k: v / secs for k, v in counts.items()}}

        # 2. side by side, same text, interleaved, best of repeat
        ui.say("side by side: \\w+ floor, engine, naive per-rule loop ...")
        t = best_of({"floor": lambda: floor_pass(sample), "engine": lambda: engine_pass(engine, sample),
                     "naive": lambda: naive_pass(engine, sample)}, opts.repeat)
        mbs = {k: sample_bytes / _MB / v for k, v in t.items()}
        res.comparisons["same_text"] = {"seconds": t, "mb_per_s": mbs, "bytes": sample_bytes,
                                        "engine_over_floor": mbs["engine"] / mbs["floor"],
                                        "engine_over_naive": mbs["engine"] / mbs["naive"]}
        res.comparisons["dateparser"] = _dateparser(engine, sample[: opts.dateparser_docs], ui)

        # 3. scaling: input size
        sizes = {}
        for mb in opts.sizes_mb:
            docs = take(opts.corpus, mb, all_docs)
            nb = nbytes(docs)
            tick = ui.task(f"size {mb:g} MB", nb)
            reps = 1 if mb >= 50 else opts.repeat
            best = float("inf")
            for _ in range(reps):
                t0 = time.process_time()
                engine_pass(engine, docs, progress=tick if _ == 0 else None)
                best = min(best, time.process_time() - t0)
            sizes[f"{mb:g}"] = {"bytes": nb, "seconds": best, "mb_per_s": nb / _MB / best}
            del docs
        res.scaling["size"] = sizes

        # 4. scaling: rule count x1 / x10
        ui.say("rule count x1 vs x10 ...")
        res.scaling["rules"] = _rules_scaling(engine, sample, opts)

        # 5. scaling: processes
        ui.say(f"jobs {opts.jobs} ...")
        jobs = {}
        for j in opts.jobs:
            cpu0 = _cpu_seconds()
            rounds = max(1, opts.repeat - 1)
            secs = best_of({"run": lambda j=j: parallel_pass(sample, j)}, rounds, time.perf_counter)["run"]
            cpu = (_cpu_seconds() - cpu0) / rounds
            jobs[str(j)] = {"seconds": secs, "mb_per_s": sample_bytes / _MB / secs, "cpu_seconds": cpu}
        if "1" in jobs:  # what the processes would give on idle cores: the work does not grow
            for j, v in jobs.items():
                v["cpu_overhead"] = v["cpu_seconds"] / jobs["1"]["cpu_seconds"]
        res.scaling["jobs"] = jobs
        del all_docs, sample
        res.throughput["bench_peak_rss_mb"] = peak_rss_mb()

        # 6. streaming and 7. cold start, in child processes
        if opts.stream:
            res.streaming = _streaming(opts, ui)
        ui.say("cold start ...")
        first_doc = next(iter_docs(opts.corpus))
        res.cold_start = cold_start(opts.repeat, first_doc)
    res.bars = evaluate(res)
    _notes(res)
    (out_dir / "bench.json").write_text(json.dumps(asdict(res), ensure_ascii=False, indent=2), encoding="utf-8")
    png = plot(res, out_dir / "scaling.png")
    if png is None:
        res.notes.append("matplotlib is not installed: no PNG (pip install 'arabic_rules[bench]')")
        (out_dir / "bench.json").write_text(json.dumps(asdict(res), ensure_ascii=False, indent=2), encoding="utf-8")
    return res


def _dateparser(engine, docs: list[str], ui) -> dict:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return {"skipped": "dateparser is not installed (pip install dateparser: a bench-only extra)"}
    nb = nbytes(docs)
    ui.say(f"dateparser search_dates on {len(docs)} documents ({nb / 1000:.0f} KB) ...")
    found = {"n": 0}

    def peer():
        n = 0
        for d in docs:
            n += len(search_dates(d, languages=["ar"]) or [])
        found["n"] = n

    search_dates("تم الاجتماع في 3 مارس 2020", languages=["ar"])  # load its data before timing
    t = best_of({"engine_dates": lambda: engine_pass(engine, docs, labels={"date"}), "dateparser": peer}, 2)
    ours = sum(engine_pass(engine, docs, labels={"date"}).values())
    return {"docs": len(docs), "bytes": nb, "seconds": t, "kb_per_s": {k: nb / 1000 / v for k, v in t.items()},
            "speedup": t["dateparser"] / t["engine_dates"], "dates_found": {"engine": ours, "dateparser": found["n"]}}


def _rules_scaling(engine, sample: list[str], opts: Options) -> dict:
    from arabic_rules.engine import Engine
    from arabic_rules.resources import data_dir

    docs = take(opts.corpus, min(opts.sample_mb, 10.0), sample)
    nb = nbytes(docs)
    n = len(engine.rules)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(data_dir("patterns"), tmp, dirs_exist_ok=True)
        synthetic_pack(Path(tmp), 9 * n, frequent_words(docs))
        big = Engine.from_paths([tmp], include_default=False, use_cache=False)
    t = best_of({"x1": lambda: engine_pass(engine, docs), "x10": lambda: engine_pass(big, docs)}, opts.repeat)
    return {"bytes": nb, "rules": {"x1": n, "x10": len(big.rules)}, "seconds": t,
            "mb_per_s": {k: nb / _MB / v for k, v in t.items()}, "cost": t["x10"] / t["x1"]}


def _streaming(opts: Options, ui) -> dict:
    out = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("ARULES_BENCH_TMP")) as tmp:
        whole = Path(tmp) / "corpus.txt"
        ui.say("writing the corpus as one file ...")
        nb = write_concatenated(opts.corpus, whole)
        ui.say(f"arules check on {nb / _MB:.0f} MB as one file ...")
        r = run_measured(arules_argv("check", str(whole), "--format", "jsonl"))
        r.update(bytes=nb, mb_per_s=nb / _MB / r["cpu_seconds"])
        out["corpus"] = r
        ui.say("the same with --jobs 2 ...")
        r2 = run_measured(arules_argv("check", str(whole), "--format", "jsonl", "--jobs", "2"))
        r2.update(bytes=nb, mb_per_s=nb / _MB / r2["cpu_seconds"], wall_speedup=r["seconds"] / r2["seconds"])
        out["corpus, --jobs 2"] = r2
        if opts.stream_gb > 0:
            big = Path(tmp) / "big.txt"
            nbig = _grow(whole, big, int(opts.stream_gb * 1000 * _MB))
            whole.unlink()
            ui.say(f"arules check on {nbig / _MB:.0f} MB made by concatenation ...")
            r = run_measured(arules_argv("check", str(big), "--format", "jsonl"))
            r.update(bytes=nbig, mb_per_s=nbig / _MB / r["cpu_seconds"])
            out["concatenated"] = r
    return out


def evaluate(res: Result) -> dict:
    """Each bar of the issue with the measured figure and whether it is met (None: not measured)."""
    c = res.comparisons
    figures = {
        "floor_ratio": c.get("same_text", {}).get("engine_over_floor"),
        "naive_speedup": c.get("same_text", {}).get("engine_over_naive"),
        "dateparser_speedup": c.get("dateparser", {}).get("speedup"),
        "rules_x10_cost": res.scaling.get("rules", {}).get("cost"),
        "stream_rss_mb": res.streaming.get("corpus", {}).get("peak_rss_mb"),
        "stream_1gb_rss_mb": res.streaming.get("concatenated", {}).get("peak_rss_mb"),
        "cold_start_ratio": res.cold_start.get("ratio"),
    }
    sizes = res.scaling.get("size", {})
    if "10" in sizes and "100" in sizes:
        figures["size_linearity"] = sizes["100"]["mb_per_s"] / sizes["10"]["mb_per_s"]
    jobs = res.scaling.get("jobs", {})
    if "1" in jobs and "2" in jobs:
        figures["jobs2_speedup"] = jobs["2"]["mb_per_s"] / jobs["1"]["mb_per_s"]
    out = {}
    for name, (what, bar) in BARS.items():
        v = figures.get(name)
        ok = None if v is None else (v <= bar if name in _LOWER_IS_BETTER else v >= bar)
        if name in ("stream_rss_mb", "stream_1gb_rss_mb") and v is not None:
            ok = v < bar
        out[name] = {"what": what, "bar": bar, "value": v, "ok": ok}
    return out


def _notes(res: Result) -> None:
    if res.machine.get("usable_cores", 2) < 2:
        res.notes.append("fewer than 2 usable cores: the jobs figure cannot reach its bar here")
    la = res.machine.get("loadavg_at_start")
    if la and la[0] > 0.5:
        res.notes.append(f"load average {la[0]:.2f} at start: other work shares the CPU; trust ratios, not times")


def plot(res: Result, path: Path) -> Path | None:
    """The scaling curves as a PNG (None when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    sizes = res.scaling.get("size", {})
    if sizes:
        xs = [v["bytes"] / _MB for v in sizes.values()]
        ax[0].loglog(xs, [v["seconds"] for v in sizes.values()], "o-", label="engine")
        ref = list(sizes.values())[0]
        ax[0].loglog(xs, [ref["seconds"] * x / (ref["bytes"] / _MB) for x in xs], "--", color="grey", label="linear")
        ax[0].set(xlabel="input (MB of UTF-8)", ylabel="seconds", title="input size")
        ax[0].legend()
    rules = res.scaling.get("rules")
    if rules:
        ax[1].plot([rules["rules"]["x1"], rules["rules"]["x10"]], [rules["seconds"]["x1"], rules["seconds"]["x10"]],
                   "o-", label="engine")
        ax[1].plot([rules["rules"]["x1"], rules["rules"]["x10"]],
                   [rules["seconds"]["x1"], rules["seconds"]["x1"] * 1.5], "--", color="grey", label="bar: 1.5x")
        ax[1].set(xlabel="rules", ylabel="seconds", title=f"rule count ({rules['bytes'] / _MB:.0f} MB)")
        ax[1].legend()
    jobs = res.scaling.get("jobs")
    if jobs:
        ks = [int(k) for k in jobs]
        ax[2].plot(ks, [v["mb_per_s"] for v in jobs.values()], "o-", label="engine")
        ax[2].plot(ks, [jobs[str(ks[0])]["mb_per_s"] * k / ks[0] for k in ks], "--", color="grey", label="ideal")
        ax[2].set(xlabel="processes (--jobs)", ylabel="MB/s", title="processes", xticks=ks)
        ax[2].legend()
    fig.suptitle(f"arabic_rules bench: {res.machine.get('cpu')}, {res.machine.get('usable_cores')} cores")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --- report and entry point ---------------------------------------------------------------------

def summary_rows(res: Result) -> list[tuple[str, str]]:
    """(what, figure) rows for the terminal table and bench/README.md."""
    rows = []
    tp = res.throughput
    if tp:
        rows.append(("engine, one pass (values built)", f"{tp['mb_per_s']:.1f} MB/s, {tp['docs_per_s']:.0f} docs/s"))
        rows.append(("matches/s per label", ", ".join(f"{k} {v:,.0f}" for k, v in sorted(tp["matches_per_s"].items()))))
    st = res.comparisons.get("same_text")
    if st:
        m = st["mb_per_s"]
        rows.append((f"same {st['bytes'] / _MB:.0f} MB, best of n: \\w+ floor / engine / naive loop",
                     f"{m['floor']:.1f} / {m['engine']:.1f} / {m['naive']:.1f} MB/s"))
    dp = res.comparisons.get("dateparser")
    if dp and "speedup" in dp:
        k = dp["kb_per_s"]
        rows.append((f"dates on {dp['docs']} docs: engine / dateparser",
                     f"{k['engine_dates']:.0f} / {k['dateparser']:.1f} KB/s "
                     f"(found {dp['dates_found']['engine']} / {dp['dates_found']['dateparser']})"))
    elif dp:
        rows.append(("dateparser", dp.get("skipped", "")))
    for mb, v in res.scaling.get("size", {}).items():
        rows.append((f"input {mb} MB", f"{v['mb_per_s']:.1f} MB/s ({v['seconds']:.2f} s)"))
    r = res.scaling.get("rules")
    if r:
        rows.append((f"rules x1 ({r['rules']['x1']}) / x10 ({r['rules']['x10']})",
                     f"{r['mb_per_s']['x1']:.1f} / {r['mb_per_s']['x10']:.1f} MB/s"))
    for j, v in res.scaling.get("jobs", {}).items():
        rows.append((f"--jobs {j} (processes)", f"{v['mb_per_s']:.1f} MB/s, CPU work x{v.get('cpu_overhead', 1):.2f}"))
    for k, v in res.streaming.items():
        wall = f", {v['wall_speedup']:.2f}x the wall speed of one" if "wall_speedup" in v else ""
        rows.append((f"arules check, {v['bytes'] / _MB:.0f} MB as one file ({k})",
                     f"peak RSS {v['peak_rss_mb']:.0f} MB, {v['mb_per_s']:.1f} MB/s (CPU){wall}, "
                     f"exit {v['returncode']}"))
    cs = res.cold_start
    if cs:
        rows.append(("cold start: arules check 1 KB / import regex, yaml, lark, rich",
                     f"{cs['check_s'] * 1000:.0f} / {cs['imports_s'] * 1000:.0f} ms"))
    if "bench_peak_rss_mb" in tp:
        rows.append(("peak RSS of the bench process (corpus held in memory)", f"{tp['bench_peak_rss_mb']:.0f} MB"))
    return rows


def print_report(res: Result) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    m = res.machine
    con.print(f"[bold]machine[/bold]: {m['cpu']}, {m['usable_cores']} usable cores, Python {m['python']}, "
              f"regex {m['packages'].get('regex')}; load {m.get('loadavg_at_start')}")
    t = Table("measure", "figure")
    for a, b in summary_rows(res):
        t.add_row(a, b)
    con.print(t)
    b = Table("bar", "bar", "measured", "met")
    for name, v in res.bars.items():
        val = "-" if v["value"] is None else f"{v['value']:.2f}"
        b.add_row(v["what"], f"{v['bar']:g}", val, {True: "yes", False: "[red]NO[/red]", None: "-"}[v["ok"]])
    con.print(b)
    for n in res.notes:
        con.print(f"[dim]note: {n}[/dim]")


def add_arguments(p) -> None:
    """The options of `python -m bench`."""
    p.add_argument("path", nargs="?", default=str(default_corpus()),
                   help="corpus: .jsonl(.gz) with a text field, .txt, or a directory of them "
                        "(default: $ARULES_CORPUS, else ../shared/corpus)")
    p.add_argument("--out", default="bench/results", help="directory for bench.json and scaling.png")
    p.add_argument("--sample-mb", type=float, default=20.0, help="MB of text for the side-by-side runs")
    p.add_argument("--sizes", default="1,10,100", help="input sizes in MB for the size scaling")
    p.add_argument("--repeat", type=int, default=3, help="timing rounds (best of)")
    p.add_argument("--dateparser-docs", type=int, default=40, help="documents for the dateparser comparison")
    p.add_argument("--no-stream", action="store_true", help="skip the streaming (peak RSS) runs")
    p.add_argument("--stream-gb", type=float, default=1.0, help="size of the concatenated file (0: skip it)")
    p.add_argument("--quick", action="store_true", help="small sizes for a smoke run (about a minute)")
    p.add_argument("--no-progress", action="store_true")


def options_from(args) -> Options:
    if args.quick:
        return Options(Path(args.path), Path(args.out), sample_mb=2, sizes_mb=(0.5, 1, 5), repeat=2,
                       dateparser_docs=5, stream=not args.no_stream, stream_gb=0, progress=not args.no_progress)
    return Options(Path(args.path), Path(args.out), sample_mb=args.sample_mb,
                   sizes_mb=tuple(float(x) for x in args.sizes.split(",") if x.strip()), repeat=args.repeat,
                   dateparser_docs=args.dateparser_docs, stream=not args.no_stream, stream_gb=args.stream_gb,
                   progress=not args.no_progress)


def main(argv: list[str] | None = None, prog: str = "python -m bench") -> int:
    """`python -m bench`: run the suite and print the table; 0 whatever the figures (it measures)."""
    import argparse

    ap = argparse.ArgumentParser(prog=prog, description="Throughput of arabic_rules, side by side with the "
                                 "\\w+ floor, the naive per-rule loop and dateparser, on the same text.")
    add_arguments(ap)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        res = run(options_from(args))
    except FileNotFoundError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    print_report(res)
    print(f"results: {Path(args.out) / 'bench.json'}", file=sys.stderr)
    return 0
