"""The native core: rule programs (`ir`) run by Rust (`arabic_rules._core`) exactly as the
reference executor (`executor.py`) runs them, many starts per call, without the GIL.

    core = Core(engine.pack)              # the pack's programs and lexicons, sent once as JSON
    t = core.prepare(text)                # the text converted once (UTF-8, offsets, classes)
    core.match(rule_index, t, pos, endpos)   # None | (end, [(start, end) | (-1, -1) per group])
    core.match_many(rule_index, t, positions, endposes)   # one call for all the starts
    core.rest_index(rule_index, option)   # the program index of a rule option's rest program

Program indexes: ``0 .. n_rules - 1`` are the rules' programs (groups reported in the order of
the rule's ``groups``), then the rest programs (`rest_index`; groups in program order). All
offsets are code points of the Python string. Raw regexes are translated here from Python's
syntax (parsed by `re` itself) to the Rust engine's, with `\\w`, `\\d`, `\\s` and `\\b` spelled
out from this interpreter's Unicode database, so they read characters as `re` does.
"""
from __future__ import annotations

import array
import functools
import json
import re
import sys
import threading
import weakref
import zlib
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Iterable, Sequence

from . import cache, gcpause, ir
from .executor import ProgramMatch

FORMAT = "arabic_rules.native/3"

Found = tuple[int, list[tuple[int, int]]] | None


def load_extension():
    """The compiled module `arabic_rules._core` (ImportError with a hint if it is not built).

    Run from a source checkout (the current directory first on sys.path) after a plain
    ``pip install .``, the package imported is the checkout's, which has no compiled module:
    then the one of the installed copy is loaded under the same name."""
    try:
        from . import _core  # type: ignore[attr-defined]
    except ImportError as e:
        _core = _installed_extension()
        if _core is None:
            raise ImportError("arabic_rules._core (the native core) is not built: install the package with "
                              "`pip install .` or `pip install -e .` (needs a Rust toolchain)") from e
    if getattr(_core, "FORMAT", None) != FORMAT:  # pragma: no cover
        raise ImportError(f"arabic_rules._core speaks {getattr(_core, 'FORMAT', '?')!r}, not {FORMAT!r}: rebuild it")
    return _core


def _installed_extension():
    """`_core` from another ``arabic_rules`` folder on sys.path (an installed copy), or None."""
    import importlib.machinery
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.join(entry or os.getcwd(), "arabic_rules")
        if not os.path.isdir(folder) or os.path.abspath(folder) == here:
            continue
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_core" + suffix)
            if os.path.isfile(path):
                spec = importlib.util.spec_from_file_location(f"{__package__}._core", path)
                if spec is None or spec.loader is None:
                    continue
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                sys.modules[spec.name] = module
                return module
    return None


def available() -> bool:
    """Whether the native core is built and importable."""
    try:
        load_extension()
    except ImportError:
        return False
    return True


# --- character classes as `re` reads them --------------------------------------------------------

Ranges = list[tuple[int, int]]
_MAX = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


@functools.cache
def python_classes() -> dict[str, Ranges]:
    """``\\w``, ``\\s`` and ``\\d`` of this interpreter's `re` (Unicode) as code point ranges.
    `re`'s ``\\w`` is the executor's word character (``isalnum() or "_"``), its ``\\s`` is
    ``str.isspace()``."""
    everything = _every_code_point()

    def runs(rx: str) -> Ranges:
        return [(m.start(), m.end() - 1) for m in re.finditer(rx, everything)]

    return {"word": runs(r"\w+"), "space": runs(r"\s+"), "digit": runs(r"\d+")}


# the flags as plain ints: ``int & re.ASCII`` goes through `enum`'s operators, a tenth of
# translating the shipped packs' raw regexes
_ASCII, _LOCALE, _IGNORECASE, _DOTALL, _MULTILINE, _UNICODE = (
    int(f) for f in (re.ASCII, re.LOCALE, re.IGNORECASE, re.DOTALL, re.MULTILINE, re.UNICODE))
def _every_code_point() -> str:
    """The str of every code point, in order (surrogates included). Made as UTF-32 bytes: the
    basic plane's once, copied for the 16 other planes with each one's plane number written into
    the third byte of every character; 30 times faster than joining 1.1 million characters,
    which was a tenth of a cold layout."""
    code = next(c for c in "IL" if array.array(c).itemsize == 4)
    plane = array.array(code, range(0x10000))
    if sys.byteorder == "big":
        plane.byteswap()  # (UTF-32-LE below)
    size = 4 * 0x10000
    buf = bytearray(plane.tobytes() * (_MAX + 1 >> 16))
    for p in range(1, _MAX + 1 >> 16):
        buf[p * size + 2:(p + 1) * size:4] = bytes([p]) * 0x10000
    return buf.decode("utf-32-le", "surrogatepass")


