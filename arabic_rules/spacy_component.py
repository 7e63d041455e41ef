"""The spaCy component: the findings of the rule packs as a span group on every `Doc`.

    import spacy
    nlp = spacy.blank("ar")
    nlp.add_pipe("arabic_rules", config={"labels": ["date"], "ref_date": "2021-12-13"})
    for span in nlp(text).spans["arabic_rules"]:
        span.label_, span._.rule, span._.value, span._.attrs, span._.fields

Installing the package declares the factory to spaCy through the ``spacy_factories`` entry point,
so ``add_pipe("arabic_rules")`` works without importing this module first (docs/spacy.md).

Where things are kept (all of it plain data, so `Doc.to_bytes`, `DocBin(store_user_data=True)` and
``nlp.pipe(..., n_process=2)`` carry it):

- each finding becomes a `Span` of ``doc.spans[spans_key]`` (overlaps allowed) whose ``label_`` is
  the finding's label and whose ``id_`` is its rule (as spaCy's entity ruler keeps a pattern's id);
- the finding itself, as the JSON text of an ``arules check --format jsonl`` line, sits in
  ``doc.user_data`` under ``("arabic_rules", "finding", start_char, end_char, label, rule)``, read
  back by the span extensions ``value``, ``attrs``, ``fields``, ``rule`` and ``finding`` (getters:
  two findings on one stretch of text never share their values, which spaCy's offset-keyed
  default extensions would make them do);
- how the findings met the tokens, per span key, under ``("arabic_rules", "alignment", key)``
  (read it with `alignment`); the doc's own reference date under ``("arabic_rules", "ref_date")``
  as ISO text (``doc._.ref_date``).
"""
import datetime as _dt
import json
from dataclasses import dataclass, fields as _fields
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from . import arguments
from .calendars import prefer_choice
from .engine import BACKENDS, Engine
from .errors import ArabicRulesError
from .refdates import parse_ref_date
from .report import json_text

FACTORY = "arabic_rules"
DEFAULT_KEY = "arabic_rules"
ALIGNMENT_MODES = ("expand", "contract", "strict")
_STORE = "arabic_rules"  # the first item of every user_data key this module writes


# what the engine found, kept per Doc ---------------------------------------------------------------
def _finding_key(start: int, end: int, label: str, rule: str) -> tuple:
    return (_STORE, "finding", start, end, label, rule)


def _finding(span: Span) -> Optional[Dict[str, Any]]:
    """The finding behind ``span`` (a fresh dict each time: the JSON shape of `Match.to_dict`, its
    ``start``/``end``/``text`` those of the match before alignment), or None for another span."""
    text = span.doc.user_data.get(_finding_key(span.start_char, span.end_char, span.label_, span.id_))
    return None if text is None else json.loads(text)


def _part(name: str) -> Callable[[Span], Any]:
    def get(span: Span) -> Any:
        found = _finding(span)
        return None if found is None else found[name]

    get.__name__ = get.__qualname__ = f"_finding_{name}"
    get.__doc__ = f"The {name!r} of the finding behind a span (None for a span that is not one)."
    return get


_finding_value, _finding_attrs, _finding_fields, _finding_rule = (
    _part(n) for n in ("value", "attrs", "fields", "rule"))


def _get_ref_date(doc: Doc) -> Optional[_dt.date]:
    iso = doc.user_data.get((_STORE, "ref_date"))
    return None if iso is None else _dt.date.fromisoformat(iso)


def _set_ref_date(doc: Doc, value: Any) -> None:
    """Keep the doc's reference date as ISO text (a `date` object would not survive `to_bytes`);
    any form `parse_ref_date` reads is accepted, None clears it."""
    day = parse_ref_date(value)
    if day is None:
        doc.user_data.pop((_STORE, "ref_date"), None)
    else:
        doc.user_data[(_STORE, "ref_date")] = day.isoformat()


