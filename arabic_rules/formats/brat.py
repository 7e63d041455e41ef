"""brat standoff: a document's text (``NAME.txt``) and its annotations (``NAME.ann``).

Every finding is a text-bound annotation ``T`` of its label; its rule, value and attrs are one
``AnnotatorNotes`` line (``#``) holding them as JSON, so that nothing is lost; the flags and
kinds a reviewer filters on are also brat attributes (``A``): ``Negated``, ``Direct`` and
``SpeakerInferred`` (binary) on an attribution, ``Kind`` on a number, ``Calendar`` and ``Mod``
on a date. The cue, speaker and content of an attribution are text-bound annotations of their
own (``cue``, ``speaker``, ``content``; one annotation for a span named twice, such as a
speaker carried to the next sentence), linked from the attribution by the relations
``has_cue``, ``has_speaker`` and ``has_content`` (``R``). A span across line breaks is written
as fragments between them (``start end;start end``), as brat draws it. Offsets are code points,
as in brat.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from typing import TextIO

from .annotated import PARTS, AnnotatedDocument, color_of, parts_of
from .writers import DocumentWriter, Folder

RELATIONS = {part: f"has_{part}" for part in PARTS}
BINARY = {"negated": "Negated", "speaker_inferred": "SpeakerInferred"}  # attrs that are true or absent
MULTI = {"kind": "Kind", "calendar": "Calendar", "mod": "Mod"}  # attrs with a short word as value
_TOKEN = re.compile(r"[^\s|,]+")  # what brat takes as an attribute's value
_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")  # where brat cuts a span into fragments


def type_name(label: str) -> str:
    """A label as a brat type: brat's types hold no white space."""
    return re.sub(r"\s+", "_", label.strip()) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks into the pieces between them (a span without a line
    break is one piece)."""
    pieces, at = [], start
    for m in _BREAK.finditer(text, start, end):
        if m.start() > at:
            pieces.append((at, m.start()))
        at = m.end()
    if end > at:
        pieces.append((at, end))
    return pieces or [(start, end)]


def ann(doc: AnnotatedDocument, seen: dict[str, set[str]] | None = None) -> str:
    """The ``.ann`` text of a document. ``seen`` gathers the types, attribute values and
    relations used (for `annotation_conf`)."""
    if seen is None:
        seen = {}
    lines: list[str] = []
    counts = {"T": 0, "R": 0, "A": 0, "#": 0}
    parts: dict[tuple[str, int, int], str] = {}
    text = doc.text

    def new(kind: str) -> str:
        counts[kind] += 1
        return f"{kind}{counts[kind]}"

    def bound(type_: str, start: int, end: int) -> str:
        tid = new("T")
        pieces = fragments(text, start, end)
        where = ";".join(f"{a} {b}" for a, b in pieces)
        lines.append(f"{tid}\t{type_} {where}\t{' '.join(text[a:b] for a, b in pieces)}")
        seen.setdefault("entities", set()).add(type_)
        return tid

    def attribute(name: str, tid: str, value: str | None = None) -> None:
        lines.append(f"{new('A')}\t{name} {tid}" + ("" if value is None else f" {value}"))
        seen.setdefault(f"attribute {name}", set()).update(() if value is None else (value,))
        seen.setdefault("attribute types", set()).add(name)

    for f in doc.findings:
        label = type_name(f["label"])
        tid = bound(label, f["start"], f["end"])
        note = json.dumps({"rule": f["rule"], "value": f.get("value"), "attrs": f.get("attrs") or {}},
                          ensure_ascii=False, default=str)
        lines.append(f"{new('#')}\tAnnotatorNotes {tid}\t{note}")
        attrs = f.get("attrs") or {}
        for key, name in BINARY.items():
            if attrs.get(key) is True:
                attribute(name, tid)
                seen.setdefault(f"on {name}", set()).add(label)
        value = f.get("value")
        if isinstance(value, dict) and value.get("direct") is True:
            attribute("Direct", tid)
            seen.setdefault("on Direct", set()).add(label)
        for key, name in MULTI.items():
            v = attrs.get(key)
            if isinstance(v, str) and _TOKEN.fullmatch(v):
                attribute(name, tid, v)
                seen.setdefault(f"on {name}", set()).add(label)
        for part, span in parts_of(f):
            where = (part, span["start"], span["end"])
            if where not in parts:
                parts[where] = bound(part, span["start"], span["end"])
            lines.append(f"{new('R')}\t{RELATIONS[part]} Arg1:{tid} Arg2:{parts[where]}")
            seen.setdefault(f"relation {RELATIONS[part]}", set()).add(label)
    return "".join(line + "\n" for line in lines)


def annotation_conf(seen: dict[str, set[str]]) -> str:
    """brat's ``annotation.conf`` for the types, relations and attributes in ``seen``."""
    out = ["# written by arules: the types of these documents", "[entities]"]
    out += sorted(seen.get("entities", ()))
    out += ["", "[relations]"]
    for rel in RELATIONS.values():
        if f"relation {rel}" in seen:
            out.append(f"{rel}\tArg1:{'|'.join(sorted(seen[f'relation {rel}']))}, Arg2:{rel[4:]}")
    out.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    out += ["", "[events]", "", "[attributes]"]
    for name in sorted(seen.get("attribute types", ())):
        line = f"{name}\tArg:{'|'.join(sorted(seen.get(f'on {name}', ())))}"
        values = seen.get(f"attribute {name}")
        if values:
            line += f", Value:{'|'.join(sorted(values))}"
        out.append(line)
    return "\n".join(out) + "\n"


def visual_conf(seen: dict[str, set[str]]) -> str:
    """brat's ``visual.conf``: the colours of the HTML page."""
    types = sorted(seen.get("entities", ()))
    out = ["[labels]", *types, "", "[drawing]"]
    out += [f"{t}\tbgColor:{color_of(t)}" for t in types]
    return "\n".join(out) + "\n"


class BratWriter(DocumentWriter):
    """``--format brat``: with ``--out DIR``, ``NAME.txt`` and ``NAME.ann`` per document and the
    folder's ``annotation.conf`` and ``visual.conf``; without, the ``.ann`` of the run's one
    document on stdout (its text is the input itself)."""

    def __init__(self, out: str | None, stream: TextIO, ref_date: _dt.date | None = None) -> None:
        super().__init__(ref_date)
        self.folder = Folder(out, stream, "brat")
        self.seen: dict[str, set[str]] = {}

    def document(self, doc: AnnotatedDocument) -> None:
        name = self.folder.name(doc)
        text = ann(doc, self.seen)
        if self.folder.dir is None:
            self.folder.stream.write(text)
            return
        self.folder.write(name, ".txt", doc.text)
        self.folder.write(name, ".ann", text)

    def finish(self) -> None:
        if self.folder.dir is not None:
            self.folder.write("annotation", ".conf", annotation_conf(self.seen))
            self.folder.write("visual", ".conf", visual_conf(self.seen))
