"""Documents and big texts in settled chunks: the matches of each chunk are those of the whole
text there.

`arules check` reads a file in blocks; a block is only extracted up to a line break (in a text
without line breaks: a sentence end) that no candidate match crosses (settled), with the lines
before it as left context, and the finishers' context (the last speaker) is handed from chunk
to chunk, in one process or several. A document is the unit of that context: nothing carries
from one document into the next.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .errors import ExtractionTimeout, InputError
from .inputs import BLOCK, Block, cut_point
from .normalize import normalize
from .structure import REACH

def stream_matches(engine, blocks, ref_date=None, labels=None, margin: int | None = None, jobs: int = 1):
    """``(block, matches)`` pairs for a text read in blocks, the same matches as extracting the
    whole text at once (offsets relative to the block yielded, which may differ from the blocks
    read). ``jobs`` as for `extract_chunks`."""
    for chunk, found in extract_chunks(engine, chunks_of(engine, blocks, margin=margin), ref_date, labels, jobs):
        yield chunk.block, found


def text_blocks(text: str, block: int = BLOCK):
    """The `Block`s of a text in memory, cut as files are (`inputs.cut_point`)."""
    offset, line, n = 0, 1, len(text)
    while offset < n:
        rest = n - offset
        cut = rest if rest < 2 * block else cut_point(text[offset:offset + 2 * block], block)
        piece = text[offset:offset + cut]
        yield Block(piece, offset, line)
        offset += cut
        line += piece.count("\n")


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


def extract_chunks(engine, chunks, ref_date=None, labels=None, jobs: int = 1, prefer: str | None = None):
    """``(chunk, matches)`` for each `Chunk`, in order: matches is None for a chunk without
    text, the `ExtractionTimeout` of a text that ran out of the engine's time, else the matches
    of the chunk with the finishers' pass done, the chunks of one document in a row (its first
    chunk starts at offset 0: nothing carries over from the document before). With ``jobs`` > 1
    the texts are extracted by that many processes: one pool for the whole run. ``prefer`` as
    for `Engine.extract`."""
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
            if chunk.text is not None:
                yield chunk.text, chunk.lead, chunk.cut, chunk.ref_date or ref_date, labels, prefer

    for found in extract_in_order(engine, jobs_in_order(), jobs):
        passed.append(found)
        while order and (order[0].text is None or passed):  # items before this result, then the result
            chunk = order.popleft()
            if chunk.text is None:
                yield chunk, None
                continue
            found = passed.popleft()
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


def in_chunk(found: list, lead: int, cut: int | None) -> list:
    """The matches that start in ``[lead, cut)`` (to the end if cut is None): those of a chunk."""
    return [m for m in found if lead <= m.start and (cut is None or m.start < cut)]


def settled_chunks(engine, blocks, margin: int | None = None):
    """``(block, text, lead, cut)``: the matches of ``text`` that start in ``[lead, cut)`` (to
    the end if cut is None) are those of the whole input there; ``block`` is ``text[:cut]``, of
    which the first ``lead`` characters are left context (``block.lead``). A skipped block
    (`inputs.blocks`) comes through with text None.

    Blocks end at line breaks, but a match may span line breaks (and blank lines), so a block is
    not extracted on its own: the text is only settled up to a line break (in a text without
    one: a sentence end) that no candidate match crosses and that lies ``margin`` characters
    (two match windows) away from both the unsettled start and the end of what was read; the
    rest is carried into the next round. Overlaps never chain across such a break, so the
    settled part resolves as it would in the whole text. A text with no such break in 8 blocks
    is cut at its last line break, sentence end or whitespace anyway, to bound memory (there,
    and at a sentence end, the findings may differ from those of the whole text).
    Each text starts with the lines before it (`_context_before`): builders read them (an open
    quotation there makes a cue part of someone's words)."""
    if margin is None:
        margin = 2 * max((r.max_span for r in engine.rules), default=0) or 1
    carry: Block | None = None
    before = ""  # the settled text just before `carry`, up to LEFT_CONTEXT characters
    failed = None
    for block in _until_error(blocks):
        if isinstance(block, Exception):  # the input fails here: what was read before is settled
            failed = block
            break
        if block.skipped:  # a run without whitespace: what came before ends there, then it passes
            if carry is not None and carry.text:
                lead = _context_before(before)
                yield (Block(lead + carry.text, carry.offset - len(lead), carry.line - lead.count("\n"), len(lead)),
                       lead + carry.text, len(lead), None)
            yield block, None, 0, None
            carry, before = None, ""
            continue
        text = block.text if carry is None else carry.text + block.text
        cur = Block(text, block.offset if carry is None else carry.offset, block.line if carry is None else carry.line)
        cut = _settled_until(engine, text, margin)
        if cut is None and len(text) > 8 * max(len(block.text), margin):
            cut = next((c for kind in _BREAKS if (c := _last_break(text, 0, len(text) - 1, kind))), None)
        if cut is None:
            carry = cur
            continue
        lead = _context_before(before)
        yield Block(lead + text[:cut], cur.offset - len(lead), cur.line - lead.count("\n"), len(lead)), \
            lead + text, len(lead), len(lead) + cut
        before = (before + text[:cut])[-LEFT_CONTEXT:]
        carry = Block(text[cut:], cur.offset + cut, cur.line + text.count("\n", 0, cut))
    if carry is not None and carry.text:
        lead = _context_before(before)
        yield (Block(lead + carry.text, carry.offset - len(lead), carry.line - lead.count("\n"), len(lead)),
               lead + carry.text, len(lead), None)
    if failed is not None:
        raise failed


def _until_error(blocks):
    """The blocks, then the `InputError` that stopped them, if one did (as the last item)."""
    try:
        yield from blocks
    except InputError as e:
        yield e


LEFT_CONTEXT = 8 << 10  # at most this many characters before a chunk are read as its left context


def _context_before(before: str) -> str:
    """The left context a chunk is extracted with: the end of ``before`` from a line start at
    least a quotation's reach back (a quotation open there is seen), at most LEFT_CONTEXT
    characters, starting after whitespace."""
    start = before.rfind("\n", 0, max(0, len(before) - REACH)) + 1
    if len(before) - start > LEFT_CONTEXT:
        m = _ANY_BREAK.search(before, len(before) - LEFT_CONTEXT)
        start = m.end() if m else len(before)
    return before[start:]


# Where a chunk may end: after a line break; in a text without line breaks in reach, after a
# sentence end; when nothing else is found for long, after any whitespace.
_LINE_BREAK = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?\u061f]\s")
_ANY_BREAK = re.compile(r"\s")
_BREAKS = (_LINE_BREAK, _SENTENCE_END, _ANY_BREAK)


