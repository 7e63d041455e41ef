"""Long texts in settled chunks: the matches of each chunk are those of the whole text there.

A text is read in blocks (of a file, or of a string in memory); a block is only extracted up to
a line break (in a text without line breaks: a sentence end) that no candidate match crosses
(settled), with the lines before it as left context, so that memory and the work per chunk stay
bounded however long the text. `stream` runs chunks of files and corpora (in worker processes
too); `Engine.extract` runs the chunks of a long string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError
from .normalize import normalize
from .structure import REACH

# characters per block: what one chunk holds at a time (its text, the core's prepared copy and
# per-text tables, candidates and matches, about 80 bytes a character at its peak); a quarter of
# a million keeps a streaming run near the engine's own size (1 << 20 cost 100 MB more on news)
BLOCK = 1 << 18


@dataclass(frozen=True)
class Block:
    """A piece of an input that ends at a paragraph (or line) break."""

    text: str
    offset: int  # character offset of the block in the whole input
    line: int  # 1-based line number of its first line
    lead: int = 0  # characters at the start that belong to the block before (left context only)
    skipped: int = 0  # for a block without text: characters skipped here (a run without whitespace)


def cut_point(text: str, block: int) -> int:
    """Where to end a block: after the last blank line in the block's last quarter, else after
    the last line break, else (a line of two blocks or more) at the last space of the first
    block, else nowhere yet (the block grows)."""
    cut = text.rfind("\n\n", block * 3 // 4, block + block // 2)
    if cut >= 0:
        return cut + 2
    cut = text.rfind("\n", 0, block * 2)
    if cut >= 0:
        return cut + 1
    if len(text) >= block * 2:  # a line longer than two blocks: cut at whitespace to bound memory
        space = max(text.rfind(" ", 0, block), text.rfind("\t", 0, block))
        if space <= 0:
            space = text.rfind(" ", 0, block * 2)
        return space + 1 if space > 0 else block * 2
    return 0


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
