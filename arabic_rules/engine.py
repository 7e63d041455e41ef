"""The engine: normalize -> prefilter -> verify rules at anchors -> values -> overlaps -> matches."""
from __future__ import annotations

import datetime as _dt
import gc
import re
import time
import warnings
from contextlib import contextmanager, nullcontext
from functools import partial
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterable, Iterator, Mapping, NamedTuple

from . import alarm, arguments, cache, programs
from .buildplan import build_function
from .calendars import prefer_choice
from .compiler import (DEFAULT_MAX_SPAN, TOKEN_RE, CompiledPack, CompiledRule, Near, anchor_index,
                       compile_pack, prefilter_source)
from .chunks import in_chunk, settled_chunks, text_blocks
from .documents import documents_from
from .errors import ExtractionTimeout, Problem, RuleError
from .executor import Executor, ProgramMatch
from .match import Match, Span, maker
from .normalize import Normalized, normalize
from .resources import data_dir, default_pattern_files, yaml_files as resource_files
from .structure import TextStructure
from .syntax import FieldArg
from .work import Work
from .values import BuildContext, Built, FieldView, Reject, call_problem, get_builder, get_finisher

if TYPE_CHECKING:  # (the loader, and yaml and lark with it, are not imported to run a cached pack)
    from .loader import Pack

_NONWORD = re.compile(r"\W")
_NO_GUARD = nullcontext()  # (`Engine._time_guard` without a timeout; reusable, it holds nothing)
_MATCH, _SPAN, _VIEW, _CONTEXT = maker(Match), maker(Span), maker(FieldView), maker(BuildContext)


class Candidate(NamedTuple):
    """A rule match on the normalized text, before overlaps are resolved (a named tuple: the
    engine makes one for every regex match, so it is built as fast as a tuple)."""

    rule: CompiledRule
    start: int  # normalized offsets, whitespace trimmed
    end: int
    fields: dict[str, tuple[int, int, Any]]
    value: Any
    attrs: dict[str, Any]


class Pending(NamedTuple):
    """A native match before overlaps, as cheap as can be: its rule, its span (the rule's ``span``
    field already applied) and its groups' spans as the core reports them. Its fields (and their
    lexicon values) are looked at only if it survives the overlaps so far (`Engine._fields`):
    about a third never does."""

    rule: CompiledRule
    start: int
    end: int
    spans: Any  # per group of the rule, (start, end); (-1, -1) for a group that did not match


# `_new_candidate(Candidate, (rule, start, ...))`: a candidate made without the named tuple's
# __new__, a Python function (the engine makes one per match, and again per value built)
_new_candidate: Callable[[type[Candidate], tuple[Any, ...]], Candidate] = tuple.__new__
_new_pending: Callable[[type[Pending], tuple[Any, ...]], Pending] = tuple.__new__


