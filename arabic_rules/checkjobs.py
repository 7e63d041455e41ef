"""`arules check --jobs N`: whole documents in batches, each read, extracted and rendered by a
worker, so that the parent only reads the input's lines and writes what comes back.

A `Batch` is about `BATCH_CHARS` of consecutive documents of one file: the raw lines of JSON
Lines records (a worker decodes them) or documents already read (other formats). The worker
runs them through the same steps as a run of one process (`stream.extract_chunks`, then
`tally.Tally`) and hands back its `Tally`: the output text, the messages and the counts, a few
strings however many findings. A file read as one streamed document is not batched: its chunks
carry the finishers' context from one to the next, so they go through `stream.extract_chunks`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .corpus import Fields, jsonl_record
from .documents import BadRecord, Document
from .errors import InputError
from .tally import Style, Tally

# characters of text per batch: enough that the per-job cost (a round trip to a worker, its
# output string) is small against the extraction, little enough that a few batches in flight per
# worker bound the memory (each is held as its lines, then as its output)
BATCH_CHARS = 512 << 10


@dataclass(frozen=True)
class Setup:
    """What every batch of a run is extracted and rendered with."""

    style: Style
    fields: Fields
    ref_date: date | None
    labels: frozenset[str] | None
    prefer: str | None


@dataclass(frozen=True)
class Batch:
    """Consecutive documents of the file ``path``: `Document` and `BadRecord` values, or raw
    JSON Lines records as ``(number, line, problem)`` (`corpus.jsonl_lines`)."""

    path: str
    items: tuple[Any, ...]


def batches(path: str, items, size: int | None = None):
    """``items`` (documents, bad records, raw lines) of one file in `Batch`es of about ``size``
    characters (default `BATCH_CHARS`)."""
    size = size or BATCH_CHARS
    batch: list = []
    chars = 0
    try:
        for item in items:
            batch.append(item)
            chars += len(item.text) if isinstance(item, Document) else len(item[1]) if isinstance(item, tuple) else 0
            if chars >= size:
                yield Batch(path, tuple(batch))
                batch, chars = [], 0
    except InputError:  # the file stops here: what was read before is checked, then the error passes
        if batch:
            yield Batch(path, tuple(batch))
        raise
    if batch:
        yield Batch(path, tuple(batch))


def run_batch(engine, setup: Setup, batch: Batch) -> Tally:
    """The `Tally` of one batch: what a run of one process writes and counts for its documents."""
    from .chunks import text_blocks
    from .stream import Chunk, chunks_of, extract_chunks

    tally = Tally(setup.style)
    for item in batch.items:
        doc = jsonl_record(batch.path, setup.fields, *item) if isinstance(item, tuple) else item
        if isinstance(doc, BadRecord):
            tally.add(Chunk((batch.path, doc), None), None)
            continue
        tally.stats.add_document()
        chunks = chunks_of(engine, text_blocks(doc.text), tag=(batch.path, doc), ref_date=doc.ref_date)
        for chunk, found in extract_chunks(engine, chunks, setup.ref_date, setup.labels, 1, setup.prefer):
            tally.add(chunk, found)
    return tally
