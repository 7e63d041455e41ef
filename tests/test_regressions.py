"""Plain regression tests for bugs the property suite (tests/test_properties.py) found."""
from arabic_rules import Engine
from arabic_rules.engine import _snap
from arabic_rules.syntax import AnyWord, Capture, Repeat, Word, parse_pattern, render


def test_pattern_words_and_literals_are_normalized_like_the_text(rules_dir):
    # found by the invariance property: أكد in a pattern matched neither أكد nor اكد in a text
    e = Engine.from_paths([rules_dir(p="rules:\n  - {name: a, label: x, pattern: 'أكد \"إلى:\"'}\n")],
                          use_cache=False)
    for text in ("أكد إلى:", "اكد الى:", "أكّـد إِلى:"):
        assert [m.text for m in e.extract(text)] == [text]


def test_a_repeated_repetition_renders_with_parentheses():
    # found by the round-trip property: Repeat(Repeat(_)) rendered as "_??", which does not parse
    for ast in (Repeat(Repeat(AnyWord(), 0, 1), 0, 1), Capture("a", Repeat(Repeat(Word("قال"), 1, None), 0, 1)),
                Repeat(Repeat(Repeat(Word("x"), 2, 2), 0, 1), 1, 3)):
        assert parse_pattern(render(ast)) == ast


def test_match_window_is_bounded_on_text_without_spaces():
    # found by the linear-time property: with no whitespace ahead, every rule window ran to the
    # end of the text, so "قال:«قال:«..." took quadratic time
    text = "قال:«" * 50_000
    assert _snap(text, 0 + 4000) <= 8000
    assert _snap("x" * 100_000, 10) <= 10 + 4000
    assert _snap("abc def", 1) == 3


def test_streamed_blocks_do_not_cut_a_match_that_spans_line_breaks(tmp_path):
    # found by the streaming property: blocks end at line breaks, and a quotation spanning one
    # was lost when a block ended inside it
    import dataclasses

    from arabic_rules.stream import stream_matches
    from arabic_rules.inputs import blocks

    base = Engine.default()
    e = Engine(dataclasses.replace(base.pack, rules=tuple(dataclasses.replace(r, max_span=60) for r in base.pack.rules)))
    text = ("كلام عادي في السطر الأول\n" * 6 + "وقال رئيس اللجنة:\n«سنعلن النتائج\nفي 9 كانون الأول/ ديسمبر»\n\n"
            "فقرة أخرى فيها 300 شخص\n") * 3
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    expected = sorted((m.rule, m.start, m.end) for m in e.extract(text))
    for size in (16, 40, 64, 100):
        got = sorted((m.rule, m.start + b.offset, m.end + b.offset)
                     for b, found in stream_matches(e, blocks(str(path), block=size)) for m in found)
        assert got == expected, size


def test_absorbs_is_not_quadratic_in_the_number_of_dates():
    # found by the linear-time property on 1 MB of news-like text: every candidate was checked
    # against every absorbing match (dates absorb numbers)
    import time

    e = Engine.default()
    text = "في 9 كانون الأول 2021 وصل 300 شخص، " * 8000
    t = time.process_time()  # (CPU time: other programs on the machine do not count)
    found = e.extract(text)
    assert time.process_time() - t < 10
    assert {m.label for m in found} == {"date", "number"}
    assert all(m.text != "9" and m.text != "2021" for m in found if m.label == "number")


def test_any_word_repeated_before_any_word(tmp_path):
    """`_+ _` compiled (hypothesis found the possessive check reading the any-word marker as a
    literal); the last word is left to the second item."""
    from arabic_rules import Engine

    (tmp_path / "r.yaml").write_text("rules:\n  - {name: r0, label: x, pattern: '_+ _'}\n", encoding="utf-8")
    engine = Engine.from_paths([tmp_path], use_cache=False)
    assert [m.text for m in engine.extract("قال الوزير امس")] == ["قال الوزير امس"]


def test_a_long_list_of_number_words_is_not_read_as_one_ever_longer_number():
    """The audit found 1 MB of «ثلاثة آلاف و...» taking minutes: each word started a candidate
    running to the end of the list (4000 characters), each evaluated and rejected. Joined groups
    are bounded now, so candidates stay short and the work is linear in the text."""
    from arabic_rules import Engine
    from arabic_rules.normalize import normalize

    engine = Engine.default()
    for unit in ("ثلاثة وخمسة و", "ثلاثة آلاف و"):
        cands = engine.candidates(normalize(unit * 400), build=False)
        assert cands and max(c.end - c.start for c in cands) < 200


def test_a_half_joined_to_a_group_without_a_scale_is_a_half_of_one():
    from arabic_rules import Engine

    engine = Engine.default()
    got = {m.text: m.value for m in engine.extract("قطع ثلاثة ونصف كيلومتر، وبنوا ألفاً وثلاثمائة ونصف متر")
           if m.label == "number"}
    assert got == {"ثلاثة ونصف": 3.5, "ألفاً وثلاثمائة ونصف": 1300.5}


def test_a_speaker_carries_over_from_one_streamed_block_to_the_next(tmp_path):
    """The audit found `arules check` losing the carried-over speaker when a file was read in
    more than one settled piece; finishers now keep it in a context that lives across them."""
    from arabic_rules import Engine
    from arabic_rules.stream import stream_matches
    from arabic_rules.inputs import blocks

    text = ("قال وزير الخارجية إن المحادثات مستمرة.\n" + "مرت الأيام على المدينة بهدوء تام.\n" * 40
            + 'وأضاف: "لن نتراجع عن موقفنا".\n')
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    engine = Engine.default()
    pieces = list(stream_matches(engine, blocks(str(path), block=300), margin=150))
    assert len(pieces) > 2
    said = [(m, b.offset) for b, found in pieces for m in found if m.label == "attribution"]
    assert [m.value["speaker"] for m, _ in said] == ["وزير الخارجية", "وزير الخارجية"]
    last, offset = said[-1]
    assert last.attrs.get("speaker_inferred")
    sp = last.fields["speaker"]
    assert text[sp.start + offset:sp.end + offset] == "وزير الخارجية"


def test_a_quotation_ends_before_the_next_opening_mark():
    """The thorough profile found 1 MB of «قال: «» ...» (unclosed quotations) five times slower
    per character than 10 KB: every cue and every quote scan read a whole window for its closing
    mark. A quotation now stops at the next opening mark, so each is read once."""
    from arabic_rules.compiler import analysis, node_program
    from arabic_rules.executor import Executor
    from arabic_rules.loader import load
    from arabic_rules.resources import data_dir

    pack = load([data_dir("patterns")])
    an = analysis(pack)
    program, ex = node_program(pack, pack.macros["quotation"].node, an), Executor(an.word_sets())

    def quotation(text: str):  # (the macro's match at the start of ``text``, or None)
        return ex.match(program, text, 0)

    assert quotation("«نعم»") and quotation("“نعم”") and quotation('"نعم"')
    assert quotation("«لن «نعم»") is None and quotation("“لن “نعم”") is None