class Engine:
    """Runs a compiled rule pack over texts. Build one with `default` or `from_paths`.

    ``backend`` runs the rules' programs: "native" (the Rust core, one call per document; the
    default when the package was built with it) or "python" (the reference executor, slow,
    written to be read; the default, with a warning, when the core is not built). Both find
    the same matches."""

    def __init__(self, pack: CompiledPack, *, timeout: float | None = None, backend: str | None = None):
        self.pack = pack
        self.timeout = arguments.timeout(timeout)
        if backend is None:
            backend = default_backend(pack)
        if backend not in BACKENDS:
            raise ValueError(f"backend={backend!r}: choose one of {', '.join(BACKENDS)}")
        self.backend = backend
        self._core = None  # the native core, which takes all the starts of a rule in one call
        self._trying: int | None = None  # the rule being tried (named when time runs out)
        self._guard_until: float | None = None  # when the time guard's alarm rings (see _guarded)
        self.rules = pack.rules
        self.labels = frozenset(r.label for r in pack.rules)
        # a pack compiled through the cache (it has a key) keeps its prefilter's and scans' code there too
        self._persist = bool(pack.key)
        missing = [r.name for r in pack.rules if r.program is None]
        if missing:
            raise ValueError(f"rule {missing[0]!r} has no program (a pack compiled before programs existed): "
                             f"recompile it")
        # the python back end: each rule's program, and each option's rest by its name, in the
        # reference executor
        self._runners: list[_ProgramRunner] = []
        self._rests: dict[str, _ProgramRunner] = {}
        if backend == "python":
            executor = Executor(pack.word_sets)
            self._runners = [_ProgramRunner(executor, r.program) for r in pack.rules]
            self._rests = {name: _ProgramRunner(executor, prog) for r in pack.rules
                           for (*_, name), prog in zip(r.options, r.rest_programs) if name}
        else:  # the same programs, run by the Rust core (see _raw_matches, _work)
            from .native import Core

            self._core = Core(pack)
        index = pack.anchors or anchor_index(pack.rules)
        self._by_literal = index.by_literal
        self._unanchored = index.unanchored
        # (the prefilter and scans are built on first use: the native back end plans in the core
        # and needs neither; a cached pack's engine keeps their code in the on-disk cache)
        self._prefilter_source = index.prefilter
        self._prefilter_rx: re.Pattern[str] | None = None
        self._scan_regex = programs.Lazy(pack.programs, [src for src, _ in index.raw_scans], self._persist)
        self._short_scan = index.short_scans
        self._scans_of: dict[tuple[int, int], list[int]] = {}  # (rule, option) -> its raw scans
        for si, (_, entries) in enumerate(index.raw_scans):
            for ri, oi, _ in entries:
                self._scans_of.setdefault((ri, oi), []).append(si)
        # per rule, its anchor options: those the prefilter alone counts, and those with a scan
        # ((rule, option), cost of one hit: 1 with a rest check or no back, back, rest[, scans])
        self._plans: list[tuple[list[Any], list[Any]]] = []
        for r in pack.rules:
            exact, scanned = [], []
            for oi, (_, _, back, rest) in enumerate(r.options):
                per_hit = 1 if back == 0 or rest else back + 1
                scan_ids = self._scans_of.get((r.index, oi))
                if scan_ids:
                    scanned.append(((r.index, oi), per_hit, back, rest, scan_ids))
                else:
                    exact.append(((r.index, oi), per_hit, back, rest))
            self._plans.append((exact, scanned))
        # per anchored rule, how many of its options (and gates) the prefilter alone decides
        self._literal_options = [0 if r.index in self._unanchored else
                                 sum((r.index, oi) not in self._scans_of for oi in range(len(r.options)))
                                 + len(r.gates) for r in pack.rules]
        self._scanned_only = [r.index for r in pack.rules
                              if r.index not in self._unanchored and not self._literal_options[r.index]]
        self._hit_cache: dict[str, tuple[tuple[int, int, int], ...]] = {}
        self._prefilters: dict[frozenset[str], re.Pattern[str] | None] = {}  # per set of labels asked for
        self._runs: dict[frozenset[str] | None, frozenset[str] | None] = {}
        # per set of labels run, the native core's mask
        self._masks: dict[frozenset[str] | None, list[bool] | None] = {}
        # per rule, its groups as the native core reports them: (field name, the lexicon's values or None)
        self._field_shapes = [tuple((name, None if lex is None else pack.lexicons.get(lex, {}))
                                    for _, name, lex in r.groups) for r in pack.rules]
        # per rule, the groups its ``span`` field may come from (the first that matched gives it)
        self._span_groups = [() if r.span is None else tuple(i for i, (name, _) in enumerate(shape) if name == r.span)
                             for r, shape in zip(pack.rules, self._field_shapes)]
        # per rule, (group, field name, the lexicon's values or None) of the groups that make its
        # fields (those of its ``span`` field only move the match)
        self._field_plans = [tuple((i, name, values) for i, (name, values) in enumerate(shape) if name != r.span)
                             for r, shape in zip(pack.rules, self._field_shapes)]
        self._build_fns: list[Callable[..., Candidate | None] | None] = [None] * len(pack.rules)  # see _build_fn
        self._builders = sorted({r.value.name for r in self.rules if r.value is not None})
        self._builder_of = {r.name: r.value.name for r in self.rules if r.value is not None}
        _check_builder_calls(self.rules)
        # per rule, its value call as `build` makes it: (builder, args, kwargs), each argument
        # (True, field name) or (False, the value itself); None for a rule without a value
        self._calls = [None if r.value is None else _call_plan(r.value) for r in pack.rules]

    # construction -----------------------------------------------------------------------------
    @classmethod
    def default(cls, **kwargs: Any) -> "Engine":
        """The engine with the shipped rule packs (compiled once, then cached on disk)."""
        return cls.from_paths([], include_default=True, **kwargs)

    @classmethod
    def from_paths(cls, paths: Iterable[str | Path], *, include_default: bool = False,
                   use_cache: bool = True, **kwargs: Any) -> "Engine":
        """An engine for rule files or directories of them, optionally plus the shipped packs."""
        files = arguments.paths(paths)
        if include_default:
            files = [data_dir("patterns"), *files]
        compiled = compile_files(files, use_cache=use_cache)
        return cls(compiled, **kwargs)

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any] | str, *, include_default: bool = False,
                   use_cache: bool = True, **kwargs: Any) -> "Engine":
        """An engine for rules written in code: a rule file as a mapping (what `yaml.safe_load`
        gives for one) or as YAML text, validated exactly as a file is; problems are reported
        at ``<rules>:line:col`` in that text (a mapping is written out as YAML first)."""
        if isinstance(rules, Mapping):
            import yaml

            text = yaml.safe_dump(dict(rules), allow_unicode=True, sort_keys=False)
        elif isinstance(rules, str):
            text = rules
        else:
            raise TypeError(f"from_rules takes a rule file as a dict or as YAML text, not {type(rules).__name__}")
        files = [data_dir("patterns")] if include_default else []
        return cls(compile_files(files, use_cache=use_cache, text=text), **kwargs)

    def _rules_for_hit(self, hit: str) -> tuple[tuple[int, int, int], ...]:
        """(rule, option, back) of the anchors that are ``hit`` or a prefix of it."""
        found = self._hit_cache.get(hit)
        if found is None:
            key = " ".join(hit.split())
            acc: list[tuple[int, int, int]] = []
            for i in range(1, len(key) + 1):
                acc.extend(self._by_literal.get(key[:i], ()))
            found = self._hit_cache[hit] = tuple(dict.fromkeys(acc))
        return found

    # extraction -------------------------------------------------------------------------------
    def extract(self, text: str, ref_date: _dt.date | None = None, labels: Iterable[str] | None = None, *,
                context: dict[str, Any] | None = None, work: Work | None = None,
                prefer: str | None = None) -> list[Match]:
        """Every match in ``text``, sorted by position. ``labels`` limits the labels looked for.

        ``context`` is for a text extracted in consecutive parts (how `arules check` streams big
        files): one dict for all the parts, with ``context["offset"]`` set to where each part
        starts in the whole text; finishers keep in it what they carry from part to part (the
        last speaker), so the parts give the matches of the whole. ``work``, if given, counts what
        each stage visited (see `Work`). ``prefer`` (past, future, nearest; None: the news default)
        is how a weekday or a month without a year resolves (see `calendars`). A text of more
        than two blocks (2 M characters) is extracted in settled chunks (`_extract_long`)."""
        if not isinstance(text, str):
            raise TypeError(f"extract() takes a str, not {type(text).__name__}; decode bytes first")
        ref_date = arguments.ref_date(ref_date)
        labels = arguments.labels(labels, self.labels)
        prefer = prefer_choice(prefer)
        if len(text) > LONG_TEXT and context is None:
            return self._extract_long(text, ref_date, labels, work, prefer)
        norm = normalize(text)
        if work is not None:
            work.normalized += len(text)
        return self.finish(self.unfinished(norm, ref_date, labels, work, prefer), norm, ref_date, context, work)

    def _extract_long(self, text: str, ref_date: _dt.date | None, labels: frozenset[str] | None, work: Work | None,
                      prefer: str | None) -> list[Match]:
        """`extract` of a long text, in settled chunks (`chunks`): the same matches (but where a
        line longer than a block is cut at a sentence end), with the work per chunk bounded, so
        that time and memory grow with the text's length only. The cyclic garbage collector is
        paused meanwhile: the findings pile up as long-lived objects without cycles, and its
        passes over them (more and longer the longer the text) would find nothing to free."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._chunked(text, ref_date, labels, work, prefer)
        finally:
            if was_enabled:
                gc.enable()

    def _chunked(self, text: str, ref_date: _dt.date | None, labels: frozenset[str] | None, work: Work | None,
                 prefer: str | None) -> list[Match]:
        context: dict[str, Any] = {}
        out: list[Match] = []
        for block, chunk, lead, cut in settled_chunks(self, text_blocks(text)):
            if chunk is None:  # (a skipped block: only files have them)
                continue
            norm = normalize(chunk)
            if work is not None:
                work.normalized += len(chunk)
            found = in_chunk(self.unfinished(norm, ref_date, labels, work, prefer), lead, cut)
            context["offset"] = block.offset
            shift = block.offset
            out.extend(m if not shift else _shifted(m, shift)
                       for m in self.finish(found, norm, ref_date, context, work))
        return out

    def extract_many(self, docs: Iterable[Any], ref_date: _dt.date | None = None,
                     labels: Iterable[str] | None = None, *, jobs: int = 1,
                     prefer: str | None = None) -> Iterator[tuple[Any, list[Match]]]:
        """``(id, matches)`` for each document of ``docs``, in input order. A document is a text
        (its id is its 0-based position), an ``(id, text)`` or ``(id, text, ref_date)`` tuple, or a
        mapping with ``text`` and optionally ``id`` and ``ref_date``; ``ref_date`` is the default
        for documents without their own. Each document is extracted alone: nothing carries over
        from one to the next. ``jobs`` processes share the work (0: one per core). ``prefer`` as
        for `extract`."""
        ref_date = arguments.ref_date(ref_date)
        labels = arguments.labels(labels, self.labels)
        jobs = arguments.jobs(jobs)
        prefer = prefer_choice(prefer)
        documents = documents_from(docs)
        if jobs == 1:
            for doc in documents:
                yield doc.id, self.extract(doc.text, doc.ref_date or ref_date, labels, prefer=prefer)
            return
        from .workers import extract_documents

        yield from extract_documents(self, documents, ref_date, labels, jobs, prefer)

    def unfinished(self, norm: Normalized, ref_date: _dt.date | None = None, labels: Iterable[str] | None = None,
                   work: Work | None = None, prefer: str | None = None) -> list[Match]:
        """The matches of a normalized text before the finishers' pass (see `finish`)."""
        wanted = None if labels is None else frozenset(labels)
        run = self._run_for(wanted)
        mapped = _span_map(norm)  # (a field's original span is asked by its build and its match)
        with self._time_guard():
            # values are built only for candidates that survive the overlaps so far (a builder may
            # still reject one, and then the next in line is considered): most overlapped ones never are
            structure = TextStructure(norm.text)
            if self._core is not None and work is None and self._core.plans:
                # the core's matches as they come; fields only for those that get this far
                text, original, fns = norm.text, norm.original, self._build_fns

                def build(p: Pending) -> Candidate | None:
                    fn = fns[p.rule.index] or self._build_fn(p.rule.index)
                    return fn(p, text, original, mapped, ref_date, structure, prefer)

                chosen = resolve_overlaps(self._native_pending(text, run), build)  # type: ignore[arg-type]
            else:
                cands = self.candidates(norm, ref_date, run, build=False, work=work)
                chosen = resolve_overlaps(cands, lambda c: self._build(c, norm, ref_date, structure, prefer, mapped))
        if work is not None and "quotations" in structure.__dict__:  # (found only if a builder asked)
            work.quotation_marks += structure.quotations.visited
        if run != wanted and wanted is not None:
            chosen = [c for c in chosen if c.rule.label in wanted]
        to_match = self._to_match
        return [to_match(norm, c, mapped) for c in chosen]

    def _run_for(self, wanted: frozenset[str] | None) -> frozenset[str] | None:
        """The labels to run for ``wanted``: also those of rules that absorb a wanted label (a
        day is not a number)."""
        run = self._runs.get(wanted)
        if run is None and wanted is not None:
            run = self._runs[wanted] = wanted | {r.label for r in self.rules if wanted & set(r.absorbs)}
        return run

    def _time_guard(self) -> Any:
        """With a ``timeout``, stop an extraction that runs longer, even in the middle of one
        runaway match (main thread only; elsewhere the time is checked between rules). Without
        a timeout, a context that does nothing (no alarm, no deadline: two generators per text
        less)."""
        if self.timeout is None:
            return _NO_GUARD

        def late() -> ExtractionTimeout:
            rule = self.rules[self._trying].name if self._trying is not None else "?"
            return ExtractionTimeout(f"extraction took longer than {self.timeout:g} s (at rule {rule!r}); "
                                     f"check the rules with `arules lint` or allow more time (--timeout)")

        return self._guarded(alarm.limit(self.timeout, late))

    @contextmanager
    def _guarded(self, inner: ContextManager[None]) -> Iterator[None]:
        """``inner`` (the alarm), with its deadline known to the native core's calls meanwhile:
        the core stops a little before the alarm rings, so the error can name the rule."""
        self._guard_until = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            with inner:
                yield
        finally:
            self._guard_until = None

    def candidates(self, norm: Normalized, ref_date: _dt.date | None = None, wanted: frozenset[str] | None = None,
                   build: bool = True, work: Work | None = None) -> list[Candidate]:
        """Every rule match at every position where its rule matches, in text order, before
        overlaps are resolved; with values built (and the matches builders reject dropped)
        unless ``build`` is false."""
        cands = self._raw_matches(norm.text, wanted, work)
        if not build:
            return cands
        structure = TextStructure(norm.text)
        return [b for b in (self.build(c, norm, ref_date, structure) for c in cands) if b is not None]

    def _raw_matches(self, text: str, wanted: frozenset[str] | None, work: Work | None = None) -> list[Candidate]:
        """A candidate for every position where a rule matches, sorted by position, then rule (each
        regex match becomes a candidate at once: a match object holds every group of its rule).

        A rule is matched at each hit of its anchor and, when the anchor lies up to ``back``
        tokens into the rule, at the token starts before it. (A `search` over the same windows
        measured 10x slower: it tries every character, not only token starts.)"""
        if self._core is not None and work is None and self._core.plans:
            return self._native_candidates(text, wanted)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        out: list[tuple[int, int, Candidate]] = []
        candidate = self._candidate
        windows: dict[int, int] = {}
        rev = text[::-1]  # for the tokens before anchors (see _tried_at)
        tried, back_tokens = 0, 0
        todo = []
        for ri, back, found, near in self._work(text, wanted, work):
            starts = _tried_at(text, found, back, rev, near)
            back_tokens += (len(starts) - len(found)) if back else 0
            todo.append((ri, starts))
        for ri in self._unanchored:  # no anchor: every token start
            if wanted is None or self.rules[ri].label in wanted:
                todo.append((ri, [m.start() for m in TOKEN_RE.finditer(text)]))
        for ri, found in todo:
            rule = self.rules[ri]
            self._trying = ri
            if self._core is not None:
                ends = [len(text)] * len(found) if rule.bounded else [_snap(text, p + rule.max_span) for p in found]
                if work is not None:
                    tried += len(found) * rule.max_span if rule.bounded else sum(ends) - sum(found)
                for pos, m in zip(found, self._core.matches(ri, text, found, ends)):
                    if m is not None and m.end() > pos:
                        out.append((pos, ri, candidate(rule, m, text)))
            elif rule.bounded:
                rx = self._runners[ri]
                for pos in found:
                    m = rx.match(text, pos)
                    if m is not None and m.end() > pos:
                        out.append((pos, ri, candidate(rule, m, text)))
                tried += len(found) * rule.max_span
            else:
                rx = self._runners[ri]
                for pos in found:
                    limit = pos + rule.max_span
                    end = windows.get(limit)
                    if end is None:  # rules tried at one position share its window
                        end = windows[limit] = _snap(text, limit)
                    m = rx.match(text, pos, end)
                    tried += end - pos
                    if m is not None and m.end() > pos:
                        out.append((pos, ri, candidate(rule, m, text)))
            if deadline is not None and time.monotonic() > deadline:
                raise ExtractionTimeout(f"extraction took longer than {self.timeout}s (at rule {rule.name!r}); "
                                        f"lint the rules or raise the timeout")
        out.sort(key=lambda x: (x[0], x[1]))
        if work is not None:
            work.tried += tried
            work.tokens_back += back_tokens
        return [c for _, _, c in out]

    def _native_candidates(self, text: str, wanted: frozenset[str] | None) -> list[Candidate]:
        """`_raw_matches` by the native core in one call (see `_native_pending`), with the fields'
        lexicon values looked up."""
        fields = self._fields
        return [_new_candidate(Candidate, (p.rule, p.start, p.end, fields(p.rule.index, p.spans, text), None, {}))
                for p in self._native_pending(text, wanted)]

    def _native_pending(self, text: str, wanted: frozenset[str] | None) -> list[Pending]:
        """The native core's matches in one call: it plans the document as `_work` does
        (anchors, cheapest options, rest checks, tokens before anchors) and runs every rule;
        here only a rule's ``span`` field, if it has one, moves the match to that field."""
        core = self._core
        assert core is not None  # (only called with a native core)
        mask = self._masks.get(wanted)
        if mask is None and wanted is not None:
            mask = self._masks[wanted] = core.label_mask(wanted)
        timeout = self.timeout
        if timeout is not None and self._guard_until is not None:  # (before the alarm, to name the rule)
            timeout = max(0.0, self._guard_until - time.monotonic() - min(0.05, timeout / 10))
        try:
            found = core.extract(text, mask, timeout)
        except TimeoutError as err:
            late = self.rules[err.args[0]].name if err.args and isinstance(err.args[0], int) else "?"
            raise ExtractionTimeout(f"extraction took longer than {self.timeout}s (at rule {late!r}); "
                                    f"lint the rules or raise the timeout") from None
        rules, span_groups, new = self.rules, self._span_groups, _new_pending
        return [new(Pending, (rules[ri], start, end, spans)) if not span_groups[ri] else
                _span_moved(rules[ri], start, end, spans, span_groups[ri]) for ri, start, end, spans in found]

    def _fields(self, ri: int, spans: Any, text: str) -> dict[str, tuple[int, int, Any]]:
        """A native match's fields: name -> (start, end, the lexicon's value or None), from the
        first group of each name that matched; without the rule's ``span`` field."""
        fields: dict[str, tuple[int, int, Any]] = {}
        for (name, values), (s, e) in zip(self._field_shapes[ri], spans):
            if s < 0 or name in fields:
                continue
            fields[name] = (s, e, None if values is None else values.get(" ".join(text[s:e].split())))
        span = self.rules[ri].span
        if span is not None:
            fields.pop(span, None)
        return fields

    def _work(self, text: str, wanted: frozenset[str] | None,
              work: Work | None = None) -> list[tuple[int, int, list[int], Near | None]]:
        """(rule, back, anchor hits, near) for every rule worth trying, from one pass over the
        anchors (``near``: the chosen option's shorter reach, `compiler.Near`, or None).

        Each rule has several anchor options (its required items). The rule is tried only
        around the option that costs the fewest tries in this text: its hits, times the starts
        each hit costs (``back`` + 1) unless the rest of the rule is checked at the hit first.
        Literal hits come from the one prefilter pass; a raw scan runs only as far as it takes
        to lose against the best option so far (a scan shared by rules is resumed, never
        repeated). A rule with an option that never occurs cannot match and is not tried."""
        # positions per distinct hit (one append per hit), then per (rule, option) the lists of
        # the hits it is anchored on: the per-hit cost does not grow with the number of rules
        by_hit: dict[str, list[int]] = {}
        prefilter = self._prefilter_for(wanted)
        if prefilter is not None:
            if work is not None:
                work.prefiltered += len(text)
            for m in prefilter.finditer(text):
                by_hit.setdefault(m.group(), []).append(m.start())
        hits: dict[tuple[int, int], list[list[int]]] = {}
        for key, positions in by_hit.items():
            for ri, oi, _ in self._rules_for_hit(key):
                hits.setdefault((ri, oi), []).append(positions)
        # a rule can match only if each of its options and gates occurs: count the literal ones present
        # (per hit, not per rule: a short text with a big pack looks at few rules)
        present: dict[int, int] = {}
        for ri, oi in hits:
            if (ri, oi) not in self._scans_of:
                present[ri] = present.get(ri, 0) + 1
        viable = [ri for ri, n in present.items() if n == self._literal_options[ri]] + self._scanned_only
        scans: dict[int, _Scan] = {}
        plan: list[tuple[int, int, list[int], Near | None]] = []
        for ri in sorted(viable):
            r = self.rules[ri]
            if wanted is not None and r.label not in wanted:
                continue
            best = self._best_option(r, hits, scans, text, work)
            if best is None:
                continue
            lists, back, rest, (_, oi) = best
            lists = [x.all() if isinstance(x, _Scan) else x for x in lists]
            found = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
            if rest and back:
                # the rule from the anchor on must match at the hit, or no start before it can
                ends = [_snap(text, p + r.max_span) for p in found]
                if work is not None:
                    work.tried += sum(ends) - sum(found)
                if self._core is not None:  # all the hits in one call
                    passed = self._core.match_many(self._core.rest_for(rest),  # type: ignore[arg-type]
                                                   text, found, ends)
                    found = [p for p, ok in zip(found, passed) if ok is not None]
                else:
                    rx = self._rests[rest]
                    found = [p for p, end in zip(found, ends) if rx.match(text, p, end)]
            if found:
                plan.append((r.index, back, found, r.near[oi] if r.near else None))
        return plan

    def _best_option(self, r: CompiledRule, hits: dict[Any, Any], scans: dict[int, _Scan], text: str,
                     work: Work | None = None) -> Any:
        """(hit lists, back, rest, (rule, option)) of the cheapest anchor option of ``r`` in this text, or None
        when one of its options has no hit (a required item is missing: the rule cannot match).
        Options the prefilter alone counts come first; those that need a raw scan then scan
        only as far as they can still win."""
        exact, scanned = self._plans[r.index]
        best = None
        for key, per_hit, back, rest in exact:
            lists = hits.get(key)
            if not lists:
                return None
            cost = sum(map(len, lists)) * per_hit
            if best is None or cost < best[0]:
                best = (cost, lists, back, rest, key)
        for key, per_hit, back, rest, scan_ids in scanned:
            lists = list(hits.get(key, ()))
            cost = sum(map(len, lists)) * per_hit
            if best is not None and cost >= best[0]:
                continue
            for si in scan_ids:
                scan = scans.get(si) or scans.setdefault(si, _Scan(self._scan_regex[si], text, self._short_scan[si],
                                                                  work=work))
                cap = None if best is None else (best[0] - cost) // per_hit  # more hits than this lose
                cost += scan.count(cap) * per_hit
                if best is not None and cost >= best[0]:
                    break
                lists.append(scan)
            else:
                if not cost:
                    return None
                best = (cost, lists, back, rest, key)
        return None if best is None else best[1:]

    @property
    def _prefilter(self) -> re.Pattern[str] | None:
        """The prefilter over every rule's literal anchors, built on first use."""
        if self._prefilter_rx is None and self._prefilter_source is not None:
            self._prefilter_rx = programs.load(self.pack.programs, self._prefilter_source, self._persist)
        return self._prefilter_rx

    def _prefilter_for(self, wanted: frozenset[str] | None) -> re.Pattern[str] | None:
        """The prefilter over the literal anchors of the rules of ``wanted`` labels only (a
        smaller trie runs faster: dates alone need a tenth of the literals), built on first use."""
        if wanted is None or wanted >= self.labels:
            return self._prefilter
        if wanted not in self._prefilters:
            mine = [lit for lit, entries in self._by_literal.items()
                    if any(self.rules[ri].label in wanted for ri, _, _ in entries)]
            if len(mine) == len(self._by_literal):
                rx = self._prefilter
            else:
                source = prefilter_source(mine)
                rx = None if source is None else programs.load(self.pack.programs, source, self._persist)
            self._prefilters[wanted] = rx
        return self._prefilters[wanted]

    def _starts(self, text: str, wanted: frozenset[str] | None) -> set[tuple[int, int]]:
        """(rule, token start) pairs a rule is tried at (for `explain` and tests)."""
        starts: set[tuple[int, int]] = set()
        for ri, back, found, near in self._work(text, wanted):
            starts.update((ri, s) for s in _tried_at(text, found, back, near=near))
        token_starts = [m.start() for m in TOKEN_RE.finditer(text)]
        for ri in self._unanchored:
            if wanted is None or self.rules[ri].label in wanted:
                starts.update((ri, s) for s in token_starts)
        return starts

    def _candidate(self, rule: CompiledRule, m: re.Match[str] | ProgramMatch, text: str) -> Candidate:
        """A regex match as a candidate: trimmed spans, fields with their lexicon values."""
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
        if rule.span is not None and rule.span in fields:  # the rest of the pattern is context
            start, end, _ = fields.pop(rule.span)
        return Candidate(rule, start, end, fields, None, {})

    def build(self, c: Candidate, norm: Normalized, ref_date: _dt.date | None, structure: TextStructure | None = None,
              prefer: str | None = None) -> Candidate | None:
        """``c`` with its value and attrs from the rule's builder; None if the builder rejects it.
        ``structure`` is the text's (one per text: its quotations are found once)."""
        return self._build(c, norm, ref_date, structure, prefer, _span_map(norm))

    def _build_fn(self, ri: int) -> Callable[..., Candidate | None]:
        """Rule ``ri``'s build function for native matches (`buildplan`), made on first use;
        `_build_pending` for a rule whose plan cannot be written out."""
        plan = self._calls[ri]
        fn = None if plan is None else build_function(
            self.rules[ri], self._field_plans[ri], plan, self.pack.lexicons, self.pack.roles, _VIEW, _CONTEXT,
            partial(_new_candidate, Candidate))
        if fn is None:
            fn = self._build_pending
        self._build_fns[ri] = fn
        return fn

    def _build_pending(self, p: Pending, text: str, original: str, mapped: Callable[[int, int], tuple[int, int]],
                       ref_date: _dt.date | None, structure: TextStructure, prefer: str | None) -> Candidate | None:
        """`_build` of a native match: its fields (`_fields`) and the views of them its builder
        sees are made in one pass (`buildplan` writes this out per rule)."""
        rule = p.rule
        ri = rule.index
        plan = self._calls[ri]
        if plan is None:
            return _new_candidate(Candidate, (rule, p.start, p.end, self._fields(ri, p.spans, text), None, {}))
        spans = p.spans
        fields: dict[str, tuple[int, int, Any]] = {}
        views = {}
        for i, name, values in self._field_plans[ri]:
            s, e = spans[i]
            if s < 0 or name in fields:
                continue
            matched = text[s:e]
            v = None if values is None else values.get(" ".join(matched.split()))
            fields[name] = (s, e, v)
            os_, oe = mapped(s, e)
            views[name] = _VIEW(name, matched, v, original[os_:oe])
        ctx = _CONTEXT(rule.name, rule.label, text[p.start:p.end], views, ref_date, self.pack.lexicons, text, p.start,
                       structure, prefer, self.pack.roles)
        return _call_builder(plan, ctx, views, rule, p.start, p.end, fields, {})

    def _build(self, c: Candidate, norm: Normalized, ref_date: _dt.date | None, structure: TextStructure | None,
               prefer: str | None, mapped: Callable[[int, int], tuple[int, int]]) -> Candidate | None:
        """`build`, with ``mapped`` giving original spans (`_span_map`: one per text)."""
        rule = c.rule
        plan = self._calls[rule.index] if rule.index < len(self._calls) and self.rules[rule.index] is rule else (
            None if rule.value is None else _call_plan(rule.value))
        if plan is None:
            return c
        text, original = norm.text, norm.original
        views = {}
        for k, (s, e, v) in c.fields.items():
            os_, oe = mapped(s, e)
            views[k] = _VIEW(k, text[s:e], v, original[os_:oe])
        ctx = _CONTEXT(rule.name, rule.label, text[c.start:c.end], views, ref_date, self.pack.lexicons, text, c.start,
                       structure, prefer, self.pack.roles)
        return _call_builder(plan, ctx, views, rule, c.start, c.end, c.fields, c.attrs)

    def _to_match(self, norm: Normalized, c: Candidate,
                  mapped: Callable[[int, int], tuple[int, int]] | None = None) -> Match:
        """``c`` as a `Match` of the original text (``mapped``: `_span_map` of ``norm``, if made)."""
        if mapped is None:
            mapped = _span_map(norm)
        original = norm.original
        s, e = mapped(c.start, c.end)
        fields = {}
        for name, (fs, fe, value) in c.fields.items():
            os_, oe = mapped(fs, fe)
            fields[name] = _SPAN(os_, oe, original[os_:oe], value)
        return _MATCH(c.rule.label, c.rule.name, s, e, original[s:e], c.value, c.attrs, fields)

    def finish(self, matches: list[Match], norm: Normalized, ref_date: _dt.date | None = None,
               context: dict[str, Any] | None = None,
               work: Work | None = None) -> list[Match]:
        """``matches`` after the finishers of the pack's builders (in text order), sorted."""
        context = {} if context is None else context
        if work is not None:
            work.finished += len(matches) * len(self._builders)
        used: set[str | None] | None = None  # the builders of the matches (a finisher passes over theirs)
        for name in self._builders:
            fn = get_finisher(name)
            if fn is None:
                continue
            if used is None:
                builder_of = self._builder_of
                used = {builder_of.get(m.rule) for m in matches}
            if name in used:  # (without matches of its builder a finisher has nothing to finish)
                matches = fn(matches, norm, ref_date, context)
        matches.sort(key=lambda m: (m.start, -m.end, m.label))
        return matches


