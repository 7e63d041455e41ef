"""Scoring the rules on an annotated gold set: `arules score GOLD.jsonl` (docs/scoring.md).

The conventions and the metrics are those of ANNOTATION.md, "How a set is scored":

- gold items with ``optional: true`` are skipped: a finding paired with one is neither a true nor
  a false positive (with ``nested=False``, items flagged ``nested: true`` are skipped the same way);
- findings and gold items of a label are paired one to one by span overlap (attribution: the cue
  span), greedily, the largest overlap first; precision, recall and F1 count the pairs;
- value-F1 counts a pair only when its value is right (dates: the finding's ``resolved`` where it
  has one, else its value, against the gold's ``resolved`` where there is one, else its
  ``value``, ``alt_value`` and ``alt_resolved`` accepted too; numbers: equal within a tolerance);
- speaker and content are the mean token-F1 of the paired attributions' speaker and content
  against the gold's effective speaker (``speaker`` or else ``speaker_from``) and content
  (``content`` or else ``content_from``), after normalization.

A gold set is JSON Lines: ``{"id", "text", "ref_date", "annotations": [...], "split"?}`` per
line. In the stored form of our own sets a line names its corpus file (``"file"``) instead of
holding the text, and its spans carry the ``crc`` of their text instead of the text
(`strip_texts` makes that form, `fill_texts` undoes it; `load_gold` reads the texts from the
corpus).
"""
from __future__ import annotations

import copy
import datetime as _dt
import gzip
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import default_corpus
from .errors import ArabicRulesError, ExtractionTimeout
from .normalize import normalize

__all__ = [
    "Discrepancy", "Finding", "GoldDoc", "GoldError", "GoldItem", "GoldSet", "GoldSpan", "LabelScore",
    "Report", "crc_of", "default_corpus", "evaluate", "fill_texts", "load_gold", "render", "score",
    "strip_texts", "token_f1", "tokens",
]

ATTRIBUTION = "attribution"
DATE = "date"
NUMBER = "number"
SPAN_KEYS = ("cue", "span", "speaker", "content", "speaker_from", "content_from")
NUMBER_TOLERANCE = 1e-4  # gold fractions have 4 decimals (0.3333); the rules give 0.333333333
CONTEXT = 30  # characters of context on each side in the --show lines
KINDS = ("miss", "false", "wrong")


class GoldError(ArabicRulesError):
    """A gold set cannot be used; the message names the file and line (``file:line: message``)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message, self.path, self.line = message, path, line
        where = f"{path}:{line}: " if path is not None and line is not None else f"{path}: " if path else ""
        super().__init__(where + message)

    def at(self, path: str, line: int | None) -> "GoldError":
        return GoldError(self.message, path, line)


# -- the gold set ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GoldItem:
    """One annotation, with its effective speaker, content and accepted values worked out."""

    label: str
    span: GoldSpan  # the span findings are paired on: the cue of an attribution, else the span
    value: Any = None
    accepted: tuple = ()  # values counted right: the effective value first, then the alternatives
    speaker: GoldSpan | None = None  # effective: speaker, else speaker_from
    content: GoldSpan | None = None  # effective: content, else content_from
    optional: bool = False
    nested: bool = False
    index: int = 0  # position in the record's annotations


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    ref_date: _dt.date | None
    items: tuple[GoldItem, ...]
    split: str | None = None
    line: int = 0  # line of the gold file
    labels: tuple[str, ...] | None = None  # the labels the record annotates ("labels"); None: any

    def annotates(self, label: str) -> bool:
        """Whether the record is annotated for ``label``: its declared ``labels`` say so, or it
        declares none (then findings of every scored label count in it)."""
        return self.labels is None or label in self.labels


@dataclass(frozen=True)
class GoldSet:
    path: str
    docs: tuple[GoldDoc, ...]
    skipped: int = 0  # records left out by the split asked for
    split: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels the set annotates: those its records declare, and those of its items."""
        return tuple(sorted({it.label for d in self.docs for it in d.items}
                            | {x for d in self.docs for x in d.labels or ()}))


def crc_of(text: str) -> str:
    """The stored form's check of a span's text: zlib.crc32 of its UTF-8, 8 lowercase hex digits."""
    return f"{zlib.crc32(text.encode('utf-8')) & 0xFFFFFFFF:08x}"


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _where(record: Mapping, k: int, ann: Any, key: str | None = None) -> str:
    label = ann.get("label") if isinstance(ann, Mapping) else None
    s = f"item {record.get('id', '?')}: annotations[{k}]" + (f" ({label})" if isinstance(label, str) else "")
    return s + (f" {key}" if key else "")


