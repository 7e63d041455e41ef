"""Number value builders: digits in any script, and number words evaluated from the packs' lexicons.

Python holds no number words. The rule files declare lexicons mapping forms to values, and each
number lexicon *declares its role* (``role:``, see `ROLES`), which tells the evaluator what its
words do:

- ``number.value``     a plain value (ثلاثة 3, عشرين 20, ثلاثمائة 300, ألفين 2000, الثالث 3);
- ``number.scale``     a multiplier (مئة 100, ألف/آلاف 1000, مليون 10**6): multiplies what precedes
                       it, or stands for itself when nothing does;
- ``number.teen``      the عشر/عشرة of 11..19: adds 10 to the unit right before it;
- ``number.fraction``  a fraction (نصف 0.5): alone, times a preceding count (ثلاثة أرباع), of a
                       following scale (نصف مليون), or of the last scale after و (مليون ونصف);
- ``number.joiner``    the conjunction inside a number (و), glued to the next word or written apart
                       from it («خمسة و عشرون»);
- ``number.article``   the article glued to a word (ال, for ordinals and نصف المليون).

A lexicon without a role plays none here, whatever its name (lexicons once took their role from
a name prefix, num_ or scale_: `arules lint` warns about a lexicon named so without a role).

Compound numbers are checked as they are read, so that a list is not taken for one number: after
a hundred only a value below 100 may follow with و, after a unit only a ten (خمسة وعشرون), and a
group after a scale must be smaller than what came before (ألف وخمسمائة, not ألف وألفان); the
rule is then rejected and the shorter rules find the separate numbers.

Spans: number rules capture ``span:`` and declare ``span: span``, so the engine reports that part
as the match (the proclitic in «بخمسة» is in the pattern, to pass the word boundary, not in the span).

Composite numbers take their parts from fields of the rule, each evaluated as above: a sign word
(``minus``: سالب خمسة), a spoken decimal point (``decimals``: the digits after «فاصلة», spelled
digit by digit or as one number, then ``times`` a scale: «أربعة فاصلة خمسة مليون»), a fraction
written as a division (``over``: «واحد على مائة») and an ordinal counted on from a round number
(``plus``: «الثاني بعد المئة»).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from .values import NO_ROLES, BuildContext, Built, FieldView, Reject, builder, derived, lexicons_with_role, role
from .values import last_two_words as _two_words_before

ROLES = {
    "number.value": "a plain value of a number word (ثلاثة 3, عشرين 20, الثالث 3)",
    "number.scale": "a multiplier (مئة، ألف، مليون): multiplies what precedes it, or stands alone",
    "number.teen": "the عشر/عشرة of 11..19: adds 10 to the unit before it",
    "number.fraction": "a fraction (نصف، ثلث، أرباع): alone, times a count, or of a scale",
    "number.joiner": "the conjunction inside a number (و), glued to the next word or apart",
    "number.article": "the article glued to a number word (ال، لل)",
}
for _name, _doc in ROLES.items():
    role(_name, _doc)
# the role a lexicon of each name prefix had before roles were declared (for lint's warning)
OLD_PREFIXES = {"num_": "number.value", "ord_": "number.value", "scale_": "number.scale",
                "frac_": "number.fraction", "teen": "number.teen", "joiner": "number.joiner",
                "article": "number.article"}

# separators: , and ٬ (U+066C) and the Arabic comma ، (U+060C) group thousands or, before 1-2 or
# 4+ final digits, mark decimals; spaces (also no-break and narrow no-break) group thousands.
_DIGIT_TOKEN = re.compile(r"[+-]?[.\u066b]\d+"
                          r"|[+-]?\d+(?:[ \u00a0\u202f,\u066c\u060c]\d{3}(?!\d))*(?:[.,\u066b\u060c]\d+)?|\S+")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+[,\u060c](?:\d{1,2}|\d{4,})")
_ARABIC_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\u060c\d{3})+(?:[.,]\d+)?")
# one ، group: thousands, or (before a scale word, as in «117،901 مليون») three decimals
_ARABIC_COMMA_GROUP = re.compile(r"[+-]?\d{1,3}\u060c\d{3}")
_THOUSANDS = re.compile(r"(?<=\d)[,\u066c \u00a0\u202f](?=\d{3}(?!\d))")


@lru_cache(maxsize=1 << 16)
def parse_number_digits(text: str) -> int | float | None:
    """``"2,500"`` -> 2500, ``"3٫5"`` -> 3.5, ``"2,5"`` -> 2.5 and ``"1،5"`` -> 1.5 (a comma before
    1-2 or 4+ final digits is a decimal comma), ``"1،250،000"`` -> 1250000, ``"1 200"`` -> 1200,
    ``"-4"`` -> -4, ``".5"`` -> 0.5."""
    s = text.strip()
    if _COMMA_DECIMAL.fullmatch(s):
        s = s.replace(",", ".").replace("\u060c", ".")
    elif _ARABIC_COMMA_THOUSANDS.fullmatch(s):
        s = s.replace("\u060c", "").replace(",", ".")
    s = _THOUSANDS.sub("", s).replace("\u066b", ".")
    if re.fullmatch(r"[+-]?\.\d+", s):
        s = s.replace(".", "0.", 1)
    if not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", s):
        return None
    return float(s) if "." in s else int(s)


@dataclass(frozen=True)
class Reading:
    """One way to read a word of a number: its role (value, scale, teen, frac) and value."""

    role: str
    value: Any
    joined: bool  # written with the joiner (و) glued in front


_EVAL_ROLES = {"number.value": "value", "number.scale": "scale", "number.teen": "teen", "number.fraction": "frac"}
_ROLES_CACHE: dict[tuple[int, int], tuple[Mapping, Mapping, "Words"]] = {}


@dataclass(frozen=True)
class Words:
    """The number lexicons of a pack by declared role: (role, table) of the words that take a
    value, in the pack's order, and the forms of the joiners and articles, longest first."""

    tables: tuple[tuple[str, Mapping[str, Any]], ...]
    joiners: tuple[str, ...]
    articles: tuple[str, ...]


