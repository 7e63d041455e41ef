"""Rendering findings for people (rich text) and programs (JSON Lines, JSON)."""
from __future__ import annotations

import datetime as _dt
import json
import re
from functools import lru_cache
from typing import Any, TextIO

from .match import Match

CONTEXT = 40  # characters of context on each side in the text view


def located(m: Match, file: str, line: int, col: int, shift: int = 0, *, doc: Any = None,
            record: int | None = None) -> dict[str, Any]:
    """The JSON record of a match as the CLI writes it (the contract plus file/line/col), its
    offsets moved by ``shift`` (where the block it was found in starts in the file). For a
    document of a corpus, ``doc`` (its id) and ``record`` (its 1-based number in the file) come
    after ``col``; both keys are there when ``record`` is given, ``doc`` alone when only it is."""
    if record is not None:
        return {"file": file, "line": line, "col": col, "doc": doc, "record": record, **m.to_dict(shift)}
    if doc is not None:
        return {"file": file, "line": line, "col": col, "doc": doc, **m.to_dict(shift)}
    return {"file": file, "line": line, "col": col, **m.to_dict(shift)}


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder: dumps() makes one per call


# The columns of a finding as a flat table row (Spark, Dask, and CSV and Parquet with the
# location columns besides): the document's id, then the keys of the output contract, with
# value, attrs and fields as JSON text (see `flat_record`).
FLAT_COLUMNS = ("doc", "label", "rule", "start", "end", "text", "value", "attrs", "fields")
JSON_COLUMNS = ("value", "attrs", "fields")


def flat_record(record: dict[str, Any], doc: Any = None) -> dict[str, Any]:
    """A finding's record (`Match.to_dict`, or a located `--format jsonl` record) as one table
    row keyed by `FLAT_COLUMNS`: ``doc``, then the contract's keys, with ``value``, ``attrs`` and
    ``fields`` as the JSON text ``--format jsonl`` writes for them (``null`` for no value), so
    every row has the same column types whatever the label."""
    row: dict[str, Any] = {"doc": doc}
    for key in FLAT_COLUMNS[1:]:
        row[key] = _ENCODE(record.get(key)) if key in JSON_COLUMNS else record[key]
    return row


def flat(m: Match, doc: Any = None) -> dict[str, Any]:
    """The table row of a match found in document ``doc`` (`flat_record`)."""
    return flat_record(m.to_dict(), doc)


def write_jsonl(records, out: TextIO) -> None:
    out.write(jsonl_lines(records))


def jsonl_lines(records) -> str:
    """``records`` as the lines `write_jsonl` writes, in one string."""
    return "".join([_ENCODE(r) + "\n" for r in records])


