"""The pattern language: Lark grammar -> frozen AST, and AST -> pattern string.

`parse_pattern` turns a pattern string into nodes; `render` writes nodes back so that
``parse_pattern(render(node)) == node``. Positions (``pos``) are offsets into the pattern
string, kept for error messages and ignored by equality.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Iterator, Union, cast

from .errors import PatternSyntaxError
from .resources import grammar_path

MAX_REPEAT = 200  # a bound larger than this is almost surely a typo
MAX_BACK_TOKENS = 12  # the most tokens (words, marks) a look-back condition (<&x) may read


@dataclass(frozen=True)
class Word:
    """A bare word: matches that word, whole."""

    text: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Phrase:
    """A quoted literal: words and punctuation, matched across any whitespace."""

    text: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class LexRef:
    """``@name``: any entry of a lexicon."""

    name: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class SubRef:
    """``<name>``: a named sub-pattern (macro)."""

    name: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class AnyWord:
    """``_``: any one word (letters and digits; not punctuation)."""

    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Raw:
    """``re"..."``: a guarded character-level regular expression."""

    source: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class BuiltinRef:
    """``%name``: a built-in item of the language (`builtins.py`), such as ``%quotation``."""

    name: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Not:
    """``!node``: one word where ``node`` does not match (``!@say``: a word that is no cue)."""

    node: "Node"
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Cond:
    """``&node`` (``&!node`` when ``negate``): a condition at this point of the text, which reads
    nothing: ``node`` matches here (does not match here). Before an item it looks at where that
    item starts; at the end of a sequence, at what follows its last item.

    With ``back`` (``<&node``, ``<&!node``) it looks back instead: ``node`` matches text that ends
    right here (before an item: before the item's gap; glued after a clitic or word: right at the
    glue, so ``@say ~ <&!ه`` is a cue word that does not end in ه). ``node`` reads a bounded
    number of tokens (`MAX_BACK_TOKENS`) and captures nothing."""

    node: "Node"
    negate: bool = False
    pos: int = field(default=-1, compare=False)
    back: bool = False


@dataclass(frozen=True)
class Repeat:
    """``node?``, ``node*``, ``node+``, ``node{m,n}``; ``max`` None means unbounded."""

    node: "Node"
    min: int
    max: int | None
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Capture:
    """``name:node``: the text matched by ``node`` becomes field ``name`` of the match."""

    name: str
    node: "Node"
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Glue:
    """``a ~ b``: the parts follow each other with no gap (clitics, the article)."""

    parts: tuple["Node", ...]
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Seq:
    """Items in order, separated by whitespace (or nothing next to punctuation)."""

    items: tuple["Node", ...]
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Alt:
    """``a | b``: the first option that leads to a match."""

    options: tuple["Node", ...]
    pos: int = field(default=-1, compare=False)


Node = Union[Word, Phrase, LexRef, SubRef, AnyWord, Raw, BuiltinRef, Not, Cond, Repeat, Capture, Glue, Seq, Alt]


@dataclass(frozen=True)
class Call:
    """A value builder call: ``date(day=day, month=month)``; args are field names or literals."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class FieldArg:
    """An argument of a call that names a field of the match."""

    name: str


@cache
def _parser() -> Any:
    from lark import Lark

    return Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", start=["pattern", "call"],
                propagate_positions=True, maybe_placeholders=False)


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _pos(meta_or_token: Any) -> int:
    return getattr(meta_or_token, "start_pos", -1)


