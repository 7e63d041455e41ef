"""Documents end to end: corpora in, findings per document out, nothing carried across a
document boundary, clear errors for bad arguments, and work linear in a document's length."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_rules import Engine
from arabic_rules.inputs import LONG_RUN
from arabic_rules.work import Work

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REF = dt.date(2021, 12, 13)

NAMED = 'وقال وزير الزراعة إن موسم الحصاد بدأ في 3 أيار الماضي.'
FOLLOW = "وأضاف أن الإنتاج سيبلغ 40 ألف طن."


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def arules(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "arabic_rules", *args], capture_output=True, text=True,
                          input=stdin, timeout=300)


def jsonl(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines()]


def alone(engine: Engine, text: str, ref_date=None) -> list[dict]:
    """The findings of one text extracted on its own, as JSON (what a corpus run must repeat)."""
    return json.loads(json.dumps([m.to_dict() for m in engine.extract(text, ref_date)], ensure_ascii=False,
                                 default=str))


def per_document(records: list[dict]) -> dict:
    out: dict = {}
    for r in records:
        out.setdefault(r["doc"], []).append({k: v for k, v in r.items()
                                             if k not in ("file", "line", "col", "doc", "record")})
    return out


# --- corpora in ------------------------------------------------------------------------------------

def test_a_jsonl_corpus_gives_each_document_its_own_findings(tmp_path, engine):
    docs = [{"id": "a", "date": "2022-05-20", "text": NAMED + "\n" + FOLLOW},
            {"id": "b", "date": "Tue, 03 Jan 2023 10:00:00 GMT", "text": FOLLOW},
            {"id": "c", "date": "2021-12-13T08:00:00+02:00", "text": "لا شيء هنا"}]
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    r = arules("check", str(path), "--id-field", "id", "--date-field", "date", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    records = jsonl(r.stdout)
    assert {x["record"] for x in records} == {1, 2}
    got = per_document(records)
    from arabic_rules.refdates import parse_ref_date
    for d in docs:
        assert got.get(d["id"], []) == alone(engine, d["text"], parse_ref_date(d["date"]))
    # the second document starts with a follow-up cue: no speaker comes over from the first one
    follow = [x for x in got["b"] if x["label"] == "attribution"]
    assert follow and follow[0]["value"]["speaker"] is None
    # the date of document a resolves against its own date
    may = next(x for x in got["a"] if x["label"] == "date")
    assert may["attrs"]["resolved"].startswith("2022-05")
    for x in records:  # offsets, line and col within the document's text
        text = next(d["text"] for d in docs if d["id"] == x["doc"])
        assert text[x["start"]:x["end"]] == x["text"]
        line = text.split("\n")[x["line"] - 1]
        assert line[x["col"] - 1:].startswith(x["text"].split("\n")[0])


def test_bad_records_get_one_line_each_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "1", "text": NAMED}, ensure_ascii=False) + "\n"
                    + '{"id": "2", "text": \n'
                    + json.dumps({"id": "3", "body": NAMED}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "4", "text": NAMED, "date": "yesterday-ish"}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "5", "text": NAMED}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = arules("check", str(path), "--id-field", "id", "--date-field", "date", "--format", "jsonl")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    errors = [x for x in r.stderr.splitlines() if x.startswith("arules: ")]
    assert [e.split(":record ")[1].split(":")[0] for e in errors] == ["2", "3", "4"]
    assert all(str(path) in e for e in errors)
    assert {x["doc"] for x in jsonl(r.stdout)} == {"1", "5"}
    assert "3 bad record(s)" in r.stderr


def test_csv_folders_and_globs(tmp_path, engine):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.csv").write_text("id,text\nx1," + NAMED + "\n", encoding="utf-8")
    (tmp_path / "sub" / "two.tsv").write_text("id\ttext\ny1\t" + FOLLOW + "\n", encoding="utf-8")
    r = arules("check", str(tmp_path / "sub"), "--id-field", "id", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert set(per_document(jsonl(r.stdout))) == {"x1", "y1"}
    r = arules("check", str(tmp_path / "sub" / "*.csv"), "--id-field", "id", "--format", "jsonl")
    assert set(per_document(jsonl(r.stdout))) == {"x1"}


@pytest.mark.parametrize("sep,joiner", [("formfeed", "\f"), ("blankline", "\n\n")])
def test_documents_in_one_text_file_are_separate(tmp_path, engine, sep, joiner):
    texts = [NAMED, FOLLOW, "قال المدير: \"بدأنا العمل\"", FOLLOW]
    path = tmp_path / "all.txt"
    path.write_text(joiner.join(texts) + "\n", encoding="utf-8")
    r = arules("check", str(path), "--doc-sep", sep, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    got = per_document(jsonl(r.stdout))
    for i, text in enumerate(texts, 1):
        assert got.get(f"{path}#{i}", []) == alone(engine, text), i


def test_the_plain_text_default_is_one_document_where_speakers_carry_over(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(NAMED + "\n" + FOLLOW + "\n", encoding="utf-8")
    r = arules("check", str(path), "--format", "jsonl", "--labels", "attribution")
    found = jsonl(r.stdout)
    assert [x["value"]["speaker"] for x in found] == ["وزير الزراعة", "وزير الزراعة"]
    assert "doc" not in found[0]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_a_real_corpus_sample_gives_the_findings_of_each_article_alone(tmp_path, engine):
    from arabic_rules.refdates import parse_ref_date

    sample = tmp_path / "sample.jsonl.gz"
    articles = []
    with gzip.open(CORPUS / "news-ant-v1.1-00.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            articles.append(json.loads(line))
            if len(articles) == 60:
                break
    with gzip.open(sample, "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles))
    r = arules("check", str(sample), "--id-field", "id", "--date-field", "date", "--format", "jsonl", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    got = per_document(jsonl(r.stdout))
    for a in articles:
        assert got.get(a["id"], []) == alone(engine, a["text"], parse_ref_date(a["date"])), a["id"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_articles_joined_by_single_newlines_keep_their_attributions(engine):
    """One stray quotation mark used to silence every later cue of the block (36% were left)."""
    texts = []
    with gzip.open(CORPUS / "news-ant-multisource-00.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) == 300:
                break
    one_by_one = sum(len(engine.extract(t, labels={"attribution"})) for t in texts)
    joined = len(engine.extract("\n".join(texts), labels={"attribution"}))
    assert joined >= 0.95 * one_by_one


# --- extract_many ------------------------------------------------------------------------------------

def test_extract_many_takes_texts_tuples_and_mappings_in_order(engine):
    docs = [NAMED, ("x", FOLLOW), ("y", "في 9 كانون الأول الجاري", "2020-06-01"),
            {"id": "z", "text": FOLLOW, "ref_date": dt.date(2020, 1, 1)}]
    out = list(engine.extract_many(docs, ref_date=REF))
    assert [i for i, _ in out] == ["0", "x", "y", "z"]
    assert [m.to_dict() for m in out[0][1]] == [m.to_dict() for m in engine.extract(NAMED, REF)]
    assert out[2][1][0].attrs["resolved"] == "2020-12-09"
    follow = [m for m in out[1][1] if m.label == "attribution"]
    assert follow and follow[0].value["speaker"] is None  # nothing carried from the text before


def test_extract_many_with_two_processes_gives_the_same(engine):
    docs = [(i, NAMED if i % 2 else FOLLOW) for i in range(40)]
    one = [(i, [m.to_dict() for m in ms]) for i, ms in engine.extract_many(docs)]
    two = [(i, [m.to_dict() for m in ms]) for i, ms in engine.extract_many(docs, jobs=2)]
    assert one == two and [i for i, _ in two] == list(range(40))


def test_extract_many_refuses_what_it_cannot_use(engine):
    with pytest.raises(TypeError, match="item 1"):
        list(engine.extract_many([NAMED, 42]))
    with pytest.raises(ValueError, match="jobs"):
        list(engine.extract_many([NAMED], jobs=-1))


# --- arguments ------------------------------------------------------------------------------------------

def test_the_api_checks_its_arguments(engine, tmp_path):
    with pytest.raises(TypeError, match="not a str"):
        engine.extract(NAMED, labels="date")
    with pytest.raises(ValueError, match="unknown label.*dat\\b"):
        engine.extract(NAMED, labels={"dat"})
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        engine.extract(NAMED, ref_date="13/12/2021x")
    with pytest.raises(TypeError, match="datetime.date"):
        engine.extract(NAMED, ref_date=20211213)
    with pytest.raises(TypeError, match="list of rule files"):
        Engine.from_paths("rules")
    with pytest.raises(ValueError, match="no such rule file"):
        Engine.from_paths([tmp_path / "missing"])
    for bad in (-1, 0):
        with pytest.raises(ValueError, match="more than 0"):
            Engine(engine.pack, timeout=bad)
    text = "في 9 كانون الأول الجاري"
    as_text = engine.extract(text, ref_date="2021-12-13")
    as_datetime = engine.extract(text, ref_date=dt.datetime(2021, 12, 13, 23, 59))
    assert as_text[0].attrs["resolved"] == as_datetime[0].attrs["resolved"] == "2021-12-09"


@pytest.mark.parametrize("args,message", [
    (["--timeout", "0"], "more than 0"),
    (["--timeout", "-5"], "more than 0"),
    (["--jobs", "-1"], "not a number of processes"),
])
def test_bad_options_give_one_clear_line(tmp_path, args, message):
    path = tmp_path / "a.txt"
    path.write_text(NAMED, encoding="utf-8")
    r = arules("check", str(path), *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_version():
    from arabic_rules import __version__

    r = arules("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"arules {__version__}"


def test_a_stray_byte_is_named_or_replaced(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes((NAMED + "\n").encode() * 3 + b"\xff" + (NAMED + "\n").encode())
    strict = arules("check", str(path), "--format", "jsonl")
    offset = len((NAMED + "\n").encode()) * 3
    assert strict.returncode == 2 and f"byte {offset}" in strict.stderr and "--encoding-errors" in strict.stderr
    assert sum(x["label"] == "attribution" for x in jsonl(strict.stdout)) == 3  # the text before it
    replaced = arules("check", str(path), "--format", "jsonl", "--encoding-errors", "replace")
    assert replaced.returncode == 0
    assert sum(x["label"] == "attribution" for x in jsonl(replaced.stdout)) == 4


def test_utf16_with_a_bom_is_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(NAMED.encode("utf-16"))
    r = arules("check", str(path), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    assert any(x["label"] == "attribution" for x in jsonl(r.stdout))


def test_ctrl_c_with_workers_prints_one_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text((NAMED + "\n" + FOLLOW + "\n") * 40000, encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "arabic_rules", "check", str(path), "--jobs", "2", "--format",
                          "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdout.readline()  # the workers are running
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130
    assert err.strip() == "arules: interrupted"


# --- long runs and linear work ---------------------------------------------------------------------------

def test_a_long_run_without_whitespace_is_skipped_and_named(tmp_path, engine):
    path = tmp_path / "run.txt"
    head = NAMED + " "
    path.write_text(head + "ب" * (LONG_RUN + 10) + " " + NAMED, encoding="utf-8")
    r = arules("check", str(path), "--format", "jsonl", "--labels", "attribution")
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert f"skipped {LONG_RUN + 10:,} characters without whitespace (from character {len(head):,})" in r.stderr
    found = jsonl(r.stdout)
    text = path.read_text(encoding="utf-8")
    assert len(found) == 2 and all(text[x["start"]:x["end"]] == x["text"] for x in found)


def _news(size: int) -> str:
    unit = NAMED + " " + FOLLOW + ' وقال آخر: "بدأنا العمل" في 9 كانون الأول. '
    return (unit * (size // len(unit) + 1))[:size]


SHAPES = {
    "single-newline paragraphs": lambda n: _news(n).replace(". ", ".\n"),
    "one huge line": _news,
    "many unmatched quotes": lambda n: _news(n).replace("الزراعة", 'الزراعة "').replace("أيار", "« أيار"),
    "cue words only": lambda n: ("قال " * (n // 4 + 1))[:n],
    "no whitespace": lambda n: ("قال:«" * (n // 5 + 1))[:n],
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_work_is_linear_in_the_length_of_a_document(engine, shape):
    """Ten times the text costs at most 12 times the work, counted (not timed): every stage
    reports the characters or items it visited."""
    small, big = Work(), Work()
    engine.extract(SHAPES[shape](20_000), REF, work=small)
    engine.extract(SHAPES[shape](200_000), REF, work=big)
    assert small.total > 0
    assert big.total <= 12 * small.total, (small, big)
    for stage in ("tried", "scanned", "quotation_marks", "finished"):
        assert getattr(big, stage) <= 12 * max(getattr(small, stage), 1), stage


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_shows_on_a_terminal_stderr_and_never_in_the_findings(tmp_path, jobs):
    """A long corpus run with its findings in a pipe shows documents and bytes on stderr (a
    terminal here: a pseudo-terminal), and stdout holds nothing but findings."""
    import pty

    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": (NAMED + "\n" + FOLLOW + "\n") * 20},
                                       ensure_ascii=False) + "\n" for i in range(800)), encoding="utf-8")
    import threading

    leader, follower = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "arabic_rules", "check", str(path), "--id-field", "id",
                          "--format", "jsonl", "--jobs", jobs], stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    pieces: list[bytes] = []

    def drain():  # read the terminal while the run goes on: a full terminal buffer blocks the writer
        while True:
            try:
                piece = os.read(leader, 1 << 16)
            except OSError:
                return
            if not piece:
                return
            pieces.append(piece)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out, _ = p.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(leader)
    err = b"".join(pieces)
    assert p.returncode == 0
    assert all(json.loads(x)["doc"] for x in out.decode().splitlines())
    assert b"checking" in err and b"bytes" in err  # the progress line, not the summary


def test_prefer_reaches_the_worker_processes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(("يصل الوفد الخميس إلى العاصمة.\n" + NAMED + "\n") * 50, encoding="utf-8")
    runs = {}
    for jobs in ("1", "2"):
        for prefer in ("past", "future"):
            r = arules("check", str(path), "--labels", "date", "--ref-date", "2021-12-13", "--prefer", prefer,
                       "--jobs", jobs, "--format", "jsonl")
            assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
            runs[jobs, prefer] = [x["attrs"].get("resolved") for x in jsonl(r.stdout)]
    assert runs["1", "past"] == runs["2", "past"] and runs["1", "future"] == runs["2", "future"]
    assert "2021-12-16" in runs["2", "future"] and "2021-12-09" in runs["2", "past"]
