"""The engine's invariants as Hypothesis properties (issue 6).

1 offsets, 2 normalization, 3 invariance, 4 differential (engine vs tests/reference.py),
5 round trips, 6 robustness and linear time, 7 streaming. Every property runs against
`Engine.default()` and the lexicons of the loaded packs, so it grows with the packs.
Slow variants are marked ``slow``: they run with ``--runslow`` or ``HYPOTHESIS_PROFILE=thorough``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
import tempfile
import time
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
import strategies as S
from arabic_rules import Engine, chunks
from arabic_rules.stream import stream_matches
from arabic_rules.inputs import blocks
from arabic_rules.normalize import normalize
from arabic_rules.syntax import parse_pattern, render

REF = dt.date(2021, 12, 13)


@cache
def engine() -> Engine:
    return Engine.default()


def _deep_norm(value):
    """A value with every string normalized (values may quote the original text)."""
    if isinstance(value, str):
        return " ".join(normalize(value).text.split())
    if isinstance(value, dict):
        return {k: _deep_norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep_norm(v) for v in value]
    return value


# --- 1. offsets -------------------------------------------------------------------------------------

@cache
def _span_rules() -> frozenset[str]:
    """Rules with `span: field`: the rest of their pattern is context, and a field captured there
    (the noun before an ordinal adjective, the source of a relayed saying) lies outside the finding."""
    return frozenset(r.name for r in engine().rules if r.span is not None)


def _check_offsets(text: str, found) -> None:
    for m in found:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.text == m.text.strip() and m.text, "spans are trimmed and not empty"
        for name, f in m.fields.items():
            inferred = name == "speaker" and m.attrs.get("speaker_inferred")  # an earlier mention
            credited = name == "content" and f.end <= m.start  # a source after the clause it credits
            in_context = m.rule in _span_rules() and not m.start <= f.start < f.end <= m.end
            if in_context:  # wholly in the context: before or after the finding, never across it
                assert f.end <= m.start or f.start >= m.end, name
            elif not (inferred or credited):
                assert m.start <= f.start <= f.end <= m.end, name
            assert 0 <= f.start <= f.end <= len(text) and text[f.start:f.end] == f.text, name


@given(st.one_of(S.arabic_text(), S.pack_sentence()))
def test_offsets_point_into_the_original_text(text):
    _check_offsets(text, engine().extract(text, ref_date=REF))


@given(S.any_unicode)
def test_offsets_hold_on_any_unicode(text):
    _check_offsets(text, engine().extract(text, ref_date=REF))


# --- 2. normalization -------------------------------------------------------------------------------

texts_for_norm = st.one_of(S.arabic_text(), S.pack_sentence(), S.any_unicode)


@given(texts_for_norm)
def test_normalization_is_idempotent(text):
    once = normalize(text).text
    assert normalize(once).text == once


@given(texts_for_norm)
def test_offset_map_is_monotone_and_total(text):
    n = normalize(text)
    starts = [n.start(i) for i in range(len(n.text) + 1)]
    ends = [n.end(i) for i in range(len(n.text) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= x <= len(text) for x in starts + ends)
    assert starts[-1] == len(text) or not n.text
    for i in range(len(n.text)):  # every normalized character comes from the original span
        s, e = n.span(i, i + 1)
        assert s < e
        piece = normalize(text[s:e]).text  # (a separator between digits folds only there: ٫ -> .)
        assert n.text[i] in piece or n.text[i].isspace() or (n.text[i], piece) in {(".", "\u066b"), (",", "\u066c")}


def _words(text: str) -> list[str]:
    """Whitespace-separated words that survive normalization, normalized one by one."""
    return [w for w in (normalize(x).text for x in text.split()) if w.strip()]


@given(st.one_of(S.arabic_text(), S.pack_sentence()))
def test_normalizing_never_merges_or_splits_words(text):
    assert normalize(text).text.split() == [p for w in _words(text) for p in w.split()]


@given(S.any_unicode)
def test_normalizing_any_text_never_merges_words(text):
    # NFKC may expand one character into words (ﷺ), so only "never merges" holds here
    normalized = normalize(text).text.split()
    assert len(normalized) >= len(_words(text))


# --- 3. invariance ----------------------------------------------------------------------------------

def _signature(found):
    return [(m.label, m.rule, " ".join(normalize(m.text).text.split()), _deep_norm(m.value),
             _deep_norm(m.attrs), sorted((k, _deep_norm(f.text)) for k, f in m.fields.items()))
            for m in found]


@given(st.data())
def test_diacritics_tatweel_and_variants_change_no_match(data):
    text = data.draw(S.pack_sentence())
    plain = normalize(text).text
    respelled = data.draw(S.respell(plain))
    assert normalize(respelled).text == plain
    assert _signature(engine().extract(respelled, ref_date=REF)) == _signature(engine().extract(plain, ref_date=REF))


# --- 4. differential --------------------------------------------------------------------------------

def _engine_for(rule_file: dict) -> Engine:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random.yaml"
        path.write_text(yaml.safe_dump(rule_file, allow_unicode=True), encoding="utf-8")
        return Engine.from_paths([path], use_cache=False)


@given(S.reference_rule_files(), st.lists(S.reference_text(), min_size=1, max_size=4))
def test_engine_agrees_with_the_reference_matcher(rule_file, texts):
    e = _engine_for(rule_file)
    rules = rule_file["rules"]
    nodes = [parse_pattern(r["pattern"]) for r in rules]
    absorbs = {r["name"]: r.get("absorbs", []) for r in rules}
    for text in texts:
        norm = normalize(text)
        expected = set()
        for c in reference.resolve(reference.candidates(norm.text, rules, rule_file["lexicons"], nodes), absorbs):
            s, e_ = norm.span(c.start, c.end)
            fields = frozenset((k, *norm.span(fs, fe)) for k, fs, fe in c.fields)
            expected.add((c.rule, s, e_, fields))
        got = {(m.rule, m.start, m.end, frozenset((k, f.start, f.end) for k, f in m.fields.items()))
               for m in e.extract(text)}
        assert got == expected, (text, [r["pattern"] for r in rules])


@given(st.text(alphabet="0123456789.,\u060c\u066b- :+بك", max_size=16))
def test_the_built_in_numbers_read_as_the_reference_reads_them(text):
    """%digits and %integer on texts of digits, separators, signs, clock colons and letters: the
    engine (their regexes) and the reference (by hand) find the same numbers."""
    rules = [{"name": "d", "label": "d", "pattern": "%digits"}, {"name": "i", "label": "i", "pattern": "%integer"}]
    e = _engine_for({"rules": rules})
    norm = normalize(text)
    expected = {(c.rule, *norm.span(c.start, c.end))
                for c in reference.resolve(reference.candidates(norm.text, rules, {}, [parse_pattern(r["pattern"])
                                                                                      for r in rules]), {})}
    assert {(m.rule, m.start, m.end) for m in e.extract(text)} == expected


# --- 5. round trips ---------------------------------------------------------------------------------

@given(S.pattern_asts())
def test_pattern_ast_to_string_to_ast_is_the_identity(ast):
    assert parse_pattern(render(ast)) == ast


# --- 6. robustness ----------------------------------------------------------------------------------

@given(S.any_unicode)
def test_any_unicode_gives_no_exception(text):
    engine().extract(text, ref_date=REF)


@pytest.mark.parametrize("text", [
    "\ud800قال\udfff: \"\ud83d\"",  # lone surrogates inside a str
    "\x00قال\x00 الوزير\x00: «\x00»",
    "قال: \"" * 50 + "«" * 50 + "“" * 50,  # unbalanced quotation marks
    "وقال الوزير: «" + "كلام " * 2000,  # a quotation that never closes
])
def test_awkward_strings_give_no_exception(text):
    _check_offsets(text, engine().extract(text, ref_date=REF))


def _pack_text(size: int, seed: int = 7, sentence: int | None = None) -> str:
    """Realistic text of about ``size`` characters from the pack strategies (deterministic);
    with ``sentence``, a period ends a sentence after every ``sentence`` words or so (without it
    periods are rare, and a clause may run on for a whole match window)."""
    rnd = random.Random(seed)
    lex = S.pack_lexicons()
    forms = [f for fs in lex.values() for f in fs]
    words = forms + ["الوزير", "رئيس", "اللجنة", "في", "من", "على", "12", "٣٫٥", "2021", ":", "«", "»", "\"", "،", "."]
    out, n = [], 0
    while n < size:
        w = "." if sentence and rnd.random() < 1 / sentence else rnd.choice(words)
        out.append(w)
        out.append(rnd.choice([" ", " ", " ", "\n"]))
        n += len(w) + 1
    return "".join(out)[:size]


ADVERSARIAL = {
    "news": _pack_text,
    "one cue word": lambda size: ("قال " * (size // 4 + 1))[:size],
    "cue, colon, unclosed quote": lambda size: ("قال: «" * (size // 6 + 1))[:size],
    "no spaces at all": lambda size: ("قال:«" * (size // 5 + 1))[:size],
    "digits": lambda size: ("12 " * (size // 3 + 1))[:size],
}


def _seconds(text: str) -> float:
    """CPU seconds of the best of two extractions (CPU time: the other test process, or any
    other program on the machine, does not count)."""
    best = float("inf")
    for _ in range(2):
        t = time.process_time()
        engine().extract(text, ref_date=REF)
        best = min(best, time.process_time() - t)
    return best


def _slope(kind: str, small: int, big: int) -> float:
    make = ADVERSARIAL[kind]
    t_small, t_big = _seconds(make(small)), _seconds(make(big))
    return (t_big / big) / max(t_small / small, 1e-9)


@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_time_is_linear_in_length_small(kind):
    """5 KB vs 50 KB: the time per character may not grow much (quadratic would be ~10x)."""
    assert _slope(kind, 5_000, 50_000) < 4


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_time_is_linear_in_length_1mb(kind):
    """10 KB vs 1 MB, as the issue asks (quadratic would be ~100x)."""
    assert _slope(kind, 10_000, 1_000_000) < 4


@pytest.mark.slow
def test_a_1mb_line_and_100k_cue_words_finish():
    for text in ("قال " * 100_000, "x" * 1_000_000, "«" + "قال الوزير " * 100_000):
        t = time.perf_counter()
        engine().extract(text)
        assert time.perf_counter() - t < 60


# --- 7. streaming ----------------------------------------------------------------------------------

@cache
def short_engine(max_span: int = 150) -> Engine:
    """The default packs with a short match window, so that texts of a few hundred characters
    already stream in several settled pieces (the CLI's margin is two windows)."""
    pack = engine().pack
    rules = tuple(dataclasses.replace(r, max_span=max_span) for r in pack.rules)
    return Engine(dataclasses.replace(pack, rules=rules))


def streamed(e: Engine, text: str, block: int) -> list:
    """Matches of ``text`` read from a file in blocks of ``block`` characters, as `arules check` does."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "long.txt"
        path.write_bytes(text.encode("utf-8"))
        out = []
        for b, found in stream_matches(e, blocks(str(path), block=block), REF):
            assert text[b.offset:b.offset + len(b.text)] == b.text
            assert b.line == text.count("\n", 0, b.offset) + 1
            out += [_key(m, b.offset) for m in found]
        return sorted(out)


def _key(m, offset: int = 0) -> tuple:
    """A match with its value and fields (offsets in the whole text), comparable and sortable."""
    fields = tuple(sorted((k, f.start + offset, f.end + offset, f.text) for k, f in m.fields.items()))
    return m.label, m.rule, m.start + offset, m.end + offset, m.text, repr(m.value), repr(sorted(m.attrs.items())), fields


def whole(e: Engine, text: str) -> list:
    return sorted(_key(m) for m in e.extract(text, ref_date=REF))


@given(st.lists(S.pack_sentence(max_tokens=15), min_size=1, max_size=12),
       st.lists(st.sampled_from(["\n", "\n\n", " ", "\n\n\n"]), min_size=12, max_size=12),
       st.integers(16, 200))
def test_streaming_in_blocks_gives_the_matches_of_the_whole_text(sentences, breaks, block):
    text = "".join(s + b for s, b in zip(sentences, breaks)).lstrip("\ufeff")
    assume(text.strip())
    e = short_engine()
    assert streamed(e, text, block) == whole(e, text)


@pytest.mark.slow
def test_streaming_a_long_text_with_the_default_window(monkeypatch, tmp_path):
    # sentences of about 40 words, as in news, so that every cut is a settled one (a text that
    # some candidate crosses at every line break for 8 blocks is cut anyway: there findings may
    # differ from the whole text's, as chunks.settled_chunks says)
    text = "\n".join(_pack_text(60_000, seed=s, sentence=40) for s in range(3))
    assert streamed(engine(), text, 4096) == whole(engine(), text)
    settled = []
    real = chunks._settled_until
    monkeypatch.setattr(chunks, "_settled_until", lambda *a: settled.append(real(*a)) or settled[-1])
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    pieces = list(chunks.settled_chunks(engine(), blocks(str(path), block=4096)))
    assert len(pieces) >= 5 and sum(c is not None for c in settled) == len(pieces) - 1