@cache  # (one, stateless, for every parse: defining and decorating the class was a sixth of loading the packs)
def _transformer() -> Any:
    from lark import Transformer, v_args

    @v_args(meta=True)
    class ToAst(Transformer[Any, Node]):
        def pattern(self, meta: Any, children: list[Any]) -> Any:
            return children[0]

        def alt(self, meta: Any, children: list[Any]) -> Any:
            return Alt(tuple(children), pos=_pos(meta))

        def seq(self, meta: Any, children: list[Any]) -> Any:
            return Seq(tuple(children), pos=_pos(meta))

        def glued(self, meta: Any, children: list[Any]) -> Any:
            return Glue(tuple(children), pos=_pos(meta))

        def item(self, meta: Any, children: list[Any]) -> Any:
            name = None
            if getattr(children[0], "type", None) == "CAPTURE":
                name, children = children[0], children[1:]
            node = children[0]
            if len(children) > 1:
                node = _repeat(node, children[1])
            if name is not None:
                node = Capture(str(name)[:-1], node, pos=name.start_pos)
            return node

        def condition(self, meta: Any, c: list[Any]) -> Any:
            return Cond(c[1], str(c[0]) == "&!", pos=c[0].start_pos)

        def behind(self, meta: Any, c: list[Any]) -> Any:
            return Cond(c[1], str(c[0]) == "<&!", pos=c[0].start_pos, back=True)

        def negated(self, meta: Any, c: list[Any]) -> Any:
            return Not(c[0], pos=_pos(meta))

        def word(self, meta: Any, c: list[Any]) -> Any:
            return Word(str(c[0]), pos=c[0].start_pos)

        def phrase(self, meta: Any, c: list[Any]) -> Any:
            text = _unquote(str(c[0]))
            if not text.strip():
                raise PatternSyntaxError("empty quoted literal; remove it or put a word inside", "", c[0].start_pos)
            return Phrase(text, pos=c[0].start_pos)

        def lexref(self, meta: Any, c: list[Any]) -> Any:
            return LexRef(str(c[0])[1:], pos=c[0].start_pos)

        def subref(self, meta: Any, c: list[Any]) -> Any:
            return SubRef(str(c[0])[1:-1], pos=c[0].start_pos)

        def any(self, meta: Any, c: list[Any]) -> Any:
            return AnyWord(pos=c[0].start_pos)

        def builtin(self, meta: Any, c: list[Any]) -> Any:
            from .builtins import builtins

            name = str(c[0])[1:]
            if name not in builtins():
                known = ", ".join("%" + n for n in builtins())
                raise PatternSyntaxError(f"unknown built-in item %{name}; the built-in items are {known}", "",
                                         c[0].start_pos)
            return BuiltinRef(name, pos=c[0].start_pos)

        def raw(self, meta: Any, c: list[Any]) -> Any:
            src = str(c[0])[3:-1].replace('\\"', '"')
            try:
                re.compile(src)
            except re.error as e:
                raise PatternSyntaxError(f"raw regex does not compile: {e.msg}", "", c[0].start_pos) from None
            return Raw(src, pos=c[0].start_pos)

        def call(self, meta: Any, c: list[Any]) -> Any:
            args, kwargs = [], []
            for a in c[1:]:
                (kwargs.append(a) if isinstance(a, tuple) else args.append(a))
            return Call(str(c[0]), tuple(args), tuple(kwargs))

        def arg(self, meta: Any, c: list[Any]) -> Any:
            value = _literal(c[-1])
            return (str(c[0]), value) if len(c) == 2 else value

    return ToAst()


def _literal(token: Any) -> Any:
    if token.type == "NAME":
        return FieldArg(str(token))
    if token.type == "STRING":
        return _unquote(str(token))
    text = str(token)
    return float(text) if "." in text else int(text)


def _repeat(node: Node, token: Any) -> Repeat:
    q = str(token)
    if q in ("?", "*", "+"):
        lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[q]
    else:
        body = q[1:-1].replace(" ", "")
        lo_s, _, hi_s = body.partition(",")
        lo = int(lo_s) if lo_s else 0
        hi = (int(hi_s) if hi_s else None) if "," in body else lo
        if hi is not None and (hi < lo or hi == 0):
            raise PatternSyntaxError(f"bad repetition {q}: write {{m,n}} with 0 <= m <= n and n >= 1", "",
                                     token.start_pos)
        if max(lo, hi or 0) > MAX_REPEAT:
            raise PatternSyntaxError(f"repetition {q} is larger than {MAX_REPEAT}; use * or + instead", "",
                                     token.start_pos)
    return Repeat(node, lo, hi, pos=token.start_pos)


def parse_pattern(source: str) -> Node:
    """Parse a pattern string into an AST; raises `PatternSyntaxError` with the column."""
    return cast(Node, _parse(source, "pattern"))


def parse_call(source: str) -> Call:
    """Parse a value builder call such as ``date(day=day, month=month)``."""
    return cast(Call, _parse(source, "call"))


def _parse(source: str, start: str) -> Any:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

    if not source.strip():
        raise PatternSyntaxError(f"empty {start}; write at least one item", source, 0)
    try:
        tree = _parser().parse(source, start=start)
        return _transformer().transform(tree)
    except VisitError as e:
        err = e.orig_exc
        if isinstance(err, PatternSyntaxError):
            raise PatternSyntaxError(err.message, source, err.offset) from None
        raise
    except UnexpectedCharacters as e:
        pos = e.pos_in_stream or 0  # (always set for this error)
        raise PatternSyntaxError(_char_hint(source[pos], start), source, pos) from None
    except UnexpectedEOF:
        raise PatternSyntaxError(f"{start} ends too early: close every '(' and quote, and finish the {start}",
                                 source, len(source.rstrip())) from None
    except UnexpectedInput as e:
        token = getattr(e, "token", None)
        offset = getattr(token, "start_pos", None)
        if offset is None or token is None or token.type == "$END":
            raise PatternSyntaxError(f"{start} ends too early: close every '(' and finish the {start}",
                                     source, len(source.rstrip())) from None
        expected = sorted(getattr(e, "expected", ()) or ())
        hint = _token_hint(str(token), expected)
        raise PatternSyntaxError(hint, source, offset) from None


