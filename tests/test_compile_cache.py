"""What makes a cold compile short keeps the compiled results: widths from programs, the
prefilter's code built on first use and kept in the cache, lint's probes on cut-down lexicons."""
from __future__ import annotations

import re
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest
from types import SimpleNamespace

from arabic_rules import Engine, cache, programs
from arabic_rules.compiler import DEFAULT_MAX_SPAN

LEX = "lexicons:\n  say: [قال, أكد, صرح]\n  who: [الوزير, رئيس الوزراء]\n"
RULES = LEX + ("rules:\n  - {name: a, label: x, pattern: 'cue:@say speaker:@who? \":\"? _{0,3}'}\n"
               "  - {name: b, label: x, pattern: 'w:@who re\"[0-9]{2}\"'}\n")


@pytest.fixture(scope="module")
def shipped():
    return Engine.default()


@pytest.fixture(scope="module")
def sources(shipped) -> dict[str, str]:
    """Rule name -> the rule's program rendered as one regex (`ir.to_regex`, lexicons as their
    character tries): what lint's probes cut down, and what `re` reads widths from."""
    from arabic_rules import ir
    from arabic_rules.compiler import word_set_regex

    tries = {name: word_set_regex(ws) for name, ws in shipped.pack.word_sets.items()}
    memo: dict = {}
    return {r.name: ir.to_regex(r.program, tries, memo) for r in shipped.rules}


def test_rule_widths_are_those_re_computes(shipped, sources):
    """`program_width` is the width `re` gives the rule's program rendered as a regex (the
    rules whose regex parses fast: the width code is the same for all)."""
    checked = 0
    for r in shipped.rules:
        if len(sources[r.name]) < 20_000:
            assert r.width == min(sre_parse.parse(sources[r.name]).getwidth()[1], DEFAULT_MAX_SPAN), r.name
            assert r.bounded == (r.width < DEFAULT_MAX_SPAN)
            checked += 1
    assert checked > 30


def test_the_prefilters_code_is_built_on_first_use_and_kept_in_the_cache(rules_dir, tmp_path, monkeypatch):
    """The python back end plans in Python, with the prefilter and raw scans (`re`): their code is
    assembled when first run and kept in the cache, so the next engine on the pack reads it."""
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c"))
    d = rules_dir(pack=RULES)
    e = Engine.from_paths([d], backend="python")
    assert not e.pack.programs.assembled()  # the pack holds no code yet
    text = "قال الوزير: نعم وأكد الوزير 12"
    first = [(m.rule, m.start, m.end) for m in e.extract(text)]
    stored = list((tmp_path / "c" / "regex").glob("*.pickle"))
    assert first and len(stored) >= 1
    monkeypatch.setattr(programs, "assemble", lambda s: pytest.fail("compiled a regex the cache holds"))
    again = Engine.from_paths([d], backend="python")
    assert [(m.rule, m.start, m.end) for m in again.extract(text)] == first
    monkeypatch.undo()
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c2"))
    fresh = Engine.from_paths([d], use_cache=False, backend="python")  # nothing written without the cache
    assert [(m.rule, m.start, m.end) for m in fresh.extract(text)] == first
    assert not (tmp_path / "c2").exists()


def test_stored_regex_code_is_checked_against_its_source(tmp_path, monkeypatch):
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path))
    src = r"(?<!\w)(?:قال|اكد)(?!\w)"
    cache.store_code(src, programs.assemble(src))
    assert cache.load_code(src)[0] == src
    (tmp_path / "regex" / cache._code_name(src)).write_bytes(b"not a pickle")
    assert cache.load_code(src) is None  # a broken entry is a miss
    assert programs.load({}, src, persist=True).match("قال") is not None