def _call_builder(plan: tuple[Any, ...], ctx: BuildContext, views: dict[str, FieldView], rule: CompiledRule, start: int,
                  end: int, fields: dict[str, tuple[int, int, Any]], attrs: dict[str, Any]) -> Candidate | None:
    """A candidate with the value of the rule's builder (``plan``: `_call_plan`) called on ``ctx``
    and the field views; None if the builder rejects it. ``attrs`` are kept unless the builder
    returns its own (`Built`)."""
    fn, arg_plan, kwarg_plan = plan
    get = views.get
    args = [get(a) if named else a for named, a in arg_plan]
    try:
        if kwarg_plan:
            result = fn(ctx, *args, **{k: (get(a) if named else a) for k, named, a in kwarg_plan})
        else:
            result = fn(ctx, *args)
    except Reject:
        return None
    if isinstance(result, Built):  # (the constructor: dataclasses.replace costs 3x more)
        return _new_candidate(Candidate, (rule, start, end, fields, result.value, dict(result.attrs)))
    return _new_candidate(Candidate, (rule, start, end, fields, result, attrs))


# What runs the rules' programs: the native core (Rust; when the package was built with it) or
# the reference executor
BACKENDS = ("native", "python")


def default_backend(pack: CompiledPack | None = None) -> str:
    """The back end of an engine made without one: the native core when the package was built
    with it, else the reference executor, with a warning (it finds the same, far slower)."""
    from .native import available

    if available():
        return "native"
    warnings.warn("the native core is not built: the rules run in the reference executor (backend='python'), "
                  "which is slow; build the core with `pip install .` (needs a Rust toolchain)",
                  RuntimeWarning, stacklevel=3)
    return "python"


