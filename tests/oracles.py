"""Independent oracles for property tests of the number and date rule packs.

Written from the grammar of Modern Standard Arabic (news register), not from any rule pack's
lexicons, so that a property test ``extract(render(x)) == x`` checks the rules against a second,
independent source.

* ``cardinal_words(n, gender=..., case=..., variant=...)`` — 0 <= n <= 10**12
* ``ordinal_words(n, gender=..., definite=..., case=...)`` — 1 <= n <= 100
* ``render_date(d, system=..., style=..., rng=...)`` — Arabic date text; ``render_date_with_value``
  also returns the ISO value the date rules must produce for it.

Conventions
-----------
``gender`` is the gender of the *counted noun* ("m" or "f"); Arabic gender polarity then gives
ثلاثة رجال / ثلاث نساء.  ``case`` is "nom", "acc" or "gen" (acc and gen share the oblique forms
-ين / -يْن).  Unvocalized output (news spelling); the only diacritic is the accusative tanween of
the tamyiz (ألفاً) and of indefinite accusative ordinals (ثالثاً), which a variant may drop.
Coordinated parts all take the case of the whole number.  Numbers of scale units above 100 whose
last two digits are 1 or 2 are written additively (101000 → مائة ألف وألف), which is both classical
and easy to parse.
"""

from __future__ import annotations

import datetime as _dt
import random

__all__ = [
    "cardinal_words",
    "ordinal_words",
    "render_date",
    "render_date_with_value",
    "to_digits",
    "MONTHS",
    "WEEKDAYS",
    "DIGIT_SYSTEMS",
]

# --------------------------------------------------------------------------------------------
# helpers

_GENDERS = ("m", "f")
_CASES = ("nom", "acc", "gen")


def _check(gender: str, case: str) -> None:
    if gender not in _GENDERS:
        raise ValueError(f"gender must be 'm' or 'f', not {gender!r}")
    if case not in _CASES:
        raise ValueError(f"case must be 'nom', 'acc' or 'gen', not {case!r}")


def _pick(rng: random.Random | None, options: list[str]) -> str:
    """First option is the canonical one; a Random picks any."""
    if rng is None:
        return options[0]
    return rng.choice(options)


def _drop_hamza(word: str) -> str:
    """Common news spelling: initial أ / إ written as bare alif."""
    if word[:1] in "أإ":
        return "ا" + word[1:]
    return word


# --------------------------------------------------------------------------------------------
# cardinals

# units 3..10: form used with a MASCULINE counted noun (ends in ة) and with a FEMININE one
_UNIT_M = {3: "ثلاثة", 4: "أربعة", 5: "خمسة", 6: "ستة", 7: "سبعة", 8: "ثمانية", 9: "تسعة", 10: "عشرة"}
_UNIT_F = {3: "ثلاث", 4: "أربع", 5: "خمس", 6: "ست", 7: "سبع", 8: "ثمان", 9: "تسع", 10: "عشر"}
_TENS = {2: "عشر", 3: "ثلاث", 4: "أربع", 5: "خمس", 6: "ست", 7: "سبع", 8: "ثمان", 9: "تسع"}


def _tens_word(t: int, case: str) -> str:
    # عشرون / عشرين ... تسعون / تسعين
    return _TENS[t] + ("ون" if case == "nom" else "ين")


def _fem_eight(case: str, rng: random.Random | None) -> str:
    # ثمانٍ (nom/gen) / ثمانيَ (acc); news writes ثماني almost everywhere
    if case == "acc":
        return "ثماني"
    return _pick(rng, ["ثماني", "ثمان"])


def _unit(u: int, gender: str, case: str, rng: random.Random | None, *, in_compound_tens: bool) -> str:
    """1..10 with its counted-noun gender (polarity for 3..10)."""
    if u == 1:
        if gender == "m":
            if case == "acc":                               # واحداً وأربعين
                return _pick(rng, ["واحداً", "واحدا"])
            return "واحد"
        # fem. in 21, 31 ...: إحدى وعشرون (classical) or واحدة وعشرون
        if in_compound_tens:
            return _pick(rng, ["إحدى", "واحدة"])
        return "واحدة"
    if u == 2:
        if gender == "m":
            return "اثنان" if case == "nom" else "اثنين"
        return "اثنتان" if case == "nom" else "اثنتين"
    if gender == "m":
        return _UNIT_M[u]
    if u == 8:
        return _fem_eight(case, rng)
    return _UNIT_F[u]


