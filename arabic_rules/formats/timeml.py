"""TimeML: a document's text with its dates marked inline as TIMEX3 (TimeML 1.2.1).

The document creation time (``DCT``) is the document's reference date (``--date-field``, else
``--ref-date``), the TIMEX3 ``t0`` with functionInDocument CREATION_TIME; without one there is
no DCT. Each date finding is a TIMEX3 of type DATE whose ``value`` is the Gregorian date meant:
``attrs.resolved`` when the reference date completed it, else the value as written (``X`` for
unknown digits, ``2021-W49`` for weeks); a Hijri date is given by its Gregorian days, and one
that cannot be converted is all ``X``. A date with no year written in it (أمس، الأحد، 9 كانون
الأول، العام الماضي) is a temporal function of the DCT (``temporalFunction="true"``,
``anchorTimeID="t0"``). Part of a period (مطلع، منتصف، أواخر، نهاية) is ``mod`` START, MID or
END; a season of a year is the value ``YYYY-SP|SU|FA|WI``. An interval (``2015/2018``) is a
TIMEX3 of type DURATION with its length as value (``P4Y``; ``X`` where it is not known) and
two TIMEX3 without text after it, its ``beginPoint`` and ``endPoint``. The finding's rule is
the TIMEX3's ``comment``. Only dates are written: other labels have no place in TimeML. Text
characters XML cannot hold are written as U+FFFD (one character for one: offsets stay), a
carriage return as ``&#13;`` (kept by XML readers).
"""
from __future__ import annotations

import datetime as _dt
import itertools
import re
from typing import Any, Iterator, TextIO

from ..report import hijri_to_gregorian
from .annotated import AnnotatedDocument
from .writers import DocumentWriter, Folder

NAMESPACES = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd"')
MODS = {"start": "START", "early": "START", "mid": "MID", "late": "END", "end": "END"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "winter": "WI"}
DATE_LABEL = "date"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_YEAR, _MONTH, _DAY = re.compile(r"\d{4}"), re.compile(r"\d{4}-\d\d"), re.compile(r"\d{4}-\d\d-\d\d")


