"""Value builders: named Python functions that turn a match and its fields into a value.

Rules name a builder in YAML (``value: date(day=day, month=month)``); YAML never runs code. A
builder receives a `BuildContext` and the call's arguments, where an argument naming a field is
passed as that field's `FieldView` (or None when the field did not match), and returns the value,
or a `Built` carrying the value and extra attrs. Register one with ``@builder("name")``.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import inspect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence, TypeVar

from .lazy import once
from .structure import TextStructure

_BUILDERS: dict[str, Callable[..., Any]] = {}
NO_ROLES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class FieldView:
    """A field as a builder sees it: its normalized text and, for lexicon entries, their value."""

    name: str
    text: str  # normalized: what the rule matched
    value: Any = None
    original: str = ""  # the same span in the original text, as the user wrote it


@dataclass(frozen=True)
class BuildContext:
    """What a builder may read: the match, its fields, the reference date and the lexicons."""

    rule: str
    label: str
    text: str  # normalized text of the whole match
    fields: Mapping[str, FieldView]
    ref_date: _dt.date | None
    lexicons: Mapping[str, Mapping[str, Any]]  # lexicon -> normalized form -> value
    document: str = ""  # the whole normalized text, for context checks (a headline starts a line)
    start: int = 0  # where the match starts in ``document``
    structure: TextStructure | None = None  # the document's quotations (made from it if None)
    prefer: str | None = None  # past, future, nearest: how a weekday or a yearless date resolves (None: news)
    roles: Mapping[str, str] = field(default_factory=dict)  # lexicon -> its declared role (`roles`), for the lexicons that have one

    def with_role(self, role: str) -> list[Mapping[str, Any]]:
        """The value tables of the lexicons whose declared role is ``role``."""
        return lexicons_with_role(self.lexicons, self.roles, role)

    def quoted(self, pos: int | None = None) -> bool:
        """Whether ``pos`` of the document (default: the match's start) lies inside a quotation."""
        structure = self.structure if self.structure is not None else TextStructure(self.document)
        return structure.quotations.contains(self.start if pos is None else pos)

    def starts_line(self) -> bool:
        """Whether only spaces or tabs separate the match from the start of its line."""
        i = self.start
        while i and self.document[i - 1] in " \t":
            i -= 1
        return i == 0 or self.document[i - 1] == "\n"

    @once
    def before(self) -> str:
        """Normalized text just before the match (up to BEFORE_CHARS): its left context."""
        return self.document[max(0, self.start - BEFORE_CHARS):self.start]

    def word_before(self) -> str | None:
        """The word right before the match when only whitespace separates them, else None."""
        d = self.__dict__  # (several checks of one builder ask: found once, kept in the instance)
        if "_word_before" in d:
            return d["_word_before"]  # type: ignore[no-any-return]
        found = d["_word_before"] = word_before_in(self.before)
        return found


def word_before_in(before: str) -> str | None:
    """The word at the end of ``before`` when whitespace follows it there, else None."""
    stripped = before.rstrip()  # str.isspace is re's \s, and isalnum or "_" its \w
    if not stripped or len(stripped) == len(before):
        return None
    last = stripped.rsplit(None, 1)[-1]  # (most often a whole word: checked in one call)
    if last.isalnum():
        return last
    i = len(stripped)
    while i and (stripped[i - 1].isalnum() or stripped[i - 1] == "_"):
        i -= 1
    return stripped[i:] if i < len(stripped) < len(before) else None


def last_two_words(before: str) -> tuple[str, str] | None:
    """The last two words of ``before``, each followed by whitespace (the groups of a search for
    ``(\\w+)\\s+(\\w+)\\s+$``), read backwards from the end: the regex tried every start of the text."""
    j = len(before)
    spans = []
    for _ in range(2):
        i = j
        while i and before[i - 1].isspace():  # (str.isspace is re's \s, isalnum or "_" its \w)
            i -= 1
        if i == j:
            return None
        j = i
        while j and (before[j - 1].isalnum() or before[j - 1] == "_"):
            j -= 1
        if j == i:
            return None
        spans.append(before[j:i])
    return spans[1], spans[0]


BEFORE_CHARS = 80  # how much left context `before` gives (a clause, for tense or a preposition)


_DERIVED: dict[int, tuple[Mapping[str, Any], dict[Any, Any]]] = {}
_DERIVED_LIMIT = 100_000  # entries per pack (word readings): past it the dict starts over


def derived(lexicons: Mapping[str, Mapping[str, Any]]) -> dict[Any, Any]:
    """A dict kept beside one pack's lexicons for what builders work out from them (sets of
    forms, word readings): the builders ask the same of them for every match. Keys name their
    module (``("calendars: forms", ...)``) so that builders never share an entry by chance."""
    cached = _DERIVED.get(id(lexicons))
    if cached is not None and cached[0] is lexicons:
        if len(cached[1]) > _DERIVED_LIMIT:
            cached[1].clear()
        return cached[1]
    out: dict[Any, Any] = {}
    _DERIVED[id(lexicons)] = (lexicons, out)
    return out


@dataclass(frozen=True, init=False)
class Built:
    """A builder's result with attrs (``kind``, ``resolved``, ...) to put on the match."""

    value: Any
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, value: Any, attrs: Mapping[str, Any] | None = None):
        # (a builder makes one per match: two stores into __dict__ cost half of a frozen __init__)
        d = self.__dict__
        d["value"] = value
        d["attrs"] = {} if attrs is None else attrs


