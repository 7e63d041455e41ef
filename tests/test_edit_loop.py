"""The linguist's edit loop: `arules test --watch`, and test/lint/explain through the pack cache."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arabic_rules import cli, watch

RULES = ("lexicons:\n  say: [قال, أكد]\n"
         "rules:\n  - name: t.say\n    label: attribution\n    pattern: 'cue:@say'\n"
         "    examples:\n      - '[قال] الوزير'\n")


def _pack(tmp_path: Path, text: str = RULES) -> Path:
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "rules.yaml").write_text(text, encoding="utf-8")
    return d


def test_a_saved_added_or_removed_file_is_a_change(tmp_path):
    d = _pack(tmp_path)
    before = watch.stamps([d])
    assert not watch.changed([d], before)
    f = d / "rules.yaml"
    f.write_text(RULES + "\n", encoding="utf-8")
    assert watch.changed([d], before)
    before = watch.stamps([d])
    (d / "more.yaml").write_text("lexicons:\n  x: [ب]\n", encoding="utf-8")
    assert watch.changed([d], before)
    before = watch.stamps([d])
    (d / "more.yaml").unlink()
    assert watch.changed([d], before)


def test_watch_runs_again_after_a_save_and_only_then(tmp_path):
    d = _pack(tmp_path)
    f = d / "rules.yaml"
    runs, naps = [], []

    def run():
        runs.append(f.read_text(encoding="utf-8"))
        return ()

    def sleep(seconds):  # the file is saved on the third look (with a time the system can tell apart)
        naps.append(seconds)
        if len(naps) == 3:
            st = f.stat()
            f.write_text(RULES.replace("أكد", "صرح"), encoding="utf-8")
            os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

    said = []
    assert watch.watch(run, [d], interval=0.01, max_runs=2, sleep=sleep, say=said.append) == 2
    assert len(naps) == 3 and "صرح" not in runs[0] and "صرح" in runs[1]
    assert said[0].startswith("watching 1 file(s)")


def test_ctrl_c_ends_the_watch_quietly(tmp_path):
    d = _pack(tmp_path)

    def sleep(seconds):
        raise KeyboardInterrupt

    assert watch.watch(lambda: (), [d], sleep=sleep, say=lambda s: None) == 1


def test_files_a_run_read_are_watched_too(tmp_path):
    """An import outside the watched folder (here a file beside it) counts as the pack's."""
    d = _pack(tmp_path)
    other = tmp_path / "words.yaml"
    other.write_text("lexicons:\n  y: [ب]\n", encoding="utf-8")
    looks = []

    def sleep(seconds):
        looks.append(seconds)
        if len(looks) == 2:
            st = other.stat()
            os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

    assert watch.watch(lambda: [other], [d], max_runs=2, sleep=sleep, say=lambda s: None) == 2


def test_test_watch_reruns_on_save_and_stops_on_ctrl_c(tmp_path):
    """The command as a user runs it: it tests, waits, tests again after a save that breaks an
    example, and Ctrl-C ends it with no traceback."""
    d = _pack(tmp_path)
    p = subprocess.Popen([sys.executable, "-m", "arabic_rules", "test", "--watch", str(d)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        first = p.stdout.readline()
        assert "1 passed, 0 failed" in first
        assert "watching" in p.stderr.readline()
        time.sleep(0.05)
        f = d / "rules.yaml"
        f.write_text(RULES.replace("[قال] الوزير", "[أعلن] الوزير"), encoding="utf-8")
        st = f.stat()
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        lines = []
        while not any("passed" in x for x in lines):
            lines.append(p.stdout.readline())
        assert "FAIL t.say" in "".join(lines) and "0 passed, 1 failed" in lines[-1]
        while "watching" not in p.stderr.readline():  # (waiting again: Ctrl-C now ends the watch)
            pass
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert "Traceback" not in err and p.returncode == cli.EXIT_FAIL  # the last run failed


def test_test_and_lint_compile_an_unchanged_pack_once(tmp_path, monkeypatch, capsys):
    d = _pack(tmp_path)
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["test", str(d)]) == cli.EXIT_OK
    import arabic_rules.engine as engine

    def fail(*a, **k):
        pytest.fail("compiled again")

    real = engine.compile_pack
    for module in ("engine", "lint", "explain", "examples"):
        monkeypatch.setattr(f"arabic_rules.{module}.compile_pack", fail)
    from arabic_rules import native

    for backend in ("python",) + (("native",) if native.available() else ()):
        assert cli.main(["test", "--backend", backend, str(d)]) == cli.EXIT_OK
    assert cli.main(["lint", str(d)]) == cli.EXIT_OK
    assert cli.main(["explain", "قال الوزير", "--patterns", str(d), "--no-default"]) == cli.EXIT_OK
    assert "FIRED    t.say" in capsys.readouterr().out
    (d / "rules.yaml").write_text(RULES.replace("أكد", "صرح"), encoding="utf-8")  # edited: compiled anew
    monkeypatch.setattr(engine, "compile_pack", real)
    assert cli.main(["test", str(d)]) == cli.EXIT_OK


def test_test_runs_on_every_back_end(tmp_path, capsys):
    from arabic_rules import native

    d = _pack(tmp_path, RULES.replace("'[قال] الوزير'", "'[قال] الوزير'\n      - not: 'الوزير'"))
    for backend in ("python",) + (("native",) if native.available() else ()):
        assert cli.main(["test", "--backend", backend, str(d)]) == cli.EXIT_OK
        assert "2 passed, 0 failed" in capsys.readouterr().out


def test_test_names_a_missing_path(tmp_path, capsys):
    assert cli.main(["test", "--watch", str(tmp_path / "nope")]) == cli.EXIT_USAGE
    assert "no such rule file or directory" in capsys.readouterr().err


def test_a_native_core_that_is_not_built_is_a_clear_error(tmp_path, monkeypatch, capsys):
    from arabic_rules import native

    def missing():
        raise ImportError("arabic_rules._core (the native core) is not built: install the package")

    monkeypatch.setattr(native, "load_extension", missing)
    d = _pack(tmp_path)
    assert cli.main(["test", "--backend", "native", str(d)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "is not built" in err and "--backend" in err and "Traceback" not in err
