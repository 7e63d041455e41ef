"""Label Studio pre-annotations: one JSON list of tasks, a task per document.

A task holds the text (``data.text``, with ``data.doc``, ``data.file`` and ``data.ref_date``)
and one prediction whose results are the findings as regions of the labels control
(``from_name`` "label", ``to_name`` "text", type ``labels``, ``value`` {start, end, text,
labels}), each with its value and rule in a per-region text area (``from_name`` "value", type
``textarea``, the region's id). The cue, speaker and content of an attribution are regions of
their own, linked from the attribution by relations labelled ``cue``, ``speaker`` and
``content``. Offsets are code points (Label Studio counts them so since 1.4). The project's
labeling interface must name these controls: `labeling_config` writes it.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterable, TextIO
from xml.sax.saxutils import quoteattr

from ..report import VIEWS, value_text
from .annotated import PARTS, AnnotatedDocument, color_of, parts_of
from .writers import DocumentWriter

LABELS_CONTROL, TEXT_OBJECT, VALUE_CONTROL = "label", "text", "value"


def model_version() -> str:
    """The prediction's model version: this package and its version."""
    from .. import __version__  # (here: the package imports this module while it loads)

    return f"arules {__version__}"


def labeling_config(labels: Iterable[str]) -> str:
    """The labeling interface (XML) for tasks of these labels: the text right to left, a label
    per finding label and part of an attribution, the relations, and the per-region value."""
    names = sorted(set(labels)) + [p for p in PARTS if p not in labels]
    lines = ["<View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(p)}/>" for p in PARTS]
    lines += ["  </Relations>", f'  <Labels name="{LABELS_CONTROL}" toName="{TEXT_OBJECT}">']
    lines += [f"    <Label value={quoteattr(n)} background={quoteattr(color_of(n))}/>" for n in names]
    lines += ["  </Labels>", '  <View style="direction: rtl; text-align: right">',
              f'    <Text name="{TEXT_OBJECT}" value="$text"/>', "  </View>",
              f'  <TextArea name="{VALUE_CONTROL}" toName="{TEXT_OBJECT}" perRegion="true" editable="true"/>',
              "</View>"]
    return "\n".join(lines) + "\n"


def value_lines(finding: dict[str, Any]) -> list[str]:
    """What a region's text area shows: the value as the text view writes it, then the rule."""
    view = VIEWS.get(finding["label"])
    attrs = finding.get("attrs") or {}
    shown = view(finding.get("value"), attrs) if view else value_text(finding.get("value"))
    return [shown, f"rule: {finding['rule']}"]


def task(doc: AnnotatedDocument) -> dict[str, Any]:
    """The Label Studio task of a document, with its findings as a prediction."""
    results: list[dict[str, Any]] = []
    parts: dict[tuple[str, int, int], str] = {}

    def region(label: str, start: int, end: int) -> str:
        rid = f"r{len(results) + 1}"
        results.append({"id": rid, "from_name": LABELS_CONTROL, "to_name": TEXT_OBJECT, "type": "labels",
                        "value": {"start": start, "end": end, "text": doc.text[start:end], "labels": [label]}})
        return rid

    relations = []
    for f in doc.findings:
        rid = region(f["label"], f["start"], f["end"])
        results.append({"id": rid, "from_name": VALUE_CONTROL, "to_name": TEXT_OBJECT, "type": "textarea",
                        "value": {"start": f["start"], "end": f["end"], "text": value_lines(f)}})
        for part, span in parts_of(f):
            key = (part, span["start"], span["end"])
            if key not in parts:
                parts[key] = region(part, span["start"], span["end"])
            relations.append({"type": "relation", "from_id": rid, "to_id": parts[key], "direction": "right",
                              "labels": [part]})
    data: dict[str, Any] = {"text": doc.text, "doc": doc.id, "file": doc.source}
    if doc.ref_date is not None:
        data["ref_date"] = doc.ref_date.isoformat()
    return {"data": data, "predictions": [{"model_version": model_version(), "result": results + relations}]}


class LabelStudioWriter(DocumentWriter):
    """``--format labelstudio``: the JSON list of tasks, a task written as its document ends."""

    def __init__(self, out: TextIO, ref_date: _dt.date | None = None) -> None:
        super().__init__(ref_date)
        self.out = out
        self.first = True

    def document(self, doc: AnnotatedDocument) -> None:
        self.out.write(("[\n" if self.first else ",\n") + json.dumps(task(doc), ensure_ascii=False, default=str))
        self.first = False

    def finish(self) -> None:
        self.out.write("[]\n" if self.first else "\n]\n")
