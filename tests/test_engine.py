"""Engine semantics: boundaries, gaps, glue, fields, values, overlaps, offsets, cache."""
import datetime as dt

import pytest

from arabic_rules import Engine, ExtractionTimeout


LEX = """
lexicons:
  month:
    12: [كانون الأول, ديسمبر]
    7: [تموز]
  say:
    قال: [قال, قالت]
"""


def engine(rules_dir, rules: str, extra: str = LEX) -> Engine:
    return Engine.from_paths([rules_dir(pack=extra + rules)], use_cache=False)


def spans(ms):
    return [(m.rule, m.text) for m in ms]


def test_words_match_whole_words_only(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: w, label: x, pattern: قال}\n")
    assert spans(e.extract("قال ثم قالت ثم مقال")) == [("w", "قال")]


def test_glue_attaches_proclitics_without_a_gap(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: g, label: x, pattern: '(و | ف)? ~ cue:@say'}\n")
    found = e.extract("وقال ثم و قال ثم فقالت ثم بقال")
    assert [m.text for m in found] == ["وقال", "قال", "فقالت"]
    assert [m.fields["cue"].text for m in found] == ["قال", "قال", "قالت"]
    assert found[0].fields["cue"].value == "قال"


def test_items_match_across_any_whitespace_and_punctuation_needs_no_space(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: c, label: x, pattern: 'قال الوزير \":\"'}\n")
    assert spans(e.extract("قال\n  الوزير:")) == [("c", "قال\n  الوزير:")]
    assert e.extract("قالالوزير:") == []


def test_lexicon_values_become_field_values_and_multiword_entries_match(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: m, label: date, pattern: 'm:@month'}\n")
    found = e.extract("في كانون   الأول وفي تموز")
    assert [(m.text, m.fields["m"].value) for m in found] == [("كانون   الأول", 12), ("تموز", 7)]


def test_offsets_point_into_the_original_text(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: s, label: x, pattern: 'cue:@say speaker:_{1,2}'}\n")
    text = "\u200fوقد قالَـــت الوزارةُ الكبرى شيئاً"
    (m,) = e.extract(text)
    assert text[m.start:m.end] == m.text == "قالَـــت الوزارةُ الكبرى"
    for f in m.fields.values():
        assert text[f.start:f.end] == f.text
    assert m.fields["cue"].text == "قالَـــت"


def test_within_a_label_the_longest_match_wins_then_priority(rules_dir):
    e = engine(rules_dir, """
rules:
  - {name: short, label: x, pattern: 'قال', priority: 5}
  - {name: long, label: x, pattern: 'قال الوزير'}
  - {name: same_low, label: y, pattern: 'الوزير'}
  - {name: same_high, label: y, pattern: 'الوزير', priority: 2}
""")
    found = e.extract("قال الوزير")
    assert spans(found) == [("long", "قال الوزير"), ("same_high", "الوزير")]


def test_different_labels_overlap_but_absorbs_drops_the_inner_one(rules_dir):
    e = engine(rules_dir, """
rules:
  - {name: num, label: number, pattern: 'n:re"[0-9]+"', value: number(n)}
  - {name: date, label: date, pattern: 'd:re"[0-9]{1,2}" m:@month', value: 'date(day=d, month=m)', absorbs: [number]}
  - {name: any, label: other, pattern: 'd:re"[0-9]{1,2}" _'}
""")
    found = e.extract("وصل 9 ديسمبر و 12 صندوقاً", ref_date=dt.date(2021, 12, 13))
    assert spans(found) == [("date", "9 ديسمبر"), ("any", "9 ديسمبر"), ("any", "12 صندوقاً"), ("num", "12")]
    assert found[0].value == "XXXX-12-09" and found[0].attrs["resolved"] == "2021-12-09"
    assert found[3].value == 12 and found[3].attrs == {"kind": "cardinal"}


def test_a_builder_can_reject_a_match(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: d, label: date, pattern: 'd:re\"[0-9]+\" m:@month', "
                          "value: 'date(day=d, month=m)'}\n")
    assert [m.value for m in e.extract("45 ديسمبر و 30 ديسمبر")] == ["XXXX-12-30"]


def test_labels_filter(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: a, label: x, pattern: قال}\n  - {name: b, label: y, pattern: قال}\n")
    assert spans(e.extract("قال", labels={"y"})) == [("b", "قال")]


