"""Pattern AST -> rule programs (`ir`), plus the anchors the one-pass prefilter looks for.

Semantics of the emitted programs (all on normalized text, read as a backtracking regex engine
reads a regex; `ir.to_regex` renders one as such, for lint's probes):
- a word is a run of ``\\w`` characters; word items are bounded by ``(?<!\\w)`` / ``(?!\\w)`` so
  a pattern word never matches part of a text word (an Arabic-aware boundary once tatweel,
  marks and format characters are gone); ``~`` drops the boundary between two items;
- items are separated by ``\\s+`` between two words and ``\\s*`` next to punctuation;
- lexicons become character tries (one branch per distinct first character);
- runaway backtracking is prevented where it is free: whole words are atomic, gaps possessive,
  and a repetition whose item cannot match what follows it is possessive.

Every rule gets an *anchor*: a set of literals (or raw regexes) one of which starts a required
item, and ``back``, how many tokens the match may start before it. ``back is None`` means the rule
cannot be anchored and is scanned everywhere (lint warns about it).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from . import gcpause, ir, programs
from .normalize import normalize
from .builtins import builtin
from .sentence_gates import sentence_gate
from .syntax import (MAX_BACK_TOKENS, AnyWord, Alt, BuiltinRef, Capture, Cond, Glue, LexRef, Not, Phrase, Raw, Repeat, Seq,
                     SubRef, Word)

if TYPE_CHECKING:  # the loader (and yaml) are not needed to run a pack from the cache
    from .loader import Pack, Rule

LB = r"(?<!\w)"
RB = r"(?!\w)"
NOSPLIT = r"(?:(?<!\w)|(?!\w))"  # no word is cut here (for raw regexes and punctuation-led tries)
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
MAX_BACK = 12  # how many tokens an anchor may lie after the start of its rule
MAX_FAR_BACK = 512  # ... when no item within MAX_BACK tokens can anchor it (`_Analysis.anchor_options`)
DEFAULT_MAX_SPAN = 4000  # characters one match may cover (the backtracking time guard)

ANY = ("any",)


@dataclass(frozen=True)
class Near:
    """A shorter reach for a far anchor (`_Analysis.near`): a match whose optional insertion is
    empty starts at most ``short`` tokens before the anchor; one with the insertion has its last
    token, one of ``marks``, among the ``within`` tokens before the anchor. So a hit without
    any of the marks there is tried only ``short`` tokens back (the same matches, fewer tries).
    Where one is there, the insertion's first token is one of ``opens`` (when not empty): the
    match starts at most ``short`` tokens before such a token, and only those starts are tried."""

    short: int
    within: int
    marks: tuple[str, ...]
    opens: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledRule:
    """One rule, ready to run: its program, field groups, anchors and value call."""

    index: int
    name: str
    label: str
    priority: int
    groups: tuple[tuple[str, str, str | None], ...]  # (program group, field name, lexicon or None)
    literals: frozenset[str]  # anchor literals (normalized, single spaces)
    raws: tuple[str, ...]  # anchor raw regexes
    back: int | None  # tokens the match may start before the anchor; None: unanchored
    value: Any  # syntax.Call or None
    absorbs: tuple[str, ...]
    max_span: int = DEFAULT_MAX_SPAN
    bounded: bool = False  # the program cannot match more than max_span characters anyway
    width: int = DEFAULT_MAX_SPAN  # most characters one match can cover (max_span if unbounded)
    span: str | None = None  # the field reported as the match (the rest of the pattern is context)
    # every required item usable as an anchor: (literals, raws, back, rest): the engine counts
    # their hits in each text and tries the rule only around the rarest, and only where `rest`
    # (the name of the rule's program from that item on, `rest_programs`; "" for the first
    # item) matches at the hit.
    # literals/raws/back above are the best guess without a text, for lint and explain.
    options: tuple[tuple[frozenset, tuple[str, ...], int, str], ...] = ()
    # literal sets of required items too far into the rule to anchor it (after an unbounded
    # item): one of each set must occur in a text for the rule to match anywhere in it
    gates: tuple[frozenset, ...] = ()
    program: ir.Node | None = None  # what the back ends run
    rest_programs: tuple[ir.Node | None, ...] = ()  # per option, the program its `rest` names
    near: tuple[Near | None, ...] = ()  # per option, its shorter reach (`Near`) or None; () for none at all


@dataclass(frozen=True)
class AnchorIndex:
    """What the engine's one pass over a text looks for: one trie regex over the literal anchors
    of every anchor option (and gate) of every rule, and one scan per distinct raw anchor.
    Entries are (rule, option, back); gates are numbered after the options, with back -1."""

    prefilter: str | None
    by_literal: dict[str, tuple[tuple[int, int, int], ...]]
    raw_scans: tuple[tuple[str, tuple[tuple[int, int, int], ...]], ...]
    short_scans: tuple[bool, ...]  # per raw scan: its matches are short (`short_reach`)
    unanchored: tuple[int, ...]  # rules tried at every token start


@dataclass(frozen=True)
class CompiledPack:
    """All rules of a pack compiled, the lexicon value tables builders and fields read, the
    anchor index, and the compiled code of the regexes the Python planner runs (`programs`: the
    prefilter and raw scans, assembled when first asked for)."""

    rules: tuple[CompiledRule, ...]
    lexicons: dict[str, dict[str, Any]]
    key: str = ""
    anchors: AnchorIndex | None = None
    programs: Mapping[str, tuple] = field(default_factory=dict)  # (a `programs.Assembled` from `compile_pack`)
    word_sets: dict[str, ir.WordSet] = field(default_factory=dict)  # the lexicons programs read
    roles: dict[str, str] = field(default_factory=dict)  # lexicon -> its role, for builders (`values.roles`)


# --- tokens and tries -------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    """Words and single punctuation characters of a literal, normalized like the text is."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    # (the analysis asks for the tokens of every lexicon entry many times over)
    return tuple(TOKEN_RE.findall(normalize(text).text))


_WORD_START = re.compile(r"\w").match


def _is_word(tok: str) -> bool:
    return _WORD_START(tok) is not None


def literal_regex(text: str) -> str:
    """Regex for a literal phrase: its (normalized) tokens with the right gap between each two."""
    toks = tokens(text)
    out = [re.escape(toks[0])]
    for a, b in zip(toks, toks[1:]):
        out.append(r"\s++" if _is_word(a) and _is_word(b) else r"\s*+")
        out.append(re.escape(b))
    return "".join(out)


def trie_regex(forms) -> str:
    """One regex matching any of ``forms`` (a space in a form matches any whitespace run)."""
    return _trie(ir.char_trie(forms))


def _trie(node: dict) -> str:
    end = "" in node
    leaves, branches = [], []
    for ch in sorted(k for k in node if k):
        child = node[ch]
        piece = r"\s++" if ch == " " else re.escape(ch)
        if list(child) == [""]:
            leaves.append(piece)
        else:
            branches.append(piece + _trie(child))
    if len(leaves) == 1:
        branches.append(leaves[0])
    elif leaves:
        if all(len(x) == 1 or (len(x) == 2 and x[0] == "\\") for x in leaves):
            branches.append("[" + "".join(leaves) + "]")
        else:
            branches.extend(leaves)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end:
        return (body if len(branches) > 1 or _single_unit(body) else f"(?:{body})") + "?"
    return body


