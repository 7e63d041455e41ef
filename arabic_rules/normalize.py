"""The normalized view the rules match on, with a map back to offsets in the original text.

Folds (DESIGN.md): NFKC (per character, only on lines that need it); diacritics U+064B-U+0655 and
U+0670, tatweel and invisible format characters (bidi marks, ZWNJ/ZWJ, soft hyphen) removed;
أ إ آ ٱ -> ا; ى -> ي; Persian ی ک -> ي ك; Arabic-Indic and Persian digits -> ASCII. Arabic
punctuation is kept. Folds that keep the length (letters, digits) never move an offset; only
deletions and NFKC expansions do, so the offset map is a short list of breakpoints, not an array.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Deleted: harakat and Quranic marks, superscript alef, tatweel, zero-width and bidi controls.
_DELETABLE = "\u064b-\u0655\u0670\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
_DELETE_RE = re.compile(f"[{_DELETABLE}]+")
_ALEF_RE = re.compile("[\u0622\u0623\u0625\u0671]")
_SAME_LENGTH = {
    "\u0649": "\u064a",  # ى -> ي
    "\u06cc": "\u064a",  # Persian yeh -> ي
    "\u06a9": "\u0643",  # keheh -> ك
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_SAME_LENGTH_RE = re.compile("[" + "".join(_SAME_LENGTH) + "]")
_ONE_TO_ONE = tuple({**{a: "\u0627" for a in "\u0622\u0623\u0625\u0671"}, **_SAME_LENGTH}.items())
_NEEDS_WORK_RE = re.compile(f"[{_DELETABLE}\u0622\u0623\u0625\u0671" + "".join(_SAME_LENGTH) + "]")


def fold_char(c: str) -> str:
    """The normalized form of one character (possibly empty or several characters)."""
    out = _DELETE_RE.sub("", unicodedata.normalize("NFKC", c))
    return _fold_same_length(out)


def _fold_same_length(text: str) -> str:
    """The one-to-one folds (alefs, yeh, keheh, digits), by str.replace: a `in` test per folded
    character is a fast scan, 5x quicker on news than a regex finding them (no output of a
    fold is itself folded, so the order does not matter)."""
    for ch, to in _ONE_TO_ONE:
        if ch in text:
            text = text.replace(ch, to)
    return text


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
        here, before = self.orig(n), self.orig(n - 1)
        return here if here > before else before + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalized span ``[start, end)``."""
        if start >= end:
            s = self.start(start)
            return s, s
        return self.start(start), self.end(end)


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for matching; a text that needs no work is returned as is."""
    if not _NEEDS_WORK_RE.search(text) and text.isascii():
        return Normalized(text, text)
    if unicodedata.is_normalized("NFKC", text):
        edits = [(m.start(), m.end(), "") for m in _DELETE_RE.finditer(text)]
    else:
        edits = _edits_per_line(text)
    if not edits:
        return Normalized(text, _fold_same_length(text))
    return _apply(text, edits)


def _edits_per_line(text: str) -> list[tuple[int, int, str]]:
    """Edits for a text that is not NFKC-stable: per character only on lines that need it."""
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if unicodedata.is_normalized("NFKC", line):
            edits.extend((pos + m.start(), pos + m.end(), "") for m in _DELETE_RE.finditer(line))
        else:  # only characters outside the stable set can change (a per-character NFKC)
            for m in _maybe_changed().finditer(line):
                c = m.group()
                r = _NFKC_CHAR.get(c)
                if r is None:
                    r = _NFKC_CHAR[c] = _DELETE_RE.sub("", unicodedata.normalize("NFKC", c))
                if r != c:
                    i = m.start()
                    edits.append((pos + i, pos + i + 1, r))
        pos += len(line)
    return edits


def _stable_class() -> re.Pattern:
    """A regex for the characters that may change under per-character NFKC + deletion.

    Only ASCII, the Arabic block and general punctuation are tested (at import: about 2,400
    characters); everything outside them is treated as possibly changing, so the result is
    exactly the per-character loop, but news lines skip their plain letters in C."""
    stable = [c for lo, hi in ((0, 0x7FF), (0x2000, 0x206F)) for c in map(chr, range(lo, hi + 1))
              if not _DELETE_RE.fullmatch(c) and unicodedata.normalize("NFKC", c) == c]
    ranges: list[list[int]] = []
    for c in stable:
        o = ord(c)
        if ranges and ranges[-1][1] == o - 1:
            ranges[-1][1] = o
        else:
            ranges.append([o, o])
    body = "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)
    return re.compile(f"[^{body}]")


_NFKC_CHAR: dict[str, str] = {}
_MAYBE_CHANGED: list[re.Pattern] = []


def _maybe_changed() -> re.Pattern:
    """`_stable_class`, built on first use (it costs a few ms: not at import, for cold start)."""
    if not _MAYBE_CHANGED:
        _MAYBE_CHANGED.append(_stable_class())
    return _MAYBE_CHANGED[0]


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
