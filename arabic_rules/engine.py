"""The engine: normalize -> prefilter -> verify rules at anchors -> values -> overlaps -> matches."""
from __future__ import annotations

import datetime as _dt
import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import cache
from .compiler import TOKEN_RE, CompiledPack, CompiledRule, compile_pack, trie_regex
from .errors import ExtractionTimeout
from .match import Match, Span
from .normalize import Normalized, normalize
from .resources import data_dir, default_pattern_files
from .syntax import FieldArg
from .values import BuildContext, Built, FieldView, Reject, get_builder, get_finisher

_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Candidate:
    """A rule match on the normalized text, before overlaps are resolved."""

    rule: CompiledRule
    start: int  # normalized offsets, whitespace trimmed
    end: int
    fields: dict[str, tuple[int, int, Any]]
    value: Any
    attrs: dict[str, Any]


class Engine:
    """Runs a compiled rule pack over texts. Build one with `default` or `from_paths`."""

    def __init__(self, pack: CompiledPack, *, timeout: float | None = None):
        self.pack = pack
        self.timeout = timeout
        self.rules = pack.rules
        self.labels = frozenset(r.label for r in pack.rules)
        self._regex = [re.compile(r.source) for r in pack.rules]
        self._build_prefilter()

    # construction -----------------------------------------------------------------------------
    @classmethod
    def default(cls, **kwargs) -> "Engine":
        """The engine with the shipped rule packs (compiled once, then cached on disk)."""
        return cls.from_paths([], include_default=True, **kwargs)

    @classmethod
    def from_paths(cls, paths: Iterable[str | Path], *, include_default: bool = False,
                   use_cache: bool = True, **kwargs) -> "Engine":
        """An engine for rule files or directories of them, optionally plus the shipped packs."""
        files = [Path(p) for p in paths]
        if include_default:
            files = [data_dir("patterns"), *files]
        compiled = compile_files(files, use_cache=use_cache)
        return cls(compiled, **kwargs)

    def _build_prefilter(self) -> None:
        by_literal: dict[str, list[tuple[int, int | None]]] = {}
        by_raw: dict[str, list[tuple[int, int | None]]] = {}
        self._unanchored: list[int] = []
        for r in self.rules:
            if r.back is None:
                self._unanchored.append(r.index)
                continue
            for lit in r.literals:
                by_literal.setdefault(lit, []).append((r.index, r.back))
            for raw in r.raws:
                by_raw.setdefault(raw, []).append((r.index, r.back))
        self._by_literal = by_literal
        # labels with literal anchors: `labels=` without any of them skips the literal scan
        self._literal_labels = frozenset(self.rules[ri].label for es in by_literal.values() for ri, _ in es)
        word_lits = [w for w in by_literal if re.match(r"\w", w)]
        punct_lits = [w for w in by_literal if not re.match(r"\w", w)]
        parts = []
        if word_lits:
            parts.append(r"(?<!\w)(?:" + trie_regex(word_lits) + ")")
        if punct_lits:
            parts.append("(?:" + trie_regex(punct_lits) + ")")
        self._prefilter = re.compile("|".join(parts)) if parts else None
        # Raw anchors whose first characters are known share one scan for those characters; each
        # is then tried only there (same hits as its own finditer pass). The others get a pass each.
        self._raw_passes = []
        self._raw_guarded = []
        firsts: list[str] = []
        for src, rs in by_raw.items():
            guard = _first_char_guard(src)
            rx = re.compile(guard + r"(?:(?<!\w)|(?!\w))(?:" + src + ")")
            if guard:
                self._raw_guarded.append((rx, tuple(rs)))
                firsts.append(guard[len("(?=["):-len("])")])
            else:
                self._raw_passes.append((rx, tuple(rs)))
        # a raw match starts where a first character is not glued to a word character before it
        self._raw_scan = re.compile("[" + "".join(firsts) + r"](?<!\w\w)") if firsts else None
        self._hit_cache: dict[str, tuple[tuple[int, int | None], ...]] = {}

    def _rules_for_hit(self, hit: str) -> tuple[tuple[int, int | None], ...]:
        """Rules anchored on ``hit`` or on any literal that is a prefix of it."""
        found = self._hit_cache.get(hit)
        if found is None:
            key = " ".join(hit.split())
            acc: list[tuple[int, int | None]] = []
            for i in range(1, len(key) + 1):
                acc.extend(self._by_literal.get(key[:i], ()))
            found = self._hit_cache[hit] = tuple(dict.fromkeys(acc))
        return found

    # extraction -------------------------------------------------------------------------------
    def extract(self, text: str, ref_date: _dt.date | None = None, labels: Iterable[str] | None = None
                ) -> list[Match]:
        """Every match in ``text``, sorted by position. ``labels`` limits the labels looked for."""
        if not isinstance(text, str):
            raise TypeError(f"extract() takes a str, not {type(text).__name__}; decode bytes first")
        norm = normalize(text)
        wanted = None if labels is None else frozenset(labels)
        run = wanted
        if wanted is not None:  # also run the rules that absorb a wanted label: a day is not a number
            run = wanted | {r.label for r in self.rules if wanted & set(r.absorbs)}
        chosen = resolve_overlaps(self.candidates(norm, ref_date, run))
        if run != wanted:
            chosen = [c for c in chosen if c.rule.label in wanted]
        return self._finish([self._to_match(norm, c) for c in chosen], norm, ref_date)

    def candidates(self, norm: Normalized, ref_date=None, wanted: frozenset | None = None,
                   keep_rejected: bool = False) -> list[Candidate]:
        """Every rule match at every anchor, values built (before overlap resolution)."""
        text = norm.text
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        starts = self._starts(text, wanted)
        out: list[Candidate] = []
        state: dict = {}
        for n, (ri, start) in enumerate(sorted(starts, key=lambda x: (x[1], x[0]))):
            rule = self.rules[ri]
            if deadline is not None and n % 64 == 0 and time.monotonic() > deadline:
                raise ExtractionTimeout(f"extraction took longer than {self.timeout}s (last rule {rule.name!r}); "
                                        f"lint the rules or raise the timeout")
            end_limit = _snap(text, start + rule.max_span)
            m = self._regex[ri].match(text, start, end_limit)
            if m is None or m.end() == m.start():
                continue
            cand = self._candidate(rule, m, norm, ref_date, state)
            if cand is not None:
                out.append(cand)
        return out

    def _starts(self, text: str, wanted) -> set[tuple[int, int]]:
        """(rule, start) pairs to verify: found by one pass over the anchors of every rule."""
        starts: set[tuple[int, int]] = set()
        rules = self.rules

        def add(pos: int, entries) -> None:
            for ri, back in entries:
                if wanted is not None and rules[ri].label not in wanted:
                    continue
                if back == 0:
                    starts.add((ri, pos))
                else:
                    for s in _token_starts_before(text, pos, back):
                        starts.add((ri, s))
                    starts.add((ri, pos))

        if self._prefilter is not None and (wanted is None or wanted & self._literal_labels):
            for m in self._prefilter.finditer(text):
                add(m.start(), self._rules_for_hit(m.group()))
        if self._raw_scan is not None:
            positions = [m.start() for m in self._raw_scan.finditer(text)]
            for rx, entries in self._raw_guarded:
                if wanted is not None and not any(rules[ri].label in wanted for ri, _ in entries):
                    continue
                match, last = rx.match, 0
                for pos in positions:  # finditer's rule: the next hit starts at or after the last end
                    if pos >= last:
                        m = match(text, pos)
                        if m is not None:
                            add(pos, entries)
                            last = m.end()
        for rx, entries in self._raw_passes:
            for m in rx.finditer(text):
                add(m.start(), entries)
        for ri in self._unanchored:
            if wanted is None or rules[ri].label in wanted:
                starts.update((ri, m.start()) for m in TOKEN_RE.finditer(text))
        return starts

    def _candidate(self, rule: CompiledRule, m: re.Match, norm: Normalized, ref_date, state) -> Candidate | None:
        text = norm.text
        start, end = _trim(text, m.start(), m.end())
        fields: dict[str, tuple[int, int, Any]] = {}
        for group, name, lex in rule.groups:
            if name in fields:
                continue
            s, e = m.span(group)
            if s < 0:
                continue
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            value = None
            if lex is not None:
                value = self.pack.lexicons.get(lex, {}).get(" ".join(text[s:e].split()))
            fields[name] = (s, e, value)
        value, attrs = None, {}
        if rule.value is not None:
            try:
                value, attrs = self._build(rule, norm, start, end, fields, ref_date, state)
            except Reject:
                return None
        return Candidate(rule, start, end, fields, value, attrs)

    def _build(self, rule, norm: Normalized, start, end, fields, ref_date, state):
        text = norm.text
        views = {}
        for k, (s, e, v) in fields.items():
            os_, oe = norm.span(s, e)
            views[k] = FieldView(k, text[s:e], v, norm.original[os_:oe])
        ctx = BuildContext(rule.name, rule.label, text[start:end], views, ref_date, self.pack.lexicons, state)
        call = rule.value
        args = [views.get(a.name) if isinstance(a, FieldArg) else a for a in call.args]
        kwargs = {k: (views.get(a.name) if isinstance(a, FieldArg) else a) for k, a in call.kwargs}
        result = get_builder(call.name)(ctx, *args, **kwargs)
        if isinstance(result, Built):
            return result.value, dict(result.attrs)
        return result, {}

    def _to_match(self, norm: Normalized, c: Candidate) -> Match:
        s, e = norm.span(c.start, c.end)
        fields = {}
        for name, (fs, fe, value) in c.fields.items():
            os_, oe = norm.span(fs, fe)
            fields[name] = Span(os_, oe, norm.original[os_:oe], value)
        return Match(c.rule.label, c.rule.name, s, e, norm.original[s:e], c.value, c.attrs, fields)

    def _finish(self, matches: list[Match], norm: Normalized, ref_date) -> list[Match]:
        names = {r.value.name for r in self.rules if r.value is not None}
        for name in sorted(names):
            fn = get_finisher(name)
            if fn is not None:
                matches = fn(matches, norm, ref_date)
        matches.sort(key=lambda m: (m.start, -m.end, m.label))
        return matches


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Within a label keep the longest match, then the higher priority, then the leftmost;
    different labels may overlap. Then a rule's ``absorbs`` drops matches of the labels it
    names that lie inside it (a year inside a date is not a separate number)."""
    by_label: dict[str, list[Candidate]] = {}
    for c in cands:
        by_label.setdefault(c.rule.label, []).append(c)
    chosen: list[Candidate] = []
    for label, cs in by_label.items():
        cs.sort(key=lambda c: (-(c.end - c.start), -c.rule.priority, c.start, c.rule.index))
        starts: list[int] = []
        kept: list[Candidate] = []
        for c in cs:
            i = bisect_left(starts, c.start)
            if i > 0 and kept[i - 1].end > c.start:
                continue
            if i < len(kept) and kept[i].start < c.end:
                continue
            starts.insert(i, c.start)
            kept.insert(i, c)
        chosen.extend(kept)
    absorbing = [c for c in chosen if c.rule.absorbs]
    if absorbing:
        covers = _Covers(absorbing)
        chosen = [c for c in chosen if not covers.absorbed(c)]
    chosen.sort(key=lambda c: (c.start, c.end))
    return chosen


def _first_char_guard(src: str) -> str:
    """``(?=[...])`` with the characters a match of ``src`` can start with, or "" when unknown.

    The raw passes start with a boundary assertion, which hides the first characters from `re`'s
    own scan-ahead, so every position paid for the assertion (40 MB/s for ``[0-9]{1,2}``); the
    lookahead is a necessary condition and makes the same pass about 6x faster."""
    try:
        from re import _parser as sre
        parsed = sre.parse(src)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            return ""
        items = _first_items(list(parsed), sre)
    except Exception:  # noqa: BLE001 - an unknown shape only costs speed
        return ""
    return "(?=[" + "".join(items) + "])" if items else ""


def _first_items(seq, sre) -> list[str] | None:
    """Character-class items (regex source) that can start a match of the parsed ``seq``."""
    if not seq:
        return None
    op, av = seq[0]
    if op is sre.LITERAL:
        return [re.escape(chr(av))]
    if op is sre.IN:
        out = []
        for iop, iav in av:
            if iop is sre.LITERAL:
                out.append(re.escape(chr(iav)))
            elif iop is sre.RANGE:
                out.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
            elif iop is sre.CATEGORY and iav in _CATEGORIES:
                out.append(_CATEGORIES[iav])
            else:
                return None
        return out
    if op is sre.BRANCH:
        out = []
        for branch in av[1]:
            got = _first_items(list(branch), sre)
            if got is None:
                return None
            out.extend(got)
        return out
    if op is sre.SUBPATTERN:
        add_flags, del_flags = av[1], av[2]
        if add_flags or del_flags:
            return None
        return _first_items(list(av[3]), sre)
    if op is sre.ATOMIC_GROUP:
        return _first_items(list(av), sre)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_items(list(av[2]), sre)
    return None


def _sre_categories() -> dict:
    from re import _constants as c
    return {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_SPACE: r"\s",
            c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W"}


_CATEGORIES = _sre_categories()


class _Covers:
    """Per absorbed label, the absorbing spans sorted by start with a running maximum of their
    ends: "is ``c`` inside an absorbing match?" is one bisect instead of a scan of them all."""

    def __init__(self, absorbing: list[Candidate]):
        by_label: dict[str, list[Candidate]] = {}
        for a in absorbing:
            for label in set(a.rule.absorbs):
                by_label.setdefault(label, []).append(a)
        self._index = {}
        for label, spans in by_label.items():
            spans.sort(key=lambda a: a.start)
            best: list[Candidate] = []
            for a in spans:
                best.append(a if not best or a.end > best[-1].end else best[-1])
            self._index[label] = ([a.start for a in spans], best, spans)

    def absorbed(self, c: Candidate) -> bool:
        found = self._index.get(c.rule.label)
        if found is None:
            return False
        starts, best, spans = found
        k = bisect_right(starts, c.start)
        if k == 0:
            return False
        a = best[k - 1]  # the absorbing span that starts at or before c and reaches furthest
        if a is not c:
            return a.end >= c.end
        return any(b is not c and b.end >= c.end for b in spans[:k])  # rare: c absorbs its own label


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _snap(text: str, pos: int) -> int:
    """The first whitespace at or after ``pos`` (so a match window never cuts a word)."""
    if pos >= len(text):
        return len(text)
    m = _SPACE.search(text, pos)
    return m.start() if m else len(text)


def _token_starts_before(text: str, pos: int, count: int) -> list[int]:
    """Starts of the ``count`` tokens (words or punctuation) right before ``pos``."""
    lo = max(0, pos - 64 * count)
    found = [m.start() for m in TOKEN_RE.finditer(text, lo, pos)]
    return found[-count:]


def compile_files(files: list[Path], use_cache: bool = True) -> CompiledPack:
    """Load, validate and compile rule files, through the on-disk cache."""
    yaml_files: list[Path] = []
    for p in files:
        if p.is_dir():
            yaml_files.extend(sorted(p.glob("*.yaml")))
        else:
            yaml_files.append(p)
            if p.parent.is_dir():
                yaml_files.extend(sorted(p.parent.glob("*.yaml")))
    yaml_files.extend(default_pattern_files())
    key = None
    if use_cache:
        try:
            key = cache.key_for([f.resolve() for f in yaml_files if f.is_file()], [str(f) for f in files])
        except OSError:
            key = None
        if key is not None:
            hit = cache.load(key)
            if isinstance(hit, CompiledPack):
                return hit
    from .loader import load

    pack = load(files)
    compiled = compile_pack(pack, key or "")
    if key is not None:
        cache.store(key, compiled)
    return compiled