def word_set_regex(ws: ir.WordSet) -> str:
    """The trie regex of a lexicon's word set: its forms, or its stems, each with any of its
    suffixes (or none), then the rest. An empty set of forms never matches."""
    if not ws.suffixes:
        return trie_regex(ws.forms) if ws.forms else NEVER
    body = f"(?:{trie_regex(ws.forms) if ws.forms else NEVER})(?:{trie_regex(ws.suffixes)})?"
    return body + (f"|{trie_regex(ws.rest)}" if ws.rest else "")


NEVER = "(?!)"


def _single_unit(piece: str) -> bool:
    return len(piece) == 1 or (len(piece) == 2 and piece[0] == "\\") or (piece.startswith("[") and piece.endswith("]")
                                                                         and piece.count("[") == 1)


# --- analysis: first/last token kinds, nullability, anchors ----------------------------------

class _Analysis:
    """Facts about nodes, with macros resolved."""

    def __init__(self, pack: Pack):
        self.pack = pack
        # what a lexicon's regex is built from: stems that take every suffix, and the entries
        # those do not cover, whole (for generated verbs: 4x smaller than all the entries)
        self.lex_forms: dict[str, list[str]] = {}
        self.lex_stems: dict[str, tuple[list[str], tuple[str, ...], list[str]]] = {}  # stems, suffixes, rest
        for n, lx in pack.lexicons.items():
            entries = {f for f, _ in lx.entries}
            if lx.stems and lx.suffixes:
                rest = entries - {s + e for s in lx.stems for e in ("", *lx.suffixes)}
                self.lex_stems[n] = (sorted(lx.stems), lx.suffixes, sorted(rest))
                self.lex_forms[n] = sorted(set(lx.stems) | rest)
            else:
                self.lex_forms[n] = sorted(entries)

        # per question, id(node) -> (node, answer): rules share macros, and the anchor planning
        # asks the same questions of every item many times (the node is kept, so no id is reused)
        self._memo: dict[str, dict[int, tuple[Any, Any]]] = {"nullable": {}, "edge": {}, "first": {}, "max": {},
                                                             "captures": {}, "marks": {}}
        self.emitted: dict[tuple[int, bool, bool], tuple[Any, ir.Node]] = {}  # see `_Emitter.emit`
        # the width of each program node, shared by the rules whose programs hold it
        self.widths: dict[int, tuple[ir.Node, int]] = {}
        # id(node) (or ("lex", name)) -> (node, its sentence-gate steps): `sentence_gates.literal_steps`
        # is asked of the same macros and lexicons at every sequence that uses them (most of the
        # cost of a cold compile's gates)
        self.gate_steps: dict[Any, tuple[Any, frozenset[str] | None]] = {}
        self._lex_widths: dict[str, int] | None = None
        self._lex_edges: dict[str, tuple[bool, bool]] = {}

    def word_sets(self) -> dict[str, ir.WordSet]:
        """The lexicons as the executors read them (those the rules' programs name)."""
        out = {}
        # (sorted: a set's order depends on the hash seed, and the native layout numbers the
        # sets in this order, so the same pack must always give the same layout)
        for name in sorted(self.lex_forms):
            if name in self.lex_stems:
                stems, suffixes, rest = self.lex_stems[name]
                out[name] = ir.WordSet(tuple(stems), tuple(suffixes), tuple(rest))
            else:
                out[name] = ir.WordSet(tuple(self.lex_forms[name]))
        return out

    def lex_widths(self) -> dict[str, int]:
        """Lexicon name -> the most characters one of its entries covers (see `program_width`)."""
        if self._lex_widths is None:
            def widest(forms) -> int:
                return max((DEFAULT_MAX_SPAN if " " in f else len(f) for f in forms), default=0)

            self._lex_widths = {}
            for name, forms in self.lex_forms.items():
                if name in self.lex_stems:
                    stems, suffixes, rest = self.lex_stems[name]
                    forms_width = widest(stems) + widest(suffixes)
                    self._lex_widths[name] = min(max(forms_width, widest(rest)), DEFAULT_MAX_SPAN)
                else:
                    self._lex_widths[name] = widest(forms)
        return self._lex_widths

    def captures(self, node) -> bool:
        """Whether ``node`` holds a named capture (through macros too; True for a kind of node
        this does not know, so that it is never taken for capture-free)."""
        return self._ask("captures", node, self._captures)

    def _captures(self, node) -> bool:
        node = self.resolve(node)
        if isinstance(node, Capture):
            return True
        if isinstance(node, (Repeat, Not, Cond)):
            return self.captures(node.node)
        if isinstance(node, (Seq, Glue, Alt)):
            return any(self.captures(x) for x in (node.items if isinstance(node, Seq) else
                                                  node.parts if isinstance(node, Glue) else node.options))
        return not isinstance(node, (Word, Phrase, LexRef, AnyWord, Raw, _LineCheck))  # (an unknown kind: assume so)

    def lex_edges(self, name: str) -> tuple[bool, bool]:
        """Whether every entry of lexicon ``name`` starts with a word character, and ends with one."""
        got = self._lex_edges.get(name)
        if got is None:
            forms = self.lex_forms[name]
            got = self._lex_edges[name] = (all(_is_word(f[0]) for f in forms), all(_is_word(f[-1]) for f in forms))
        return got

    def _ask(self, question: str, node, compute):
        table = self._memo[question]
        got = table.get(id(node))
        if got is None or got[0] is not node:
            got = table[id(node)] = (node, compute(node))
        return got[1]

    def resolve(self, node):
        """A macro's pattern for a macro reference, a built-in item's definition for a built-in."""
        while isinstance(node, SubRef):
            node = self.pack.macros[node.name].node
        return _builtin_node(node.name) if isinstance(node, BuiltinRef) else node

    def nullable(self, node) -> bool:
        return self._ask("nullable", node, self._nullable)

    def _nullable(self, node) -> bool:
        node = self.resolve(node)
        if isinstance(node, Repeat):
            return node.min == 0 or self.nullable(node.node)
        if isinstance(node, Capture):
            return self.nullable(node.node)
        if isinstance(node, (Seq, Glue)):
            return all(self.nullable(x) for x in (node.items if isinstance(node, Seq) else node.parts))
        if isinstance(node, Alt):
            return any(self.nullable(x) for x in node.options)
        if isinstance(node, Raw):
            return re.fullmatch(node.source, "") is not None
        return isinstance(node, Cond)  # a condition reads nothing

    def reads_nothing(self, node) -> bool:
        """Whether ``node`` is made of conditions only (``&x``, ``(&a | &!b)``, a macro of them):
        a condition on the text where it stands, never an optional item."""
        node = self.resolve(node)
        if isinstance(node, Cond):
            return True
        parts = node.options if isinstance(node, Alt) else node.items if isinstance(node, Seq) else \
            node.parts if isinstance(node, Glue) else ()
        return bool(parts) and all(self.reads_nothing(p) for p in parts)

    def conditional_alt(self, node) -> bool:
        """Whether ``node`` is an alternative whose options either read a token or are
        conditions only (``(<break> | %sentence_start <not_cue>)``): it matches empty only where
        a condition holds, so a sequence must not take it for an optional item."""
        node = self.resolve(node)
        return isinstance(node, Alt) and any(self.reads_nothing(o) for o in node.options) and \
            not self.reads_nothing(node) and all(self.reads_nothing(o) or not self.nullable(o) for o in node.options)

    def condition_edge(self, node) -> frozenset[str]:
        """The kinds of token the conditions of ``node`` look at first (see `edge`)."""
        node = self.resolve(node)
        if isinstance(node, Cond):  # (a look back or line check needs no gap: it reads what came before)
            return frozenset() if node.back or isinstance(node.node, _LineCheck) else self.edge(node.node, False)
        parts = node.options if isinstance(node, Alt) else node.items if isinstance(node, Seq) else node.parts
        return frozenset().union(*(self.condition_edge(p) for p in parts))

    def edge(self, node, last: bool) -> frozenset[str]:
        """Kinds of the first (or last) token: 'w' word, 'p' punctuation, 'r' unknown (raw)."""
        return self._ask("edge", node, lambda n: (self._edge(n, False), self._edge(n, True)))[last]

    def _edge(self, node, last: bool) -> frozenset[str]:
        node = self.resolve(node)
        if isinstance(node, (Word, Phrase)):
            toks = tokens(node.text)
            return frozenset("w" if _is_word(toks[-1 if last else 0]) else "p")
        if isinstance(node, LexRef):
            forms = self.lex_forms[node.name]
            return frozenset("w" if _is_word(f[-1 if last else 0]) else "p" for f in forms)
        if isinstance(node, (AnyWord, Not)):
            return frozenset("w")
        if isinstance(node, Cond):
            return frozenset()
        if isinstance(node, Raw):
            return frozenset("r")
        if isinstance(node, (Repeat, Capture)):
            return self.edge(node.node, last)
        if isinstance(node, Alt):
            return frozenset().union(*(self.edge(o, last) for o in node.options))
        items = list(node.items if isinstance(node, Seq) else node.parts)
        out: frozenset[str] = frozenset()
        for item in (reversed(items) if last else items):
            out |= self.edge(item, last)
            if not self.nullable(item):
                break
        return out

    def first(self, node) -> frozenset:
        """Anchors that can start a match of ``node``: ('lit', text), ('raw', src) or ANY."""
        return self._ask("first", node, lambda n: frozenset(self._first(n)))

    def _first(self, node) -> set:
        node = self.resolve(node)
        if isinstance(node, (Word, Phrase)):
            toks = tokens(node.text)  # words up to the first punctuation (which may touch them)
            words = [] if not _is_word(toks[0]) else toks[:next((i for i, t in enumerate(toks) if not _is_word(t)),
                                                                len(toks))]
            return {("lit", " ".join(words) if words else toks[0])}
        if isinstance(node, LexRef):
            return {("lit", f) for f in self.lex_forms[node.name]}
        if isinstance(node, (AnyWord, Not)):
            return {ANY}
        if isinstance(node, Cond):
            return set()
        if isinstance(node, Raw):
            return {("raw", node.source)}
        if isinstance(node, (Repeat, Capture)):
            return self.first(node.node)
        if isinstance(node, Alt):
            return set().union(*(self.first(o) for o in node.options))
        if isinstance(node, Glue):
            glued = self.glued_first(node.parts)
            if glued is not None:
                return glued
        out: set = set()
        for item in (node.items if isinstance(node, Seq) else node.parts):
            out |= self.first(item)
            if not self.nullable(item):
                break
        return out

    def glued_first(self, parts, limit: int = 20000) -> set | None:
        """Anchors of a glued chain as whole words (و+قال, not و alone) when that set is small.

        Literal parts are multiplied out; a part that is not literal (a raw regex, any word)
        ends the expansion, and the literals so far serve as prefixes of the match."""
        head, rest = parts[0], parts[1:]
        mine = self.first(head)
        if any(k[0] != "lit" for k in mine):
            return None if any(k[0] != "pre" for k in mine) else mine
        if not rest:
            return mine
        tail = self.glued_first(rest, limit)
        if tail is None:  # what follows is not literal: the head's literals are word prefixes
            return None if self.nullable(head) else {("pre", k[1]) for k in mine}
        if len(mine) * len(tail) > limit:
            return None
        out = {("lit", a[1] + b[1]) for a in mine for b in tail}
        if self.nullable(head):
            out |= tail
        if all(self.nullable(p) for p in rest):  # the head alone, followed by what comes next
            out |= mine
        return out

    def max_tokens(self, node) -> int | None:
        """Most tokens a match of ``node`` can span (None: unbounded)."""
        return self._ask("max", node, self._max_tokens)

    def _max_tokens(self, node) -> int | None:
        node = self.resolve(node)
        if isinstance(node, (Word, Phrase)):
            return len(tokens(node.text))
        if isinstance(node, LexRef):
            return max(len(tokens(f)) for f in self.lex_forms[node.name])
        if isinstance(node, (AnyWord, Not)):
            return 1
        if isinstance(node, Cond):
            return 0
        if isinstance(node, Raw):
            return raw_width(node.source)
        if isinstance(node, Capture):
            return self.max_tokens(node.node)
        if isinstance(node, Repeat):
            inner = self.max_tokens(node.node)
            return None if inner is None or node.max is None else inner * node.max
        if isinstance(node, Alt):
            sizes = [self.max_tokens(o) for o in node.options]
            return None if None in sizes else max(sizes)
        sizes = [self.max_tokens(x) for x in (node.items if isinstance(node, Seq) else node.parts)]
        return None if None in sizes else sum(sizes)

    def back_tokens(self, node) -> int:
        """How many tokens a look back (``<&node``) reads before its point: those of ``node``, at
        most `MAX_BACK_TOKENS` (the loader reports a body that may read more)."""
        size = self.back_size(node)
        return MAX_BACK_TOKENS if size is None else max(1, min(size, MAX_BACK_TOKENS))

    def back_size(self, node) -> int | None:
        """`max_tokens`, but a glued chain of words (و ~ م? ~ ما) counts as the one word it is:
        a look back then tries fewer starts."""
        node = self.resolve(node)
        if isinstance(node, Glue) and all(self.edge(p, False) <= {"w"} and self.edge(p, True) <= {"w"}
                                          for p in node.parts):
            return 1
        if isinstance(node, Alt):
            sizes = [self.back_size(o) for o in node.options]
            return None if None in sizes else max(s for s in sizes if s is not None)
        if isinstance(node, (Seq, Capture, Repeat)):
            if isinstance(node, Seq):
                sizes = [self.back_size(x) for x in node.items]
                return None if None in sizes else sum(s for s in sizes if s is not None)
            inner = self.back_size(node.node)
            if isinstance(node, Capture):
                return inner
            return None if inner is None or node.max is None else inner * node.max
        return self.max_tokens(node)

    def anchor(self, node) -> tuple[set, int | None]:
        """The rule's best-guess anchor set and how many tokens before it a match may start."""
        options = self.anchor_options(node)
        if not options:
            return self.first(node), None
        chosen, back, *_ = min(options, key=lambda o: (anchor_cost(o[0]) * (o[1] + 1), o[1]))
        return chosen, back

    def anchor_options(self, node) -> list[tuple[set, int, Any, Near | None]]:
        """Every anchor a rule could use: its first set, and the first set of each required
        top-level item whose distance from the start is bounded (at most MAX_BACK tokens), with
        the rest of the rule from that item on (a match needs that rest to match at the anchor).
        Any of them must occur in a text for the rule to match there. The last element is the
        option's `Near` (or None): a shorter reach where no insertion can come before the anchor."""
        first = self.first(node)
        options = [] if ANY in first or not _anchorable(first) else [(first, 0, None, None)]
        items = tuple(self.flat_items(node))
        options += self._later_options(items, MAX_BACK)
        if not options:
            # No anchor near the start (a speaker of any words, up to a few hundred tokens with
            # an insertion, before its cue): the first required items further in anchor the rule
            # all the same. The rest of the rule from the item on is checked at each hit first,
            # and only the hits that pass cost a try at each token start within reach before
            # them (no more tries than a rule without an anchor, tried at every token, makes).
            options = self._later_options(items, MAX_FAR_BACK)
        return options

    def _later_options(self, items, reach: int) -> list[tuple[set, int, Any, Near | None]]:
        """The anchor options of the required items after the first whose distance from the
        start is at most ``reach`` tokens (see `anchor_options`)."""
        options: list[tuple[set, int, Any, Near | None]] = []
        before = 0
        for i, item in enumerate(items):
            f = self.first(item)
            if i and not self.nullable(item) and ANY not in f and _anchorable(f):
                near = self.near(items, i, before) if before > MAX_BACK else None
                options.append((f, before, Seq(items[i:]) if i < len(items) - 1 else item, near))
            size = self.max_tokens(item)
            if size is None:
                break
            before += size
            if before > reach:
                break
        return options


    def near(self, items, i: int, back: int) -> Near | None:
        """The `Near` of an anchor at ``items[i]``, ``back`` tokens at most after the start: the
        optional item before it that makes most of that reach (an insertion set off by commas),
        when every match of it that reads a token ends with a punctuation mark and what stands
        between it and the anchor is bounded. None when there is no such item."""
        sizes = [self.max_tokens(x) for x in items[:i]]
        optional = [j for j in range(i) if sizes[j] and self.nullable(items[j])]
        if not optional:
            return None
        j = max(optional, key=lambda k: sizes[k])
        between = sizes[j + 1:i]
        marks = self.last_marks(items[j])
        if not marks or None in between:
            return None
        short = back - sizes[j]
        within = 1 + sum(between)  # the item's last token is one of these before the anchor
        first = self.first(items[j])  # marks that open every match of the item, if it has them
        opens = {k[1] for k in first} if all(k[0] == "lit" and len(k[1]) == 1 and not _is_word(k[1])
                                              for k in first) else set()
        return Near(short, within, tuple(sorted(marks)), tuple(sorted(opens))) if short + within < back else None

    def last_marks(self, node) -> frozenset[str] | None:
        """The punctuation marks (one character each, a token of its own) one of which ends every
        match of ``node`` that reads a token; None when a match may end otherwise (a word, a raw
        regex). Conditions read nothing and add none."""
        return self._ask("marks", node, self._last_marks)

    def _last_marks(self, node) -> frozenset[str] | None:
        node = self.resolve(node)
        if isinstance(node, (Word, Phrase)):
            last = tokens(node.text)[-1]
            return None if _is_word(last) else frozenset({last})
        if isinstance(node, LexRef):
            ends = {tokens(f)[-1] for f in self.lex_forms[node.name]}
            return None if any(_is_word(e) for e in ends) else frozenset(ends)
        if isinstance(node, Cond):
            return frozenset()
        if isinstance(node, (Repeat, Capture)):
            return self.last_marks(node.node)
        if isinstance(node, (Alt, Seq, Glue)):
            parts = node.options if isinstance(node, Alt) else node.items if isinstance(node, Seq) else node.parts
            if isinstance(node, Alt):
                chosen = list(parts)
            else:  # the last part that reads a token: the last one, or one before nullable ones
                chosen = []
                for p in reversed(parts):
                    chosen.append(p)
                    if not self.nullable(p):
                        break
            out: frozenset[str] = frozenset()
            for p in chosen:
                got = self.last_marks(p)
                if got is None:
                    return None
                out |= got
            return out
        return None  # any word, a word not in a lexicon, a raw regex

    def gates(self, node) -> list[frozenset]:
        """The literal first sets of the required top-level items that `anchor_options` leaves
        out (too far from the start): whole words the prefilter finds, or nothing."""
        before: int | None = 0
        out = []
        for item in self.flat_items(node):
            if before is None and not self.nullable(item):
                f = self.first(item)
                lits = frozenset(a[1] for a in f if a[0] == "lit")
                if len(lits) == len(f) and _split(f)[0] == lits:  # no raw, prefix or short literal
                    out.append(lits)
            size = self.max_tokens(item)
            before = None if before is None or size is None or before + size > MAX_BACK else before + size
        return out

    def flat_items(self, node):
        """The top-level items of a rule, with macros and plain groups that are sequences spliced
        in (``<vsay> x`` with vsay = ``a? b`` is ``a? b x``): more items can serve as anchors."""
        node = self.resolve(node)
        while isinstance(node, Capture):
            node = self.resolve(node.node)
        if not isinstance(node, Seq):
            return [node]
        out = []
        for item in node.items:
            inner = self.resolve(item)
            out.extend(self.flat_items(inner) if isinstance(inner, Seq) else [item])
        return out


