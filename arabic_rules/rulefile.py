"""The shape of a rule file, said once: which keys a file, a rule, an example, a lexicon and a
verb have, of which types, which are required, and the form of an example's text.

The loader checks every file against `RULE_FILE` (codes E003 wrong type, E004 unknown key,
E005 missing key, E110 malformed example, E111 lexicon form that is not a word), and
`json_schema()` is the same description as a JSON Schema: `arules schema` prints it, and
patterns/rules.schema.json ships it for editors (the packs point at it in their first line).
What a shape cannot say (a lexicon or macro that does not exist, the syntax of a pattern, a
value builder's arguments) stays with the loader and lint. docs/patterns.md is the guide.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from .shapes import (Anything, Boolean, Case, Cases, Date, Either, Field, Integer, JsonSchema, ListOf, Null, Number,
                     Record, TableOf, Text, json_schema as _json_schema)

SCHEMA_FILE = "rules.schema.json"  # beside the packs, in patterns/
NAME = r"[A-Za-z][A-Za-z0-9_.]*"


# --- the text of an example: one [bracketed] expected match, then optionally ' -> value' --------

def brackets(raw: str) -> tuple[str, tuple[int, int] | None, str]:
    """Remove one ``[...]`` pair (``\\[`` escapes a bracket); return text, span, error."""
    if "\\" not in raw:  # (the common case, without a character loop: 2,700 examples in the shipped packs)
        opens, closes = raw.count("["), raw.count("]")
        if not opens and not closes:
            return raw, None, ""
        if opens == 1 and closes == 1 and raw.index("[") < raw.index("]"):
            a, b = raw.index("["), raw.index("]")
            return raw[:a] + raw[a + 1:b] + raw[b + 1:], (a, b - 1), ""
    return read_brackets(raw)


def read_brackets(raw: str) -> tuple[str, tuple[int, int] | None, str]:
    """`brackets` read a character at a time (any example; `brackets` takes a shortcut for the
    common ones)."""
    out: list[str] = []
    span_start: int | None = None
    span_end: int | None = None
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw) and raw[i + 1] in "[]":
            out.append(raw[i + 1])
            i += 2
            continue
        if c == "[":
            if span_start is not None:
                return "", None, "only one [bracketed] match per example; write another example for the next"
            span_start = len(out)
        elif c == "]":
            if span_start is None or span_end is not None:
                return "", None, "unbalanced ] in example; escape a literal bracket as \\]"
            span_end = len(out)
        else:
            out.append(c)
        i += 1
    if span_start is not None and span_end is None:
        return "", None, "unbalanced [ in example; close it with ]"
    span = (span_start, span_end) if span_start is not None and span_end is not None else None
    return "".join(out), span, ""


ARROW = " -> "  # 'text [match] -> value': the value is what follows the last arrow


def split_value(raw: str) -> tuple[str, str | None]:
    """``'text -> value'`` -> (text, value source); (raw, None) without an arrow."""
    if ARROW in raw:
        text, value = raw.rsplit(ARROW, 1)
        return text, value
    return raw, None


_MARK = "mark the expected match with [brackets], as in 'في [9 أيار] الماضي'"


def _expected_match(raw: str) -> str:
    """What is wrong with the text of a positive example ("" if nothing): one [match], required."""
    _, span, err = brackets(raw)
    return err or ("" if span is not None else _MARK)


def _expected_match_and_value(raw: str) -> str:
    return _expected_match(split_value(raw)[0])


def _no_match(raw: str) -> str:
    return brackets(raw)[2]


# The same forms as regular expressions (for the JSON Schema; Python's re and ECMAScript read them
# alike). A character of text: anything but a bracket, an escaped bracket, or a lone backslash.
_CH = r"(?:[^\[\]\\]|\\[\[\]]|\\(?![\[\]]))"
_SPAN = rf"{_CH}*\[{_CH}*\]{_CH}*"
_NO_ARROW = rf"(?![\s\S]*{ARROW})"
EXPECTED_MATCH = _SPAN
EXPECTED_MATCH_AND_VALUE = rf"{_NO_ARROW}{_SPAN}|{_SPAN}{ARROW}(?:(?!{ARROW})[\s\S])*"
NO_MATCH = rf"{_CH}*(?:\[{_CH}*\]{_CH}*)?"


# --- the description ----------------------------------------------------------------------------

_FORM_MESSAGE = "{where}: {value!r} is not a word; write the form as text"
FORM = Either(options=(Text(min_len=1, code="E111", message=_FORM_MESSAGE), Number()), code="E111",
              message=_FORM_MESSAGE, name="form",
              doc="a word or phrase, written as usual (it is normalized like the text); a number is read as text")
_EMPTY_LEXICON = "{subject} is empty; add at least one form"
_FORM_LIST = ListOf(item=FORM, min_items=1, empty_code="E111", empty_message=_EMPTY_LEXICON)
_FORM_TABLE = TableOf(value=Either(options=(FORM, ListOf(item=FORM)), code="E111", message=_FORM_MESSAGE),
                      min_items=1, empty_code="E111", empty_message=_EMPTY_LEXICON)
LEXICON_KEYS = ("role", "include", "forms", "doc")
DECLARED_LEXICON = Record(
    what="lexicon", name="declared_lexicon", marks=("role", "include", "forms"),
    doc="a lexicon with a declared role or other lexicons included: {role:, include: [...], forms:}",
    fields=(
        Field("role", Text(min_len=1), nullable=True,
              doc="what its words are to the value builders: number.value, number.scale, number.fraction, "
                  "number.teen, number.joiner, number.article, verb.passive, ... (docs/patterns.md)"),
        Field("include", ListOf(item=Text(regex=NAME, message="{subject} must be a lexicon name")), nullable=True,
              doc="other lexicons whose entries (and values) this one also holds"),
        Field("forms", Either(options=(_FORM_LIST, _FORM_TABLE),
                              message="{subject} must be a list of forms or a mapping value -> [forms]"),
              nullable=True, doc="its own forms: a list, or a mapping value -> forms (as a plain lexicon)"),
        Field("doc", Text(), nullable=True, doc="what the lexicon is for, for people"),
    ))
assert DECLARED_LEXICON.keys == LEXICON_KEYS
LEXICON = Either(
    options=(_FORM_LIST, DECLARED_LEXICON, _FORM_TABLE),
    message="{subject} must be a list of forms, a mapping value -> [forms], or {{role:, include:, forms:}}",
    name="lexicon",
    doc="a word list [forms], a mapping value -> forms (one form or a list), e.g. 12: [the names of "
        "December], or a declared lexicon {role:, include: [...], forms:}")

_EXAMPLE_MAPPING_FIELDS = (
    Field("value", Anything(code="E110"), at_record=True,
          doc="the expected value (for a mapping, only the keys given are compared)"),
    Field("ref_date", Date(code="E110"), nullable=True, at_record=True,
          doc="the reference date of this example (default: the file's ref_date)"),
    Field("attrs", TableOf(value=Anything(), code="E110"), nullable=True, at_record=True,
          doc="expected attributes of the match, e.g. {calendar: gregorian}"),
)
_TEXT_DOC = "the text with the expected match in [brackets] (\\[ is a literal bracket)"
EXAMPLE = Either(
    options=(
        Text(code="E110", explain=_expected_match_and_value, regex=EXPECTED_MATCH_AND_VALUE,
             doc="'text with [the expected match] -> value' (the value is optional)"),
        Cases(code="E110", what="example",
              message="an example has either 'text' (expected match) or 'not' (no match)",
              cases=(
                  Case(("text", "value"), ("not",), Record(what="example", fields=(
                      Field("text", Text(code="E110", explain=_expected_match, regex=EXPECTED_MATCH),
                            required=True, at_record=True, doc=_TEXT_DOC),
                      *_EXAMPLE_MAPPING_FIELDS))),
                  Case(("text",), ("not", "value"), Record(what="example", fields=(
                      Field("text", Text(code="E110", explain=_expected_match_and_value,
                                         regex=EXPECTED_MATCH_AND_VALUE),
                            required=True, at_record=True, doc=_TEXT_DOC + ", then optionally ' -> value'"),
                      *_EXAMPLE_MAPPING_FIELDS))),
                  Case(("not",), ("text",), Record(what="example", fields=(
                      Field("not", Text(code="E110", explain=_no_match, regex=NO_MATCH), required=True,
                            at_record=True,
                            doc="a text where the rule's label finds nothing (with one [span]: not there)"),
                      *_EXAMPLE_MAPPING_FIELDS))),
              )),
    ),
    code="E110", message="an example is a string or a mapping with 'text' or 'not'", name="example",
    doc="a test of the rule: 'text with [the match] -> value', {text:, value:, attrs:, ref_date:} or {not: text}")

RULE = Record(what="rule", name="rule", doc="a rule: a pattern that finds one kind of thing (its label)", fields=(
    Field("name", Text(min_len=1), required=True, at_record=True,
          doc="unique, dotted by convention: pack.rule"),
    Field("label", Text(min_len=1), required=True, at_record=True,
          doc="what kind of thing the rule finds: attribution, date, number, ..."),
    Field("pattern", Text(), required=True, doc="the pattern (docs/patterns.md: the pattern language)"),
    Field("priority", Integer(), doc="breaks ties between equally long matches of one label (default 0)"),
    Field("value", Text(), nullable=True,
          doc="a value builder call with fields of the pattern: date(day=day, month=month), number(n)"),
    Field("absorbs", ListOf(item=Text()), nullable=True,
          doc="labels whose matches inside this one are not reported"),
    Field("span", Text(message="{subject} must be a field name"), nullable=True,
          doc="the field reported as the match; the rest of the pattern is context"),
    Field("examples", ListOf(item=EXAMPLE), nullable=True, doc="the rule's tests (arules test)"),
    Field("doc", Text(), nullable=True, doc="what the rule is for, for people"),
))

VERB = Record(what="verb", name="verb", doc="a cue verb, by root and measure (docs/morphology.md)", fields=(
    Field("root", Text(), required=True,
          doc="three radicals separated by spaces, four for a quadriliteral measure (docs/morphology.md)"),
    Field("measure", Text(), required=True, doc="a measure of morphology.yaml: I-hollow, II, IV, ..."),
    Field("lemma", Text(), required=True, doc="the citation form, checked against the measure"),
    Field("extra", Either(options=(Text(), ListOf(item=Text()))), nullable=True,
          doc="forms to add: 'form' or 'class:form'"),
    Field("exclude", Either(options=(Text(), ListOf(item=Text()))), nullable=True,
          doc="forms to remove, with every clitic combination built on them"),
))

# morphology.yaml's measures and clitics: morphology.load_measures checks them (E113, at the key
# path); the description below is for editors.
_LETTERS = Either(options=(Text(), ListOf(item=Text())))
_TEMPLATES = ListOf(item=Text(min_len=1), min_items=1,
                    doc="templates: the letters fa, ain, lam stand for the radicals; (a|b) for alternatives")
MEASURE = Record(what="measure", name="measure", other=_TEMPLATES,
                 doc="a measure (wazn): form classes (perfect, imperfect, ...) -> templates, and:", fields=(
    Field("doc", Text(), doc="one line for people"),
    Field("example", Record(what="example", fields=(Field("root", Text(), required=True),
                                                    Field("lemma", Text(), required=True))),
          doc="{root, lemma}: checked whenever the file loads"),
    Field("like", Text(), doc="start from another measure and override only the classes written here"),
    Field("radicals", TableOf(value=_LETTERS), doc="slot (fa, ain, lam) -> the letters it accepts"),
    Field("same", ListOf(item=Text(), min_items=2), doc="slots holding the same letter (doubled verbs)"),
    Field("quadriliteral", Boolean(), doc="roots of four radicals: in the templates لل stands for the 3rd and 4th (فعلل)"),
    Field("rules", ListOf(item=Record(what="rule", fields=(
        Field("when", TableOf(value=_LETTERS), required=True, doc="slot -> the letters the rewrite applies to"),
        Field("replace", TableOf(value=_LETTERS), required=True, doc="template text -> rewrite(s)"),
    ))), doc="template rewrites for some radicals"),
))
CLITICS = Record(what="clitics", name="clitics", doc="which clitics attach to the forms of each class", fields=(
    Field("classes", TableOf(value=Either(options=(
        Record(what="clitic class", fields=(Field("proclitics", ListOf(item=Text(min_len=1))),
                                            Field("enclitics", ListOf(item=Text(min_len=1))))),
        Null())), min_items=1), required=True,
          doc="form class -> {proclitics: [...], enclitics: [...]}"),
    Field("joins", ListOf(item=Record(what="join", fields=(Field("end", Text(min_len=1), required=True),
                                                           Field("becomes", Text(), required=True)))),
          doc="the spelling where a form meets an enclitic pronoun: {end, becomes}"),
))

_TOP = ("imports", "ref_date", "lexicons", "macros", "rules", "measures", "clitics", "verbs")
RULE_FILE = Record(what="rule file", message="a rule file is a mapping with keys " + ", ".join(_TOP), fields=(
    Field("imports", ListOf(item=Text()), nullable=True,
          doc="other rule files, by name: next to this one, in the folders above, or a shipped pack"),
    Field("ref_date", Date(), nullable=True, doc="the reference date of this file's examples"),
    Field("lexicons", TableOf(value=LEXICON, what="lexicon", names=Text(
        regex=NAME, message="bad lexicon name {value!r}: use letters, digits, _ and . starting with a letter")),
        nullable=True, doc="word lists, by name (@name in a pattern)"),
    Field("macros", TableOf(value=Text(doc="a pattern"), what="macro", names=Text(
        regex=NAME, message="bad macro name {value!r}: use letters, digits, _ and . starting with a letter")),
        nullable=True, doc="named sub-patterns (<name> in a pattern)"),
    Field("rules", ListOf(item=RULE), nullable=True, doc="the rules"),
    Field("measures", TableOf(value=MEASURE, min_items=1), checked_by="morphology",
          doc="verb measures, in one morphology file (docs/morphology.md)"),
    Field("clitics", CLITICS, checked_by="morphology", doc="the clitics of each form class (morphology file)"),
    Field("verbs", TableOf(value=ListOf(item=VERB), what="verb group", names=Text(
        regex=NAME, message="bad lexicon name {value!r}: use letters, digits, _ and . starting with a letter")),
        nullable=True, doc="verb group -> verbs; each group becomes a lexicon of all its forms"),
))
assert RULE_FILE.keys == _TOP


def json_schema() -> JsonSchema:
    """The JSON Schema of a rule file (draft-07), from `RULE_FILE`."""
    return _json_schema(RULE_FILE, title="arabic_rules rule file",
                        doc="Rules, lexicons, macros and verbs for arabic_rules (docs/patterns.md). "
                            "Generated from arabic_rules/rulefile.py: `arules schema`.")


def json_view(data: Any) -> Any:
    """Data read from YAML as an editor's JSON view of it: mapping keys as strings, dates as
    YYYY-MM-DD (what `json_schema` describes)."""
    if isinstance(data, dict):
        return {_key(k): json_view(v) for k, v in data.items()}
    if isinstance(data, list):
        return [json_view(v) for v in data]
    if isinstance(data, _dt.date):
        return data.isoformat()
    return data


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    return key.isoformat() if hasattr(key, "isoformat") else str(key)
