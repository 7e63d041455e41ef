"""Extraction in worker processes (`arules check --jobs N`, `Engine.extract_many(jobs=N)`),
results in input order.

Each worker gets the compiled pack once, when it starts (inherited on Linux, pickled once
elsewhere), and extracts the texts sent to it; at most two jobs per worker are in flight, so
memory stays bounded however long the input is. Workers ignore Ctrl-C: the parent alone stops
the pool, so an interrupted run prints one line, not a traceback per worker.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
import sys
from collections import deque
from typing import Iterable, Iterator

_ENGINE = None
BATCH_CHARS = 256 << 10  # documents are sent to workers in batches of about this many characters
# jobs in flight per process: enough that a worker never waits for the parent between small
# jobs (a short document is a job of its own), few enough to bound memory (each at most a block)
IN_FLIGHT = 16


def _init(pack, timeout: float | None, backend: str = "regex") -> None:
    global _ENGINE
    from .engine import Engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ENGINE = Engine(pack, timeout=timeout, backend=backend)


def _extract_chunk(job: tuple) -> list | Exception:
    from .errors import ExtractionTimeout
    from .normalize import normalize
    from .chunks import in_chunk

    text, lead, cut, ref_date, labels, prefer = job
    try:
        found = _ENGINE.unfinished(normalize(text), ref_date, labels, prefer=prefer)
    except ExtractionTimeout as e:  # handed back in its place: the other texts go on
        return e
    return packed(in_chunk(found, lead, cut))


def _extract_batch(batch: list[tuple]) -> list:
    """Whole documents, finishers included (nothing carries from one document to the next)."""
    from .errors import ExtractionTimeout

    out = []
    for text, ref_date, labels, prefer in batch:
        try:
            out.append(packed(_ENGINE.extract(text, ref_date, labels, prefer=prefer)))
        except ExtractionTimeout as e:
            out.append(e)
    return out


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


def _in_order(fn, jobs: Iterable, engine, n: int) -> Iterator:
    """``fn(job)`` for each of ``jobs``, computed by ``n`` processes, yielded in order."""
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ctx.Pool(n, initializer=_init, initargs=(engine.pack, engine.timeout, engine.backend))
    try:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(fn, (job,)))
            if len(pending) >= IN_FLIGHT * n:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def extract_in_order(engine, jobs: Iterable[tuple], n: int) -> Iterator[list | Exception]:
    """For each ``(text, lead, cut, ref_date, labels, prefer)`` of ``jobs``, the matches of ``text`` that
    start in ``[lead, cut)`` (`chunks.in_chunk`) before the finishers' pass (`Engine.unfinished`:
    the caller runs the finishers in order), as `packed` rows, or the `ExtractionTimeout` of a
    text that ran out of time, computed by ``n`` processes, in order."""
    return _in_order(_extract_chunk, jobs, engine, n)


def extract_documents(engine, documents: Iterable, ref_date, labels, n: int, prefer=None) -> Iterator[tuple]:
    """``(id, matches)`` for each `Document`, as `Engine.extract_many` gives them, by ``n``
    processes (an `ExtractionTimeout` is raised for the document that ran out of time)."""
    sent: deque = deque()

    def batches():
        batch, size = [], 0
        for doc in documents:
            sent.append(doc)
            batch.append((doc.text, doc.ref_date or ref_date, labels, prefer))
            size += len(doc.text)
            if size >= BATCH_CHARS:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    for results in _in_order(_extract_batch, batches(), engine, n):
        for rows in results:
            doc = sent.popleft()
            if isinstance(rows, Exception):
                raise rows
            yield doc.id, unpacked(doc.text, rows)