_ASCII_CLASSES = {"word": [(48, 57), (65, 90), (95, 95), (97, 122)], "space": [(9, 13), (32, 32)], "digit": [(48, 57)]}


def _data(items) -> list:
    """The (op, argument) list of a parsed regex (`re`'s SubPattern, iterated by its list: its
    own iteration goes through a Python ``__getitem__`` per item, a third of translating the
    shipped packs' raw regexes), or ``items`` as given (a list, or a class's items)."""
    return getattr(items, "data", items)


def _union(ranges: Iterable[tuple[int, int]]) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: Ranges) -> Ranges:
    out, nxt = [], 0
    for lo, hi in _union(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= _MAX:
        out.append((nxt, _MAX))
    return out


def _no_surrogates(ranges: Ranges) -> Ranges:
    out = []
    for lo, hi in ranges:
        if hi < _SURROGATES[0] or lo > _SURROGATES[1]:
            out.append((lo, hi))
            continue
        if lo < _SURROGATES[0]:
            out.append((lo, _SURROGATES[0] - 1))
        if hi > _SURROGATES[1]:
            out.append((_SURROGATES[1] + 1, hi))
    return out


def _char(c: int) -> str:
    ch = chr(c)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{c:X}}}"


def _class(ranges: Ranges) -> str:
    return _class_of(tuple(ranges))


@functools.lru_cache(maxsize=4096)
def _class_of(ranges: tuple[tuple[int, int], ...]) -> str:
    # (remembered: the raw regexes of the shipped packs spell out Python's \w, hundreds of
    # ranges, thousands of times; writing it anew each time was most of a cold layout)
    parts = _no_surrogates(_union(ranges))
    if not parts:
        return r"[^\x{0}-\x{10FFFF}]"  # matches nothing
    return "[" + "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in parts) + "]"


_IN_CLASSES: dict[tuple, str] = {}  # (a parsed class's items, flags) -> the class (`_Translator.in_class`)


# --- raw regexes: Python syntax -> fancy-regex syntax --------------------------------------------

