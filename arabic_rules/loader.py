"""Rule files (YAML) -> a validated `Pack`, with every problem reported at once as file:line:col.

YAML is read with the safe loader's node tree, so that every key and value keeps its position
(`yamltree`); nothing in a rule file is ever executed. Each file's shape is checked first, against
the one description in `rulefile` (which also gives the JSON Schema editors use); what follows
here reads files of the right shape and checks what a shape cannot say: names and references,
pattern syntax, value builders, morphology. See docs/patterns.md for the file format.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from . import syntax
from . import morphology
from . import gcpause, rulefile, shapes
from .errors import PatternSyntaxError, Problem, RuleError, caret
from .normalize import normalize
from .resources import data_dir, yaml_files
from .rulefile import brackets as _brackets
from .syntax import Call, FieldArg, Node
from .values import builder_names, call_problem, get_builder, roles
from .yamltree import NodeList as _Seq, NodeMap as _Map, convert as _convert, new_map as _empty_map

VERB_KEYS = rulefile.VERB.keys
NAME_RE = re.compile(rf"{rulefile.NAME}\Z")  # (verb groups' lexicons per form class: group.class)


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
    # What its words are to the value builders (`values.roles`): declared with ``role:``; the
    # lexicons of a verb group's form classes get ``verb.<class>`` (verb.passive, ...).
    role: str | None = None
    include: tuple[str, ...] = ()  # the lexicons whose entries it also holds (``include:``)


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


# libyaml's safe loader when PyYAML was built with it (reading the shipped packs takes a third of
# the time of the pure-Python one); both give nodes with line/column marks
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        loader = _YamlLoader(text)
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
        # the shape of the file (rulefile.RULE_FILE): what does not fit is reported and left out
        f.data, found = shapes.check(rulefile.RULE_FILE, f.data)
        for problem in found:
            self.report(self.at(path, problem.node), problem.code, problem.message)
        if f.data is shapes.INVALID:
            f.data = None
            return
        for name, node in self.items_of(f.data, "imports"):
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

    # the sections of a file whose shape is checked (rulefile.RULE_FILE): lists and mappings
    @staticmethod
    def items_of(m: _Map, key: str) -> list[tuple[Any, Any]]:
        """The items of list ``m[key]`` (none if absent or empty), with their nodes."""
        value = m.get(key)
        return list(zip(value, value.item_nodes)) if isinstance(value, _Seq) else []

    @staticmethod
    def mapping_of(m: _Map, key: str) -> _Map:
        value = m.get(key)
        return value if isinstance(value, _Map) else _empty_map()

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
        lexs = self.mapping_of(data, "lexicons")
        for name, body in lexs.items():
            node = lexs.key_nodes[name]
            vnode = lexs.value_nodes[name]
            if not self.define(path, name, node, "lexicon"):
                continue
            role, include = None, ()
            if isinstance(body, _Map) and rulefile.DECLARED_LEXICON.fits(body):  # {role:, include:, forms:}
                role, include = self.declared(path, name, body, vnode)
                if "forms" not in body or body["forms"] is None:
                    self.lexicons[name] = Lexicon(name, (), self.at(path, node), role=role, include=include)
                    continue
                vnode, body = body.value_nodes["forms"], body["forms"]
            entries: list[tuple[str, Any]] = []
            if isinstance(body, _Seq):  # [forms]
                for form, fnode in zip(body, body.item_nodes):
                    self.add_form(path, fnode, name, form, None, entries)
            else:  # value -> form or [forms]
                for value, forms in body.items():
                    fnode = body.value_nodes[value]
                    value = value.isoformat() if isinstance(value, _dt.date) else value
                    items = list(zip(forms, forms.item_nodes)) if isinstance(forms, _Seq) else [(forms, fnode)]
                    for form, n in items:
                        self.add_form(path, n, name, form, value, entries)
            if not entries and body:  # (an empty list or mapping is reported by the shape check)
                self.report(self.at(path, vnode), "E111", f"lexicon {name!r} is empty; add at least one form")
            self.lexicons[name] = Lexicon(name, tuple(entries), self.at(path, node), role=role, include=include)

    def declared(self, path: Path, name: str, body: _Map, node) -> tuple[str | None, tuple[str, ...]]:
        """The role and includes of a declared lexicon ``{role:, include:, forms:}``, checked:
        the role must be one a value builder reads (`values.roles`), and forms or includes given."""
        role = body.get("role")
        if role is not None and role not in roles():
            close = difflib.get_close_matches(role, list(roles()), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.report(self.at(path, body.value_nodes["role"]), "E116",
                        f"lexicon {name!r}: unknown role {role!r}; {hint}known roles: {', '.join(roles())}")
            role = None
        include = tuple(n for n, _ in self.items_of(body, "include"))
        if body.get("forms") is None and not include:
            self.report(self.at(path, node), "E005", f"lexicon {name!r} needs 'forms' or 'include' (or both)")
        return role, include

    def resolve_includes(self) -> None:
        """Give every lexicon with ``include:`` the entries of the lexicons it names (theirs after
        its own, each entry once), once every file is read: an include may name a lexicon of an
        imported file, or one that includes others in turn."""
        done: dict[str, Lexicon] = {}

        def entries(name: str, stack: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
            lx = self.lexicons[name]
            if name in done or not lx.include:
                return done.get(name, lx).entries
            out = list(lx.entries)
            visible = self.visible(Path(lx.loc.path))
            for other in lx.include:
                if other in stack or other == name:
                    cycle = " -> ".join((*stack, name, other))
                    self.report(lx.loc, "E104", f"lexicon include cycle {cycle}; a lexicon cannot include itself")
                elif other not in self.lexicons:
                    close = difflib.get_close_matches(other, list(self.lexicons), n=1)
                    hint = f"did you mean {close[0]!r}?" if close else "define it under 'lexicons:'"
                    self.report(lx.loc, "E102", f"lexicon {name!r} includes unknown lexicon {other!r}; {hint}")
                elif self.owner[other] not in visible:
                    where = self.owner[other].stem
                    self.report(lx.loc, "E105", f"lexicon {other!r} (included by {name!r}) is defined in "
                                                f"{where}.yaml; add `imports: [{where}]` to {Path(lx.loc.path).name}")
                else:
                    out.extend(entries(other, (*stack, name)))
            done[name] = replace(lx, entries=tuple(dict.fromkeys(out)), stems=(), suffixes=())
            return done[name].entries

        for name in list(self.lexicons):
            if self.lexicons[name].include:
                entries(name, ())
        self.lexicons.update(done)

    def add_form(self, path, node, lexicon, form, value, entries) -> None:
        form = str(form)  # (a number is read as text)
        if not normalize(form).text.split():
            self.report(self.at(path, node), "E111", f"lexicon {lexicon!r}: {form!r} is not a word; write the form as text")
            return
        entries.append((" ".join(normalize(form).text.split()), value))

    def parse(self, path: Path, m: _Map, key: str, parse=syntax.parse_pattern):
        """Parse the pattern (or call) at ``m[key]``; on error report file:line:col with a caret."""
        source = m[key]
        node = m.value_nodes[key]
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
        macros = self.mapping_of(data, "macros")
        for name in macros:
            if not self.define(path, name, macros.key_nodes[name], "macro"):
                continue
            node, source = self.parse(path, macros, name)
            if node is not None:
                self.macros[name] = Macro(name, node, source, self.at(path, macros.key_nodes[name]))

    def load_rules(self, path: Path, data: _Map, ref_date) -> None:
        for body, _ in self.items_of(data, "rules"):
            name, label = body["name"], body["label"]
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
            absorbs = tuple(a for a, _ in self.items_of(body, "absorbs"))
            examples = tuple(self.load_examples(path, body, ref_date))
            if pattern is not None:
                vloc = self.at(path, body.value_nodes["value"]) if "value" in body else None
                span = body.get("span")
                self.rules.append(Rule(name, label, pattern, source, priority, call, examples, absorbs, nloc, vloc,
                                       span))

    def load_examples(self, path: Path, rule: _Map, ref_date):
        """The examples of a rule, whose form the shape check has seen (rulefile.EXAMPLE): a string
        'text [match] -> value', or a mapping with 'text' or 'not'."""
        for item, node in self.items_of(rule, "examples"):
            loc = self.at(path, node)
            if isinstance(item, str):
                item = {"text": item}
            positive = "not" not in item
            raw = item["text"] if positive else item["not"]
            has_value = "value" in item
            value = item.get("value")
            if positive and not has_value and rulefile.ARROW in raw:
                raw, value_src = rulefile.split_value(raw)
                try:
                    value = yaml.load(value_src, Loader=_YamlLoader)  # (safe: a SafeLoader)
                except yaml.YAMLError:
                    value = value_src.strip()
                has_value = True
            if isinstance(value, (_dt.date, _dt.datetime)):
                value = value.isoformat()
            text, span, _ = _brackets(raw)
            rdate = item.get("ref_date", ref_date)
            attrs = item.get("attrs") or {}
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
        groups = self.mapping_of(data, "verbs")
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
            for spec, snode in self.items_of(groups, group):
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
                                                  tuple(sorted(stems[cls])), self.enclitics(cls), role=f"verb.{cls}")

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
        for name, node, source, loc, rule in items:
            self.check_looks_back(node, source, loc, self.pattern_node(rule, name, Path(loc.path)))
        for rule in self.rules:
            self.check_call(rule)

    def check_looks_back(self, node: Node, source: str, loc: Loc, pnode) -> None:
        """A look back (``<&x``) reads a bounded stretch before its point and captures nothing."""
        for n in syntax.walk(node):
            if not (isinstance(n, syntax.Cond) and n.back):
                continue
            where = self.ref_loc(Path(loc.path), pnode, source, n.pos, loc)
            size = self.back_size(n.node, frozenset())
            if size is None or size > syntax.MAX_BACK_TOKENS:
                self.report(where, "E115", f"the look back {syntax.render(n)} may read more than "
                                           f"{syntax.MAX_BACK_TOKENS} tokens; bound its repetitions (_{{0,3}}, not _*)",
                            caret(source, max(n.pos, 0)))
            elif self.captures(n.node):
                self.report(where, "E115", f"the look back {syntax.render(n)} holds a capture, which it cannot "
                                           f"keep; capture outside it", caret(source, max(n.pos, 0)))

    def back_size(self, node: Node, seen: frozenset) -> int | None:
        """Most tokens ``node`` can read (None: no bound), for `check_looks_back`."""
        def words(text: str) -> int:
            return len(re.findall(r"\w+|[^\w\s]", normalize(text).text))

        if isinstance(node, (syntax.Word, syntax.Phrase)):
            return words(node.text)
        if isinstance(node, syntax.LexRef):
            lx = self.lexicons.get(node.name)
            return 1 if lx is None else max((words(f) for f, _ in lx.entries), default=1)
        if isinstance(node, syntax.SubRef):
            macro = self.macros.get(node.name)
            return 1 if macro is None or node.name in seen else self.back_size(macro.node, seen | {node.name})
        if isinstance(node, syntax.Cond):
            return 0
        if isinstance(node, (syntax.Not, syntax.AnyWord)):
            return 1
        if isinstance(node, (syntax.Raw, syntax.BuiltinRef)):
            return None
        if isinstance(node, syntax.Capture):
            return self.back_size(node.node, seen)
        if isinstance(node, syntax.Repeat):
            inner = self.back_size(node.node, seen)
            return None if inner is None or node.max is None else inner * node.max
        parts = node.options if isinstance(node, syntax.Alt) else node.items if isinstance(node, syntax.Seq) \
            else node.parts
        sizes = [self.back_size(p, seen) for p in parts]
        if None in sizes:
            return None
        return max(sizes) if isinstance(node, syntax.Alt) else sum(s for s in sizes if s is not None)

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
        found = []

        def visit(name: str, stack: list[str]) -> None:
            state[name] = 1
            for n in syntax.walk(self.macros[name].node):
                if isinstance(n, syntax.SubRef) and n.name in self.macros:
                    if state.get(n.name) == 1:
                        found.append(n.name)
                        cycle = " -> ".join(stack[stack.index(n.name):] + [n.name])
                        self.report(self.macros[name].loc, "E104",
                                    f"macro reference cycle {cycle}; a macro cannot contain itself")
                    elif n.name not in state:
                        visit(n.name, stack + [n.name])
            state[name] = 2

        for name in self.macros:
            if name not in state:
                visit(name, [name])
        # without cycles, what a macro captures does not depend on the macros open around it:
        # `captures` keeps it per macro (the rules ask about the same big macros again and again)
        self._macro_captures: dict[str, frozenset[str]] | None = None if found else {}

    def captures(self, node: Node, seen: frozenset = frozenset()) -> set[str]:
        out = set()
        memo = getattr(self, "_macro_captures", None)
        for n in syntax.walk(node):
            if isinstance(n, syntax.Capture):
                out.add(n.name)
            elif isinstance(n, syntax.SubRef) and n.name in self.macros and n.name not in seen:
                got = None if memo is None else memo.get(n.name)
                if got is None:
                    got = frozenset(self.captures(self.macros[n.name].node, seen | {n.name}))
                    if memo is not None:
                        memo[n.name] = got
                out |= got
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


def _yaml_paths(paths) -> list[Path]:
    """The rule files of ``paths``: a file as given, a folder with its sub-folders (pack folders)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(yaml_files(p) if p.is_dir() else [p])
    return out


@gcpause.paused()  # (builds a pack of long-lived objects: see `gcpause`)
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
        ld.load_measures(path, data)
        ld.load_lexicons(path, data)
        ld.load_macros(path, data)
    for path in ld.order:
        if ld.files[path].data is not None:
            ld.load_verbs(path, ld.files[path].data)
    ld.resolve_includes()
    for path in ld.order:
        data = ld.files[path].data
        if data is not None:
            ld.load_rules(path, data, data.get("ref_date"))
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
