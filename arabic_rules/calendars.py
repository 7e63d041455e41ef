"""Date value builders: partial ISO 8601 values, resolved against a reference date.

Everything linguistic (month, weekday and relative words, modifiers, context words) lives in the
YAML lexicons of ``patterns/dates.yaml``; fields arrive here with lexicon values (month 12,
weekday 0 = Monday, rel -1/0/+1, unit week/month/year, mod start/mid/...), and this module only
computes: validation, resolution against ``ref_date``, Hijri (Umm al-Qura) <-> Gregorian.

``prefer`` (``Engine.extract(..., prefer=)``, ``arules check --prefer``) says how a weekday or a
month (and day) without a year, and without a word that fixes it (الماضي، المقبل), resolves:
``past`` the latest on or before the reference date, ``future`` the first on or after it,
``nearest`` the closer of the two (a tie goes to the past); a ``prefer`` the caller gives wins
over the clause's tense. None is the news default, read from the tense of the clause
(`arabic_rules.tense`, word lists in patterns/date_tense.yaml): a weekday is the latest on or
before the reference, or in a future clause (سـ، سوف) the first on or after it (today, said of
today's weekday); a Gregorian month or day and month is the latest on or before the reference
in a past clause («اختُطف ... في ديسمبر» in an August paper), else the one of the reference year,
unless it lies far ahead (a day more than 200 days, a month 7 months or more) outside a future
clause: then it is the one of the year before («هجمات 13 نوفمبر» in a March paper are last
November's; ranges keep the reference year); a month or a day far behind in a future or
scheduling clause is next year's («سيزور ... في يناير» in December). A day written with its weekday
(«الخميس 15 أغسطس») takes the year, of these and the ones on either side, in which it falls on
that weekday.

Relative offsets («قبل 3 أيام»، «بعد عامين»، «قبل شهر»، «قبل أسبوعين») resolve at the grain of their
unit: days to the day (the reference date minus or plus that many days), weeks to the ISO week
that day falls in, months to the month, years to the year.
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any, NamedTuple

from .tense import TenseWords, read_tense
from .values import (BEFORE_CHARS, BuildContext, Built, FieldView, Reject, builder, derived, last_two_words,
                     parse_digits)

PREFER = ("past", "future", "nearest")
FAR_DAYS, FAR_MONTHS = 200, 7  # a yearless day (month) this far ahead of the reference is last year's


def prefer_choice(value: Any) -> str | None:
    """``prefer`` checked: None (the news default) or one of `PREFER`; anything else is a
    ValueError that says what to pass."""
    if value is None or (isinstance(value, str) and value in PREFER):
        return value
    raise ValueError(f"prefer={value!r} is not a choice; pass 'past', 'future' or 'nearest' (how a weekday "
                     f"or a month without a year resolves), or None for the news default")

_TOKEN = re.compile(r"\w\w*")  # (`\w+` is tried at every position: see tense._CLAUSE_END)
_CLAUSE_END = re.compile(r"[.!?؟\n]")
_JOINED_WORD = re.compile(r"(\w+)\s+$")  # the word right before a match that starts with و
_JOINED_WORD_WAW = re.compile("(\\w+)\\s+\u0648\\s*$")  # «X و» right before a match
_LAST_WORD = re.compile(r"(\w+)\s+$")  # the last word of a text that ends in whitespace
_WRITTEN_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")  # a Gregorian year written in digits


def _int(f: FieldView | None) -> int | None:
    if f is None:
        return None
    v = f.value
    if type(v) is int or (isinstance(v, int) and not isinstance(v, bool)):  # (the first test is the common case)
        return v
    v = parse_digits(f.text)
    return v if isinstance(v, int) else None


def _val(f: FieldView | None) -> Any:
    return None if f is None else f.value


def iso(year: int | None, month: int | None, day: int | None) -> str:
    """Partial ISO 8601: unknown parts are X (``XXXX-12-09``); trailing unknowns are dropped."""
    y = f"{year:04d}" if year is not None else "XXXX"
    if month is None and day is None:
        return y
    m = f"{y}-{month:02d}" if month is not None else f"{y}-XX"
    return m if day is None else f"{m}-{day:02d}"


def iso_week(d: _dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


# --- calendars ------------------------------------------------------------------------------

# The conversions are pure and hijridate takes about 50 us for one (it checks its table's range
# each time): remembered, since news asks the same few dates again and again (the reference date)
@lru_cache(maxsize=4096)
def to_hijri(d: _dt.date) -> tuple[int, int, int]:
    from hijridate import Gregorian

    h = Gregorian(d.year, d.month, d.day).to_hijri()
    return h.year, h.month, h.day


@lru_cache(maxsize=4096)
def from_hijri(y: int, m: int, d: int) -> _dt.date | None:
    """The Gregorian date of a Hijri date (Umm al-Qura), None when it does not exist or is out
    of the table's range."""
    from hijridate import Hijri

    try:
        g = Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return _dt.date(g.year, g.month, g.day)


@lru_cache(maxsize=1024)
def hijri_month_range(y: int, m: int) -> str | None:
    """The Gregorian days of Hijri month ``m`` of year ``y`` (Umm al-Qura) as an ISO interval
    ``first/last``; None out of the table's range."""
    first = from_hijri(y, m, 1)
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    nxt = from_hijri(ny, nm, 1)
    if first is None or nxt is None:
        return None
    return f"{first.isoformat()}/{(nxt - _dt.timedelta(days=1)).isoformat()}"


def _valid(calendar: str, y: int | None, m: int, d: int) -> bool:
    if calendar == "hijri":
        return 1 <= d <= 30 and (y is None or from_hijri(y, m, d) is not None)
    try:
        _dt.date(y if y is not None else 2000, m, d)  # 2000 is a leap year: 29 Feb is valid
    except ValueError:
        return False
    return True


