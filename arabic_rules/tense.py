"""The tense of the clause around a date, read from its verbs' morphology.

A bare weekday or a month (and day) without a year points backward or forward depending on what
its clause tells: «اختُطف ... في ديسمبر» is last December, «سيلتقي الوزير يوم الأحد» the coming
Sunday. `read_tense` looks at the words of the same clause before the date, nearest first, and
after it only when the date opens its clause; the first word that carries a tense decides:

- a perfect form of a known verb -> ``past``;
- an imperfect form -> ``future`` with the future proclitic (سـ) or after a future particle (سوف،
  لن), ``past`` after a past particle (لم, also with a jussive form), else ``present``;
- a word of the caller's ``future_words`` (cue words such as المقرر, adjectives such as القادمة)
  or one shaped like a future verb (``future_prefixes`` minus ``future_exceptions``) ->
  ``future``; an adjective of the past (``past_words``: الماضي) -> ``past``, and so does a
  preposition of the past right before the date (``past_prepositions``: منذ);
- a word that sets a date (``scheduling``: a verb of deciding or postponing, قرر، حدد، أجّل in any
  form, or a noun such as موعد، تاريخ، تأجيل) -> ``scheduled``: the date is the one decided on,
  after the decision, whatever the decision's tense («قررت الشركة رفع السعر في سبتمبر»).

A clause ends at sentence punctuation, a comma, a semicolon, a colon or a line break (not a point,
comma or colon between digits); a word of the ``breaks`` lexicon (أن، حيث ...) ends the search
before the date, and it or a relative pronoun (الذي) ends the clause after it. A clause that says
nothing of its tense continues the one before it past commas, when that one announces what is to
come (`_future_across_commas`: «من المقرر أن يلتقي الزعيم، فلان، بنظيره [الجمعة]»). Every word list comes from YAML
(``patterns/date_tense.yaml``: verbs declared by root and measure, particles, proclitics, breaks,
cue words); this module only reads.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Collection, Literal, Mapping

Tense = Literal["past", "present", "future", "scheduled"]

# . ! ? ؟ line break , ، ; ؛ : end a clause; not a point, comma or colon between digits (11.89,
# 11,00, 11:59). Each of these patterns opens with the set of its characters and looks around only
# there (a point, comma or colon: not with a digit on both sides): `re` then skips ahead to the
# next of them in its fast loop, where an alternation is tried at every position (4x slower; the
# same splits, tests/test_speedups.py). Words are `\w\w*` for the same reason (not `\w+`).
_CLAUSE_END = re.compile(r"[!?\u061f\n\u060c;\u061b.,:](?:(?<=[!?\u061f\n\u060c;\u061b])|(?<!\d.)|(?!\d))")
_TOKEN = re.compile(r"\w\w*")
_COMMAS = ",\u060c"  # , ،


@dataclass(frozen=True)
class TenseWords:
    """The word lists a tense reading needs (normalized forms), taken from lexicons."""

    perfect: Collection[str] = frozenset()  # lexicons are passed as they are (no copy per date)
    imperfect: Collection[str] = frozenset()
    jussive: Collection[str] = frozenset()
    future_particles: Collection[str] = frozenset()
    past_particles: Collection[str] = frozenset()
    past_auxiliaries: Collection[str] = frozenset()  # كان before an imperfect: a past progressive
    proclitics: tuple[str, ...] = ()
    future_proclitics: tuple[str, ...] = ()
    breaks: Collection[str] = frozenset()
    relatives: Collection[str] = frozenset()  # end the clause after the date only
    nouns: Collection[str] = frozenset()  # verb forms that are also common nouns: no tense
    pronouns: tuple[str, ...] = ()  # pronouns glued to a break word (لكنها، أنه)
    future_words: tuple[Collection[str], ...] = ()  # a date rule's future cues, the future adjectives
    past_words: Collection[str] = frozenset()  # past adjectives: الماضي
    future_adjectives: Collection[str] = frozenset()  # المقبل: passed over across commas
    event_prepositions: Collection[str] = frozenset()  # بعد، إثر: another event's time, across commas
    past_prepositions: Collection[str] = frozenset()  # منذ right before the date
    unless: Collection[str] = frozenset()  # «ما» before لم: «ما لم يتحسن» (unless) is no past
    scheduling: tuple[Collection[str], ...] = ()  # words that set a date: قرر، حدد، موعد، تأجيل
    future_prefixes: tuple[str, ...] = ()
    future_exceptions: tuple[str, ...] = ()

    @classmethod
    def from_lexicons(cls, lexicons: Mapping[str, Mapping[str, Any]], verbs: str | None,
                      future_words: str | None = None, future_prefixes: str | None = None,
                      future_exceptions: str | None = None) -> "TenseWords":
        """The lists of a verbs group ``verbs`` (lexicons ``verbs.perfect``, ``verbs.imperfect``,
        ``verbs.jussive``; particles, proclitics, breaks and nouns in ``tense_*`` lexicons next to it,
        see patterns/date_tense.yaml) and the future cue lexicons a date rule names. A name that
        is not there gives an empty list (a pack without tense data reads no tense)."""
        def words(name: str | None) -> Collection[str]:
            return lexicons.get(name or "", {}).keys()

        def longest_first(name: str | None) -> tuple[str, ...]:
            return tuple(sorted(words(name), key=len, reverse=True))

        base = "tense" if verbs else None
        return cls(
            perfect=words(verbs and f"{verbs}.perfect"), imperfect=words(verbs and f"{verbs}.imperfect"),
            jussive=words(verbs and f"{verbs}.jussive"),
            future_particles=words(base and f"{base}_future_particles"),
            past_particles=words(base and f"{base}_past_particles"),
            past_auxiliaries=words(base and f"{base}_past_auxiliaries"),
            proclitics=longest_first(base and f"{base}_proclitics"),
            future_proclitics=longest_first(base and f"{base}_future_proclitics"),
            breaks=words(base and f"{base}_breaks"), relatives=words(base and f"{base}_relatives"),
            nouns=words(base and f"{base}_nouns"),
            pronouns=longest_first(base and f"{base}_pronouns"),
            future_words=(words(future_words), words(base and f"{base}_future_words")),
            past_words=words(base and f"{base}_past_words"),
            future_adjectives=words(base and f"{base}_future_adjectives"),
            event_prepositions=words(base and f"{base}_event_prepositions"),
            past_prepositions=words(base and f"{base}_past_prepositions"),
            unless=words(base and f"{base}_unless"),
            scheduling=(words(base and f"{base}_scheduling"), words(base and f"{base}_scheduling_words")),
            future_prefixes=tuple(words(future_prefixes)), future_exceptions=tuple(words(future_exceptions)))

    @classmethod
    def of_lexicons(cls, lexicons: Mapping[str, Mapping[str, Any]], verbs: str | None,
                    future_words: str | None = None, future_prefixes: str | None = None,
                    future_exceptions: str | None = None) -> "TenseWords":
        """`from_lexicons`, made once per lexicons object and names (a date builder asks for
        the same lists at every date: making them sorted the proclitics each time)."""
        key = (id(lexicons), verbs, future_words, future_prefixes, future_exceptions)
        hit = _MADE.get(key)
        if hit is not None and hit[0] is lexicons:
            return hit[1]
        made = cls.from_lexicons(lexicons, verbs, future_words, future_prefixes, future_exceptions)
        with _MADE_LOCK:
            if len(_MADE) >= 64:  # (a few packs at a time: forget the oldest)
                del _MADE[next(iter(_MADE))]
            _MADE[key] = (lexicons, made)
        return made

    # derived once per instance (the instance is frozen: its lists never change)
    @cached_property
    def conjunctions(self) -> tuple[str, ...]:
        """The one-letter proclitics (و، ف): conjunctions before a particle or a verb."""
        return tuple(p for p in self.proclitics if len(p) == 1)

    @cached_property
    def particles(self) -> frozenset[str]:
        """The particles and prepositions a conjunction may be glued to (ولم، فلن، ومنذ)."""
        return frozenset((*self.future_particles, *self.past_particles, *self.past_prepositions))

    @cached_property
    def all_proclitics(self) -> tuple[str, ...]:
        """The future proclitics, then the others (the order the readings try them)."""
        return self.future_proclitics + self.proclitics

    @cached_property
    def _memo(self) -> dict[Any, Any]:
        """What `_bare` and `_word_tense` found for a word (news repeats its words: a reading
        is a function of the word, its neighbours and these lists, which never change)."""
        return {}


# `TenseWords.of_lexicons`: (id of the lexicons, names) -> (the lexicons, their lists)
_MADE: dict[tuple[Any, ...], tuple[Any, TenseWords]] = {}
_MADE_LOCK = threading.Lock()


_MEMO_MAX = 100_000  # readings remembered per word lists (then forgotten all at once)


def _bare(word: str, tw: TenseWords) -> str:
    """A particle or break word without its conjunction (ولم، فلن) or pronoun (لكنها، أنه)."""
    memo = tw._memo
    got = memo.get(word)
    if got is None:
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        got = memo[word] = _bare_of(word, tw)
    return got


def _bare_of(word: str, tw: TenseWords) -> str:
    for p in tw.conjunctions:
        if word.startswith(p) and len(word) > 2 and word[1:] in tw.particles:
            return word[1:]
    for e in tw.pronouns:
        if word.endswith(e) and word[:-len(e)] in tw.breaks:
            return word[:-len(e)]
    return word


def _auxiliary(word: str, tw: TenseWords) -> bool:
    """Is ``word`` a past auxiliary (كان، كانت ...), alone or after a conjunction (وكان)?"""
    return word in tw.past_auxiliaries or (word[:1] in tw.conjunctions and word[1:] in tw.past_auxiliaries)


def _noun(stem: str, tw: TenseWords) -> bool:
    """Is ``stem`` one of the verb forms that are also common nouns, alone or with a pronoun
    («عقدها» in «الجلسة المقرر عقدها»)?"""
    return stem in tw.nouns or any(stem.endswith(e) and stem[:-len(e)] in tw.nouns for e in tw.pronouns)


def _in(word: str, lists: tuple[Collection[str], ...], tw: TenseWords) -> bool:
    """``word`` or ``word`` without a conjunction (ويلتقي، وموعد) is in one of ``lists``."""
    bare = word[1:] if word[:1] in tw.conjunctions else None
    return any(word in words or (bare is not None and bare in words) for words in lists)


def _verb(word: str, tw: TenseWords) -> bool:
    """Is ``word`` a verb form of the lists (with its proclitics)?"""
    stems = [word] + [word[len(p):] for p in tw.all_proclitics if word.startswith(p)]
    return any(s in tw.perfect or s in tw.imperfect for s in stems if not _noun(s, tw))


def _word_tense(words: list[str], i: int, tw: TenseWords, cues: bool = True) -> Tense | None:
    """The tense word ``i`` of ``words`` carries (its particle, the word before, included);
    ``cues``: whether cue words, adjectives and scheduling words count (before the date only:
    after it they describe something else, «... [نهاية شهر مارس] وقد بلغ انتاج الخريف الماضي»)."""
    key = (words[i], words[i - 1] if i else None, i > 1 and words[i - 2] in tw.unless, cues)
    memo = tw._memo
    got = memo.get(key, _UNKNOWN)
    if got is _UNKNOWN:
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        got = memo[key] = _tense_of_word(*key, tw)
    return got  # type: ignore[no-any-return]


_UNKNOWN = object()


def _tense_of_word(w: str, before: str | None, unless: bool, cues: bool, tw: TenseWords) -> Tense | None:
    """`_word_tense` of the word ``w`` after the word ``before`` (None: none), itself after a
    word of ``unless`` or not."""
    prev = _bare(before, tw) if before is not None else ""
    if prev in tw.past_particles and unless:
        prev = next(iter(tw.future_particles), "")  # «ما لم»: a condition on what is to come
    if cues and _in(w, tw.future_words, tw):
        return "past" if before is not None and _auxiliary(before, tw) else "future"  # «كان يلتقي»: was to meet
    if cues and w in tw.past_words:
        return "past"
    if cues and _in(w, tw.scheduling, tw):
        return "scheduled"
    readings = [(w, "")] + [(w[len(p):], p) for p in tw.all_proclitics
                            if w.startswith(p) and len(w) > len(p) + 1]
    for stem, clitic in readings:
        if _noun(stem, tw):
            continue
        if stem in tw.perfect and (not clitic or clitic in tw.proclitics):
            return "past"
        if stem in tw.imperfect or stem in tw.jussive:
            if clitic in tw.future_proclitics or prev in tw.future_particles:
                return "future"
            if prev in tw.past_particles:
                return "past"
            if before is not None and _auxiliary(before, tw):  # «كان يزورها»: was visiting
                return "past"
            if stem in tw.imperfect:
                return "present"
    for v in (w, w[1:]) if w[:1] in tw.conjunctions else (w,):  # «وسينظر»: a future verb after و
        if len(v) >= 4 and v.startswith(tw.future_prefixes) and not v.startswith(tw.future_exceptions):  # (tuples)
            return "future"
    return None


def _clause(text: str, backward: bool) -> list[str]:
    """The words of ``text`` in the date's clause: the end of ``text`` when ``backward`` (text
    before the date), else its start. A date set off by a comma right before it («سينهي زيارته،
    [الأربعاء]، ويتجه») belongs to the clause before that comma."""
    parts = _CLAUSE_END.split(text)
    if not backward:
        return _TOKEN.findall(parts[0])
    words = _TOKEN.findall(parts[-1])
    if not words and len(parts) > 1 and text[len(text) - len(parts[-1]) - 1] in _COMMAS:
        words = _TOKEN.findall(parts[-2])
    return words


def read_tense(before: str, after: str, tw: TenseWords) -> Tense | None:
    """The tense of the clause a date stands in, from the normalized text ``before`` and
    ``after`` it, or None when the clause says nothing (the caller's default holds).

    Before the date, the nearest word that carries a tense decides (Arabic puts the verb first:
    «سيلتقي الوزير يوم الأحد»، «اختُطف ... في ديسمبر»); past an imperfect, only a future or
    scheduling cue further back still counts («من المقرر ... يتوجه»), not an older verb. A past
    preposition right before the date (منذ) decides at once. A break word (أن، حيث) ends the
    search: the verb beyond it is another clause's (the saying, not the said), unless the word
    right before the break is a future or scheduling cue («من المقرر أن»). After the date, only
    when the date opens its clause or follows a break word (at most one word between: «فإن نهار
    [الأربعاء] سيكون»), the first verb up to the next break or relative pronoun («قال ... [الأحد]
    إن»: what follows إن speaks of something else)."""
    words = _clause(before, backward=True)
    if words and _bare(words[-1], tw) in tw.past_prepositions:
        return "past"
    present = False
    opened = len(words)  # how many words after the nearest break word (all: there is none)
    for i in range(len(words) - 1, -1, -1):
        if _bare(words[i], tw) in tw.breaks:  # the date is in a subordinate clause: only a cue
            governing = _word_tense(words, i - 1, tw) if i else None  # right before it counts
            if governing in ("future", "scheduled") and not _verb(words[i - 1], tw):
                return governing  # «من المقرر أن يتوجه ... [الاثنين]»
            opened = len(words) - 1 - i
            break  # «وأضافت أن قيوداً يمكن أن تفرض في [16 أيلول]»: not the saying's tense
        found = _word_tense(words, i, tw)
        if found == "present":  # an imperfect says little: a future cue further back may say more
            present = True
        elif found is not None and (not present or found in ("future", "scheduled")):
            return found
    if present:
        return "present"
    if opened <= 1:
        after_words = _clause(after, backward=False)
        for i, w in enumerate(after_words):
            if _bare(w, tw) in tw.breaks or w in tw.relatives:
                break
            found = _word_tense(after_words, i, tw, cues=False)
            if found is not None:
                return found
    if opened == len(words):  # no break word in the clause: it may continue one set off by commas
        return _future_across_commas(before, tw)
    return None


_SENTENCE_END = re.compile(r"[!?\u061f\n;\u061b.:](?:(?<=[!?\u061f\n;\u061b])|(?<!\d.)|(?!\d))")  # (as _CLAUSE_END)
_COMMA = re.compile(r"[\u060c,](?:(?<=\u060c)|(?<!\d.)|(?!\d))")
COMMA_PARTS, COMMA_WORDS = 4, 16  # how far back (comma-separated parts, words) a future cue may stand


def _future_across_commas(before: str, tw: TenseWords) -> Tense | None:
    """``future`` or ``scheduled`` when a clause that says nothing of its tense continues, past
    commas in the same sentence, one that announces what is to come: an apposition or a list
    between the cue and the date («ومن المقرر أن يلتقي الزعيم، فلان، بنظيره [يوم الجمعة]»، «سيتم
    اجتماع بين فرنسا، وبريطانيا، وإيران [الاثنين]»، «ستمنع السيارات، اعتبارا من [الأحد]»). The
    nearest earlier word that carries a tense decides, at most `COMMA_PARTS` parts and
    `COMMA_WORDS` words back; a past or present one, or a break word (another clause), says
    nothing more (None: the default holds). An adjective of another date (``future_adjectives``:
    «في سبتمبر المقبل، ...») is passed over: it places that date, not this one; so is a word
    shaped like a future verb right before a comma (a name before its apposition). A date whose
    own part tells another event's time (``event_prepositions``: «، بعد إلغاء الرحلات [الخميس]»)
    is left to the default."""
    sentence = _SENTENCE_END.split(before)[-1]
    parts = _COMMA.split(sentence)
    if any(_bare(w, tw) in tw.event_prepositions for w in _TOKEN.findall(parts[-1])):
        return None  # «، بعد إلغاء الرحلات [الخميس]»: the time of another event, told in passing
    seen = len(_TOKEN.findall(parts[-1]))  # words between the date and the cue
    parts = parts[:-1]  # the date's own part said nothing
    if parts and not _TOKEN.findall(parts[-1]):
        parts = parts[:-1]  # a date set off by commas: its clause (read already) is the one before
        if parts:
            seen += len(_TOKEN.findall(parts[-1]))
            parts = parts[:-1]
    for part in reversed(parts[-COMMA_PARTS:]):
        words = _TOKEN.findall(part)
        for i in range(len(words) - 1, -1, -1):
            seen += 1
            if seen > COMMA_WORDS:
                return None
            if words[i] in tw.future_adjectives:
                continue
            if _bare(words[i], tw) in tw.breaks:
                governing = _word_tense(words, i - 1, tw) if i else None
                if governing in ("future", "scheduled") and not _verb(words[i - 1], tw):
                    return governing  # «من المقرر أن ...، ...»
                return None
            found = _word_tense(words, i, tw)
            if found == "future" and i == len(words) - 1 and not _verb(words[i], tw) \
                    and not _in(words[i], tw.future_words, tw):
                continue  # shaped like a future verb, before an apposition: a name («وقال كيفن سيستروم،»)
            if found is not None:
                return found if found in ("future", "scheduled") else None
    return None
