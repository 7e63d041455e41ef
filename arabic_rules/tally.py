"""What `arules check` makes of the findings of each chunk it extracted: located records, the
output text of the line formats, messages for stderr, and the run's counts.

The same code runs in the parent (`--jobs 1`, and the chunks of a file streamed as one
document) and in the workers (`--jobs N`, batches of whole documents: `checkjobs`), so the output
of a run is the same byte for byte whatever its number of processes. A `Tally` is the part of a
run one process saw; the parent writes a worker's tally as it comes and adds up its counts.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .documents import BadRecord
from .errors import ExtractionTimeout
from .stats import Stats

_NEWLINE = re.compile("\n")  # line starts of a block: found in C, not by a loop over characters

LINE_FORMATS = ("jsonl", "text")  # formats whose output a worker writes as text (text: without styles)


@dataclass(frozen=True)
class Style:
    """How findings are rendered: ``format`` is the --format of the run; ``lines`` whether
    records carry the text of their line (the text view shows it); ``as_text`` whether the tally
    keeps the output text itself (jsonl, and text without a terminal's styles) rather than the
    records for the caller to write; ``encoding`` the inputs', to count bytes of progress;
    ``full_stats`` whether findings are counted by label, rule, speaker and month (--stats), or
    only counted."""

    format: str
    as_text: bool
    encoding: str = "utf-8"
    full_stats: bool = True

    @property
    def lines(self) -> bool:
        return self.format == "text"


class Tally:
    """The output and the counts of a part of a run, in input order."""

    def __init__(self, style: Style):
        self.style = style
        self.text: list[str] = []  # output text (`Style.as_text`)
        self.records: list[tuple[dict, str | None]] = []  # (record, line text) otherwise
        self.messages: list[str] = []  # lines for stderr, without the line break
        self.stats = Stats()
        self.bad = 0  # records that could not be read
        self.failed = 0  # inputs or texts not checked
        self.bytes = 0  # bytes of text checked (for the progress display)
        self.documents = 0  # documents begun (for the progress display)

    def add(self, chunk, found) -> bool:
        """Take one chunk's outcome, as `stream.extract_chunks` yields it (``chunk.tag`` is
        ``(path, document or None)``, or ``(path, error)`` for a chunk without text); whether
        the chunk was checked (else it brought a message)."""
        (path, doc), block = chunk.tag, chunk.block
        if found is None and block is not None and block.skipped:
            self.messages.append(f"arules: {path}:{block.line}: skipped {block.skipped:,} characters without "
                                 f"whitespace (from character {block.offset:,}): not text")
            return False
        if found is None:  # an input or a record that could not be read
            self.messages.append(f"arules: {doc}")
            if isinstance(doc, BadRecord):
                self.bad += 1
            else:
                self.failed += 1
            return False
        if isinstance(found, ExtractionTimeout):
            where = f"{path}:{block.line}" if doc is None else f"{path}:record {doc.record} ({doc.id})"
            self.messages.append(f"arules: {where}: the text from here was not checked: {found}")
            self.failed += 1
            return False
        text = block.text[block.lead:]
        self.bytes += len(text.encode(self.style.encoding, "replace"))
        self.documents += doc is not None and block.offset + block.lead == 0
        records = located_records(block, found, path, self.style.lines, doc)
        if self.style.full_stats:
            self.stats.update(r for r, _ in records)
        else:
            self.stats.findings += len(records)
        if not self.style.as_text:
            self.records.extend(records)
        elif self.style.format == "jsonl":
            from .report import jsonl_lines

            self.text.append(jsonl_lines(r for r, _ in records))
        else:
            from .report import plain_line

            self.text.append("".join(plain_line(r, line_text) + "\n" for r, line_text in records))
        return True

    def take(self) -> tuple[str, list[tuple[dict, str | None]], list[str]]:
        """The output text, the records and the messages gathered since the last call (then
        forgotten: a long run keeps none of them)."""
        out = "".join(self.text), self.records, self.messages
        self.text, self.records, self.messages = [], [], []
        return out

    def merge(self, other: "Tally") -> None:
        """Add the counts of ``other`` (a worker's) to these."""
        self.stats.merge(other.stats)
        self.bad += other.bad
        self.failed += other.failed
        self.bytes += other.bytes
        self.documents += other.documents


def located_records(block, found, name, with_lines: bool = True, doc=None) -> list[tuple[dict, str | None]]:
    """Matches of one block as located records, each with the text of the line it starts on
    (None unless ``with_lines``: only the text view shows it); in a corpus ``doc`` is the
    `Document` the block is part of (its id and record go into each record)."""
    from .report import located

    text = block.text
    newlines = [m.start() for m in _NEWLINE.finditer(text)] if "\n" in text else []
    out = []
    for m in found:
        k = bisect_right(newlines, m.start - 1)
        line_start = newlines[k - 1] + 1 if k else 0
        line = None
        if with_lines:
            line = text[line_start:newlines[k] if k < len(newlines) else len(text)]
        where = located(m, name, block.line + k, m.start - line_start + 1, block.offset,
                        **({} if doc is None else {"doc": doc.id, "record": doc.record}))
        out.append((where, line))
    return out
