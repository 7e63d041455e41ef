"""Extraction in worker processes (`arules check --jobs N`, `Engine.extract_many(jobs=N)`),
results in input order.

On Linux the workers are forked from the parent once its engine is built, the native core
compiled or loaded included: they share it (copy on write) and start at once. Elsewhere each
gets the compiled pack, pickled once, and builds its own. A job is a text to extract or a
`checkjobs.Batch` of whole documents to extract and render; at most `IN_FLIGHT` jobs per worker
are in flight, so memory stays bounded however long the input is. Workers ignore Ctrl-C: the
parent alone stops the pool, so an interrupted run prints one line, not a traceback per worker.
A worker that dies (killed, out of memory) stops the run with an error that says so: its jobs are
never silently lost.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
import sys
from collections import deque
from typing import Iterable, Iterator

from .errors import ArabicRulesError

_ENGINE = None
_SETUP = None  # the `checkjobs.Setup` of the run, for its batches
BATCH_CHARS = 256 << 10  # documents are sent to workers in batches of about this many characters
# jobs in flight per process: enough that a worker never waits for the parent between small
# jobs (a short text is a job of its own), few enough to bound memory (each at most a block)
IN_FLIGHT = 16
POLL = 0.5  # seconds between checks that the workers are alive while the parent waits


def _init(pack, timeout: float | None, backend: str | None = None, setup=None) -> None:
    """A spawned worker's start: its own engine for the pack."""
    global _ENGINE, _SETUP
    from .engine import Engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ENGINE = Engine(pack, timeout=timeout, backend=backend)
    _SETUP = setup


def _init_forked() -> None:
    """A forked worker's start: the engine and setup are the parent's, inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(job):
    """One job: a `checkjobs.Batch` (its `Tally`), else a text (`_extract_chunk`)."""
    if isinstance(job, tuple):
        return _extract_chunk(job)
    from .checkjobs import run_batch

    return run_batch(_ENGINE, _SETUP, job)


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


def _in_order(fn, jobs: Iterable, engine, n: int, setup=None) -> Iterator:
    """``fn(job)`` for each of ``jobs``, computed by ``n`` processes, yielded in order."""
    global _ENGINE, _SETUP
    forked = sys.platform.startswith("linux")
    before = set(mp.active_children())
    if forked:  # the workers inherit these (set before the fork, forgotten in the parent after it)
        _ENGINE, _SETUP = engine, setup
        try:
            pool = mp.get_context("fork").Pool(n, initializer=_init_forked)
        finally:
            _ENGINE = _SETUP = None
    else:
        pool = mp.get_context("spawn").Pool(n, initializer=_init,
                                            initargs=(engine.pack, engine.timeout, engine.backend, setup))
    workers = [p for p in mp.active_children() if p not in before]  # to notice one that dies
    try:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(fn, (job,)))
            if len(pending) >= IN_FLIGHT * n:
                yield _result(pending.popleft(), workers)
        while pending:
            yield _result(pending.popleft(), workers)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _result(pending, workers: list):
    """The result of ``pending``, waited for; an error if a worker died meanwhile (the pool
    would start another, but the job it held would never come back)."""
    while not pending.ready():
        pending.wait(POLL)
        dead = [p for p in workers if p.exitcode is not None]
        if dead and not pending.ready():
            code = dead[0].exitcode
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
            raise ArabicRulesError(f"a worker process {how} (out of memory?); the run is incomplete, "
                                   f"try again with fewer --jobs")
    return pending.get()


def extract_in_order(engine, jobs: Iterable, n: int, setup=None) -> Iterator:
    """For each ``(text, lead, cut, ref_date, labels, prefer)`` of ``jobs``, the matches of ``text`` that
    start in ``[lead, cut)`` (`chunks.in_chunk`) before the finishers' pass (`Engine.unfinished`:
    the caller runs the finishers in order), as `packed` rows, or the `ExtractionTimeout` of a
    text that ran out of time; for a `checkjobs.Batch` among them, its `Tally` (with ``setup``,
    the run's `checkjobs.Setup`); computed by ``n`` processes, in order."""
    return _in_order(_work, jobs, engine, n, setup)


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