def _spans(ann: Mapping):
    """``(key, span)`` for every span of an annotation: the known span keys, and any other object
    value with offsets."""
    for key, v in ann.items():
        if isinstance(v, Mapping) and (key in SPAN_KEYS or "start" in v or "crc" in v):
            yield key, v


def _locate(text: str, span: Mapping, where: str) -> tuple[int, int]:
    """The offsets of a span: as given, or (none given) the one place its text occurs."""
    s, e = span.get("start"), span.get("end")
    if s is None and e is None:
        piece = span.get("text")
        if not isinstance(piece, str) or not piece:
            raise GoldError(f"{where}: a span needs start and end (or a text that occurs once)")
        n = text.count(piece)
        if n != 1:
            found = "does not occur in the text" if n == 0 else f"occurs {n} times in the text"
            raise GoldError(f"{where}: {piece!r} {found}; give its start and end")
        s = text.find(piece)
        return s, s + len(piece)
    if not (_is_int(s) and _is_int(e)):
        raise GoldError(f"{where}: start and end must be whole numbers (code points), not {s!r} and {e!r}")
    if not 0 <= s < e <= len(text):
        raise GoldError(f"{where}: {s}-{e} is not a span of the text (0 <= start < end <= {len(text)})")
    return s, e


def _check_text(text: str, s: int, e: int, span: Mapping, where: str) -> None:
    want = span.get("text")
    if want is None:
        return
    if not isinstance(want, str):
        raise GoldError(f"{where}: text must be a string, not {want!r}")
    if text[s:e] != want:
        hint = ""
        i = text.find(want) if want else -1
        if i >= 0:
            hint = f"; {want!r} is at {i}-{i + len(want)}"
        raise GoldError(f"{where}: the text at {s}-{e} is {text[s:e]!r}, not {want!r}{hint}")


def strip_texts(record: Mapping, file: str | None = None) -> dict:
    """The stored form of a full gold record: no ``text``, a ``file`` naming the corpus file it
    comes from (``file``, or the record's own), and each span's text replaced by its `crc_of`
    (spans given by their text alone get their offsets). `fill_texts` is the inverse."""
    text = record.get("text")
    if not isinstance(text, str):
        raise GoldError(f"item {record.get('id', '?')}: no text to strip")
    out = {}
    for k, v in record.items():  # "file" goes right after "id"
        if k != "text" and not (k == "file" and file is not None):
            out[k] = copy.deepcopy(v)
        if k == "id" and file is not None:
            out["file"] = file
    if not isinstance(out.get("file"), str) or not out.get("id"):
        raise GoldError(f"item {record.get('id', '?')}: the stored form needs the corpus id and file "
                        f"(\"id\" and \"file\", or strip_texts(record, file=...))")
    anns = out.get("annotations")
    for k, ann in enumerate(anns if isinstance(anns, list) else []):
        if not isinstance(ann, dict):
            continue
        for key, span in list(_spans(ann)):
            if "text" not in span:
                continue
            where = _where(record, k, ann, key)
            s, e = _locate(text, span, where)
            _check_text(text, s, e, span, where)
            rest = {x: v for x, v in span.items() if x not in ("start", "end", "text")}
            ann[key] = {"start": s, "end": e, "crc": crc_of(text[s:e]), **rest}
    return out


def fill_texts(record: Mapping, text: str) -> dict:
    """A stored record (`strip_texts`) with its ``text`` back and each span's text in place of its
    ``crc``; a crc that does not match the text is a `GoldError` naming the item (the corpus
    text changed since the set was annotated)."""
    if not isinstance(text, str):
        raise TypeError(f"fill_texts takes the record's text as a str, not {type(text).__name__}")
    out = copy.deepcopy(dict(record))
    out["text"] = text
    anns = out.get("annotations")
    for k, ann in enumerate(anns if isinstance(anns, list) else []):
        if not isinstance(ann, dict):
            continue
        for key, span in list(_spans(ann)):
            if "crc" not in span:
                continue
            where = _where(record, k, ann, key)
            s, e = span.get("start"), span.get("end")
            if not (_is_int(s) and _is_int(e)):
                raise GoldError(f"{where}: a stored span needs start and end, not {s!r} and {e!r}")
            if not 0 <= s < e <= len(text):
                raise GoldError(f"{where}: {s}-{e} is outside the corpus text ({len(text)} characters): "
                                f"the corpus changed since the set was annotated")
            piece, crc = text[s:e], span["crc"]
            if not isinstance(crc, str) or crc_of(piece) != crc.lower():
                raise GoldError(f"{where}: crc {crc!r} does not match the corpus text at {s}-{e} ({piece!r}, "
                                f"crc {crc_of(piece)}): the corpus changed since the set was annotated")
            ann[key] = {("text" if x == "crc" else x): (piece if x == "crc" else v) for x, v in span.items()}
    return out