def _roles(lexicons: Mapping[str, Mapping[str, Any]], declared: Mapping[str, str]) -> Words:
    """The pack's number lexicons by their declared role (``declared``: lexicon -> role);
    worked out once per pack."""
    key = (id(lexicons), id(declared))
    cached = _ROLES_CACHE.get(key)
    if cached is not None and cached[0] is lexicons and cached[1] is declared:
        return cached[2]
    tables = tuple((_EVAL_ROLES[declared[n]], t) for n, t in lexicons.items() if declared.get(n) in _EVAL_ROLES)

    def forms(r: str) -> tuple[str, ...]:
        return tuple(sorted({f for t in lexicons_with_role(lexicons, declared, r) for f in t}, key=len, reverse=True))

    words = Words(tables, forms("number.joiner"), forms("number.article"))
    if len(_ROLES_CACHE) > 8:  # engines come and go (tests build many): keep a few packs only
        _ROLES_CACHE.clear()
    _ROLES_CACHE[key] = (lexicons, declared, words)
    return words


def _pack_cache(lexicons: Mapping[str, Mapping[str, Any]]) -> dict:
    """What is derived from one pack's lexicons (word readings, sets of forms), kept beside it
    (`values.derived`): the builders ask the same of them for every match."""
    return derived(lexicons)


def _readings(word: str, lexicons, roles) -> list[Reading]:
    """Every reading of ``word``: as written, without a glued joiner, without the article."""
    cache = _pack_cache(lexicons)
    key = ("readings", word, id(roles))
    found = cache.get(key)
    if found is None:
        found = cache[key] = (roles, tuple(_read(word, lexicons, roles)))
    elif found[0] is not roles:  # (another list of roles under a reused id: read again)
        found = cache[key] = (roles, tuple(_read(word, lexicons, roles)))
    return list(found[1])


