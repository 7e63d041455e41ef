"""`rulefile.brackets` (an example's one [bracketed] match), whose common cases take a shortcut,
against the same reading a character at a time, on every text of up to six characters over
letters, brackets and backslashes."""
from __future__ import annotations

import itertools

from arabic_rules import rulefile


def test_brackets_agree_with_a_character_loop():
    for n in range(7):
        for chars in itertools.product("ab[]\\", repeat=n):
            raw = "".join(chars)
            assert rulefile.brackets(raw) == rulefile.read_brackets(raw), raw


def test_the_character_loop_reads_escapes_and_reports_unbalanced_brackets():
    assert rulefile.read_brackets("a[b]c") == ("abc", (1, 2), "")
    assert rulefile.read_brackets("a\\[b]") == ("", None, "unbalanced ] in example; escape a literal bracket as \\]")
    assert rulefile.read_brackets("[a][b]")[2].startswith("only one [bracketed] match")
    assert rulefile.read_brackets("a[b")[2].startswith("unbalanced [")
    assert rulefile.read_brackets("a\\[b\\]") == ("a[b]", None, "")
