"""Rule programs: what a compiled pattern does, as a small tree that every back end runs.

The compiler lowers a pattern's AST to this tree once. The executors (`executor.py` in Python,
the native core in Rust) run it, reading lexicons as sets of words; rendered as a character
regex (`to_regex`) it is what lint's probes time in Python's `re`.
All nodes match at a position of the normalized text and give end positions in priority order
(the order a backtracking regex engine tries them), so every back end finds the same match.

Atoms: `Lit` (a literal: words and punctuation with gaps), `Lex` (any entry of a lexicon),
`AnyWord` (one run of word characters, taken whole), `Raw` (a guarded raw regex, atomic), `Gap`
(whitespace, taken whole), `Assert` (a word-boundary condition), `Look` (a condition: a program
matches, or does not, where it stands, reading nothing), `Behind` (a look back: a program
matches text that ends where it stands, or does not). Structure: `Cat`, `Alt` (the
first option that leads to a match wins), `Opt` and `Rep` (greedy; possessive ones never give
back), `Group` (a capture).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

LB, RB, NOSPLIT = "LB", "RB", "NOSPLIT"
# where the text stands, looking back over the whitespace before the point (`line_check`)
LINE_START, PARAGRAPH_START, SENTENCE_START = "line_start", "paragraph_start", "sentence_start"
LINE_CHECKS = (LINE_START, PARAGRAPH_START, SENTENCE_START)
ASSERT_REGEX = {LB: r"(?<!\w)", RB: r"(?!\w)", NOSPLIT: r"(?:(?<!\w)|(?!\w))",
                # (look backs of any width: the `regex` module reads them; `needs_executor`)
                LINE_START: r"(?<=(?:\A|\n)\s*)", PARAGRAPH_START: r"(?<=(?:\A|\n[^\S\n]*\n)\s*)",
                SENTENCE_START: r"(?<=(?:\A|[\n.!?؟])\s*)"}
SENTENCE_ENDS = ".!?؟"


def line_check(text: str, p: int, kind: str) -> bool:
    """Whether the line check ``kind`` holds at ``p``: step back over the whitespace before
    ``p``; the text starts there (nothing but whitespace before), or that whitespace holds a
    line break (LINE_START), two of them (PARAGRAPH_START: a blank line), or a line break or
    follows . ! ? ؟ (SENTENCE_START)."""
    q, breaks = p, 0
    while q > 0 and text[q - 1].isspace():
        q -= 1
        breaks += text[q] == "\n"
    if q == 0:
        return True
    if kind == PARAGRAPH_START:
        return breaks >= 2
    return breaks >= 1 or (kind == SENTENCE_START and text[q - 1] in SENTENCE_ENDS)


@dataclass(frozen=True)
class Lit:
    """A literal: ``tokens`` (normalized words and punctuation) with a gap between each two:
    ``gaps[i]`` True for one or more whitespace characters (between two words), False for any
    whitespace, possibly none (next to punctuation). Whitespace is always taken whole."""

    tokens: tuple[str, ...]
    gaps: tuple[bool, ...]


@dataclass(frozen=True)
class Lex:
    """Any entry of lexicon ``name``, the longest first (a space in an entry: whitespace)."""

    name: str


@dataclass(frozen=True)
class AnyWord:
    """A whole run of word characters."""


@dataclass(frozen=True)
class Raw:
    """A raw regular expression (Python syntax), matched atomically: its first match only."""

    source: str


@dataclass(frozen=True)
class Gap:
    """Whitespace, taken whole: at least one character if ``required``."""

    required: bool


@dataclass(frozen=True)
class Assert:
    """A condition at the position: LB (no word character before), RB (none after), NOSPLIT
    (not inside a word), or one of `LINE_CHECKS` (`line_check`)."""

    kind: str


@dataclass(frozen=True)
class Look:
    """A condition that reads nothing: ``node`` matches here (does not, if ``negate``)."""

    node: "Node"
    negate: bool = False


@dataclass(frozen=True)
class Behind:
    """A condition that looks back and reads nothing: ``node`` matches text that ends exactly
    here (does not, if ``negate``). ``node`` runs on the text cut here (it sees nothing after
    this point), from each start `behind_starts` gives: every position back to the start of the
    ``tokens``-th token before here. Its captures are not kept."""

    node: "Node"
    negate: bool
    tokens: int


def behind_starts(text: str, p: int, tokens: int) -> range:
    """Where a `Behind` node's program is tried, nearest first: ``p``, then every position back
    to the start of the ``tokens``-th token before ``p`` (a token is a run of word characters or
    one other character that is not whitespace; whitespace between tokens is stepped over)."""
    q = p
    for _ in range(tokens):
        while q > 0 and text[q - 1].isspace():
            q -= 1
        if q == 0:
            break
        if _is_word_char(text[q - 1]):
            while q > 0 and _is_word_char(text[q - 1]):
                q -= 1
        else:
            q -= 1
    return range(p, q - 1, -1)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class Cat:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Alt:
    options: tuple["Node", ...]


@dataclass(frozen=True)
class Opt:
    """``node`` or nothing, ``node`` first; possessive: nothing only if ``node`` fails."""

    node: "Node"
    possessive: bool = False


@dataclass(frozen=True)
class Rep:
    """``node`` repeated ``min`` to ``max`` times (None: no limit), as many as possible first."""

    node: "Node"
    min: int
    max: int | None
    possessive: bool = False


@dataclass(frozen=True)
class Group:
    """A capture: the span ``node`` matched becomes group ``name``."""

    name: str
    node: "Node"


Node = Union[Lit, Lex, AnyWord, Raw, Gap, Assert, Look, Behind, Cat, Alt, Opt, Rep, Group]


@dataclass(frozen=True)
class WordSet:
    """A lexicon as programs read it: ``forms`` (normalized; a space stands for whitespace),
    or, for generated verbs, ``forms`` are stems that each take any of ``suffixes`` (or none)
    and ``rest`` the entries those do not cover. Tried in the regex's order: longer stems
    first, a stem with its longest suffix first, then the rest."""

    forms: tuple[str, ...]
    suffixes: tuple[str, ...] = ()
    rest: tuple[str, ...] = ()


def char_trie(forms) -> dict:
    """``forms`` as a character trie: nested dicts, ``""`` marking where a form ends."""
    root: dict = {}
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def cat(*items: "Node | None") -> "Node":
    """The concatenation of ``items`` (None items left out), flat."""
    flat: list[Node] = []
    for it in items:
        if it is None:
            continue
        flat.extend(it.items if isinstance(it, Cat) else (it,))
    return flat[0] if len(flat) == 1 else Cat(tuple(flat))


def to_regex(node: Node, tries: dict[str, str], memo: dict | None = None) -> str:
    """The character regex of a program (``tries``: lexicon name -> its trie regex). ``memo``
    (id of a node -> (node, its regex)) shares the regex of a node several programs hold, as
    the compiler's programs share their macros' nodes: rendering each anew was most of a cold
    compile of the attribution pack."""
    if memo is None:
        return _to_regex(node, tries, {})
    return _to_regex(node, tries, memo)


def _to_regex(node: Node, tries: dict[str, str], memo: dict) -> str:
    got = memo.get(id(node))
    if got is not None and got[0] is node:
        return got[1]
    out = _render(node, tries, memo)
    if not isinstance(node, (Lit, Gap, Assert, AnyWord)):  # (cheap, and many: not worth keeping)
        memo[id(node)] = (node, out)
    return out


def _render(node: Node, tries: dict[str, str], memo: dict) -> str:
    to_regex = _to_regex  # (the parts of a node, through the same memo)
    if isinstance(node, Lit):
        out = [re.escape(node.tokens[0])]
        for gap, tok in zip(node.gaps, node.tokens[1:]):
            out.append(r"\s++" if gap else r"\s*+")
            out.append(re.escape(tok))
        return "".join(out)
    if isinstance(node, Lex):
        return f"(?:{tries[node.name]})"
    if isinstance(node, AnyWord):
        return r"\w++"
    if isinstance(node, Raw):
        return f"(?>{node.source})"
    if isinstance(node, Gap):
        return r"\s++" if node.required else r"\s*+"
    if isinstance(node, Assert):
        return ASSERT_REGEX[node.kind]
    if isinstance(node, Look):
        return ("(?!" if node.negate else "(?=") + to_regex(node.node, tries, memo) + ")"
    if isinstance(node, Behind):
        # a look back of any width: the `regex` module reads it (Python's `re` takes fixed widths
        # only: `needs_executor`)
        return ("(?<!" if node.negate else "(?<=") + to_regex(node.node, tries, memo) + ")"
    if isinstance(node, Cat):
        return "".join(to_regex(x, tries, memo) for x in node.items)
    if isinstance(node, Alt):
        return "(?:" + "|".join(to_regex(x, tries, memo) for x in node.options) + ")"
    if isinstance(node, Opt):
        return f"(?:{to_regex(node.node, tries, memo)})?" + ("+" if node.possessive else "")
    if isinstance(node, Rep):
        return f"(?:{to_regex(node.node, tries, memo)}){_quant(node.min, node.max)}" + ("+" if node.possessive else "")
    if isinstance(node, Group):
        return f"(?P<{node.name}>{to_regex(node.node, tries, memo)})"
    raise TypeError(f"not a program node: {node!r}")


def _quant(lo: int, hi: int | None) -> str:
    if (lo, hi) == (0, 1):
        return "?"
    if (lo, hi) == (0, None):
        return "*"
    if (lo, hi) == (1, None):
        return "+"
    if hi is None:
        return f"{{{lo},}}"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def needs_executor(node: Node | None, memo: dict | None = None) -> bool:
    """Whether the program holds a look back (`Behind`) or a line check, which Python's `re`
    cannot run (lint's probes take them as holding). (Macros make programs share
    subtrees: each node object is visited once; ``memo``, id of a node -> (node, answer), shares
    that between calls, as for every rule of a pack or every condition of one program.)"""
    return node is not None and _needs_executor(node, {} if memo is None else memo)


def _needs_executor(node: Node, seen: dict[int, tuple[Node, bool]]) -> bool:
    got = seen.get(id(node))
    if got is not None and got[0] is node:
        return got[1]
    if isinstance(node, Behind) or (isinstance(node, Assert) and node.kind in LINE_CHECKS):
        answer = True
    elif isinstance(node, (Look, Opt, Rep, Group)):
        answer = _needs_executor(node.node, seen)
    elif isinstance(node, Cat):
        answer = any(_needs_executor(x, seen) for x in node.items)
    elif isinstance(node, Alt):
        answer = any(_needs_executor(x, seen) for x in node.options)
    else:
        answer = False
    seen[id(node)] = (node, answer)
    return answer
