"""A value builder call that does not fit the builder's Python signature is a clean load error
(E114 at the value, file:line:col), never a TypeError in the middle of `arules test` or `check`."""
import os
import subprocess
import sys

import pytest

from arabic_rules import Engine, RuleError, builder
from arabic_rules import values
from arabic_rules.lint import lint
from arabic_rules.loader import load
from arabic_rules.values import call_problem

BAD = """\
rules:
  - name: t.scale
    label: number
    pattern: 'n:re"[0-9]+" scale:مليون'
    value: number(n, scale=scale)
    examples:
      - 'بلغ [5 مليون] دولار -> 5000000'
  - name: t.many
    label: number
    pattern: 'n:re"[0-9]+" ألف'
    value:   number(n, "cardinal", "a", "b", "c", "d")
  - name: t.fine
    label: number
    pattern: 'n:re"[0-9]+" دينار'
    span: n
    value: number(n)
    examples:
      - 'دفع [20] دينار'
"""


def arules(*args):
    return subprocess.run([sys.executable, "-m", "arabic_rules", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text``."""
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_arules_lint_reports_each_call_at_its_value(bad):
    r = arules("lint", str(bad))
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    line, col = where(BAD, "number(n, scale=scale)")
    assert f"{bad}:{line}:{col}: E114 rule 't.scale': number() has no parameter 'scale'" in r.stderr
    line, col = where(BAD, 'number(n, "cardinal"')
    assert f"{bad}:{line}:{col}: E114 rule 't.many': number(): too many positional arguments" in r.stderr
    assert "t.fine" not in r.stderr  # a call that fits is not reported


def test_arules_test_and_check_stop_cleanly_instead_of_crashing(bad, tmp_path):
    r = arules("test", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "TypeError" not in r.stderr
    assert "E114" in r.stderr
    news = tmp_path / "news.txt"
    news.write_text("بلغ 5 مليون دولار\n", encoding="utf-8")
    r = arules("check", str(news), "--patterns", str(bad), "--no-default")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "E114" in r.stderr


def test_engine_from_paths_raises_a_rule_error(bad):
    with pytest.raises(RuleError) as e:
        Engine.from_paths([bad], use_cache=False)
    codes = [(p.code, p.line) for p in e.value.problems]
    assert codes == [("E114", where(BAD, "number(n, scale")[0]), ("E114", where(BAD, 'number(n, "c')[0])]
    assert [r.name for r in e.value.partial.rules] == ["t.fine"]  # the sound rule still loads


def test_a_call_that_fits_loads_and_runs(rules_dir):
    path = rules_dir(ok="""
        rules:
          - name: t.ok
            label: number
            pattern: 'n:re"[0-9]+" kind:دينار'
            value: number(n, kind="cardinal", not_after="none")
        """)
    engine = Engine.from_paths([path], use_cache=False)
    assert [(m.text, m.value) for m in engine.extract("دفع 20 دينار")] == [("20 دينار", 20)]


@pytest.mark.parametrize("call,problem", [
    ("number(n, knd=kind)", "did you mean 'kind'?"),
    ("number(n, n=n)", "multiple values for argument 'n'"),
    ('number(kind="a", kind="b")', "argument 'kind' is given twice"),
    ("text(n, kind)", "too many positional arguments; it takes: f"),
    ("date(day=n, month=kind, hour=n)", "date() has no parameter 'hour'"),
])
def test_each_kind_of_misfit_is_named(rules_dir, call, problem):
    path = rules_dir(r=f"""
        rules:
          - name: t.r
            label: x
            pattern: 'n:re"[0-9]+" kind:دينار'
            value: {call}
        """)
    with pytest.raises(RuleError) as e:
        load([path])
    [p] = e.value.problems
    assert p.code == "E114" and problem in p.message
    assert (p.line, p.col) == (6, 12)  # the value, in the dedented file


def test_unknown_builder_is_still_e108_at_the_value(rules_dir):
    path = rules_dir(r="""
        rules:
          - name: t.r
            label: x
            pattern: 'n:re"[0-9]+"'
            value: numbr(n)
        """)
    with pytest.raises(RuleError) as e:
        load([path])
    [p] = e.value.problems
    assert (p.code, p.line, p.col) == ("E108", 6, 12) and "unknown value builder 'numbr'" in p.message


def test_user_builders_are_checked_by_their_own_signature(rules_dir, monkeypatch):
    monkeypatch.setitem(values._BUILDERS, "t_pair", None)  # removed again after the test

    @builder("t_pair")
    def pair(ctx, a, b, *, label="x"):
        return (a.text, b.text, label)

    monkeypatch.setitem(values._BUILDERS, "t_any", None)

    @builder("t_any")
    def anything(ctx, *args, **kwargs):
        return len(args) + len(kwargs)

    assert call_problem("t_pair", ("a",)) == "t_pair(): missing a required argument: 'b'; it takes: a, b, label"
    assert call_problem("t_pair", ("a", "b", "c")).startswith("t_pair(): too many positional arguments")
    assert call_problem("t_pair", ("a", "b"), (("label", "y"),)) == ""
    assert call_problem("t_any", (1, 2, 3), (("whatever", 1),)) == ""
    assert call_problem("no_such_builder", ("a",)) == ""  # unknown names are E108's business

    path = rules_dir(r="""
        rules:
          - name: t.pair
            label: x
            pattern: 'a:re"[0-9]+" b:دينار'
            value: t_pair(a, b, label="y")
        """)
    engine = Engine.from_paths([path], use_cache=False)
    assert [m.value for m in engine.extract("دفع 20 دينار")] == [("20", "دينار", "y")]


def test_lint_checks_calls_against_the_builders_registered_now(rules_dir, monkeypatch):
    """A pack that loaded may meet a builder registered again with another signature."""
    monkeypatch.setitem(values._BUILDERS, "t_late", None)

    @builder("t_late")
    def before(ctx, n=None):
        return n

    path = rules_dir(r="""
        rules:
          - name: t.late
            label: x
            pattern: 'n:re"[0-9]+" دينار'
            value: t_late(n)
        """)
    pack = load([path])
    assert [p for p in lint(pack, probe=False) if p.code.startswith("E")] == []

    @builder("t_late")
    def after(ctx):
        return 0

    problems = [p for p in lint(pack, probe=False) if p.code == "E114"]
    assert [(p.line, p.col) for p in problems] == [(6, 12)]
    assert "too many positional arguments" in problems[0].message