class _ProgramRunner:
    """A rule's program behind the ``match(text, pos, endpos)`` the engine calls (the reference executor)."""

    def __init__(self, executor: Executor, program: Any):
        self._executor, self._program = executor, program

    def match(self, text: str, pos: int, endpos: int | None = None) -> ProgramMatch | None:
        return self._executor.match(self._program, text, pos, endpos)


def _span_moved(rule: CompiledRule, start: int, end: int, spans: Any, groups: tuple[int, ...]) -> Pending:
    """A native match of a rule with a ``span`` field, moved to the first of its ``groups`` that
    matched (the rest of the pattern is context)."""
    for i in groups:
        if spans[i][0] >= 0:
            start, end = spans[i]
            break
    return _new_pending(Pending, (rule, start, end, spans))


def _same_span(start: int, end: int) -> tuple[int, int]:
    """`Normalized.span` of a text that normalizing did not shift."""
    return (start, start) if start >= end else (start, end)


def _span_map(norm: Normalized) -> Callable[[int, int], tuple[int, int]]:
    """`norm.span`, remembered per span: a field's original span is asked when it is built and
    again for its match, and fields recur across the overlapping candidates of one place."""
    if not norm.bp_norm:
        return _same_span
    bp, bp_orig = norm.bp_norm, norm.bp_orig
    size, size_orig, nbp = len(norm.text), len(norm.original), len(norm.bp_norm)
    memo: dict[int, tuple[int, int]] = {}
    width = size + 1  # (one int per span as the key: spans lie within the text)

    def orig(n: int) -> int:  # `Normalized.orig`
        if n >= size:
            return size_orig
        k = bisect_right(bp, n) - 1
        return n if k < 0 else bp_orig[k] + (n - bp[k])

    def mapped(start: int, end: int) -> tuple[int, int]:  # `Normalized.span`, with `end` inlined
        key = start * width + end
        got = memo.get(key)
        if got is not None:
            return got
        if start >= end:
            s = orig(start)
            got = memo[key] = (s, s)
            return got
        if end <= 0:
            e = orig(0) if end == 0 and size else 0
        else:
            k = bisect_right(bp, end - 1)
            if end < size and (k == nbp or bp[k] > end):  # end - 1 and end in one segment
                e = end if k == 0 else bp_orig[k - 1] + (end - bp[k - 1])
            else:
                here, before = orig(end), orig(end - 1)
                e = here if here > before else before + 1
        got = memo[key] = (orig(start), e)
        return got

    return mapped


