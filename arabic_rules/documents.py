"""Documents: the unit of extraction (an id, a text, its own reference date), and the values a
Python caller hands to `Engine.extract_many`, read as documents.

A document is a boundary: findings carry its id and offsets into its text, relative dates
resolve against its own date, and nothing (a speaker carried over, an open quotation) crosses
from one document into the next.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .refdates import parse_ref_date


@dataclass(frozen=True)
class Document:
    """One unit of extraction.

    ``id`` is a string for documents read from files (the id field's value, else ``path:record``
    for records and ``path#index`` for split text); `documents_from` keeps whatever id the caller
    gave (any hashable value), hence the ``Any``. ``record`` is the 1-based line of a JSON Lines
    record, the 1-based data row of CSV, TSV or Parquet, or the 1-based index of a document in a
    split text file (with form feeds, of the page: a blank page keeps its number). ``line`` and
    ``offset`` place the text in a plain text file (1-based line, 0-based character offset of its
    first character); for records they are 1 and 0, so line numbers of findings count inside the
    record's text."""

    id: Any
    text: str
    ref_date: date | None = None
    source: str = ""
    record: int | None = None
    line: int = 1
    offset: int = 0


@dataclass(frozen=True)
class BadRecord:
    """A record of ``source`` that was skipped, with the reason and how to fix it."""

    source: str
    record: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:record {self.record}: {self.message}"


_ACCEPTED = ("a str, an (id, text) or (id, text, ref_date) tuple, a mapping with 'text' and optional "
             "'id' and 'ref_date' (or 'date'), or a Document")


def documents_from(items: Iterable[Any]) -> Iterator[Document]:
    """`Document` values for what `Engine.extract_many` accepts, one per item, lazily.

    Each item is a str (its id is its 0-based position as a string: "0", "1", ...), a tuple or
    list ``(id, text)`` or ``(id, text, ref_date)``, a mapping with "text" and optional "id" and
    "ref_date" (or "date"), or a `Document` (passed through). Ids from tuples and mappings are
    kept as given, whatever their type. Dates go through `refdates.parse_ref_date`. Raises
    `TypeError` for any other item and `ValueError` for a date it cannot read, naming the item."""
    for i, item in enumerate(items):
        yield _document_of(i, item)


def _document_of(i: int, item: Any) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, BadRecord):
        raise ValueError(f"item {i} is a record that could not be read ({item}); leave such records out")
    if isinstance(item, str):
        return Document(str(i), item)
    if isinstance(item, (tuple, list)) and len(item) in (2, 3) and isinstance(item[1], str):
        return Document(item[0], item[1], _date_of(i, item[2] if len(item) == 3 else None))
    if isinstance(item, Mapping) and isinstance(item.get("text"), str):
        raw_date = item.get("ref_date", item.get("date"))
        return Document(item.get("id", str(i)), item["text"], _date_of(i, raw_date))
    raise TypeError(f"item {i}: cannot use {_describe(item)}; pass {_ACCEPTED}")


def _date_of(i: int, value: object) -> date | None:
    try:
        return parse_ref_date(value)
    except ValueError as e:
        raise ValueError(f"item {i}: {e}") from None


def _describe(item: object) -> str:
    if isinstance(item, bytes):
        return "bytes (decode them to str first)"
    if isinstance(item, (tuple, list)):
        return f"a {type(item).__name__} of {len(item)} values (the text must be a str in second place)"
    if isinstance(item, Mapping):
        return "a mapping without a str under 'text'"
    return f"a {type(item).__name__}"
