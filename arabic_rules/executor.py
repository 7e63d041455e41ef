"""The reference executor of rule programs (`ir`): plain Python, written to be read.

It runs a program at a position of the normalized text the way a backtracking regex engine
runs the program's regex: items in order, the options of an alternation in order, repetitions
and optional items greedy, possessive ones and raw regexes atomic; the first way that reaches
the end of the program is the match. Lexicons are read as words (`ir.WordSet`), never as
character tries. The native core must find what it finds.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Callable, Optional

from . import ir

Found = Optional[tuple[int, dict]]  # (end, captures) of a match, or None
Cont = Callable[[int, dict], Found]


def is_word(ch: str) -> bool:
    """Whether ``ch`` is a word character as Python's `re` reads ``\\w`` (raw items are `re` regexes)."""
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class ProgramMatch:
    """A match of a program, read like a `re.Match`: ``start()``, ``end()``, ``span(group)``."""

    pos: int
    stop: int
    groups: dict

    def start(self) -> int:
        return self.pos

    def end(self) -> int:
        return self.stop

    def span(self, group: str) -> tuple[int, int]:
        return self.groups.get(group, (-1, -1))


class OverBudget(Exception):
    """A counted run (`Executor.count_steps`) passed its step budget."""


class Executor:
    """Runs programs over texts; ``word_sets`` are the pack's lexicons (`CompiledPack.word_sets`)."""

    def __init__(self, word_sets: dict[str, ir.WordSet]):
        self._sets = word_sets
        self._tries: dict[str, tuple] = {}
        self._raws: dict[str, re.Pattern] = {}

    def match(self, program: ir.Node, text: str, pos: int, endpos: int | None = None) -> ProgramMatch | None:
        """The match of ``program`` starting at ``pos`` in ``text[:endpos]``, or None."""
        run = _Run(self, text, len(text) if endpos is None else endpos)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))  # a long match nests one call per item matched
        try:
            found = run.node(program, pos, {}, lambda end, caps: (end, caps))
        finally:
            sys.setrecursionlimit(limit)
        return None if found is None else ProgramMatch(pos, found[0], found[1])

    def count_steps(self, program: ir.Node, text: str, positions, budget: int | None = None) -> tuple[int, bool]:
        """The work of `match` at each of ``positions``, counted as the native core's
        `count_steps` counts its VM steps (here: program items tried, look backs' included):
        ``(steps, stopped)``, stopped when the steps passed ``budget``. Deterministic."""
        count = _Count(budget)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))
        try:
            for pos in positions:
                _Counted(self, text, len(text), count).node(program, pos, {}, lambda end, caps: (end, caps))
        except OverBudget:
            return count.steps, True
        finally:
            sys.setrecursionlimit(limit)
        return count.steps, False

    def trie(self, name: str) -> tuple:
        """(stem trie, suffix trie, rest trie) of lexicon ``name`` (the last two may be None)."""
        got = self._tries.get(name)
        if got is None:
            ws = self._sets[name]
            got = self._tries[name] = (ir.char_trie(ws.forms), ir.char_trie(ws.suffixes) if ws.suffixes else None,
                                       ir.char_trie(ws.rest) if ws.rest else None)
        return got

    def raw(self, source: str) -> re.Pattern:
        rx = self._raws.get(source)
        if rx is None:
            rx = self._raws[source] = re.compile(source)
        return rx