LONG_TEXT = 2 << 20  # longer texts are extracted in settled chunks of BLOCK (`Engine._extract_long`)


def _shifted(m: Match, by: int) -> Match:
    """``m`` found in a chunk, with offsets in the whole text (the chunk starts at ``by``)."""
    fields = {k: _SPAN(f.start + by, f.end + by, f.text, f.value) for k, f in m.fields.items()}
    return _MATCH(m.label, m.rule, m.start + by, m.end + by, m.text, m.value, m.attrs, fields)


def _call_plan(call: Any) -> tuple[Callable[..., Any], tuple[tuple[bool, Any], ...], tuple[tuple[str, bool, Any], ...]]:
    """A rule's value call as `Engine.build` makes it, worked out once per rule: the builder,
    then each argument as (True, the field it names) or (False, the value itself)."""
    fn = get_builder(call.name)
    if fn is None:  # (loading checks every name: only a pack cached before a builder was removed)
        def fn(*_: Any, **__: Any) -> Any:
            raise RuleError([Problem("<compiled pack>", 0, 0, "E114",
                                     f"no value builder named {call.name!r}: is the module that registers it imported?")])
    args = tuple((True, a.name) if isinstance(a, FieldArg) else (False, a) for a in call.args)
    kwargs = tuple((k, True, a.name) if isinstance(a, FieldArg) else (k, False, a) for k, a in call.kwargs)
    return fn, args, kwargs