class _Translator:
    """Re-spells a regex `re` has parsed, item by item, so the Rust engine reads it as `re` does:
    classes as explicit code point ranges (Python's \\w, \\d, \\s), ``.`` without newline, ``$``
    as end or before a final newline, ``\\b``/``\\B`` through lookarounds on Python's \\w,
    possessive repeats as atomic groups, backreferences by number."""

    def __init__(self, source: str):
        self.source = source
        self.classes = python_classes()

    def cat(self, name: str, flags: int) -> Ranges:
        return _ASCII_CLASSES[name] if flags & _ASCII else self.classes[name]

    def fail(self, why: str):
        raise ValueError(f"raw regex {self.source!r} cannot run in the native core: {why}")

    def translate(self) -> str:
        try:
            parsed = _parse(self.source)
        except re.error as e:
            raise ValueError(f"raw regex {self.source!r} is not a valid Python regex: {e}") from None
        flags = parsed.state.flags
        if flags & _LOCALE:
            self.fail("the LOCALE flag")
        return "(?:" + self.seq(parsed, flags) + ")"

    def seq(self, items, flags: int) -> str:
        return "".join(self.item(op, av, flags) for op, av in _data(items))

    def fold(self, piece: str, flags: int) -> str:
        return f"(?i:{piece})" if flags & _IGNORECASE else piece

    def item(self, op, av, flags: int) -> str:
        if op is C.LITERAL:
            return self.fold(_class([(av, av)]) if _SURROGATES[0] <= av <= _SURROGATES[1] else _char(av), flags)
        if op is C.NOT_LITERAL:
            return self.fold(_class(_complement([(av, av)])), flags)
        if op is C.IN:
            return self.fold(self.in_class(av, flags), flags)
        if op is C.ANY:
            return _class([(0, _MAX)]) if flags & _DOTALL else _class(_complement([(10, 10)]))
        if op is C.BRANCH:
            return "(?:" + "|".join(self.seq(b, flags) for b in av[1]) + ")"
        if op is C.SUBPATTERN:
            group, add, delete, p = av
            inner = self.seq(p, (flags | add) & ~delete)
            return f"({inner})" if group else f"(?:{inner})"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, p = av
            q = "{%d,}" % lo if hi is C.MAXREPEAT or hi == C.MAXREPEAT else "{%d,%d}" % (lo, hi)
            body = f"(?:{self.seq(p, flags)}){q}"
            if op is C.MIN_REPEAT:
                return body + "?"
            return f"(?>{body})" if op is C.POSSESSIVE_REPEAT else body
        if op is C.ATOMIC_GROUP:
            return f"(?>{self.seq(av, flags)})"
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, p = av
            kind = ("=" if op is C.ASSERT else "!") if direction == 1 else ("<=" if op is C.ASSERT else "<!")
            return f"(?{kind}{self.seq(p, flags)})"
        if op is C.AT:
            return self.at(av, flags)
        if op is C.GROUPREF:
            return self.fold(f"\\k<{av}>", flags)
        if op is C.GROUPREF_EXISTS:
            group, yes, no = av
            return f"(?({group}){self.seq(yes, flags)}" + ("" if no is None else "|" + self.seq(no, flags)) + ")"
        self.fail(f"{op} is not supported")

    def in_class(self, items, flags: int) -> str:
        """`in_ranges` as a class, once per distinct class (the sentence gates of a pack all step
        over ``[^.!?\\w\\s...]``, and spelling Python's \\w anew was a fifth of translating them)."""
        key = (tuple(_data(items)), flags)
        got = _IN_CLASSES.get(key)
        if got is None:
            if len(_IN_CLASSES) >= 4096:  # (a long-lived process compiling many packs: kept small)
                _IN_CLASSES.clear()
            got = _IN_CLASSES[key] = _class(self.in_ranges(items, flags))
        return got

    def in_ranges(self, items, flags: int) -> Ranges:
        negate, ranges = False, []
        for op, av in _data(items):
            if op is C.NEGATE:
                negate = True
            elif op is C.LITERAL:
                ranges.append((av, av))
            elif op is C.RANGE:
                ranges.append(tuple(av))
            elif op is C.CATEGORY:
                ranges += self.category(av, flags)
            else:
                self.fail(f"{op} in a character class")
        return _complement(ranges) if negate else _union(ranges)

    def category(self, code, flags: int) -> Ranges:
        for name, yes, no in (("word", C.CATEGORY_WORD, C.CATEGORY_NOT_WORD),
                              ("digit", C.CATEGORY_DIGIT, C.CATEGORY_NOT_DIGIT),
                              ("space", C.CATEGORY_SPACE, C.CATEGORY_NOT_SPACE)):
            if code is yes:
                return self.cat(name, flags)
            if code is no:
                return _complement(self.cat(name, flags))
        self.fail(f"category {code}")

    def at(self, code, flags: int) -> str:
        multiline = flags & _MULTILINE
        if code is C.AT_BEGINNING_STRING or (code is C.AT_BEGINNING and not multiline):
            return r"\A"
        if code is C.AT_BEGINNING or code is C.AT_BEGINNING_LINE:
            return r"(?:\A|(?<=\n))"
        if code is C.AT_END_STRING:
            return r"\z"
        if code is C.AT_END and not multiline:
            return r"(?=\n?\z)"
        if code is C.AT_END or code is C.AT_END_LINE:
            return r"(?=\n|\z)"
        w = _class(self.cat("word", flags))
        if code is C.AT_BOUNDARY:
            return f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"
        if code is C.AT_NON_BOUNDARY:
            return f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))"
        self.fail(f"anchor {code}")


    def first(self, items, flags: int) -> tuple[Ranges, bool] | None:
        """(the characters a match of ``items`` can start with, whether it can match empty), or
        None when that is not simply known. Sound: a match that reads a character starts with
        one of these (conditions read nothing and are skipped)."""
        out: Ranges = []
        for op, av in _data(items):
            got = self.first_item(op, av, flags)
            if got is None:
                return None
            ranges, nullable = got
            out += ranges
            if not nullable:
                return _union(out), False
        return _union(out), True

    def first_item(self, op, av, flags: int):
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return [], True
        if flags & _IGNORECASE and op in (C.LITERAL, C.NOT_LITERAL, C.IN):
            return None
        if op is C.LITERAL:
            return [(av, av)], False
        if op is C.NOT_LITERAL:
            return _complement([(av, av)]), False
        if op is C.IN:
            return self.in_ranges(av, flags), False
        if op is C.ANY:
            return ([(0, _MAX)] if flags & _DOTALL else _complement([(10, 10)])), False
        if op is C.SUBPATTERN:
            _, add, delete, p = av
            return self.first(p, (flags | add) & ~delete)
        if op is C.ATOMIC_GROUP:
            return self.first(av, flags)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            got = self.first(av[2], flags)
            return None if got is None else (got[0], got[1] or av[0] == 0)
        if op is C.BRANCH:
            out, nullable = [], False
            for b in av[1]:
                got = self.first(b, flags)
                if got is None:
                    return None
                out += got[0]
                nullable = nullable or got[1]
            return out, nullable
        return None


