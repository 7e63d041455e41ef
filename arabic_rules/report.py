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


def text_line(record: dict[str, Any], line_text: str):
    """A rich `Text`: ``file:line:col  label  value`` then the match in its context."""
    from rich.text import Text

    col = record["col"] - 1
    length = len(record["text"])
    left = line_text[max(0, col - CONTEXT):col]
    mid = line_text[col:col + length] if col + length <= len(line_text) else line_text[col:]
    right = line_text[col + length:col + length + CONTEXT]
    t = Text()
    t.append(f"{record['file']}:{record['line']}:{record['col']}", style="bold")
    t.append("  ")
    t.append(f"{record['label']:<11}", style={"date": "cyan", "number": "magenta"}.get(record["label"], "green"))
    t.append(f" {value_text(record['value'])}", style="yellow")
    t.append(f"  [{record['rule']}]\n", style="dim")
    t.append("    " + ("…" if col > CONTEXT else "") + left, style="dim")
    t.append(mid.replace("\n", " ⏎ "), style="bold underline")
    if col + length > len(line_text):
        t.append(" …", style="bold")
    t.append(right + ("…" if col + length + CONTEXT < len(line_text) else ""), style="dim")
    return t