def _check_builder_calls(rules: Iterable[CompiledRule]) -> None:
    """A compiled pack (perhaps from the cache, made before a builder changed) whose rules call
    a builder in a way its signature refuses is a clean `RuleError` here, never a TypeError in
    the middle of an extraction."""
    problems = []
    for r in rules:
        if r.value is not None:
            why = call_problem(r.value.name, r.value.args, r.value.kwargs)
            if why:
                problems.append(Problem("<compiled pack>", 0, 0, "E114", f"rule {r.name!r}: {why}"))
    if problems:
        raise RuleError(problems)


class _Scan:
    """The hits of one raw anchor scan in a text, found only as far as they are asked for.

    A scan whose matches are short (no unbounded repeat) iterates over the text. Any other
    search may look at most two match windows ahead: a raw regex such as «[^»]+» would
    otherwise read to the end of the text from every unclosed «, which is quadratic. A hit is
    kept only with a whole window after it (a match that needs more could not be used anyway)."""

    def __init__(self, rx: re.Pattern[str], text: str, bounded: bool, window: int = DEFAULT_MAX_SPAN,
                 work: Work | None = None):
        self._rx, self._text, self._window, self._work = rx, text, window, work
        self._pos = 0
        self._hits = rx.finditer(text) if bounded else None
        if bounded and work is not None:
            work.scanned += len(text)
        self.found: list[int] = []

    def count(self, cap: int | None) -> int:
        """How many hits there are, counting no further than past ``cap`` (None: all)."""
        found = self.found
        m: re.Match[str] | None
        if self._hits is not None:
            if cap is None:
                found.extend([m.start() for m in self._hits])
            elif len(found) <= cap:
                for m in self._hits:
                    found.append(m.start())
                    if len(found) > cap:
                        break
            return len(found)
        rx, text, w = self._rx, self._text, self._window
        n, pos = len(text), self._pos
        while pos <= n and (cap is None or len(found) <= cap):
            m = rx.search(text, pos, min(n, pos + 2 * w))
            if self._work is not None:
                self._work.scanned += min(n, pos + 2 * w) - pos
            if m is None:
                pos += w  # no start before pos + w: a later one is looked for with its own window
            elif m.start() >= pos + w:
                pos = m.start()  # looked at again with a whole window
            else:
                found.append(m.start())
                pos = m.end() if m.end() > m.start() else m.start() + 1
        self._pos = pos
        return len(found)

    def all(self) -> list[int]:
        self.count(None)
        return self.found


