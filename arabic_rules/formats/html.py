"""One self-contained HTML page of the findings: each document's text, right to left, with its
findings highlighted in the colour of their label, the value and the rule on hover (``title``),
the cue, speaker and content of an attribution in three colours, then a legend and the
summary of `arules check --stats` (shown at the top of the page, written at its end, so that a
corpus of any size streams through).

Findings nest in the text as marks (``<mark class="f" data-f="N">``, N numbering the findings
of the page); a finding that crosses another (neither inside the other) is cut into pieces
that all carry its number. The parts of an attribution are ``<span class="p" data-part=...>``
inside its mark (a speaker carried from an earlier sentence is outside it and is named in the
title only).
"""
from __future__ import annotations

import datetime as _dt
from html import escape
from typing import Any, TextIO

from ..report import VIEWS, value_text
from ..stats import Stats
from .annotated import PARTS, AnnotatedDocument, color_of, parts_of
from .writers import DocumentWriter

STYLE = """
body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", sans-serif;
       max-width: 62em; margin: 0 auto; padding: 1em 1.5em; display: flex; flex-direction: column;
       color: #222; background: #fdfdfb; }
#summary { order: -1; border-bottom: 1px solid #ccc; margin-bottom: 1em; }
h1 { font-size: 1.4em; margin: 0.3em 0; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.2em; direction: ltr; text-align: left; unicode-bidi: plaintext; }
.meta, .tables, .legend { direction: ltr; text-align: left; font-size: 0.85em; color: #555; }
.text { white-space: pre-wrap; line-height: 2.3; font-size: 1.15em; }
mark.f { background: var(--c); color: inherit; border-radius: 3px; padding: 0.1em 0; }
mark.f.attr { background: none; border-bottom: 3px solid #5b7bb5; }
.p { background: var(--c); border-radius: 3px; }
.legend span.key { display: inline-block; padding: 0 0.6em; margin: 0.15em; border-radius: 3px;
                   background: var(--c); color: #222; }
.legend span.key.attr { background: none; border-bottom: 3px solid #5b7bb5; }
.tables { display: flex; flex-wrap: wrap; gap: 0 2em; align-items: flex-start; }
table { border-collapse: collapse; margin: 0.4em 0; }
caption { text-align: left; font-weight: bold; }
td, th { padding: 0.05em 0.6em; border-bottom: 1px solid #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.ar { direction: rtl; text-align: right; }
"""

ATTRIBUTION = "attribution"


def title_of(finding: dict[str, Any]) -> str:
    """The hover text of a finding: ``label: value`` (as the text view shows it) and its rule."""
    view = VIEWS.get(finding["label"])
    attrs = finding.get("attrs") or {}
    shown = view(finding.get("value"), attrs) if view else value_text(finding.get("value"))
    return f"{finding['label']}: {shown}\nrule: {finding['rule']}"


def _spans(doc: AnnotatedDocument, first: int) -> list[tuple[int, int, int, str]]:
    """``(start, end, depth, opening tag)`` of every mark and part of a document; ``first`` is
    the page's number of its first finding."""
    spans = []
    for i, f in enumerate(doc.findings):
        if f["end"] <= f["start"]:
            continue
        label = f["label"]
        title = title_of(f)
        cls = "f attr" if parts_of(f) else "f"
        spans.append((f["start"], f["end"], 0,
                      f'<mark class="{cls}" data-f="{first + i}" data-label="{escape(label)}" '
                      f'data-rule="{escape(f["rule"])}" style="--c:{color_of(label)}" title="{escape(title)}">'))
        for part, span in parts_of(f):
            if f["start"] <= span["start"] < span["end"] <= f["end"]:
                hover = escape(f"{part}: {span['text']}\n{title}")
                spans.append((span["start"], span["end"], 1,
                              f'<span class="p" data-part="{part}" data-f="{first + i}" style="--c:{color_of(part)}" '
                              f'title="{hover}">'))
    return spans