@dataclass(frozen=True)
class _LineCheck:
    """A built-in condition on where the text stands (``%line_start`` ...): an `ir.Assert` of
    kind ``kind``; the compiler reads the built-in as ``&`` this."""

    kind: str


def _builtin_node(name: str):
    """A built-in item as the compiler reads it: its alternatives as raw regexes, or a condition
    for a line check."""
    b = builtin(name)
    if b.check is not None:
        return Cond(_LineCheck(b.check))
    alts = tuple(Raw(src) for src in b.alternatives)
    return alts[0] if len(alts) == 1 else Alt(alts)


def _anchorable(anchors: set) -> bool:
    """An anchor set the prefilter can look for cheaply: no raw regex whose first characters
    cannot be told (it would be tried at every position)."""
    return all(k[0] != "raw" or first_chars(k[1]) is not None for k in anchors)


@functools.lru_cache(maxsize=4096)
def raw_width(source: str) -> int | None:
    """Most tokens a raw regex can match (None: unbounded): one if it matches only word
    characters (``[وف]?ال`` and any word is one word however long), else at most its width."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    parsed = sre_parse.parse(source)

    def words_only(items) -> bool:
        for op, av in items:
            if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
                continue
            if op == c.LITERAL:
                ok = chr(av).isalnum()
            elif op == c.IN:
                ok = all((k == c.LITERAL and chr(v).isalnum()) or (k == c.RANGE and chr(v[0]).isalnum()
                         and chr(v[1]).isalnum()) or (k == c.CATEGORY and v in (c.CATEGORY_WORD, c.CATEGORY_DIGIT))
                         for k, v in av)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                ok = words_only(av[2])
            elif op == c.SUBPATTERN:
                ok = words_only(av[-1])
            elif op == c.ATOMIC_GROUP:
                ok = words_only(av)
            elif op == c.BRANCH:
                ok = all(words_only(b) for b in av[1])
            else:
                ok = False
            if not ok:
                return False
        return True

    if words_only(parsed):
        return 1
    hi = parsed.getwidth()[1]
    return None if hi >= MAX_BACK * 64 else hi


def anchor_cost(anchors) -> float:
    """How often an anchor set is expected to fire, roughly: short words are frequent in
    Arabic (في، من، ان) and long ones rare, a word prefix (ال glued to any word) fires far
    more often than the same letters as a word, and a raw regex fires on whatever its first
    character allows (every number for digits; every word for a letter class)."""
    # (memoized: the first set of a lexicon is one frozenset, asked about for every rule using it;
    # frozenset() of a frozenset is that very object, so no copy is made)
    return _anchor_cost(frozenset(anchors))


@functools.lru_cache(maxsize=4096)
def _anchor_cost(anchors: frozenset) -> float:
    cost = 0.0
    for kind, text in anchors:
        if kind == "raw":
            cost += 200.0 if first_chars(text) is not None else 5000.0
        elif kind == "pre":
            cost += 5000.0 if len(text) <= 2 else 1000.0 if len(text) == 3 else 100.0
        else:
            cost += {0: 100.0, 1: 100.0, 2: 100.0, 3: 10.0, 4: 1.0, 5: 0.1}.get(len(text), 0.01)
    return cost


# --- emission ---------------------------------------------------------------------------------

class _Emitter:
    """Lowers pattern nodes to programs (`ir`): boundaries, gaps and optional items placed as
    the executors need them."""

    def __init__(self, pack: Pack, analysis: _Analysis):
        self.pack = pack
        self.an = analysis
        self.groups: list[tuple[str, str, str | None]] = []

    def gap(self, left: frozenset, right: frozenset) -> ir.Gap:
        return ir.Gap(left == {"w"} and right == {"w"})

    def emit(self, node, lb: bool = True, rb: bool = True) -> ir.Node:
        if self.an.captures(node):  # (a capture numbers its group: emitted anew each time)
            return self._emit(node, lb, rb)
        # the program of a node without captures depends on nothing else: macros used by many
        # rules, and the rests of the anchor options, are lowered once
        table = self.an.emitted
        got = table.get((id(node), lb, rb))
        if got is None or got[0] is not node:
            got = table[(id(node), lb, rb)] = (node, self._emit(node, lb, rb))
        return got[1]

    def _emit(self, node, lb: bool, rb: bool) -> ir.Node:
        if isinstance(node, _LineCheck):
            return ir.Assert(node.kind)
        if isinstance(node, (Word, Phrase)):
            toks = tokens(node.text)
            body = ir.Lit(tuple(toks), tuple(_is_word(a) and _is_word(b) for a, b in zip(toks, toks[1:])))
            return self.bound(body, lb and _is_word(toks[0]), rb and _is_word(toks[-1]))
        if isinstance(node, LexRef):
            return self.lexicon(node.name, lb, rb)
        if isinstance(node, AnyWord):
            return self.bound(ir.AnyWord(), lb, rb)
        if isinstance(node, Not):  # one word, at whose start the node does not match
            # glued (lb False: right after a clitic), the node is tried there, not at a word start
            return self.bound(ir.cat(ir.Look(self.emit(node.node, lb), negate=True), ir.AnyWord()), lb, rb)
        if isinstance(node, Cond) and node.back:
            # the body, then any whitespace, ends right here: before an item, at its start (past
            # its gap); glued (lb False), right after the clitic or word before, and the body may
            # start inside that word (a word ending: @say ~ <&!ه)
            return ir.Behind(ir.cat(self.emit(node.node, lb), ir.Gap(False)), node.negate,
                             self.an.back_tokens(node.node))
        if isinstance(node, Cond):
            return ir.Look(self.emit(node.node, lb), node.negate)
        if isinstance(node, Raw):
            return ir.cat(ir.Assert(ir.NOSPLIT) if lb else None, ir.Raw(node.source),
                          ir.Assert(ir.NOSPLIT) if rb else None)
        if isinstance(node, (SubRef, BuiltinRef)):
            return self.emit(self.an.resolve(node), lb, rb)
        if isinstance(node, (Capture, Repeat)):
            body, optional = self.once(node, lb, rb, None)
            return ir.Opt(body) if optional else body
        if isinstance(node, Alt) and self.an.reads_nothing(node):
            # options that are conditions (&a | <&!b): the first that holds is enough; checked as
            # one condition, they give no second way to backtrack into (which, inside a repetition,
            # would double the ways at every copy)
            return ir.Look(ir.Alt(tuple(self.emit(o, lb, rb) for o in node.options)))
        if isinstance(node, Alt):
            return ir.Alt(tuple(self.emit(o, lb, rb) for o in node.options))
        if isinstance(node, Glue):  # boundaries around the whole chain, none inside it
            left = (ir.LB if self.an.edge(node, False) == {"w"} else ir.NOSPLIT) if lb else None
            right = (ir.RB if self.an.edge(node, True) == {"w"} else ir.NOSPLIT) if rb else None
            return ir.cat(left and ir.Assert(left), *(self.emit(p, False, False) for p in node.parts),
                          right and ir.Assert(right))
        if isinstance(node, Seq):
            return self.seq(node, lb, rb)
        raise TypeError(f"not a pattern node: {node!r}")

    @staticmethod
    def bound(body: ir.Node, lb: bool, rb: bool) -> ir.Node:
        return ir.cat(ir.Assert(ir.LB) if lb else None, body, ir.Assert(ir.RB) if rb else None)

    def lexicon(self, name: str, lb: bool, rb: bool) -> ir.Node:
        starts_word, ends_word = self.an.lex_edges(name)
        left = (ir.LB if starts_word else ir.NOSPLIT) if lb else None
        right = (ir.RB if ends_word else ir.NOSPLIT) if rb else None
        return ir.cat(left and ir.Assert(left), ir.Lex(name), right and ir.Assert(right))

    def possessive(self, item, follow) -> bool:
        """Whether the repeated item can never match how what follows it starts, so giving
        back a copy can never help (no backtracking needed). ``follow`` is the list of the items
        after it in its sequence; if they may all be absent, what follows is unknown: no."""
        if not follow or not self.deterministic(item):
            return False
        theirs: set = set()
        for f in follow:
            theirs |= self.an.first(f)
            if not self.an.nullable(f):
                break
        else:
            return False
        mine = self.an.first(item)
        if any(k[0] == "raw" for k in mine | theirs):
            return False
        if ANY in mine:
            return ANY not in theirs and all(not _is_word(k[1][0]) for k in theirs)
        if ANY in theirs:
            return all(not _is_word(k[1][0]) for k in mine)
        return not {k[1] for k in mine} & {k[1] for k in theirs} and not self.prefix_clash(mine, theirs)

    def deterministic(self, node) -> bool:
        """Whether ``node`` can match in at most one way at a position (so making it atomic
        changes nothing): one word, a literal, or a lexicon of one-word entries."""
        node = self.an.resolve(node)
        if isinstance(node, Capture):
            return self.deterministic(node.node)
        if isinstance(node, (AnyWord, Word, Phrase)):
            return True
        if isinstance(node, LexRef):
            return all(" " not in f and _is_word(f[0]) and _is_word(f[-1]) for f in self.an.lex_forms[node.name])
        return False

    @staticmethod
    def prefix_clash(a: set, b: set) -> bool:
        la, lb_ = [k[1] for k in a], [k[1] for k in b]
        return any(x.startswith(y) or y.startswith(x) for x in la for y in lb_)

    def capture(self, name: str, node, body: ir.Node) -> ir.Node:
        group = f"g{len(self.groups)}"
        inner = node.node if isinstance(node, Repeat) and node.max == 1 else node  # name:@lex? is still @lex
        lex = inner.name if isinstance(inner, LexRef) else None
        self.groups.append((group, name, lex))
        return ir.Group(group, body)

    def once(self, node, lb: bool, rb: bool, follow) -> tuple[ir.Node, bool]:
        """A program for ``node`` that never matches empty, and whether the node was optional.

        Captures around a repetition stay around the whole run of copies; ``x{0,n}`` becomes
        ``x(?:gap x){0,n-1}`` plus the flag, so the caller puts the optional gap outside.
        """
        if isinstance(node, Capture):
            body, optional = self.once(node.node, lb, rb, follow)
            inner = node.node
            while isinstance(inner, Capture):
                inner = inner.node
            return self.capture(node.name, inner, body), optional
        if isinstance(node, Repeat):
            lo, hi = node.min, node.max
            body = self.emit(node.node, lb, rb)
            if hi == 1:
                return body, lo == 0
            gap = self.gap(self.an.edge(node.node, True), self.an.edge(node.node, False))
            rest = ir.Rep(ir.cat(gap, body), max(lo - 1, 0), None if hi is None else hi - 1,
                          self.possessive(node.node, follow))
            return ir.cat(body, rest), lo == 0
        return self.emit(node, lb, rb), False

    def seq(self, node: Seq, lb: bool, rb: bool) -> ir.Node:
        """A sequence; conditions (`Cond`) belong to the item after them (checked where it
        starts, after its gap), or at the end to what follows the last item."""
        items, conditions, pending = [], [], []
        for item in node.items:
            if self.an.reads_nothing(item):  # &x, or a group or macro of conditions only
                pending.append(item)
            else:
                items.append(item)
                conditions.append(pending)
                pending = []
        if not items:
            return ir.cat(*(self.emit(c, lb) for c in pending))
        n = len(items)
        required = [i for i, it in enumerate(items) if not self.an.nullable(it)]
        k = required[0] if required else 0
        out: list[ir.Node] = []
        for i, item in enumerate(items):
            ilb, irb = lb if i == 0 else True, rb if i == n - 1 else True
            follow = items[i + 1:]
            if i != k and self.an.conditional_alt(item):
                out.append(self.conditional_alt(items, i, ilb, conditions[i], before=i < k))
                continue
            body, optional = self.once(item, ilb, irb, follow)
            if conditions[i]:
                body = ir.cat(*(self.emit(c, ilb) for c in conditions[i]), body)
            # an item that can match empty is optional, with its gap; but not a raw regex that
            # can: a zero-width one is a condition (re"(?!...)"), which an optional group would skip
            optional = optional or (self.an.nullable(item) and not isinstance(self.an.resolve(item), Raw))
            if i < k and isinstance(self.an.resolve(item), Raw) and self.an.nullable(item):
                out.append(body)  # a zero-width raw regex is a condition, here as anywhere
            elif i < k:  # before the first required item: the gap follows the item
                g = self.gap(self.an.edge(item, True), self.right_kinds(items, i))
                out.append(ir.Opt(ir.cat(body, g), self.possessive(item, follow)))
            elif i == k:
                out.append(ir.Opt(body) if optional else body)
                gate = sentence_gate(self.an, items, k)
                if gate is not None:
                    out.append(ir.Raw(gate))
            else:
                g = self.gap(self.left_kinds(items, i), self.an.edge(item, False))
                out.append(ir.Opt(ir.cat(g, body), self.possessive(item, follow)) if optional else ir.cat(g, body))
        for c in pending:  # after the last item: what follows it, past the gap
            c = self.an.resolve(c)
            g = self.gap(self.an.edge(items[-1], True), self.an.condition_edge(c))
            out.append(ir.Look(ir.cat(g, self.emit(c.node)), c.negate) if isinstance(c, Cond) and not c.back
                       else ir.Look(ir.cat(g, self.emit(c))))
        return ir.cat(*out)

    def conditional_alt(self, items, i: int, lb: bool, conditions, before: bool) -> ir.Node:
        """Item ``i``, an alternative of items and of conditions only (``(<break> | %sentence_start
        &!@say)``, see `_Analysis.conditional_alt`): it can match empty, but not unconditionally,
        so it is no optional item (which would skip its conditions). Before the first required
        item, an option that reads is followed by its gap and a condition holds where the next
        item starts; after it, an option that reads comes after its gap and a condition looks
        past the gap, reading nothing."""
        alt = self.an.resolve(items[i])
        options = []
        for o in alt.options:
            if self.an.reads_nothing(o):
                if before:
                    options.append(self.emit(o, lb))
                else:
                    g = self.gap(self.left_kinds(items, i), self.an.condition_edge(o))
                    options.append(ir.Look(ir.cat(g, self.emit(o))))
            elif before:
                options.append(ir.cat(self.emit(o, lb, True), self.gap(self.an.edge(o, True), self.right_kinds(items, i))))
            else:
                options.append(ir.cat(self.gap(self.left_kinds(items, i), self.an.edge(o, False)), self.emit(o, True, True)))
        return ir.cat(*(self.emit(c, lb) for c in conditions), ir.Alt(tuple(options)))

    def left_kinds(self, items, i) -> frozenset:
        out: frozenset = frozenset()
        for j in range(i - 1, -1, -1):
            out |= self.an.edge(items[j], True)
            if not self.an.nullable(items[j]):
                break
        return out

    def right_kinds(self, items, i) -> frozenset:
        out: frozenset = frozenset()
        for j in range(i + 1, len(items)):
            out |= self.an.edge(items[j], False)
            if not self.an.nullable(items[j]):
                break
        return out


def compile_rule(pack: Pack, rule: Rule, index: int, analysis: _Analysis | None = None) -> CompiledRule:
    an = analysis or _Analysis(pack)
    em = _Emitter(pack, an)
    program = em.emit(rule.node)
    anchors, back = an.anchor(rule.node)
    literals, raws = _split(anchors)
    if ANY in anchors:
        back = None
    found = an.anchor_options(rule.node)
    rest_programs = tuple(None if rest is None else _Emitter(pack, an).emit(rest) for _, _, rest, _ in found)
    options = tuple((*_split(a), b, "" if rest is None else f"{rule.name}#rest{oi}")
                    for oi, ((a, b, _, _), rest) in enumerate(zip(found, rest_programs)))
    near = tuple(n for *_, n in found) if any(n is not None for *_, n in found) else ()
    width = program_width(program, an.lex_widths(), memo=an.widths)
    bounded = width < DEFAULT_MAX_SPAN
    return CompiledRule(index, rule.name, rule.label, rule.priority, tuple(em.groups), literals, raws,
                            back, rule.value, rule.absorbs, bounded=bounded, width=width, options=options,
                            span=rule.span, gates=tuple(an.gates(rule.node)) if options else (), program=program,
                            rest_programs=rest_programs, near=near)


def program_width(node: ir.Node, lex_widths: dict[str, int], cap: int = DEFAULT_MAX_SPAN,
                  memo: dict | None = None) -> int:
    """Most characters a match of program ``node`` can cover, at most ``cap``: the width `re`
    computes for its regex (`ir.to_regex`), from the program instead of parsing that regex
    (which cost most of a cold compile). ``lex_widths``: lexicon name -> its widest entry
    (``cap`` if an entry holds whitespace, which matches any run of it). ``memo``: id of a node
    -> (node, width), for nodes that several programs share (with the same ``cap``)."""
    if memo is None:
        return _program_width(node, lex_widths, cap, {})
    return _program_width(node, lex_widths, cap, memo)


def _program_width(node: ir.Node, lex_widths: dict[str, int], cap: int, memo: dict) -> int:
    got = memo.get(id(node))
    if got is not None and got[0] is node:
        return got[1]
    out = _width(node, lex_widths, cap, memo)
    memo[id(node)] = (node, out)
    return out


def _width(node: ir.Node, lex_widths: dict[str, int], cap: int, memo: dict) -> int:
    def program_width(x: ir.Node, lex_widths: dict[str, int], cap: int) -> int:
        return _program_width(x, lex_widths, cap, memo)

    if isinstance(node, ir.Lit):
        return cap if len(node.tokens) > 1 else min(len(node.tokens[0]), cap)
    if isinstance(node, ir.Lex):
        return lex_widths[node.name]
    if isinstance(node, (ir.AnyWord, ir.Gap)):
        return cap
    if isinstance(node, (ir.Assert, ir.Look, ir.Behind)):
        return 0
    if isinstance(node, ir.Raw):
        return _raw_chars(node.source, cap)
    if isinstance(node, ir.Cat):
        return min(sum(program_width(x, lex_widths, cap) for x in node.items), cap)
    if isinstance(node, ir.Alt):
        return max(program_width(x, lex_widths, cap) for x in node.options)
    if isinstance(node, (ir.Opt, ir.Group)):
        return program_width(node.node, lex_widths, cap)
    if isinstance(node, ir.Rep):
        inner = program_width(node.node, lex_widths, cap)
        if not inner:
            return 0
        return cap if node.max is None else min(inner * node.max, cap)
    raise TypeError(f"not a program node: {node!r}")


@functools.lru_cache(maxsize=4096)
def _raw_chars(source: str, cap: int) -> int:
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    return min(sre_parse.parse(source).getwidth()[1], cap)


def _split(anchors) -> tuple[frozenset, tuple[str, ...]]:
    """(literal anchors, raw regex anchors) of an anchor set. A literal of one or two letters
    (من، لا، ال glued to any word) or of punctuation (، . :) is in a good part of all words or
    sentences: it is scanned for on its own, only when the rule has no rarer anchor (see
    `Engine._work`), not by the prefilter every rule shares."""
    return _split_set(frozenset(anchors))  # (memoized, as `anchor_cost`)


@functools.lru_cache(maxsize=4096)
def _split_set(anchors: frozenset) -> tuple[frozenset, tuple[str, ...]]:
    short = {a[1] for a in anchors if a[0] in ("lit", "pre") and (len(a[1]) <= SHORT_LITERAL or not _is_word(a[1]))}
    return (frozenset(a[1] for a in anchors if a[0] in ("lit", "pre") and a[1] not in short),
            tuple(sorted({a[1] for a in anchors if a[0] == "raw"} | {_short_scan(p) for p in short})))


SHORT_LITERAL = 2


def _short_scan(literal: str) -> str:
    """A regex for ``literal`` where the prefilter would find it: at the start of a word, or
    anywhere for punctuation (led by the literal, so `re` scans fast)."""
    if not _is_word(literal):
        return re.escape(literal)
    return f"{re.escape(literal)}(?<!\\w{re.escape(literal)})"


@gcpause.paused()  # (builds a pack of long-lived objects: see `gcpause`)
def compile_pack(pack: Pack, key: str = "") -> CompiledPack:
    """Compile every rule of ``pack``; lexicons with values are kept for fields and builders."""
    an = _Analysis(pack)
    # rules that share a lexicon share its anchor sets: one object each, so the pickled pack
    # holds them once (it loads in half the time)
    same: dict = {}
    rules = tuple(_shared(c, same) for c in (compile_rule(pack, r, i, an) for i, r in enumerate(pack.rules)))
    lexicons = {name: {form: value for form, value in lx.entries} for name, lx in pack.lexicons.items()}
    anchors = anchor_index(rules)
    # the code of the regexes the Python planner runs, assembled when first asked for
    sources = [src for src, _ in anchors.raw_scans] + ([anchors.prefilter] if anchors.prefilter else [])
    roles = {name: lx.role for name, lx in pack.lexicons.items() if lx.role}
    return CompiledPack(rules, lexicons, key, anchors, programs.assemble_all(sources), an.word_sets(), roles)


def _shared(rule: CompiledRule, same: dict) -> CompiledRule:
    """``rule`` (just compiled: no one else holds it) with its anchor sets replaced by equal ones
    ``same`` already holds (set in place: no copy of the rule is made)."""
    d = rule.__dict__
    d["literals"] = same.setdefault(rule.literals, rule.literals)
    d["options"] = tuple((same.setdefault(lits, lits), *rest) for lits, *rest in rule.options)
    return rule


def anchor_index(rules: tuple[CompiledRule, ...]) -> AnchorIndex:
    """The prefilter over every rule's anchor options (see `AnchorIndex`)."""
    by_literal: dict[str, list[tuple[int, int, int]]] = {}
    by_raw: dict[str, list[tuple[int, int, int]]] = {}
    unanchored: list[int] = []
    for r in rules:
        if r.back is None or not r.options:
            unanchored.append(r.index)
            continue
        for oi, (literals, raws, back, _) in enumerate(r.options):
            for lit in sorted(literals):  # (frozensets: sorted, so the index's order is the same at every hash seed)
                by_literal.setdefault(lit, []).append((r.index, oi, back))
            for raw in raws:
                by_raw.setdefault(raw, []).append((r.index, oi, back))
        for gi, literals in enumerate(r.gates):  # found like options, numbered after them; never anchors
            for lit in sorted(literals):
                by_literal.setdefault(lit, []).append((r.index, len(r.options) + gi, -1))
    scans: dict[str, list[tuple[int, int, int]]] = {}  # raws that start alike share one scan
    for src, entries in by_raw.items():
        scans.setdefault(raw_scan(src), []).extend(entries)
    same: dict = {}
    return AnchorIndex(prefilter_source(by_literal),
                       {k: same.setdefault(tuple(v), tuple(v)) for k, v in by_literal.items()},
                       tuple((src, tuple(dict.fromkeys(rs))) for src, rs in scans.items()),
                       tuple(short_reach(src) for src in scans), tuple(unanchored))


