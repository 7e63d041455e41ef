"""Static and dynamic checks that a rule cannot run away (catastrophic backtracking).

Static: nested unbounded repetitions, repetitions of something that can match nothing, rules
that can match empty text, raw regexes with nested quantifiers, backreferences or alternatives
that can start alike inside a repetition. Dynamic (`runaway.py`): each compiled rule's program
runs on the native core over adversarial texts built from its own anchors, in a short and a long
version, and its work is counted in VM steps, never timed: one whose work grows faster than the
text is rejected. Rules that cannot be anchored are
reported as warnings: they are correct but scanned at every word. Every value builder call must
also fit the builder's Python signature (E114; the loader rejects such a rule already).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from . import runaway, syntax
from .compiler import MAX_FAR_BACK, CompiledPack, analysis, compile_pack
from .errors import Problem
from .loader import Pack, Rule
from .numerals import OLD_PREFIXES
from .values import call_problem, get_builder


def lint(pack: Pack, compiled: CompiledPack | None = None, probe: bool = True) -> list[Problem]:
    """Problems of a loaded pack: errors (E...) make `arules lint` fail, warnings (W...) do not."""
    an = analysis(pack)
    compiled = compiled or compile_pack(pack)
    out: list[Problem] = []
    hazards: dict = {}  # (macro, outer repetition) -> its hazards (`_static`), shared by the rules
    count = None  # the probes' step counter (`runaway.counter`), made for the first rule probed

    def report(rule: Rule, code: str, msg: str) -> None:
        out.append(Problem(rule.loc.path, rule.loc.line, rule.loc.col, code, f"rule {rule.name!r}: {msg}"))

    for i, (rule, crule) in enumerate(zip(pack.rules, compiled.rules)):
        out.extend(_call_problems(rule))
        if an.nullable(rule.node):
            report(rule, "E112", "the pattern can match empty text; make at least one item required")
        for msg in _static(pack, rule.node, an, memo=hazards):
            report(rule, "E107", msg)
        if crule.back is None:
            report(rule, "W201", f"no literal anchor within the first {MAX_FAR_BACK} tokens: the rule is tried at "
                                 "every word (slow); start it with a word, @lexicon or quoted literal")
        if probe and crule.program is not None and \
                not any(p.code == "E107" and p.message.startswith(f"rule {rule.name!r}") for p in out):
            if count is None:
                count = runaway.counter(compiled)
            verdict = runaway.probe(i, crule, count)
            if verdict is not None:
                report(rule, "E107", verdict.message())
    out.extend(_roleless_number_lexicons(pack))
    return out


def _roleless_number_lexicons(pack: Pack):
    """W202: a lexicon named as number lexicons had to be before roles were declared (num_unit,
    scale_big), without a role: the number builder no longer reads it as numbers."""
    for lx in pack.lexicons.values():
        if lx.role is not None:
            continue
        was = next((r for p, r in OLD_PREFIXES.items() if lx.name == p or (p.endswith("_") and lx.name.startswith(p))),
                   None)
        if was is not None:
            yield Problem(lx.loc.path, lx.loc.line, lx.loc.col, "W202",
                          f"lexicon {lx.name!r} has no role, so the number builder does not read its words; if they "
                          f"are numbers, write them under 'forms:' with 'role: {was}' (docs/patterns.md)")


def _call_problems(rule: Rule):
    """The rule's value builder call against the builders registered now, at the value: the
    loader checks the same when it reads a file, but a pack may be made in code, or a builder
    registered again with another signature after loading."""
    call = rule.value
    if call is None:
        return
    loc = rule.value_loc or rule.loc
    if get_builder(call.name) is None:
        yield Problem(loc.path, loc.line, loc.col, "E108", f"rule {rule.name!r}: unknown value builder {call.name!r}")
        return
    why = call_problem(call.name, call.args, call.kwargs)
    if why:
        yield Problem(loc.path, loc.line, loc.col, "E114", f"rule {rule.name!r}: {why}")


def _static(pack: Pack, node, an, outer: tuple[str, bool] | None = None, seen=frozenset(), memo: dict | None = None):
    """Backtracking hazards in ``node``; ``outer`` is the enclosing unbounded repetition and
    whether each of its copies starts with required punctuation (a separator words cannot eat).
    ``memo``: (macro, outer) -> its hazards, for a macro used by many rules (a loaded pack has
    no macro cycles, so what a macro holds does not depend on the macros open around it)."""
    if isinstance(node, syntax.SubRef):
        if node.name not in seen:
            key = (node.name, outer)
            got = None if memo is None else memo.get(key)
            if got is None:
                got = tuple(_static(pack, pack.macros[node.name].node, an, outer, seen | {node.name}, memo))
                if memo is not None:
                    memo[key] = got
            yield from got
        return
    if isinstance(node, syntax.Raw):
        yield from _raw_problems_of(node.source)
        if _raw_ambiguous(node.source):
            yield (f"raw regex {node.source!r} backtracks without bound on a long run of one of its own "
                   f"characters; make its alternatives start differently (a|aa -> aa?) or use an atomic "
                   f"group (?>...) or a possessive quantifier (*+)")
        return
    if isinstance(node, syntax.Repeat):
        text = syntax.render(node)
        if an.nullable(node.node):
            yield f"{text}: the repeated item can match nothing, so the repetition can loop; make it required"
        many = node.max is None or node.max > 1
        words_only = an.edge(node.node, False) == {"w"} and an.edge(node.node, True) == {"w"}
        if outer and many and not (outer[1] and words_only):
            yield (f"{text} repeats inside the unbounded repetition {outer[0]}: this can backtrack "
                   f"without bound; give the outer repetition an upper bound such as {{0,5}}")
            return
        if node.max is None:
            outer = (text, _starts_with_punctuation(node.node, an))
        yield from _static(pack, node.node, an, outer, seen, memo)
        return
    for child in _children(node):
        yield from _static(pack, child, an, outer, seen, memo)


def _starts_with_punctuation(node, an) -> bool:
    node = an.resolve(node)
    first = node.items[0] if isinstance(node, syntax.Seq) else node
    return not an.nullable(first) and an.edge(first, False) == {"p"}


def _children(node):
    if isinstance(node, (syntax.Capture, syntax.Not, syntax.Cond)):
        return [node.node]
    if isinstance(node, syntax.Glue):
        return list(node.parts)
    if isinstance(node, syntax.Seq):
        return list(node.items)
    if isinstance(node, syntax.Alt):
        return list(node.options)
    return []


@functools.lru_cache(maxsize=1024)
def _raw_problems_of(source: str) -> tuple[str, ...]:
    # (a macro's raw regexes are checked once, not once per rule that uses the macro)
    return tuple(_raw_problems(source))


def _raw_problems(source: str):
    try:
        tree = sre_parse.parse(source)
    except re.error as e:
        yield f"raw regex does not compile: {e}"
        return
    yield from _walk_sre(tree, source, inside=False)


def _walk_sre(items, source: str, inside: bool):
    for op, av in items:
        if op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS):
            yield f"raw regex {source!r} uses a backreference; rewrite it without one"
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            lo, hi, sub = av
            big = hi == sre_c.MAXREPEAT or (hi > 1 and lo != hi)  # a fixed count cannot split two ways
            if inside and big:
                yield f"raw regex {source!r} nests quantifiers; this can backtrack without bound"
                continue
            yield from _walk_sre(sub, source, inside or hi == sre_c.MAXREPEAT)
        elif op == sre_c.SUBPATTERN:
            yield from _walk_sre(av[-1], source, inside)
        elif op == sre_c.BRANCH:
            for branch in av[1]:
                yield from _walk_sre(branch, source, inside)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            yield from _walk_sre(av[1], source, inside)
        elif op == getattr(sre_c, "ATOMIC_GROUP", None):
            yield from _walk_sre(av, source, inside)
        elif op == getattr(sre_c, "POSSESSIVE_REPEAT", None):
            yield from _walk_sre(av[2], source, inside)


@functools.lru_cache(maxsize=1024)  # (once per raw regex, not once per rule that uses its macro)
def _raw_ambiguous(source: str) -> bool:
    """Whether ``source`` has, inside a repetition, an alternative whose options can start with
    the same character (or match nothing): where (a|aa)*b and (a|a)+c split a run of a's in
    exponentially many ways before they fail, with no nested quantifier. Decided from the
    regex's structure (`re`'s parse, which puts a common prefix of the options before them: a|aa
    becomes a(?:|a)), so the same regex gets the same answer everywhere; options that can only
    be told apart further on, such as (?:ab1|ac2|ab3)+, are reported too (the safe side)."""
    try:
        tree = sre_parse.parse(source)
    except re.error:
        return False  # reported by _raw_problems
    return _ambiguous(list(tree), inside=False)


def _ambiguous(items, inside: bool) -> bool:
    for op, av in items:
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            # (a possessive repetition gives nothing back: what it holds is tried once per copy)
            repeats = hi > 1 and op != getattr(sre_c, "POSSESSIVE_REPEAT", None)
            if _ambiguous(list(sub), inside or repeats):
                return True
        elif op == sre_c.SUBPATTERN:
            if _ambiguous(list(av[-1]), inside):
                return True
        elif op == sre_c.BRANCH:
            firsts = [_first(list(b)) for b in av[1]]
            if inside and any(_overlap(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1:]):
                return True
            if any(_ambiguous(list(b), inside) for b in av[1]):
                return True
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            if _ambiguous(list(av[1]), inside):
                return True
    return False


_ANY = None  # a first set that may hold any character
_CATEGORY_RX = {sre_c.CATEGORY_WORD: r"\w", sre_c.CATEGORY_NOT_WORD: r"\W", sre_c.CATEGORY_DIGIT: r"\d",
                sre_c.CATEGORY_NOT_DIGIT: r"\D", sre_c.CATEGORY_SPACE: r"\s", sre_c.CATEGORY_NOT_SPACE: r"\S"}
_DISJOINT = {frozenset(p) for p in ((r"\w", r"\s"), (r"\d", r"\s"), (r"\w", r"\W"), (r"\d", r"\D"),
                                    (r"\s", r"\S"))}


def _first(items) -> frozenset[str] | None:
    """The characters a match of ``items`` can start with: single characters and category
    escapes (\\w, \\s, ...); None when it may be any character, or nothing (the match may be
    empty: then what follows decides)."""
    out: set[str] = set()
    for op, av in items:
        got, nullable = _first_item(op, av)
        if got is _ANY:
            return _ANY
        out |= got
        if not nullable:
            return frozenset(out)
    return _ANY


def _first_item(op, av) -> tuple[frozenset[str] | None, bool]:
    if op == sre_c.LITERAL:
        return frozenset({chr(av)}), False
    if op == sre_c.IN:
        chars: set[str] = set()
        for kind, arg in av:
            if kind == sre_c.LITERAL:
                chars.add(chr(arg))
            elif kind == sre_c.RANGE and arg[1] - arg[0] < 256:
                chars.update(map(chr, range(arg[0], arg[1] + 1)))
            elif kind == sre_c.CATEGORY and arg in _CATEGORY_RX:
                chars.add(_CATEGORY_RX[arg])
            else:  # (a negated class, a wide range)
                return _ANY, False
        return frozenset(chars), False
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        got = _first(list(av[2]))
        return got, av[0] == 0 or got is _ANY
    if op == sre_c.SUBPATTERN:
        got = _first(list(av[-1]))
        return got, got is _ANY
    if op == getattr(sre_c, "ATOMIC_GROUP", None):
        got = _first(list(av))
        return got, got is _ANY
    if op == sre_c.BRANCH:
        firsts = [_first(list(b)) for b in av[1]]
        if any(f is _ANY for f in firsts):
            return _ANY, True
        return frozenset().union(*firsts), False
    if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
        return frozenset(), True  # (zero-width: the next item starts the match)
    return _ANY, False


def _overlap(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    """Whether two first sets (`_first`) can share a character."""
    if a is _ANY or b is _ANY or a & b:
        return True
    cats_a, cats_b = {x for x in a if len(x) > 1}, {x for x in b if len(x) > 1}
    if any(frozenset((x, y)) not in _DISJOINT for x in cats_a for y in cats_b):
        return True
    return any(re.fullmatch(c, ch) for cats, chars in ((cats_a, b), (cats_b, a)) for c in cats for ch in chars
               if len(ch) == 1)


@dataclass(frozen=True)
class RawShare:
    """How much of a file's patterns is raw regex: the characters of its raw items (as written,
    ``re"..."``) over all characters of its rules' patterns and macro definitions."""

    path: str
    raw: int
    total: int

    @property
    def share(self) -> float:
        return self.raw / self.total if self.total else 0.0


def raw_shares(pack: Pack) -> list[RawShare]:
    """The `RawShare` of every file of ``pack`` that holds patterns, in file order."""
    sources: dict[str, list] = {}
    for r in pack.rules:
        sources.setdefault(r.loc.path, []).append((r.source, r.node))
    for m in pack.macros.values():
        sources.setdefault(m.loc.path, []).append((m.source, m.node))
    out = []
    for path in pack.files:
        items = sources.get(path, [])
        if items:
            raw = sum(len(syntax.render(n)) for _, node in items for n in syntax.walk(node)
                      if isinstance(n, syntax.Raw))
            out.append(RawShare(path, raw, sum(len(source) for source, _ in items)))
    return out
