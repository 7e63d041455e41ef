"""Regexes that pickle as compiled code, so a cached rule pack loads without recompiling.

`re` parses and compiles patterns in Python: the shipped packs' prefilter (a trie of every
literal anchor) takes a good part of a second to compile, against milliseconds to rebuild it
from its compiled code with ``_sre.compile``. A compiled pack holds the code of the regexes the
Python planner runs (the prefilter, the raw scans: the python back end, and work counting),
each assembled when first asked for; an engine on a cached pack keeps that code in the on-disk
cache (`cache.load_code`, keyed by source and Python build). If stored code cannot be rebuilt
here the source is compiled again, so a cache only ever saves time.
"""
from __future__ import annotations

import re
from array import array
from typing import Any, Iterator, Mapping, Sequence

import _sre  # type: ignore[import-not-found]
from re import _compiler, _parser  # type: ignore[attr-defined]

from . import cache


def assemble(source: str) -> tuple:
    """The arguments ``_sre.compile`` builds ``re.compile(source)`` from (what `re` computes)."""
    parsed = _parser.parse(source, 0)
    code = _compiler._code(parsed, 0)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (source, parsed.state.flags, array("I", code), parsed.state.groups - 1, groupindex, tuple(indexgroup))


def assemble_all(sources) -> "Assembled":
    """The code of ``sources``, each assembled when first asked for (see `Assembled`)."""
    return Assembled(sources)


class Assembled(Mapping):
    """Regex source -> its code (`assemble`), assembled on first use and then kept: the native
    back end runs none of these regexes, and assembling the prefilter was a fifth of a cold
    compile. Pickled with the code assembled so far (the rest is assembled after loading, when
    first asked for: an engine keeps that code in the on-disk cache, `load` with ``persist``)."""

    def __init__(self, sources, done: dict[str, tuple] | None = None) -> None:
        self._sources = tuple(dict.fromkeys(sources))
        self._known = frozenset(self._sources)
        self._done: dict[str, tuple] = dict(done or {})

    def __getitem__(self, source: str) -> tuple:
        got = self._done.get(source)
        if got is None:
            if source not in self._known:
                raise KeyError(source)
            got = self._done[source] = assemble(source)
        return got

    def __contains__(self, source: object) -> bool:
        return source in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def assembled(self) -> frozenset[str]:
        """The sources whose code is made already (for tests)."""
        return frozenset(self._done)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Assembled, (self._sources, self._done))


def load(programs: Mapping[str, tuple], source: str, persist: bool = False) -> re.Pattern:
    """``re.compile(source)``, from its stored code when ``programs`` has it; with ``persist``,
    else from the on-disk cache, where code compiled here is then kept."""
    if persist and isinstance(programs, Assembled) and source not in programs.assembled():
        args = None  # (the on-disk cache may hold its code: read, not assembled, below)
    else:
        args = programs.get(source)
    if args is None and persist:
        args = cache.load_code(source)
        if args is None:
            try:
                args = assemble(source)
            except re.error:  # (re.compile below reports it as always)
                args = None
            else:
                cache.store_code(source, args)
    if args is not None:
        src, flags, code, groups, groupindex, indexgroup = args
        try:
            return _sre.compile(src, flags, code.tolist(), groups, groupindex, indexgroup)
        except (TypeError, ValueError, RuntimeError):  # code of another `re`: compile anew
            pass
    return re.compile(source)


class Lazy:
    """``re`` patterns for ``sources`` (the raw scans), each rebuilt on first use: a short text
    needs only the scans its rules' options name."""

    def __init__(self, programs: Mapping[str, tuple], sources: Sequence[str], persist: bool = False):
        self._programs, self._sources, self._persist = programs, sources, persist
        self._compiled: list[re.Pattern | None] = [None] * len(sources)

    def __getitem__(self, i: int) -> re.Pattern:
        rx = self._compiled[i]
        if rx is None:
            rx = self._compiled[i] = load(self._programs, self._sources[i], self._persist)
        return rx
