"""Regression tests for the engine's speed paths: each must give exactly what the plain way gives."""
import re

from hypothesis import example, given
from hypothesis import strategies as st

from arabic_rules.engine import _first_char_guard

_ALPHABET = "0123456789 قالتين،,.٬٫\"«»\n-ab"


@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_first_char_guard_keeps_the_raw_pass_hits(text):
    for src in [r"[0-9]{1,2}", r"[0-9]{1,3}(?:[,\u066c][0-9]{3})+|[0-9]+", r"\"[^\"]+\"|«[^»]+»", r"(?>\d+)-?"]:
        plain = re.compile(r"(?:(?<!\w)|(?!\w))(?:" + src + ")")
        guarded = re.compile(_first_char_guard(src) + plain.pattern)
        assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_first_char_guard_gives_up_on_what_it_cannot_bound():
    assert _first_char_guard("[0-9]{1,2}") == "(?=[0-9])"
    assert _first_char_guard('"[^"]+"|«[^»]+»') == '(?=["«])'
    for src in ["a?b", ".x", "(?i)x", "[^a]b", r"\bx", ""]:
        assert _first_char_guard(src) == ""


def _edits_per_character(text):
    """The plain per-character loop the fast path replaces (for lines that are not NFKC)."""
    import unicodedata

    from arabic_rules.normalize import _DELETE_RE

    edits, pos = [], 0
    for line in text.splitlines(keepends=True):
        if unicodedata.is_normalized("NFKC", line):
            edits.extend((pos + m.start(), pos + m.end(), "") for m in _DELETE_RE.finditer(line))
        else:
            for i, c in enumerate(line):
                r = _DELETE_RE.sub("", unicodedata.normalize("NFKC", c))
                if r != c:
                    edits.append((pos + i, pos + i + 1, r))
        pos += len(line)
    return edits


@given(st.text(alphabet=st.sampled_from(
    "قال أإآٱىی٣۴ ً ّ ـ\u200f\u00a0ﻻﺍﺎ\ufb50①ﬁ²é\u0301\u0654\u2002\u2028\n\t.،a1\U0001d400"), max_size=80))
def test_normalize_fast_path_equals_the_per_character_loop(text):
    from arabic_rules.normalize import _edits_per_line

    assert _edits_per_line(text) == _edits_per_character(text)


class _R:
    def __init__(self, label, absorbs, index):
        self.label, self.absorbs, self.index, self.priority = label, absorbs, index, 0


@given(st.lists(st.tuples(st.sampled_from(["date", "number", "x"]), st.integers(0, 30), st.integers(1, 8),
                          st.sampled_from([(), ("number",), ("number", "x"), ("date",), ("x",)])), max_size=25))
def test_absorbs_index_equals_the_pairwise_check(items):
    from arabic_rules.engine import Candidate, _Covers

    cands = [Candidate(_R(label, absorbs, i), s, s + n, {}, None, {}) for i, (label, s, n, absorbs) in enumerate(items)]
    absorbing = [c for c in cands if c.rule.absorbs]
    if not absorbing:
        return
    covers = _Covers(absorbing)
    for c in cands:
        pairwise = any(c.rule.label in a.rule.absorbs and a.start <= c.start and c.end <= a.end and a is not c
                       for a in absorbing)
        assert covers.absorbed(c) == pairwise


def test_a_cached_pack_runs_without_yaml_or_lark():
    """Cold start: with the compiled pack in the cache, neither the loader's yaml nor lark loads."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from arabic_rules import Engine; e = Engine.default(); e.extract('قال 3 مارس');"
            "print(sorted(m for m in ('yaml', 'lark', 'arabic_rules.loader', 'arabic_rules.benchmark')"
            " if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # fill the cache
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def _starts_with_one_pass_per_raw(engine, text):
    """The reference: every raw anchor regex run with its own finditer over the whole text."""
    saved = engine._raw_scan, engine._raw_passes
    engine._raw_passes = engine._raw_passes + engine._raw_guarded
    engine._raw_scan = None
    try:
        return engine._starts(text, None)
    finally:
        engine._raw_scan, engine._raw_passes = saved


RAW_PACK = """
rules:
  - {name: a, label: x, pattern: 'n:re"[0-9]{1,2}" @w'}
  - {name: b, label: y, pattern: 'n:re"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+" _?'}
  - {name: c, label: z, pattern: 'q:re"«[^»]+»"'}
  - {name: d, label: z, pattern: 'q:re"-?[0-9]+"'}
lexicons:
  w: [مارس, يوم]
"""


@example("وصل 12,345 و«1,234» 7 مارس")
@given(st.text(alphabet="0123456789 ,-«»مارسيوa\n", max_size=60))
def test_shared_raw_scan_gives_the_starts_of_one_pass_per_raw(tmp_path_factory, text):
    from arabic_rules import Engine

    d = tmp_path_factory.mktemp("raw")
    (d / "p.yaml").write_text(RAW_PACK, encoding="utf-8")
    e = Engine.from_paths([d], use_cache=False)
    assert e._raw_guarded and e._raw_passes  # both paths are exercised
    assert e._starts(text, None) == _starts_with_one_pass_per_raw(e, text)


@given(st.text(alphabet="اأإآٱىیکك٠١٩۰۹قل 0\n", max_size=60))
def test_one_to_one_folds_equal_the_regex_folds(text):
    from arabic_rules.normalize import _SAME_LENGTH, _fold_same_length

    expected = re.sub("[\u0622\u0623\u0625\u0671]", "\u0627", text)
    expected = "".join(_SAME_LENGTH.get(c, c) for c in expected)
    assert _fold_same_length(text) == expected


def test_check_locates_lines_and_columns_across_blocks(tmp_path):
    """`arules check` records: line and col of every match, also when the file is read in blocks."""
    import json

    from arabic_rules import cli
    from arabic_rules.engine import Engine
    from arabic_rules.inputs import blocks

    text = "".join(f"سطر {i}\nقال الوزير: «نعم» في 3 مارس\n\n" for i in range(40))
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    engine = Engine.default()
    recs = [r for b in blocks(str(f), block=200) for r, _ in cli._records(engine, b, str(f), None, None)]
    lines = text.split("\n")
    assert recs
    for r in recs:
        assert text[r["start"]:r["end"]] == r["text"]
        assert lines[r["line"] - 1][r["col"] - 1:].startswith(r["text"].split("\n")[0])
    assert json.dumps(recs, ensure_ascii=False)


def test_labels_without_literal_anchors_skip_the_literal_scan_with_the_same_starts():
    from arabic_rules import Engine

    e = Engine.default()
    text = "وقال الوزير: «سنبدأ في 3 مارس 2024 بتوزيع 1,500 طن»، وأكد أن 12 شاحنة وصلت."
    for labels in [{"date"}, {"number"}, {"attribution"}, {"date", "number"}]:
        wanted = frozenset(labels)
        full = {(ri, s) for ri, s in e._starts(text, None) if e.rules[ri].label in wanted}
        assert e._starts(text, wanted) == full
