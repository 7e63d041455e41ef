"""A small language for the shape of YAML data (which keys, which types, what is required), with
two readings of one description: `check` walks data read by `yamltree` and reports each mistake
at its YAML node with an error code, and `json_schema` writes the same description as a JSON
Schema (draft-07) for editors.

`rulefile` describes a rule file in this language; the loader runs `check` before it reads the
rules, and `arules schema` prints `json_schema`. What a shape cannot say (a name defined in
another file, the syntax of a pattern) stays with the loader and lint.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .yamltree import NodeList, NodeMap, new_list, new_map

JsonSchema = dict[str, Any]


# --- the shapes ---------------------------------------------------------------------------------
# Every shape has `code` (the loader's error code when a value does not fit) and `message` (a
# template for that error, with {subject}: "'priority'", "each item of 'imports'", "lexicon 'x'";
# {where}: the nearest named place; {value}: the value). `name` files the shape under
# `definitions` of the JSON Schema (shapes used in several places, or worth a name in an editor).

@dataclass(frozen=True, kw_only=True)
class Shape:
    doc: str = ""
    code: str = "E003"
    message: str = ""
    name: str = ""

    @property
    def noun(self) -> str:
        """What the value should be, for messages: "a list", "an integer"."""
        return "a value"

    def fits(self, value: Any) -> bool:
        """Whether ``value`` has this shape's type (the first test of `Either`)."""
        return True


@dataclass(frozen=True, kw_only=True)
class Text(Shape):
    """A string. ``explain`` (text -> "" or what is wrong) is the authority for the loader;
    ``regex`` says the same to a JSON Schema (tests/test_schema.py checks that they agree)."""

    min_len: int = 0
    regex: str = ""
    explain: Callable[[str], str] | None = None

    @property
    def noun(self) -> str:
        return "a non-empty string" if self.min_len else "a string"

    def fits(self, value: Any) -> bool:
        return isinstance(value, str)


@dataclass(frozen=True, kw_only=True)
class Integer(Shape):
    @property
    def noun(self) -> str:
        return "an integer"

    def fits(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class Boolean(Shape):
    @property
    def noun(self) -> str:
        return "true or false"

    def fits(self, value: Any) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class Number(Shape):
    @property
    def noun(self) -> str:
        return "a number"

    def fits(self, value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class Date(Shape):
    """A calendar date: a YAML date such as 2021-12-13 (a string of that form to a JSON Schema:
    editors read YAML 1.2, which has no date type)."""

    @property
    def noun(self) -> str:
        return "a date like 2021-12-13"

    def fits(self, value: Any) -> bool:
        return isinstance(value, _dt.date)


@dataclass(frozen=True, kw_only=True)
class Anything(Shape):
    @property
    def noun(self) -> str:
        return "any value"


@dataclass(frozen=True, kw_only=True)
class Null(Shape):
    """Nothing: a key written without a value."""

    @property
    def noun(self) -> str:
        return "empty"

    def fits(self, value: Any) -> bool:
        return value is None


@dataclass(frozen=True, kw_only=True)
class Collection(Shape):
    """A list or a mapping: fewer than ``min_items`` good items is error ``empty_code``."""

    min_items: int = 0
    empty_code: str = "E003"
    empty_message: str = "{subject} is empty"


@dataclass(frozen=True, kw_only=True)
class ListOf(Collection):
    """A list of ``item``."""

    item: Shape

    @property
    def noun(self) -> str:
        return "a list"

    def fits(self, value: Any) -> bool:
        return isinstance(value, list)


@dataclass(frozen=True, kw_only=True)
class TableOf(Collection):
    """A mapping of names to ``value`` (lexicons, macros). ``what`` names an entry in messages
    ("lexicon 'x'"); ``names``, when given, is the form every name must have."""

    value: Shape
    what: str = ""
    names: Text | None = None

    @property
    def noun(self) -> str:
        return "a mapping of name -> value"

    def fits(self, value: Any) -> bool:
        return isinstance(value, Mapping)


@dataclass(frozen=True)
class Field:
    """One key of a `Record`. ``nullable``: an empty value (``key:`` alone) counts as absent;
    ``at_record``: a mistake in the value is reported at the record (examples are short, and
    their problems read best at the example); ``checked_by``: another module checks the value
    (the loader passes it through untouched; the JSON Schema still describes it)."""

    key: str
    shape: Shape
    required: bool = False
    nullable: bool = False
    at_record: bool = False
    doc: str = ""
    checked_by: str = ""


@dataclass(frozen=True, kw_only=True)
class Record(Shape):
    """A mapping with known keys. ``what`` names it in messages ("unknown key 'x' in rule");
    ``other``, when given, is the shape of keys not listed (they are errors otherwise)."""

    fields: tuple[Field, ...]
    what: str
    other: Shape | None = None
    marks: tuple[str, ...] = ()  # when given, only a mapping with one of these keys fits (see `fits`)

    @property
    def noun(self) -> str:
        return "a mapping"

    def fits(self, value: Any) -> bool:
        """A mapping; with ``marks``, one that has one of those keys: how `Either` tells this
        record from another mapping (a declared lexicon {role:, forms:} from a value table)."""
        return isinstance(value, Mapping) and (not self.marks or any(k in value for k in self.marks))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


@dataclass(frozen=True)
class Case:
    """One form of a `Cases` mapping: it has every key of ``present`` and none of ``absent``."""

    present: tuple[str, ...]
    absent: tuple[str, ...]
    record: Record


@dataclass(frozen=True, kw_only=True)
class Cases(Shape):
    """A mapping that takes one of several forms, told apart by which keys it has (an example:
    'text' with or without 'value', or 'not'). ``message`` says what to write when none fits."""

    cases: tuple[Case, ...]
    what: str

    @property
    def noun(self) -> str:
        return "a mapping"

    def fits(self, value: Any) -> bool:
        return isinstance(value, Mapping)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for c in self.cases for k in c.record.keys))