def _read(word: str, lexicons, roles: Words) -> list[Reading]:
    joiners, articles = roles.joiners, roles.articles
    variants = [(word, False)]
    for j in joiners:
        if word.startswith(j) and len(word) > len(j):
            variants.append((word[len(j):], True))
    for w, joined in list(variants):
        for a in articles:
            if w.startswith(a) and len(w) > len(a):
                variants.append((w[len(a):], joined))
    out: list[Reading] = []
    seen: set[bool] = set()
    for w, joined in variants:  # the first spelling that is found, with and without a joiner
        if joined in seen:
            continue
        found = [Reading(r, table[w], joined) for r, table in roles.tables if w in table]
        if found:
            seen.add(joined)
            out.extend(found)
    return out


class _Eval:
    """Reads number words left to right: ``total`` holds finished groups, ``current`` the group
    being read (below the next scale)."""

    def __init__(self, prefer_fraction: bool):
        self.total: float = 0
        self.current: float = 0
        self.started = False  # current holds something
        self.prev: Reading | None = None
        self.last_scale: float | None = None
        self.last_group: float = 0
        self.pending_frac: float | None = None
        self.prefer_fraction = prefer_fraction

    def check_join(self, v: float) -> None:
        """A value joined with و to the group being read must continue it."""
        if not self.started:
            return
        c = self.current
        if c % 100 == 0 and 0 < v < 100:
            return  # مئة وعشرون
        if 1 <= c % 100 <= 9 and v % 10 == 0 and 20 <= v <= 90 and c % 1 == 0:
            return  # خمسة وعشرون
        raise Reject

    def flush(self, group: float) -> None:
        if self.total and group >= self.total:
            raise Reject  # ألف وألفان is a list, not a number
        self.total += group
        self.current, self.started = 0, False

    def scale(self, r: Reading) -> None:
        s = r.value
        if self.pending_frac is not None:
            group, self.pending_frac = self.pending_frac * s, None
            self.total += group
            self.last_scale = s
            return
        if self.started and r.joined:
            raise Reject  # خمسة وألف: a list
        if self.started:
            if s < 1000:
                self.current *= s  # ثلاث مئة
                return
            group = self.current * s
        elif (self.prev is not None and self.prev.role == "scale" and not r.joined and self.last_scale
              and s >= 1000):
            self.total += self.last_group * (s - 1)  # ألف مليار
            self.last_scale = s * self.last_scale
            return
        else:
            if s < 1000:
                self.current, self.started = s, True
                return
            group = s
        self.flush(group)
        self.last_group = group
        self.last_scale = s

    def step(self, r: Reading, nxt_joined: bool) -> None:
        if r.role == "teen":
            self.current += r.value
            return
        if r.role == "scale":
            self.scale(r)
            return
        if r.role == "frac":
            if self.started and not r.joined:
                self.current *= r.value  # ثلاثة أرباع
            elif self.started:
                self.current += r.value  # ثلاثة ونصف، ألف وثلاثمائة ونصف: a half of one
            elif r.joined and self.last_scale:
                self.pending_frac = r.value  # مليون ونصف (المليون)
            else:
                self.current, self.started = r.value, True
            return
        v = r.value
        if r.joined:
            self.check_join(v)
        if v >= 1000 and v % 1000 == 0:  # a dual scale: ألفين، مليوني
            if self.started:
                raise Reject
            self.flush(v)
            self.last_group, self.last_scale = v, v / 2  # a dual is twice its scale
            return
        if self.started and not r.joined:
            raise Reject  # two values side by side without و
        self.current += v
        self.started = True

    def result(self) -> float:
        if self.pending_frac is not None:
            self.total += self.pending_frac * (self.last_scale or 1)
        if self.started:
            if not self.total:
                return self.current
            self.flush(self.current)
        return self.total