@functools.lru_cache(maxsize=1024)
def _parse(source: str):
    """``source`` parsed by `re`'s parser, once: a raw regex is read four times as it is laid
    out (`translate_regex`, `first_chars`, `simple_steps`, `look_first`); the parse is only read."""
    return _parser.parse(source, 0)


def first_chars(source: str) -> tuple[Ranges, bool] | None:
    """(the code points a non-empty anchored match of ``source`` can start with, whether it
    can match empty), or None when that is not simply known."""
    t = _Translator(source)
    try:
        parsed = _parse(source)
    except re.error:
        return None
    got = t.first(parsed, parsed.state.flags)
    return None if got is None else (_no_surrogates(got[0]), got[1])


_SIMPLE_REPEAT = 8  # a fixed repeat of one character up to this many is spelled out


def simple_steps(source: str) -> list | None:
    """``source`` as the native core's simple steps, when it is a fixed run of characters (each
    from a set) with conditions that read a fixed run of characters just before or after
    (``ال(?<!\\wال)``, ``[0-9](?<![0-9][0-9])``, ``1(?![0-9.,])``): ``["char", ranges]`` and
    ``["look", ahead, negate, [ranges, ...]]``; None for any other regex (the regex engine runs it)."""
    try:
        parsed = _parse(source)
    except re.error:
        return None
    flags = parsed.state.flags
    if flags & ~_UNICODE:
        return None
    t = _Translator(source)

    def chars(items) -> list[Ranges] | None:
        out: list[Ranges] = []
        for op, av in _data(items):
            if op is C.LITERAL:
                out.append([(av, av)])
            elif op is C.IN:
                try:
                    out.append(_no_surrogates(t.in_ranges(av, flags)))
                except ValueError:
                    return None
            elif op is C.ANY:
                out.append(_complement([(10, 10)]))
            elif op is C.MAX_REPEAT and av[0] == av[1] <= _SIMPLE_REPEAT:
                one = chars(av[2])
                if one is None or len(one) != 1:
                    return None
                out.extend(one * av[0])
            else:
                return None
        return out

    steps: list = []
    for op, av in _data(parsed):
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, body = av
            sets = chars(body)
            if not sets:
                return None
            steps.append(["look", direction == 1, op is C.ASSERT_NOT, sets])
        else:
            one = chars([(op, av)])
            if one is None:
                return None
            steps.extend(["char", r] for r in one)
    return steps if any(s[0] == "char" for s in steps) else None


def look_first(source: str) -> tuple[bool, Ranges] | None:
    """(negated, first characters) of a regex that is one lookahead whose body cannot match empty
    and starts with one of those characters; None for any other regex."""
    try:
        parsed = _parse(source)
    except re.error:
        return None
    if parsed.state.flags & ~_UNICODE or len(parsed.data) != 1:
        return None
    op, av = parsed.data[0]
    if op not in (C.ASSERT, C.ASSERT_NOT) or av[0] != 1:
        return None
    got = _Translator(source).first(av[1], parsed.state.flags)
    if got is None or got[1]:
        return None
    return op is C.ASSERT_NOT, _no_surrogates(got[0])


def translate_regex(source: str) -> str:
    """``source`` (Python `re` syntax) in the syntax of the Rust engine (fancy-regex), reading
    characters as `re` does; ValueError naming it if it cannot be translated."""
    return _Translator(source).translate()


# --- programs as JSON ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """A pack as the native core takes it: the JSON, and how program indexes map to rules."""

    packed: bytes  # the JSON in UTF-8, zlib-compressed (`pack_json`): 3.3 MB of JSON for the shipped packs, 0.5 MB so
    n_rules: int
    rest: dict[tuple[int, int], int]  # (rule, option) -> program index
    rest_sources: dict[str, int]  # an option's rest program name (`CompiledRule.options`) -> program index
    groups: tuple[tuple[str, ...], ...]  # per program, the reported groups
    names: tuple[str, ...]  # per program
    missing: frozenset[int]  # programs the pack lacks (rules compiled without programs)
    labels: tuple[str, ...] = ()  # the rules' labels, in the order of `Core.extract`'s ``wanted``

    @property
    def json(self) -> str:
        """The JSON the native core reads (made anew at each call)."""
        return zlib.decompress(self.packed).decode("utf-8")


def pack_json(text: str) -> bytes:
    """A core's JSON as a `Layout` keeps it: a layout lives as long as its pack, and the JSON as
    a str (two bytes a character, and the UTF-8 copy the core's constructor caches in it) held
    about 27 MB for the shipped packs; compressed it holds under 1 MB, and reading it back takes
    about 20 ms."""
    return zlib.compress(text.encode("utf-8"), 1)