def _char_hint(ch: str, start: str) -> str:
    if start == "pattern" and not ch.isalnum():
        return f"unexpected character {ch!r}: quote punctuation in a pattern, as in \"{ch}\""
    return f"unexpected character {ch!r}"


_NAMES = {"RPAR": "')'", "LPAR": "'('", "VBAR": "'|'", "TILDE": "'~'", "QUANT": "a quantifier",
          "WORD": "a word", "STRING": "a quoted literal", "BUILTIN": "a built-in item", "NAME": "a name", "COMMA": "','",
          "COND": "a condition (&, &!)", "BACK": "a look-back condition (<&, <&!)"}


def _token_hint(token: str, expected: list[str]) -> str:
    if token[:1] in "?*+{":
        return (f"unexpected quantifier {token!r}: a quantifier follows an item, once; "
                f"to repeat a repeated item, group it as in (x{{1,3}})?")
    if token in (")", "|", "~"):
        return f"unexpected {token!r}: an item (word, \"literal\", @lexicon, <macro>, _ or group) must come first"
    names = ", ".join(_NAMES.get(x, x.lower()) for x in expected[:6])
    return f"unexpected {token!r}" + (f"; expected {names}" if names else "")


# ---------------------------------------------------------------------------------------------
# AST -> pattern string

_BARE_WORD = re.compile(r"(?:[^\W_]|[\u0640\u064b-\u0655\u0670])+")


def render(node: Node) -> str:
    """Write ``node`` as a pattern string that parses back to an equal AST."""
    return _render(node, 0)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render(node: Node, prec: int) -> str:
    # prec: 0 = alternation, 1 = sequence, 2 = glue, 3 = item (needs an atom)
    if isinstance(node, Word):
        return node.text if _BARE_WORD.fullmatch(node.text) else _quote(node.text)
    if isinstance(node, Phrase):
        return _quote(node.text)
    if isinstance(node, LexRef):
        return "@" + node.name
    if isinstance(node, SubRef):
        return f"<{node.name}>"
    if isinstance(node, AnyWord):
        return "_"
    if isinstance(node, BuiltinRef):
        return "%" + node.name
    if isinstance(node, Raw):
        return 're"' + node.source.replace('"', '\\"') + '"'
    if isinstance(node, (Not, Cond)):
        mark = "!" if isinstance(node, Not) else ("<" if node.back else "") + ("&!" if node.negate else "&")
        body = mark + _render(node.node, 4 if isinstance(node.node, (Repeat, Capture)) else 3)
        return _wrap(body, prec > 3 and isinstance(node, Not))
    if isinstance(node, Repeat):
        inner = node.node
        atom = _render(inner, 4) if isinstance(inner, (Repeat, Capture)) else _render(inner, 3)
        return _wrap(atom + _quantifier(node.min, node.max), prec > 3)  # x?? does not parse: (x?)?
    if isinstance(node, Capture):
        inner = node.node
        if isinstance(inner, Repeat) and not isinstance(inner.node, (Repeat, Capture)):
            body = _render(inner, 3)
        else:
            body = _render(inner, 4 if isinstance(inner, (Repeat, Capture)) else 3)
        return _wrap(f"{node.name}:{body}", prec > 3)
    if isinstance(node, Glue):
        return _wrap(" ~ ".join(_render(p, 3) for p in node.parts), prec > 2)
    if isinstance(node, Seq):
        return _wrap(" ".join(_render(i, 2) for i in node.items), prec > 1)
    if isinstance(node, Alt):
        return _wrap(" | ".join(_render(o, 1) for o in node.options), prec > 0)
    raise TypeError(f"not a pattern node: {node!r}")


def _wrap(text: str, parens: bool) -> str:
    return f"({text})" if parens else text


def _quantifier(lo: int, hi: int | None) -> str:
    fixed = {(0, 1): "?", (0, None): "*", (1, None): "+"}
    if (lo, hi) in fixed:
        return fixed[(lo, hi)]
    if hi is None:
        return f"{{{lo},}}"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    yield node
    if isinstance(node, (Repeat, Capture, Not, Cond)):
        yield from walk(node.node)
    elif isinstance(node, Glue):
        for p in node.parts:
            yield from walk(p)
    elif isinstance(node, Seq):
        for p in node.items:
            yield from walk(p)
    elif isinstance(node, Alt):
        for p in node.options:
            yield from walk(p)