def _last_break(text: str, lo: int, hi: int, kind: re.Pattern) -> int:
    """The position just after the last break of ``kind`` ending in ``[lo, hi]``, or 0."""
    last = 0
    for m in kind.finditer(text, lo, hi):
        last = m.end()
    return last


def _settled_until(engine, text: str, margin: int) -> int | None:
    """The last break (a line break, else a sentence end) at least ``margin`` from both ends of
    ``text`` that no candidate crosses (candidates are looked for in the last few margins only;
    unbuilt, so a candidate a builder would reject still counts: a cut only moves earlier), or
    None."""
    hi = len(text) - margin
    if hi < margin:
        return None
    lo_search = max(margin, hi - 2 * margin)
    # candidates that can cross a break after lo_search start after lo_search - margin / 2
    tail_start = (_last_break(text, max(0, lo_search - 2 * margin), lo_search - margin, _ANY_BREAK)
                  or max(0, lo_search - margin))
    tail = normalize(text[tail_start:])
    spans = [(tail.orig(c.start) + tail_start, tail.end(c.end) + tail_start)
             for c in engine.candidates(tail, build=False)]
    for kind in _BREAKS[:2]:
        cuts = [m.end() for m in kind.finditer(text, lo_search, hi)]
        for cut in reversed(cuts):
            if not any(s < cut < e for s, e in spans):
                return cut
    return None