def evaluate(text: str, lexicons: Mapping[str, Mapping[str, Any]], prefer: str = "value",
             roles: Mapping[str, str] = NO_ROLES) -> int | float:
    """The value of number words (and digits) in normalized ``text``, read with the lexicons of
    a declared role in ``roles`` (lexicon -> role: `BuildContext.roles`); raises Reject if they
    are not one well-formed number. (Answers are kept per pack: news repeats its numbers.)"""
    key = (id(lexicons), id(roles), text, prefer)
    known = _VALUES.get(key)  # (one look-up: a number builder asks at every match)
    if known is None or known[0] is not lexicons or known[1] is not roles:
        words = _roles(lexicons, roles)
        try:
            known = (lexicons, roles, True, _evaluate(text, lexicons, prefer, words))
        except Reject as e:
            known = (lexicons, roles, False, e.args)
        if len(_VALUES) > _VALUES_LIMIT:
            _VALUES.clear()
        _VALUES[key] = known
    if known[2]:
        return known[3]  # type: ignore[no-any-return]
    raise Reject(*known[3])


# `evaluate`'s answers: (id of the lexicons, id of the roles, text, prefer) -> (the lexicons, the
# roles, whether it is a number, the value or the Reject's arguments)
_VALUES: dict[tuple[int, int, str, str], tuple[Any, Any, bool, Any]] = {}
_VALUES_LIMIT = 100_000


def _evaluate(text: str, lexicons: Mapping[str, Mapping[str, Any]], prefer: str, roles: Words) -> int | float:
    whole = parse_number_digits(text)
    if whole is not None:
        return whole
    words = _glue_joiners(_DIGIT_TOKEN.findall(text), roles)
    if len(words) > 1 and _ARABIC_COMMA_GROUP.fullmatch(words[0]):
        words[0] = words[0].replace("\u060c", ".")  # «117،901 مليون»: a decimal before a scale
    readings: list[list[Reading]] = []
    for w in words:
        d = parse_number_digits(w)
        if d is not None:
            found = [Reading("value", d, False)]
        elif w[:1] == "و" and (d := parse_number_digits(w[1:])) is not None:  # «3 آلاف و500»
            found = [Reading("value", d, True)]
        else:
            found = _readings(w, lexicons, roles)
        if not found:
            raise Reject
        readings.append(found)
    readings = _fuse_counted_fractions(readings)
    ev = _Eval(prefer == "frac")
    for i, found in enumerate(readings):
        inside = ev.started or ev.total or ev.pending_frac is not None
        joined = [r for r in found if r.joined]
        found = joined if inside and joined else ([r for r in found if not r.joined] or found)
        readings[i] = found  # واحد: و + أحد inside a number, the unit 1 at its start
        by_role = {r.role: r for r in found}
        nxt = readings[i + 1] if i + 1 < len(readings) else None
        nxt_joined = bool(nxt) and all(r.joined for r in nxt)
        prev = ev.prev
        prev_unit = (prev is not None and prev.role == "value" and not found[0].joined
                     and isinstance(prev.value, (int, float)) and 1 <= prev.value <= 9)
        if "teen" in by_role and prev_unit:
            r = by_role["teen"]
        elif "scale" in by_role and (ev.started or ev.pending_frac is not None) and not by_role["scale"].joined:
            r = by_role["scale"]
        elif "scale" in by_role and "value" in by_role and (nxt_joined or ev.total or ev.prev is not None):
            r = by_role["scale"]  # ألفاً ومئتي: the accusative singular, not the dual ألفا
        elif prefer == "frac" and "frac" in by_role:
            r = by_role["frac"]
        elif "value" in by_role:
            r = by_role["value"]
        elif "frac" in by_role:
            r = by_role["frac"]
        else:
            r = found[0]
        ev.step(r, nxt_joined)
        ev.prev = r
    value = ev.result()
    if isinstance(value, float) and abs(value - round(value)) < 1e-9 and abs(value) >= 1:
        return int(round(value))
    return value


