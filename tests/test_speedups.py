"""Regression tests for the engine's speed paths: each must give exactly what the plain way gives."""
import re

from hypothesis import given
from hypothesis import strategies as st

from arabic_rules.compiler import first_chars, raw_scan

_ALPHABET = "0123456789 قالتين،,.٬٫\"«»\n-ab"


RAWS = ["[0-9]{1,2}", '"[^"]+"|«[^»]+»', "(?:(?<![\\w.,])[+-](?=[0-9]))?(?<![^\\W\\d_])[0-9]+", "-?[0-9]+",
        "[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", "قال(?!ت)"]


@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_raw_scan_finds_every_start_a_raw_anchor_can_have(text):
    """The fast scan (first characters, or the regex itself) finds every position where the raw
    regex matches without cutting a word: those are the only starts a rule can use."""
    for src in RAWS:
        rx, scan = re.compile(src), re.compile(raw_scan(src))
        found = {m.start() for m in scan.finditer(text) if rx.match(text, m.start())}
        nosplit = re.compile(r"(?:(?<!\w)|(?!\w))(?:" + src + ")")
        for p in range(len(text)):
            if nosplit.match(text, p) and not (p and re.match(r"\w\w", text[p - 1:p + 1])):
                assert p in found, (src, text, p)


def test_first_chars_gives_up_on_what_it_cannot_bound():
    assert first_chars("[0-9]{1,2}") == "[0-9]"
    assert first_chars('"[^"]+"|«[^»]+»') == '["«]'
    for src in (r"\w+", "a?", "(?=x)y?"):
        assert first_chars(src) is None


def _per_character(text):
    """The plain way: every character through NFKC and the deletions, one by one."""
    import unicodedata

    from arabic_rules.normalize import _DELETE_RE, _apply

    edits = []
    for i, c in enumerate(text):
        r = _DELETE_RE.sub("", unicodedata.normalize("NFKC", c))
        if r != c:
            edits.append((i, i + 1, r))
    return _apply(text, edits)


@given(st.text(alphabet=st.sampled_from(
    "قال أإآٱىی٣۴ ً ّ ـ\u200f\u00a0ﻻﺍﺎ\ufb50①ﬁ²é\u0301\u0654\u2002\u2028\n\t.،a1\U0001d400"), max_size=80))
def test_normalize_fast_path_equals_the_per_character_loop(text):
    from arabic_rules.normalize import normalize

    fast, slow = normalize(text), _per_character(text)
    assert fast.text == slow.text
    assert [fast.orig(n) for n in range(len(fast.text) + 1)] == [slow.orig(n) for n in range(len(slow.text) + 1)]


class _R:
    def __init__(self, label, absorbs, index):
        self.label, self.absorbs, self.index, self.priority = label, absorbs, index, 0


def _reference_overlaps(cands):
    """Overlaps the slow, obvious way: per label longest/priority/leftmost greedy, then absorbs
    checked against every absorbing match."""
    kept = []
    for label in {c.rule.label for c in cands}:
        mine = sorted((c for c in cands if c.rule.label == label),
                      key=lambda c: (-(c.end - c.start), -c.rule.priority, c.start, c.rule.index))
        taken = []
        for c in mine:
            if all(c.end <= t.start or t.end <= c.start for t in taken):
                taken.append(c)
        kept += taken
    absorbing = [a for a in kept if a.rule.absorbs]
    return sorted((c for c in kept if not any(a is not c and c.rule.label in a.rule.absorbs and a.start <= c.start
                                              and c.end <= a.end for a in absorbing)),
                  key=lambda c: (c.start, c.end))


@given(st.lists(st.tuples(st.sampled_from(["date", "number", "x"]), st.integers(0, 30), st.integers(1, 8),
                          st.sampled_from([(), ("number",), ("number", "x"), ("date",), ("x",)])), max_size=25))