def _below_100(n: int, gender: str, case: str, rng: random.Random | None) -> str:
    assert 1 <= n <= 99
    if n <= 10:
        return _unit(n, gender, case, rng, in_compound_tens=False)
    if n == 11:
        return "أحد عشر" if gender == "m" else "إحدى عشرة"
    if n == 12:
        if gender == "m":
            return ("اثنا" if case == "nom" else "اثني") + " عشر"
        return ("اثنتا" if case == "nom" else "اثنتي") + " عشرة"
    if n < 20:
        u = n - 10
        if gender == "m":
            return _UNIT_M[u] + " عشر"          # ثلاثة عشر: unit takes ة, عشر does not
        first = "ثماني" if u == 8 else _UNIT_F[u]  # ثماني عشرة
        return first + " عشرة"
    t, u = divmod(n, 10)
    if u == 0:
        return _tens_word(t, case)
    return _unit(u, gender, case, rng, in_compound_tens=True) + " و" + _tens_word(t, case)


def _hundreds(h: int, case: str, rng: random.Random | None, *, construct: bool) -> str:
    """100 * h for 1 <= h <= 9.  ``construct``: directly followed by the noun (مائتا ألف)."""
    mia = _pick(rng, ["مائة", "مئة"])
    if h == 1:
        return mia
    if h == 2:
        stem = mia[:-1] + "ت"  # مائت / مئت
        if construct:
            return stem + ("ا" if case == "nom" else "ي")
        return stem + ("ان" if case == "nom" else "ين")
    # 300..900: the unit in its feminine-noun form (مائة is feminine), joined or separate
    unit = {3: "ثلاث", 4: "أربع", 5: "خمس", 6: "ست", 7: "سبع", 8: "ثمان", 9: "تسع"}[h]
    if h == 8 and rng is not None and rng.random() < 0.3:
        unit = "ثماني"                                   # ثمانيمائة / ثماني مئة
    if rng is not None and rng.random() < 0.35:
        return unit + " " + mia                         # ثلاث مئة
    return unit + mia                                   # ثلاثمائة / ثلاثمئة


def _below_1000(n: int, gender: str, case: str, rng: random.Random | None, *, construct: bool = False) -> str:
    assert 1 <= n <= 999
    h, r = divmod(n, 100)
    parts = []
    if h:
        parts.append(_hundreds(h, case, rng, construct=construct and r == 0))
    if r:
        parts.append(_below_100(r, gender, case, rng))
    return " و".join(parts)


# scale nouns: singular (genitive after 3..10 it is the plural), dual nom/obl, plural,
# singular accusative tamyiz (after 11..99)
_SCALES = {
    10**9: {"sg": "مليار", "du": ("ملياران", "مليارين"), "pl": "مليارات", "acc": "ملياراً"},
    10**6: {"sg": "مليون", "du": ("مليونان", "مليونين"), "pl": "ملايين", "acc": "مليوناً"},
    10**3: {"sg": "ألف", "du": ("ألفان", "ألفين"), "pl": "آلاف", "acc": "ألفاً"},
}


