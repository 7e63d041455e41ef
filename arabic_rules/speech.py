"""Attribution value builder (who said what) and the finisher that carries speakers over.

Python holds only generic logic: which forms are passive, which words negate, what counts as a
quotation all come from the rule files (the lexicons of role ``verb.passive``, such as a verb
group's ``say.passive``, and ``verb.perfect`` ...).
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import cached_property
from typing import Any

from .match import Match, Span, maker
from .values import BuildContext, Built, FieldView, Reject, builder, finisher, role

QUOTES = {'"': '"', "«": "»", "“": "”", "'": "'", "”": "”"}  # (”...”: opened with the closing mark)
DAMMA = "\u064f"
_MATCH = maker(Match)  # (carry_over remakes every attribution: the fast constructor)
_SENTENCE_END = re.compile(r"[.!?؟\n]")


def is_quotation(text: str) -> bool:
    """True when ``text`` is one quotation from its opening mark to the matching closing one."""
    text = text.strip()
    if len(text) < 2 or text[0] not in QUOTES or text[-1] != QUOTES[text[0]]:
        return False
    return QUOTES[text[0]] not in text[1:-1] or text[0] == QUOTES[text[0]] and text.count(text[0]) == 2


def _is_passive(ctx: BuildContext, cue: FieldView) -> bool:
    """A cue is passive when its form is only a passive one (قيل، أفيد، يقال), or when it is
    written with a damma on its first letters (ذُكر، أُعلن) where the spelling is shared."""
    only, shared = _passives(ctx.lexicons, ctx.roles)
    return cue.text in only or (cue.text in shared and DAMMA in cue.original[:3])


_PASSIVES: dict[tuple[int, int], tuple] = {}
_ACTIVE = ("verb.perfect", "verb.imperfect")
role("verb.passive", "passive forms of a cue verb (قيل، يقال): an attribution with no speaker to carry over")
for _cls in _ACTIVE:
    role(_cls, f"{_cls.split('.')[1]} forms of a cue verb: a passive form spelt like one is passive only with a damma")


def _group(name: str) -> str:
    """The verb group of a form-class lexicon (``say.passive`` -> ``say``)."""
    return name.rpartition(".")[0] or name


def _passives(lexicons, roles) -> tuple[frozenset, frozenset]:
    """(forms that are only passive, passive forms shared with an active one of the same verb
    group) of a pack's lexicons with role verb.passive (a verb group's ``group.passive`` has it),
    worked out once per pack (it was a look through every lexicon per cue)."""
    key = (id(lexicons), id(roles))
    got = _PASSIVES.get(key)
    if got is None or got[0] is not lexicons or got[1] is not roles:
        active: dict[str, set] = {}
        for name, r in roles.items():
            if r in _ACTIVE:
                active.setdefault(_group(name), set()).update(lexicons.get(name, ()))
        only, shared = set(), set()
        for name, r in roles.items():
            if r == "verb.passive":
                mine = active.get(_group(name), set())
                for form in lexicons.get(name, ()):
                    (shared if form in mine else only).add(form)
        if len(_PASSIVES) > 8:  # engines come and go (tests build many): keep a few packs only
            _PASSIVES.clear()
        got = _PASSIVES[key] = (lexicons, roles, frozenset(only), frozenset(shared))
    return got[2], got[3]


@builder("attribution")
def attribution(ctx: BuildContext, cue: FieldView | None = None, speaker: FieldView | None = None,
                content: FieldView | None = None, neg: FieldView | None = None,
                lemma: FieldView | str | None = None, passive: str | None = None,
                scope: str | None = None, at: str | None = None, fallback: str | None = None,
                aside: str | None = None) -> Any:
    """``{"lemma", "direct", "speaker", "content"}``; the lemma is the cue's lexicon value (or
    ``lemma``: a field such as the verb inside حسبما أفادت, or a literal; "" means none).
    attrs: ``negated`` (a ``neg`` field matched), ``passive`` (no speaker to carry over),
    ``scope: before`` (the content is the clause before the cue; the finisher sets it),
    ``at="line_start"`` rejects a match that does not start a line (headlines); ``fallback``: the
    speaker is only used when no attribution comes earlier in the sentence (the finisher decides);
    ``aside``: a speaker named in passing (the antecedent of a relative clause) keeps its own
    speaker but is not carried over to the cues after it (the finisher)."""
    if isinstance(lemma, FieldView):
        lemma = lemma.value if isinstance(lemma.value, str) else lemma.text
    elif lemma is None and cue is not None:
        lemma = cue.value if isinstance(cue.value, str) else cue.text
    attrs: dict[str, Any] = {"negated": neg is not None}
    if passive or (cue is not None and speaker is None and _is_passive(ctx, cue)):
        attrs["passive"] = True
    if scope:
        attrs["scope"] = scope
    if fallback:
        attrs["fallback"] = True
    if aside:
        attrs["aside"] = True
    if at == "line_start" and not ctx.starts_line():
        raise Reject
    if ctx.quoted():  # a cue in someone's quoted words is part of what they said
        raise Reject
    value = {
        "lemma": lemma or None,
        "direct": content is not None and is_quotation(content.text),
        "speaker": speaker.original if speaker is not None else None,
        "content": content.original if content is not None else None,
    }
    return Built(value, attrs)


@finisher("attribution")
def carry_over(matches: list[Match], norm, ref_date, context: dict) -> list[Match]:
    """Speakers for cues without one, from the nearest earlier attribution of the text
    (``attrs.speaker_inferred``); contents for sources that qualify the clause before them.
    For a text read in parts, ``context`` keeps the last speaker and the latest attributions
    (in offsets of the whole text) from one part to the next."""
    out: list[Match] = []
    offset = context.get("offset", 0)
    last_speaker = _shifted(context.get("last_speaker"), -offset)
    text = norm.original
    sentences = _Breaks(text, _SENTENCE_BREAK)  # built once: a scan per match was quadratic
    clauses = _Breaks(text, _SENTENCE_END)
    said = _Spans()
    for s, e in context.get("said", ()):
        said.add(s - offset, e - offset)
    for m in sorted(matches, key=lambda m: (m.start, m.end)):
        if m.label != "attribution" or not isinstance(m.value, dict):
            out.append(m)
            continue
        mattrs = m.attrs
        if "speaker" in m.fields and not ("scope" in mattrs or "fallback" in mattrs or "passive" in mattrs
                                          or "aside" in mattrs):
            last_speaker = m.fields["speaker"]  # (nothing to change: the match stays as it is)
            out.append(m)
            said.add(m.start, m.end)
            continue
        fields, value, attrs = dict(m.fields), dict(m.value), dict(mattrs)
        aside = attrs.pop("aside", False)  # said in passing: the chain of speakers goes on past it
        if attrs.pop("scope", None) == "before" and "content" not in fields:
            span = _clause_before(text, m.start, clauses)
            if span is not None:
                fields["content"] = span
                value["content"] = span.text
        if attrs.pop("fallback", False):
            if last_speaker is not None and said.any_ending_after(sentences.last_before(m.start)):
                fields.pop("speaker", None)  # the earlier attribution's speaker carries over
            else:
                attrs["speaker_inferred"] = True
        if "speaker" in fields:
            if not aside:
                last_speaker = fields["speaker"]
        elif not attrs.get("passive") and last_speaker is not None and value.get("lemma"):
            fields["speaker"] = last_speaker
            value["speaker"] = last_speaker.text
            attrs["speaker_inferred"] = True
        attrs.pop("passive", None)
        out.append(_MATCH(m.label, m.rule, m.start, m.end, m.text, value, attrs, fields))
        said.add(m.start, m.end)
    context["last_speaker"] = _shifted(last_speaker, offset)
    context["said"] = [(s + offset, e + offset) for s, e in said.latest(_SAID_KEPT)]
    return out


_SAID_KEPT = 64  # earlier attributions a part hands on to the next (the sentence they end in)


def _shifted(span: Span | None, by: int) -> Span | None:
    if span is None or not by:
        return span
    return dataclasses.replace(span, start=span.start + by, end=span.end + by)


# [.!?؟] or a blank line, written to lead with one class: `re` then scans for it fast
_SENTENCE_BREAK = re.compile(r"[.!?؟\n](?:(?<=\n)[ \t]*\n|(?<!\n))")


class _Breaks:
    """Where sentences (or clauses) of a text begin: after each break, except a decimal point."""

    def __init__(self, text: str, breaks: re.Pattern):
        self.text, self.breaks = text, breaks

    @cached_property
    def ends(self) -> list[int]:  # found on first use: most texts never ask
        text = self.text
        return [f.end() for f in self.breaks.finditer(text)
                if not (f.group() == "." and f.end() < len(text) and text[f.end()].isdigit())]

    def last_before(self, pos: int) -> int:
        """The start of the sentence that holds ``pos`` (0 for the first)."""
        i = bisect_right(self.ends, pos)
        return self.ends[i - 1] if i else 0


class _Spans:
    """The attributions found so far, in text order: starts, and the largest end up to each."""

    def __init__(self):
        self.starts: list[int] = []
        self.max_end: list[int] = []

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.max_end.append(max(end, self.max_end[-1]) if self.max_end else end)

    def latest(self, n: int) -> list[tuple[int, int]]:
        """The last ``n`` spans as (start, end) (ends are kept as running maxima: what is asked)."""
        return list(zip(self.starts[-n:], self.max_end[-n:]))

    def any_ending_after(self, pos: int, starting_before: int | None = None) -> bool:
        i = len(self.starts) if starting_before is None else bisect_left(self.starts, starting_before)
        return i > 0 and self.max_end[i - 1] > pos


def _invisible(ch: str) -> bool:
    """A format character (direction marks U+200E/F, U+202A-E, joiners): never a span's edge."""
    return unicodedata.category(ch) == "Cf"


def _clause_before(text: str, end: int, clauses: _Breaks) -> Span | None:
    """The clause that ends at ``end`` (a source's comma): from the sentence start, without a
    leading و, even when that clause is itself reported speech: a source placed after what it
    credits takes the preceding clause as its content (ANNOTATION.md), a whole report included."""
    stop = end
    while stop > 0 and (text[stop - 1] in " \t\n،," or _invisible(text[stop - 1])):
        stop -= 1
    start = clauses.last_before(stop)
    while start < stop and (text[start].isspace() or _invisible(text[start])):
        start += 1
    if start < stop and text[start] == "و":
        start += 1
    if start >= stop:
        return None
    return Span(start, stop, text[start:stop])