class _Run:
    """One run of a program over one text (continuation-passing backtracking)."""

    def __init__(self, ex: Executor, text: str, endpos: int):
        self.ex, self.text, self.end = ex, text, endpos

    def node(self, n: ir.Node, p: int, caps: dict, k: Cont) -> Found:
        return _STEPS[type(n)](self, n, p, caps, k)

    # atoms ------------------------------------------------------------------------------------
    def lit(self, n: ir.Lit, p: int, caps: dict, k: Cont) -> Found:
        t, end = self.text, self.end
        for i, tok in enumerate(n.tokens):
            if i:
                q = self._spaces(p)
                if n.gaps[i - 1] and q == p:
                    return None
                p = q
            if p + len(tok) > end or not t.startswith(tok, p):
                return None
            p += len(tok)
        return k(p, caps)

    def lex(self, n: ir.Lex, p: int, caps: dict, k: Cont) -> Found:
        stems, suffixes, rest = self.ex.trie(n.name)
        for e in self._trie_ends(stems, p):
            if suffixes is not None:
                for s in self._trie_ends(suffixes, e):
                    found = k(s, caps)
                    if found is not None:
                        return found
            found = k(e, caps)
            if found is not None:
                return found
        if rest is not None:
            for e in self._trie_ends(rest, p):
                found = k(e, caps)
                if found is not None:
                    return found
        return None

    def anyword(self, n: ir.AnyWord, p: int, caps: dict, k: Cont) -> Found:
        q = p
        while q < self.end and is_word(self.text[q]):
            q += 1
        return k(q, caps) if q > p else None

    def raw(self, n: ir.Raw, p: int, caps: dict, k: Cont) -> Found:
        m = self.ex.raw(n.source).match(self.text, p, self.end)
        return None if m is None else k(m.end(), caps)

    def gap(self, n: ir.Gap, p: int, caps: dict, k: Cont) -> Found:
        q = self._spaces(p)
        return None if n.required and q == p else k(q, caps)

    def condition(self, n: ir.Assert, p: int, caps: dict, k: Cont) -> Found:
        t = self.text
        before = p > 0 and is_word(t[p - 1])
        after = p < self.end and is_word(t[p])
        if n.kind in ir.LINE_CHECKS:
            return k(p, caps) if ir.line_check(t, p, n.kind) else None
        ok = {ir.LB: not before, ir.RB: not after, ir.NOSPLIT: not before or not after}[n.kind]
        return k(p, caps) if ok else None

    def look(self, n: ir.Look, p: int, caps: dict, k: Cont) -> Found:
        found = self.node(n.node, p, caps, lambda e, c: (e, c))
        if n.negate:
            return k(p, caps) if found is None else None
        return None if found is None else k(p, found[1])

    def behind(self, n: ir.Behind, p: int, caps: dict, k: Cont) -> Found:
        # the node runs on the text cut at p, and must end right at p
        sub = self.cut_at(p)
        found = any(sub.node(n.node, s, {}, lambda e, c: (e, c) if e == p else None) is not None
                    for s in ir.behind_starts(self.text, p, n.tokens))
        return k(p, caps) if found != n.negate else None

    # structure --------------------------------------------------------------------------------
    def cat(self, n: ir.Cat, p: int, caps: dict, k: Cont) -> Found:
        items = n.items

        def step(i: int, q: int, c: dict) -> Found:
            return k(q, c) if i == len(items) else self.node(items[i], q, c, lambda e, c2: step(i + 1, e, c2))

        return step(0, p, caps)

    def alt(self, n: ir.Alt, p: int, caps: dict, k: Cont) -> Found:
        for option in n.options:
            found = self.node(option, p, caps, k)
            if found is not None:
                return found
        return None

    def opt(self, n: ir.Opt, p: int, caps: dict, k: Cont) -> Found:
        if n.possessive:
            first = self.node(n.node, p, caps, lambda e, c: (e, c))
            return k(p, caps) if first is None else k(*first)
        found = self.node(n.node, p, caps, k)
        return found if found is not None else k(p, caps)

    def rep(self, n: ir.Rep, p: int, caps: dict, k: Cont) -> Found:
        if n.possessive:
            count = 0
            while n.max is None or count < n.max:
                first = self.node(n.node, p, caps, lambda e, c: (e, c))
                if first is None or first[0] == p:
                    break
                (p, caps), count = first, count + 1
            return k(p, caps) if count >= n.min else None

        def more(count: int, q: int, c: dict) -> Found:
            if n.max is None or count < n.max:
                found = self.node(n.node, q, c, lambda e, c2: more(count + 1, e, c2) if e > q else None)
                if found is not None:
                    return found
            return k(q, c) if count >= n.min else None

        return more(0, p, caps)

    def group(self, n: ir.Group, p: int, caps: dict, k: Cont) -> Found:
        return self.node(n.node, p, caps, lambda e, c: k(e, {**c, n.name: (p, e)}))

    # helpers ----------------------------------------------------------------------------------
    def cut_at(self, p: int) -> "_Run":
        """A run over the same text seen as ending at ``p`` (for a look back)."""
        return _Run(self.ex, self.text, p)

    def _spaces(self, p: int) -> int:
        t, end = self.text, self.end
        while p < end and t[p].isspace():
            p += 1
        return p

    def _trie_ends(self, trie: dict, p: int) -> list[int]:
        """Where entries of ``trie`` end when read from ``p``, the longest first (a space in an
        entry reads a whole run of whitespace, as the regex's possessive ``\\s++`` does)."""
        t, end = self.text, self.end
        ends, node = [], trie
        while True:
            if "" in node:
                ends.append(p)
            if p >= end:
                break
            if " " in node and t[p].isspace():
                p, node = self._spaces(p), node[" "]
                continue
            nxt = node.get(t[p])
            if nxt is None:
                break
            p, node = p + 1, nxt
        ends.reverse()
        return ends


@dataclass
class _Count:
    """The steps of a counted run and its look backs' runs, and where they stop."""

    budget: int | None
    steps: int = 0


class _Counted(_Run):
    """A run that counts the items it tries (`Executor.count_steps`)."""

    def __init__(self, ex: Executor, text: str, endpos: int, count: _Count):
        super().__init__(ex, text, endpos)
        self.count = count

    def node(self, n: ir.Node, p: int, caps: dict, k: Cont) -> Found:
        c = self.count
        c.steps += 1
        if c.budget is not None and c.steps > c.budget:
            raise OverBudget
        return _STEPS[type(n)](self, n, p, caps, k)

    def cut_at(self, p: int) -> "_Run":
        return _Counted(self.ex, self.text, p, self.count)


_STEPS = {ir.Lit: _Run.lit, ir.Lex: _Run.lex, ir.AnyWord: _Run.anyword, ir.Raw: _Run.raw, ir.Gap: _Run.gap,
          ir.Assert: _Run.condition, ir.Look: _Run.look, ir.Behind: _Run.behind, ir.Cat: _Run.cat, ir.Alt: _Run.alt, ir.Opt: _Run.opt, ir.Rep: _Run.rep,
          ir.Group: _Run.group}