class _Writer:
    def __init__(self, word_sets: dict[str, ir.WordSet]):
        self.set_index = {name: i for i, name in enumerate(word_sets)}
        self.sets = [{"name": n, "forms": list(ws.forms), "suffixes": list(ws.suffixes), "rest": list(ws.rest)}
                     for n, ws in word_sets.items()]
        self.raw_index: dict[str, int] = {}
        self.raws: list[dict] = []
        self.programs: list[dict] = []
        # the node table (`node`): entries, and each entry (as a tuple) -> its index
        self.nodes: list[list] = []
        self._entries: dict[tuple, int] = {}
        # id of a program node -> (node, its index in the table), for nodes without a group (the
        # programs of a pack share their macros' nodes: writing each anew was most of a cold
        # layout), and id -> (node, whether it holds a group)
        self._trees: dict[int, tuple[ir.Node, int]] = {}
        self._grouped: dict[int, tuple[ir.Node, bool]] = {}

    def has_group(self, n: ir.Node) -> bool:
        got = self._grouped.get(id(n))
        if got is not None and got[0] is n:
            return got[1]
        if isinstance(n, ir.Group):
            out = True
        elif isinstance(n, (ir.Cat, ir.Alt)):
            out = any(self.has_group(x) for x in (n.items if isinstance(n, ir.Cat) else n.options))
        elif isinstance(n, (ir.Opt, ir.Rep, ir.Look, ir.Behind)):
            out = self.has_group(n.node)
        else:
            out = False
        self._grouped[id(n)] = (n, out)
        return out

    def group_names(self, node: ir.Node) -> list[str]:
        """The groups of ``node``, in program order, each once."""
        out: list[str] = []
        stack = [node]
        while stack:
            n = stack.pop()
            if not self.has_group(n):
                continue
            if isinstance(n, ir.Group):
                out.append(n.name)
            if isinstance(n, (ir.Cat, ir.Alt)):
                stack.extend(reversed(n.items if isinstance(n, ir.Cat) else n.options))
            elif isinstance(n, (ir.Opt, ir.Rep, ir.Group, ir.Look, ir.Behind)):
                stack.append(n.node)
        return list(dict.fromkeys(out))

    def program(self, name: str, node: ir.Node | None, report: Sequence[str] | None = None) -> tuple[str, ...]:
        """Adds a program; returns the groups it reports: ``report`` (in that order), or, if
        None, every group of the program in program order."""
        order = list(dict.fromkeys(report or ()))
        if node is not None:
            for g in self.group_names(node):
                if g not in order:
                    order.append(g)
        shown = tuple(order if report is None else dict.fromkeys(report))
        index = {g: i for i, g in enumerate(order)}
        tree = ["alt", [["lit", ["\uffff\uffff\uffff"], []]]] if node is None else self.node(node, index)
        self.programs.append({"name": name, "groups": len(order), "report": len(shown), "node": tree})
        return shown

    def raw(self, source: str) -> int:
        """The index of raw regex ``source`` (added on first use)."""
        i = self.raw_index.get(source)
        if i is None:
            regex = translate_regex(source)  # (a ValueError naming it if it cannot run)
            first = first_chars(source)
            i = self.raw_index[source] = len(self.raws)
            self.raws.append({"source": source, "regex": regex, "first": None if first is None else first[0],
                              "nullable": True if first is None else first[1], "simple": simple_steps(source),
                              "look_first": look_first(source)})
        return i

    def node(self, n: ir.Node, groups: dict[str, int]) -> int:
        """The index of ``n`` in the node table, added with its children on first use. Nodes
        without a group are remembered by object (the programs of a pack share their macros'
        nodes); every entry is hash-consed by its contents (children as indexes), so each
        distinct sub-tree is written, read and compiled once."""
        if self.has_group(n):
            return self._intern(self._node(n, groups))
        got = self._trees.get(id(n))
        if got is None or got[0] is not n:
            got = self._trees[id(n)] = (n, self._intern(self._node(n, groups)))
        return got[1]

    def _intern(self, entry: list) -> int:
        # (an entry is a flat list of scalars and lists of scalars: as a tuple of tuples, a key)
        key = tuple(tuple(x) if isinstance(x, list) else x for x in entry)
        i = self._entries.get(key)
        if i is None:
            i = self._entries[key] = len(self.nodes)
            self.nodes.append(entry)
        return i

    def _node(self, n: ir.Node, groups: dict[str, int]) -> list:
        """``n`` as a node table entry (its children as their indexes)."""
        if isinstance(n, ir.Lit):
            return ["lit", list(n.tokens), list(n.gaps)]
        if isinstance(n, ir.Lex):
            if n.name not in self.set_index:
                raise ValueError(f"a program reads lexicon {n.name!r}, which the pack's word sets lack")
            return ["lex", self.set_index[n.name]]
        if isinstance(n, ir.AnyWord):
            return ["word"]
        if isinstance(n, ir.Raw):
            return ["raw", self.raw(n.source)]
        if isinstance(n, ir.Gap):
            return ["gap", bool(n.required)]
        if isinstance(n, ir.Assert):
            return ["assert", n.kind]
        if isinstance(n, ir.Look):
            return ["look", self.node(n.node, groups), bool(n.negate)]
        if isinstance(n, ir.Behind):
            return ["behind", self.node(n.node, groups), bool(n.negate), int(n.tokens)]
        if isinstance(n, ir.Cat):
            return ["cat", [self.node(x, groups) for x in n.items]]
        if isinstance(n, ir.Alt):
            return ["alt", [self.node(x, groups) for x in n.options]]
        if isinstance(n, ir.Opt):
            return ["opt", self.node(n.node, groups), bool(n.possessive)]
        if isinstance(n, ir.Rep):
            return ["rep", self.node(n.node, groups), n.min, n.max, bool(n.possessive)]
        if isinstance(n, ir.Group):
            return ["group", groups[n.name], self.node(n.node, groups)]
        raise TypeError(f"not a program node: {n!r}")

    def json(self, plan: dict | None = None) -> str:
        cl = python_classes()
        return json.dumps({"format": FORMAT, "word": cl["word"], "space": cl["space"], "sets": self.sets,
                           "raws": self.raws, "nodes": self.nodes, "programs": self.programs, "plan": plan}, ensure_ascii=False,
                          separators=(",", ":"))

    def plan(self, pack, rest: dict[tuple[int, int], int], labels: Sequence[str]) -> dict | None:
        """The per-document planner of ``pack`` (`native/src/plan.rs`): its anchor index, and per
        rule what `Engine._work` reads (options, per-hit costs, rest programs, gates); None when
        the core cannot plan the pack exactly as the engine does (a rule without a program, a
        raw scan that can match empty or whose first characters are not known): then the
        engine plans in Python."""
        from .compiler import _is_word, anchor_index

        if any(r.program is None for r in pack.rules):
            return None
        index = pack.anchors or anchor_index(pack.rules)
        label_index = {label: i for i, label in enumerate(labels)}
        scans, scans_of = [], {}
        for si, ((src, entries), short) in enumerate(zip(index.raw_scans, index.short_scans)):
            first = first_chars(src)
            if first is None or first[1]:
                return None
            scans.append({"raw": self.raw(src), "short": bool(short)})
            for ri, oi, _ in entries:
                scans_of.setdefault((ri, oi), []).append(si)
        unanchored = set(index.unanchored)
        rules = []
        for r in pack.rules:
            options = []
            for oi, (_, _, back, rest_source) in enumerate(r.options):
                program = rest.get((r.index, oi)) if rest_source else None
                if rest_source and program is None:
                    return None
                near = r.near[oi] if r.near else None  # (a shorter reach, `compiler.Near`)
                options.append({"scans": scans_of.get((r.index, oi), []), "back": back, "rest": program,
                                "per_hit": 1 if back == 0 or rest_source else back + 1,
                                "near": None if near is None else [near.short, near.within, list(near.marks),
                                                                  list(near.opens)]})
            anchored = r.index not in unanchored
            rules.append({"label": label_index[r.label], "anchored": anchored, "bounded": bool(r.bounded),
                          "max_span": r.max_span, "gates": len(r.gates) if anchored else 0, "options": options})
        # (the literals of a lexicon share one entries tuple, `anchor_index`: 18,000 literals of the
        # shipped packs hold 300 distinct ones, each made into its list once)
        pairs: dict[int, tuple[tuple, list]] = {}

        def entry_list(entries: tuple) -> list:
            got = pairs.get(id(entries))
            if got is None:
                got = pairs[id(entries)] = (entries, [[ri, oi] for ri, oi, _ in entries])
            return got[1]

        literals = [[lit, _is_word(lit), entry_list(entries)] for lit, entries in index.by_literal.items()]
        return {"labels": len(labels), "scans": scans, "rules": rules, "literals": literals}


