"""What the document formats write: a document's text with its findings, the parts of an
attribution, colours shared by the views, and file names for documents.

A finding here is the record `report.located` builds (the `--format jsonl` line: the output
contract plus ``file``, ``line``, ``col`` and, in a corpus, ``doc`` and ``record``), with
offsets into its document's text; every format reads that one record.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, Iterable

PARTS = ("cue", "speaker", "content")  # the fields of an attribution shown as spans of their own

# one colour per label and per part of an attribution (html and brat's visual.conf); other
# labels take one of OTHER_COLORS by their name
COLORS = {"attribution": "#c9d8f0", "date": "#a8e6cf", "number": "#ffd3a5",
          "cue": "#f4a6a6", "speaker": "#b8a9e8", "content": "#fff2a8"}
OTHER_COLORS = ("#b5ead7", "#e2c2f0", "#c7ceea", "#ffdac1", "#d4e09b", "#f6c6ea")


def color_of(label: str) -> str:
    """The colour of a label or a part: its own, else one of OTHER_COLORS picked by the name
    (the same every run: not Python's salted hash)."""
    if label in COLORS:
        return COLORS[label]
    return OTHER_COLORS[sum(label.encode("utf-8")) % len(OTHER_COLORS)]


@dataclass(frozen=True)
class AnnotatedDocument:
    """One document and its findings, for the writers of `arabic_rules.formats`.

    ``findings`` are records as `arules check --format jsonl` writes them (at least ``label``,
    ``rule``, ``start``, ``end``, ``text``, ``value``, ``attrs``, ``fields``), their offsets
    into ``text``; ``ref_date`` is the document's reference date (its creation time in
    TimeML); ``source`` the file it came from and ``record`` its number there, if any."""

    id: str
    text: str
    findings: tuple[dict[str, Any], ...] = ()
    ref_date: _dt.date | None = None
    source: str = ""
    record: int | None = None

    @classmethod
    def from_matches(cls, id: str, text: str, matches: Iterable[Any], ref_date: _dt.date | None = None,
                     source: str = "") -> AnnotatedDocument:
        """A document from `Match` objects (``Engine.extract``'s result for ``text``)."""
        return cls(str(id), text, tuple(m.to_dict() for m in matches), ref_date, source)


def parts_of(finding: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(name, span)`` of the cue, speaker and content fields a finding has, in that order
    (an inferred speaker is a span outside the finding: where it was named before)."""
    fields = finding.get("fields") or {}
    return [(name, fields[name]) for name in PARTS if isinstance(fields.get(name), dict)]


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\s]+")
NAME_LIMIT = 120  # characters of a document's file name (without suffix)


class FileNames:
    """A file name (without suffix) for each document, unique in one output folder: a plain
    text file keeps its own name (``news.txt`` -> ``news``; stdin is ``stdin``), a document of a
    corpus is named by its id, with characters a file name cannot hold made ``_``; a name
    given before gets ``-2``, ``-3``, ..."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, doc: AnnotatedDocument) -> str:
        if doc.id == doc.source:  # a whole text file
            base = "stdin" if doc.source == "-" else re.sub(r"\.[^./\\]*$", "", re.split(r"[/\\]", doc.source)[-1])
        else:
            base = doc.id
        base = _UNSAFE.sub("_", base).strip("._")[:NAME_LIMIT] or "document"
        name, n = base, 1
        while name.lower() in self.taken:  # case-blind: some file systems are
            n += 1
            name = f"{base}-{n}"
        self.taken.add(name.lower())
        return name
