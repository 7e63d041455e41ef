"""A slow, obviously correct matcher: interprets a pattern AST over the tokens of the normalized
text, with the same overlap resolution spelled out the simple way (for the differential test).

Tokens are what the engine calls them: runs of word characters and single punctuation marks;
whitespace only separates them. So a sequence of items is a sequence of consecutive tokens and
"a gap" needs no code. Like the engine's regexes, alternatives are tried in order, quantifiers
are greedy and optional items are tried present first; the first way that completes the rule is
its match at that start. Glue works inside one token, character by character.

Implemented subset: Word, Phrase, LexRef (one-word and space-separated forms), AnyWord, Seq, Alt,
Repeat of items that cannot match empty, Capture (not inside a Repeat), Glue of words and
word lexicons (optionally ``?``) ending in a word, a lexicon or ``_``, look backs (``<&x``,
``<&!x``) before an item that cannot match empty: x matches the tokens that end where the item
starts, and the built-in numbers ``%digits`` and ``%integer`` (read here by hand, character by
character, not by their regexes). No Raw, no SubRef.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from arabic_rules.normalize import normalize
from arabic_rules.syntax import (MAX_BACK_TOKENS, Alt, AnyWord, BuiltinRef, Capture, Cond, Glue, LexRef, Phrase, Repeat,
                                 Seq, Word)

TOKEN = re.compile(r"\w+|[^\w\s]")


def _norm_tokens(text: str) -> list[str]:
    return TOKEN.findall(normalize(text).text)


class Matcher:
    """All the ways ``node`` matches the token list from token ``i``, in the regex's order."""

    def __init__(self, text: str, lexicons: dict[str, list[str]]):
        self.text = text
        self.toks = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
        self.lex = {name: sorted({" ".join(normalize(f).text.split()) for f in forms}, key=len, reverse=True)
                    for name, forms in lexicons.items()}

    def words_at(self, i: int, words: list[str]) -> int | None:
        """Token index after the token sequence ``words`` at ``i`` (None if it is not there)."""
        n = len(words)
        if [t for t, _, _ in self.toks[i:i + n]] == words:
            return i + n
        return None

    def match(self, node, i: int, caps: dict):
        toks = self.toks
        if isinstance(node, (Word, Phrase)):
            j = self.words_at(i, _norm_tokens(node.text))
            if j is not None:
                yield j, caps
        elif isinstance(node, LexRef):
            for form in self.lex[node.name]:  # longest form first, as the trie does
                j = self.words_at(i, TOKEN.findall(form))
                if j is not None:
                    yield j, caps
        elif isinstance(node, AnyWord):
            if i < len(toks) and re.match(r"\w", toks[i][0]):
                yield i + 1, caps
        elif isinstance(node, Seq):
            yield from self.seq(node.items, i, caps)
        elif isinstance(node, Alt):
            for option in node.options:
                yield from self.match(option, i, caps)
        elif isinstance(node, Repeat):
            yield from self.repeat(node, 0, i, caps)
        elif isinstance(node, Capture):
            for j, c in self.match(node.node, i, caps):
                if j > i:
                    c = {**c, node.name: (toks[i][1], toks[j - 1][2])}
                yield j, c
        elif isinstance(node, BuiltinRef) and node.name in _NUMBERS:
            end = _NUMBERS[node.name](self.text, toks[i][1]) if i < len(toks) else None
            if end is not None and not _inside_word(self.text, end):
                j = next((k + 1 for k in range(i, len(toks)) if toks[k][2] == end), None)
                if j is not None:
                    yield j, caps
        elif isinstance(node, Glue):
            if i < len(toks) and re.match(r"\w", toks[i][0]):  # a chain of word parts is one word
                word = toks[i][0]
                for _end in self.glue(node.parts, word, 0):
                    yield i + 1, caps
        elif isinstance(node, Cond) and node.back:  # some tokens before i, up to i, are a match of x
            ends_here = any(j == i for start in range(max(0, i - MAX_BACK_TOKENS), i)
                            for j, _ in self.match(node.node, start, {}))
            if ends_here != node.negate:
                yield i, caps
        else:
            raise NotImplementedError(f"reference matcher does not implement {type(node).__name__}")

    def seq(self, items, i, caps):
        if not items:
            yield i, caps
            return
        for j, c in self.match(items[0], i, caps):
            yield from self.seq(items[1:], j, c)

    def repeat(self, node: Repeat, done: int, i: int, caps):
        if node.max is None or done < node.max:
            for j, c in self.match(node.node, i, caps):
                yield from self.repeat(node, done + 1, j, c)
        if done >= node.min:
            yield i, caps

    def glue(self, parts, word: str, p: int):
        """Ends in ``word`` of the glued ``parts`` from character ``p``; the chain must fill it."""
        if not parts:
            if p == len(word):
                yield p
            return
        head, rest = parts[0], parts[1:]
        for q in self.glue_part(head, word, p):
            yield from self.glue(rest, word, q)

    def glue_part(self, node, word: str, p: int):
        if isinstance(node, Word):
            w = normalize(node.text).text
            if word.startswith(w, p):
                yield p + len(w)
        elif isinstance(node, LexRef):
            for form in self.lex[node.name]:
                if word.startswith(form, p):
                    yield p + len(form)
        elif isinstance(node, AnyWord):  # \w++ is atomic: it takes the rest of the word
            if p < len(word):
                yield len(word)
        elif isinstance(node, Repeat) and (node.min, node.max) == (0, 1):
            yield from self.glue_part(node.node, word, p)
            yield p
        else:
            raise NotImplementedError(f"reference glue does not implement {node!r}")


