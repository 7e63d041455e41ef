"""The reference executor of rule programs (`backend="python"`) and the native core
(`backend="native"`) find the same: on generated rules and texts, on every example written in
the shipped packs, and on real news."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import strategies as S
from arabic_rules import Engine, ir
from arabic_rules.examples import run_examples
from arabic_rules.executor import Executor
from arabic_rules.loader import load
from arabic_rules.native import available
from arabic_rules.resources import data_dir

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_core = pytest.mark.skipif(not available(), reason="the native core is not built")


def findings(engine: Engine, text: str) -> list[dict]:
    return [m.to_dict() for m in engine.extract(text)]


@pytest.fixture(scope="module")
def native() -> Engine:
    return Engine.default(backend="native")


@pytest.fixture(scope="module")
def python(native) -> Engine:
    return Engine(native.pack, backend="python")


@needs_core
@pytest.mark.slow  # (the reference executor is slow on a whole pack's examples: the news below is the default run's check)
def test_every_example_of_the_shipped_packs(native, python):
    pack = load([data_dir("patterns")])
    texts = {ex.text for r in run_examples(pack) for ex in [r.example]}
    assert len(texts) > 300
    for text in sorted(texts):
        assert findings(python, text) == findings(native, text), text


@needs_core
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
@pytest.mark.parametrize("size,least", [(12_000, 50), pytest.param(120_000, 500, marks=pytest.mark.slow)])
def test_real_news(native, python, size, least):
    # (the reference executor reads about 2,000 characters a second of news with the shipped
    # packs: the thorough run reads ten times more)
    text = (CORPUS / "sample-1mb.txt").read_text(encoding="utf-8")[:size]
    expected = findings(native, text)
    assert len(expected) > least and findings(python, text) == expected


@needs_core
@given(S.reference_rule_files(), st.lists(S.reference_text(), min_size=1, max_size=4))
def test_generated_rules_and_texts(rule_file, texts):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "gen.yaml"
        path.write_text(yaml.safe_dump(rule_file, allow_unicode=True), encoding="utf-8")
        native = Engine.from_paths([path], use_cache=False, backend="native")
    python = Engine(native.pack, backend="python")
    for text in texts:
        assert findings(python, text) == findings(native, text), (text, [r["pattern"] for r in rule_file["rules"]])


def test_each_kind_of_node():
    sets = {"month": ir.WordSet(("كانون الاول", "كانون", "ايار")),
            "say": ir.WordSet(("قال", "اكد"), ("ت", "وا"), ("يقول",))}
    ex = Executor(sets)
    word = ir.Assert(ir.RB)

    def end(program, text, pos=0, endpos=None):
        m = ex.match(program, text, pos, endpos)
        return None if m is None else m.end()

    # the longest entry first, a space reading any whitespace; a shorter one when that fails
    assert end(ir.cat(ir.Lex("month"), word), "كانون\n الاول") == 12
    assert end(ir.cat(ir.Lex("month"), ir.Gap(True), ir.Lit(("9",), ())), "كانون 9") == 7
    # stems with a suffix, then without, then the rest
    assert end(ir.cat(ir.Lex("say"), word), "قالوا") == 5
    assert end(ir.cat(ir.Lex("say"), word), "يقول") == 4
    # greedy repetition gives back; possessive does not
    rep = ir.Rep(ir.cat(ir.Gap(True), ir.AnyWord()), 0, None)
    tail = ir.cat(ir.Gap(True), ir.Lit(("ب",), ()))
    assert end(ir.cat(ir.AnyWord(), rep, tail), "ا ا ب") == 5
    assert end(ir.cat(ir.AnyWord(), ir.Rep(rep.node, 0, None, possessive=True), tail), "ا ا ب") is None
    # captures keep the last copy's span; a raw regex sees what comes before pos, not after endpos
    group = ex.match(ir.Rep(ir.Group("g", ir.cat(ir.AnyWord(), ir.Gap(False))), 1, None), "اب جد", 0)
    assert group.span("g") == (3, 5)
    assert end(ir.Raw(r"(?<=x)\w+"), "xyz", 1) == 3 and end(ir.Raw(r"(?<=x)\w+"), "xyz", 1, 2) == 2
    assert end(ir.cat(ir.AnyWord(), ir.Assert(ir.RB)), "abc", 0, 2) == 2  # the text ends at endpos