def _glue_joiners(words: list[str], roles: Words) -> list[str]:
    """A joiner written apart from the next word («خمسة و عشرون») is glued to it, as usual."""
    joiners = roles.joiners
    out: list[str] = []
    pending = ""
    for w in words:
        if w in joiners:
            if pending:
                raise Reject  # two joiners in a row
            pending = w
            continue
        out.append(pending + w)
        pending = ""
    if pending:
        raise Reject
    return out


def _fuse_counted_fractions(readings: list[list[Reading]]) -> list[list[Reading]]:
    """A unit joined by و and followed by a word that is only a fraction («عشرون وثلاثة أخماس»)
    is one fraction joined to the number: 3 × 1/5 (not before عشر, also a teen)."""
    out: list[list[Reading]] = []
    i = 0
    while i < len(readings):
        cur = readings[i]
        nxt = readings[i + 1] if i + 1 < len(readings) else None
        unit = next((r for r in cur if r.role == "value" and r.joined and isinstance(r.value, int)
                     and 1 <= r.value <= 10), None)
        frac = next((r for r in nxt or () if r.role == "frac" and not r.joined), None)
        if i and unit is not None and frac is not None and all(r.role == "frac" for r in nxt):
            out.append([Reading("frac", unit.value * frac.value, True)])
            i += 2
            continue
        out.append(cur)
        i += 1
    return out


def _trailing_scale(text: str, lexicons, declared: Mapping[str, str]) -> tuple[str, float]:
    """Split a final scale of 1000 or more off ``text``: («خمسة مليون» -> «خمسة», 10**6)."""
    words = text.split()
    if len(words) > 1:
        roles = _roles(lexicons, declared)
        last = [r for r in _readings(words[-1], lexicons, roles) if not r.joined]
        if last and all(r.role == "scale" and r.value >= 1000 for r in last):
            return " ".join(words[:-1]), last[0].value
    return text, 1


def _decimal_digits(text: str, lexicons, declared: Mapping[str, str]) -> str:
    """The digits after a spoken decimal point: digits as written («05»), units read one by one
    («صفر خمسة» -> "05"), or one whole number («خمسة وخمسين» -> "55")."""
    t = text.strip()
    if re.fullmatch(r"\d+", t):
        return t
    words = t.split()
    if len(words) > 1:
        roles = _roles(lexicons, declared)
        digits = []
        for w in words:
            rs = [r for r in _readings(w, lexicons, roles) if r.role == "value" and not r.joined
                  and isinstance(r.value, int) and 0 <= r.value <= 9]
            if not rs:
                break
            digits.append(str(rs[0].value))
        else:
            return "".join(digits)
    v = evaluate(t, lexicons, roles=declared)
    if not isinstance(v, int) or v < 0:
        raise Reject
    return str(v)


def _whole(text: str, lexicons, declared: Mapping[str, str]) -> int | float:
    """The value of a field that must be one plain number."""
    v = evaluate(text, lexicons, roles=declared)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Reject
    return v


# `_lexicon_words`: (id of the lexicons, names) -> (the lexicons, their forms); one look-up per
# call (a number rule asks for the same lexicons at every match)
_FORM_SETS: dict[tuple[int, str], tuple[Mapping[str, Mapping[str, Any]], frozenset]] = {}


def _lexicon_words(ctx: BuildContext, names: str) -> frozenset:
    """The forms of one or more lexicons named in ``names`` (separated by commas or spaces)."""
    lexicons = ctx.lexicons
    got = _FORM_SETS.get((id(lexicons), names))
    if got is not None and got[0] is lexicons:
        return got[1]
    found: set = set()
    for name in re.split(r"[\s,]+", names.strip()):
        found.update(lexicons.get(name, {}))
    words = frozenset(found)
    if len(_FORM_SETS) > 1000:  # (engines come and go: tests build many)
        _FORM_SETS.clear()
    _FORM_SETS[(id(lexicons), names)] = (lexicons, words)
    return words