def test_unanchored_rules_still_match(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: u, label: x, pattern: '_ \"!\"'}\n")
    assert spans(e.extract("يا سلام! نعم")) == [("u", "سلام!")]


def test_anchor_after_free_words(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: svo, label: x, pattern: 'who:_{1,3} cue:@say'}\n")
    (m,) = e.extract("ثم إن الوزارة الكبرى قالت كلاماً")
    assert m.text == "إن الوزارة الكبرى قالت"  # the longest span the rule allows


def test_value_calls_get_original_text(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: a, label: attribution, pattern: 'cue:@say speaker:_ content:re\"«[^»]+»\"', "
                          "value: 'attribution(cue, speaker, content)'}\n")
    (m,) = e.extract("قالت الوزارةُ «لا تأجيل»")
    assert m.value == {"lemma": "قال", "direct": True, "speaker": "الوزارةُ", "content": "«لا تأجيل»"}


def test_time_guard(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: w, label: x, pattern: 'قال'}\n")
    e.timeout = 0.0
    with pytest.raises(ExtractionTimeout):
        e.extract("قال " * 1000)


def test_non_str_input_is_a_clear_error(rules_dir):
    e = engine(rules_dir, "rules:\n  - {name: w, label: x, pattern: 'قال'}\n")
    with pytest.raises(TypeError, match="decode bytes first"):
        e.extract(b"abc")


def test_compiled_packs_are_cached_on_disk(rules_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c"))
    d = rules_dir(pack=LEX + "rules:\n  - {name: w, label: x, pattern: 'قال'}\n")
    e = Engine.from_paths([d])
    # the compiled pack, and beside it the native core's layout of it when that back end runs
    cached = [p.name for p in (tmp_path / "c").glob("*.pickle")]
    layouts = [n for n in cached if n.startswith("native-")]
    assert len(cached) - len(layouts) == 1 and len(layouts) == (e.backend == "native")
    import arabic_rules.loader as loader

    monkeypatch.setattr(loader, "load", lambda *a, **k: pytest.fail("recompiled despite the cache"))
    assert spans(Engine.from_paths([d]).extract("قال")) == [("w", "قال")]
    (d / "pack.yaml").write_text(LEX + "rules:\n  - {name: w2, label: x, pattern: 'قالت'}\n", encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path / "c"))
    assert spans(Engine.from_paths([d]).extract("قالت")) == [("w2", "قالت")]


def test_default_engine_matches_the_contract():
    e = Engine.default()
    text = "وقال رئيس اللجنة: \"سنعلن النتائج في 9 كانون الأول/ ديسمبر\" أمام 300 صحفي"
    found = e.extract(text, ref_date=dt.date(2021, 12, 13))
    labels = {m.label for m in found}
    assert {"attribution", "date", "number"} <= labels
    for m in found:
        d = m.to_dict()
        assert set(d) == {"label", "rule", "start", "end", "text", "value", "attrs", "fields"}
        assert text[d["start"]:d["end"]] == d["text"]
        for f in d["fields"].values():
            assert text[f["start"]:f["end"]] == f["text"]


def test_builders_see_the_left_context_of_the_match(rules_dir):
    from arabic_rules.values import Reject, builder

    @builder("test_after_fi")
    def _after_fi(ctx, f=None):
        if ctx.word_before() != "في":
            raise Reject
        return ctx.before[-7:]

    e = engine(rules_dir, "rules:\n  - {name: m, label: date, pattern: 'm:@month', value: 'test_after_fi(m)'}\n")
    found = e.extract("تموز وصل في تموز، ثم في، تموز")
    assert [(m.start, m.value) for m in found] == [(12, "وصل في ")]


def test_builders_see_where_the_match_starts(rules_dir):
    from arabic_rules.values import Reject, builder

    @builder("_line_start_only")
    def _line_start_only(ctx):
        if not ctx.starts_line():
            raise Reject
        return ctx.text

    e = engine(rules_dir, "rules:\n  - {name: h, label: x, pattern: '_ \":\" _', value: '_line_start_only()'}\n")
    assert [m.text for m in e.extract("أ: ب\nكلمة ج: د")] == ["أ: ب"]