def test_overlaps_and_absorbs_equal_the_pairwise_check(items):
    from arabic_rules.engine import Candidate, resolve_overlaps

    cands = [Candidate(_R(label, absorbs, i), s, s + n, {}, None, {}) for i, (label, s, n, absorbs) in enumerate(items)]
    got = resolve_overlaps(list(cands))
    want = _reference_overlaps(cands)
    assert sorted((c.start, c.end, c.rule.index) for c in got) == sorted((c.start, c.end, c.rule.index) for c in want)


def test_a_cached_pack_runs_without_yaml_or_lark():
    """Cold start: with the compiled pack in the cache, neither the loader's yaml nor lark loads."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from arabic_rules import Engine; e = Engine.default(); e.extract('قال 3 مارس');"
            "print(sorted(m for m in ('yaml', 'lark', 'arabic_rules.loader', 'arabic_rules.timing')"
            " if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # fill the cache
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


@given(st.text(alphabet="اأإآٱىیکك٠١٩۰۹قل 0\n", max_size=60))
def test_one_to_one_folds_equal_the_regex_folds(text):
    from arabic_rules.normalize import _SAME_LENGTH, _fold_same_length

    expected = re.sub("[\u0622\u0623\u0625\u0671]", "\u0627", text)
    expected = "".join(_SAME_LENGTH.get(c, c) for c in expected)
    assert _fold_same_length(text) == expected


def test_check_locates_lines_and_columns_across_blocks(tmp_path):
    """`arules check` records: line and col of every match, also when the file is read in blocks."""
    import json

    from arabic_rules import stream
    from arabic_rules.tally import located_records
    from arabic_rules.engine import Engine
    from arabic_rules.inputs import blocks

    text = "".join(f"سطر {i}\nقال الوزير: «نعم» في 3 مارس\n\n" for i in range(40))
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    engine = Engine.default()
    recs = [r for b, found in stream.stream_matches(engine, blocks(str(f), block=200), margin=150)
            for r, _ in located_records(b, found, str(f))]
    lines = text.split("\n")
    assert recs
    for r in recs:
        assert text[r["start"]:r["end"]] == r["text"]
        assert lines[r["line"] - 1][r["col"] - 1:].startswith(r["text"].split("\n")[0])
    assert json.dumps(recs, ensure_ascii=False)


def test_labels_run_only_their_rules_with_the_same_starts():
    from arabic_rules import Engine

    e = Engine.default()
    text = "وقال الوزير: «سنبدأ في 3 مارس 2024 بتوزيع 1,500 طن»، وأكد أن 12 شاحنة وصلت."
    for labels in [{"date"}, {"number"}, {"attribution"}, {"date", "number"}]:
        wanted = frozenset(labels)
        full = {(ri, s) for ri, s in e._starts(text, None) if e.rules[ri].label in wanted}
        assert e._starts(text, wanted) == full


def test_programs_rebuild_the_same_regex():
    """A regex rebuilt from its stored code (how a cached pack loads) matches like the source."""
    from arabic_rules import programs

    src = r"(?P<g0>(?<!\w)(?:قال|اكد)(?!\w))\s*+:(?:\s*+(?P<g1>\w+))?"
    rx = programs.load(programs.assemble_all([src]), src)
    for text in ("وقال: نعم", "اكد:", "قالت: لا", "قال :  كلمة"):
        a, b = rx.match(text, 1 if text[0] == "و" else 0), re.compile(src).match(text, 1 if text[0] == "و" else 0)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))
    assert programs.load({}, src).pattern == src  # no stored code: compiled from the source


@given(st.text(alphabet="قال و،. 12\n\"«»", max_size=300), st.integers(1, 12), st.data())
def test_tokens_before_a_hit_read_backwards_equal_the_whole_texts(text, back, data):
    """The starts tried before each anchor hit, read backwards from it, are those the whole
    text's tokenization gives (the engine no longer tokenizes the whole text for them)."""
    from bisect import bisect_left

    from arabic_rules.compiler import TOKEN_RE
    from arabic_rules.engine import _tried_at

    found = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=5))))
    starts = [m.start() for m in TOKEN_RE.finditer(text)]
    expected = set(found)
    for pos in found:
        k = bisect_left(starts, pos)
        expected.update(starts[max(0, k - back):k])
    assert _tried_at(text, found, back) == sorted(expected)