def _record_shape(rec: Any) -> None:
    """Checks of a record that do not need its text."""
    if not isinstance(rec, dict):
        raise GoldError(f"a record must be a JSON object, not {type(rec).__name__}")
    rid = rec.get("id")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
        raise GoldError(f"id must be a string, not {rid!r}")
    text, file = rec.get("text"), rec.get("file")
    if text is None and file is None:
        raise GoldError("a record needs either \"text\" (the document) or \"file\" and \"id\" (a corpus "
                        "file and the document's id in it)")
    if text is not None and not isinstance(text, str):
        raise GoldError(f"text must be a string, not {type(text).__name__}")
    if file is not None and (not isinstance(file, str) or not file):
        raise GoldError(f"file must be a corpus file name, not {file!r}")
    if text is None and rid is None:
        raise GoldError("a record with \"file\" needs the document's corpus \"id\"")
    if rec.get("split") is not None and not isinstance(rec["split"], str):
        raise GoldError(f"split must be a string such as \"dev\" or \"test\", not {rec['split']!r}")
    declared = rec.get("labels")
    if declared is not None and (not isinstance(declared, list) or not declared
                                 or not all(isinstance(x, str) and x for x in declared)):
        raise GoldError(f"labels must be a non-empty list of the labels the record annotates, such as "
                        f"[\"date\", \"number\"], not {declared!r}")
    if rec.get("ref_date") is not None:
        _ref_date(rec["ref_date"])
    anns = rec.get("annotations")
    if not isinstance(anns, list):
        raise GoldError("a record needs \"annotations\": a list (empty for a document without any)")
    for k, ann in enumerate(anns):
        if not isinstance(ann, dict):
            raise GoldError(f"{_where(rec, k, ann)}: an annotation must be a JSON object")
        if not isinstance(ann.get("label"), str) or not ann["label"]:
            raise GoldError(f"{_where(rec, k, ann)}: an annotation needs a \"label\" "
                            f"(attribution, date, number)")
        if declared is not None and ann["label"] not in declared:
            raise GoldError(f"{_where(rec, k, ann)}: label {ann['label']!r} is not among the record's labels "
                            f"{declared}: add it there, or leave the item out")


def _ref_date(value) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value.strip()[:10])
    except (AttributeError, ValueError):
        raise GoldError(f"ref_date must be a date YYYY-MM-DD, not {value!r}") from None


def _alternatives(ann: Mapping, key: str, where: str, ok) -> list:
    v = ann.get(key)
    if v is None:
        return []
    vs = v if isinstance(v, list) else [v]
    for x in vs:
        if not ok(x):
            raise GoldError(f"{where}: {key} has a value of the wrong kind: {x!r}")
    return vs


