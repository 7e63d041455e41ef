"""The bench suite's own pieces on a tiny corpus (the suite itself runs for minutes: not here),
and `arules bench FILE`, the library's own timer."""
import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_rules import Engine, cli

ROOT = Path(__file__).resolve().parent.parent


def _suite():
    """bench/suite.py, loaded from the checkout by its path: it is no module of the package (an
    installed package has no bench/), and pytest does not put the checkout on sys.path."""
    spec = importlib.util.spec_from_file_location("bench_suite", ROOT / "bench" / "suite.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


benchmark = _suite()


def _corpus(tmp_path):
    docs = [f"قال الوزير إن {i} شاحنات وصلت في 3 مارس 2021." for i in range(6)]
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        for d in docs[:3]:
            f.write(json.dumps({"id": 1, "text": d}, ensure_ascii=False) + "\n")
    (tmp_path / "b.txt").write_text("\n\n".join(docs[3:]), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a corpus file", encoding="utf-8")
    return docs


def test_corpus_reading_mixes_files_and_cycles_a_small_corpus(tmp_path):
    docs = _corpus(tmp_path)
    assert [p.name for p in benchmark.corpus_files(tmp_path)] == ["a.jsonl.gz", "b.txt"]
    got = list(benchmark.iter_docs(tmp_path))
    assert got[0] == docs[0] and got[1].startswith(docs[3]) and len(got) == 4  # round-robin; txt is one doc
    sample = benchmark.take(tmp_path, 0.001)
    assert benchmark.nbytes(sample) >= 1000  # cycled past the corpus size


@pytest.mark.slow  # (runs every pass of the bench on a small corpus)
def test_passes_count_what_the_engine_finds(tmp_path):
    _corpus(tmp_path)
    docs = list(benchmark.iter_docs(tmp_path))
    engine = Engine.default()
    counts = benchmark.engine_pass(engine, docs)
    assert counts == {k: v for k, v in counts.items() if v} and {"number", "date"} <= set(counts)
    assert benchmark.floor_pass(docs) > 0 and benchmark.naive_pass(engine, docs) >= sum(counts.values()) // 2
    assert benchmark.parallel_pass(docs, 2) == counts


def test_synthetic_rules_compile_and_bars_are_judged(tmp_path):
    path = benchmark.synthetic_pack(tmp_path, 9, ["شاحنات"])
    engine = Engine.from_paths([path], use_cache=False)
    assert len(engine.rules) == 9
    res = benchmark.Result(machine={"usable_cores": 2}, corpus={})
    res.comparisons["same_text"] = {"engine_over_floor": 0.3, "engine_over_naive": 2.0}
    res.scaling["rules"] = {"cost": 1.2}
    bars = benchmark.evaluate(res)
    assert bars["floor_ratio"]["ok"] is True and bars["naive_speedup"]["ok"] is False
    assert bars["rules_x10_cost"]["ok"] is True and bars["jobs2_speedup"]["ok"] is None


def test_the_library_imports_nothing_of_the_bench_suite():
    code = ("import sys, arabic_rules, arabic_rules.cli, arabic_rules.timing; "
            "print(sorted(m for m in sys.modules if m == 'bench' or m.startswith('bench.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"
    package = ROOT / "arabic_rules"
    assert not (package / "benchmark.py").exists()
    assert not any("bench." in line and "import" in line for f in package.glob("*.py")
                   for line in f.read_text(encoding="utf-8").splitlines())


def test_bench_file_times_the_engine_on_a_users_file(tmp_path, capsys):
    f = tmp_path / "news.jsonl"
    f.write_text("".join(json.dumps({"text": f"قال الوزير إن {i} شاحنات وصلت في 3 مارس 2021."}, ensure_ascii=False)
                         + "\n" for i in range(5)), encoding="utf-8")
    assert cli.main(["bench", str(f), "--repeat", "2", "--labels", "date,number"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "5 document(s)" in out and "best of 2" in out and "MB/s" in out
    assert "date 5" in out and "number" in out and "attribution" not in out


def test_bench_file_says_what_is_wrong(tmp_path, capsys):
    assert cli.main(["bench", str(tmp_path / "missing.txt")]) == cli.EXIT_USAGE
    assert "missing.txt" in capsys.readouterr().err
    (tmp_path / "blank.txt").write_text("  \n", encoding="utf-8")
    assert cli.main(["bench", str(tmp_path / "blank.txt")]) == cli.EXIT_USAGE
    assert "no text to time" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["bench", str(tmp_path / "blank.txt"), "--repeat", "0"])
    assert "not a number of passes" in capsys.readouterr().err