# --- the built-in numbers, by hand: where a number written in digits that starts at p ends -------

DIGIT = "0123456789"
POINTS = ".\u066b"  # the decimal point (and the Arabic one, if the text still has it)
COMMAS = ",\u066c"  # the thousands comma (and the Arabic one)
ARABIC_COMMA = "\u060c"


def _at(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def _word(c: str) -> bool:
    return bool(c) and (c.isalnum() or c == "_")


def _inside_word(text: str, p: int) -> bool:
    return _word(_at(text, p - 1)) and _word(_at(text, p))


def _run(text: str, p: int) -> int:
    """The end of the run of ASCII digits at ``p``."""
    while _at(text, p) and _at(text, p) in DIGIT:
        p += 1
    return p


def _groups(text: str, p: int, sep: str) -> list[int]:
    """After digits that end at ``p``: the ends of one, two, ... groups of exactly three digits,
    each after one separator in ``sep``."""
    ends = []
    while _at(text, p) and _at(text, p) in sep and _run(text, p + 1) - (p + 1) == 3:
        p = p + 4
        ends.append(p)
    return ends


def _decimals(text: str, p: int, points: str, most: int | None = None) -> int:
    """After a number that ends at ``p``: the end of its decimal part (a point of ``points`` and
    digits, at most ``most`` of them), or ``p`` without one."""
    if _at(text, p) and _at(text, p) in points:
        n = _run(text, p + 1) - (p + 1)
        if n and (most is None or n <= most):
            return p + 1 + n
    return p


def _integer(text: str, p: int) -> int | None:
    """``%integer``: digits standing alone (no word, point or comma before them, no point or
    comma and digit after them)."""
    before = _at(text, p - 1)
    if _at(text, p) not in DIGIT or not _at(text, p) or _word(before) or (before and before in ".,\u066b\u060c"):
        return None
    end = _run(text, p)
    after = _at(text, end)
    if after and after in ".,\u066b\u060c" and _at(text, end + 1) and _at(text, end + 1) in DIGIT:
        return None
    return end


def _clock(text: str, p: int) -> bool:
    """Whether the digits at ``p`` are the hour or the minutes of a clock time (7:45)."""
    end = _run(text, p)
    hour = text[p:end]
    if 1 <= len(hour) <= 2 and int(hour) <= 24 and _at(text, end) == ":":
        minutes = text[end + 1:_run(text, end + 1)]
        if len(minutes) == 2 and minutes[0] in "012345":
            return True
    minutes = hour
    return (_at(text, p - 1) == ":" and _at(text, p - 2) in tuple(DIGIT) and len(minutes) == 2
            and minutes[0] in "012345")


def _digits(text: str, p: int) -> int | None:
    """``%digits``: a number in digits starting at ``p`` (a sign first where no word, point or
    comma comes before it), read as the first of these forms that fits: thousands by a comma,
    by an Arabic comma, by one space (as many groups as leave no digit, point or comma after),
    a decimal comma, plain digits with a decimal point."""
    if _at(text, p - 1) in tuple(".,\u066b\u066c\u060c") and _at(text, p - 2) in tuple(DIGIT):
        return None  # the tail of a longer number (the 5 of 3.5)
    q = p
    if _at(text, q) in ("+", "-") and _at(text, q + 1) in tuple(DIGIT):
        before = _at(text, q - 1)
        if not (_word(before) or before in (".", ",")):
            q += 1
    if _at(text, q) not in tuple(DIGIT):
        return None
    if _at(text, q - 1) == "-" and _word(_at(text, q - 2)) and _at(text, q - 2) not in tuple(DIGIT):
        return None  # a code: كوفيد-19
    if _clock(text, q):
        return None
    lead = _run(text, q)
    if lead - q <= 3:
        for sep, points, most, stop in ((COMMAS, POINTS, None, DIGIT), (ARABIC_COMMA, ".,", 2, DIGIT),
                                        (" ", ".", 2, DIGIT + ".,\u066b")):
            for end in reversed(_groups(text, lead, sep)):  # 12,400 / 1،250،000 / 1 250, and decimals
                end = _decimals(text, end, points, most)
                if not (_at(text, end) and _at(text, end) in stop):
                    return end
    if _at(text, lead) in (",", ARABIC_COMMA):  # 2,5 and 0،4: a decimal comma
        tail = _run(text, lead + 1) - (lead + 1)
        end = lead + 1 + tail
        follows = _at(text, end) in (",", ARABIC_COMMA) and _at(text, end + 1) in tuple(DIGIT)
        if (1 <= tail <= 2 or tail >= 4) and not follows:
            return end
    return _decimals(text, lead, POINTS)


_NUMBERS = {"digits": _digits, "integer": _integer}


@dataclass(frozen=True)
class RefMatch:
    rule: str
    label: str
    priority: int
    index: int
    start: int  # normalized character offsets
    end: int
    fields: tuple[tuple[str, int, int], ...]


def candidates(text: str, rules: list[dict], lexicons: dict[str, list[str]], nodes: list) -> list[RefMatch]:
    """Each rule's first match at every token start of the normalized ``text``."""
    m = Matcher(text, lexicons)
    out = []
    for index, (rule, node) in enumerate(zip(rules, nodes)):
        for i in range(len(m.toks)):
            for j, caps in m.match(node, i, {}):
                if j > i:
                    out.append(RefMatch(rule["name"], rule["label"], rule.get("priority", 0), index,
                                        m.toks[i][1], m.toks[j - 1][2], tuple(sorted((k, *v) for k, v in caps.items()))))
                break  # only the first way counts, as with re.match
    return out


def resolve(cands: list[RefMatch], absorbs: dict[str, list[str]]) -> list[RefMatch]:
    """Per label: longest first, then higher priority, then leftmost, then rule order; a candidate
    that overlaps one already kept is dropped. Then drop what an absorbing match contains."""
    kept: list[RefMatch] = []
    for label in sorted({c.label for c in cands}):
        order = sorted((c for c in cands if c.label == label),
                       key=lambda c: (-(c.end - c.start), -c.priority, c.start, c.index))
        mine: list[RefMatch] = []
        for c in order:
            if all(c.end <= k.start or k.end <= c.start for k in mine):
                mine.append(c)
        kept += mine
    return [c for c in kept
            if not any(c.label in absorbs.get(a.rule, ()) and a.start <= c.start and c.end <= a.end and a is not c
                       for a in kept)]