def marked_text(doc: AnnotatedDocument, first: int = 1) -> str:
    """The HTML of a document's text with its findings marked (see the module's description)."""
    text = doc.text
    spans = sorted(_spans(doc, first), key=lambda s: (s[0], -s[1], s[2]))
    opens: dict[int, list[tuple[int, int, int, str]]] = {}
    for s in spans:
        opens.setdefault(s[0], []).append(s)
    bounds = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    out: list[str] = []
    stack: list[tuple[int, int, int, str]] = []  # open elements, outermost first
    at = 0
    for b in bounds:
        out.append(escape(text[at:b], quote=False))
        at = b
        ending = [k for k, s in enumerate(stack) if s[1] == b]
        if ending:  # close from the first that ends here up; reopen those that go on
            k = ending[0]
            go_on = [s for s in stack[k:] if s[1] != b]
            out.append("".join("</mark>" if s[3].startswith("<mark") else "</span>" for s in reversed(stack[k:])))
            del stack[k:]
            for s in go_on:
                out.append(s[3])
                stack.append(s)
        for s in opens.get(b, ()):
            out.append(s[3])
            stack.append(s)
    return "".join(out)


def _table(title: str, key: str, rows: list[tuple[Any, int]], total: int | None = None, rtl: bool = False) -> str:
    if not rows:
        return ""
    head = f"<tr><th>{escape(key)}</th><th>count</th>" + ("<th>%</th>" if total else "") + "</tr>"
    body = "".join(
        f'<tr><td{" class=ar" if rtl else ""}>{escape(str(name))}</td><td class="n">{n:,}</td>'
        + (f'<td class="n">{100 * n / total:.1f}</td>' if total else "") + "</tr>" for name, n in rows)
    return f"<table><caption>{escape(title)}</caption>{head}{body}</table>"


def summary(stats: Stats, documents: int) -> str:
    """The page's top: heading, legend (the labels found, and the parts of an attribution) and
    the tables of `Stats` (labels, rules, speakers, cue verbs, months)."""
    d = stats.to_dict()
    keys = []
    for label in d["labels"]:
        cls = "key attr" if label == ATTRIBUTION else "key"
        keys.append(f'<span class="{cls}" style="--c:{color_of(label)}">{escape(label)}</span>')
    if d["speakers"] or d["cues"] or ATTRIBUTION in d["labels"]:
        keys += [f'<span class="key" style="--c:{color_of(p)}">{p}</span>' for p in PARTS]
    tables = [_table("Findings by label", "label", list(d["labels"].items()), stats.findings),
              _table("Findings by rule", "rule", list(d["rules"].items())[:25], stats.findings),
              _table("Top speakers", "speaker", list(d["speakers"].items()), rtl=True),
              _table("Top cue verbs", "cue", list(d["cues"].items()), rtl=True),
              _table("Dates by month", "month", stats.top_months())]
    return (f'<section id="summary"><h1 dir="ltr" style="text-align:left">{stats.findings:,} finding(s) in '
            f'{documents:,} document(s)</h1>'
            f'<p class="legend">{"".join(keys)}  <span>hover a highlight for its value and rule</span></p>'
            f'<div class="tables">{"".join(tables)}</div></section>')


class HtmlWriter(DocumentWriter):
    """``--format html``: the page, a document written as it ends and the summary at the end."""

    def __init__(self, out: TextIO, ref_date: _dt.date | None = None, title: str = "arules") -> None:
        super().__init__(ref_date)
        self.out = out
        self.stats = Stats()
        self.documents = 0
        self.findings = 0
        out.write(f'<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
                  f'<meta name="generator" content="arules">\n<title>{escape(title)}</title>\n'
                  f"<style>{STYLE}</style>\n</head>\n<body>\n")

    def document(self, doc: AnnotatedDocument) -> None:
        self.documents += 1
        self.stats.add_document()
        self.stats.update(doc.findings)
        meta = [f"file {doc.source}" if doc.source and doc.source != doc.id else "",
                f"record {doc.record}" if doc.record is not None and doc.source != doc.id else "",
                f"reference date {doc.ref_date.isoformat()}" if doc.ref_date else "",
                f"{len(doc.findings)} finding(s)"]
        self.out.write(f'<article id="doc-{self.documents}"><h2>{escape(doc.id)}</h2>'
                       f'<p class="meta">{escape(" · ".join(m for m in meta if m))}</p>'
                       f'<div class="text">{marked_text(doc, self.findings + 1)}</div></article>\n')
        self.findings += len(doc.findings)

    def finish(self) -> None:
        self.out.write(summary(self.stats, self.documents) + "\n</body>\n</html>\n")
