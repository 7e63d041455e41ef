"""Big inputs in settled chunks: the matches of each chunk are those of the whole text there.

`arules check` reads a file in blocks; a block is only extracted up to a line break that no
candidate match crosses (settled), with the paragraph before it as left context, and the
finishers' context (the last speaker) is handed from chunk to chunk, in one process or several.
"""
from __future__ import annotations

from collections import deque
from functools import cached_property

from .errors import ExtractionTimeout
from .inputs import Block
from .normalize import normalize


def stream_matches(engine, blocks, ref_date=None, labels=None, margin: int | None = None, jobs: int = 1,
                   patterns: tuple[list[str], bool] = ([], True)):
    """``(block, matches)`` pairs for a text read in blocks, the same matches as extracting the
    whole text at once (offsets relative to the block yielded, which may differ from the blocks
    read). ``jobs`` and ``patterns`` as for `extract_chunks`."""
    chunks = ((None, block, text, lead, cut) for block, text, lead, cut in settled_chunks(engine, blocks, margin))
    for _, block, found in extract_chunks(engine, chunks, ref_date, labels, jobs, patterns):
        yield block, found


def extract_chunks(engine, chunks, ref_date=None, labels=None, jobs: int = 1,
                   patterns: tuple[list[str], bool] = ([], True)):
    """``(tag, block, matches)`` for each ``(tag, block, text, lead, cut)`` of `settled_chunks` kind,
    in order; an item whose text is None passes through with matches None, and a text that
    runs out of the engine's time gives its `ExtractionTimeout` as its matches. With ``jobs`` > 1
    the texts are extracted by that many processes, which load the rule files ``patterns``
    (paths, whether to include the shipped packs): one pool for the whole run."""
    context: dict = {}  # what finishers carry from one chunk of an input to the next

    def finish(block, norm, found):
        nonlocal context
        if isinstance(found, Exception):
            return found
        if block.offset + block.lead == 0:  # the first chunk of an input
            context = {}
        context["offset"] = block.offset
        return engine.finish(found, norm, ref_date, context)

    if jobs <= 1:
        for tag, block, text, lead, cut in chunks:
            if text is None:
                yield tag, block, None
                continue
            norm = normalize(text)
            try:
                found = engine.unfinished(norm, ref_date, labels)
            except ExtractionTimeout as e:
                yield tag, block, e
                continue
            yield tag, block, finish(block, norm, in_chunk(found, lead, cut))
        return
    from .workers import extract_in_order, unpacked

    order: deque = deque()
    passed: deque = deque()

    def jobs_in_order():
        for tag, block, text, lead, cut in chunks:
            order.append((tag, block, text))
            if text is not None:
                yield text, lead, cut, ref_date, labels

    results = extract_in_order(jobs_in_order(), jobs, *patterns, engine.timeout)
    for found in results:
        passed.append(found)
        while order and (order[0][2] is None or passed):  # items before this result, then the result
            tag, block, text = order.popleft()
            if text is None:
                yield tag, block, None
                continue
            found = passed.popleft()
            if not isinstance(found, Exception):
                found = unpacked(text, found)
            yield tag, block, finish(block, _Later(text), found)
    while order:  # pass-through items after the last text
        tag, block, _ = order.popleft()
        yield tag, block, None


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
    which the first ``lead`` characters are left context (``block.lead``).

    Blocks end at line breaks, but a match may span line breaks (and blank lines), so a block is
    not extracted on its own: the text is only settled up to a line break that no candidate match
    crosses and that lies ``margin`` characters (two match windows) away from both the
    unsettled start and the end of what was read; the rest is carried into the next round. Overlaps never
    chain across such a break, so the settled part resolves as it would in the whole text. A text
    with no such break in 8 blocks is cut at its last line break anyway, to bound memory.
    Each text starts with the paragraph before it (up to LEFT_CONTEXT characters): builders
    read it (an open quotation there makes a cue part of someone's words)."""
    if margin is None:
        margin = 2 * max((r.max_span for r in engine.rules), default=0) or 1
    carry: Block | None = None
    before = ""  # the settled text just before `carry`, up to LEFT_CONTEXT characters
    for block in blocks:
        text = block.text if carry is None else carry.text + block.text
        cur = Block(text, block.offset if carry is None else carry.offset, block.line if carry is None else carry.line)
        cut = _settled_until(engine, text, margin)
        if cut is None and len(text) > 8 * max(len(block.text), margin):
            cut = text.rfind("\n", 0, len(text) - 1) + 1 or None
        if cut is None:
            carry = cur
            continue
        lead = _paragraph_before(before)
        yield Block(lead + text[:cut], cur.offset - len(lead), cur.line - lead.count("\n"), len(lead)), \
            lead + text, len(lead), len(lead) + cut
        before = (before + text[:cut])[-LEFT_CONTEXT:]
        carry = Block(text[cut:], cur.offset + cut, cur.line + text.count("\n", 0, cut))
    if carry is not None and carry.text:
        lead = _paragraph_before(before)
        yield (Block(lead + carry.text, carry.offset - len(lead), carry.line - lead.count("\n"), len(lead)),
               lead + carry.text, len(lead), None)


LEFT_CONTEXT = 64 << 10  # characters of the paragraph before a block that its extraction reads


def _paragraph_before(before: str) -> str:
    """The end of ``before`` from the start of its last paragraph (or of a line, if the
    paragraph is longer than ``before``)."""
    start = before.rfind("\n\n")
    if start >= 0:
        return before[start + 2:]
    if len(before) < LEFT_CONTEXT:
        return before
    return before[before.find("\n") + 1:]


def _settled_until(engine, text: str, margin: int) -> int | None:
    """The last line break at least ``margin`` from both ends of ``text`` that no candidate
    crosses (candidates are looked for in the last few margins only; unbuilt, so a candidate
    a builder would reject still counts: a cut only moves earlier), or None."""

    hi = len(text) - margin
    if hi < margin:
        return None
    lo_search = max(margin, hi - 2 * margin)
    tail_start = text.rfind("\n", 0, lo_search - margin) + 1  # candidates start after a line break here
    tail = normalize(text[tail_start:])
    spans = [(tail.orig(c.start) + tail_start, tail.end(c.end) + tail_start)
             for c in engine.candidates(tail, build=False)]
    p = hi
    while True:
        p = text.rfind("\n", lo_search, p)
        if p < 0:
            return None
        cut = p + 1
        if not any(s < cut < e for s, e in spans):
            return cut