@given(st.text(alphabet="قال و،. 12\n\"«»", max_size=300), st.integers(1, 40), st.integers(0, 6), st.integers(1, 4),
       st.sampled_from(["", "،", "."]), st.data())
def test_a_near_reach_tries_fewer_tokens_before_hits_without_the_mark(text, back, short, within, opens, data):
    """With a `Near`, a hit tries `short` tokens back unless one of the `within` tokens before
    it is a mark; then `back` tokens, or with opening marks only those up to `short` tokens
    before the hit or before one of them: the same starts the whole text's tokenization gives."""
    from bisect import bisect_left

    from arabic_rules.compiler import TOKEN_RE, Near
    from arabic_rules.engine import _tried_at

    near = Near(short, within, ("،",), tuple(opens))
    found = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=5))))
    toks = list(TOKEN_RE.finditer(text))
    starts = [m.start() for m in toks]
    expected = set(found)
    for pos in found:
        k = bisect_left(starts, pos)
        marked = any(m.group() == "،" for m in toks[max(0, k - within):k])
        window = range(max(0, k - (back if marked else short)), k)
        for i in window:
            opened = [j for j in range(i, k) if toks[j].group() in opens]
            if not marked or not opens or k - i <= short or any(j - i <= short for j in opened):
                expected.add(starts[i])
    assert _tried_at(text, found, back, near=near) == sorted(expected)


def test_blocks_extracted_by_two_processes_give_the_matches_of_one(tmp_path):
    """`arules check --jobs 2`: the same records, in the same order, as one process."""
    from arabic_rules import stream
    from arabic_rules.tally import located_records
    from arabic_rules.engine import Engine
    from arabic_rules.inputs import blocks

    text = "".join(f"وقال الوزير {i}: «سنبدأ في {i % 28 + 1} مارس»، مشيرا إلى أن {i} شاحنة وصلت.\n\n"
                   for i in range(60))
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    engine = Engine.default()

    def records(jobs):
        return [r for b, found in stream.stream_matches(engine, blocks(str(f), block=300), margin=150, jobs=jobs)
                for r, _ in located_records(b, found, str(f))]

    one = records(1)
    assert len(one) > 100
    assert records(2) == one


@given(st.text(alphabet=" \t\n.،_1abيال\u00a0\u0651", max_size=16))
def test_two_words_before_read_backwards_equal_the_regex(text):
    """The number builder's title check reads the last two words backwards; the regex it replaces
    tried every start of the left context."""
    from arabic_rules.numerals import _TWO_WORDS_BEFORE, _two_words_before

    m = _TWO_WORDS_BEFORE.search(text)
    assert _two_words_before(text) == (None if m is None else (m.group(1), m.group(2)))


def test_number_readings_cached_per_pack_are_fresh_lists():
    """Cached readings of a word come back as a new list each time (callers filter and extend it)."""
    from arabic_rules.numerals import _readings, _roles

    lexicons = {"units": {"ثلاثة": 3}, "joiner": {"و": None}, "article": {"ال": None}}
    roles = _roles(lexicons, {"units": "number.value", "joiner": "number.joiner", "article": "number.article"})
    first = _readings("وثلاثة", lexicons, roles)
    assert [(r.value, r.joined) for r in first] == [(3, True)]
    first.clear()
    assert [(r.value, r.joined) for r in _readings("وثلاثة", lexicons, roles)] == [(3, True)]
    assert _readings("اربعة", lexicons, roles) == []