def _item(rec: Mapping, k: int, ann: Mapping, text: str) -> GoldItem:
    label = ann["label"]
    where = _where(rec, k, ann)
    for flag in ("optional", "nested"):
        if ann.get(flag) not in (None, True, False):
            raise GoldError(f"{where}: {flag} must be true or false, not {ann[flag]!r}")
    optional, nested = bool(ann.get("optional")), bool(ann.get("nested"))
    spans: dict[str, GoldSpan | None] = {}
    for key in SPAN_KEYS:
        v = ann.get(key)
        if v is None:
            spans[key] = None
            continue
        if not isinstance(v, Mapping):
            raise GoldError(f"{where} {key}: a span is an object {{\"start\", \"end\", \"text\"}} (or null), "
                            f"not {v!r}")
        s, e = _locate(text, v, f"{where} {key}")
        _check_text(text, s, e, v, f"{where} {key}")
        if "crc" in v and (not isinstance(v["crc"], str) or v["crc"].lower() != crc_of(text[s:e])):
            raise GoldError(f"{where} {key}: crc {v['crc']!r} does not match the text at {s}-{e} "
                            f"({text[s:e]!r}, crc {crc_of(text[s:e])})")
        spans[key] = GoldSpan(s, e, text[s:e])
    key = "cue" if label == ATTRIBUTION else "span"
    if spans[key] is None:
        raise GoldError(f"{where}: {'an attribution needs its cue' if key == 'cue' else 'needs its span'} "
                        f"({{\"start\", \"end\", \"text\"}})")
    value, accepted = ann.get("value"), []
    if label == DATE:
        is_str = lambda x: isinstance(x, str) and bool(x.strip())  # noqa: E731
        if not is_str(value) and not (optional and value is None):
            raise GoldError(f"{where}: a date needs its value (ISO 8601, X for what is left open), "
                            f"not {value!r}")
        resolved = _alternatives(ann, "resolved", where, is_str)
        if len(resolved) > 1:
            raise GoldError(f"{where}: resolved is one date (alt_resolved takes the others)")
        effective = resolved[0] if resolved else value
        accepted = [effective] + _alternatives(ann, "alt_resolved", where, is_str) \
            + _alternatives(ann, "alt_value", where, is_str)
        accepted = [x.strip() for x in accepted if x is not None]
    elif label == NUMBER:
        if not _is_number(value) and not (optional and value is None):
            raise GoldError(f"{where}: a number needs its value (a number such as 300 or 0.25), not {value!r}")
        accepted = [x for x in [value] + _alternatives(ann, "alt_value", where, _is_number) if x is not None]
    elif label != ATTRIBUTION:
        resolved = ann.get("resolved")
        accepted = [resolved if resolved is not None else value] + _alternatives(ann, "alt_value", where,
                                                                                lambda x: True)
    return GoldItem(label=label, span=spans[key], value=value, accepted=tuple(accepted),
                    speaker=spans["speaker"] or spans["speaker_from"],
                    content=spans["content"] or spans["content_from"],
                    optional=optional, nested=nested, index=k)


def _doc(rec: Mapping, text: str, line: int) -> GoldDoc:
    rid = str(rec["id"]) if rec.get("id") is not None else f"line {line}"
    ref = _ref_date(rec["ref_date"]) if rec.get("ref_date") is not None else None
    items = tuple(_item(rec, k, ann, text) for k, ann in enumerate(rec["annotations"]))
    declared = rec.get("labels")
    return GoldDoc(id=rid, text=text, ref_date=ref, items=items, split=rec.get("split"), line=line,
                   labels=tuple(declared) if declared is not None else None)


def load_gold(path: str | Path, *, corpus: str | Path | None = None, split: str | None = None) -> GoldSet:
    """Read and check a gold set (JSON Lines). Records in the stored form get their texts from the
    corpus files in ``corpus`` (default `default_corpus`), each file scanned once; ``split``
    keeps only the records of that split. Any problem is a `GoldError` ``file:line: message``."""
    name = str(path)
    p = Path(path)
    if not p.is_file():
        raise GoldError("no such gold file" if not p.exists() else "not a file", name)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise GoldError(f"cannot read it: {e.strerror or e}", name) from None
    docs: list[GoldDoc | None] = []
    wanted: dict[str, dict[str, tuple[int, int, dict]]] = {}  # file -> id -> (line, slot, record)
    seen: dict[str, int] = {}
    skipped = 0
    splits: set[str | None] = set()
    for n, bline in enumerate(raw.splitlines(), 1):
        try:
            line = bline.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            raise GoldError(f"not UTF-8 (byte {bline[e.start]:#04x} at column {e.start + 1})", name, n) from None
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"not JSON: {e.msg} (column {e.colno})", name, n) from None
        try:
            _record_shape(rec)
        except GoldError as e:
            raise e.at(name, n) from None
        rid = str(rec["id"]) if rec.get("id") is not None else f"line {n}"
        if rid in seen:
            raise GoldError(f"id {rid!r} is already used on line {seen[rid]}", name, n)
        seen[rid] = n
        splits.add(rec.get("split"))
        if split is not None and rec.get("split") != split:
            skipped += 1
            continue
        if rec.get("text") is not None:  # the text is here (a "file" beside it is left alone)
            try:
                docs.append(_doc(rec, rec["text"], n))
            except GoldError as e:
                raise e.at(name, n) from None
        else:
            wanted.setdefault(rec["file"], {})[rid] = (n, len(docs), rec)
            docs.append(None)
    if not seen:
        raise GoldError("no records: a gold set has one JSON object per line", name)
    if split is not None and not docs:
        known = ", ".join(sorted(repr(s) for s in splits if s is not None)) or "none"
        raise GoldError(f"no record has split {split!r} (the splits in the file: {known})", name)
    if wanted:
        where = Path(corpus) if corpus is not None else default_corpus()
        for file, ids in wanted.items():
            for rid, (n, slot, rec), text in _corpus_texts(where, file, ids, name):
                try:
                    docs[slot] = _doc(fill_texts(rec, text), text, n)
                except GoldError as e:
                    raise e.at(name, n) from None
    return GoldSet(path=name, docs=tuple(d for d in docs if d is not None), skipped=skipped, split=split)