def test_a_required_word_too_far_to_anchor_gates_the_rule(rules_dir):
    """A required word after an unbounded part cannot anchor the rule, but a text without it
    cannot match: the rule is not even tried there (its gate), and matches where it occurs."""
    e = engine(rules_dir, "rules:\n  - {name: q, label: x, pattern: 're\"«[^«»]+»\" @say'}\n")
    rule = e.rules[0]
    assert rule.gates == (frozenset({"قال", "قالت"}),)
    assert not e._work("قيل «كلام طويل» ثم «آخر» هنا", None)  # no قال anywhere: nothing to try
    assert spans(e.extract("«كلام طويل» قالت ثم «آخر» هنا")) == [("q", "«كلام طويل» قالت")]


def test_an_optional_lexicon_field_keeps_its_value(rules_dir):
    """``cue:@say?`` is the lexicon's field as much as ``(cue:@say)?``: its value is the entry's."""
    e = engine(rules_dir, "rules:\n  - {name: o, label: x, pattern: 'ثم cue:@say?'}\n")
    assert e.extract("ثم قالت")[0].fields["cue"].value == "قال"


def test_a_zero_width_raw_item_is_a_condition(rules_dir):
    """``re"(?!...)"`` as an item of its own must hold where it stands: it can match empty, but
    it is not optional (an optional group would skip it whenever it fails)."""
    e = engine(rules_dir, "rules:\n  - {name: z, label: x, pattern: 'ثم @say re\"(?!\\s*+غدا)\"'}\n")
    assert spans(e.extract("ثم قال اليوم")) == [("z", "ثم قال")]
    assert e.extract("ثم قال غدا") == []


def test_a_far_anchor_after_an_optional_insertion_tries_near_where_no_comma_comes_before(rules_dir):
    """A speaker may be followed by an insertion set off by commas, so the cue may lie far from
    the start; where no comma stands right before the cue, the compiler's `Near` lets the
    planner try only the few tokens the speaker can take, with the same matches as trying all."""
    from dataclasses import replace

    from arabic_rules.compiler import Near

    e = engine(rules_dir, "rules:\n  - {name: s, label: x, pattern: 'who:_{1,2} (\"،\" _{1,20} \"،\")? cue:@say'}\n")
    rule = e.rules[0]
    assert rule.near == (Near(2, 1, ("،",), ("،",)),) and rule.options[0][2] == 24
    plain = replace(e.pack, rules=tuple(replace(r, near=()) for r in e.pack.rules))
    texts = ["ثم إن الوزارة الكبرى قالت كلاما",
             "ثم إن الوزارة، في بيان طويل صدر أمس، قالت كلاما",
             "وفي المساء، وبعد يوم طويل من العمل في الحقل، الرجل قال إنه متعب",
             "قال الرجل، ثم قالت المرأة، ثم قال الطفل"]
    for backend in ("python", "native"):
        with_near, without = Engine(e.pack, backend=backend), Engine(plain, backend=backend)
        for text in texts:
            assert spans(with_near.extract(text)) == spans(without.extract(text)), (backend, text)
    assert spans(e.extract(texts[0])) == [("s", "الوزارة الكبرى قالت")]
    assert spans(e.extract(texts[1])) == [("s", "إن الوزارة، في بيان طويل صدر أمس، قالت")]
    # no comma before the cue: the hit and the two tokens before it
    assert len(e._starts(texts[0], None)) == 3
    assert len(Engine(plain)._starts(texts[0], None)) == 5  # every token before the hit


def test_without_the_native_core_the_default_is_the_executor_with_a_warning(rules_dir, monkeypatch):
    """Two back ends: the native core where it is built, else the reference executor, which is
    slow: the engine says so, once, with how to build the core. The retired regex back end is
    no choice any more."""
    from arabic_rules import native

    e = engine(rules_dir, "rules:\n  - {name: s, label: x, pattern: 'cue:@say who:_'}\n")
    monkeypatch.setattr(native, "available", lambda: False)
    with pytest.warns(RuntimeWarning, match=r"not built.*slow.*pip install"):
        slow = Engine(e.pack)
    assert slow.backend == "python"
    assert spans(slow.extract("قال الوزير")) == [("s", "قال الوزير")]
    with pytest.raises(ValueError, match="choose one of native, python"):
        Engine(e.pack, backend="regex")
