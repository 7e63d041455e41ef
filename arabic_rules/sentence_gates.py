"""Sentence gates: a check, derived by the compiler, that a rule can still match.

Most cue words are not followed, in their sentence, by what the rule needs next (a إن after
قال, a colon before a quotation). Without a gate the rule tries every way of reading the words
after the cue as a speaker, adverbials and insertions before it gives up. A gate looks ahead
once: the next required item's first word (or mark) occurs before the sentence ends.

A gate goes right after the first required item of a sequence (when that is no free word), if
the items between it and the next required item with a literal start cannot read past the end of
a sentence: words, lexicon entries and punctuation, conditions, zero-width raw regexes, and
built-in items that read one whole quotation. The gate steps over the text a word, a mark, a whole
quotation or a literal of those items at a time (a literal may hold a period: أ.ف.ب), and stops at
. ! ? ؟ or an opening mark without its closing one. A gate never rejects a text where the rule
matches: it only saves time.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .builtins import builtin
from .syntax import AnyWord, Alt, BuiltinRef, Capture, Cond, Glue, LexRef, Not, Phrase, Raw, Repeat, Seq, SubRef, Word

if TYPE_CHECKING:
    from .compiler import _Analysis

SENTENCE_ENDS = ".!?؟"
# an opening mark and how the gate steps over its quotation, to the next closing mark
QUOTATIONS = {'"': '"[^"]*+"', "«": "«[^«»]*+»", "“": "“[^“”]*+”", "”": "”[^“”\n]*+”", "'": "'[^'\n]*+'"}
_BLOCKING = SENTENCE_ENDS + "".join(QUOTATIONS)


def sentence_gate(an: "_Analysis", items, k: int) -> str | None:
    """The gate regex to put right after ``items[k]`` (a lookahead), or None when none is
    derived: ``items[k]`` may be any word, no later required item with a literal start is reached
    through items that stay inside the sentence within a bounded number of tokens (the gate looks
    no further than that), or it is so near that a gate saves nothing."""
    from .compiler import ANY, MAX_BACK

    if ANY in an.first(items[k]):  # after a free word a gate would run at every word of the text
        return None
    span: int | None = 0
    steps: set[str] = set()
    for item in items[k + 1:]:
        if not an.nullable(item):
            if span is not None and span >= 2:
                targets = _memo_targets(an, an.first(item))
                if targets is not None:
                    return _gate(*targets, frozenset(steps), 3 * span + 3)
        inside = literal_steps(an, item)
        if inside is None:
            return None
        steps |= inside
        size = an.max_tokens(item)
        span = None if span is None or size is None or span + size > MAX_BACK else span + size
        if span is None:  # a gate that may scan a whole window at every cue costs more than it saves
            return None
    return None


def literal_steps(an: "_Analysis", node, seen: frozenset = frozenset()) -> set[str] | None:
    """The literals of ``node`` that hold a sentence end or a quotation mark, as regexes (the
    gate steps over them whole), or None when ``node`` may read past a sentence end otherwise."""
    got = _memo_steps(an, node, seen)
    return None if got is None else set(got)


def _memo_steps(an: "_Analysis", node, seen: frozenset) -> frozenset[str] | None:
    # (every answer is the node's own, kept in ``an.gate_steps``, whichever macros are open around
    # it: the loader rejects a macro that refers back to itself (E104), and a pack with one never
    # compiles, so ``seen`` only guards against looping. Asked again per use of a macro, the steps
    # of the macros inside it were a third of the gates' cost)
    got = an.gate_steps.get(id(node))
    if got is None or got[0] is not node:
        got = an.gate_steps[id(node)] = (node, _steps(an, node, seen))
    return got[1]


def _steps(an: "_Analysis", node, seen: frozenset) -> frozenset[str] | None:
    found = _literal_steps(an, node, seen)
    return None if found is None else frozenset(found)


def _literal_steps(an: "_Analysis", node, seen: frozenset) -> set[str] | None:
    from .compiler import literal_regex

    if isinstance(node, BuiltinRef):  # a whole quotation, or a line check (which reads nothing)
        b = builtin(node.name)
        return set() if b.quoted or b.check is not None else None
    if isinstance(node, SubRef):
        macro = an.pack.macros[node.name].node  # (not `resolve`: it would open a built-in item)
        return set() if node.name in seen else _memo_steps(an, macro, seen | {node.name})
    if isinstance(node, (Word, Phrase)):
        return {literal_regex(node.text)} if any(c in _BLOCKING for c in node.text) else set()
    if isinstance(node, LexRef):  # (a lexicon's answer, whatever is open, is kept by its name)
        key = ("lex", node.name)
        if key not in an.gate_steps:
            an.gate_steps[key] = (None, frozenset(literal_regex(f) for f in an.lex_forms[node.name]
                                                  if any(c in _BLOCKING for c in f)))
        return set(an.gate_steps[key][1])
    if isinstance(node, (AnyWord, Not, Cond)):
        return set()
    if isinstance(node, Raw):
        return set() if _raw_width(node.source) == 0 else None  # a condition
    if isinstance(node, (Repeat, Capture)):
        return _memo_steps(an, node.node, seen)
    out: set[str] = set()
    for part in node.options if isinstance(node, Alt) else node.items if isinstance(node, Seq) else node.parts:
        inside = _memo_steps(an, part, seen)
        if inside is None:
            return None
        out |= inside
    return out


@functools.lru_cache(maxsize=4096)
def _raw_width(source: str) -> int:
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    return sre_parse.parse(source).getwidth()[1]


def _memo_targets(an: "_Analysis", first: set) -> tuple[tuple[str, ...], ...] | None:
    # (kept by the first set itself, a frozenset that keeps its hash: a lexicon's is all its
    # forms, and the same lexicon or macro is asked about at every sequence that uses it)
    key = ("targets", first)
    got = an.gate_steps.get(key)
    if got is None:
        found = _targets(an, first)
        got = an.gate_steps[key] = (None, None if found is None else tuple(map(tuple, found)))
    return got[1]


def _targets(an: "_Analysis", first: set) -> tuple[list[str], list[str], list[str]] | None:
    """(words, punctuation, raw first-character classes) that start a match, or None when a
    match may start with any word, or with a raw regex whose first characters are unknown or
    include letters (it might start inside a word, where the gate does not look)."""
    from .compiler import ANY, _is_word, _word_part, first_chars

    words, marks, classes = [], [], []
    for anchor in first:
        if anchor == ANY:
            return None
        kind, text = anchor
        if kind == "raw":
            cls = first_chars(text)
            if cls is None or not cls.startswith("[") or cls.startswith("[^") or _word_part(cls):
                return None
            classes.append(cls[1:-1])
        elif _is_word(text):
            words.append(text.split(" ")[0])  # a phrase: its first word (the gap may be any space)
        else:
            marks.append(text)
    # (sorted: ``first`` is a set, and its order, which depends on the hash seed, would spell the
    # gate's alternation of classes differently from one process to the next)
    return (sorted(words), sorted(marks), sorted(classes)) if first else None


@functools.lru_cache(maxsize=1024)
def _gate(words: tuple[str, ...], marks: tuple[str, ...], classes: tuple[str, ...], literals: frozenset[str],
          most: int) -> str:
    """A lookahead that steps over the text a word, a run of spaces, a mark, a whole quotation or
    one of ``literals`` at a time, trying the targets after each step, and stops at a sentence end."""
    from .compiler import LB, trie_regex

    targets = ([LB + "(?:" + trie_regex(words) + ")"] if words else []) + \
              (["(?:" + trie_regex(marks) + ")"] if marks else []) + [f"[{c}]" for c in classes]
    step = "".join(f"{lit}|" for lit in sorted(literals, key=lambda x: (-len(x), x)))
    step += rf"\w++|\s++|[^{re.escape(_BLOCKING)}\w\s]|" + "|".join(QUOTATIONS.values())
    return f"(?=(?:{step}){{0,{most}}}?(?:{'|'.join(targets)}))"