def pack_layout(pack) -> Layout:
    """The `Layout` of a `CompiledPack`: made once per pack object, and kept in the on-disk cache
    beside the compiled pack (`cache`; writing it takes about a second for the shipped packs)."""
    key = id(pack)
    with _lock:
        hit = _layouts.get(key)
        if hit is not None and hit[0]() is pack:
            return hit[1]
    disk_key = _disk_key(pack)
    layout = None if disk_key is None else cache.load(disk_key)
    if not isinstance(layout, Layout):
        layout = _make_layout(pack)
        if disk_key is not None:
            cache.store(disk_key, layout)
    with _lock:
        _layouts[key] = (weakref.ref(pack, lambda _, k=key: _layouts.pop(k, None)), layout)
    return layout


def _disk_key(pack) -> str | None:
    """The cache key of a pack's layout: the compiled pack's key (None if it has none), this
    module's code, the format and the Python build (its Unicode database gives the classes)."""
    if not getattr(pack, "key", ""):
        return None
    import hashlib
    import sys

    h = hashlib.sha256(f"native layout {FORMAT}\n{sys.version}\n{pack.key}\n".encode())
    try:
        with open(__file__, "rb") as f:
            h.update(f.read())
    except OSError:
        return None
    return "native-" + h.hexdigest()[:32]