def resolve_overlaps(cands: list[Candidate],
                     build: Callable[[Candidate], Candidate | None] | None = None) -> list[Candidate]:
    """Within a label keep the longest match, then the higher priority, then the leftmost;
    different labels may overlap. Then a rule's ``absorbs`` drops matches of the labels it
    names that lie inside it (a year inside a date is not a separate number). ``build``, if given,
    builds (or rejects: None) each candidate as it would be kept."""
    c: Candidate | None
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
            if build is not None:
                c = build(c)
                if c is None:  # rejected by its builder: the next candidate in line may take the place
                    continue
            starts.insert(i, c.start)
            kept.insert(i, c)
        chosen.extend(kept)
    # Absorbing matches of one label never overlap, so the only one of them that can contain c
    # is the last one starting at or before c (a bisect, not a scan: scans made this quadratic).
    absorbing: dict[str, list[Candidate]] = {}
    absorbed_labels: set[str] = set()  # (a candidate of another label is never looked at)
    for c in chosen:
        if c.rule.absorbs:
            absorbing.setdefault(c.rule.label, []).append(c)
            absorbed_labels.update(c.rule.absorbs)
    if absorbing:
        index = {}
        for label, cs in absorbing.items():
            cs.sort(key=lambda a: a.start)
            index[label] = (cs, [a.start for a in cs])

        def absorbed(c: Candidate) -> bool:
            for cs, starts in index.values():
                i = bisect_right(starts, c.start) - 1
                if i >= 0:
                    a = cs[i]
                    if a is not c and c.rule.label in a.rule.absorbs and c.end <= a.end:
                        return True
            return False
        chosen = [c for c in chosen if c.rule.label not in absorbed_labels or not absorbed(c)]
    chosen.sort(key=lambda c: (c.start, c.end))
    return chosen


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _tried_at(text: str, found: list[int], back: int, rev: str | None = None,
              near: Near | None = None) -> list[int]:
    """The anchor hits ``found`` and the starts of the ``back`` tokens before each, sorted;
    with ``near``, only ``near.short`` tokens before a hit with none of ``near.marks`` among
    its ``near.within`` tokens before it (no insertion can come before that anchor), and of
    the others, with ``near.opens``, only the ``near.short`` tokens before the hit and those
    up to ``near.short`` tokens before an opening mark (the insertion's first token).

    The tokens before a hit are the first ones after it in the reversed text (``rev``, made
    once per text): no more are read than are used (tokenizing the whole text for the few hits
    that need it cost more than all of them, and so did a window before each hit)."""
    if not back:
        return found
    n = len(text)
    if rev is None:
        rev = text[::-1]
    tried = set(found)
    short = near.short if near is not None else 0
    for pos in found:
        k, reach, opens = 0, back, None
        if near is not None:
            reach = near.short
            for m in TOKEN_RE.finditer(rev, n - pos):
                if m.group() in near.marks:
                    reach, opens = back, near.opens or None
                    break
                k += 1
                if k == near.within:
                    break
            k = 0
        if not reach:
            continue
        left = short if opens else reach  # tokens still tried (a budget renewed at each opening mark)
        for m in TOKEN_RE.finditer(rev, n - pos):
            if opens and m.group() in opens:
                left = short + 1  # (the mark itself, and the tokens before it)
            if left:
                tried.add(n - m.end())
                left -= 1
            k += 1
            if k == reach:
                break
    return sorted(tried)