@given(st.text(alphabet=" \t\n.،_1abيال\u00a0\u0651", max_size=16))
def test_date_two_words_before_equal_the_regex(text):
    """The date builder's two words before a match, read backwards, equal the regex search it
    replaced (which tried every start of the left context)."""
    from arabic_rules.calendars import _two_words_before
    from arabic_rules.values import BuildContext

    ctx = BuildContext("r", "date", "x", {}, None, {}, text + "x", len(text))
    m = re.search(r"(\w+\s+\w+)\s+$", text)
    assert _two_words_before(ctx) == (None if m is None else " ".join(m.group(1).split()))


@given(st.text(alphabet=" \t\n.،_1abيال\u00a0\u0651)", max_size=16))
def test_word_before_equals_the_character_loop(text):
    """`BuildContext.word_before` takes a whole last word in one call; the same as reading it
    back character by character."""
    from arabic_rules.values import BuildContext

    stripped = text.rstrip()
    i = len(stripped)
    while i and (stripped[i - 1].isalnum() or stripped[i - 1] == "_"):
        i -= 1
    expected = stripped[i:] if i < len(stripped) < len(text) else None
    assert BuildContext("r", "number", "x", {}, None, {}, text + "x", len(text)).word_before() == expected


@given(st.text(alphabet=st.sampled_from("قال ً ّ ـ\u200fﻻﺍ\ufb50ﬁé\u0301\n.a1"), max_size=40), st.data())
def test_span_map_equals_normalized_span(text, data):
    """The engine's per-text span map (`Normalized.span` inlined and remembered) gives what
    `Normalized.span` gives, for every span, asked in any order and twice."""
    from arabic_rules.engine import _span_map
    from arabic_rules.normalize import normalize

    norm = normalize(text)
    mapped = _span_map(norm)
    n = len(norm.text)
    spans = [(s, e) for s in range(n + 1) for e in range(n + 1)]
    order = data.draw(st.permutations(spans)) if len(spans) < 200 else spans
    for s, e in [*order, *order]:
        assert mapped(s, e) == norm.span(s, e)


def test_generated_build_functions_equal_the_generic_build():
    """`buildplan` writes out each rule's build of a native match; on every example text of the
    shipped packs it gives what `Engine._build_pending`'s loop over the rule's tables gives."""
    import pytest

    from arabic_rules import Engine
    from arabic_rules.engine import _span_map
    from arabic_rules.examples import run_examples
    from arabic_rules.loader import load
    from arabic_rules.normalize import normalize
    from arabic_rules.resources import data_dir
    from arabic_rules.structure import TextStructure

    engine = Engine.default()
    if engine._core is None:
        pytest.skip("the native core is not built")
    texts = sorted({r.example.text for r in run_examples(load([data_dir("patterns")]))})
    built = 0
    for text in texts:
        norm = normalize(text)
        mapped, structure = _span_map(norm), TextStructure(norm.text)
        for p in engine._native_pending(norm.text, None):
            args = (p, norm.text, norm.original, mapped, None, structure, None)
            generic = engine._build_pending(*args)
            assert engine._build_fn(p.rule.index)(*args) == generic, (p.rule.name, text)
            built += generic is not None
    assert built > 300


@given(st.text(alphabet=st.sampled_from("12.,:;!?\n\u060c\u061b\u061f \u0627\u0644a_\u0660"), max_size=40))
def test_clause_patterns_that_open_with_their_characters_split_as_the_alternations(text):
    """tense's clause, sentence and comma patterns open with the set of their characters (so that
    `re` skips ahead to them) and look around only there: the same splits as the plain
    alternations; words `\\w\\w*` as `\\w+`; the deletable marks' `[X][X]*` as `[X]+`."""
    from arabic_rules import calendars, tense
    from arabic_rules.normalize import _DELETABLE, _DELETE_RE

    plain = {tense._CLAUSE_END: r"[!?\u061f\n\u060c;\u061b]|(?<!\d)[.,:]|[.,:](?!\d)",
             tense._SENTENCE_END: r"[!?\u061f\n;\u061b]|(?<!\d)[.:]|[.:](?!\d)",
             tense._COMMA: r"[\u060c]|(?<!\d),|,(?!\d)"}
    for fast, slow in plain.items():
        assert fast.split(text) == re.split(slow, text), (fast.pattern, text)
    assert tense._TOKEN.findall(text) == calendars._TOKEN.findall(text) == re.findall(r"\w+", text)
    marked = text.replace("a", "\u064b").replace("_", "\u0651\u0640")
    deletions = [m.span() for m in re.finditer(f"[{_DELETABLE}]+", marked)]
    assert [m.span() for m in _DELETE_RE.finditer(marked)] == deletions