def _scaled(m: int, scale: int, case: str, rng: random.Random | None) -> str:
    """m * scale, 1 <= m <= 999.  The counted noun is the scale word (masculine)."""
    s = _SCALES[scale]
    sg = s["sg"]
    if m == 1:
        return sg
    if m == 2:
        return s["du"][0 if case == "nom" else 1]
    r = m % 100
    if m > 100 and r in (1, 2):
        # مائة ألف وألف / مائتا ألف وألفان
        head = _hundreds(m // 100, case, rng, construct=True) + " " + sg
        return head + " و" + _scaled(r, scale, case, rng)
    if r == 0:
        # مائة ألف، مائتا ألف، ثلاثمائة ألف: hundreds in construct with the singular
        return _below_1000(m, "m", case, rng, construct=True) + " " + sg
    words = _below_1000(m, "m", case, rng)
    if 3 <= r <= 10:
        return words + " " + s["pl"]
    acc = s["acc"]
    if rng is not None and rng.random() < 0.3:
        acc = acc.rstrip("\u064b")                       # ألفا without the tanween mark
    return words + " " + acc


def cardinal_words(n: int, *, gender: str = "m", case: str = "nom", variant: random.Random | None = None) -> str:
    """MSA cardinal for 0 <= n <= 10**12.

    ``gender`` — gender of the counted noun; ``case`` — nom / acc / gen; ``variant`` — a
    ``random.Random`` choosing among accepted spellings (مائة/مئة, ثلاثمائة/ثلاث مئة, إحدى/واحدة,
    ثماني/ثمان, ألفاً/ألفا, bare alif for initial hamza, تريليون/ألف مليار).  ``None`` gives the
    canonical spelling.
    """
    _check(gender, case)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("n must be an int")
    if n < 0 or n > 10**12:
        raise ValueError("0 <= n <= 10**12")
    rng = variant
    if n == 0:
        return "صفر"
    if n == 10**12:
        return _pick(rng, ["تريليون", "ألف مليار"])
    parts = []
    rest = n
    for scale in (10**9, 10**6, 10**3):
        m, rest = divmod(rest, scale)
        if m:
            parts.append(_scaled(m, scale, case, rng))
    if rest:
        parts.append(_below_1000(rest, gender, case, rng))
    text = " و".join(parts)
    if rng is not None and rng.random() < 0.2:
        text = " ".join(_drop_hamza(w) if not w.startswith("و") else "و" + _drop_hamza(w[1:])
                        for w in text.split(" "))
    return text


# --------------------------------------------------------------------------------------------
# ordinals

# masculine stems of 2..10 (الثاني is a manqus: no final ي in indefinite nom/gen: ثانٍ)
_ORD = {2: "ثاني", 3: "ثالث", 4: "رابع", 5: "خامس", 6: "سادس", 7: "سابع", 8: "ثامن", 9: "تاسع", 10: "عاشر"}


def _ord_unit(u: int, gender: str, definite: bool, case: str, *, compound: str) -> str:
    """Ordinal 1..10.  ``compound``: '' alone, 'teen' in 11..19, 'tens' in 21..99."""
    if u == 1:
        if compound:  # الحادي عشر، الحادي والعشرون
            base = "حادي" if gender == "m" else "حادية"
            if not definite and gender == "m" and compound == "tens":
                base = "حادياً" if case == "acc" else "حاد"
            elif not definite and gender == "f" and compound == "tens" and case == "acc":
                base = "حاديةً"
            return ("ال" + base) if definite else base
        base = "أول" if gender == "m" else "أولى"
        return ("ال" + base) if definite else base
    stem = _ORD[u]
    if gender == "f":
        word = stem + "ة"
        if not definite and case == "acc" and compound != "teen":
            word += "\u064b"                               # ثالثةً
        return ("ال" + word) if definite else word
    if definite or compound == "teen":
        return ("ال" + stem) if definite else stem         # الثاني، ثاني عشر
    # indefinite masculine
    if case == "acc":
        return stem + "اً"                                 # ثالثاً، ثانياً
    if u == 2:
        return "ثان"                                       # ثانٍ
    return stem


def ordinal_words(n: int, *, gender: str = "m", definite: bool = True, case: str = "nom") -> str:
    """MSA ordinal for 1 <= n <= 100 (الأول، الحادية عشرة، الثاني والعشرون، المائة)."""
    _check(gender, case)
    if not 1 <= n <= 100:
        raise ValueError("1 <= n <= 100")
    art = "ال" if definite else ""
    if n <= 10:
        return _ord_unit(n, gender, definite, case, compound="")
    if n < 20:
        first = _ord_unit(n - 10, gender, definite, case, compound="teen")
        return first + " " + ("عشر" if gender == "m" else "عشرة")     # indeclinable
    if n == 100:
        return art + "مائة"
    t, u = divmod(n, 10)
    tens = art + _tens_word(t, case)
    if u == 0:
        return tens
    return _ord_unit(u, gender, definite, case, compound="tens") + " و" + tens


# --------------------------------------------------------------------------------------------
# dates

DIGIT_SYSTEMS = {
    "ascii": "0123456789",
    "arabic": "٠١٢٣٤٥٦٧٨٩",    # U+0660..U+0669
    "persian": "۰۱۲۳۴۵۶۷۸۹",   # U+06F0..U+06F9
}


def to_digits(s: str | int, system: str) -> str:
    table = DIGIT_SYSTEMS[system]
    return "".join(table[int(c)] if c.isdigit() else c for c in str(s))


# month -> spellings (first is canonical); index 0 unused
MONTHS = {
    "levantine": [None, ["كانون الثاني"], ["شباط"], ["آذار"], ["نيسان"], ["أيار"], ["حزيران"],
                  ["تموز"], ["آب"], ["أيلول"], ["تشرين الأول"], ["تشرين الثاني"], ["كانون الأول"]],
    "egyptian": [None, ["يناير"], ["فبراير"], ["مارس"], ["أبريل", "إبريل", "ابريل"], ["مايو"],
                 ["يونيو", "يونيه"], ["يوليو", "يوليه"], ["أغسطس", "اغسطس"], ["سبتمبر"],
                 ["أكتوبر", "اكتوبر"], ["نوفمبر"], ["ديسمبر"]],
    "maghreb": [None, ["جانفي"], ["فيفري"], ["مارس"], ["أفريل"], ["ماي"], ["جوان"], ["جويلية"],
                ["أوت"], ["سبتمبر"], ["أكتوبر"], ["نوفمبر"], ["ديسمبر"]],
    "morocco": [None, ["يناير"], ["فبراير"], ["مارس"], ["أبريل"], ["ماي"], ["يونيو"], ["يوليوز"],
                ["غشت"], ["شتنبر"], ["أكتوبر"], ["نونبر"], ["دجنبر"]],
}

# Python weekday(): Monday == 0
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]