_LEADING_ID = re.compile(r'\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def _corpus_texts(corpus: Path, file: str, ids: dict[str, tuple[int, int, dict]], gold: str):
    """``(id, entry, text)`` for every id of ``ids`` in the corpus file, reading the file once and
    stopping when all are found; an id not there is a `GoldError` on its gold line."""
    first = min(n for n, _, _ in ids.values())
    path = corpus / file
    if Path(file).name != file:
        raise GoldError(f"file must be the name of a corpus file, not a path: {file!r}", gold, first)
    if not path.is_file():
        raise GoldError(f"corpus file {path} not found (--corpus DIR or ARULES_CORPUS says where the corpus is)",
                        gold, first)
    remaining = dict(ids)
    opener = gzip.open if file.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for k, line in enumerate(f, 1):
                m = _LEADING_ID.match(line)
                if m:  # the id is read without parsing the (long) record
                    try:
                        if json.loads(m.group(1)) not in remaining:
                            continue
                    except json.JSONDecodeError:
                        pass
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    raise GoldError(f"corpus file {path}:{k}: not JSON ({e.msg})", gold, first) from None
                rid = rec.get("id") if isinstance(rec, dict) else None
                if rid is None or str(rid) not in remaining:
                    continue
                n, slot, grec = remaining.pop(str(rid))
                if not isinstance(rec.get("text"), str):
                    raise GoldError(f"item {rid}: its record in {path} has no text", gold, n)
                yield rid, (n, slot, grec), rec["text"]
                if not remaining:
                    return
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise GoldError(f"cannot read corpus file {path}: {e}", gold, first) from None
    rid, (line, _, _) = next(iter(remaining.items()))
    raise GoldError(f"item {rid}: not in corpus file {path}", gold, line)


# -- findings -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """What scoring needs of a finding (a `Match`, or its JSON shape as `arules check` writes it)."""

    label: str
    start: int
    end: int
    key_start: int  # the span it is paired on: the cue of an attribution, else the match
    key_end: int
    text: str
    value: Any = None  # dates: attrs["resolved"] where there is one, else the value
    speaker: str | None = None
    content: str | None = None

    @classmethod
    def of(cls, m) -> "Finding":
        get = m.get if isinstance(m, Mapping) else lambda k: getattr(m, k)
        fields, attrs, value = get("fields") or {}, get("attrs") or {}, get("value")

        def part(name):
            f = fields.get(name)
            if f is None:
                return None
            return f if isinstance(f, Mapping) else {"start": f.start, "end": f.end, "text": f.text}

        label, start, end = get("label"), get("start"), get("end")
        cue = part("cue") if label == ATTRIBUTION else None
        ks, ke = (cue["start"], cue["end"]) if cue else (start, end)
        speaker = content = None
        if label == ATTRIBUTION:
            d = value if isinstance(value, Mapping) else {}
            sp, co = part("speaker"), part("content")
            speaker = sp["text"] if sp else d.get("speaker")
            content = co["text"] if co else d.get("content")
        elif attrs.get("resolved") is not None:
            value = attrs["resolved"]
        return cls(label, start, end, ks, ke, get("text"), value, speaker, content)


# -- metrics --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str | None) -> list[str]:
    """The tokens of ``text`` compared for speaker and content: its normalized form split on
    whitespace and punctuation."""
    if not text:
        return []
    return _TOKEN.findall(normalize(text).text)


def token_f1(found: str | None, gold: str | None) -> float:
    """Token-F1 of two texts (multisets of `tokens`); 0 when one side is missing, 1 when both are."""
    a, b = tokens(found), tokens(gold)
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def _same_value(want, got) -> bool:
    if _is_number(want) or _is_number(got):
        if not (_is_number(want) and _is_number(got)):
            return False
        return math.isclose(want, got, rel_tol=1e-9, abs_tol=NUMBER_TOLERANCE)
    if isinstance(want, str) and isinstance(got, str):
        return want.strip() == got.strip()
    return want == got


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass(frozen=True)
class LabelScore:
    """The scores of one label over a set. Ratios are None where they are undefined (precision
    with nothing found, recall with nothing in the gold, value-F1 of attributions, speaker and
    content of other labels or without any pair)."""

    label: str
    gold: int  # gold items scored (optional ones and, with nested off, nested ones left out)
    found: int  # findings, but for those paired with a skipped gold item
    matched: int  # pairs (true positives)
    value_matched: int | None = None  # pairs with the right value (None: attribution)
    speaker: float | None = None  # mean token-F1 over the pairs (attribution)
    content: float | None = None
    skipped_gold: int = 0  # optional (or nested) gold items left out
    skipped_found: int = 0  # findings paired with them

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.found)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.matched, self.gold + self.found)

    @property
    def value_precision(self) -> float | None:
        return None if self.value_matched is None else _ratio(self.value_matched, self.found)

    @property
    def value_recall(self) -> float | None:
        return None if self.value_matched is None else _ratio(self.value_matched, self.gold)

    @property
    def value_f1(self) -> float | None:
        return None if self.value_matched is None else _ratio(2 * self.value_matched, self.gold + self.found)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "gold": self.gold, "found": self.found, "matched": self.matched,
                "precision": self.precision, "recall": self.recall, "f1": self.f1,
                "value_matched": self.value_matched, "value_precision": self.value_precision,
                "value_recall": self.value_recall, "value_f1": self.value_f1,
                "speaker": self.speaker, "content": self.content,
                "skipped_gold": self.skipped_gold, "skipped_found": self.skipped_found}