@dataclass(frozen=True, kw_only=True)
class Either(Shape):
    """One of ``options``, chosen by the value's type (the first option whose type fits)."""

    options: tuple[Shape, ...]

    @property
    def noun(self) -> str:
        return " or ".join(o.noun for o in self.options)

    def fits(self, value: Any) -> bool:
        return any(o.fits(value) for o in self.options)


# --- the loader's reading: check ----------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """A mistake: the YAML node it is at (None: the start of the file), its code and message."""

    node: Any
    code: str
    message: str


class _Invalid:
    """The result of a value that does not fit: its container leaves it out."""


INVALID = _Invalid()


def check(shape: Shape, value: Any, node: Any = None, subject: str = "the value") -> tuple[Any, list[Finding]]:
    """Check ``value`` (read by `yamltree`, at YAML ``node``) against ``shape``. Returns the
    value without the parts that do not fit (`INVALID` if the value itself does not: a wrong
    type, or a required key missing or wrong) and the mistakes found, each once."""
    found: list[Finding] = []
    kept = _Checker(found).run(shape, value, node, subject, subject)
    return kept, found


def _key_nodes(m: Any) -> dict[Any, Any]:
    return m.key_nodes if isinstance(m, NodeMap) else {}


def _value_nodes(m: Any) -> dict[Any, Any]:
    return m.value_nodes if isinstance(m, NodeMap) else {}


