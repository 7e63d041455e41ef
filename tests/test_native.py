"""The native core (`arabic_rules._core` through `arabic_rules.native`) finds what the reference
executor finds: at every (rule, start) the engine tries over real news, on hand-built programs of
every node kind, on random programs, and on raw regexes (translated from Python's syntax)."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic_rules import ir, native
from arabic_rules.engine import Engine, _snap
from arabic_rules.executor import Executor, is_word
from arabic_rules.normalize import normalize

pytestmark = pytest.mark.skipif(not native.available(), reason="arabic_rules._core is not built")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def executor_found(ex: Executor, program: ir.Node, groups, text: str, pos: int, endpos: int | None):
    m = ex.match(program, text, pos, endpos)
    return None if m is None else (m.end(), [m.span(g) for g in groups])


def as_tuples(found):
    return None if found is None else (found[0], [tuple(s) for s in found[1]])


# --- (a) real news: every try the engine makes --------------------------------------------------

@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@pytest.mark.skipif(not (CORPUS / "sample-1mb.txt").is_file(), reason=f"the shared corpus is not at {CORPUS}")
def test_every_try_on_200kb_of_news_agrees_with_the_executor(engine, capsys):
    pack = engine.pack
    text = normalize((CORPUS / "sample-1mb.txt").read_text(encoding="utf-8")[:200_000]).text
    by_rule: dict[int, list[int]] = {}
    for ri, s in engine._starts(text, None):
        by_rule.setdefault(ri, []).append(s)
    jobs = []
    for ri, starts in sorted(by_rule.items()):
        rule = pack.rules[ri]
        starts.sort()
        ends = [len(text) if rule.bounded else _snap(text, s + rule.max_span) for s in starts]
        jobs.append((ri, starts, ends))
    core = native.Core(pack)

    t0 = time.perf_counter()
    prepared = core.prepare(text)
    got = {ri: core.match_many(ri, prepared, starts, ends) for ri, starts, ends in jobs}
    t_native = time.perf_counter() - t0

    ex = Executor(pack.word_sets)
    t0 = time.perf_counter()
    want = {}
    for ri, starts, ends in jobs:
        rule = pack.rules[ri]
        groups = list(core.groups(ri))
        assert groups == list(dict.fromkeys(g for g, _, _ in rule.groups))
        want[ri] = [executor_found(ex, rule.program, groups, text, s, e) for s, e in zip(starts, ends)]
    t_python = time.perf_counter() - t0

    tries = sum(len(s) for _, s, _ in jobs)
    diffs = [(pack.rules[ri].name, s) for ri, starts, _ in jobs for s, a, b in zip(starts, got[ri], want[ri])
             if as_tuples(a) != as_tuples(b)]
    matched = sum(a is not None for ri in got for a in got[ri])
    with capsys.disabled():
        print(f"\nnative core on {len(text)} chars of news: {tries} tries of {len(jobs)} rules, {matched} matches, "
              f"{len(diffs)} disagreements; native {t_native:.3f}s, executor {t_python:.2f}s")
    assert tries > 10_000 and matched > 1_000
    assert diffs == []


# --- (b) hand-built programs ----------------------------------------------------------------------

SETS = {
    "month": ir.WordSet(("كانون الاول", "كانون", "ايار", "تشرين  الثاني")),
    "say": ir.WordSet(("قال", "اكد", "قا"), ("ت", "وا", "تا"), ("يقول", "قالتا")),
    "punct": ir.WordSet((":", "،", "«")),
}
W = ir.AnyWord()
RB, LB, NOSPLIT = ir.Assert(ir.RB), ir.Assert(ir.LB), ir.Assert(ir.NOSPLIT)
G = ir.Group


def lit(*tokens, gaps=None):
    return ir.Lit(tuple(tokens), tuple(gaps if gaps is not None else [True] * (len(tokens) - 1)))


PROGRAMS = [
    # atoms
    lit("قال"),
    ir.cat(lit("قال", "ان", ":", gaps=[True, False]), RB),
    ir.cat(LB, W, ir.Gap(True), W),
    ir.cat(ir.Lex("month"), RB),
    ir.cat(ir.Lex("month"), ir.Gap(True), lit("2021")),
    ir.cat(ir.Lex("say"), RB),
    ir.cat(ir.Lex("say"), lit("ال")),
    ir.cat(ir.Lex("punct"), ir.Gap(False), W),
    ir.Raw(r"(?<=x)\w+"),
    ir.cat(ir.Raw(r"(?<!\w)\d+(?:[.,]\d+)?(?!\d)"), ir.Gap(False), ir.Raw("%|٪")),
    ir.cat(NOSPLIT, ir.Raw(r"[وف]?(?=ال)"), W),
    ir.cat(ir.Raw("a|ab"), lit("c")),  # atomic: "a" only
    # structure, greedy and possessive
    ir.cat(ir.Alt((lit("ab"), lit("a"))), lit("bc")),
    ir.cat(ir.Opt(ir.Alt((lit("ab"), lit("a")))), lit("bc")),
    ir.cat(ir.Opt(ir.Alt((lit("ab"), lit("a"))), possessive=True), lit("bc")),
    ir.cat(W, ir.Rep(ir.cat(ir.Gap(True), W), 0, None), ir.Gap(True), lit("ب")),
    ir.cat(W, ir.Rep(ir.cat(ir.Gap(True), W), 0, None, possessive=True), ir.Gap(True), lit("ب")),
    ir.cat(ir.Rep(ir.cat(W, ir.Gap(False)), 1, 3), lit(".")),
    ir.cat(ir.Rep(ir.cat(W, ir.Gap(False)), 2, 2, possessive=True), W),
    ir.cat(ir.Rep(ir.Gap(False), 0, None), lit("x")),
    ir.cat(ir.Rep(ir.Gap(False), 1, None, possessive=True), lit("x")),
    # captures, in repetitions and alternatives
    ir.cat(ir.Rep(ir.cat(G("g0", W), ir.Gap(False)), 1, None), lit("!")),
    ir.cat(ir.Rep(G("g0", ir.Alt((lit("ab"), lit("a")))), 0, None), lit("b")),
    ir.cat(ir.Opt(G("g0", lit("x"))), G("g1", lit("y"))),
    ir.cat(ir.Rep(G("g0", ir.Gap(False)), 0, None, possessive=True), lit("x")),
    ir.cat(G("cue", ir.Lex("say")), RB, ir.Gap(True), G("who", ir.cat(W, ir.Opt(ir.cat(ir.Gap(True), W))))),
    # conditions
    ir.cat(ir.Look(G("g0", W)), W),
    ir.cat(ir.Look(lit("ال"), negate=True), W),
    ir.cat(ir.Opt(ir.Look(G("g0", lit("a")), negate=True)), lit("b")),
    ir.cat(ir.Alt((lit("a"), lit("ab"))), ir.Look(lit("c")), lit("c")),
    ir.cat(ir.Look(ir.cat(ir.Alt((lit("a"), lit("ab"))), lit("c"))), lit("ab")),
    # look backs: a word before (and its gap), two tokens back, a word's ending
    ir.cat(ir.Behind(ir.cat(LB, lit("قال"), RB, ir.Gap(False)), True, 1), W),
    ir.cat(ir.Behind(ir.cat(LB, ir.Lex("say"), ir.Gap(False), lit(":"), ir.Gap(False)), False, 2), W),
    ir.cat(ir.Lex("say"), ir.Behind(ir.Alt((lit("ت"), lit("وا"))), True, 1), RB),
    ir.cat(W, ir.Behind(ir.cat(G("g0", W), ir.Gap(False)), False, 3), ir.Gap(False), W),
]

TEXTS = [
    "قال", "قالت", "قال  ان:", "قال ان :x", "قالان:", "x قال ان:", "ab cd", "كلمة_1   اخري، ب", "ا ا ب", "ا ا ا",
    "كانون\n الاول 2021", "كانون 2021", "تشرين \t الثاني", "قالوا", "قالتا", "يقول", "قاال", "قالتال", ": كلمة",
    "xyz", "xyz 12,5 %", "12.5٪", "والكتاب", "الكتاب", "كتاب", "ab c", "abc", "abbc", "abab", "a b c.", "aa bb cc!",
    "y", "xy", "  x", "x", "قال الوزير", "قالت الوزيرة الكبري امس", "a", "b", "", " ", "abc d",
]


@pytest.mark.parametrize("i", range(len(PROGRAMS)))
def test_hand_built_programs_agree_with_the_executor(i):
    program = PROGRAMS[i]
    ex = Executor(SETS)
    core = native.Core.from_programs([program], SETS)
    groups = core.groups(0)
    checked = 0
    for text in TEXTS:
        t = core.prepare(text)
        for pos in range(len(text) + 1):
            for endpos in sorted({len(text), pos, min(len(text), pos + 1), min(len(text), pos + 3)}):
                want = executor_found(ex, program, groups, text, pos, endpos)
                assert as_tuples(core.match(0, t, pos, endpos)) == want, (text, pos, endpos)
                checked += 1
    assert checked > 500


def test_endpos_cuts_a_word_and_raw_lookbehind_sees_before_pos():
    core = native.Core.from_programs([ir.cat(W, RB), ir.Raw(r"(?<=x)\w+"), ir.Raw(r"\w+(?=%)")], {})
    t = core.prepare("abc xyz 12%")
    assert core.match(0, t, 0, 2) == (2, [])  # the text ends at endpos: a cut word ends there
    assert core.match(1, t, 5) == (7, []) and core.match(1, t, 5, 6) == (6, [])
    assert core.match(1, t, 4) is None
    assert core.match(2, t, 8) == (10, []) and core.match(2, t, 8, 10) is None  # nothing past endpos


# --- random programs --------------------------------------------------------------------------------

ALPHABET = "قالتوب ان،:.ab"
_atoms = st.one_of(
    st.builds(lambda ws: ir.Lit(tuple(ws), tuple(True for _ in ws[1:])),
              st.lists(st.sampled_from(["قال", "ت", "ان", "a", "b", "ab", "،", ":"]), min_size=1, max_size=3)),
    st.sampled_from([ir.Lex("say"), ir.Lex("month"), ir.Lex("punct"), W, ir.Gap(True), ir.Gap(False), RB, LB,
                     NOSPLIT, ir.Raw(r"\w{1,2}"), ir.Raw(r"(?<=\s)ا"), ir.Raw("[ab]+?b|a")]),
)


def _grow(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=4).map(lambda xs: ir.Cat(tuple(xs))),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: ir.Alt(tuple(xs))),
        st.builds(ir.Opt, children, st.booleans()),
        st.builds(lambda n, lo, extra, pos: ir.Rep(n, lo, None if extra is None else lo + extra, pos),
                  children, st.integers(0, 2), st.one_of(st.none(), st.integers(0, 2)), st.booleans()),
        st.builds(ir.Look, children, st.booleans()),
        st.builds(ir.Behind, children, st.booleans(), st.integers(0, 3)),
        st.builds(lambda n, i: ir.Group(f"g{i}", n), children, st.integers(0, 2)),
    )


random_programs = st.recursive(_atoms, _grow, max_leaves=10)


@given(random_programs, st.lists(st.text(ALPHABET, max_size=14), min_size=1, max_size=3))
def test_random_programs_agree_with_the_executor(program, texts):
    ex = Executor(SETS)
    core = native.Core.from_programs([program], SETS)
    groups = core.groups(0)
    for text in texts:
        t = core.prepare(text)
        positions = list(range(len(text) + 1))
        ends = [min(len(text), p + 5) for p in positions]
        got = core.match_many(0, t, positions, ends)
        for p, e, g in zip(positions, ends, got):
            assert as_tuples(g) == executor_found(ex, program, groups, text, p, e), (program, text, p, e)


# --- raw regexes: Python syntax, Python's classes ------------------------------------------------

RAWS = [
    r"\w+", r"\W+", r"\d+", r"\D", r"\s+\S", r"[^\W\d_]+", r"[^\W\u0648\u0641]", r"\bب\w*", r"\w*\B\w",
    r".+", r"(?s:.+)", r"a$", r"(?m:a$)", r"\Aa", r"^a", r"(?m:^a)", r"a\Z", r"(a)\1", r"(a)?(?(1)b|c)",
    r"(?P<x>ب)(?P=x)", r"a*+a", r"(?>a*)b", r"a{2,3}?", r"(?:ab|a)(?=c)", r"(?<=\d )\w+", r"(?<!\w)ال\w+",
    r"(?i:ab)", r"[ا-ي]{2,}", r"[\u0660-\u0669]+", r"[.!?؟\n](?=\s)", r"«[^«»]+»", r"x?", r"(?!ال)\w+",
    r"(?=(?:[^.ن]++|ن(?!ا))*?(?<=\s)ان)", "\t+", r"[\x1c-\x1f]", r"¹²", r"\d\w",
    # simple ones (fixed characters and conditions, run without the regex engine) and lookaheads
    # whose first characters answer at once (see native.simple_steps, native.look_first)
    r"ال(?<!\wال)", r"[0-9](?<![0-9][0-9])", r"1(?![0-9.,])", r"[12][0-9]{3}", r"(?<!\w)ب", r"ا(?=ن)",
    r".(?<=\n.)", r"\.", r"(?![0-9]{1,2}\s*+x)", r"(?=ال|قال)", r"(?!ا)",
]
RAW_TEXTS = ["ab abc aab", "قال ان الكتاب", "1.5 ,1 11 2021 12x 1 x", "ب بب بكتاب", "x٢٣ 12 ¹² ½", "a\n", "a\nb", "«نص» و«اخر", "وفي  ال",
             "\x1c\x1d a", "\t\tb", "AB ab", "aaab", "1 كتاب. ثم", "والكتاب قال ان", "", "ان ابن ان"]


@pytest.mark.parametrize("source", RAWS)
def test_raw_regexes_read_text_as_python_re_does(source):
    program = ir.Raw(source)
    ex = Executor({})
    core = native.Core.from_programs([program], {})
    for text in RAW_TEXTS:
        t = core.prepare(text)
        for pos in range(len(text) + 1):
            for endpos in {len(text), pos, min(len(text), pos + 2)}:
                assert as_tuples(core.match(0, t, pos, endpos)) == executor_found(ex, program, (), text, pos, endpos), \
                    (source, text, pos, endpos)


def test_the_word_class_is_the_executors():
    word = native.python_classes()["word"]
    inside = set()
    for lo, hi in word:
        if lo <= 0xFFFF:
            inside.update(range(lo, min(hi, 0xFFFF) + 1))
    assert all((c in inside) == is_word(chr(c)) for c in range(0x10000))


def test_a_regex_that_cannot_run_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match=re.escape("(?<=a+")):
        native.Core.from_programs([ir.Raw("(?<=a+")], {})  # not Python either
    with pytest.raises(ValueError, match=re.escape(r"(?:\w{1,1000}){1,1000}")):
        native.Core.from_programs([ir.Raw(r"(?:\w{1,1000}){1,1000}")], {})  # too big for the Rust engine


# --- the API ----------------------------------------------------------------------------------------

def test_positions_programs_and_strings():
    core = native.Core.from_programs([ir.cat(G("g0", W), ir.Gap(False))], {})
    assert core.groups(0) == ("g0",)
    assert core.match(0, "ab  cd", 0) == (4, [(0, 2)])  # a str is prepared on the fly
    assert core.match_many(0, "ab  cd", [0, 4, 2]) == [(4, [(0, 2)]), (6, [(4, 6)]), None]
    assert core.match(0, "ab", 0, 99) == (2, [(0, 2)])  # endpos past the end: the end
    with pytest.raises(ValueError):
        core.match(0, "ab", 3)
    with pytest.raises(ValueError):
        core.match(0, "ab", -1)
    with pytest.raises(ValueError):
        core.match(1, "ab", 0)
    with pytest.raises(ValueError):
        core.match_many(0, "ab", [0, 1], [2])
    t = core.prepare("a\ud800b")  # a lone surrogate keeps its place
    assert len(t) == 3 and core.match(0, t, 2) == (3, [(2, 3)])


def test_pack_layout_rest_programs_and_pattern(engine):
    pack = engine.pack
    core = native.Core(pack)
    assert core.n_rules == len(pack.rules)
    rests = [(r.index, oi) for r in pack.rules for oi, p in enumerate(r.rest_programs) if p is not None]
    assert rests and core.n_programs == len(pack.rules) + len(rests)
    text = normalize("وقال الوزير ان الاجتماع سيعقد في 12 كانون الاول 2021 بحضور 300 شخص").text
    ex = Executor(pack.word_sets)
    for ri, oi in rests:
        pi = core.rest_index(ri, oi)
        prog = pack.rules[ri].rest_programs[oi]
        assert core.rest_for(pack.rules[ri].options[oi][3]) == pi  # (the option's rest names its program)
        for pos in range(len(text)):
            assert as_tuples(core.match(pi, text, pos)) == executor_found(ex, prog, core.groups(pi), text, pos, None)
    found = 0
    for r in pack.rules:
        pattern = core.pattern(r.index)
        for pos in range(len(text)):
            a, b = pattern.match(text, pos), ex.match(r.program, text, pos)
            assert (a is None) == (b is None)
            if a is not None:
                found += 1
                assert a.end() == b.end() and all(a.span(g) == b.span(g) for g, _, _ in r.groups)
    assert found > 3


def test_threads_share_a_core():
    core = native.Core.from_programs([ir.Rep(ir.cat(W, ir.Gap(False)), 0, None)], {})
    text = core.prepare("كلمة " * 20_000)
    want = core.match(0, text, 0)
    out = []
    threads = [threading.Thread(target=lambda: out.append(core.match_many(0, text, [0] * 20))) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert want[0] == 100_000 and all(r == want for batch in out for r in batch)


# --- one call per document: the core plans as the engine's Python planner does ----------------------

def candidates(cands):
    return [(c.rule.index, c.start, c.end, c.fields) for c in cands]


@pytest.mark.skipif(not (CORPUS / "sample-1mb.txt").is_file(), reason=f"the shared corpus is not at {CORPUS}")
@pytest.mark.parametrize("labels", [None, {"date"}, {"number"}, {"attribution"}, {"date", "number"}])
def test_one_call_per_document_finds_what_the_python_planner_finds(engine, labels):
    from arabic_rules.work import Work

    e = Engine(engine.pack, backend="native")
    assert e._core.plans
    text = normalize((CORPUS / "sample-1mb.txt").read_text(encoding="utf-8")[300_000:450_000]).text
    wanted = None if labels is None else frozenset(labels)
    native_planned = e._raw_matches(text, wanted)  # one call (work=None)
    python_planned = e._raw_matches(text, wanted, Work())  # planned in Python, each rule's starts in a call
    assert len(native_planned) > (100 if labels is None else 10)
    assert candidates(native_planned) == candidates(python_planned)


def test_one_call_per_document_edges(engine):
    e = Engine(engine.pack, backend="native")
    for text in ["", " ", "\n\n", "قال", "«", "2021", "قال  الوزير :  «نص»", "ا" * 5000, "1 " * 3000]:
        assert e.extract(text) == Engine(engine.pack, backend="python").extract(text), text


def test_one_call_per_document_stops_at_the_time_limit(engine):
    from arabic_rules.errors import ExtractionTimeout

    core = native.Core(engine.pack)
    text = normalize("قال الوزير ان الاجتماع سيعقد في 12 كانون الاول 2021. " * 2000).text
    with pytest.raises(TimeoutError) as e:
        core.extract(text, timeout=0.0)
    assert 0 <= e.value.args[0] < len(engine.pack.rules)
    e = Engine(engine.pack, backend="native", timeout=1e-9)
    with pytest.raises(ExtractionTimeout, match="at rule"):
        e._raw_matches(text, None)


def test_a_core_without_a_plan_says_so():
    core = native.Core.from_programs([ir.Lit(("x",), ())], {})
    assert not core.plans
    with pytest.raises(ValueError, match="planned in Python"):
        core.extract("x")
    assert core.label_mask(None) is None