def _register() -> None:
    """The extensions, registered at import (so that spaCy hands them to the processes of
    ``nlp.pipe(n_process=...)``). A name another library holds is not overwritten: that is an
    error naming the clash, since the component could not work."""
    wanted = [(Span, "value", {"getter": _finding_value}), (Span, "attrs", {"getter": _finding_attrs}),
              (Span, "fields", {"getter": _finding_fields}), (Span, "rule", {"getter": _finding_rule}),
              (Span, "finding", {"getter": _finding}),
              (Doc, "ref_date", {"getter": _get_ref_date, "setter": _set_ref_date})]
    for cls, name, how in wanted:
        if cls.has_extension(name):
            getter = cls.get_extension(name)[2]
            if getattr(getter, "__module__", None) == __name__ and getter.__qualname__ == how["getter"].__qualname__:
                cls.set_extension(name, force=True, **how)  # this module again (a reload): ours
                continue
            raise ArabicRulesError(
                f"{cls.__name__}._.{name} is already registered by another extension ({getter!r}); the "
                f"arabic_rules component needs that name: remove the other one first with "
                f"{cls.__name__}.remove_extension({name!r})")
        cls.set_extension(name, **how)


_register()


# how findings meet tokens --------------------------------------------------------------------------
@dataclass(frozen=True)
class Alignment:
    """How the findings of a Doc (or of every Doc a component saw) met its token boundaries."""

    aligned: int = 0    # already on token boundaries: the span has the finding's own offsets
    adjusted: int = 0   # moved to token boundaries by ``alignment_mode`` ("expand" or "contract")
    dropped: int = 0    # no span in this mode ("strict" off a boundary, "contract" inside one token)
    duplicate: int = 0  # the same span, label and rule as an earlier finding once aligned: kept once

    def __add__(self, other: "Alignment") -> "Alignment":
        return Alignment(*(getattr(self, f.name) + getattr(other, f.name) for f in _fields(self)))

    def to_dict(self) -> Dict[str, int]:
        return {f.name: getattr(self, f.name) for f in _fields(self)}


def alignment(doc: Doc, spans_key: str = DEFAULT_KEY) -> Optional[Alignment]:
    """How the findings of the component writing ``doc.spans[spans_key]`` met the tokens of
    ``doc``; None when that component has not run on it."""
    counts = doc.user_data.get((_STORE, "alignment", spans_key))
    return None if counts is None else Alignment(**counts)