class _Checker:
    def __init__(self, found: list[Finding]) -> None:
        self.found = found

    def report(self, node: Any, code: str, message: str) -> None:
        self.found.append(Finding(node, code, message))

    def mismatch(self, shape: Shape, value: Any, node: Any, subject: str, where: str) -> _Invalid:
        template = shape.message or "{subject} must be {noun}"
        self.report(node, shape.code, template.format(subject=subject, where=where, value=value, noun=shape.noun))
        return INVALID

    def run(self, shape: Shape, value: Any, node: Any, subject: str, where: str) -> Any:
        if not shape.fits(value):
            return self.mismatch(shape, value, node, subject, where)
        if isinstance(shape, Either):
            option = next(o for o in shape.options if o.fits(value))
            return self.run(option, value, node, subject, where)
        if isinstance(shape, Text):
            return self.text(shape, value, node, subject, where)
        if isinstance(shape, ListOf):
            return self.list_of(shape, value, node, subject, where)
        if isinstance(shape, TableOf):
            return self.table_of(shape, value, node, subject, where)
        if isinstance(shape, Record):
            self.unknown_keys(value, shape.keys if shape.other is None else None, shape.what)
            return self.record(shape, value, node)
        if isinstance(shape, Cases):
            self.unknown_keys(value, shape.keys, shape.what)
            keys = set(value)
            case = next((c for c in shape.cases
                         if keys.issuperset(c.present) and not keys.intersection(c.absent)), None)
            if case is None:
                return self.mismatch(shape, value, node, subject, where)
            return self.record(case.record, value, node)
        return value  # Integer, Number, Date, Anything: the type was all there is to check

    def text(self, shape: Text, value: str, node: Any, subject: str, where: str) -> Any:
        if len(value) < shape.min_len:
            return self.mismatch(shape, value, node, subject, where)
        if shape.explain is not None:
            why = shape.explain(value)
            if why:
                self.report(node, shape.code, why)
                return INVALID
        elif shape.regex and not re.fullmatch(shape.regex, value):
            return self.mismatch(shape, value, node, subject, where)
        return value

    def list_of(self, shape: ListOf, value: Any, node: Any, subject: str, where: str) -> Any:
        out = new_list(getattr(value, "node", node))
        item_nodes = value.item_nodes if isinstance(value, NodeList) else [None] * len(value)
        for item, inode in zip(value, item_nodes):
            kept = self.run(shape.item, item, inode, f"each item of {subject}", where)
            if kept is not INVALID:
                out.append(kept)
                out.item_nodes.append(inode)
        if len(out) < shape.min_items:
            self.report(node, shape.empty_code, shape.empty_message.format(subject=subject, where=where))
        return out

    def table_of(self, shape: TableOf, value: Any, node: Any, subject: str, where: str) -> Any:
        out = new_map(getattr(value, "node", node))
        for key, item in value.items():
            knode, vnode = _key_nodes(value).get(key), _value_nodes(value).get(key)
            names = shape.names
            if names is not None and not (isinstance(key, str) and re.fullmatch(names.regex, key)):
                self.mismatch(names, key, knode, repr(key), where)
                continue
            here = f"{shape.what} {key!r}" if shape.what else where
            kept = self.run(shape.value, item, vnode, here, here)
            if kept is not INVALID:
                out[key] = kept
                out.key_nodes[key], out.value_nodes[key] = knode, vnode
        if len(out) < shape.min_items:
            self.report(node, shape.empty_code, shape.empty_message.format(subject=subject, where=where))
        return out

    def unknown_keys(self, value: Any, allowed: tuple[str, ...] | None, what: str) -> None:
        if allowed is None:
            return
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
                self.report(_key_nodes(value).get(key), "E004", f"unknown key {key!r} in {what}; {hint}")

    def record(self, shape: Record, value: Any, node: Any) -> Any:
        out = new_map(getattr(value, "node", node))
        whole = True
        missing = [f.key for f in shape.fields if f.required and f.key not in value]
        if missing:
            self.report(node, "E005", f"{shape.what} needs " + ", ".join(map(repr, missing)))
            whole = False
        by_key = {f.key: f for f in shape.fields}
        for key, item in value.items():
            f = by_key.get(key)
            if f is None and shape.other is None:
                continue  # reported as an unknown key
            kept = item
            if f is not None and (f.checked_by or (item is None and f.nullable)):
                pass
            elif f is not None:
                vnode = node if f.at_record else _value_nodes(value).get(key)
                kept = self.run(f.shape, item, vnode, repr(key), repr(key))
            elif shape.other is not None:
                kept = self.run(shape.other, item, _value_nodes(value).get(key), repr(key), repr(key))
            if kept is INVALID:
                whole = whole and not (f is not None and f.required)
                continue
            out[key] = kept
            out.key_nodes[key], out.value_nodes[key] = _key_nodes(value).get(key), _value_nodes(value).get(key)
        return out if whole else INVALID


# --- the editors' reading: JSON Schema ----------------------------------------------------------

DRAFT = "http://json-schema.org/draft-07/schema#"