def _snap(text: str, pos: int, reach: int = DEFAULT_MAX_SPAN) -> int:
    """The first non-word character at or after ``pos`` (so a match window never cuts a word),
    looked for up to ``reach`` characters further: text without spaces or punctuation must not
    make every window run to the end of the text (that made extraction quadratic)."""
    if pos >= len(text):
        return len(text)
    m = _NONWORD.search(text, pos, pos + reach)
    return m.start() if m else min(pos + reach, len(text))


def compile_files(files: list[Path], use_cache: bool = True, text: str | None = None,
                  loaded: Pack | None = None) -> CompiledPack:
    """Load, validate and compile rule files (and the rule file ``text``, named ``<rules>``),
    through the on-disk cache. ``loaded`` is the `loader.Pack` of the same files when the caller
    has loaded it already (`arules test` needs its examples): a cache miss compiles that one."""
    yaml_files: list[Path] = []  # every file the pack may read (imports included): the cache key
    for p in files:
        if p.is_dir():
            yaml_files.extend(resource_files(p))
        else:
            yaml_files.append(p)
            if p.parent.is_dir():
                yaml_files.extend(resource_files(p.parent))
    yaml_files.extend(default_pattern_files())
    key = None
    if use_cache:
        try:
            key = cache.key_for([f.resolve() for f in yaml_files if f.is_file()],
                                [str(f) for f in files] + ([text] if text is not None else []))
        except OSError:
            key = None
        if key is not None:
            hit = cache.load(key)
            if isinstance(hit, CompiledPack):
                return hit
    if loaded is None:
        from .loader import load

        loaded = load(files, None if text is None else {"<rules>": text})
    compiled = compile_pack(loaded, key or "")
    if key is not None:
        cache.store(key, compiled)
    return compiled