@dataclass(frozen=True)
class Discrepancy:
    """A miss (a gold item no finding pairs with), a false finding (one paired with no gold item)
    or a wrong pair (a wrong value; for attributions a speaker or content below token-F1 1)."""

    kind: str  # miss, false, wrong
    label: str
    doc: str
    start: int
    end: int
    text: str
    expected: str | None  # the gold's value (attribution: speaker and content), as shown
    found: str | None  # the finding's
    context: str  # the text around, the span in [brackets], line breaks as ⏎
    line: int  # line and column of the span in the document's text (1-based)
    col: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "doc": self.doc, "line": self.line, "col": self.col,
                "start": self.start, "end": self.end, "text": self.text, "expected": self.expected,
                "found": self.found, "context": self.context}

    def __str__(self) -> str:
        where = f"{self.doc}:{self.line}:{self.col}"
        if self.kind == "miss":
            vs = f"expected {self.expected}"
        elif self.kind == "false":
            vs = f"found {self.found}"
        else:
            vs = f"expected {self.expected}, found {self.found}"
        return f"{self.kind:<5} {where}  «{self.text}»  {vs}  | {self.context}"


@dataclass(frozen=True)
class Report:
    path: str
    documents: int
    labels: tuple[LabelScore, ...]
    discrepancies: tuple[Discrepancy, ...] = ()
    nested: bool = True
    split: str | None = None
    skipped_documents: int = 0  # left out by the split

    def label(self, name: str) -> LabelScore:
        for s in self.labels:
            if s.label == name:
                return s
        raise KeyError(name)

    def shown(self, n: int) -> list[Discrepancy]:
        """Up to ``n`` misses, ``n`` false findings and ``n`` wrong pairs per label."""
        out, count = [], Counter()
        for d in self.discrepancies:
            if count[d.label, d.kind] < n:
                count[d.label, d.kind] += 1
                out.append(d)
        return out

    def to_dict(self, show: int = 0) -> dict[str, Any]:
        d: dict[str, Any] = {"gold": self.path, "documents": self.documents, "split": self.split,
                             "skipped_documents": self.skipped_documents, "nested": self.nested,
                             "labels": {s.label: s.to_dict() for s in self.labels}}
        if show:
            d["discrepancies"] = [x.to_dict() for x in self.shown(show)]
        return d