def _rest_sources(pack, rest: dict[tuple[int, int], int]) -> dict[str, int]:
    """`Layout.rest_sources` of ``pack`` from `Layout.rest`: each rest program name's first program."""
    out: dict[str, int] = {}
    for r in pack.rules:
        for oi in range(len(r.rest_programs)):
            if (r.index, oi) in rest and oi < len(r.options) and r.options[oi][3]:
                out.setdefault(r.options[oi][3], rest[(r.index, oi)])
    return out


@gcpause.paused()  # (builds tables of long-lived objects: see `gcpause`)
def _make_layout(pack) -> Layout:
    w = _Writer(pack.word_sets)
    groups, names, missing, rest = [], [], set(), {}
    for r in pack.rules:
        if r.program is None:
            missing.add(len(names))
        groups.append(w.program(r.name, r.program, [g for g, _, _ in r.groups]))
        names.append(r.name)
    for r in pack.rules:
        for oi, prog in enumerate(r.rest_programs):
            if prog is not None:
                rest[(r.index, oi)] = len(names)
                groups.append(w.program(f"{r.name}#rest{oi}", prog))
                names.append(f"{r.name}#rest{oi}")
    labels = tuple(dict.fromkeys(r.label for r in pack.rules))
    return Layout(pack_json(w.json(w.plan(pack, rest, labels))), len(pack.rules), rest, _rest_sources(pack, rest),
                  tuple(groups),
                  tuple(names), frozenset(missing), labels)


def programs_layout(programs: Sequence[ir.Node], word_sets: dict[str, ir.WordSet]) -> Layout:
    """The `Layout` of hand-built programs (indexes as in the list; every group reported, in
    program order)."""
    w = _Writer(word_sets)
    groups = tuple(w.program(f"program{i}", p) for i, p in enumerate(programs))
    return Layout(pack_json(w.json()), len(programs), {}, {}, groups, tuple(f"program{i}" for i in range(len(programs))),
                  frozenset())


_layouts: dict[int, tuple[weakref.ref, Layout]] = {}
_lock = threading.Lock()
_cores: dict[bytes, Any] = {}  # the last few compiled cores, by their packed JSON (a core is read-only)
_KEEP_CORES = 3


def _compiled(packed: bytes):
    """The compiled `_core.Core` of the JSON ``packed`` (`Layout.packed`), shared by the cores of
    equal packs (engines made one after another for the same pack files compile it once)."""
    extension = load_extension()  # (ImportError with its hint if the core is not built, cached or not)
    with _lock:
        hit = _cores.get(packed)
    if hit is not None:
        return hit
    raw = zlib.decompress(packed)
    try:
        core = extension.Core(raw)  # UTF-8 bytes: no str of the JSON is made at all
    except TypeError:  # a core built before it took bytes
        core = extension.Core(raw.decode("utf-8"))
    del raw
    with _lock:
        _cores[packed] = core
        while len(_cores) > _KEEP_CORES:
            del _cores[next(iter(_cores))]
    return core


# --- the core ------------------------------------------------------------------------------------

