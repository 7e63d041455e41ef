"""Rule files (YAML) -> a validated `Pack`, with every problem reported at once as file:line:col.

YAML is read with the safe loader's node tree, so that every key and value keeps its position;
nothing in a rule file is ever executed. See docs/patterns.md for the file format.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import syntax
from . import morphology
from .errors import PatternSyntaxError, Problem, RuleError, caret
from .normalize import normalize
from .resources import data_dir, yaml_files
from .syntax import Call, FieldArg, Node
from .values import builder_names, call_problem, get_builder

TOP_KEYS = ("imports", "ref_date", "lexicons", "macros", "rules", "measures", "clitics", "verbs")
VERB_KEYS = ("root", "measure", "lemma", "extra", "exclude")
RULE_KEYS = ("name", "label", "pattern", "priority", "value", "examples", "absorbs", "span", "doc")
EXAMPLE_KEYS = ("text", "not", "value", "ref_date", "attrs")
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*\Z")


@dataclass(frozen=True)
class Loc:
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Lexicon:
    """A word list; ``entries`` are (normalized form, value) pairs, value None for plain lists."""

    name: str
    entries: tuple[tuple[str, Any], ...]
    loc: Loc
    # For generated verb forms: stems that take every one of `suffixes` (enclitic pronouns); the
    # regex is built as stem + optional suffix, or any other entry whole (4x smaller, same words).
    stems: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Macro:
    name: str
    node: Node
    source: str
    loc: Loc


@dataclass(frozen=True)
class Example:
    """An example of a rule: the text, the expected span (None: anywhere/nowhere) and value."""

    text: str
    positive: bool
    span: tuple[int, int] | None
    value: Any
    has_value: bool
    ref_date: _dt.date | None
    attrs: tuple[tuple[str, Any], ...]
    loc: Loc


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    node: Node
    source: str
    priority: int
    value: Call | None
    examples: tuple[Example, ...]
    absorbs: tuple[str, ...]
    loc: Loc
    value_loc: Loc | None = None
    span: str | None = None  # the field reported as the match; the rest of the pattern is context


@dataclass(frozen=True)
class Pack:
    """Everything the loaded rule files declare, validated."""

    lexicons: dict[str, Lexicon]
    macros: dict[str, Macro]
    rules: tuple[Rule, ...]
    files: tuple[str, ...]


# --- YAML with positions ----------------------------------------------------------------------

class _Map(dict):
    """A mapping that remembers the YAML nodes of its keys and values."""

    node: Any
    key_nodes: dict
    value_nodes: dict


class _Seq(list):
    node: Any
    item_nodes: list


def _convert(loader, node):
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.node, out.key_nodes, out.value_nodes = node, {}, {}
        for k_node, v_node in node.value:
            key = _convert(loader, k_node)
            if isinstance(key, (list, dict)):
                key = str(key)
            if key in out:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}; keep only one",
                                                        k_node.start_mark)
            out[key] = _convert(loader, v_node)
            out.key_nodes[key], out.value_nodes[key] = k_node, v_node
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = _Seq(_convert(loader, n) for n in node.value)
        seq.node, seq.item_nodes = node, list(node.value)
        return seq
    return loader.construct_object(node, deep=True)






# --- the loader -------------------------------------------------------------------------------

@dataclass
class _File:
    path: Path
    text: str
    data: Any = None
    imports: list[Path] = field(default_factory=list)


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.files: dict[Path, _File] = {}
        self.order: list[Path] = []
        self.lexicons: dict[str, Lexicon] = {}
        self.macros: dict[str, Macro] = {}
        self.rules: list[Rule] = []
        self.owner: dict[str, Path] = {}  # lexicon/macro name -> defining file
        self.rule_names: dict[str, Loc] = {}
        self.lines: dict[Path, list[str]] = {}
        self.measures: morphology.Measures | None = None
        self.measures_file: Path | None = None
        self.roots: list[Path] = []  # the folders given to `load`: imports look up to them

    # problems
    def at(self, path: Path, node) -> Loc:
        m = node.start_mark if node is not None else None
        return Loc(str(path), m.line + 1 if m else 1, m.column + 1 if m else 1)

    def report(self, loc: Loc, code: str, message: str, context: str = "") -> None:
        self.problems.append(Problem(loc.path, loc.line, loc.col, code, message, context))

    # files and imports
    def read(self, path: Path, via: tuple[Path, ...] = (), loc: Loc | None = None) -> None:
        path = path.resolve()
        if path in via:
            cycle = " -> ".join(p.name for p in (*via[via.index(path):], path))
            self.report(loc or Loc(str(path), 1, 1), "E109", f"import cycle {cycle}; remove one of these imports")
            return
        if path in self.files:
            return
        try:
            raw = path.read_bytes()
        except OSError as e:
            self.report(loc or Loc(str(path), 1, 1), "E001", f"cannot read rule file: {e.strerror}")
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            self.report(Loc(str(path), line, 1), "E001",
                        f"not UTF-8 (byte {e.start}); save the rule file as UTF-8")
            return
        self.read_text(path, text, via)

    def read_text(self, path: Path, text: str, via: tuple[Path, ...] = ()) -> None:
        """Read rule file ``path`` from ``text`` (rules given in code have a made-up path such as
        ``<rules>``: problems point into the text given)."""
        f = self.files[path] = _File(path, text)
        self.lines[path] = text.splitlines()
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            f.data = _convert(loader, node) if node is not None else _Map()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = Loc(str(path), mark.line + 1, mark.column + 1) if mark else Loc(str(path), 1, 1)
            self.report(where, "E002", f"YAML does not parse: {e.problem or e.context}")
            f.data = None
        except yaml.YAMLError as e:
            self.report(Loc(str(path), 1, 1), "E002", f"YAML does not parse: {e}")
            f.data = None
        finally:
            loader.dispose()
        if f.data is None:
            return
        if not isinstance(f.data, _Map):
            self.report(Loc(str(path), 1, 1), "E003", "a rule file is a mapping with keys " + ", ".join(TOP_KEYS))
            f.data = None
            return
        self.check_keys(path, f.data, TOP_KEYS, "rule file")
        for name, node in self.items_of(path, f.data, "imports", str):
            target = self.find_import(path, name)
            iloc = self.at(path, node)
            if target is None:
                self.report(iloc, "E109", f"import {name!r} not found next to {path.name} or in the shipped packs")
                continue
            f.imports.append(target.resolve())
            self.read(target, (*via, path), iloc)
        self.order.append(path)

    def find_import(self, path: Path, name: str) -> Path | None:
        """The file an import names: next to ``path``, then in the folders above it up to the
        folder given to `load` (the files of one pack folder see each other, and the pack sees
        the files beside its folder), then among the shipped packs. ``name`` may hold a folder
        (``attribution/words``)."""
        stem = name[:-5] if name.endswith(".yaml") else name
        for base in self.import_bases(path):
            candidate = base / f"{stem}.yaml"
            if candidate.is_file():
                return candidate
        return None

    def import_bases(self, path: Path) -> list[Path]:
        shipped = data_dir("patterns").resolve()
        if str(path).startswith("<"):
            return [shipped]
        bases = [path.parent]
        roots = [r for r in (*self.roots, shipped) if r == path.parent or r in path.parent.parents]
        if roots:
            top = min(roots, key=lambda r: len(r.parts))  # the outermost folder that holds the file
            bases += [d for d in path.parent.parents if d == top or top in d.parents]
        return list(dict.fromkeys([*bases, shipped]))

    # generic shape checks
    def check_keys(self, path: Path, m: _Map, allowed: tuple[str, ...], what: str) -> None:
        for key in m:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
                self.report(self.at(path, m.key_nodes[key]), "E004", f"unknown key {key!r} in {what}; {hint}")

    def items_of(self, path: Path, m: _Map, key: str, kind: type):
        """The items of list ``m[key]`` that have type ``kind``, with their nodes."""
        if key not in m or m[key] is None:
            return []
        value = m[key]
        if not isinstance(value, _Seq):
            self.report(self.at(path, m.value_nodes[key]), "E003", f"{key!r} must be a list")
            return []
        out = []
        for item, node in zip(value, value.item_nodes):
            if isinstance(item, kind):
                out.append((item, node))
            else:
                self.report(self.at(path, node), "E003", f"each item of {key!r} must be a {kind.__name__}")
        return out

    def mapping_of(self, path: Path, m: _Map, key: str) -> _Map:
        if key not in m or m[key] is None:
            return _empty_map()
        if not isinstance(m[key], _Map):
            self.report(self.at(path, m.value_nodes[key]), "E003", f"{key!r} must be a mapping of name -> value")
            return _empty_map()
        return m[key]

    def define(self, path: Path, name: Any, node, kind: str) -> bool:
        loc = self.at(path, node)
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.report(loc, "E003", f"bad {kind} name {name!r}: use letters, digits, _ and . starting with a letter")
            return False
        if name in self.owner:
            prev = self.lexicons.get(name) or self.macros.get(name)
            self.report(loc, "E106", f"{kind} {name!r} is already defined at {prev.loc}; rename one of them")
            return False
        self.owner[name] = path
        return True

    # sections
    def load_lexicons(self, path: Path, data: _Map) -> None:
        lexs = self.mapping_of(path, data, "lexicons")
        for name, body in lexs.items():
            node = lexs.key_nodes[name]
            vnode = lexs.value_nodes[name]
            if not self.define(path, name, node, "lexicon"):
                continue
            entries: list[tuple[str, Any]] = []
            if isinstance(body, _Seq):
                for form, fnode in zip(body, body.item_nodes):
                    self.add_form(path, fnode, name, form, None, entries)
            elif isinstance(body, _Map):
                for value, forms in body.items():
                    fnode = body.value_nodes[value]
                    value = value.isoformat() if isinstance(value, _dt.date) else value
                    items = list(zip(forms, forms.item_nodes)) if isinstance(forms, _Seq) else [(forms, fnode)]
                    for form, n in items:
                        self.add_form(path, n, name, form, value, entries)
            else:
                self.report(self.at(path, vnode), "E003",
                            f"lexicon {name!r} must be a list of forms or a mapping value -> [forms]")
                continue
            if not entries:
                self.report(self.at(path, vnode), "E111", f"lexicon {name!r} is empty; add at least one form")
            self.lexicons[name] = Lexicon(name, tuple(entries), self.at(path, node))

    def add_form(self, path, node, lexicon, form, value, entries) -> None:
        if isinstance(form, (int, float)) and not isinstance(form, bool):
            form = str(form)
        if not isinstance(form, str) or not normalize(form).text.split():
            self.report(self.at(path, node), "E111", f"lexicon {lexicon!r}: {form!r} is not a word; write the form as text")
            return
        entries.append((" ".join(normalize(form).text.split()), value))

    def parse(self, path: Path, m: _Map, key: str, parse=syntax.parse_pattern):
        """Parse the pattern (or call) at ``m[key]``; on error report file:line:col with a caret."""
        source = m[key]
        node = m.value_nodes[key]
        if not isinstance(source, str):
            self.report(self.at(path, node), "E003", f"{key!r} must be a string")
            return None, ""
        try:
            return parse(source), source
        except PatternSyntaxError as e:
            line, col = self.locate(path, node, source, e.offset)
            self.report(Loc(str(path), line, col), "E101", e.message, caret(source, e.offset))
            return None, source

    def locate(self, path: Path, node, source: str, offset: int) -> tuple[int, int]:
        """File line/column of character ``offset`` of a scalar's value."""
        sm = node.start_mark
        if node.style in (None, "'", '"') and sm.line == node.end_mark.line:
            return sm.line + 1, sm.column + 1 + offset + (1 if node.style else 0)
        if node.style in ("|", ">"):
            before = source[:offset]
            line = sm.line + 1 + before.count("\n")
            lines = self.lines.get(path, [])
            text = lines[line] if line < len(lines) else ""
            indent = len(text) - len(text.lstrip(" "))
            return line + 1, indent + offset - (before.rfind("\n") + 1) + 1
        return sm.line + 1, sm.column + 1

    def load_macros(self, path: Path, data: _Map) -> None:
        macros = self.mapping_of(path, data, "macros")
        for name in macros:
            if not self.define(path, name, macros.key_nodes[name], "macro"):
                continue
            node, source = self.parse(path, macros, name)
            if node is not None:
                self.macros[name] = Macro(name, node, source, self.at(path, macros.key_nodes[name]))

    def load_rules(self, path: Path, data: _Map, ref_date) -> None:
        for body, node in self.items_of(path, data, "rules", dict):
            loc = self.at(path, node)
            self.check_keys(path, body, RULE_KEYS, "rule")
            missing = [k for k in ("name", "label", "pattern") if k not in body]
            if missing:
                self.report(loc, "E005", "rule needs " + ", ".join(repr(k) for k in missing))
                continue
            name, label = body["name"], body["label"]
            if not isinstance(name, str) or not isinstance(label, str) or not name or not label:
                self.report(loc, "E003", "rule 'name' and 'label' must be non-empty strings")
                continue
            nloc = self.at(path, body.value_nodes["name"])
            if name in self.rule_names:
                self.report(nloc, "E106", f"rule {name!r} is already defined at {self.rule_names[name]}; rename one")
                continue
            self.rule_names[name] = nloc
            pattern, source = self.parse(path, body, "pattern")
            call = None
            if body.get("value") is not None:
                call, _ = self.parse(path, body, "value", syntax.parse_call)
            priority = body.get("priority", 0)
            if not isinstance(priority, int) or isinstance(priority, bool):
                self.report(self.at(path, body.value_nodes["priority"]), "E003", "'priority' must be an integer")
                priority = 0
            absorbs = tuple(a for a, _ in self.items_of(path, body, "absorbs", str))
            examples = tuple(self.load_examples(path, body, ref_date))
            if pattern is not None:
                vloc = self.at(path, body.value_nodes["value"]) if "value" in body else None
                span = body.get("span")
                if span is not None and not isinstance(span, str):
                    self.report(self.at(path, body.value_nodes["span"]), "E003", "'span' must be a field name")
                    span = None
                self.rules.append(Rule(name, label, pattern, source, priority, call, examples, absorbs, nloc, vloc,
                                       span))

    def load_examples(self, path: Path, rule: _Map, ref_date):
        for item, node in self.items_of(path, rule, "examples", object):
            loc = self.at(path, node)
            if isinstance(item, str):
                item = {"text": item}
                positive = True
            elif isinstance(item, _Map):
                self.check_keys(path, item, EXAMPLE_KEYS, "example")
                positive = "not" not in item
                if ("text" in item) == ("not" in item):
                    self.report(loc, "E110", "an example has either 'text' (expected match) or 'not' (no match)")
                    continue
            else:
                self.report(loc, "E110", "an example is a string or a mapping with 'text' or 'not'")
                continue
            raw = item.get("text") if positive else item.get("not")
            if not isinstance(raw, str):
                self.report(loc, "E110", "example text must be a string")
                continue
            has_value = "value" in item
            value = item.get("value")
            if positive and " -> " in raw and not has_value:
                raw, value_src = raw.rsplit(" -> ", 1)
                try:
                    value = yaml.safe_load(value_src)
                except yaml.YAMLError:
                    value = value_src.strip()
                has_value = True
            if isinstance(value, (_dt.date, _dt.datetime)):
                value = value.isoformat()
            text, span, err = _brackets(raw)
            if err:
                self.report(loc, "E110", err)
                continue
            if positive and span is None:
                self.report(loc, "E110", "mark the expected match with [brackets], as in 'في [9 أيار] الماضي'")
                continue
            rdate = item.get("ref_date", ref_date)
            if rdate is not None and not isinstance(rdate, _dt.date):
                self.report(loc, "E110", "ref_date must be a date such as 2021-12-13")
                rdate = None
            attrs = item.get("attrs") or {}
            if not isinstance(attrs, dict):
                self.report(loc, "E110", "example 'attrs' must be a mapping")
                attrs = {}
            yield Example(text, positive, span, value, has_value, rdate, tuple(attrs.items()), loc)

    # morphology: measures (morphology.yaml) and verbs declared by root and measure
    def node_at(self, root: Any, keypath: tuple):
        """The YAML node at ``keypath`` under container ``root`` (as deep as it exists)."""
        node, here = root.node, root
        for key in keypath:
            if isinstance(here, _Map) and key in here:
                node, here = here.value_nodes[key], here[key]
            elif isinstance(here, _Seq) and isinstance(key, int) and key < len(here):
                node, here = here.item_nodes[key], here[key]
            else:
                break
        return node

    def load_measures(self, path: Path, data: _Map) -> None:
        if "measures" not in data and "clitics" not in data:
            return
        if self.measures is not None:
            self.report(self.at(path, data.key_nodes.get("measures") or data.node), "E106",
                        f"measures are already defined in {self.measures_file.name}; keep one morphology file")
            return
        try:
            self.measures = morphology.load_measures({k: data[k] for k in ("measures", "clitics") if k in data})
            self.measures_file = path
        except morphology.MorphologyError as e:
            for keypath, message in e.problems:
                self.report(self.at(path, self.node_at(data, keypath)), "E113", message)

    def load_verbs(self, path: Path, data: _Map) -> None:
        """``verbs: {group: [{root, measure, lemma}]}`` -> lexicons ``group`` (value: lemma) and
        ``group.<class>`` (perfect, imperfect, jussive, participle, passive, ...). Forms carry the
        enclitic pronouns (قاله); proclitics (و ف ل س) are left to patterns: ``(و | ف)? ~ @say``."""
        groups = self.mapping_of(path, data, "verbs")
        if not groups:
            return
        if self.measures is None or self.measures_file not in self.visible(path):
            self.report(self.at(path, data.key_nodes["verbs"]), "E105",
                        "verbs need the measures of morphology.yaml; add `imports: [morphology]`")
            return
        enclitic_only = morphology.Measures(
            self.measures.measures,
            {c: morphology.CliticSet((), cs.enclitics) for c, cs in self.measures.clitics.items()},
            self.measures.joins)
        for group, specs in groups.items():
            gnode = groups.key_nodes[group]
            by_class: dict[str, list[tuple[str, Any]]] = {}
            stems: dict[str, set[str]] = {}
            for spec, snode in self.items_of(path, groups, group, dict):
                self.check_keys(path, spec, VERB_KEYS, "verb")
                missing = [k for k in ("root", "measure", "lemma") if k not in spec]
                if missing:
                    self.report(self.at(path, snode), "E005", "a verb needs " + ", ".join(map(repr, missing)))
                    continue
                try:
                    verb = morphology.VerbSpec(**{k: spec[k] for k in VERB_KEYS if k in spec})
                    forms = morphology.generate(verb, enclitic_only)
                except morphology.MorphologyError as e:
                    for keypath, message in e.problems:
                        self.report(self.at(path, self.node_at(spec, keypath)), "E113", message)
                    continue
                except TypeError as e:
                    self.report(self.at(path, snode), "E003", f"bad verb entry: {e}")
                    continue
                for cls, items in forms.with_clitics.items():
                    by_class.setdefault(cls, []).extend((f, verb.lemma) for f in items)
                    full, encs = set(items), self.enclitics(cls)
                    stems.setdefault(cls, set()).update(
                        b for b in forms.by_class.get(cls, ()) if encs and all(b + e in full for e in encs))
            if not self.define(path, group, gnode, "lexicon"):
                continue
            everything = [e for items in by_class.values() for e in items]
            suffixes = max((self.enclitics(c) for c in by_class), key=len, default=())
            shared = set().union(*(stems[c] for c in by_class if self.enclitics(c) == suffixes))
            self.lexicons[group] = Lexicon(group, tuple(dict.fromkeys(everything)), self.at(path, gnode),
                                           tuple(sorted(shared)), suffixes)
            for cls, items in by_class.items():
                name = f"{group}.{cls}"
                if self.define(path, name, gnode, "lexicon"):
                    self.lexicons[name] = Lexicon(name, tuple(dict.fromkeys(items)), self.at(path, gnode),
                                                  tuple(sorted(stems[cls])), self.enclitics(cls))

    def enclitics(self, cls: str) -> tuple[str, ...]:
        return self.measures.clitics.get(cls, morphology.CliticSet()).enclitics

    # cross-references, after every file is read
    def visible(self, path: Path) -> set[Path]:
        seen, todo = set(), [path]
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.files[p].imports if p in self.files else ())
        return seen

    def check_refs(self) -> None:
        items = [(m.name, m.node, m.source, m.loc, None) for m in self.macros.values()]
        items += [(r.name, r.node, r.source, r.loc, r) for r in self.rules]
        for name, node, source, loc, rule in items:
            path = Path(loc.path)
            visible = self.visible(path)
            pnode = self.pattern_node(rule, name, path)
            for n in syntax.walk(node):
                if isinstance(n, (syntax.Word, syntax.Phrase)) and not normalize(n.text).text.split():
                    self.report(self.ref_loc(path, pnode, source, n.pos, loc), "E111",
                                f"{n.text!r} is empty once diacritics are removed; write a letter or drop it")
                if isinstance(n, (syntax.LexRef, syntax.SubRef)):
                    table, kind = (self.lexicons, "lexicon") if isinstance(n, syntax.LexRef) else (self.macros, "macro")
                    where = self.ref_loc(path, pnode, source, n.pos, loc)
                    if n.name not in table:
                        close = difflib.get_close_matches(n.name, list(table), n=1)
                        hint = f"did you mean {close[0]!r}?" if close else f"define it under '{kind}s:'"
                        self.report(where, "E102" if kind == "lexicon" else "E103",
                                    f"unknown {kind} {n.name!r}; {hint}", caret(source, max(n.pos, 0)))
                    elif self.owner[n.name] not in visible:
                        other = self.owner[n.name].stem
                        self.report(where, "E105", f"{kind} {n.name!r} is defined in {other}.yaml; "
                                                   f"add `imports: [{other}]` to {path.name}")
        self.check_cycles()
        for rule in self.rules:
            self.check_call(rule)

    def pattern_node(self, rule, name, path):
        f = self.files[path].data
        if rule is None:
            m = f.get("macros")
            return m.value_nodes.get(name) if isinstance(m, _Map) else None
        for body in f.get("rules") or []:
            if isinstance(body, _Map) and body.get("name") == rule.name:
                return body.value_nodes.get("pattern")
        return None

    def ref_loc(self, path, pnode, source, pos, default: Loc) -> Loc:
        if pnode is None or pos < 0:
            return default
        line, col = self.locate(path, pnode, source, pos)
        return Loc(str(path), line, col)

    def check_cycles(self) -> None:
        state: dict[str, int] = {}

        def visit(name: str, stack: list[str]) -> None:
            state[name] = 1
            for n in syntax.walk(self.macros[name].node):
                if isinstance(n, syntax.SubRef) and n.name in self.macros:
                    if state.get(n.name) == 1:
                        cycle = " -> ".join(stack[stack.index(n.name):] + [n.name])
                        self.report(self.macros[name].loc, "E104",
                                    f"macro reference cycle {cycle}; a macro cannot contain itself")
                    elif n.name not in state:
                        visit(n.name, stack + [n.name])
            state[name] = 2

        for name in self.macros:
            if name not in state:
                visit(name, [name])

    def captures(self, node: Node, seen: frozenset = frozenset()) -> set[str]:
        out = set()
        for n in syntax.walk(node):
            if isinstance(n, syntax.Capture):
                out.add(n.name)
            elif isinstance(n, syntax.SubRef) and n.name in self.macros and n.name not in seen:
                out |= self.captures(self.macros[n.name].node, seen | {n.name})
        return out

    def check_call(self, rule: Rule) -> None:
        if rule.span is not None and rule.span not in self.captures(rule.node):
            self.report(rule.loc, "E108", f"rule {rule.name!r}: span {rule.span!r} is not a field of the pattern; "
                                          f"capture it as {rule.span}:(...)")
        if rule.value is None:
            return
        loc = rule.value_loc or rule.loc
        if get_builder(rule.value.name) is None:
            self.report(loc, "E108", f"rule {rule.name!r}: unknown value builder {rule.value.name!r}; "
                                          f"known: {', '.join(builder_names())}")
            return
        why = call_problem(rule.value.name, rule.value.args, rule.value.kwargs)
        if why:  # the call does not fit the builder's Python signature: it would fail on every match
            self.report(loc, "E114", f"rule {rule.name!r}: {why}")
        fields = self.captures(rule.node)
        for arg in [*rule.value.args, *(v for _, v in rule.value.kwargs)]:
            if isinstance(arg, FieldArg) and arg.name not in fields:
                self.report(loc, "E108", f"rule {rule.name!r}: value uses field {arg.name!r} that the pattern "
                                              f"does not capture; write {arg.name}:item in the pattern")