def _date_context(text, start, lexicons):
    from arabic_rules.values import BuildContext

    return BuildContext("r", "date", text[start:start + 1], {}, None, lexicons, text, start)


@given(st.lists(st.sampled_from(["\u0631\u0645\u0636\u0627\u0646", "\u0634\u0647\u0631", " ", "  ", ".", "x",
                                "\u0634\u0647\u0631 \u0631\u0645\u0636\u0627\u0646", "1"]), max_size=8).map("".join),
       st.sampled_from(["a", "a,b", "b, a", "a,c"]))
def test_date_check_after_by_first_letter_equals_every_form(after, names):
    """`calendars._check_after` tries only the forms that start with the first letter after the
    match: it rejects exactly where trying every form of the named lexicons rejects."""
    from arabic_rules.calendars import _check_after
    from arabic_rules.values import Reject

    lexicons = {"a": {"\u0631\u0645\u0636\u0627\u0646": 9, "\u0634\u0647\u0631 \u0631\u0645\u0636\u0627\u0646": 9},
                "b": {"": 1, "x": 2}, "c": {}}
    text = "\u0641" + after
    rest = text[1:1 + 80].lstrip()
    every = any(rest.startswith(form) and not rest[len(form):len(form) + 1].isalnum()
                for name in names.split(",") for form in lexicons.get(name.strip(), {}))
    try:
        _check_after(_date_context(text, 0, lexicons), names)
        rejected = False
    except Reject:
        rejected = True
    assert rejected == every, (after, names)


def test_hijri_conversions_are_remembered_and_the_same():
    """The Hijri conversions (hijridate) are remembered: a second call gives the same answer, and
    an impossible date stays None."""
    import datetime

    from arabic_rules.calendars import from_hijri, hijri_month_range, to_hijri

    day = datetime.date(2024, 3, 11)
    assert to_hijri(day) == to_hijri(datetime.date(2024, 3, 11)) == (1445, 9, 1)
    assert from_hijri(1445, 9, 1) == day and from_hijri(1445, 9, 1) == day
    assert from_hijri(1445, 13, 1) is None and from_hijri(1445, 13, 1) is None
    assert hijri_month_range(1445, 9) == "2024-03-11/2024-04-09"


@given(st.lists(st.sampled_from(["\u0645\u0627\u064a\u0648", "\u0645\u0627", "\u064a", " ", ".", "_", "1", "x"]),
                max_size=6).map("".join))
def test_number_glued_not_by_first_letter_equals_every_form(after):
    """`numerals.number`'s ``glued_not`` tries only the forms that start with the letter after
    the number: it rejects exactly where trying every form rejects (an empty form too)."""
    from arabic_rules.numerals import number
    from arabic_rules.values import BuildContext, Reject

    forms = {"\u0645\u0627\u064a\u0648": 5, "\u0645\u0627": 1, "": 0}
    for lexicon in ({k: v for k, v in forms.items() if k}, forms):
        text = "12" + after
        every = any(text.startswith(form, 2) and not (text[2 + len(form):3 + len(form)].isalnum()
                                                      or text[2 + len(form):3 + len(form)] == "_")
                    for form in lexicon)
        ctx = BuildContext("r", "number", "12", {}, None, {"month": lexicon}, text, 0)
        try:
            number(ctx, glued_not="month")
            rejected = False
        except Reject:
            rejected = True
        assert rejected == every, (after, sorted(lexicon))
