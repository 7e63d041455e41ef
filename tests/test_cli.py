"""`arules` run as a subprocess, the way users run it, on files the tests write."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = 'وقال رئيس اللجنة: "سنعلن النتائج في 9 كانون الأول/ ديسمبر"\nوأكد أن 300 مراقب سيحضرون.\n'


def arules(*args, cwd=None, stdin=None):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "arabic_rules", *args], capture_output=True, text=True,
                          cwd=cwd, input=stdin, env=env, timeout=120)


@pytest.fixture
def sample(tmp_path) -> Path:
    p = tmp_path / "news.txt"
    p.write_text(SAMPLE, encoding="utf-8")
    return p


def test_check_text_view(sample):
    r = arules("check", str(sample), "--ref-date", "2021-12-13")
    assert r.returncode == 0, r.stderr
    assert f"{sample}:1:1" in r.stdout and "attribution" in r.stdout
    assert f"{sample}:1:37" in r.stdout and "XXXX-12-09" in r.stdout
    assert "finding(s)" in r.stderr and "finding(s)" not in r.stdout  # the summary is no finding


def test_text_view_in_a_pipe_is_what_rich_prints_there(sample):
    """Findings written to a file or a pipe skip rich (its rendering took half the run), and
    are the very lines rich prints to a non-terminal."""
    import io

    from rich.console import Console

    from arabic_rules.report import plain_line, text_line

    records = [json.loads(x) for x in arules("check", str(sample), "--format", "jsonl").stdout.splitlines()]
    lines = SAMPLE.splitlines()
    buf = io.StringIO()
    console = Console(file=buf, highlight=False, soft_wrap=True)
    for r in records:
        console.print(text_line(r, lines[r["line"] - 1]))
    expected = buf.getvalue()
    assert expected == "".join(plain_line(r, lines[r["line"] - 1]) + "\n" for r in records)
    assert arules("check", str(sample)).stdout.startswith(expected)


def test_check_jsonl_is_the_contract(sample):
    r = arules("check", str(sample), "--format", "jsonl", "--ref-date", "2021-12-13")
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in r.stdout.splitlines()]
    text = sample.read_text(encoding="utf-8")
    assert {rec["label"] for rec in records} == {"attribution", "date", "number"}
    for rec in records:
        assert set(rec) == {"file", "line", "col", "label", "rule", "start", "end", "text", "value", "attrs", "fields"}
        assert text[rec["start"]:rec["end"]] == rec["text"]
        line = text.splitlines()[rec["line"] - 1]
        assert line[rec["col"] - 1:].startswith(rec["text"].split("\n")[0])
    date = next(rec for rec in records if rec["label"] == "date")
    assert date["value"] == "XXXX-12-09" and date["attrs"]["resolved"] == "2021-12-09"


def test_check_json_labels_and_stdin():
    r = arules("check", "-", "--format", "json", "--labels", "number", stdin=SAMPLE)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [(d["label"], d["value"]) for d in data] == [("number", 300)]


def test_check_from_another_directory_with_user_patterns(tmp_path, sample):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text("rules:\n  - {name: mine.committee, label: org, pattern: 'اللجنة'}\n",
                                     encoding="utf-8")
    r = arules("check", str(sample), "--patterns", str(rules), "--no-default", "--format", "jsonl", cwd="/")
    assert r.returncode == 0, r.stderr
    assert [json.loads(x)["rule"] for x in r.stdout.splitlines()] == ["mine.committee"]


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("DIR", "is a directory"),
    (b"", "empty file"),
    (b"\x00\x01\x02binary", "binary"),
    ("قال".encode("utf-8") + b"\xff\xfe" + b" x", "not valid utf-8 at byte 6"),
])
def test_bad_inputs_give_one_clear_line_and_exit_2_and_others_are_still_checked(tmp_path, sample, content, message):
    bad = tmp_path / "bad.txt"
    if content == "DIR":
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    r = arules("check", str(bad), str(sample), "--format", "jsonl")
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    errors = [x for x in r.stderr.splitlines() if x.startswith("arules: ")]
    assert len(errors) == 1 and r.stderr.strip().splitlines()[-1].startswith("4 finding(s)")  # then the summary
    assert r.stdout.strip(), "the good file is still checked"


def test_encoding_option(tmp_path):
    p = tmp_path / "win.txt"
    p.write_bytes("أمام 300 صحفي".encode("cp1256"))
    assert arules("check", str(p)).returncode == 2
    r = arules("check", str(p), "--encoding", "cp1256", "--format", "jsonl")
    assert r.returncode == 0 and json.loads(r.stdout)["value"] == 300


def test_usage_errors(sample):
    assert arules("check", str(sample), "--ref-date", "yesterday").returncode == 2
    r = arules("check", str(sample), "--labels", "nope")
    assert r.returncode == 2 and "unknown label" in r.stderr
    assert arules().returncode == 2


def test_broken_rule_file_is_reported_file_line_col(tmp_path, sample):
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {name: r, label: l, pattern: 'قال )'}\n", encoding="utf-8")
    r = arules("check", str(sample), "--patterns", str(rules))
    assert r.returncode == 2 and f"{rules}:2:39: E101" in r.stderr and "Traceback" not in r.stderr
    r = arules("lint", str(rules))  # a rule file that does not load fails the lint: exit 1
    assert r.returncode == 1 and "E101" in r.stderr and "Traceback" not in r.stderr
    r = arules("lint", str(tmp_path / "missing.yaml"))  # a path that cannot be read: usage, 2
    assert r.returncode == 2 and "E001" in r.stderr


def test_lint_checks_the_rules_that_load_beside_one_that_does_not(tmp_path):
    """Every problem at once: a pattern that does not parse does not hide another rule that can
    match empty text."""
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {name: a, label: l, pattern: 'قال )'}\n"
                     "  - {name: b, label: l, pattern: 'قال?'}\n  - {name: c, label: l, pattern: 'قال'}\n",
                     encoding="utf-8")
    r = arules("lint", str(rules))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{rules}:2:" in r.stderr and "E101" in r.stderr
    assert f"{rules}:3:" in r.stderr and "E112 rule 'b'" in r.stderr
    assert "rule 'c'" not in r.stderr


@pytest.mark.slow  # (waits for the probe's time limit)
def test_lint_rejects_a_runaway_rule(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {name: r, label: l, pattern: 'قال (_+ _?)* \"!\"'}\n", encoding="utf-8")
    r = arules("lint", str(rules))
    assert r.returncode == 1 and "E107" in r.stderr
    assert arules("lint").returncode == 0


def test_test_command_reports_failures_like_a_test_runner(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - name: r\n    label: l\n    pattern: 'قال'\n    examples:\n"
                     "      - 'ثم [قال] هو'\n      - 'ثم [قالت] هي'\n      - not: 'لا شيء هنا'\n", encoding="utf-8")
    r = arules("test", str(rules))
    assert r.returncode == 1
    assert "2 passed, 1 failed" in r.stdout and f"{rules}:7:9: FAIL r" in r.stdout
    assert arules("test").returncode == 0


def test_explain_says_how_far_a_rule_got(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {name: my.said, label: x, pattern: 'قال الوزير \":\" _'}\n"
                     "  - {name: my.minister, label: y, pattern: 'الوزير'}\n"
                     "  - {name: my.never, label: z, pattern: 'أبداً'}\n", encoding="utf-8")
    r = arules("explain", "قال الوزير إن الاجتماع انتهى: نعم", "--patterns", str(rules), "--no-default")
    assert r.returncode == 0, r.stderr
    assert "FAILED   my.said at 0" in r.stdout and "matched 2/4 items" in r.stdout and '":" did not match' in r.stdout
    assert "FIRED    my.minister [4:10]" in r.stdout
    assert "UNTRIED  my.never" in r.stdout
    r = arules("explain", "في 12/03/2020")
    assert "FIRED    date." in r.stdout and "absorbed by date." in r.stdout


def test_forms_command():
    r = arules("forms", "ء ك د", "II")
    assert r.returncode == 0 and "يؤكد" in r.stdout and "perfect" in r.stdout
    r = arules("forms", "ق و ل", "I-holow")
    assert r.returncode == 2 and "did you mean 'I-hollow'" in r.stderr
