"""Static and dynamic checks that a rule cannot run away (catastrophic backtracking).

Static: nested unbounded repetitions, repetitions of something that can match nothing, rules
that can match empty text, raw regexes with nested quantifiers or backreferences. Dynamic: each
compiled rule is run under a time limit on adversarial texts built from its own anchors (its
lexicons cut down to the entries those texts hold, see `probe_regex`); one that does not finish
in time is rejected. Rules that cannot be anchored are
reported as warnings: they are correct but scanned at every word. Every value builder call must
also fit the builder's Python signature (E114; the loader rejects such a rule already).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import regex

from . import alarm, cache, ir, syntax
from .compiler import MAX_FAR_BACK, CompiledPack, analysis, compile_pack, trie_regex, word_set_regex
from .errors import Problem
from .loader import Pack, Rule
from .numerals import OLD_PREFIXES
from .values import call_problem, get_builder

PROBE_TIMEOUT = 0.5  # seconds one adversarial probe may take
PROBE_SIZE = 3000  # tokens in one adversarial probe


def lint(pack: Pack, compiled: CompiledPack | None = None, probe: bool = True) -> list[Problem]:
    """Problems of a loaded pack: errors (E...) make `arules lint` fail, warnings (W...) do not."""
    an = analysis(pack)
    compiled = compiled or compile_pack(pack)
    out: list[Problem] = []
    hazards: dict = {}  # (macro, outer repetition) -> its hazards (`_static`), shared by the rules
    look_backs: dict = {}  # the probes' `without_look_backs` memo, shared by the rules

    def report(rule: Rule, code: str, msg: str) -> None:
        out.append(Problem(rule.loc.path, rule.loc.line, rule.loc.col, code, f"rule {rule.name!r}: {msg}"))

    for rule, crule in zip(pack.rules, compiled.rules):
        out.extend(_call_problems(rule))
        if an.nullable(rule.node):
            report(rule, "E112", "the pattern can match empty text; make at least one item required")
        for msg in _static(pack, rule.node, an, memo=hazards):
            report(rule, "E107", msg)
        if crule.back is None:
            report(rule, "W201", f"no literal anchor within the first {MAX_FAR_BACK} tokens: the rule is tried at "
                                 "every word (slow); start it with a word, @lexicon or quoted literal")
        if probe and not any(p.code == "E107" and p.message.startswith(f"rule {rule.name!r}") for p in out):
            msg = _probe(crule, compiled.word_sets, look_backs)
            if msg:
                report(rule, "E107", msg)
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
        if _raw_runs_away(node.source):
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
def _raw_runs_away(source: str) -> bool:
    """Whether ``source`` alone times out on runs of its own characters (or pairs of them) with a
    character after them that it does not expect: where (a|aa)*b, (a|a)+c and their kind explode."""
    try:
        rx = re.compile(source)  # `re`, which the engine runs (`regex` skips some of these cases)
    except re.error:
        return False  # reported by _raw_problems
    chars = sorted({c for c in source if c.isalnum() or c in " ،,.:-"} | {"a", "ب", "1", " "})[:40]
    units = chars + [a + b for a, b in zip(chars, chars[1:])]
    texts = [unit * (RAW_PROBE_RUN // len(unit)) + end for unit in units for end in ("\x00", "!", "")]
    return _times_out(lambda: [rx.match(t, i) for t in texts for i in (0, 1)], PROBE_TIMEOUT * 4)


def _times_out(work, seconds: float) -> bool:
    """Whether ``work()`` takes longer than ``seconds`` (stopped by an alarm). Off the main
    thread, where alarms cannot be used, it is not run."""
    if not alarm.available():
        return False

    class _Late(Exception):
        pass

    try:
        with alarm.limit(seconds, _Late):
            work()
    except _Late:
        return True
    return False


RAW_PROBE_RUN = 60  # characters of one run: 2**60 ways to split it is past any time guard


def _probe(crule, word_sets: dict | None = None, memo: dict | None = None) -> str:
    """Run the compiled rule on texts made of its own anchors; '' if all finish in time. With
    `re` (what the regex back end runs) under an alarm on the main thread; elsewhere, where
    there are no alarms, with the ``regex`` module's timeout."""
    probes = probe_texts(crule)
    source = probe_regex(crule, probes, word_sets, memo)
    passed = f"probe {PROBE_SIZE} {PROBE_TIMEOUT}\n{sorted(crule.literals)[:3]!r}\n{source}"
    if cache.has_mark(passed):  # (this very probe passed before: an unedited rule is not probed again)
        return ""
    if alarm.available():
        rx = re.compile(source)

        def match(text: str, i: int) -> None:  # (each match within PROBE_TIMEOUT, see `alarm.each`)
            run(rx.match, text, i)
    else:
        rxm = regex.compile(source, regex.V0)

        def match(text: str, i: int) -> None:
            rxm.match(text, i, timeout=PROBE_TIMEOUT)

    with alarm.each(PROBE_TIMEOUT, TimeoutError) as run:
        for text in probes:
            try:
                for i in range(0, len(text), max(1, len(text) // 50)):
                    match(text, i)
            except TimeoutError:
                sample = text[:40].replace("\n", " ")
                return (f"backtracks without bound on input like {sample!r}...; bound its repetitions "
                        f"(_{{0,8}} instead of _*) or make items that follow a repetition differ from it")
    cache.mark(passed)
    return ""


def probe_texts(crule) -> list[str]:
    """The adversarial texts of `_probe`: runs of the rule's anchor words, alone, between
    punctuation and filler, and before long runs of filler with an open quote."""
    words = sorted(crule.literals)[:3] or ["كلمة"]
    filler = ["كلمة", "،", ":", '"', "«", "و", "1"]
    probes = []
    for w in words:
        probes.append(" ".join([w] * PROBE_SIZE))
        probes.append(" ".join(w if i % 3 == 0 else filler[i % len(filler)] for i in range(PROBE_SIZE)))
        probes.append(w + " " + " ".join(["كلمة"] * PROBE_SIZE) + ' "' + " كلمة" * PROBE_SIZE)
    probes.append(" ".join(["123"] * PROBE_SIZE))
    return probes


@functools.lru_cache(maxsize=64)
def _token_set(text: str) -> frozenset[str]:
    # (the probe texts of filler alone are the same for every rule: split once)
    return frozenset(text.split())


def probe_regex(crule, texts: list[str], word_sets: dict | None = None, memo: dict | None = None) -> str:
    """The rule's regex as it reads ``texts``: its lexicons cut down to the entries that occur
    in them. An entry that occurs nowhere in a text cannot match anywhere in it, so the regex
    matches (and backtracks) there as the whole one does, and compiles in milliseconds instead
    of seconds (a verb lexicon is thousands of forms). Without the rule's program (a pack
    compiled before programs existed) or the lexicons, the whole regex. ``memo``: for
    `without_look_backs`, shared by the rules of a pack (they share their macros' nodes)."""
    if crule.program is None or word_sets is None:
        return crule.source
    program = without_look_backs(crule.program, memo)
    tokens = set().union(*map(_token_set, texts))
    joined = "\x00".join(tokens)  # (one substring search, in C, instead of one per token)

    def occurs(form: str) -> bool:
        # a form without a space matches only inside one token of a text; one with a space is kept
        if "\x00" in form:
            return " " in form or any(form in t for t in tokens)
        return " " in form or form in joined

    def cut(ws: ir.WordSet) -> str:  # the structure of `word_set_regex`, with fewer entries
        forms = tuple(filter(occurs, ws.forms))
        if not ws.suffixes:
            return word_set_regex(ir.WordSet(forms))
        suffixes, rest = tuple(filter(occurs, ws.suffixes)), tuple(filter(occurs, ws.rest))
        body = f"(?:{word_set_regex(ir.WordSet(forms))})" + (f"(?:{trie_regex(suffixes)})?" if suffixes else "")
        return body + (f"|{trie_regex(rest)}" if rest else "")

    def empty(name: str) -> bool:  # no entry of the lexicon occurs in the texts
        ws = word_sets[name]
        return not any(map(occurs, ws.forms)) and not any(map(occurs, ws.rest))

    live, _ = _without_dead_branches(program, empty, lambda toks: all(map(occurs, toks)), {})
    return "(?!)" if live is None else ir.to_regex(live, _LexiconRegexes(word_sets, cut))


_FAIL = ir.Look(ir.Cat(()), negate=True)  # (?!): fails where it stands
LIVE, FAILS, DEAD = "live", "fails", "dead"


def _without_dead_branches(node: ir.Node, empty, present, memo: dict) -> tuple[ir.Node | None, str]:
    """``node`` without the branches that cannot match the probe texts, and whether it may
    match there (LIVE), may work but never match (FAILS) or fails at once (DEAD, node None): a
    lexicon none of whose entries occur there, a literal with a word that does not, fail at
    once. What such an item follows is kept, then fails (as the regex would try every way to
    reach it, and that is what a probe times); only options of an alternative, optional items
    and conditions that fail at once go. The largest attribution probe regex (macros of
    macros) went from 400,000 characters to 7,000 and compiles in 10 ms instead of a second."""
    key = id(node)
    if key in memo:
        return memo[key][1]
    out: tuple[ir.Node | None, str] = (node, LIVE)
    if isinstance(node, ir.Lex):
        out = (None, DEAD) if empty(node.name) else out
    elif isinstance(node, ir.Lit):
        out = out if present(node.tokens) else (None, DEAD)
    elif isinstance(node, ir.Cat):
        items: list[ir.Node] = []
        kind = LIVE
        for x in node.items:
            y, k = _without_dead_branches(x, empty, present, memo)
            if k == DEAD:
                kind = DEAD if not items else FAILS
                items.append(_FAIL)
                break
            items.append(y)  # type: ignore[arg-type]
            if k == FAILS:
                kind = FAILS
                break
        out = (None, DEAD) if kind == DEAD else (ir.Cat(tuple(items)), kind)
    elif isinstance(node, ir.Alt):
        got = [_without_dead_branches(o, empty, present, memo) for o in node.options]
        options = tuple(y for y, k in got if k != DEAD)
        kind = DEAD if not options else LIVE if any(k == LIVE for _, k in got) else FAILS
        out = (None, DEAD) if not options else (options[0] if len(options) == 1 else ir.Alt(options), kind)  # type: ignore[assignment]
    elif isinstance(node, (ir.Opt, ir.Rep)):
        inner, k = _without_dead_branches(node.node, empty, present, memo)
        optional = isinstance(node, ir.Opt) or node.min == 0
        if k == DEAD:  # (a repetition of what fails at once: nothing, once)
            out = (ir.Cat(()), LIVE) if optional else (None, DEAD)
        else:
            out = (replace(node, node=inner), LIVE if optional else k)
    elif isinstance(node, ir.Group):
        inner, k = _without_dead_branches(node.node, empty, present, memo)
        out = (None, DEAD) if k == DEAD else (replace(node, node=inner), k)
    elif isinstance(node, (ir.Look, ir.Behind)):
        inner, k = _without_dead_branches(node.node, empty, present, memo)
        if k == DEAD:
            out = (ir.Cat(()), LIVE) if node.negate else (None, DEAD)
        else:
            out = (replace(node, node=inner), FAILS if k == FAILS and not node.negate else LIVE)
    memo[key] = (node, out)  # (the node is kept so its id is not reused)
    return out


def without_look_backs(node: ir.Node, memo: dict | None = None) -> ir.Node:
    """``node`` with every look back and line check `re` cannot run taken as holding (and every
    condition `ir.Look` that holds one): the probe then runs the rule with `re`, which compiles
    an attribution rule in milliseconds (the `regex` module, which reads look backs of any width,
    took seconds per rule: most of a cold lint). A condition that always holds prunes nothing, so
    the probe tries every way of matching the rule itself tries, and more: a rule that passes it
    cannot run away (a look back reads at most 12 tokens, a line check a run of whitespace)."""
    memo = {} if memo is None else memo
    got = memo.get(id(node))
    if got is not None:
        return got[1]
    out = node
    needs = memo.setdefault("needs_executor", {})  # (one memo for the conditions' `ir.needs_executor`)
    if isinstance(node, ir.Behind) or isinstance(node, ir.Look) and ir.needs_executor(node, needs) or \
            (isinstance(node, ir.Assert) and node.kind in ir.LINE_CHECKS):
        out = ir.Cat(())
    elif isinstance(node, ir.Cat):
        out = ir.Cat(tuple(without_look_backs(x, memo) for x in node.items))
    elif isinstance(node, ir.Alt):
        out = ir.Alt(tuple(without_look_backs(x, memo) for x in node.options))
    elif isinstance(node, (ir.Opt, ir.Rep, ir.Group)):
        out = replace(node, node=without_look_backs(node.node, memo))
    memo[id(node)] = (node, out)  # (the node is kept so its id is not reused)
    return out


class _LexiconRegexes(dict):
    """Lexicon name -> ``regex(its word set)``, built on first use."""

    def __init__(self, word_sets: dict, regex):
        super().__init__()
        self._word_sets, self._regex = word_sets, regex

    def __missing__(self, name: str) -> str:
        self[name] = self._regex(self._word_sets[name])
        return self[name]


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
