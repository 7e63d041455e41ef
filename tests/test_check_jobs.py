"""`arules check --jobs 2` writes what `--jobs 1` writes, byte for byte, on every shape of input
(JSON Lines records batched to the workers, a folder of them, a plain text file streamed as one
document, a text split into documents), with the same messages and exit code for bad records
and bad files; and a worker that dies stops the run with a clear error."""
from __future__ import annotations

import gzip
import json
import os
import signal

import pytest

from arabic_rules import checkjobs, cli

# sentences of our own: a speaker, a date, numbers, and a cue whose speaker carries over
SAID = "وقال وزير المالية إن العجز تراجع إلى {n} مليار دولار في {d} مارس الماضي."
MORE = "وأضاف أن الحكومة ستطرح {n} سندا جديدا قبل نهاية العام."
QUOTE = "وصرح المتحدث باسم الوزارة: «سنفتتح {n} مدرسة يوم الأحد المقبل»."


def article(i: int) -> str:
    n, d = i % 90 + 3, i % 27 + 1
    return "\n".join([SAID.format(n=n, d=d), MORE.format(n=n * 2), QUOTE.format(n=n + 1)])


def write_jsonl(path, n: int, first: int = 0, extra: tuple[str, ...] = ()) -> None:
    lines = [json.dumps({"id": f"a{i}", "date": f"2020-03-{i % 27 + 1:02d}", "text": article(i)},
                        ensure_ascii=False) for i in range(first, first + n)]
    # bad records among the good ones: not JSON, a text that is not a string, a date that is not one
    lines[3:3] = ['{"id": "x", "text": ', '{"id": "y", "text": 5}', '{"id": "z", "date": "soon", "text": "نص"}']
    lines.extend(extra)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def same_with_two(capsys, *argv) -> str:
    """Run ``argv`` with --jobs 1 and --jobs 2: the same stdout, stderr and exit code; the stdout."""
    one = run(capsys, *argv, "--jobs", "1")
    two = run(capsys, *argv, "--jobs", "2")
    assert two[0] == one[0]
    assert two[2] == one[2]
    assert two[1] == one[1]
    return one[1]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of a few documents, so that a small input makes many jobs (the batches made are
    listed)."""
    monkeypatch.setattr(checkjobs, "BATCH_CHARS", 600)
    made, batches = [], checkjobs.batches
    monkeypatch.setattr(checkjobs, "batches", lambda *a, **k: (made.append(b) or b for b in batches(*a, **k)))
    return made


@pytest.mark.parametrize("fmt", ["jsonl", "text", "json"])
def test_records_in_batches_as_one_process(tmp_path, capsys, small_batches, fmt):
    path = tmp_path / "news.jsonl.gz"
    write_jsonl(path, 60)
    out = same_with_two(capsys, str(path), "--id-field", "id", "--date-field", "date", "--format", fmt, "--stats")
    assert len(small_batches) > 10  # (counted in the run with workers)
    if fmt == "jsonl":
        found = [json.loads(x) for x in out.splitlines()]
        assert {r["doc"] for r in found} >= {"a0", "a59"}
        assert {"attribution", "date", "number"} <= {r["label"] for r in found}


def test_a_folder_of_corpora_and_texts_as_one_process(tmp_path, capsys, small_batches):
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl.gz", 25)
    write_jsonl(folder / "b.jsonl.gz", 25, first=100)
    (folder / "c.txt").write_text("\n\n".join(article(i) for i in range(30)) + "\n", encoding="utf-8")
    (folder / "d.jsonl").write_text("[1, 2]\n", encoding="utf-8")  # a JSON array: this file stops
    out = same_with_two(capsys, str(folder), "--format", "jsonl", "--date-field", "date")
    assert {json.loads(x)["file"] for x in out.splitlines()} == {str(folder / n) for n in ("a.jsonl.gz", "b.jsonl.gz", "c.txt")}


def test_one_big_text_streamed_as_one_document(tmp_path, capsys, monkeypatch):
    import functools

    from arabic_rules import inputs, stream

    # small blocks: many chunks, the speaker carried from one to the next
    monkeypatch.setattr(inputs, "blocks", functools.partial(inputs.blocks, block=2000))
    chunked, chunks_of = [], stream.chunks_of
    monkeypatch.setattr(stream, "chunks_of", lambda *a, **k: (chunked.append(c) or c for c in chunks_of(*a, **k)))
    path = tmp_path / "whole.txt"
    path.write_text("\n\n".join(article(i) for i in range(800)) + "\n", encoding="utf-8")
    out = same_with_two(capsys, str(path), "--format", "jsonl", "--ref-date", "2021-05-01")
    assert len(chunked) > 10
    assert len(out.splitlines()) > 2000


def test_a_text_split_into_documents(tmp_path, capsys, small_batches):
    path = tmp_path / "docs.txt"
    path.write_text("\n\n".join(article(i) for i in range(80)) + "\n", encoding="utf-8")
    out = same_with_two(capsys, str(path), "--doc-sep", "blankline", "--format", "jsonl")
    assert len({json.loads(x)["doc"] for x in out.splitlines()}) == 80


def test_bad_lines_and_a_missing_file_as_one_process(tmp_path, capsys, small_batches):
    path = tmp_path / "mixed.jsonl"
    good = [json.dumps({"text": article(i)}, ensure_ascii=False) for i in range(20)]
    path.write_bytes("\n".join(good[:10]).encode() + b"\n\xff\xfe broken\n" + "\n".join(good[10:]).encode() + b"\n")
    code, out, err = run(capsys, str(path), str(tmp_path / "missing.jsonl"), "--format", "jsonl", "--jobs", "2")
    assert code == 2
    assert "mixed.jsonl:record 11" in err and "missing.jsonl" in err
    assert same_with_two(capsys, str(path), str(tmp_path / "missing.jsonl"), "--format", "jsonl") == out


def _die(*_):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_is_a_clear_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "news.jsonl.gz"
    write_jsonl(path, 10)
    monkeypatch.setattr(checkjobs, "run_batch", _die)  # the forked workers inherit it
    code, _, err = run(capsys, str(path), "--format", "jsonl", "--jobs", "2")
    assert code == 2
    assert "a worker process was killed by signal 9" in err
    assert "Traceback" not in err