def prefilter_source(literals) -> str | None:
    """One regex for every literal anchor: a trie of the words (at a word start) and one of the
    punctuation; None if there are none."""
    word_lits = [w for w in literals if _is_word(w)]
    punct_lits = [w for w in literals if not _is_word(w)]
    parts = []
    if word_lits:
        parts.append(LB + "(?:" + trie_regex(word_lits) + ")")
    if punct_lits:
        parts.append("(?:" + trie_regex(punct_lits) + ")")
    return "|".join(parts) if parts else None


def raw_scan(source: str) -> str:
    """A fast scan for where raw regex ``source`` may start. `re` scans quickly for a leading
    literal or character class, but a leading lookaround (common in raw regexes) makes it try
    every position; then scan for the characters a match can start with instead."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    parsed = sre_parse.parse(source)
    leads_fast = bool(parsed.data) and parsed.data[0][0] in (c.LITERAL, c.IN)
    cls = None if leads_fast else first_chars(source)
    if cls is None:
        return source
    # An anchor never cuts a word (a rule starts at a word boundary): where the class holds word
    # characters, a hit is the start of a run of them («2017» is one hit, not four).
    word = _word_part(cls)
    return f"{cls}(?<!{word}{word})" if word else cls


def _word_part(cls: str) -> str | None:
    """The word characters of character class ``cls`` as a class, or None if it has none."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    (op, av), = sre_parse.parse(cls).data
    items = [(op, av)] if op == c.LITERAL else av  # a one-character class parses as a literal
    pieces = [(v, v) if k == c.LITERAL else tuple(v) if k == c.RANGE else r"\d" for k, v in items]
    word = [p for p in pieces if p == r"\d" or (chr(p[0]).isalnum() and chr(p[1]).isalnum())]
    return _canonical_class(word) if word else None


