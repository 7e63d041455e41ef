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
