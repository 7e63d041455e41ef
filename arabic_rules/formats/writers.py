"""The writers' common shape: a writer receives a run's findings chunk by chunk (`Writer.add`)
and finishes at `Writer.close`; a document writer gathers each document's findings and writes
the document whole (brat, Label Studio, TimeML, HTML need its text)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, TextIO

from ..errors import ArabicRulesError
from .annotated import AnnotatedDocument, FileNames


class Writer:
    """Base of the writers. ``needs_text``: the writer needs each document's whole text (the
    CLI then reads a plain text file as one document instead of streaming it in blocks)."""

    needs_text = False

    def add(self, doc: Any, records: list[dict[str, Any]]) -> None:
        """The findings (located records) of one chunk of ``doc`` (a `Document`; None for a
        plain text file streamed in blocks), in order; a document's chunks come in a row."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output."""


class DocumentWriter(Writer):
    """A writer of whole documents: `document` is called once per document with all its
    findings (a document without findings too), in input order."""

    needs_text = True

    def __init__(self, ref_date: _dt.date | None = None) -> None:
        self.ref_date = ref_date  # the run's reference date: a document's own date wins
        self._doc: Any = None
        self._records: list[dict[str, Any]] = []

    def add(self, doc: Any, records: list[dict[str, Any]]) -> None:
        if doc is None:
            raise ValueError("a document writer needs whole documents (read the file as one document)")
        if doc is not self._doc:
            self._flush()
            self._doc, self._records = doc, []
        self._records.extend(records)

    def _flush(self) -> None:
        doc = self._doc
        if doc is None:
            return
        self._doc = None
        self.document(AnnotatedDocument(str(doc.id), doc.text, tuple(self._records),
                                        doc.ref_date or self.ref_date, doc.source, doc.record))

    def document(self, doc: AnnotatedDocument) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._flush()
        self.finish()

    def finish(self) -> None:
        """After the last document."""


class Folder:
    """Where a format of one file per document writes: files ``NAME.SUFFIX`` in the folder
    ``out`` (made if missing), or, without a folder, the one document of the run on ``stream``
    (a second document is an error that says to pass --out)."""

    def __init__(self, out: str | None, stream: TextIO, fmt: str) -> None:
        self.dir = None if out is None else Path(out)
        self.stream, self.fmt = stream, fmt
        self.names = FileNames()
        self.count = 0
        if self.dir is not None:
            if self.dir.exists() and not self.dir.is_dir():
                raise ArabicRulesError(f"--out {out}: not a folder; {fmt} writes one file per document "
                                       f"into a folder: pass a folder name")
            self.dir.mkdir(parents=True, exist_ok=True)

    def name(self, doc: AnnotatedDocument) -> str:
        """The file name (without suffix) of the next document; counts the documents."""
        self.count += 1
        if self.dir is None and self.count > 1:
            raise ArabicRulesError(f"{self.fmt} writes one file per document and this run has several: "
                                   f"pass --out DIR to write them into a folder")
        return self.names(doc)

    def write(self, name: str, suffix: str, text: str) -> None:
        """Write ``text`` to the file NAME.SUFFIX of the folder, exactly (no newline translation)."""
        assert self.dir is not None
        with open(self.dir / f"{name}{suffix}", "w", encoding="utf-8", newline="") as f:
            f.write(text)