def short_reach(source: str) -> bool:
    """Whether every match of ``source`` reads a bounded stretch of text (no unbounded repeat,
    lookarounds included): such a scan may simply iterate over a text."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def bounded(items) -> bool:
        for op, av in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                if av[1] == c.MAXREPEAT or not bounded(av[2]):
                    return False
            elif op == c.SUBPATTERN and not bounded(av[-1]):
                return False
            elif op in (c.ASSERT, c.ASSERT_NOT) and not bounded(av[1]):
                return False
            elif op == c.BRANCH and not all(bounded(b) for b in av[1]):
                return False
            elif op == c.ATOMIC_GROUP and not bounded(av):
                return False
            elif op == c.GROUPREF_EXISTS:
                return False
        return True

    return bounded(sre_parse.parse(source))


def analysis(pack: Pack) -> _Analysis:
    return _Analysis(pack)


def node_program(pack: Pack, node, an: _Analysis | None = None) -> ir.Node:
    """The program of any pattern node of ``pack`` (for `explain`, which tries rule prefixes);
    ``an``: the pack's `analysis`, shared by many calls."""
    an = an or _Analysis(pack)
    return _Emitter(pack, an).emit(node)


@functools.lru_cache(maxsize=4096)
def first_chars(source: str) -> str | None:
    """A regex character class (``[...]``) of every character a match of ``source`` can start
    with, or None when that cannot be told simply. The engine scans text for this class first
    (fast), and tries the raw regex only where it fits: a regex that opens with lookarounds
    gets no help from `re`'s own prefix scan."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def items_first(items) -> tuple[list[str], bool] | None:
        """(pieces of a class, whether the items can match empty)."""
        pieces: list[str] = []
        for op, av in items:
            if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
                continue  # zero-width: the first character comes after it
            got = item_first(op, av)
            if got is None:
                return None
            sub, nullable = got
            pieces += sub
            if not nullable:
                return pieces, False
        return pieces, True

    def item_first(op, av):
        if op == c.LITERAL:
            return [(av, av)], False
        if op == c.IN:
            out = []
            for iop, iav in av:
                if iop == c.LITERAL:
                    out.append((iav, iav))
                elif iop == c.RANGE:
                    out.append(tuple(iav))
                elif iop == c.CATEGORY and iav == c.CATEGORY_DIGIT:
                    out.append(r"\d")
                else:
                    return None
            return out, False
        if op == c.SUBPATTERN:
            return items_first(av[-1])
        if op == c.ATOMIC_GROUP:
            return items_first(av)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            got = items_first(av[2])
            return None if got is None else (got[0], got[1] or av[0] == 0)
        if op == c.BRANCH:
            out, nullable = [], False
            for branch in av[1]:
                got = items_first(branch)
                if got is None:
                    return None
                out += got[0]
                nullable = nullable or got[1]
            return out, nullable
        return None

    try:
        got = items_first(sre_parse.parse(source))
    except re.error:
        return None
    if got is None or got[1] or not got[0]:
        return None
    return _canonical_class(got[0])


def _canonical_class(pieces: list) -> str:
    """The character class of ``pieces`` (``(first, last)`` code point ranges, or ``\\d``),
    spelled one way for one set of characters: two raw regexes that start alike then share
    one scan (``[31201-9]`` and ``[101-9]`` are both ``[0-9]``)."""
    ranges = sorted(p for p in pieces if p != r"\d")
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out = [re.escape(chr(lo)) + ("" if lo == hi else ("" if hi == lo + 1 else "-") + re.escape(chr(hi)))
           for lo, hi in merged]
    return "[" + "".join(out) + (r"\d" if r"\d" in pieces else "") + "]"
