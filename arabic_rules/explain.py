"""Why a rule did or did not fire: anchors found, matches kept or dropped, and how far a rule
that was tried got before it failed."""
from __future__ import annotations

from dataclasses import dataclass

from . import syntax
from .compiler import CompiledPack, analysis, compile_pack, node_program
from .engine import Candidate, Engine, resolve_overlaps
from .executor import Executor
from .loader import Pack
from .normalize import normalize


@dataclass(frozen=True)
class Attempt:
    """A rule tried at an anchor that did not match: ``matched`` of ``total`` top-level items
    matched, up to normalized offset ``reached``."""

    rule: str
    start: int
    matched: int
    total: int
    reached: int
    failed_item: str


@dataclass(frozen=True)
class Explanation:
    text: str
    normalized: str
    kept: tuple[Candidate, ...]
    dropped: tuple[tuple[Candidate, str], ...]  # candidate, why
    attempts: tuple[Attempt, ...]
    untried: tuple[str, ...]  # rules whose anchors never occur


def explain(pack: Pack, text: str, ref_date=None, compiled: CompiledPack | None = None) -> Explanation:
    """Why each rule of ``pack`` fired or not on ``text``. ``compiled`` is the pack compiled
    (from the cache, as `arules explain` gets it); without it the pack is compiled here. The
    rules run in the reference executor: it starts at once, and agrees with the native core."""
    compiled = compiled or compile_pack(pack)
    engine = Engine(compiled, backend="python")
    executor = Executor(compiled.word_sets)
    an = analysis(pack)
    norm = normalize(text)
    cands = engine.candidates(norm, ref_date)
    kept = resolve_overlaps(cands)
    kept_ids = {id(c) for c in kept}
    dropped = []
    for c in cands:
        if id(c) in kept_ids:
            continue
        rival = next((k for k in kept if k.rule.label == c.rule.label and k.start < c.end and c.start < k.end), None)
        if rival is not None:
            why = f"overlaps {rival.rule.name} [{rival.start}:{rival.end}] (longer, or same length and higher priority)"
        else:
            absorber = next((k for k in kept if c.rule.label in k.rule.absorbs and k.start <= c.start
                             and c.end <= k.end), None)
            why = f"absorbed by {absorber.rule.name}" if absorber else "dropped"
        dropped.append((c, why))
    starts = engine._starts(norm.text, None)
    matched_at = {(c.rule.index, c.start) for c in cands}
    attempts = []
    seen_rules = set()
    for ri, start in sorted(starts, key=lambda x: (x[1], x[0])):
        seen_rules.add(ri)
        if (ri, start) in matched_at:
            continue
        rule = pack.rules[ri]
        if engine._runners[ri].match(norm.text, start):
            continue  # matched but gave no value (rejected by its builder)
        attempts.append(_progress(pack, an, executor, rule, norm.text, start))
    untried = tuple(r.name for i, r in enumerate(pack.rules) if i not in seen_rules)
    # attempts that failed on the very first item are noise (every anchor hit tries a few starts)
    attempts = [a for a in attempts if a is not None and a.matched > 0]
    return Explanation(text, norm.text, tuple(kept), tuple(dropped), tuple(attempts), untried)


def _progress(pack: Pack, an, executor: Executor, rule, text: str, start: int) -> Attempt | None:
    items = list(rule.node.items) if isinstance(rule.node, syntax.Seq) else [rule.node]
    best, reached = 0, start
    for j in range(len(items), 0, -1):
        m = executor.match(node_program(pack, syntax.Seq(tuple(items[:j])) if j > 1 else items[0], an), text, start)
        if m:
            best, reached = j, m.end()
            break
    if best == len(items):
        return None
    failed = syntax.render(items[best])
    return Attempt(rule.name, start, best, len(items), reached, failed)