def _gregorian(calendar: str, y: int, m: int, d: int) -> _dt.date | None:
    if calendar == "hijri":
        return from_hijri(y, m, d)
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def resolve_year(month: int, day: int | None, rel: int | None, ref: tuple[int, int, int],
                 prefer: str | None = None) -> int:
    """The year of a yearless month (and day) in the reference's calendar: ``rel`` 0 is the
    reference year, -1 the latest occurrence strictly before the reference, +1 the first strictly
    after it (at month precision when there is no day), -2 / +2 one more year back / ahead («قبل
    الماضي»، «بعد المقبل»). Without ``rel``, ``prefer`` decides (see the module doc); without
    either, the reference year."""
    ry, rm, rd = ref
    key, now = ((month, day), (rm, rd)) if day is not None else ((month,), (rm,))
    if rel is None and prefer is not None:
        past = ry if key <= now else ry - 1
        future = ry if key >= now else ry + 1
        if prefer == "past":
            return past
        if prefer == "future":
            return future
        return past if _distance(past, month, day, ref) <= _distance(future, month, day, ref) else future
    if not rel:
        return ry
    if rel < 0:
        return (ry if key < now else ry - 1) + rel + 1
    return (ry if key > now else ry + 1) + rel - 1


def _far_ahead(year: int, month: int, day: int | None, ref: _dt.date) -> bool:
    """Is this month (or day) of ``year`` more than FAR_DAYS days, or FAR_MONTHS months or more,
    after the reference date?"""
    if day is None:
        return (year - ref.year) * 12 + month - ref.month >= FAR_MONTHS
    when = _gregorian("gregorian", year, month, day)
    return when is not None and (when - ref).days > FAR_DAYS


def _far_behind(year: int, month: int, day: int | None, ref: _dt.date) -> bool:
    """Is this month (or day) of ``year`` more than FAR_DAYS days, or FAR_MONTHS months or more,
    before the reference date? (A future clause then means the next one.)"""
    if day is None:
        return (ref.year - year) * 12 + ref.month - month >= FAR_MONTHS
    when = _gregorian("gregorian", year, month, day)
    return when is not None and (ref - when).days > FAR_DAYS


def _year_of_weekday(calendar: str, year: int, month: int, day: int, weekday: int, ref: _dt.date) -> int:
    """The year of a yearless day written with its weekday («الخميس 15 أغسطس»): ``year`` when the
    day falls on that weekday then, else the year before or after that does (the one nearer the
    reference date), else ``year`` (the disagreement is flagged ``weekday_mismatch``)."""
    fits = []
    for y in (year, year - 1, year + 1):
        when = _gregorian(calendar, y, month, day)
        if when is not None and when.weekday() == weekday:
            fits.append((y != year, abs((when - ref).days), y))
    return min(fits)[2] if fits else year


def _distance(year: int, month: int, day: int | None, ref: tuple[int, int, int]) -> int:
    """How far (in days, about: months of 31 days) a month or day of ``year`` is from ``ref``."""
    ry, rm, rd = ref
    return abs((year - ry) * 372 + (month - rm) * 31 + ((day or rd) - rd))


def shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


# --- the date builder -----------------------------------------------------------------------

class _Parts(NamedTuple):
    """One resolved date: the value as written (X for unknowns) and attrs (a named tuple: made
    once or twice per date, it costs a third of a frozen dataclass)."""

    value: str
    resolved: str | None
    day: _dt.date | None  # the Gregorian day, when known
    attrs: dict


def _in_lexicon(ctx: BuildContext, lexicon: str | None, word: str | None) -> bool:
    return bool(lexicon and word and word in ctx.lexicons.get(lexicon, {}))


_CONJ = "\u0648\u0641"  # waw, fa: the conjunctions glued to a verb


def _forms(ctx: BuildContext, names: str, several: bool = True) -> tuple[str, ...]:
    """The forms of the lexicons named in ``names`` (comma-separated; with ``several`` false, one
    name as it is), worked out once per pack."""
    cache = derived(ctx.lexicons)
    key = ("calendars: forms", names, several)
    got = cache.get(key)
    if got is None:
        listed = [name.strip() for name in names.split(",")] if several else [names]
        got = cache[key] = tuple(f for name in listed for f in ctx.lexicons.get(name, {}))
    return got  # type: ignore[no-any-return]


def _forms_by_first_letter(ctx: BuildContext, names: str) -> dict[str, tuple[str, ...]]:
    """`_forms` by their first character ('' for an empty form): what may start at a position is
    looked for among the forms that start with its character only."""
    cache = derived(ctx.lexicons)
    key = ("calendars: forms by first letter", names)
    got = cache.get(key)
    if got is None:
        by: dict[str, list[str]] = {}
        for form in _forms(ctx, names):
            by.setdefault(form[:1], []).append(form)
        got = cache[key] = {k: tuple(v) for k, v in by.items()}
    return got  # type: ignore[no-any-return]


def _has_phrases(ctx: BuildContext, lexicon: str) -> bool:
    """Whether lexicon ``lexicon`` has an entry of several words (worked out once per pack)."""
    cache = derived(ctx.lexicons)
    key = ("calendars: has phrases", lexicon)
    got = cache.get(key)
    if got is None:
        got = cache[key] = any(" " in form for form in ctx.lexicons.get(lexicon, {}))
    return got  # type: ignore[no-any-return]


