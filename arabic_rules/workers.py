"""Extraction in worker processes (`arules check --jobs N`), results in input order.

Each worker loads the same rule packs (from the pack cache: a tenth of a second) and extracts
whole texts sent to it; at most two texts per worker are in flight, so memory stays bounded
however long the input is.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
from collections import deque
from typing import Iterable, Iterator

_ENGINE = None


def _init(paths: list[str], include_default: bool, timeout: float | None) -> None:
    global _ENGINE
    from .engine import Engine

    _ENGINE = Engine.from_paths(paths, include_default=include_default, timeout=timeout)


def _extract(job: tuple) -> list | Exception:
    from .errors import ExtractionTimeout
    from .normalize import normalize
    from .stream import in_chunk

    text, lead, cut, ref_date, labels = job
    try:
        found = _ENGINE.unfinished(normalize(text), ref_date, labels)
    except ExtractionTimeout as e:  # handed back in its place: the other texts go on
        return e
    return packed(in_chunk(found, lead, cut))


def packed(matches: list) -> list[tuple]:
    """Matches as plain tuples without their texts, which the parent slices from the text it
    sent: half the bytes, and a third of the time to unpickle, of the `Match` objects."""
    return [(m.label, m.rule, m.start, m.end, m.value, m.attrs,
             tuple((k, f.start, f.end, f.value) for k, f in m.fields.items())) for m in matches]


def unpacked(text: str, rows: list[tuple]) -> list:
    """The `Match` objects of `packed` ``rows`` found in ``text``."""
    from .match import Match, Span

    return [Match(label, rule, s, e, text[s:e], value, attrs,
                  {k: Span(fs, fe, text[fs:fe], v) for k, fs, fe, v in fields})
            for label, rule, s, e, value, attrs, fields in rows]


def extract_in_order(jobs: Iterable[tuple], n: int, paths: list[str], include_default: bool,
                     timeout: float | None = None) -> Iterator[list | Exception]:
    """For each ``(text, lead, cut, ref_date, labels)`` of ``jobs``, the matches of ``text`` that
    start in ``[lead, cut)`` (`stream.in_chunk`) before the finishers' pass (`Engine.unfinished`:
    the caller runs the finishers in order), as `packed` rows, computed by ``n`` processes,
    yielded in order; a text
    that ran out of ``timeout`` gives its `ExtractionTimeout` instead."""
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ctx.Pool(n, initializer=_init, initargs=(list(paths), include_default, timeout))
    try:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(_extract, (job,)))
            if len(pending) >= 2 * n:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
