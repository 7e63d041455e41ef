"""Documents and big texts in settled chunks: the matches of each chunk are those of the whole
text there.

`arules check` reads a file in blocks; a block is only extracted up to a line break (in a text
without line breaks: a sentence end) that no candidate match crosses (settled), with the lines
before it as left context, and the finishers' context (the last speaker) is handed from chunk
to chunk, in one process or several. A document is the unit of that context: nothing carries
from one document into the next.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .chunks import Block, in_chunk, settled_chunks
from .errors import ExtractionTimeout
from .normalize import normalize


def stream_matches(engine, blocks, ref_date=None, labels=None, margin: int | None = None, jobs: int = 1):
    """``(block, matches)`` pairs for a text read in blocks, the same matches as extracting the
    whole text at once (offsets relative to the block yielded, which may differ from the blocks
    read). ``jobs`` as for `extract_chunks`."""
    for chunk, found in extract_chunks(engine, chunks_of(engine, blocks, margin=margin), ref_date, labels, jobs):
        yield chunk.block, found


@dataclass(frozen=True)
class Chunk:
    """A piece of an input to extract: the matches of ``text`` that start in ``[lead, cut)`` (to
    the end if cut is None) are those of ``block`` (see `settled_chunks`). ``tag`` is the
    caller's (passed back with the matches); a chunk whose ``text`` is None only passes through.
    ``ref_date`` is its document's own reference date (None: the run's)."""

    tag: Any
    block: Block | None
    text: str | None = None
    lead: int = 0
    cut: int | None = None
    ref_date: Any = None


def chunks_of(engine, blocks, tag=None, ref_date=None, margin: int | None = None):
    """The `Chunk`s of one document read in ``blocks`` (see `settled_chunks`)."""
    for block, text, lead, cut in settled_chunks(engine, blocks, margin):
        yield Chunk(tag, block, text, lead, cut, ref_date)


def extract_chunks(engine, chunks, ref_date=None, labels=None, jobs: int = 1, prefer: str | None = None,
                   setup=None):
    """``(chunk, matches)`` for each `Chunk`, in order: matches is None for a chunk without
    text, the `ExtractionTimeout` of a text that ran out of the engine's time, else the matches
    of the chunk with the finishers' pass done, the chunks of one document in a row (its first
    chunk starts at offset 0: nothing carries over from the document before). With ``jobs`` > 1
    the texts are extracted by that many processes: one pool for the whole run; there ``chunks``
    may also hold `checkjobs.Batch`es of whole documents, each yielded with its `Tally` (rendered
    with ``setup``, the run's `checkjobs.Setup`). ``prefer`` as for `Engine.extract`."""
    context: dict = {}  # what finishers carry from one chunk of a document to the next

    def finish(chunk, norm, found):
        nonlocal context
        if isinstance(found, Exception):
            return found
        block = chunk.block
        if block.offset + block.lead == 0:  # the first chunk of a document
            context = {}
        context["offset"] = block.offset
        return engine.finish(found, norm, chunk.ref_date or ref_date, context)

    if jobs <= 1:
        for chunk in chunks:
            if chunk.text is None:
                yield chunk, None
                continue
            norm = normalize(chunk.text)
            try:
                found = engine.unfinished(norm, chunk.ref_date or ref_date, labels, prefer=prefer)
            except ExtractionTimeout as e:
                yield chunk, e
                continue
            yield chunk, finish(chunk, norm, in_chunk(found, chunk.lead, chunk.cut))
        return
    from .workers import extract_in_order, unpacked

    order: deque = deque()
    passed: deque = deque()

    def jobs_in_order():
        for chunk in chunks:
            order.append(chunk)
            if not isinstance(chunk, Chunk):  # a batch of whole documents
                yield chunk
            elif chunk.text is not None:
                yield chunk.text, chunk.lead, chunk.cut, chunk.ref_date or ref_date, labels, prefer

    def passes(item) -> bool:  # an item without a job: it only passes through
        return isinstance(item, Chunk) and item.text is None

    for found in extract_in_order(engine, jobs_in_order(), jobs, setup):
        passed.append(found)
        while order and (passes(order[0]) or passed):  # items before this result, then the result
            chunk = order.popleft()
            if passes(chunk):
                yield chunk, None
                continue
            found = passed.popleft()
            if not isinstance(chunk, Chunk):
                yield chunk, found
                continue
            if not isinstance(found, Exception):
                found = unpacked(chunk.text, found)
            yield chunk, finish(chunk, _Later(chunk.text), found)
    while order:  # pass-through items after the last text
        yield order.popleft(), None


class _Later:
    """A text's `Normalized` for the finishers, normalized only when one asks for more than the
    original text (the workers normalized it already; the shipped finisher needs the original)."""

    def __init__(self, text: str):
        self.original = text

    def __getattr__(self, name: str):
        return getattr(self._norm, name)

    @cached_property
    def _norm(self):
        return normalize(self.original)