# the component -------------------------------------------------------------------------------------
class ArabicRules:
    """The pipeline component: runs an `Engine` over ``doc.text`` and keeps its findings as spans.

    The engine is built once, when the component is made (one build per pipeline); a pickled
    component (how processes started by *spawn* receive it) leaves the engine behind and builds
    its own on its first Doc: once per process."""

    def __init__(self, nlp: Language, name: str = FACTORY, *, spans_key: str = DEFAULT_KEY,
                 labels: Optional[Iterable[str]] = None, patterns: Optional[Iterable[str]] = None,
                 include_default: bool = False, ref_date: Any = None, prefer: Optional[str] = None,
                 annotate_ents: bool = False, alignment_mode: str = "expand",
                 backend: Optional[str] = None, timeout: Optional[float] = None):
        if not isinstance(spans_key, str) or not spans_key:
            raise ValueError(f"spans_key={spans_key!r}: give the name of the span group to write, "
                             f"e.g. {DEFAULT_KEY!r}")
        if alignment_mode not in ALIGNMENT_MODES:
            raise ValueError(f"alignment_mode={alignment_mode!r} is not a mode; choose one of "
                             f"{', '.join(map(repr, ALIGNMENT_MODES))} (how a finding that starts or ends "
                             f"inside a token becomes a span)")
        if backend is not None and backend not in BACKENDS:
            raise ValueError(f"backend={backend!r}: choose one of {', '.join(BACKENDS)}, or leave it out")
        if patterns is not None:
            patterns = [str(p) for p in arguments.paths(patterns)]  # checked now, not in a worker
        elif include_default:
            raise ValueError("include_default adds the shipped packs to your own: give them in "
                             "patterns, or leave include_default out for the shipped packs alone")
        self.name = name
        self.spans_key = spans_key
        self.patterns = patterns
        self.include_default = include_default
        self.ref_date = parse_ref_date(ref_date)
        self.prefer = prefer_choice(prefer)
        self.annotate_ents = bool(annotate_ents)
        self.alignment_mode = alignment_mode
        self.backend = backend
        self.timeout = arguments.timeout(timeout)
        self.totals = Alignment()  # over every Doc this component saw, in this process
        self._engine: Optional[Engine] = self._build()
        self.labels = arguments.labels(labels, self._engine.labels)

    def _build(self) -> Engine:
        options: Dict[str, Any] = {"timeout": self.timeout}
        if self.backend is not None:
            options["backend"] = self.backend
        if self.patterns is None:
            return Engine.default(**options)
        return Engine.from_paths([Path(p) for p in self.patterns], include_default=self.include_default,
                                 **options)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._build()
        return self._engine

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_engine"] = None  # rebuilt from the same files where it is unpickled (see `engine`)
        return state

    def __call__(self, doc: Doc) -> Doc:
        ref = doc._.ref_date or self.ref_date
        matches = self.engine.extract(doc.text, ref_date=ref, labels=self.labels, prefer=self.prefer)
        spans: List[Span] = []
        seen = set()
        aligned = adjusted = dropped = duplicate = 0
        for m in matches:
            span = doc.char_span(m.start, m.end, label=m.label, span_id=m.rule, alignment_mode=self.alignment_mode)
            if span is None:
                dropped += 1
                continue
            key = _finding_key(span.start_char, span.end_char, m.label, m.rule)
            if key in seen:
                duplicate += 1
                continue
            seen.add(key)
            if span.start_char == m.start and span.end_char == m.end:
                aligned += 1
            else:
                adjusted += 1
            doc.user_data[key] = json_text(m.to_dict())
            spans.append(span)
        doc.spans[self.spans_key] = spans
        counts = Alignment(aligned, adjusted, dropped, duplicate)
        doc.user_data[(_STORE, "alignment", self.spans_key)] = counts.to_dict()
        self.totals = self.totals + counts
        if self.annotate_ents:
            _annotate_ents(doc, spans)
        return doc


def _annotate_ents(doc: Doc, spans: List[Span]) -> None:
    """Add to ``doc.ents`` the findings that fit. Entities already set are kept, and a finding that
    overlaps one is left out; among the other findings, where they overlap, the longest wins (in
    tokens; the earliest among equals: `spacy.util.filter_spans`). A finding left out of
    ``doc.ents`` stays in the span group."""
    taken = set()
    for ent in doc.ents:
        taken.update(range(ent.start, ent.end))
    chosen = filter_spans([s for s in spans if taken.isdisjoint(range(s.start, s.end))])
    if chosen:
        doc.set_ents(chosen, default="unmodified")


@Language.factory(
    FACTORY,
    default_config={"spans_key": DEFAULT_KEY, "labels": None, "patterns": None, "include_default": False,
                    "ref_date": None, "prefer": None, "annotate_ents": False, "alignment_mode": "expand",
                    "backend": None, "timeout": None},
    assigns=["doc.spans", "doc.ents", "span._.value", "span._.attrs", "span._.fields", "span._.rule"],
)
def make_arabic_rules(nlp: Language, name: str, spans_key: str, labels: Optional[List[str]],
                      patterns: Optional[List[str]], include_default: bool, ref_date: Optional[str],
                      prefer: Optional[str], annotate_ents: bool, alignment_mode: str,
                      backend: Optional[str], timeout: Optional[float]) -> ArabicRules:
    """The factory behind ``nlp.add_pipe("arabic_rules", config={...})`` (options: docs/spacy.md)."""
    return ArabicRules(nlp, name, spans_key=spans_key, labels=labels, patterns=patterns,
                       include_default=include_default, ref_date=ref_date, prefer=prefer,
                       annotate_ents=annotate_ents, alignment_mode=alignment_mode, backend=backend,
                       timeout=timeout)