def json_schema(shape: Shape, title: str = "", doc: str = "") -> JsonSchema:
    """``shape`` as a JSON Schema (draft-07, which editors' YAML support reads) of the JSON view of
    the data: mapping keys as strings, dates as YYYY-MM-DD strings."""
    definitions: dict[str, JsonSchema] = {}
    body = _schema(shape, definitions)
    out: JsonSchema = {"$schema": DRAFT}
    if title:
        out["title"] = title
    if doc:
        out["description"] = doc
    out.update(body)
    if definitions:
        out["definitions"] = dict(sorted(definitions.items()))
    return out


def _schema(shape: Shape, defs: dict[str, JsonSchema]) -> JsonSchema:
    if shape.name and shape.name in defs:
        return {"$ref": f"#/definitions/{shape.name}"}
    if shape.name:
        defs[shape.name] = {}  # reserved first: a shape may refer to itself through its parts
    body = _body(shape, defs)
    if shape.doc:
        body = {"description": shape.doc, **body}
    if not shape.name:
        return body
    defs[shape.name] = body
    return {"$ref": f"#/definitions/{shape.name}"}


def _anchored(regex: str) -> str:
    return f"^(?:{regex})$"


def _body(shape: Shape, defs: dict[str, JsonSchema]) -> JsonSchema:
    if isinstance(shape, Text):
        out: JsonSchema = {"type": "string"}
        if shape.min_len:
            out["minLength"] = shape.min_len
        if shape.regex:
            out["pattern"] = _anchored(shape.regex)
        return out
    if isinstance(shape, Integer):
        return {"type": "integer"}
    if isinstance(shape, Boolean):
        return {"type": "boolean"}
    if isinstance(shape, Number):
        return {"type": "number"}
    if isinstance(shape, Date):
        return {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    if isinstance(shape, Null):
        return {"type": "null"}
    if isinstance(shape, ListOf):
        out = {"type": "array", "items": _schema(shape.item, defs)}
        if shape.min_items:
            out["minItems"] = shape.min_items
        return out
    if isinstance(shape, TableOf):
        out = {"type": "object", "additionalProperties": _schema(shape.value, defs)}
        if shape.names is not None:
            out["propertyNames"] = {"pattern": _anchored(shape.names.regex)}
        if shape.min_items:
            out["minProperties"] = shape.min_items
        return out
    if isinstance(shape, Record):
        return _record(shape, defs)
    if isinstance(shape, Cases):
        props: dict[str, JsonSchema] = {}
        for c in shape.cases:
            for f in c.record.fields:
                props.setdefault(f.key, {"description": f.doc} if f.doc else {})
        branches = []
        for c in shape.cases:
            branch = _record(c.record, defs)
            del branch["type"], branch["additionalProperties"]
            branch["required"] = sorted(set(branch.get("required", [])) | set(c.present))
            if c.absent:
                branch["not"] = {"anyOf": [{"required": [k]} for k in c.absent]}
            branches.append(branch)
        return {"type": "object", "properties": props, "additionalProperties": False, "oneOf": branches}
    if isinstance(shape, Either):
        options, marks = [], []
        for o in shape.options:  # a mapping after a record told by its marks: one without those keys
            got = _schema(o, defs)
            if marks and isinstance(o, (TableOf, Record)):
                got = {"allOf": [got], "not": {"anyOf": [{"required": [k]} for k in marks]}}
            options.append(got)
            if isinstance(o, Record):
                marks += o.marks
        return {"anyOf": options}
    return {}


def _record(shape: Record, defs: dict[str, JsonSchema]) -> JsonSchema:
    props: dict[str, JsonSchema] = {}
    for f in shape.fields:
        prop = _schema(f.shape, defs)
        if f.nullable:
            prop = {"anyOf": [prop, {"type": "null"}]}
        elif "$ref" in prop and f.doc:
            prop = {"allOf": [prop]}  # (draft-07 ignores the words beside a $ref)
        if f.doc:
            prop = {"description": f.doc + (f" (checked by {f.checked_by})" if f.checked_by else ""), **prop}
        props[f.key] = prop
    out: JsonSchema = {"type": "object", "properties": props}
    required = [f.key for f in shape.fields if f.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = _schema(shape.other, defs) if shape.other is not None else False
    if shape.marks:
        out["anyOf"] = [{"required": [k]} for k in shape.marks]
    return out
