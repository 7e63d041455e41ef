"""Lint's dynamic runaway check: each rule's program run on adversarial texts, its work counted.

The texts are made of the rule's own anchor words (alone, between punctuation and filler, and
before a long run of filler with an open quote), each in a short and a long version (`LONG`
times the tokens). The program runs at the first `STARTS` token starts of both, on the native
core (the back end users run; the reference executor when the core is not built), and its work
is counted, not timed: VM steps (`native.Core.count_steps`; for the executor, program items
tried). A rule whose work grows faster than the text (more than `MAX_GROWTH` times from the short
text to the long one: linear work grows at most `LONG` times, quadratic `LONG`**2) or passes
`STEPS_PER_CHAR` steps per character read runs away. The same pack gives the same verdict on any
machine and under any load.

What the probe runs differs from the rule in two ways, both of which can only add work: the
lexicons keep only the entries that occur in the probe texts (an entry that occurs nowhere cannot
match there), and a zero-width raw regex (a lookahead, such as the sentence gates the compiler
adds) is taken as holding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from . import ir

PROBE_TOKENS = 60  # tokens of a short probe text
LONG = 4  # a long probe text has this many times the tokens
STARTS = 8  # token starts the program runs at in each text
MAX_GROWTH = 8  # work on the long text over work on the short one (linear: at most LONG; quadratic: LONG**2)
STEPS_PER_CHAR = 400  # the most steps per character of probe text per start (the shipped rules take under 6)
FLOOR = 50 * STARTS  # steps on a long text below which growth is not judged (a few steps more is no runaway)

FILLER = ("كلمة", "،", ":", '"', "«", "و", "1")


@dataclass(frozen=True)
class Verdict:
    """The work a probe counted: on the short and the long text, and whether it stopped at its budget."""

    text: str
    short: int
    long: int
    stopped: bool

    @property
    def runs_away(self) -> bool:
        return self.stopped or (self.long > FLOOR and self.long > MAX_GROWTH * max(self.short, 1))

    def message(self) -> str:
        sample = self.text[:40].replace("\n", " ")
        if self.stopped:
            why = f"more than {STEPS_PER_CHAR} steps per character of the text, per start"
        else:
            why = (f"its work grows faster than the text: {self.short:,} steps on {PROBE_TOKENS} tokens, "
                   f"{self.long:,} on {LONG * PROBE_TOKENS}")
        return (f"backtracks without bound on input like {sample!r}... ({why}); bound its repetitions "
                f"(_{{0,8}} instead of _*) or make items that follow a repetition differ from it")


def probe_texts(crule, tokens: int = PROBE_TOKENS) -> list[str]:
    """The adversarial texts of a rule, ``tokens`` tokens long (about): runs of its anchor
    words, alone, between punctuation and filler, and before long runs of filler with an open
    quote; and a run of digits."""
    words = sorted(crule.literals)[:3] or [FILLER[0]]
    out = []
    for w in words:
        out.append(" ".join([w] * tokens))
        out.append(" ".join(w if i % 3 == 0 else FILLER[i % len(FILLER)] for i in range(tokens)))
        out.append(w + " " + " ".join([FILLER[0]] * tokens) + ' "' + (" " + FILLER[0]) * tokens)
    out.append(" ".join(["123"] * tokens))
    return out


def starts(text: str, n: int = STARTS) -> list[int]:
    """The first ``n`` token starts of ``text``."""
    out, before = [], " "
    for i, ch in enumerate(text):
        if not ch.isspace() and before.isspace():
            out.append(i)
            if len(out) == n:
                break
        before = ch
    return out


Counter = Callable[[int, str, Sequence[int], "int | None"], tuple[int, bool]]  # (rule, text, starts, budget) -> (steps, stopped)


def probe(index: int, crule, count: Counter) -> Verdict | None:
    """The first probe text pair on which rule ``index`` runs away, or None."""
    for short, long in zip(probe_texts(crule), probe_texts(crule, LONG * PROBE_TOKENS)):
        got = []
        for text in (short, long):
            at = starts(text)
            steps, stopped = count(index, text, at, STEPS_PER_CHAR * len(text) * len(at))
            if stopped:
                return Verdict(short, got[0] if got else steps, steps, True)
            got.append(steps)
        verdict = Verdict(short, got[0], got[1], False)
        if verdict.runs_away:
            return verdict
    return None


def vocabulary(compiled) -> set[str]:
    """The tokens of every probe text of the pack's rules (`probe_texts` of any length from
    three times the filler's on holds the same tokens)."""
    out: set[str] = set()
    for r in compiled.rules:
        for t in probe_texts(r, 3 * len(FILLER)):
            out.update(t.split())
    return out


