"""A slow, obviously correct matcher: interprets a pattern AST over the tokens of the normalized
text, with the same overlap resolution spelled out the simple way (for the differential test).

Tokens are what the engine calls them: runs of word characters and single punctuation marks;
whitespace only separates them. So a sequence of items is a sequence of consecutive tokens and
"a gap" needs no code. Like the engine's regexes, alternatives are tried in order, quantifiers
are greedy and optional items are tried present first; the first way that completes the rule is
its match at that start. Glue works inside one token, character by character.

Implemented subset: Word, Phrase, LexRef (one-word and space-separated forms), AnyWord, Seq, Alt,
Repeat of items that cannot match empty, Capture (not inside a Repeat), Glue of words and
word lexicons (optionally ``?``) ending in a word, a lexicon or ``_``, and look backs (``<&x``,
``<&!x``) before an item that cannot match empty: x matches the tokens that end where the item
starts. No Raw, no SubRef.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from arabic_rules.normalize import normalize
from arabic_rules.syntax import MAX_BACK_TOKENS, Alt, AnyWord, Capture, Cond, Glue, LexRef, Phrase, Repeat, Seq, Word

TOKEN = re.compile(r"\w+|[^\w\s]")


def _norm_tokens(text: str) -> list[str]:
    return TOKEN.findall(normalize(text).text)


class Matcher:
    """All the ways ``node`` matches the token list from token ``i``, in the regex's order."""

    def __init__(self, text: str, lexicons: dict[str, list[str]]):
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