def _future_context(ctx: BuildContext, cues: str | None, prefixes: str | None, exceptions: str | None) -> bool:
    """Does the clause before the match speak of the future (سـ + verb, سوف, ...)? All word lists
    come from lexicons named by the rule."""
    clause = _CLAUSE_END.split(ctx.before)[-1]
    cue_words = ctx.lexicons.get(cues or "", {})
    pre, bad = _forms(ctx, prefixes or "", several=False), _forms(ctx, exceptions or "", several=False)
    for w in _TOKEN.findall(clause):
        if w in cue_words:
            return True
        for v in (w, w[1:]) if w[:1] in _CONJ else (w,):  # «وسينظر»، «فسيتم»: the future verb after و / ف
            if len(v) >= 4 and v.startswith(pre) and not v.startswith(bad):  # (tuples: any of them)
                return True
    return False


def _clause_tense(ctx: BuildContext, verbs: str | None, cues: str | None, prefixes: str | None,
                  exceptions: str | None) -> str | None:
    """The tense of the match's clause (``past``, ``present``, ``future`` or None), read from the
    verbs group ``verbs`` and the future cue lexicons; without ``verbs``, only whether the clause
    before the match is a future one (the older reading, kept for packs without tense data)."""
    if not verbs:
        return "future" if _future_context(ctx, cues, prefixes, exceptions) else None
    words = TenseWords.of_lexicons(ctx.lexicons, verbs, cues, prefixes, exceptions)
    after = ctx.document[ctx.start + len(ctx.text):ctx.start + len(ctx.text) + BEFORE_CHARS]
    return read_tense(ctx.before, after, words)


_CLITICS = "\u0648\u0641\u0644\u0628"  # the letters waw, fa, lam, ba: proclitics before a verbal noun


def _form_set(ctx: BuildContext, names: str) -> frozenset[str]:
    """`_forms` as a set (worked out once per pack)."""
    cache = derived(ctx.lexicons)
    key = ("calendars: form set", names)
    got = cache.get(key)
    if got is None:
        got = cache[key] = frozenset(_forms(ctx, names))
    return got  # type: ignore[no-any-return]


def _moved_to(ctx: BuildContext, after: str | None, clause: str | None, skip: str | None = None) -> bool:
    """Is the match right after a word of lexicon ``after`` (or after it and one word of lexicon
    ``skip``: «حتى مساء الأحد») in a clause with a word of lexicon ``clause`` (comma-separated
    names: of any of them; bare or behind one or two proclitics)?"""
    if not after or not clause:
        return False
    word = ctx.word_before()
    if word is not None and _in_lexicon(ctx, skip, word):
        rest = ctx.before.rstrip()[:-len(word)]
        gap = _LAST_WORD.search(rest)
        word = gap.group(1) if gap else None
    if not _in_lexicon(ctx, after, word):
        return False
    words = _form_set(ctx, clause)
    for w in _TOKEN.findall(_CLAUSE_END.split(ctx.before)[-1]):
        if w in words or (w[:1] in _CLITICS and (w[1:] in words or (w[1:2] in _CLITICS and w[2:] in words))):
            return True
    return False


def _weekday_before(ctx: BuildContext, weekday: FieldView, lexicon: str | None) -> FieldView | None:
    """The weekday (a word of ``lexicon``) joined to this one by و right before it («الاثنين
    والثلاثاء»), when it is another day of the week; else None."""
    if not lexicon:
        return None
    before = ctx.document[max(0, ctx.start - BEFORE_CHARS):ctx.start]
    found = (_JOINED_WORD if ctx.text.startswith(_CONJ[0]) else _JOINED_WORD_WAW).search(before)
    if found is None:
        return None
    entry = ctx.lexicons.get(lexicon, {}).get(found.group(1))
    if entry is None or (weekday.value - entry) % 7 == 0:
        return None
    return FieldView("weekday", found.group(1), entry)


def _check_after(ctx: BuildContext, not_before: str | None) -> None:
    """Reject when a word (or words) of the lexicons named in ``not_before`` follows the match:
    «قبل شهر» is not «قبل شهر رمضان»."""
    if not not_before:
        return
    after = ctx.document[ctx.start + len(ctx.text):ctx.start + len(ctx.text) + BEFORE_CHARS].lstrip()
    by_first = _forms_by_first_letter(ctx, not_before)  # (only the forms that start with after's letter)
    for forms in (by_first.get(after[:1], ()), by_first.get("", ()) if after else ()):
        for form in forms:
            if after.startswith(form) and not after[len(form):len(form) + 1].isalnum():
                raise Reject


def _two_words_before(ctx: BuildContext) -> str | None:
    """The two words right before the match, one space between them (only whitespace apart), so a
    lexicon may hold a phrase of two words («موقع روسيا» before «اليوم»)."""
    words = last_two_words(ctx.before)  # (the regex's groups, read backwards: it tried every start)
    return f"{words[0]} {words[1]}" if words else None


def _check_context(ctx: BuildContext, not_after: str | None, only_after: str | None) -> None:
    word = ctx.word_before()
    if _in_lexicon(ctx, not_after, word) or (not_after and _has_phrases(ctx, not_after)
                                             and _in_lexicon(ctx, not_after, _two_words_before(ctx))):
        raise Reject
    if only_after and not _in_lexicon(ctx, only_after, word):
        raise Reject


