"""What makes a cold compile short keeps the compiled results: widths from programs, the
prefilter's code built on first use and kept in the cache."""
from __future__ import annotations

from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

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
    character tries): what `re` reads widths from."""
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