def _words_by_first_letter(ctx: BuildContext, names: str) -> dict[str, tuple[str, ...]]:
    """`_lexicon_words` by their first character ('' for an empty form), worked out once per pack:
    what may start at a position is looked for among the forms that start with its character."""
    cache = _pack_cache(ctx.lexicons)
    key = ("forms by first letter", names)
    got = cache.get(key)
    if got is None:
        by: dict[str, list[str]] = {}
        for form in sorted(_lexicon_words(ctx, names)):
            by.setdefault(form[:1], []).append(form)
        got = cache[key] = {k: tuple(v) for k, v in by.items()}
    return got  # type: ignore[no-any-return]


def _last_words(ctx: BuildContext, names: str) -> frozenset:
    """The last word of every form of the lexicons in ``names``: what the word right before a
    number is when one of those forms ends there («تشرين الثاني 1799»: الثاني)."""
    cache = _pack_cache(ctx.lexicons)
    key = ("last words", names)
    words = cache.get(key)
    if words is None:
        words = cache[key] = frozenset(form.split()[-1] for form in _lexicon_words(ctx, names) if form.split())
    return words


_YEAR = re.compile(r"1\d{3}|20\d{2}")  # after a month name or a competition
_RECENT_YEAR = re.compile(r"(?:19|20)\d{2}")  # digits glued to a word
_LAST_WORD = re.compile(r"(\w+)[\s)]*$")


def _word_before_bracket(ctx: BuildContext) -> str | None:
    """The word before the match, also across a closing bracket («آذار (مارس) 2014»)."""
    tail = ctx.before[-40:]
    m = _LAST_WORD.search(tail)
    if m is None or m.end(1) == len(tail):  # nothing before, or glued to the number
        return None
    return m.group(1)


_WORD_AFTER = re.compile(r"\s+(\w+)")


_TWO_WORDS_BEFORE = re.compile(r"(\w+)\s+(\w+)\s+$")


def _after_title(ctx: BuildContext, titles: set) -> bool:
    """Is the match right after a title noun, or after one and a definite nisba adjective?"""
    before = ctx.word_before()
    if before is None:
        return False
    if before in titles:
        return True
    words = _two_words_before(ctx.before)
    return bool(words and words[0] in titles and words[1].startswith("ال")
                and words[1].endswith(("ي", "ية", "يه")))


def _is_word_char(c: str) -> bool:
    return bool(c) and (c.isalnum() or c == "_")


def _word_after(ctx: BuildContext) -> str | None:
    """The word right after the match when only whitespace separates them, else None."""
    m = _WORD_AFTER.match(ctx.document, ctx.start + len(ctx.text))
    return m.group(1) if m else None