def _date_parts(ctx: BuildContext, *, day=None, month=None, year=None, alt_month=None, weekday=None,
                rel=None, unit=None, deictic=None, calendar: str = "gregorian", era=None,
                future: bool = False, offset: int | None = None, year_rel=None, this: bool = False,
                in_year: int | None = None, far_back: bool = False, past: bool = False,
                present: bool = False) -> _Parts:
    """One date from its fields. ``this``: «هذا الخميس», the weekday on or after the reference;
    ``in_year``: the year a yearless date resolves in (the start of a range, in its end's year);
    ``far_back``: a yearless Gregorian date far ahead of the reference outside a future clause is
    last year's (the news default of `date`; ranges keep the reference year). ``future`` / ``past``:
    the clause's tense (`tense.read_tense`) sends a yearless date forward / backward when the
    caller gave no ``prefer``; ``present`` (an imperfect): a bare weekday is the nearer one."""
    d, m, y = _int(day), _int(month), _int(year)
    prefer = ctx.prefer
    yr = _val(year_rel)
    if yr is not None and y is None and ctx.ref_date is not None:  # «من العام الماضي»
        y = (to_hijri(ctx.ref_date)[0] if calendar == "hijri" else ctx.ref_date.year) + yr
    wd, r, u, dx = _val(weekday), _val(rel), _val(unit), _val(deictic)
    if deictic is not None and dx is None:
        dx = offset
    if isinstance(_val(era), str) and _val(era) in ("hijri", "gregorian"):
        calendar = _val(era)
    attrs: dict[str, Any] = {"calendar": calendar}
    flags: list[str] = []
    ref = ctx.ref_date
    if m is not None and not 1 <= m <= 12:
        raise Reject
    if d is not None and not 1 <= d <= 31:
        raise Reject
    alt = _int(alt_month)
    if alt is not None and m is not None and alt != m:
        flags.append("month_mismatch")
        attrs["alt_month"] = alt
    if r is not None:
        attrs["rel"] = r

    # deictic days (أمس، غداً) and weekdays without a date
    if dx is not None or (wd is not None and m is None and u is None):
        if dx is None:  # a bare weekday
            if ref is None:
                return _Parts("XXXX-XX-XX", None, None, {**attrs, "weekday": wd})
            ahead = (wd - ref.weekday()) % 7  # days to the next one on or after the reference
            back = (ref.weekday() - wd) % 7  # days to the last one on or before it
            if r is not None and r > 0:  # المقبل: strictly after; بعد المقبل: a week further
                when = ref + _dt.timedelta(days=(ahead or 7) + 7 * (r - 1))
            elif r is not None and r < 0:
                when = ref - _dt.timedelta(days=(back or 7) + 7 * (-r - 1))
            elif r is None and (this or prefer == "future" or prefer == "nearest" and ahead < back):
                when = ref + _dt.timedelta(days=ahead)
            elif r is None and prefer is None and future:  # the news default, in a future clause: the
                when = ref + _dt.timedelta(days=ahead)  # next one, or today when it is today's weekday
            elif r is None and prefer is None and present and ahead < back:  # an imperfect: the nearer
                when = ref + _dt.timedelta(days=ahead)  # one («يستقبل الرئيس ... الثلاثاء» said on Sunday)
            else:
                when = ref - _dt.timedelta(days=back)
        else:
            if ref is None:
                return _Parts("XXXX-XX-XX", None, None, {**attrs, "offset": dx})
            when = ref + _dt.timedelta(days=int(dx) + (r or 0))  # «اليوم الماضي»: a deictic word moves it
            if wd is not None and when.weekday() != wd:
                flags.append("weekday_mismatch")
        if flags:
            attrs["flags"] = flags
        return _Parts(when.isoformat(), when.isoformat(), when, attrs)

    # a relative unit: الأسبوع الماضي، الشهر المقبل، (اليوم الخامس من) الشهر الجاري
    if u is not None:
        rr = r or 0
        if d is not None and u != "month":
            raise Reject
        if wd is not None and d is None and u != "week":
            raise Reject
        if wd is not None and d is None:  # «الأحد من الأسبوع الماضي»: that weekday of that (ISO) week
            if ref is None:
                return _Parts("XXXX-XX-XX", None, None, {**attrs, "weekday": wd})
            when = ref + _dt.timedelta(days=wd - ref.weekday(), weeks=rr)
            return _Parts(when.isoformat(), when.isoformat(), when, attrs)
        if ref is None:
            value = {"week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}[u]
            if d is not None and u == "month":
                value = iso(None, None, d)
            return _Parts(value, None, None, attrs)
        if u == "week":
            return _Parts(iso_week(ref + _dt.timedelta(weeks=rr)), None, None, attrs)
        if u == "year" and y is not None:
            return _Parts(iso(y, None, None), None, None, attrs)
        if u == "year":
            return _Parts(iso(ref.year + rr, None, None), None, None, attrs)
        yy, mm = shift_month(ref.year, ref.month, rr)
        if d is None:
            return _Parts(iso(yy, mm, None), None, None, attrs)
        when = _gregorian("gregorian", yy, mm, d)
        if when is None:
            raise Reject
        if wd is not None and when.weekday() != wd:
            attrs["flags"] = flags + ["weekday_mismatch"]
        return _Parts(when.isoformat(), when.isoformat(), when, attrs)

    # a calendar date: day? month? year?
    if m is None and d is not None:
        raise Reject
    if m is not None and d is not None and not _valid(calendar, y, m, d):
        raise Reject
    if y is not None and not (0 < y < 3000):
        raise Reject
    resolved_y = y
    if y is None and ref is not None and m is not None:
        direction = prefer
        if prefer is None and r is None and calendar == "gregorian" and past:
            direction = "past"  # a past clause: the latest on or before the reference
        resolved_y = in_year if in_year is not None else resolve_year(
            m, d, r, to_hijri(ref) if calendar == "hijri" else (ref.year, ref.month, ref.day), direction)
        if far_back and prefer is None and r is None and in_year is None and calendar == "gregorian" and not future \
                and _far_ahead(resolved_y, m, d, ref):
            resolved_y -= 1  # far ahead, outside a future clause: the last one
        if future and prefer is None and r is None and in_year is None and calendar == "gregorian" \
                and _far_behind(resolved_y, m, d, ref):
            # a month or day far behind, in a future clause: the next one («سيزور ... في يناير» in
            # December; ANNOTATION.md takes the year from the reference date and the tense)
            resolved_y += 1
        if wd is not None and d is not None and r is None and in_year is None:
            resolved_y = _year_of_weekday(calendar, resolved_y, m, d, wd, ref)
    shown_y = y if r is None else resolved_y  # a deictic word fixes the year: it goes in the value
    value = iso(shown_y, m, d)
    resolved = None
    when = None
    if d is not None and resolved_y is not None:
        when = _gregorian(calendar, resolved_y, m, d)
        if when is None and y is not None:
            raise Reject
        resolved = when.isoformat() if when else None
    elif m is not None and y is None and resolved_y is not None and calendar == "gregorian":
        resolved = iso(resolved_y, m, None)  # «مطلع آذار»: the month of that year
    elif m is not None and d is None and calendar == "hijri":
        hy = resolved_y
        if y is None and r is None and ref is not None and in_year is None:
            # no year, no deictic word: nearest to the reference (ties to the past); the first
            # not yet ended in a future clause; ``prefer`` when the caller gives one
            hy = resolve_year(m, None, None, to_hijri(ref), prefer or ("future" if future else "nearest"))
        resolved = hijri_month_range(hy, m) if hy is not None else None
    if calendar == "hijri":
        attrs["hijri"] = value
    if when is not None and wd is not None and when.weekday() != wd and (y is not None or ref is not None):
        flags.append("weekday_mismatch")
    if flags:
        attrs["flags"] = flags
    return _Parts(value, resolved, when, attrs)


@builder("date")
def date(ctx: BuildContext, day: FieldView | None = None, month: FieldView | None = None,
         year: FieldView | None = None, alt_month: FieldView | None = None, weekday: FieldView | None = None,
         rel: FieldView | None = None, unit: FieldView | None = None, deictic: FieldView | None = None,
         mod: FieldView | None = None, era: FieldView | None = None, sep1: FieldView | None = None,
         sep2: FieldView | None = None, calendar: str = "gregorian", not_after: str | None = None,
         only_after: str | None = None, offset: int | None = None, year_rel: FieldView | None = None, future_cues: str | None = None, future_prefixes: str | None = None,
         future_exceptions: str | None = None, feast: FieldView | None = None,
         feast_day: FieldView | None = None, this: FieldView | None = None, not_before: str | None = None,
         forward_after: str | None = None, forward_clause: str | None = None,
         forward_skip: str | None = None, count_from: str | None = None,
         joined_after: str | None = None, same_year: FieldView | None = None, tense: str | None = None) -> Any:
    """A date from its fields (all optional, lexicon values where the rule captures a lexicon).

    ``alt_month`` is the second name of a double month («كانون الأول/ ديسمبر»): the first wins
    and a disagreement is flagged ``month_mismatch``. ``sep1``/``sep2`` (numeric dates) must be
    the same character. ``not_after`` / ``only_after`` name lexicons of words that may not /
    must come right before the match (a ``not_after`` entry may be two words: «موقع روسيا»); ``future_*`` name lexicons that mark a future clause,
    which sends a bare weekday forward. ``calendar`` is ``gregorian`` or ``hijri``. ``feast``
    is a lexicon entry whose value is its month and day (``"10-01"``: «عيد الفطر»), and
    ``feast_day`` which of its days («ثالث أيام عيد الفطر»: a time whatever comes before it).
    ``this`` («هذا الخميس») sends a bare weekday to the one on or after the reference date;
    ``not_before`` names lexicons (comma-separated) whose words may not come right after the match.
    ``forward_after`` / ``forward_clause``: a bare weekday right after a word of the first lexicon
    («إلى») in a clause with a word of the second (a verb of moving a date, clitics و ف ل ب allowed:
    «لتأجيل التصويت إلى الثلاثاء»; comma-separated names for several lexicons) is the coming one,
    as in a future clause; ``forward_skip``: a lexicon of words that may stand between («حتى
    مساء الأحد»: a part of the day outside the span). ``count_from="written_year"``: a year unit moved
    by ``rel`` («العام السابق») counts from the last year written earlier in its sentence, when
    there is one («خلال عام 2014 مقارنة بالعام السابق»: 2013), else from the reference date.
    ``same_year`` («من العام نفسه»، «من نفس السنة»): the year is the last one written before the
    match (within its left context), else the date stays without a year.
    ``joined_after`` names the weekday lexicon: a weekday joined by و to one before it («الاثنين
    والثلاثاء») is the day that follows the first one's date.

    ``tense`` names the verbs group of the tense reading (``tense_verbs`` of
    patterns/date_tense.yaml; its particles, cue words and breaks are the ``tense_*`` lexicons
    there; `arabic_rules.tense`): the clause around a bare weekday or a yearless date is read for
    its tense. Past sends a yearless date back (the latest on or before the reference); future
    sends a weekday forward (the first on or after the reference) and a month or a day far behind
    the reference into the next year; a scheduling clause (a date decided on: موعد، قرر) counts as future for a month or a day
    and month, not for a weekday; present (an imperfect alone) sends a bare weekday to the nearer
    one (before or after the reference) and changes nothing for a month. The future cues
    above count as future. Without ``tense`` only the future cues before the match are read.

    A Hijri month without a day or year («شهر رمضان») resolves to the Gregorian days of that month
    (``first/last``): the one nearest the reference date (a tie to the past), the first not yet
    ended in a future clause, the one a deictic word names (الماضي، المقبل), or as ``prefer`` says.
    «نهاية الأسبوع» (``unit`` week, ``mod`` end, no deictic word) said on a Monday or Tuesday outside
    a future clause is the weekend just past, the previous ISO week (news: «هطلت الأمطار خلال نهاية
    الأسبوع» in Monday's paper); otherwise the reference's week.
    """
    if feast_day is None:
        _check_context(ctx, not_after, only_after)
    _check_after(ctx, not_before)
    if same_year is not None and year is None:  # «في ديسمبر من العام نفسه»: the year last written
        written = _WRITTEN_YEAR.findall(ctx.before)
        if written:
            year = FieldView("year", written[-1], int(written[-1]))
    if count_from not in (None, "written_year"):
        raise ValueError(f"count_from={count_from!r}: the only choice is count_from=\"written_year\"")
    if count_from and _val(unit) == "year" and year is None and rel is not None:
        written = _WRITTEN_YEAR.findall(_CLAUSE_END.split(ctx.before)[-1])
        if written:
            y = int(written[-1]) + int(_val(rel))
            year = FieldView("year", str(y), y)
    if feast is not None:
        fm, fd = (int(x) for x in str(feast.value).split("-"))
        fd += (_int(feast_day) or 1) - 1
        month, day = FieldView("month", feast.text, fm), FieldView("day", feast.text, fd)
    if sep1 is not None and sep2 is not None and sep1.text.strip() != sep2.text.strip():
        raise Reject
    hijri_month = calendar == "hijri" and month is not None and day is None
    weekend = (_val(unit) == "week" and rel is None and mod is not None and mod.value == "end"
               and ctx.ref_date is not None and ctx.prefer in (None, "past"))
    yearless = month is not None and year is None and rel is None and year_rel is None and calendar == "gregorian"
    reading = (_clause_tense(ctx, tense, future_cues, future_prefixes, future_exceptions)
               if weekday or hijri_month or weekend or yearless else None)
    # a future clause sends a date forward, a scheduling one (a date decided on: موعد، قرر) a
    # month; a past one sends a yearless date backward (a weekday goes back by default). A present
    # one (an imperfect) says nothing of a month: in news it tells past stories as often as plans;
    # but a bare weekday after an imperfect is the nearer one, before or after the reference (read
    # on 50 such weekdays of the corpus outside the gold sets: 14 announced events the backward
    # default got wrong, one past event the nearer day gets wrong).
    future = reading == "future" or (reading == "scheduled" and month is not None)
    past = reading == "past"
    present = reading == "present"
    if weekday is not None and not future and _moved_to(ctx, forward_after, forward_clause, forward_skip):
        future = True
    first = (_weekday_before(ctx, weekday, joined_after) if weekday is not None and rel is None and month is None
             and deictic is None and unit is None else None)
    if first is not None:  # «الاثنين والثلاثاء»: the second day follows the first
        p0 = _date_parts(ctx, weekday=first, future=future, this=this is not None, present=present)
        if p0.day is not None:
            when = p0.day + _dt.timedelta(days=(_val(weekday) - _val(first)) % 7)
            return Built(when.isoformat(), {**p0.attrs, "resolved": when.isoformat()})
    if weekend and not future and ctx.ref_date.weekday() <= 1:  # Monday, Tuesday: the weekend just past
        rel = FieldView("rel", "", -1)
    p = _date_parts(ctx, day=day, month=month, year=year, alt_month=alt_month, weekday=weekday, rel=rel,
                    unit=unit, deictic=deictic, calendar=calendar, era=era, future=future, offset=offset,
                    year_rel=year_rel, this=this is not None, far_back=True, past=past, present=present)
    attrs = dict(p.attrs)
    if p.resolved is not None:
        attrs["resolved"] = p.resolved
    if mod is not None:
        attrs["mod"] = mod.value
    return Built(p.value, attrs)


@builder("date_year_part")
def date_year_part(ctx: BuildContext, size: FieldView, nth: FieldView, year: FieldView | None = None,
                   unit: FieldView | None = None, rel: FieldView | None = None,
                   era: FieldView | None = None) -> Any:
    """A quarter or a half of a year: ``size`` its months (lexicon value 3 or 6), ``nth`` which one
    (1, 2, ...; -1 the last). The year is ``year``, or the reference year moved by ``rel`` when
    ``unit`` is a year («من العام الماضي»), or left open (X, resolved to the reference year:
    «الأشهر الستة الأولى من العام»). Quarters are ``2015-Q2``, halves the interval of their months
    ``2015-01/2015-06`` (ANNOTATION.md).
    """
    months, k = int(size.value), int(nth.value)
    parts = 12 // months
    if months not in (3, 6) or not (1 <= k <= parts or k == -1):
        raise Reject
    k = parts if k == -1 else k
    if unit is not None and _val(unit) != "year":
        raise Reject
    if era is not None and _val(era) == "hijri":
        raise Reject
    y, ref = _int(year), ctx.ref_date
    if y is None and rel is not None and ref is not None:
        y = ref.year + int(_val(rel) or 0)

    def shown(yy: int | None) -> str:
        ys = "XXXX" if yy is None else f"{yy:04d}"
        if months == 3:
            return f"{ys}-Q{k}"
        return f"{ys}-{(k - 1) * 6 + 1:02d}/{ys}-{k * 6:02d}"

    attrs: dict[str, Any] = {"calendar": "gregorian", "part": "quarter" if months == 3 else "half"}
    if y is None and ref is not None:
        attrs["resolved"] = shown(ref.year)
    return Built(shown(y), attrs)


@builder("date_range")
def date_range(ctx: BuildContext, day1: FieldView | None = None, month1: FieldView | None = None,
               year1: FieldView | None = None, day2: FieldView | None = None, month2: FieldView | None = None,
               year2: FieldView | None = None, alt_month1: FieldView | None = None,
               alt_month2: FieldView | None = None, not_after: str | None = None,
               only_after: str | None = None, not_in_clause: str | None = None,
               rel2: FieldView | None = None, unit2: FieldView | None = None, calendar: str = "gregorian") -> Any:
    """An interval ``start/end`` (ISO 8601): «من 3 إلى 5 آذار» -> ``XXXX-03-03/XXXX-03-05``,
    «بين 2015 و2018» -> ``2015/2018``. Missing start parts come from the end; the start must
    not come after the end. ``not_in_clause`` names a lexicon of words (verbs of moving a date)
    whose presence earlier in the clause makes «من A إلى B» two dates instead of a range.
    ``rel2``, a deictic word after the end («من 12 إلى 16 أكتوبر المقبل»), places both ends;
    with ``unit2`` both days are of that deictic month («من 4 إلى 22 من الشهر الجاري»). An end
    without a year after a start with one («بين حزيران 2014 وكانون الثاني») is in the start's year,
    or in the next one when it comes earlier in the year. ``calendar`` ``hijri``: the days and
    months are Hijri («من 10 إلى 28 شوال»): the value is Hijri, ``resolved`` the Gregorian days."""
    _check_context(ctx, not_after, only_after)
    if not_in_clause:
        words = ctx.lexicons.get(not_in_clause, {})
        if any(w in words or (w[:1] in "وف" and w[1:] in words)  # «وتأجلت»
               for w in _TOKEN.findall(_CLAUSE_END.split(ctx.before)[-1])):
            raise Reject
    m1 = month1 if month1 is not None else (month2 if day1 is not None else None)
    y1 = year1 if year1 is not None else year2
    if (day1 is None) != (day2 is None):
        raise Reject
    if unit2 is not None:
        a = _date_parts(ctx, day=day1, unit=unit2, rel=rel2)
        b = _date_parts(ctx, day=day2, unit=unit2, rel=rel2)
        if a.value.replace("X", "0") >= b.value.replace("X", "0"):
            raise Reject
        return Built(f"{a.value}/{b.value}", {"calendar": "gregorian", **(
            {"resolved": f"{a.resolved}/{b.resolved}"} if a.resolved and b.resolved else {})})
    if year2 is None and rel2 is None and year1 is not None and month1 is not None and month2 is not None:
        # «بين حزيران 2014 وكانون الثاني»: the end in the start's year, or the next when it comes earlier
        later = (_int(month2), _int(day2) or 0) < (_int(month1), _int(day1) or 0)
        year2 = FieldView("year2", str(_int(year1) + later), _int(year1) + later)
    b = _date_parts(ctx, day=day2, month=month2, year=year2, alt_month=alt_month2, rel=rel2, calendar=calendar)
    if rel2 is not None and y1 is None and ctx.ref_date is not None and b.day is not None:
        # the start is in the end's year (a Hijri end: its Hijri year, as written in its value)
        y1 = FieldView("year1", b.value[:4] if calendar == "hijri" else str(b.day.year))
    in_year = None
    if ctx.prefer is not None and y1 is None and b.day is not None and day1 is not None and calendar == "gregorian":
        in_year = b.day.year  # the end resolves as preferred, the start in the same year (or the one before)
        if (_int(m1), _int(day1)) > (b.day.month, b.day.day):
            in_year -= 1
    a = _date_parts(ctx, day=day1, month=m1, year=y1, alt_month=alt_month1, in_year=in_year, calendar=calendar)
    if year1 is None and year2 is not None and month1 is not None and a.value > b.value:
        before = FieldView("year1", str(_int(year2) - 1))  # «من 24 ديسمبر إلى 3 يناير 2022» spans new year
        a = _date_parts(ctx, day=day1, month=m1, year=before, alt_month=alt_month1, calendar=calendar)
    if a.value.replace("X", "0") >= b.value.replace("X", "0"):
        raise Reject
    attrs: dict[str, Any] = {"calendar": a.attrs["calendar"]}
    flags = a.attrs.get("flags", []) + b.attrs.get("flags", [])
    if flags:
        attrs["flags"] = flags
    if a.resolved and b.resolved:
        attrs["resolved"] = f"{a.resolved}/{b.resolved}"
    return Built(f"{a.value}/{b.value}", attrs)


@builder("date_offset")
def date_offset(ctx: BuildContext, ago: FieldView, n: FieldView | None = None, unit: FieldView | None = None,
                dual: FieldView | None = None, one: FieldView | None = None, not_before: str | None = None,
                now: FieldView | None = None, future_cues: str | None = None, future_prefixes: str | None = None,
                future_exceptions: str | None = None) -> Any:
    """A date some days, weeks, months or years before or after the reference date («قبل 3 أيام»،
    «بعد عامين»، «قبل شهر»). ``ago`` is -1 (before) or +1 (after); the count is ``n`` (digits or
    number words, evaluated with the number lexicons) with a ``unit``, or a ``dual`` unit (2), or
    ``one`` unit (1); unit values are day, week, month or year. The value is the date for days, the
    ISO week for weeks, the month or the year for months and years (``attrs.offset``: the signed count,
    ``attrs.unit``); without a reference date the unknown parts are X. With ``future_*`` (the
    lexicons of a future clause, as for weekdays), a count after the reference date («بعد عامين»)
    must start its clause, be in a future clause («سيعود بعد عامين») or say ``now`` («من الآن»):
    in a story told in the past it counts from the story's last event («تلاه بعد سنتين فيلم»)."""
    from .numerals import evaluate

    _check_after(ctx, not_before)
    if int(ago.value) > 0 and future_cues and now is None:
        clause = _CLAUSE_END.split(ctx.before)[-1]
        if clause.strip(" \t\u060c,:\u061b\"'«»()-") and not _future_context(
                ctx, future_cues, future_prefixes, future_exceptions):
            raise Reject
    if dual is not None:
        count, u = 2, dual.value
    elif one is not None:
        count, u = 1, one.value
    elif n is not None and unit is not None:
        count, u = evaluate(n.text, ctx.lexicons, roles=ctx.roles), unit.value
    else:
        raise Reject
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 5000:
        raise Reject
    k = int(ago.value) * count
    attrs: dict[str, Any] = {"calendar": "gregorian", "offset": k, "unit": u}
    ref = ctx.ref_date
    if ref is None:
        return Built({"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}[u], attrs)
    if u in ("day", "week"):
        try:
            when = ref + _dt.timedelta(days=k * (7 if u == "week" else 1))
        except OverflowError:
            raise Reject from None
        if when.year < 1:
            raise Reject
        if u == "week":  # the week it falls in, as «قبل عام» is the year: the grain of the unit
            return Built(iso_week(when), attrs)
        return Built(when.isoformat(), {**attrs, "resolved": when.isoformat()})
    if u == "month":
        y, m = shift_month(ref.year, ref.month, k)
        if y < 1:
            raise Reject
        return Built(iso(y, m, None), attrs)
    if ref.year + k < 1:
        raise Reject
    return Built(iso(ref.year + k, None, None), attrs)


@builder("date_decade")
def date_decade(ctx: BuildContext, decade: FieldView, century: FieldView | None = None,
                mod: FieldView | None = None, era: FieldView | None = None) -> Any:
    """A decade as an interval of years: ``decade`` is its first year in the century (70 for
    «السبعينيات»), ``century`` a lexicon value: 0 or less counts centuries from the reference's
    (-1: «من القرن الماضي»), more is the century's ordinal (20: «من القرن العشرين»). Without a
    century the value keeps XX (``XX70/XX79``) and ``resolved`` is the latest such decade begun by
    the reference date (``prefer``: future, the first not yet ended; nearest, the closer). An
    ``era`` of hijri («السبعينيات الهجرية») counts in Hijri years (``attrs.calendar``)."""
    d = int(decade.value)
    calendar = "hijri" if _val(era) == "hijri" else "gregorian"
    attrs: dict[str, Any] = {"calendar": calendar}
    if mod is not None:
        attrs["mod"] = mod.value
    ref = ctx.ref_date
    if ref is not None and calendar == "hijri":
        ref = _dt.date(to_hijri(ref)[0], 1, 1)  # (only its year counts below)
    c = None if century is None else int(century.value)
    if c is not None and c > 0:
        start = (c - 1) * 100 + d
    elif c is not None:
        if ref is None:
            return Built(f"XX{d:02d}/XX{d + 9:02d}", attrs)
        start = (ref.year // 100 + c) * 100 + d
    else:
        value = f"XX{d:02d}/XX{d + 9:02d}"
        if ref is None:
            return Built(value, attrs)
        past = ref.year // 100 * 100 + d
        if past > ref.year:
            past -= 100
        future = past if past + 9 >= ref.year else past + 100
        start = {"future": future, "nearest": past if ref.year - past - 9 <= future - ref.year else future}.get(
            ctx.prefer or "", past)
        return Built(value, {**attrs, "resolved": f"{start:04d}/{start + 9:04d}"})
    return Built(f"{start:04d}/{start + 9:04d}", attrs)


@builder("date_nth")
def date_nth(ctx: BuildContext, nth: FieldView, weekday: FieldView | None = None, month: FieldView | None = None,
             year: FieldView | None = None, rel: FieldView | None = None, unit: FieldView | None = None,
             era: FieldView | None = None, year_rel: FieldView | None = None) -> Any:
    """The ``nth`` weekday, or day, of a month («آخر خميس من شهر 9»، «أول يوم جمعة من يوليو»،
    «آخر يوم من الشهر الحالي»): ``nth`` 1..5, or -1 for the last; the month is a month name or
    number (with a year, a deictic word, or resolved like any yearless month) or a deictic month
    (``unit`` with ``rel``). Which day it is depends on the year, so a resolved year goes into the
    value; without a year and a reference date, a weekday cannot be placed (rejected)."""
    k = int(nth.value)
    wd = _val(weekday)
    ref = ctx.ref_date
    if unit is not None:
        if unit.value != "month":
            raise Reject
        if ref is None:
            raise Reject
        y, m = shift_month(ref.year, ref.month, _val(rel) or 0)
    else:
        p = _date_parts(ctx, month=month, year=year, rel=rel, era=era, year_rel=year_rel)
        m = _int(month)
        y = _int(year) if year is not None else None
        if y is None and p.resolved is not None:
            y = int(p.resolved[:4])
        elif y is None and p.value[:4] != "XXXX":
            y = int(p.value[:4])
        if p.attrs.get("calendar") != "gregorian" or m is None:
            raise Reject
        if y is None:
            if wd is not None or k < 0:
                raise Reject
            return Built(iso(None, m, k), {"calendar": "gregorian"})
    last = (_dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)).day
    if wd is None:
        d = last if k < 0 else k
    elif k < 0:
        d = last - (_dt.date(y, m, last).weekday() - wd) % 7
    else:
        d = 1 + (wd - _dt.date(y, m, 1).weekday()) % 7 + 7 * (k - 1)
    if not 1 <= d <= last:
        raise Reject
    when = _dt.date(y, m, d)
    return Built(when.isoformat(), {"calendar": "gregorian", "resolved": when.isoformat()})