SYSTEMS = ("levantine", "egyptian", "maghreb", "morocco", "double_slash", "double_paren")
STYLES = ("dmy", "dm", "my", "ordinal_dmy", "numeric_dmy", "numeric_ymd")


def _month_name(m: int, system: str, rng: random.Random) -> str:
    if system in MONTHS:
        return rng.choice(MONTHS[system][m])
    first, second = rng.sample(["levantine", "egyptian"], 2)
    a = rng.choice(MONTHS[first][m])
    b = rng.choice(MONTHS[second][m])
    if system == "double_slash":
        return a + rng.choice(["/", "/ ", " / "]) + b          # كانون الأول/ ديسمبر
    if system == "double_paren":
        return a + " (" + b + ")"                            # ديسمبر (كانون الأول)
    raise ValueError(f"unknown month system {system!r}")


def render_date_with_value(d: _dt.date, *, system: str = "random", style: str = "random",
                           rng: random.Random | None = None) -> tuple[str, str]:
    """Render ``d`` and return ``(text, iso_value)``; the value is partial for ``dm`` / ``my``.

    systems: levantine, egyptian, maghreb, morocco, double_slash, double_paren, random.
    styles: dmy (9 كانون الأول 2021), dm (9 كانون الأول), my (كانون الأول 2021),
    ordinal_dmy (التاسع من كانون الأول 2021), numeric_dmy (9/12/2021, 09-12-2021, 9.12.2021),
    numeric_ymd (2021/12/09, 2021-12-09), random.  The digit system (ASCII, Arabic-Indic,
    Persian) is random; a weekday prefix matching the real weekday and a م suffix after the
    year are optional.  The whole returned text is the expected date span.
    """
    rng = rng or random.Random()
    if system == "random":
        system = rng.choice(SYSTEMS)
    if style == "random":
        style = rng.choice(STYLES)
    digits = rng.choice(list(DIGIT_SYSTEMS))
    dg = lambda x: to_digits(x, digits)  # noqa: E731
    year = dg(d.year)
    if style in ("dmy", "my", "ordinal_dmy") and rng.random() < 0.25:
        year += rng.choice(["م", " م"])
    if style == "numeric_dmy":
        sep = rng.choice(["/", "-", "."])
        day, mon = (f"{d.day:02d}", f"{d.month:02d}") if rng.random() < 0.5 else (str(d.day), str(d.month))
        return dg(day) + sep + dg(mon) + sep + year, d.isoformat()
    if style == "numeric_ymd":
        sep = rng.choice(["/", "-"])
        return year + sep + dg(f"{d.month:02d}") + sep + dg(f"{d.day:02d}"), d.isoformat()
    month = _month_name(d.month, system, rng)
    if style == "my":
        return month + " " + year, f"{d.year:04d}-{d.month:02d}"
    if style == "ordinal_dmy":
        case = rng.choice(["nom", "gen"])
        day = ordinal_words(d.day, gender="m", definite=True, case=case)
        text = day + " من " + month + " " + year
        value = d.isoformat()
    else:
        day = dg(d.day if rng.random() < 0.7 else f"{d.day:02d}")
        if style == "dm":
            text, value = day + " " + month, f"XXXX-{d.month:02d}-{d.day:02d}"
        else:
            text, value = day + " " + month + " " + year, d.isoformat()
    if rng.random() < 0.3:
        text = rng.choice(["", "يوم "]) + WEEKDAYS[d.weekday()] + " " + text
    return text, value


def render_date(d: _dt.date, *, system: str = "random", style: str = "random",
                rng: random.Random | None = None) -> str:
    """Arabic text for ``d`` (see ``render_date_with_value``)."""
    return render_date_with_value(d, system=system, style=style, rng=rng)[0]
