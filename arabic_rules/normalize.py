"""The normalized view the rules match on, with a map back to offsets in the original text.

Folds (DESIGN.md; the table in docs/patterns.md, "What normalization does"), in this order:

- NFKC, per character and only in texts that are not NFKC already (presentation forms,
  ligatures such as lam-alef, full-width digits);
- removed: diacritics U+064B-U+0655 and U+0670, tatweel, and invisible format characters (bidi
  marks and controls, ZWNJ/ZWJ, zero-width space, word joiner, soft hyphen, BOM);
- أ إ آ ٱ -> ا; ى -> ي; Persian ی ک -> ي ك; Arabic-Indic and Persian digits -> ASCII;
- the Arabic decimal separator U+066B -> "." and thousands separator U+066C -> ",", only
  between two digits (after the digit fold, so any script); elsewhere they are kept.

Arabic punctuation is kept. Folds that keep the length (letters, digits, separators) never move
an offset; only deletions and NFKC expansions do, so the offset map is a short list of
breakpoints, not an array. A text that is all ASCII is returned as it is.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

# Deleted: harakat and Quranic marks, superscript alef, tatweel, zero-width and bidi controls.
_DELETABLE = "\u064b-\u0655\u0670\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
# `[X][X]*`, not `[X]+`: a pattern that opens with a character set lets `re` skip ahead to the
# next member in its fast scan loop; one that opens with a repeat is tried at every position
# (2.5x slower on news, where these characters are rare). The same runs are found.
_DELETE_RE = re.compile(f"[{_DELETABLE}][{_DELETABLE}]*")
_SAME_LENGTH = {
    "\u0649": "\u064a",  # ى -> ي
    "\u06cc": "\u064a",  # Persian yeh -> ي
    "\u06a9": "\u0643",  # keheh -> ك
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_ALEFS = "\u0622\u0623\u0625\u0671"


def fold_char(c: str) -> str:
    """The normalized form of one character (possibly empty or several characters)."""
    return _fold_same_length(_DELETE_RE.sub("", unicodedata.normalize("NFKC", c)))


def _fold_same_length(text: str) -> str:
    # A `replace` per character present is ~10x faster than one regex sub and ~40x faster than
    # str.translate on 1 MB of news (measured); `in` skips the characters a text lacks.
    for ch in _ALEFS:
        if ch in text:
            text = text.replace(ch, "\u0627")
    for ch, repl in _SAME_LENGTH.items():
        if ch in text:
            text = text.replace(ch, repl)
    for ch, (rx, repl) in _SEPARATORS.items():  # last: their neighbours must be ASCII digits by now
        if ch in text:
            text = rx.sub(repl, text)
    return text


# The Arabic decimal and thousands separators become "." and "," only between two digits (of any
# script, since the digits were folded first); anywhere else the character is kept as it is. The
# regex starts with the character itself and looks back only there: 5x faster than a leading
# lookbehind, which is tried at every position.
_SEPARATORS = {
    "\u066b": (re.compile("\u066b(?<=[0-9]\u066b)(?=[0-9])"), "."),
    "\u066c": (re.compile("\u066c(?<=[0-9]\u066c)(?=[0-9])"), ","),
}


@cache
def _unstable_re() -> re.Pattern[str]:
    """Characters that NFKC changes (BMP; built once, on the first text that needs it)."""
    chars = [chr(i) for i in range(0x80, 0x10000)
             if not 0xD800 <= i < 0xE000 and unicodedata.normalize("NFKC", chr(i)) != chr(i)]
    # beyond the BMP (mathematical letters, ...) every character is a candidate: rare in news
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Normalized:
    """A text, its normalized view, and the map from normalized offsets back to original ones.

    ``bp_norm[k]``/``bp_orig[k]`` are breakpoints: from normalized position ``bp_norm[k]`` on,
    ``orig(n) = bp_orig[k] + (n - bp_norm[k])`` until the next breakpoint.
    """

    original: str
    text: str
    bp_norm: tuple[int, ...] = ()
    bp_orig: tuple[int, ...] = ()

    def orig(self, n: int) -> int:
        """Original offset of the normalized character at ``n`` (``len`` maps to ``len``)."""
        if n >= len(self.text):
            return len(self.original)
        k = bisect_right(self.bp_norm, n) - 1
        if k < 0:
            return n
        return self.bp_orig[k] + (n - self.bp_norm[k])

    def start(self, n: int) -> int:
        """Original start offset for a span starting at normalized ``n``."""
        return self.orig(n)

    def end(self, n: int) -> int:
        """Original end offset for a span ending at normalized ``n``.

        Marks deleted right after the last character belong to the span; if ``n`` falls inside
        the expansion of one original character (ﻻ -> لا), the whole character is included.
        """
        if n <= 0:
            return self.orig(0) if n == 0 and self.text else 0
        bp = self.bp_norm
        k = bisect_right(bp, n - 1)
        if n < len(self.text) and (k == len(bp) or bp[k] > n):  # n - 1 and n in one segment
            return n if k == 0 else self.bp_orig[k - 1] + (n - bp[k - 1])
        here, before = self.orig(n), self.orig(n - 1)
        return here if here > before else before + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalized span ``[start, end)``."""
        if not self.bp_norm:  # nothing was deleted or expanded: offsets are the same
            return (start, start) if start >= end else (start, end)
        if start >= end:
            s = self.start(start)
            return s, s
        return self.orig(start), self.end(end)


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for matching; a text that needs no work is returned as is."""
    if text.isascii():
        return Normalized(text, text)
    edits = [(m.start(), m.end(), "") for m in _DELETE_RE.finditer(text)]
    if not unicodedata.is_normalized("NFKC", text):
        edits = _with_nfkc(text, edits)
    if not edits:
        return Normalized(text, _fold_same_length(text))
    return _apply(text, edits)


def _with_nfkc(text: str, deletions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Deletions plus an edit for every character that NFKC changes (per character, so that
    offsets stay exact; combining marks are deleted anyway, so no composition is lost)."""
    changes = []
    for m in _unstable_re().finditer(text):
        c = m.group()
        r = _DELETE_RE.sub("", unicodedata.normalize("NFKC", c))
        if r != c:
            changes.append((m.start(), m.end(), r))
    # Deletable characters are all NFKC-stable, so the two lists never touch the same character.
    return sorted(changes + deletions)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> Normalized:
    pieces: list[str] = []
    bp_norm: list[int] = []
    bp_orig: list[int] = []
    prev = 0  # original position copied up to
    n = 0  # normalized length so far
    for s, e, repl in edits:
        pieces.append(text[prev:s])
        n += s - prev
        if len(repl) == e - s == 1:
            pieces.append(repl)  # same length: the running shift does not change
            n += 1
        else:
            for i, ch in enumerate(repl):  # every expanded character maps to the original one
                bp_norm.append(n + i)
                bp_orig.append(s)
            pieces.append(repl)
            n += len(repl)
            bp_norm.append(n)
            bp_orig.append(e)
        prev = e
    pieces.append(text[prev:])
    norm = _fold_same_length("".join(pieces))
    return Normalized(text, norm, tuple(bp_norm), tuple(bp_orig))