def write_json(records, out: TextIO) -> None:
    json.dump(list(records), out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def json_text(record: Any) -> str:
    """``record`` as one line of `write_jsonl` writes it (without the line break): the JSON text
    of a finding wherever one is stored as text (spaCy's user data)."""
    return _ENCODE(record)


def value_text(value: Any) -> str:
    """A generic one-line form of a value (a dict as ``key=value`` pairs, nulls and the
    content left out): the view of labels that have no view of their own."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None and k not in ("content",))
    return "" if value is None else str(value)


CONTENT_WIDTH = 80  # characters of an attribution's content shown in the text view


def shorten(text: str, width: int = CONTENT_WIDTH) -> str:
    """``text`` on one line (runs of white space made one space), cut to at most ``width``
    characters with an ellipsis; the cut falls at a word boundary when one is near."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    space = cut.rfind(" ")
    if space >= width * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _hijri_span(part: str) -> tuple[str, str] | None:
    """The first and last Gregorian days (ISO) of one Hijri value ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``; None when its year is unknown or it is outside the Umm al-Qura table."""
    from .calendars import from_hijri

    bits = part.split("-")
    if len(bits) > 3 or not all(b.isdigit() for b in bits):
        return None
    y, *md = (int(b) for b in bits)
    first_month, last_month = (md[0], md[0]) if md else (1, 12)
    first = from_hijri(y, first_month, md[1] if len(md) == 2 else 1)
    if len(md) == 2:
        last = first
    else:
        from hijridate import Hijri

        start = from_hijri(y, last_month, 1)
        last = start and start + _dt.timedelta(days=Hijri(y, last_month, 1).month_length() - 1)
    if first is None or last is None:
        return None
    return first.isoformat(), last.isoformat()


@lru_cache(maxsize=4096)
def hijri_to_gregorian(value: str) -> str | None:
    """The Gregorian date of a Hijri date value, as far as it can be given: a day for a full
    date, the interval ``first/last`` (ISO 8601) of the days a month, a year or a range covers;
    None when the year is unknown (``XXXX-09-15``) or the date is outside the conversion table."""
    spans = [_hijri_span(part) for part in value.split("/")]
    if not spans or any(s is None for s in spans):
        return None
    first, last = spans[0][0], spans[-1][1]
    return first if first == last else f"{first}/{last}"


def date_text(value: Any, attrs: dict[str, Any]) -> str:
    """The value of a date as the text view shows it: the value as written (``AH`` after a Hijri
    one), then ``→ resolved`` when a reference date completed it, or ``= Gregorian`` for a Hijri
    date (its resolved date, else what its own parts convert to), then any flags."""
    text = "" if value is None else str(value)
    resolved = attrs.get("resolved")
    if attrs.get("calendar") == "hijri":
        text += " AH"
        gregorian = resolved or (hijri_to_gregorian(str(value)) if value else None)
        if gregorian:
            text += f" = {gregorian}"
    elif resolved and resolved != value:
        text += f" → {resolved}"
    flags = attrs.get("flags")
    if flags:
        text += f" ({', '.join(map(str, flags))})"
    return text


def attribution_text(value: Any, attrs: dict[str, Any]) -> str:
    """The value of an attribution as the text view shows it:
    ``speaker=WHO [(inferred)]  cue=LEMMA [(negated)]  content=WHAT`` with the content on one line
    and cut to ``CONTENT_WIDTH`` characters; an unknown speaker is ``?``, a missing part is left out."""
    if not isinstance(value, dict):
        return value_text(value)
    speaker = value.get("speaker")
    text = "speaker=" + (shorten(speaker, 40) if speaker else "?")
    if attrs.get("speaker_inferred"):
        text += " (inferred)"
    if value.get("lemma"):
        text += f"  cue={value['lemma']}"
        if attrs.get("negated"):
            text += " (negated)"
    if value.get("content"):
        text += "  content=" + shorten(value["content"])
    return text


def number_text(value: Any, attrs: dict[str, Any]) -> str:
    """The value of a number and its kind: ``300 (cardinal)``, ``15 (percent)``."""
    kind = attrs.get("kind")
    return f"{value} ({kind})" if kind else str(value)


VIEWS = {"attribution": attribution_text, "date": date_text, "number": number_text}
STYLES = {"date": "cyan", "number": "magenta"}  # label colors; other labels are green


def where(record: dict[str, Any]) -> str:
    """The location of a record in the text view: ``file:line:col``; for a document of a corpus
    (a record carrying ``doc``), ``file#N (DOC):line:col``, where N is the document's 1-based
    ``record`` number in the file and DOC its id, and line and col are the record's own (inside
    the record's text for a JSON Lines or CSV record). A part the record lacks is left out
    (``file (DOC):line:col``, ``file#N:line:col``), and so is an id that only repeats the file
    and number (the default ids ``file:N`` and ``file#N``)."""
    head = str(record["file"])
    if "doc" in record:
        number, doc = record.get("record"), record["doc"]
        if number is not None:
            head += f"#{number}"
            if doc is not None and str(doc) in (head, f"{record['file']}:{number}"):
                doc = None
        if doc is not None:
            head += f" ({doc})"
    return f"{head}:{record['line']}:{record['col']}"


# characters rich drops or expands when it prints (a plain write must give the same ones), with
# the other control characters, which have no business in a terminal either
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CLEAN = {c: None for c in (*range(32), 127)}
_CLEAN[9] = " "  # a tab
_CLEAN[10] = " "


def text_pieces(record: dict[str, Any], line_text: str) -> list[tuple[str, str]]:
    """``(text, style)`` pieces of the text view of a record: ``WHERE  label  value  [rule]``
    (see `where` for WHERE, and `attribution_text`, `date_text`, `number_text` for the value of
    each label), then the match in its context on the next line. Control characters are taken
    out (a tab is a space) so that rich and a plain write give the same characters."""
    col = record["col"] - 1
    length = len(record["text"])
    left = line_text[max(0, col - CONTEXT):col]
    mid = line_text[col:col + length] if col + length <= len(line_text) else line_text[col:]
    right = line_text[col + length:col + length + CONTEXT]
    label = record["label"]
    view = VIEWS.get(label)
    value = view(record["value"], record.get("attrs") or {}) if view else value_text(record["value"])
    pieces = [(where(record), "bold"), ("  ", ""), (f"{label:<11}", STYLES.get(label, "green")),
              (f" {value}", "yellow"), (f"  [{record['rule']}]", "dim"),
              ("    " + ("…" if col > CONTEXT else "") + left, "dim"), (mid.replace("\n", " ⏎ "), "bold underline")]
    if col + length > len(line_text):
        pieces.append((" …", "bold"))
    pieces.append((right + ("…" if col + length + CONTEXT < len(line_text) else ""), "dim"))
    if _CONTROL.search("".join([text for text, _ in pieces])):  # rare: one search, not a translate per piece
        pieces = [(text.translate(_CLEAN), style) for text, style in pieces]
    pieces.insert(5, ("\n", "dim"))
    return pieces


def text_line(record: dict[str, Any], line_text: str):
    """The text view of a record as a rich `Text`, styled for a terminal."""
    from rich.text import Text

    t = Text()
    for text, style in text_pieces(record, line_text):
        t.append(text, style=style)
    return t


def plain_line(record: dict[str, Any], line_text: str) -> str:
    """The text view of a record without styles (for a file or a pipe: what rich prints there)."""
    return "".join(text for text, _ in text_pieces(record, line_text))