_F = TypeVar("_F", bound=Callable[..., Any])  # a builder or finisher, kept as it is by registering


def _registrar(table: dict[str, Callable[..., Any]], name: str) -> Callable[[_F], _F]:
    def register(fn: _F) -> _F:
        table[name] = fn
        return fn

    return register


def builder(name: str) -> Callable[[_F], _F]:
    """Register ``fn`` as the value builder called ``name`` in rule files."""
    return _registrar(_BUILDERS, name)


_ROLES: dict[str, str] = {}


def role(name: str, doc: str) -> None:
    """Declare lexicon role ``name``: rule files may give it to a lexicon (``role: name``), and a
    builder finds those lexicons with `BuildContext.with_role` (``doc`` says what it means)."""
    _ROLES[name] = doc


def roles() -> dict[str, str]:
    """The declared lexicon roles, name -> what they mean, by name."""
    return dict(sorted(_ROLES.items()))


def lexicons_with_role(lexicons: Mapping[str, Mapping[str, Any]], roles: Mapping[str, str],
                       role: str) -> list[Mapping[str, Any]]:
    """The value tables of ``lexicons`` whose role in ``roles`` is ``role``, in name order."""
    return [lexicons[n] for n in sorted(roles) if roles[n] == role and n in lexicons]


def get_builder(name: str) -> Callable[..., Any] | None:
    return _BUILDERS.get(name)


def builder_names() -> list[str]:
    return sorted(_BUILDERS)


def call_problem(name: str, args: Sequence[Any] = (), kwargs: Sequence[tuple[str, Any]] = ()) -> str:
    """Why calling the builder ``name`` with these arguments (after the context) would fail, or
    '' when the call fits its Python signature (or the builder is unknown: reported elsewhere).

    Rule files are checked with this when they load, so that a wrong call is a clean error there
    and never a TypeError in the middle of an extraction."""
    fn = _BUILDERS.get(name)
    if fn is None:
        return ""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # no signature to check against (some C callables)
        return ""
    params = list(sig.parameters.values())[1:]  # the first one receives the BuildContext
    stars: dict[object, str] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    takes = ", ".join(stars.get(p.kind, "") + p.name for p in params) or "no arguments"
    names = [k for k, _ in kwargs]
    twice = sorted({k for k in names if names.count(k) > 1})
    if twice:
        return f"{name}(): argument {twice[0]!r} is given twice"
    if not any(p.kind == p.VAR_KEYWORD for p in params):
        keywords = [p.name for p in params if p.kind != p.VAR_POSITIONAL]
        for k in names:
            if k not in keywords:
                close = difflib.get_close_matches(k, keywords, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                return f"{name}() has no parameter {k!r}; {hint}it takes: {takes}"
    try:
        sig.bind(None, *args, **dict(kwargs))
    except TypeError as e:
        return f"{name}(): {e}; it takes: {takes}"
    return ""


# --- generic builders ----------------------------------------------------------------------

@builder("text")
def _text(ctx: BuildContext, f: FieldView | None = None) -> Any:
    """The matched text (of a field, or of the whole match), normalized."""
    return f.text if f is not None else ctx.text


@builder("lexicon")
def _lexicon(ctx: BuildContext, f: FieldView | None = None) -> Any:
    """The lexicon value of a field (``month:@month`` -> 12)."""
    return None if f is None else f.value


_DIGITS = re.compile(r"[+-]?\d+(?:[.\u066b]\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[,\u066c\s](?=\d{3}(?!\d))")


@lru_cache(maxsize=4096)  # (news repeats its numbers; the answer is a number or None)
def parse_digits(text: str) -> int | float | None:
    """``"2,500"`` -> 2500, ``"3٫5"`` -> 3.5 (thousands separators , ٬ and spaces are dropped)."""
    compact = _THOUSANDS.sub("", text.strip())
    m = _DIGITS.fullmatch(compact)
    if not m:
        return None
    s = m.group().replace("\u066b", ".")
    return float(s) if "." in s else int(s)


class Reject(Exception):
    """Raised by a builder when the match is not a real instance (day 45, month 13): drop it."""


_FINISHERS: dict[str, Callable[..., Any]] = {}


def finisher(name: str) -> Callable[[_F], _F]:
    """Register a pass over the final matches of builder ``name``, in text order.

    Finishers see the whole text's matches at once, for what one match cannot know alone
    (an attribution that carries its speaker over from an earlier one). They are called as
    ``fn(matches, norm, ref_date, context)``: ``context`` is a dict that lives across the parts
    of a text extracted part by part (``context["offset"]``: where this part starts), for what
    carries over from one part to the next; keep offsets in it relative to the whole text.
    A finisher is called only for a text (or part) with matches of its builder.
    """
    return _registrar(_FINISHERS, name)


def get_finisher(name: str) -> Callable[..., Any] | None:
    return _FINISHERS.get(name)