def text_xml(text: str) -> str:
    """Text as XML character data, one character of the text for each character an XML reader
    gives back (so offsets counted in the parsed text are the document's)."""
    text = _NOT_XML.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attr_xml(value: str) -> str:
    """An attribute value, quoted (white space as character references: XML readers keep those)."""
    return '"' + text_xml(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") + '"'


def gregorian(finding: dict[str, Any]) -> str:
    """The Gregorian value of a date finding (see the module's description)."""
    attrs = finding.get("attrs") or {}
    value = finding.get("value")
    value = "" if value is None else str(value)
    if attrs.get("resolved"):
        return str(attrs["resolved"])
    if attrs.get("calendar") == "hijri":
        converted = hijri_to_gregorian(value) if value else None
        if converted:
            return converted
        return "/".join(re.sub(r"\w", "X", part) for part in value.split("/")) or "XXXX"
    return value or "XXXX"


def duration(begin: str, end: str) -> str:
    """The length of the interval from ``begin`` to ``end`` (both included) as an ISO 8601
    duration, in the unit of the values (years, months, days); ``X`` as the count when it
    cannot be known (an unknown year, values of different units)."""
    unit = "W" if "W" in begin else {10: "D", 7: "M"}.get(len(begin), "Y")
    try:
        if _YEAR.fullmatch(begin) and _YEAR.fullmatch(end):
            return f"P{int(end) - int(begin) + 1}Y"
        if _MONTH.fullmatch(begin) and _MONTH.fullmatch(end):
            months = (int(end[:4]) - int(begin[:4])) * 12 + int(end[5:]) - int(begin[5:])
            return f"P{months + 1}M"
        if _DAY.fullmatch(begin) and _DAY.fullmatch(end):
            days = (_dt.date.fromisoformat(end) - _dt.date.fromisoformat(begin)).days
            return f"P{days + 1}D"
    except ValueError:
        pass
    return f"PX{unit}"


def relative(finding: dict[str, Any]) -> bool:
    """Whether a date's value is a function of the reference date: no year written in it."""
    return not any(name.startswith("year") or name == "century" for name in (finding.get("fields") or {}))


def timex_attrs(finding: dict[str, Any], tids: Iterator[str],
                anchor: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The attributes of a date's TIMEX3 and the (tid, value) of the begin and end points of an
    interval (none for a date); ``tids`` gives the next free ids (t1, t2, ...)."""
    attrs = finding.get("attrs") or {}
    value = gregorian(finding)
    mod = attrs.get("mod")
    if mod in SEASONS and _YEAR.fullmatch(value):
        value, mod = f"{value}-{SEASONS[mod]}", None
    points: list[tuple[str, str]] = []
    out = [("tid", next(tids))]
    if "/" in value:
        begin, end = value.split("/", 1)
        points = [(next(tids), begin), (next(tids), end)]
        out += [("type", "DURATION"), ("value", duration(begin, end)), ("beginPoint", points[0][0]),
                ("endPoint", points[1][0])]
    else:
        out += [("type", "DATE"), ("value", value)]
    if relative(finding):
        out.append(("temporalFunction", "true"))
        if anchor:
            out.append(("anchorTimeID", anchor))
    else:
        out.append(("temporalFunction", "false"))
    if mod in MODS:
        out.append(("mod", MODS[mod]))
    out.append(("comment", f"arules {finding['rule']}"))
    return out, points


def _tag(attrs: list[tuple[str, str]], body: str | None) -> str:
    head = "<TIMEX3 " + " ".join(f"{k}={attr_xml(v)}" for k, v in attrs)
    return head + "/>" if body is None else f"{head}>{body}</TIMEX3>"


def timeml(doc: AnnotatedDocument) -> str:
    """The TimeML document of ``doc``: DOCID, DCT (if it has a reference date), and TEXT with its
    dates marked. A date overlapping one before it is left out (TIMEX3 do not overlap)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<TimeML {NAMESPACES}>\n",
           f"<DOCID>{text_xml(doc.id)}</DOCID>\n"]
    anchor = None
    if doc.ref_date is not None:
        anchor, dct = "t0", doc.ref_date.isoformat()
        out.append(f"<DCT>{_tag([('tid', 't0'), ('type', 'DATE'), ('value', dct), ('temporalFunction', 'false'), ('functionInDocument', 'CREATION_TIME')], dct)}</DCT>\n")
    out.append("<TEXT>")
    text, at = doc.text, 0
    tids = (f"t{n}" for n in itertools.count(1))
    for f in sorted((f for f in doc.findings if f["label"] == DATE_LABEL), key=lambda f: (f["start"], -f["end"])):
        if f["start"] < at:
            continue
        attrs, points = timex_attrs(f, tids, anchor)
        out.append(text_xml(text[at:f["start"]]))
        out.append(_tag(attrs, text_xml(text[f["start"]:f["end"]])))
        out += [_tag([("tid", tid), ("type", "DATE"), ("value", v), ("temporalFunction", "false")], None)
                for tid, v in points]
        at = f["end"]
    out.append(text_xml(text[at:]))
    out.append("</TEXT>\n</TimeML>\n")
    return "".join(out)


class TimeMLWriter(DocumentWriter):
    """``--format timeml``: with ``--out DIR``, ``NAME.tml`` per document; without, the TimeML
    document of the run's one document on stdout."""

    def __init__(self, out: str | None, stream: TextIO, ref_date: _dt.date | None = None) -> None:
        super().__init__(ref_date)
        self.folder = Folder(out, stream, "timeml")

    def document(self, doc: AnnotatedDocument) -> None:
        name = self.folder.name(doc)
        text = timeml(doc)
        if self.folder.dir is None:
            self.folder.stream.write(text)
        else:
            self.folder.write(name, ".tml", text)