@dataclass
class _Tally:
    gold: int = 0
    found: int = 0
    matched: int = 0
    value_matched: int = 0
    skipped_gold: int = 0
    skipped_found: int = 0
    speaker: list = field(default_factory=list)
    content: list = field(default_factory=list)


def _shown(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _clip(text: str | None, n: int = 60) -> str:
    if text is None:
        return "null"
    text = text.replace("\n", "⏎")
    return f"«{text if len(text) <= n else text[:n - 1] + '…'}»"


def _discrepancy(kind: str, label: str, doc: GoldDoc, start: int, end: int, expected, found) -> Discrepancy:
    text = doc.text
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    ctx = (text[max(0, start - CONTEXT):start] + "[" + text[start:end] + "]" + text[end:end + CONTEXT])
    return Discrepancy(kind, label, doc.id, start, end, text[start:end].replace("\n", "⏎"), expected, found,
                       ctx.replace("\n", "⏎"), line, col)


def _attribution_side(speaker: str | None, content: str | None) -> str:
    return f"speaker {_clip(speaker)} content {_clip(content)}"


def _score_label(doc: GoldDoc, label: str, gold: list[GoldItem], found: list[Finding], nested: bool,
                 t: _Tally, out: list[Discrepancy]) -> None:
    skip = [it.optional or (it.nested and not nested) for it in gold]
    pairs = []
    for gi, it in enumerate(gold):
        for fi, f in enumerate(found):
            overlap = min(it.span.end, f.key_end) - max(it.span.start, f.key_start)
            if overlap > 0:
                pairs.append((-overlap, skip[gi], gi, fi))
    pairs.sort()
    g_of: dict[int, int] = {}
    f_of: dict[int, int] = {}
    for _, _, gi, fi in pairs:
        if gi not in f_of and fi not in g_of:
            f_of[gi], g_of[fi] = fi, gi
    events = []  # (position, order, discrepancy) so that --show lists them in text order
    for gi, it in enumerate(gold):
        if skip[gi]:
            t.skipped_gold += 1
            t.skipped_found += gi in f_of
            continue
        t.gold += 1
        if gi not in f_of:
            exp = (_attribution_side(it.speaker and it.speaker.text, it.content and it.content.text)
                   if label == ATTRIBUTION else _shown(it.accepted[0] if it.accepted else it.value))
            events.append((it.span.start, _discrepancy("miss", label, doc, it.span.start, it.span.end, exp, None)))
            continue
        f = found[f_of[gi]]
        t.matched += 1
        if label == ATTRIBUTION:
            sp = token_f1(f.speaker, it.speaker and it.speaker.text)
            co = token_f1(f.content, it.content and it.content.text)
            t.speaker.append(sp)
            t.content.append(co)
            if sp < 1 or co < 1:
                exp = _attribution_side(it.speaker and it.speaker.text, it.content and it.content.text)
                got = _attribution_side(f.speaker, f.content) + f" (token-F1 {sp:.2f} / {co:.2f})"
                events.append((it.span.start, _discrepancy("wrong", label, doc, it.span.start, it.span.end,
                                                           exp, got)))
        elif any(_same_value(want, f.value) for want in it.accepted):
            t.value_matched += 1
        else:
            exp = " or ".join(_shown(x) for x in it.accepted) or "null"
            events.append((it.span.start, _discrepancy("wrong", label, doc, it.span.start, it.span.end, exp,
                                                       _shown(f.value))))
    for fi, f in enumerate(found):
        if fi in g_of and skip[g_of[fi]]:
            continue
        t.found += 1
        if fi not in g_of:
            got = _attribution_side(f.speaker, f.content) if label == ATTRIBUTION else _shown(f.value)
            events.append((f.key_start, _discrepancy("false", label, doc, f.key_start, f.key_end, None, got)))
    events.sort(key=lambda e: e[0])
    out.extend(d for _, d in events)


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def score(gold: GoldSet | Iterable[GoldDoc], findings: Mapping[str, Iterable], *,
          labels: Iterable[str] | None = None, nested: bool = True) -> Report:
    """Score ``findings`` (doc id -> `Match`es or their JSON shape; a doc without an entry has no
    findings) against ``gold``. ``labels``: the labels scored (default: those the gold set
    annotates, so that a set of dates alone is not charged for the numbers found);
    ``nested=False`` leaves out the gold items flagged nested, as optional ones are."""
    docs = tuple(gold.docs if isinstance(gold, GoldSet) else gold)
    if labels is None:
        wanted = sorted({it.label for d in docs for it in d.items} | {x for d in docs for x in d.labels or ()})
    else:
        if isinstance(labels, str):
            raise TypeError(f"labels takes a collection of labels such as {{{labels!r}}}, not a str")
        wanted = sorted(set(labels))
    tallies = {label: _Tally() for label in wanted}
    out: list[Discrepancy] = []
    for doc in docs:
        found = [Finding.of(m) for m in findings.get(doc.id, ())]
        for label in wanted:
            if not doc.annotates(label):  # a record annotated for other labels: not charged for these
                continue
            _score_label(doc, label, [it for it in doc.items if it.label == label],
                         [f for f in found if f.label == label], nested, tallies[label], out)
    scores = []
    for label, t in tallies.items():
        attribution = label == ATTRIBUTION
        scores.append(LabelScore(label, t.gold, t.found, t.matched,
                                 value_matched=None if attribution else t.value_matched,
                                 speaker=_mean(t.speaker) if attribution else None,
                                 content=_mean(t.content) if attribution else None,
                                 skipped_gold=t.skipped_gold, skipped_found=t.skipped_found))
    order = {label: k for k, label in enumerate(wanted)}
    out.sort(key=lambda d: order[d.label])  # stable: each label's in document order
    gs = gold if isinstance(gold, GoldSet) else None
    return Report(path=gs.path if gs else "", documents=len(docs), labels=tuple(scores),
                  discrepancies=tuple(out), nested=nested, split=gs.split if gs else None,
                  skipped_documents=gs.skipped if gs else 0)


def evaluate(engine, gold: GoldSet, *, labels: Iterable[str] | None = None, nested: bool = True) -> Report:
    """Run ``engine`` on every document of ``gold`` (with its ref_date) and `score` the findings."""
    wanted = set(gold.labels if labels is None else labels)
    unknown = sorted(wanted - set(engine.labels))
    if unknown:
        known = ", ".join(sorted(engine.labels))
        if labels is not None:
            raise GoldError(f"unknown label(s) {', '.join(unknown)}; the rules' labels are {known}")
        line = min(d.line for d in gold.docs if any(it.label in unknown for it in d.items))
        raise GoldError(f"label(s) {', '.join(unknown)} are not found by the rules ({known}); add their "
                        f"rules with --patterns", gold.path, line)
    findings = {}
    for d in gold.docs:
        try:
            findings[d.id] = engine.extract(d.text, d.ref_date, labels=wanted)
        except ExtractionTimeout as e:
            raise ExtractionTimeout(f"{gold.path}:{d.line}: item {d.id}: {e}") from None
    return score(gold, findings, labels=wanted, nested=nested)


# -- output ---------------------------------------------------------------------------------------

def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def render(report: Report, console, show: int = 0) -> None:
    """The scores as a table (rich), then with ``show`` up to that many misses, false findings
    and wrong pairs per label, a line each."""
    from rich import box
    from rich.table import Table

    what = f"{report.documents} document(s)"
    if report.split is not None:
        what += f" of split {report.split} ({report.skipped_documents} other(s) left out)"
    table = Table(title=f"{report.path}: {what}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("label", "gold", "found", "matched", "P", "R", "F1", "value-F1", "speaker", "content"):
        table.add_column(name, justify="left" if name == "label" else "right", no_wrap=True)
    for s in report.labels:
        table.add_row(s.label, str(s.gold), str(s.found), str(s.matched), _fmt(s.precision), _fmt(s.recall),
                      _fmt(s.f1), _fmt(s.value_f1), _fmt(s.speaker), _fmt(s.content))
    console.print(table)
    skipped = [(s.label, s.skipped_gold, s.skipped_found) for s in report.labels if s.skipped_gold]
    if skipped:
        why = "optional" + ("" if report.nested else " or nested")
        console.print(f"left out ({why}): " + "; ".join(f"{label} {g} gold item(s), {f} finding(s) paired with them"
                                                      for label, g, f in skipped), markup=False, highlight=False)
    if show:
        for d in report.shown(show):
            console.print(f"{d.label:<12} {d}", markup=False, highlight=False)