@builder("number")
def number(ctx: BuildContext, n: FieldView | None = None, kind: str = "cardinal", mark: str | None = None,
           not_after: str | None = None, not_before: str | None = None, *, minus: FieldView | None = None,
           decimals: FieldView | None = None, times: FieldView | None = None, over: FieldView | None = None,
           plus: FieldView | None = None, prev: FieldView | None = None, year_not_after: str | None = None,
           year: str = "keep", glued_not: str | None = None, title: str | None = None) -> Any:
    """The number in field ``n`` (or the whole match): digits, digits with a scale word, or words.

    ``kind`` goes to ``attrs.kind``; with ``kind="fraction"`` an ambiguous word is read as a
    fraction (خمس: five or a fifth). ``mark``: the match counts only if the original text of
    ``n`` carries this diacritic (ثُمن, a fraction, against ثمن, a price). ``not_after`` /
    ``not_before`` name lexicons (one or more, separated by commas): no number right after one of
    their words (لم تسعَ is a verb) or right before one (نصف نهائي is "semi-final"); with
    ``prev``, the word checked by ``not_after`` is that field (the noun an ordinal qualifies),
    with or without a glued joiner.

    Composite numbers, each part a field (keyword arguments only): ``minus`` (a sign word: the
    value is negated), ``decimals`` (the part after a spoken decimal point) and ``times`` (a scale
    after it), ``over`` (the denominator of a division: 1, or a numerator below it), ``plus`` (the
    round number an ordinal counts on from: «الثاني بعد المئة», only above the ordinal).

    ``year_not_after`` names lexicons of words after which four digits 1xxx/20xx are the year of
    a competition, a law or a month («كأس العالم 2006», «قانون المالية 2017», «تشرين الثاني 1799»),
    not a number: the word before them is the last word of one of their forms, with or without a
    glued joiner («وآسيا 2019»). ``year="reject"``: four digits 19xx/20xx are never this
    rule's number (digits glued to a word: «فيفري 2016وصدم» is a date's year). ``glued_not``
    names lexicons whose words may not be glued right after the number («29أغسطس» is a date).
    ``title`` names lexicons of title nouns: an ordinal right after one, or after one and a
    definite adjective of origin (ال...ي / ال...ية), is part of the title («السيدة الأولى»,
    «السيدة الأميركية الأولى»), not a number.
    """
    view = n
    text = view.text if view is not None else ctx.text
    if mark is not None and (view is None or mark not in view.original):
        raise Reject
    if not_after:
        before = prev.text if prev is not None else ctx.word_before()
        stop = _lexicon_words(ctx, not_after)
        if before in stop or (prev is not None and any(
                before.startswith(j) and before[len(j):] in stop for j in _roles(ctx.lexicons, ctx.roles).joiners)):
            raise Reject
    if year == "reject" and _RECENT_YEAR.fullmatch(text.strip()):
        raise Reject
    if year_not_after and _YEAR.fullmatch(text.strip()):
        before = _word_before_bracket(ctx)
        names = _last_words(ctx, year_not_after)
        if before is not None and (before in names or any(
                before.startswith(j) and before[len(j):] in names for j in _roles(ctx.lexicons, ctx.roles).joiners)):
            raise Reject
    if not_before and _word_after(ctx) in _lexicon_words(ctx, not_before):
        raise Reject
    if title and _after_title(ctx, _lexicon_words(ctx, title)):
        raise Reject
    if glued_not:
        end = ctx.start + len(ctx.text)
        by_first = _words_by_first_letter(ctx, glued_not)  # (only the forms that start with the next letter)
        nxt = ctx.document[end:end + 1]
        for forms in (by_first.get(nxt, ()), by_first.get("", ()) if nxt else ()):
            for form in forms:
                if ctx.document.startswith(form, end) and not _is_word_char(ctx.document[end + len(form):end + len(form) + 1]):
                    raise Reject
    lex, declared = ctx.lexicons, ctx.roles
    if decimals is not None:
        whole = _whole(text, lex, declared)
        if not isinstance(whole, int) or whole < 0:
            raise Reject
        digits_text, scale = _trailing_scale(decimals.text, lex, declared)
        value = float(f"{whole}.{_decimal_digits(digits_text, lex, declared)}") * scale
        if times is not None:
            value *= _whole(times.text, lex, declared)
    elif view is not None and isinstance(view.value, (int, float)) and not isinstance(view.value, bool):
        value = view.value
    else:
        value = evaluate(text, lex, "frac" if kind == "fraction" else "value", declared)
    if over is not None:
        den = _whole(over.text, lex, declared)
        if den < 2 or not (value == 1 or 0 < value < den):
            raise Reject  # «واحد على واحد» (one on one), «ثلاثة على واحد» (a score)
        value = value / den
    if plus is not None:
        base = _whole(plus.text, lex, declared)
        if not 0 < value < base:
            raise Reject
        value = value + base
    if minus is not None:
        value = -value
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1:
        value = int(value)
    return Built(value, {"kind": kind})