class Core:
    """A pack's programs in the native core. ``text`` arguments take a prepared `Text` (see
    `prepare`) or a str (prepared on the fly; the last one is kept, so repeated calls with the
    same str object convert it once)."""

    def __init__(self, pack=None, *, layout: Layout | None = None):
        if layout is None:
            if pack is None:
                raise TypeError("Core(pack) or Core(layout=...)")
            layout = pack_layout(pack)
        self.layout = layout
        self._core = _compiled(layout.packed)
        self._last: tuple[str, Any] | None = None

    @classmethod
    def from_programs(cls, programs: Sequence[ir.Node], word_sets: dict[str, ir.WordSet] | None = None) -> "Core":
        """A core for hand-built programs (program i is index i)."""
        return cls(layout=programs_layout(programs, word_sets or {}))

    @property
    def n_rules(self) -> int:
        return self.layout.n_rules

    @property
    def n_programs(self) -> int:
        return self._core.n_programs

    def rest_index(self, rule: int, option: int) -> int | None:
        """The program index of the rest program of ``rule``'s anchor option ``option`` (None if
        that option has none: its rest is the whole rule)."""
        return self.layout.rest.get((rule, option))

    def rest_for(self, source: str) -> int | None:
        """The program index of the rest program named ``source`` (the ``rest`` of an option in
        `CompiledRule.options`)."""
        return self.layout.rest_sources.get(source)

    def groups(self, program: int) -> tuple[str, ...]:
        """The group names program ``program`` reports, in the order of its results."""
        return self.layout.groups[program]

    def prepare(self, text: str):
        """``text`` converted once for matching (a `_core.Text`; ``len()`` is its length)."""
        if not isinstance(text, str):
            raise TypeError(f"prepare() takes a str, not {type(text).__name__}")
        return self._core.prepare(text)

    def _text(self, text):
        if not isinstance(text, str):
            return text
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        prepared = self._core.prepare(text)
        self._last = (text, prepared)
        return prepared

    def _check(self, program: int) -> None:
        if program in self.layout.missing:
            raise ValueError(f"rule {self.layout.names[program]!r} has no program (a pack compiled before "
                             f"programs existed): recompile it")

    def match(self, program: int, text, pos: int, endpos: int | None = None) -> Found:
        """The match of ``program`` at ``pos`` in ``text[:endpos]``: None, or ``(end, spans)``
        with one ``(start, end)`` per group of `groups` (``(-1, -1)`` if it took no part)."""
        self._check(program)
        return self._core.match(program, self._text(text), pos, endpos)

    def match_many(self, program: int, text, positions: Sequence[int],
                   endposes: Sequence[int] | None = None) -> list[Found]:
        """`match` at each of ``positions`` (with ``endposes`` beside them; None: the end of the
        text), in one call."""
        self._check(program)
        return self._core.match_many(program, self._text(text), list(positions),
                                     None if endposes is None else list(endposes))

    def matches(self, program: int, text, positions: Sequence[int],
                endposes: Sequence[int] | None = None) -> list[ProgramMatch | None]:
        """`match_many`, each match as an `executor.ProgramMatch` (read like a `re.Match`)."""
        groups = self.groups(program)
        return [None if found is None else
                ProgramMatch(pos, found[0], {g: s for g, s in zip(groups, found[1]) if s[0] >= 0})
                for pos, found in zip(positions, self.match_many(program, text, positions, endposes))]

    def count_steps(self, program: int, text, positions: Sequence[int], budget: int | None = None) -> tuple[int, bool]:
        """The VM steps of `match` at each of ``positions`` (their sub-programs' and look backs'
        runs included), and whether they stopped on passing ``budget`` steps in all: a
        deterministic measure of work (lint's runaway check, `runaway.py`)."""
        self._check(program)
        return self._core.count_steps(program, self._text(text), list(positions), budget)

    @property
    def plans(self) -> bool:
        """Whether the core plans whole documents itself (`extract`)."""
        return self._core.plans

    def label_mask(self, labels: Iterable[str] | None) -> list[bool] | None:
        """``labels`` as `extract`'s ``wanted`` (None: every label)."""
        if labels is None:
            return None
        wanted = set(labels)
        return [label in wanted for label in self.layout.labels]

    def extract(self, text, wanted: Sequence[bool] | None = None,
                timeout: float | None = None) -> list[tuple[int, int, int, list[tuple[int, int]]]]:
        """Every rule's matches in ``text`` (a str or a prepared `Text`) in one call, planned as
        `Engine._work` plans them: ``(rule, start, end, spans)`` with whitespace trimmed from the
        match and from each group (``(-1, -1)``: a group that took no part, or only whitespace),
        sorted by where the rule was tried, then by rule. ``wanted`` (see `label_mask`) limits
        the rules run. Past ``timeout`` seconds: TimeoutError with the rule's index."""
        if not self.plans:
            raise ValueError("this pack is planned in Python (see _Writer.plan): call match_many per rule")
        return self._core.extract(self._text(text), None if wanted is None else list(wanted), timeout)

    def pattern(self, program: int) -> "NativePattern":
        """Program ``program`` behind the ``match(text, pos, endpos)`` of a `re.Pattern`."""
        return NativePattern(self, program)


class NativePattern:
    """A program with the `re.Pattern.match` the engine calls; the match is an
    `executor.ProgramMatch` (``start()``, ``end()``, ``span(group)``)."""

    def __init__(self, core: Core, program: int):
        self._core, self._program = core, program
        self._groups = core.groups(program)

    def match(self, text, pos: int = 0, endpos: int | None = None) -> ProgramMatch | None:
        found = self._core.match(self._program, text, pos, endpos)
        if found is None:
            return None
        end, spans = found
        return ProgramMatch(pos, end, {g: s for g, s in zip(self._groups, spans) if s[0] >= 0})
