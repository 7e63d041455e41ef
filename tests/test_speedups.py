"""Regression tests for the engine's speed paths: each must give exactly what the plain way gives."""
import re

from hypothesis import given
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
