"""Rendering findings for people (rich text) and programs (JSON Lines, JSON)."""
from __future__ import annotations

import json
from typing import Any, TextIO

from .match import Match

CONTEXT = 40  # characters of context on each side in the text view


def located(m: Match, file: str, line: int, col: int, shift: int = 0) -> dict[str, Any]:
    """The JSON record of a match as the CLI writes it (the contract plus file/line/col), its
    offsets moved by ``shift`` (where the block it was found in starts in the file)."""
    return {"file": file, "line": line, "col": col, **m.to_dict(shift)}


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder: dumps() makes one per call


def write_jsonl(records, out: TextIO) -> None:
    out.write("".join([_ENCODE(r) + "\n" for r in records]))


def write_json(records, out: TextIO) -> None:
    json.dump(list(records), out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def value_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None and k not in ("content",))
    return "" if value is None else str(value)


def text_pieces(record: dict[str, Any], line_text: str) -> list[tuple[str, str]]:
    """``(text, style)`` pieces of the text view of a record: ``file:line:col  label  value``,
    then the match in its context on the next line."""
    col = record["col"] - 1
    length = len(record["text"])
    left = line_text[max(0, col - CONTEXT):col]
    mid = line_text[col:col + length] if col + length <= len(line_text) else line_text[col:]
    right = line_text[col + length:col + length + CONTEXT]
    pieces = [(f"{record['file']}:{record['line']}:{record['col']}", "bold"), ("  ", ""),
              (f"{record['label']:<11}", {"date": "cyan", "number": "magenta"}.get(record["label"], "green")),
              (f" {value_text(record['value'])}", "yellow"), (f"  [{record['rule']}]\n", "dim"),
              ("    " + ("…" if col > CONTEXT else "") + left, "dim"), (mid.replace("\n", " ⏎ "), "bold underline")]
    if col + length > len(line_text):
        pieces.append((" …", "bold"))
    pieces.append((right + ("…" if col + length + CONTEXT < len(line_text) else ""), "dim"))
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
