"""`rulefile.brackets` (an example's one [bracketed] match) against a plain character loop, on
every text of up to six characters over letters, brackets and backslashes."""
from __future__ import annotations

import itertools

from arabic_rules import rulefile


def reference(raw: str) -> tuple[str, tuple[int, int] | None, str]:
    """Reads the example a character at a time: ``\\[`` and ``\\]`` are literal brackets."""
    out: list[str] = []
    start = end = None
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw) and raw[i + 1] in "[]":
            out.append(raw[i + 1])
            i += 2
            continue
        if c == "[":
            if start is not None:
                return "", None, "only one"
            start = len(out)
        elif c == "]":
            if start is None or end is not None:
                return "", None, "unbalanced ]"
            end = len(out)
        else:
            out.append(c)
        i += 1
    if start is not None and end is None:
        return "", None, "unbalanced ["
    return "".join(out), (start, end) if start is not None and end is not None else None, ""


def test_brackets_agree_with_a_character_loop():
    for n in range(7):
        for chars in itertools.product("ab[]\\", repeat=n):
            raw = "".join(chars)
            text, span, error = rulefile.brackets(raw)
            want_text, want_span, want_error = reference(raw)
            assert (text, span) == (want_text, want_span), raw
            assert error.startswith(want_error) and bool(error) == bool(want_error), raw