def _empty_map() -> _Map:
    m = _Map()
    m.node, m.key_nodes, m.value_nodes = None, {}, {}
    return m


def _brackets(raw: str) -> tuple[str, tuple[int, int] | None, str]:
    """Remove one ``[...]`` pair (``\\[`` escapes a bracket); return text, span, error."""
    out: list[str] = []
    span_start = span_end = None
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
    span = (span_start, span_end) if span_start is not None else None
    return "".join(out), span, ""


def _yaml_paths(paths) -> list[Path]:
    """The rule files of ``paths``: a file as given, a folder with its sub-folders (pack folders)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(yaml_files(p) if p.is_dir() else [p])
    return out


def load(paths, texts: dict[str, str] | None = None) -> Pack:
    """Load and validate rule files (or directories of them), and rule files given as ``texts``
    (made-up name -> YAML text); raise `RuleError` listing all problems."""
    ld = _Loader()
    ld.roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    for p in _yaml_paths(paths):
        ld.read(Path(p))
    for name, text in (texts or {}).items():
        ld.read_text(Path(name), text)
    for path in ld.order:
        data = ld.files[path].data
        if data is None:
            continue
        ref_date = data.get("ref_date")
        if ref_date is not None and not isinstance(ref_date, _dt.date):
            ld.report(ld.at(path, data.value_nodes["ref_date"]), "E003", "ref_date must be a date like 2021-12-13")
            ref_date = None
        ld.load_measures(path, data)
        ld.load_lexicons(path, data)
        ld.load_macros(path, data)
    for path in ld.order:
        if ld.files[path].data is not None:
            ld.load_verbs(path, ld.files[path].data)
    for path in ld.order:
        data = ld.files[path].data
        if data is not None:
            ref_date = data.get("ref_date") if isinstance(data.get("ref_date"), _dt.date) else None
            ld.load_rules(path, data, ref_date)
    ld.check_refs()
    if ld.problems:
        ld.problems.sort(key=lambda p: (p.path, p.line, p.col))
        sound = _rules_without_problems(ld.rules, ld.problems)
        partial = Pack(dict(ld.lexicons), dict(ld.macros), sound, tuple(str(p) for p in ld.order)) if sound else None
        raise RuleError(ld.problems, partial)
    return Pack(dict(ld.lexicons), dict(ld.macros), tuple(ld.rules), tuple(str(p) for p in ld.order))


def _rules_without_problems(rules, problems) -> tuple:
    """The rules none of ``problems`` lies in (a rule's block runs from its line to the next
    rule's in the same file; a reference to a macro that did not load is reported there too):
    what lint can still check."""
    by_file: dict[str, list] = {}
    for r in rules:
        by_file.setdefault(r.loc.path, []).append(r)
    bad: set[int] = set()
    for path, rs in by_file.items():
        rs.sort(key=lambda r: r.loc.line)
        starts = [r.loc.line for r in rs]
        for p in problems:
            if p.path == path:
                i = bisect_right(starts, p.line) - 1
                if i >= 0:
                    bad.add(id(rs[i]))
    return tuple(r for r in rules if id(r) not in bad)