def counter(compiled) -> Counter:
    """Counts the work of the pack's rule programs (as `probe_programs` makes them for the
    pack's probe texts) on the native core, or in the executor when the core is not built or
    cannot run them."""
    programs, word_sets = probe_programs(compiled, vocabulary(compiled))
    from . import native

    if native.available():
        try:
            core = native.Core.from_programs(programs, word_sets)
        except ValueError:  # (a raw regex the core cannot run: the executor reads it as `re` does)
            pass
        else:
            return lambda i, text, at, budget: core.count_steps(i, text, at, budget)
    from .executor import Executor

    ex = Executor(word_sets)
    return lambda i, text, at, budget: ex.count_steps(programs[i], text, at, budget)


def probe_programs(compiled, tokens: set[str]) -> tuple[list[ir.Node], dict[str, ir.WordSet]]:
    """The rules' programs as the probe runs them on texts of ``tokens``, with their lexicons:
    zero-width raw regexes taken as holding, every lexicon cut down to the entries that occur in
    the texts (a rule without a program never matches)."""
    memo: dict = {}
    never = ir.Look(ir.Cat(()), negate=True)
    programs = [never if r.program is None else _without_lookahead_raws(r.program, memo) for r in compiled.rules]
    joined = "\x00".join(tokens)  # (one substring search, in C, instead of one per token)

    def occurs(form: str) -> bool:  # a form without a space matches only inside one token of a text
        return " " in form or form in joined

    cut = {name: ir.WordSet(tuple(filter(occurs, ws.forms)), tuple(filter(occurs, ws.suffixes)),
                            tuple(filter(occurs, ws.rest)))
           for name, ws in compiled.word_sets.items()}
    return programs, cut


def _without_lookahead_raws(node: ir.Node, memo: dict) -> ir.Node:
    """``node`` with every zero-width raw regex (a lookahead) taken as holding: it can only
    prune, so the probe tries every way the rule does and more, and the core does not translate
    the sentence gates' long regexes (a third of a second for the attribution pack)."""
    got = memo.get(id(node))
    if got is not None:
        return got[1]
    out = node
    if isinstance(node, ir.Raw) and is_lookahead(node.source):
        out = ir.Cat(())
    elif isinstance(node, (ir.Cat, ir.Alt)):
        old = node.items if isinstance(node, ir.Cat) else node.options
        new = tuple(_without_lookahead_raws(x, memo) for x in old)
        if any(a is not b for a, b in zip(old, new)):  # (a node with nothing to take out is kept)
            out = ir.Cat(new) if isinstance(node, ir.Cat) else ir.Alt(new)
    elif isinstance(node, (ir.Opt, ir.Rep, ir.Group, ir.Look, ir.Behind)):
        inner = _without_lookahead_raws(node.node, memo)
        if inner is not node.node:
            out = replace(node, node=inner)
    memo[id(node)] = (node, out)  # (the node is kept so its id is not reused)
    return out


def is_lookahead(source: str) -> bool:
    """Whether regex ``source`` is one lookahead group, ``(?=...)`` or ``(?!...)`` (zero-width)."""
    if not source.startswith(("(?=", "(?!")):
        return False
    depth = 0
    bare = _ESCAPES_AND_CLASSES.sub("", source)  # (parentheses there are characters, not groups)
    for m in _PARENTHESES.finditer(bare):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            return m.end() == len(bare)
    return False


_ESCAPES_AND_CLASSES = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]", re.S)
_PARENTHESES = re.compile(r"[()]")