def test_lint_probes_match_as_the_whole_rule(shipped, sources):
    """A probe's regex (lexicons cut down to what its texts hold) matches every probe text at
    every probed position as the rule's whole regex does (the rules of the shipped packs with
    the most lexicon entries in their regex, and a few others)."""
    from arabic_rules import ir, lint

    # (a rule with a look back has no `re` regex)
    rules = sorted((r for r in shipped.rules if not ir.needs_executor(r.program)), key=lambda r: len(sources[r.name]))
    picked = rules[:4] + rules[len(rules) // 2:len(rules) // 2 + 2] + \
        [r for r in rules if 20_000 < len(sources[r.name])][:2]
    for r in picked:
        texts = lint.probe_texts(r)
        cut = lint.probe_regex(r, texts, shipped.pack.word_sets)
        assert len(cut) <= len(sources[r.name])
        small, whole = re.compile(cut), programs.load({}, sources[r.name], persist=True)
        for text in texts:
            for i in range(0, len(text), len(text) // 12):
                a, b = small.match(text, i), whole.match(text, i)
                # (a capture in a branch that cannot match these texts is not in the probe's regex)
                assert (a and (a.span(), _set(a))) == (b and (b.span(), _set(b))), (r.name, i)


def _set(m) -> dict:
    """The groups a match set."""
    return {k: v for k, v in m.groupdict().items() if v is not None}


def test_the_probe_stops_a_runaway_regex_in_re():
    """`re` (what the regex back end runs) explodes on this regex, the ``regex`` module not: the
    probe times it in `re`."""
    from types import SimpleNamespace

    from arabic_rules import lint

    rule = SimpleNamespace(literals=frozenset({"قال"}), program=None, source=r"(?:\s?\w+|\s?\w)*!")
    assert "backtracks without bound" in lint._probe(rule)


def test_a_rule_with_a_look_back_is_probed_in_re_with_its_look_backs_holding(monkeypatch):
    """A look back or line check (which `re` cannot read) is taken as holding in the probe: the
    probe compiles with `re`, never with the slow `regex` module, and still finds a runaway
    repetition after a look back."""
    from arabic_rules import ir, lint

    monkeypatch.setattr(lint.regex, "compile", lambda *a, **k: pytest.fail("compiled with the regex module"))
    say = ir.Lit(("قال",), ())
    runaway = ir.Rep(ir.Alt((ir.Cat((ir.Gap(False), ir.AnyWord())), ir.Cat((ir.Gap(False), ir.Raw(r"\w"))))), 0, None)
    for cond in (ir.Behind(ir.Lit(("ما",), ()), True, 1), ir.Assert(ir.LINE_START),
                 ir.Look(ir.Behind(ir.AnyWord(), False, 1), negate=True)):
        program = ir.Cat((cond, say, runaway, ir.Lit(("!",), ())))
        assert ir.needs_executor(program) and not ir.needs_executor(lint.without_look_backs(program))
        rule = SimpleNamespace(literals=frozenset({"قال"}), program=program, source=ir.to_regex(program, {}))
        assert "backtracks without bound" in lint._probe(rule, {}), cond
    safe = ir.Cat((ir.Behind(ir.Lit(("ما",), ()), True, 1), say))
    assert lint._probe(SimpleNamespace(literals=frozenset({"قال"}), program=safe, source=""), {}) == ""


def test_the_cache_keeps_its_recently_used_entries_within_its_limit(tmp_path):
    import os

    (tmp_path / "regex").mkdir()
    for i in range(8):
        p = (tmp_path / "regex" if i % 2 else tmp_path) / f"e{i}.pickle"
        p.write_bytes(b"x" * 1000)
        os.utime(p, (1000 + i, 1000 + i))  # e0 the least recently used
    cache.prune(tmp_path, limit=8000)
    assert len(list(tmp_path.rglob("*.pickle"))) == 8  # within the limit: nothing goes
    cache.prune(tmp_path, limit=5000)
    left = sorted(p.name for p in tmp_path.rglob("*.pickle"))
    assert left == ["e5.pickle", "e6.pickle", "e7.pickle"]  # down to 3/4 of the limit, oldest first


def test_a_rule_whose_probe_passed_is_not_probed_again(rules_dir, tmp_path, monkeypatch):
    from arabic_rules import lint
    from arabic_rules.loader import load

    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c"))
    d = rules_dir(pack=RULES)
    assert lint.lint(load([d])) == []
    assert len(list((tmp_path / "c" / "marks").iterdir())) == 2
    monkeypatch.setattr(lint.alarm, "available", lambda: False)  # a probe would now use the regex module
    monkeypatch.setattr(lint.regex, "compile", lambda *a, **k: pytest.fail("probed again"))
    assert lint.lint(load([d])) == []
    (d / "pack.yaml").write_text(RULES.replace("_{0,3}", "_{0,4}"), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="probed again"):  # the edited rule is probed
        lint.lint(load([d]))


def test_a_native_engine_never_builds_the_python_planners_regexes(rules_dir, tmp_path, monkeypatch):
    """The prefilter and the raw scans are the Python planner's (the python back end's): a
    default engine on the native back end compiles, caches, loads and runs a pack without
    assembling one of them; read later, they are there."""
    from arabic_rules import native

    if not native.available():
        pytest.skip("the native core is not built")
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c"))
    d = rules_dir(pack=RULES)
    text = "قال الوزير: نعم وأكد الوزير 12"
    want = [(m.rule, m.start, m.end) for m in Engine.from_paths([d], use_cache=False, backend="python").extract(text)]
    assert want
    with monkeypatch.context() as m:
        m.setattr(programs, "assemble", lambda s: pytest.fail("assembled a regex's code"))
        cold = Engine.from_paths([d], backend="native")  # compiled and stored in the cache
        warm = Engine.from_paths([d], backend="native")  # read from the cache
        for e in (cold, warm):
            assert e.backend == "native"
            assert [(x.rule, x.start, x.end) for x in e.extract(text)] == want
            assert e.pack.programs and not e.pack.programs.assembled()
    assert len(warm.pack.programs.assembled()) == 0 and warm.pack.programs[warm.pack.anchors.prefilter][0] == \
        warm.pack.anchors.prefilter
