"""Lint's runaway check (`runaway.py`): each rule's program runs on the native core (or the
reference executor) over adversarial texts, and its work is counted in steps, never timed."""
from __future__ import annotations

import signal
import time
from types import SimpleNamespace

import pytest

from arabic_rules import Engine, ir, native, runaway
from arabic_rules.compiler import compile_pack
from arabic_rules.lint import _raw_ambiguous, lint
from arabic_rules.loader import load

# rules the static checks pass (no repetition inside an unbounded one); the first two run away
RULES = ("rules:\n"
         "  - {name: t.either, label: x, pattern: 'قال (_ | _ _)* \"!\"'}\n"  # a run of n words splits fib(n) ways
         "  - {name: t.twice, label: x, pattern: 'قال _* _* \"!\"'}\n"  # n**2 ways to share n words
         "  - {name: t.bounded, label: x, pattern: 'قال _{0,8} \"!\"'}\n"
         "  - {name: t.once, label: x, pattern: 'قال _* \"!\"'}\n"
         "  - {name: t.quoted, label: x, pattern: 'قال (_ \"،\"?)* \"«\"'}\n")

BACKENDS = ["native", "python"] if native.available() else ["python"]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    """Where the probes run: the native core, or the executor (as when the core is not built)."""
    if request.param == "python":
        monkeypatch.setattr(native, "available", lambda: False)
    return request.param


def _file(tmp_path, text: str = RULES):
    f = tmp_path / "r.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_rules_the_static_check_passes_are_reported_by_their_work(tmp_path, backend):
    f = _file(tmp_path)
    pack = load([f])
    assert [p for p in lint(pack, probe=False) if p.code.startswith("E")] == []
    problems = [p for p in lint(pack) if p.code == "E107"]
    assert {p.message.split("'")[1] for p in problems} == {"t.either", "t.twice"}
    either, twice = sorted(problems, key=lambda p: p.line)
    assert (either.path, either.line, either.col) == (str(f), 2, 12)  # where the rule is written
    assert "backtracks without bound" in either.message and "steps per character" in either.message
    assert "grows faster than the text" in twice.message and f"on {runaway.LONG * runaway.PROBE_TOKENS}" in twice.message


def test_the_work_of_a_quadratic_rule_grows_with_the_square_of_the_text(tmp_path):
    """Between a probe and one four times as long: a bounded rule's work stays, one repetition's
    grows four times, two repetitions sharing the words sixteen times."""
    cp = compile_pack(load([_file(tmp_path)]))
    count = runaway.counter(cp)

    def growth(i: int) -> float:
        short, long = (runaway.probe_texts(cp.rules[i], n)[0] for n in (40, 160))
        a, b = (count(i, t, runaway.starts(t), None)[0] for t in (short, long))
        return b / a

    assert growth(2) < 1.2 and 3 < growth(3) < 4.5 and 12 < growth(1) < 20


def test_a_hand_built_program_with_a_look_back_is_run_with_it(backend):
    """A program (built in code, as through the executor) runs on the core with its look back
    and line check: a runaway repetition after them is found, the same program without it not."""
    say = ir.Lit(("قال",), ())
    runaway_rep = ir.Rep(ir.Alt((ir.Cat((ir.Gap(False), ir.AnyWord())), ir.Cat((ir.Gap(False), ir.Raw(r"\w"))))), 0, None)
    programs = []
    for cond in (ir.Behind(ir.Lit(("ما",), ()), True, 1), ir.Assert(ir.LINE_START),
                 ir.Look(ir.Behind(ir.AnyWord(), False, 1), negate=True)):
        programs += [ir.Cat((cond, say, runaway_rep, ir.Lit(("!",), ()))), ir.Cat((cond, say))]
    compiled = SimpleNamespace(rules=[SimpleNamespace(program=p, literals=frozenset({"قال"})) for p in programs],
                               word_sets={})
    count = runaway.counter(compiled)
    verdicts = [runaway.probe(i, r, count) for i, r in enumerate(compiled.rules)]
    assert [v is not None and v.runs_away for v in verdicts] == [True, False] * 3


def test_the_verdict_is_counted_the_same_every_time_and_without_a_clock(tmp_path, monkeypatch):
    pack = load([_file(tmp_path)])
    compiled = compile_pack(pack)
    first = [str(p) for p in lint(pack, compiled)]

    def no_clock(*a, **k):
        raise AssertionError("lint read a clock or set an alarm")

    for name in ("monotonic", "perf_counter", "time", "process_time"):
        monkeypatch.setattr(time, name, no_clock)
    monkeypatch.setattr(signal, "setitimer", no_clock)
    monkeypatch.setattr(signal, "alarm", no_clock)
    again = [str(p) for p in lint(pack, compiled)]
    assert again == first and any("steps" in p for p in first)


def test_every_shipped_rule_stays_far_under_the_bounds():
    """Work grows at most about linearly (a bound of MAX_GROWTH) and takes a small part of the
    step budget, on every probe text of every shipped rule; lint passes them all."""
    engine = Engine.default()
    cp = engine.pack
    count = runaway.counter(cp)
    worst_growth, worst_per_char = 0.0, 0.0
    for i, r in enumerate(cp.rules):
        for short, long in zip(runaway.probe_texts(r), runaway.probe_texts(r, runaway.LONG * runaway.PROBE_TOKENS)):
            got = []
            for t in (short, long):
                at = runaway.starts(t)
                steps, stopped = count(i, t, at, runaway.STEPS_PER_CHAR * len(t) * len(at))
                assert not stopped, r.name
                got.append(steps)
                worst_per_char = max(worst_per_char, steps / len(t) / len(at))
            if got[1] > runaway.FLOOR:
                worst_growth = max(worst_growth, got[1] / got[0])
    assert worst_growth <= runaway.LONG + 0.5 < runaway.MAX_GROWTH
    assert worst_per_char * 20 < runaway.STEPS_PER_CHAR
    from arabic_rules.loader import load as load_pack
    from arabic_rules.resources import data_dir

    assert [str(p) for p in lint(load_pack([data_dir("patterns")]), cp) if p.code.startswith("E")] == []


def test_only_zero_width_raw_regexes_are_taken_as_holding():
    for source, zero_width in [("(?=a)", True), ("(?!a(b)c)", True), ("(?=[)])", True), (r"(?=\))", True),
                               ("(?=[]()])", True), ("(?=a)b", False), ("(?=a)(?=b)", False),
                               ("(?=[^])])x", False), ("a", False), ("(?<=a)", False)]:
        assert runaway.is_lookahead(source) == zero_width, source


@pytest.mark.parametrize("source, ambiguous", [
    ("(a|aa)*b", True), ("(a|a)+c", True), (r"(?:\s?\w+|\s?\w)*!", True), ("(?:ab1|ac2|ab3)+", True),
    (r"(?:\wx|\dy)+", True), ("(?:ab|c)+d", False), ("(ab|ac)+", False), ("(a|b)+", False), ("a|aa", False),
    ("(?:a|aa)*+b", False), (r"(\w|\s)+", False), (r"(?:\sx|\dy)+", False), ("(?:[0-9]x|y)+", False),
])
def test_raw_regexes_with_alternatives_that_start_alike_inside_a_repetition(source, ambiguous):
    """Decided from the regex's structure (it was a timed `re` match on runs of its characters)."""
    assert _raw_ambiguous(source) == ambiguous
